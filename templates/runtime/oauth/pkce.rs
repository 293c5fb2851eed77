//! PKCE helpers (RFC 7636): code verifiers, challenges and the authorization URL.
//!
//! The PKCE flow of OpenRouter ends with an API key the user controls:
//!
//! 1. Create a secret [`CodeVerifier`] and derive its [`CodeChallenge`]
//!    (S256 unless you have a reason not to).
//! 2. Send the user to the authorization URL built by [`AuthorizationUrl`]:
//!    `https://openrouter.ai/auth?callback_url=…&code_challenge=…&code_challenge_method=S256`
//!    (the page does not move with the client's base URL; set another with
//!    [`AuthorizationUrl::page`]).
//!    After approving, the browser is sent to the callback URL with `?code=…`;
//!    without a callback URL, the page shows the code for the user to copy.
//! 3. Trade the code, together with the verifier, for the key with
//!    [`OAuth::exchange_auth_code_for_api_key`](crate::api::oauth::OAuth::exchange_auth_code_for_api_key).
//!
//! **Which steps need an API key.** Neither the authorization URL nor the
//! exchange needs one: the user running the flow usually has no key yet, so
//! build the client without one (no `Authorization` header is sent then).
//! Only [`OAuth::create_auth_code`](crate::api::oauth::OAuth::create_auth_code),
//! which creates a code server-side on behalf of an app, needs a key.
//!
//! With the `login` cargo feature, `oauth::login` runs the whole flow
//! (a loopback listener or a pasted code) and returns the key.
//!
//! ```no_run
//! use openrouter::models::{
//!     ExchangeAuthCodeForApiKeyRequest, ExchangeAuthCodeForApiKeyRequestCodeChallengeMethod as Method,
//! };
//! use openrouter::api::oauth::pkce::{AuthorizationUrl, CodeVerifier};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // No API key: the exchange does not need one.
//! let client = openrouter::Client::builder().build()?;
//!
//! let verifier = CodeVerifier::random();
//! let challenge = verifier.challenge_s256();
//! let url = AuthorizationUrl::new()
//!     .callback_url("https://myapp.example/callback")
//!     .code_challenge(&challenge)
//!     .build()?;
//! println!("Open {url}");
//!
//! // ... later, with the `code` query parameter of the callback:
//! let code = "auth_code_from_the_callback".to_owned();
//! let response = client
//!     .oauth()
//!     .exchange_auth_code_for_api_key(
//!         ExchangeAuthCodeForApiKeyRequest::new(code.into())
//!             .with_code_verifier(verifier.as_str().into())
//!             .with_code_challenge_method(Method::from(challenge.method().as_str())),
//!     )
//!     .await?;
//! let key = response.key; // a `Secret`: `Debug` shows `[redacted]`
//! # let _ = key;
//! # Ok(()) }
//! ```

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use reqwest::Url;
use sha2::{Digest as _, Sha256};

use crate::Secret;

/// OpenRouter's authorization page, the default of [`AuthorizationUrl`].
pub const DEFAULT_AUTHORIZATION_PAGE: &str = "https://openrouter.ai/auth";

/// The shortest code verifier RFC 7636 allows.
const MIN_VERIFIER_LEN: usize = 43;
/// The longest code verifier RFC 7636 allows.
const MAX_VERIFIER_LEN: usize = 128;
/// The longest key label the API accepts.
const MAX_KEY_LABEL_CHARS: usize = 100;

/// The secret of a PKCE flow (RFC 7636 §4.1): 43 to 128 characters of
/// `[A-Za-z0-9-._~]`.
///
/// Keep it until the exchange; send only its [`CodeChallenge`] to the
/// authorization page. `Debug` does not show the value, there is no
/// `Display`, and the memory is zeroed on drop (it is held in a [`Secret`]):
/// use [`as_str`](Self::as_str) where the value is needed.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeVerifier(Secret);

impl CodeVerifier {
    /// A new verifier: 32 bytes from the operating system's secure random
    /// number generator, base64url-encoded without padding (43 characters).
    ///
    /// # Panics
    ///
    /// When the operating system cannot provide random bytes (practically
    /// never on supported platforms).
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        if let Err(e) = getrandom::fill(&mut bytes) {
            panic!("the operating system's random number generator failed: {e}");
        }
        Self(Secret::new(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Checks a verifier you created yourself against RFC 7636: 43 to 128
    /// characters, each one of `A-Z`, `a-z`, `0-9`, `-`, `.`, `_`, `~`.
    pub fn new(verifier: impl Into<String>) -> Result<Self, InvalidCodeVerifier> {
        let verifier = verifier.into();
        if let Some((position, character)) = verifier.chars().enumerate().find(|(_, c)| !is_unreserved(*c)) {
            return Err(InvalidCodeVerifier::Character { position, character });
        }
        // Every character is ASCII now, so bytes are characters.
        let length = verifier.len();
        if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&length) {
            return Err(InvalidCodeVerifier::Length(length));
        }
        Ok(Self(Secret::new(verifier)))
    }

    /// The secret value, as sent in the exchange (`code_verifier`).
    pub fn as_str(&self) -> &str {
        self.0.expose_secret()
    }

    /// The challenge for `method`.
    pub fn challenge(&self, method: ChallengeMethod) -> CodeChallenge {
        let value = match method {
            ChallengeMethod::S256 => URL_SAFE_NO_PAD.encode(Sha256::digest(self.as_str().as_bytes())),
            ChallengeMethod::Plain => self.as_str().to_owned(),
        };
        CodeChallenge { value, method }
    }

    /// The S256 challenge: `BASE64URL(SHA256(verifier))` without padding.
    /// Use this one unless the other side cannot.
    pub fn challenge_s256(&self) -> CodeChallenge {
        self.challenge(ChallengeMethod::S256)
    }

    /// The `plain` challenge: the verifier itself. It protects nothing if
    /// the authorization URL leaks; prefer [`challenge_s256`](Self::challenge_s256).
    pub fn challenge_plain(&self) -> CodeChallenge {
        self.challenge(ChallengeMethod::Plain)
    }
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeVerifier([redacted])")
    }
}

impl FromStr for CodeVerifier {
    type Err = InvalidCodeVerifier;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// `unreserved` of RFC 3986, the alphabet of code verifiers.
fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// Why [`CodeVerifier::new`] rejected a value. The message never repeats the
/// value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidCodeVerifier {
    /// The verifier has this many characters, not 43 to 128.
    Length(usize),
    /// A character outside `[A-Za-z0-9-._~]`.
    Character {
        /// Its position (in characters, from 0).
        position: usize,
        /// The character.
        character: char,
    },
}

impl fmt::Display for InvalidCodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length(length) => write!(
                f,
                "invalid PKCE code verifier: it has {length} characters; RFC 7636 requires \
                 {MIN_VERIFIER_LEN} to {MAX_VERIFIER_LEN}"
            ),
            Self::Character { position, character } => write!(
                f,
                "invalid PKCE code verifier: character {character:?} at position {position} is \
                 not allowed; RFC 7636 allows only A-Z, a-z, 0-9, '-', '.', '_' and '~'"
            ),
        }
    }
}

impl std::error::Error for InvalidCodeVerifier {}

/// How a [`CodeChallenge`] is derived from its [`CodeVerifier`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChallengeMethod {
    /// `S256`: the base64url-encoded SHA-256 of the verifier (the default).
    #[default]
    S256,
    /// `plain`: the verifier itself.
    Plain,
}

impl ChallengeMethod {
    /// The value on the wire: `S256` or `plain` (the generated models of
    /// the operations convert from it with `From<&str>`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S256 => "S256",
            Self::Plain => "plain",
        }
    }
}

impl fmt::Display for ChallengeMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value sent as `code_challenge`, with the [`ChallengeMethod`] that
/// produced it. Not secret (for S256); `Display` shows the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge {
    value: String,
    method: ChallengeMethod,
}

impl CodeChallenge {
    /// The challenge, as sent in `code_challenge`.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// How it was derived, as sent in `code_challenge_method`.
    pub fn method(&self) -> ChallengeMethod {
        self.method
    }
}

impl fmt::Display for CodeChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// Builds the URL of OpenRouter's authorization page, where the user
/// approves the new key.
///
/// The page is [`DEFAULT_AUTHORIZATION_PAGE`] unless set with
/// [`page`](Self::page); it does not follow the client's base URL, so a
/// proxy or test server for the API never decides where the user logs in.
/// Opening the page needs no API key.
///
/// ```
/// use openrouter::api::oauth::pkce::{AuthorizationUrl, CodeVerifier};
///
/// let verifier = CodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
/// let url = AuthorizationUrl::new()
///     .callback_url("http://localhost:3000/callback")
///     .code_challenge(&verifier.challenge_s256())
///     .limit(5.0)
///     .build()
///     .unwrap();
/// assert_eq!(
///     url.as_str(),
///     "https://openrouter.ai/auth?callback_url=http%3A%2F%2Flocalhost%3A3000%2Fcallback\
///      &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256\
///      &limit=5"
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct AuthorizationUrl {
    page: Option<String>,
    callback_url: Option<String>,
    challenge: Option<CodeChallenge>,
    limit: Option<f64>,
    key_label: Option<String>,
}

impl AuthorizationUrl {
    /// A builder for OpenRouter's authorization page.
    pub fn new() -> Self {
        Self::default()
    }

    /// The authorization page, instead of [`DEFAULT_AUTHORIZATION_PAGE`]:
    /// an `https` URL, or `http` on a loopback address (for tests). Checked
    /// by [`build`](Self::build).
    pub fn page(mut self, url: impl Into<String>) -> Self {
        self.page = Some(url.into());
        self
    }

    /// Where the browser is sent with `?code=…` after the user approves:
    /// an `https` URL, or an `http` URL on `localhost` or `127.0.0.1` (any
    /// port). Checked by [`build`](Self::build).
    ///
    /// Without a callback URL, the page shows the code for the user to copy
    /// (see `oauth::login::PasteLogin` with the `login` feature); a challenge
    /// is then required.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// The challenge (and its method) of the verifier you will send in the
    /// exchange.
    pub fn code_challenge(mut self, challenge: &CodeChallenge) -> Self {
        self.challenge = Some(challenge.clone());
        self
    }

    /// The credit limit of the new key, in US dollars (finite, not negative).
    pub fn limit(mut self, usd: f64) -> Self {
        self.limit = Some(usd);
        self
    }

    /// A name for the new key (1 to 100 characters); the app's name when
    /// left out.
    pub fn key_label(mut self, label: impl Into<String>) -> Self {
        self.key_label = Some(label.into());
        self
    }

    /// Checks the parameters and returns the percent-encoded URL.
    pub fn build(self) -> Result<Url, AuthorizationUrlError> {
        let callback_url = self.callback_url.as_deref().map(validate_callback_url).transpose()?;
        if callback_url.is_none() && self.challenge.is_none() {
            return Err(AuthorizationUrlError::ChallengeRequired);
        }
        if let Some(limit) = self.limit {
            if !limit.is_finite() || limit < 0.0 {
                return Err(AuthorizationUrlError::InvalidLimit(limit));
            }
        }
        if let Some(label) = &self.key_label {
            let chars = label.chars().count();
            if chars == 0 || chars > MAX_KEY_LABEL_CHARS {
                return Err(AuthorizationUrlError::InvalidKeyLabel(chars));
            }
        }

        let mut url = validate_page(self.page.as_deref().unwrap_or(DEFAULT_AUTHORIZATION_PAGE))?;
        {
            let mut query = url.query_pairs_mut();
            if let Some(callback_url) = &callback_url {
                query.append_pair("callback_url", callback_url.as_str());
            }
            if let Some(challenge) = &self.challenge {
                query.append_pair("code_challenge", challenge.as_str());
                query.append_pair("code_challenge_method", challenge.method().as_str());
            }
            if let Some(limit) = self.limit {
                query.append_pair("limit", &limit.to_string());
            }
            if let Some(label) = &self.key_label {
                query.append_pair("key_label", label);
            }
        }
        Ok(url)
    }
}

/// `https`, or `http` on a loopback address; no user info, query or fragment.
fn validate_page(raw: &str) -> Result<Url, AuthorizationUrlError> {
    let invalid = |reason: &str| AuthorizationUrlError::InvalidPage { url: raw.to_owned(), reason: reason.to_owned() };
    let url = Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
    match url.scheme() {
        "https" if url.host().is_some() => {}
        "http" if crate::client::is_loopback(&url) => {}
        _ => return Err(invalid("it must be https (or http on a loopback address)")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not carry a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(url)
}

/// `https`, or `http` on `localhost` / `127.0.0.1`; no fragment.
fn validate_callback_url(raw: &str) -> Result<Url, AuthorizationUrlError> {
    let invalid =
        |reason: &str| AuthorizationUrlError::InvalidCallbackUrl { url: raw.to_owned(), reason: reason.to_owned() };
    let url = Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
    match url.scheme() {
        "https" if url.host().is_some() => {}
        "https" => return Err(invalid("it has no host")),
        "http" => {
            // The parser lowercases domains and normalizes IPv4 addresses.
            let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1"));
            if !loopback {
                return Err(invalid("an http callback URL must be on localhost or 127.0.0.1; use https otherwise"));
            }
        }
        _ => return Err(invalid("the scheme must be https (or http on localhost)")),
    }
    if url.fragment().is_some() {
        return Err(invalid("it must not have a fragment"));
    }
    Ok(url)
}

/// Why [`AuthorizationUrl::build`] failed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AuthorizationUrlError {
    /// The authorization page set with [`AuthorizationUrl::page`] is not an
    /// `https` URL (or `http` on a loopback address), or does not parse.
    InvalidPage {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The callback URL is not an `https` URL or an `http` URL on
    /// `localhost` / `127.0.0.1`, or does not parse.
    InvalidCallbackUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// There is no callback URL and no challenge: the flow without callback
    /// (the user copies the code from the page) needs a challenge.
    ChallengeRequired,
    /// The credit limit is negative or not finite.
    InvalidLimit(f64),
    /// The key label has this many characters, not 1 to 100.
    InvalidKeyLabel(usize),
}

impl fmt::Display for AuthorizationUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidPage { url, reason } => {
                write!(f, "invalid authorization page `{url}`: {reason}")
            }
            Self::InvalidCallbackUrl { url, reason } => {
                write!(f, "invalid callback URL `{url}`: {reason}")
            }
            Self::ChallengeRequired => f.write_str(
                "an authorization URL without a callback URL needs a code challenge \
                 (set one with `code_challenge`)",
            ),
            Self::InvalidLimit(limit) => {
                write!(f, "invalid credit limit {limit}: it must be a finite, non-negative amount of US dollars")
            }
            Self::InvalidKeyLabel(chars) => {
                write!(f, "invalid key label: it has {chars} characters; 1 to {MAX_KEY_LABEL_CHARS} are allowed")
            }
        }
    }
}

impl std::error::Error for AuthorizationUrlError {}
