//! The files that come from `templates/`: the runtime, copied verbatim, and the crate's
//! Cargo.toml and README, rendered with minijinja. Templates are compiled in, so the
//! generator reads no file but the spec.

use super::{extras, features, pages};
use crate::diag::Error;
use crate::ir::{Api, Primitive, TypeRef};
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

/// The event-stream runtime, a child of `request` (it opens streams as `request` sends calls),
/// included only when an operation streams.
const STREAM: &str = include_str!("../../../templates/runtime/stream.rs");

/// Whether any operation of `api` has a streaming method.
pub fn streams(api: &Api) -> bool {
    api.tags.iter().flat_map(|t| &t.operations).any(|o| o.stream.is_some())
}

/// The runtime files of `api`'s crate: (path, source).
pub fn runtime(api: &Api) -> Vec<(&'static str, String)> {
    let mut files: Vec<(&str, String)> = RUNTIME.iter().map(|(p, s)| (*p, (*s).to_owned())).collect();
    if streams(api) {
        if let Some((_, request)) = files.iter_mut().find(|(p, _)| *p == "src/request.rs") {
            request.push_str("\n// Server-sent events: the API has streaming operations.\npub(crate) mod stream;\n");
        }
        files.push(("src/request/stream.rs", STREAM.to_owned()));
    }
    files
}

const DOC_TEMPLATES: &[(&str, &str)] = &[
    ("tag.md", include_str!("../../../templates/docs/tag.md.jinja")),
    ("model.md", include_str!("../../../templates/docs/model.md.jinja")),
];

const TEMPLATES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../../../templates/crate/Cargo.toml.jinja")),
    ("README.md", include_str!("../../../templates/crate/README.md.jinja")),
];

/// A dependency line of the generated Cargo.toml.
#[derive(serde::Serialize)]
struct Dependency {
    name: &'static str,
    spec: &'static str,
}

/// The crate's dependencies: the runtime's, the formats the API uses, the extras'; sorted.
fn dependencies(api: &Api, active: &[extras::Active]) -> Vec<Dependency> {
    let mut deps: Vec<(&str, &str)> = vec![
        ("fastrand", "\"2\""),
        ("httpdate", "\"1\""),
        // `stream` (the response body as bytes) for event streams too.
        ("reqwest", super::bodies::reqwest_spec(api, streams(api))),
        ("rustls", "{ version = \"0.23\", default-features = false }"),
        ("secrecy", "\"0.10\""),
        ("serde", "{ version = \"1\", features = [\"derive\"] }"),
        ("serde_json", "\"1\""),
        ("serde_path_to_error", "\"0.1\""),
        ("tokio", super::bodies::tokio_spec(api)),
        ("tracing", "{ version = \"0.1\", default-features = false, features = [\"std\"] }"),
    ];
    deps.extend(super::bodies::dependencies(api));
    if uses(api, |p| matches!(p, Primitive::DateTime | Primitive::Date)) {
        deps.push(("chrono", "{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }"));
    }
    if uses(api, |p| p == Primitive::Uuid) {
        deps.push(("uuid", "{ version = \"1\", features = [\"serde\"] }"));
    }
    if uses(api, |p| p == Primitive::Url) {
        deps.push(("url", "{ version = \"2\", features = [\"serde\"] }"));
    }
    if streams(api) {
        deps.push(("eventsource-stream", "\"0.2\""));
        deps.push(("futures-core", "{ version = \"0.3\", default-features = false }"));
    }
    deps.extend(active.iter().flat_map(|a| &a.modules).flat_map(|m| m.dependencies.iter().copied()));
    sorted(deps)
}

/// The dev-dependencies: what the runtime's own tests use (a hyper server, a TLS server,
/// tracing), and the extras'.
fn dev_dependencies(active: &[extras::Active]) -> Vec<Dependency> {
    let mut deps: Vec<(&str, &str)> = vec![
        ("http-body-util", "\"0.1\""),
        ("hyper", "{ version = \"1\", default-features = false, features = [\"http1\", \"server\"] }"),
        ("hyper-util", "{ version = \"0.1\", default-features = false, features = [\"tokio\"] }"),
        ("rustls", "{ version = \"0.23\", default-features = false, features = [\"ring\", \"std\"] }"),
        ("tokio", "{ version = \"1\", features = [\"io-std\", \"macros\", \"rt-multi-thread\"] }"),
        ("tokio-rustls", "{ version = \"0.26\", default-features = false, features = [\"ring\"] }"),
        ("tracing", "{ version = \"0.1\", default-features = false, features = [\"std\"] }"),
        ("wiremock", "\"0.6\""),
    ];
    deps.extend(active.iter().flat_map(|a| &a.modules).flat_map(|m| m.dev_dependencies.iter().copied()));
    sorted(deps)
}

fn sorted(mut deps: Vec<(&'static str, &'static str)>) -> Vec<Dependency> {
    deps.sort();
    deps.dedup_by_key(|d| d.0);
    deps.into_iter().map(|(name, spec)| Dependency { name, spec }).collect()
}

/// Renders every template against the IR, handing each file to `give` once rendered: the
/// model pages, most of a large API's docs, never wait whole.
pub fn render(
    api: &Api,
    examples: &[(String, String)],
    tag_features: &features::Features,
    give: &super::Give,
) -> Result<(), Error> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    for (name, source) in TEMPLATES.iter().chain(DOC_TEMPLATES) {
        env.add_template(name, source).map_err(|e| template_error(name, &e))?;
    }
    let active = extras::active(api);
    // Example programs by path, looked up per operation (a list would make that quadratic).
    let by_path: std::collections::BTreeMap<&str, &str> =
        examples.iter().map(|(p, e)| (p.as_str(), e.as_str())).collect();
    let tags: Vec<_> = api
        .tags
        .iter()
        .map(|t| context! { tag => t, operations => pages::operations(t, &by_path), description => pages::cell(t.description.as_deref()) })
        .collect();
    // Extras' features turn on their tag's feature too (the login needs the OAuth operations).
    let features: Vec<_> = active
        .iter()
        .flat_map(|a| a.features().map(move |f| (a, f)))
        .map(|(a, f)| {
            let mut enables = vec![tag_features.of_tag(&a.tag.module).to_owned()];
            enables.extend(f.enables.iter().map(|e| (*e).to_owned()));
            context! { name => f.name, doc => f.doc, enables => enables }
        })
        .collect();
    // An extra's example needs its module's feature, or else its tag's.
    let mut gated_examples: Vec<_> = active
        .iter()
        .flat_map(|a| a.examples().map(move |(e, f)| (e, f, a)))
        .map(|(e, f, a)| context! { name => e.name, feature => f.unwrap_or(tag_features.of_tag(&a.tag.module)) })
        .collect();
    // Each operation's example program needs its tag's feature.
    for t in &api.tags {
        let streams = t.operations.iter().filter_map(|op| op.stream.as_ref());
        let stream_paths = streams.map(|s| super::usage::stream_example_path(t, s));
        for path in t.operations.iter().map(|op| super::usage::example_path(t, op)).chain(stream_paths) {
            if by_path.contains_key(path.as_str()) {
                let name = path.trim_start_matches("examples/").trim_end_matches(".rs").to_owned();
                gated_examples.push(context! { name => name, feature => tag_features.of_tag(&t.module) });
            }
        }
    }
    // The templates read only the document's own facts: its tags and types (large) stay out.
    let api_value = context! {
        title => &api.title,
        version => &api.version,
        description => &api.description,
        server_url => &api.server_url,
        bearer_auth => api.bearer_auth,
        retries => &api.retries,
    };
    let ctx = context! {
        api => api_value.clone(),
        tags => tags,
        models => api.types.keys().map(|n| (n.clone(), pages::model_page(n))).collect::<Vec<_>>(),
        features => features,
        tag_features => api.tags.iter().map(|t| tag_features.of_tag(&t.module).to_owned()).collect::<Vec<_>>(),
        gated_examples => gated_examples,
        dependencies => dependencies(api, &active),
        dev_dependencies => dev_dependencies(&active),
        quick_start => quick_start(examples),
    };
    let render = |name: &str, ctx: &minijinja::Value| -> Result<String, Error> {
        let tmpl = env.get_template(name).map_err(|e| template_error(name, &e))?;
        tmpl.render(ctx).map_err(|e| template_error(name, &e))
    };
    for (name, _) in TEMPLATES {
        give((*name).to_owned(), render(name, &ctx)?);
    }
    for (i, tag) in api.tags.iter().enumerate() {
        let mut sections = Vec::new();
        for a in active.iter().filter(|a| a.tag.module == tag.module) {
            for s in a.sections() {
                let example = a.extras.examples.iter().find(|e| e.name == s.example).map(|e| a.example_source(e));
                let body = env
                    .render_str(s.template, context! { example => example })
                    .map_err(|e| template_error(s.path, &e))?;
                let anchor = s.title.to_lowercase().replace(' ', "-");
                sections.push(context! { title => s.title, summary => s.summary, anchor => anchor, body => body });
            }
        }
        let page = context! { api => api_value.clone(), page => tags[i].clone(), sections => sections };
        give(format!("docs/sdks/{}/README.md", tag.module), render("tag.md", &page)?);
    }
    // A page per model: most of the docs, rendered on every core; the first failure in
    // model order is the one reported.
    use rayon::prelude::*;
    let defs: Vec<&crate::ir::TypeDef> = api.types.values().collect();
    let pages: Vec<Result<(), Error>> = defs
        .par_iter()
        .map(|def| {
            let page = context! { model => pages::model(def) };
            give(format!("docs/models/{}", pages::model_page(&def.rust_name)), render("model.md", &page)?);
            Ok(())
        })
        .collect();
    pages.into_iter().collect()
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
        .flat_map(|t| {
            t.operations.iter().flat_map(move |op| {
                super::usage::operation_example(api, t, op).into_iter().chain(super::usage::stream_example(api, t, op))
            })
        })
        .collect()
}

/// A broken template is a bug of ours, not of the spec: an internal error naming the template's
/// file and line, never a panic.
fn template_error(name: &str, e: &minijinja::Error) -> Error {
    let path = match DOC_TEMPLATES.iter().find(|(n, _)| *n == name) {
        Some(_) => format!("templates/docs/{name}.jinja"),
        None if TEMPLATES.iter().any(|(n, _)| *n == name) => format!("templates/crate/{name}.jinja"),
        None => name.to_owned(),
    };
    let place = e.line().map(|l| format!(", line {l}")).unwrap_or_default();
    Error::internal(&format!("{path}{place}"), e.to_string())
}

/// Whether any type or operation of the API uses a primitive matching `pred`.
pub fn uses(api: &Api, pred: impl Fn(Primitive) -> bool) -> bool {
    api.type_refs().into_iter().any(|t| matches!(t.leaf(), TypeRef::Primitive(p) if pred(*p)))
}
