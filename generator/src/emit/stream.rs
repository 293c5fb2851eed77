//! The streaming method of an operation whose success response offers server-sent events:
//! the plain call, handed to the runtime's `EventStream` with the end-of-stream marker and
//! the body field that asks for a stream.

use super::tokens::{docs, ident, Spelling};
use crate::ir::{EventStream, Operation};
use proc_macro2::TokenStream;
use quote::quote;

/// `<operation>_stream(..)`: the same arguments as the plain method (`args`, declared), which
/// it calls; `success` and `error` are the plain method's type parameters.
pub fn method(
    op: &Operation,
    stream: &EventStream,
    args: &[TokenStream],
    success: &TokenStream,
    error: &TokenStream,
    sp: &Spelling,
) -> TokenStream {
    let name = ident(&stream.rust_name);
    let plain = ident(&op.rust_name);
    let event = sp.ty(&stream.event);
    let option = sp.prelude_item("Option");
    let names = op.params.iter().map(|p| ident(&p.rust_name)).chain(op.body.as_ref().map(|_| ident("body")));
    let sentinel = match &stream.sentinel {
        Some(s) => quote!(#option::Some(#s)),
        None => quote!(#option::None),
    };
    let field = match &stream.request_field {
        Some(f) => quote!(#option::Some(#f)),
        None => quote!(#option::None),
    };
    let mut ours = vec![format!(
        "The event-stream form of [`{plain}`](Self::{plain}): each server-sent event as it arrives, \
         its `data` decoded."
    )];
    if let Some(f) = &stream.request_field {
        ours.push(format!("Sets the body's `{f}` field to `true` itself."));
    }
    if let Some(s) = &stream.sentinel {
        ours.push(format!("The stream ends at the event `{s}`; a stream that ends without it yields [`StreamError::Incomplete`](crate::StreamError::Incomplete)."));
    }
    ours.push(
        "A server that answers with the whole JSON response instead yields it as one \
         [`StreamItem::Complete`](crate::StreamItem::Complete)."
            .into(),
    );
    ours.push("# Errors".into());
    ours.push(
        "Opening failures are [`StreamError::Open`](crate::StreamError::Open), holding what the plain \
         method would return; an error event mid-stream is [`StreamError::Event`](crate::StreamError::Event) \
         and ends the stream; an event that does not decode is [`StreamError::Decode`](crate::StreamError::Decode)."
            .into(),
    );
    let doc = docs(&[op.summary.as_deref()], &ours);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated] #[allow(deprecated)]));
    let many_args = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #deprecated
        #many_args
        pub fn #name(&self, #(#args),*) -> crate::EventStream<'c, #event, #success, #error> {
            crate::EventStream::new(self.#plain(#(#names),*), #sentinel, #field)
        }
    }
}
