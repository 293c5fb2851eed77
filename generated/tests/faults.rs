//! Faults on real local servers (127.0.0.1 only): connections that break, servers that stall,
//! bodies over the cap, Retry-After abuse, redirects, DNS and TLS failures; what is retried and
//! what never is; and secrets that never reach Debug, Display or an error.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openrouter::api::oauth::login::{Login, LoginError};
use openrouter::api::oauth::pkce::CodeVerifier;
use openrouter::models::{
    CreateAuthKeysCodeRequest, ExchangeAuthCodeForApiKeyRequest, ExchangeAuthCodeForApiKeyResponse,
};
use openrouter::{Client, Error, RetryEvent, RetryPolicy, RetryReason, Secret};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-or-v1-fault-secret-0123456789abcdef";
const CODE: &str = "auth_code_single_use_0123456789";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// Everything retried quickly, `POST`s included: what is still not retried is the runtime's
/// decision, not the policy's.
fn eager_retry() -> RetryPolicy {
    RetryPolicy::new()
        .initial_interval(Duration::from_millis(20))
        .max_interval(Duration::from_millis(200))
        .max_elapsed_time(Duration::from_secs(10))
        .exponent(1.5)
        .status_range(5)
        .status(429)
        .retry_connection_errors(true)
        .retry_non_idempotent(true)
}

fn client_for(base: &str) -> Client {
    Client::builder().base_url(base).api_key(KEY).no_retry().build().unwrap()
}

fn code_request() -> CreateAuthKeysCodeRequest {
    serde_json::from_value(json!({"callback_url": "https://app.example/cb"})).unwrap()
}

fn exchange_request() -> ExchangeAuthCodeForApiKeyRequest {
    ExchangeAuthCodeForApiKeyRequest::new(CODE.into()).with_code_verifier(VERIFIER.into())
}

fn code_response() -> serde_json::Value {
    json!({"data": {"id": "auth_123", "app_id": 7, "created_at": "2025-01-01T00:00:00Z"}})
}

/// Counts the retries a client announces through its hook.
fn counting(base: &str, policy: RetryPolicy) -> (Client, Arc<Mutex<Vec<RetryEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let client = Client::builder()
        .base_url(base)
        .api_key(KEY)
        .retry(policy)
        .on_retry(move |event| seen.lock().unwrap().push(event.clone()))
        .build()
        .unwrap();
    (client, events)
}

/// A raw TCP server on 127.0.0.1 that answers every connection with `reply` (then keeps the
/// connection open for `hold`), counting connections.
async fn raw_server(reply: &'static [u8], hold: Duration) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                // Read the request head before answering.
                let _ = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await;
                let _ = stream.write_all(reply).await;
                let _ = stream.flush().await;
                tokio::time::sleep(hold).await;
            });
        }
    });
    (base, connections)
}

#[tokio::test]
async fn connection_closed_mid_body_is_a_transport_error_and_a_post_is_not_resent() {
    let reply: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"data\":";
    let (base, connections) = raw_server(reply, Duration::ZERO).await;
    // The policy retries connection errors, but not a POST that may have been received.
    let policy = eager_retry().retry_non_idempotent(false);
    let (client, events) = counting(&base, policy);
    let err = client.oauth().create_auth_code(code_request()).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!err.is_connect(), "{err:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    assert!(events.lock().unwrap().is_empty());

    // Asked explicitly, the POST is resent: "connection lost" each time.
    let (client, events) = counting(&base, eager_retry().max_attempts(3));
    let err = client.oauth().create_auth_code(code_request()).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events.iter().all(|e| e.reason == RetryReason::ConnectionLost && e.method == "POST"));
    assert_eq!(events[0].path, "/auth/keys/code");
}

#[tokio::test]
async fn headers_that_never_come_time_out_within_the_bound() {
    // Reads the request, then says nothing for a minute.
    let (base, _) = raw_server(b"", Duration::from_secs(60)).await;
    let client = client_for(&base);
    let start = Instant::now();
    let err = client.oauth().create_auth_code(code_request()).timeout(Duration::from_millis(300)).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // Generous: proves only that it does not hang.
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
}

#[tokio::test]
async fn a_body_larger_than_the_cap_is_rejected() {
    let server = MockServer::start().await;
    let big = "x".repeat(300_000);
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_string(big)).mount(&server).await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .max_response_bytes(100_000)
        .retry(eager_retry())
        .build()
        .unwrap();
    let err = client.oauth().create_auth_code(code_request()).await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { status: 200, limit: 100_000 }), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // Without Content-Length (chunked): cut off while reading.
    let reply: &[u8] = b"HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n\
        10000\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    let (base, _) = raw_server(reply, Duration::from_secs(5)).await;
    let client = Client::builder().base_url(&base).max_response_bytes(64).no_retry().build().unwrap();
    let err = client.oauth().create_auth_code(code_request()).await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { status: 500, limit: 64 }), "{err:?}");
}

#[tokio::test]
async fn retry_after_zero_with_repeated_503s_obeys_the_policy() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    // Four attempts; backoff 100, 150, 225 ms (at least 75% of each): Retry-After: 0 shortens
    // none of them.
    let policy =
        eager_retry().initial_interval(Duration::from_millis(100)).max_interval(Duration::from_secs(1)).max_attempts(4);
    let (client, events) = counting(&server.uri(), policy);
    let start = Instant::now();
    let err = client.oauth().create_auth_code(code_request()).await.unwrap_err();
    let elapsed = start.elapsed();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
    assert!(elapsed >= Duration::from_millis(355) && elapsed < Duration::from_secs(10), "{elapsed:?}");
    let events = events.lock().unwrap().clone();
    assert_eq!(events.iter().map(|e| e.attempt).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(events.iter().all(|e| e.reason == RetryReason::Status(503) && e.delay >= Duration::from_millis(75)));

    // The elapsed-time budget bounds the attempts too.
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let policy = eager_retry()
        .initial_interval(Duration::from_millis(100))
        .exponent(1.0)
        .max_elapsed_time(Duration::from_millis(500));
    let (client, _) = counting(&server.uri(), policy);
    let start = Instant::now();
    client.oauth().create_auth_code(code_request()).await.unwrap_err();
    let attempts = server.received_requests().await.unwrap().len();
    // At most 500 ms / 75 ms of waits, at least 500 ms / 125 ms - 1.
    assert!((3..=8).contains(&attempts), "{attempts}");
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
}

#[tokio::test]
async fn a_post_is_not_resent_after_a_5xx_unless_the_policy_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(502)).mount(&server).await;
    let (client, _) = counting(&server.uri(), eager_retry().retry_non_idempotent(false));
    let err = client.oauth().create_auth_code(code_request()).await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    let (client, _) = counting(&server.uri(), eager_retry().max_attempts(3));
    client.oauth().create_auth_code(code_request()).await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1 + 3);
}

#[tokio::test]
async fn the_single_use_code_exchange_is_never_resent_once_it_may_have_been_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/auth/keys")).respond_with(ResponseTemplate::new(504)).mount(&server).await;
    // The most eager policy: still one request.
    let (client, events) = counting(&server.uri(), eager_retry());
    let err = client.oauth().exchange_auth_code_for_api_key(exchange_request()).await.unwrap_err();
    assert_eq!(err.status(), Some(504));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // A timeout after sending: not resent either.
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/auth/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": KEY})).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let err = client
        .oauth()
        .exchange_auth_code_for_api_key(exchange_request())
        .timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(events.lock().unwrap().is_empty());

    // Refused before anything was sent: retried.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (client, events) = counting(&format!("http://127.0.0.1:{closed}"), eager_retry().max_attempts(3));
    let err = client.oauth().exchange_auth_code_for_api_key(exchange_request()).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events.iter().all(|e| e.reason == RetryReason::Connect));
}

#[tokio::test]
async fn redirects_are_not_followed_unless_asked() {
    let target = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(code_response()))
        .mount(&target)
        .await;
    let origin = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/auth/keys/code", target.uri())))
        .mount(&origin)
        .await;

    let err = client_for(&origin.uri()).oauth().exchange_auth_code_for_api_key(exchange_request()).await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus { status: 307, .. }), "{err:?}");
    assert!(target.received_requests().await.unwrap().is_empty());

    // Opted in: followed, and the key is not sent to the other origin.
    let client = Client::builder().base_url(origin.uri()).api_key(KEY).follow_redirects(3).no_retry().build().unwrap();
    client.oauth().create_auth_code(code_request()).await.unwrap();
    let received = target.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert!(!received[0].headers.contains_key("authorization"));
}

#[tokio::test]
async fn dns_failure_fails_fast_with_a_dns_error_naming_the_host() {
    // The spec's policy (connection errors retried for an hour) is in force.
    let client = Client::builder().base_url("https://openrouter-test.invalid/api/v1").api_key(KEY).build().unwrap();
    let start = Instant::now();
    let err = client.oauth().create_auth_code(code_request()).await.unwrap_err();
    assert!(matches!(&err, Error::Dns { host, .. } if host == "openrouter-test.invalid"), "{err:?}");
    let shown = err.to_string();
    assert!(shown.contains("cannot resolve `openrouter-test.invalid`"), "{shown}");
    assert!(start.elapsed() < Duration::from_secs(20), "{:?}", start.elapsed());
}

/// A self-signed certificate for `localhost` and its key (made with `openssl req -x509
/// -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500 -subj /CN=localhost
/// -addext subjectAltName=DNS:localhost`); for this test only.
const CERT_PEM: &str = include_str!("tls/localhost.crt");
const KEY_PEM: &str = include_str!("tls/localhost.key");

/// A TLS server on 127.0.0.1 with a certificate no one trusts, counting handshakes.
async fn untrusted_tls_server() -> (u16, Arc<AtomicUsize>) {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let cert = CertificateDer::from_pem_slice(CERT_PEM.as_bytes()).unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY_PEM.as_bytes()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&attempts);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // The client gives up during the handshake.
                let _ = acceptor.accept(stream).await;
            });
        }
    });
    (port, attempts)
}

#[tokio::test]
async fn tls_failure_fails_fast_with_a_tls_error() {
    let (port, attempts) = untrusted_tls_server().await;
    let client = Client::builder()
        .base_url(format!("https://localhost:{port}/api/v1"))
        .api_key(KEY)
        .retry(eager_retry())
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.oauth().create_auth_code(code_request()).await.unwrap_err();
    assert!(matches!(&err, Error::Tls { host, .. } if host == "localhost"), "{err:?}");
    assert!(err.to_string().contains("TLS handshake with `localhost` failed"), "{err}");
    assert!(!err.to_string().contains(KEY));
    // Not retried.
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    assert!(start.elapsed() < Duration::from_secs(20), "{:?}", start.elapsed());
}

#[tokio::test]
async fn the_offline_paste_login_fails_fast_naming_the_host() {
    let client = Client::builder().base_url("https://openrouter-offline.invalid/api/v1").api_key("").build().unwrap();
    let login = Login::new(&client).code_verifier(CodeVerifier::new(VERIFIER).unwrap()).paste().unwrap();
    let start = Instant::now();
    let err = login.finish(&b"auth_code_pasted\n"[..]).await.unwrap_err();
    // Within the login's 30 s bound (at once, in fact: DNS failures are not retried).
    assert!(start.elapsed() < Duration::from_secs(30), "{:?}", start.elapsed());
    assert!(matches!(&err, LoginError::Exchange(e) if matches!(**e, Error::Dns { .. })), "{err:?}");
    let shown = err.to_string();
    assert!(shown.contains("openrouter-offline.invalid"), "{shown}");
    assert!(shown.contains("cannot resolve"), "{shown}");
    assert!(!shown.contains("auth_code_pasted"), "{shown}");
}

#[tokio::test]
async fn text_from_the_server_is_escaped_and_cut_in_errors() {
    let server = MockServer::start().await;
    let hostile = format!("\u{1b}]0;pwned\u{7}\u{1b}[2J{}", "A".repeat(5000));
    Mock::given(method("POST"))
        .and(path("/auth/keys/code"))
        .respond_with(ResponseTemplate::new(418).set_body_string(hostile.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/keys"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": {"code": 403, "message": hostile}})))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let unexpected = client.oauth().create_auth_code(code_request()).await.unwrap_err();
    // The kept excerpt is short, and what Display shows is escaped and shorter still.
    assert!(unexpected.raw_body().unwrap().len() <= 2048 + 3);
    let api = client.oauth().exchange_auth_code_for_api_key(exchange_request()).await.unwrap_err();
    let login = LoginError::Exchange(Box::new(api));
    for shown in [unexpected.to_string(), login.to_string()] {
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert!(shown.contains("\\u{1b}"), "{shown}");
        assert!(shown.chars().count() < 800, "{}", shown.len());
    }
}

#[tokio::test]
async fn secrets_never_appear_in_debug_display_or_errors() {
    let new_key = "sk-or-v1-brand-new-secret-key-0123456789";
    let server = MockServer::start().await;
    // A 200 whose body does not match the schema but carries the new key.
    Mock::given(method("POST"))
        .and(path("/auth/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": new_key, "user_id": 42})))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let err = client.oauth().exchange_auth_code_for_api_key(exchange_request()).await.unwrap_err();
    assert!(matches!(&err, Error::Decode { status: 200, body: None, .. }), "{err:?}");
    assert_eq!(err.raw_body(), None);

    let response = ExchangeAuthCodeForApiKeyResponse::new(new_key.into()).with_user_id("user_1".into());
    let request = exchange_request();
    let secret = Secret::from(KEY);
    let verifier = CodeVerifier::new(VERIFIER).unwrap();
    let login_error = LoginError::Exchange(Box::new(err));
    let mut shown = vec![
        format!("{response:?} {response:#?}"),
        format!("{request:?} {request:#?}"),
        format!("{secret:?}"),
        format!("{verifier:?}"),
        format!("{login_error} | {login_error:?}"),
        format!("{client:?}"),
    ];
    let mut source = std::error::Error::source(&login_error);
    while let Some(inner) = source {
        shown.push(format!("{inner} | {inner:?}"));
        source = inner.source();
    }
    for text in &shown {
        for secret in [new_key, KEY, CODE, VERIFIER] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }
    assert!(shown[0].contains("[redacted]"), "{}", shown[0]);
    // The wire still carries the values.
    let wire = serde_json::to_value(&request).unwrap();
    assert_eq!(wire, json!({"code": CODE, "code_verifier": VERIFIER}));
}
