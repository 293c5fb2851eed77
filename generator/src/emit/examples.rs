//! `tests/examples.rs` of the generated crate: every example of the selected part of the spec
//! (schema examples, property examples, media-type `example`/`examples`) decoded into its
//! generated type and encoded back to an equal JSON value.

use super::code::{lay_out, ln, string, Code};
use super::features::Features;
use super::tokens::{format_file, skip_rustfmt, Spelling};
use crate::diag::Error;
use crate::ir::*;
use crate::names::{Case, Scope};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use std::collections::BTreeSet;

/// One example and the Rust type it must fit.
struct Case_ {
    /// Test function name.
    name: String,
    /// Where the example is in the spec, for the test's doc line.
    place: String,
    ty: TypeRef,
    /// Decode into `Option<ty>` (a `null` example of a nullable property).
    optional: bool,
    /// The example is a property's alone: checked against the field's type only.
    property: bool,
    value: Value,
    /// How the generated type reads the example, where the example departs from its schema.
    reading: Reading,
}

/// The test file's source, or `None` when the selected operations carry no example. The
/// helpers go through `tokens::format_file`; the tests, a thousand for the whole API, are
/// written as text (`code::Code`).
pub fn tests_file(api: &Api, features: &Features, source: &str) -> Result<Option<String>, Error> {
    let cases = collect(api);
    if cases.is_empty() {
        return Ok(None);
    }
    let sp = Spelling::outside(quote!(models::), []);
    let mut code = Code::new();
    for c in &cases {
        test(&mut code, api, features, &sp, c);
    }
    let mut out = format_file(helpers(&cases), source)?;
    out.push('\n');
    out.push_str(&lay_out(code.finish(), source)?);
    Ok(Some(out))
}

/// One example's test.
fn test(code: &mut Code, api: &Api, features: &Features, sp: &Spelling, c: &Case_) {
    let mut ty = sp.ty_text(&c.ty);
    if c.optional {
        ty = format!("Option<{ty}>");
    }
    let json = raw_string(&c.value.to_string());
    code.doc(&c.place);
    if c.property {
        ln!(code, "///");
        ln!(code, "/// A property example alone is checked against the field's own type: the struct");
        ln!(code, "/// around it may have other required fields.");
    }
    if !c.reading.notes.is_empty() {
        ln!(code, "///");
        ln!(code, "/// The example departs from its schema:");
        for n in &c.reading.notes {
            code.doc(&format!("- {n}"));
        }
    }
    code.cfg(&c.ty.named().map(|n| features.of_type(n)).unwrap_or_default());
    ln!(code, "#[test]");
    code.open(format_args!("fn {}() {{", c.name));
    let known = match (&c.ty, c.optional) {
        (TypeRef::Named(n), false) => {
            matches!(api.types.get(n).map(|t| &t.kind), Some(TypeKind::Enum { .. })).then_some(n)
        }
        _ => None,
    };
    let binding = if known.is_some() { "value" } else { "_" };
    if !c.reading.missing.is_empty() {
        // A required field is missing: decoding fails, naming where.
        let messages: Vec<String> = c.reading.missing.iter().map(|m| string(m)).collect();
        ln!(code, "let message = openrouter::decode::json::<{ty}>({json}.as_bytes()).unwrap_err().to_string();");
        ln!(code, "assert!([{}].iter().any(|m| message.starts_with(m)), \"{{message}}\");", messages.join(", "));
    } else if c.reading.expected != c.value {
        let expected = raw_string(&c.reading.expected.to_string());
        code.call(&format!("let {binding}: {ty} = round_trip_to"), &[json, expected], ";");
    } else {
        code.call(&format!("let {binding}: {ty} = round_trip"), &[json], ";");
    }
    if let Some(n) = known {
        code.open(format_args!("if let models::{n}::Unknown(_) = value {{"));
        ln!(code, "panic!(\"the example is not one of the known values: {{value:?}}\");");
        code.close("}");
    }
    code.close("}");
}

/// The module docs, imports and the helpers the tests call.
fn helpers(cases: &[Case_]) -> TokenStream {
    let skip = skip_rustfmt();
    let uses_round_trip_to = cases.iter().any(|c| c.reading.missing.is_empty() && c.reading.expected != c.value);
    let round_trip_to = uses_round_trip_to.then(|| {
        quote! {
            /// Decodes `example` as `T`, encodes the result and checks it equals `expected`: the
            /// example as its schema reads it.
            fn round_trip_to<T: serde::de::DeserializeOwned + serde::Serialize>(example: &str, expected: &str) -> T {
                let decoded: T = serde_json::from_str(example)
                    .unwrap_or_else(|e| panic!("the example does not decode: {e}\n{example}"));
                let expected: Value = serde_json::from_str(expected).expect("the expected value is JSON");
                let encoded = serde_json::to_value(&decoded).expect("the value encodes");
                assert!(same(&expected, &encoded), "the round trip changed the example\n  from: {expected}\n    to: {encoded}");
                decoded
            }
        }
    });
    let uses_round_trip = cases.iter().any(|c| c.reading.missing.is_empty() && c.reading.expected == c.value);
    let round_trip = uses_round_trip.then(|| {
        quote! {
            /// Decodes `example` as `T`, encodes the result and checks it equals `example`.
            fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(example: &str) -> T {
                let expected: Value = serde_json::from_str(example).expect("the example is JSON");
                let decoded: T = serde_json::from_value(expected.clone())
                    .unwrap_or_else(|e| panic!("the example does not decode: {e}\n{example}"));
                let encoded = serde_json::to_value(&decoded).expect("the value encodes");
                assert!(same(&expected, &encoded), "the round trip changed the example\n  from: {expected}\n    to: {encoded}");
                decoded
            }
        }
    });
    quote! {
        //! Every example in the spec, decoded into its generated type and encoded back.
        //!
        //! Numbers compare by value: an integer example of a `number` field comes back as a
        //! float (`100` → `100.0`), the same number on the wire. Where an example departs from
        //! its schema (a property the schema does not define, a required one left out), the
        //! test says so and checks what the client makes of it: an unknown property is
        //! ignored, a missing nullable one reads as `null`, a missing required one fails to
        //! decode with an error naming where.
        #skip

        // Unused when the only examples are of properties whose type is no model (a secret).
        #[allow(unused_imports)]
        use openrouter::models;
        use serde_json::Value;

        #round_trip
        #round_trip_to

        /// JSON equality with numbers compared by value.
        fn same(a: &Value, b: &Value) -> bool {
            match (a, b) {
                (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
                (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
                (Value::Object(x), Value::Object(y)) => {
                    x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
                }
                _ => a == b,
            }
        }
    }
}

fn collect(api: &Api) -> Vec<Case_> {
    let mut names = Scope::with_reserved(&["round_trip", "round_trip_to", "same"]);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut add = |name: String, place: String, ty: &TypeRef, optional: bool, property: bool, value: &Value| {
        // The same example of the same type is tested once (an inline schema's example is
        // also its property's).
        let key = (format!("{ty:?}"), value.to_string());
        if !seen.insert(key) {
            return;
        }
        let reading = if optional { Reading::same(value) } else { read(api, ty, value) };
        out.push(Case_ {
            name: names.unique(&name, Case::Snake),
            place,
            ty: ty.clone(),
            optional,
            property,
            value: value.clone(),
            reading,
        });
    };
    for tag in &api.tags {
        for op in &tag.operations {
            if let Some(b) = op.body.as_ref().filter(|b| b.kind == BodyKind::Json) {
                for ex in &b.examples {
                    let place = format!("Request body example of `{} {}`.", op.method, op.path);
                    add(format!("{}_request_example", op.rust_name), place, &b.ty, false, false, ex);
                }
            }
            let responses = std::iter::once(("response".to_owned(), &op.success))
                .chain(op.errors.iter().map(|e| (e.variant.clone(), &e.response)));
            for (label, r) in responses {
                let Some(ty) = r.ty.as_ref().filter(|_| r.kind == BodyKind::Json) else { continue };
                for ex in &r.examples {
                    let place = format!("Example of the {} answer of `{} {}`.", r.status, op.method, op.path);
                    add(format!("{}_{label}_example", op.rust_name), place, ty, false, false, ex);
                }
            }
        }
    }
    for t in api.types.values() {
        let named = TypeRef::Named(t.rust_name.clone());
        if let Some(ex) = &t.example {
            let place = if t.origin.starts_with('/') {
                format!("Example of the schema at `#{}`.", t.origin)
            } else {
                format!("Example of the `{}` schema.", t.origin)
            };
            add(format!("{}_example", t.rust_name), place, &named, false, false, ex);
        }
        if let TypeKind::Struct { fields, .. } = &t.kind {
            for f in fields {
                let Some(ex) = &f.example else { continue };
                let place = format!("Example of the `{}` property of `{}`.", f.wire_name, t.rust_name);
                let optional = ex.is_null();
                add(format!("{}_{}_example", t.rust_name, f.rust_name), place, &f.ty, optional, true, ex);
            }
        }
    }
    out
}

/// What the generated type makes of an example: the value it encodes back, and where the
/// example departs from its schema.
struct Reading {
    /// The example with unknown properties left out and missing nullable ones as `null`.
    expected: Value,
    /// What departs from the schema, for the test's docs.
    notes: Vec<String>,
    /// Decode errors the example must fail with (one per missing required property; serde
    /// reports whichever it meets first), as `serde_path_to_error` starts them (serde_json
    /// adds the line and column).
    missing: Vec<String>,
}

impl Reading {
    fn same(value: &Value) -> Reading {
        Reading { expected: value.clone(), notes: Vec::new(), missing: Vec::new() }
    }
}

/// Reads `value` as `ty` the way the generated serde code does, through structs, lists, maps
/// and aliases (unions are left as they are: which branch decodes is serde's choice).
fn read(api: &Api, ty: &TypeRef, value: &Value) -> Reading {
    let mut reading = Reading::same(value);
    walk(api, ty, &mut reading.expected, "", &mut reading.notes, &mut reading.missing);
    reading
}

fn walk(api: &Api, ty: &TypeRef, value: &mut Value, path: &str, notes: &mut Vec<String>, missing: &mut Vec<String>) {
    let at = |path: &str| if path.is_empty() { "the top level".to_owned() } else { format!("`{path}`") };
    match (ty, value) {
        (TypeRef::Array(item), Value::Array(items)) => {
            for (i, v) in items.iter_mut().enumerate() {
                walk(api, item, v, &format!("{path}[{i}]"), notes, missing);
            }
        }
        (TypeRef::Map(item), Value::Object(entries)) => {
            for (k, v) in entries.iter_mut() {
                walk(api, item, v, &join(path, k), notes, missing);
            }
        }
        (TypeRef::Named(n), value) => match api.types.get(n).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner)) => walk(api, inner, value, path, notes, missing),
            Some(TypeKind::Struct { fields, additional }) => {
                let Value::Object(entries) = value else { return };
                if additional.is_none() {
                    let unknown: Vec<String> =
                        entries.keys().filter(|k| !fields.iter().any(|f| &f.wire_name == *k)).cloned().collect();
                    for k in unknown {
                        notes.push(format!("`{k}` at {} is not a property of `{n}`: ignored", at(path)));
                        entries.remove(&k);
                    }
                }
                for f in fields {
                    match entries.get_mut(&f.wire_name) {
                        Some(Value::Null) if !f.nullable && !f.required => {
                            notes.push(format!(
                                "`{}` at {} is `null` but not nullable: read as absent",
                                f.wire_name,
                                at(path)
                            ));
                            entries.remove(&f.wire_name);
                        }
                        Some(v) => walk(api, &f.ty, v, &join(path, &f.wire_name), notes, missing),
                        None if f.required && f.nullable => {
                            notes.push(format!(
                                "the required `{}` is missing at {}: read as `null`",
                                f.wire_name,
                                at(path)
                            ));
                            entries.insert(f.wire_name.clone(), Value::Null);
                        }
                        None if f.required => {
                            notes.push(format!("the required `{}` is missing at {}", f.wire_name, at(path)));
                            let prefix = if path.is_empty() { String::new() } else { format!("{path}: ") };
                            missing.push(format!("{prefix}missing field `{}`", f.wire_name));
                        }
                        None => {}
                    }
                }
            }
            _ => {}
        },
        _ => {}
    }
}

/// `a.b`, as `serde_path_to_error` prints a path.
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// `r#"…"#` with enough `#`s that the text cannot close it early.
fn raw_string(text: &str) -> String {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
}
