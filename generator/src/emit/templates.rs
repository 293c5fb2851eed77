//! The files that come from `templates/`: the runtime, copied verbatim, and the crate's
//! Cargo.toml and README, rendered with minijinja. Templates are compiled in, so the
//! generator reads no file but the spec.

use crate::diag::Error;
use crate::ir::{Api, Primitive, TypeKind, TypeRef};
use minijinja::{context, Environment};

/// Runtime modules of the generated crate: (path in the crate, source).
pub const RUNTIME: &[(&str, &str)] = &[
    ("src/client.rs", include_str!("../../../templates/runtime/client.rs")),
    ("src/error.rs", include_str!("../../../templates/runtime/error.rs")),
    ("src/nullable.rs", include_str!("../../../templates/runtime/nullable.rs")),
    ("src/request.rs", include_str!("../../../templates/runtime/request.rs")),
    ("src/retry.rs", include_str!("../../../templates/runtime/retry.rs")),
];

/// Hand-written extras of one tag: submodules declared in the tag's module (name, cargo
/// feature gating it, operation it calls) and the files behind them.
pub struct TagExtra {
    /// Module name of the tag (`oauth`).
    pub module: &'static str,
    /// (submodule, gating feature, the operation method it needs).
    pub submodules: &'static [(&'static str, Option<&'static str>, Option<&'static str>)],
    /// (path in the crate, source).
    pub files: &'static [(&'static str, &'static str)],
}

/// PKCE helpers and the login flows ride along with the OAuth operations.
pub const TAG_EXTRAS: &[TagExtra] = &[TagExtra {
    module: "oauth",
    submodules: &[("pkce", None, None), ("login", Some("login"), Some("exchange_auth_code_for_api_key"))],
    files: &[
        ("src/oauth/pkce.rs", include_str!("../../../templates/runtime/oauth/pkce.rs")),
        ("src/oauth/login.rs", include_str!("../../../templates/runtime/oauth/login.rs")),
        ("examples/login.rs", include_str!("../../../templates/examples/login.rs")),
    ],
}];

/// The extras that apply to `api`: a submodule is kept only when the operation it calls
/// was generated; files follow their submodule (examples follow `login`).
pub fn extras(api: &Api) -> Vec<(&'static str, Option<&'static str>, &'static str)> {
    let mut out = Vec::new();
    for extra in TAG_EXTRAS {
        let Some(tag) = api.tags.iter().find(|t| t.module == extra.module) else { continue };
        for (name, feature, needs) in extra.submodules {
            if needs.is_some_and(|n| !tag.operations.iter().any(|o| o.rust_name == n)) {
                continue;
            }
            out.push((*name, *feature, extra.module));
        }
    }
    out
}

/// The files of [`extras`], as (path, source).
pub fn extra_files(api: &Api) -> Vec<(&'static str, &'static str)> {
    let kept = extras(api);
    let mut out = Vec::new();
    for extra in TAG_EXTRAS {
        for (path, source) in extra.files {
            let stem = path.rsplit('/').next().unwrap_or("").trim_end_matches(".rs");
            if kept.iter().any(|(name, _, module)| *module == extra.module && *name == stem) {
                out.push((*path, *source));
            }
        }
    }
    out
}

const TEMPLATES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../../../templates/crate/Cargo.toml.jinja")),
    ("README.md", include_str!("../../../templates/crate/README.md.jinja")),
];

/// Renders every template against the IR.
pub fn render(api: &Api) -> Result<Vec<(String, String)>, Error> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    for (name, source) in TEMPLATES {
        env.add_template(name, source).map_err(|e| template_error(name, &e))?;
    }
    let ctx = context! {
        api => api,
        uses_chrono => uses(api, |p| matches!(p, Primitive::DateTime | Primitive::Date)),
        uses_uuid => uses(api, |p| p == Primitive::Uuid),
        uses_url => uses(api, |p| p == Primitive::Url),
        pkce => extras(api).iter().any(|(name, _, _)| *name == "pkce"),
        login => extras(api).iter().any(|(name, _, _)| *name == "login"),
    };
    TEMPLATES
        .iter()
        .map(|(name, _)| {
            let tmpl = env.get_template(name).map_err(|e| template_error(name, &e))?;
            let text = tmpl.render(&ctx).map_err(|e| template_error(name, &e))?;
            Ok(((*name).to_owned(), text))
        })
        .collect()
}

fn template_error(name: &str, e: &minijinja::Error) -> Error {
    // A broken template is a bug of ours, not of the spec; still a clean error, never a panic.
    Error::spec(&format!("templates/crate/{name}.jinja"), e.line().map(|l| format!("line {l}")), e.to_string())
}

/// Whether any type or operation of the API uses a primitive matching `pred`.
pub fn uses(api: &Api, pred: impl Fn(Primitive) -> bool + Copy) -> bool {
    fn walk(t: &TypeRef, pred: &dyn Fn(Primitive) -> bool) -> bool {
        match t {
            TypeRef::Primitive(p) => pred(*p),
            TypeRef::Named(_) => false,
            TypeRef::Array(i) | TypeRef::Map(i) => walk(i, pred),
        }
    }
    let in_types = api.types.values().any(|t| match &t.kind {
        TypeKind::Struct { fields, additional } => {
            fields.iter().any(|f| walk(&f.ty, &pred)) || additional.as_ref().is_some_and(|a| walk(a, &pred))
        }
        TypeKind::Union { variants } => variants.iter().any(|v| walk(&v.ty, &pred)),
        TypeKind::Alias(t) => walk(t, &pred),
        TypeKind::Enum { .. } => false,
    });
    let in_ops = api.tags.iter().flat_map(|t| &t.operations).any(|o| {
        o.params.iter().any(|p| walk(&p.ty, &pred))
            || o.body.as_ref().is_some_and(|b| walk(&b.ty, &pred))
            || o.success.ty.as_ref().is_some_and(|t| walk(t, &pred))
            || o.errors.iter().any(|e| e.response.ty.as_ref().is_some_and(|t| walk(t, &pred)))
    });
    in_types || in_ops
}
