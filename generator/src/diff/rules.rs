//! The classification rules: one function per kind of item, each difference one [`Change`].
//!
//! A rule asks what a Rust user of the generated crate sees: every parameter is a method
//! argument in spec order (`T` when required, `Option<T>` when not), and so is the body; a struct field's type is `T`, `Option<T>` or
//! `Nullable<T>` from `required` and `nullable`, and required non-nullable fields are
//! arguments of `new()`; every model and error enum is `#[non_exhaustive]` (structs are built
//! with `new()` and setters, a `match` has a `_` arm); enums and unions are open (an unknown
//! value decodes into `Unknown`/`Other`), so new optional fields and new values are compatible.

use super::surface::{
    BodySurface, ErrorSurface, FieldSurface, Model, OpSurface, ParamSurface, ResponseSurface, Surface,
};
use super::{Change, Class, Subject};
use std::collections::BTreeSet;

/// Where a model is used, in the old or the new API.
#[derive(Clone, Copy)]
struct Ctx {
    request: bool,
    response: bool,
}

struct Out {
    changes: Vec<Change>,
}

impl Out {
    fn push(&mut self, class: Class, subject: &Subject, rule: &'static str, message: String) {
        self.changes.push(Change { class, subject: subject.clone(), rule, message });
    }
}

/// Every difference between `old` and `new`, unsorted.
pub(super) fn changes(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Out { changes: Vec::new() };
    api(old, new, &mut out);
    for t in &new.tags {
        let Some(o) = old.tags.iter().find(|o| o.name == t.name) else {
            let subject = Subject::Tag { tag: t.name.clone() };
            let message = format!("new sub-client `client.{}()` (`{}`)", t.module, t.client);
            out.push(Class::Compatible, &subject, "tag-added", message);
            for op in &t.operations {
                operation_added(&t.name, op, &mut out);
            }
            continue;
        };
        if o.module != t.module {
            let subject = Subject::Tag { tag: t.name.clone() };
            let message = format!("sub-client renamed: `client.{}()` → `client.{}()`", o.module, t.module);
            out.push(Class::Breaking, &subject, "tag-renamed", message);
        }
        for op in &t.operations {
            match o.operations.iter().find(|x| x.method == op.method && x.path == op.path) {
                Some(before) => operation(&t.name, before, op, &mut out),
                None => operation_added(&t.name, op, &mut out),
            }
        }
        for before in &o.operations {
            if !t.operations.iter().any(|x| x.method == before.method && x.path == before.path) {
                operation_removed(&t.name, before, &mut out);
            }
        }
    }
    for o in &old.tags {
        if !new.tags.iter().any(|t| t.name == o.name) {
            let subject = Subject::Tag { tag: o.name.clone() };
            let message = format!("sub-client `client.{}()` (`{}`) removed", o.module, o.client);
            out.push(Class::Breaking, &subject, "tag-removed", message);
            for op in &o.operations {
                operation_removed(&o.name, op, &mut out);
            }
        }
    }
    let (was, is) = (old.reach(), new.reach());
    let names: BTreeSet<&String> = old.models.keys().chain(new.models.keys()).collect();
    for name in names {
        let subject = Subject::Model { name: name.clone() };
        let ctx = Ctx {
            request: was.request.contains(name) || is.request.contains(name),
            response: was.response.contains(name) || is.response.contains(name),
        };
        match (old.models.get(name), new.models.get(name)) {
            (None, Some(m)) => out.push(Class::Compatible, &subject, "model-added", format!("new {}", m.kind())),
            (Some(m), None) => out.push(Class::Breaking, &subject, "model-removed", format!("{} removed", m.kind())),
            (Some(a), Some(b)) => model(&subject, a, b, ctx, &mut out),
            (None, None) => {}
        }
    }
    out.changes
}

fn api(old: &Surface, new: &Surface, out: &mut Out) {
    let (a, b) = (&old.api, &new.api);
    if a.server_url != b.server_url {
        let message = format!("default base URL {} → {}", shown(&a.server_url), shown(&b.server_url));
        out.push(Class::Behaviour, &Subject::Api, "server-changed", message);
    }
    if a.bearer_auth != b.bearer_auth {
        let message = if b.bearer_auth {
            "bearer authentication now declared"
        } else {
            "bearer authentication no longer declared"
        };
        out.push(Class::Behaviour, &Subject::Api, "auth-changed", message.to_owned());
    }
    if a.retries != b.retries {
        let message = format!("retry policy {} → {}", shown(&a.retries), shown(&b.retries));
        out.push(Class::Behaviour, &Subject::Api, "retries-changed", message);
    }
}

fn shown(v: &Option<String>) -> String {
    v.as_ref().map_or_else(|| "none".to_owned(), |s| format!("`{s}`"))
}

fn op_subject(tag: &str, op: &OpSurface) -> Subject {
    Subject::Operation {
        tag: tag.to_owned(),
        method: op.method.clone(),
        path: op.path.clone(),
        name: op.rust_name.clone(),
    }
}

fn operation_added(tag: &str, op: &OpSurface, out: &mut Out) {
    out.push(Class::Compatible, &op_subject(tag, op), "operation-added", format!("new method `{}`", op.rust_name));
}

fn operation_removed(tag: &str, op: &OpSurface, out: &mut Out) {
    let message = format!("method `{}` and its error enum `{}` removed", op.rust_name, op.error_name);
    out.push(Class::Breaking, &op_subject(tag, op), "operation-removed", message);
}

fn operation(tag: &str, a: &OpSurface, b: &OpSurface, out: &mut Out) {
    let s = op_subject(tag, b);
    if a.rust_name != b.rust_name {
        out.push(
            Class::Breaking,
            &s,
            "operation-renamed",
            format!("method renamed `{}` → `{}`", a.rust_name, b.rust_name),
        );
    }
    if a.error_name != b.error_name {
        let message = format!("error enum renamed `{}` → `{}`", a.error_name, b.error_name);
        out.push(Class::Breaking, &s, "error-enum-renamed", message);
    }
    match (a.deprecated, b.deprecated) {
        (false, true) => out.push(Class::Behaviour, &s, "operation-deprecated", "deprecated".to_owned()),
        (true, false) => out.push(Class::Compatible, &s, "operation-undeprecated", "no longer deprecated".to_owned()),
        _ => {}
    }
    if a.needs_auth != b.needs_auth {
        let message = if b.needs_auth { "now sends the API key" } else { "no longer sends the API key" };
        out.push(Class::Behaviour, &s, "auth-changed", message.to_owned());
    }
    params(&s, &a.params, &b.params, out);
    body(&s, a.body.as_ref(), b.body.as_ref(), out);
    response(&s, "success response", &a.success, &b.success, out);
    errors(&s, &a.errors, &b.errors, out);
}

fn params(s: &Subject, old: &[ParamSurface], new: &[ParamSurface], out: &mut Out) {
    // Every parameter is a method argument, in spec order: `T` when required, else `Option<T>`.
    let same = |a: &ParamSurface, b: &ParamSurface| a.location == b.location && a.name == b.name;
    let arg = |p: &ParamSurface| {
        if p.required {
            format!("`{}: {}`", p.rust_name, p.ty)
        } else {
            format!("`{}: Option<{}>`", p.rust_name, p.ty)
        }
    };
    for p in new {
        let what = format!("{} parameter `{}`", p.location, p.name);
        let Some(q) = old.iter().find(|q| same(q, p)) else {
            let (kind, rule) =
                if p.required { ("required", "param-added-required") } else { ("optional", "param-added-optional") };
            let message = format!("new {kind} {what}: a new method argument {}", arg(p));
            out.push(Class::Breaking, s, rule, message);
            continue;
        };
        if q.ty != p.ty {
            out.push(Class::Breaking, s, "param-retyped", format!("{what}: type `{}` → `{}`", q.ty, p.ty));
        } else if q.required != p.required {
            let (rule, how) =
                if p.required { ("param-now-required", "required") } else { ("param-now-optional", "optional") };
            let message = format!("{what} becomes {how}: argument {} → {}", arg(q), arg(p));
            out.push(Class::Breaking, s, rule, message);
        }
        if q.rust_name != p.rust_name {
            let message = format!(
                "{what}: argument renamed `{}` → `{}` (positional: callers unaffected)",
                q.rust_name, p.rust_name
            );
            out.push(Class::Compatible, s, "param-renamed", message);
        }
    }
    let kept_old: Vec<&ParamSurface> = old.iter().filter(|q| new.iter().any(|p| same(q, p))).collect();
    let kept_new: Vec<&ParamSurface> = new.iter().filter(|p| old.iter().any(|q| same(q, p))).collect();
    if kept_old.iter().zip(&kept_new).any(|(q, p)| !same(q, p)) {
        let names: Vec<&str> = kept_new.iter().map(|p| p.rust_name.as_str()).collect();
        let message = format!("method arguments reordered: now ({})", names.join(", "));
        out.push(Class::Breaking, s, "param-reordered", message);
    }
    for q in old {
        if !new.iter().any(|p| same(q, p)) {
            let message = format!("{} parameter `{}` removed (argument {})", q.location, q.name, arg(q));
            out.push(Class::Breaking, s, "param-removed", message);
        }
    }
}

fn body(s: &Subject, old: Option<&BodySurface>, new: Option<&BodySurface>, out: &mut Out) {
    match (old, new) {
        (None, Some(b)) => {
            // Either way a new method argument: `body: T` or `body: Option<T>`.
            let (rule, kind) =
                if b.required { ("body-added-required", "required") } else { ("body-added-optional", "optional") };
            out.push(Class::Breaking, s, rule, format!("new {kind} request body `{}`: a new method argument", b.ty));
        }
        (Some(a), None) => out.push(Class::Breaking, s, "body-removed", format!("request body `{}` removed", a.ty)),
        (Some(a), Some(b)) => {
            if a.ty != b.ty {
                out.push(Class::Breaking, s, "body-retyped", format!("request body type `{}` → `{}`", a.ty, b.ty));
            }
            match (a.required, b.required) {
                (false, true) => {
                    out.push(Class::Breaking, s, "body-now-required", "request body becomes required".to_owned())
                }
                (true, false) => {
                    out.push(Class::Breaking, s, "body-now-optional", "request body becomes optional".to_owned())
                }
                _ => {}
            }
            if a.content_type != b.content_type {
                let message = format!("request body sent as `{}` instead of `{}`", b.content_type, a.content_type);
                out.push(Class::Behaviour, s, "body-media-type", message);
            }
        }
        (None, None) => {}
    }
}

fn response(s: &Subject, what: &str, a: &ResponseSurface, b: &ResponseSurface, out: &mut Out) {
    if a.ty != b.ty {
        out.push(Class::Breaking, s, "response-retyped", format!("{what} type `{}` → `{}`", a.ty, b.ty));
    }
    if a.status != b.status {
        out.push(Class::Behaviour, s, "response-status", format!("{what} status {} → {}", a.status, b.status));
    }
    if a.content_type != b.content_type {
        let (x, y) = (a.content_type.as_deref().unwrap_or("none"), b.content_type.as_deref().unwrap_or("none"));
        out.push(Class::Behaviour, s, "response-media-type", format!("{what} media type `{x}` → `{y}`"));
    }
}

fn errors(s: &Subject, old: &[ErrorSurface], new: &[ErrorSurface], out: &mut Out) {
    for e in new {
        let status = &e.response.status;
        let Some(f) = old.iter().find(|f| f.response.status == *status) else {
            let message = format!(
                "new error status {status}: variant `{}` of the (non-exhaustive) error enum; such answers no longer \
                 arrive as the catch-all",
                e.variant
            );
            out.push(Class::Behaviour, s, "error-added", message);
            continue;
        };
        if f.variant != e.variant {
            let message = format!("error {status}: variant renamed `{}` → `{}`", f.variant, e.variant);
            out.push(Class::Breaking, s, "error-renamed", message);
        }
        let mut a = f.response.clone();
        a.status.clone_from(status);
        response(s, &format!("error {status}"), &a, &e.response, out);
    }
    for f in old {
        if !new.iter().any(|e| e.response.status == f.response.status) {
            let message = format!("error status {} removed (variant `{}`)", f.response.status, f.variant);
            out.push(Class::Breaking, s, "error-removed", message);
        }
    }
}

fn model(s: &Subject, a: &Model, b: &Model, ctx: Ctx, out: &mut Out) {
    match (a, b) {
        (Model::Struct { fields: fa, additional: xa }, Model::Struct { fields: fb, additional: xb }) => {
            fields(s, fa, fb, ctx, out);
            match (xa, xb) {
                (None, Some(t)) => {
                    let message = format!("keeps unknown properties now (field `additional_properties: Map<{t}>`)");
                    out.push(Class::Compatible, s, "additional-added", message);
                }
                (Some(_), None) => {
                    let message = "field `additional_properties` removed (unknown properties dropped)".to_owned();
                    out.push(Class::Breaking, s, "additional-removed", message);
                }
                (Some(x), Some(y)) if x != y => {
                    let message = format!("`additional_properties` type `Map<{x}>` → `Map<{y}>`");
                    out.push(Class::Breaking, s, "additional-retyped", message);
                }
                _ => {}
            }
        }
        (Model::Enum { values: va }, Model::Enum { values: vb }) => enum_values(s, va, vb, ctx, out),
        (Model::Union { discriminator: da, variants: va }, Model::Union { discriminator: db, variants: vb }) => {
            if da != db {
                let message = format!("discriminator {} → {}", shown(da), shown(db));
                out.push(Class::Behaviour, s, "union-discriminator", message);
            }
            union_variants(s, va, vb, ctx, out);
        }
        (Model::Alias { ty: x }, Model::Alias { ty: y }) => {
            if x != y {
                out.push(Class::Breaking, s, "alias-retyped", format!("alias of `{x}` → `{y}`"));
            }
        }
        _ => out.push(Class::Breaking, s, "model-kind", format!("{} → {}", a.kind(), b.kind())),
    }
}

fn fields(s: &Subject, old: &[FieldSurface], new: &[FieldSurface], ctx: Ctx, out: &mut Out) {
    for f in new {
        let Some(g) = old.iter().find(|g| g.name == f.name) else {
            let field = format!("`{}: {}`", f.rust_name, f.rust_type());
            if f.in_constructor() && ctx.request {
                let message = format!("new required field {field}: a new argument of `new()` in requests");
                out.push(Class::Breaking, s, "field-added-required", message);
            } else if f.in_constructor() {
                // Reading it is unaffected, but `new()` gains an argument: code that builds the
                // model (test doubles, mock servers) stops compiling.
                let message = format!(
                    "new required field {field} in a response model: a new argument of `new()`, which only code \
                     building the model (e.g. test doubles) calls"
                );
                out.push(Class::Breaking, s, "field-added-response", message);
            } else {
                out.push(Class::Compatible, s, "field-added-optional", format!("new optional field {field}"));
            }
            continue;
        };
        let what = format!("field `{}`", f.rust_name);
        if g.rust_name != f.rust_name {
            let message = format!("field renamed `{}` → `{}` (`{}` on the wire)", g.rust_name, f.rust_name, f.name);
            out.push(Class::Breaking, s, "field-renamed", message);
        }
        if g.ty != f.ty {
            out.push(
                Class::Breaking,
                s,
                "field-retyped",
                format!("{what}: type `{}` → `{}`", g.rust_type(), f.rust_type()),
            );
        } else if (g.required, g.nullable) != (f.required, f.nullable) {
            presence(s, &what, g, f, ctx, out);
        }
        match (g.deprecated, f.deprecated) {
            (false, true) => out.push(Class::Behaviour, s, "field-deprecated", format!("{what} deprecated")),
            (true, false) => {
                out.push(Class::Compatible, s, "field-undeprecated", format!("{what} no longer deprecated"))
            }
            _ => {}
        }
        if g.constraints != f.constraints {
            let (x, y) = (g.constraints.as_deref().unwrap_or("none"), f.constraints.as_deref().unwrap_or("none"));
            let class = if ctx.request { Class::Behaviour } else { Class::Compatible };
            let message = if ctx.request {
                format!("{what}: `validate()` constraints {x} → {y}")
            } else {
                format!("{what}: documented constraints {x} → {y}")
            };
            out.push(class, s, "field-constraints", message);
        }
    }
    for g in old {
        if !new.iter().any(|f| f.name == g.name) {
            out.push(Class::Breaking, s, "field-removed", format!("field `{}` removed", g.rust_name));
        }
    }
}

/// `required` or `nullable` changed and the type did not.
fn presence(s: &Subject, what: &str, g: &FieldSurface, f: &FieldSurface, ctx: Ctx, out: &mut Out) {
    let words = |x: &FieldSurface| match (x.required, x.nullable) {
        (true, false) => "required",
        (true, true) => "required, nullable",
        (false, false) => "optional",
        (false, true) => "optional, nullable",
    };
    let change = format!("{what}: {} → {}", words(g), words(f));
    let (x, y) = (g.rust_type(), f.rust_type());
    if x != y {
        // The Rust type of the field changes: reading or building it stops compiling.
        let context = if ctx.request && ctx.response {
            "request and response"
        } else if ctx.request {
            "request"
        } else {
            "response"
        };
        let message = format!("{change} ({context}); its Rust type changes `{x}` → `{y}`");
        out.push(Class::Breaking, s, "field-presence-retyped", message);
    } else if ctx.request && f.required && !g.required {
        let message = format!("{change}: still `{y}`, but `None` is now sent as `null` instead of being left out");
        out.push(Class::Behaviour, s, "field-presence", message);
    } else {
        let message = format!("{change}: still `{y}`; an absent value and `null` now differ in meaning");
        out.push(Class::Behaviour, s, "field-presence", message);
    }
}

fn enum_values(s: &Subject, old: &[(String, String)], new: &[(String, String)], ctx: Ctx, out: &mut Out) {
    for (wire, name) in new {
        match old.iter().find(|(w, _)| w == wire) {
            None if ctx.response => {
                let message = format!(
                    "new value {wire} (variant `{name}`); the enum is open: older clients decode it as `Unknown`"
                );
                out.push(Class::Compatible, s, "enum-value-added", message);
            }
            None => out.push(Class::Compatible, s, "enum-value-added", format!("new value {wire} (variant `{name}`)")),
            Some((_, was)) if was != name => {
                let message = format!("value {wire}: variant renamed `{was}` → `{name}`");
                out.push(Class::Breaking, s, "enum-value-renamed", message);
            }
            Some(_) => {}
        }
    }
    for (wire, name) in old {
        if !new.iter().any(|(w, _)| w == wire) {
            let why = if ctx.request { "; a request sending it becomes invalid" } else { "" };
            out.push(Class::Breaking, s, "enum-value-removed", format!("value {wire} removed (variant `{name}`){why}"));
        }
    }
}

fn union_variants(
    s: &Subject,
    old: &[(String, String, Vec<String>)],
    new: &[(String, String, Vec<String>)],
    ctx: Ctx,
    out: &mut Out,
) {
    for (name, ty, tags) in new {
        let Some((_, was_ty, was_tags)) = old.iter().find(|v| &v.0 == name) else {
            let message = if ctx.response {
                format!("new variant `{name}({ty})`; the union is open: older clients decode it as `Other`")
            } else {
                format!("new variant `{name}({ty})`")
            };
            out.push(Class::Compatible, s, "union-variant-added", message);
            continue;
        };
        if was_ty != ty {
            out.push(Class::Breaking, s, "union-variant-retyped", format!("variant `{name}`: `{was_ty}` → `{ty}`"));
        }
        if was_tags != tags {
            let message = format!("variant `{name}`: selected by [{}] → [{}]", was_tags.join(", "), tags.join(", "));
            out.push(Class::Behaviour, s, "union-variant-tags", message);
        }
    }
    for (name, ty, _) in old {
        if !new.iter().any(|v| &v.0 == name) {
            out.push(Class::Breaking, s, "union-variant-removed", format!("variant `{name}({ty})` removed"));
        }
    }
}
