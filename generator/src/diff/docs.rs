//! Documentation changes (`--docs`): summaries, descriptions and examples, which are never API
//! changes but a reviewer may want to see. Compared on the IR, matched like the API rules
//! (operations by tag, method and path; models by name; fields by wire name).

use super::{Change, Class, Subject};
use crate::ir::{Api, Operation, Response, TypeDef, TypeKind};

pub(super) fn changes(old: &Api, new: &Api) -> Vec<Change> {
    let mut out = Vec::new();
    let mut note = |subject: &Subject, what: String| {
        out.push(Change { class: Class::Docs, subject: subject.clone(), rule: "docs", message: what });
    };
    if old.title != new.title || old.description != new.description {
        note(&Subject::Api, "API title or description changed".to_owned());
    }
    for t in &new.tags {
        let Some(o) = old.tags.iter().find(|o| o.name == t.name) else { continue };
        if o.description != t.description {
            note(&Subject::Tag { tag: t.name.clone() }, "description changed".to_owned());
        }
        for op in &t.operations {
            if let Some(before) = o.operations.iter().find(|x| x.method == op.method && x.path == op.path) {
                let subject = Subject::Operation {
                    tag: t.name.clone(),
                    method: op.method.as_str().to_owned(),
                    path: op.path.clone(),
                    name: op.rust_name.clone(),
                };
                for what in operation(before, op) {
                    note(&subject, what);
                }
            }
        }
    }
    for (name, t) in &new.types {
        if let Some(before) = old.types.get(name) {
            let subject = Subject::Model { name: name.clone() };
            for what in model(before, t) {
                note(&subject, what);
            }
        }
    }
    out
}

fn operation(a: &Operation, b: &Operation) -> Vec<String> {
    let mut out = Vec::new();
    if a.summary != b.summary {
        out.push("summary changed".to_owned());
    }
    if a.description != b.description {
        out.push("description changed".to_owned());
    }
    for p in &b.params {
        let same = a.params.iter().find(|q| q.location == p.location && q.wire_name == p.wire_name);
        if same.is_some_and(|q| q.description != p.description) {
            out.push(format!("description of parameter `{}` changed", p.wire_name));
        }
    }
    if let (Some(x), Some(y)) = (&a.body, &b.body) {
        if x.examples != y.examples {
            out.push("request body examples changed".to_owned());
        }
    }
    out.extend(response("success response", &a.success, &b.success));
    for e in &b.errors {
        if let Some(f) = a.errors.iter().find(|f| f.response.status == e.response.status) {
            out.extend(response(&format!("error {}", e.response.status), &f.response, &e.response));
        }
    }
    out
}

fn response(what: &str, a: &Response, b: &Response) -> Vec<String> {
    let mut out = Vec::new();
    if a.description != b.description {
        out.push(format!("{what}: description changed"));
    }
    if a.examples != b.examples {
        out.push(format!("{what}: examples changed"));
    }
    out
}

fn model(a: &TypeDef, b: &TypeDef) -> Vec<String> {
    let mut out = Vec::new();
    if a.description != b.description {
        out.push("description changed".to_owned());
    }
    if a.example != b.example {
        out.push("example changed".to_owned());
    }
    if let (TypeKind::Struct { fields: fa, .. }, TypeKind::Struct { fields: fb, .. }) = (&a.kind, &b.kind) {
        for f in fb {
            let Some(g) = fa.iter().find(|g| g.wire_name == f.wire_name) else { continue };
            if g.description != f.description {
                out.push(format!("description of field `{}` changed", f.rust_name));
            }
            if g.example != f.example {
                out.push(format!("example of field `{}` changed", f.rust_name));
            }
        }
    }
    out
}
