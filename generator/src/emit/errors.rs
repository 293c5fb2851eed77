//! The error enum of one operation: a variant per documented error status with its typed
//! body, implementing the runtime's `ApiError`.

use super::tokens::{docs, ident, Spelling};
use crate::ir::*;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

/// The pieces one variant contributes to the enum and its impls.
struct Arms {
    variants: Vec<TokenStream>,
    decode: Vec<TokenStream>,
    status: Vec<TokenStream>,
    display: Vec<TokenStream>,
    /// Variants of statuses that carry `Retry-After` (429, 503).
    waits: Vec<Ident>,
}

/// `pub enum <Op>Error { … }` with `ApiError`, `Display` and `Error` impls.
pub fn error_enum(tag: &Tag, op: &Operation, sp: &Spelling) -> TokenStream {
    let name = ident(&op.error_name);
    // The sub-client whose method it is: the tag's, or its `x-speakeasy-group`'s.
    let owner = tag.groups.iter().find(|g| g.path == op.group).map_or(tag.client.as_str(), |g| g.client.as_str());
    let doc = format!(" The documented error answers of [`{owner}::{}`].", op.rust_name);
    let (option, result) = (&sp.prelude_item("Option"), &sp.prelude_item("Result"));
    if op.errors.is_empty() {
        return quote! {
            #[doc = #doc]
            ///
            /// The spec documents no error status for this operation.
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum #name {}

            impl crate::ApiError for #name {
                fn from_response(_status: u16, _body: &[u8]) -> #option<#result<Self, serde_json::Error>> {
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
    let mut arms =
        Arms { variants: Vec::new(), decode: Vec::new(), status: Vec::new(), display: Vec::new(), waits: Vec::new() };
    for e in &op.errors {
        variant(e, sp, &mut arms);
    }
    let Arms { variants, decode, status, display, waits } = arms;
    let retry_after = (!waits.is_empty()).then(|| {
        // When every variant keeps a `Retry-After`, the patterns are irrefutable.
        let all = waits.len() == op.errors.len();
        let others = (!all).then(|| quote!(_ => None,));
        let set = match all {
            true => quote! {
                let (#(Self::#waits { retry_after, .. })|*) = self;
                *retry_after = Some(after);
            },
            false => quote! {
                if let #(Self::#waits { retry_after, .. })|* = self {
                    *retry_after = Some(after);
                }
            },
        };
        quote! {
            fn retry_after(&self) -> #option<std::time::Duration> {
                match self {
                    #(Self::#waits { retry_after, .. })|* => *retry_after,
                    #others
                }
            }

            fn set_retry_after(&mut self, after: std::time::Duration) {
                #set
            }
        }
    });
    let has_catch_all = op.errors.iter().any(|e| e.response.status == StatusMatch::Default);
    let fallback = (!has_catch_all).then(|| quote!(_ => None,));
    let body_unused = op.errors.iter().all(|e| e.response.ty.is_none());
    let body_arg = if body_unused { quote!(_body) } else { quote!(body) };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl crate::ApiError for #name {
            fn from_response(status: u16, #body_arg: &[u8]) -> #option<#result<Self, serde_json::Error>> {
                match status {
                    #(#decode)*
                    #fallback
                }
            }

            fn status(&self) -> u16 {
                match self {
                    #(#status)*
                }
            }

            #retry_after
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#display)*
                }
            }
        }

        impl std::error::Error for #name {}
    }
}

/// The match pattern for a documented status: `409`, `500..=599`, `_`.
fn pattern(status: StatusMatch) -> TokenStream {
    match status {
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
    }
}

fn variant(e: &ErrorResponse, sp: &Spelling, out: &mut Arms) {
    let v = ident(&e.variant);
    let r = &e.response;
    let status_line = match r.status {
        StatusMatch::Default => "Any status not listed above.".to_owned(),
        s => format!("Status {s}."),
    };
    let d = docs(&[Some(&r.description)], &[status_line]);
    let fixed = match r.status {
        StatusMatch::Code(c) => Some(c),
        _ => None,
    };
    let pattern = pattern(r.status);
    let string = sp.prelude_item("String");
    let decode = match (&r.ty, r.kind) {
        (Some(_), BodyKind::Json) => quote!(serde_json::from_slice(body)),
        (Some(_), BodyKind::Text) => quote!(Ok(#string::from_utf8_lossy(body).into_owned())),
        (Some(_), _) => quote!(Ok(body.to_vec())),
        (None, _) => quote!(Ok(())),
    };
    let reason = heck::ToTitleCase::to_title_case(e.variant.as_str());
    let shown = match r.kind {
        BodyKind::Json => quote!(let body = serde_json::to_string(body).map_err(|_| std::fmt::Error)?;),
        BodyKind::Text => quote!(),
        _ => quote!(let body = format!("{} bytes", body.len());),
    };
    if let Some(c @ (429 | 503)) = fixed {
        // Statuses that ask the client to wait keep how long (`Retry-After`), when sent.
        let option = sp.prelude_item("Option");
        let (body_field, body_bind, text) = match &r.ty {
            Some(t) => {
                let ty = sp.ty(t);
                (
                    quote!(/// The decoded body.
                    body: #ty,),
                    quote!(body, ..),
                    format!("{} {reason}: {{body}}", r.status),
                )
            }
            None => (quote!(), quote!(..), format!("{} {reason}", r.status)),
        };
        out.variants.push(quote!(#d #v {
            #body_field
            /// How long the server asked to wait (`Retry-After`), when it said.
            retry_after: #option<std::time::Duration>,
        },));
        let decode = match &r.ty {
            Some(_) => quote!(#pattern => Some(#decode.map(|body| Self::#v { body, retry_after: None })),),
            None => quote!(#pattern => Some(Ok(Self::#v { retry_after: None })),),
        };
        out.decode.push(decode);
        let shown = if r.ty.is_some() { shown } else { quote!() };
        out.display.push(quote!(Self::#v { #body_bind } => { #shown write!(f, #text) }));
        let c = Literal::u16_unsuffixed(c);
        out.status.push(quote!(Self::#v { .. } => #c,));
        out.waits.push(v);
        return;
    }
    match (&r.ty, fixed) {
        (Some(t), Some(_)) => {
            let ty = sp.ty(t);
            let text = format!("{} {reason}: {{body}}", r.status);
            out.variants.push(quote!(#d #v(#ty),));
            out.decode.push(quote!(#pattern => Some(#decode.map(Self::#v)),));
            out.display.push(quote!(Self::#v(body) => { #shown write!(f, #text) }));
        }
        (Some(t), None) => {
            let ty = sp.ty(t);
            let text = format!("{{status}} {reason}: {{body}}");
            out.variants.push(quote!(#d #v {
                /// The status the server answered with.
                status: u16,
                /// The decoded body.
                body: #ty,
            },));
            out.decode.push(quote!(#pattern => Some(#decode.map(|body| Self::#v { status, body })),));
            out.display.push(quote!(Self::#v { status, body } => { #shown write!(f, #text) }));
        }
        (None, Some(_)) => {
            let text = format!("{} {reason}", r.status);
            out.variants.push(quote!(#d #v,));
            out.decode.push(quote!(#pattern => Some(Ok(Self::#v)),));
            out.display.push(quote!(Self::#v => f.write_str(#text),));
        }
        (None, None) => {
            let text = format!("{{status}} {reason}");
            out.variants.push(quote!(#d #v {
                /// The status the server answered with.
                status: u16,
            },));
            out.decode.push(quote!(#pattern => Some(Ok(Self::#v { status })),));
            out.display.push(quote!(Self::#v { status } => write!(f, #text),));
        }
    }
    let code = fixed.map(Literal::u16_unsuffixed);
    out.status.push(match (code, &r.ty) {
        (Some(c), Some(_)) => quote!(Self::#v(_) => #c,),
        (Some(c), None) => quote!(Self::#v => #c,),
        (None, _) => quote!(Self::#v { status, .. } => *status,),
    });
}
