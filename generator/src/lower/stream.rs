//! The event-stream form of a success response (`text/event-stream`, server-sent events):
//! what each event holds, how the stream ends, and which body field asks for it.

use super::Lowerer;
use crate::diag::pointer_segment;
use crate::ir::EventStream;
use openapiv3::{ReferenceOr, SchemaKind, StatusCode, Type};
use serde_json::Value;

/// The media type of server-sent events.
const EVENT_STREAM: &str = "text/event-stream";

impl<'a> Lowerer<'a> {
    /// The lowest 2XX response's `text/event-stream` form, unless it is a placeholder (a
    /// `type: string` schema, as documents write "not used"). The method name is left empty:
    /// the tag's scope gives it.
    pub(super) fn event_stream(&mut self, op: &openapiv3::Operation, prefix: &str, at: &str) -> Option<EventStream> {
        let (status, response) = op
            .responses
            .responses
            .iter()
            .filter(|(s, _)| matches!(s, StatusCode::Code(200..=299) | StatusCode::Range(2)))
            .min_by_key(|(s, _)| match s {
                StatusCode::Code(c) => *c,
                StatusCode::Range(r) => r * 100,
            })?;
        // Quietly: a broken `$ref` was reported when the response was lowered.
        let (response, at) = match response {
            ReferenceOr::Item(r) => (r, format!("{at}/responses/{status}")),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/responses/")?;
                match self.doc.components.as_ref()?.responses.get(name)? {
                    ReferenceOr::Item(r) => (r, format!("/components/responses/{}", pointer_segment(name))),
                    ReferenceOr::Reference { .. } => return None,
                }
            }
        };
        let (content_type, media) = response.content.iter().find(|(k, _)| is_event_stream(k))?;
        let at = format!("{at}/content/{}", pointer_segment(content_type));
        let schema = media.schema.as_ref()?;
        let resolved = self.follow_quiet(schema)?;
        if matches!(resolved.schema_kind, SchemaKind::Type(Type::String(_))) {
            return None;
        }
        // The schema describes the whole SSE event; its `data` property is what each event's
        // `data:` lines carry, decoded as JSON.
        let data = self.properties(resolved).get("data").copied();
        let event = match data {
            Some(d) => {
                self.schema_type_boxed(d, &format!("{prefix}StreamEvent"), &format!("{at}/schema/properties/data")).0
            }
            None => self.schema_type(schema, &format!("{prefix}StreamEvent"), &format!("{at}/schema")).0,
        };
        let sentinel = media.extensions.get("x-speakeasy-sse-sentinel").and_then(Value::as_str).map(str::to_owned);
        Some(EventStream {
            rust_name: String::new(),
            event,
            sentinel,
            request_field: self.stream_request_field(op),
            examples: self.media_examples(media, &at),
        })
    }

    /// `x-speakeasy-stream-request-field`, else a boolean `stream` property of the JSON body.
    fn stream_request_field(&mut self, op: &openapiv3::Operation) -> Option<String> {
        if let Some(field) = op.extensions.get("x-speakeasy-stream-request-field").and_then(Value::as_str) {
            return Some(field.to_owned());
        }
        let body = match op.request_body.as_ref()? {
            ReferenceOr::Item(b) => b,
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/requestBodies/")?;
                match self.doc.components.as_ref()?.request_bodies.get(name)? {
                    ReferenceOr::Item(b) => b,
                    ReferenceOr::Reference { .. } => return None,
                }
            }
        };
        let (_, media) =
            body.content.iter().find(|(k, _)| k.split(';').next().is_some_and(|e| e.trim() == "application/json"))?;
        let schema = self.follow_quiet(media.schema.as_ref()?)?;
        let stream = self.properties(schema).get("stream").copied()?;
        let is_bool = match stream {
            ReferenceOr::Item(s) => matches!(s.schema_kind, SchemaKind::Type(Type::Boolean(_))),
            ReferenceOr::Reference { reference } => self
                .follow_quiet(&ReferenceOr::Reference { reference: reference.clone() })
                .is_some_and(|s| matches!(s.schema_kind, SchemaKind::Type(Type::Boolean(_)))),
        };
        is_bool.then(|| "stream".to_owned())
    }
}

/// Whether a media type is `text/event-stream` (parameters and case aside).
pub(super) fn is_event_stream(content_type: &str) -> bool {
    content_type.split(';').next().is_some_and(|e| e.trim().eq_ignore_ascii_case(EVENT_STREAM))
}

#[cfg(test)]
mod tests {
    use crate::ir::{Primitive, TypeRef};
    use serde_json::{json, Value};

    /// An operation answering 200 with JSON and `events` as its event stream, with `body`.
    fn api(events: Value, body: Value, extension: Option<&str>) -> crate::ir::Api {
        let mut op = json!({
            "tags": ["T"], "operationId": "send",
            "requestBody": {"content": {"application/json": {"schema": body}}},
            "responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/event-stream": events,
            }}},
        });
        if let Some(field) = extension {
            op["x-speakeasy-stream-request-field"] = json!(field);
        }
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"post": op}}});
        crate::lower_value(doc, &["T".to_owned()], "t.yaml").unwrap()
    }

    #[test]
    fn the_data_property_is_the_event_and_the_marker_and_field_are_kept() {
        let events = json!({
            "schema": {"type": "object", "properties": {"data": {"type": "object", "properties": {"a": {"type": "string"}}}}},
            "x-speakeasy-sse-sentinel": "[DONE]",
        });
        let api = api(events, json!({"type": "object", "properties": {"go": {"type": "boolean"}}}), Some("go"));
        let s = api.tags[0].operations[0].stream.as_ref().unwrap();
        assert_eq!(
            (s.rust_name.as_str(), s.sentinel.as_deref(), s.request_field.as_deref()),
            ("send_stream", Some("[DONE]"), Some("go"))
        );
        assert!(matches!(&s.event, TypeRef::Named(n) if api.types.contains_key(n)), "{:?}", s.event);
    }

    #[test]
    fn a_boolean_stream_property_is_the_field_without_the_extension() {
        let events = json!({"schema": {"type": "object", "properties": {"data": {"type": "integer"}}}});
        let with = api(events.clone(), json!({"type": "object", "properties": {"stream": {"type": "boolean"}}}), None);
        let s = with.tags[0].operations[0].stream.as_ref().unwrap();
        assert_eq!(
            (s.request_field.as_deref(), &s.event, s.sentinel.as_deref()),
            (Some("stream"), &TypeRef::Primitive(Primitive::I64), None)
        );
        // A `stream` that is no boolean is not the field.
        let without = api(events, json!({"type": "object", "properties": {"stream": {"type": "string"}}}), None);
        assert_eq!(without.tags[0].operations[0].stream.as_ref().unwrap().request_field, None);
    }

    #[test]
    fn a_placeholder_stream_is_no_api() {
        let events =
            json!({"schema": {"type": "string", "description": "not used"}, "x-speakeasy-sse-sentinel": "[DONE]"});
        assert!(api(events, json!({"type": "object"}), None).tags[0].operations[0].stream.is_none());
    }
}
