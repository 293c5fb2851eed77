//! `src/api/<tag>.rs`: a tag's sub-client, one method per operation, and the error enums of
//! the operations the tag defines.

use super::code::{lay_out, Code};
use super::docs::doc_text;
use super::errors::error_enum;
use super::tokens::{docs, ident, inner_docs, Layout, Spelling};
use super::validate::Validation;
use crate::diag::Error;
use crate::ir::*;
use proc_macro2::TokenStream;
use quote::quote;

/// The module of `tag`; `submodules` are the extras declared in it (name, gating feature).
/// It is laid out into `out` piece by piece: a tag may have thousands of operations.
pub fn tag_rs(
    api: &Api,
    tag: &Tag,
    validation: &Validation,
    submodules: &[(&str, Option<&str>)],
    out: &mut Layout,
) -> Result<(), Error> {
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
    let sp = Spelling::in_crate(
        std::iter::once(tag.client.as_str())
            .chain(tag.groups.iter().map(|g| g.client.as_str()))
            .chain(defined.iter().map(|o| o.error_name.as_str()))
            .chain(super::bodies::form_types(tag)),
    );
    let members = |path| members(api, tag, path, &sp, validation);
    let submodules = submodules.iter().map(|(name, feature)| {
        let name = ident(name);
        let gate = feature.map(|f| quote!(#[cfg(feature = #f)]));
        quote!(#gate pub mod #name;)
    });
    out.items(quote! {
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
    })?;
    out.impl_block(quote!(impl<'c> #client<'c>), members(&[]))?;
    for g in &tag.groups {
        let name = ident(&g.client);
        let doc = format!(
            " The `{}` operations of the `{}` tag; get one with `client.{}().{}()`.",
            g.path.join("."),
            tag.name,
            tag.module,
            g.path.join("().")
        );
        out.items(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy)]
            pub struct #name<'c> {
                client: &'c crate::Client,
            }
        })?;
        out.impl_block(quote!(impl<'c> #name<'c>), members(&g.path))?;
    }
    for form in super::bodies::form_defs(tag, &sp) {
        out.items(form)?;
    }
    let mut errors = Code::new();
    for op in &defined {
        error_enum(&mut errors, tag, op, &sp);
    }
    out.text(&lay_out(errors.finish(), out.source())?);
    Ok(())
}

/// The members of the (sub-)client at `path`: its groups' accessors, then its methods, each
/// made when the layout reaches it.
fn members<'a>(
    api: &'a Api,
    tag: &'a Tag,
    path: &'a [String],
    sp: &'a Spelling,
    validation: &'a Validation,
) -> impl Iterator<Item = TokenStream> + 'a {
    let accessors = tag.groups.iter().filter(move |g| g.path.len() == path.len() + 1 && g.path.starts_with(path));
    let methods = tag.operations.iter().filter(move |op| op.group == path);
    accessors.map(|g| group_accessor(tag, g)).chain(methods.flat_map(move |op| {
        // The operation's own method, a form or other-media variant, then its item stream.
        let variants = super::bodies::method_variants(op);
        let items = super::bodies::items_method(op, &error_path(tag, op), sp);
        variants.into_iter().map(move |o| operation_method(api, tag, &o, sp, validation)).chain(items)
    }))
}

/// The accessor of a sub-group on its parent sub-client.
fn group_accessor(tag: &Tag, g: &Group) -> TokenStream {
    let (accessor, client) = (ident(g.path.last().map(String::as_str).unwrap_or_default()), ident(&g.client));
    let doc = format!(" The `{}` operations of the `{}` tag.", g.path.join("."), tag.name);
    quote! {
        #[doc = #doc]
        pub fn #accessor(&self) -> #client<'c> {
            #client { client: self.client }
        }
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
    ours.extend(super::bodies::doc_lines(op));
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

/// The runtime's `Style` for a parameter.
fn style(p: &Param) -> TokenStream {
    let s = match p.style {
        ParamStyle::Form => quote!(Form),
        ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(PipeDelimited),
        ParamStyle::DeepObject => quote!(DeepObject),
        ParamStyle::Simple => quote!(Simple),
        ParamStyle::Label => quote!(Label),
        ParamStyle::Matrix => quote!(Matrix),
    };
    quote!(crate::request::Style::#s)
}

/// The statements that put the parameters on `request`: each value is serialized by the
/// runtime, so enums go by their wire value and lists and objects by their style.
fn param_calls(op: &Operation) -> Vec<TokenStream> {
    let mut calls = Vec::new();
    for p in &op.params {
        let n = ident(&p.rust_name);
        let wire = &p.wire_name;
        let explode = p.explode;
        let call = |v: TokenStream| match p.location {
            ParamLocation::Path => {
                let style = style(p);
                quote!(request = request.path_param(#wire, &#v, #style, #explode);)
            }
            ParamLocation::Query => {
                let style = style(p);
                quote!(request = request.query_param(#wire, &#v, #style, #explode);)
            }
            ParamLocation::Header => quote!(request = request.header_value(#wire, &#v, #explode);),
        };
        calls.push(if p.required {
            call(quote!(#n))
        } else {
            let inner = call(quote!(value));
            quote!(if let Some(value) = #n { #inner })
        });
    }
    calls
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
    let binary = super::bodies::binary_success(op);
    let success_ty = op.success.ty.as_ref().map(|t| sp.ty(t)).unwrap_or(quote!(()));
    let success_ty = binary.as_ref().map(|(ty, _)| ty.clone()).unwrap_or(success_ty);
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
    let path = &op.path;
    let method = ident(&op.method.as_str().to_ascii_uppercase());
    let decode = binary.map(|(_, decode)| decode).unwrap_or_else(|| decode_fn(op.success.kind));
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
    calls.extend(super::bodies::accept(op));
    let form = super::bodies::form_call(op);
    if let Some((arg, _, _)) = &form {
        args.push(arg.clone());
    }
    if op.success.ty.as_ref().is_some_and(|t| carries_secret(api, t)) {
        calls.push(quote!(request = request.sensitive_response();));
    }
    if !op.method.is_idempotent() && op.body.as_ref().is_some_and(|b| carries_secret(api, &b.ty)) {
        calls.push(quote!(request = request.no_replay();));
    }
    let mutable = if calls.is_empty() && body_call.is_none() { quote!() } else { quote!(mut) };
    let (returns, tail) = match form {
        Some((_, upload, tail)) => (upload, tail),
        None => (quote!(crate::Request), quote!(request)),
    };
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    // Optional parameters are `Option` arguments, so a long list is the spec's shape.
    let many_args = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let stream = op.stream.as_ref().map(|s| super::stream::method(op, s, &args, &success_ty, &error, sp));
    quote! {
        #doc
        #deprecated
        #many_args
        pub fn #name(&self, #(#args),*) -> #returns<'c, #success_ty, #error> {
            let #mutable request = crate::Request::new(self.client, reqwest::Method::#method, #path, #decode);
            #(#calls)*
            #body_call
            #tail
        }

        #stream
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
