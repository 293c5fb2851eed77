//! Sending a streamed request body and receiving a streamed response body:
//! the parts of `Request` that multipart uploads and binary downloads need.
//! Included only in crates whose API has them.

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use tokio::time::Instant;

use super::{classify, Failure, Outcome, Request};
use crate::download::Download;
use crate::error::{ApiError, Error};
use crate::retry::{RetryEvent, RetryReason};

// A crate has uploads, downloads or both.
#[allow(dead_code)]
impl<T: Send + 'static, E: ApiError> Request<'_, T, E> {
    /// Sends the request with `body` as its body. A streamed body cannot be
    /// replayed, so the request is sent once, whatever the retry policy.
    pub(crate) async fn send_streamed(self, body: reqwest::Body, content_type: HeaderValue) -> Result<T, Error<E>> {
        let (mut prepared, mut request) = self.prepare()?;
        *request.body_mut() = Some(body);
        prepared.content_type = Some(content_type);
        prepared.send(request).await
    }
}

// Only crates with binary responses call it.
#[allow(dead_code)]
impl<E: ApiError> Request<'_, bytes::Bytes, E> {
    /// Sends the request and returns the response as soon as its headers
    /// arrive, its body still to be read: for large files. An error status
    /// is decoded as by `.await`; the request is retried as the policy says
    /// until a success status arrives, never once the body is being read.
    pub async fn download(self) -> Result<Download<E>, Error<E>> {
        let (prepared, mut request) = self.prepare()?;
        let start = Instant::now();
        let mut attempts = 0;
        loop {
            let kept = prepared.retry_policy().and_then(|_| request.try_clone());
            let (method, path) = (request.method().clone(), request.url().path().to_owned());
            prepared.add_headers(request.headers_mut());
            let sent = tokio::time::timeout(prepared.timeout, prepared.client.http().execute(request)).await;
            attempts += 1;
            let outcome = match sent {
                Ok(Ok(response)) if response.status().is_success() => {
                    return Ok(Download::new(response, prepared.timeout));
                }
                Ok(Ok(response)) => error_outcome(response, prepared.client.max_response_bytes()).await,
                Ok(Err(e)) => Outcome::Transport(e),
                Err(_elapsed) => Outcome::Timeout,
            };
            let (Some(policy), Some(kept)) = (prepared.retry_policy(), kept) else {
                return Err(failure(&prepared, outcome));
            };
            let resend = prepared.replay && (prepared.idempotent || policy.retries_non_idempotent());
            let (reason, headers) = match &outcome {
                Outcome::Response { status, headers, .. } => (
                    (resend && policy.retries_status(status.as_u16())).then_some(RetryReason::Status(status.as_u16())),
                    Some(headers),
                ),
                Outcome::Transport(e) => (
                    match classify(e) {
                        Failure::Connect => Some(RetryReason::Connect),
                        Failure::Lost if resend => Some(RetryReason::ConnectionLost),
                        _ => None,
                    }
                    .filter(|_| policy.retries_connection_errors()),
                    None,
                ),
                Outcome::Timeout => {
                    ((resend && policy.retries_connection_errors()).then_some(RetryReason::Timeout), None)
                }
                Outcome::TooLarge { .. } => (None, None),
            };
            let delay = reason.and_then(|_| policy.next_delay(attempts, start.elapsed(), headers));
            let (Some(reason), Some(delay)) = (reason, delay) else {
                return Err(failure(&prepared, outcome));
            };
            tracing::warn!(
                target: "openrouter::retry",
                attempt = attempts,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                reason = %reason,
                method = %method,
                path = %path,
                "retrying request"
            );
            if let Some(hook) = prepared.client.on_retry() {
                hook(&RetryEvent { attempt: attempts, delay, reason, method: method.to_string(), path });
            }
            drop(outcome);
            tokio::time::sleep(delay).await;
            request = kept;
        }
    }
}

/// The error an outcome other than a success status stands for.
fn failure<E: ApiError>(prepared: &super::Prepared<bytes::Bytes>, outcome: Outcome<Vec<u8>>) -> Error<E> {
    match prepared.finish(outcome) {
        Err(e) => e,
        // A success status is returned as a `Download` before this is reached.
        Ok(_) => Error::InvalidRequest("a success response was taken for a failure".to_owned()),
    }
}

/// An error response read whole (up to the client's limit), for decoding.
async fn error_outcome(mut response: reqwest::Response, limit: usize) -> Outcome<Vec<u8>> {
    let status: StatusCode = response.status();
    let headers: HeaderMap = std::mem::take(response.headers_mut());
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() > limit => return Outcome::TooLarge { status },
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => return Outcome::Response { status, headers, body },
            Err(e) => return Outcome::Transport(e),
        }
    }
}
