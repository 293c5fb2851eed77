//! PKCE helpers: verifiers, challenges, the authorization URL, and the
//! key-less use of the OAuth operations (against a mock on 127.0.0.1).

use std::collections::HashSet;

use openrouter::api::oauth::pkce::{
    AuthorizationUrl, AuthorizationUrlError, ChallengeMethod, CodeVerifier, InvalidCodeVerifier,
};
use openrouter::api::oauth::CreateAuthCodeError;
use openrouter::models::{CreateAuthKeysCodeRequest, ExchangeAuthCodeForApiKeyRequest};
use openrouter::{Client, Error};
use reqwest::Url;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// RFC 7636, Appendix B.
const RFC_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn client_for(base_url: &str) -> Client {
    Client::builder().api_key("").base_url(base_url).build().unwrap()
}

fn challenge() -> openrouter::api::oauth::pkce::CodeChallenge {
    CodeVerifier::new(RFC_VERIFIER).unwrap().challenge_s256()
}

fn query(url: &Url) -> Vec<(String, String)> {
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

// ---- verifier and challenge ----

#[test]
fn rfc7636_appendix_b_vector() {
    let verifier = CodeVerifier::new(RFC_VERIFIER).unwrap();
    let challenge = verifier.challenge_s256();
    assert_eq!(challenge.as_str(), RFC_CHALLENGE);
    assert_eq!(challenge.method(), ChallengeMethod::S256);
    assert_eq!(challenge.to_string(), RFC_CHALLENGE);
    assert_eq!(verifier.challenge(ChallengeMethod::S256), challenge);
}

#[test]
fn plain_challenge_is_the_verifier() {
    let verifier = CodeVerifier::new(RFC_VERIFIER).unwrap();
    let challenge = verifier.challenge_plain();
    assert_eq!(challenge.as_str(), RFC_VERIFIER);
    assert_eq!(challenge.method(), ChallengeMethod::Plain);
}

#[test]
fn challenge_methods_have_their_wire_names() {
    assert_eq!(ChallengeMethod::S256.as_str(), "S256");
    assert_eq!(ChallengeMethod::Plain.as_str(), "plain");
    assert_eq!(ChallengeMethod::default(), ChallengeMethod::S256);
    assert_eq!(ChallengeMethod::Plain.to_string(), "plain");
}

#[test]
fn random_verifiers_are_43_unreserved_characters_and_differ() {
    let mut seen = HashSet::new();
    for _ in 0..64 {
        let verifier = CodeVerifier::random();
        let value = verifier.as_str();
        assert_eq!(value.len(), 43, "{value}");
        assert!(value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{value}");
        assert_eq!(CodeVerifier::new(value).unwrap(), verifier);
        assert_eq!(verifier.challenge_s256().as_str().len(), 43);
        assert!(seen.insert(value.to_owned()), "repeated verifier {value}");
    }
}

#[test]
fn new_accepts_43_to_128_unreserved_characters() {
    for verifier in ["a".repeat(43), "Z".repeat(128), "AZaz09-._~".repeat(5), RFC_VERIFIER.to_owned()] {
        let parsed: CodeVerifier = verifier.parse().unwrap();
        assert_eq!(parsed.as_str(), verifier);
    }
}

#[test]
fn new_rejects_verifiers_of_the_wrong_length() {
    for length in [0, 1, 42, 129, 300] {
        let err = CodeVerifier::new("a".repeat(length)).unwrap_err();
        assert_eq!(err, InvalidCodeVerifier::Length(length));
        let message = err.to_string();
        assert!(message.contains(&format!("{length} characters")) && message.contains("43 to 128"), "{message}");
    }
}

#[test]
fn new_rejects_characters_outside_the_rfc_alphabet() {
    for bad in ['+', '/', '=', ' ', '%', 'é', '\n'] {
        let mut verifier = "a".repeat(50);
        verifier.insert(7, bad);
        let err = CodeVerifier::new(verifier).unwrap_err();
        assert_eq!(err, InvalidCodeVerifier::Character { position: 7, character: bad });
        let message = err.to_string();
        assert!(message.contains("position 7") && message.contains("A-Z"), "{message}");
        assert!(!message.contains("aaaaaaa"), "the message repeats the value: {message}");
    }
}

#[test]
fn debug_never_shows_the_verifier() {
    let verifier = CodeVerifier::new(RFC_VERIFIER).unwrap();
    let debug = format!("{verifier:?} {:?}", Some(&verifier));
    assert!(!debug.contains(RFC_VERIFIER), "{debug}");
    assert!(debug.contains("redacted"), "{debug}");
    let random = CodeVerifier::random();
    assert!(!format!("{random:?}").contains(random.as_str()));
}

// ---- authorization URL ----

#[test]
fn authorization_url_on_the_default_base_url_is_openrouter_auth() {
    let url = AuthorizationUrl::new()
        .callback_url("https://myapp.example/auth/callback")
        .code_challenge(&challenge())
        .build()
        .unwrap();
    assert_eq!(
        url.as_str(),
        "https://openrouter.ai/auth?callback_url=https%3A%2F%2Fmyapp.example%2Fauth%2Fcallback\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    );
}

#[test]
fn authorization_page_is_independent_of_the_base_url_and_checked() {
    // The default page, whatever the API base URL is.
    let url = AuthorizationUrl::new().code_challenge(&challenge()).build().unwrap();
    assert!(url.as_str().starts_with("https://openrouter.ai/auth?"), "{url}");
    // Another page, set explicitly.
    let url = AuthorizationUrl::new().page("http://127.0.0.1:8080/auth").code_challenge(&challenge()).build().unwrap();
    let mut without_query = url.clone();
    without_query.set_query(None);
    assert_eq!(without_query.as_str(), "http://127.0.0.1:8080/auth");
    for bad in [
        "http://auth.example/auth",
        "https://user:pw@auth.example/auth",
        "https://auth.example/auth?x=1",
        "ftp://auth.example/auth",
        "not a url",
    ] {
        let err = AuthorizationUrl::new().page(bad).code_challenge(&challenge()).build().unwrap_err();
        assert!(matches!(err, AuthorizationUrlError::InvalidPage { .. }), "{bad}: {err:?}");
    }
}

#[test]
fn authorization_url_percent_encodes_every_parameter() {
    let callback = "http://localhost:3000/cb?next=/home&x=a b";
    let url = AuthorizationUrl::new()
        .callback_url(callback)
        .code_challenge(&CodeVerifier::new(RFC_VERIFIER).unwrap().challenge_plain())
        .limit(12.5)
        .key_label("My key & co = 100% ü")
        .build()
        .unwrap();
    let raw = url.query().unwrap();
    assert!(
        raw.starts_with("callback_url=http%3A%2F%2Flocalhost%3A3000%2Fcb%3Fnext%3D%2Fhome%26x%3Da%2520b&"),
        "{raw}"
    );
    assert!(raw.ends_with("&key_label=My+key+%26+co+%3D+100%25+%C3%BC"), "{raw}");
    assert_eq!(
        query(&url),
        vec![
            ("callback_url".to_owned(), "http://localhost:3000/cb?next=/home&x=a%20b".to_owned()),
            ("code_challenge".to_owned(), RFC_VERIFIER.to_owned()),
            ("code_challenge_method".to_owned(), "plain".to_owned()),
            ("limit".to_owned(), "12.5".to_owned()),
            ("key_label".to_owned(), "My key & co = 100% ü".to_owned()),
        ]
    );
}

#[test]
fn whole_dollar_limits_have_no_decimal_point() {
    let url = AuthorizationUrl::new().code_challenge(&challenge()).limit(100.0).build().unwrap();
    assert!(url.as_str().ends_with("&limit=100"), "{url}");
}

#[test]
fn callback_url_accepts_https_and_loopback_http() {
    for callback in [
        "https://myapp.example/callback",
        "https://myapp.example:8443/cb?state=1",
        "http://localhost/callback",
        "http://localhost:51423/callback",
        "http://LOCALHOST:3000/",
        "http://127.0.0.1:9/callback",
        "http://127.0.0.1/",
    ] {
        let url = AuthorizationUrl::new().callback_url(callback).build().unwrap_or_else(|e| panic!("{callback}: {e}"));
        assert_eq!(query(&url)[0].0, "callback_url");
    }
}

#[test]
fn callback_url_rejects_other_urls() {
    for callback in [
        "http://myapp.example/callback",
        "http://192.168.1.10:3000/callback",
        "http://[::1]:3000/callback",
        "http://localhost.evil.example/callback",
        "http://127.0.0.2/callback",
        "ftp://myapp.example/callback",
        "javascript:alert(1)",
        "myapp.example/callback",
        "/callback",
        "",
        "https://myapp.example/callback#fragment",
    ] {
        let err = AuthorizationUrl::new().callback_url(callback).code_challenge(&challenge()).build().unwrap_err();
        let AuthorizationUrlError::InvalidCallbackUrl { url, reason } = &err else {
            panic!("{callback}: unexpected {err:?}");
        };
        assert_eq!(url, callback);
        assert!(!reason.is_empty());
        assert!(err.to_string().starts_with("invalid callback URL"), "{err}");
    }
    let err = AuthorizationUrl::new().callback_url("http://myapp.example/cb").build().unwrap_err();
    assert!(err.to_string().contains("localhost or 127.0.0.1"), "{err}");
}

#[test]
fn without_callback_url_a_challenge_is_required() {
    let err = AuthorizationUrl::new().key_label("cli").build().unwrap_err();
    assert_eq!(err, AuthorizationUrlError::ChallengeRequired);
    assert!(err.to_string().contains("code challenge"), "{err}");
}

#[test]
fn without_callback_url_the_url_has_challenge_and_key_label() {
    let url = AuthorizationUrl::new().code_challenge(&challenge()).key_label("my-cli on devbox").build().unwrap();
    assert_eq!(
        url.as_str(),
        "https://openrouter.ai/auth?code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
         &code_challenge_method=S256&key_label=my-cli+on+devbox"
    );
}

#[test]
fn a_callback_url_without_challenge_is_allowed() {
    let url = AuthorizationUrl::new().callback_url("https://myapp.example/cb").build().unwrap();
    assert_eq!(url.as_str(), "https://openrouter.ai/auth?callback_url=https%3A%2F%2Fmyapp.example%2Fcb");
}

#[test]
fn invalid_limits_are_rejected() {
    for limit in [-1.0, -0.01, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = AuthorizationUrl::new().code_challenge(&challenge()).limit(limit).build().unwrap_err();
        assert!(matches!(err, AuthorizationUrlError::InvalidLimit(_)), "{limit}: {err:?}");
        assert!(err.to_string().contains("credit limit"), "{err}");
    }
    assert!(AuthorizationUrl::new().code_challenge(&challenge()).limit(0.0).build().is_ok());
}

#[test]
fn key_labels_must_have_1_to_100_characters() {
    let build = |label: String| AuthorizationUrl::new().code_challenge(&challenge()).key_label(label).build();
    assert!(build("ü".repeat(100)).is_ok());
    assert_eq!(build(String::new()).unwrap_err(), AuthorizationUrlError::InvalidKeyLabel(0));
    let err = build("x".repeat(101)).unwrap_err();
    assert_eq!(err, AuthorizationUrlError::InvalidKeyLabel(101));
    assert!(err.to_string().contains("1 to 100"), "{err}");
}

// ---- key-less OAuth operations ----

#[tokio::test]
async fn keyless_exchange_sends_no_authorization_header() {
    let server = MockServer::start().await;
    let base = format!("{}/api/v1", server.uri());
    let mut clients = vec![client_for(&base)];
    // Without `api_key` at all, the environment decides; check that path when it is unset.
    if std::env::var_os("OPENROUTER_API_KEY").is_none() {
        clients.push(Client::builder().base_url(&base).build().unwrap());
    } else {
        eprintln!("OPENROUTER_API_KEY is set: only the explicit key-less client is checked");
    }
    let expected = clients.len() as u64;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": "sk-or-v1-new", "user_id": null})))
        .expect(expected)
        .mount(&server)
        .await;

    for client in clients {
        let body = ExchangeAuthCodeForApiKeyRequest::new("auth_code_abc".into())
            .with_code_verifier(RFC_VERIFIER.into())
            .with_code_challenge_method(openrouter::models::ExchangeAuthCodeForApiKeyRequestCodeChallengeMethod::from(
                ChallengeMethod::S256.as_str(),
            ));
        let response = client.oauth().exchange_auth_code_for_api_key(body).await.unwrap();
        assert_eq!(response.key.expose_secret(), "sk-or-v1-new");
    }

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len() as u64, expected);
    for request in requests {
        assert!(
            !request.headers.contains_key("authorization"),
            "unexpected Authorization header: {:?}",
            request.headers
        );
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(
            body,
            json!({"code": "auth_code_abc", "code_verifier": RFC_VERIFIER, "code_challenge_method": "S256"})
        );
    }
}

#[tokio::test]
async fn keyless_create_auth_code_surfaces_the_servers_401() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/keys/code"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": {"code": 401, "message": "No auth credentials found"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().api_key("").base_url(format!("{}/api/v1", server.uri())).no_retry().build().unwrap();
    let body: CreateAuthKeysCodeRequest =
        serde_json::from_value(json!({"callback_url": "https://myapp.example/cb"})).unwrap();

    let err = client.oauth().create_auth_code(body).await.unwrap_err();

    assert_eq!(err.status(), Some(401));
    let Error::Api(CreateAuthCodeError::Unauthorized(body)) = &err else {
        panic!("unexpected {err:?}");
    };
    assert_eq!(body.error.message, "No auth credentials found");
    assert!(err.to_string().contains("No auth credentials found"), "{err}");
    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("authorization"));
}
