//! Unions and `allOf` as the OpenRouter document writes them, generated into a crate whose own
//! test (below) decodes values into them: open tagged unions, ordered untagged ones, and every
//! `allOf` shape.

mod common;

use generator::{generate, Config, GeneratedFile};

/// Runs inside the generated crate.
const BEHAVIOUR: &str = r#"
use openrouter::models::*;
use serde_json::json;

fn decode<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

#[test]
fn a_declared_discriminator_picks_the_variant_and_keeps_unknown_kinds() {
    assert!(matches!(decode::<Declared>(json!({"type": "dog", "barks": true})), Declared::Dog(d) if d.barks));
    let unknown = json!({"type": "axolotl", "gills": 6});
    assert_eq!(decode::<Declared>(unknown.clone()), Declared::Other(unknown.clone()));
    assert_eq!(serde_json::to_value(Declared::Other(unknown.clone())).unwrap(), unknown);
    // A known kind whose body does not fit is an error naming the variant, not `Other`.
    let err = serde_json::from_value::<Declared>(json!({"type": "cat"})).unwrap_err().to_string();
    assert!(err.contains("missing field `name`") && err.contains("Cat"), "{err}");
}

#[test]
fn a_discriminator_is_inferred_from_constant_properties() {
    assert!(matches!(decode::<Inferred>(json!({"type": "cat", "name": "Tom"})), Inferred::Cat(c) if c.name == "Tom"));
    assert!(matches!(decode::<Inferred>(json!({"type": "bird"})), Inferred::Other(_)));
    let encoded = serde_json::to_value(decode::<Inferred>(json!({"type": "dog", "barks": false}))).unwrap();
    assert_eq!(encoded, json!({"type": "dog", "barks": false}));
}

#[test]
fn untagged_objects_try_the_most_specific_first() {
    // `Big` is listed second but has more required fields: it must win when they are present.
    assert!(matches!(decode::<Untagged>(json!({"a": "x", "b": 1})), Untagged::Big(_)));
    assert!(matches!(decode::<Untagged>(json!({"a": "x"})), Untagged::Small(_)));
    assert!(matches!(decode::<Untagged>(json!(42)), Untagged::Other(_)));
}

#[test]
fn scalar_and_list_mixes_decode() {
    let h: Holder = decode(json!({"text_or_list": ["a", "b"], "number_or_word": 3}));
    assert!(matches!(h.text_or_list, Some(HolderTextOrList::Array(ref v)) if v.len() == 2));
    assert!(matches!(h.number_or_word, Some(HolderNumberOrWord::Integer(3))));
    let h: Holder = decode(json!({"text_or_list": "a", "number_or_word": 2.5}));
    assert!(matches!(h.text_or_list, Some(HolderTextOrList::String(_))));
    assert!(matches!(h.number_or_word, Some(HolderNumberOrWord::Number(n)) if n == 2.5));
}

#[tokio::test]
async fn a_body_that_does_not_fit_names_the_path_and_keeps_the_body() {
    use wiremock::{matchers::method, Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let answer = json!({"declared": {"type": "cat"}, "merged": {"id": "x", "label": "l"}});
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(answer)).mount(&server).await;
    let client = openrouter::Client::builder().base_url(server.uri()).no_retry().build().unwrap();
    match client.shapes().echo(Holder::default()).await {
        Err(openrouter::Error::Decode { body, source, .. }) => {
            let message = source.to_string();
            assert!(message.starts_with("declared: ") && message.contains("missing field `name`"), "{message}");
            assert!(body.is_some_and(|b| b.contains("\"label\"")));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_429_and_a_503_keep_the_retry_after_they_were_sent() {
    use openrouter::api::shapes::EchoError;
    use wiremock::{matchers::method, Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(429).insert_header("Retry-After", "7").set_body_json(json!({"a": "later"}));
    Mock::given(method("POST")).respond_with(busy).up_to_n_times(1).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let client = openrouter::Client::builder().base_url(server.uri()).no_retry().build().unwrap();
    let err = client.shapes().echo(Holder::default()).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(7)));
    assert!(matches!(err, openrouter::Error::Api(EchoError::TooManyRequests { ref body, .. }) if body.a == "later"));
    let err = client.shapes().echo(Holder::default()).await.unwrap_err();
    assert!(matches!(err, openrouter::Error::Api(EchoError::ServiceUnavailable { retry_after: None })), "{err:?}");
}

#[test]
fn all_of_shapes_become_the_type_they_describe() {
    let cat = json!({"type": "cat", "name": "Tom"});
    let h: Holder = decode(json!({"described": cat, "maybe_cat": null, "narrowed": "abc", "sort": "fast"}));
    let described: Option<Cat> = h.described;
    assert_eq!(described.unwrap().name, "Tom");
    assert_eq!(h.maybe_cat, openrouter::Nullable::Null);
    assert_eq!(h.narrowed.as_deref(), Some("abc"));
    assert_eq!(h.sort, Some(Mode::Fast));
    // Merged objects: every branch's properties, the later definition winning, every `required`.
    let m: Merged = decode(json!({"id": "x", "size": 1.5, "label": "l"}));
    let size: Option<f64> = m.size;
    assert_eq!((m.id.as_str(), size, m.label.as_str()), ("x", Some(1.5), "l"));
    assert!(serde_json::from_value::<Merged>(json!({"id": "x"})).is_err());
}
"#;

fn unions() -> Vec<GeneratedFile> {
    let config = Config {
        spec: common::root().join("generator/tests/fixtures/unions.yaml"),
        spec_display: "generator/tests/fixtures/unions.yaml".into(),
        tags: vec!["Shapes".into()],
        secrets: generator::secrets::openrouter_defaults(),
    };
    let mut files = generate(&config).unwrap_or_else(|e| panic!("{e}"));
    files.push(GeneratedFile { path: "tests/behaviour.rs".into(), contents: BEHAVIOUR.into() });
    files
}

#[test]
fn unions_and_all_of_decode_as_documented() {
    let (ok, output) = common::cargo_in_crate(&unions(), &["test", "--quiet", "--", "--test-threads=2"]);
    assert!(ok, "the generated crate's tests fail:\n{output}");
    let (ok, output) =
        common::cargo_in_crate(&unions(), &["clippy", "--all-targets", "--quiet", "--", "-D", "warnings"]);
    assert!(ok, "clippy:\n{output}");
}
