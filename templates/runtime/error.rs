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

    /// How long the server asked to wait (`Retry-After`), for the statuses
    /// that carry it (429, 503).
    fn retry_after(&self) -> Option<Duration> {
        None
    }

    /// Records the response's `Retry-After`; kept by the variants of the
    /// statuses that carry it.
    fn set_retry_after(&mut self, _after: Duration) {}
}

/// Why an operation failed. `E` holds the operation's documented error
/// responses.
///
/// Text that came from the server is kept as a short excerpt, and `Display`
/// escapes its control characters and cuts it to a few hundred characters, so
/// printing an error cannot move the cursor, change colours or flood a
/// terminal.
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
    /// The server answered with a status this operation does not document
    /// (a redirect too: redirects are not followed unless the client was
    /// built with [`follow_redirects`](crate::ClientBuilder::follow_redirects)).
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
        /// The start of the response body, as text (invalid UTF-8 replaced;
        /// at most 2 KiB).
        body: String,
    },
    /// The response body does not match the documented schema: a success
    /// body, or the body of a documented error status.
    Decode {
        /// The HTTP status.
        status: u16,
        /// The start of the response body (at most 2 KiB), or `None` when the
        /// operation's success body carries a credential: then only `source`
        /// (which names the place in the body, not its content) is kept.
        body: Option<String>,
        /// What did not match.
        source: BoxError,
    },
    /// The response body is larger than the client's limit
    /// ([`max_response_bytes`](crate::ClientBuilder::max_response_bytes));
    /// it was not read to its end.
    BodyTooLarge {
        /// The HTTP status.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
    },
    /// An attempt got no complete response within the timeout.
    Timeout {
        /// The timeout of one attempt.
        after: Duration,
    },
    /// The server's name could not be resolved (no network, no DNS, a
    /// misspelled host). Never retried: it does not heal by itself.
    Dns {
        /// The host that was looked up.
        host: String,
        /// The resolver's error.
        source: reqwest::Error,
    },
    /// The TLS handshake failed: the server's certificate is not trusted
    /// (such as a TLS-intercepting proxy's), has expired or names another
    /// host, or the server does not speak TLS. Never retried.
    Tls {
        /// The host of the server.
        host: String,
        /// The TLS error.
        source: reqwest::Error,
    },
    /// The request could not be sent or the response not read (connection
    /// refused, connection reset, ...).
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
            Self::UnexpectedStatus { status, .. } | Self::Decode { status, .. } | Self::BodyTooLarge { status, .. } => {
                Some(*status)
            }
            Self::Timeout { .. }
            | Self::Dns { .. }
            | Self::Tls { .. }
            | Self::Transport(_)
            | Self::InvalidRequest(_) => None,
        }
    }

    /// The documented error response, if this is one.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// How long the server asked to wait before trying again (`Retry-After`
    /// of a documented 429 or 503 answer), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(ApiError::retry_after)
    }

    /// The start of the raw response body, kept when it could not be turned
    /// into a typed value (and carries no credential). Not escaped: escape it
    /// before printing it.
    pub fn raw_body(&self) -> Option<&str> {
        match self {
            Self::UnexpectedStatus { body, .. } => Some(body),
            Self::Decode { body, .. } => body.as_deref(),
            _ => None,
        }
    }

    /// Whether an attempt timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// Whether no connection to the server could be made (DNS and TLS
    /// failures included).
    pub fn is_connect(&self) -> bool {
        match self {
            Self::Dns { .. } | Self::Tls { .. } => true,
            Self::Transport(e) => e.is_connect(),
            _ => false,
        }
    }
}

impl<E: ApiError> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The generated Display of `E` already names the status; it
            // repeats the server's text, so it is escaped too.
            Self::Api(e) => f.write_str(&printable(&e.to_string())),
            Self::UnexpectedStatus { status, body } => {
                write!(f, "the server answered with undocumented status {status}")?;
                if !body.trim().is_empty() {
                    write!(f, ": {}", printable(body))?;
                }
                Ok(())
            }
            Self::Decode { status, source, .. } => write!(
                f,
                "the response body (status {status}) does not match the API schema: {}",
                printable(&source.to_string())
            ),
            Self::BodyTooLarge { status, limit } => {
                write!(f, "the response body (status {status}) is larger than the limit of {limit} bytes")
            }
            Self::Timeout { after } => write!(f, "no response within the timeout of {after:?}"),
            Self::Dns { host, source } => write!(
                f,
                "cannot resolve `{}` (no network or DNS?): {}",
                printable(host),
                printable(&innermost(source))
            ),
            Self::Tls { host, source } => write!(
                f,
                "TLS handshake with `{}` failed (untrusted or invalid certificate, or a \
                 TLS-intercepting proxy?): {}",
                printable(host),
                printable(&innermost(source))
            ),
            Self::Transport(e) if e.is_connect() => {
                let host = e.url().map_or(String::new(), |url| {
                    let host = url.host_str().unwrap_or_default();
                    match url.port_or_known_default() {
                        Some(port) => format!("{host}:{port}"),
                        None => host.to_owned(),
                    }
                });
                write!(f, "cannot connect to `{}`: {}", printable(&host), printable(&innermost(e)))
            }
            Self::Transport(e) => write!(f, "transport error: {}", printable(&chain(e))),
            Self::InvalidRequest(message) => write!(f, "invalid request: {message}"),
        }
    }
}

impl<E: ApiError> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Api(e) => e.source(),
            // Shown whole in Display: no source, so the chain is not repeated.
            Self::Decode { .. } | Self::Dns { .. } | Self::Tls { .. } | Self::Transport(_) => None,
            Self::UnexpectedStatus { .. }
            | Self::BodyTooLarge { .. }
            | Self::Timeout { .. }
            | Self::InvalidRequest(_) => None,
        }
    }
}

/// An error and its sources, `: `-separated, skipping a source whose text
/// the previous one already contains.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(source) = next {
        let part = source.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        next = source.source();
    }
    text
}

/// The text of the deepest cause of an error (looking inside `io::Error`s,
/// whose `source` skips the error they wrap).
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut deepest = error;
    loop {
        let next = match deepest.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => deepest.source(),
        };
        match next {
            Some(next) => deepest = next,
            None => return deepest.to_string(),
        }
    }
}

/// The most characters of outside text one message shows.
const MAX_SHOWN_CHARS: usize = 300;

/// Outside text made safe for a terminal: control characters (C0, DEL, C1)
/// and bidirectional overrides escaped as `\u{..}`, cut to a few hundred
/// characters (`…` marks a cut).
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_SHOWN_CHARS + 8));
    let mut chars = text.trim().chars();
    for c in chars.by_ref().take(MAX_SHOWN_CHARS) {
        let hidden =
            c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if hidden {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// The most bytes of a body an error keeps.
const MAX_KEPT_BYTES: usize = 2048;

/// The start of a body, as text, for an error to keep.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(MAX_KEPT_BYTES)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if cut.len() < body.len() {
        // A cut inside a character shows as one replacement character.
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_controls_and_cuts() {
        assert_eq!(printable("a\u{1b}[2Jb\u{9b}c\u{202e}d\n"), "a\\u{1b}[2Jb\\u{9b}c\\u{202e}d");
        let long = "x".repeat(1000);
        let shown = printable(&long);
        assert_eq!(shown.chars().count(), MAX_SHOWN_CHARS + 1);
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn excerpt_keeps_at_most_the_limit() {
        assert_eq!(excerpt(b"short"), "short");
        let long = vec![b'y'; 10_000];
        let kept = excerpt(&long);
        assert_eq!(kept.len(), MAX_KEPT_BYTES + '…'.len_utf8());
    }
}
