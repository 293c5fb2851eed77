//! Between load and normalize: keep only the operations of the requested tags and the
//! components they reach through `$ref`, so the later stages work on what is generated and
//! a problem in an unrelated part of a large document cannot stop the run. Pointers into
//! the document do not change (nothing is moved, only left out).

use crate::diag::{component_ref, Diagnostic, Error, ErrorKind};
use crate::ir::HttpMethod;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashSet};

/// The document reduced to `tags`; a tag the document lacks is a usage error listing the
/// tags it has.
pub fn select(doc: Value, tags: &[String], file: &str) -> Result<Value, Error> {
    let Value::Object(mut root) = doc else { return Ok(doc) };
    if !(root.contains_key("openapi") && root.contains_key("info")) {
        // Not an OpenAPI document at all: the deserializer says what is missing.
        return Ok(Value::Object(root));
    }
    check_tags(&root, tags, file)?;
    let paths = match root.remove("paths") {
        Some(Value::Object(paths)) => paths,
        // Not a mapping: leave it for the deserializer to report.
        Some(other) => {
            root.insert("paths".into(), other);
            return Ok(Value::Object(root));
        }
        None => Map::new(),
    };
    // A set: a large document has hundreds of tags, each operation checked against them.
    let wanted: HashSet<&str> = tags.iter().map(String::as_str).collect();
    let selected = |op: &Value| op_tags(op).any(|t| wanted.contains(t));

    // What the selected operations reach, transitively.
    let mut keep: BTreeSet<(String, String)> = BTreeSet::new();
    let mut work: Vec<(String, String)> = Vec::new();
    let mut whole_document = false;
    for item in paths.values() {
        let Some(item) = item.as_object() else { continue };
        if HttpMethod::ALL.iter().filter_map(|m| item.get(m.key())).any(selected) {
            for (k, v) in item {
                if HttpMethod::from_key(k).is_none() || selected(v) {
                    refs(v, &mut work, &mut whole_document);
                }
            }
        }
    }
    let components = root.get("components").and_then(Value::as_object);
    while let Some(target) = work.pop() {
        if keep.insert(target.clone()) {
            if let Some(v) = components.and_then(|c| c.get(&target.0)).and_then(|s| s.get(&target.1)) {
                refs(v, &mut work, &mut whole_document);
            }
        }
    }
    if whole_document {
        // A reference into `paths` or elsewhere: keep everything rather than guess.
        root.insert("paths".into(), Value::Object(paths));
        return Ok(Value::Object(root));
    }

    let mut kept_paths = Map::new();
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        if !HttpMethod::ALL.iter().filter_map(|m| item.get(m.key())).any(selected) {
            continue;
        }
        let item: Map<String, Value> =
            item.into_iter().filter(|(k, v)| HttpMethod::from_key(k).is_none() || selected(v)).collect();
        kept_paths.insert(path, Value::Object(item));
    }
    root.insert("paths".into(), Value::Object(kept_paths));
    if let Some(Value::Object(components)) = root.remove("components") {
        let mut kept = Map::new();
        for (section, entries) in components {
            match entries {
                // Security schemes are referenced by name, not by `$ref`: keep them all.
                Value::Object(entries) if section != "securitySchemes" => {
                    let entries: Map<String, Value> = entries
                        .into_iter()
                        .filter(|(name, _)| keep.contains(&(section.clone(), name.clone())))
                        .collect();
                    kept.insert(section, Value::Object(entries));
                }
                other => {
                    kept.insert(section, other);
                }
            }
        }
        root.insert("components".into(), Value::Object(kept));
    }
    Ok(Value::Object(root))
}

fn op_tags(op: &Value) -> impl Iterator<Item = &str> {
    op.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
}

/// Collects the `#/components/<section>/<name>` targets of every `$ref` under `v`.
fn refs(v: &Value, out: &mut Vec<(String, String)>, whole_document: &mut bool) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => match component_ref(r) {
                        Some((section, name)) => out.push((section.to_owned(), name)),
                        // Other files are reported by lower; other places in this one are kept.
                        None => *whole_document |= r.starts_with('#'),
                    },
                    _ => refs(x, out, whole_document),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| refs(x, out, whole_document)),
        _ => {}
    }
}

/// Every tag of the document: the declared ones in order, then those only operations name.
pub fn document_tags(root: &Map<String, Value>) -> Vec<String> {
    let mut known: Vec<&str> = root
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("name").and_then(Value::as_str))
        .collect();
    // A set beside the list: a scan of the list per operation is quadratic in a large document.
    let mut seen: HashSet<&str> = known.iter().copied().collect();
    let ops = root.get("paths").and_then(Value::as_object).into_iter().flat_map(|p| p.values());
    for item in ops {
        for op in HttpMethod::ALL.iter().filter_map(|m| item.get(m.key())) {
            known.extend(op_tags(op).filter(|t| seen.insert(t)));
        }
    }
    known.into_iter().map(str::to_owned).collect()
}

fn check_tags(root: &Map<String, Value>, tags: &[String], file: &str) -> Result<(), Error> {
    let known = document_tags(root);
    let has: HashSet<&str> = known.iter().map(String::as_str).collect();
    let missing: Vec<Diagnostic> = tags
        .iter()
        .filter(|t| !has.contains(t.as_str()))
        .map(|t| Diagnostic {
            file: file.to_owned(),
            location: Some(crate::diag::Location::pointer("/tags")),
            message: format!("the document has no tag `{t}`"),
            hint: Some(if known.is_empty() {
                "the document tags no operation".to_owned()
            } else {
                format!("tags in this document: {}", known.join(", "))
            }),
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error { kind: ErrorKind::Usage, diagnostics: missing })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_the_tagged_operations_and_their_reference_closure() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"parameters": [{"$ref": "#/components/parameters/P"}],
                       "get": {"tags": ["A"], "responses": {"200": {"$ref": "#/components/responses/R"}}},
                       "post": {"tags": ["B"]}},
                "/b": {"get": {"tags": ["B"], "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Unused"}}}}}}}
            },
            "components": {
                "schemas": {"Used": {"properties": {"next": {"$ref": "#/components/schemas/Deep"}}}, "Deep": {}, "Unused": {"type": "strin"}},
                "responses": {"R": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Used"}}}}},
                "parameters": {"P": {"name": "p", "in": "query"}},
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
            }
        });
        let out = select(doc, &["A".into()], "t.yaml").unwrap();
        assert_eq!(out["paths"].as_object().unwrap().keys().collect::<Vec<_>>(), ["/a"]);
        assert!(out["paths"]["/a"].get("post").is_none());
        assert!(out["paths"]["/a"].get("parameters").is_some());
        let schemas: Vec<_> = out["components"]["schemas"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(schemas, ["Used", "Deep"]);
        assert!(out["components"]["securitySchemes"].get("bearer").is_some());
        assert!(out["components"]["parameters"].get("P").is_some());
    }

    #[test]
    fn an_unknown_tag_lists_the_known_ones() {
        let doc = json!({"openapi": "3.1.0", "info": {}, "tags": [{"name": "Chat"}], "paths": {"/a": {"get": {"tags": ["Models"]}}}});
        let err = select(doc, &["OAuth".into()], "t.yaml").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Usage);
        assert_eq!(err.diagnostics[0].hint.as_deref(), Some("tags in this document: Chat, Models"));
    }
}
