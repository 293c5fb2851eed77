//! The client: connection settings shared by every operation.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, USER_AGENT};
use reqwest::Url;

use crate::error::BoxError;
use crate::retry::RetryPolicy;

/// The environment variable read for the API key when none is set.
const API_KEY_ENV: &str = "OPENROUTER_API_KEY";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_USER_AGENT: &str = concat!("openrouter-rust/", env!("CARGO_PKG_VERSION"));

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
            .finish()
    }
}

/// Configures a [`Client`]; see [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: String,
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
            base_url: crate::DEFAULT_BASE_URL.to_owned(),
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
    /// at [`build`](Self::build); when that is unset too, or the key is
    /// empty, no `Authorization` header is sent. (So `api_key("")` turns the
    /// environment fallback off.)
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The URL operation paths are appended to; default
    /// [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL). A trailing slash is
    /// ignored.
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base_url = url.as_ref().to_owned();
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
    /// connection pool settings, ...). Its own default headers and timeout
    /// apply too.
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the settings and creates the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = parse_base_url(&self.base_url)?;

        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, header_value("User-Agent", &self.user_agent)?);
        if let Some(url) = &self.app_url {
            headers.insert(
                HeaderName::from_static("http-referer"),
                header_value("HTTP-Referer", url)?,
            );
        }
        if let Some(title) = &self.app_title {
            headers.insert(
                HeaderName::from_static("x-openrouter-title"),
                header_value("X-OpenRouter-Title", title)?,
            );
        }
        for (name, value) in &self.default_headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| BuildError::new(format!("invalid header name `{name}`")))?;
            headers.insert(header, header_value(name, value)?);
        }

        let api_key = self
            .api_key
            .or_else(|| std::env::var(API_KEY_ENV).ok())
            .filter(|key| !key.is_empty());
        if let Some(key) = &api_key {
            // The message must not repeat the key.
            let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
                BuildError::new(
                    "the API key contains characters not allowed in an HTTP header".to_owned(),
                )
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
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("app_url", &self.app_url)
            .field("app_title", &self.app_title)
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

fn parse_base_url(url: &str) -> Result<Url, BuildError> {
    let invalid =
        |reason: &dyn fmt::Display| BuildError::new(format!("invalid base URL `{url}`: {reason}"));
    let parsed = Url::parse(url).map_err(|e| invalid(&e))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(&"the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid(&"it must not have a query or fragment"));
    }
    Ok(parsed)
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, BuildError> {
    // The value is left out of the message: it may be a secret.
    HeaderValue::from_str(value).map_err(|_| {
        BuildError::new(format!(
            "the value of header `{name}` contains characters not allowed in an HTTP header"
        ))
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
        Self {
            message,
            source: None,
        }
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
