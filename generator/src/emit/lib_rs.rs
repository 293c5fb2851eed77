//! `src/lib.rs` (runtime modules, re-exports, the spec's server and retry policy) and
//! `src/api.rs` (one module per tag).

use super::features::{cfg, Features};
use super::tokens::{docs, ident, skip_rustfmt};
use crate::ir::*;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The crate root. Spec names never reach it: models live in `models`, tags in `api`.
pub fn lib_rs(api: &Api) -> TokenStream {
    // The README is the crate's front page, so its examples are doctests too.
    let crate_docs = quote!(#![doc = include_str!("../README.md")]);
    let skip = skip_rustfmt();
    let base_url = api.server_url.clone().unwrap_or_else(|| "http://localhost".into());
    let retry = match &api.retries {
        None => quote!(None),
        Some(r) => retry_policy(r),
    };
    let bodies = super::bodies::lib_items(api);
    let streams = super::templates::streams(api).then(|| {
        quote!(
            pub use request::stream::{ErrorEvent, EventStream, StreamError, StreamItem};
        )
    });
    quote! {
        #crate_docs
        #![deny(missing_docs)]
        #skip

        mod client;
        mod error;
        mod nullable;
        mod request;
        mod retry;
        mod secret;

        #[rustfmt::skip]
        pub mod api;
        #[rustfmt::skip]
        pub mod models;

        pub use client::{BuildError, Client, ClientBuilder};
        pub use error::{ApiError, BoxError, Error};
        pub use nullable::Nullable;
        pub use request::{decode, Request};
        #streams
        pub use retry::{RetryEvent, RetryPolicy, RetryReason};
        pub use secret::Secret;
        #bodies

        /// The server the spec names; the client's default base URL.
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// The retry policy the spec asks for (`x-speakeasy-retries`), or `None`.
        pub(crate) fn spec_retry_policy() -> Option<RetryPolicy> {
            #retry
        }
    }
}

fn retry_policy(r: &Retries) -> TokenStream {
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
                .initial_interval(std::time::Duration::from_millis(#initial))
                .max_interval(std::time::Duration::from_millis(#max))
                .max_elapsed_time(std::time::Duration::from_millis(#elapsed))
                .exponent(#exponent)
                #(#statuses)*
                .retry_connection_errors(#conn)
                // As in Speakeasy, the spec's policy applies to every method.
                .retry_non_idempotent(true)
        )
    }
}

/// `api.rs`: the tag modules, each with its sub-client accessor on `Client`.
pub fn api_rs(api: &Api, features: &Features) -> TokenStream {
    let modules = api.tags.iter().map(|t| {
        let m = ident(&t.module);
        let feature = features.of_tag(&t.module);
        let ours =
            [format!("Operations of the `{}` tag (`client.{}()`).", t.name, t.module), Features::doc_line(&[feature])];
        let d = docs(&[t.description.as_deref()], &ours);
        let gate = cfg(&[feature]);
        quote!(#d #gate pub mod #m;)
    });
    quote! {
        //! One module per tag: its sub-client (reached from [`Client`](crate::Client) by the
        //! tag's name) and the error enums of its operations.

        #(#modules)*
    }
}
