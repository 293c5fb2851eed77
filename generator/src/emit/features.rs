//! Per-tag cargo features: each tag's module, and the models its operations reach, compile
//! under the tag's feature; a model several tags reach compiles under any of them.

use super::extras;
use crate::ir::{Api, TypeId, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// The feature of every tag and the features each model compiles under.
pub struct Features {
    /// Tag module → feature name.
    by_tag: BTreeMap<String, String>,
    /// Model → the features of the tags that reach it.
    by_type: BTreeMap<TypeId, BTreeSet<String>>,
}

impl Features {
    /// Works out both maps for `api`.
    pub fn new(api: &Api) -> Self {
        // A feature is named after its tag's module, unless Cargo or an extra already uses
        // the name (`default`, `login`).
        let taken: BTreeSet<&str> = std::iter::once("default")
            .chain(extras::active(api).iter().flat_map(|a| a.extras.features.iter().map(|f| f.name)))
            .collect();
        let by_tag: BTreeMap<String, String> = api
            .tags
            .iter()
            .map(|t| {
                let name =
                    if taken.contains(t.module.as_str()) { format!("{}-tag", t.module) } else { t.module.clone() };
                (t.module.clone(), name)
            })
            .collect();
        let mut by_type: BTreeMap<TypeId, BTreeSet<String>> = BTreeMap::new();
        for tag in &api.tags {
            let feature = &by_tag[&tag.module];
            let mut work: Vec<&TypeRef> = tag.operations.iter().flat_map(|o| o.type_refs()).collect();
            while let Some(t) = work.pop() {
                let Some(name) = t.named() else { continue };
                // Looked up before inserting: most visits find the type and the feature there.
                let features = match by_type.get_mut(name) {
                    Some(features) => features,
                    None => by_type.entry(name.to_owned()).or_default(),
                };
                if !features.contains(feature) {
                    features.insert(feature.clone());
                    work.extend(api.types.get(name).map(|d| d.kind.type_refs()).unwrap_or_default());
                }
            }
        }
        Self { by_tag, by_type }
    }

    /// The feature of the tag whose module is `module`.
    pub fn of_tag(&self, module: &str) -> &str {
        self.by_tag.get(module).map(String::as_str).unwrap_or_default()
    }

    /// The features a model compiles under (empty for a model no operation reaches).
    pub fn of_type(&self, id: &str) -> Vec<&str> {
        self.by_type.get(id).into_iter().flatten().map(String::as_str).collect()
    }

    /// The docs line saying which features an item needs.
    pub fn doc_line(features: &[&str]) -> String {
        let list: Vec<String> = features.iter().map(|f| format!("`{f}`")).collect();
        match list.as_slice() {
            [] => String::new(),
            [one] => format!("Available with the {one} feature."),
            many => format!("Available with any of the features {}.", many.join(", ")),
        }
    }
}

/// The `cfg` attribute for "any of `features`" (nothing when the list is empty).
pub fn cfg(features: &[&str]) -> TokenStream {
    match features {
        [] => quote!(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}
