//! Credentials named by JSON pointer, for documents that do not mark them with
//! `format: password` (the upstream OpenRouter document does not).

use serde_json::Value;

/// The string schemas of the OpenRouter document that hold credentials: the code and the
/// verifier sent to `POST /auth/keys`, the API key it returns, and the authorization code
/// `POST /auth/keys/code` creates (without a challenge, it alone buys a key).
pub fn openrouter_defaults() -> Vec<String> {
    const EXCHANGE: &str = "/paths/~1auth~1keys/post";
    const CREATE: &str = "/paths/~1auth~1keys~1code/post";
    const REQUEST: &str = "requestBody/content/application~1json/schema/properties";
    const RESPONSE: &str = "responses/200/content/application~1json/schema/properties";
    vec![
        format!("{EXCHANGE}/{REQUEST}/code"),
        format!("{EXCHANGE}/{REQUEST}/code_verifier"),
        format!("{EXCHANGE}/{RESPONSE}/key"),
        format!("{CREATE}/{RESPONSE}/data/properties/id"),
    ]
}

/// Sets `format: password` on each string schema a pointer leads to. A pointer that leads
/// nowhere, or to a schema that is not a plain string, is skipped: the defaults name places a
/// smaller or different document may not have.
pub fn mark(document: &mut Value, pointers: &[String]) {
    for pointer in pointers {
        let Some(Value::Object(schema)) = document.pointer_mut(pointer) else { continue };
        let is_string = match schema.get("type") {
            Some(Value::String(t)) => t == "string",
            // OpenAPI 3.1: `type: [string, 'null']`.
            Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
            _ => false,
        };
        let plain = !schema.contains_key("enum") && !schema.contains_key("format");
        if is_string && plain {
            schema.insert("format".to_owned(), Value::String("password".to_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn marks_plain_strings_only() {
        let mut doc = json!({"a": {"type": "string"}, "b": {"type": ["string", "null"]},
            "c": {"type": "integer"}, "d": {"type": "string", "format": "uri"}});
        let pointers: Vec<String> = ["/a", "/b", "/c", "/d", "/missing"].map(String::from).to_vec();
        mark(&mut doc, &pointers);
        assert_eq!(doc["a"]["format"], "password");
        assert_eq!(doc["b"]["format"], "password");
        assert_eq!(doc["c"].get("format"), None);
        assert_eq!(doc["d"]["format"], "uri");
    }

    /// `format: password` (in the document or by pointer) becomes `crate::Secret`, and the
    /// runtime is told about responses and non-idempotent requests that carry one.
    #[test]
    fn secrets_become_secret_types_and_mark_their_operations() {
        let object = |field: &str, format: Option<&str>| {
            let mut schema = json!({"type": "string"});
            if let Some(format) = format {
                schema["format"] = json!(format);
            }
            json!({"type": "object", "required": [field], "properties": {field: schema}})
        };
        let op = |id: &str, body: serde_json::Value, response: serde_json::Value| {
            json!({"tags": ["T"], "operationId": id,
                "requestBody": {"required": true, "content": {"application/json": {"schema": body}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}}})
        };
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/login": {"post": op("login", object("password", Some("password")), object("token", None))},
                "/plain": {"put": op("plain", object("password", Some("password")), object("name", None))},
            },
        });
        let pointer = "/paths/~1login/post/responses/200/content/application~1json/schema/properties/token";
        let api = crate::lower_value_with(doc, &["T".to_owned()], &[pointer.to_owned()], "t.yaml").unwrap();
        let secret = crate::ir::TypeRef::Primitive(crate::ir::Primitive::Secret);
        let secret_fields = api
            .types
            .values()
            .filter_map(|t| match &t.kind {
                crate::ir::TypeKind::Struct { fields, .. } => Some(fields),
                _ => None,
            })
            .flatten()
            .filter(|f| f.ty == secret)
            .count();
        assert_eq!(secret_fields, 3);
        let files = crate::emit::emit(&api, "t.yaml").unwrap();
        let tag = files.iter().find(|f| f.path == "src/api/t.rs").unwrap();
        let login =
            &tag.contents[tag.contents.find("pub fn login").unwrap()..tag.contents.find("pub fn plain").unwrap()];
        assert!(login.contains(".sensitive_response()") && login.contains(".no_replay()"), "{login}");
        // PUT is idempotent, and its response carries no secret.
        let plain = &tag.contents[tag.contents.find("pub fn plain").unwrap()..];
        assert!(!plain.contains(".sensitive_response()") && !plain.contains(".no_replay()"), "{plain}");
        let models = files.iter().find(|f| f.path == "src/models.rs").unwrap();
        assert!(models.contents.contains("crate::Secret"));
    }
}
