//! The error returned by every operation.

use std::fmt;
use std::time::Duration;

/// A boxed error that can cross threads; the source of [`Error::Decode`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The documented error responses of one operation, one variant per status.
///
/// Implemented by the generated `…Error` enum of each operation.
pub trait ApiError: std::error::Error + Send + Sync + Sized + 'static {
    /// Decodes the body of a response with a non-2xx `status`: `None` when the
    /// status is not documented for this operation, otherwise the decoded
    /// body or the reason it does not match the documented schema.
    fn from_response(status: u16, body: &[u8]) -> Option<Result<Self, serde_json::Error>>;

    /// The HTTP status of the response this error came from.
    fn status(&self) -> u16;
}

/// Why an operation failed. `E` holds the operation's documented error
/// responses.
///
/// ```no_run
/// # async fn run(client: openrouter::Client, request: openrouter::Request<'_, (), impl openrouter::ApiError>) {
/// match request.await {
///     Ok(()) => {}
///     Err(e) if e.status() == Some(409) => { /* conflict */ }
///     Err(e) if e.is_timeout() => { /* try later */ }
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with a status documented for this operation; the
    /// body is decoded into the matching variant.
    Api(E),
    /// The server answered with a status this operation does not document.
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
        /// The response body, as text (invalid UTF-8 replaced).
        body: String,
    },
    /// The response body does not match the documented schema: a success
    /// body, or the body of a documented error status.
    Decode {
        /// The HTTP status.
        status: u16,
        /// The response body, as text (invalid UTF-8 replaced).
        body: String,
        /// What did not match.
        source: BoxError,
    },
    /// An attempt got no complete response within the timeout.
    Timeout {
        /// The timeout of one attempt.
        after: Duration,
    },
    /// The request could not be sent or the response not read (connection
    /// refused, DNS failure, TLS error, connection reset, ...).
    Transport(reqwest::Error),
    /// The request was not sent because it is invalid (a parameter fails
    /// validation, the body does not serialize, a header is not valid).
    InvalidRequest(String),
}

impl<E: ApiError> Error<E> {
    /// The HTTP status of the response, if one was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(e) => Some(e.status()),
            Self::UnexpectedStatus { status, .. } | Self::Decode { status, .. } => Some(*status),
            Self::Timeout { .. } | Self::Transport(_) | Self::InvalidRequest(_) => None,
        }
    }

    /// The documented error response, if this is one.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The raw response body, kept when it could not be turned into a typed
    /// value.
    pub fn raw_body(&self) -> Option<&str> {
        match self {
            Self::UnexpectedStatus { body, .. } | Self::Decode { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Whether an attempt timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// Whether no connection to the server could be made.
    pub fn is_connect(&self) -> bool {
        matches!(self, Self::Transport(e) if e.is_connect())
    }
}

impl<E: ApiError> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The generated Display of `E` already names the status.
            Self::Api(e) => write!(f, "{e}"),
            Self::UnexpectedStatus { status, body } => {
                write!(f, "the server answered with undocumented status {status}")?;
                if !body.is_empty() {
                    write!(f, ": {}", excerpt(body))?;
                }
                Ok(())
            }
            Self::Decode { status, source, .. } => {
                write!(
                    f,
                    "the response body (status {status}) does not match the API schema: {source}"
                )
            }
            Self::Timeout { after } => write!(f, "no response within the timeout of {after:?}"),
            Self::Transport(e) => write!(f, "transport error: {e}"),
            Self::InvalidRequest(message) => write!(f, "invalid request: {message}"),
        }
    }
}

impl<E: ApiError> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // These variants display their inner error, so they forward to its
            // source instead of repeating it in the chain.
            Self::Api(e) => e.source(),
            Self::Decode { source, .. } => source.source(),
            Self::Transport(e) => e.source(),
            Self::UnexpectedStatus { .. } | Self::Timeout { .. } | Self::InvalidRequest(_) => None,
        }
    }
}

/// The start of a body, for one-line messages.
fn excerpt(body: &str) -> String {
    const MAX_CHARS: usize = 200;
    let mut chars = body.trim().chars();
    let head: String = chars.by_ref().take(MAX_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}
