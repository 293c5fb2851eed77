//! Runtime behaviour against a local mock server: request shape, decoding,
//! errors, retries, timeouts, and that the API key never leaks.
//!
//! Request models are built from JSON so these tests do not depend on which
//! optional fields the generated structs have.

use std::future::IntoFuture;
use std::time::{Duration, Instant};

use openrouter::api::oauth::{CreateAuthCodeError, ExchangeAuthCodeForApiKeyError};
use openrouter::models::{CreateAuthKeysCodeRequest, ExchangeAuthCodeForApiKeyRequest};
use openrouter::{decode, Client, ClientBuilder, Error, Request, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-or-v1-test-secret-0123456789";

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder().base_url(server.uri()).api_key(KEY).no_retry()
}

fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

/// Retries 5XX, 429 and connection errors quickly, `POST`s included.
fn fast_retry() -> RetryPolicy {
    RetryPolicy::new()
        .initial_interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(100))
        .max_elapsed_time(Duration::from_secs(5))
        .exponent(2.0)
        .status_range(5)
        .status(429)
        .retry_connection_errors(true)
        .retry_non_idempotent(true)
}

fn code_request() -> CreateAuthKeysCodeRequest {
    serde_json::from_value(json!({"callback_url": "https://app.example/cb"})).unwrap()
}

fn exchange_request() -> ExchangeAuthCodeForApiKeyRequest {
    serde_json::from_value(json!({"code": "auth_code_abc"})).unwrap()
}

fn code_response() -> serde_json::Value {
    json!({"data": {"id": "auth_123", "app_id": 7, "created_at": "2025-01-01T00:00:00Z"}})
}

fn error_body(code: u16, message: &str) -> serde_json::Value {
    json!({"error": {"code": code, "message": message}})
}

/// A port on 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn sends_request_line_headers_and_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/keys/code"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("content-type", "application/json"))
        .and(header("user-agent", concat!("openrouter-rust/", env!("CARGO_PKG_VERSION"))))
        .and(header("http-referer", "https://app.example"))
        .and(header("x-openrouter-title", "Example App"))
        .and(header("x-custom", "default"))
        .and(header("x-request-id", "req-42"))
        .and(body_json(json!({"callback_url": "https://app.example/cb"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(code_response()))
        .expect(1)
        .mount(&server)
        .await;
    // A trailing slash on the base URL must not double the slash.
    let client = Client::builder()
        .base_url(format!("{}/api/v1/", server.uri()))
        .api_key(KEY)
        .app_url("https://app.example")
        .app_title("Example App")
        .default_header("X-Custom", "default")
        .build()
        .unwrap();
    // A null nullable field is sent as null; absent optional fields are left out.
    let body: CreateAuthKeysCodeRequest =
        serde_json::from_value(json!({"callback_url": "https://app.example/cb"})).unwrap();

    let response = client.oauth().create_auth_code(body).header("X-Request-Id", "req-42").await.unwrap();

    assert_eq!(response.data.id.expose_secret(), "auth_123");
    assert_eq!(response.data.app_id, 7);
}

#[tokio::test]
async fn api_key_falls_back_to_env_var_and_is_optional() {
    // The only test that builds a client without `api_key`, so the only one
    // reading the variable.
    const VAR: &str = "OPENROUTER_API_KEY";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(code_response()))
        .mount(&server)
        .await;
    let authorization = |server_requests: &[wiremock::Request]| {
        let last = server_requests.last().unwrap();
        last.headers.get("authorization").map(|v| v.to_str().unwrap().to_owned())
    };
    let plain = || Client::builder().base_url(server.uri()).no_retry();

    std::env::remove_var(VAR);
    plain().build().unwrap().oauth().create_auth_code(code_request()).await.unwrap();
    assert_eq!(authorization(&server.received_requests().await.unwrap()), None);

    std::env::set_var(VAR, "sk-from-env");
    // The mock is not the default host: the variable is used only when named.
    let not_named = plain().build();
    let from_env = plain().api_key_from_env().build();
    let empty = plain().api_key("").build();
    let explicit = plain().api_key("sk-explicit").build();
    // The default host gets it without asking (nothing is sent there here).
    let default_host = format!("{:?}", Client::builder().build().unwrap());
    let default_without = format!("{:?}", Client::builder().api_key("").build().unwrap());
    std::env::remove_var(VAR);

    assert!(default_host.contains("api_key: Some"), "{default_host}");
    assert!(!default_host.contains("sk-from-env"), "{default_host}");
    assert!(default_without.contains("api_key: None"), "{default_without}");
    not_named.unwrap().oauth().create_auth_code(code_request()).await.unwrap();
    assert_eq!(authorization(&server.received_requests().await.unwrap()), None);
    from_env.unwrap().oauth().create_auth_code(code_request()).await.unwrap();
    assert_eq!(authorization(&server.received_requests().await.unwrap()).as_deref(), Some("Bearer sk-from-env"));
    empty.unwrap().oauth().create_auth_code(code_request()).await.unwrap();
    assert_eq!(authorization(&server.received_requests().await.unwrap()), None);
    explicit.unwrap().oauth().create_auth_code(code_request()).await.unwrap();
    assert_eq!(authorization(&server.received_requests().await.unwrap()).as_deref(), Some("Bearer sk-explicit"));
}

#[tokio::test]
async fn query_parameters_and_text_bodies_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/notes"))
        .and(query_param("tag", "a b"))
        .and(query_param("limit", "3"))
        .and(header("content-type", "text/plain; charset=utf-8"))
        .and(body_string("hello"))
        .respond_with(ResponseTemplate::new(200).set_body_string("stored"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let text = Request::<String, CreateAuthCodeError>::new(&client, reqwest::Method::PUT, "/notes", decode::text)
        .query("tag", "a b")
        .query("limit", "3")
        .text("hello".into())
        .await
        .unwrap();

    assert_eq!(text, "stored");
}

#[tokio::test]
async fn documented_error_status_is_typed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(409).set_body_json(error_body(409, "try again later")))
        .mount(&server)
        .await;

    let err = client(&server).oauth().create_auth_code(code_request()).await.unwrap_err();

    assert_eq!(err.status(), Some(409));
    match &err {
        Error::Api(CreateAuthCodeError::Conflict(body)) => {
            assert_eq!(body.error.message, "try again later")
        }
        other => panic!("expected Api(Conflict), got {other:?}"),
    }
    assert!(err.api_error().is_some());
}

#[tokio::test]
async fn undocumented_status_keeps_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(418).set_body_string("I'm a teapot"))
        .mount(&server)
        .await;

    let err = client(&server).oauth().create_auth_code(code_request()).await.unwrap_err();

    assert_eq!(err.status(), Some(418));
    assert!(matches!(&err, Error::UnexpectedStatus { status: 418, body } if body == "I'm a teapot"), "{err:?}");
    assert_eq!(err.raw_body(), Some("I'm a teapot"));
    assert!(err.to_string().contains("418"), "{err}");
}

#[tokio::test]
async fn malformed_bodies_are_decode_errors_keeping_the_body() {
    let server = MockServer::start().await;
    Mock::given(path("/auth/keys/code"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data": 1}"#))
        .mount(&server)
        .await;
    Mock::given(path("/auth/keys"))
        .respond_with(ResponseTemplate::new(400).set_body_string("<html>nope</html>"))
        .mount(&server)
        .await;
    let client = client(&server);

    // A body that carries no credential is kept.
    let err = Request::<openrouter::models::BadRequestResponse, CreateAuthCodeError>::new(
        &client,
        reqwest::Method::POST,
        "/auth/keys/code",
        decode::json,
    )
    .await
    .unwrap_err();
    assert!(matches!(&err, Error::Decode { status: 200, body: Some(body), .. } if body == r#"{"data": 1}"#), "{err:?}");
    assert!(err.to_string().contains("missing field `error`"), "{err}");
    // This operation's success body carries a credential (the code): none of it is kept,
    // and the source only says where the body did not match.
    let err = client.oauth().create_auth_code(code_request()).await.unwrap_err();
    assert!(matches!(&err, Error::Decode { status: 200, body: None, .. }), "{err:?}");
    assert!(err.to_string().contains("line 1, column"), "{err}");
    assert!(!err.to_string().contains("invalid type"), "{err}");
    assert!(err.to_string().contains("details withheld"), "{err}");

    let err = client.oauth().exchange_auth_code_for_api_key(exchange_request()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { status: 400, body: Some(body), .. } if body == "<html>nope</html>"),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn retries_server_errors_with_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_json(error_body(503, "busy")))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(code_response()))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).retry(fast_retry()).build().unwrap();

    let start = Instant::now();
    let response = client.oauth().create_auth_code(code_request()).await.unwrap();

    assert_eq!(response.data.id.expose_secret(), "auth_123");
    // Delays of 10 ms and 20 ms, each at least 75% of that after jitter.
    assert!(start.elapsed() >= Duration::from_millis(22), "{:?}", start.elapsed());
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(error_body(400, "bad")))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).retry(fast_retry()).build().unwrap();

    let err = client.oauth().create_auth_code(code_request()).await.unwrap_err();

    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn retry_after_lengthens_the_delay_and_a_longer_one_ends_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(code_response()))
        .mount(&server)
        .await;

    // Retry-After (1 s) lengthens the 10 ms backoff; the upper bound leaves a loaded CI
    // machine seconds of slack.
    let start = Instant::now();
    client(&server)
        .oauth()
        .create_auth_code(code_request())
        .retry(fast_retry().max_interval(Duration::from_secs(2)))
        .await
        .unwrap();
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(990) && elapsed < Duration::from_secs(6), "{elapsed:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // A Retry-After beyond max_interval (300 ms): the server's answer stands, at once.
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "10"))
        .mount(&server)
        .await;
    let start = Instant::now();
    let err = client(&server)
        .oauth()
        .create_auth_code(code_request())
        .retry(fast_retry().max_interval(Duration::from_millis(300)))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
}

#[tokio::test]
async fn exhausted_retries_return_the_last_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_json(error_body(503, "first")))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_json(error_body(500, "last")))
        .mount(&server)
        .await;
    let client = builder(&server).retry(fast_retry().max_attempts(3)).build().unwrap();

    let err = client.oauth().create_auth_code(code_request()).await.unwrap_err();

    match err {
        Error::Api(CreateAuthCodeError::InternalServerError(body)) => {
            assert_eq!(body.error.message, "last")
        }
        other => panic!("expected the last answer (500), got {other:?}"),
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_retried_when_configured() {
    let base = format!("http://127.0.0.1:{}", closed_port());
    let client = Client::builder().base_url(&base).api_key(KEY).no_retry().build().unwrap();

    let err = client.oauth().create_auth_code(code_request()).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_connect());
    assert_eq!(err.status(), None);

    // Three attempts: 50 ms then 100 ms of backoff, at least 75% of each.
    let policy =
        fast_retry().initial_interval(Duration::from_millis(50)).max_interval(Duration::from_secs(1)).max_attempts(3);
    let start = Instant::now();
    let err = client.oauth().create_auth_code(code_request()).retry(policy).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert!(start.elapsed() >= Duration::from_millis(110), "{:?}", start.elapsed());
}

#[tokio::test]
async fn slow_responses_time_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(code_response()).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = builder(&server).timeout(Duration::from_secs(30)).build().unwrap();

    // The per-request timeout replaces the client's.
    let start = Instant::now();
    let err = client.oauth().create_auth_code(code_request()).timeout(Duration::from_millis(200)).await.unwrap_err();

    assert!(matches!(err, Error::Timeout { after } if after == Duration::from_millis(200)), "{err:?}");
    assert!(err.is_timeout());
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
    assert!(err.to_string().contains("200ms"), "{err}");
}

#[tokio::test]
async fn invalid_requests_are_not_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let client = client(&server);

    // What generated code does when a parameter fails validation.
    let err = client
        .oauth()
        .exchange_auth_code_for_api_key(exchange_request())
        .invalid("`code` must not be empty".to_owned())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if m == "`code` must not be empty"), "{err:?}");

    let err = client.oauth().create_auth_code(code_request()).header("X-Bad", "line\nbreak").await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("X-Bad")), "{err:?}");

    let invalid =
        Request::<(), ExchangeAuthCodeForApiKeyError>::new(&client, reqwest::Method::POST, "/x", decode::empty)
            .json(&std::collections::HashMap::from([((1, 2), "tuple keys are not JSON")]));
    let err = invalid.await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("JSON")), "{err:?}");
}

#[test]
fn build_errors_say_what_is_wrong() {
    let err = Client::builder().base_url("not a url").build().unwrap_err();
    assert!(err.to_string().starts_with("invalid base URL `not a url`: "), "{err}");
    let err = Client::builder().base_url("ftp://example.com").build().unwrap_err();
    assert!(err.to_string().contains("http or https"), "{err}");
    let err = Client::builder().api_key(KEY).default_header("bad name", "x").build().unwrap_err();
    assert!(err.to_string().contains("`bad name`"), "{err}");
    let err = Client::builder().api_key(format!("{KEY}\n")).build().unwrap_err();
    assert!(err.to_string().contains("API key"), "{err}");
    assert!(!format!("{err} {err:?}").contains(KEY));

    // http only on loopback, unless allowed.
    let err = Client::builder().base_url("http://api.example/v1").build().unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
    for loopback in ["http://127.0.0.1:9/v1", "http://127.1.2.3/v1", "http://localhost:8080", "http://[::1]:8080"] {
        Client::builder().base_url(loopback).build().unwrap();
    }
    Client::builder().base_url("http://api.example/v1").allow_http(true).build().unwrap();
    // User info is rejected, and the password is not repeated.
    for with_user in ["https://user:hunter2-password@api.example/v1", "https://user@api.example/v1"] {
        let err = Client::builder().base_url(with_user).build().unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("user name or password"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}

#[tokio::test]
async fn futures_are_send_and_static() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(code_response()))
        .mount(&server)
        .await;
    let client = client(&server);

    let handle = tokio::spawn(client.oauth().create_auth_code(code_request()).into_future());

    assert_eq!(handle.await.unwrap().unwrap().data.id.expose_secret(), "auth_123");
}

#[tokio::test]
async fn the_api_key_never_appears_in_debug_or_display() {
    let server = MockServer::start().await;
    Mock::given(path("/auth/keys/code"))
        .respond_with(ResponseTemplate::new(500).set_body_json(error_body(500, "boom")))
        .mount(&server)
        .await;
    let builder = builder(&server).default_header("X-Other-Secret", KEY);
    let client = builder.clone().build().unwrap();
    let refused = Client::builder()
        .base_url(format!("http://127.0.0.1:{}", closed_port()))
        .api_key(KEY)
        .no_retry()
        .build()
        .unwrap();
    let mut errors = vec![
        client.oauth().create_auth_code(code_request()).await.unwrap_err(),
        refused.oauth().create_auth_code(code_request()).await.unwrap_err(),
        client.oauth().create_auth_code(code_request()).header("X-Key", format!("{KEY}\n")).await.unwrap_err(),
    ];
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    errors.push(
        Request::<(), CreateAuthCodeError>::new(&client, reqwest::Method::GET, "/slow", decode::empty)
            .timeout(Duration::from_millis(50))
            .await
            .unwrap_err(),
    );

    let mut shown = vec![format!("{builder:?}"), format!("{client:?}")];
    for err in &errors {
        shown.push(format!("{err} | {err:?}"));
        let mut source = std::error::Error::source(err);
        while let Some(inner) = source {
            shown.push(format!("{inner} | {inner:?}"));
            source = inner.source();
        }
    }
    assert!(shown[1].contains(r#"api_key: Some("<redacted>")"#), "{}", shown[1]);
    for text in shown {
        assert!(!text.contains(KEY), "the key leaked: {text}");
    }
}
