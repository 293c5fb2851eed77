//! Credentials named by JSON pointer, for documents that do not mark them with
//! `format: password` (the upstream OpenRouter document does not).

use serde_json::Value;

/// The string schemas of the OpenRouter document that hold credentials: the code and the
/// verifier sent to `POST /auth/keys`, and the API key it returns.
pub fn openrouter_defaults() -> Vec<String> {
    const EXCHANGE: &str = "/paths/~1auth~1keys/post";
    const REQUEST: &str = "requestBody/content/application~1json/schema/properties";
    const RESPONSE: &str = "responses/200/content/application~1json/schema/properties";
    vec![
        format!("{EXCHANGE}/{REQUEST}/code"),
        format!("{EXCHANGE}/{REQUEST}/code_verifier"),
        format!("{EXCHANGE}/{RESPONSE}/key"),
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
}
