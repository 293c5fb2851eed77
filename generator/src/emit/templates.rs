//! The files that come from `templates/`: the runtime, copied verbatim, and the crate's
//! Cargo.toml and README, rendered with minijinja. Templates are compiled in, so the
//! generator reads no file but the spec.

use crate::diag::Error;
use super::pages;
use crate::ir::{Api, Primitive, TypeKind, TypeRef};
use minijinja::{context, Environment};

/// Runtime modules of the generated crate: (path in the crate, source).
pub const RUNTIME: &[(&str, &str)] = &[
    ("src/client.rs", include_str!("../../../templates/runtime/client.rs")),
    ("src/error.rs", include_str!("../../../templates/runtime/error.rs")),
    ("src/nullable.rs", include_str!("../../../templates/runtime/nullable.rs")),
    ("src/request.rs", include_str!("../../../templates/runtime/request.rs")),
    ("src/retry.rs", include_str!("../../../templates/runtime/retry.rs")),
    ("src/secret.rs", include_str!("../../../templates/runtime/secret.rs")),
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

const DOC_TEMPLATES: &[(&str, &str)] = &[
    ("tag.md", include_str!("../../../templates/docs/tag.md.jinja")),
    ("model.md", include_str!("../../../templates/docs/model.md.jinja")),
];

const TEMPLATES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../../../templates/crate/Cargo.toml.jinja")),
    ("README.md", include_str!("../../../templates/crate/README.md.jinja")),
];

/// Renders every template against the IR.
pub fn render(api: &Api, examples: &[(String, String)]) -> Result<Vec<(String, String)>, Error> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    for (name, source) in TEMPLATES.iter().chain(DOC_TEMPLATES) {
        env.add_template(name, source).map_err(|e| template_error(name, &e))?;
    }
    let login_example = extra_files(api).into_iter().find(|(p, _)| *p == "examples/login.rs").map(|(_, s)| s);
    let tags: Vec<_> = api
        .tags
        .iter()
        .map(|t| context! { tag => t, operations => pages::operations(t, examples), description => pages::cell(t.description.as_deref()) })
        .collect();
    let ctx = context! {
        api => api,
        tags => tags,
        models => api.types.keys().map(|n| (n.clone(), pages::model_page(n))).collect::<Vec<_>>(),
        uses_chrono => uses(api, |p| matches!(p, Primitive::DateTime | Primitive::Date)),
        uses_uuid => uses(api, |p| p == Primitive::Uuid),
        uses_url => uses(api, |p| p == Primitive::Url),
        pkce => extras(api).iter().any(|(name, _, _)| *name == "pkce"),
        login => extras(api).iter().any(|(name, _, _)| *name == "login"),
        login_example => login_example,
        quick_start => quick_start(examples),
    };
    let render = |name: &str, ctx: &minijinja::Value| -> Result<String, Error> {
        let tmpl = env.get_template(name).map_err(|e| template_error(name, &e))?;
        tmpl.render(ctx).map_err(|e| template_error(name, &e))
    };
    let mut out = Vec::new();
    for (name, _) in TEMPLATES {
        out.push(((*name).to_owned(), render(name, &ctx)?));
    }
    for (i, tag) in api.tags.iter().enumerate() {
        let page = context! { api => api, page => tags[i].clone(), login_example => login_example };
        out.push((format!("docs/sdks/{}/README.md", tag.module), render("tag.md", &page)?));
    }
    for def in api.types.values() {
        let page = context! { model => pages::model(def) };
        out.push((format!("docs/models/{}", pages::model_page(&def.rust_name)), render("model.md", &page)?));
    }
    Ok(out)
}

/// The first operation's example program, without its `//!` line, for the README.
fn quick_start(examples: &[(String, String)]) -> Option<String> {
    let (_, code) = examples.first()?;
    Some(code.lines().skip_while(|l| l.starts_with("//!") || l.is_empty()).map(|l| format!("{l}\n")).collect())
}

/// The runnable "Example Usage" program of every operation, as (path, source).
pub fn usage_examples(api: &Api) -> Vec<(String, String)> {
    api.tags
        .iter()
        .flat_map(|t| t.operations.iter().filter_map(move |op| super::usage::operation_example(api, t, op)))
        .collect()
}

fn template_error(name: &str, e: &minijinja::Error) -> Error {
    // A broken template is a bug of ours, not of the spec; still a clean error, never a panic.
    let folder = if DOC_TEMPLATES.iter().any(|(n, _)| *n == name) { "docs" } else { "crate" };
    Error::spec(&format!("templates/{folder}/{name}.jinja"), e.line().map(|l| format!("line {l}")), e.to_string())
}

/// Whether any type or operation of the API uses a primitive matching `pred`.
pub fn uses(api: &Api, pred: impl Fn(Primitive) -> bool + Copy) -> bool {
    let walk = |t: &TypeRef, pred: &dyn Fn(Primitive) -> bool| matches!(t.leaf(), TypeRef::Primitive(p) if pred(*p));
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
