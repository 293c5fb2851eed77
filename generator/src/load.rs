//! Stage 1: read the spec file and parse it (YAML or JSON) into a `serde_json::Value`.
//!
//! This is the generator's only file read. The YAML crate stays behind this module.

mod pieces;

use crate::diag::{unescape_segment, Error, Location};
use serde::Deserialize as _;
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
        let piece = |text: &str| parse_one(text).ok();
        pieces::parse(text, PIECE_BYTES, piece).map_or_else(|| parse_one(text), Ok).map_err(|e| {
            let location = e.location().map(|l| Location::Position { line: l.line(), column: l.column() });
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

/// YAML text in one piece, on this thread.
fn parse_one(text: &str) -> Result<Value, serde_yaml_ng::Error> {
    serde_yaml_ng::from_str::<Strict>(text).map(|s| s.0)
}

/// The size of the pieces a large YAML text is parsed in, on every core ([`pieces`]).
const PIECE_BYTES: usize = 64 << 10;

/// A `Value` read from YAML, with a repeated mapping key an error: YAML requires unique keys,
/// and `serde_json::Value` would keep the last value and drop the other silently. Otherwise
/// exactly `Value`'s own `Deserialize`.
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any valid YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Value, E> {
        Value::deserialize(serde::de::value::I128Deserializer::new(v))
    }
    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Value, E> {
        Value::deserialize(serde::de::value::U128Deserializer::new(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // Like `Value`: `.inf` and `.nan` have no JSON number, so they are `null`.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match object.entry(key) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(map.next_value::<Strict>()?.0);
                }
                serde_json::map::Entry::Occupied(taken) => {
                    // The parser adds where: the path to the mapping and the line it starts on.
                    let message = format!("the mapping repeats the key `{}`", taken.key());
                    return Err(serde::de::Error::custom(message));
                }
            }
        }
        Ok(Value::Object(object))
    }
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
    fn a_repeated_key_is_an_error_naming_its_mapping() {
        let err = parse(b"a: 1\nb:\n  c: 1\n  c: 2\n", "a.yaml").unwrap_err().to_string();
        assert_eq!(err, "error: a.yaml: line 3, column 3: invalid YAML: b: the mapping repeats the key `c`");
    }

    #[test]
    fn errors_deep_in_a_large_document_are_those_of_parsing_it_whole() {
        // Large enough to be parsed in pieces: a syntax error, and a schema name repeated in
        // two pieces, are reported exactly as when the text is parsed in one piece.
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/openapi/openrouter-2026-08-22.yaml");
        let text = std::fs::read_to_string(path).unwrap();
        let broken = text.replacen("    MemberAssignment:\n", "    MemberAssignment: [unclosed\n", 1);
        let repeated = text.replacen("    MemberAssignment:\n", "    AABenchmarkEntry:\n", 1);
        for (changed, line) in [(broken, "line 12343"), (repeated, "line 4, column 5")] {
            assert_ne!(changed, text);
            let err = parse(changed.as_bytes(), "a.yaml").unwrap_err().to_string();
            let whole = parse_one(&changed).unwrap_err();
            assert!(err.contains(strip_location(&whole.to_string())), "{err}");
            assert!(err.contains(line), "{err}");
        }
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
