//! Retry policy: exponential backoff with jitter, and the events retries emit.

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// When and how often a request is retried.
///
/// **What is retried.** A response whose status matches one of the
/// configured statuses ([`status`](Self::status),
/// [`status_range`](Self::status_range)) and, with
/// [`retry_connection_errors`](Self::retry_connection_errors), a connection
/// that could not be made (refused, reset before the request was sent) or an
/// attempt that timed out or lost its connection. Never retried, whatever the
/// policy: DNS failures and TLS errors (they do not heal by themselves; see
/// [`Error::Dns`](crate::Error::Dns) and [`Error::Tls`](crate::Error::Tls)),
/// bodies over the size limit, and any other status.
///
/// **Requests that may have reached the server.** A timeout, a connection
/// lost after sending, or a retried status mean the server may already have
/// acted on the request. For idempotent methods (`GET`, `HEAD`, `PUT`,
/// `DELETE`, `OPTIONS`, `TRACE`) that is harmless; a `POST` or `PATCH` is
/// retried then only when the policy says so with
/// [`retry_non_idempotent`](Self::retry_non_idempotent). The policy of the
/// API description (`x-speakeasy-retries`) does, as Speakeasy's clients do:
/// a policy written for the API applies to all its operations. Operations
/// that send a single-use credential (the code exchange of `POST /auth/keys`)
/// are never resent once they may have been sent, whatever the policy.
///
/// **Delays.** The delay before retry `n` (counting from 0) is
/// `d = min(initial_interval * exponent^n, max_interval)`, randomized to a
/// value in `[0.75 * d, 1.25 * d]` (±25% jitter, so that many clients do not
/// retry in lockstep), and never more than `max_interval`. A `Retry-After`
/// header (seconds or HTTP date) can lengthen that delay, never shorten it
/// (`Retry-After: 0` or a date in the past changes nothing). When the server
/// asks for a longer wait than `max_interval` or than what is left of
/// `max_elapsed_time`, retrying stops and its answer is returned.
///
/// **Limits.** Retrying stops when the next attempt would start after
/// `max_elapsed_time` (measured from the first attempt), or when
/// `max_attempts` attempts have been made. By default the number of attempts
/// is unbounded: only `max_elapsed_time` limits it. When retries run out,
/// the last outcome is returned as it was.
///
/// **Visibility.** Each retry emits a `tracing` event (target
/// `openrouter::retry`, level WARN) with the attempt, delay, reason, method
/// and path (never a header or body), and calls the client's
/// [`on_retry`](crate::ClientBuilder::on_retry) hook with a [`RetryEvent`].
///
/// [`RetryPolicy::new`] retries nothing until statuses or connection errors
/// are added:
///
/// ```
/// # use openrouter::RetryPolicy;
/// use std::time::Duration;
///
/// let policy = RetryPolicy::new()
///     .initial_interval(Duration::from_millis(200))
///     .max_attempts(4)
///     .status(429)
///     .status_range(5) // 500..=599
///     .retry_connection_errors(true);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    initial_interval: Duration,
    max_interval: Duration,
    max_elapsed_time: Duration,
    exponent: f64,
    max_attempts: Option<u32>,
    statuses: Vec<StatusMatch>,
    retry_connection_errors: bool,
    retry_non_idempotent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatusMatch {
    Code(u16),
    /// A status class: `5` is 500..=599.
    Class(u16),
}

/// Why an attempt is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// The server answered with this status.
    Status(u16),
    /// No connection could be made (refused, reset); nothing was sent.
    Connect,
    /// The connection broke after the request may have been sent.
    ConnectionLost,
    /// The attempt got no complete response within the timeout.
    Timeout,
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(status) => write!(f, "status {status}"),
            Self::Connect => f.write_str("connection failed"),
            Self::ConnectionLost => f.write_str("connection lost"),
            Self::Timeout => f.write_str("timed out"),
        }
    }
}

/// One retry about to happen: given to the
/// [`on_retry`](crate::ClientBuilder::on_retry) hook.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryEvent {
    /// The attempt that failed, from 1.
    pub attempt: u32,
    /// How long until the next attempt.
    pub delay: Duration,
    /// Why the attempt is retried.
    pub reason: RetryReason,
    /// The HTTP method.
    pub method: String,
    /// The URL path (no query).
    pub path: String,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl RetryPolicy {
    /// A policy with no retry triggers, an initial interval of 500 ms, a
    /// maximum interval of 60 s, a maximum elapsed time of one hour, an
    /// exponent of 1.5 and no attempt cap.
    pub fn new() -> Self {
        Self {
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(60),
            max_elapsed_time: Duration::from_secs(3600),
            exponent: 1.5,
            max_attempts: None,
            statuses: Vec::new(),
            retry_connection_errors: false,
            retry_non_idempotent: false,
        }
    }

    /// The delay before the first retry (before jitter).
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// The longest delay between two attempts. A `Retry-After` asking for a
    /// longer wait ends the retries with the server's answer.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// No retry is started that would end later than this after the first
    /// attempt began.
    pub fn max_elapsed_time(mut self, elapsed: Duration) -> Self {
        self.max_elapsed_time = elapsed;
        self
    }

    /// The factor by which the delay grows after each retry. Values below 1
    /// (or not finite) are treated as 1.
    pub fn exponent(mut self, exponent: f64) -> Self {
        self.exponent = exponent;
        self
    }

    /// The most attempts made in total, the first included; `0` and `1` both
    /// mean "never retry".
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// Retry responses with this exact status code, e.g. `429`.
    pub fn status(mut self, code: u16) -> Self {
        self.statuses.push(StatusMatch::Code(code));
        self
    }

    /// Retry responses whose status is in a whole class: `5` means
    /// `500..=599` (the spec's `5XX`).
    pub fn status_range(mut self, class: u16) -> Self {
        self.statuses.push(StatusMatch::Class(class));
        self
    }

    /// Whether failed connections and timed-out attempts are retried.
    pub fn retry_connection_errors(mut self, retry: bool) -> Self {
        self.retry_connection_errors = retry;
        self
    }

    /// Whether a `POST` or `PATCH` that may have reached the server (it timed
    /// out, lost its connection, or got a retried status) is sent again;
    /// default `false`. Connections that failed before anything was sent are
    /// retried either way.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    pub(crate) fn retries_status(&self, status: u16) -> bool {
        self.statuses.iter().any(|m| match *m {
            StatusMatch::Code(code) => code == status,
            StatusMatch::Class(class) => status / 100 == class,
        })
    }

    pub(crate) fn retries_connection_errors(&self) -> bool {
        self.retry_connection_errors
    }

    pub(crate) fn retries_non_idempotent(&self) -> bool {
        self.retry_non_idempotent
    }

    /// The delay before the next attempt, or `None` when the policy allows no
    /// further attempt. `attempts` is how many attempts were made (at least
    /// 1), `elapsed` the time since the first began, `headers` those of the
    /// retried response, if any (for `Retry-After`).
    pub(crate) fn next_delay(&self, attempts: u32, elapsed: Duration, headers: Option<&HeaderMap>) -> Option<Duration> {
        if self.max_attempts.is_some_and(|max| attempts >= max) {
            return None;
        }
        let backoff = self.backoff(attempts.saturating_sub(1));
        let delay = match headers.and_then(retry_after) {
            // The server asks for a longer wait than this policy allows:
            // its answer is the result.
            Some(asked) if asked > self.max_interval => return None,
            Some(asked) => asked.max(backoff),
            None => backoff,
        };
        (elapsed.saturating_add(delay) <= self.max_elapsed_time).then_some(delay)
    }

    fn backoff(&self, retry: u32) -> Duration {
        let exponent = if self.exponent.is_finite() { self.exponent.max(1.0) } else { 1.0 };
        let power = i32::try_from(retry).unwrap_or(i32::MAX);
        let max = self.max_interval.as_secs_f64();
        let base = (self.initial_interval.as_secs_f64() * exponent.powi(power)).min(max);
        let jittered = (base * (0.75 + 0.5 * fastrand::f64())).min(max);
        // `base` is finite and non-negative here, so this only fails on values
        // a Duration cannot hold; the cap is the sensible answer then.
        Duration::try_from_secs_f64(jittered).unwrap_or(self.max_interval)
    }
}

/// Parses `Retry-After` as delta-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    // A date in the past means "now".
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn policy() -> RetryPolicy {
        RetryPolicy::new()
            .initial_interval(Duration::from_millis(100))
            .max_interval(Duration::from_millis(1000))
            .exponent(2.0)
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let p = policy();
        for _ in 0..100 {
            let d0 = p.backoff(0).as_secs_f64();
            assert!((0.075..=0.125).contains(&d0), "{d0}");
            let d2 = p.backoff(2).as_secs_f64();
            assert!((0.3..=0.5).contains(&d2), "{d2}");
            assert!(p.backoff(10) <= Duration::from_millis(1000));
            assert!(p.backoff(u32::MAX) <= Duration::from_millis(1000));
        }
        let odd = policy().exponent(f64::NAN);
        assert!(odd.backoff(5) <= Duration::from_millis(125));
    }

    #[test]
    fn statuses_match_codes_and_classes() {
        let p = RetryPolicy::new().status(429).status_range(5);
        assert!(p.retries_status(429));
        assert!(p.retries_status(500));
        assert!(p.retries_status(599));
        assert!(!p.retries_status(400));
        assert!(!p.retries_status(428));
    }

    #[test]
    fn attempts_and_elapsed_time_stop_retries() {
        let p = policy().max_attempts(3).max_elapsed_time(Duration::from_secs(1));
        assert!(p.next_delay(1, Duration::ZERO, None).is_some());
        assert!(p.next_delay(2, Duration::ZERO, None).is_some());
        assert!(p.next_delay(3, Duration::ZERO, None).is_none());
        assert!(p.next_delay(1, Duration::from_millis(950), None).is_none());
    }

    #[test]
    fn retry_after_only_lengthens_and_too_long_ends_retries() {
        let p = policy();
        let mut headers = HeaderMap::new();
        for _ in 0..50 {
            // `0` and past dates never shorten the backoff (75..125 ms).
            headers.insert(RETRY_AFTER, HeaderValue::from_static("0"));
            let d = p.next_delay(1, Duration::ZERO, Some(&headers)).unwrap();
            assert!(d >= Duration::from_millis(75), "{d:?}");
            let past = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH);
            headers.insert(RETRY_AFTER, HeaderValue::from_str(&past).unwrap());
            let d = p.next_delay(1, Duration::ZERO, Some(&headers)).unwrap();
            assert!(d >= Duration::from_millis(75), "{d:?}");
        }
        headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
        assert_eq!(p.next_delay(1, Duration::ZERO, Some(&headers)), Some(Duration::from_secs(1)));
        // Longer than max_interval (1 s): the server's answer stands.
        headers.insert(RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(p.next_delay(1, Duration::ZERO, Some(&headers)), None);
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&future).unwrap());
        assert_eq!(p.next_delay(1, Duration::ZERO, Some(&headers)), None);
        // Within max_interval but beyond the remaining budget.
        let budget = policy().max_elapsed_time(Duration::from_millis(1500));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
        assert_eq!(budget.next_delay(1, Duration::from_millis(600), Some(&headers)), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert!(p.next_delay(1, Duration::ZERO, Some(&headers)).unwrap() <= Duration::from_millis(125));
    }
}
