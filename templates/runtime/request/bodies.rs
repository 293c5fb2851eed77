//! Sending a streamed request body and receiving a streamed response body:
//! the parts of `Request` that multipart uploads and binary downloads need.
//! Included only in crates whose API has them.

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use tokio::time::Instant;

use super::{Outcome, Request};
use crate::download::Download;
use crate::error::{ApiError, Error};

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
            let Some(kept) = kept else {
                return Err(failure(&prepared, outcome));
            };
            let Some(delay) = prepared.retry_delay(&outcome, attempts, start, &method, path, "retrying request") else {
                return Err(failure(&prepared, outcome));
            };
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
