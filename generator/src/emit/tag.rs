//! `src/api/<tag>.rs`: a tag's sub-client, one method per operation, and the error enums of
//! the operations the tag defines.

use super::docs::doc_text;
use super::errors::error_enum;
use super::tokens::{docs, ident, inner_docs, Spelling};
use super::validate::Validation;
use crate::ir::*;
use proc_macro2::TokenStream;
use quote::quote;

/// The module of `tag`; `submodules` are the extras declared in it (name, gating feature).
pub fn tag_rs(api: &Api, tag: &Tag, validation: &Validation, submodules: &[(&str, Option<&str>)]) -> TokenStream {
    let client = ident(&tag.client);
    let module = ident(&tag.module);
    let accessor_doc = format!(" The operations of the `{}` tag.", tag.name);
    let client_doc = format!(
        " The `{}` operations; get one with [`Client::{}`](crate::Client::{}).",
        tag.name, tag.module, tag.module
    );
    let mut module_docs = vec![format!("The `{}` operations and their errors.", tag.name)];
    if let Some(d) = &tag.description {
        module_docs.push(String::new());
        module_docs.push(doc_text(d.trim()));
    }
    let module_docs = inner_docs(&module_docs);
    let defined: Vec<&Operation> = tag.operations.iter().filter(|o| o.home == tag.module).collect();
    let sp =
        Spelling::in_crate(std::iter::once(tag.client.as_str()).chain(defined.iter().map(|o| o.error_name.as_str())));
    let methods = tag.operations.iter().map(|op| operation_method(api, tag, op, &sp, validation));
    let errors = defined.iter().map(|op| error_enum(tag, op, &sp));
    let submodules = submodules.iter().map(|(name, feature)| {
        let name = ident(name);
        let gate = feature.map(|f| quote!(#[cfg(feature = #f)]));
        quote!(#gate pub mod #name;)
    });
    quote! {
        #module_docs

        #(#submodules)*

        impl crate::Client {
            #[doc = #accessor_doc]
            pub fn #module(&self) -> #client<'_> {
                #client { client: self }
            }
        }

        #[doc = #client_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #client<'c> {
            client: &'c crate::Client,
        }

        impl<'c> #client<'c> {
            #(#methods)*
        }

        #(#errors)*
    }
}

/// The error enum's path as the tag module names it: bare when the tag defines it.
fn error_path(tag: &Tag, op: &Operation) -> TokenStream {
    let error = ident(&op.error_name);
    if op.home == tag.module {
        quote!(#error)
    } else {
        let home = ident(&op.home);
        quote!(crate::api::#home::#error)
    }
}

fn method_docs(api: &Api, tag: &Tag, op: &Operation) -> TokenStream {
    let mut ours = vec![format!("`{} {}`", op.method, op.path)];
    if api.bearer_auth {
        ours.push(if op.needs_auth {
            "Needs an API key (sent as a bearer token).".to_owned()
        } else {
            "Works without an API key; the client's key is still sent when it has one.".to_owned()
        });
    }
    // Rustdoc links: bare where the tag defines the enum, else by the home tag's path.
    let link = |item: String| match op.home == tag.module {
        true => format!("[`{item}`]"),
        false => format!("[`{item}`](crate::api::{}::{item})", op.home),
    };
    if op.home != tag.module {
        ours.push(format!("Also a method of [`Client::{}`](crate::Client::{}).", op.home, op.home));
    }
    ours.push("# Errors".to_owned());
    if !op.errors.is_empty() {
        ours.push(format!(
            "[`Error::Api`](crate::Error::Api) with a {} for a documented status:",
            link(op.error_name.clone())
        ));
        let list: Vec<String> = op
            .errors
            .iter()
            .map(|e| format!("- {} → {}", e.response.status, link(format!("{}::{}", op.error_name, e.variant))))
            .collect();
        ours.push(list.join("\n"));
    }
    ours.push(
        "Any other status is [`Error::UnexpectedStatus`](crate::Error::UnexpectedStatus); failures to send, \
         time-outs, undecodable bodies and requests rejected before sending are the other variants of \
         [`Error`](crate::Error)."
            .into(),
    );
    docs(&[op.summary.as_deref(), op.description.as_deref()], &ours)
}

/// A parameter value as a `String` (strings are passed as they are).
fn to_text(t: &TypeRef, value: TokenStream) -> TokenStream {
    match t {
        TypeRef::Primitive(Primitive::String) => value,
        TypeRef::Primitive(Primitive::Secret) => quote!(#value.expose_secret()),
        _ => quote!(#value.to_string()),
    }
}

/// The statements that put the query and header parameters on `request`.
fn param_calls(op: &Operation) -> Vec<TokenStream> {
    let mut calls = Vec::new();
    for p in &op.params {
        let n = ident(&p.rust_name);
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
    calls
}

/// The path expression: a literal, or `format!` over the encoded path parameters (encoded into
/// locals first, so `format!` only captures names).
fn path_expr(op: &Operation) -> (Vec<TokenStream>, TokenStream) {
    let mut encodes = Vec::new();
    let mut template = op.path.clone();
    for p in op.params.iter().filter(|p| p.location == ParamLocation::Path) {
        template = template.replace(&format!("{{{}}}", p.wire_name), &format!("{{{}}}", p.rust_name));
        let n = ident(&p.rust_name);
        let text = to_text(&p.ty, quote!(#n));
        encodes.push(quote!(let #n = crate::request::encode_path(&#text);));
    }
    let expr = if encodes.is_empty() { quote!(#template) } else { quote!(format!(#template)) };
    (encodes, expr)
}

fn decode_fn(kind: BodyKind) -> TokenStream {
    match kind {
        BodyKind::Json => quote!(crate::decode::json),
        BodyKind::Text => quote!(crate::decode::text),
        BodyKind::Bytes => quote!(crate::decode::bytes),
        BodyKind::Empty => quote!(crate::decode::empty),
    }
}

fn operation_method(api: &Api, tag: &Tag, op: &Operation, sp: &Spelling, validation: &Validation) -> TokenStream {
    let name = ident(&op.rust_name);
    let error = error_path(tag, op);
    let success_ty = op.success.ty.as_ref().map(|t| sp.ty(t)).unwrap_or(quote!(()));
    let doc = method_docs(api, tag, op);
    let option = sp.prelude_item("Option");
    let mut args: Vec<TokenStream> = op
        .params
        .iter()
        .map(|p| {
            let (n, ty) = (ident(&p.rust_name), sp.ty(&p.ty));
            if p.required {
                quote!(#n: #ty)
            } else {
                quote!(#n: #option<#ty>)
            }
        })
        .collect();
    let calls = param_calls(op);
    let (encodes, path) = path_expr(op);
    let method = ident(&op.method.as_str().to_ascii_uppercase());
    let decode = decode_fn(op.success.kind);
    let body_call = op.body.as_ref().map(|b| {
        let ty = sp.ty(&b.ty);
        // Constraints are checked first, so their message is the one reported.
        let check = validation.call_on_body(&b.ty, quote!(body));
        let call = match b.kind {
            BodyKind::Json => quote!(request = request.json(&body);),
            BodyKind::Text => quote!(request = request.text(body);),
            _ => {
                let content_type = &b.content_type;
                quote!(request = request.bytes(body, #content_type);)
            }
        };
        let call = quote!(#check #call);
        if b.required {
            args.push(quote!(body: #ty));
            call
        } else {
            args.push(quote!(body: #option<#ty>));
            quote!(if let Some(body) = body { #call })
        }
    });
    // Secrets decide two runtime settings: a success body carrying one is never kept in an
    // error, and a non-idempotent request carrying one (a single-use code) is never resent
    // once it may have reached the server.
    let mut calls = calls;
    if op.success.ty.as_ref().is_some_and(|t| carries_secret(api, t)) {
        calls.push(quote!(request = request.sensitive_response();));
    }
    if !op.method.is_idempotent() && op.body.as_ref().is_some_and(|b| carries_secret(api, &b.ty)) {
        calls.push(quote!(request = request.no_replay();));
    }
    let mutable = if calls.is_empty() && body_call.is_none() { quote!() } else { quote!(mut) };
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#args),*) -> crate::Request<'c, #success_ty, #error> {
            #(#encodes)*
            let #mutable request = crate::Request::new(self.client, reqwest::Method::#method, #path, #decode);
            #(#calls)*
            #body_call
            request
        }
    }
}

/// Whether a value of this type can hold a `format: password` string anywhere inside.
fn carries_secret(api: &Api, ty: &TypeRef) -> bool {
    fn walk<'a>(api: &'a Api, ty: &'a TypeRef, seen: &mut std::collections::BTreeSet<&'a str>) -> bool {
        match ty.leaf() {
            TypeRef::Primitive(p) => *p == Primitive::Secret,
            TypeRef::Named(name) if seen.insert(name) => {
                api.types.get(name).is_some_and(|t| t.kind.type_refs().into_iter().any(|t| walk(api, t, seen)))
            }
            _ => false,
        }
    }
    walk(api, ty, &mut std::collections::BTreeSet::new())
}
