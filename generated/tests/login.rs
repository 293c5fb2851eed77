//! The login flows end to end on 127.0.0.1: a wiremock server plays
//! OpenRouter's exchange endpoint and the test plays the browser (plain HTTP
//! over a TCP stream) or the user pasting the code.

#![cfg(feature = "login")]

use std::time::Duration;

use openrouter::api::oauth::login::{ApiKey, Login, LoginError, LoopbackLogin};
use openrouter::api::oauth::pkce::{AuthorizationUrlError, ChallengeMethod, CodeVerifier};
use openrouter::Client;
use reqwest::Url;
use serde_json::json;
use sha2::Digest as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// RFC 7636, Appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const NEW_KEY: &str = "sk-or-v1-0123456789abcdef0123456789abcdef";

/// A client for the mock that sends no API key and does not retry.
fn client(server: &MockServer) -> Client {
    Client::builder().api_key("").base_url(format!("{}/api/v1", server.uri())).no_retry().build().unwrap()
}

fn login(server: &MockServer) -> Login {
    Login::new(&client(server))
        .code_verifier(CodeVerifier::new(VERIFIER).unwrap())
        .authorization_page(format!("{}/auth", server.uri()))
}

/// The random segment the callback path ends with: 256 bits, base64url.
fn assert_random_segment(path: &str, prefix: &str) {
    let segment = path
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or_else(|| panic!("{path} does not start with {prefix}/"));
    assert_eq!(segment.len(), 43, "{segment}");
    assert!(segment.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
}

/// The exchange answers `code` (with the RFC verifier, S256) with a new key.
async fn mount_exchange(server: &MockServer, code: &str) {
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/keys"))
        .and(body_json(json!({
            "code": code,
            "code_verifier": VERIFIER,
            "code_challenge_method": "S256",
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": NEW_KEY, "user_id": "user_42"})))
        .expect(1)
        .mount(server)
        .await;
}

/// The exchange is never called.
async fn mount_no_exchange(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/keys"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(server)
        .await;
}

/// The exchange answers 403 with OpenRouter's message.
async fn mount_forbidden(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/keys"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "error": {"code": 403, "message": "Invalid code or code_verifier"}
        })))
        .expect(1)
        .mount(server)
        .await;
}

fn query(url: &Url) -> Vec<(String, String)> {
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Sends raw bytes to the callback's address; returns the status and the
/// whole response.
async fn send_raw(callback: &Url, request: &[u8]) -> (u16, String) {
    let address = format!("{}:{}", callback.host_str().unwrap(), callback.port().unwrap());
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, response)
}

/// What a browser sends for `target` (path and query).
async fn browser_get(callback: &Url, target: &str) -> (u16, String) {
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {}\r\nUser-Agent: test-browser\r\nAccept: text/html\r\n\r\n",
        callback.authority()
    );
    send_raw(callback, request.as_bytes()).await
}

fn target_with_query(callback: &Url, query: &str) -> String {
    format!("{}?{query}", callback.path())
}

/// Runs `finish` in the background so the test can act as the browser.
fn finish_in_background(login: LoopbackLogin) -> tokio::task::JoinHandle<Result<ApiKey, LoginError>> {
    tokio::spawn(login.finish())
}

async fn assert_not_listening(callback: &Url) {
    let address = format!("{}:{}", callback.host_str().unwrap(), callback.port().unwrap());
    assert!(TcpStream::connect(address).await.is_err(), "still listening on {callback}");
}

// ---- loopback ----

#[tokio::test]
async fn loopback_login_end_to_end() {
    let server = MockServer::start().await;
    mount_exchange(&server, "auth_code_abc123").await;

    let login = login(&server).limit(25.0).key_label("e2e test").loopback().await.unwrap();

    let callback = login.callback_url().clone();
    assert_eq!(callback.scheme(), "http");
    assert_eq!(callback.host_str(), Some("127.0.0.1"));
    assert_ne!(callback.port(), Some(0));
    assert_random_segment(callback.path(), "/callback");
    let auth = login.authorization_url().clone();
    assert_eq!(format!("{}{}", auth.origin().ascii_serialization(), auth.path()), format!("{}/auth", server.uri()));
    assert_eq!(
        query(&auth),
        vec![
            ("callback_url".to_owned(), callback.to_string()),
            ("code_challenge".to_owned(), CHALLENGE.to_owned()),
            ("code_challenge_method".to_owned(), "S256".to_owned()),
            ("limit".to_owned(), "25".to_owned()),
            ("key_label".to_owned(), "e2e test".to_owned()),
        ]
    );

    let finished = finish_in_background(login);
    let (status, page) = browser_get(&callback, &target_with_query(&callback, "code=auth_code_abc123")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.to_ascii_lowercase().contains("content-type: text/html"), "{page}");
    assert!(page.contains("Login complete"), "{page}");

    let key = finished.await.unwrap().unwrap();
    assert_eq!(key.as_str(), NEW_KEY);
    assert_eq!(key.user_id(), Some("user_42"));
    assert_not_listening(&callback).await;
    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("authorization"));
}

#[tokio::test]
async fn loopback_random_verifier_matches_the_challenge_in_the_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": NEW_KEY})))
        .expect(1)
        .mount(&server)
        .await;

    let login = Login::new(&client(&server)).loopback().await.unwrap();
    let challenge = query(login.authorization_url()).into_iter().find(|(name, _)| name == "code_challenge").unwrap().1;
    let callback = login.callback_url().clone();
    let finished = finish_in_background(login);
    let (status, _) = browser_get(&callback, &target_with_query(&callback, "code=c0de")).await;
    assert_eq!(status, 200);
    finished.await.unwrap().unwrap();

    let requests = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["code"], "c0de");
    assert_eq!(body["code_challenge_method"], "S256");
    let verifier = body["code_verifier"].as_str().unwrap();
    assert_eq!(verifier.len(), 43);
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    assert_eq!(challenge, expected);
}

#[tokio::test]
async fn loopback_plain_method_sends_plain() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/keys"))
        .and(body_json(json!({
            "code": "c", "code_verifier": VERIFIER, "code_challenge_method": "plain"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": NEW_KEY})))
        .expect(1)
        .mount(&server)
        .await;
    // Refused without the explicit opt-in.
    let refused = login(&server).challenge_method(ChallengeMethod::Plain).loopback().await.unwrap_err();
    assert!(matches!(refused, LoginError::PlainChallengeNotAllowed), "{refused:?}");
    assert!(refused.to_string().contains("allow_plain_challenge"), "{refused}");
    let refused = login(&server).challenge_method(ChallengeMethod::Plain).paste().unwrap_err();
    assert!(matches!(refused, LoginError::PlainChallengeNotAllowed), "{refused:?}");

    let login =
        login(&server).challenge_method(ChallengeMethod::Plain).allow_plain_challenge(true).loopback().await.unwrap();
    assert!(query(login.authorization_url()).contains(&("code_challenge".to_owned(), VERIFIER.to_owned())));
    let callback = login.callback_url().clone();
    let finished = finish_in_background(login);
    browser_get(&callback, &target_with_query(&callback, "code=c")).await;
    assert_eq!(finished.await.unwrap().unwrap().as_str(), NEW_KEY);
}

#[tokio::test]
async fn loopback_rejects_other_paths_methods_and_requests_without_code() {
    let server = MockServer::start().await;
    mount_exchange(&server, "the_real_code").await;
    let login = login(&server).callback_path("/oauth/done").loopback().await.unwrap();
    let callback = login.callback_url().clone();
    assert_random_segment(callback.path(), "/oauth/done");
    let finished = finish_in_background(login);

    // Other paths: 404, even with a code.
    for target in ["/favicon.ico", "/callback?code=wrong_path", "/oauth/done/extra?code=x", "/"] {
        let (status, page) = browser_get(&callback, target).await;
        assert_eq!(status, 404, "{target}: {page}");
    }
    // The callback path without (a valid) code: 400.
    for query in ["", "state=1", "code=", "code=has%20space", "codes=x"] {
        let (status, page) = browser_get(&callback, &target_with_query(&callback, query)).await;
        assert_eq!(status, 400, "{query}: {page}");
        assert!(page.contains("Missing code"), "{page}");
    }
    // Another method: 405.
    let request = format!("POST {}?code=posted HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", callback.path());
    let (status, page) = send_raw(&callback, request.as_bytes()).await;
    assert_eq!(status, 405, "{page}");
    assert!(page.to_ascii_lowercase().contains("allow: get"), "{page}");
    // Not HTTP: 400.
    for garbage in [
        &b"HELLO\r\n\r\n"[..],
        b"GET /oauth/done?code=x\r\n\r\n",
        b"GET http://evil.example/oauth/done?code=x HTTP/1.1\r\n\r\n",
    ] {
        let (status, page) = send_raw(&callback, garbage).await;
        assert_eq!(status, 400, "{page}");
    }
    // A client that connects and leaves.
    drop(TcpStream::connect(format!("127.0.0.1:{}", callback.port().unwrap())).await.unwrap());

    assert!(!finished.is_finished(), "the login ended early");
    let (status, _) = browser_get(&callback, &target_with_query(&callback, "code=the_real_code")).await;
    assert_eq!(status, 200);
    let key = finished.await.unwrap().unwrap();
    assert_eq!(key.as_str(), NEW_KEY);
    assert_not_listening(&callback).await;
}

#[tokio::test]
async fn loopback_provider_error_is_a_clear_error() {
    let server = MockServer::start().await;
    mount_no_exchange(&server).await;
    let login = login(&server).loopback().await.unwrap();
    let callback = login.callback_url().clone();
    let finished = finish_in_background(login);

    let (status, page) = browser_get(
        &callback,
        &target_with_query(&callback, "error=access_denied&error_description=The+user+declined%3Cscript%3E"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("Login failed"), "{page}");
    assert!(!page.contains("<script>"), "the provider's text is echoed: {page}");

    let err = finished.await.unwrap().unwrap_err();
    let LoginError::Denied { error, description } = &err else {
        panic!("unexpected {err:?}");
    };
    assert_eq!(error, "access_denied");
    assert_eq!(description.as_deref(), Some("The user declined<script>"));
    let message = err.to_string();
    assert!(message.contains("did not authorize") && message.contains("access_denied"), "{message}");
    assert_not_listening(&callback).await;
}

#[tokio::test]
async fn loopback_times_out_and_stops_listening() {
    let server = MockServer::start().await;
    mount_no_exchange(&server).await;
    let login = login(&server).timeout(Duration::from_millis(300)).loopback().await.unwrap();
    let callback = login.callback_url().clone();
    let finished = finish_in_background(login);
    // A request on another path does not end the wait.
    assert_eq!(browser_get(&callback, "/favicon.ico").await.0, 404);

    let err = finished.await.unwrap().unwrap_err();
    assert!(matches!(err, LoginError::TimedOut { after } if after == Duration::from_millis(300)), "{err:?}");
    assert!(err.to_string().contains("no authorization code arrived"), "{err}");
    assert_not_listening(&callback).await;
}

#[tokio::test]
async fn loopback_serves_the_callback_while_another_connection_is_idle() {
    let server = MockServer::start().await;
    mount_exchange(&server, "abc").await;
    let login = login(&server).loopback().await.unwrap();
    let callback = login.callback_url().clone();
    let finished = finish_in_background(login);

    // Browsers open speculative connections that send nothing.
    let idle = TcpStream::connect(format!("127.0.0.1:{}", callback.port().unwrap())).await.unwrap();
    let (status, _) =
        tokio::time::timeout(Duration::from_secs(5), browser_get(&callback, &target_with_query(&callback, "code=abc")))
            .await
            .expect("the callback waited for the idle connection");
    assert_eq!(status, 200);
    assert_eq!(finished.await.unwrap().unwrap().as_str(), NEW_KEY);
    drop(idle);
}

#[tokio::test]
async fn loopback_exchange_403_surfaces_the_servers_message() {
    let server = MockServer::start().await;
    mount_forbidden(&server).await;
    let login = login(&server).loopback().await.unwrap();
    let callback = login.callback_url().clone();
    let finished = finish_in_background(login);
    browser_get(&callback, &target_with_query(&callback, "code=expired")).await;

    let err = finished.await.unwrap().unwrap_err();
    assert!(matches!(&err, LoginError::Exchange(e) if e.status() == Some(403)), "{err:?}");
    assert_eq!(err.server_message(), Some("Invalid code or code_verifier"));
    let message = err.to_string();
    assert!(message.contains("rejected the authorization code (403): Invalid code or code_verifier"), "{message}");
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn loopback_rejects_invalid_callback_paths() {
    let server = MockServer::start().await;
    for path in ["callback", "", "/cb?x=1", "/cb#frag", "/a b", "/a/../b"] {
        let err = login(&server).callback_path(path).loopback().await.unwrap_err();
        assert!(matches!(&err, LoginError::InvalidCallbackPath(p) if p == path), "{path}: {err:?}");
        assert!(err.to_string().contains("invalid callback path"), "{err}");
    }
}

#[tokio::test]
async fn invalid_authorization_url_parameters_are_reported() {
    let server = MockServer::start().await;
    let err = login(&server).limit(-5.0).loopback().await.unwrap_err();
    assert!(matches!(err, LoginError::AuthorizationUrl(AuthorizationUrlError::InvalidLimit(_))), "{err:?}");
    let err = login(&server).key_label("").paste().unwrap_err();
    assert!(matches!(err, LoginError::AuthorizationUrl(AuthorizationUrlError::InvalidKeyLabel(0))), "{err:?}");
    assert!(err.to_string().contains("authorization URL"), "{err}");
}

// ---- paste ----

#[tokio::test]
async fn paste_login_end_to_end_without_api_key() {
    let server = MockServer::start().await;
    mount_exchange(&server, "auth_code_pasted").await;

    let login = login(&server).key_label("devbox").paste().unwrap();
    let auth = login.authorization_url().clone();
    assert_eq!(
        auth.as_str(),
        format!("{}/auth?code_challenge={CHALLENGE}&code_challenge_method=S256&key_label=devbox", server.uri())
    );

    let input: &[u8] = b"  auth_code_pasted \r\nnext line is not read\n";
    let key = login.finish(input).await.unwrap();
    assert_eq!(key.as_str(), NEW_KEY);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert!(!requests[0].headers.contains_key("authorization"), "{:?}", requests[0].headers);
}

#[tokio::test]
async fn paste_accepts_a_pasted_callback_url() {
    let server = MockServer::start().await;
    mount_exchange(&server, "from_url").await;
    let input: &[u8] = b"https://myapp.example/cb?state=x&code=from_url\n";
    let key = login(&server).paste().unwrap().finish(input).await.unwrap();
    assert_eq!(key.as_str(), NEW_KEY);
}

#[tokio::test]
async fn paste_rejects_empty_or_whitespace_input() {
    let server = MockServer::start().await;
    mount_no_exchange(&server).await;
    for input in [&b""[..], b"\n", b"   \t \r\n", b"\n\nauth_code_on_a_later_line\n"] {
        let err = login(&server).paste().unwrap().finish(input).await.unwrap_err();
        assert!(matches!(err, LoginError::EmptyCode), "{input:?}: {err:?}");
        assert!(err.to_string().contains("empty"), "{err}");
    }
}

#[tokio::test]
async fn paste_rejects_input_that_is_not_a_code() {
    let server = MockServer::start().await;
    mount_no_exchange(&server).await;
    let long = "x".repeat(2000);
    for input in ["two words\n", "cödé\n", "tab\tinside\n", long.as_str(), "https://myapp.example/cb?state=1\n"] {
        let err = login(&server).paste().unwrap().finish(input.as_bytes()).await.unwrap_err();
        assert!(matches!(err, LoginError::InvalidCode(_)), "{input:?}: {err:?}");
        assert!(err.to_string().contains("not a valid authorization code"), "{err}");
    }
    let err = login(&server)
        .paste()
        .unwrap()
        .finish(&b"https://myapp.example/cb?error=access_denied\n"[..])
        .await
        .unwrap_err();
    assert!(matches!(err, LoginError::Denied { .. }), "{err:?}");
}

#[tokio::test]
async fn paste_exchange_403_surfaces_the_servers_message() {
    let server = MockServer::start().await;
    mount_forbidden(&server).await;
    let err = login(&server).paste().unwrap().finish(&b"auth_code_expired\n"[..]).await.unwrap_err();
    assert_eq!(err.server_message(), Some("Invalid code or code_verifier"));
    let message = err.to_string();
    assert!(message.contains("(403): Invalid code or code_verifier") && message.contains("expire"), "{message}");
}

#[tokio::test]
async fn paste_times_out_waiting_for_input() {
    let server = MockServer::start().await;
    mount_no_exchange(&server).await;
    // The writing half stays open and silent.
    let (_writer, reader) = tokio::io::duplex(64);
    let err = login(&server)
        .timeout(Duration::from_millis(200))
        .paste()
        .unwrap()
        .finish(tokio::io::BufReader::new(reader))
        .await
        .unwrap_err();
    assert!(matches!(err, LoginError::TimedOut { after } if after == Duration::from_millis(200)), "{err:?}");
}

#[tokio::test]
async fn paste_reports_a_broken_reader() {
    let server = MockServer::start().await;
    mount_no_exchange(&server).await;
    let err = login(&server).paste().unwrap().finish(&b"\xff\xfe not utf-8\n"[..]).await.unwrap_err();
    assert!(matches!(err, LoginError::Io(_)), "{err:?}");
}

// ---- the key ----

#[tokio::test]
async fn api_key_is_masked_in_debug_and_masked() {
    let cases = [
        (NEW_KEY, "sk-or-v1-…cdef"),
        // Eight characters stay hidden at least.
        ("sk-or-v1-0123456789ab", "sk-or-v1-…89ab"),
        ("sk-or-v1-0123456789a", "sk-or-v1-…"),
        ("abcdefghijklmnopqrstuvwxyz", "…wxyz"),
        ("short", "…"),
    ];
    for (secret, masked) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/v1/auth/keys"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": secret})))
            .mount(&server)
            .await;
        let key = login(&server).paste().unwrap().finish(&b"c\n"[..]).await.unwrap();
        assert_eq!(key.masked(), masked, "{secret}");
        let debug = format!("{key:?}");
        assert!(!debug.contains(secret), "{debug}");
        assert!(debug.contains(masked), "{debug}");
        assert_eq!(key.user_id(), None);
        assert_eq!(key.into_secret().expose_secret(), secret);
    }
}
