//! Server-sent events as typed streams: the streaming methods' [`EventStream`].
//!
//! A child of `request`, included only in crates with a streaming operation, so it
//! opens the stream with the same request, headers, retry policy and error
//! decoding as a plain call, and only the success body is read differently.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use eventsource_stream::{EventStreamError, Eventsource};
use futures_core::Stream;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use tokio::time::{Instant, Sleep};

use super::{Outcome, Prepared, Request};
use crate::error::{excerpt, printable, ApiError, BoxError, Error};

/// One item of an [`EventStream`].
///
/// The response's `Content-Type` decides what a streaming call yields, not the
/// request: a server that cannot stream (some providers ignore the stream flag)
/// answers with the whole JSON response instead, which arrives as one
/// [`Complete`](StreamItem::Complete) item, and then the stream ends.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem<T, F> {
    /// One event's `data`, decoded.
    Event(T),
    /// The whole response, answered as JSON instead of an event stream.
    Complete(F),
}

impl<T, F> StreamItem<T, F> {
    /// The event, if this item is one.
    pub fn event(self) -> Option<T> {
        match self {
            Self::Event(t) => Some(t),
            Self::Complete(_) => None,
        }
    }
}

/// An error the server reported inside a stream: a `data:` event whose JSON
/// holds an `error` object, sent after the `200` status was.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ErrorEvent {
    /// The error's code, as the server wrote it (a number or a string).
    #[serde(default)]
    pub code: Option<serde_json::Value>,
    /// The error's message.
    #[serde(default)]
    pub message: String,
    /// Anything else the server attached (such as the provider's own error).
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
}

/// Why an [`EventStream`] yielded an error. After any variant but
/// [`Decode`](StreamError::Decode) the stream ends.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError<E> {
    /// The stream could not be opened: an error status (decoded as for the
    /// plain call), no connection, no response within the timeout, an invalid
    /// request. The retry policy has been applied.
    Open(Error<E>),
    /// The server reported an error mid-stream.
    Event(ErrorEvent),
    /// One event's `data` does not match the schema; the stream goes on.
    Decode {
        /// The event's type (`event:`; `message` when it has none).
        event: String,
        /// The event's `id:`, if any.
        id: Option<String>,
        /// The start of the event's `data` (at most 2 KiB), or `None` when the
        /// operation's events carry a credential.
        data: Option<String>,
        /// What did not match, with the path of the value.
        source: BoxError,
    },
    /// The connection ended before the end-of-stream marker (such as
    /// `[DONE]`) arrived: the answer is truncated.
    Incomplete,
    /// Nothing arrived within the idle timeout.
    IdleTimeout {
        /// The idle timeout.
        after: Duration,
    },
    /// The connection broke while the stream was being read.
    Transport(reqwest::Error),
    /// The bytes are not a valid event stream (invalid UTF-8).
    Malformed(String),
}

impl<E: ApiError> StreamError<E> {
    /// The HTTP status, when the stream could not be opened because of one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Open(e) => e.status(),
            _ => None,
        }
    }
}

impl<E> From<Error<E>> for StreamError<E> {
    fn from(e: Error<E>) -> Self {
        Self::Open(e)
    }
}

impl<E: ApiError> std::fmt::Display for StreamError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Open(e) => write!(f, "the stream could not be opened: {e}"),
            Self::Event(e) => {
                write!(f, "the server reported an error mid-stream")?;
                if let Some(code) = &e.code {
                    write!(f, " ({})", printable(&code.to_string()))?;
                }
                write!(f, ": {}", printable(&e.message))
            }
            Self::Decode { event, source, .. } => write!(
                f,
                "event `{}` does not match the API schema: {}",
                printable(event),
                printable(&source.to_string())
            ),
            Self::Incomplete => f.write_str("the stream ended before its end-of-stream marker"),
            Self::IdleTimeout { after } => write!(f, "no data within the idle timeout of {after:?}"),
            Self::Transport(e) => write!(f, "the stream broke: {}", printable(&e.to_string())),
            Self::Malformed(why) => write!(f, "the response is not a valid event stream: {}", printable(why)),
        }
    }
}

impl<E: ApiError> std::error::Error for StreamError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Open(e) => Some(e),
            Self::Decode { source, .. } => Some(source.as_ref()),
            Self::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// What a streaming call's open answered.
enum Body {
    /// A 2XX event stream, not read yet.
    Events(reqwest::Response),
    /// Anything else, read whole.
    Whole(Vec<u8>),
}

/// The errors of the byte stream under the SSE parser.
#[derive(Debug)]
enum Bytes {
    Transport(reqwest::Error),
    Idle,
}

impl std::fmt::Display for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bytes::Transport(e) => e.fmt(f),
            Bytes::Idle => f.write_str("idle timeout"),
        }
    }
}

impl std::error::Error for Bytes {}

/// The response's bytes, failing with [`Bytes::Idle`] when none arrive within
/// `idle` (comment lines count: servers send them to show they are alive).
struct IdleBytes<S> {
    inner: S,
    sleep: Pin<Box<Sleep>>,
    idle: Duration,
}

impl<S, B> Stream for IdleBytes<S>
where
    S: Stream<Item = reqwest::Result<B>> + Unpin,
{
    type Item = Result<B, Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                let deadline = Instant::now() + this.idle;
                this.sleep.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(bytes)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(Bytes::Transport(e)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                ready!(this.sleep.as_mut().poll(cx));
                Poll::Ready(Some(Err(Bytes::Idle)))
            }
        }
    }
}

type Events = Pin<Box<dyn Stream<Item = Result<eventsource_stream::Event, EventStreamError<Bytes>>> + Send>>;
type Opening<F, E> = Pin<Box<dyn Future<Output = Result<Opened<F>, Error<E>>> + Send>>;

/// An opened streaming call.
enum Opened<F> {
    Events(reqwest::Response),
    Complete(F),
}

enum State<'c, F, E> {
    /// Not sent yet: the options can still change. Boxed: the other states
    /// are small.
    Unsent(Box<Request<'c, F, E>>),
    Opening(Opening<F, E>),
    Events(Events),
    Done,
}

/// The stream of a streaming method: each server-sent event's `data`, decoded
/// as `T`, as the bytes arrive.
///
/// Nothing is sent until the stream is first polled; until then the per-call
/// options ([`header`](Self::header), [`timeout`](Self::timeout),
/// [`idle_timeout`](Self::idle_timeout), [`retry`](Self::retry)) can be set.
/// The retry policy applies to opening the stream (until the status arrives),
/// never to a stream already delivering events. Dropping the stream closes
/// the connection.
///
/// Comment lines (`: OPENROUTER PROCESSING`) are skipped; the end-of-stream
/// marker (`[DONE]`) ends the stream, and a connection that ends without it
/// yields [`StreamError::Incomplete`]. `T` is the event, `F` the whole JSON
/// response (see [`StreamItem`]), `E` the operation's documented errors.
///
/// ```no_run
/// # async fn run(mut stream: openrouter::EventStream<'_, serde_json::Value, (), impl openrouter::ApiError>) {
/// while let Some(item) = stream.next().await {
///     match item {
///         Ok(openrouter::StreamItem::Event(event)) => println!("{event}"),
///         Ok(openrouter::StreamItem::Complete(_whole)) => println!("answered as JSON"),
///         Err(e) => eprintln!("{e}"),
///     }
/// }
/// # }
/// ```
#[must_use = "a stream does nothing until it is polled"]
pub struct EventStream<'c, T, F, E> {
    state: State<'c, F, E>,
    sentinel: Option<&'static str>,
    request_field: Option<&'static str>,
    idle: Option<Duration>,
    /// The events carry a credential: errors keep none of their text.
    sensitive: bool,
    _event: PhantomData<fn() -> T>,
}

impl<'c, T, F, E> EventStream<'c, T, F, E> {
    /// The stream of `request` (the operation's plain call, whose decoder reads
    /// a JSON answer). `sentinel` is the `data` that ends the stream;
    /// `request_field` the body's boolean property that asks for a stream,
    /// set to `true` here.
    pub fn new(
        request: Request<'c, F, E>,
        sentinel: Option<&'static str>,
        request_field: Option<&'static str>,
    ) -> Self {
        let sensitive = request.sensitive_response;
        Self {
            state: State::Unsent(Box::new(request)),
            sentinel,
            request_field,
            idle: None,
            sensitive,
            _event: PhantomData,
        }
    }

    fn map_request(mut self, f: impl FnOnce(Request<'c, F, E>) -> Request<'c, F, E>) -> Self {
        if let State::Unsent(request) = std::mem::replace(&mut self.state, State::Done) {
            self.state = State::Unsent(Box::new(f(*request)));
        }
        self
    }

    /// Sets a header on this call only (see [`Request::header`]).
    pub fn header(self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.map_request(|r| r.header(name, value))
    }

    /// How long to wait for the response's status and headers (the
    /// connect and first-byte timeout), replacing the client's timeout. It
    /// bounds each attempt to open the stream, not the stream itself.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map_request(|r| r.timeout(timeout))
    }

    /// How long the stream may stay silent between two pieces of data before
    /// it fails with [`StreamError::IdleTimeout`]; by default the call's
    /// [`timeout`](Self::timeout). There is no limit on the whole stream, so a
    /// long generation is never cut.
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle = Some(idle);
        self
    }

    /// The retry policy of opening this stream, replacing the client's.
    pub fn retry(self, policy: crate::RetryPolicy) -> Self {
        self.map_request(|r| r.retry(policy))
    }

    /// Never retry opening this stream.
    pub fn no_retry(self) -> Self {
        self.map_request(Request::no_retry)
    }
}

impl<T, F, E> EventStream<'_, T, F, E>
where
    T: DeserializeOwned,
    F: Send + 'static,
    E: ApiError,
{
    /// The next item, or `None` at the end: the same as `StreamExt::next`,
    /// without needing the `futures` crate.
    pub async fn next(&mut self) -> Option<Result<StreamItem<T, F>, StreamError<E>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Sends the request: asks for an event stream (`Accept`, and the body's
    /// stream field) and opens it.
    fn open(&mut self, mut request: Request<'_, F, E>) -> Opening<F, E> {
        let accept = HeaderValue::from_static("text/event-stream, application/json");
        request.headers.insert(ACCEPT, accept);
        if let Some(field) = self.request_field {
            request = with_field(request, field);
        }
        match request.prepare() {
            Ok((prepared, request)) => {
                self.idle.get_or_insert(prepared.timeout);
                Box::pin(prepared.open(request))
            }
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    /// The item for one event: `None` to skip it; `Some(Err)` for an error
    /// event, which ends the stream.
    fn event(&self, event: eventsource_stream::Event) -> Option<Result<StreamItem<T, F>, StreamError<E>>> {
        let data = event.data.as_str();
        // The probe costs a second parse only for the events that may carry one.
        if data.contains("\"error\"") {
            #[derive(serde::Deserialize)]
            struct Probe {
                error: Option<ErrorEvent>,
            }
            if let Ok(Probe { error: Some(error) }) = serde_json::from_str::<Probe>(data) {
                return Some(Err(StreamError::Event(error)));
            }
        }
        Some(match serde_json::from_str::<T>(data) {
            Ok(t) => Ok(StreamItem::Event(t)),
            Err(_) => {
                // Decoded again, for the path of the value that does not fit.
                let mut de = serde_json::Deserializer::from_str(data);
                let source: BoxError = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                    Err(e) if self.sensitive => {
                        format!("{}: the value does not match (details withheld: it carries a credential)", e.path())
                            .into()
                    }
                    Err(e) => Box::new(e),
                    Ok(_) => "the data does not match".into(),
                };
                Err(StreamError::Decode {
                    event: event.event,
                    id: (!event.id.is_empty()).then_some(event.id),
                    data: (!self.sensitive).then(|| excerpt(data.as_bytes())),
                    source,
                })
            }
        })
    }
}

impl<T, F, E> Stream for EventStream<'_, T, F, E>
where
    T: DeserializeOwned,
    F: Send + 'static,
    E: ApiError,
{
    type Item = Result<StreamItem<T, F>, StreamError<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            match &mut this.state {
                State::Unsent(_) => {
                    let State::Unsent(request) = std::mem::replace(&mut this.state, State::Done) else {
                        unreachable!()
                    };
                    this.state = State::Opening(this.open(*request));
                }
                State::Opening(opening) => {
                    let opened = ready!(opening.as_mut().poll(cx));
                    this.state = State::Done;
                    match opened {
                        Ok(Opened::Events(response)) => {
                            let idle = this.idle.unwrap_or(Duration::from_secs(60));
                            let bytes = IdleBytes {
                                inner: Box::pin(response.bytes_stream()),
                                sleep: Box::pin(tokio::time::sleep(idle)),
                                idle,
                            };
                            this.state = State::Events(Box::pin(bytes.eventsource()));
                        }
                        Ok(Opened::Complete(whole)) => return Poll::Ready(Some(Ok(StreamItem::Complete(whole)))),
                        Err(e) => return Poll::Ready(Some(Err(StreamError::Open(e)))),
                    }
                }
                State::Events(events) => {
                    let item = match ready!(events.as_mut().poll_next(cx)) {
                        Some(Ok(event)) if this.sentinel == Some(event.data.as_str()) => None,
                        // An event without data is not dispatched (the SSE rules).
                        Some(Ok(event)) if event.data.is_empty() => continue,
                        Some(Ok(event)) => match this.event(event) {
                            Some(Ok(item)) => return Poll::Ready(Some(Ok(item))),
                            Some(Err(e @ StreamError::Decode { .. })) => return Poll::Ready(Some(Err(e))),
                            other => other,
                        },
                        Some(Err(EventStreamError::Transport(Bytes::Idle))) => {
                            Some(Err(StreamError::IdleTimeout { after: this.idle.unwrap_or_default() }))
                        }
                        Some(Err(EventStreamError::Transport(Bytes::Transport(e)))) => {
                            Some(Err(StreamError::Transport(e)))
                        }
                        Some(Err(e)) => Some(Err(StreamError::Malformed(e.to_string()))),
                        None if this.sentinel.is_some() => Some(Err(StreamError::Incomplete)),
                        None => None,
                    };
                    // Everything but a decoded event or a bad one ends the stream
                    // (and closes the connection).
                    this.state = State::Done;
                    return Poll::Ready(item);
                }
                State::Done => return Poll::Ready(None),
            }
        }
    }
}

/// `request` with `field: true` in its JSON body object (an absent body is
/// an empty object).
fn with_field<'c, F, E>(mut request: Request<'c, F, E>, field: &str) -> Request<'c, F, E> {
    let body = request.body.take();
    let object = match body.as_deref().map(serde_json::from_slice::<serde_json::Value>) {
        None => Ok(serde_json::Map::new()),
        Some(Ok(serde_json::Value::Object(map))) => Ok(map),
        Some(_) => Err(()),
    };
    match object {
        Ok(mut map) => {
            map.insert(field.to_owned(), serde_json::Value::Bool(true));
            request.json(&map)
        }
        Err(()) => request.invalid(format!("the request body must be a JSON object to set `{field}`")),
    }
}

impl<F> Prepared<F> {
    /// Opens the stream, retrying as the policy says while no event has
    /// arrived; an answer that is not a 2XX event stream is read whole and
    /// decoded as the plain call would.
    async fn open<E: ApiError>(self, mut request: reqwest::Request) -> Result<Opened<F>, Error<E>> {
        let start = Instant::now();
        let mut attempts = 0;
        loop {
            let kept = self.retry_policy().and_then(|_| request.try_clone());
            let method = request.method().clone();
            let path = request.url().path().to_owned();
            self.add_headers(request.headers_mut());
            let outcome = self.attempt_stream(request).await;
            attempts += 1;
            let outcome = match outcome {
                Outcome::Response { body: Body::Events(response), .. } => return Ok(Opened::Events(response)),
                Outcome::Response { status, headers, body: Body::Whole(body) } => {
                    Outcome::Response { status, headers, body }
                }
                Outcome::TooLarge { status } => Outcome::TooLarge { status },
                Outcome::Transport(e) => Outcome::Transport(e),
                Outcome::Timeout => Outcome::Timeout,
            };
            let Some(kept) = kept else {
                return self.finish(outcome).map(Opened::Complete);
            };
            let what = "retrying the opening of a stream";
            let Some(delay) = self.retry_delay(&outcome, attempts, start, &method, path, what) else {
                return self.finish(outcome).map(Opened::Complete);
            };
            drop(outcome);
            tokio::time::sleep(delay).await;
            request = kept;
        }
    }

    /// One attempt: the timeout covers the status and headers of an event
    /// stream (its events have the idle timeout), or the whole of any other
    /// answer.
    async fn attempt_stream(&self, request: reqwest::Request) -> Outcome<Body> {
        let limit = self.client.max_response_bytes();
        let exchange = async {
            let mut response = self.client.http().execute(request).await?;
            let status = response.status();
            let events = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.split(';').next().is_some_and(|e| e.trim().eq_ignore_ascii_case("text/event-stream"))
            });
            if status.is_success() && events {
                return Ok(Outcome::Response { status, headers: HeaderMap::new(), body: Body::Events(response) });
            }
            let headers = std::mem::take(response.headers_mut());
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                if body.len() + chunk.len() > limit {
                    return Ok(Outcome::TooLarge { status });
                }
                body.extend_from_slice(&chunk);
            }
            Ok::<_, reqwest::Error>(Outcome::Response { status, headers, body: Body::Whole(body) })
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(e)) if e.is_timeout() && !e.is_connect() => Outcome::Timeout,
            Ok(Err(e)) => Outcome::Transport(e),
            Err(_elapsed) => Outcome::Timeout,
        }
    }
}
