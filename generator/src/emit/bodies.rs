//! What the emitters add for forms, binary and other media, and pagination: the tag
//! module's form types and extra methods, and the runtime files and dependencies they need.

use super::docs::doc_text;
use super::tokens::{docs, ident, Spelling};
use crate::ir::*;
use proc_macro2::TokenStream;
use quote::quote;

/// Which runtime pieces the API needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    /// A `multipart/form-data` form.
    pub forms: bool,
    /// A binary success body.
    pub downloads: bool,
    /// A paginated list.
    pub pages: bool,
}

impl Needs {
    /// What the operations of `api` use.
    pub fn of(api: &Api) -> Needs {
        let ops = || api.tags.iter().flat_map(|t| &t.operations);
        Needs {
            forms: ops().any(|o| o.bodies.form.is_some()),
            downloads: ops().any(|o| o.success.kind == BodyKind::Bytes),
            pages: ops().any(|o| o.bodies.pagination.is_some()),
        }
    }
}

/// The runtime files the API needs beyond the fixed ones, and the source of a fixed one:
/// `request.rs` declares its `bodies` child module only when uploads or downloads need it.
pub fn runtime_files(api: &Api) -> Vec<(&'static str, String)> {
    let needs = Needs::of(api);
    let mut files = Vec::new();
    if needs.forms {
        files.push(("src/multipart.rs", include_str!("../../../templates/runtime/multipart.rs")));
    }
    if needs.downloads {
        files.push(("src/download.rs", include_str!("../../../templates/runtime/download.rs")));
    }
    if needs.forms || needs.downloads {
        files.push(("src/request/bodies.rs", include_str!("../../../templates/runtime/request/bodies.rs")));
    }
    if needs.pages {
        files.push(("src/paginate.rs", include_str!("../../../templates/runtime/paginate.rs")));
    }
    files.into_iter().map(|(p, s)| (p, s.to_owned())).collect()
}

/// The source of the fixed runtime file at `path`.
pub fn runtime_source(api: &Api, path: &str, source: &str) -> String {
    let needs = Needs::of(api);
    match path == "src/request.rs" && (needs.forms || needs.downloads) {
        true => format!("{source}\n// Streamed request and response bodies (uploads, downloads).\nmod bodies;\n"),
        false => source.to_owned(),
    }
}

/// The crate root's module declarations and re-exports for them.
pub fn lib_items(api: &Api) -> TokenStream {
    let needs = Needs::of(api);
    let forms = needs.forms.then(|| {
        quote!(
            mod multipart;
            pub use multipart::{FilePart, Upload};
        )
    });
    let downloads = needs.downloads.then(|| {
        quote!(
            mod download;
            pub use download::Download;
        )
    });
    let pages = needs.pages.then(|| {
        quote!(
            mod paginate;
            pub use paginate::Items;
        )
    });
    quote!(#forms #downloads #pages)
}

/// The `reqwest` dependency line: multipart and streamed bodies only when used.
pub fn reqwest_spec(api: &Api, byte_stream: bool) -> &'static str {
    let needs = Needs::of(api);
    match (needs.forms, needs.downloads || byte_stream) {
        (false, false) => "{ version = \"0.12\", default-features = false, features = [\"rustls-tls\"] }",
        (true, _) => {
            "{ version = \"0.12\", default-features = false, features = [\"multipart\", \"rustls-tls\", \"stream\"] }"
        }
        (false, true) => "{ version = \"0.12\", default-features = false, features = [\"rustls-tls\", \"stream\"] }",
    }
}

/// The `tokio` dependency line.
pub fn tokio_spec(api: &Api) -> &'static str {
    let needs = Needs::of(api);
    match (needs.forms, needs.downloads) {
        (false, false) => "{ version = \"1\", features = [\"net\", \"time\"] }",
        (true, _) => "{ version = \"1\", features = [\"fs\", \"io-util\", \"net\", \"time\"] }",
        (false, true) => "{ version = \"1\", features = [\"io-util\", \"net\", \"time\"] }",
    }
}

/// The other dependencies the pieces need.
pub fn dependencies(api: &Api) -> Vec<(&'static str, &'static str)> {
    let needs = Needs::of(api);
    let mut deps = Vec::new();
    if needs.forms || needs.downloads {
        deps.push(("bytes", "\"1\""));
    }
    if needs.downloads || needs.pages {
        deps.push(("futures-core", "{ version = \"0.3\", default-features = false }"));
    }
    if needs.forms {
        deps.push(("tokio-util", "{ version = \"0.7\", default-features = false, features = [\"io\"] }"));
    }
    deps
}

/// The names the tag module declares for forms.
pub fn form_types(tag: &Tag) -> impl Iterator<Item = &str> {
    defined(tag).filter_map(|o| o.bodies.form.as_ref()).map(|f| f.type_name.as_str())
}

fn defined(tag: &Tag) -> impl Iterator<Item = &Operation> {
    tag.operations.iter().filter(move |o| o.home == tag.module)
}

/// The success type and decoder of a binary response (`bytes::Bytes`), if it is one.
pub fn binary_success(op: &Operation) -> Option<(&'static str, &'static str)> {
    (op.success.kind == BodyKind::Bytes).then_some(("bytes::Bytes", "crate::download::bytes"))
}

/// The operations to emit a method for: the operation itself, its form method when the
/// form sits beside a JSON body, and one method per other success media type. Each is an
/// operation of its own for `operation_method`, which spells forms and `Accept` from it.
pub fn method_variants(op: &Operation) -> Vec<Operation> {
    let mut out = vec![op.clone()];
    if let Some(form) = op.bodies.form.as_ref().filter(|f| f.method != op.rust_name) {
        let mut o = op.clone();
        o.rust_name = form.method.clone();
        o.body = None;
        o.bodies.alternatives.clear();
        o.bodies.pagination = None;
        out.push(o);
    }
    for alt in &op.bodies.alternatives {
        let mut o = op.clone();
        o.rust_name = alt.method.clone();
        o.success.content_type = Some(alt.content_type.clone());
        o.success.kind = alt.kind;
        o.success.ty = Some(TypeRef::Primitive(match alt.kind {
            BodyKind::Text => Primitive::String,
            BodyKind::Json => Primitive::Json,
            _ => Primitive::Bytes,
        }));
        o.success.examples.clear();
        o.bodies.form = None;
        o.bodies.pagination = None;
        // Kept only to say the method asks for its media type with `Accept`.
        o.bodies.alternatives = vec![alt.clone()];
        out.push(o);
    }
    out
}

/// The `Accept` header of a method whose response comes in more than one media type.
pub fn accept_type(op: &Operation) -> Option<&str> {
    op.success.content_type.as_deref().filter(|_| !op.bodies.alternatives.is_empty())
}

/// What a method variant adds to the spec's docs.
pub fn doc_lines(op: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    if op.success.kind == BodyKind::Bytes {
        lines.push(
            "The body is binary: `.await` gives it whole as [`bytes::Bytes`]; \
             [`download`](crate::Request::download) streams it and tells its content type and length."
                .to_owned(),
        );
    }
    if let Some(form) = op.bodies.form.as_ref().filter(|f| f.method == op.rust_name) {
        lines.push(format!("Sends the form [`{}`] as `multipart/form-data`, streamed.", form.type_name));
    }
    if let (Some(ct), false) = (&op.success.content_type, op.bodies.alternatives.is_empty()) {
        lines.push(format!("Asks for `{ct}` (`Accept`)."));
    }
    if let Some(p) = &op.bodies.pagination {
        lines.push(format!("One page; [`{}`](Self::{}) walks every page.", p.method, p.method));
    }
    lines
}

/// The form argument of a form method (`form: crate::api::files::UploadForm`).
pub fn form_arg(op: &Operation) -> Option<String> {
    let form = op.bodies.form.as_ref().filter(|f| f.method == op.rust_name)?;
    Some(format!("form: crate::api::{}::{}", op.home, form.type_name))
}

/// The form types the tag module defines.
pub fn form_defs(tag: &Tag, sp: &Spelling) -> Vec<TokenStream> {
    defined(tag).filter_map(|op| Some(form_def(op, op.bodies.form.as_ref()?, sp))).collect()
}

fn form_def(op: &Operation, form: &Form, sp: &Spelling) -> TokenStream {
    let name = ident(&form.type_name);
    let option = sp.prelude_item("Option");
    let file = quote!(crate::FilePart);
    let ty = |f: &FormField| match &f.ty {
        None => file.clone(),
        Some(t) => sp.ty(t),
    };
    let fields = form.fields.iter().map(|f| {
        let (n, t) = (ident(&f.rust_name), ty(f));
        let t = if f.required { t } else { quote!(#option<#t>) };
        let fallback = format!("The `{}` part{}.", f.wire_name, if f.ty.is_none() { " (a file)" } else { "" });
        let ours = if f.required { vec![] } else { vec!["(optional)".to_owned()] };
        let d = docs(&[f.description.as_deref().or(Some(fallback.as_str()))], &ours);
        quote!(#d pub #n: #t,)
    });
    let required: Vec<&FormField> = form.fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let (n, t) = (ident(&f.rust_name), ty(f));
        quote!(#n: #t)
    });
    let inits = form.fields.iter().map(|f| {
        let n = ident(&f.rust_name);
        if f.required {
            quote!(#n)
        } else {
            quote!(#n: #option::None)
        }
    });
    let writes = form.fields.iter().map(|f| {
        let (n, wire) = (ident(&f.rust_name), &f.wire_name);
        let write = match f.ty {
            None => quote!(parts.file(#wire, value);),
            Some(_) => quote!(parts.text(#wire, &value)?;),
        };
        match f.required {
            true => quote!({ let value = self.#n; #write }),
            false => quote!(if let #option::Some(value) = self.#n { #write }),
        }
    });
    let doc = format!(
        " The `multipart/form-data` body of `{} {}`; file parts are [`FilePart`](crate::FilePart)s, streamed when sent.",
        op.method, op.path
    );
    let result = sp.prelude_item("Result");
    let string = sp.prelude_item("String");
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// A form with the required parts; set the others on the fields.
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }

            /// The parts in spec order, or why a value cannot be written as text.
            pub(crate) fn into_parts(self) -> #result<crate::multipart::Parts, #string> {
                let mut parts = crate::multipart::Parts::default();
                #(#writes)*
                #result::Ok(parts)
            }
        }
    }
}

/// The item-stream method of a paginated operation, calling its page method per page.
pub fn items_method(op: &Operation, error: &TokenStream, sp: &Spelling) -> Option<TokenStream> {
    let p = op.bodies.pagination.as_ref()?;
    let page_ty = sp.ty(op.success.ty.as_ref()?);
    let item_ty = sp.ty(&p.item_ty);
    let option = sp.prelude_item("Option");
    let (walked, limit) = match &p.style {
        PageStyle::OffsetLimit { offset, limit } => (offset, limit.as_ref()),
        PageStyle::Cursor { param } => (param, None),
    };
    let param_ty = |name: &str| op.params.iter().find(|x| x.rust_name == name);
    // The page method's arguments: the walked one from the closure, the rest cloned per page.
    let args: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|x| &x.rust_name != walked)
        .map(|x| {
            let (n, ty) = (ident(&x.rust_name), sp.ty(&x.ty));
            match x.required {
                true => quote!(#n: #ty),
                false => quote!(#n: #option<#ty>),
            }
        })
        .collect();
    let call_args = op.params.iter().map(|x| {
        let n = ident(&x.rust_name);
        let value = match (&x.rust_name == walked, &p.style, &x.ty) {
            (true, PageStyle::OffsetLimit { .. }, TypeRef::Primitive(Primitive::I32)) => {
                quote!(i32::try_from(position).unwrap_or(i32::MAX))
            }
            (true, PageStyle::OffsetLimit { .. }, _) => quote!(i64::try_from(position).unwrap_or(i64::MAX)),
            (true, PageStyle::Cursor { .. }, _) => quote!(position),
            (false, ..) => return quote!(#n.clone()),
        };
        match (x.required, &p.style) {
            (true, PageStyle::Cursor { .. }) => quote!(position.unwrap_or_default()),
            (true, _) => value,
            (false, PageStyle::Cursor { .. }) => value,
            (false, _) => quote!(#option::Some(#value)),
        }
    });
    let page_method = ident(&op.rust_name);
    let fetch = quote!(move |position| this.#page_method(#(#call_args),*));
    let page_size = match limit.and_then(|l| param_ty(l)) {
        Some(l) => {
            let n = ident(&l.rust_name);
            match l.required {
                true => quote!(u64::try_from(#n).ok()),
                false => quote!(#n.and_then(|n| u64::try_from(n).ok())),
            }
        }
        None => quote!(#option::None),
    };
    let take = |presence: Presence, field: &TokenStream| match presence {
        Presence::Plain => quote!(#field),
        Presence::Optional => quote!(#field.unwrap_or_default()),
        Presence::Nullable => quote!(#field.into_option().unwrap_or_default()),
    };
    let next = |shape: &PageShape, page: &TokenStream| match &shape.next {
        None => quote!(#option::None),
        Some((field, presence)) => {
            let f = ident(field);
            match presence {
                Presence::Plain => quote!(#option::Some(#page.#f)),
                Presence::Optional => quote!(#page.#f),
                Presence::Nullable => quote!(#page.#f.into_option()),
            }
        }
    };
    let parts_of = |shape: &PageShape, page: TokenStream| {
        let items = ident(&shape.items.0);
        let items = take(shape.items.1, &quote!(#page.#items));
        let next = next(shape, &page);
        quote!((#items, #next))
    };
    let result = sp.prelude_item("Result");
    let parts = match p.pages.as_slice() {
        [shape @ PageShape { variant: None, .. }] => {
            let parts = parts_of(shape, quote!(page));
            quote!(|page: #page_ty| #result::Ok(#parts))
        }
        shapes => {
            let arms = shapes.iter().filter_map(|s| {
                let v = ident(s.variant.as_ref()?);
                let parts = parts_of(s, quote!(page));
                Some(quote!(#page_ty::#v(page) => #result::Ok(#parts),))
            });
            let message = "this page's shape holds no items and cursor the walk can follow";
            quote!(|page: #page_ty| match page { #(#arms)* _ => #result::Err(#message.into()) })
        }
    };
    let constructor = match p.style {
        PageStyle::OffsetLimit { .. } => quote!(crate::paginate::Items::offset(#page_size, #fetch, #parts)),
        PageStyle::Cursor { .. } => quote!(crate::paginate::Items::cursor(#fetch, #parts)),
    };
    let name = ident(&p.method);
    let how = match &p.style {
        PageStyle::OffsetLimit { offset, .. } => format!(
            "The stream sets `{offset}`, advancing by each page's length, and stops after a page shorter than \
             the limit you pass (else than the first page) or an empty one."
        ),
        PageStyle::Cursor { .. } => {
            "The stream passes each page's cursor to the next request and stops when a page has none.".to_owned()
        }
    };
    let doc = docs(
        &[],
        &[
            format!("Every item of [`{}`](Self::{}), page after page, as a stream.", op.rust_name, op.rust_name),
            doc_text(&how),
            "Each page is one request with the options set on the returned [`Items`](crate::Items), retried as any \
             request; the first error is yielded and ends the stream."
                .to_owned(),
        ],
    );
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    Some(quote! {
        #doc
        #deprecated
        #[allow(deprecated, clippy::clone_on_copy, clippy::too_many_arguments)]
        pub fn #name(&self, #(#args),*) -> crate::Items<'c, #page_ty, #item_ty, #error> {
            let this = *self;
            #constructor
        }
    })
}

/// The form argument of an example call: a `let` building the form (file parts from bytes,
/// text parts from placeholders) and the argument.
pub(super) fn form_example(b: &mut super::usage::Builder, op: &Operation) -> Option<(TokenStream, TokenStream)> {
    let form = op.bodies.form.as_ref().filter(|f| f.method == op.rust_name)?;
    let (home, name) = (ident(&op.home), ident(&form.type_name));
    let ty = quote!(openrouter::api::#home::#name);
    let args: Vec<TokenStream> = form
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| match &f.ty {
            None => quote!(openrouter::FilePart::bytes(b"example".to_vec()).file_name("example.txt")),
            Some(t) => b.placeholder(t),
        })
        .collect();
    Some((quote!(let form = #ty::new(#(#args),*);), quote!(form)))
}

/// The items method as an operation of its own (for its example): the walked parameter gone.
pub(super) fn items_operation(op: &Operation) -> Option<Operation> {
    let p = op.bodies.pagination.as_ref()?;
    let walked = match &p.style {
        PageStyle::OffsetLimit { offset, .. } => offset,
        PageStyle::Cursor { param } => param,
    };
    let mut o = op.clone();
    o.params.retain(|x| &x.rust_name != walked);
    o.rust_name = p.method.clone();
    Some(o)
}

/// What a tag page says about an operation's uploads, downloads, other media and item stream
/// (the example program above it shows the call).
pub fn page_notes(op: &Operation) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(form) = &op.bodies.form {
        let parts: Vec<String> = form
            .fields
            .iter()
            .map(|f| {
                let what = match &f.ty {
                    None => "a file: `FilePart::bytes`, `::path` or `::reader`, with `.file_name(..)` and `.content_type(..)`".to_owned(),
                    Some(t) => format!("`{}`", super::tokens::type_name(t)),
                };
                format!("`{}` ({what}{})", f.rust_name, if f.required { ", required" } else { "" })
            })
            .collect();
        notes.push(format!(
            "**Upload**: `{}(.., form)` sends a `{}` as `multipart/form-data`, streamed part by part (a file \
             from a path is read while sending, never whole in memory; a streamed body is sent once, not \
             retried). Parts: {}.",
            form.method,
            form.type_name,
            parts.join("; ")
        ));
    }
    if op.success.kind == BodyKind::Bytes {
        let ct = op.success.content_type.as_deref().unwrap_or("binary");
        notes.push(format!(
            "**Download** (`{ct}`): `.await` gives the body whole as `bytes::Bytes`; `.download().await` gives an \
             `openrouter::Download` as soon as the headers arrive, with `content_type()` (the type the server \
             sent) and `content_length()`, read with `chunk()`, as a `Stream`, or `write_to(&mut writer)` into \
             any `tokio::io::AsyncWrite`."
        ));
    }
    for alt in &op.bodies.alternatives {
        notes.push(format!(
            "**Also as `{}`**: `{}(..)` takes the same arguments and asks for it with `Accept`; this method asks \
             for `{}`.",
            alt.content_type,
            alt.method,
            op.success.content_type.as_deref().unwrap_or_default()
        ));
    }
    if let Some(p) = &op.bodies.pagination {
        let how = match &p.style {
            PageStyle::OffsetLimit { offset, .. } => {
                format!("sets `{offset}` page after page and stops after a short or empty page")
            }
            PageStyle::Cursor { .. } => "follows each page's cursor until there is none".to_owned(),
        };
        notes.push(format!(
            "**Item stream**: `{}(..)` (the arguments without the one it walks) returns `openrouter::Items` of \
             `{}`, a `Stream` that {how}; `.next_item().await` reads it without other crates. Per-page options: \
             `.timeout(..)`, `.header(..)`, `.retry(..)`; each page is retried as any request, and the first \
             error is yielded and ends the stream.",
            p.method,
            super::tokens::type_name(&p.item_ty)
        ));
    }
    notes
}
