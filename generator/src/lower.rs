//! Stage 3: select the operations of the requested tags, follow their `$ref`s, name
//! everything, and build the plain-data IR.

use crate::diag::{component_ref, pointer_segment, Collector, Error};
use crate::ir::*;
use crate::names::{sanitize, Case, Scope};
use crate::normalize::{Document, PathItems, BATCH};
use openapiv3::{
    AdditionalProperties, MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody,
    Schema, SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

mod bodies;
mod stream;

/// Builds the IR for the operations tagged with one of `tags` (that the tags exist is checked
/// by [`crate::select`], which runs first). The outer error is a path item `openapiv3`
/// rejects, which ends lowering as a failed [`to_openapi`](crate::normalize::to_openapi)
/// would; the inner one, the problems lowering found.
pub fn lower(doc: Document, tags: &[String], file: &str) -> Result<Result<Api, Error>, Error> {
    let Document { api: doc, mut paths } = doc;
    // Path items are converted a batch at a time in the order lowering reaches them, and each
    // is dropped as soon as the last requested tag with operations on it is lowered, so that
    // the IR grows as they go.
    let by_tag = paths_by_tag(&paths);
    let mut uses = vec![0usize; paths.len()];
    let mut order = Vec::new();
    for (i, _) in tags.iter().flat_map(|tag| by_tag.get(tag.as_str())).flatten() {
        if uses[*i] == 0 {
            order.push(*i);
        }
        uses[*i] += 1;
    }
    let mut order = order.chunks(BATCH);
    // The converted items not dropped yet: a batch or so (a `PathItem` is 8.7 KiB inline).
    let mut typed: std::collections::HashMap<usize, ReferenceOr<PathItem>> = std::collections::HashMap::new();
    let mut dropped = 0usize;
    let doc = &doc;
    let mut cx = Lowerer::new(doc, file);
    let mut out_tags = Vec::new();
    // The first declaration of each tag, looked up once per tag (a scan each is quadratic).
    let mut declared: std::collections::HashMap<&str, &openapiv3::Tag> = std::collections::HashMap::new();
    for t in &doc.tags {
        declared.entry(t.name.as_str()).or_insert(t);
    }
    // Tag modules live alone in `crate::api`; their names are also `Client` accessors, so
    // the runtime's own `Client` methods are taken.
    let mut modules = Scope::with_reserved(CLIENT_METHODS);
    // An operation in several requested tags is lowered once, by the first.
    let mut lowered: BTreeMap<(usize, HttpMethod), Option<Operation>> = BTreeMap::new();
    for tag in tags {
        // `client.builder()` is the runtime's: the tag's accessor becomes `builder_api()`.
        let wanted = sanitize(tag, Case::Module);
        let module = match CLIENT_METHODS.contains(&wanted.as_str()) {
            true => modules.unique(&format!("{wanted}_api"), Case::Module),
            false => modules.unique(tag, Case::Module),
        };
        let description = declared.get(tag.as_str()).and_then(|t| t.description.clone());
        let client = sanitize(tag, Case::Pascal);
        // The tag module declares its sub-client, the error enums of the operations it
        // defines, and the extras' submodules (snake case, so never a clash).
        let mut items = Scope::with_reserved(&[client.as_str()]);
        let mut methods = Scope::default();
        let mut groups = Groups::default();
        let mut operations = Vec::new();
        for (i, tagged) in by_tag.get(tag.as_str()).into_iter().flatten() {
            if !typed.contains_key(i) {
                // The first path of the next batch in `order`: convert the batch.
                let batch = order.next().unwrap_or_default();
                typed.reserve(batch.len());
                for (j, item) in batch.iter().zip(paths.convert(batch)?) {
                    typed.insert(*j, item);
                }
            }
            let Some(ReferenceOr::Item(item)) = typed.get(i) else { continue };
            let (path, shared) = (paths.path(*i), &item.parameters);
            for (key, op) in item.iter() {
                let Some(method) = HttpMethod::from_key(key).filter(|m| tagged.contains(m)) else { continue };
                let at = format!("/paths/{}/{key}", pointer_segment(path));
                let o = lowered.entry((*i, method)).or_insert_with(|| {
                    cx.operation(path, method, op, shared, &at).map(|mut o| {
                        o.home = module.clone();
                        o.error_name = items.unique(&o.error_name, Case::Pascal);
                        if let Some(form) = &mut o.bodies.form {
                            form.type_name = items.unique(&form.type_name, Case::Pascal);
                        }
                        o
                    })
                });
                // The path's last requested tag takes the operation, an earlier one a copy.
                let o = if uses[*i] == 1 { lowered.remove(&(*i, method)).flatten() } else { o.clone() };
                let Some(mut o) = o else { continue };
                // Method names are unique across the tag and its groups, so examples and doc
                // anchors named after them are too.
                if !methods.is_free(&o.rust_name) {
                    cx.diags.error(
                        &at,
                        format!("two operations of the `{tag}` tag are both named `{}` in Rust", o.rust_name),
                    );
                    continue;
                }
                o.group = group_path(op.extensions.get("x-speakeasy-group"), &module);
                let clash = groups.add(&o.group, &o.rust_name, &client, &mut items);
                if let Some(name) = clash {
                    cx.diags.error(
                        &format!("{at}/x-speakeasy-group"),
                        format!("in the `{tag}` tag, `{name}` names both a group and an operation"),
                    );
                    continue;
                }
                methods.unique(&o.rust_name, Case::Snake);
                if let Some(s) = &mut o.stream {
                    s.rust_name = methods.unique(&format!("{}_stream", o.rust_name), Case::Snake);
                }
                operations.push(o);
            }
            uses[*i] -= 1;
            if uses[*i] == 0 {
                typed.remove(i);
                dropped += 1;
                // The memory of each batch dropped is handed back to the operating system: the
                // conversion's worker threads allocated it, in arenas the IR, built on this
                // thread, cannot reuse, so without this a document with thousands of paths holds
                // their memory and the IR's at once (10,000 bench operations: lower's peak RSS
                // 577 → 500 MiB, its time 0.8 → 1.6 s). A smaller document never gets here.
                if dropped.is_multiple_of(BATCH) {
                    crate::release_now();
                }
            }
        }
        for o in &mut operations {
            bodies::name_methods(o, &mut methods);
        }
        // A tag whose operations are all hidden (`x-speakeasy-ignore`) emits nothing.
        if !operations.is_empty() {
            out_tags.push(Tag { name: tag.clone(), client, module, description, operations, groups: groups.list });
        }
    }
    let api = Api {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        server_url: doc.servers.first().map(|s| s.url.trim_end_matches('/').to_owned()),
        bearer_auth: bearer_auth(doc),
        retries: cx.retries(doc.extensions.get("x-speakeasy-retries"), "/x-speakeasy-retries"),
        tags: out_tags,
        types: std::mem::take(&mut cx.types),
    };
    // Items no requested operation reached are checked too, as converting them whole did.
    paths.check()?;
    Ok(cx.diags.finish(api))
}

/// The paths of each tag (as indexes into `paths`) with the methods of the tag's operations
/// on them, in document order: one pass over the document (a pass per tag is quadratic in a
/// document with many tags).
fn paths_by_tag(paths: &PathItems) -> BTreeMap<String, Vec<(usize, Vec<HttpMethod>)>> {
    let mut by_tag: BTreeMap<String, Vec<(usize, Vec<HttpMethod>)>> = BTreeMap::new();
    for i in 0..paths.len() {
        for (tag, methods) in paths.tags(i) {
            match by_tag.get_mut(tag) {
                Some(on) => on.push((i, methods.clone())),
                None => {
                    by_tag.insert(tag.clone(), vec![(i, methods.clone())]);
                }
            }
        }
    }
    by_tag
}

/// `x-speakeasy-group` as accessor names below the tag's sub-client: split at dots, a leading
/// segment naming the tag itself dropped (`chat` in tag `Chat` is the tag's own sub-client).
fn group_path(value: Option<&Value>, module: &str) -> Vec<String> {
    let Some(group) = value.and_then(Value::as_str) else { return Vec::new() };
    let mut path: Vec<String> =
        group.split('.').filter(|s| !s.trim().is_empty()).map(|s| sanitize(s, Case::Module)).collect();
    if path.first().map(String::as_str) == Some(module) {
        path.remove(0);
    }
    path
}

/// The groups of one tag and the names taken on each sub-client (its groups' accessors and
/// its methods).
#[derive(Default)]
struct Groups {
    list: Vec<Group>,
    /// Per sub-client (by group path; the tag's own is the empty path): accessor names, and
    /// method names.
    accessors: BTreeMap<Vec<String>, BTreeSet<String>>,
    methods: BTreeMap<Vec<String>, BTreeSet<String>>,
}

impl Groups {
    /// Adds method `method` in group `path` (creating the groups on the way, their client
    /// types named in `items`); returns a name that would be both a group and a method.
    fn add(&mut self, path: &[String], method: &str, tag_client: &str, items: &mut Scope) -> Option<String> {
        for depth in 0..path.len() {
            let (parent, accessor) = (&path[..depth], &path[depth]);
            if self.methods.get(parent).is_some_and(|m| m.contains(accessor)) {
                return Some(accessor.clone());
            }
            if self.accessors.entry(parent.to_vec()).or_default().insert(accessor.clone()) {
                let here = &path[..=depth];
                let pascal: String = here.iter().map(|s| sanitize(s, Case::Pascal)).collect();
                let client = items.unique(&format!("{tag_client}{pascal}"), Case::Pascal);
                self.list.push(Group { path: here.to_vec(), client });
            }
        }
        if self.accessors.get(path).is_some_and(|a| a.contains(method)) {
            return Some(method.to_owned());
        }
        self.methods.entry(path.to_vec()).or_default().insert(method.to_owned());
        None
    }
}

/// Methods of the runtime's `Client` (public and crate-private): a tag accessor must not be
/// called like one of them. Part of the runtime contract in ARCHITECTURE.md.
pub const CLIENT_METHODS: &[&str] = &[
    "builder",
    "base_url",
    "url",
    "http",
    "request_headers",
    "timeout",
    "retry",
    "max_response_bytes",
    "on_retry",
    "clone",
    "fmt",
];

fn bearer_auth(doc: &OpenAPI) -> bool {
    let Some(components) = &doc.components else { return false };
    components.security_schemes.values().any(|s| {
        matches!(s, ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. }) if scheme.eq_ignore_ascii_case("bearer"))
    })
}

struct Lowerer<'a> {
    doc: &'a OpenAPI,
    diags: Collector,
    types: BTreeMap<TypeId, TypeDef>,
    type_names: Scope,
    /// Component schema name → Rust name, fixed up front so names do not depend on visit order.
    component_names: BTreeMap<String, TypeId>,
    /// Components being lowered right now: a reference back to one of them is a cycle.
    in_progress: Vec<TypeId>,
    /// Components being lowered as aliases, with the struct depth they started at.
    aliases: Vec<(TypeId, usize)>,
    /// How many structs or unions enclose the schema being lowered.
    struct_depth: usize,
}

impl<'a> Lowerer<'a> {
    fn new(doc: &'a OpenAPI, file: &str) -> Self {
        // The models module holds nothing but the spec's types: no name is taken.
        let mut type_names = Scope::default();
        let mut component_names = BTreeMap::new();
        if let Some(c) = &doc.components {
            for name in c.schemas.keys() {
                component_names.insert(name.clone(), type_names.unique(name, Case::Pascal));
            }
        }
        Self {
            doc,
            diags: Collector::new(file),
            types: BTreeMap::new(),
            type_names,
            component_names,
            in_progress: Vec::new(),
            aliases: Vec::new(),
            struct_depth: 0,
        }
    }

    fn operation(
        &mut self,
        path: &str,
        method: HttpMethod,
        op: &openapiv3::Operation,
        shared: &[ReferenceOr<Parameter>],
        at: &str,
    ) -> Option<Operation> {
        // Operations hidden from SDKs upstream are left out of the client, like ignored fields.
        if op.extensions.get("x-speakeasy-ignore") == Some(&Value::Bool(true)) {
            return None;
        }
        let fallback = format!("{} {path}", method.key());
        let id = op.operation_id.clone().unwrap_or_else(|| fallback.clone());
        let name_source = op
            .extensions
            .get("x-speakeasy-name-override")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| id.clone());
        let rust_name = sanitize(&name_source, Case::Snake);
        let prefix = sanitize(&id, Case::Pascal);
        let params = self.params(path, op, shared, &prefix, at);
        let mut body =
            op.request_body.as_ref().and_then(|b| self.request_body(b, &prefix, &format!("{at}/requestBody")));
        let (success, errors) = self.responses(&op.responses, &prefix, at);
        let bodies = self.bodies(op, &prefix, &mut body, &params, &success, at);
        let stream = self.event_stream(op, &prefix, at);
        let needs_auth = match &op.security {
            Some(reqs) => !reqs.is_empty() && reqs.iter().all(|r| !r.is_empty()),
            None => {
                self.doc.security.as_ref().is_some_and(|reqs| !reqs.is_empty() && reqs.iter().all(|r| !r.is_empty()))
            }
        };
        Some(Operation {
            id,
            error_name: format!("{}Error", sanitize(&name_source, Case::Pascal)),
            home: String::new(),
            rust_name,
            method,
            path: path.to_owned(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            group: Vec::new(),
            needs_auth,
            params,
            body,
            success,
            errors,
            bodies,
            stream,
        })
    }

    /// The operation's parameters: the path item's, unless the operation redefines the same
    /// name and place, then its own; each lowered once, path-item ones first.
    fn params(
        &mut self,
        path: &str,
        op: &openapiv3::Operation,
        shared: &[ReferenceOr<Parameter>],
        prefix: &str,
        at: &str,
    ) -> Vec<Param> {
        let mut params = Vec::new();
        let mut arg_names = Scope::with_reserved(&["body", "self"]);
        let path_at = at.rsplit_once('/').map(|(p, _)| p.to_owned()).unwrap_or_default();
        let key = |p: &ReferenceOr<Parameter>| self.parameter_key(p);
        let overridden = |p: &ReferenceOr<Parameter>| {
            key(p).is_some_and(|k| op.parameters.iter().any(|q| key(q).as_ref() == Some(&k)))
        };
        let merged: Vec<(&ReferenceOr<Parameter>, String)> = shared
            .iter()
            .enumerate()
            .filter(|(_, p)| !overridden(p))
            .map(|(i, p)| (p, format!("{path_at}/parameters/{i}")))
            .chain(op.parameters.iter().enumerate().map(|(i, p)| (p, format!("{at}/parameters/{i}"))))
            .collect();
        for (p, at) in merged {
            if let Some(p) = self.param(p, prefix, &at, &mut arg_names) {
                params.push(p);
            }
        }
        for name in path_template_names(path) {
            if !params.iter().any(|p| p.location == ParamLocation::Path && p.wire_name == name) {
                self.diags.error(at, format!("the path has `{{{name}}}` but no path parameter `{name}` is declared"));
            }
        }
        params
    }

    /// The success response (the lowest 2XX, or an empty 200) and the error responses in
    /// status order; 1XX and 3XX are not the client's to handle.
    fn responses(
        &mut self,
        responses: &openapiv3::Responses,
        prefix: &str,
        at: &str,
    ) -> (Response, Vec<ErrorResponse>) {
        let mut success = None;
        let mut errors = Vec::new();
        let mut variants = Scope::default();
        let mut statuses: Vec<(StatusMatch, &ReferenceOr<openapiv3::Response>)> = responses
            .responses
            .iter()
            .map(|(s, r)| {
                (
                    match s {
                        StatusCode::Code(c) => StatusMatch::Code(*c),
                        StatusCode::Range(r) => StatusMatch::Range(*r),
                    },
                    r,
                )
            })
            .collect();
        if let Some(d) = &responses.default {
            statuses.push((StatusMatch::Default, d));
        }
        statuses.sort_by_key(|(s, _)| *s);
        for (status, response) in statuses {
            let at = format!("{at}/responses/{status}");
            let is_success = matches!(status, StatusMatch::Code(200..=299) | StatusMatch::Range(2));
            if is_success {
                if success.is_none() {
                    success = self.response(response, status, &format!("{prefix}Response"), &at);
                }
                continue;
            }
            if matches!(status, StatusMatch::Code(100..=399) | StatusMatch::Range(1..=3)) {
                continue;
            }
            let variant = variants.unique(&status_variant(status), Case::Pascal);
            if let Some(response) = self.response(response, status, &format!("{prefix}{variant}Response"), &at) {
                errors.push(ErrorResponse { variant, response });
            }
        }
        let success = success.unwrap_or(Response {
            status: StatusMatch::Code(200),
            description: String::new(),
            content_type: None,
            kind: BodyKind::Empty,
            ty: None,
            examples: Vec::new(),
        });
        (success, errors)
    }

    /// The object behind a `$ref` into `components/<section>` (or the inline object itself),
    /// with the pointer where it is defined.
    fn resolve<'b, T>(
        &mut self,
        item: &'b ReferenceOr<T>,
        section: &str,
        what: &str,
        at: &str,
        table: fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'b T, String)>
    where
        'a: 'b,
    {
        match item {
            ReferenceOr::Item(x) => Some((x, at.to_owned())),
            ReferenceOr::Reference { reference } => {
                let name = self.local_ref(reference, section, at)?;
                match self.doc.components.as_ref().map(table).and_then(|t| t.get(&name)) {
                    Some(ReferenceOr::Item(x)) => {
                        Some((x, format!("/components/{section}/{}", pointer_segment(&name))))
                    }
                    _ => {
                        self.diags.error(at, format!("`{reference}` does not point to {what}"));
                        None
                    }
                }
            }
        }
    }

    /// A parameter's name and place, without reporting anything (for override checks).
    fn parameter_key(&self, p: &ReferenceOr<Parameter>) -> Option<(String, std::mem::Discriminant<Parameter>)> {
        let p = match p {
            ReferenceOr::Item(p) => p,
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/")?;
                match self.doc.components.as_ref()?.parameters.get(name)? {
                    ReferenceOr::Item(p) => p,
                    ReferenceOr::Reference { .. } => return None,
                }
            }
        };
        Some((p.parameter_data_ref().name.clone(), std::mem::discriminant(p)))
    }

    fn param(&mut self, p: &ReferenceOr<Parameter>, prefix: &str, at: &str, names: &mut Scope) -> Option<Param> {
        let (p, at) = self.resolve(p, "parameters", "a parameter", at, |c| &c.parameters)?;
        let (location, style) = match p {
            Parameter::Path { style, .. } => (
                ParamLocation::Path,
                match style {
                    openapiv3::PathStyle::Simple => ParamStyle::Simple,
                    openapiv3::PathStyle::Label => ParamStyle::Label,
                    openapiv3::PathStyle::Matrix => ParamStyle::Matrix,
                },
            ),
            Parameter::Query { style, .. } => (
                ParamLocation::Query,
                match style {
                    openapiv3::QueryStyle::Form => ParamStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                },
            ),
            Parameter::Header { .. } => (ParamLocation::Header, ParamStyle::Simple),
            Parameter::Cookie { .. } => {
                self.diags.error(&at, "cookie parameters are not supported");
                return None;
            }
        };
        let data = p.parameter_data_ref();
        let (ty, example) = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                let hint = format!("{prefix}{}", sanitize(&data.name, Case::Pascal));
                let item = match s {
                    ReferenceOr::Item(item) => Some(item),
                    ReferenceOr::Reference { .. } => None,
                };
                let ty = match item.filter(|s| is_boolean_text(s)) {
                    // A string that carries a boolean, or a union of `"true"`/`"false"` and
                    // `true`/`false`: a `bool`, written as `true`/`false` all the same.
                    Some(_) => TypeRef::Primitive(Primitive::Bool),
                    None => self.schema_type(s, &hint, &format!("{at}/schema")).0,
                };
                (ty, data.example.clone().or_else(|| item.and_then(|s| s.schema_data.example.clone())))
            }
            ParameterSchemaOrContent::Content(_) => (TypeRef::Primitive(Primitive::String), data.example.clone()),
        };
        let object = matches!(ty, TypeRef::Named(_) | TypeRef::Map(_) | TypeRef::Primitive(Primitive::Json));
        if style == ParamStyle::DeepObject && !object {
            self.diags.error(&at, "`style: deepObject` is for object parameters; this one is not an object");
            return None;
        }
        Some(Param {
            rust_name: names.unique(&data.name, Case::Snake),
            wire_name: data.name.clone(),
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            explode: data.explode.unwrap_or(style == ParamStyle::Form),
            style,
            deprecated: data.deprecated.unwrap_or(false),
            description: data.description.clone(),
            example,
        })
    }

    fn request_body(&mut self, b: &ReferenceOr<RequestBody>, prefix: &str, at: &str) -> Option<Body> {
        let (b, at) = self.resolve(b, "requestBodies", "a request body", at, |c| &c.request_bodies)?;
        let (content_type, media) = pick_media(&b.content)?;
        let kind = body_kind(content_type);
        let at = format!("{at}/content/{}", pointer_segment(content_type));
        let ty = match (&media.schema, kind) {
            (Some(s), BodyKind::Json) => self.schema_type(s, &format!("{prefix}Request"), &format!("{at}/schema")).0,
            (_, BodyKind::Text) => TypeRef::Primitive(Primitive::String),
            (None, BodyKind::Json) => TypeRef::Primitive(Primitive::Json),
            _ => TypeRef::Primitive(Primitive::Bytes),
        };
        Some(Body {
            content_type: content_type.to_owned(),
            kind,
            ty,
            required: b.required,
            examples: self.media_examples(media, &at),
        })
    }

    fn response(
        &mut self,
        r: &ReferenceOr<openapiv3::Response>,
        status: StatusMatch,
        hint: &str,
        at: &str,
    ) -> Option<Response> {
        let (r, at) = self.resolve(r, "responses", "a response", at, |c| &c.responses)?;
        let Some((content_type, media)) = pick_media(&r.content) else {
            return Some(Response {
                status,
                description: r.description.clone(),
                content_type: None,
                kind: BodyKind::Empty,
                ty: None,
                examples: Vec::new(),
            });
        };
        let kind = body_kind(content_type);
        let at = format!("{at}/content/{}", pointer_segment(content_type));
        let ty = match (&media.schema, kind) {
            (Some(s), BodyKind::Json) => self.schema_type(s, hint, &format!("{at}/schema")).0,
            (None, BodyKind::Json) => TypeRef::Primitive(Primitive::Json),
            (_, BodyKind::Text) => TypeRef::Primitive(Primitive::String),
            _ => TypeRef::Primitive(Primitive::Bytes),
        };
        Some(Response {
            status,
            description: r.description.clone(),
            content_type: Some(content_type.to_owned()),
            kind,
            ty: Some(ty),
            examples: self.media_examples(media, &at),
        })
    }

    /// The media type's `example`, then every value of its `examples` map (references to
    /// `components/examples` followed); an example given only as `externalValue` has no value
    /// here and is skipped.
    fn media_examples(&mut self, media: &MediaType, at: &str) -> Vec<Value> {
        let mut out: Vec<Value> = media.example.iter().cloned().collect();
        for (name, example) in &media.examples {
            let at = format!("{at}/examples/{}", pointer_segment(name));
            let example = match example {
                ReferenceOr::Item(e) => Some(e),
                ReferenceOr::Reference { reference } => {
                    let Some(name) = self.local_ref(reference, "examples", &at) else { continue };
                    match self.doc.components.as_ref().and_then(|c| c.examples.get(&name)) {
                        Some(ReferenceOr::Item(e)) => Some(e),
                        _ => {
                            self.diags.error(&at, format!("`{reference}` does not point to an example"));
                            None
                        }
                    }
                }
            };
            if let Some(value) = example.and_then(|e| e.value.clone()) {
                out.push(value);
            }
        }
        out
    }

    /// The name a local `$ref` points to in `components/<section>`, or an error.
    fn local_ref(&mut self, reference: &str, section: &str, at: &str) -> Option<String> {
        match component_ref(reference) {
            Some((s, name)) if s == section => Some(name),
            _ if !reference.starts_with('#') => {
                self.diags.error(at, format!("`$ref: {reference}` points into another file or URL; only references within the document are supported yet"));
                None
            }
            _ => {
                self.diags.error(at, format!("`$ref: {reference}` must point into `#/components/{section}/`"));
                None
            }
        }
    }

    /// The Rust type of a schema, and whether `null` is allowed. Inline objects, enums and
    /// unions become named types called `hint`.
    fn schema_type(&mut self, s: &ReferenceOr<Schema>, hint: &str, at: &str) -> (TypeRef, bool) {
        match s {
            ReferenceOr::Reference { reference } => (self.component(reference, at), self.component_nullable(reference)),
            ReferenceOr::Item(s) => self.inline(s, hint, at),
        }
    }

    fn schema_type_boxed(&mut self, s: &ReferenceOr<Box<Schema>>, hint: &str, at: &str) -> (TypeRef, bool) {
        match s {
            ReferenceOr::Reference { reference } => (self.component(reference, at), self.component_nullable(reference)),
            ReferenceOr::Item(s) => self.inline(s, hint, at),
        }
    }

    /// Whether the component a `$ref` names allows `null` (`type: [object, 'null']` on the
    /// component itself), through references to references. The type stays the component's;
    /// the place that refers to it becomes nullable, as if it had said so itself.
    fn component_nullable(&self, reference: &str) -> bool {
        let schemas = self.doc.components.as_ref().map(|c| &c.schemas);
        let mut reference = reference;
        // A chain longer than the components has a cycle, which `component` reports.
        for _ in 0..=schemas.map_or(0, |s| s.len()) {
            let Some((_, name)) = component_ref(reference).filter(|(section, _)| *section == "schemas") else {
                return false;
            };
            match schemas.and_then(|s| s.get(&name)) {
                Some(ReferenceOr::Item(schema)) => return schema.schema_data.nullable,
                Some(ReferenceOr::Reference { reference: next }) => reference = next,
                None => return false,
            }
        }
        false
    }

    /// The type of a component schema, lowered on first use.
    fn component(&mut self, reference: &str, at: &str) -> TypeRef {
        let json = TypeRef::Primitive(Primitive::Json);
        let Some(name) = self.local_ref(reference, "schemas", at) else { return json };
        let Some(id) = self.component_names.get(&name).cloned() else {
            self.diags.error(at, format!("`$ref: {reference}` points to a schema the document does not define"));
            return json;
        };
        if self.types.contains_key(&id) {
            return TypeRef::Named(id);
        }
        if self.in_progress.contains(&id) {
            // A cycle is fine through a struct or union (it becomes a boxed field); made only
            // of references, lists and maps it has no Rust spelling.
            if self.aliases.iter().any(|(a, depth)| *a == id && *depth == self.struct_depth) {
                self.diags.error(
                    at,
                    format!(
                        "`{name}` contains itself through references, lists or maps only; Rust cannot name such a type"
                    ),
                );
                return json;
            }
            return TypeRef::Named(id);
        }
        let here = format!("/components/schemas/{}", pointer_segment(&name));
        let schema = match self.doc.components.as_ref().and_then(|c| c.schemas.get(&name)) {
            Some(ReferenceOr::Item(schema)) => schema,
            Some(ReferenceOr::Reference { reference: next }) => {
                // A component that is itself a `$ref`: follow it, watching for cycles.
                let next = next.clone();
                self.enter_alias(&id);
                let ty = self.component(&next, &here);
                self.leave_alias();
                return ty;
            }
            None => {
                self.diags.error(at, format!("`$ref: {reference}` cannot be resolved"));
                return json;
            }
        };
        self.in_progress.push(id.clone());
        let kind = self.type_kind(schema, &id, &here);
        let result = match kind {
            Some(kind) => {
                self.insert_type(&id, &name, schema, kind);
                TypeRef::Named(id)
            }
            None => {
                // Not an object/enum/union: the component is another name for a plain type.
                self.aliases.push((id.clone(), self.struct_depth));
                let (ty, _) = self.inline(schema, &id, &here);
                self.aliases.pop();
                self.insert_type(&id, &name, schema, TypeKind::Alias(ty));
                TypeRef::Named(id)
            }
        };
        self.in_progress.pop();
        result
    }

    fn enter_alias(&mut self, id: &str) {
        self.in_progress.push(id.to_owned());
        self.aliases.push((id.to_owned(), self.struct_depth));
    }

    fn leave_alias(&mut self) {
        self.in_progress.pop();
        self.aliases.pop();
    }

    fn insert_type(&mut self, id: &str, origin: &str, schema: &Schema, kind: TypeKind) {
        self.types.insert(
            id.to_owned(),
            TypeDef {
                rust_name: id.to_owned(),
                origin: origin.to_owned(),
                description: schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone()),
                example: schema.schema_data.example.clone(),
                kind,
            },
        );
    }

    /// An inline schema's type; objects, enums and unions become a new named type.
    fn inline(&mut self, s: &Schema, hint: &str, at: &str) -> (TypeRef, bool) {
        let nullable = s.schema_data.nullable;
        if let SchemaKind::AllOf { all_of } = &s.schema_kind {
            // One branch with a type, the others annotating it (description, example, `null`,
            // an enum or `required` narrowing it): that branch is the type.
            let notes_nullable =
                all_of.iter().any(|b| matches!(b, ReferenceOr::Item(b) if annotates(b) && b.schema_data.nullable));
            if let [(i, only)] = structural(all_of).as_slice() {
                let (ty, inner_nullable) = self.schema_type(only, hint, &format!("{at}/allOf/{i}"));
                return (ty, nullable || notes_nullable || inner_nullable);
            }
            // Branches of one scalar type, each constraining it: that type (the server checks
            // the constraints).
            if let Some(first) = self.one_scalar(all_of) {
                let (ty, inner_nullable) = self.inline(first, hint, at);
                return (ty, nullable || notes_nullable || inner_nullable);
            }
        }
        if let Some(p) = primitive(s) {
            return (TypeRef::Primitive(p), nullable);
        }
        match &s.schema_kind {
            SchemaKind::Type(Type::Array(a)) => {
                let item = match &a.items {
                    Some(items) => self.schema_type_boxed(items, &format!("{hint}Item"), &format!("{at}/items")).0,
                    None => TypeRef::Primitive(Primitive::Json),
                };
                return (TypeRef::Array(Box::new(item)), nullable);
            }
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
                let value = match &o.additional_properties {
                    Some(AdditionalProperties::Schema(v)) => {
                        self.schema_type(v, &format!("{hint}Value"), &format!("{at}/additionalProperties")).0
                    }
                    _ => TypeRef::Primitive(Primitive::Json),
                };
                return (TypeRef::Map(Box::new(value)), nullable);
            }
            _ => {}
        }
        let id = self.type_names.unique(hint, Case::Pascal);
        self.in_progress.push(id.clone());
        let kind = self.type_kind(s, &id, at);
        self.in_progress.pop();
        match kind {
            Some(kind) => {
                self.insert_type(&id, at, s, kind);
                (TypeRef::Named(id), nullable)
            }
            None => (TypeRef::Primitive(Primitive::Json), nullable),
        }
    }

    /// The shape of a named type, or `None` when the schema is a plain (primitive, list,
    /// map) type.
    fn type_kind(&mut self, s: &Schema, id: &str, at: &str) -> Option<TypeKind> {
        // Whatever is lowered from here on sits inside a struct or union (when it is one).
        self.struct_depth += 1;
        let kind = self.type_kind_inner(s, id, at);
        self.struct_depth -= 1;
        kind
    }

    fn type_kind_inner(&mut self, s: &Schema, id: &str, at: &str) -> Option<TypeKind> {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) if !t.enumeration.is_empty() => Some(TypeKind::Enum {
                variants: enum_variants(t.enumeration.iter().flatten().map(|v| Value::String(v.clone()))),
            }),
            SchemaKind::Type(Type::Integer(t)) if !t.enumeration.is_empty() => Some(TypeKind::Enum {
                variants: enum_variants(t.enumeration.iter().flatten().map(|v| Value::from(*v))),
            }),
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => {
                // The emitter keeps unlisted properties in a field of its own.
                let keeps_others = matches!(
                    o.additional_properties,
                    Some(AdditionalProperties::Any(true) | AdditionalProperties::Schema(_))
                );
                let mut names = Scope::with_reserved(if keeps_others { &[ADDITIONAL_PROPERTIES] } else { &[] });
                let mut fields = Vec::new();
                for (wire, prop) in &o.properties {
                    let at = format!("{at}/properties/{}", pointer_segment(wire));
                    let hint = format!("{id}{}", sanitize(wire, Case::Pascal));
                    let (ty, nullable) = self.schema_type_boxed(prop, &hint, &at);
                    let boxed = matches!(&ty, TypeRef::Named(n) if self.in_progress.contains(n));
                    let data = match prop {
                        ReferenceOr::Item(p) => Some(p.as_ref()),
                        ReferenceOr::Reference { .. } => None,
                    };
                    fields.push(Field {
                        rust_name: names.unique(wire, Case::Snake),
                        wire_name: wire.clone(),
                        ty,
                        required: o.required.contains(wire),
                        nullable,
                        boxed,
                        description: data.and_then(|d| d.schema_data.description.clone()),
                        example: data.and_then(|d| d.schema_data.example.clone()),
                        constraints: data.map(constraints).unwrap_or_default(),
                        deprecated: data.is_some_and(|d| d.schema_data.deprecated),
                    });
                }
                let additional = match &o.additional_properties {
                    Some(AdditionalProperties::Any(true)) => Some(TypeRef::Primitive(Primitive::Json)),
                    Some(AdditionalProperties::Schema(v)) => {
                        Some(self.schema_type(v, &format!("{id}Value"), &format!("{at}/additionalProperties")).0)
                    }
                    _ => None,
                };
                Some(TypeKind::Struct { fields, additional })
            }
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => {
                let key = if matches!(s.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                // `Other` is the emitter's catch-all variant.
                let mut names = Scope::with_reserved(&[UNION_FALLBACK]);
                let mut variants = Vec::new();
                // A `null` or annotation-only branch is no variant: `null` is the field's business.
                let branches: Vec<(usize, &ReferenceOr<Schema>)> = branches
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| !matches!(b, ReferenceOr::Item(s) if annotates(s)))
                    .collect();
                let tags = self.discriminator(s, &branches);
                for (n, (i, b)) in branches.into_iter().enumerate() {
                    let label = match b {
                        ReferenceOr::Reference { reference } => {
                            reference.rsplit('/').next().unwrap_or("Variant").to_owned()
                        }
                        ReferenceOr::Item(b) => branch_label(b, i),
                    };
                    let rust_name = names.unique(&label, Case::Pascal);
                    let (ty, _) = self.schema_type(b, &format!("{id}{rust_name}"), &format!("{at}/{key}/{i}"));
                    let tags = tags.as_ref().map(|(_, t)| t[n].clone()).unwrap_or_default();
                    variants.push(UnionVariant { rust_name, ty, tags });
                }
                if tags.is_none() {
                    order_for_untagged(&mut variants, &self.types);
                }
                Some(TypeKind::Union { variants, discriminator: tags.map(|(p, _)| p) })
            }
            SchemaKind::AllOf { all_of } if structural(all_of).len() > 1 => self.merge_all_of(all_of, id, at),
            SchemaKind::Not { .. } => {
                self.diags.error(at, "`not` schemas are not supported");
                None
            }
            _ => None,
        }
    }

    /// `allOf` of objects: one struct with every branch's properties (a later branch's
    /// definition of a property replaces an earlier one) and every branch's `required`.
    /// Branches of one scalar type constraining it further are that type.
    fn merge_all_of(&mut self, all_of: &[ReferenceOr<Schema>], id: &str, at: &str) -> Option<TypeKind> {
        if self.one_scalar(all_of).is_some() {
            // Not a named type: `inline` spells it.
            return None;
        }
        let mut merged = openapiv3::ObjectType::default();
        for (i, branch) in all_of.iter().enumerate() {
            let at = format!("{at}/allOf/{i}");
            let schema = self.follow(branch, &at, 0)?;
            if !self.object_parts(schema, &at, &mut merged, 0) {
                return None;
            }
        }
        let schema = Schema { schema_data: Default::default(), schema_kind: SchemaKind::Type(Type::Object(merged)) };
        self.type_kind(&schema, id, at)
    }

    /// The first branch of an `allOf` whose typed branches all have one scalar type.
    fn one_scalar<'b>(&self, all_of: &'b [ReferenceOr<Schema>]) -> Option<&'b Schema>
    where
        'a: 'b,
    {
        let typed: Vec<&Schema> =
            all_of.iter().filter_map(|b| self.follow_quiet(b)).filter(|s| !annotates(s)).collect();
        let kind = |s: &Schema| match &s.schema_kind {
            SchemaKind::Type(t @ (Type::String(_) | Type::Integer(_) | Type::Number(_) | Type::Boolean(_))) => {
                Some(std::mem::discriminant(t))
            }
            _ => None,
        };
        let first = *typed.first()?;
        let k = kind(first)?;
        typed.iter().all(|s| kind(s) == Some(k)).then_some(first)
    }

    /// The property that tells a union's branches apart and the values selecting each branch:
    /// the declared `discriminator` (its `mapping`, else the component names), or else a
    /// property every branch has with one fixed string value (`type: {const: text}`), distinct
    /// across branches. `None` when the branches cannot be told apart that way.
    fn discriminator(
        &self,
        s: &Schema,
        branches: &[(usize, &ReferenceOr<Schema>)],
    ) -> Option<(String, Vec<Vec<String>>)> {
        if branches.is_empty() {
            return None;
        }
        if let Some(d) = &s.schema_data.discriminator {
            let tags: Vec<Vec<String>> = branches
                .iter()
                .map(|(_, b)| match b {
                    ReferenceOr::Reference { reference } => {
                        let mapped: Vec<String> =
                            d.mapping.iter().filter(|(_, r)| *r == reference).map(|(k, _)| k.clone()).collect();
                        match mapped.is_empty() {
                            true => self
                                .fixed_value(b, &d.property_name)
                                .map(|v| vec![v])
                                .unwrap_or_else(|| vec![component_ref(reference).map(|(_, n)| n).unwrap_or_default()]),
                            false => mapped,
                        }
                    }
                    ReferenceOr::Item(_) => self.fixed_value(b, &d.property_name).into_iter().collect(),
                })
                .collect();
            if tags.iter().all(|t| !t.is_empty()) {
                return Some((d.property_name.clone(), tags));
            }
        }
        let first = self.follow_quiet(branches[0].1)?;
        let mut candidates: Vec<String> = self.properties(first).into_keys().collect();
        // `type` is the usual name; try it first.
        candidates.sort_by_key(|c| c != "type");
        candidates.into_iter().find_map(|p| {
            let values: Vec<String> = branches.iter().map(|(_, b)| self.fixed_value(b, &p)).collect::<Option<_>>()?;
            let distinct: BTreeSet<&String> = values.iter().collect();
            (distinct.len() == values.len()).then(|| (p, values.into_iter().map(|v| vec![v]).collect()))
        })
    }

    /// The one string value the object behind `branch` allows for `property`, if fixed.
    fn fixed_value(&self, branch: &ReferenceOr<Schema>, property: &str) -> Option<String> {
        let s = self.follow_quiet(branch)?;
        let p = match self.properties(s).get(property).copied()? {
            ReferenceOr::Item(p) => p.as_ref(),
            ReferenceOr::Reference { reference } => {
                let (_, name) = component_ref(reference)?;
                match self.doc.components.as_ref()?.schemas.get(&name)? {
                    ReferenceOr::Item(p) => p,
                    ReferenceOr::Reference { .. } => return None,
                }
            }
        };
        match &p.schema_kind {
            SchemaKind::Type(Type::String(t)) if t.enumeration.len() == 1 => t.enumeration[0].clone(),
            _ => None,
        }
    }

    /// The properties an object-like schema declares (through `allOf` too), best effort.
    fn properties<'b>(&self, s: &'b Schema) -> indexmap::IndexMap<String, &'b ReferenceOr<Box<Schema>>>
    where
        'a: 'b,
    {
        let mut out = indexmap::IndexMap::new();
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => out.extend(o.properties.iter().map(|(k, v)| (k.clone(), v))),
            SchemaKind::Any(a) => out.extend(a.properties.iter().map(|(k, v)| (k.clone(), v))),
            SchemaKind::AllOf { all_of } => {
                for b in all_of {
                    if let Some(b) = self.follow_quiet(b) {
                        if !matches!(b.schema_kind, SchemaKind::AllOf { .. }) {
                            out.extend(self.properties(b));
                        }
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// The schema a branch stands for, following `$ref`s (reporting broken ones).
    fn follow<'b>(&mut self, s: &'b ReferenceOr<Schema>, at: &str, depth: usize) -> Option<&'b Schema>
    where
        'a: 'b,
    {
        match s {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => {
                let name = self.local_ref(reference, "schemas", at)?;
                match self.doc.components.as_ref().and_then(|c| c.schemas.get(&name)) {
                    Some(ReferenceOr::Item(s)) => Some(s),
                    Some(next @ ReferenceOr::Reference { .. }) if depth < 32 => self.follow(next, at, depth + 1),
                    _ => {
                        self.diags.error(at, format!("`$ref: {reference}` does not point to a schema"));
                        None
                    }
                }
            }
        }
    }

    /// [`Self::follow`] without reporting: for checks whose failure is reported elsewhere.
    fn follow_quiet<'b>(&self, s: &'b ReferenceOr<Schema>) -> Option<&'b Schema>
    where
        'a: 'b,
    {
        let mut s = s;
        for _ in 0..32 {
            match s {
                ReferenceOr::Item(x) => return Some(x),
                ReferenceOr::Reference { reference } => {
                    let (_, name) = component_ref(reference)?;
                    s = self.doc.components.as_ref()?.schemas.get(&name)?;
                }
            }
        }
        None
    }

    /// Adds the properties and `required` of an object-like schema (an object, properties
    /// without `type`, an `allOf` of those, or an annotation) to `out`; false after reporting
    /// a branch that is not one.
    fn object_parts(&mut self, s: &Schema, at: &str, out: &mut openapiv3::ObjectType, depth: usize) -> bool {
        let mut add = |props: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>, required: &[String]| {
            for (k, v) in props {
                out.properties.insert(k.clone(), v.clone());
            }
            for r in required {
                if !out.required.contains(r) {
                    out.required.push(r.clone());
                }
            }
        };
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                add(&o.properties, &o.required);
                if o.additional_properties.is_some() {
                    out.additional_properties = o.additional_properties.clone();
                }
                true
            }
            SchemaKind::Any(a)
                if a.typ.is_none() && a.one_of.is_empty() && a.any_of.is_empty() && a.all_of.is_empty() =>
            {
                add(&a.properties, &a.required);
                true
            }
            SchemaKind::AllOf { all_of } if depth < 32 => all_of.iter().enumerate().all(|(i, b)| {
                let at = format!("{at}/allOf/{i}");
                match self.follow(b, &at, 0) {
                    Some(s) => self.object_parts(s, &at, out, depth + 1),
                    None => false,
                }
            }),
            _ => {
                self.diags.error(at, "`allOf` can merge only objects (or branches of one scalar type)");
                false
            }
        }
    }

    fn retries(&mut self, value: Option<&Value>, at: &str) -> Option<Retries> {
        let v = value?;
        if v.get("strategy").and_then(Value::as_str) != Some("backoff") {
            self.diags.error(at, "only the `backoff` retry strategy is supported");
            return None;
        }
        let ms = |key: &str, default: u64| v["backoff"].get(key).and_then(Value::as_u64).unwrap_or(default);
        let mut statuses = Vec::new();
        for (i, s) in v.get("statusCodes").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let text = match s {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let upper = text.to_ascii_uppercase();
            let parsed = if let Some(class) = upper.strip_suffix("XX") {
                class.parse::<u16>().ok().filter(|c| (1..=5).contains(c)).map(StatusMatch::Range)
            } else {
                upper.parse::<u16>().ok().filter(|c| (100..=599).contains(c)).map(StatusMatch::Code)
            };
            match parsed {
                Some(p) => statuses.push(p),
                None => self
                    .diags
                    .error(&format!("{at}/statusCodes/{i}"), format!("`{text}` is not a status code or range")),
            }
        }
        Some(Retries {
            initial_interval_ms: ms("initialInterval", 500),
            max_interval_ms: ms("maxInterval", 60_000),
            max_elapsed_ms: ms("maxElapsedTime", 3_600_000),
            exponent: v["backoff"].get("exponent").and_then(Value::as_f64).unwrap_or(1.5),
            statuses,
            connection_errors: v.get("retryConnectionErrors").and_then(Value::as_bool).unwrap_or(false),
        })
    }
}

/// A schema that carries a boolean as text: `x-openrouter-type: boolean` on a string, or
/// `anyOf`/`oneOf` of booleans and strings limited to `"true"`/`"false"`.
fn is_boolean_text(s: &Schema) -> bool {
    let marked = s.schema_data.extensions.get("x-openrouter-type").and_then(Value::as_str) == Some("boolean");
    let boolean_branch = |b: &ReferenceOr<Schema>| match b {
        ReferenceOr::Item(b) => match &b.schema_kind {
            SchemaKind::Type(Type::Boolean(_)) => true,
            SchemaKind::Type(Type::String(t)) => {
                !t.enumeration.is_empty()
                    && t.enumeration.iter().all(|v| matches!(v.as_deref(), Some("true" | "false")))
            }
            _ => false,
        },
        ReferenceOr::Reference { .. } => false,
    };
    match &s.schema_kind {
        SchemaKind::Type(Type::String(_)) => marked,
        SchemaKind::AnyOf { any_of: branches } | SchemaKind::OneOf { one_of: branches } => {
            !branches.is_empty() && branches.iter().all(boolean_branch)
        }
        _ => false,
    }
}

/// Orders the variants of a union without discriminator so that serde's first match is the
/// right one: objects with more required fields before those with fewer (an object with none
/// accepts any object), lists and maps, then scalars with formats before plain strings, and
/// arbitrary JSON last. The sort is stable: equals keep the spec's order.
fn order_for_untagged(variants: &mut [UnionVariant], types: &BTreeMap<TypeId, TypeDef>) {
    let rank = |t: &TypeRef| -> (u8, usize) {
        match t {
            TypeRef::Named(n) => match types.get(n).map(|d| &d.kind) {
                Some(TypeKind::Struct { fields, .. }) => (0, usize::MAX - fields.iter().filter(|f| f.required).count()),
                Some(TypeKind::Union { .. }) => (1, 0),
                Some(TypeKind::Enum { .. }) => (3, 0),
                // Aliases and types still being lowered keep their place among objects.
                _ => (1, 0),
            },
            TypeRef::Array(_) => (2, 0),
            TypeRef::Map(_) => (2, 1),
            TypeRef::Primitive(p) => match p {
                Primitive::Bool => (4, 0),
                Primitive::I32 | Primitive::I64 => (4, 1),
                Primitive::F32 | Primitive::F64 => (4, 2),
                Primitive::DateTime | Primitive::Date | Primitive::Uuid | Primitive::Url => (4, 3),
                Primitive::String | Primitive::Secret | Primitive::Bytes => (4, 4),
                Primitive::Json => (5, 0),
            },
        }
    };
    variants.sort_by_key(|v| rank(&v.ty));
}

/// A schema that only annotates its `allOf` siblings (description, example, `nullable`, an
/// enum or `required` list): it has no type of its own.
fn annotates(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Any(a) => {
            a.typ.is_none()
                && a.properties.is_empty()
                && a.items.is_none()
                && a.additional_properties.is_none()
                && a.one_of.is_empty()
                && a.any_of.is_empty()
                && a.all_of.is_empty()
                && a.not.is_none()
        }
        _ => false,
    }
}

/// The branches of an `allOf` that have a type of their own, with their index. A union that
/// lists another branch's `$ref` among its variants adds nothing to it (`allOf: [A, anyOf:
/// [A, B]]` is `A`) and is left out.
fn structural(all_of: &[ReferenceOr<Schema>]) -> Vec<(usize, &ReferenceOr<Schema>)> {
    let ref_of = |b: &ReferenceOr<Schema>| match b {
        ReferenceOr::Reference { reference } => Some(reference.clone()),
        ReferenceOr::Item(_) => None,
    };
    let refs: Vec<String> = all_of.iter().filter_map(ref_of).collect();
    let widens = |s: &Schema| match &s.schema_kind {
        SchemaKind::OneOf { one_of: v } | SchemaKind::AnyOf { any_of: v } => {
            v.iter().filter_map(ref_of).any(|r| refs.contains(&r))
        }
        _ => false,
    };
    all_of.iter().enumerate().filter(|(_, b)| !matches!(b, ReferenceOr::Item(s) if annotates(s) || widens(s))).collect()
}

/// The `{name}` placeholders of a path template.
fn path_template_names(path: &str) -> Vec<&str> {
    path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect()
}

/// JSON first, then text, then anything.
fn pick_media(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&str, &MediaType)> {
    let by = |pred: &dyn Fn(&str) -> bool| content.iter().find(|(k, _)| pred(k)).map(|(k, v)| (k.as_str(), v));
    by(&|k| body_kind(k) == BodyKind::Json)
        .or_else(|| by(&|k| body_kind(k) == BodyKind::Text))
        .or_else(|| content.first().map(|(k, v)| (k.as_str(), v)))
}

fn body_kind(content_type: &str) -> BodyKind {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        BodyKind::Json
    } else if essence.starts_with("text/") {
        BodyKind::Text
    } else {
        BodyKind::Bytes
    }
}

/// Scalars, with formats mapped to well-known types.
fn primitive(s: &Schema) -> Option<Primitive> {
    use VariantOrUnknownOrEmpty::{Empty, Item, Unknown};
    Some(match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) if t.enumeration.is_empty() => match &t.format {
            Item(StringFormat::DateTime) => Primitive::DateTime,
            Item(StringFormat::Date) => Primitive::Date,
            Item(StringFormat::Password) => Primitive::Secret,
            Unknown(f) if f == "uuid" => Primitive::Uuid,
            Unknown(f) if f == "uri" || f == "url" => Primitive::Url,
            Item(_) | Unknown(_) | Empty => Primitive::String,
        },
        SchemaKind::Type(Type::Integer(t)) if t.enumeration.is_empty() => match &t.format {
            Item(openapiv3::IntegerFormat::Int32) => Primitive::I32,
            _ => Primitive::I64,
        },
        SchemaKind::Type(Type::Number(t)) => match &t.format {
            Item(openapiv3::NumberFormat::Float) => Primitive::F32,
            _ => Primitive::F64,
        },
        SchemaKind::Type(Type::Boolean(_)) => Primitive::Bool,
        SchemaKind::Any(a)
            if a.typ.is_none()
                && a.properties.is_empty()
                && a.one_of.is_empty()
                && a.any_of.is_empty()
                && a.all_of.is_empty() =>
        {
            Primitive::Json
        }
        _ => return None,
    })
}

fn constraints(s: &Schema) -> Constraints {
    let mut c = Constraints::default();
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => {
            c.min_length = t.min_length;
            c.max_length = t.max_length;
        }
        SchemaKind::Type(Type::Number(t)) => {
            c.minimum = t.minimum.map(|m| (m, t.exclusive_minimum));
            c.maximum = t.maximum.map(|m| (m, t.exclusive_maximum));
        }
        SchemaKind::Type(Type::Integer(t)) => {
            c.minimum = t.minimum.map(|m| (m as f64, t.exclusive_minimum));
            c.maximum = t.maximum.map(|m| (m as f64, t.exclusive_maximum));
        }
        SchemaKind::Type(Type::Array(t)) => {
            c.min_items = t.min_items;
            c.max_items = t.max_items;
        }
        _ => {}
    }
    c
}

fn enum_variants(values: impl Iterator<Item = Value>) -> Vec<Variant> {
    let mut names = Scope::with_reserved(&[ENUM_FALLBACK]);
    let mut seen = BTreeSet::new();
    values
        .filter(|v| seen.insert(v.to_string()))
        .map(|wire| {
            let label = match &wire {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Variant { rust_name: names.unique(&label, Case::Pascal), wire }
        })
        .collect()
}

fn branch_label(s: &Schema, i: usize) -> String {
    if let Some(title) = &s.schema_data.title {
        return title.clone();
    }
    match &s.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String".into(),
        SchemaKind::Type(Type::Integer(_)) => "Integer".into(),
        SchemaKind::Type(Type::Number(_)) => "Number".into(),
        SchemaKind::Type(Type::Boolean(_)) => "Boolean".into(),
        SchemaKind::Type(Type::Array(_)) => "Array".into(),
        SchemaKind::Type(Type::Object(_)) => "Object".into(),
        _ => format!("Variant{i}"),
    }
}

/// The error-enum variant for a status: its reason phrase in Rust case.
fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Range(4) => "ClientError".into(),
        StatusMatch::Range(5) => "ServerError".into(),
        StatusMatch::Range(r) => format!("Status{r}xx"),
        StatusMatch::Default => "Other".into(),
        StatusMatch::Code(c) => reason(c).map(str::to_owned).unwrap_or_else(|| format!("Status{c}")),
    }
}

fn reason(code: u16) -> Option<&'static str> {
    Some(match code {
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        524 => "OriginTimeout",
        529 => "Overloaded",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn client_methods_lists_every_method_of_the_runtime_client() {
        // Tag accessors become methods of `Client`: one named like a runtime method would not
        // compile, so the list must keep up with `templates/runtime/client.rs`.
        let source = include_str!("../../templates/runtime/client.rs");
        let block = source.split("\nimpl Client {").nth(1).and_then(|b| b.split("\n}").next()).unwrap();
        for line in block.lines().map(str::trim) {
            let Some(rest) = line.strip_prefix("pub fn ").or_else(|| line.strip_prefix("pub(crate) fn ")) else {
                continue;
            };
            let name = rest.split(['(', '<']).next().unwrap();
            assert!(super::CLIENT_METHODS.contains(&name), "`Client::{name}` is missing from CLIENT_METHODS");
        }
    }

    #[test]
    fn operations_marked_x_speakeasy_ignore_are_left_out() {
        let op = |id: &str, ignore: bool| json!({"tags": ["T"], "operationId": id, "x-speakeasy-ignore": ignore, "responses": {"204": {"description": "ok"}}});
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": op("kept", false), "post": op("hidden", true)}},
        });
        let api = crate::lower_value(doc, &["T".to_owned()], "t.yaml").unwrap();
        let names: Vec<&str> = api.tags[0].operations.iter().map(|o| o.rust_name.as_str()).collect();
        assert_eq!(names, ["kept"]);
    }

    #[test]
    fn path_item_parameters_apply_unless_the_operation_redefines_them() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/items/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}}
                ],
                "get": {
                    "tags": ["T"], "operationId": "getItem",
                    "parameters": [{"name": "mode", "in": "query", "schema": {"type": "integer"}}],
                    "responses": {"204": {"description": "ok"}}
                }
            }},
        });
        let api = crate::lower_value(doc, &["T".to_owned()], "t.yaml").unwrap();
        let params: Vec<(&str, &crate::ir::TypeRef)> =
            api.tags[0].operations[0].params.iter().map(|p| (p.rust_name.as_str(), &p.ty)).collect();
        let int = crate::ir::TypeRef::Primitive(crate::ir::Primitive::I64);
        let string = crate::ir::TypeRef::Primitive(crate::ir::Primitive::String);
        assert_eq!(params, [("id", &string), ("mode", &int)]);
        // The overridden enum was never lowered, so no unused model is generated.
        assert!(api.types.is_empty(), "{:?}", api.types.keys());
    }

    fn doc_with(paths: serde_json::Value) -> serde_json::Value {
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths})
    }

    fn op(id: &str, group: Option<&str>) -> serde_json::Value {
        let mut o = json!({"tags": ["Chat"], "operationId": id, "responses": {"204": {"description": "ok"}}});
        if let Some(g) = group {
            o["x-speakeasy-group"] = json!(g);
        }
        o
    }

    #[test]
    fn speakeasy_groups_nest_below_the_tag_and_a_group_naming_the_tag_is_the_tag() {
        let doc = doc_with(json!({
            "/a": {"get": op("send", Some("chat"))},
            "/b": {"get": op("create", Some("chat.completions"))},
            "/c": {"get": op("cancel", Some("completions.batches"))},
            "/d": {"get": op("plain", None)},
        }));
        let api = crate::lower_value(doc, &["Chat".to_owned()], "t.yaml").unwrap();
        let tag = &api.tags[0];
        let placed: Vec<(&str, Vec<&str>)> = tag
            .operations
            .iter()
            .map(|o| (o.rust_name.as_str(), o.group.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            placed,
            [
                ("send", vec![]),
                ("create", vec!["completions"]),
                ("cancel", vec!["completions", "batches"]),
                ("plain", vec![]),
            ]
        );
        let groups: Vec<(Vec<&str>, &str)> =
            tag.groups.iter().map(|g| (g.path.iter().map(String::as_str).collect(), g.client.as_str())).collect();
        assert_eq!(
            groups,
            [(vec!["completions"], "ChatCompletions"), (vec!["completions", "batches"], "ChatCompletionsBatches")]
        );
    }

    /// Path items are converted a batch at a time in the order the requested tags reach them;
    /// a bad one is still reported as converting the document whole would: the first in
    /// document order, alone.
    #[test]
    fn the_first_bad_path_item_in_document_order_is_reported_whichever_tag_reaches_it_first() {
        // Converted all at once (a small document), and a batch at a time (a larger one).
        for (n, later) in [(3, 2), (super::BATCH + 44, 200)] {
            let mut paths = serde_json::Map::new();
            for i in 0..n {
                let mut o = json!({"tags": [format!("T{i}")], "operationId": format!("op{i}"),
                    "responses": {"204": {"description": "ok"}}});
                if i == 0 || i == later {
                    o["responses"] = json!("not a mapping");
                }
                paths.insert(format!("/p{i}"), json!({"get": o}));
            }
            // Reversed: in a larger document, the batch with the later bad item is converted
            // first, item 0 in the next one.
            let tags: Vec<String> = (0..n).rev().map(|i| format!("T{i}")).collect();
            let err = crate::lower_value(doc_with(serde_json::Value::Object(paths)), &tags, "t.yaml").unwrap_err();
            assert_eq!(err.diagnostics.len(), 1, "{err}");
            let err = err.to_string();
            assert!(err.contains("#/paths/~1p0:"), "{n} path items: {err}");
        }
    }

    #[test]
    fn a_bad_path_item_no_requested_tag_reaches_is_still_reported() {
        // A `$ref` into `paths` keeps the whole document (see `select`), `/b` with it.
        let doc = doc_with(json!({
            "/a": {"x-see": {"$ref": "#/paths/~1b"}, "get": op("send", None)},
            "/b": {"get": {"tags": ["Other"], "operationId": "b", "responses": "not a mapping"}},
        }));
        let err = crate::lower_value(doc, &["Chat".to_owned()], "t.yaml").unwrap_err().to_string();
        assert!(err.contains("#/paths/~1b:"), "{err}");
    }

    #[test]
    fn a_group_named_like_an_operation_of_the_same_sub_client_is_a_located_error() {
        let doc = doc_with(json!({
            "/a": {"get": op("completions", None)},
            "/b": {"get": op("create", Some("completions"))},
        }));
        let err = crate::lower_value(doc, &["Chat".to_owned()], "t.yaml").unwrap_err().to_string();
        assert!(err.contains("/paths/~1b/get/x-speakeasy-group"), "{err}");
        assert!(err.contains("`completions` names both a group and an operation"), "{err}");
    }

    #[test]
    fn parameters_keep_style_explode_and_booleans_carried_as_text_become_bool() {
        let doc = doc_with(json!({"/items/{id}": {"get": {
            "tags": ["T"], "operationId": "list",
            "parameters": [
                {"name": "id", "in": "path", "required": true, "style": "label", "schema": {"type": "string"}},
                {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "ids", "in": "query", "style": "pipeDelimited", "explode": false,
                 "schema": {"type": "array", "items": {"type": "integer"}}},
                {"name": "flag", "in": "query", "schema": {"type": "string", "x-openrouter-type": "boolean"}},
                {"name": "keep", "in": "query", "required": true,
                 "schema": {"anyOf": [{"type": "string", "enum": ["true", "false"]}, {"type": "boolean"}]}},
                {"name": "X-Mode", "in": "header", "example": "fast", "schema": {"type": "string"}},
            ],
            "responses": {"204": {"description": "ok"}}
        }}}));
        let api = crate::lower_value(doc, &["T".to_owned()], "t.yaml").unwrap();
        use crate::ir::{ParamStyle::*, Primitive::Bool, TypeRef};
        let params: Vec<(&str, crate::ir::ParamStyle, bool)> =
            api.tags[0].operations[0].params.iter().map(|p| (p.wire_name.as_str(), p.style, p.explode)).collect();
        assert_eq!(
            params,
            [
                ("id", Label, false),
                ("tags", Form, true),
                ("ids", PipeDelimited, false),
                ("flag", Form, true),
                ("keep", Form, true),
                ("X-Mode", Simple, false)
            ]
        );
        let ps = &api.tags[0].operations[0].params;
        assert_eq!(ps[3].ty, TypeRef::Primitive(Bool));
        assert_eq!(ps[4].ty, TypeRef::Primitive(Bool));
        assert_eq!(ps[5].example, Some(json!("fast")));
        // The boolean union was never lowered as a model.
        assert!(api.types.is_empty(), "{:?}", api.types.keys());
    }

    #[test]
    fn deep_object_on_a_scalar_is_a_located_error() {
        let doc = doc_with(json!({"/items": {"get": {
            "tags": ["T"], "operationId": "list",
            "parameters": [{"name": "q", "in": "query", "style": "deepObject", "schema": {"type": "string"}}],
            "responses": {"204": {"description": "ok"}}
        }}}));
        let err = crate::lower_value(doc, &["T".to_owned()], "t.yaml").unwrap_err().to_string();
        assert!(err.contains("/paths/~1items/get/parameters/0"), "{err}");
        assert!(err.contains("deepObject"), "{err}");
    }

    #[test]
    fn every_error_status_of_the_2026_document_has_a_reason_phrase_variant() {
        // 400 to 529 as the 2026-08-22 revision documents them.
        for code in [400, 401, 402, 403, 404, 408, 409, 410, 413, 422, 429, 500, 502, 503, 524, 529] {
            let name = super::status_variant(crate::ir::StatusMatch::Code(code));
            assert!(!name.starts_with("Status"), "{code} has no reason phrase: {name}");
        }
    }
}
