//! `src/models.rs`: one Rust type per schema (structs, open enums, open unions, aliases).

use super::features::Features;
use super::tokens::{code_span, docs, format_file, format_gated, ident, type_name, Prelude, Spelling};
use super::validate::{join_helper, Validation};
use crate::diag::Error;
use crate::ir::*;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use serde_json::Value;

/// `models.rs`, formatted one type at a time: the tokens and syntax tree of a large spec's
/// models never have to be in memory at once.
pub fn models_rs(api: &Api, validation: &Validation, features: &Features, source: &str) -> Result<String, Error> {
    let sp = Spelling::models(api);
    let uses_nullable = api.types.values().any(|t| match &t.kind {
        TypeKind::Struct { fields, .. } => fields.iter().any(|f| f.nullable && !f.required),
        _ => false,
    });
    let import = (uses_nullable && sp.imports("Nullable")).then(|| {
        // Unused when the features enabled leave out every type with a nullable field.
        quote!(
            #[allow(unused_imports)]
            use crate::Nullable;
        )
    });
    let head = quote! {
        //! Request, response and error-body models.
        //!
        //! Every type is `#[non_exhaustive]`, so that a field, an enum value or a union variant
        //! the API adds later is not a breaking change: build structs with `new()` and the
        //! setters, and give a `match` on an enum or union a `_` arm.
        #![allow(clippy::large_enum_variant)]

        #import
    };
    let mut out = format_file(head, source)?;
    for t in api.types.values() {
        let on = features.of_type(&t.rust_name);
        let def = type_def(t, &sp, &Features::doc_line(&on));
        let validate = validation.method(api, t, &sp);
        out.push('\n');
        // Every item of the type (its impls too) compiles under the features that reach it.
        out.push_str(&format_gated(quote!(#def #validate), &features.cfg_type(&t.rust_name), source)?);
    }
    if validation.uses_join(api) {
        out.push('\n');
        let join = join_helper(&sp);
        // Unused when the features enabled leave out every type that calls it.
        out.push_str(&format_file(quote!(#[allow(dead_code)] #join), source)?);
    }
    Ok(out)
}

fn type_def(t: &TypeDef, sp: &Spelling, feature_line: &str) -> TokenStream {
    let name = ident(&t.rust_name);
    let mut ours = Vec::new();
    if !feature_line.is_empty() {
        ours.push(feature_line.to_owned());
    }
    // Every public item needs docs; say where an undocumented schema comes from.
    let fallback = if t.origin.starts_with('/') {
        format!("Defined inline at `#{}`.", t.origin)
    } else {
        format!("The `{}` schema.", t.origin)
    };
    let description = t.description.as_deref().or(Some(fallback.as_str()));
    if let Some(ex) = &t.example {
        ours.push(format!("Example: `{}`", code_span(ex)));
    }
    match &t.kind {
        TypeKind::Struct { fields, additional } => {
            struct_def(&name, docs(&[description], &ours), fields, additional.as_ref(), sp)
        }
        TypeKind::Enum { variants } => enum_def(&name, docs(&[description], &ours), variants, sp),
        TypeKind::Union { variants, discriminator: Some(property) } => {
            ours.push(format!(
                "Chosen by the `{property}` property; `{UNION_FALLBACK}` keeps a value whose `{property}` this \
                 version of the client does not know, so a new kind upstream never fails a response."
            ));
            tagged_union_def(&name, docs(&[description], &ours), variants, property, sp)
        }
        TypeKind::Union { variants, discriminator: None } => {
            ours.push(format!(
                "Decoded by trying each variant in order; `{UNION_FALLBACK}` keeps a value none of them accepts."
            ));
            union_def(&name, docs(&[description], &ours), variants, sp)
        }
        TypeKind::Alias(target) => {
            let doc = docs(&[description], &ours);
            let ty = sp.ty(target);
            quote!(#doc pub type #name = #ty;)
        }
    }
}

/// `Display` of a union, as a query or header parameter carries it: a string as it is,
/// anything else as JSON.
fn union_display(name: &Ident) -> TokenStream {
    quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match serde_json::to_value(self) {
                    Ok(serde_json::Value::String(s)) => f.write_str(&s),
                    Ok(other) => write!(f, "{other}"),
                    Err(_) => Err(std::fmt::Error),
                }
            }
        }
    }
}

fn union_def(name: &Ident, doc: TokenStream, variants: &[UnionVariant], sp: &Spelling) -> TokenStream {
    let vs = variants.iter().map(|v| {
        let vn = ident(&v.rust_name);
        let ty = sp.ty(&v.ty);
        let d = format!(" A `{}`.", type_name(&v.ty));
        quote!(#[doc = #d] #vn(#ty),)
    });
    let other = ident(UNION_FALLBACK);
    let display = union_display(name);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#vs)*
            /// A value that matches none of the variants above.
            #other(serde_json::Value),
        }

        #display
    }
}

/// A union told apart by a property: decoded by that property's value, any other value kept
/// whole in the fallback variant; encoded as the variant's own value (which carries the tag).
fn tagged_union_def(
    name: &Ident,
    doc: TokenStream,
    variants: &[UnionVariant],
    property: &str,
    sp: &Spelling,
) -> TokenStream {
    let other = ident(UNION_FALLBACK);
    let result = sp.prelude_item("Result");
    let defs = variants.iter().map(|v| {
        let (vn, ty) = (ident(&v.rust_name), sp.ty(&v.ty));
        let tags: Vec<String> = v.tags.iter().map(|t| format!("`{t}`")).collect();
        let d = format!(" `{property}`: {}.", tags.join(" or "));
        quote!(#[doc = #d] #vn(#ty),)
    });
    // A value claimed by two branches selects the first.
    let mut seen = std::collections::BTreeSet::new();
    let arms = variants.iter().filter_map(|v| {
        let tags: Vec<&String> = v.tags.iter().filter(|t| seen.insert(t.as_str())).collect();
        if tags.is_empty() {
            return None;
        }
        let (vn, label) = (ident(&v.rust_name), format!("{{}} (as `{}`)", v.rust_name));
        Some(quote! {
            Some(#(#tags)|*) => serde_json::from_value(value)
                .map(Self::#vn)
                .map_err(|e| serde::de::Error::custom(format_args!(#label, e))),
        })
    });
    let names: Vec<Ident> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let display = union_display(name);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
            /// A value whose kind this version of the client does not know, kept as it was sent.
            #other(serde_json::Value),
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                match self {
                    #(Self::#names(value) => serde::Serialize::serialize(value, serializer),)*
                    Self::#other(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                match value.get(#property).and_then(serde_json::Value::as_str) {
                    #(#arms)*
                    _ => Ok(Self::#other(value)),
                }
            }
        }

        #display
    }
}

fn field_doc(f: &Field) -> TokenStream {
    let mut ours = Vec::new();
    let mut facts = Vec::new();
    if f.wire_name != f.rust_name {
        facts.push(format!("wire name `{}`", f.wire_name));
    }
    if !f.required {
        facts.push("optional".into());
    }
    if f.nullable {
        facts.push("may be `null`".into());
    }
    let c = &f.constraints;
    if let Some(n) = c.min_length {
        facts.push(format!("at least {n} characters"));
    }
    if let Some(n) = c.max_length {
        facts.push(format!("at most {n} characters"));
    }
    if let Some((n, ex)) = c.minimum {
        facts.push(format!("{} {n}", if ex { "greater than" } else { "at least" }));
    }
    if let Some((n, ex)) = c.maximum {
        facts.push(format!("{} {n}", if ex { "less than" } else { "at most" }));
    }
    if !facts.is_empty() {
        ours.push(format!("({})", facts.join("; ")));
    }
    if let Some(ex) = &f.example {
        ours.push(format!("Example: `{}`", code_span(ex)));
    }
    let fallback = format!("The `{}` property.", f.wire_name);
    let description = f.description.as_deref().or(Some(fallback.as_str()));
    docs(&[description], &ours)
}

/// The serde attributes of a field: its wire name, and how absence and `null` are handled.
fn field_attrs(f: &Field, sp: &Spelling) -> TokenStream {
    let wire = &f.wire_name;
    let rename = (f.wire_name != f.rust_name).then(|| quote!(#[serde(rename = #wire)]));
    let skip = match (f.required, f.nullable) {
        (false, false) => quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]),
        (false, true) => {
            let path = format!("{}::is_absent", sp.runtime("Nullable")).replace(' ', "");
            quote!(#[serde(default, skip_serializing_if = #path)])
        }
        // Required but nullable: a missing key still decodes, as `None`.
        (true, true) => quote!(#[serde(default)]),
        (true, false) => quote!(),
    };
    let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
    quote!(#rename #skip #deprecated)
}

fn struct_def(
    name: &Ident,
    doc: TokenStream,
    fields: &[Field],
    additional: Option<&TypeRef>,
    sp: &Spelling,
) -> TokenStream {
    let p = sp.prelude();
    let defs = fields.iter().map(|f| {
        let (fname, ty, d, attrs) = (ident(&f.rust_name), sp.field(f), field_doc(f), field_attrs(f, sp));
        quote!(#d #attrs pub #fname: #ty,)
    });
    let extra_name = ident(ADDITIONAL_PROPERTIES);
    let extra = additional.map(|t| {
        let ty = sp.ty(&TypeRef::Map(Box::new(t.clone())));
        quote! {
            /// Properties not listed above, kept as they were sent.
            #[serde(flatten)]
            pub #extra_name: #ty,
        }
    });
    let required: Vec<&Field> = fields.iter().filter(|f| f.required && !f.nullable).collect();
    let args = required.iter().map(|f| {
        let (fname, ty) = (ident(&f.rust_name), sp.field(f));
        quote!(#fname: #ty)
    });
    let nullable = sp.runtime("Nullable");
    let default = &p.default;
    let inits = fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        match (f.required, f.nullable) {
            (true, false) => quote!(#fname),
            (false, true) => quote!(#fname: #nullable::Absent),
            _ => quote!(#fname: None),
        }
    });
    let extra_init = additional.map(|_| quote!(#extra_name: #default::default(),));
    let setters = fields.iter().filter(|f| !f.required || f.nullable).map(|f| setter(f, sp));
    let new_doc = if required.is_empty() {
        " A value with every optional field left out.".to_owned()
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.rust_name)).collect();
        format!(" A value with the required {} and every optional field left out.", names.join(", "))
    };
    let many_args = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    // Nothing required: the empty value is a natural `Default`.
    let derive_default = required.is_empty().then(|| quote!(Default,));
    // A deprecated field is still set by `new` and its setter without warnings.
    let allow_deprecated = fields.iter().any(|f| f.deprecated).then(|| quote!(#[allow(deprecated)]));
    quote! {
        #doc
        #allow_deprecated
        #[derive(Debug, Clone, #derive_default PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#defs)*
            #extra
        }

        #allow_deprecated
        impl #name {
            #[doc = #new_doc]
            #many_args
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* #extra_init }
            }
            #(#setters)*
        }
    }
}

/// `with_<field>(value)`: sets an optional or nullable field, builder style.
fn setter(f: &Field, sp: &Spelling) -> TokenStream {
    let fname = ident(&f.rust_name);
    let setter = ident(&crate::names::setter(&f.rust_name));
    let mut inner = sp.ty(&f.ty);
    if f.boxed {
        let boxed = sp.prelude_item("Box");
        inner = quote!(#boxed<#inner>);
    }
    let (arg, value) = if f.nullable && !f.required {
        let (into, nullable) = (sp.prelude_item("Into"), sp.runtime("Nullable"));
        (quote!(impl #into<#nullable<#inner>>), quote!(value.into()))
    } else {
        (quote!(#inner), quote!(Some(value)))
    };
    let d = format!(" Sets [`{}`](Self::{}).", f.rust_name, f.rust_name);
    quote! {
        #[doc = #d]
        pub fn #setter(mut self, value: #arg) -> Self {
            self.#fname = #value;
            self
        }
    }
}

/// An open enum: the known values, and `Unknown` keeping any other, (de)serialized by value.
fn enum_def(name: &Ident, doc: TokenStream, variants: &[Variant], sp: &Spelling) -> TokenStream {
    let integer = variants.iter().all(|v| v.wire.is_i64() || v.wire.is_u64()) && !variants.is_empty();
    let vdefs: Vec<TokenStream> = variants
        .iter()
        .map(|v| {
            let vn = ident(&v.rust_name);
            let d = format!(" `{}`", code_span(&v.wire));
            quote!(#[doc = #d] #vn,)
        })
        .collect();
    let names: Vec<Ident> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let e = Enum { name, doc, vdefs, names, unknown: ident(ENUM_FALLBACK), p: sp.prelude() };
    if integer {
        let values: Vec<Literal> =
            variants.iter().map(|v| Literal::i64_unsuffixed(v.wire.as_i64().unwrap_or_default())).collect();
        integer_enum(e, &values)
    } else {
        let wires: Vec<String> = variants
            .iter()
            .map(|v| match &v.wire {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        string_enum(e, &wires)
    }
}

/// The parts both kinds of enum share.
struct Enum<'a> {
    name: &'a Ident,
    doc: TokenStream,
    vdefs: Vec<TokenStream>,
    names: Vec<Ident>,
    unknown: Ident,
    p: Prelude,
}

fn integer_enum(e: Enum, values: &[Literal]) -> TokenStream {
    let Enum { name, doc, vdefs, names, unknown, p } = e;
    let (from, result) = (&p.from, &p.result);
    quote! {
        #doc
        ///
        /// Open: a value this client does not know is kept in `Unknown`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#vdefs)*
            /// A value this version of the client does not know.
            #unknown(i64),
        }

        impl #name {
            /// The value on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #(Self::#names => #values,)*
                    Self::#unknown(v) => *v,
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl #from<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#values => Self::#names,)*
                    other => Self::#unknown(other),
                }
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

fn string_enum(e: Enum, wires: &[String]) -> TokenStream {
    let Enum { name, doc, vdefs, names, unknown, p } = e;
    let (from, result, string) = (&p.from, &p.result, &p.string);
    quote! {
        #doc
        ///
        /// Open: a value this client does not know is kept in `Unknown`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#vdefs)*
            /// A value this version of the client does not know.
            #unknown(#string),
        }

        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#names => #wires,)*
                    Self::#unknown(v) => v,
                }
            }
        }

        impl #from<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#names,)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = <#string as serde::Deserialize>::deserialize(deserializer)?;
                Ok(match value.as_str() {
                    #(#wires => Self::#names,)*
                    _ => Self::#unknown(value),
                })
            }
        }
    }
}
