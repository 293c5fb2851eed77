//! Binary response bodies: whole, or streamed chunk by chunk.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, Sleep};

use crate::error::{ApiError, BoxError, Error};

/// Keeps a binary body as it came, for the operations that return one.
pub fn bytes(body: &[u8]) -> Result<Bytes, BoxError> {
    Ok(Bytes::copy_from_slice(body))
}

type Chunks = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// A binary response being received: its content type and length are known,
/// its body is read chunk by chunk ([`chunk`](Self::chunk), the [`Stream`] of
/// chunks, or [`write_to`](Self::write_to)), so a large file never sits whole
/// in memory. Got from a binary operation's request with
/// [`Request::download`](crate::Request::download).
///
/// Each chunk must arrive within the request's timeout (the client's unless
/// set on the request); a stall is [`Error::Timeout`].
pub struct Download<E> {
    content_type: Option<String>,
    content_length: Option<u64>,
    chunks: Chunks,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
    /// A chunk was asked for and has not come yet: the deadline runs.
    waiting: bool,
    received: u64,
    // `fn() -> E` keeps `Download` Send + Sync whatever `E` is.
    _error: PhantomData<fn() -> E>,
}

impl<E> std::fmt::Debug for Download<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

impl<E: ApiError> Download<E> {
    pub(crate) fn new(response: reqwest::Response, idle: Duration) -> Self {
        let content_type =
            response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Self {
            content_type,
            content_length: response.content_length(),
            chunks: Box::pin(response.bytes_stream()),
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
            waiting: false,
            received: 0,
            _error: PhantomData,
        }
    }

    /// The `Content-Type` the server sent (for audio, the format it chose).
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The `Content-Length` the server sent, when it sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// How many body bytes have been received so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The next chunk of the body; `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error<E>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await.transpose()
    }

    /// The rest of the body, in memory.
    pub async fn bytes(mut self) -> Result<Bytes, Error<E>> {
        let mut all = Vec::with_capacity(self.content_length.unwrap_or(0).min(1 << 24) as usize);
        while let Some(chunk) = self.chunk().await? {
            all.extend_from_slice(&chunk);
        }
        Ok(all.into())
    }

    /// Writes the rest of the body to `out` as it arrives, then flushes it;
    /// returns the number of bytes written. A failure to write is an
    /// [`std::io::Error`]; a failure to receive, the [`Error`] inside one
    /// (`io::Error::get_ref`).
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(mut self, out: &mut W) -> std::io::Result<u64> {
        let mut written = 0;
        while let Some(chunk) = self.chunk().await.map_err(std::io::Error::other)? {
            out.write_all(&chunk).await?;
            written += chunk.len() as u64;
        }
        out.flush().await?;
        Ok(written)
    }
}

impl<E: ApiError> Stream for Download<E> {
    type Item = Result<Bytes, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // The idle time counts from when a chunk is asked for, not while the caller is busy.
        if !self.waiting {
            self.waiting = true;
            let next = Instant::now() + self.idle;
            self.deadline.as_mut().reset(next);
        }
        let polled = self.chunks.as_mut().poll_next(cx);
        if polled.is_ready() {
            self.waiting = false;
        }
        match polled {
            Poll::Ready(Some(Ok(chunk))) => {
                self.received += chunk.len() as u64;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(Error::Transport(e)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    self.waiting = false;
                    Poll::Ready(Some(Err(Error::Timeout { after: self.idle })))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}
