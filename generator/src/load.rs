//! Stage 1: read the spec file and parse it (YAML or JSON) into a `serde_json::Value`.
//!
//! This is the generator's only file read. The YAML crate stays behind this module.

use crate::diag::Error;
use serde_json::Value;
use std::path::Path;

/// Reads and parses `path`; `display` is how errors name the file.
pub fn load(path: &Path, display: &str) -> Result<Value, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::spec(display, None, format!("cannot read the spec: {e}")))?;
    parse(&bytes, display)
}

/// Parses bytes as JSON when they look like JSON (first non-blank byte `{`), else as YAML.
pub fn parse(bytes: &[u8], display: &str) -> Result<Value, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(bytes, e.valid_up_to());
        Error::spec(display, Some(format!("line {line}, column {column}")), "the spec is not UTF-8 text")
    })?;
    let value = if text.trim_start().starts_with('{') {
        serde_json::from_str::<Value>(text).map_err(|e| {
            Error::spec(
                display,
                Some(format!("line {}, column {}", e.line(), e.column())),
                format!("invalid JSON: {}", strip_location(&e.to_string())),
            )
        })?
    } else {
        serde_yaml_ng::from_str::<Value>(text).map_err(|e| {
            let location = e.location().map(|l| format!("line {}, column {}", l.line(), l.column()));
            Error::spec(display, location, format!("invalid YAML: {}", strip_location(&e.to_string())))
        })?
    };
    if !value.is_object() {
        return Err(Error::spec(display, None, "the spec is not an OpenAPI document (expected a mapping at the top level)"));
    }
    Ok(value)
}

/// Parser messages repeat the position we already print; keep only the reason.
fn strip_location(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// The 1-based line of the value a JSON pointer names, found by following the keys through
/// the text; best effort, for error messages only.
pub fn line_of_pointer(text: &str, pointer: &str) -> Option<usize> {
    // Walk YAML block style: each segment is a key deeper than the previous one.
    let mut from = 0usize;
    let mut indent: Option<usize> = None;
    let segments: Vec<String> = pointer
        .trim_start_matches('#')
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let mut found = None;
    for seg in &segments {
        let mut hit = None;
        for (i, line) in lines.iter().enumerate().skip(from) {
            let trimmed = line.trim_start();
            let ind = line.len() - trimmed.len();
            if let Some(parent) = indent {
                if ind <= parent && !trimmed.is_empty() && i > from {
                    break;
                }
            }
            let key = trimmed.trim_start_matches("- ");
            let quoted = [format!("{seg}:"), format!("'{seg}':"), format!("\"{seg}\":")];
            if quoted.iter().any(|q| key.starts_with(q.as_str())) {
                hit = Some((i, ind));
                break;
            }
        }
        let (i, ind) = hit?;
        from = i + 1;
        indent = Some(ind);
        found = Some(i + 1);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_give_the_same_value() {
        let yaml = parse(b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\n", "a.yaml").unwrap();
        let json = parse(br#" {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}}"#, "a.json").unwrap();
        assert_eq!(yaml, json);
    }

    #[test]
    fn yaml_syntax_error_names_file_and_line() {
        let err = parse(b"openapi: 3.1.0\ninfo: [unclosed\n", "spec/x.yaml").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("error: spec/x.yaml: line "), "{text}");
        assert!(text.contains("invalid YAML"), "{text}");
    }

    #[test]
    fn json_syntax_error_names_line_and_column() {
        let err = parse(b"{\n  \"openapi\": 3.1.0,\n}", "x.json").unwrap_err();
        assert_eq!(err.diagnostics[0].location.as_deref(), Some("line 2, column 17"));
    }

    #[test]
    fn a_scalar_document_is_rejected() {
        let err = parse(b"just text", "x.yaml").unwrap_err();
        assert!(err.to_string().contains("not an OpenAPI document"), "{err}");
    }

    #[test]
    fn pointer_lines_are_found_in_block_yaml() {
        let text = "paths:\n  /a:\n    get:\n      x: 1\n  /b:\n    post:\n      y: 2\n";
        assert_eq!(line_of_pointer(text, "#/paths/~1b/post"), Some(6));
        assert_eq!(line_of_pointer(text, "#/paths/~1c"), None);
    }
}
