//! `src/api/<tag>.rs`: a tag's sub-client, one method per operation, and the error enums of
//! the operations the tag defines.

use super::code::{lay_out, ln, string, Code};
use super::docs::doc_text;
use super::errors::error_enum;
use super::tokens::{doc_lines, ident, inner_docs, Layout, Member, Spelling};
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
    let source = out.source();
    let members = |path| members(api, tag, path, &sp, validation, source);
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
    source: &'a str,
) -> impl Iterator<Item = Result<Member, Error>> + 'a {
    let accessors = tag.groups.iter().filter(move |g| g.path.len() == path.len() + 1 && g.path.starts_with(path));
    let methods = tag.operations.iter().filter(move |op| op.group == path);
    accessors.map(|g| Ok(Member::Tokens(group_accessor(tag, g)))).chain(methods.flat_map(move |op| {
        // The operation's own method, a form or other-media variant, then its item stream.
        let variants = super::bodies::method_variants(op);
        // A path of sanitized names: it lexes.
        let error: TokenStream = error_path(tag, op).parse().unwrap_or_default();
        let items = super::bodies::items_method(op, &error, sp).map(|t| Ok(Member::Tokens(t)));
        let methods = variants.into_iter().map(move |o| operation_method(api, tag, &o, sp, validation, source));
        methods
            .flat_map(|m| match m {
                Ok(members) => members.into_iter().map(Ok).collect::<Vec<_>>(),
                Err(e) => vec![Err(e)],
            })
            .chain(items)
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
fn error_path(tag: &Tag, op: &Operation) -> String {
    if op.home == tag.module {
        op.error_name.clone()
    } else {
        format!("crate::api::{}::{}", op.home, op.error_name)
    }
}

fn method_docs(api: &Api, tag: &Tag, op: &Operation) -> Vec<String> {
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
    doc_lines(&[op.summary.as_deref(), op.description.as_deref()], &ours)
}

/// The runtime's `Style` for a parameter.
fn style(p: &Param) -> &'static str {
    match p.style {
        ParamStyle::Form => "crate::request::Style::Form",
        ParamStyle::SpaceDelimited => "crate::request::Style::SpaceDelimited",
        ParamStyle::PipeDelimited => "crate::request::Style::PipeDelimited",
        ParamStyle::DeepObject => "crate::request::Style::DeepObject",
        ParamStyle::Simple => "crate::request::Style::Simple",
        ParamStyle::Label => "crate::request::Style::Label",
        ParamStyle::Matrix => "crate::request::Style::Matrix",
    }
}

/// Writes the statements that put the parameters on `request`: each value is serialized by
/// the runtime, so enums go by their wire value and lists and objects by their style.
fn param_calls(code: &mut Code, op: &Operation) {
    for p in &op.params {
        let wire = string(&p.wire_name);
        let call = |code: &mut Code, v: &str| match p.location {
            ParamLocation::Path => set(code, &format!(".path_param({wire}, &{v}, {}, {})", style(p), p.explode)),
            ParamLocation::Query => set(code, &format!(".query_param({wire}, &{v}, {}, {})", style(p), p.explode)),
            ParamLocation::Header => set(code, &format!(".header_value({wire}, &{v}, {})", p.explode)),
        };
        if p.required {
            call(code, &p.rust_name);
        } else {
            code.open(format_args!("if let Some(value) = {} {{", p.rust_name));
            call(code, "value");
            code.close("}");
        }
    }
}

/// `request = request.<call>;`, the call on a line of its own when the statement does not fit
/// (prettyplease's layout of a method call that does not fit).
fn set(code: &mut Code, call: &str) {
    let one_line = format!("request = request{call};");
    if code.fits(&one_line) {
        return ln!(code, "{one_line}");
    }
    let broken = format!("    {call};");
    if !code.fits(&broken) {
        code.unsure();
    }
    ln!(code, "request = request");
    ln!(code, "{broken}");
}

fn decode_fn(kind: BodyKind) -> &'static str {
    match kind {
        BodyKind::Json => "crate::decode::json",
        BodyKind::Text => "crate::decode::text",
        BodyKind::Bytes => "crate::decode::bytes",
        BodyKind::Empty => "crate::decode::empty",
    }
}

/// The method of an operation (written as text), and its event-stream form, if any.
fn operation_method(
    api: &Api,
    tag: &Tag,
    op: &Operation,
    sp: &Spelling,
    validation: &Validation,
    source: &str,
) -> Result<Vec<Member>, Error> {
    let error = error_path(tag, op);
    let binary = super::bodies::binary_success(op);
    let success = match binary {
        Some((ty, _)) => ty.to_owned(),
        None => op.success.ty.as_ref().map(|t| sp.ty_text(t)).unwrap_or_else(|| "()".into()),
    };
    let option = sp.prelude_text("Option");
    let mut args: Vec<String> = op
        .params
        .iter()
        .map(|p| match p.required {
            true => format!("{}: {}", p.rust_name, sp.ty_text(&p.ty)),
            false => format!("{}: {option}<{}>", p.rust_name, sp.ty_text(&p.ty)),
        })
        .collect();
    if let Some(b) = &op.body {
        let ty = sp.ty_text(&b.ty);
        args.push(if b.required { format!("body: {ty}") } else { format!("body: {option}<{ty}>") });
    }
    let form = super::bodies::form_arg(op);
    args.extend(form.clone());
    // Secrets decide two runtime settings: a success body carrying one is never kept in an
    // error, and a non-idempotent request carrying one (a single-use code) is never resent
    // once it may have reached the server.
    let sensitive = op.success.ty.as_ref().is_some_and(|t| carries_secret(api, t));
    let no_replay = !op.method.is_idempotent() && op.body.as_ref().is_some_and(|b| carries_secret(api, &b.ty));
    let accept = super::bodies::accept_type(op);
    let (returns, tail) = match &form {
        Some(_) => ("crate::Upload", "crate::multipart::Upload::new(request, form.into_parts())"),
        None => ("crate::Request", "request"),
    };
    let mutable = !op.params.is_empty() || op.body.is_some() || accept.is_some() || sensitive || no_replay;

    // A member of the sub-client's `impl`: one level in.
    let mut code = Code::new();
    code.depth_in();
    code.docs(&method_docs(api, tag, op));
    if op.deprecated {
        ln!(code, "#[deprecated]");
    }
    // Optional parameters are `Option` arguments, so a long list is the spec's shape.
    if args.len() > 6 {
        ln!(code, "#[allow(clippy::too_many_arguments)]");
    }
    let receiver: Vec<String> = std::iter::once("&self".to_owned()).chain(args.iter().cloned()).collect();
    let generics = ["'c".to_owned(), success.clone(), error.clone()];
    code.generic_signature(&format!("pub fn {}", op.rust_name), &receiver, returns, &generics);
    let decode = binary.map_or_else(|| decode_fn(op.success.kind), |(_, d)| d).to_owned();
    let new_args = [
        "self.client".to_owned(),
        format!("reqwest::Method::{}", op.method.as_str().to_ascii_uppercase()),
        string(&op.path),
        decode,
    ];
    let head = if mutable { "let mut request = crate::Request::new" } else { "let request = crate::Request::new" };
    code.call(head, &new_args, ";");
    param_calls(&mut code, op);
    if let Some(ct) = accept {
        set(&mut code, &format!(".header(\"Accept\", {})", string(ct)));
    }
    if sensitive {
        set(&mut code, ".sensitive_response()");
    }
    if no_replay {
        set(&mut code, ".no_replay()");
    }
    if let Some(b) = &op.body {
        if !b.required {
            code.open(format_args!("if let Some(body) = body {{"));
        }
        // Constraints are checked first, so their message is the one reported.
        validation.call_on_body(&mut code, &b.ty, "body");
        match b.kind {
            BodyKind::Json => set(&mut code, ".json(&body)"),
            BodyKind::Text => set(&mut code, ".text(body)"),
            _ => set(&mut code, &format!(".bytes(body, {})", string(&b.content_type))),
        }
        if !b.required {
            code.close("}");
        }
    }
    ln!(code, "{tail}");
    code.close("}");
    let mut out = vec![super::code::member(code.finish(), source)?];
    if let Some(s) = &op.stream {
        // The event-stream method is made as tokens: the texts above are our own and lex.
        let lexed: Vec<TokenStream> = args.iter().map(|a| a.parse().unwrap_or_default()).collect();
        let (success, error) = (success.parse().unwrap_or_default(), error.parse().unwrap_or_default());
        out.push(Member::Tokens(super::stream::method(op, s, &lexed, &success, &error, sp)));
    }
    Ok(out)
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
