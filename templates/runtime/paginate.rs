//! Walking every page of a paginated list as one stream of items.

use std::collections::VecDeque;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;

use crate::error::{ApiError, Error};
use crate::request::Request;
use crate::retry::RetryPolicy;

type Pending<P, E> = Pin<Box<dyn Future<Output = Result<P, Error<E>>> + Send>>;

/// What a page holds: its items and, for cursor pagination, the next
/// cursor; or why the page has none (a shape the walk cannot follow).
pub type PageParts<T> = Result<(Vec<T>, Option<String>), String>;

/// How the next page is asked for.
enum Fetch<'c, P, E> {
    /// By offset: the argument is the number of items seen so far.
    Offset(Box<dyn Fn(u64) -> Request<'c, P, E> + Send + 'c>),
    /// By cursor: the argument is the previous page's cursor (`None` first).
    Cursor(Box<dyn Fn(Option<String>) -> Request<'c, P, E> + Send + 'c>),
}

/// Where the walk is.
enum Next {
    Offset(u64),
    Cursor(Option<String>),
    Done,
}

/// Every item of a paginated list, page after page: a [`Stream`] of
/// `Result<T, Error<E>>`, also read with [`next_item`](Self::next_item).
///
/// Each page is one request with the options set here (timeout, headers,
/// retry policy), retried as any request is. With offsets, the next offset is
/// the number of items seen, and a page shorter than the page size (the
/// limit you pass, else the first page's length) or empty is the last; with
/// cursors, the walk follows the page's cursor until there is none. The
/// first error is yielded and ends the stream.
#[must_use = "a stream does nothing until polled"]
pub struct Items<'c, P, T, E> {
    fetch: Fetch<'c, P, E>,
    parts: fn(P) -> PageParts<T>,
    page_size: Option<u64>,
    timeout: Option<Duration>,
    headers: Vec<(String, String)>,
    /// `None`: the client's policy; `Some(None)`: no retries.
    retry: Option<Option<RetryPolicy>>,
    buffer: VecDeque<T>,
    pending: Option<Pending<P, E>>,
    next: Next,
}

// Nothing is pinned in place: the page future is boxed.
impl<P, T, E> Unpin for Items<'_, P, T, E> {}

impl<'c, P, T, E> Items<'c, P, T, E> {
    /// Pages by offset; `page_size` is the limit the caller asked for, if any.
    pub(crate) fn offset(
        page_size: Option<u64>,
        fetch: impl Fn(u64) -> Request<'c, P, E> + Send + 'c,
        parts: fn(P) -> PageParts<T>,
    ) -> Self {
        Self::new(Fetch::Offset(Box::new(fetch)), parts, page_size, Next::Offset(0))
    }

    /// Pages by cursor.
    pub(crate) fn cursor(
        fetch: impl Fn(Option<String>) -> Request<'c, P, E> + Send + 'c,
        parts: fn(P) -> PageParts<T>,
    ) -> Self {
        Self::new(Fetch::Cursor(Box::new(fetch)), parts, None, Next::Cursor(None))
    }

    fn new(fetch: Fetch<'c, P, E>, parts: fn(P) -> PageParts<T>, page_size: Option<u64>, next: Next) -> Self {
        Self {
            fetch,
            parts,
            page_size: page_size.filter(|n| *n > 0),
            timeout: None,
            headers: Vec::new(),
            retry: None,
            buffer: VecDeque::new(),
            pending: None,
            next,
        }
    }

    /// How long each page's request may take, replacing the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets a header on every page's request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The retry policy of each page's request, replacing the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(Some(policy));
        self
    }

    /// Never retry a page's request.
    pub fn no_retry(mut self) -> Self {
        self.retry = Some(None);
        self
    }
}

impl<'c, P, T, E> Items<'c, P, T, E>
where
    P: Send + 'static,
    E: ApiError,
{
    /// The next item, `None` after the last one or after an error.
    pub async fn next_item(&mut self) -> Option<Result<T, Error<E>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The request for the next page, with this walk's options.
    fn request(&self) -> Option<Request<'c, P, E>> {
        let mut request = match (&self.next, &self.fetch) {
            (Next::Offset(offset), Fetch::Offset(fetch)) => fetch(*offset),
            (Next::Cursor(cursor), Fetch::Cursor(fetch)) => fetch(cursor.clone()),
            _ => return None,
        };
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request = match &self.retry {
            None => request,
            Some(Some(policy)) => request.retry(policy.clone()),
            Some(None) => request.no_retry(),
        };
        Some(request)
    }

    /// Takes a page in: its items, and where the walk goes next.
    fn take(&mut self, page: P) -> Result<(), Error<E>> {
        let (items, cursor) =
            (self.parts)(page).map_err(|message| Error::Decode { status: 200, body: None, source: message.into() })?;
        let seen = items.len() as u64;
        self.next = match std::mem::replace(&mut self.next, Next::Done) {
            Next::Offset(offset) => {
                let size = *self.page_size.get_or_insert(seen);
                match seen == 0 || seen < size {
                    true => Next::Done,
                    false => Next::Offset(offset + seen),
                }
            }
            Next::Cursor(_) => match cursor.filter(|c| !c.is_empty()) {
                Some(cursor) => Next::Cursor(Some(cursor)),
                None => Next::Done,
            },
            Next::Done => Next::Done,
        };
        self.buffer.extend(items);
        Ok(())
    }
}

impl<P, T, E> Stream for Items<'_, P, T, E>
where
    P: Send + 'static,
    E: ApiError,
{
    type Item = Result<T, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if self.pending.is_none() {
                let Some(request) = self.request() else { return Poll::Ready(None) };
                let future = request.into_future();
                self.pending = Some(future);
            }
            let Some(pending) = self.pending.as_mut() else { return Poll::Ready(None) };
            let page = match pending.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(page) => page,
            };
            self.pending = None;
            if let Err(e) = page.and_then(|page| self.take(page)) {
                self.next = Next::Done;
                return Poll::Ready(Some(Err(e)));
            }
        }
    }
}
