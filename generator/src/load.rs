//! Stage 1: read the spec file and parse it (YAML or JSON) into a `serde_json::Value`.
//!
//! This is the generator's only file read. The YAML crate stays behind this module.

use crate::diag::{unescape_segment, Error, Location};
use serde_json::Value;
use std::path::Path;

/// Reads and parses `path`; `display` is how errors name the file.
pub fn load(path: &Path, display: &str) -> Result<Value, Error> {
    parse(read(path, display)?.as_bytes(), display)
}

/// Reads `path` as UTF-8 text.
pub fn read(path: &Path, display: &str) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::spec(display, None, format!("cannot read the spec: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(e.as_bytes(), e.utf8_error().valid_up_to());
        Error::spec(display, Some(Location::Position { line, column }), "the spec is not UTF-8 text")
    })
}

/// Parses bytes as JSON when they look like JSON (first non-blank byte `{`), else as YAML.
pub fn parse(bytes: &[u8], display: &str) -> Result<Value, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(bytes, e.valid_up_to());
        Error::spec(display, Some(Location::Position { line, column }), "the spec is not UTF-8 text")
    })?;
    let value = if text.trim_start().starts_with('{') {
        serde_json::from_str::<Value>(text).map_err(|e| {
            Error::spec(
                display,
                Some(Location::Position { line: e.line(), column: e.column() }),
                format!("invalid JSON: {}", strip_location(&e.to_string())),
            )
        })?
    } else {
        serde_saphyr::from_str_with_options::<Value>(text, yaml_options()).map_err(|e| {
            let location =
                e.location().map(|l| Location::Position { line: l.line() as usize, column: l.column() as usize });
            Error::spec(display, location, format!("invalid YAML: {}", strip_location(&e.to_string())))
        })?
    };
    if !value.is_object() {
        return Err(Error::spec(
            display,
            None,
            "the spec is not an OpenAPI document (expected a mapping at the top level)",
        ));
    }
    Ok(value)
}

/// How YAML becomes a `Value`: streamed, with no tree of parser events beside the `Value` (the
/// 10,000-schema bench document: 317 MiB peak where a buffering parser took 619 MiB), and
/// read the way YAML 1.2's core schema and the upstream documents' other readers read it:
/// only `true`/`false` are booleans, `012` and `1_000` are strings, `<<` is an ordinary key,
/// a key written `null` is the string "null", `.inf` and `.nan` become `null` (JSON has no
/// such numbers). A repeated key is an error: one of its values would be dropped silently.
/// No size budget: the document is the user's own input, and its size is the output's.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: None,
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        merge_keys: serde_saphyr::MergeKeyPolicy::AsOrdinary,
        null_as_string: true,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        with_snippet: false,
    }
}

/// Parser messages repeat the position we already print; keep only the reason.
fn strip_location(message: &str) -> &str {
    let message = message.split(" at line ").next().unwrap_or(message);
    // And advice to its caller, not to the spec's author.
    let message = message.split(", set DuplicateKeyPolicy").next().unwrap_or(message);
    // serde-saphyr puts it first: "line 4 column 1: reason".
    match message.strip_prefix("line ").and_then(|rest| rest.split_once(": ")) {
        Some((place, reason)) if place.split(" column ").all(|n| n.bytes().all(|b| b.is_ascii_digit())) => reason,
        _ => message,
    }
}

fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// The 1-based line of the value a JSON pointer names, found by following the keys and list
/// items through block-style YAML (or pretty-printed JSON); best effort, for messages only.
pub fn line_of_pointer(text: &str, pointer: &str) -> Option<usize> {
    // (indent, content) per line; a selected list item is rewritten in place so the key on
    // its dash line (`- name: x`) is found at the item's indent.
    let mut lines: Vec<(usize, String)> = text
        .lines()
        .map(|l| {
            let t = l.trim_start();
            (l.len() - t.len(), t.to_owned())
        })
        .collect();
    let segments = pointer.trim_start_matches('#').split('/').skip(1).map(unescape_segment);
    let (mut from, mut parent): (usize, Option<usize>) = (0, None);
    let mut found = None;
    for seg in segments {
        let mut child_indent = None;
        let mut index = 0usize;
        let mut hit = None;
        for (i, (ind, content)) in lines.iter().enumerate().skip(from) {
            let (ind, content) = (*ind, content.as_str());
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            if parent.is_some_and(|p| ind <= p) {
                break;
            }
            if ind != *child_indent.get_or_insert(ind) {
                continue;
            }
            if let Some(rest) = content.strip_prefix("- ") {
                if seg.parse::<usize>() == Ok(index) {
                    hit = Some((i, ind, Some(rest.to_owned())));
                    break;
                }
                index += 1;
                continue;
            }
            let key = content.trim_start_matches(['"', '\'']);
            if key.strip_prefix(seg.as_str()).is_some_and(|r| r.trim_start_matches(['"', '\'']).starts_with(':')) {
                hit = Some((i, ind, None));
                break;
            }
        }
        let (i, ind, item) = hit?;
        found = Some(i + 1);
        parent = Some(ind);
        match item {
            // The item's first key sits on the dash line: search it again, as if indented.
            Some(rest) => {
                lines[i] = (ind + 2, rest);
                from = i;
            }
            None => from = i + 1,
        }
    }
    found
}

/// Adds the line to every diagnostic that has a JSON pointer and none yet.
pub fn add_lines(mut err: Error, text: &str) -> Error {
    for d in &mut err.diagnostics {
        if let Some(Location::Pointer { pointer, line: line @ None }) = &mut d.location {
            *line = line_of_pointer(text, pointer);
        }
    }
    err
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
    fn yaml_scalars_are_read_as_yaml_1_2_core_schema_reads_them() {
        let yaml = b"null: a\n200: b\nv: [yes, no, on, 012, 1_000, 0x1F, 0o17, .inf, ~, True, 1.0, '1', !!str 12]\nm: {<<: {x: 1}}\n";
        let value = parse(yaml, "a.yaml").unwrap();
        let expected = serde_json::json!({
            "null": "a",
            "200": "b",
            "v": ["yes", "no", "on", "012", "1_000", 31, 15, null, null, true, 1.0, "1", "12"],
            "m": {"<<": {"x": 1}},
        });
        assert_eq!(value, expected);
    }

    #[test]
    fn a_repeated_key_is_an_error_at_its_line() {
        let err = parse(b"a: 1\nb:\n  c: 1\n  c: 2\n", "a.yaml").unwrap_err().to_string();
        assert_eq!(err, "error: a.yaml: line 4, column 3: invalid YAML: duplicate mapping key: c");
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
        assert_eq!(err.diagnostics[0].location, Some(crate::diag::Location::Position { line: 2, column: 17 }));
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
        assert_eq!(line_of_pointer(text, "#/paths/~1b/post/y"), Some(7));
        assert_eq!(line_of_pointer(text, "#/paths/~1c"), None);
        let list = "params:\n  - name: a\n    in: query\n  - name: b\n    schema:\n      type: x\n";
        assert_eq!(line_of_pointer(list, "#/params/1"), Some(4));
        assert_eq!(line_of_pointer(list, "#/params/1/schema/type"), Some(6));
        assert_eq!(line_of_pointer(list, "#/params/0/in"), Some(3));
        let quoted = "paths:\n  '/auth/keys':\n    post: {}\n";
        assert_eq!(line_of_pointer(quoted, "#/paths/~1auth~1keys/post"), Some(3));
    }
}
