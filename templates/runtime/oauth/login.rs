//! Interactive login flows that end with a user-controlled API key.
//!
//! Both flows run the PKCE flow of [`pkce`](super::pkce) for you: they create
//! a [`CodeVerifier`], build the authorization URL for you to show the user,
//! wait for the authorization code, trade it (with the verifier) for a new
//! key and return it as an [`ApiKey`].
//!
//! - [`Login::loopback`]: listens on `127.0.0.1` on a port the OS picks; the
//!   browser is sent back to `http://127.0.0.1:<port>/callback/<random>?code=…`.
//!   The random path segment (256 bits) plays the role of OAuth's `state`,
//!   which OpenRouter does not have: only the browser that was sent to the
//!   authorization page knows it, so another local process (or a web page
//!   guessing the port) can neither inject a code nor abort the login. For
//!   apps on the machine where the browser runs.
//! - [`Login::paste`]: no callback; the authorization page shows the code and
//!   the user pastes it into the app (read from any reader, such as stdin).
//!   For SSH sessions, containers and remote machines. The code is single-use
//!   and expires after about ten minutes.
//!
//! **No API key is needed.** Opening the authorization page and exchanging the
//! code (`POST /auth/keys`) work without one, so build the client without a
//! key: it then sends no `Authorization` header. (Only
//! [`OAuth::create_auth_code`](crate::api::oauth::OAuth::create_auth_code), which
//! creates codes server-side for an app, needs a key.)
//!
//! **Bounded, visible retries.** The exchange uses its own retry policy
//! (default: connection failures only, for at most 30 s in total; see
//! [`Login::retry`]) and an attempt timeout of at most 30 s, so an offline
//! machine gets an answer within that bound: a DNS failure or an untrusted
//! certificate fails at once, naming the host and the cause. The code is
//! single-use: once it may have reached the server it is never sent again.
//! Retries call the client's [`on_retry`](crate::ClientBuilder::on_retry)
//! hook and emit `tracing` events.
//!
//! ```no_run
//! use std::time::Duration;
//! use openrouter::api::oauth::login::Login;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // `api_key("")` also ignores OPENROUTER_API_KEY: the flow needs no key.
//! let client = openrouter::Client::builder().api_key("").build()?;
//!
//! // In the browser, on this machine:
//! let login = Login::new(&client)
//!     .timeout(Duration::from_secs(300))
//!     .loopback()
//!     .await?;
//! println!("Open this URL in your browser:\n{}", login.authorization_url());
//! let key = login.finish().await?;
//! println!("Logged in with {}", key.masked());
//! # let _ = key.user_id();
//!
//! // Or with a code the user copies from the page (over SSH, in a container):
//! let login = Login::new(&client).key_label("my-cli").paste()?;
//! println!("Open {} and paste the code here:", login.authorization_url());
//! let stdin = tokio::io::BufReader::new(tokio::io::stdin());
//! let key = login.finish(stdin).await?;
//! # let _ = key;
//! # Ok(()) }
//! ```

use std::convert::Infallible;
use std::fmt;
use std::future::{poll_fn, Future};
use std::net::Ipv4Addr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use reqwest::Url;
use tokio::io::{AsyncBufRead, AsyncBufReadExt as _, AsyncReadExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

use super::pkce::{AuthorizationUrl, AuthorizationUrlError, ChallengeMethod, CodeVerifier};
use super::ExchangeAuthCodeForApiKeyError;
use crate::error::printable;
use crate::{models, Client, Error, RetryPolicy, Secret};

/// How long the user has by default to approve (or to paste the code).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
const DEFAULT_CALLBACK_PATH: &str = "/callback";
/// The most bytes read of one request head, or of a pasted line.
const MAX_REQUEST_BYTES: usize = 8 * 1024;
/// Connections being served at once; more are closed right away.
const MAX_CONNECTIONS: usize = 16;
/// How long one connection may take to send its request head or read the page.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest authorization code accepted.
const MAX_CODE_LEN: usize = 1024;
/// Random bytes in the callback path (256 bits).
const CALLBACK_RANDOM_BYTES: usize = 32;
/// The exchange's bound: its retries stop after this, and one attempt takes
/// at most this long.
const EXCHANGE_BOUND: Duration = Duration::from_secs(30);

/// Configures a login; finish it with [`loopback`](Self::loopback) or
/// [`paste`](Self::paste). See the [module documentation](self).
#[derive(Debug, Clone)]
pub struct Login {
    client: Client,
    timeout: Duration,
    callback_path: String,
    method: ChallengeMethod,
    allow_plain: bool,
    verifier: Option<CodeVerifier>,
    limit: Option<f64>,
    key_label: Option<String>,
    page: Option<String>,
    retry: RetryPolicy,
}

impl Login {
    /// A login whose exchange is sent by `client` (to its base URL); the
    /// client needs no API key. The authorization page is OpenRouter's
    /// whatever the base URL (see [`authorization_page`](Self::authorization_page)).
    pub fn new(client: &Client) -> Self {
        Self {
            client: client.clone(),
            timeout: DEFAULT_TIMEOUT,
            callback_path: DEFAULT_CALLBACK_PATH.to_owned(),
            method: ChallengeMethod::S256,
            allow_plain: false,
            verifier: None,
            limit: None,
            key_label: None,
            page: None,
            retry: default_retry(),
        }
    }

    /// How long to wait for the browser's callback or the pasted code;
    /// default 5 minutes. Then the login fails with
    /// [`LoginError::TimedOut`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The start of the loopback callback path; default `/callback`. A
    /// random segment is always added after it. It must start with `/` and
    /// have no query or fragment.
    pub fn callback_path(mut self, path: impl Into<String>) -> Self {
        self.callback_path = path.into();
        self
    }

    /// The challenge method; default (and recommended) S256.
    /// [`ChallengeMethod::Plain`] puts the verifier itself in the
    /// authorization URL (browser history, logs, proxies), so it is refused
    /// with [`LoginError::PlainChallengeNotAllowed`] unless
    /// [`allow_plain_challenge`](Self::allow_plain_challenge) is set too.
    pub fn challenge_method(mut self, method: ChallengeMethod) -> Self {
        self.method = method;
        self
    }

    /// Accepts [`ChallengeMethod::Plain`]; only for a server that cannot do
    /// S256. Default `false`.
    pub fn allow_plain_challenge(mut self, allow: bool) -> Self {
        self.allow_plain = allow;
        self
    }

    /// Uses this verifier instead of a [random](CodeVerifier::random) one.
    pub fn code_verifier(mut self, verifier: CodeVerifier) -> Self {
        self.verifier = Some(verifier);
        self
    }

    /// The credit limit of the new key, in US dollars.
    pub fn limit(mut self, usd: f64) -> Self {
        self.limit = Some(usd);
        self
    }

    /// A name for the new key (1 to 100 characters).
    pub fn key_label(mut self, label: impl Into<String>) -> Self {
        self.key_label = Some(label.into());
        self
    }

    /// The authorization page; default
    /// [`DEFAULT_AUTHORIZATION_PAGE`](super::pkce::DEFAULT_AUTHORIZATION_PAGE).
    /// See [`AuthorizationUrl::page`].
    pub fn authorization_page(mut self, url: impl Into<String>) -> Self {
        self.page = Some(url.into());
        self
    }

    /// The retry policy of the exchange, instead of the default: connection
    /// failures retried for at most 30 s. Whatever the policy, the code is
    /// not sent again once it may have reached the server.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Starts listening on `127.0.0.1` on a port the OS picks and builds the
    /// callback and authorization URLs. Show the user
    /// [`LoopbackLogin::authorization_url`], then await
    /// [`LoopbackLogin::finish`].
    pub async fn loopback(self) -> Result<LoopbackLogin, LoginError> {
        let prefix = self.callback_path.trim_end_matches('/').to_owned();
        let probe = Url::parse(&format!("http://127.0.0.1{prefix}/x")).ok();
        let valid_path = self.callback_path.starts_with('/')
            && probe.is_some_and(|url| {
                url.path() == format!("{prefix}/x") && url.query().is_none() && url.fragment().is_none()
            });
        if !valid_path {
            return Err(LoginError::InvalidCallbackPath(self.callback_path));
        }
        self.check_method()?;

        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.map_err(LoginError::Io)?;
        let port = listener.local_addr().map_err(LoginError::Io)?.port();
        let path = format!("{prefix}/{}", random_segment());
        let callback_url = Url::parse(&format!("http://127.0.0.1:{port}{path}"))
            .map_err(|_| LoginError::InvalidCallbackPath(self.callback_path.clone()))?;
        let (authorization_url, exchange) = self.prepare(Some(&callback_url))?;
        Ok(LoopbackLogin { listener, callback_url, authorization_url, exchange })
    }

    /// Builds an authorization URL without callback: the page shows the code
    /// for the user to paste. Show the user
    /// [`PasteLogin::authorization_url`], then await [`PasteLogin::finish`]
    /// with the reader the code comes from.
    pub fn paste(self) -> Result<PasteLogin, LoginError> {
        self.check_method()?;
        let (authorization_url, exchange) = self.prepare(None)?;
        Ok(PasteLogin { authorization_url, exchange })
    }

    fn check_method(&self) -> Result<(), LoginError> {
        if self.method == ChallengeMethod::Plain && !self.allow_plain {
            return Err(LoginError::PlainChallengeNotAllowed);
        }
        Ok(())
    }

    fn prepare(self, callback_url: Option<&Url>) -> Result<(Url, Exchange), LoginError> {
        let verifier = self.verifier.unwrap_or_else(CodeVerifier::random);
        let mut url = AuthorizationUrl::new().code_challenge(&verifier.challenge(self.method));
        if let Some(page) = self.page {
            url = url.page(page);
        }
        if let Some(callback_url) = callback_url {
            url = url.callback_url(callback_url.as_str());
        }
        if let Some(limit) = self.limit {
            url = url.limit(limit);
        }
        if let Some(label) = self.key_label {
            url = url.key_label(label);
        }
        let url = url.build().map_err(LoginError::AuthorizationUrl)?;
        let exchange =
            Exchange { client: self.client, verifier, method: self.method, timeout: self.timeout, retry: self.retry };
        Ok((url, exchange))
    }
}

/// Connection failures (nothing sent) retried for at most [`EXCHANGE_BOUND`].
fn default_retry() -> RetryPolicy {
    RetryPolicy::new()
        .initial_interval(Duration::from_millis(500))
        .max_interval(Duration::from_secs(5))
        .max_elapsed_time(EXCHANGE_BOUND)
        .retry_connection_errors(true)
}

/// A path segment of [`CALLBACK_RANDOM_BYTES`] random bytes, base64url.
fn random_segment() -> String {
    let mut bytes = [0u8; CALLBACK_RANDOM_BYTES];
    if let Err(e) = getrandom::fill(&mut bytes) {
        panic!("the operating system's random number generator failed: {e}");
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What both flows need after the authorization page.
#[derive(Debug)]
struct Exchange {
    client: Client,
    verifier: CodeVerifier,
    method: ChallengeMethod,
    timeout: Duration,
    retry: RetryPolicy,
}

impl Exchange {
    async fn run(self, code: Secret) -> Result<ApiKey, LoginError> {
        let body = models::ExchangeAuthCodeForApiKeyRequest::new(code.expose_secret().to_owned().into())
            .with_code_verifier(self.verifier.as_str().to_owned().into())
            .with_code_challenge_method(models::ExchangeAuthCodeForApiKeyRequestCodeChallengeMethod::from(
                self.method.as_str(),
            ));
        let response = self
            .client
            .oauth()
            .exchange_auth_code_for_api_key(body)
            .retry(self.retry)
            .timeout(self.client.timeout().min(EXCHANGE_BOUND))
            // Whatever the spec says: the code is single-use.
            .no_replay()
            .await
            .map_err(|e| LoginError::Exchange(Box::new(e)))?;
        // `into`: the field is a `Secret` when the spec marks it, a `String` otherwise.
        #[allow(clippy::useless_conversion)]
        let key = response.key.into();
        Ok(ApiKey { key, user_id: response.user_id })
    }
}

/// A loopback login waiting for the browser; from [`Login::loopback`].
#[derive(Debug)]
pub struct LoopbackLogin {
    listener: TcpListener,
    callback_url: Url,
    authorization_url: Url,
    exchange: Exchange,
}

impl LoopbackLogin {
    /// The page to open in the user's browser (print it, or open it).
    pub fn authorization_url(&self) -> &Url {
        &self.authorization_url
    }

    /// Where the browser is sent back:
    /// `http://127.0.0.1:<port>/callback/<random>`. Treat it as a secret
    /// until the login ends: whoever knows it can end the login.
    pub fn callback_url(&self) -> &Url {
        &self.callback_url
    }

    /// Waits for the one `GET` of the callback path that carries `code` (or
    /// the provider's `error`), answers the browser with a short page, stops
    /// listening, and exchanges the code for the key.
    ///
    /// Requests for other paths (404), with another method (405) or without
    /// a valid `code` (400) are answered and otherwise ignored: they never
    /// end the login.
    pub async fn finish(self) -> Result<ApiKey, LoginError> {
        let after = self.exchange.timeout;
        let path = self.callback_url.path().to_owned();
        let waited = timeout(after, wait_for_code(&self.listener, &path)).await;
        // Stop listening before the exchange, whatever happened.
        drop(self.listener);
        let code = waited.map_err(|_| LoginError::TimedOut { after })??;
        self.exchange.run(code).await
    }
}

/// A paste-mode login; from [`Login::paste`].
#[derive(Debug)]
pub struct PasteLogin {
    authorization_url: Url,
    exchange: Exchange,
}

impl PasteLogin {
    /// The page to open in a browser (on any machine): after approval it
    /// shows the code to paste.
    pub fn authorization_url(&self) -> &Url {
        &self.authorization_url
    }

    /// Reads one line from `reader` (such as
    /// `tokio::io::BufReader::new(tokio::io::stdin())`), trims it, checks it
    /// and exchanges it for the key. A pasted callback URL carrying
    /// `?code=…` is accepted too.
    pub async fn finish<R>(self, reader: R) -> Result<ApiKey, LoginError>
    where
        R: AsyncBufRead + Unpin,
    {
        let after = self.exchange.timeout;
        let mut line = String::new();
        let mut limited = reader.take(MAX_REQUEST_BYTES as u64);
        timeout(after, limited.read_line(&mut line))
            .await
            .map_err(|_| LoginError::TimedOut { after })?
            .map_err(LoginError::Io)?;
        let line = Secret::from(line);
        let code = pasted_code(line.expose_secret())?;
        self.exchange.run(code).await
    }
}

/// The code in a pasted line: the line itself, or the `code` of a pasted URL.
fn pasted_code(line: &str) -> Result<Secret, LoginError> {
    let input = line.trim();
    if input.is_empty() {
        return Err(LoginError::EmptyCode);
    }
    if let Ok(url) = Url::parse(input) {
        if matches!(url.scheme(), "http" | "https") {
            let callback = Callback::from_query(&url);
            if let Some(error) = callback.error {
                return Err(LoginError::Denied { error, description: callback.error_description });
            }
            let code = callback
                .code
                .ok_or_else(|| LoginError::InvalidCode("the pasted URL has no `code` parameter".to_owned()))?;
            check_code(&code)?;
            return Ok(code.into());
        }
    }
    check_code(input)?;
    Ok(input.into())
}

fn check_code(code: &str) -> Result<(), LoginError> {
    if code.is_empty() {
        return Err(LoginError::EmptyCode);
    }
    if code.len() > MAX_CODE_LEN {
        return Err(LoginError::InvalidCode(format!("it is longer than {MAX_CODE_LEN} characters")));
    }
    if !code.chars().all(|c| c.is_ascii_graphic()) {
        return Err(LoginError::InvalidCode("it contains spaces or characters other than printable ASCII".to_owned()));
    }
    Ok(())
}

/// The query parameters of a callback.
#[derive(Default)]
struct Callback {
    code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

impl Callback {
    fn from_query(url: &Url) -> Self {
        let mut callback = Self::default();
        for (name, value) in url.query_pairs() {
            let slot = match name.as_ref() {
                "code" => &mut callback.code,
                "error" => &mut callback.error,
                "error_description" => &mut callback.error_description,
                _ => continue,
            };
            // The first occurrence wins.
            if slot.is_none() {
                *slot = Some(value.into_owned());
            }
        }
        callback
    }
}

/// What one request to the listener brought.
enum Outcome {
    Code(Secret),
    Denied {
        error: String,
        description: Option<String>,
    },
    /// Answered with an error page (or dropped); keep waiting.
    Ignored,
}

type Connection<'a> = Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;

/// Accepts connections and serves them concurrently (a browser may open
/// idle connections next to the real one) until one brings the code or an
/// error.
async fn wait_for_code(listener: &TcpListener, path: &str) -> Result<Secret, LoginError> {
    let mut connections: Vec<Connection<'_>> = Vec::new();
    poll_fn(|cx| {
        loop {
            match listener.poll_accept(cx) {
                Poll::Ready(Ok((stream, _))) => {
                    if connections.len() < MAX_CONNECTIONS {
                        connections.push(Box::pin(serve(stream, path)));
                    }
                    // Otherwise the stream is dropped: closed.
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(LoginError::Io(e))),
                Poll::Pending => break,
            }
        }
        let mut index = 0;
        while index < connections.len() {
            match connections[index].as_mut().poll(cx) {
                Poll::Pending => index += 1,
                Poll::Ready(outcome) => {
                    drop(connections.swap_remove(index));
                    match outcome {
                        Outcome::Code(code) => return Poll::Ready(Ok(code)),
                        Outcome::Denied { error, description } => {
                            return Poll::Ready(Err(LoginError::Denied { error, description }))
                        }
                        Outcome::Ignored => {}
                    }
                }
            }
        }
        Poll::Pending
    })
    .await
}

/// Serves one connection with hyper (HTTP/1, one request, then closed).
async fn serve(stream: TcpStream, callback_path: &str) -> Outcome {
    let found: Arc<Mutex<Option<Outcome>>> = Arc::default();
    let slot = Arc::clone(&found);
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        let (outcome, response) = route(request.method(), request.uri(), callback_path);
        if !matches!(outcome, Outcome::Ignored) {
            if let Ok(mut slot) = slot.lock() {
                slot.get_or_insert(outcome);
            }
        }
        std::future::ready(Ok::<_, Infallible>(response))
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(CONNECTION_TIMEOUT)
        .max_buf_size(MAX_REQUEST_BYTES)
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service);
    // Silent, slow, too large or broken: the connection is closed.
    let _ = timeout(CONNECTION_TIMEOUT, connection).await;
    let outcome = found.lock().ok().and_then(|mut slot| slot.take());
    outcome.unwrap_or(Outcome::Ignored)
}

type Page = hyper::Response<Full<Bytes>>;

/// Decides what a request means and what to answer.
fn route(method: &Method, target: &hyper::Uri, callback_path: &str) -> (Outcome, Page) {
    // Only the origin form (`/path?query`), as a browser sends it.
    let origin_form = target.scheme().is_none() && target.authority().is_none();
    let url = target
        .path_and_query()
        .filter(|_| origin_form && target.path().starts_with('/'))
        .and_then(|target| Url::parse(&format!("http://127.0.0.1{target}")).ok());
    let Some(url) = url else {
        return (Outcome::Ignored, page(StatusCode::BAD_REQUEST, "Bad request", "This is not a valid HTTP request."));
    };
    if url.path() != callback_path {
        return (Outcome::Ignored, page(StatusCode::NOT_FOUND, "Not found", "Nothing here."));
    }
    if method != Method::GET {
        return (
            Outcome::Ignored,
            page(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed", "Only GET is accepted here."),
        );
    }
    let callback = Callback::from_query(&url);
    if let Some(error) = callback.error {
        // The provider's text is not echoed into the page.
        let response = page(
            StatusCode::BAD_REQUEST,
            "Login failed",
            "OpenRouter reported an error. Return to the application for details; you can close this tab.",
        );
        let outcome = Outcome::Denied { error, description: callback.error_description };
        return (outcome, response);
    }
    match callback.code {
        Some(code) if check_code(&code).is_ok() => (
            Outcome::Code(code.into()),
            page(
                StatusCode::OK,
                "Login complete",
                "You are logged in. You can close this tab and return to the application.",
            ),
        ),
        _ => (
            Outcome::Ignored,
            page(StatusCode::BAD_REQUEST, "Missing code", "This request carries no valid `code` parameter."),
        ),
    }
}

/// A small HTML page (fixed texts only).
fn page(status: StatusCode, title: &str, message: &str) -> Page {
    let body = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1><p>{message}</p></body></html>\n"
    );
    let mut response = hyper::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if status == StatusCode::METHOD_NOT_ALLOWED {
        headers.insert(ALLOW, HeaderValue::from_static("GET"));
    }
    response
}

/// The new API key a login returns. `Debug` shows it [masked](Self::masked);
/// the key is held in a [`Secret`].
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    key: Secret,
    user_id: Option<String>,
}

impl ApiKey {
    /// The key, to send as a bearer token (for instance with
    /// [`ClientBuilder::api_key`](crate::ClientBuilder::api_key)). Store it
    /// securely.
    pub fn as_str(&self) -> &str {
        self.key.expose_secret()
    }

    /// The key, as a [`Secret`].
    pub fn into_secret(self) -> Secret {
        self.key
    }

    /// The user who owns the key, when the server says. It comes from the
    /// server: escape control characters before printing it.
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// The key for display: its prefix (up to the last `-` of the first ten
    /// characters, such as `sk-or-v1-`), `…` and its last four characters;
    /// only the prefix when the key is too short to hide the rest.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.key.expose_secret().chars().collect();
        let prefix_len = chars.iter().take(10).rposition(|c| *c == '-').map_or(0, |index| index + 1);
        let prefix: String = chars[..prefix_len].iter().collect();
        // At least eight characters stay hidden.
        if chars.len() < prefix_len + 4 + 8 {
            return format!("{prefix}…");
        }
        let suffix: String = chars[chars.len() - 4..].iter().collect();
        format!("{prefix}…{suffix}")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey").field("key", &self.masked()).field("user_id", &self.user_id).finish()
    }
}

/// Why a login failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoginError {
    /// The parameters of the authorization URL are invalid (a limit or key
    /// label out of range).
    AuthorizationUrl(AuthorizationUrlError),
    /// The configured callback path is not a plain absolute path.
    InvalidCallbackPath(String),
    /// [`ChallengeMethod::Plain`] was chosen without
    /// [`Login::allow_plain_challenge`].
    PlainChallengeNotAllowed,
    /// Listening on `127.0.0.1`, accepting a connection, or reading the
    /// pasted code failed.
    Io(std::io::Error),
    /// No callback or code arrived within the configured timeout.
    TimedOut {
        /// The configured timeout.
        after: Duration,
    },
    /// OpenRouter sent the user back with an `error` instead of a code (for
    /// instance when the user declined).
    Denied {
        /// The `error` parameter, such as `access_denied`.
        error: String,
        /// The `error_description` parameter, if any.
        description: Option<String>,
    },
    /// The pasted input is empty or only whitespace.
    EmptyCode,
    /// The pasted input is not an authorization code; the reason.
    InvalidCode(String),
    /// The exchange of the code for a key failed. A 403 means the code is
    /// unknown, already used, expired or does not match the verifier;
    /// [`server_message`](LoginError::server_message) has the server's
    /// words.
    Exchange(Box<Error<ExchangeAuthCodeForApiKeyError>>),
}

impl LoginError {
    /// The message of the server's error answer to the exchange, if the
    /// exchange failed with a documented error status.
    pub fn server_message(&self) -> Option<&str> {
        match self {
            Self::Exchange(e) => e.api_error().and_then(api_message),
            _ => None,
        }
    }
}

fn api_message(error: &ExchangeAuthCodeForApiKeyError) -> Option<&str> {
    match error {
        ExchangeAuthCodeForApiKeyError::BadRequest(body) => Some(&body.error.message),
        ExchangeAuthCodeForApiKeyError::Forbidden(body) => Some(&body.error.message),
        ExchangeAuthCodeForApiKeyError::InternalServerError(body) => Some(&body.error.message),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

impl fmt::Display for LoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AuthorizationUrl(e) => write!(f, "cannot build the authorization URL: {e}"),
            Self::InvalidCallbackPath(path) => write!(
                f,
                "invalid callback path `{}`: it must start with `/` and have no query or fragment",
                printable(path)
            ),
            Self::PlainChallengeNotAllowed => f.write_str(
                "the `plain` PKCE challenge puts the verifier in the authorization URL; \
                 use S256, or call `allow_plain_challenge(true)`",
            ),
            Self::Io(e) => write!(f, "login I/O error: {e}"),
            Self::TimedOut { after } => {
                write!(f, "no authorization code arrived within {after:?}")
            }
            Self::Denied { error, description } => {
                // Both come from the callback's query: escaped and cut.
                write!(f, "OpenRouter did not authorize the login: {}", printable(error))?;
                if let Some(description) = description {
                    write!(f, " ({})", printable(description))?;
                }
                Ok(())
            }
            Self::EmptyCode => f.write_str("no authorization code was entered (the input is empty)"),
            Self::InvalidCode(reason) => {
                write!(f, "the input is not a valid authorization code: {reason}")
            }
            Self::Exchange(e) => match (e.status(), self.server_message()) {
                (Some(403), Some(message)) => write!(
                    f,
                    "OpenRouter rejected the authorization code (403): {} \
                     (codes are single-use, expire after about 10 minutes and must match the verifier)",
                    printable(message)
                ),
                (Some(status), Some(message)) => {
                    write!(f, "exchanging the authorization code failed ({status}): {}", printable(message))
                }
                _ => write!(f, "exchanging the authorization code failed: {e}"),
            },
        }
    }
}

impl std::error::Error for LoginError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::AuthorizationUrl(e) => Some(e),
            Self::Io(e) => Some(e),
            Self::Exchange(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}
