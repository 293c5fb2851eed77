//! Hand-written additions to a tag (OAuth's PKCE helpers and login flows), registered as
//! data: the generic emitters ask this table what to add and never name a tag themselves.

use crate::ir::{Api, Tag};

/// Everything one tag brings beside its generated operations.
pub struct TagExtras {
    /// The tag, as the spec names it.
    pub tag: &'static str,
    /// Submodules of the tag's module.
    pub modules: &'static [ExtraModule],
    /// Cargo features the modules are gated by.
    pub features: &'static [Feature],
    /// Example programs, each following a module.
    pub examples: &'static [ExtraExample],
    /// Sections of the tag's docs page, each following a module.
    pub sections: &'static [DocsSection],
}

/// A hand-written submodule of a tag's module.
pub struct ExtraModule {
    /// Module name (`pkce`), file `src/api/<tag>/<name>.rs`.
    pub name: &'static str,
    /// Its source.
    pub source: &'static str,
    /// The cargo feature gating it.
    pub feature: Option<&'static str>,
    /// Operation methods of the tag it calls (streaming ones included): without them it is
    /// left out.
    pub needs: &'static [&'static str],
    /// Models it names: without them it is left out.
    pub needs_types: &'static [&'static str],
    /// Crate dependencies it needs: (name, Cargo.toml value).
    pub dependencies: &'static [(&'static str, &'static str)],
    /// Dev-dependencies of its tests.
    pub dev_dependencies: &'static [(&'static str, &'static str)],
}

/// A cargo feature of the generated crate.
pub struct Feature {
    /// Feature name.
    pub name: &'static str,
    /// The comment above it in Cargo.toml.
    pub doc: &'static str,
    /// What it turns on (`tokio/net`).
    pub enables: &'static [&'static str],
}

/// An example program.
pub struct ExtraExample {
    /// `examples/<name>.rs`.
    pub name: &'static str,
    /// Its source.
    pub source: &'static str,
    /// The module it demonstrates (kept with it).
    pub module: &'static str,
    /// Methods it calls as `name(body)`: the optional parameters a document gives the
    /// operation (a header, say) are passed as `None` before `body`.
    pub calls: &'static [&'static str],
}

/// A section of the tag's docs page.
pub struct DocsSection {
    /// Heading (also the entry in the page's operation list).
    pub title: &'static str,
    /// One line for the list of operations.
    pub summary: &'static str,
    /// A minijinja template; `example` holds the source of the example named below.
    pub template: &'static str,
    /// The template's path, for errors.
    pub path: &'static str,
    /// The example it embeds.
    pub example: &'static str,
    /// The module it documents.
    pub module: &'static str,
}

/// The registry.
pub const EXTRAS: &[TagExtras] = &[TagExtras {
    tag: "OAuth",
    modules: &[
        ExtraModule {
            name: "pkce",
            source: include_str!("../../../templates/runtime/oauth/pkce.rs"),
            feature: None,
            // Its docs and example call both by name (the 2026 names; a revision without
            // operation ids names them otherwise).
            needs: &["exchange_auth_code_for_api_key", "create_auth_code"],
            needs_types: &[],
            dependencies: &[
                ("base64", "\"0.22\""),
                ("getrandom", "\"0.3\""),
                ("sha2", "{ version = \"0.10\", default-features = false }"),
            ],
            dev_dependencies: &[],
        },
        ExtraModule {
            name: "login",
            source: include_str!("../../../templates/runtime/oauth/login.rs"),
            feature: Some("login"),
            needs: &["exchange_auth_code_for_api_key"],
            needs_types: &[],
            dependencies: &[
                ("http-body-util", "{ version = \"0.1\", optional = true }"),
                (
                    "hyper",
                    "{ version = \"1\", default-features = false, features = [\"http1\", \"server\"], optional = true }",
                ),
                ("hyper-util", "{ version = \"0.1\", default-features = false, features = [\"tokio\"], optional = true }"),
            ],
            // `cargo test` runs the login tests too, without `--features login`.
            dev_dependencies: &[("openrouter", "{ path = \".\", features = [\"login\"] }")],
        },
    ],
    features: &[Feature {
        name: "login",
        doc: "The interactive login flows (a loopback listener on hyper); off by default to keep the crate small.",
        enables: &["tokio/io-util", "dep:http-body-util", "dep:hyper", "dep:hyper-util"],
    }],
    examples: &[ExtraExample {
        name: "login",
        source: include_str!("../../../templates/examples/login.rs"),
        module: "login",
        calls: &[],
    }],
    sections: &[DocsSection {
        title: "PKCE login",
        summary: "the whole flow, from a verifier to a new API key",
        template: include_str!("../../../templates/docs/oauth_login.md.jinja"),
        path: "templates/docs/oauth_login.md.jinja",
        example: "login",
        module: "login",
    }],
},
TagExtras {
    tag: "Chat",
    modules: &[ExtraModule {
        name: "collect",
        source: include_str!("../../../templates/runtime/chat/collect.rs"),
        feature: None,
        needs: &["send_stream"],
        // Read by wire names, except the usage it decodes.
        needs_types: &["ChatStreamChunk", "ChatUsage"],
        dependencies: &[],
        dev_dependencies: &[],
    }],
    features: &[],
    examples: &[ExtraExample {
        name: "chat_stream_tokens",
        source: include_str!("../../../templates/examples/chat_stream_tokens.rs"),
        module: "collect",
        calls: &["send_stream"],
    }],
    sections: &[DocsSection {
        title: "Streaming a chat",
        summary: "tokens as they arrive, and the final message collected from the chunks",
        template: include_str!("../../../templates/docs/chat_stream.md.jinja"),
        path: "templates/docs/chat_stream.md.jinja",
        example: "chat_stream_tokens",
        module: "collect",
    }],
}];

/// The extras of one generated tag, reduced to the modules whose operations exist.
pub struct Active<'a> {
    /// The tag.
    pub tag: &'a Tag,
    /// Its registry entry.
    pub extras: &'static TagExtras,
    /// The modules kept.
    pub modules: Vec<&'static ExtraModule>,
}

impl Active<'_> {
    /// Whether the module `name` is kept.
    pub fn has(&self, name: &str) -> bool {
        self.modules.iter().any(|m| m.name == name)
    }

    /// The features the kept modules use.
    pub fn features(&self) -> impl Iterator<Item = &'static Feature> + '_ {
        self.extras.features.iter().filter(|f| self.modules.iter().any(|m| m.feature == Some(f.name)))
    }

    /// The examples of the kept modules, with the feature each needs.
    pub fn examples(&self) -> impl Iterator<Item = (&'static ExtraExample, Option<&'static str>)> + '_ {
        self.extras.examples.iter().filter(|e| self.has(e.module)).map(|e| (e, self.feature_of(e.module)))
    }

    /// The docs sections of the kept modules.
    pub fn sections(&self) -> impl Iterator<Item = &'static DocsSection> + '_ {
        self.extras.sections.iter().filter(|s| self.has(s.module))
    }

    /// The feature gating module `name`.
    pub fn feature_of(&self, name: &str) -> Option<&'static str> {
        self.modules.iter().find(|m| m.name == name).and_then(|m| m.feature)
    }

    /// The files the kept modules and examples add: (path, source).
    pub fn files(&self) -> Vec<(String, String)> {
        let modules =
            self.modules.iter().map(|m| (format!("src/api/{}/{}.rs", self.tag.module, m.name), m.source.to_owned()));
        let examples = self.examples().map(|(e, _)| (format!("examples/{}.rs", e.name), self.example_source(e)));
        modules.chain(examples).collect()
    }

    /// An example's source, its `calls` given this document's optional parameters.
    pub fn example_source(&self, e: &ExtraExample) -> String {
        let mut source = e.source.to_owned();
        for name in e.calls {
            let op = self
                .tag
                .operations
                .iter()
                .find(|o| o.rust_name == *name || o.stream.as_ref().is_some_and(|s| s.rust_name == *name));
            let optional = op.map_or(0, |o| o.params.iter().filter(|p| !p.required).count());
            let nones = "None, ".repeat(optional);
            source = source.replace(&format!(".{name}(body)"), &format!(".{name}({nones}body)"));
        }
        source
    }
}

/// The extras that apply to `api`, in tag order.
pub fn active(api: &Api) -> Vec<Active<'_>> {
    let mut out = Vec::new();
    for tag in &api.tags {
        for extras in EXTRAS.iter().filter(|e| e.tag == tag.name) {
            let has_op = |n: &&str| {
                tag.operations.iter().any(|o| o.rust_name == *n || o.stream.as_ref().is_some_and(|s| s.rust_name == *n))
            };
            let has_type = |t: &&str| api.types.contains_key(*t);
            let modules = extras
                .modules
                .iter()
                .filter(|m| m.needs.iter().all(has_op) && m.needs_types.iter().all(has_type))
                .collect();
            out.push(Active { tag, extras, modules });
        }
    }
    out
}
