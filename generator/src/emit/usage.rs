//! "Example Usage" programs: Rust expressions built from the spec's example values, written as
//! `examples/<tag>_<operation>.rs`, which the Markdown docs embed verbatim.

use super::features::{cfg, Features};
use super::tokens::{ident, skip_rustfmt, Spelling};
use crate::ir::*;
use crate::names::Case;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use serde_json::Value;
use std::collections::BTreeSet;
use std::str::FromStr;

/// Builds expressions for one program, remembering which models it names.
pub(super) struct Builder<'a> {
    api: &'a Api,
    /// The program imports the models it names; a model called `Box` or `Vec` shadows the
    /// prelude's, which are then spelled by path.
    sp: Spelling,
    models: BTreeSet<String>,
    /// Guards against examples of recursive types.
    depth: usize,
    /// The value goes where its type cannot be inferred: spell parse targets out.
    explicit: bool,
}

impl Builder<'_> {
    /// An expression of type `ty` for `value`, or a placeholder when `value` is `None` or
    /// does not fit the type.
    fn expr(&mut self, ty: &TypeRef, value: Option<&Value>) -> TokenStream {
        self.try_expr(ty, value).unwrap_or_else(|| self.placeholder(ty))
    }

    fn try_expr(&mut self, ty: &TypeRef, value: Option<&Value>) -> Option<TokenStream> {
        let v = value?;
        Some(match ty {
            TypeRef::Primitive(p) => match (p, v) {
                (Primitive::String, Value::String(s)) => quote!(#s.to_owned()),
                (Primitive::Secret, Value::String(s)) => quote!(#s.into()),
                (Primitive::DateTime | Primitive::Date | Primitive::Uuid | Primitive::Url, Value::String(s)) => {
                    // A setter taking `impl Into<Nullable<T>>` cannot infer what to parse into.
                    if self.explicit {
                        let ty = self.sp.ty(ty);
                        quote!(#s.parse::<#ty>()?)
                    } else {
                        quote!(#s.parse()?)
                    }
                }
                (Primitive::I32 | Primitive::I64, Value::Number(n)) => {
                    let lit = Literal::i64_unsuffixed(n.as_i64()?);
                    quote!(#lit)
                }
                (Primitive::F32 | Primitive::F64, Value::Number(n)) => {
                    let lit = Literal::f64_unsuffixed(n.as_f64()?);
                    quote!(#lit)
                }
                (Primitive::Bool, Value::Bool(b)) => quote!(#b),
                (Primitive::Json, v) => json_macro(v)?,
                (Primitive::Bytes, Value::String(s)) => quote!(#s.as_bytes().to_vec()),
                _ => return None,
            },
            TypeRef::Array(item) => {
                let items = v.as_array()?.iter().map(|i| self.expr(item, Some(i))).collect::<Vec<_>>();
                quote!(vec![#(#items),*])
            }
            TypeRef::Map(value_ty) => {
                let obj = v.as_object()?;
                if **value_ty == TypeRef::Primitive(Primitive::Json) {
                    let json = json_macro(v)?;
                    quote!(#json.as_object().cloned().unwrap_or_default())
                } else {
                    let pairs = obj.iter().map(|(k, x)| {
                        let x = self.expr(value_ty, Some(x));
                        quote!((#k.to_owned(), #x))
                    });
                    quote!(std::collections::BTreeMap::from([#(#pairs),*]))
                }
            }
            TypeRef::Named(id) => self.named(id, Some(v))?,
        })
    }

    fn named(&mut self, id: &str, v: Option<&Value>) -> Option<TokenStream> {
        let def = self.api.types.get(id)?;
        if self.depth > 8 {
            return None;
        }
        self.depth += 1;
        let out = self.named_inner(def, v);
        self.depth -= 1;
        out
    }

    fn named_inner(&mut self, def: &TypeDef, v: Option<&Value>) -> Option<TokenStream> {
        let name = ident(&def.rust_name);
        let v = v.or(def.example.as_ref());
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                // No example of the whole object: assemble one from the properties' examples.
                let assembled: Option<serde_json::Map<String, Value>> = v
                    .is_none()
                    .then(|| fields.iter().filter_map(|f| Some((f.wire_name.clone(), f.example.clone()?))).collect());
                let obj = v.and_then(Value::as_object).or(assembled.as_ref());
                self.models.insert(def.rust_name.clone());
                let mut args = Vec::new();
                let mut setters = Vec::new();
                for f in fields {
                    let given = obj.and_then(|o| o.get(&f.wire_name));
                    let inner = |b: &mut Self, val: Option<&Value>| {
                        let e = match val {
                            Some(_) => b.expr(&f.ty, val),
                            // No example: a placeholder that `validate()` accepts.
                            None => b.placeholder_within(&f.ty, &f.constraints),
                        };
                        if f.boxed {
                            let boxed = b.sp.prelude_item("Box");
                            quote!(#boxed::new(#e))
                        } else {
                            e
                        }
                    };
                    if f.required && !f.nullable {
                        args.push(inner(self, given));
                    } else if let Some(val) = given {
                        let setter = ident(&crate::names::setter(&f.rust_name));
                        if val.is_null() {
                            if f.nullable && !f.required {
                                setters.push(quote!(.#setter(openrouter::Nullable::Null)));
                            }
                        } else {
                            self.explicit = f.nullable && !f.required;
                            let e = inner(self, Some(val));
                            self.explicit = false;
                            setters.push(quote!(.#setter(#e)));
                        }
                    }
                }
                Some(quote!(#name::new(#(#args),*) #(#setters)*))
            }
            TypeKind::Enum { variants } => {
                self.models.insert(def.rust_name.clone());
                let wanted = v.or_else(|| variants.first().map(|x| &x.wire))?;
                match variants.iter().find(|x| &x.wire == wanted) {
                    Some(x) => {
                        let vn = ident(&x.rust_name);
                        Some(quote!(#name::#vn))
                    }
                    None => match wanted {
                        Value::String(s) => Some(quote!(#name::from(#s))),
                        Value::Number(n) => {
                            let lit = Literal::i64_unsuffixed(n.as_i64()?);
                            Some(quote!(#name::from(#lit)))
                        }
                        _ => None,
                    },
                }
            }
            TypeKind::Union { variants, .. } => {
                let Some(v) = v else {
                    // No example: the first branch, with a value of its own.
                    let x = variants.first()?;
                    let (vn, e) = (ident(&x.rust_name), self.placeholder(&x.ty));
                    self.models.insert(def.rust_name.clone());
                    return Some(quote!(#name::#vn(#e)));
                };
                self.models.insert(def.rust_name.clone());
                for x in variants {
                    if fits(self.api, &x.ty, v) {
                        if let Some(e) = self.try_expr(&x.ty, Some(v)) {
                            let vn = ident(&x.rust_name);
                            return Some(quote!(#name::#vn(#e)));
                        }
                    }
                }
                let json = json_macro(v)?;
                Some(quote!(#name::Other(#json)))
            }
            TypeKind::Alias(t) => {
                let t = t.clone();
                Some(self.expr(&t, v))
            }
        }
    }

    /// A placeholder that meets the field's constraints where the plain one would not: as
    /// many items as `minItems` asks, a number at its lower bound.
    fn placeholder_within(&mut self, ty: &TypeRef, c: &Constraints) -> TokenStream {
        match ty {
            TypeRef::Array(item) if c.min_items.unwrap_or(0) > 0 => {
                let items: Vec<TokenStream> =
                    (0..c.min_items.unwrap_or(0).min(16)).map(|_| self.placeholder(item)).collect();
                quote!(vec![#(#items),*])
            }
            TypeRef::Primitive(p @ (Primitive::I32 | Primitive::I64 | Primitive::F32 | Primitive::F64)) => {
                let low = match c.minimum {
                    Some((m, exclusive)) if m > 0.0 || (m == 0.0 && exclusive) => m + if exclusive { 1.0 } else { 0.0 },
                    _ => return self.placeholder(ty),
                };
                if !low.is_finite() {
                    return self.placeholder(ty);
                }
                if matches!(p, Primitive::I32 | Primitive::I64) {
                    let lit = Literal::i64_unsuffixed(low.ceil() as i64);
                    quote!(#lit)
                } else {
                    let lit = Literal::f64_unsuffixed(low);
                    quote!(#lit)
                }
            }
            TypeRef::Primitive(Primitive::String) if c.min_length.unwrap_or(0) > "example".len() => {
                let text = "x".repeat(c.min_length.unwrap_or(0).min(4096));
                quote!(#text.to_owned())
            }
            _ => self.placeholder(ty),
        }
    }

    /// A value of the right type when the spec gives no example.
    pub(super) fn placeholder(&mut self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Primitive(p) => match p {
                Primitive::String => quote!("example".to_owned()),
                Primitive::Secret => quote!("example".into()),
                Primitive::DateTime => quote!("2025-01-01T00:00:00Z".parse()?),
                Primitive::Date => quote!("2025-01-01".parse()?),
                Primitive::Uuid => quote!("00000000-0000-0000-0000-000000000000".parse()?),
                Primitive::Url => quote!("https://example.com".parse()?),
                Primitive::I32 | Primitive::I64 => quote!(0),
                Primitive::F32 | Primitive::F64 => quote!(0.0),
                Primitive::Bool => quote!(false),
                Primitive::Json => quote!(serde_json::Value::Null),
                Primitive::Bytes => {
                    let vec = self.sp.prelude_item("Vec");
                    quote!(#vec::new())
                }
            },
            TypeRef::Array(_) => {
                let vec = self.sp.prelude_item("Vec");
                quote!(#vec::new())
            }
            TypeRef::Map(_) => {
                let default = self.sp.prelude_item("Default");
                quote!(#default::default())
            }
            TypeRef::Named(id) => {
                let default = self.sp.prelude_item("Default");
                self.named(id, None).unwrap_or_else(|| quote!(#default::default()))
            }
        }
    }
}

/// Whether a JSON value has the shape of a type (for picking a union branch).
fn fits(api: &Api, ty: &TypeRef, v: &Value) -> bool {
    match ty {
        TypeRef::Primitive(p) => match p {
            Primitive::String
            | Primitive::Secret
            | Primitive::DateTime
            | Primitive::Date
            | Primitive::Uuid
            | Primitive::Url => v.is_string(),
            Primitive::I32 | Primitive::I64 => v.is_i64() || v.is_u64(),
            Primitive::F32 | Primitive::F64 => v.is_number(),
            Primitive::Bool => v.is_boolean(),
            Primitive::Json => true,
            Primitive::Bytes => v.is_string(),
        },
        TypeRef::Array(item) => v.as_array().is_some_and(|xs| xs.iter().all(|x| fits(api, item, x))),
        TypeRef::Map(_) => v.is_object(),
        TypeRef::Named(id) => match api.types.get(id).map(|d| &d.kind) {
            // Every required property there, and every property given fits its field (so a
            // `type: langfuse` example does not pick the branch whose `type` is `arize`).
            Some(TypeKind::Struct { fields, .. }) => v.as_object().is_some_and(|o| {
                fields.iter().all(|f| match o.get(&f.wire_name) {
                    None => !f.required,
                    Some(Value::Null) => f.nullable || !f.required,
                    Some(x) => fits(api, &f.ty, x),
                })
            }),
            Some(TypeKind::Enum { variants }) => variants.iter().any(|x| &x.wire == v),
            Some(TypeKind::Alias(t)) => fits(api, t, v),
            Some(TypeKind::Union { .. }) | None => true,
        },
    }
}

fn json_macro(v: &Value) -> Option<TokenStream> {
    let tokens = TokenStream::from_str(&v.to_string()).ok()?;
    Some(quote!(serde_json::json!(#tokens)))
}

/// How the operation is reached from a client: `client.chat().completions().send`.
pub fn call_chain(tag: &Tag, op: &Operation) -> String {
    let groups: String = op.group.iter().map(|g| format!("{g}().")).collect();
    format!("client.{}().{groups}{}", tag.module, op.rust_name)
}

/// Where an operation's example program is written.
pub fn example_path(tag: &Tag, op: &Operation) -> String {
    format!("examples/{}_{}.rs", tag.module, op.rust_name)
}

/// One runnable example program for an operation: (file path, source without header).
pub fn operation_example(api: &Api, tag: &Tag, op: &Operation) -> Option<(String, String)> {
    let first = program(api, tag, op, Spelling::outside(TokenStream::new(), []))?;
    // Built again when an imported model shadows a prelude name the program uses.
    let code = match first.1.is_empty() {
        true => first.0,
        false => program(api, tag, op, Spelling::outside(TokenStream::new(), first.1.iter().map(String::as_str)))?.0,
    };
    Some((example_path(tag, op), code))
}

/// `examples/<tag>_<operation>_stream.rs`: the streaming method's program.
pub fn stream_example_path(tag: &Tag, stream: &EventStream) -> String {
    format!("examples/{}_{}.rs", tag.module, stream.rust_name)
}

/// The example program of an operation's streaming method, when it has one.
pub fn stream_example(api: &Api, tag: &Tag, op: &Operation) -> Option<(String, String)> {
    let stream = op.stream.as_ref()?;
    let first = program_of(api, tag, op, Spelling::outside(TokenStream::new(), []), Some(stream))?;
    let code = match first.1.is_empty() {
        true => first.0,
        false => {
            let sp = Spelling::outside(TokenStream::new(), first.1.iter().map(String::as_str));
            program_of(api, tag, op, sp, Some(stream))?.0
        }
    };
    Some((stream_example_path(tag, stream), code))
}

/// The `let`s that build an operation's arguments from the spec's examples (placeholders
/// where it has none), and the call expression `client.tag().group().op(args)`, without
/// `.await` (a download or an item walk continues the chain).
fn call(b: &mut Builder, tag: &Tag, op: &Operation) -> (Vec<TokenStream>, TokenStream) {
    call_of(b, tag, op, &op.rust_name)
}

/// [`call`] of the method `method` (the operation's or its streaming form).
fn call_of(b: &mut Builder, tag: &Tag, op: &Operation, method: &str) -> (Vec<TokenStream>, TokenStream) {
    let module = ident(&tag.module);
    let method = ident(method);
    let mut lets = Vec::new();
    let mut args = Vec::new();
    // Arguments in the method's order: required ones get a value, optional ones `None`.
    for p in &op.params {
        if p.required {
            let n = ident(&p.rust_name);
            let e = match (&p.example, p.location) {
                // A path segment cannot be empty: a list gets one item.
                (None, ParamLocation::Path) => {
                    b.placeholder_within(&p.ty, &Constraints { min_items: Some(1), ..Constraints::default() })
                }
                (example, _) => b.expr(&p.ty, example.as_ref()),
            };
            lets.push(quote!(let #n = #e;));
            args.push(quote!(#n));
        } else {
            args.push(quote!(None));
        }
    }
    if let Some(body) = &op.body {
        let example = body.examples.first().cloned().or_else(|| match &body.ty {
            TypeRef::Named(id) => b.api.types.get(id).and_then(|d| d.example.clone()),
            _ => None,
        });
        let e = b.expr(&body.ty, example.as_ref());
        let e = if body.required { e } else { quote!(Some(#e)) };
        lets.push(quote!(let body = #e;));
        args.push(quote!(body));
    }
    if let Some((let_form, arg)) = super::bodies::form_example(b, op) {
        lets.push(let_form);
        args.push(arg);
    }
    let groups = op.group.iter().map(|g| ident(g));
    (lets, quote!(client.#module()#(.#groups())*.#method(#(#args),*)))
}

/// The program's code, and the imported models that shadow a prelude name.
fn program(api: &Api, tag: &Tag, op: &Operation, sp: Spelling) -> Option<(String, Vec<String>)> {
    program_of(api, tag, op, sp, None)
}

/// [`program`], or with `stream` the program of the streaming method: it prints each event
/// as it arrives and honors `OPENROUTER_BASE_URL`, so it can run against a local server.
fn program_of(
    api: &Api,
    tag: &Tag,
    op: &Operation,
    sp: Spelling,
    stream: Option<&EventStream>,
) -> Option<(String, Vec<String>)> {
    let mut b = Builder { api, sp, models: BTreeSet::new(), depth: 0, explicit: false };
    // A list is shown walking every page; a binary body, streamed; an event stream, event by
    // event.
    let walk = super::bodies::items_operation(op);
    let (lets, call) = match stream {
        None => call(&mut b, tag, walk.as_ref().unwrap_or(op)),
        Some(s) => call_of(&mut b, tag, op, &s.rust_name),
    };
    let models: Vec<Ident> = b.models.iter().map(|m| ident(m)).collect();
    let shadowing: Vec<String> = b.models.iter().filter(|m| Spelling::is_prelude(m)).cloned().collect();
    let (result_ty, boxed) = (b.sp.prelude_item("Result"), b.sp.prelude_item("Box"));
    let uses = (!models.is_empty()).then(|| quote!(use openrouter::models::{#(#models),*};));
    let summary = op.summary.clone().unwrap_or_else(|| format!("{} {}", op.method, op.path));
    let mut chain = call_chain(tag, op);
    if let Some(s) = stream {
        chain = format!("{}{}", chain.strip_suffix(op.rust_name.as_str()).unwrap_or(&chain), s.rust_name);
    }
    let doc = format!(" Example: {} (`{chain}`).", summary.trim_end_matches('.'));
    let result = if stream.is_some() {
        quote! {
            let mut stream = #call;
            while let Some(item) = stream.next().await {
                match item? {
                    openrouter::StreamItem::Event(event) => println!("{event:?}"),
                    // A server that cannot stream answers with the whole response.
                    openrouter::StreamItem::Complete(response) => println!("{response:#?}"),
                }
            }
        }
    } else if walk.is_some() {
        quote! {
            let mut items = #call;
            while let Some(item) = items.next_item().await {
                println!("{:#?}", item?);
            }
        }
    } else if op.success.kind == BodyKind::Bytes {
        quote! {
            let download = #call.download().await?;
            println!("{:?}, {:?} bytes", download.content_type(), download.content_length());
            download.write_to(&mut tokio::io::stdout()).await?;
        }
    } else if op.success.ty.is_some() {
        quote! {
            let response = #call.await?;
            println!("{response:#?}");
        }
    } else {
        quote!(#call.await?;)
    };
    // Showing a deprecated operation is still its documentation.
    let allow = op.deprecated.then(|| quote!(#![allow(deprecated)]));
    let skip = skip_rustfmt();
    let client = match stream {
        None => quote! {
            let client = openrouter::Client::builder()
                .api_key(std::env::var("OPENROUTER_API_KEY")?)
                .build()?;
        },
        Some(_) => quote! {
            let mut builder = openrouter::Client::builder().api_key(std::env::var("OPENROUTER_API_KEY")?);
            if let Ok(url) = std::env::var("OPENROUTER_BASE_URL") {
                builder = builder.base_url(url);
            }
            let client = builder.build()?;
        },
    };
    let tokens = quote! {
        #![doc = #doc]
        #skip
        #allow
        #uses

        #[tokio::main]
        async fn main() -> #result_ty<(), #boxed<dyn std::error::Error>> {
            #client
            #(#lets)*
            #result
            Ok(())
        }
    };
    let file = syn::parse2::<syn::File>(tokens).ok()?;
    let code = prettyplease::unparse(&file);
    // A blank line after the inner doc and before `#[tokio::main]`, as a person would write.
    let code = code.replacen("\nuse ", "\n\nuse ", 1).replacen("\n#[tokio::main]", "\n\n#[tokio::main]", 1);
    Some((code, shadowing))
}

/// `tests/operations.rs` of the generated crate: per tag, one operation called end to end
/// against a local wiremock server (the one with the fewest inputs, so the test depends least
/// on example data): the request goes out with the documented method and path, and a success
/// body built from the documented example (or a placeholder) decodes and encodes back to the
/// same JSON. `None` when no tag has an operation.
pub fn operations_tests(api: &Api, features: &Features) -> Option<TokenStream> {
    let mut modules = Vec::new();
    let mut deprecated = false;
    for tag in &api.tags {
        let inputs = |op: &&Operation| {
            (op.body.is_some() || op.bodies.form.is_some(), op.params.iter().filter(|p| p.required).count())
        };
        let Some(op) = tag.operations.iter().min_by_key(inputs) else { continue };
        deprecated |= op.deprecated;
        let first = tag_test(api, tag, op, Spelling::outside(TokenStream::new(), []));
        // Built again when an imported model shadows a prelude name the test uses.
        let (tokens, _) = match first.1.is_empty() {
            true => first,
            false => tag_test(api, tag, op, Spelling::outside(TokenStream::new(), first.1.iter().map(String::as_str))),
        };
        // A module per tag, compiled with the tag's feature: its imports go with it.
        let feature = features.of_tag(&tag.module);
        let gate = cfg(&[feature].into_iter().filter(|f| !f.is_empty()).collect::<Vec<_>>());
        let module = ident(&tag.module);
        modules.push(quote!(#gate mod #module { #tokens }));
    }
    if modules.is_empty() {
        return None;
    }
    // Calling a deprecated operation is how it is tested.
    let allow = deprecated.then(|| quote!(#![allow(deprecated)]));
    let skip = skip_rustfmt();
    Some(quote! {
        //! One operation of each tag called end to end against a local server: the request
        //! leaves with the documented method and path, and the documented success body decodes.
        #skip
        #allow

        #(#modules)*
    })
}

/// One tag's test with the imports it needs, and the imported models that shadow a prelude
/// name.
fn tag_test(api: &Api, tag: &Tag, op: &Operation, sp: Spelling) -> (TokenStream, Vec<String>) {
    let mut b = Builder { api, sp, models: BTreeSet::new(), depth: 0, explicit: false };
    let test = operation_test(&mut b, tag, op);
    let models: Vec<Ident> = b.models.iter().map(|m| ident(m)).collect();
    let shadowing: Vec<String> = b.models.iter().filter(|m| Spelling::is_prelude(m)).cloned().collect();
    let uses = (!models.is_empty()).then(|| quote!(use openrouter::models::{#(#models),*};));
    (quote!(#uses #test), shadowing)
}

fn operation_test(b: &mut Builder, tag: &Tag, op: &Operation) -> TokenStream {
    // One test per tag, and tag modules are unique: so are the names.
    let name = ident(&crate::names::sanitize(&format!("{} {} end to end", tag.module, op.rust_name), Case::Snake));
    let doc = format!(" `{}` (`{} {}`) against a local server.", call_chain(tag, op), op.method, op.path);
    let (lets, call) = call(b, tag, op);
    let status = Literal::u16_unsuffixed(match op.success.status {
        StatusMatch::Code(c) => c,
        _ => 200,
    });
    // Path parameters match any one segment: their encoding is the runtime's business.
    let mut pattern = String::from("^");
    for (i, piece) in op.path.split('{').enumerate() {
        let literal = match (i, piece.split_once('}')) {
            (0, _) | (_, None) => piece,
            (_, Some((_, rest))) => {
                pattern.push_str("[^/]+");
                rest
            }
        };
        pattern.push_str(&regex_escape(literal));
    }
    pattern.push('$');
    let method = op.method.as_str();
    let (expected, respond, check) = match (&op.success.ty, op.success.kind) {
        (Some(ty), BodyKind::Json) => {
            if let Some(id) = ty.named() {
                b.models.insert(id.to_owned());
            }
            let t = b.sp.ty(ty);
            let e = b.expr(ty, op.success.examples.first());
            (
                quote!(let expected: #t = #e;),
                quote!(.set_body_json(&expected)),
                quote! {
                    let (got, wanted) = (serde_json::to_value(&response)?, serde_json::to_value(&expected)?);
                    assert_eq!(got, wanted);
                },
            )
        }
        (Some(_), BodyKind::Text) => (
            quote!(let expected = "example text";),
            quote!(.set_body_string(expected)),
            quote!(assert_eq!(response, expected);),
        ),
        (Some(_), _) => (
            quote!(let expected = b"example bytes".to_vec();),
            quote!(.set_body_bytes(expected.clone())),
            quote!(assert_eq!(response, expected);),
        ),
        (None, _) => (quote!(), quote!(), quote!()),
    };
    let bind = op.success.ty.is_some().then(|| quote!(let response =));
    let (result_ty, boxed) = (b.sp.prelude_item("Result"), b.sp.prelude_item("Box"));
    quote! {
        #[doc = #doc]
        #[tokio::test]
        async fn #name() -> #result_ty<(), #boxed<dyn std::error::Error>> {
            let server = wiremock::MockServer::start().await;
            #expected
            wiremock::Mock::given(wiremock::matchers::method(#method))
                .and(wiremock::matchers::path_regex(#pattern))
                .respond_with(wiremock::ResponseTemplate::new(#status) #respond)
                .expect(1)
                .mount(&server)
                .await;
            let client = openrouter::Client::builder()
                .api_key("test-key")
                .base_url(server.uri())
                .no_retry()
                .build()?;
            #(#lets)*
            // The error is shown, not returned: the server's own check would hide it.
            #bind #call.await.unwrap_or_else(|e| panic!("the call failed: {e}"));
            #check
            Ok(())
        }
    }
}

/// `s` matched literally in a regular expression.
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
