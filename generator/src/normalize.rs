//! Stage 2: rewrite OpenAPI 3.1 constructs into the 3.0 shape `openapiv3` deserializes, then
//! deserialize. Each rewrite is one small function on one schema object; the walk visits
//! only places that hold schemas, so a property *named* `const` or `type` is never rewritten.

use crate::diag::{pointer_segment, Collector, Error};
use crate::ir::HttpMethod;
use rayon::prelude::*;
use serde_json::{json, Map, Value};

type Schema = Map<String, Value>;

/// Rewrites every schema of `doc` into the 3.0 shape; errors name the JSON pointer.
pub fn normalize(doc: Value, file: &str) -> Result<Value, Error> {
    let (doc, problems) = normalize_all(doc, file);
    match problems {
        None => Ok(doc),
        Some(e) => Err(e),
    }
}

/// Like [`normalize`], but returns the rewritten document even when some constructs could
/// not be rewritten (left as they were), so later stages can report their own problems in
/// the same run.
pub fn normalize_all(mut doc: Value, file: &str) -> (Value, Option<Error>) {
    let mut c = Collector::new(file);
    if let Some(root) = doc.as_object_mut() {
        // 3.1 makes `paths` optional; openapiv3 does not.
        root.entry("paths").or_insert_with(|| json!({}));
        for_each_schema_root(root, &mut c);
    }
    (doc, c.finish(()).err())
}

/// A normalized document in `openapiv3`'s types, but for its path items.
///
/// Path items are most of a large document's typed form (`PathItem` alone is 8.7 KiB inline,
/// and each holds its operations, responses and media types inline too): typed all at once
/// they were the largest thing [`lower`](crate::lower) held (the 10,000-schema bench document:
/// 244 MiB typed against 147 MiB as `Value`). So a larger document's stay `Value`s, which
/// lower converts a batch at a time, as it reaches them, and drops once lowered
/// ([`PathItems`]); a small document's are converted ahead, beside its schemas.
pub struct Document {
    /// Everything but the path items (`paths` holds only its extensions).
    pub api: openapiv3::OpenAPI,
    /// The path items, to be taken by lower.
    pub paths: PathItems,
}

impl Document {
    /// The whole document typed, every path item converted.
    pub fn into_openapi(self) -> Result<openapiv3::OpenAPI, Error> {
        let Document { mut api, mut paths } = self;
        let all: Vec<usize> = (0..paths.len()).collect();
        let items = paths.convert(&all)?;
        api.paths.paths = paths.items.into_iter().map(|entry| entry.path).zip(items).collect();
        Ok(api)
    }
}

/// How many path items are converted at a time: [`to_openapi`] converts all of a document
/// with no more, beside its schemas; [`lower`](crate::lower) converts a larger document's
/// this many at a time, as it reaches them.
pub const BATCH: usize = 256;

/// A document's path items in document order, each a `Value` until [`PathItems::convert`]
/// takes it (a small document's converted ahead, by [`to_openapi`]).
pub struct PathItems {
    items: Vec<Entry>,
    file: String,
}

/// One path item of [`PathItems`].
struct Entry {
    path: String,
    /// The tags of its operations, by name, each with the methods of the operations it tags.
    tags: Vec<(String, Vec<HttpMethod>)>,
    /// As normalized, until converted.
    value: Option<Value>,
    /// Converted ahead, until taken (boxed: a `PathItem` is 8.7 KiB inline, and a larger
    /// document's thousands of entries have none).
    ahead: Option<Box<openapiv3::ReferenceOr<openapiv3::PathItem>>>,
}

impl Entry {
    fn new(path: String, value: Value) -> Self {
        Entry { path, tags: tagged_methods(&value), value: Some(value), ahead: None }
    }
}

/// The tags of the operations of a path item, by name, each with the methods of the
/// operations it tags (as `openapiv3` reads them: a `$ref` path item has none).
fn tagged_methods(item: &Value) -> Vec<(String, Vec<HttpMethod>)> {
    let Some(item) = item.as_object().filter(|item| !item.get("$ref").is_some_and(Value::is_string)) else {
        return Vec::new();
    };
    let mut tags: std::collections::BTreeMap<&str, Vec<HttpMethod>> = std::collections::BTreeMap::new();
    for method in HttpMethod::ALL {
        let on = item.get(method.key()).and_then(|op| op.get("tags")).and_then(Value::as_array);
        for t in on.into_iter().flatten().filter_map(Value::as_str) {
            let methods = tags.entry(t).or_default();
            // A tag listed twice on an operation still finds it once.
            if !methods.contains(&method) {
                methods.push(method);
            }
        }
    }
    tags.into_iter().map(|(tag, methods)| (tag.to_owned(), methods)).collect()
}

impl PathItems {
    /// How many path items the document has.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the document has none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The path of item `i`: `/items/{id}`.
    pub fn path(&self, i: usize) -> &str {
        &self.items[i].path
    }

    /// The tags of the operations of item `i`, by name, each with the methods it tags.
    pub fn tags(&self, i: usize) -> &[(String, Vec<HttpMethod>)] {
        &self.items[i].tags
    }

    /// Converts the items at `indexes` (none converted before) on every core, in that order,
    /// and lets their `Value`s go. A failure is reported as the whole document's first, in
    /// document order, among the items not converted before: the error is the same whichever
    /// items lowering reaches first, and the same as converting the document whole.
    pub fn convert(&mut self, indexes: &[usize]) -> Result<Vec<openapiv3::ReferenceOr<openapiv3::PathItem>>, Error> {
        // Each converted ahead, or still to convert.
        let taken: Vec<(usize, Result<_, Value>)> = indexes
            .iter()
            .filter_map(|&i| {
                let entry = &mut self.items[i];
                entry.ahead.take().map(|typed| Ok(*typed)).or(entry.value.take().map(Err)).map(|item| (i, item))
            })
            .collect();
        let converted: Vec<(usize, Result<_, Error>)> = taken
            .into_par_iter()
            .map(|(i, item)| (i, item.or_else(|value| convert(&value, self.pointer(i), &self.file))))
            .collect();
        let mut items = Vec::with_capacity(converted.len());
        let mut failure: Option<(usize, Error)> = None;
        for (i, c) in converted {
            match c {
                Ok(item) => items.push(item),
                Err(e) if failure.as_ref().is_none_or(|(f, _)| i < *f) => failure = Some((i, e)),
                Err(_) => {}
            }
        }
        match failure {
            // Unless an item before it in the document fails too.
            Some((first, error)) => self.check_before(first).and(Err(error)),
            None => Ok(items),
        }
    }

    /// Converts the items not converted yet, to report the first that `openapiv3` rejects (a
    /// document's errors do not depend on which of its operations are generated).
    pub fn check(mut self) -> Result<(), Error> {
        self.check_before(usize::MAX)
    }

    /// The first item before `end` that does not convert, converting (and dropping) the rest.
    fn check_before(&mut self, end: usize) -> Result<(), Error> {
        let left: Vec<usize> = (0..end.min(self.len())).filter(|&i| self.items[i].value.is_some()).collect();
        self.convert(&left).map(drop)
    }

    /// The JSON pointer of item `i`.
    fn pointer(&self, i: usize) -> String {
        path_pointer(&self.items[i].path)
    }
}

/// Deserializes a normalized document, but for its path items ([`Document`]); a shape
/// `openapiv3` rejects is reported at its pointer.
///
/// `components/schemas` is taken out first and converted an entry at a time, each entry's
/// `Value` dropped once converted: the document and its typed form are never both whole in
/// memory (on the 10,000-schema bench document, the stage's peak was the two side by side).
pub fn to_openapi(mut doc: Value, file: &str) -> Result<Document, Error> {
    let paths = take_entries(&mut doc, &["paths"], |key| key.starts_with('/'));
    let schemas = take_entries(&mut doc, &["components", "schemas"], |_| true);
    // Entries are independent: converted on every core (a small document's path items too),
    // the first failure in document order reported: the rest of the document first, then the
    // path items, then the schemas.
    let items = || -> Result<Vec<Entry>, Error> {
        if paths.len() > BATCH {
            return Ok(paths.into_iter().map(|(path, value)| Entry::new(path, value)).collect());
        }
        let ahead = paths.into_par_iter().map(|(path, value)| {
            let typed = convert(&value, path_pointer(&path), file)?;
            Ok(Entry { ahead: Some(Box::new(typed)), value: None, ..Entry::new(path, value) })
        });
        ahead.collect::<Vec<_>>().into_iter().collect()
    };
    let (api, (items, schemas)) = rayon::join(
        || convert::<openapiv3::OpenAPI>(&doc, String::new(), file),
        || rayon::join(items, || entries(schemas, "components/schemas", file)),
    );
    drop(doc);
    let mut api = api?;
    let paths = PathItems { items: items?, file: file.to_owned() };
    if !schemas.is_empty() {
        let table = &mut api.components.get_or_insert_with(Default::default).schemas;
        if let Err(schema) = move_into(table, schemas) {
            return Err(paths.check().err().unwrap_or(schema));
        }
    }
    Ok(Document { api, paths })
}

/// The JSON pointer of the path item at `path`.
fn path_pointer(path: &str) -> String {
    format!("/paths/{}", pointer_segment(path))
}

/// Moves converted `entries` into `table` in order, up to the first failure. The list
/// shrinks as it empties (every 1,024 entries; a large block shrinks in place), rather than
/// being whole beside the filled table.
fn move_into<T>(
    table: &mut indexmap::IndexMap<String, T>,
    mut entries: Vec<Result<(String, T), Error>>,
) -> Result<(), Error> {
    table.reserve(entries.len());
    entries.reverse();
    while let Some(entry) = entries.pop() {
        let (key, value) = entry?;
        table.insert(key, value);
        if entries.len().is_multiple_of(1024) {
            entries.shrink_to_fit();
        }
    }
    Ok(())
}

/// Converts each of `taken`, entries of the object at `/section`, on every core, in order.
fn entries<T>(taken: Vec<(String, Value)>, section: &str, file: &str) -> Vec<Result<(String, T), Error>>
where
    T: serde::de::DeserializeOwned + Send,
{
    taken
        .into_par_iter()
        .map(|(key, value)| {
            let at = format!("/{section}/{}", pointer_segment(&key));
            convert(&value, at, file).map(|typed| (key, typed))
        })
        .collect()
}

/// Moves the entries of the object at `keys` that `take` selects out of `doc`, in order (none
/// when there is no such object: the whole-document conversion then reports the shape).
fn take_entries(doc: &mut Value, keys: &[&str], take: impl Fn(&str) -> bool) -> Vec<(String, Value)> {
    let Some(Value::Object(map)) = keys.iter().try_fold(doc, |v, k| v.get_mut(*k)) else {
        return Vec::new();
    };
    let mut taken = Vec::new();
    for (key, value) in std::mem::take(map) {
        if take(&key) {
            taken.push((key, value));
        } else {
            map.insert(key, value);
        }
    }
    taken
}

/// Deserializes `value`, found at JSON pointer `at`.
fn convert<T: serde::de::DeserializeOwned>(value: &Value, at: String, file: &str) -> Result<T, Error> {
    // Fast path, from a borrowed `Value` and without path tracking: tracking copies every map
    // key and wraps every call (measured: about half of this stage on the 2026 document, see
    // `cargo xtask bench`). Only a document that fails pays for the second, tracked pass.
    if let Ok(converted) = T::deserialize(value) {
        return Ok(converted);
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = at + &path_to_pointer(e.path());
        let message = e.into_inner().to_string();
        Error::spec(
            file,
            Some(crate::diag::Location::pointer(pointer)),
            format!("not a valid OpenAPI document here: {message}"),
        )
    })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        out.push('/');
        match seg {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&pointer_segment(key)),
            Segment::Enum { variant } => out.push_str(&pointer_segment(variant)),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

/// Finds every place the OpenAPI object model allows a schema and normalizes it.
fn for_each_schema_root(root: &mut Map<String, Value>, c: &mut Collector) {
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            let at = format!("/paths/{}", pointer_segment(path));
            visit_parameters(item.get_mut("parameters"), &format!("{at}/parameters"), c);
            for method in HttpMethod::ALL {
                let Some(op) = item.get_mut(method.key()).and_then(Value::as_object_mut) else { continue };
                let at = format!("{at}/{}", method.key());
                visit_parameters(op.get_mut("parameters"), &format!("{at}/parameters"), c);
                if let Some(body) = op.get_mut("requestBody") {
                    visit_content(body.get_mut("content"), &format!("{at}/requestBody/content"), c);
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for (status, response) in responses.iter_mut() {
                        visit_response(response, &format!("{at}/responses/{status}"), c);
                    }
                }
            }
        }
    }
    let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) else { return };
    for (kind, entries) in components.iter_mut() {
        let Some(entries) = entries.as_object_mut() else { continue };
        for (name, entry) in entries.iter_mut() {
            let at = format!("/components/{kind}/{}", pointer_segment(name));
            match kind.as_str() {
                "schemas" => visit_schema(entry, &at, c),
                "parameters" | "headers" => visit_parameter(entry, &at, c),
                "requestBodies" => visit_content(entry.get_mut("content"), &format!("{at}/content"), c),
                "responses" => visit_response(entry, &at, c),
                _ => {}
            }
        }
    }
}

fn visit_parameters(params: Option<&mut Value>, at: &str, c: &mut Collector) {
    if let Some(params) = params.and_then(Value::as_array_mut) {
        for (i, p) in params.iter_mut().enumerate() {
            visit_parameter(p, &format!("{at}/{i}"), c);
        }
    }
}

fn visit_parameter(param: &mut Value, at: &str, c: &mut Collector) {
    if let Some(schema) = param.get_mut("schema") {
        visit_schema(schema, &format!("{at}/schema"), c);
    }
    visit_content(param.get_mut("content"), &format!("{at}/content"), c);
}

fn visit_response(response: &mut Value, at: &str, c: &mut Collector) {
    visit_content(response.get_mut("content"), &format!("{at}/content"), c);
    if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, h) in headers.iter_mut() {
            visit_parameter(h, &format!("{at}/headers/{}", pointer_segment(name)), c);
        }
    }
}

fn visit_content(content: Option<&mut Value>, at: &str, c: &mut Collector) {
    if let Some(content) = content.and_then(Value::as_object_mut) {
        for (media, m) in content.iter_mut() {
            if let Some(schema) = m.get_mut("schema") {
                visit_schema(schema, &format!("{at}/{}/schema", pointer_segment(media)), c);
            }
        }
    }
}

/// The rules, in the order they must run on one schema (later ones rely on earlier ones).
const RULES: &[fn(&mut Schema, &str, &mut Collector)] = &[
    ref_with_siblings,
    type_array,
    null_type,
    enum_null,
    const_to_enum,
    examples_to_example,
    numeric_exclusive_bounds,
    null_branches,
    ignored_properties,
    unsupported_keywords,
];

/// Normalizes one schema, then the schemas it contains.
fn visit_schema(schema: &mut Value, at: &str, c: &mut Collector) {
    let Some(map) = schema.as_object_mut() else {
        if !schema.is_boolean() {
            c.error(at, "a schema must be a mapping");
        }
        return;
    };
    for rule in RULES {
        rule(map, at, c);
    }
    for key in ["properties"] {
        if let Some(props) = map.get_mut(key).and_then(Value::as_object_mut) {
            for (name, p) in props.iter_mut() {
                visit_schema(p, &format!("{at}/{key}/{}", pointer_segment(name)), c);
            }
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key) {
            if child.is_object() {
                visit_schema(child, &format!("{at}/{key}"), c);
            }
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = map.get_mut(key).and_then(Value::as_array_mut) {
            for (i, s) in list.iter_mut().enumerate() {
                visit_schema(s, &format!("{at}/{key}/{i}"), c);
            }
        }
    }
}

/// `{$ref, description, ...}` → `{allOf: [{$ref}], description, ...}`: 3.0 ignores siblings of
/// `$ref`, 3.1 keeps them; wrapping keeps the docs and `nullable`.
fn ref_with_siblings(s: &mut Schema, _: &str, _: &mut Collector) {
    if s.len() > 1 {
        if let Some(reference) = s.remove("$ref") {
            s.insert("allOf".into(), json!([{ "$ref": reference }]));
        }
    }
}

/// Keywords that only make sense for one `type`, so a multi-type schema can be split.
fn keywords_of(ty: &str) -> &'static [&'static str] {
    match ty {
        "string" => &["format", "pattern", "minLength", "maxLength"],
        "number" | "integer" => &["format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
        "object" => &["properties", "required", "additionalProperties", "minProperties", "maxProperties"],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        _ => &[],
    }
}

const TYPES: &[&str] = &["string", "number", "integer", "boolean", "object", "array", "null"];

/// `type: [T, 'null']` → `type: T, nullable: true`; `type: [A, B]` → `anyOf: [{type: A}, {type: B}]`.
fn type_array(s: &mut Schema, at: &str, c: &mut Collector) {
    let Some(Value::Array(types)) = s.get("type") else {
        if let Some(Value::String(t)) = s.get("type") {
            if !TYPES.contains(&t.as_str()) {
                c.error(&format!("{at}/type"), format!("unknown type `{t}`"));
            }
        }
        return;
    };
    let mut names = Vec::new();
    for (i, t) in types.iter().enumerate() {
        match t.as_str() {
            Some(t) if TYPES.contains(&t) => names.push(t.to_owned()),
            _ => {
                let shown = t.as_str().map_or_else(|| t.to_string(), |t| format!("`{t}`"));
                c.error(&format!("{at}/type/{i}"), format!("unknown type {shown}"));
                return;
            }
        }
    }
    s.remove("type");
    if names.iter().any(|t| t == "null") {
        s.insert("nullable".into(), Value::Bool(true));
        names.retain(|t| t != "null");
    }
    names.dedup();
    match names.as_slice() {
        [] => {}
        [one] => {
            s.insert("type".into(), Value::String(one.clone()));
        }
        many => {
            let enum_values = s.remove("enum");
            let mut format = s.remove("format");
            let mut branches = Vec::new();
            for t in many {
                let mut b = Map::new();
                b.insert("type".into(), Value::String(t.clone()));
                for k in keywords_of(t) {
                    if *k == "format" {
                        if let Some(f) = format.take() {
                            b.insert("format".into(), f);
                        }
                    } else if let Some(v) = s.get(*k) {
                        b.insert((*k).into(), v.clone());
                    }
                }
                if let Some(Value::Array(values)) = &enum_values {
                    let mine: Vec<Value> = values.iter().filter(|v| json_type_matches(v, t)).cloned().collect();
                    if mine.is_empty() {
                        continue;
                    }
                    b.insert("enum".into(), Value::Array(mine));
                }
                branches.push(Value::Object(b));
            }
            for t in many {
                for k in keywords_of(t) {
                    s.remove(*k);
                }
            }
            if let Some(Value::Array(values)) = &enum_values {
                if values.iter().any(Value::is_null) {
                    s.insert("nullable".into(), Value::Bool(true));
                }
            }
            s.insert("anyOf".into(), Value::Array(branches));
        }
    }
}

fn json_type_matches(v: &Value, ty: &str) -> bool {
    match ty {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        _ => false,
    }
}

/// `type: 'null'` alone: a value that is always null; 3.0 spells it as an untyped nullable schema.
fn null_type(s: &mut Schema, _: &str, _: &mut Collector) {
    if s.get("type").and_then(Value::as_str) == Some("null") {
        s.remove("type");
        s.insert("nullable".into(), Value::Bool(true));
    }
}

/// `enum: [a, b, null]` → `enum: [a, b], nullable: true`.
fn enum_null(s: &mut Schema, _: &str, _: &mut Collector) {
    if let Some(Value::Array(values)) = s.get_mut("enum") {
        if values.iter().any(Value::is_null) {
            values.retain(|v| !v.is_null());
            s.insert("nullable".into(), Value::Bool(true));
        }
    }
}

/// `const: v` → `enum: [v]`.
fn const_to_enum(s: &mut Schema, at: &str, c: &mut Collector) {
    let Some(value) = s.remove("const") else { return };
    if value.is_null() {
        s.insert("nullable".into(), Value::Bool(true));
        return;
    }
    if s.contains_key("enum") {
        c.error(&format!("{at}/const"), "both `const` and `enum` are set; keep one");
        return;
    }
    if !s.contains_key("type") && !s.contains_key("anyOf") {
        let ty = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let Some(ty) = ty {
            s.insert("type".into(), Value::String(ty.into()));
        }
    }
    s.insert("enum".into(), json!([value]));
}

/// `examples: [a, b]` → `example: a` (3.0 schemas hold one example).
fn examples_to_example(s: &mut Schema, at: &str, c: &mut Collector) {
    match s.remove("examples") {
        None => {}
        Some(Value::Array(values)) => {
            if let Some(first) = values.into_iter().next() {
                s.entry("example").or_insert(first);
            }
        }
        Some(_) => c.error(&format!("{at}/examples"), "`examples` in a schema must be a list"),
    }
}

/// Numeric `exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true` (and the same for max).
fn numeric_exclusive_bounds(s: &mut Schema, _: &str, _: &mut Collector) {
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(n) = s.get(exclusive).filter(|v| v.is_number()).cloned() {
            s.insert(bound.into(), n);
            s.insert(exclusive.into(), Value::Bool(true));
        }
    }
}

fn is_null_schema(v: &Value) -> bool {
    let Some(m) = v.as_object() else { return false };
    match m.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.iter().all(|t| t == "null"),
        _ => m.get("enum").and_then(Value::as_array).is_some_and(|e| e.iter().all(Value::is_null) && !e.is_empty()),
    }
}

/// `anyOf: [X, {type: 'null'}]` → `allOf: [X], nullable: true` (one branch left) or the
/// remaining branches with `nullable: true`.
fn null_branches(s: &mut Schema, _: &str, _: &mut Collector) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = s.get_mut(key) else { continue };
        let before = branches.len();
        branches.retain(|b| !is_null_schema(b));
        if branches.len() == before {
            continue;
        }
        s.insert("nullable".into(), Value::Bool(true));
        let Some(Value::Array(branches)) = s.get_mut(key) else { continue };
        if branches.len() == 1 {
            let only = branches.remove(0);
            s.remove(key);
            s.insert("allOf".into(), json!([only]));
        } else if branches.is_empty() {
            s.remove(key);
        }
    }
}

/// Properties marked `x-speakeasy-ignore: true` are not part of the public client.
fn ignored_properties(s: &mut Schema, _: &str, _: &mut Collector) {
    let Some(Value::Object(props)) = s.get_mut("properties") else { return };
    let ignored: Vec<String> = props
        .iter()
        .filter(|(_, p)| p.get("x-speakeasy-ignore") == Some(&Value::Bool(true)))
        .map(|(k, _)| k.clone())
        .collect();
    if ignored.is_empty() {
        return;
    }
    props.retain(|k, _| !ignored.contains(k));
    if let Some(Value::Array(required)) = s.get_mut("required") {
        required.retain(|r| r.as_str().is_none_or(|r| !ignored.iter().any(|i| i == r)));
    }
}

/// 3.1 keywords a client cannot honour yet: an error, never a silent drop.
fn unsupported_keywords(s: &mut Schema, at: &str, c: &mut Collector) {
    const UNSUPPORTED: &[&str] = &[
        "prefixItems",
        "patternProperties",
        "unevaluatedProperties",
        "unevaluatedItems",
        "if",
        "then",
        "else",
        "dependentRequired",
        "dependentSchemas",
        "contains",
        "$dynamicRef",
    ];
    // Map keys are strings on the wire whatever they are constrained to: a string-only
    // `propertyNames` changes nothing a client decodes (like `pattern`, it is not checked).
    if s.get("propertyNames").is_some_and(|p| p.get("type").is_none_or(|t| t == "string")) {
        s.remove("propertyNames");
    }
    if s.contains_key("propertyNames") {
        c.error(&format!("{at}/propertyNames"), "`propertyNames` is supported only for string keys");
    }
    for k in UNSUPPORTED {
        if s.contains_key(*k) {
            c.error(&format!("{at}/{k}"), format!("the JSON Schema keyword `{k}` is not supported"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rule: fn(&mut Schema, &str, &mut Collector), input: Value) -> Value {
        let mut s = input.as_object().unwrap().clone();
        let mut c = Collector::new("t.yaml");
        rule(&mut s, "/x", &mut c);
        c.finish(()).unwrap();
        Value::Object(s)
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        let out = run(type_array, json!({"type": ["string", "null"], "format": "date-time"}));
        assert_eq!(out, json!({"type": "string", "format": "date-time", "nullable": true}));
    }

    #[test]
    fn type_array_with_several_types_becomes_any_of() {
        let out = run(
            type_array,
            json!({"type": ["string", "integer", "null"], "maxLength": 3, "minimum": 1, "description": "d"}),
        );
        assert_eq!(
            out,
            json!({"description": "d", "nullable": true, "anyOf": [
                {"type": "string", "maxLength": 3},
                {"type": "integer", "minimum": 1}
            ]})
        );
    }

    #[test]
    fn unknown_type_is_an_error_with_pointer() {
        let mut s = json!({"type": ["strin"]}).as_object().unwrap().clone();
        let mut c = Collector::new("t.yaml");
        type_array(&mut s, "/components/schemas/A", &mut c);
        let err = c.finish(()).unwrap_err();
        assert_eq!(err.to_string(), "error: t.yaml: #/components/schemas/A/type/0: unknown type `strin`");
    }

    #[test]
    fn null_type_alone_is_an_untyped_nullable() {
        assert_eq!(run(null_type, json!({"type": "null"})), json!({"nullable": true}));
    }

    #[test]
    fn null_inside_enum_becomes_nullable() {
        let out = run(enum_null, json!({"type": "string", "enum": ["S256", "plain", null]}));
        assert_eq!(out, json!({"type": "string", "enum": ["S256", "plain"], "nullable": true}));
    }

    #[test]
    fn const_becomes_a_one_value_enum_with_its_type() {
        assert_eq!(run(const_to_enum, json!({"const": "file"})), json!({"type": "string", "enum": ["file"]}));
        assert_eq!(run(const_to_enum, json!({"type": "integer", "const": 7})), json!({"type": "integer", "enum": [7]}));
    }

    #[test]
    fn examples_keep_the_first_as_example() {
        assert_eq!(run(examples_to_example, json!({"examples": ["a", "b"]})), json!({"example": "a"}));
        assert_eq!(run(examples_to_example, json!({"example": "z", "examples": ["a"]})), json!({"example": "z"}));
    }

    #[test]
    fn numeric_exclusive_bounds_become_3_0_booleans() {
        let out = run(numeric_exclusive_bounds, json!({"type": "number", "exclusiveMinimum": 0}));
        assert_eq!(out, json!({"type": "number", "minimum": 0, "exclusiveMinimum": true}));
    }

    #[test]
    fn ref_with_siblings_keeps_the_docs() {
        let out = run(ref_with_siblings, json!({"$ref": "#/components/schemas/A", "description": "why"}));
        assert_eq!(out, json!({"description": "why", "allOf": [{"$ref": "#/components/schemas/A"}]}));
        let bare = run(ref_with_siblings, json!({"$ref": "#/components/schemas/A"}));
        assert_eq!(bare, json!({"$ref": "#/components/schemas/A"}));
    }

    #[test]
    fn null_branches_become_nullable() {
        let out = run(null_branches, json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}));
        assert_eq!(out, json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]}));
        let many = run(null_branches, json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}));
        assert_eq!(many, json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true}));
    }

    #[test]
    fn ignored_properties_are_left_out() {
        let out = run(
            ignored_properties,
            json!({"properties": {"a": {}, "b": {"x-speakeasy-ignore": true}}, "required": ["a", "b"]}),
        );
        assert_eq!(out, json!({"properties": {"a": {}}, "required": ["a"]}));
    }

    #[test]
    fn unsupported_keywords_are_errors() {
        let mut s = json!({"prefixItems": []}).as_object().unwrap().clone();
        let mut c = Collector::new("t.yaml");
        unsupported_keywords(&mut s, "/components/schemas/T", &mut c);
        let err = c.finish(()).unwrap_err().to_string();
        assert!(err.contains("#/components/schemas/T/prefixItems"), "{err}");
    }

    #[test]
    fn the_walk_rewrites_schemas_only() {
        // A property *named* `const` is a schema, not a keyword.
        let doc = json!({"openapi": "3.1.0", "components": {"schemas": {"A": {
            "type": "object",
            "properties": {"const": {"type": ["string", "null"]}},
        }}}});
        let out = normalize(doc, "t.yaml").unwrap();
        assert_eq!(
            out["components"]["schemas"]["A"]["properties"]["const"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(out["paths"], json!({}));
    }

    #[test]
    fn boolean_exclusive_bounds_are_already_3_0_and_kept() {
        let input = json!({"type": "number", "minimum": 0, "exclusiveMinimum": true});
        assert_eq!(run(numeric_exclusive_bounds, input.clone()), input);
    }

    #[test]
    fn const_null_only_allows_null() {
        assert_eq!(run(const_to_enum, json!({"const": null})), json!({"nullable": true}));
    }

    #[test]
    fn rules_compose_on_a_nullable_enum_written_the_3_1_way() {
        // As the 2026 upstream document writes `code_challenge_method`.
        let doc = json!({"openapi": "3.1.0", "components": {"schemas": {"M": {
            "type": ["string", "null"], "enum": ["S256", "plain", null], "examples": ["S256"],
        }}}});
        let out = normalize(doc, "t.yaml").unwrap();
        assert_eq!(
            out["components"]["schemas"]["M"],
            json!({"type": "string", "enum": ["S256", "plain"], "nullable": true, "example": "S256"})
        );
    }

    #[test]
    fn a_schema_that_is_not_a_mapping_is_an_error_with_its_pointer() {
        let doc = json!({"openapi": "3.1.0", "components": {"schemas": {"A": {"properties": {"b": 5}}}}});
        let err = normalize(doc, "t.yaml").unwrap_err().to_string();
        assert!(err.contains("#/components/schemas/A/properties/b"), "{err}");
    }
}
