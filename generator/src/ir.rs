//! The intermediate representation: plain data, no tokens, no I/O. Every name is stored twice,
//! as found on the wire and as the Rust identifier made from it.

use serde::Serialize;
use std::collections::BTreeMap;

mod bodies;
pub use bodies::*;

/// Index of a type in [`Api::types`]: its Rust name, unique in the models module.
pub type TypeId = String;

// The names the emitters add beside the spec's, taken in their scopes by lowering.

/// The struct field that keeps `additionalProperties`.
pub const ADDITIONAL_PROPERTIES: &str = "additional_properties";
/// The union variant that keeps a value no branch accepts.
pub const UNION_FALLBACK: &str = "Other";
/// The enum variant that keeps a value the client does not know.
pub const ENUM_FALLBACK: &str = "Unknown";

/// Everything the emitters need to write the client.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first server URL; the client's default base URL.
    pub server_url: Option<String>,
    /// Bearer auth is declared and required by default.
    pub bearer_auth: bool,
    /// The spec's retry policy (`x-speakeasy-retries`), if any.
    pub retries: Option<Retries>,
    /// Selected tags, in the order they were asked for.
    pub tags: Vec<Tag>,
    /// Every type reachable from the selected operations, by Rust name.
    pub types: BTreeMap<TypeId, TypeDef>,
}

/// Retry policy from `x-speakeasy-retries`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retries {
    /// Milliseconds before the first retry.
    pub initial_interval_ms: u64,
    /// Upper bound of one wait, in milliseconds.
    pub max_interval_ms: u64,
    /// Give up once this many milliseconds have passed.
    pub max_elapsed_ms: u64,
    /// Growth factor between waits.
    pub exponent: f64,
    /// Statuses worth retrying.
    pub statuses: Vec<StatusMatch>,
    /// Retry connection errors and timeouts too.
    pub connection_errors: bool,
}

/// A response status as a spec names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum StatusMatch {
    /// One code, e.g. 409.
    Code(u16),
    /// A class, e.g. 5 for `5XX`.
    Range(u16),
    /// `default`: every status not listed otherwise.
    Default,
}

impl std::fmt::Display for StatusMatch {
    /// As a spec writes it: `409`, `5XX`, `default`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusMatch::Code(c) => write!(f, "{c}"),
            StatusMatch::Range(r) => write!(f, "{r}XX"),
            StatusMatch::Default => f.write_str("default"),
        }
    }
}

/// One tag: a sub-client with its operations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tag {
    /// The tag as written in the spec (`OAuth`).
    pub name: String,
    /// Module and accessor name (`oauth`).
    pub module: String,
    /// Sub-client type name (`OAuth`).
    pub client: String,
    /// The tag's description.
    pub description: Option<String>,
    /// Operations in path order, then method order.
    pub operations: Vec<Operation>,
    /// Sub-groups of the tag's operations (`x-speakeasy-group`), parents before children.
    pub groups: Vec<Group>,
}

/// A sub-group of a tag's operations (`x-speakeasy-group: a.b` in tag `T` →
/// `client.t().a().b()`), a sub-client of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// Accessor names from the tag's sub-client down to this group (`["a", "b"]`).
    pub path: Vec<String>,
    /// The group's sub-client type name, unique in the tag module.
    pub client: String,
}

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    /// `operationId`, or the method + path when there is none.
    pub id: String,
    /// Method name on the sub-client.
    pub rust_name: String,
    /// Name of the operation's error enum.
    pub error_name: String,
    /// Module of the tag whose file defines the error enum: the first requested tag the
    /// operation has (it is a method of every requested tag it has).
    pub home: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// Path template, e.g. `/auth/keys/{id}`.
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// The operation is deprecated.
    pub deprecated: bool,
    /// The accessors of its sub-group below the tag's sub-client (`x-speakeasy-group`);
    /// empty for a method of the tag's sub-client itself.
    pub group: Vec<String>,
    /// Whether an API key is required (false when `security: []`).
    pub needs_auth: bool,
    /// Path, query and header parameters, in spec order.
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// The success response (the lowest 2XX).
    pub success: Response,
    /// Error responses, in status order.
    pub errors: Vec<ErrorResponse>,
    /// Forms, other media and pagination.
    pub bodies: Bodies,
    /// The success response's event-stream form, when it offers one: a second method.
    pub stream: Option<EventStream>,
}

/// A success response offered as `text/event-stream` (server-sent events) beside, or instead
/// of, the JSON one: the operation gets a second method returning a typed stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventStream {
    /// The streaming method's name (`<operation>_stream`), unique on its sub-client.
    pub rust_name: String,
    /// The type of each event's `data` (the `data` property of the event schema, which
    /// describes the whole SSE event; the schema itself when it has no `data`).
    pub event: TypeRef,
    /// The `data` that ends the stream (`x-speakeasy-sse-sentinel`, e.g. `[DONE]`).
    pub sentinel: Option<String>,
    /// The request body's boolean property that asks for the stream
    /// (`x-speakeasy-stream-request-field`, or a boolean `stream` property); the streaming
    /// method sets it to `true`.
    pub request_field: Option<String>,
    /// The media type's `example`, then the values of its `examples`, in spec order.
    pub examples: Vec<serde_json::Value>,
}

/// The methods a path item can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// Every method, in the order OpenAPI lists them in a path item.
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The key in a path item: `get`.
    pub fn key(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }

    /// The method a path-item key names.
    pub fn from_key(key: &str) -> Option<HttpMethod> {
        HttpMethod::ALL.into_iter().find(|m| m.key() == key)
    }

    /// Sending it twice has the effect of sending it once (RFC 9110): safe to resend.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, HttpMethod::Post | HttpMethod::Patch)
    }

    /// The method on the wire: `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    /// Name on the wire.
    pub wire_name: String,
    /// Argument name in Rust.
    pub rust_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Every parameter is a method argument, in spec order; an optional one is an `Option`.
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// How the value is laid out (`style`; the location's default when absent).
    pub style: ParamStyle,
    /// `explode` (default: true for `form`, false otherwise).
    pub explode: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// `description`.
    pub description: Option<String>,
    /// The parameter's `example` (or its schema's).
    pub example: Option<serde_json::Value>,
}

/// OpenAPI parameter styles (RFC 6570 forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamStyle {
    /// Query: `name=a&name=b` or `name=a,b`.
    Form,
    /// Query: `name=a%20b`.
    SpaceDelimited,
    /// Query: `name=a|b`.
    PipeDelimited,
    /// Query: `name[key]=value`.
    DeepObject,
    /// Path and header: `a,b`.
    Simple,
    /// Path: `.a.b`.
    Label,
    /// Path: `;name=a`.
    Matrix,
}

/// How a body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BodyKind {
    /// `application/json` (and `+json`).
    Json,
    /// `text/*`.
    Text,
    /// Anything else, sent or received as bytes.
    Bytes,
    /// No body.
    Empty,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    /// The media type, e.g. `application/json`.
    pub content_type: String,
    /// Encoding.
    pub kind: BodyKind,
    /// The Rust type of the body.
    pub ty: TypeRef,
    /// `requestBody.required`.
    pub required: bool,
    /// The media type's `example`, then the values of its `examples`, in spec order.
    pub examples: Vec<serde_json::Value>,
}

/// The success response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    /// Status code.
    pub status: StatusMatch,
    /// `description`.
    pub description: String,
    /// Media type, when there is a body.
    pub content_type: Option<String>,
    /// Decoding.
    pub kind: BodyKind,
    /// The Rust type of the body (`()` when there is none).
    pub ty: Option<TypeRef>,
    /// The media type's `example`, then the values of its `examples`, in spec order.
    pub examples: Vec<serde_json::Value>,
}

/// A documented error status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorResponse {
    /// The variant in the operation's error enum.
    pub variant: String,
    /// The response as documented.
    pub response: Response,
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TypeRef {
    /// A scalar.
    Primitive(Primitive),
    /// A generated type.
    Named(TypeId),
    /// A list.
    Array(Box<TypeRef>),
    /// A map from string keys.
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// The type inside any lists and maps: `Vec<BTreeMap<String, T>>` → `T`.
    pub fn leaf(&self) -> &TypeRef {
        match self {
            TypeRef::Array(inner) | TypeRef::Map(inner) => inner.leaf(),
            other => other,
        }
    }

    /// The generated type this reference names, inside any lists and maps.
    pub fn named(&self) -> Option<&str> {
        match self.leaf() {
            TypeRef::Named(n) => Some(n),
            _ => None,
        }
    }
}

/// Scalars and the well-known types formats map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Primitive {
    /// `string`.
    String,
    /// `string`, `format: date-time`.
    DateTime,
    /// `string`, `format: date`.
    Date,
    /// `string`, `format: uuid`.
    Uuid,
    /// `string`, `format: uri`.
    Url,
    /// `string`, `format: password`: a credential, redacted in `Debug` (`crate::Secret`).
    Secret,
    /// `integer` with `format: int32`.
    I32,
    /// `integer`.
    I64,
    /// `number` with `format: float`.
    F32,
    /// `number`.
    F64,
    /// `boolean`.
    Bool,
    /// Anything: arbitrary JSON.
    Json,
    /// Raw bytes of a non-JSON, non-text body.
    Bytes,
}

/// A generated type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeDef {
    /// Rust name (also the key in [`Api::types`]).
    pub rust_name: String,
    /// The component name or the place the type was found, for docs.
    pub origin: String,
    /// `description` (or `title`).
    pub description: Option<String>,
    /// `example`.
    pub example: Option<serde_json::Value>,
    /// What it is.
    pub kind: TypeKind,
}

/// The shape of a generated type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TypeKind {
    /// An object with known properties.
    Struct {
        /// Fields in spec order.
        fields: Vec<Field>,
        /// `additionalProperties` kept in a flattened map of this type.
        additional: Option<TypeRef>,
    },
    /// An open enum of strings or integers.
    Enum {
        /// Known values, in spec order.
        variants: Vec<Variant>,
    },
    /// A union (`oneOf`/`anyOf`): chosen by the discriminator property when there is one,
    /// else tried in order.
    Union {
        /// One variant per branch.
        variants: Vec<UnionVariant>,
        /// The wire name of the property whose value names the variant (`type`).
        discriminator: Option<String>,
    },
    /// Another name for a type.
    Alias(TypeRef),
}

/// A struct field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// Property name on the wire.
    pub wire_name: String,
    /// Field name in Rust.
    pub rust_name: String,
    /// Its type.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `null` is a valid value.
    pub nullable: bool,
    /// The type contains itself through this field: boxed.
    pub boxed: bool,
    /// `description`.
    pub description: Option<String>,
    /// `example`.
    pub example: Option<serde_json::Value>,
    /// Constraints checked before sending.
    pub constraints: Constraints,
    /// `deprecated`.
    pub deprecated: bool,
}

/// Value constraints a client checks before sending.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `minimum`, and whether it is exclusive.
    pub minimum: Option<(f64, bool)>,
    /// `maximum`, and whether it is exclusive.
    pub maximum: Option<(f64, bool)>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
}

impl Constraints {
    /// No constraint is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A known enum value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    /// The value on the wire.
    pub wire: serde_json::Value,
    /// Variant name in Rust.
    pub rust_name: String,
}

/// A branch of a union.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnionVariant {
    /// Variant name in Rust.
    pub rust_name: String,
    /// Its payload.
    pub ty: TypeRef,
    /// The discriminator values that select it (empty when the union has none).
    pub tags: Vec<String>,
}

impl TypeKind {
    /// Every type reference of this type: fields, the additional-properties value, union
    /// branches, the aliased type.
    pub fn type_refs(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct { fields, additional } => fields.iter().map(|f| &f.ty).chain(additional).collect(),
            TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(t) => vec![t],
            TypeKind::Enum { .. } => Vec::new(),
        }
    }
}

impl Operation {
    /// Every type reference of this operation: parameters, body, success and error bodies.
    pub fn type_refs(&self) -> Vec<&TypeRef> {
        let params = self.params.iter().map(|p| &p.ty);
        let body = self.body.iter().map(|b| &b.ty);
        let responses = std::iter::once(&self.success).chain(self.errors.iter().map(|e| &e.response));
        let extras = self.bodies.type_refs();
        let events = self.stream.iter().map(|s| &s.event);
        params.chain(body).chain(responses.filter_map(|r| r.ty.as_ref())).chain(extras).chain(events).collect()
    }
}

/// Every name the API was given, spec name → Rust name, one per line: tags, operations, types,
/// fields, enum values and union variants. Snapshotted so a renaming is always visible.
pub fn name_table(api: &Api) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for t in &api.tags {
        let _ = writeln!(out, "tag {:?} → api::{} (client.{}(), {})", t.name, t.module, t.module, t.client);
        for o in &t.operations {
            let _ = writeln!(out, "  operation {:?} → {} ({} in api::{})", o.id, o.rust_name, o.error_name, o.home);
        }
    }
    for d in api.types.values() {
        let _ = writeln!(out, "type {:?} → models::{}", d.origin, d.rust_name);
        match &d.kind {
            TypeKind::Struct { fields, additional } => {
                for f in fields {
                    let _ = writeln!(out, "  field {:?} → {}", f.wire_name, f.rust_name);
                }
                if additional.is_some() {
                    let _ = writeln!(out, "  other fields → {ADDITIONAL_PROPERTIES}");
                }
            }
            TypeKind::Enum { variants } => {
                for v in variants {
                    let _ = writeln!(out, "  value {} → {}", v.wire, v.rust_name);
                }
            }
            TypeKind::Union { variants, discriminator } => {
                for v in variants {
                    let tag =
                        discriminator.as_ref().map(|d| format!(" ({d}: {})", v.tags.join(" | "))).unwrap_or_default();
                    let _ = writeln!(out, "  variant {}{tag}", v.rust_name);
                }
            }
            TypeKind::Alias(_) => {}
        }
    }
    out
}

impl Api {
    /// Every type reference in the API: of each type, then of each operation.
    pub fn type_refs(&self) -> Vec<&TypeRef> {
        let types = self.types.values().flat_map(|t| t.kind.type_refs());
        types.chain(self.tags.iter().flat_map(|t| &t.operations).flat_map(Operation::type_refs)).collect()
    }

    /// The same API with every piece of documentation emptied: `info` title and description,
    /// summaries, descriptions, examples and where types came from. What is left is the API
    /// surface (names, wire names, types, required/nullable, constraints, statuses, server,
    /// security, retries), so two documents describing the same API compare equal.
    ///
    /// The destructuring is exhaustive on purpose: a new IR field must be classified here.
    pub fn without_docs(&self) -> Api {
        let Api { title: _, version, description: _, server_url, bearer_auth, retries, tags, types } = self.clone();
        Api {
            title: String::new(),
            version,
            description: None,
            server_url,
            bearer_auth,
            retries,
            tags: tags.into_iter().map(Tag::without_docs).collect(),
            types: types.into_iter().map(|(id, t)| (id, t.without_docs())).collect(),
        }
    }
}

impl Tag {
    fn without_docs(self) -> Tag {
        let Tag { name, module, client, description: _, operations, groups } = self;
        Tag {
            name,
            module,
            client,
            groups,
            description: None,
            operations: operations.into_iter().map(Operation::without_docs).collect(),
        }
    }
}

impl Operation {
    fn without_docs(self) -> Operation {
        let Operation {
            id,
            rust_name,
            error_name,
            home,
            method,
            path,
            summary: _,
            description: _,
            deprecated,
            group,
            needs_auth,
            params,
            body,
            success,
            errors,
            bodies,
            stream,
        } = self;
        Operation {
            id,
            rust_name,
            error_name,
            home,
            method,
            path,
            summary: None,
            description: None,
            deprecated,
            group,
            needs_auth,
            params: params
                .into_iter()
                .map(|p| {
                    let Param {
                        wire_name,
                        rust_name,
                        location,
                        required,
                        ty,
                        style,
                        explode,
                        deprecated,
                        description: _,
                        example: _,
                    } = p;
                    Param {
                        wire_name,
                        rust_name,
                        location,
                        required,
                        ty,
                        style,
                        explode,
                        deprecated,
                        description: None,
                        example: None,
                    }
                })
                .collect(),
            body: body.map(|b| {
                let Body { content_type, kind, ty, required, examples: _ } = b;
                Body { content_type, kind, ty, required, examples: Vec::new() }
            }),
            success: success.without_docs(),
            errors: errors
                .into_iter()
                .map(|e| {
                    let ErrorResponse { variant, response } = e;
                    ErrorResponse { variant, response: response.without_docs() }
                })
                .collect(),
            bodies: bodies.without_docs(),
            stream: stream.map(|s| {
                let EventStream { rust_name, event, sentinel, request_field, examples: _ } = s;
                EventStream { rust_name, event, sentinel, request_field, examples: Vec::new() }
            }),
        }
    }
}

impl Response {
    fn without_docs(self) -> Response {
        let Response { status, description: _, content_type, kind, ty, examples: _ } = self;
        Response { status, description: String::new(), content_type, kind, ty, examples: Vec::new() }
    }
}

impl TypeDef {
    fn without_docs(self) -> TypeDef {
        let TypeDef { rust_name, origin: _, description: _, example: _, kind } = self;
        let kind = match kind {
            TypeKind::Struct { fields, additional } => TypeKind::Struct {
                fields: fields
                    .into_iter()
                    .map(|f| {
                        let Field {
                            wire_name,
                            rust_name,
                            ty,
                            required,
                            nullable,
                            boxed,
                            description: _,
                            example: _,
                            constraints,
                            deprecated,
                        } = f;
                        Field {
                            wire_name,
                            rust_name,
                            ty,
                            required,
                            nullable,
                            boxed,
                            description: None,
                            example: None,
                            constraints,
                            deprecated,
                        }
                    })
                    .collect(),
                additional,
            },
            other @ (TypeKind::Enum { .. } | TypeKind::Union { .. } | TypeKind::Alias(_)) => other,
        };
        TypeDef { rust_name, origin: String::new(), description: None, example: None, kind }
    }
}
