//! Decoding is forgiving where the API drifts: unknown fields are ignored and a value we do not
//! know is kept. (A body that does not fit names the path of the bad value: see the unions
//! fixture test of the generator, whose answers carry no secret.)

use openrouter::models::{CreateAuthKeysCodeRequest, CreateAuthKeysCodeRequestCodeChallengeMethod};
use openrouter::Client;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answer(body: serde_json::Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/keys/code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).api_key("k").no_retry().build().unwrap();
    (server, client)
}

fn request() -> CreateAuthKeysCodeRequest {
    CreateAuthKeysCodeRequest::new("https://example.com/cb".parse().unwrap())
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let data = json!({"id": "c", "app_id": 1, "created_at": "2025-01-01T00:00:00Z", "new_field": {"x": 1}});
    let (_server, client) = answer(json!({"data": data, "meta": "new"})).await;
    let created = client.oauth().create_auth_code(request()).await.unwrap();
    assert_eq!(created.data.id.expose_secret(), "c");
}

#[test]
fn an_enum_value_we_do_not_know_is_kept() {
    let method: CreateAuthKeysCodeRequestCodeChallengeMethod = serde_json::from_value(json!("S512")).unwrap();
    assert_eq!(method, CreateAuthKeysCodeRequestCodeChallengeMethod::Unknown("S512".into()));
    assert_eq!(serde_json::to_value(&method).unwrap(), json!("S512"));
}
