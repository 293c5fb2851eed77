//! The API surface: what users of the generated crate see of an [`Api`], without documentation.
//! The diff compares two surfaces; the generated crate records its own in `api-surface.txt`
//! so that `cargo xtask codegen --check` can say what a spec change does to it.
//!
//! The file has one item a line (`api`, `tag`, `op`, `model`, `field`, each followed by compact
//! JSON; a struct's fields follow its `model` line),
//! in a fixed order, so it is deterministic and a change to one operation or model changes one
//! line. Lines starting with `//` are comments.

use crate::diag::{Error, Location};
use crate::ir::{Api, Field, Primitive, Response, TypeKind, TypeRef};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Path of the surface file inside the generated crate.
pub const SURFACE_FILE: &str = "api-surface.txt";

/// The surface of a whole API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Surface {
    /// Server, authentication and retries.
    pub api: ApiFacts,
    /// Tags in the order the crate lists them.
    pub tags: Vec<TagSurface>,
    /// Every model, by Rust name.
    pub models: BTreeMap<String, Model>,
}

/// Facts of the whole API the client acts on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiFacts {
    /// The client's default base URL.
    pub server_url: Option<String>,
    /// Bearer auth is declared.
    pub bearer_auth: bool,
    /// The spec's retry policy, spelled out.
    pub retries: Option<String>,
}

/// One tag: a sub-client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagSurface {
    /// The tag as the spec writes it.
    pub name: String,
    /// Its module and accessor (`client.<module>()`).
    pub module: String,
    /// The sub-client's type name.
    pub client: String,
    /// Its operations.
    #[serde(skip)]
    pub operations: Vec<OpSurface>,
}

/// One operation: a method of a sub-client and its error enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpSurface {
    /// The HTTP method, `POST`.
    pub method: String,
    /// The path template.
    pub path: String,
    /// `operationId`.
    pub id: String,
    /// The method's name.
    pub rust_name: String,
    /// The error enum's name.
    pub error_name: String,
    /// Deprecated.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// An API key is sent.
    pub needs_auth: bool,
    /// Parameters, in spec order.
    pub params: Vec<ParamSurface>,
    /// The request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodySurface>,
    /// The success response.
    pub success: ResponseSurface,
    /// Documented error statuses.
    pub errors: Vec<ErrorSurface>,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSurface {
    /// Name on the wire.
    pub name: String,
    /// Argument name.
    pub rust_name: String,
    /// `path`, `query` or `header`.
    #[serde(rename = "in")]
    pub location: String,
    /// The method argument is `T` (required) or `Option<T>`.
    pub required: bool,
    /// Its type.
    pub ty: String,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BodySurface {
    /// Media type.
    pub content_type: String,
    /// `requestBody.required`.
    pub required: bool,
    /// Its type.
    pub ty: String,
}

/// A response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseSurface {
    /// `200`, `4XX`, `default`.
    pub status: String,
    /// Media type, when there is a body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Its type (`()` when there is no body).
    pub ty: String,
}

/// A documented error status: a variant of the operation's error enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorSurface {
    /// The variant's name.
    pub variant: String,
    /// The response.
    #[serde(flatten)]
    pub response: ResponseSurface,
}

/// A generated model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Model {
    /// A struct.
    Struct {
        /// Fields in spec order.
        fields: Vec<FieldSurface>,
        /// The type of `additional_properties`, when other keys are kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional: Option<String>,
    },
    /// An open enum.
    Enum {
        /// Known values: the wire value as JSON text, and the variant name.
        values: Vec<(String, String)>,
    },
    /// An open union.
    Union {
        /// The property naming the variant.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        discriminator: Option<String>,
        /// Variants: name, payload type, discriminator values.
        variants: Vec<(String, String, Vec<String>)>,
    },
    /// Another name for a type.
    Alias {
        /// The aliased type.
        ty: String,
    },
}

impl Model {
    /// `struct`, `enum`, `union` or `alias`.
    pub fn kind(&self) -> &'static str {
        match self {
            Model::Struct { .. } => "struct",
            Model::Enum { .. } => "enum",
            Model::Union { .. } => "union",
            Model::Alias { .. } => "alias",
        }
    }

    /// Every type spelled in this model.
    fn types(&self) -> Vec<&str> {
        match self {
            Model::Struct { fields, additional } => {
                fields.iter().map(|f| f.ty.as_str()).chain(additional.as_deref()).collect()
            }
            Model::Union { variants, .. } => variants.iter().map(|v| v.1.as_str()).collect(),
            Model::Alias { ty } => vec![ty],
            Model::Enum { .. } => Vec::new(),
        }
    }
}

/// A struct field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSurface {
    /// Property name on the wire.
    pub name: String,
    /// Field name in Rust.
    pub rust_name: String,
    /// Its type, without the `Option`/`Nullable` that `required` and `nullable` add.
    pub ty: String,
    /// Listed in `required`.
    pub required: bool,
    /// `null` is allowed.
    pub nullable: bool,
    /// Deprecated.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// Constraints `validate()` checks, spelled out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<String>,
}

impl FieldSurface {
    /// The field's Rust type: `T`, `Option<T>` or `Nullable<T>`.
    pub fn rust_type(&self) -> String {
        match (self.required, self.nullable) {
            (true, false) => self.ty.clone(),
            (false, true) => format!("Nullable<{}>", self.ty),
            _ => format!("Option<{}>", self.ty),
        }
    }

    /// The field is an argument of the model's `new()`.
    pub fn in_constructor(&self) -> bool {
        self.required && !self.nullable
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// How a type is spelled in the surface: primitives in lower case (`string`, `i64`,
/// `date-time`), containers as `Vec<T>` and `Map<T>`, models by their Rust name.
pub fn spell(t: &TypeRef) -> String {
    match t {
        TypeRef::Primitive(p) => primitive(*p).to_owned(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::Array(inner) => format!("Vec<{}>", spell(inner)),
        TypeRef::Map(inner) => format!("Map<{}>", spell(inner)),
    }
}

fn primitive(p: Primitive) -> &'static str {
    match p {
        Primitive::String => "string",
        Primitive::DateTime => "date-time",
        Primitive::Date => "date",
        Primitive::Uuid => "uuid",
        Primitive::Url => "url",
        Primitive::Secret => "secret",
        Primitive::I32 => "i32",
        Primitive::I64 => "i64",
        Primitive::F32 => "f32",
        Primitive::F64 => "f64",
        Primitive::Bool => "bool",
        Primitive::Json => "json",
        Primitive::Bytes => "bytes",
    }
}

fn response(r: &Response) -> ResponseSurface {
    ResponseSurface {
        status: r.status.to_string(),
        content_type: r.content_type.clone(),
        ty: r.ty.as_ref().map_or_else(|| "()".to_owned(), spell),
    }
}

fn field(f: &Field) -> FieldSurface {
    let c = &f.constraints;
    let constraints = (!c.is_empty()).then(|| {
        let bound = |name: &str, v: Option<(f64, bool)>| {
            v.map(|(x, exclusive)| format!("{name}{}{x}", if exclusive { " (exclusive) " } else { " " }))
        };
        let count = |name: &str, v: Option<usize>| v.map(|x| format!("{name} {x}"));
        [
            count("minLength", c.min_length),
            count("maxLength", c.max_length),
            bound("minimum", c.minimum),
            bound("maximum", c.maximum),
            count("minItems", c.min_items),
            count("maxItems", c.max_items),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    });
    let ty = spell(&f.ty);
    FieldSurface {
        name: f.wire_name.clone(),
        rust_name: f.rust_name.clone(),
        ty: if f.boxed { format!("Box<{ty}>") } else { ty },
        required: f.required,
        nullable: f.nullable,
        deprecated: f.deprecated,
        constraints,
    }
}

impl Surface {
    /// The surface of `api`.
    pub fn of(api: &Api) -> Surface {
        let facts = ApiFacts {
            server_url: api.server_url.clone(),
            bearer_auth: api.bearer_auth,
            retries: api.retries.as_ref().map(|r| {
                let statuses: Vec<String> = r.statuses.iter().map(ToString::to_string).collect();
                format!(
                    "initial {} ms, max {} ms, elapsed {} ms, exponent {}, statuses {}, connection errors {}",
                    r.initial_interval_ms,
                    r.max_interval_ms,
                    r.max_elapsed_ms,
                    r.exponent,
                    statuses.join(" "),
                    r.connection_errors
                )
            }),
        };
        let tags = api
            .tags
            .iter()
            .map(|t| TagSurface {
                name: t.name.clone(),
                module: t.module.clone(),
                client: t.client.clone(),
                operations: t
                    .operations
                    .iter()
                    .map(|o| OpSurface {
                        method: o.method.as_str().to_owned(),
                        path: o.path.clone(),
                        id: o.id.clone(),
                        rust_name: o.rust_name.clone(),
                        error_name: o.error_name.clone(),
                        deprecated: o.deprecated,
                        needs_auth: o.needs_auth,
                        params: o
                            .params
                            .iter()
                            .map(|p| ParamSurface {
                                name: p.wire_name.clone(),
                                rust_name: p.rust_name.clone(),
                                location: format!("{:?}", p.location).to_lowercase(),
                                required: p.required,
                                ty: spell(&p.ty),
                            })
                            .collect(),
                        body: o.body.as_ref().map(|b| BodySurface {
                            content_type: b.content_type.clone(),
                            required: b.required,
                            ty: spell(&b.ty),
                        }),
                        success: response(&o.success),
                        errors: o
                            .errors
                            .iter()
                            .map(|e| ErrorSurface { variant: e.variant.clone(), response: response(&e.response) })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        let models = api
            .types
            .iter()
            .map(|(id, d)| {
                let model = match &d.kind {
                    TypeKind::Struct { fields, additional } => Model::Struct {
                        fields: fields.iter().map(field).collect(),
                        additional: additional.as_ref().map(spell),
                    },
                    TypeKind::Enum { variants } => Model::Enum {
                        values: variants.iter().map(|v| (v.wire.to_string(), v.rust_name.clone())).collect(),
                    },
                    TypeKind::Union { variants, discriminator } => Model::Union {
                        discriminator: discriminator.clone(),
                        variants: variants
                            .iter()
                            .map(|v| (v.rust_name.clone(), spell(&v.ty), v.tags.clone()))
                            .collect(),
                    },
                    TypeKind::Alias(t) => Model::Alias { ty: spell(t) },
                };
                (id.clone(), model)
            })
            .collect();
        Surface { api: facts, tags, models }
    }

    /// The surface file's body (without the generated-file header line).
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "// The API surface of this crate, one item a line: read by `cargo xtask codegen --check`\n\
             // and `--changelog` to tell what a new spec changes for users of the crate.\n",
        );
        out += &format!("api {}\n", json(&self.api));
        for t in &self.tags {
            out += &format!("tag {}\n", json(t));
            for o in &t.operations {
                out += &format!("op {}\n", json(&TaggedOp { tag: &t.name, op: o }));
            }
        }
        for (name, m) in &self.models {
            // A struct's fields get a line each, so a field change is a one-line diff.
            let Model::Struct { fields, additional } = m else {
                out += &format!("model {}\n", json(&NamedModel { name, model: m }));
                continue;
            };
            let head = Model::Struct { fields: Vec::new(), additional: additional.clone() };
            out += &format!("model {}\n", json(&NamedModel { name, model: &head }));
            for f in fields {
                out += &format!("field {}\n", json(&ModelField { model: name, field: f }));
            }
        }
        out
    }

    /// Reads a surface file written by [`Surface::to_text`]; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Surface, Error> {
        let mut surface = Surface::default();
        for (i, line) in text.lines().enumerate() {
            let at = |message: String| Error::spec(file, Some(Location::Position { line: i + 1, column: 1 }), message);
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with("//") || line.starts_with('#') {
                continue;
            }
            let (keyword, rest) = line.split_once(' ').unwrap_or((line, ""));
            let bad = |e: serde_json::Error| at(format!("invalid `{keyword}` line: {e}"));
            match keyword {
                "api" => surface.api = serde_json::from_str(rest).map_err(bad)?,
                "tag" => surface.tags.push(serde_json::from_str(rest).map_err(bad)?),
                "op" => {
                    let OwnedTaggedOp { tag, op } = serde_json::from_str(rest).map_err(bad)?;
                    match surface.tags.iter_mut().rev().find(|t| t.name == tag) {
                        Some(t) => t.operations.push(op),
                        None => return Err(at(format!("operation of tag {tag:?}, which no earlier `tag` line names"))),
                    }
                }
                "model" => {
                    let OwnedNamedModel { name, model } = serde_json::from_str(rest).map_err(bad)?;
                    surface.models.insert(name, model);
                }
                "field" => {
                    let OwnedModelField { model, field } = serde_json::from_str(rest).map_err(bad)?;
                    match surface.models.get_mut(&model) {
                        Some(Model::Struct { fields, .. }) => fields.push(field),
                        _ => return Err(at(format!("field of {model:?}, which no earlier struct `model` line names"))),
                    }
                }
                other => {
                    return Err(at(format!("unknown line kind `{other}` (expected api, tag, op, model or field)")))
                }
            }
        }
        Ok(surface)
    }

    /// Models reachable from requests (parameters, bodies) and from responses (success and
    /// error bodies), each followed through fields, union variants and aliases.
    pub fn reach(&self) -> Reach {
        let mut request = Vec::new();
        let mut response = Vec::new();
        for o in self.tags.iter().flat_map(|t| &t.operations) {
            request.extend(o.params.iter().map(|p| p.ty.as_str()));
            request.extend(o.body.iter().map(|b| b.ty.as_str()));
            response.push(o.success.ty.as_str());
            response.extend(o.errors.iter().map(|e| e.response.ty.as_str()));
        }
        Reach { request: self.closure(request), response: self.closure(response) }
    }

    fn closure<'a>(&'a self, roots: Vec<&'a str>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = roots.into_iter().flat_map(|t| self.names_in(t)).collect();
        while let Some(name) = stack.pop() {
            if seen.insert(name.to_owned()) {
                if let Some(m) = self.models.get(name) {
                    stack.extend(m.types().into_iter().flat_map(|t| self.names_in(t)));
                }
            }
        }
        seen
    }

    /// The models a type spelling names (`Vec<Map<Foo>>` → `Foo`).
    fn names_in<'a>(&self, ty: &'a str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut rest = ty;
        while !rest.is_empty() {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
            let (word, after) = rest.split_at(end);
            if !word.is_empty() && !after.starts_with('<') && self.models.contains_key(word) {
                out.push(word);
            }
            rest = if after.is_empty() { after } else { &after[after.chars().next().map_or(0, char::len_utf8)..] };
        }
        out
    }
}

/// Which models requests and responses reach.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    /// Reached from parameters and request bodies.
    pub request: BTreeSet<String>,
    /// Reached from success and error bodies.
    pub response: BTreeSet<String>,
}

#[derive(Serialize)]
struct TaggedOp<'a> {
    tag: &'a str,
    #[serde(flatten)]
    op: &'a OpSurface,
}

#[derive(Deserialize)]
struct OwnedTaggedOp {
    tag: String,
    #[serde(flatten)]
    op: OpSurface,
}

#[derive(Serialize)]
struct NamedModel<'a> {
    name: &'a str,
    #[serde(flatten)]
    model: &'a Model,
}

#[derive(Serialize)]
struct ModelField<'a> {
    model: &'a str,
    #[serde(flatten)]
    field: &'a FieldSurface,
}

#[derive(Deserialize)]
struct OwnedModelField {
    model: String,
    #[serde(flatten)]
    field: FieldSurface,
}

#[derive(Deserialize)]
struct OwnedNamedModel {
    name: String,
    #[serde(flatten)]
    model: Model,
}

/// Compact JSON of a surface item (these types cannot fail to serialize).
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
