//! The loopback login with a real browser: headless Chromium opens a local fake authorization
//! page (wiremock on 127.0.0.1) that redirects it to the login's callback, and the login
//! completes. A second run lets another local client hit the listener first.
//!
//! Needs Debian's `chromium` (or `CHROMIUM=/path/to/chrome`); `.ci/run` installs it. Without
//! it the tests fail under CI (`CI` set) and are skipped with a message elsewhere.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use openrouter::api::oauth::login::{ApiKey, Login, LoopbackLogin};
use openrouter::Client;
use reqwest::Url;
use serde_json::json;
use sha2::Digest as _;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const BROWSER_CODE: &str = "auth_code_from_the_browser_0123";
const NEW_KEY: &str = "sk-or-v1-browser-0123456789abcdef0123456789";

/// The fake authorization page: remembers the challenge and sends the browser to the
/// callback URL with the code, as OpenRouter does after the user approves.
struct AuthorizationPage {
    challenge: Arc<Mutex<Option<String>>>,
}

impl Respond for AuthorizationPage {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query =
            |name: &str| request.url.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned());
        let (Some(callback), Some(challenge)) = (query("callback_url"), query("code_challenge")) else {
            return ResponseTemplate::new(400);
        };
        *self.challenge.lock().unwrap() = Some(challenge);
        let mut target = Url::parse(&callback).unwrap();
        target.query_pairs_mut().append_pair("code", BROWSER_CODE);
        ResponseTemplate::new(302).insert_header("location", target.as_str())
    }
}

/// The browser to run: `$CHROMIUM`, or the first of the usual names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&paths).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Chromium, or `None` (with a message) where a developer has none; under CI a missing
/// browser fails the test.
fn browser_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is missing: `.ci/run` installs it (apt-get install chromium)"
        );
        eprintln!("skipped: no chromium (apt-get install chromium, or set CHROMIUM)");
    }
    found
}

/// Runs headless Chromium on `url` until it exits (it does after `--dump-dom` has loaded the
/// page the redirects lead to); returns the page's DOM.
async fn open_in_chromium(browser: PathBuf, url: Url) -> String {
    tokio::task::spawn_blocking(move || {
        let profile = std::env::temp_dir().join(format!(
            "openrouter-browser-test-{}-{}",
            std::process::id(),
            url.port().unwrap_or(0)
        ));
        let mut child = Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("--dump-dom")
            .arg(url.as_str())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
        // Bounded: a browser that hangs is killed and fails the test.
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                let _ = std::fs::remove_dir_all(&profile);
                panic!("chromium did not finish within 90 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut dom = String::new();
        if let Some(mut stdout) = child.stdout.take() {
            let _ = std::io::Read::read_to_string(&mut stdout, &mut dom);
        }
        let _ = std::fs::remove_dir_all(&profile);
        dom
    })
    .await
    .unwrap()
}

/// The fake OpenRouter: the authorization page and the exchange that accepts only the code
/// the page gave the browser.
async fn fake_openrouter() -> (MockServer, Arc<Mutex<Option<String>>>) {
    let server = MockServer::start().await;
    let challenge = Arc::new(Mutex::new(None));
    Mock::given(method("GET"))
        .and(path("/auth"))
        .respond_with(AuthorizationPage { challenge: Arc::clone(&challenge) })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/keys"))
        .and(body_partial_json(json!({"code": BROWSER_CODE})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": NEW_KEY, "user_id": "user_browser"})))
        .expect(1)
        .mount(&server)
        .await;
    (server, challenge)
}

async fn start_login(server: &MockServer) -> LoopbackLogin {
    let client = Client::builder().api_key("").base_url(format!("{}/api/v1", server.uri())).build().unwrap();
    Login::new(&client)
        .authorization_page(format!("{}/auth", server.uri()))
        .timeout(Duration::from_secs(120))
        .loopback()
        .await
        .unwrap()
}

/// The key, and that the exchange sent the verifier of the challenge the page saw.
async fn check_result(server: &MockServer, challenge: &Mutex<Option<String>>, key: ApiKey) {
    assert_eq!(key.as_str(), NEW_KEY);
    assert_eq!(key.user_id(), Some("user_browser"));
    let exchange =
        server.received_requests().await.unwrap().into_iter().find(|r| r.url.path() == "/api/v1/auth/keys").unwrap();
    let body: serde_json::Value = serde_json::from_slice(&exchange.body).unwrap();
    let verifier = body["code_verifier"].as_str().unwrap();
    let expected = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    assert_eq!(challenge.lock().unwrap().as_deref(), Some(expected.as_str()));
}

#[tokio::test]
async fn chromium_completes_the_loopback_login() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let (server, challenge) = fake_openrouter().await;
    let login = start_login(&server).await;
    let url = login.authorization_url().clone();
    let finished = tokio::spawn(login.finish());

    let dom = open_in_chromium(browser, url).await;
    assert!(dom.contains("Login complete"), "{dom}");
    let key = tokio::time::timeout(Duration::from_secs(60), finished)
        .await
        .expect("the login ends once the browser has been back")
        .unwrap()
        .unwrap();
    check_result(&server, &challenge, key).await;
}

#[tokio::test]
async fn chromium_completes_the_login_after_a_hostile_neighbour_hits_the_listener() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let (server, challenge) = fake_openrouter().await;
    let login = start_login(&server).await;
    let url = login.authorization_url().clone();
    let callback = login.callback_url().clone();
    let finished = tokio::spawn(login.finish());

    // Another local client knows the port (it can scan for it), not the random path.
    let origin = format!("http://127.0.0.1:{}", callback.port().unwrap());
    let real = callback.path();
    let truncated = &real[..real.len() - 1];
    let neighbour = reqwest::Client::new();
    for target in [
        "/callback?code=bogus_code_from_a_neighbour".to_owned(),
        "/callback?error=access_denied&error_description=gotcha".to_owned(),
        "/?code=bogus".to_owned(),
        format!("{truncated}?code=bogus"),
        format!("{truncated}?error=access_denied"),
        format!("{real}/more?code=bogus"),
    ] {
        let response = neighbour.get(format!("{origin}{target}")).send().await.unwrap();
        assert_eq!(response.status(), 404, "{target}");
    }
    assert!(!finished.is_finished(), "a neighbour ended the login");

    let dom = open_in_chromium(browser, url).await;
    assert!(dom.contains("Login complete"), "{dom}");
    let key = tokio::time::timeout(Duration::from_secs(60), finished)
        .await
        .expect("the login ends once the browser has been back")
        .unwrap()
        .unwrap();
    check_result(&server, &challenge, key).await;
}
