//! Lowering what an operation has beyond one JSON body and one JSON response: a
//! `multipart/form-data` form, other success media, and `x-speakeasy-pagination`.

use super::{body_kind, Lowerer};
use crate::diag::pointer_segment;
use crate::ir::*;
use crate::names::{sanitize, Case, Scope};
use openapiv3::{ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;

const MULTIPART: &str = "multipart/form-data";

impl<'a> Lowerer<'a> {
    /// The operation's extras. A form that is the only body replaces `body` (the method then
    /// takes the form); beside a JSON body it gets a method of its own.
    pub(super) fn bodies(
        &mut self,
        op: &openapiv3::Operation,
        prefix: &str,
        body: &mut Option<Body>,
        params: &[Param],
        success: &Response,
        at: &str,
    ) -> Bodies {
        let form = self.form(op, prefix, &format!("{at}/requestBody"));
        if form.is_some() && body.as_ref().is_some_and(|b| b.content_type == MULTIPART) {
            *body = None;
        }
        Bodies {
            form,
            alternatives: self.alternatives(op, success, at),
            pagination: self.pagination(op, params, success, at),
        }
    }

    fn form(&mut self, op: &openapiv3::Operation, prefix: &str, at: &str) -> Option<Form> {
        let (body, at) = match op.request_body.as_ref()? {
            ReferenceOr::Item(b) => (b, at.to_owned()),
            // Reported by `request_body` when it does not resolve.
            r @ ReferenceOr::Reference { .. } => {
                self.resolve(r, "requestBodies", "a request body", at, |c| &c.request_bodies)?
            }
        };
        let media = body.content.get(MULTIPART)?;
        let at = format!("{at}/content/{}/schema", pointer_segment(MULTIPART));
        let Some(schema) = &media.schema else {
            self.diags.error(&at, "a `multipart/form-data` body needs a schema naming its parts");
            return None;
        };
        let (schema, at) = self.resolve(schema, "schemas", "a schema", &at, |c| &c.schemas)?;
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            self.diags.error(&at, "a `multipart/form-data` body must be an object schema (one property per part)");
            return None;
        };
        let mut names = Scope::default();
        let mut fields = Vec::new();
        for (wire, property) in &object.properties {
            let at = format!("{at}/properties/{}", pointer_segment(wire));
            let ty = match property {
                ReferenceOr::Item(s) if is_binary(s) => None,
                ReferenceOr::Item(s) if is_binary_list(s) => {
                    self.diags.error(&at, "a list of files in one part is not supported; declare one part per file");
                    continue;
                }
                _ => {
                    let hint = format!("{prefix}Form{}", sanitize(wire, Case::Pascal));
                    Some(self.schema_type_boxed(property, &hint, &at).0)
                }
            };
            let description = match property {
                ReferenceOr::Item(s) => s.schema_data.description.clone(),
                ReferenceOr::Reference { .. } => None,
            };
            fields.push(FormField {
                rust_name: names.unique(wire, Case::Snake),
                wire_name: wire.clone(),
                ty,
                required: object.required.contains(wire),
                description,
            });
        }
        // Both names are given per tag, once the operation's are known.
        Some(Form { type_name: format!("{prefix}Form"), method: String::new(), fields })
    }

    /// The success response's other media types, each decoded by its kind (XML as text).
    fn alternatives(&mut self, op: &openapiv3::Operation, success: &Response, at: &str) -> Vec<AltMedia> {
        let Some(chosen) = &success.content_type else { return Vec::new() };
        let Some(response) = op.responses.responses.iter().find_map(|(status, r)| match status {
            openapiv3::StatusCode::Code(c) if StatusMatch::Code(*c) == success.status => Some(r),
            openapiv3::StatusCode::Range(c) if StatusMatch::Range(*c) == success.status => Some(r),
            _ => None,
        }) else {
            return Vec::new();
        };
        let Some((response, _)) = self.resolve(response, "responses", "a response", at, |c| &c.responses) else {
            return Vec::new();
        };
        response
            .content
            .keys()
            .filter(|k| *k != chosen && *k != MULTIPART)
            // Server-sent events are the streaming method's (`lower/stream.rs`), or a
            // placeholder that is no API.
            .filter(|k| !super::stream::is_event_stream(k))
            .map(|k| {
                let essence = k.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
                let xml = essence.ends_with("/xml") || essence.ends_with("+xml");
                AltMedia {
                    content_type: k.clone(),
                    kind: if xml { BodyKind::Text } else { body_kind(k) },
                    method: String::new(),
                }
            })
            .collect()
    }

    fn pagination(
        &mut self,
        op: &openapiv3::Operation,
        params: &[Param],
        success: &Response,
        at: &str,
    ) -> Option<Pagination> {
        let spec = op.extensions.get("x-speakeasy-pagination")?;
        let at = format!("{at}/x-speakeasy-pagination");
        let result = self.page_shape(spec, params, success);
        result.map_err(|(place, message)| self.diags.error(&format!("{at}{place}"), message)).ok()
    }

    /// The pagination, or where (below the extension) and what is wrong.
    fn page_shape(&self, spec: &Value, params: &[Param], success: &Response) -> Result<Pagination, (String, String)> {
        let input = |kind: &str| -> Result<Option<&Param>, (String, String)> {
            let inputs = spec.get("inputs").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            let Some((i, input)) = inputs.iter().enumerate().find(|(_, x)| x.get("type") == Some(&Value::from(kind)))
            else {
                return Ok(None);
            };
            let name = input.get("name").and_then(Value::as_str).unwrap_or_default();
            let found = params.iter().find(|p| p.location == ParamLocation::Query && p.wire_name == name);
            match (input.get("in").and_then(Value::as_str), found) {
                (Some("parameters"), Some(p)) => Ok(Some(p)),
                _ => Err((format!("/inputs/{i}"), format!("the {kind} input names no query parameter `{name}`"))),
            }
        };
        let output = |key: &str| -> Result<Option<String>, (String, String)> {
            let Some(path) = spec.pointer(&format!("/outputs/{key}")) else { return Ok(None) };
            match path.as_str().and_then(|p| p.strip_prefix("$.")).filter(|f| !f.is_empty() && !f.contains(['.', '[']))
            {
                Some(field) => Ok(Some(field.to_owned())),
                None => Err((
                    format!("/outputs/{key}"),
                    format!("`{key}` must be a top-level field of the page, like `$.data`"),
                )),
            }
        };
        let shapes = self.page_shapes(success);
        if shapes.is_empty() {
            let message = "the success response of a paginated operation must be a JSON object or a union of them";
            return Err((String::new(), message.to_owned()));
        }
        let results = output("results")?.ok_or_else(|| ("/outputs".to_owned(), "`results` is missing".to_owned()))?;
        let integer = |p: Option<&Param>, kind: &str| match p {
            Some(p) if !matches!(p.ty, TypeRef::Primitive(Primitive::I32 | Primitive::I64)) => {
                Err(("/inputs".to_owned(), format!("the {kind} parameter `{}` is not an integer", p.wire_name)))
            }
            _ => Ok(p.map(|p| p.rust_name.clone())),
        };
        let (style, next) = match spec.get("type").and_then(Value::as_str) {
            Some("offsetLimit") => {
                let offset = integer(input("offset")?, "offset")?
                    .ok_or_else(|| ("/inputs".to_owned(), "an `offsetLimit` list needs an offset input".to_owned()))?;
                (PageStyle::OffsetLimit { offset, limit: integer(input("limit")?, "limit")? }, None)
            }
            Some("cursor") => {
                let param = input("cursor")?
                    .ok_or_else(|| ("/inputs".to_owned(), "a `cursor` list needs a cursor input".to_owned()))?;
                if param.ty != TypeRef::Primitive(Primitive::String) {
                    return Err((
                        "/inputs".into(),
                        format!("the cursor parameter `{}` is not a string", param.wire_name),
                    ));
                }
                let next = output("nextCursor")?
                    .ok_or_else(|| ("/outputs".to_owned(), "a `cursor` list needs `nextCursor`".to_owned()))?;
                (PageStyle::Cursor { param: param.rust_name.clone() }, Some(next))
            }
            other => {
                let other = other.unwrap_or("(none)");
                return Err((
                    "/type".into(),
                    format!("pagination type `{other}` is not supported (offsetLimit, cursor)"),
                ));
            }
        };
        // Every shape of the page holding the results (and the next cursor) as declared.
        let mut item_ty = None;
        let mut pages = Vec::new();
        for (variant, fields) in shapes {
            let Some(items) = fields.iter().find(|f| f.wire_name == results) else { continue };
            let Some(ty) = self.list_item(&items.ty) else { continue };
            let next = match &next {
                None => None,
                Some(wire) => match fields.iter().find(|f| &f.wire_name == wire) {
                    Some(f) if f.ty == TypeRef::Primitive(Primitive::String) => {
                        Some((f.rust_name.clone(), Presence::of(f.required, f.nullable)))
                    }
                    _ => continue,
                },
            };
            if *item_ty.get_or_insert_with(|| ty.clone()) != ty {
                continue;
            }
            let items = (items.rust_name.clone(), Presence::of(items.required, items.nullable));
            pages.push(PageShape { variant, items, next });
        }
        let Some(item_ty) = item_ty.filter(|_| !pages.is_empty()) else {
            let next = next.map(|n| format!(" and a string `{n}`")).unwrap_or_default();
            return Err(("/outputs".into(), format!("no shape of the success response has a list `{results}`{next}")));
        };
        Ok(Pagination { style, method: String::new(), item_ty, pages })
    }

    /// The shapes of a JSON success body: the struct itself, or the struct branches of a
    /// union (with their variant names).
    fn page_shapes(&self, success: &Response) -> Vec<(Option<String>, &[Field])> {
        let (BodyKind::Json, Some(TypeRef::Named(id))) = (success.kind, &success.ty) else { return Vec::new() };
        let fields = |id: &str| match self.types.get(id).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields, .. }) => Some(fields.as_slice()),
            _ => None,
        };
        match self.types.get(id).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields, .. }) => vec![(None, fields.as_slice())],
            Some(TypeKind::Union { variants, .. }) => {
                variants.iter().filter_map(|v| Some((Some(v.rust_name.clone()), fields(v.ty.named()?)?))).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The item type of a list, through aliases.
    fn list_item(&self, ty: &TypeRef) -> Option<TypeRef> {
        match ty {
            TypeRef::Array(item) => Some((**item).clone()),
            TypeRef::Named(id) => match &self.types.get(id)?.kind {
                TypeKind::Alias(t) => self.list_item(t),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Names the extras' methods in the tag's method scope, after every operation of the tag
/// took its own name (so an extra never takes an operation's).
pub(super) fn name_methods(o: &mut Operation, methods: &mut Scope) {
    let base = o.rust_name.clone();
    let own_method = o.body.is_none();
    if let Some(form) = &mut o.bodies.form {
        form.method = match own_method {
            true => base.clone(),
            false => methods.unique(&format!("{base}_form"), Case::Snake),
        };
    }
    for alt in &mut o.bodies.alternatives {
        let subtype = alt.content_type.split(';').next().unwrap_or_default().rsplit('/').next().unwrap_or_default();
        let label = subtype.split('+').next().unwrap_or_default();
        alt.method = methods.unique(&format!("{base}_{label}"), Case::Snake);
    }
    if let Some(p) = &mut o.bodies.pagination {
        p.method = methods.unique(&format!("{base}_items"), Case::Snake);
    }
}

/// `type: string, format: binary`: a file part.
fn is_binary(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Type(Type::String(t)) if t.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary))
}

fn is_binary_list(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Type(Type::Array(a)) if matches!(&a.items, Some(ReferenceOr::Item(i)) if is_binary(i)))
}
