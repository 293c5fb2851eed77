//! Rust sources of the generated crate: `lib.rs`, `models.rs` and one module per tag.

use super::docs::doc_text;
use crate::diag::Error;
use crate::ir::*;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use serde_json::Value;
use super::validate::Validation;

/// (path, source without header) of every Rust file made from the IR.
pub fn emit(api: &Api, source: &str) -> Result<Vec<(String, String)>, Error> {
    // Which types need `validate()` is a whole-API question: answer it once.
    let validation = Validation::new(api);
    let mut files = vec![
        ("src/lib.rs".to_owned(), format_file(lib_rs(api), source)?),
        ("src/models.rs".to_owned(), models_rs(api, &validation, source)?),
    ];
    for tag in &api.tags {
        files.push((format!("src/{}.rs", tag.module), format_file(tag_rs(api, tag, &validation), source)?));
    }
    if let Some(tests) = super::examples::tests_file(api) {
        files.push(("tests/examples.rs".to_owned(), format_file(tests, source)?));
    }
    Ok(files)
}

fn format_file(tokens: TokenStream, source: &str) -> Result<String, Error> {
    // A parse failure here is a generator bug; report it instead of panicking.
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| Error::spec(source, None, format!("internal error: generated Rust does not parse: {e}")))?;
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// prettyplease keeps no blank lines; put one between items, as a person would.
fn space_items(code: &str) -> String {
    const STARTS: &[&str] = &["///", "#[", "pub ", "impl", "fn ", "mod ", "use ", "const ", "type ", "enum ", "struct "];
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut prev: Option<&str> = None;
    for line in code.lines() {
        if let Some(p) = prev {
            let (pt, ct) = (p.trim_start(), line.trim_start());
            let same_indent = p.len() - pt.len() == line.len() - ct.len();
            let closes = pt == "}" || pt == "};" || pt.ends_with(" {}") || (pt.ends_with(';') && STARTS.iter().any(|s| pt.starts_with(s)));
            let opens = STARTS.iter().any(|s| ct.starts_with(s));
            let same_group = pt.ends_with(';') && first_word(pt) == first_word(ct) && !ct.starts_with("///");
            let after_inner_docs = (pt.starts_with("//!") && !ct.starts_with("//!")) || (pt.starts_with("#![") && !ct.starts_with("#!["));
            let after_header = pt.starts_with("// @generated");
            if after_inner_docs || after_header || (same_indent && closes && opens && !same_group) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}

fn first_word(line: &str) -> &str {
    let line = line.strip_prefix("pub ").unwrap_or(line);
    line.split_whitespace().next().unwrap_or("")
}

pub(super) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = ...]` lines for spec text (escaped) followed by our own lines (trusted Markdown).
fn docs(spec_text: &[Option<&str>], ours: &[String]) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for text in spec_text.iter().flatten() {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(doc_text(text).lines().map(str::to_owned));
    }
    // Each of our entries is a paragraph.
    for para in ours {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(para.lines().map(str::to_owned));
    }
    let attrs = lines.iter().map(|l| {
        let l = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

fn inner_docs(lines: &[String]) -> TokenStream {
    let split = lines.iter().flat_map(|l| if l.is_empty() { vec![String::new()] } else { l.lines().map(str::to_owned).collect() });
    let attrs = split.map(|l| {
        let l = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote!(#![doc = #l])
    });
    quote!(#(#attrs)*)
}

/// The Rust type for a reference, as seen from inside the crate's modules.
pub(super) fn rust_type(t: &TypeRef, models_prefix: &TokenStream) -> TokenStream {
    match t {
        TypeRef::Primitive(p) => match p {
            Primitive::String => quote!(String),
            Primitive::DateTime => quote!(chrono::DateTime<chrono::Utc>),
            Primitive::Date => quote!(chrono::NaiveDate),
            Primitive::Uuid => quote!(uuid::Uuid),
            Primitive::Url => quote!(url::Url),
            Primitive::Secret => quote!(crate::Secret),
            Primitive::I32 => quote!(i32),
            Primitive::I64 => quote!(i64),
            Primitive::F32 => quote!(f32),
            Primitive::F64 => quote!(f64),
            Primitive::Bool => quote!(bool),
            Primitive::Json => quote!(serde_json::Value),
            Primitive::Bytes => quote!(Vec<u8>),
        },
        TypeRef::Named(n) => {
            let n = ident(n);
            quote!(#models_prefix #n)
        }
        TypeRef::Array(i) => {
            let i = rust_type(i, models_prefix);
            quote!(Vec<#i>)
        }
        TypeRef::Map(v) if **v == TypeRef::Primitive(Primitive::Json) => {
            quote!(serde_json::Map<String, serde_json::Value>)
        }
        TypeRef::Map(v) => {
            let v = rust_type(v, models_prefix);
            quote!(std::collections::BTreeMap<String, #v>)
        }
    }
}

/// A parameter value as a `String` (strings are passed as they are).
fn to_text(t: &TypeRef, value: TokenStream) -> TokenStream {
    match t {
        TypeRef::Primitive(Primitive::String) => value,
        TypeRef::Primitive(Primitive::Secret) => quote!(#value.expose_secret()),
        _ => quote!(#value.to_string()),
    }
}

/// How a type reads in docs: `Vec<String>`, `CreateAuthKeysCodeResponseData`.
pub fn type_name(t: &TypeRef) -> String {
    rust_type(t, &TokenStream::new()).to_string().replace(" < ", "<").replace(" >", ">").replace(" :: ", "::").replace(" ,", ",")
}

fn lib_rs(api: &Api) -> TokenStream {
    // The README is the crate's front page, so its examples are doctests too.
    let crate_docs = quote!(#![doc = include_str!("../README.md")]);
    let modules = api.tags.iter().map(|t| {
        let m = ident(&t.module);
        let d = docs(&[t.description.as_deref()], &[format!("Operations of the `{}` tag.", t.name)]);
        quote!(#d pub mod #m;)
    });
    let base_url = api.server_url.clone().unwrap_or_else(|| "http://localhost".into());
    let retry = match &api.retries {
        None => quote!(None),
        Some(r) => {
            let initial = Literal::u64_unsuffixed(r.initial_interval_ms);
            let max = Literal::u64_unsuffixed(r.max_interval_ms);
            let elapsed = Literal::u64_unsuffixed(r.max_elapsed_ms);
            let exponent = Literal::f64_unsuffixed(r.exponent);
            let statuses = r.statuses.iter().map(|s| match s {
                StatusMatch::Code(c) => {
                    let c = Literal::u16_unsuffixed(*c);
                    quote!(.status(#c))
                }
                StatusMatch::Range(c) => {
                    let c = Literal::u16_unsuffixed(*c);
                    quote!(.status_range(#c))
                }
                StatusMatch::Default => quote!(),
            });
            let conn = r.connection_errors;
            quote! {
                Some(
                    RetryPolicy::new()
                        .initial_interval(Duration::from_millis(#initial))
                        .max_interval(Duration::from_millis(#max))
                        .max_elapsed_time(Duration::from_millis(#elapsed))
                        .exponent(#exponent)
                        #(#statuses)*
                        .retry_connection_errors(#conn)
                        // As in Speakeasy, the spec's policy applies to every method.
                        .retry_non_idempotent(true)
                )
            }
        }
    };
    let uses_duration = api.retries.is_some().then(|| quote!(use std::time::Duration;));
    quote! {
        #crate_docs
        #![deny(missing_docs)]

        mod client;
        mod error;
        mod nullable;
        mod request;
        mod retry;
        mod secret;

        pub mod models;
        #(#modules)*

        pub use client::{BuildError, Client, ClientBuilder};
        pub use error::{ApiError, BoxError, Error};
        pub use nullable::Nullable;
        pub use request::{decode, Request};
        pub use retry::{RetryEvent, RetryPolicy, RetryReason};
        pub use secret::Secret;

        #uses_duration

        /// The server the spec names; the client's default base URL.
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// The retry policy the spec asks for (`x-speakeasy-retries`), or `None`.
        pub(crate) fn spec_retry_policy() -> Option<RetryPolicy> {
            #retry
        }
    }
}

/// `models.rs`, formatted one type at a time: the tokens and syntax tree of a large spec's
/// models never have to be in memory at once.
fn models_rs(api: &Api, validation: &Validation, source: &str) -> Result<String, Error> {
    let prefix = TokenStream::new();
    let join = validation.uses_join(api).then(super::validate::join_helper);
    let uses_nullable = api.types.values().any(|t| match &t.kind {
        TypeKind::Struct { fields, .. } => fields.iter().any(|f| f.nullable && !f.required),
        _ => false,
    });
    let nullable = uses_nullable.then(|| quote!(use crate::Nullable;));
    let head = quote! {
        //! Request, response and error-body models.
        #![allow(clippy::large_enum_variant)]

        #nullable
        use serde::{Deserialize, Deserializer, Serialize, Serializer};
    };
    let mut out = format_file(head, source)?;
    for t in api.types.values() {
        let def = type_def(t, &prefix);
        let validate = validation.method(api, t);
        out.push('\n');
        out.push_str(&format_file(quote!(#def #validate), source)?);
    }
    if let Some(join) = join {
        out.push('\n');
        out.push_str(&format_file(join, source)?);
    }
    Ok(out)
}

fn type_def(t: &TypeDef, prefix: &TokenStream) -> TokenStream {
    let name = ident(&t.rust_name);
    let mut ours = Vec::new();
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
            let doc = docs(&[description], &ours);
            struct_def(&name, doc, fields, additional.as_ref(), prefix)
        }
        TypeKind::Enum { variants } => {
            let doc = docs(&[description], &ours);
            enum_def(&name, doc, variants)
        }
        TypeKind::Union { variants } => {
            ours.push("Decoded by trying each variant in order; `Other` keeps a value none of them accepts.".into());
            let doc = docs(&[description], &ours);
            let vs = variants.iter().map(|v| {
                let vn = ident(&v.rust_name);
                let ty = rust_type(&v.ty, prefix);
                let d = format!(" A `{}`.", type_name(&v.ty));
                quote!(#[doc = #d] #vn(#ty),)
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#vs)*
                    /// A value that matches none of the variants above.
                    Other(serde_json::Value),
                }
            }
        }
        TypeKind::Alias(target) => {
            let doc = docs(&[description], &ours);
            let ty = rust_type(target, prefix);
            quote!(#doc pub type #name = #ty;)
        }
    }
}

/// A JSON value as a single-line code span (backticks inside are not possible in JSON
/// except in strings; those are replaced so the span stays closed).
fn code_span(v: &Value) -> String {
    let s = v.to_string().replace('`', "'");
    if s.len() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}

fn field_type(f: &Field, prefix: &TokenStream) -> TokenStream {
    let mut ty = rust_type(&f.ty, prefix);
    if f.boxed {
        ty = quote!(Box<#ty>);
    }
    match (f.required, f.nullable) {
        (true, false) => ty,
        (true, true) | (false, false) => quote!(Option<#ty>),
        (false, true) => quote!(Nullable<#ty>),
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

fn struct_def(
    name: &Ident,
    doc: TokenStream,
    fields: &[Field],
    additional: Option<&TypeRef>,
    prefix: &TokenStream,
) -> TokenStream {
    let defs = fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let ty = field_type(f, prefix);
        let d = field_doc(f);
        let wire = &f.wire_name;
        let rename = (f.wire_name != f.rust_name).then(|| quote!(#[serde(rename = #wire)]));
        let skip = match (f.required, f.nullable) {
            (false, false) => quote!(#[serde(default, skip_serializing_if = "Option::is_none")]),
            (false, true) => quote!(#[serde(default, skip_serializing_if = "Nullable::is_absent")]),
            // Required but nullable: a missing key still decodes, as `None`.
            (true, true) => quote!(#[serde(default)]),
            (true, false) => quote!(),
        };
        let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
        quote!(#d #rename #skip #deprecated pub #fname: #ty,)
    });
    let extra = additional.map(|t| {
        let ty = match t {
            TypeRef::Primitive(Primitive::Json) => quote!(serde_json::Map<String, serde_json::Value>),
            t => {
                let t = rust_type(t, prefix);
                quote!(std::collections::BTreeMap<String, #t>)
            }
        };
        quote! {
            /// Properties not listed above, kept as they were sent.
            #[serde(flatten)]
            pub additional_properties: #ty,
        }
    });
    let required: Vec<&Field> = fields.iter().filter(|f| f.required && !f.nullable).collect();
    let args = required.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let ty = field_type(f, prefix);
        quote!(#fname: #ty)
    });
    let inits = fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        if f.required && !f.nullable {
            quote!(#fname)
        } else if f.nullable && !f.required {
            quote!(#fname: Nullable::Absent)
        } else {
            quote!(#fname: None)
        }
    });
    let extra_init = additional.map(|_| quote!(additional_properties: Default::default(),));
    let setters = fields.iter().filter(|f| !f.required || f.nullable).map(|f| {
        let fname = ident(&f.rust_name);
        let setter = ident(&crate::names::setter(&f.rust_name));
        let mut inner = rust_type(&f.ty, prefix);
        if f.boxed {
            inner = quote!(Box<#inner>);
        }
        let (arg, value) = if f.nullable && !f.required {
            (quote!(impl Into<Nullable<#inner>>), quote!(value.into()))
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
    });
    let new_doc = if required.is_empty() {
        " A value with every optional field left out.".to_owned()
    } else {
        format!(
            " A value with the required {} and every optional field left out.",
            required.iter().map(|f| format!("`{}`", f.rust_name)).collect::<Vec<_>>().join(", ")
        )
    };
    let many_args = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    // Nothing required: the empty value is a natural `Default`.
    let default = required.is_empty().then(|| quote!(Default,));
    quote! {
        #doc
        #[derive(Debug, Clone, #default PartialEq, Serialize, Deserialize)]
        pub struct #name {
            #(#defs)*
            #extra
        }

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

fn enum_def(name: &Ident, doc: TokenStream, variants: &[Variant]) -> TokenStream {
    let integer = variants.iter().all(|v| v.wire.is_i64() || v.wire.is_u64()) && !variants.is_empty();
    let vdefs = variants.iter().map(|v| {
        let vn = ident(&v.rust_name);
        let d = format!(" `{}`", code_span(&v.wire));
        quote!(#[doc = #d] #vn,)
    });
    let names: Vec<Ident> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    if integer {
        let values: Vec<Literal> = variants.iter().map(|v| Literal::i64_unsuffixed(v.wire.as_i64().unwrap_or_default())).collect();
        return quote! {
            #doc
            ///
            /// Open: a value this client does not know is kept in `Unknown`.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #name {
                #(#vdefs)*
                /// A value this version of the client does not know.
                Unknown(i64),
            }

            impl #name {
                /// The value on the wire.
                pub fn value(&self) -> i64 {
                    match self {
                        #(Self::#names => #values,)*
                        Self::Unknown(v) => *v,
                    }
                }
            }

            impl From<i64> for #name {
                fn from(value: i64) -> Self {
                    match value {
                        #(#values => Self::#names,)*
                        other => Self::Unknown(other),
                    }
                }
            }

            impl Serialize for #name {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_i64(self.value())
                }
            }

            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    i64::deserialize(deserializer).map(Self::from)
                }
            }
        };
    }
    let wires: Vec<String> = variants
        .iter()
        .map(|v| match &v.wire {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    quote! {
        #doc
        ///
        /// Open: a value this client does not know is kept in `Unknown`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#vdefs)*
            /// A value this version of the client does not know.
            Unknown(String),
        }

        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#names => #wires,)*
                    Self::Unknown(v) => v,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#names,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Ok(match value.as_str() {
                    #(#wires => Self::#names,)*
                    _ => Self::Unknown(value),
                })
            }
        }
    }
}

fn decode_fn(kind: BodyKind) -> TokenStream {
    match kind {
        BodyKind::Json => quote!(decode::json),
        BodyKind::Text => quote!(decode::text),
        BodyKind::Bytes => quote!(decode::bytes),
        BodyKind::Empty => quote!(decode::empty),
    }
}

fn tag_rs(api: &Api, tag: &Tag, validation: &Validation) -> TokenStream {
    let models = quote!(models::);
    let client = ident(&tag.client);
    let module = ident(&tag.module);
    let accessor_doc = format!(" The operations of the `{}` tag.", tag.name);
    let client_doc = format!(" The `{}` operations; get one with [`Client::{}`].", tag.name, tag.module);
    let mut module_docs = vec![format!("The `{}` operations and their errors.", tag.name)];
    if let Some(d) = &tag.description {
        module_docs.push(String::new());
        module_docs.push(doc_text(d.trim()));
    }
    let module_docs = inner_docs(&module_docs);
    let methods = tag.operations.iter().map(|op| operation_method(api, op, &models, validation));
    let errors = tag.operations.iter().map(|op| error_enum(tag, op, &models));
    let uses_path_params = tag.operations.iter().flat_map(|o| &o.params).any(|p| p.location == ParamLocation::Path);
    let encode = uses_path_params.then(|| quote!(use crate::request::encode_path;));
    let models_used = tag.operations.iter().any(|o| {
        let named = |t: &TypeRef| t.named().is_some();
        o.params.iter().any(|p| named(&p.ty))
            || o.body.as_ref().is_some_and(|b| named(&b.ty))
            || o.success.ty.as_ref().is_some_and(named)
            || o.errors.iter().any(|e| e.response.ty.as_ref().is_some_and(named))
    });
    let uses_models = models_used.then(|| quote!(use crate::models;));
    let submodules = super::templates::extras(api).into_iter().filter(|(_, _, m)| *m == tag.module).map(|(name, feature, _)| {
        let name = ident(name);
        let gate = feature.map(|f| quote!(#[cfg(feature = #f)]));
        quote!(#gate pub mod #name;)
    });
    quote! {
        #module_docs

        #(#submodules)*

        use crate::{decode, ApiError, Client, Request};
        #uses_models
        #encode

        impl Client {
            #[doc = #accessor_doc]
            pub fn #module(&self) -> #client<'_> {
                #client { client: self }
            }
        }

        #[doc = #client_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #client<'c> {
            client: &'c Client,
        }

        impl<'c> #client<'c> {
            #(#methods)*
        }

        #(#errors)*
    }
}

fn operation_method(api: &Api, op: &Operation, models: &TokenStream, validation: &Validation) -> TokenStream {
    let name = ident(&op.rust_name);
    let error = ident(&op.error_name);
    let success_ty = op.success.ty.as_ref().map(|t| rust_type(t, models)).unwrap_or(quote!(()));
    let mut ours = vec![format!("`{} {}`", op.method, op.path)];
    if api.bearer_auth {
        ours.push(if op.needs_auth {
            "Needs an API key (sent as a bearer token).".to_owned()
        } else {
            "Works without an API key; the client's key is still sent when it has one.".to_owned()
        });
    }
    ours.push("# Errors".to_owned());
    if !op.errors.is_empty() {
        ours.push(format!(
            "[`Error::Api`](crate::Error::Api) with a [`{}`] for a documented status:",
            op.error_name
        ));
        let list: Vec<String> = op
            .errors
            .iter()
            .map(|e| format!("- {} → [`{}::{}`]", e.response.status, op.error_name, e.variant))
            .collect();
        ours.push(list.join("\n"));
    }
    ours.push(
        "Any other status is [`Error::UnexpectedStatus`](crate::Error::UnexpectedStatus); failures to send, \
         time-outs, undecodable bodies and requests rejected before sending are the other variants of \
         [`Error`](crate::Error)."
            .into(),
    );
    let doc = docs(&[op.summary.as_deref(), op.description.as_deref()], &ours);

    let mut args = Vec::new();
    let mut calls = Vec::new();
    // Path parameters are encoded into locals first so `format!` only captures names.
    let mut encodes = Vec::new();
    let mut template = op.path.clone();
    for p in op.params.iter().filter(|p| p.location == ParamLocation::Path) {
        template = template.replace(&format!("{{{}}}", p.wire_name), &format!("{{{}}}", p.rust_name));
        let n = ident(&p.rust_name);
        let text = to_text(&p.ty, quote!(#n));
        encodes.push(quote!(let #n = encode_path(&#text);));
    }
    let path_expr = if encodes.is_empty() { quote!(#template) } else { quote!(format!(#template)) };
    for p in &op.params {
        let n = ident(&p.rust_name);
        let ty = rust_type(&p.ty, models);
        if p.required {
            args.push(quote!(#n: #ty));
        } else {
            args.push(quote!(#n: Option<#ty>));
        }
        let wire = &p.wire_name;
        let method = match p.location {
            ParamLocation::Path => continue,
            ParamLocation::Query => quote!(query),
            ParamLocation::Header => quote!(header_param),
        };
        let one = |v: TokenStream| match &p.ty {
            TypeRef::Array(inner) => {
                let item = to_text(inner, quote!(item));
                quote!(for item in #v { request = request.#method(#wire, #item); })
            }
            ty => {
                let text = to_text(ty, v);
                quote!(request = request.#method(#wire, #text);)
            }
        };
        calls.push(if p.required {
            one(quote!(#n))
        } else {
            let inner = one(quote!(value));
            quote!(if let Some(value) = #n { #inner })
        });
    }
    let method = ident(&op.method);
    let decode = decode_fn(op.success.kind);
    let body_call = op.body.as_ref().map(|b| {
        let ty = rust_type(&b.ty, models);
        // Constraints are checked first, so their message is the one reported.
        let check = validation.call_on_body(&b.ty, quote!(body));
        let (arg_ty, call) = match b.kind {
            BodyKind::Json => (ty, quote!(request = request.json(&body);)),
            BodyKind::Text => (ty, quote!(request = request.text(body);)),
            _ => {
                let content_type = &b.content_type;
                (ty, quote!(request = request.bytes(body, #content_type);))
            }
        };
        let call = quote!(#check #call);
        if b.required {
            args.push(quote!(body: #arg_ty));
            call
        } else {
            args.push(quote!(body: Option<#arg_ty>));
            quote!(if let Some(body) = body { #call })
        }
    });
    // Secrets decide two runtime settings: a success body carrying one is never kept in an
    // error, and a non-idempotent request carrying one (a single-use code) is never resent once
    // it may have reached the server.
    let idempotent = matches!(op.method.as_str(), "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE");
    if op.success.ty.as_ref().is_some_and(|t| carries_secret(api, t)) {
        calls.push(quote!(request = request.sensitive_response();));
    }
    if !idempotent && op.body.as_ref().is_some_and(|b| carries_secret(api, &b.ty)) {
        calls.push(quote!(request = request.no_replay();));
    }
    let mutable = if calls.is_empty() && body_call.is_none() { quote!() } else { quote!(mut) };
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#args),*) -> Request<'c, #success_ty, #error> {
            #(#encodes)*
            let #mutable request = Request::new(self.client, reqwest::Method::#method, #path_expr, #decode);
            #(#calls)*
            #body_call
            request
        }
    }
}

/// Whether a value of this type can hold a `format: password` string anywhere inside.
fn carries_secret(api: &Api, ty: &TypeRef) -> bool {
    fn walk<'a>(api: &'a Api, ty: &'a TypeRef, seen: &mut std::collections::BTreeSet<&'a str>) -> bool {
        let name = match ty.leaf() {
            TypeRef::Primitive(p) => return *p == Primitive::Secret,
            TypeRef::Named(name) => name.as_str(),
            _ => return false,
        };
        if !seen.insert(name) {
            return false;
        }
        match api.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields, additional }) => {
                fields.iter().any(|f| walk(api, &f.ty, seen)) || additional.as_ref().is_some_and(|a| walk(api, a, seen))
            }
            Some(TypeKind::Union { variants }) => variants.iter().any(|v| walk(api, &v.ty, seen)),
            Some(TypeKind::Alias(t)) => walk(api, t, seen),
            Some(TypeKind::Enum { .. }) | None => false,
        }
    }
    walk(api, ty, &mut std::collections::BTreeSet::new())
}

fn error_enum(tag: &Tag, op: &Operation, models: &TokenStream) -> TokenStream {
    let name = ident(&op.error_name);
    let doc = format!(
        " The documented error answers of [`{}::{}`].",
        tag.client, op.rust_name
    );
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut status_arms = Vec::new();
    let mut display_arms = Vec::new();
    for e in &op.errors {
        let v = ident(&e.variant);
        let r = &e.response;
        let status_line = match r.status {
            StatusMatch::Default => "Any status not listed above.".to_owned(),
            s => format!("Status {}.", s),
        };
        let d = docs(&[Some(&r.description)], &[status_line]);
        let fixed = match r.status {
            StatusMatch::Code(c) => Some(c),
            _ => None,
        };
        let pattern = match r.status {
            StatusMatch::Code(c) => {
                let c = Literal::u16_unsuffixed(c);
                quote!(#c)
            }
            StatusMatch::Range(c) => {
                let lo = Literal::u16_unsuffixed(c * 100);
                let hi = Literal::u16_unsuffixed(c * 100 + 99);
                quote!(#lo..=#hi)
            }
            StatusMatch::Default => quote!(_),
        };
        let decode = match (&r.ty, r.kind) {
            (Some(_), BodyKind::Json) => quote!(serde_json::from_slice(body)),
            (Some(_), BodyKind::Text) => quote!(Ok(String::from_utf8_lossy(body).into_owned())),
            (Some(_), _) => quote!(Ok(body.to_vec())),
            (None, _) => quote!(Ok(())),
        };
        let reason = heck::ToTitleCase::to_title_case(e.variant.as_str());
        let with_body = format!("{} {reason}: {{body}}", r.status);
        let without_body = format!("{} {reason}", r.status);
        let range_with_body = format!("{{status}} {reason}: {{body}}");
        let range_without_body = format!("{{status}} {reason}");
        let shown = match r.kind {
            BodyKind::Json => quote!(let body = serde_json::to_string(body).map_err(|_| std::fmt::Error)?;),
            BodyKind::Text => quote!(),
            _ => quote!(let body = format!("{} bytes", body.len());),
        };
        match (&r.ty, fixed) {
            (Some(t), Some(_)) => {
                let ty = rust_type(t, models);
                variants.push(quote!(#d #v(#ty),));
                arms.push(quote!(#pattern => Some(#decode.map(Self::#v)),));
                display_arms.push(quote!(Self::#v(body) => { #shown write!(f, #with_body) }));
            }
            (Some(t), None) => {
                let ty = rust_type(t, models);
                variants.push(quote!(#d #v {
                    /// The status the server answered with.
                    status: u16,
                    /// The decoded body.
                    body: #ty,
                },));
                arms.push(quote!(#pattern => Some(#decode.map(|body| Self::#v { status, body })),));
                display_arms.push(quote!(Self::#v { status, body } => { #shown write!(f, #range_with_body) }));
            }
            (None, Some(_)) => {
                variants.push(quote!(#d #v,));
                arms.push(quote!(#pattern => Some(Ok(Self::#v)),));
                display_arms.push(quote!(Self::#v => f.write_str(#without_body),));
            }
            (None, None) => {
                variants.push(quote!(#d #v {
                    /// The status the server answered with.
                    status: u16,
                },));
                arms.push(quote!(#pattern => Some(Ok(Self::#v { status })),));
                display_arms.push(quote!(Self::#v { status } => write!(f, #range_without_body),));
            }
        }
        let code = fixed.map(Literal::u16_unsuffixed);
        status_arms.push(match (code, &r.ty) {
            (Some(c), Some(_)) => quote!(Self::#v(_) => #c,),
            (Some(c), None) => quote!(Self::#v => #c,),
            (None, _) => quote!(Self::#v { status, .. } => *status,),
        });
    }
    let has_catch_all = op.errors.iter().any(|e| e.response.status == StatusMatch::Default);
    let fallback = (!has_catch_all).then(|| quote!(_ => None,));
    let body_unused = op.errors.iter().all(|e| e.response.ty.is_none());
    let body_arg = if body_unused { quote!(_body) } else { quote!(body) };
    let uses_status = op.errors.iter().any(|e| !matches!(e.response.status, StatusMatch::Code(_)));
    let status_arg = if uses_status || !op.errors.is_empty() { quote!(status) } else { quote!(_status) };
    if op.errors.is_empty() {
        return quote! {
            #[doc = #doc]
            ///
            /// The spec documents no error status for this operation.
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum #name {}

            impl ApiError for #name {
                fn from_response(_status: u16, _body: &[u8]) -> Option<Result<Self, serde_json::Error>> {
                    None
                }

                fn status(&self) -> u16 {
                    match *self {}
                }
            }

            impl std::fmt::Display for #name {
                fn fmt(&self, _f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    match *self {}
                }
            }

            impl std::error::Error for #name {}
        };
    }
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl ApiError for #name {
            fn from_response(#status_arg: u16, #body_arg: &[u8]) -> Option<Result<Self, serde_json::Error>> {
                match status {
                    #(#arms)*
                    #fallback
                }
            }

            fn status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#display_arms)*
                }
            }
        }

        impl std::error::Error for #name {}
    }
}
