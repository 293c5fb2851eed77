//! `tests/examples.rs` of the generated crate: every example of the selected part of the spec
//! (schema examples, property examples, media-type `example`/`examples`) decoded into its
//! generated type and encoded back to an equal JSON value.

use super::features::{cfg, Features};
use super::tokens::{ident, skip_rustfmt, Spelling};
use crate::ir::*;
use crate::names::{Case, Scope};
use proc_macro2::{Literal, TokenStream};
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
}

/// The test file, or `None` when the selected operations carry no example.
pub fn tests_file(api: &Api, features: &Features) -> Option<TokenStream> {
    let cases = collect(api);
    if cases.is_empty() {
        return None;
    }
    let sp = Spelling::outside(quote!(models::), []);
    let skip = skip_rustfmt();
    let tests = cases.iter().map(|c| {
        let name = ident(&c.name);
        let mut ty = sp.ty(&c.ty);
        if c.optional {
            ty = quote!(Option<#ty>);
        }
        let json = raw_string(&c.value.to_string());
        let doc = format!(" {}", c.place);
        let note = c.property.then(|| {
            quote! {
                ///
                /// A property example alone is checked against the field's own type: the struct
                /// around it may have other required fields.
            }
        });
        let known = match (&c.ty, c.optional) {
            (TypeRef::Named(n), false) if matches!(api.types.get(n).map(|t| &t.kind), Some(TypeKind::Enum { .. })) => {
                let n = ident(n);
                Some(quote! {
                    if let models::#n::Unknown(_) = value {
                        panic!("the example is not one of the known values: {value:?}");
                    }
                })
            }
            _ => None,
        };
        let binding = if known.is_some() { quote!(value) } else { quote!(_) };
        let gate = cfg(&c.ty.named().map(|n| features.of_type(n)).unwrap_or_default());
        quote! {
            #[doc = #doc]
            #note
            #gate
            #[test]
            fn #name() {
                let #binding: #ty = round_trip(#json);
                #known
            }
        }
    });
    Some(quote! {
        //! Every example in the spec, decoded into its generated type and encoded back.
        //!
        //! Numbers compare by value: an integer example of a `number` field comes back as a
        //! float (`100` → `100.0`), the same number on the wire.
        #skip

        // Unused when the only examples are of properties whose type is no model (a secret).
        #[allow(unused_imports)]
        use openrouter::models;
        use serde_json::Value;

        /// Decodes `example` as `T`, encodes the result and checks it equals `example`.
        fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(example: &str) -> T {
            let expected: Value = serde_json::from_str(example).expect("the example is JSON");
            let decoded: T = serde_json::from_value(expected.clone())
                .unwrap_or_else(|e| panic!("the example does not decode: {e}\n{example}"));
            let encoded = serde_json::to_value(&decoded).expect("the value encodes");
            assert!(same(&expected, &encoded), "the round trip changed the example\n  from: {expected}\n    to: {encoded}");
            decoded
        }

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

        #(#tests)*
    })
}

fn collect(api: &Api) -> Vec<Case_> {
    let mut names = Scope::with_reserved(&["round_trip", "same"]);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut add = |name: String, place: String, ty: &TypeRef, optional: bool, property: bool, value: &Value| {
        // The same example of the same type is tested once (an inline schema's example is
        // also its property's).
        let key = (format!("{ty:?}"), value.to_string());
        if !seen.insert(key) {
            return;
        }
        out.push(Case_ {
            name: names.unique(&name, Case::Snake),
            place,
            ty: ty.clone(),
            optional,
            property,
            value: value.clone(),
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

/// `r#"…"#` with enough `#`s that the text cannot close it early.
fn raw_string(text: &str) -> Literal {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}").parse().unwrap_or_else(|_| Literal::string(text))
}
