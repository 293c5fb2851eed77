//! The parameters fixture (every style, enums in the query, path and headers, a boolean carried
//! as text, `x-speakeasy-group` sub-groups, a deprecated operation and field, every error status
//! of the 2026 document) generates a crate that is clippy- and rustdoc-clean and puts every
//! value on the wire as the spec says: checked by the test below against a local server.

mod common;

use generator::{Config, GeneratedFile};

fn parameters() -> Vec<GeneratedFile> {
    generator::generate(&Config {
        spec: common::root().join("generator/tests/fixtures/parameters.yaml"),
        spec_display: "generator/tests/fixtures/parameters.yaml".into(),
        tags: Vec::new(),
        secrets: generator::secrets::openrouter_defaults(),
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Requests sent by the generated client, as the server saw them.
const WIRE_TESTS: &str = r##"
use openrouter::api::search::SearchError;
use openrouter::models::{Filter, Item, Order, Priority};

async fn server() -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "total": 0, "items": [], "id": "abc", "tags": ["t"]
        })))
        .mount(&server)
        .await;
    server
}

fn client(server: &wiremock::MockServer) -> openrouter::Client {
    openrouter::Client::builder().api_key("k").base_url(server.uri()).no_retry().build().unwrap()
}

async fn only_request(server: &wiremock::MockServer) -> wiremock::Request {
    let mut received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    received.remove(0)
}

#[tokio::test]
async fn query_parameters_follow_their_style_and_enums_go_by_wire_value() {
    let server = server().await;
    let filter = Filter::new().with_owner("me".to_owned()).with_state(Order::Oldest);
    client(&server)
        .search()
        .search(
            "hello world".to_owned(),
            Some(vec!["a".to_owned(), "b".to_owned()]),
            Some(vec![1, 2]),
            Some(vec!["x".to_owned(), "y".to_owned()]),
            Some(vec![Priority::V1, Priority::from(7)]),
            Some(Order::Newest),
            Some(Priority::V3),
            Some(true),
            Some(false),
            Some(5),
            Some(filter),
            Some(Order::from("sideways")),
        )
        .await
        .unwrap();
    let request = only_request(&server).await;
    let pairs: Vec<(String, String)> = request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let expected = [
        ("q", "hello world"),
        ("tags", "a"),
        ("tags", "b"),
        ("ids", "1,2"),
        ("words", "x y"),
        ("codes", "1|7"),
        ("order", "newest"),
        ("priority", "3"),
        ("include_disabled", "true"),
        ("keep", "false"),
        ("limit", "5"),
        ("filter[owner]", "me"),
        ("filter[state]", "oldest"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    assert_eq!(pairs, expected);
    assert_eq!(request.headers.get("x-trace-mode").unwrap(), "sideways");
}

#[tokio::test]
async fn optional_parameters_left_out_send_nothing() {
    let server = server().await;
    client(&server)
        .search()
        .search("q".to_owned(), None, None, None, None, None, None, None, None, None, None, None)
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("q=q"));
    assert!(request.headers.get("x-trace-mode").is_none());
}

#[tokio::test]
async fn path_and_header_parameters_are_encoded_by_wire_value() {
    let server = server().await;
    let item = client(&server)
        .items()
        .get_item(Order::Oldest, "a/b c".to_owned(), Priority::V2, Some(vec!["x".to_owned(), "y".to_owned()]))
        .await
        .unwrap();
    assert_eq!(item.id, "abc");
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/items/oldest/a%2Fb%20c");
    assert_eq!(request.headers.get("x-priority").unwrap(), "2");
    assert_eq!(request.headers.get("x-labels").unwrap(), "x,y");
}

#[tokio::test]
async fn label_and_matrix_path_styles_and_sub_groups() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    // `x-speakeasy-group: items.styles` in tag Items and `styles` are the same group.
    let styles = client.items().styles();
    styles.labelled(vec!["a".to_owned(), "b c".to_owned()]).await.unwrap();
    styles.matrix(vec!["a".to_owned(), "b".to_owned()]).await.unwrap();
    let received = server.received_requests().await.unwrap();
    let paths: Vec<&str> = received.iter().map(|r| r.url.path()).collect();
    assert_eq!(paths, ["/items/.a.b%20c/labelled", "/items/;ids=a,b/matrix"]);
}

#[tokio::test]
#[allow(deprecated)]
async fn a_deprecated_operation_in_a_nested_group_still_works() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/items/legacy"))
        .respond_with(wiremock::ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let body = Item::new("abc".to_owned(), vec!["t".to_owned()]).with_old_name("old".to_owned());
    client(&server).items().archive().old().legacy(body).await.unwrap();
    // Constraints of a deprecated field are still checked before sending.
    let long = Item::new("abc".to_owned(), vec!["t".to_owned()]).with_old_name("x".repeat(11));
    let err = client(&server).items().archive().old().legacy(long).await.unwrap_err();
    assert!(err.to_string().contains("old_name"), "{err}");
}

#[tokio::test]
async fn every_documented_status_has_its_variant() {
    for (status, name) in [(402, "PaymentRequired"), (408, "RequestTimeout"), (413, "PayloadTooLarge"),
        (422, "UnprocessableEntity"), (429, "TooManyRequests"), (502, "BadGateway"),
        (503, "ServiceUnavailable"), (524, "OriginTimeout"), (529, "Overloaded")] {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(wiremock::ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let err = client(&server)
            .search()
            .search("q".to_owned(), None, None, None, None, None, None, None, None, None, None, None)
            .await
            .unwrap_err();
        match err {
            openrouter::Error::Api(api) => {
                assert_eq!(openrouter::ApiError::status(&api), status);
                assert!(format!("{api:?}").starts_with(name), "{status}: {api:?}");
                if status == 529 {
                    assert_eq!(api, SearchError::Overloaded);
                }
            }
            other => panic!("{status}: {other:?}"),
        }
    }
}
"##;

#[test]
fn parameters_fixture_compiles_lint_clean_documents_and_sends_values_as_specified() {
    let mut files = parameters();
    files.push(GeneratedFile { path: "tests/wire.rs".into(), contents: WIRE_TESTS.into() });
    let (ok, output) = common::cargo_in_crate(&files, &["clippy", "--all-targets", "--quiet", "--", "-D", "warnings"]);
    assert!(ok, "clippy:\n{output}");
    let (ok, output) = common::cargo_in_crate(&files, &["doc", "--no-deps", "--quiet"]);
    assert!(ok && !output.contains("warning"), "rustdoc:\n{output}");
    let (ok, output) = common::cargo_in_crate(&files, &["test", "--quiet"]);
    assert!(ok, "tests:\n{output}");
    // The wire tests ran (6) beside the generated ones.
    assert!(output.contains("test result: ok. 6 passed"), "{output}");
}
