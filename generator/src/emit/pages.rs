//! The Markdown docs: one page per tag (`docs/sdks/<tag>/README.md`) in the shape of the
//! reference SDK's, and one page per model (`docs/models/<model>.md`). The views built here
//! are plain data; the layout is in `templates/docs/`.

use super::docs::doc_text;
use super::tokens::{field_type_name, type_name};
use super::usage::example_path;
use crate::ir::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Spec text as one table cell: escaped, on one line, never empty.
pub fn cell(text: Option<&str>) -> String {
    let t = text.map(|t| doc_text(t.trim()).replace('\n', " ")).unwrap_or_default();
    if t.trim().is_empty() {
        "—".into()
    } else {
        t
    }
}

/// What the tag page shows of one operation.
#[derive(Serialize)]
pub struct OperationView {
    /// Method name.
    pub name: String,
    /// How it is called: `client.chat().send` (with any `x-speakeasy-group` accessors).
    pub call: String,
    /// `POST /auth/keys`.
    pub http: String,
    /// Summary, escaped.
    pub summary: String,
    /// Description, escaped (may span lines).
    pub description: String,
    /// Whether the operation needs an API key.
    pub needs_auth: bool,
    /// Rows of the parameters table.
    pub params: Vec<ParamRow>,
    /// The response type.
    pub response: String,
    /// Its model page, when it is a model.
    pub response_link: Option<String>,
    /// Rows of the errors table.
    pub errors: Vec<ErrorRow>,
    /// The operation's error enum.
    pub error_enum: String,
    /// Example program (path, code without header).
    pub example_path: String,
    /// The code.
    pub example: String,
    /// Uploads, downloads, other media and item streams, as Markdown paragraphs.
    pub bodies: Vec<String>,
    /// The streaming method, when the operation has one.
    pub stream: Option<StreamView>,
}

/// What the tag page shows of a streaming method.
#[derive(Serialize)]
pub struct StreamView {
    /// Method name.
    pub name: String,
    /// The event type.
    pub event: String,
    /// Its model page, when it is a model.
    pub event_link: Option<String>,
    /// The body field the method sets to `true`.
    pub request_field: Option<String>,
    /// The end-of-stream marker.
    pub sentinel: Option<String>,
    /// Example program path.
    pub example_path: String,
    /// The code.
    pub example: String,
}

/// A row of a parameters table.
#[derive(Serialize)]
pub struct ParamRow {
    /// Argument name.
    pub name: String,
    /// Rust type.
    pub ty: String,
    /// Link to the model page.
    pub link: Option<String>,
    /// Required.
    pub required: bool,
    /// Description cell.
    pub description: String,
}

/// A row of an errors table.
#[derive(Serialize)]
pub struct ErrorRow {
    /// `CreateAuthCodeError::Conflict`.
    pub variant: String,
    /// The body type.
    pub body: String,
    /// Link to the body's model page.
    pub link: Option<String>,
    /// `409`, `4XX`, `default`.
    pub status: String,
    /// Media type.
    pub content_type: String,
}

/// A row of a model's fields table.
#[derive(Serialize)]
pub struct FieldRow {
    /// Rust field name.
    pub name: String,
    /// Rust type as declared.
    pub ty: String,
    /// Link to the field type's page.
    pub link: Option<String>,
    /// Wire name.
    pub wire: String,
    /// Required.
    pub required: bool,
    /// Description cell.
    pub description: String,
    /// Example cell.
    pub example: String,
}

/// A model page.
#[derive(Serialize)]
pub struct ModelView {
    /// Rust name.
    pub name: String,
    /// Description, escaped.
    pub description: String,
    /// `struct`, `enum`, `union`, `alias`.
    pub kind: String,
    /// Struct fields.
    pub fields: Vec<FieldRow>,
    /// Enum values (wire), or union variants.
    pub values: Vec<(String, String)>,
    /// What an alias stands for.
    pub alias_of: String,
}

/// The file name of a model's page.
pub fn model_page(name: &str) -> String {
    format!("{}.md", name.to_ascii_lowercase())
}

fn link(t: &TypeRef, prefix: &str) -> Option<String> {
    t.named().map(|n| format!("{prefix}{}", model_page(n)))
}

/// The views of a tag's operations, with their example programs (`examples`: source by path).
pub fn operations(tag: &Tag, examples: &BTreeMap<&str, &str>) -> Vec<OperationView> {
    let to_models = "../../models/";
    tag.operations
        .iter()
        .filter_map(|op| {
            let path = example_path(tag, op);
            let example = examples.get(path.as_str())?.to_string();
            let example_path = path;
            let stream = op.stream.as_ref().and_then(|s| {
                let path = super::usage::stream_example_path(tag, s);
                let example = examples.get(path.as_str())?.to_string();
                let example_path = path;
                Some(StreamView {
                    name: s.rust_name.clone(),
                    event: type_name(&s.event),
                    event_link: link(&s.event, to_models),
                    request_field: s.request_field.clone(),
                    sentinel: s.sentinel.clone(),
                    example_path,
                    example,
                })
            });
            let mut params: Vec<ParamRow> = op
                .params
                .iter()
                .map(|p| ParamRow {
                    name: p.rust_name.clone(),
                    ty: type_name(&p.ty),
                    link: link(&p.ty, to_models),
                    required: p.required,
                    description: cell(p.description.as_deref()),
                })
                .collect();
            if let Some(b) = &op.body {
                params.push(ParamRow {
                    name: "body".into(),
                    ty: type_name(&b.ty),
                    link: link(&b.ty, to_models),
                    required: b.required,
                    description: format!("The request body (`{}`).", b.content_type),
                });
            }
            Some(OperationView {
                name: op.rust_name.clone(),
                call: super::usage::call_chain(tag, op),
                http: format!("{} {}", op.method, op.path),
                summary: cell(op.summary.as_deref().or(Some(&op.id))),
                description: op.description.as_deref().map(|d| doc_text(d.trim())).unwrap_or_default(),
                needs_auth: op.needs_auth,
                params,
                bodies: super::bodies::page_notes(op),
                response: op.success.ty.as_ref().map(type_name).unwrap_or_else(|| "()".into()),
                response_link: op.success.ty.as_ref().and_then(|t| link(t, to_models)),
                errors: op
                    .errors
                    .iter()
                    .map(|e| ErrorRow {
                        variant: format!("{}::{}", op.error_name, e.variant),
                        body: e.response.ty.as_ref().map(type_name).unwrap_or_else(|| "no body".into()),
                        link: e.response.ty.as_ref().and_then(|t| link(t, to_models)),
                        status: e.response.status.to_string(),
                        content_type: e.response.content_type.clone().unwrap_or_else(|| "—".into()),
                    })
                    .collect(),
                error_enum: op.error_name.clone(),
                example_path,
                example,
                stream,
            })
        })
        .collect()
}

/// The view of one model page.
pub fn model(def: &TypeDef) -> ModelView {
    let description = def.description.as_deref().map(|d| doc_text(d.trim())).unwrap_or_default();
    let mut view = ModelView {
        name: def.rust_name.clone(),
        description,
        kind: String::new(),
        fields: Vec::new(),
        values: Vec::new(),
        alias_of: String::new(),
    };
    match &def.kind {
        TypeKind::Struct { fields, .. } => {
            view.kind = "struct".into();
            view.fields = fields
                .iter()
                .map(|f| FieldRow {
                    name: f.rust_name.clone(),
                    ty: field_type_name(f),
                    link: link(&f.ty, ""),
                    wire: f.wire_name.clone(),
                    required: f.required,
                    description: cell(f.description.as_deref()),
                    example: f
                        .example
                        .as_ref()
                        .map(|e| format!("`{}`", e.to_string().replace('`', "'").replace('|', "\\|")))
                        .unwrap_or_else(|| "—".into()),
                })
                .collect();
        }
        TypeKind::Enum { variants } => {
            view.kind = "enum".into();
            view.values = variants.iter().map(|v| (v.rust_name.clone(), v.wire.to_string())).collect();
        }
        TypeKind::Union { variants, .. } => {
            view.kind = "union".into();
            view.values = variants.iter().map(|v| (v.rust_name.clone(), type_name(&v.ty))).collect();
        }
        TypeKind::Alias(t) => {
            view.kind = "alias".into();
            view.alias_of = type_name(t);
        }
    }
    view
}
