//! The `openrouter::retry` tracing events, on a local server (127.0.0.1).
//!
//! A test binary of its own: tracing caches whether a call site is enabled across threads, so a
//! scoped subscriber can miss events when other tests hit the same call site concurrently.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use openrouter::models::CreateAuthKeysCodeRequest;
use openrouter::{Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-or-v1-retry-events-0123456789abcdef";

fn eager_retry() -> RetryPolicy {
    RetryPolicy::new()
        .initial_interval(Duration::from_millis(20))
        .max_interval(Duration::from_millis(200))
        .max_elapsed_time(Duration::from_secs(10))
        .status_range(5)
        .retry_non_idempotent(true)
}

fn code_request() -> CreateAuthKeysCodeRequest {
    serde_json::from_value(json!({"callback_url": "https://app.example/cb"})).unwrap()
}

fn code_response() -> serde_json::Value {
    json!({"data": {"id": "auth_123", "app_id": 7, "created_at": "2025-01-01T00:00:00Z"}})
}

/// Records the fields of the `openrouter::retry` events, as text.
struct Recorder(Arc<Mutex<Vec<String>>>);

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={:?} ", field.name(), value));
            }
        }
        if event.metadata().target() == "openrouter::retry" {
            let mut fields = Fields(format!("{} ", event.metadata().level()));
            event.record(&mut fields);
            self.0.lock().unwrap().push(fields.0);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn each_retry_emits_a_tracing_event_without_header_values() {
    let events = Arc::new(Mutex::new(Vec::new()));
    let _guard = tracing::dispatcher::set_default(&tracing::Dispatch::new(Recorder(Arc::clone(&events))));
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).up_to_n_times(2).mount(&server).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(code_response()))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).api_key(KEY).retry(eager_retry()).build().unwrap();
    client
        .oauth()
        .create_auth_code(code_request())
        .header("X-Request-Secret", "header-value-never-logged")
        .await
        .unwrap();

    let events = events.lock().unwrap().clone();
    assert_eq!(events.len(), 2, "{events:?}");
    for (index, event) in events.iter().enumerate() {
        assert!(event.starts_with("WARN "), "{event}");
        for field in [
            format!("attempt={} ", index + 1),
            "reason=status 503 ".to_owned(),
            "method=POST ".to_owned(),
            "path=/auth/keys/code ".to_owned(),
            "delay_ms=".to_owned(),
        ] {
            assert!(event.contains(&field), "{field} missing: {event}");
        }
        assert!(!event.contains(KEY) && !event.contains("header-value"), "{event}");
    }
}
