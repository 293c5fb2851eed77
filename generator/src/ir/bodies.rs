//! What an operation has beyond one JSON body and one JSON response: a `multipart/form-data`
//! form, other success media, and pagination (`x-speakeasy-pagination`).

use super::{BodyKind, TypeRef};
use serde::Serialize;

/// The operation's non-JSON extras; empty for a plain JSON operation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Bodies {
    /// A `multipart/form-data` request body, as a typed form.
    pub form: Option<Form>,
    /// Success media other than the one the main method decodes (RSS beside JSON).
    pub alternatives: Vec<AltMedia>,
    /// How to walk every page of a paginated list.
    pub pagination: Option<Pagination>,
}

/// A `multipart/form-data` request body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Form {
    /// The form's Rust type, declared in the tag module.
    pub type_name: String,
    /// The method that sends it: the operation's own when the form is its only body, else a
    /// second method beside the JSON one.
    pub method: String,
    /// Parts in spec order.
    pub fields: Vec<FormField>,
}

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormField {
    /// The part's name on the wire.
    pub wire_name: String,
    /// Field name in Rust.
    pub rust_name: String,
    /// A file (`format: binary`) or a text value of this type (lists: one part per item).
    pub ty: Option<TypeRef>,
    /// Listed in `required`: an argument of the form's `new`.
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
}

/// Another media type of the success response, reached by a method of its own that asks
/// for it with `Accept`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AltMedia {
    /// The media type, e.g. `application/rss+xml`.
    pub content_type: String,
    /// How the body is decoded (XML is text).
    pub kind: BodyKind,
    /// The method's name.
    pub method: String,
}

/// How the pages of a list are walked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pagination {
    /// Offset/limit or cursor.
    pub style: PageStyle,
    /// The method returning the stream of items.
    pub method: String,
    /// The type of one item.
    pub item_ty: TypeRef,
    /// The shapes of a page that hold the items (and the next cursor) as declared: the
    /// page struct, or some branches of a page union. A page of any other shape ends the
    /// walk with an error.
    pub pages: Vec<PageShape>,
}

/// Where one shape of a page keeps its items and next cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageShape {
    /// The union variant of this shape; `None` when the page is a struct.
    pub variant: Option<String>,
    /// The Rust field holding the items (`$.data`), and how it is declared.
    pub items: (String, Presence),
    /// The Rust field holding the next cursor (`$.cursor`), for cursor pagination.
    pub next: Option<(String, Presence)>,
}

/// The two pagination styles of `x-speakeasy-pagination`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PageStyle {
    /// `offsetLimit`: the stream sets the offset parameter; the caller may set the limit.
    OffsetLimit {
        /// Rust name of the offset parameter.
        offset: String,
        /// Rust name of the limit parameter, when there is one.
        limit: Option<String>,
    },
    /// `cursor`: the stream sets the cursor parameter from the previous page; no cursor (or
    /// an empty one) ends the walk.
    Cursor {
        /// Rust name of the cursor parameter.
        param: String,
    },
}

/// How a field of a page is declared: `T`, `Option<T>` or `Nullable<T>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Presence {
    /// Required, not nullable: `T`.
    Plain,
    /// Optional or nullable: `Option<T>`.
    Optional,
    /// Optional and nullable: `Nullable<T>`.
    Nullable,
}

impl Presence {
    /// How a field with these flags is declared (as `Spelling::field` spells it).
    pub fn of(required: bool, nullable: bool) -> Presence {
        match (required, nullable) {
            (true, false) => Presence::Plain,
            (false, true) => Presence::Nullable,
            _ => Presence::Optional,
        }
    }
}

impl Bodies {
    /// The type references the extras add: form parts and items.
    pub fn type_refs(&self) -> Vec<&TypeRef> {
        let form = self.form.iter().flat_map(|f| f.fields.iter().filter_map(|x| x.ty.as_ref()));
        form.chain(self.pagination.iter().map(|p| &p.item_ty)).collect()
    }
}

impl Bodies {
    /// The same extras without descriptions (see `Api::without_docs`).
    pub(super) fn without_docs(mut self) -> Bodies {
        for f in self.form.iter_mut().flat_map(|f| &mut f.fields) {
            f.description = None;
        }
        self
    }
}
