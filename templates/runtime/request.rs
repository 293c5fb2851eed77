//! One pending API call: per-request options, sending, retrying, decoding.

use std::borrow::Cow;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use tokio::time::Instant;

use crate::client::Client;
use crate::error::{excerpt, ApiError, BoxError, Error};
use crate::retry::{RetryEvent, RetryPolicy, RetryReason};

/// Decoders for success bodies, chosen per operation by the generated code.
pub mod decode {
    use crate::error::BoxError;

    /// Decodes a JSON body; the error names the path of the value that did not fit
    /// (`choices[0].message: missing field \`role\``).
    pub fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, BoxError> {
        let mut de = serde_json::Deserializer::from_slice(body);
        Ok(serde_path_to_error::deserialize(&mut de)?)
    }

    /// Decodes a UTF-8 text body.
    pub fn text(body: &[u8]) -> Result<String, BoxError> {
        Ok(String::from_utf8(body.to_vec())?)
    }

    /// Keeps the raw bytes of a body that is neither JSON nor text.
    pub fn bytes(body: &[u8]) -> Result<Vec<u8>, BoxError> {
        Ok(body.to_vec())
    }

    /// Ignores the body, for operations that document none.
    pub fn empty(_body: &[u8]) -> Result<(), BoxError> {
        Ok(())
    }
}

/// Percent-encodes a path parameter so it stays one path segment.
fn encode_path(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// How a parameter value is written: OpenAPI's `style`, chosen per parameter by
/// the generated code (with `explode`).
// A spec uses only some of the styles.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Query: `name=a&name=b` (exploded) or `name=a,b`.
    Form,
    /// Query: `name=a%20b`.
    SpaceDelimited,
    /// Query: `name=a|b`.
    PipeDelimited,
    /// Query: `name[key]=value`.
    DeepObject,
    /// Path and header: `a,b`; objects `k,v` or, exploded, `k=v`.
    Simple,
    /// Path: `.a.b` (exploded) or `.a,b`.
    Label,
    /// Path: `;name=a;name=b` (exploded) or `;name=a,b`.
    Matrix,
}

/// Parameter values by their wire form: a value is serialized with serde (so
/// an enum is written as its wire value, whatever its Rust name), then laid out
/// as its style says.
// Only specs with parameters of some kind call each function.
#[allow(dead_code)]
mod param {
    use super::Style;
    use serde_json::Value;

    /// The text of a scalar: strings as they are, numbers and booleans as JSON
    /// writes them; a list or object nested where the style has no form for it
    /// is written as compact JSON.
    pub(crate) fn scalar(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }

    /// The query pairs of one parameter; `null` sends nothing.
    pub(crate) fn query_pairs(name: &str, v: &Value, style: Style, explode: bool) -> Vec<(String, String)> {
        let one = |value: String| vec![(name.to_owned(), value)];
        match v {
            Value::Null => Vec::new(),
            Value::Array(items) => {
                let texts = items.iter().map(scalar);
                match style {
                    Style::SpaceDelimited if !explode => one(texts.collect::<Vec<_>>().join(" ")),
                    Style::PipeDelimited if !explode => one(texts.collect::<Vec<_>>().join("|")),
                    _ if explode => texts.map(|t| (name.to_owned(), t)).collect(),
                    _ => one(texts.collect::<Vec<_>>().join(",")),
                }
            }
            Value::Object(fields) => {
                // A field without a value is left out, as if absent.
                let fields = fields.iter().filter(|(_, x)| !x.is_null());
                match style {
                    Style::DeepObject => fields.map(|(k, x)| (format!("{name}[{k}]"), scalar(x))).collect(),
                    _ if explode => fields.map(|(k, x)| (k.clone(), scalar(x))).collect(),
                    _ => one(fields.flat_map(|(k, x)| [k.clone(), scalar(x)]).collect::<Vec<_>>().join(",")),
                }
            }
            scalar_value => one(scalar(scalar_value)),
        }
    }

    /// A path or header value: simple, label or matrix style, each piece
    /// passed through `encode` (separators are not).
    pub(crate) fn text(name: &str, v: &Value, style: Style, explode: bool, encode: fn(&str) -> String) -> String {
        let pieces: Vec<(Option<String>, String)> = match v {
            Value::Array(items) => items.iter().map(|x| (None, encode(&scalar(x)))).collect(),
            Value::Object(fields) => fields
                .iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (Some(encode(k)), encode(&scalar(x))))
                .collect(),
            other => vec![(None, encode(&scalar(other)))],
        };
        let is_object = v.is_object();
        // Exploded objects are `k=v` pieces; otherwise keys and values alternate.
        let flat: Vec<String> = pieces
            .into_iter()
            .flat_map(|(k, x)| match (k, explode) {
                (Some(k), true) => vec![format!("{k}={x}")],
                (Some(k), false) => vec![k, x],
                (None, _) => vec![x],
            })
            .collect();
        let name = encode(name);
        match style {
            Style::Label if explode => flat.iter().map(|x| format!(".{x}")).collect(),
            Style::Label => format!(".{}", flat.join(",")),
            Style::Matrix if explode && is_object => flat.iter().map(|x| format!(";{x}")).collect(),
            Style::Matrix if explode => flat.iter().map(|x| format!(";{name}={x}")).collect(),
            Style::Matrix => format!(";{name}={}", flat.join(",")),
            _ => flat.join(","),
        }
    }
}

/// One API call, returned by each operation method: set per-request options,
/// then `.await` it to send it.
///
/// ```no_run
/// # async fn run(request: openrouter::Request<'_, (), impl openrouter::ApiError>) {
/// use std::time::Duration;
///
/// let result = request
///     .timeout(Duration::from_secs(5))
///     .header("X-Request-Id", "42")
///     .await;
/// # }
/// ```
///
/// `T` is the decoded success body, `E` the operation's documented errors.
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<'c, T, E> {
    client: &'c Client,
    method: Method,
    path: Cow<'static, str>,
    query: Vec<(String, String)>,
    /// Set with [`header`](Self::header); never holds `Content-Type` while
    /// `content_type` is set.
    headers: HeaderMap,
    /// The `Content-Type` of `body`, kept apart so that the common request
    /// (a JSON body, no extra headers) needs no header map of its own.
    content_type: Option<HeaderValue>,
    body: Option<Vec<u8>>,
    decode: fn(&[u8]) -> Result<T, BoxError>,
    timeout: Option<Duration>,
    /// `None`: the client's policy; `Some(None)`: no retries.
    retry: Option<Option<RetryPolicy>>,
    /// The first problem found while building; reported instead of sending.
    invalid: Option<String>,
    /// The success body carries a credential: errors keep none of it.
    sensitive_response: bool,
    /// The request carries a single-use credential: never resent once it may
    /// have reached the server.
    no_replay: bool,
    // `fn() -> E` keeps `Request` Send + Sync whatever `E` is.
    _error: PhantomData<fn() -> E>,
}

impl<'c, T, E> Request<'c, T, E> {
    /// A request for `path` (already holding its path parameters) relative to
    /// the client's base URL; `decode` turns a 2xx body into `T`. A path
    /// without parameters is a `&'static str` and costs no allocation.
    pub fn new(
        client: &'c Client,
        method: Method,
        path: impl Into<Cow<'static, str>>,
        decode: fn(&[u8]) -> Result<T, BoxError>,
    ) -> Self {
        Self {
            client,
            method,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            content_type: None,
            body: None,
            decode,
            timeout: None,
            retry: None,
            invalid: None,
            sensitive_response: false,
            no_replay: false,
            _error: PhantomData,
        }
    }

    /// Adds a query parameter; repeat the name for array values.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sets a header parameter of the operation.
    pub fn header_param(self, name: &str, value: impl AsRef<str>) -> Self {
        self.header(name, value)
    }

    /// The value of parameter `name` as JSON, or why it cannot be.
    fn param_json<V: Serialize + ?Sized>(name: &str, value: &V) -> Result<serde_json::Value, String> {
        serde_json::to_value(value).map_err(|e| format!("parameter `{name}` cannot be serialized: {e}"))
    }

    /// Adds query parameter `name`, laid out as `style` and `explode` say.
    // Only specs with query parameters call it.
    #[allow(dead_code)]
    pub(crate) fn query_param<V: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &V,
        style: Style,
        explode: bool,
    ) -> Self {
        match Self::param_json(name, value) {
            Ok(v) => {
                self.query.extend(param::query_pairs(name, &v, style, explode));
                self
            }
            Err(message) => self.invalid(message),
        }
    }

    /// Sets header parameter `name` (simple style).
    // Only specs with header parameters call it.
    #[allow(dead_code)]
    pub(crate) fn header_value<V: Serialize + ?Sized>(self, name: &str, value: &V, explode: bool) -> Self {
        match Self::param_json(name, value) {
            Ok(serde_json::Value::Null) => self,
            Ok(v) => {
                let text = param::text(name, &v, Style::Simple, explode, str::to_owned);
                self.header(name, text)
            }
            Err(message) => self.invalid(message),
        }
    }

    /// Puts path parameter `name` in place of `{name}` in the path,
    /// percent-encoded, laid out as `style` and `explode` say.
    // Only specs with path parameters call it.
    #[allow(dead_code)]
    pub(crate) fn path_param<V: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &V,
        style: Style,
        explode: bool,
    ) -> Self {
        match Self::param_json(name, value) {
            Ok(v) => {
                let text = param::text(name, &v, style, explode, encode_path);
                let placeholder = format!("{{{name}}}");
                self.path = Cow::Owned(self.path.replace(&placeholder, &text));
                self
            }
            Err(message) => self.invalid(message),
        }
    }

    /// Sets a header on this request only, replacing a client default of the
    /// same name. An invalid name or value fails the request when awaited.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value.as_ref())) {
            (Ok(header), Ok(value)) => {
                if header == CONTENT_TYPE {
                    self.content_type = None;
                }
                self.headers.insert(header, value);
                self
            }
            // The value is left out of the message: it may be a secret.
            (Err(_), _) => self.invalid(format!("invalid header name `{name}`")),
            (_, Err(_)) => {
                self.invalid(format!("the value of header `{name}` contains characters not allowed in an HTTP header"))
            }
        }
    }

    /// Sets a JSON body. It is serialized now; a failure fails the request
    /// when awaited.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body(bytes, HeaderValue::from_static("application/json")),
            Err(e) => {
                self.body = None;
                self.invalid(format!("the request body cannot be serialized as JSON: {e}"))
            }
        }
    }

    /// Sets a `text/plain` body.
    pub fn text(self, body: String) -> Self {
        self.body(body.into_bytes(), HeaderValue::from_static("text/plain; charset=utf-8"))
    }

    /// Sets a raw body of the given media type.
    pub fn bytes(self, body: Vec<u8>, content_type: &str) -> Self {
        match HeaderValue::from_str(content_type) {
            Ok(value) => self.body(body, value),
            Err(_) => self.invalid(format!("invalid content type `{content_type}`")),
        }
    }

    fn body(mut self, bytes: Vec<u8>, content_type: HeaderValue) -> Self {
        self.body = Some(bytes);
        self.headers.remove(CONTENT_TYPE);
        self.content_type = Some(content_type);
        self
    }

    /// Marks the request as invalid: awaiting it returns
    /// [`Error::InvalidRequest`] with this message and sends nothing. The
    /// first message is kept.
    pub fn invalid(mut self, message: String) -> Self {
        self.invalid.get_or_insert(message);
        self
    }

    /// How long one attempt may take, replacing the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy of this request, replacing the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(Some(policy));
        self
    }

    /// Never retry this request.
    pub fn no_retry(mut self) -> Self {
        self.retry = Some(None);
        self
    }

    /// Marks the success body as carrying a credential (such as a new API
    /// key): an [`Error::Decode`] then keeps none of the body, and its source
    /// only says where the body did not match. The generated methods call
    /// this for responses with `format: password` fields.
    pub fn sensitive_response(mut self) -> Self {
        self.sensitive_response = true;
        self
    }

    /// Marks the request as carrying a single-use credential (such as an
    /// authorization code): it is retried only when the connection failed
    /// before anything was sent, never after a timeout, a lost connection
    /// or an error status, whatever the retry policy. The generated methods
    /// call this for non-idempotent requests with `format: password` fields.
    pub fn no_replay(mut self) -> Self {
        self.no_replay = true;
        self
    }
}

impl<T, E> IntoFuture for Request<'_, T, E>
where
    T: Send + 'static,
    E: ApiError,
{
    type Output = Result<T, Error<E>>;
    // 'static and Send: the future owns a clone of the client, so it can be
    // given to `tokio::spawn`.
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        match self.prepare() {
            Ok((prepared, request)) => Box::pin(prepared.send(request)),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }
}

impl<T, E: ApiError> Request<'_, T, E> {
    /// Everything `send` needs, owned, and the request to send without its
    /// headers; the invalid-request checks happen here.
    fn prepare(self) -> Result<(Prepared<T>, reqwest::Request), Error<E>> {
        if let Some(message) = self.invalid {
            return Err(Error::InvalidRequest(message));
        }
        let mut url = self.client.url(&self.path).map_err(Error::InvalidRequest)?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        let replay = !self.no_replay;
        let idempotent = matches!(
            self.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
        );
        let mut request = reqwest::Request::new(self.method, url);
        // The bytes move into the body; copies of the request share them.
        *request.body_mut() = self.body.map(reqwest::Body::from);
        let prepared = Prepared {
            client: self.client.clone(),
            headers: self.headers,
            content_type: self.content_type,
            decode: self.decode,
            timeout: self.timeout.unwrap_or_else(|| self.client.timeout()),
            retry: self.retry,
            sensitive_response: self.sensitive_response,
            replay,
            idempotent,
        };
        Ok((prepared, request))
    }
}

struct Prepared<T> {
    client: Client,
    headers: HeaderMap,
    content_type: Option<HeaderValue>,
    decode: fn(&[u8]) -> Result<T, BoxError>,
    timeout: Duration,
    /// `None`: the client's policy; `Some(None)`: no retries.
    retry: Option<Option<RetryPolicy>>,
    sensitive_response: bool,
    /// Whether the request may be sent again after it may have reached the
    /// server (the policy still decides).
    replay: bool,
    idempotent: bool,
}

/// How one attempt ended; `B` is the response body.
enum Outcome<B> {
    Response {
        status: StatusCode,
        headers: HeaderMap,
        body: B,
    },
    /// The body is larger than the client's limit.
    TooLarge {
        status: StatusCode,
    },
    Transport(reqwest::Error),
    Timeout,
}

/// What a transport error means for retrying and reporting.
enum Failure {
    /// Name resolution failed.
    Dns,
    /// The TLS handshake failed.
    Tls,
    /// No connection was made: nothing was sent.
    Connect,
    /// The connection broke; the request may have reached the server.
    Lost,
}

fn classify(error: &reqwest::Error) -> Failure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<crate::client::DnsError>() || e.to_string() == "dns error" {
            // Ours, or hyper-util's resolver's (a client passed in).
            return Failure::Dns;
        }
        if e.is::<rustls::Error>() {
            return Failure::Tls;
        }
        // `io::Error::source` skips the error it wraps: look at that one.
        source = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    if error.is_connect() {
        Failure::Connect
    } else {
        Failure::Lost
    }
}

impl<T> Prepared<T> {
    fn retry_policy(&self) -> Option<&RetryPolicy> {
        match &self.retry {
            Some(policy) => policy.as_ref(),
            None => self.client.retry(),
        }
    }

    /// After a failed attempt (the `attempts`-th, since `start`), the wait
    /// before sending it again, once the retry is announced (a tracing event
    /// saying `what`, and the client's hook); `None` when the policy, or a
    /// failure that cannot heal or must not be repeated, says no.
    fn retry_delay(
        &self,
        outcome: &Outcome<Vec<u8>>,
        attempts: u32,
        start: Instant,
        method: &Method,
        path: String,
        what: &str,
    ) -> Option<Duration> {
        let policy = self.retry_policy()?;
        // May the request be sent again after it may have reached the server?
        let resend = self.replay && (self.idempotent || policy.retries_non_idempotent());
        let (reason, headers) = match outcome {
            Outcome::Response { status, headers, .. } => (
                (resend && policy.retries_status(status.as_u16())).then_some(RetryReason::Status(status.as_u16())),
                Some(headers),
            ),
            Outcome::Transport(e) => {
                let reason = match classify(e) {
                    Failure::Dns | Failure::Tls => None,
                    Failure::Connect => Some(RetryReason::Connect),
                    Failure::Lost => resend.then_some(RetryReason::ConnectionLost),
                };
                (reason.filter(|_| policy.retries_connection_errors()), None)
            }
            Outcome::Timeout => ((resend && policy.retries_connection_errors()).then_some(RetryReason::Timeout), None),
            Outcome::TooLarge { .. } => (None, None),
        };
        let reason = reason?;
        let delay = policy.next_delay(attempts, start.elapsed(), headers)?;
        tracing::warn!(
            target: "openrouter::retry",
            attempt = attempts,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            reason = %reason,
            method = %method,
            path = %path,
            "{what}"
        );
        if let Some(hook) = self.client.on_retry() {
            hook(&RetryEvent { attempt: attempts, delay, reason, method: method.to_string(), path });
        }
        Some(delay)
    }

    /// Sends `request` (method, URL and body; the headers are added to each
    /// attempt), retrying as the policy says.
    async fn send<E: ApiError>(self, mut request: reqwest::Request) -> Result<T, Error<E>> {
        let start = Instant::now();
        let mut attempts = 0;
        loop {
            // Kept for a retry: a copy sharing the body bytes, made before the
            // headers are added so that only the URL is copied.
            let kept = match self.retry_policy() {
                Some(_) => request.try_clone(),
                None => None,
            };
            let method = request.method().clone();
            let path = request.url().path().to_owned();
            self.add_headers(request.headers_mut());
            let outcome = self.attempt(request).await;
            attempts += 1;
            let Some(kept) = kept else {
                return self.finish(outcome);
            };
            let Some(delay) = self.retry_delay(&outcome, attempts, start, &method, path, "retrying request") else {
                return self.finish(outcome);
            };
            // The outcome (and its connection) is released before waiting.
            drop(outcome);
            tokio::time::sleep(delay).await;
            request = kept;
        }
    }

    /// The client's headers when its HTTP client does not send them itself,
    /// then this request's, which replace those of the same name.
    fn add_headers(&self, headers: &mut HeaderMap) {
        if let Some(defaults) = self.client.request_headers() {
            headers.clone_from(defaults);
        }
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(content_type) = &self.content_type {
            headers.insert(CONTENT_TYPE, content_type.clone());
        }
    }

    async fn attempt(&self, request: reqwest::Request) -> Outcome<Vec<u8>> {
        let limit = self.client.max_response_bytes();
        // Our own timeout rather than reqwest's, so it also covers a client
        // passed in with `with_http_client` and reading the body.
        let exchange = async {
            let mut response = self.client.http().execute(request).await?;
            let status = response.status();
            // Taken, not copied: only `Retry-After` is read from them.
            let headers = std::mem::take(response.headers_mut());
            if response.content_length().is_some_and(|length| length > limit as u64) {
                return Ok(Outcome::TooLarge { status });
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                if body.len() + chunk.len() > limit {
                    return Ok(Outcome::TooLarge { status });
                }
                body.extend_from_slice(&chunk);
            }
            Ok::<_, reqwest::Error>(Outcome::Response { status, headers, body })
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok(outcome)) => outcome,
            // A timeout of a client passed in with `with_http_client`; a connect
            // timeout stays a connection error (nothing was sent).
            Ok(Err(e)) if e.is_timeout() && !e.is_connect() => Outcome::Timeout,
            Ok(Err(e)) => Outcome::Transport(e),
            Err(_elapsed) => Outcome::Timeout,
        }
    }

    fn finish<E: ApiError>(&self, outcome: Outcome<Vec<u8>>) -> Result<T, Error<E>> {
        let (status, headers, body) = match outcome {
            Outcome::Response { status, headers, body } => (status, headers, body),
            Outcome::TooLarge { status } => {
                return Err(Error::BodyTooLarge { status: status.as_u16(), limit: self.client.max_response_bytes() })
            }
            Outcome::Transport(e) => {
                let host = e.url().and_then(|url| url.host_str()).unwrap_or_default().to_owned();
                return Err(match classify(&e) {
                    Failure::Dns => Error::Dns { host, source: e },
                    Failure::Tls => Error::Tls { host, source: e },
                    Failure::Connect | Failure::Lost => Error::Transport(e),
                });
            }
            Outcome::Timeout => return Err(Error::Timeout { after: self.timeout }),
        };
        let code = status.as_u16();
        if status.is_success() {
            return (self.decode)(&body).map_err(|source| {
                if self.sensitive_response {
                    Error::Decode { status: code, body: None, source: withheld(&source) }
                } else {
                    Error::Decode { status: code, body: Some(excerpt(&body)), source }
                }
            });
        }
        match E::from_response(code, &body) {
            Some(Ok(mut api_error)) => {
                if let Some(after) = crate::retry::retry_after(&headers) {
                    api_error.set_retry_after(after);
                }
                Err(Error::Api(api_error))
            }
            Some(Err(e)) => Err(Error::Decode { status: code, body: Some(excerpt(&body)), source: Box::new(e) }),
            None => Err(Error::UnexpectedStatus { status: code, body: excerpt(&body) }),
        }
    }
}

/// A decode error of a body that carries a credential: only where it
/// failed (the path of field names, the line and column), none of the body's
/// text (serde's messages can quote values).
fn withheld(source: &BoxError) -> BoxError {
    let (path, e) = match source.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
        Some(e) => (format!("{}: ", e.path()), e.inner()),
        None => match source.downcast_ref::<serde_json::Error>() {
            Some(e) => (String::new(), e),
            None => return "the body could not be decoded (details withheld: it carries a credential)".into(),
        },
    };
    format!(
        "{path}{:?} error at line {}, column {} (details withheld: the body carries a credential)",
        e.classify(),
        e.line(),
        e.column()
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::{encode_path, param, Style};
    use serde_json::json;

    fn pairs(v: serde_json::Value, style: Style, explode: bool) -> Vec<(String, String)> {
        param::query_pairs("p", &v, style, explode)
    }

    fn p(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn query_styles_lay_out_lists_and_objects() {
        let list = json!(["a", 1, true]);
        assert_eq!(pairs(list.clone(), Style::Form, true), p(&[("p", "a"), ("p", "1"), ("p", "true")]));
        assert_eq!(pairs(list.clone(), Style::Form, false), p(&[("p", "a,1,true")]));
        assert_eq!(pairs(list.clone(), Style::SpaceDelimited, false), p(&[("p", "a 1 true")]));
        assert_eq!(pairs(list, Style::PipeDelimited, false), p(&[("p", "a|1|true")]));
        let object = json!({"x": "1", "y": 2, "gone": null});
        assert_eq!(pairs(object.clone(), Style::Form, true), p(&[("x", "1"), ("y", "2")]));
        assert_eq!(pairs(object.clone(), Style::Form, false), p(&[("p", "x,1,y,2")]));
        assert_eq!(pairs(object, Style::DeepObject, true), p(&[("p[x]", "1"), ("p[y]", "2")]));
        assert_eq!(pairs(json!(null), Style::Form, true), p(&[]));
        assert_eq!(pairs(json!(2.5), Style::Form, true), p(&[("p", "2.5")]));
    }

    #[test]
    fn path_and_header_styles_encode_pieces_not_separators() {
        let text = |v: serde_json::Value, style, explode| param::text("id", &v, style, explode, encode_path);
        assert_eq!(text(json!("a/b"), Style::Simple, false), "a%2Fb");
        assert_eq!(text(json!(["a", "b c"]), Style::Simple, false), "a,b%20c");
        assert_eq!(text(json!({"x": 1, "y": 2}), Style::Simple, false), "x,1,y,2");
        assert_eq!(text(json!({"x": 1, "y": 2}), Style::Simple, true), "x=1,y=2");
        assert_eq!(text(json!(["a", "b"]), Style::Label, false), ".a,b");
        assert_eq!(text(json!(["a", "b"]), Style::Label, true), ".a.b");
        assert_eq!(text(json!("v"), Style::Matrix, false), ";id=v");
        assert_eq!(text(json!(["a", "b"]), Style::Matrix, false), ";id=a,b");
        assert_eq!(text(json!(["a", "b"]), Style::Matrix, true), ";id=a;id=b");
        assert_eq!(text(json!({"x": 1, "y": 2}), Style::Matrix, true), ";x=1;y=2");
    }
}
