//! The client: connection settings shared by every operation.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, USER_AGENT};
use reqwest::Url;

use crate::error::BoxError;
use crate::retry::{RetryEvent, RetryPolicy};
use crate::secret::Secret;

/// The environment variable read for the API key when none is set.
const API_KEY_ENV: &str = "OPENROUTER_API_KEY";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_USER_AGENT: &str = concat!("openrouter-rust/", env!("CARGO_PKG_VERSION"));
/// The longest wait for a TCP connection (and TLS handshake) of our own HTTP
/// client; the attempt timeout caps it too.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default cap on a response body: 4 MiB.
const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// The hook called before each retry; see [`ClientBuilder::on_retry`].
type RetryHook = Arc<dyn Fn(&RetryEvent) + Send + Sync>;

/// A client for the API. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # fn run() -> Result<(), openrouter::BuildError> {
/// use std::time::Duration;
///
/// let client = openrouter::Client::builder()
///     .api_key("sk-or-...")
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    /// `base_url` without its trailing slash; operation paths are appended.
    base: String,
    /// Sent with every request: user agent, app headers, default headers and
    /// the (sensitive-marked) Authorization header.
    headers: HeaderMap,
    /// Whether `http` already sends `headers` as its own default headers (it
    /// does when this crate built it); otherwise each request carries them.
    http_sends_headers: bool,
    has_api_key: bool,
    timeout: Duration,
    retry: Option<RetryPolicy>,
    max_response_bytes: usize,
    on_retry: Option<RetryHook>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL every operation path is appended to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The full URL of an operation path such as `/auth/keys`.
    pub(crate) fn url(&self, path: &str) -> Result<Url, String> {
        let base = &self.inner.base;
        let invalid = |e: &dyn fmt::Display| format!("invalid URL for path `{path}`: {e}");
        // `Url::parse` copies its input, so the joined text only has to live
        // for the call: on the stack when it is short.
        let mut stack = [0u8; 256];
        let len = base.len() + path.len();
        if len > stack.len() {
            return Url::parse(&format!("{base}{path}")).map_err(|e| invalid(&e));
        }
        stack[..base.len()].copy_from_slice(base.as_bytes());
        stack[base.len()..len].copy_from_slice(path.as_bytes());
        let joined = std::str::from_utf8(&stack[..len]).map_err(|e| invalid(&e))?;
        Url::parse(joined).map_err(|e| invalid(&e))
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The client-wide headers each request must carry itself: `None` when
    /// the HTTP client already sends them.
    pub(crate) fn request_headers(&self) -> Option<&HeaderMap> {
        (!self.inner.http_sends_headers).then_some(&self.inner.headers)
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    pub(crate) fn retry(&self) -> Option<&RetryPolicy> {
        self.inner.retry.as_ref()
    }

    pub(crate) fn max_response_bytes(&self) -> usize {
        self.inner.max_response_bytes
    }

    pub(crate) fn on_retry(&self) -> Option<&(dyn Fn(&RetryEvent) + Send + Sync)> {
        self.inner.on_retry.as_deref()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url.as_str())
            .field("api_key", &inner.has_api_key.then_some("<redacted>"))
            // Names only: default headers may carry secrets too.
            .field("headers", &inner.headers.keys().collect::<Vec<_>>())
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .field("max_response_bytes", &inner.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]; see [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<Secret>,
    api_key_from_env: bool,
    base_url: String,
    allow_http: bool,
    redirects: usize,
    max_response_bytes: usize,
    on_retry: Option<RetryHook>,
    timeout: Duration,
    retry: Option<RetryPolicy>,
    user_agent: String,
    app_url: Option<String>,
    app_title: Option<String>,
    default_headers: Vec<(String, String)>,
    http: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            api_key_from_env: false,
            base_url: crate::DEFAULT_BASE_URL.to_owned(),
            allow_http: false,
            redirects: 0,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            on_retry: None,
            timeout: DEFAULT_TIMEOUT,
            retry: crate::spec_retry_policy(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            app_url: None,
            app_title: None,
            default_headers: Vec::new(),
            http: None,
        }
    }
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer <key>`.
    ///
    /// When not set, the `OPENROUTER_API_KEY` environment variable is read
    /// at [`build`](Self::build), but only when the base URL is on the
    /// default host (call [`api_key_from_env`](Self::api_key_from_env) to
    /// send it to another host); when that is unset too, or the key is
    /// empty, no `Authorization` header is sent. (So `api_key("")` turns the
    /// environment fallback off.)
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Reads the API key from `OPENROUTER_API_KEY` at
    /// [`build`](Self::build) whatever the base URL's host. Without this
    /// call the variable is only used for the default host, so that a key
    /// meant for OpenRouter is never sent to a host the caller did not
    /// choose it for.
    pub fn api_key_from_env(mut self) -> Self {
        self.api_key_from_env = true;
        self
    }

    /// The URL operation paths are appended to; default
    /// [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL). A trailing slash is
    /// ignored.
    ///
    /// It must be `https`, or `http` on a loopback address (`localhost`,
    /// `127.0.0.0/8`, `[::1]`) unless [`allow_http`](Self::allow_http) is
    /// set, and must not carry a user name or password.
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base_url = url.as_ref().to_owned();
        self
    }

    /// Accepts an `http://` base URL on any host: the API key and all data
    /// then travel in clear. Default `false` (only loopback hosts).
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Follows up to `max` redirects; default `0`: a redirect is returned as
    /// [`Error::UnexpectedStatus`](crate::Error::UnexpectedStatus), because
    /// a `307`/`308` would replay the request body (credentials included) to
    /// wherever it points. `Authorization` is dropped on a redirect to
    /// another host.
    pub fn follow_redirects(mut self, max: usize) -> Self {
        self.redirects = max;
        self
    }

    /// The largest response body read, in bytes; default 4 MiB. A larger
    /// body fails with [`Error::BodyTooLarge`](crate::Error::BodyTooLarge).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Calls `hook` before each retry, such as to tell the user
    /// "retrying in 2 s (status 503)". Each retry also emits a `tracing`
    /// event (target `openrouter::retry`).
    pub fn on_retry(mut self, hook: impl Fn(&RetryEvent) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(Arc::new(hook));
        self
    }

    /// How long one attempt may take, from connecting to reading the whole
    /// body; default 60 s. Each retry gets the full timeout again.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy of every request; default: the policy the API
    /// description asks for, if any.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Never retry.
    pub fn no_retry(mut self) -> Self {
        self.retry = None;
        self
    }

    /// The `User-Agent` header; default `openrouter-rust/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Your app's URL, sent as `HTTP-Referer` (used for OpenRouter app
    /// attribution).
    pub fn app_url(mut self, url: impl Into<String>) -> Self {
        self.app_url = Some(url.into());
        self
    }

    /// Your app's name, sent as `X-OpenRouter-Title` (used for OpenRouter app
    /// attribution).
    pub fn app_title(mut self, title: impl Into<String>) -> Self {
        self.app_title = Some(title.into());
        self
    }

    /// A header sent with every request. Checked at [`build`](Self::build).
    /// Replaces a header of the same name set by this builder, except
    /// `Authorization` when an API key is in use.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Sends requests with this `reqwest` client (for proxies, custom TLS,
    /// connection pool settings, ...). Its own default headers, timeout and
    /// redirect policy apply too (reqwest follows up to 10 redirects by
    /// default: set `redirect(Policy::none())` on it to keep this crate's
    /// default).
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the settings and creates the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = parse_base_url(&self.base_url, self.allow_http)?;

        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, header_value("User-Agent", &self.user_agent)?);
        if let Some(url) = &self.app_url {
            headers.insert(HeaderName::from_static("http-referer"), header_value("HTTP-Referer", url)?);
        }
        if let Some(title) = &self.app_title {
            headers.insert(HeaderName::from_static("x-openrouter-title"), header_value("X-OpenRouter-Title", title)?);
        }
        for (name, value) in &self.default_headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| BuildError::new(format!("invalid header name `{name}`")))?;
            headers.insert(header, header_value(name, value)?);
        }

        let default_host =
            Url::parse(crate::DEFAULT_BASE_URL).is_ok_and(|default| default.origin() == base_url.origin());
        let api_key = self
            .api_key
            .or_else(|| {
                (default_host || self.api_key_from_env)
                    .then(|| std::env::var(API_KEY_ENV).ok())
                    .flatten()
                    .map(Secret::from)
            })
            .filter(|key| !key.is_empty());
        if let Some(key) = &api_key {
            // The message must not repeat the key.
            let bearer = Secret::from(format!("Bearer {}", key.expose_secret()));
            let mut value = HeaderValue::from_str(bearer.expose_secret()).map_err(|_| {
                BuildError::new("the API key contains characters not allowed in an HTTP header".to_owned())
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }

        // Our own client sends the headers as its defaults, so a request does
        // not copy them (a header set on the request still replaces a default
        // of the same name); a client passed in gets them on each request.
        let http_sends_headers = self.http.is_none();
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .default_headers(headers.clone())
                .redirect(match self.redirects {
                    0 => reqwest::redirect::Policy::none(),
                    max => reqwest::redirect::Policy::limited(max),
                })
                .dns_resolver(Arc::new(Resolver))
                // A connection that cannot be made (a black-holed address) fails as a
                // connection error, which is safe to retry: nothing was sent.
                .connect_timeout(self.timeout.min(CONNECT_TIMEOUT))
                .build()
                .map_err(|e| BuildError {
                    message: "could not create the HTTP client".to_owned(),
                    source: Some(Box::new(e)),
                })?,
        };

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base: base_url.as_str().trim_end_matches('/').to_owned(),
                base_url,
                headers,
                http_sends_headers,
                has_api_key: api_key.is_some(),
                timeout: self.timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
                on_retry: self.on_retry,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("allow_http", &self.allow_http)
            .field("follow_redirects", &self.redirects)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("app_url", &self.app_url)
            .field("app_title", &self.app_title)
            .field("default_headers", &self.default_headers.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

fn parse_base_url(url: &str, allow_http: bool) -> Result<Url, BuildError> {
    let parsed = Url::parse(url);
    // A URL with a password is not repeated in the message.
    let shown = match &parsed {
        Ok(u) if !u.username().is_empty() || u.password().is_some() => "<URL with user info>",
        _ => url,
    };
    let invalid = |reason: &dyn fmt::Display| BuildError::new(format!("invalid base URL `{shown}`: {reason}"));
    let parsed = parsed.map_err(|e| invalid(&e))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(&"the scheme must be http or https"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(&"it must not carry a user name or password; set the API key with `api_key`"));
    }
    if parsed.scheme() == "http" && !allow_http && !is_loopback(&parsed) {
        return Err(invalid(
            &"http sends the API key in clear: use https, or http only on a loopback address \
              (or call `allow_http(true)`)",
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid(&"it must not have a query or fragment"));
    }
    Ok(parsed)
}

/// `localhost`, `127.0.0.0/8` or `[::1]`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A name resolution failure, recognizable in an error's source chain (so
/// that it is reported as [`Error::Dns`](crate::Error::Dns) and not retried).
#[derive(Debug)]
pub(crate) struct DnsError {
    host: String,
    source: std::io::Error,
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot resolve `{}`: {}", self.host, self.source)
    }
}

impl std::error::Error for DnsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The system resolver (as reqwest's default), with errors of our own type,
/// answering `.invalid` names itself.
struct Resolver;

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // RFC 6761: names under `.invalid` never resolve; no query is sent.
            let lower = host.trim_end_matches('.').to_ascii_lowercase();
            if lower == "invalid" || lower.ends_with(".invalid") {
                let source =
                    std::io::Error::new(std::io::ErrorKind::NotFound, "names under .invalid never resolve (RFC 6761)");
                return Err(Box::new(DnsError { host, source }) as BoxError);
            }
            let looked_up = tokio::net::lookup_host((host.as_str(), 0)).await.map(|addrs| addrs.collect::<Vec<_>>());
            match looked_up {
                Ok(addrs) => {
                    let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
                    Ok(addrs)
                }
                Err(source) => Err(Box::new(DnsError { host, source }) as BoxError),
            }
        })
    }
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, BuildError> {
    // The value is left out of the message: it may be a secret.
    HeaderValue::from_str(value).map_err(|_| {
        BuildError::new(format!("the value of header `{name}` contains characters not allowed in an HTTP header"))
    })
}

/// Why [`ClientBuilder::build`] failed.
#[derive(Debug)]
pub struct BuildError {
    message: String,
    source: Option<BoxError>,
}

impl BuildError {
    fn new(message: String) -> Self {
        Self { message, source: None }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}
