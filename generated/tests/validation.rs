//! Constraints of the spec checked before sending, and decoding that tolerates what a
//! server may answer (`null` where the spec allows it, enum values this client does not know).

use openrouter::models::{
    CreateAuthKeysCodeRequest, CreateAuthKeysCodeRequestCodeChallengeMethod, CreateAuthKeysCodeRequestUsageLimitType,
    ExchangeAuthCodeForApiKeyResponse,
};
use openrouter::{Client, Error};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn request_with_label(chars: usize) -> CreateAuthKeysCodeRequest {
    let callback = "https://app.example/cb".parse().unwrap();
    CreateAuthKeysCodeRequest::new(callback).with_key_label("k".repeat(chars))
}

#[tokio::test]
async fn a_too_long_key_label_is_rejected_without_an_http_call() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).api_key("sk-or-v1-test").no_retry().build().unwrap();

    let err = client.oauth().create_auth_code(request_with_label(101)).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m == "key_label: must be at most 100 characters long (got 101)"),
        "{err:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
    // `expect(0)` is verified again when the server is dropped.
}

#[test]
fn validate_accepts_the_limit_and_counts_characters_not_bytes() {
    assert_eq!(request_with_label(100).validate(), Ok(()));
    // 100 characters of two bytes each: still within the limit.
    let callback = "https://app.example/cb".parse().unwrap();
    let wide = CreateAuthKeysCodeRequest::new(callback).with_key_label("é".repeat(100));
    assert_eq!(wide.validate(), Ok(()));
    assert!(request_with_label(101).validate().is_err());
}

#[test]
fn a_null_user_id_decodes() {
    let body = r#"{"key": "sk-or-v1-abc", "user_id": null}"#;
    let decoded: ExchangeAuthCodeForApiKeyResponse = serde_json::from_str(body).unwrap();
    assert_eq!(decoded.user_id, None);
    // Required and nullable: sent back as an explicit null.
    let encoded = serde_json::to_value(&decoded).unwrap();
    assert_eq!(encoded["user_id"], serde_json::Value::Null);
}

#[test]
fn unknown_enum_values_decode_and_encode_unchanged() {
    let method: CreateAuthKeysCodeRequestCodeChallengeMethod = serde_json::from_str(r#""S512""#).unwrap();
    assert_eq!(method, CreateAuthKeysCodeRequestCodeChallengeMethod::Unknown("S512".into()));
    assert_eq!(serde_json::to_string(&method).unwrap(), r#""S512""#);

    let body = r#"{"callback_url": "https://app.example/cb", "usage_limit_type": "yearly"}"#;
    let request: CreateAuthKeysCodeRequest = serde_json::from_str(body).unwrap();
    assert_eq!(request.usage_limit_type, Some(CreateAuthKeysCodeRequestUsageLimitType::Unknown("yearly".into())));
}
