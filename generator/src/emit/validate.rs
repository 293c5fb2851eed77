//! `validate` methods of request models: the spec's `maxLength`, `minLength`, `minimum`,
//! `maximum`, `minItems` and `maxItems` checked before anything is sent.
//!
//! Every struct and union reachable from a request body or parameter gets
//! `pub fn validate(&self) -> Result<(), String>`; it checks its own fields and recurses into
//! nested types that have something to check. The message starts with the path of the
//! offending value in wire names (`data.key_label: …`). Operation methods call it and turn a
//! failure into `Request::invalid`, so no HTTP call is made.

use super::tokens::{ident, Spelling};
use crate::ir::*;
use proc_macro2::{Ident, Literal, TokenStream};
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

    /// The statement an operation runs on its body `value` (a reference), if the body type has
    /// a `validate` method.
    pub fn call_on_body(&self, ty: &TypeRef, value: TokenStream) -> Option<TokenStream> {
        match ty {
            TypeRef::Named(n) if self.has_method(n) => Some(quote! {
                if let Err(message) = #value.validate() {
                    request = request.invalid(message);
                }
            }),
            _ => None,
        }
    }

    /// `impl T { pub fn validate(&self) … }` for a type that gets one.
    pub fn method(&self, api: &Api, t: &TypeDef, sp: &Spelling) -> Option<TokenStream> {
        if !self.has_method(&t.rust_name) {
            return None;
        }
        let name = ident(&t.rust_name);
        let body = match &t.kind {
            TypeKind::Struct { fields, additional } => {
                let mut checks: Vec<TokenStream> = fields.iter().filter_map(|f| self.field_checks(api, f)).collect();
                if let Some(a) = additional {
                    let path = quote!(key);
                    if let Some(inner) = self.nested(api, a, quote!(item), path) {
                        checks.push(quote!(for (key, item) in &self.additional_properties { #inner }));
                    }
                }
                quote!(#(#checks)* Ok(()))
            }
            TypeKind::Union { variants, .. } => {
                let arms: Vec<(Ident, TokenStream)> = variants
                    .iter()
                    .filter_map(|v| Some((ident(&v.rust_name), self.nested(api, &v.ty, quote!(value), quote!(""))?)))
                    .collect();
                if let [(vn, inner)] = arms.as_slice() {
                    quote! {
                        if let Self::#vn(value) = self {
                            #inner
                        }
                        Ok(())
                    }
                } else if arms.is_empty() {
                    quote!(Ok(()))
                } else {
                    let arms = arms.iter().map(|(vn, inner)| quote!(Self::#vn(value) => { #inner }));
                    quote! {
                        match self {
                            #(#arms)*
                            _ => {}
                        }
                        Ok(())
                    }
                }
            }
            TypeKind::Enum { .. } | TypeKind::Alias(_) => return None,
        };
        let doc = format!(
            " Checks the constraints the spec sets on [`{}`] and the values inside it (lengths, bounds, item counts) \
             before it is sent; the error names the first value out of bounds by its path in wire names.",
            t.rust_name
        );
        let (result, string) = (sp.prelude_item("Result"), sp.prelude_item("String"));
        // Checking a deprecated field is still the crate's job: no warning for it.
        let deprecated = matches!(&t.kind, TypeKind::Struct { fields, .. } if fields.iter().any(|f| f.deprecated));
        let allow = deprecated.then(|| quote!(#[allow(deprecated)]));
        Some(quote! {
            #allow
            impl #name {
                #[doc = #doc]
                ///
                /// # Errors
                ///
                /// A message such as `key_label: must be at most 100 characters long (got 101)`.
                pub fn validate(&self) -> #result<(), #string> {
                    #body
                }
            }
        })
    }

    /// The checks of one field: its own constraints, then the types inside it.
    fn field_checks(&self, api: &Api, f: &Field) -> Option<TokenStream> {
        let wire = f.wire_name.as_str();
        let mut checks = own_checks(f, wire);
        if let Some(inner) = self.nested(api, &f.ty, quote!(value), quote!(#wire)) {
            checks.push(inner);
        }
        if checks.is_empty() {
            return None;
        }
        let fname = ident(&f.rust_name);
        Some(if f.required && !f.nullable {
            quote!({ let value = &self.#fname; #(#checks)* })
        } else {
            // `Option` and `Nullable` both have `as_ref() -> Option<&T>`.
            quote!(if let Some(value) = self.#fname.as_ref() { #(#checks)* })
        })
    }

    /// Code checking the nested types of `value: &ty`, whose path is the `String`/`&str`
    /// expression `path`; `None` when nothing inside needs checking.
    fn nested(&self, api: &Api, ty: &TypeRef, value: TokenStream, path: TokenStream) -> Option<TokenStream> {
        if !contains(ty, &self.needs) {
            return None;
        }
        match ty {
            TypeRef::Primitive(_) => None,
            TypeRef::Named(n) => match api.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Alias(target)) => self.nested(api, target, value, path),
                Some(TypeKind::Struct { .. } | TypeKind::Union { .. }) if self.has_method(n) => Some(quote! {
                    #value.validate().map_err(|e| join(#path, &e))?;
                }),
                _ => None,
            },
            TypeRef::Array(inner) => {
                let item = self.nested(api, inner, quote!(item), quote!(&format!("{}[{}]", #path, i)))?;
                Some(quote!(for (i, item) in #value.iter().enumerate() { #item }))
            }
            TypeRef::Map(inner) => {
                let item = self.nested(api, inner, quote!(item), quote!(&join(#path, key)))?;
                Some(quote!(for (key, item) in #value { #item }))
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

/// The field's own constraints on `value` (a reference to the field's type).
fn own_checks(f: &Field, wire: &str) -> Vec<TokenStream> {
    let c = &f.constraints;
    let mut out = Vec::new();
    // Braces in a wire name must not become format arguments.
    let wire = wire.replace('{', "{{").replace('}', "}}");
    let fail = |problem: String, got: TokenStream| {
        let message = format!("{wire}: {problem} (got {{got}})");
        quote! {
            let got = #got;
            return Err(format!(#message));
        }
    };
    match &f.ty {
        TypeRef::Primitive(p @ (Primitive::String | Primitive::Secret)) => {
            // A secret's length is checked, never shown: only counts reach the message.
            let len = match p {
                Primitive::Secret => quote!(value.expose_secret().chars().count()),
                _ => quote!(value.chars().count()),
            };
            if let Some(n) = c.min_length {
                let lit = Literal::usize_unsuffixed(n);
                let err = fail(format!("must be at least {} long", count(n, "character")), len.clone());
                out.push(quote!(if #len < #lit { #err }));
            }
            if let Some(n) = c.max_length {
                let lit = Literal::usize_unsuffixed(n);
                let err = fail(format!("must be at most {} long", count(n, "character")), len.clone());
                out.push(quote!(if #len > #lit { #err }));
            }
        }
        TypeRef::Primitive(p @ (Primitive::I32 | Primitive::I64 | Primitive::F32 | Primitive::F64)) => {
            let number = match p {
                Primitive::F64 => quote!(*value),
                _ => quote!((*value as f64)),
            };
            let shown = quote!(value);
            if let Some((n, exclusive)) = c.minimum {
                let lit = Literal::f64_unsuffixed(n);
                let (test, words) = if exclusive { (quote!(<=), "greater than") } else { (quote!(<), "at least") };
                let err = fail(format!("must be {words} {n}"), shown.clone());
                out.push(quote!(if #number #test #lit { #err }));
            }
            if let Some((n, exclusive)) = c.maximum {
                let lit = Literal::f64_unsuffixed(n);
                let (test, words) = if exclusive { (quote!(>=), "less than") } else { (quote!(>), "at most") };
                let err = fail(format!("must be {words} {n}"), shown.clone());
                out.push(quote!(if #number #test #lit { #err }));
            }
        }
        TypeRef::Array(_) => {
            let len = quote!(value.len());
            if let Some(n) = c.min_items {
                let lit = Literal::usize_unsuffixed(n);
                let err = fail(format!("must have at least {}", count(n, "item")), len.clone());
                // At least one item reads as "not empty" (clippy's `len_zero`).
                let test = if n == 1 { quote!(value.is_empty()) } else { quote!(#len < #lit) };
                out.push(quote!(if #test { #err }));
            }
            if let Some(n) = c.max_items {
                let lit = Literal::usize_unsuffixed(n);
                let err = fail(format!("must have at most {}", count(n, "item")), len.clone());
                out.push(quote!(if #len > #lit { #err }));
            }
        }
        // Constraints on other types (formats, maps) are not checked client-side.
        _ => {}
    }
    out
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
        let outer = v.method(&api, &api.types["PostARequest"], &sp).unwrap().to_string();
        assert!(outer.contains("value . validate () . map_err (| e | join (\"inner\" , & e))"), "{outer}");
        assert!(outer.contains("for (i , item) in value . iter () . enumerate ()"), "{outer}");
        assert!(outer.contains("many: must have at most 3 items"), "{outer}");
        assert!(!outer.contains("plain"), "{outer}");
        let inner = v.method(&api, &api.types["Inner"], &sp).unwrap().to_string();
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
        let code = own_checks(&f, "key_label").iter().map(|t| t.to_string()).collect::<String>();
        assert!(code.contains("value . chars () . count () > 100"), "{code}");
        assert!(code.contains("key_label: must be at most 100 characters long (got {got})"), "{code}");
        let f = field(
            "limit",
            TypeRef::Primitive(Primitive::F64),
            Constraints { minimum: Some((0.0, true)), ..Default::default() },
        );
        let code = own_checks(&f, "limit").iter().map(|t| t.to_string()).collect::<String>();
        assert!(code.contains("* value <= 0.0"), "{code}");
        assert!(code.contains("must be greater than 0"), "{code}");
    }
}
