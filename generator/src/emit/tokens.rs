//! The leaf toolkit every Rust emitter uses: identifiers, type spelling, doc attributes and
//! formatting. It imports no other emitter.

use super::docs::doc_text;
use crate::diag::Error;
use crate::ir::*;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;
use std::collections::BTreeSet;

/// An identifier (names come from `names::sanitize`, so they are always valid).
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The prelude items generated code names. A spec may call a type `Option` or `From`; in a
/// scope that declares such a name, the item is spelled by its full path instead.
const PRELUDE: &[(&str, &str)] = &[
    ("Box", "::std::boxed::Box"),
    ("Default", "::std::default::Default"),
    ("From", "::std::convert::From"),
    ("Into", "::std::convert::Into"),
    ("Option", "::std::option::Option"),
    ("Result", "::std::result::Result"),
    ("String", "::std::string::String"),
    ("Vec", "::std::vec::Vec"),
];

/// How one scope of generated code spells types: where the models and the runtime are, and
/// which prelude names the scope's own items shadow.
///
/// Everything else generated code names is reached by a path that no spec name can shadow:
/// crates and `std` by snake-case paths (spec names in a scope are types, in Pascal case),
/// runtime items through `crate::`, serde traits through `serde::`.
///
/// The path prefixes are kept as text (`TokenStream` is neither `Send` nor `Sync`), so one
/// `Spelling` serves every thread emitting a file's items.
#[derive(Debug, Clone)]
pub struct Spelling {
    models: String,
    runtime: String,
    /// The prelude items the scope's own items shadow.
    shadowed: BTreeSet<&'static str>,
    /// Runtime items the scope imports by name (`use crate::Nullable;`).
    imports: BTreeSet<&'static str>,
}

impl Spelling {
    /// Inside `models.rs`, which declares every type of the API.
    pub fn models(api: &Api) -> Self {
        let shadowed = shadowed_prelude(api.types.keys().map(String::as_str));
        let imports = ["Nullable"].into_iter().filter(|n| !api.types.contains_key(*n)).collect();
        Self { models: String::new(), runtime: "crate::".into(), shadowed, imports }
    }

    /// Whether the scope imports the runtime item `name`.
    pub fn imports(&self, name: &str) -> bool {
        self.imports.contains(name)
    }

    /// Inside another module of the crate that declares `items`.
    pub fn in_crate<'a>(items: impl IntoIterator<Item = &'a str>) -> Self {
        let shadowed = shadowed_prelude(items);
        Self { models: "crate::models::".into(), runtime: "crate::".into(), shadowed, imports: BTreeSet::new() }
    }

    /// In a program or test using the crate, naming models through `models` (a path prefix
    /// such as `models::`, or nothing when `imported` brings them into scope by name).
    pub fn outside<'a>(models: TokenStream, imported: impl IntoIterator<Item = &'a str>) -> Self {
        let shadowed = shadowed_prelude(imported);
        // Printed tokens have spaces between them (`models ::`); a path prefix has none.
        let models = models.to_string().replace(' ', "");
        Self { models, runtime: "openrouter::".into(), shadowed, imports: BTreeSet::new() }
    }

    /// In docs: the short names a reader expects.
    pub fn docs() -> Self {
        Self { models: String::new(), runtime: String::new(), shadowed: BTreeSet::new(), imports: BTreeSet::new() }
    }

    /// Whether `name` is a prelude item generated code uses.
    pub fn is_prelude(name: &str) -> bool {
        PRELUDE.iter().any(|(n, _)| *n == name)
    }

    /// One prelude item, as text.
    pub fn prelude_text(&self, name: &str) -> String {
        let full = PRELUDE.iter().find(|(n, _)| *n == name).map(|(_, f)| *f).unwrap_or(name);
        (if self.shadowed.contains(name) { full } else { name }).to_owned()
    }

    /// One prelude item.
    pub fn prelude_item(&self, name: &str) -> TokenStream {
        lex(&self.prelude_text(name))
    }

    /// A runtime item as text: `Nullable` where imported, else `crate::Nullable`.
    pub fn runtime_text(&self, item: &str) -> String {
        if self.imports.contains(item) {
            return item.to_owned();
        }
        format!("{}{item}", self.runtime)
    }

    /// The Rust type for a reference, as prettyplease prints it (`Vec<String>`).
    pub fn ty_text(&self, t: &TypeRef) -> String {
        match t {
            TypeRef::Primitive(p) => match p {
                Primitive::String => self.prelude_text("String"),
                Primitive::DateTime => "chrono::DateTime<chrono::Utc>".into(),
                Primitive::Date => "chrono::NaiveDate".into(),
                Primitive::Uuid => "uuid::Uuid".into(),
                Primitive::Url => "url::Url".into(),
                Primitive::Secret => self.runtime_text("Secret"),
                Primitive::I32 => "i32".into(),
                Primitive::I64 => "i64".into(),
                Primitive::F32 => "f32".into(),
                Primitive::F64 => "f64".into(),
                Primitive::Bool => "bool".into(),
                Primitive::Json => "serde_json::Value".into(),
                Primitive::Bytes => format!("{}<u8>", self.prelude_text("Vec")),
            },
            TypeRef::Named(n) => format!("{}{n}", self.models),
            TypeRef::Array(i) => format!("{}<{}>", self.prelude_text("Vec"), self.ty_text(i)),
            TypeRef::Map(v) => {
                let string = self.prelude_text("String");
                if **v == TypeRef::Primitive(Primitive::Json) {
                    format!("serde_json::Map<{string}, serde_json::Value>")
                } else {
                    format!("std::collections::BTreeMap<{string}, {}>", self.ty_text(v))
                }
            }
        }
    }

    /// The Rust type for a reference.
    pub fn ty(&self, t: &TypeRef) -> TokenStream {
        lex(&self.ty_text(t))
    }

    /// A field's type without `Option`/`Nullable`: boxed when recursive.
    pub fn boxed_text(&self, f: &Field) -> String {
        let ty = self.ty_text(&f.ty);
        if f.boxed {
            format!("{}<{ty}>", self.prelude_text("Box"))
        } else {
            ty
        }
    }

    /// The declared type of a struct field, as text: boxed when recursive, `Option` when
    /// optional or nullable, `Nullable` when both (absent and `null` differ on the wire).
    pub fn field_text(&self, f: &Field) -> String {
        let ty = self.boxed_text(f);
        match (f.required, f.nullable) {
            (true, false) => ty,
            (true, true) | (false, false) => format!("{}<{ty}>", self.prelude_text("Option")),
            (false, true) => format!("{}<{ty}>", self.runtime_text("Nullable")),
        }
    }
}

/// The prelude items among `names` (a scope's own items), which the scope spells by path.
fn shadowed_prelude<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeSet<&'static str> {
    names.into_iter().filter_map(|n| PRELUDE.iter().find(|(p, _)| *p == n).map(|(p, _)| *p)).collect()
}

/// Tokens of text this module spells: paths and types made of sanitized names and our own
/// constants, which always lex.
fn lex(text: &str) -> TokenStream {
    text.parse().unwrap_or_default()
}

/// How a type reads in docs: `Vec<String>`, `CreateAuthKeysCodeResponseData`.
pub fn type_name(t: &TypeRef) -> String {
    Spelling::docs().ty_text(t)
}

/// How a field's declared type reads in docs: `Option<Nullable<String>>`.
pub fn field_type_name(f: &Field) -> String {
    Spelling::docs().field_text(f)
}

/// The doc lines for spec text (escaped) followed by our own lines (trusted Markdown), each
/// part a paragraph; an empty entry is a blank line.
pub fn doc_lines(spec_text: &[Option<&str>], ours: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for text in spec_text.iter().flatten() {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(doc_text(text).lines().map(str::to_owned));
    }
    for para in ours {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(para.lines().map(str::to_owned));
    }
    lines
}

/// `#[doc = ...]` lines for spec text (escaped) followed by our own lines (trusted Markdown).
pub fn docs(spec_text: &[Option<&str>], ours: &[String]) -> TokenStream {
    let attrs = doc_lines(spec_text, ours).into_iter().map(|l| {
        let l = if l.is_empty() { l } else { format!(" {l}") };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// `#![doc = ...]` lines; an empty entry is a blank line.
pub fn inner_docs(lines: &[String]) -> TokenStream {
    let split =
        lines
            .iter()
            .flat_map(|l| if l.is_empty() { vec![String::new()] } else { l.lines().map(str::to_owned).collect() });
    let attrs = split.map(|l| {
        let l = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote!(#![doc = #l])
    });
    quote!(#(#attrs)*)
}

/// A JSON value as a single-line code span (backticks inside are not possible in JSON
/// except in strings; those are replaced so the span stays closed).
pub fn code_span(v: &Value) -> String {
    let s = v.to_string().replace('`', "'");
    if s.len() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}

/// The inner attribute of every crate root the generator lays out: prettyplease's layout is not
/// rustfmt's, so `cargo fmt` leaves these files (and the modules under them) alone.
pub fn skip_rustfmt() -> TokenStream {
    quote!(#![cfg_attr(rustfmt, rustfmt::skip)])
}

/// Parses and pretty-prints a file's tokens (see [`Layout`]).
pub fn format_file(tokens: TokenStream, source: &str) -> Result<String, Error> {
    let mut layout = Layout::new(source);
    layout.items(tokens)?;
    Ok(layout.finish())
}

/// A Rust file laid out as its pieces come: the text `prettyplease::unparse` gives for the
/// whole file, made one item at a time (an `impl` one member at a time), so neither the tokens
/// nor the syntax tree of a tag with thousands of operations are ever in memory at once.
pub struct Layout<'s> {
    out: String,
    source: &'s str,
}

impl<'s> Layout<'s> {
    /// An empty file; `source` names the spec in errors.
    pub fn new(source: &'s str) -> Self {
        Self { out: String::new(), source }
    }

    /// Appends items (a file's inner attributes may lead the first).
    pub fn items(&mut self, tokens: TokenStream) -> Result<(), Error> {
        for item in split_items(tokens) {
            match impl_parts(&item) {
                Some((header, body)) => {
                    self.impl_block(header, split_items(body).into_iter().map(|t| Ok(Member::Tokens(t))))?
                }
                None => self.out.push_str(&unparse(item, self.source)?),
            }
        }
        Ok(())
    }

    /// Appends `header { members }` (`header`: outer attributes and `impl … for …`), making
    /// each member only when its turn comes. prettyplease prints a block's header alone, then
    /// each member on its own lines, so `header {` + the members + `}` is the block.
    pub fn impl_block(
        &mut self,
        header: TokenStream,
        members: impl IntoIterator<Item = Result<Member, Error>>,
    ) -> Result<(), Error> {
        let empty = unparse(quote!(#header {}), self.source)?;
        let mut members = members.into_iter().peekable();
        let Some(open) = empty.strip_suffix("{}\n").filter(|_| members.peek().is_some()) else {
            self.out.push_str(&empty);
            return Ok(());
        };
        self.out.push_str(open);
        self.out.push_str("{\n");
        for member in members {
            let member = match member? {
                Member::Text(text) => {
                    self.out.push_str(&text);
                    continue;
                }
                Member::Tokens(tokens) => tokens,
            };
            let one = unparse(quote!(#header { #member }), self.source)?;
            let inner = one.strip_prefix(open).and_then(|t| t.strip_prefix("{\n")).and_then(|t| t.strip_suffix("}\n"));
            let inner = inner
                .ok_or_else(|| Error::internal(self.source, format!("unexpected layout of an impl block: {one}")))?;
            self.out.push_str(inner);
        }
        self.out.push_str("}\n");
        Ok(())
    }

    /// Appends items written as text (`code::lay_out`).
    pub fn text(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// The spec named in errors.
    pub fn source(&self) -> &'s str {
        self.source
    }

    /// The file's text, with blank lines between items.
    pub fn finish(self) -> String {
        space_items(&self.out)
    }
}

/// A member of an `impl` block laid out by [`Layout::impl_block`].
pub enum Member {
    /// Tokens, laid out by prettyplease.
    Tokens(TokenStream),
    /// Text already laid out (one level in, unspaced).
    Text(String),
}

/// Pretty-prints tokens that parse as a file (a generator bug otherwise: reported, no panic).
fn unparse(tokens: TokenStream, source: &str) -> Result<String, Error> {
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| Error::internal(source, format!("generated Rust does not parse: {e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// Splits tokens at item boundaries: after a `;`, and after a `{ … }` not followed by `;`
/// (`use a::{b};`, `const X: T = T { … };`). A file's inner attributes stay with its first
/// item (prettyplease ends their lines only before an item).
fn split_items(tokens: TokenStream) -> Vec<TokenStream> {
    use proc_macro2::{Delimiter, TokenTree};
    let mut items = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        let ends = match &tt {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                !matches!(iter.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';')
            }
            _ => false,
        };
        current.push(tt);
        if ends {
            items.push(current.drain(..).collect());
        }
    }
    if !current.is_empty() {
        items.push(current.into_iter().collect());
    }
    items
}

/// An `impl` item's header (outer attributes included) and the tokens of its body; `None` for
/// any other item, and for a body with inner attributes (laid out whole).
fn impl_parts(item: &TokenStream) -> Option<(TokenStream, TokenStream)> {
    use proc_macro2::{Delimiter, TokenTree};
    let tokens: Vec<TokenTree> = item.clone().into_iter().collect();
    let (last, head) = tokens.split_last()?;
    let TokenTree::Group(body) = last else { return None };
    // Skip outer attributes (`#` and a bracket group each).
    let mut rest = head;
    while let [TokenTree::Punct(p), TokenTree::Group(g), tail @ ..] = rest {
        if p.as_char() != '#' || g.delimiter() != Delimiter::Bracket {
            break;
        }
        rest = tail;
    }
    let is_impl = matches!(rest.first(), Some(TokenTree::Ident(i)) if i == "impl");
    let inner_attrs = matches!(body.stream().into_iter().take(2).collect::<Vec<_>>().as_slice(),
        [TokenTree::Punct(a), TokenTree::Punct(b)] if a.as_char() == '#' && b.as_char() == '!');
    (is_impl && body.delimiter() == Delimiter::Brace && !inner_attrs)
        .then(|| (head.iter().cloned().collect(), body.stream()))
}

/// prettyplease keeps no blank lines; put one between items, as a person would.
pub fn space_items(code: &str) -> String {
    const STARTS: &[&str] =
        &["///", "#[", "pub ", "impl", "fn ", "mod ", "use ", "const ", "type ", "enum ", "struct "];
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut prev: Option<&str> = None;
    for line in code.lines() {
        if let Some(p) = prev {
            let (pt, ct) = (p.trim_start(), line.trim_start());
            // Most lines close nothing: ask the cheap questions first.
            let closes = || {
                pt == "}"
                    || pt == "};"
                    || pt.ends_with(" {}")
                    || (pt.ends_with(';') && STARTS.iter().any(|s| pt.starts_with(s)))
            };
            let between_items = || {
                let same_indent = p.len() - pt.len() == line.len() - ct.len();
                let opens = STARTS.iter().any(|s| ct.starts_with(s));
                let same_group = pt.ends_with(';') && first_word(pt) == first_word(ct) && !ct.starts_with("///");
                same_indent && opens && !same_group
            };
            let after_inner_docs =
                (pt.starts_with("//!") && !ct.starts_with("//!")) || (pt.starts_with("#![") && !ct.starts_with("#!["));
            let after_header = pt.starts_with("// @generated");
            if after_inner_docs || after_header || (closes() && between_items()) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}

fn first_word(line: &str) -> &str {
    let line = line.strip_prefix("pub ").unwrap_or(line);
    line.split_whitespace().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Laying a file out item by item (an impl member by member) gives the text prettyplease
    /// gives for the whole file, whatever the items.
    #[test]
    fn layout_by_pieces_is_the_whole_file_layout() {
        let tokens = quote! {
            #![doc = " A module."]
            #![allow(dead_code)]
            use std::collections::{BTreeMap, BTreeSet};
            const ORIGIN: Point = Point { x: 0, y: 0 };
            /// A point.
            #[derive(Debug)]
            pub struct Point { x: i64, y: i64 }
            pub struct Pair(i64, i64);
            pub type Map = BTreeMap<String, BTreeSet<i64>>;
            impl Point {}
            /// Inherent methods.
            #[cfg(feature = "geometry")]
            impl Point {
                /// A very long documented constructor whose signature is long enough to wrap.
                pub fn new_with_a_long_name(first_coordinate_value: i64, second_coordinate_value: i64) -> Self {
                    Point { x: first_coordinate_value, y: second_coordinate_value }
                }
                pub const ZERO: i64 = 0;
                type Unused = ();
                fn norm(&self) -> i64 { match self.x { 0 => self.y, x => x * x + self.y * self.y } }
            }
            impl<'a, T> std::fmt::Display for Wrapper<'a, T> where T: std::fmt::Display + Clone + Send + Sync + 'static {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "{}", self.0) }
            }
            pub enum Kind { A = 1, B = 2 }
            mod inner { pub fn f() {} }
        };
        let whole = space_items(&prettyplease::unparse(&syn::parse2(tokens.clone()).unwrap()));
        assert_eq!(format_file(tokens, "test.yaml").unwrap(), whole);
    }

    #[test]
    fn impl_members_are_made_as_the_layout_reaches_them() {
        let mut layout = Layout::new("test.yaml");
        layout
            .items(quote!(
                pub struct S;
            ))
            .unwrap();
        layout
            .impl_block(
                quote!(impl S),
                (0..3).map(|i| {
                    let name = ident(&format!("m{i}"));
                    Ok(Member::Tokens(quote!(pub fn #name(&self) -> usize { #i })))
                }),
            )
            .unwrap();
        let members: Vec<TokenStream> = (0..3)
            .map(|i| {
                let name = ident(&format!("m{i}"));
                quote!(pub fn #name(&self) -> usize { #i })
            })
            .collect();
        let whole = quote!(pub struct S; impl S { #(#members)* });
        assert_eq!(layout.finish(), format_file(whole, "test.yaml").unwrap());
    }

    #[test]
    fn tokens_that_do_not_parse_are_an_internal_error() {
        let err = format_file(quote!(impl S { fn }), "test.yaml").unwrap_err();
        assert!(err.to_string().contains("generated Rust does not parse"), "{err}");
    }
}
