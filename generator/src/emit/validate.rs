//! `validate` methods of request models: the spec's `maxLength`, `minLength`, `minimum`,
//! `maximum`, `minItems` and `maxItems` checked before anything is sent.
//!
//! Every struct and union reachable from a request body or parameter gets
//! `pub fn validate(&self) -> Result<(), String>`; it checks its own fields and recurses into
//! nested types that have something to check. The message starts with the path of the
//! offending value in wire names (`data.key_label: …`). Operation methods call it and turn a
//! failure into `Request::invalid`, so no HTTP call is made.

use super::code::{ln, string, Code};
use super::tokens::Spelling;
use crate::ir::*;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// Which types get a `validate` method and which of them have something to check.
pub struct Validation {
    /// Structs and unions reachable from request bodies and parameters.
    has_method: BTreeSet<TypeId>,
    /// Types (of any kind) whose values contain a constrained field somewhere.
    needs: BTreeSet<TypeId>,
}

impl Validation {
    /// Works out both sets for `api`.
    pub fn new(api: &Api) -> Self {
        let mut reachable = BTreeSet::new();
        for op in api.tags.iter().flat_map(|t| &t.operations) {
            for ty in op.params.iter().map(|p| &p.ty).chain(op.body.iter().map(|b| &b.ty)) {
                reach(api, ty, &mut reachable);
            }
        }
        let has_method = reachable
            .into_iter()
            .filter(|id| {
                matches!(api.types.get(id).map(|t| &t.kind), Some(TypeKind::Struct { .. } | TypeKind::Union { .. }))
            })
            .collect();
        // A type needs checking when it has a constrained field or contains a type that does:
        // walk the "is contained in" edges back from the constrained types (linear, and
        // cycles end because a type is visited once).
        let mut containers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut work: Vec<&str> = Vec::new();
        for (id, t) in &api.types {
            if let TypeKind::Struct { fields, .. } = &t.kind {
                if fields.iter().any(|f| !f.constraints.is_empty()) {
                    work.push(id);
                }
            }
            for n in t.kind.type_refs().into_iter().filter_map(TypeRef::named) {
                containers.entry(n).or_default().push(id);
            }
        }
        let mut needs = BTreeSet::new();
        while let Some(id) = work.pop() {
            if needs.insert(id.to_owned()) {
                work.extend(containers.get(id).into_iter().flatten().copied());
            }
        }
        Self { has_method, needs }
    }

    /// Whether the type `id` gets a `validate` method.
    pub fn has_method(&self, id: &str) -> bool {
        self.has_method.contains(id)
    }

    /// Writes the statement an operation runs on its body `value` (a reference), if the body
    /// type has a `validate` method.
    pub fn call_on_body(&self, code: &mut Code, ty: &TypeRef, value: &str) {
        if let TypeRef::Named(n) = ty {
            if self.has_method(n) {
                code.open(format_args!("if let Err(message) = {value}.validate() {{"));
                ln!(code, "request = request.invalid(message);");
                code.close("}");
            }
        }
    }

    /// Writes `impl T { pub fn validate(&self) … }` under the type's `cfg`, for a type that gets
    /// one; `false` for any other type.
    pub fn method(&self, code: &mut Code, api: &Api, t: &TypeDef, sp: &Spelling, features: &[&str]) -> bool {
        if !self.has_method(&t.rust_name) || matches!(t.kind, TypeKind::Enum { .. } | TypeKind::Alias(_)) {
            return false;
        }
        code.cfg(features);
        // Checking a deprecated field is still the crate's job: no warning for it.
        if matches!(&t.kind, TypeKind::Struct { fields, .. } if fields.iter().any(|f| f.deprecated)) {
            ln!(code, "#[allow(deprecated)]");
        }
        code.open(format_args!("impl {} {{", t.rust_name));
        ln!(
            code,
            "/// Checks the constraints the spec sets on [`{}`] and the values inside it (lengths, bounds, item \
             counts) before it is sent; the error names the first value out of bounds by its path in wire names.",
            t.rust_name
        );
        ln!(code, "///");
        ln!(code, "/// # Errors");
        ln!(code, "///");
        ln!(code, "/// A message such as `key_label: must be at most 100 characters long (got 101)`.");
        let (result, string) = (sp.prelude_text("Result"), sp.prelude_text("String"));
        code.open(format_args!("pub fn validate(&self) -> {result}<(), {string}> {{"));
        match &t.kind {
            TypeKind::Struct { fields, additional } => {
                for f in fields {
                    self.field_checks(code, api, f);
                }
                if let Some(a) = additional.as_ref().filter(|a| self.checks_inside(api, a)) {
                    code.open(format_args!("for (key, item) in &self.additional_properties {{"));
                    self.nested(code, api, a, "item", "key");
                    code.close("}");
                }
            }
            TypeKind::Union { variants, .. } => {
                let checked: Vec<&UnionVariant> = variants.iter().filter(|v| self.checks_inside(api, &v.ty)).collect();
                if let [v] = checked.as_slice() {
                    code.open(format_args!("if let Self::{}(value) = self {{", v.rust_name));
                    self.nested(code, api, &v.ty, "value", "\"\"");
                    code.close("}");
                } else if !checked.is_empty() {
                    code.open(format_args!("match self {{"));
                    for v in checked {
                        code.open(format_args!("Self::{}(value) => {{", v.rust_name));
                        self.nested(code, api, &v.ty, "value", "\"\"");
                        code.close("}");
                    }
                    ln!(code, "_ => {{}}");
                    code.close("}");
                }
            }
            TypeKind::Enum { .. } | TypeKind::Alias(_) => {}
        }
        ln!(code, "Ok(())");
        code.close("}");
        code.close("}");
        true
    }

    /// The checks of one field: its own constraints, then the types inside it.
    fn field_checks(&self, code: &mut Code, api: &Api, f: &Field) {
        let own = has_own_checks(f);
        let nested = self.checks_inside(api, &f.ty);
        if !own && !nested {
            return;
        }
        if f.required && !f.nullable {
            code.open(format_args!("{{"));
            ln!(code, "let value = &self.{};", f.rust_name);
        } else {
            // `Option` and `Nullable` both have `as_ref() -> Option<&T>`.
            code.open(format_args!("if let Some(value) = self.{}.as_ref() {{", f.rust_name));
        }
        own_checks(code, f, &f.wire_name);
        if nested {
            self.nested(code, api, &f.ty, "value", &string(&f.wire_name));
        }
        code.close("}");
    }

    /// Whether a value of `ty` has a type with a `validate` method inside it to call.
    fn checks_inside(&self, api: &Api, ty: &TypeRef) -> bool {
        if !contains(ty, &self.needs) {
            return false;
        }
        match ty {
            TypeRef::Primitive(_) => false,
            TypeRef::Named(n) => match api.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Alias(target)) => self.checks_inside(api, target),
                Some(TypeKind::Struct { .. } | TypeKind::Union { .. }) => self.has_method(n),
                _ => false,
            },
            TypeRef::Array(inner) | TypeRef::Map(inner) => self.checks_inside(api, inner),
        }
    }

    /// Writes the checks of the nested types of `value: &ty`, whose path is the `String`/`&str`
    /// expression `path` (only called when [`Self::checks_inside`]).
    fn nested(&self, code: &mut Code, api: &Api, ty: &TypeRef, value: &str, path: &str) {
        match ty {
            TypeRef::Primitive(_) => {}
            TypeRef::Named(n) => match api.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Alias(target)) => self.nested(code, api, target, value, path),
                Some(TypeKind::Struct { .. } | TypeKind::Union { .. }) if self.has_method(n) => {
                    ln!(code, "{value}.validate().map_err(|e| join({path}, &e))?;")
                }
                _ => {}
            },
            TypeRef::Array(inner) => {
                code.open(format_args!("for (i, item) in {value}.iter().enumerate() {{"));
                self.nested(code, api, inner, "item", &format!("&format!(\"{{}}[{{}}]\", {path}, i)"));
                code.close("}");
            }
            TypeRef::Map(inner) => {
                code.open(format_args!("for (key, item) in {value} {{"));
                self.nested(code, api, inner, "item", &format!("&join({path}, key)"));
                code.close("}");
            }
        }
    }

    /// Whether the models module needs the `join` helper.
    pub fn uses_join(&self, api: &Api) -> bool {
        api.types.values().any(|t| {
            self.has_method(&t.rust_name)
                && matches!(t.kind, TypeKind::Struct { .. } | TypeKind::Union { .. })
                && t.kind.type_refs().into_iter().any(|ty| contains(ty, &self.needs))
        })
    }
}

/// The helper nested checks use to prefix a path.
pub fn join_helper(sp: &Spelling) -> TokenStream {
    let string = sp.prelude_item("String");
    quote! {
        /// `outer.inner`, or `inner` alone at the top of a union.
        fn join(outer: &str, inner: &str) -> #string {
            if outer.is_empty() {
                inner.to_owned()
            } else {
                format!("{outer}.{inner}")
            }
        }
    }
}

/// Whether `ty` mentions a type of `set`, through lists and maps.
fn contains(ty: &TypeRef, set: &BTreeSet<TypeId>) -> bool {
    ty.named().is_some_and(|n| set.contains(n))
}

/// Adds every named type reachable from `ty` to `out`.
fn reach(api: &Api, ty: &TypeRef, out: &mut BTreeSet<TypeId>) {
    match ty {
        TypeRef::Primitive(_) => {}
        TypeRef::Array(i) | TypeRef::Map(i) => reach(api, i, out),
        TypeRef::Named(n) => {
            if !out.insert(n.clone()) {
                return;
            }
            for t in api.types.get(n).map(|t| t.kind.type_refs()).unwrap_or_default() {
                reach(api, t, out);
            }
        }
    }
}

/// `1 item`, `3 items`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Whether the field has constraints of its own that are checked.
fn has_own_checks(f: &Field) -> bool {
    let c = &f.constraints;
    match &f.ty {
        TypeRef::Primitive(Primitive::String | Primitive::Secret) => c.min_length.is_some() || c.max_length.is_some(),
        TypeRef::Primitive(Primitive::I32 | Primitive::I64 | Primitive::F32 | Primitive::F64) => {
            c.minimum.is_some() || c.maximum.is_some()
        }
        TypeRef::Array(_) => c.min_items.is_some() || c.max_items.is_some(),
        _ => false,
    }
}

/// Writes the field's own constraints on `value` (a reference to the field's type); `false`
/// when it has none that are checked ([`has_own_checks`]).
fn own_checks(code: &mut Code, f: &Field, wire: &str) -> bool {
    let c = &f.constraints;
    // Braces in a wire name must not become format arguments.
    let wire = wire.replace('{', "{{").replace('}', "}}");
    let mut wrote = false;
    let mut check = |code: &mut Code, test: String, problem: String, got: &str| {
        wrote = true;
        code.open(format_args!("if {test} {{"));
        ln!(code, "let got = {got};");
        let message = string(&format!("{wire}: {problem} (got {{got}})"));
        code.call("return Err", &[format!("format!({message})")], ";");
        code.close("}");
    };
    let usize = |n: usize| Literal::usize_unsuffixed(n).to_string();
    match &f.ty {
        TypeRef::Primitive(p @ (Primitive::String | Primitive::Secret)) => {
            // A secret's length is checked, never shown: only counts reach the message.
            let len = match p {
                Primitive::Secret => "value.expose_secret().chars().count()",
                _ => "value.chars().count()",
            };
            if let Some(n) = c.min_length {
                let problem = format!("must be at least {} long", count(n, "character"));
                check(code, format!("{len} < {}", usize(n)), problem, len);
            }
            if let Some(n) = c.max_length {
                let problem = format!("must be at most {} long", count(n, "character"));
                check(code, format!("{len} > {}", usize(n)), problem, len);
            }
        }
        TypeRef::Primitive(p @ (Primitive::I32 | Primitive::I64 | Primitive::F32 | Primitive::F64)) => {
            let number = match p {
                Primitive::F64 => "*value",
                _ => "(*value as f64)",
            };
            let lit = |n: f64| Literal::f64_unsuffixed(n).to_string();
            if let Some((n, exclusive)) = c.minimum {
                let (test, words) = if exclusive { ("<=", "greater than") } else { ("<", "at least") };
                check(code, format!("{number} {test} {}", lit(n)), format!("must be {words} {n}"), "value");
            }
            if let Some((n, exclusive)) = c.maximum {
                let (test, words) = if exclusive { (">=", "less than") } else { (">", "at most") };
                check(code, format!("{number} {test} {}", lit(n)), format!("must be {words} {n}"), "value");
            }
        }
        TypeRef::Array(_) => {
            if let Some(n) = c.min_items {
                // At least one item reads as "not empty" (clippy's `len_zero`).
                let test = if n == 1 { "value.is_empty()".to_owned() } else { format!("value.len() < {}", usize(n)) };
                check(code, test, format!("must have at least {}", count(n, "item")), "value.len()");
            }
            if let Some(n) = c.max_items {
                let problem = format!("must have at most {}", count(n, "item"));
                check(code, format!("value.len() > {}", usize(n)), problem, "value.len()");
            }
        }
        // Constraints on other types (formats, maps) are not checked client-side.
        _ => {}
    }
    wrote
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, ty: TypeRef, constraints: Constraints) -> Field {
        Field {
            wire_name: name.into(),
            rust_name: name.into(),
            ty,
            required: false,
            nullable: false,
            boxed: false,
            description: None,
            example: None,
            constraints,
            deprecated: false,
        }
    }

    #[test]
    fn nested_structs_lists_and_unions_are_checked_through_their_paths() {
        let doc = serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"post": {
                "tags": ["T"],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "inner": {"$ref": "#/components/schemas/Inner"},
                        "many": {"type": "array", "maxItems": 3, "items": {"$ref": "#/components/schemas/Inner"}},
                        "plain": {"type": "string"},
                    },
                }}}},
                "responses": {"204": {"description": "ok"}},
            }}},
            "components": {"schemas": {"Inner": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string", "minLength": 1}},
            }}},
        });
        let api = crate::lower_value(doc, &["T".to_owned()], "t.yaml").unwrap();
        let v = Validation::new(&api);
        let sp = Spelling::models(&api);
        let method = |name: &str| {
            let mut code = Code::new();
            assert!(v.method(&mut code, &api, &api.types[name], &sp, &[]));
            code.finish()
        };
        let outer = method("PostARequest");
        assert!(outer.contains("value.validate().map_err(|e| join(\"inner\", &e))?;"), "{outer}");
        assert!(outer.contains("for (i, item) in value.iter().enumerate() {"), "{outer}");
        assert!(outer.contains("many: must have at most 3 items"), "{outer}");
        assert!(!outer.contains("plain"), "{outer}");
        let inner = method("Inner");
        assert!(inner.contains("name: must be at least 1 character long"), "{inner}");
        assert!(v.uses_join(&api));
    }

    #[test]
    fn string_lengths_and_number_bounds_become_checks() {
        let f = field(
            "key_label",
            TypeRef::Primitive(Primitive::String),
            Constraints { max_length: Some(100), ..Default::default() },
        );
        let mut code = Code::new();
        assert!(own_checks(&mut code, &f, "key_label"));
        let code = code.finish();
        assert!(code.contains("if value.chars().count() > 100 {"), "{code}");
        assert!(code.contains("key_label: must be at most 100 characters long (got {got})"), "{code}");
        let f = field(
            "limit",
            TypeRef::Primitive(Primitive::F64),
            Constraints { minimum: Some((0.0, true)), ..Default::default() },
        );
        let mut code = Code::new();
        assert!(own_checks(&mut code, &f, "limit"));
        let code = code.finish();
        assert!(code.contains("if *value <= 0.0 {"), "{code}");
        assert!(code.contains("must be greater than 0"), "{code}");
    }
}
