//! `src/models.rs`: one Rust type per schema (structs, open enums, open unions, aliases),
//! written as text (`code::Code`): the models are most of a large crate.

use super::code::{lay_out, ln, string, Code};
use super::features::Features;
use super::tokens::{code_span, doc_lines, format_file, type_name, Spelling};
use super::validate::{join_helper, Validation};
use crate::diag::Error;
use crate::ir::*;
use quote::quote;
use rayon::prelude::*;
use serde_json::Value;

/// `models.rs`, made a batch of types at a time and handed to `give` in parts: the text of a
/// large spec's models is never whole in memory.
pub fn models_rs(
    api: &Api,
    validation: &Validation,
    features: &Features,
    source: &str,
    give: &super::GiveParts,
) -> Result<(), Error> {
    let sp = Spelling::models(api);
    let uses_nullable = api.types.values().any(|t| match &t.kind {
        TypeKind::Struct { fields, .. } => fields.iter().any(|f| f.nullable && !f.required),
        _ => false,
    });
    let import = (uses_nullable && sp.imports("Nullable")).then(|| {
        // Unused when the features enabled leave out every type with a nullable field.
        quote!(
            #[allow(unused_imports)]
            use crate::Nullable;
        )
    });
    let head = quote! {
        //! Request, response and error-body models.
        //!
        //! Every type is `#[non_exhaustive]`, so that a field, an enum value or a union variant
        //! the API adds later is not a breaking change: build structs with `new()` and the
        //! setters, and give a `match` on an enum or union a `_` arm.
        #![allow(clippy::large_enum_variant)]

        #import
    };
    let head = format_file(head, source);
    let one = |t: &TypeDef| -> Result<String, Error> {
        let on = features.of_type(&t.rust_name);
        let mut code = Code::new();
        // Every item of the type (its impls too) compiles under the features that reach it.
        type_def(&mut code, t, &sp, &on);
        validation.method(&mut code, api, t, &sp, &on);
        lay_out(code.finish(), source)
    };
    // Types are written on every core, a batch at a time, each batch handed over as the file's
    // next part: a large API's file is never whole in memory. `collect` keeps their order.
    let types: Vec<&TypeDef> = api.types.values().collect();
    let batches = types.chunks(512).map(|batch| {
        // In order, so that the first failure is the same in every run.
        let texts: Vec<Result<String, Error>> = batch.par_iter().map(|t| one(t)).collect();
        let texts = texts.into_iter().collect::<Result<Vec<String>, Error>>()?;
        let mut part = String::with_capacity(texts.iter().map(|t| t.len() + 1).sum());
        for text in texts {
            part.push('\n');
            part.push_str(&text);
        }
        Ok(part)
    });
    // Unused when the features enabled leave out every type that calls it.
    let join = validation.uses_join(api).then(|| {
        let join = join_helper(&sp);
        format_file(quote!(#[allow(dead_code)] #join), source).map(|text| format!("\n{text}"))
    });
    give("src/models.rs".to_owned(), &mut std::iter::once(head).chain(batches).chain(join))
}

/// The items of one type, each under the `cfg` of the features that reach it.
fn type_def(code: &mut Code, t: &TypeDef, sp: &Spelling, features: &[&str]) {
    let name = t.rust_name.as_str();
    let mut ours = Vec::new();
    let feature_line = Features::doc_line(features);
    if !feature_line.is_empty() {
        ours.push(feature_line);
    }
    // Every public item needs docs; say where an undocumented schema comes from.
    let fallback = if t.origin.starts_with('/') {
        format!("Defined inline at `#{}`.", t.origin)
    } else {
        format!("The `{}` schema.", t.origin)
    };
    let description = t.description.as_deref().or(Some(fallback.as_str()));
    if let Some(ex) = &t.example {
        ours.push(format!("Example: `{}`", code_span(ex)));
    }
    let item = Item { name, features, sp };
    match &t.kind {
        TypeKind::Struct { fields, additional } => {
            struct_def(code, &item, &doc_lines(&[description], &ours), fields, additional.as_ref())
        }
        TypeKind::Enum { variants } => enum_def(code, &item, &doc_lines(&[description], &ours), variants),
        TypeKind::Union { variants, discriminator: Some(property) } => {
            ours.push(format!(
                "Chosen by the `{property}` property; `{UNION_FALLBACK}` keeps a value whose `{property}` this \
                 version of the client does not know, so a new kind upstream never fails a response."
            ));
            tagged_union_def(code, &item, &doc_lines(&[description], &ours), variants, property)
        }
        TypeKind::Union { variants, discriminator: None } => {
            ours.push(format!(
                "Decoded by trying each variant in order; `{UNION_FALLBACK}` keeps a value none of them accepts."
            ));
            union_def(code, &item, &doc_lines(&[description], &ours), variants)
        }
        TypeKind::Alias(target) => {
            code.cfg(features);
            code.docs(&doc_lines(&[description], &ours));
            ln!(code, "pub type {name} = {};", sp.ty_text(target));
        }
    }
}

/// What every item of one type shares: its name, its features and the scope's spelling.
struct Item<'a> {
    name: &'a str,
    features: &'a [&'a str],
    sp: &'a Spelling,
}

impl Item<'_> {
    /// Opens `head` (`impl Name`, `impl From<&str> for Name`) under the type's cfg.
    fn open_impl(&self, code: &mut Code, head: std::fmt::Arguments) {
        code.cfg(self.features);
        code.open(format_args!("{head} {{"));
    }

    /// Opens `impl<'de> serde::Deserialize<'de> for Name` and its `deserialize` function.
    fn open_deserialize(&self, code: &mut Code) {
        self.open_impl(code, format_args!("impl<'de> serde::Deserialize<'de> for {}", self.name));
        let returns = format!(" -> {}<Self, D::Error>", self.sp.prelude_text("Result"));
        code.signature("fn deserialize<D: serde::Deserializer<'de>>", &["deserializer: D".into()], &returns);
    }

    /// `impl serde::Serialize for Name`, its body (`serialize` given `serializer`) in `body`.
    fn serialize(&self, code: &mut Code, body: impl FnOnce(&mut Code)) {
        self.open_impl(code, format_args!("impl serde::Serialize for {}", self.name));
        code.open(format_args!(
            "fn serialize<S: serde::Serializer>(&self, serializer: S) -> {}<S::Ok, S::Error> {{",
            self.sp.prelude_text("Result")
        ));
        body(code);
        code.close("}");
        code.close("}");
    }

    /// `impl std::fmt::Display for Name`, its body (`fmt` given `f`) in `body`.
    fn display(&self, code: &mut Code, body: impl FnOnce(&mut Code)) {
        self.open_impl(code, format_args!("impl std::fmt::Display for {}", self.name));
        code.open(format_args!("fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{"));
        body(code);
        code.close("}");
        code.close("}");
    }

    /// `head { function { match scrutinee { arms } } }` under the type's cfg: an impl of one
    /// function mapping each value (`function`: its doc lines, then its signature, a line each).
    fn match_impl(&self, code: &mut Code, head: &str, function: &str, scrutinee: &str, arms: impl FnOnce(&mut Code)) {
        self.open_impl(code, format_args!("{head}"));
        let (docs, signature) = function.rsplit_once('\n').unwrap_or(("", function));
        for doc in docs.lines() {
            ln!(code, "{doc}");
        }
        code.open(format_args!("{signature} {{"));
        code.open(format_args!("match {scrutinee} {{"));
        arms(code);
        code.close("}");
        code.close("}");
        code.close("}");
    }
}

/// `Display` of a union, as a query or header parameter carries it: a string as it is,
/// anything else as JSON.
fn union_display(code: &mut Code, item: &Item) {
    item.display(code, |code| {
        code.open(format_args!("match serde_json::to_value(self) {{"));
        ln!(code, "Ok(serde_json::Value::String(s)) => f.write_str(&s),");
        ln!(code, "Ok(other) => write!(f, \"{{other}}\"),");
        ln!(code, "Err(_) => Err(std::fmt::Error),");
        code.close("}");
    });
}

/// The start of a union or enum: cfg, docs, attributes and `pub enum Name {`.
fn open_enum(code: &mut Code, item: &Item, docs: &[String], attrs: &[&str]) {
    code.cfg(item.features);
    code.docs(docs);
    for a in attrs {
        ln!(code, "{a}");
    }
    ln!(code, "#[non_exhaustive]");
    code.open(format_args!("pub enum {} {{", item.name));
}

fn union_def(code: &mut Code, item: &Item, docs: &[String], variants: &[UnionVariant]) {
    let attrs = ["#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]", "#[serde(untagged)]"];
    open_enum(code, item, docs, &attrs);
    for v in variants {
        ln!(code, "/// A `{}`.", type_name(&v.ty));
        ln!(code, "{}({}),", v.rust_name, item.sp.ty_text(&v.ty));
    }
    ln!(code, "/// A value that matches none of the variants above.");
    ln!(code, "{UNION_FALLBACK}(serde_json::Value),");
    code.close("}");
    union_display(code, item);
}

/// A union told apart by a property: decoded by that property's value, any other value kept
/// whole in the fallback variant; encoded as the variant's own value (which carries the tag).
fn tagged_union_def(code: &mut Code, item: &Item, docs: &[String], variants: &[UnionVariant], property: &str) {
    open_enum(code, item, docs, &["#[derive(Debug, Clone, PartialEq)]"]);
    for v in variants {
        let tags: Vec<String> = v.tags.iter().map(|t| format!("`{t}`")).collect();
        code.doc(&format!("`{property}`: {}.", tags.join(" or ")));
        ln!(code, "{}({}),", v.rust_name, item.sp.ty_text(&v.ty));
    }
    ln!(code, "/// A value whose kind this version of the client does not know, kept as it was sent.");
    ln!(code, "{UNION_FALLBACK}(serde_json::Value),");
    code.close("}");
    item.serialize(code, |code| {
        code.open(format_args!("match self {{"));
        for v in variants {
            code.arm(&format!("Self::{}(value)", v.rust_name), "serde::Serialize::serialize(value, serializer)");
        }
        ln!(code, "Self::{UNION_FALLBACK}(value) => serde::Serialize::serialize(value, serializer),");
        code.close("}");
    });
    item.open_deserialize(code);
    // Too wide for one line at this depth: prettyplease puts the argument on its own.
    code.call("let value = <serde_json::Value as serde::Deserialize>::deserialize", &["deserializer".into()], "?;");
    code.open(format_args!("match value.get({}).and_then(serde_json::Value::as_str) {{", string(property)));
    // A value claimed by two branches selects the first.
    let mut seen = std::collections::BTreeSet::new();
    for v in variants {
        let tags: Vec<String> = v.tags.iter().filter(|t| seen.insert(t.as_str())).map(|t| string(t)).collect();
        if tags.is_empty() {
            continue;
        }
        let label = string(&format!("{{}} (as `{}`)", v.rust_name));
        // prettyplease's layout of the arm: its chain one call per line, the last call's
        // argument on a line of its own when the call does not fit.
        code.open(format_args!("Some({}) => {{", tags.join(" | ")));
        ln!(code, "serde_json::from_value(value)");
        code.depth_in();
        ln!(code, ".map(Self::{})", v.rust_name);
        code.call(".map_err(|e| serde::de::Error::custom", &[format!("format_args!({label}, e)")], ")");
        code.depth_out();
        code.close("}");
    }
    ln!(code, "_ => Ok(Self::{UNION_FALLBACK}(value)),");
    code.close("}");
    code.close("}");
    code.close("}");
    union_display(code, item);
}

/// A field's docs: the spec's description, then the facts the type does not say.
fn field_doc(f: &Field) -> Vec<String> {
    let mut ours = Vec::new();
    let mut facts = Vec::new();
    if f.wire_name != f.rust_name {
        facts.push(format!("wire name `{}`", f.wire_name));
    }
    if !f.required {
        facts.push("optional".into());
    }
    if f.nullable {
        facts.push("may be `null`".into());
    }
    let c = &f.constraints;
    if let Some(n) = c.min_length {
        facts.push(format!("at least {n} characters"));
    }
    if let Some(n) = c.max_length {
        facts.push(format!("at most {n} characters"));
    }
    if let Some((n, ex)) = c.minimum {
        facts.push(format!("{} {n}", if ex { "greater than" } else { "at least" }));
    }
    if let Some((n, ex)) = c.maximum {
        facts.push(format!("{} {n}", if ex { "less than" } else { "at most" }));
    }
    if !facts.is_empty() {
        ours.push(format!("({})", facts.join("; ")));
    }
    if let Some(ex) = &f.example {
        ours.push(format!("Example: `{}`", code_span(ex)));
    }
    let fallback = format!("The `{}` property.", f.wire_name);
    let description = f.description.as_deref().or(Some(fallback.as_str()));
    doc_lines(&[description], &ours)
}

/// The serde attributes of a field: its wire name, and how absence and `null` are handled.
fn field_attrs(code: &mut Code, f: &Field, sp: &Spelling) {
    if f.wire_name != f.rust_name {
        ln!(code, "#[serde(rename = {})]", string(&f.wire_name));
    }
    match (f.required, f.nullable) {
        (false, false) => ln!(code, "#[serde(default, skip_serializing_if = \"::std::option::Option::is_none\")]"),
        (false, true) => {
            let path = format!("{}::is_absent", sp.runtime_text("Nullable"));
            ln!(code, "#[serde(default, skip_serializing_if = {})]", string(&path))
        }
        // Required but nullable: a missing key still decodes, as `None`.
        (true, true) => ln!(code, "#[serde(default)]"),
        (true, false) => {}
    }
    if f.deprecated {
        ln!(code, "#[deprecated]");
    }
}

fn struct_def(code: &mut Code, item: &Item, docs: &[String], fields: &[Field], additional: Option<&TypeRef>) {
    let (name, sp) = (item.name, item.sp);
    let required: Vec<&Field> = fields.iter().filter(|f| f.required && !f.nullable).collect();
    // A deprecated field is still set by `new` and its setter without warnings.
    let deprecated = fields.iter().any(|f| f.deprecated);
    code.cfg(item.features);
    code.docs(docs);
    if deprecated {
        ln!(code, "#[allow(deprecated)]");
    }
    // Nothing required: the empty value is a natural `Default`.
    let default = if required.is_empty() { "Default, " } else { "" };
    ln!(code, "#[derive(Debug, Clone, {default}PartialEq, serde::Serialize, serde::Deserialize)]");
    ln!(code, "#[non_exhaustive]");
    if fields.is_empty() && additional.is_none() {
        ln!(code, "pub struct {name} {{}}");
    } else {
        code.open(format_args!("pub struct {name} {{"));
        for f in fields {
            code.docs(&field_doc(f));
            field_attrs(code, f, sp);
            ln!(code, "pub {}: {},", f.rust_name, sp.field_text(f));
        }
        if let Some(t) = additional {
            ln!(code, "/// Properties not listed above, kept as they were sent.");
            ln!(code, "#[serde(flatten)]");
            ln!(code, "pub {ADDITIONAL_PROPERTIES}: {},", sp.ty_text(&TypeRef::Map(Box::new(t.clone()))));
        }
        code.close("}");
    }

    code.cfg(item.features);
    if deprecated {
        ln!(code, "#[allow(deprecated)]");
    }
    code.open(format_args!("impl {name} {{"));
    if required.is_empty() {
        ln!(code, "/// A value with every optional field left out.");
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.rust_name)).collect();
        ln!(code, "/// A value with the required {} and every optional field left out.", names.join(", "));
    }
    if required.len() > 7 {
        ln!(code, "#[allow(clippy::too_many_arguments)]");
    }
    let args: Vec<String> = required.iter().map(|f| format!("{}: {}", f.rust_name, sp.field_text(f))).collect();
    code.signature("pub fn new", &args, " -> Self");
    let nullable = sp.runtime_text("Nullable");
    let mut inits: Vec<String> = fields
        .iter()
        .map(|f| match (f.required, f.nullable) {
            (true, false) => f.rust_name.clone(),
            (false, true) => format!("{}: {nullable}::Absent", f.rust_name),
            _ => format!("{}: None", f.rust_name),
        })
        .collect();
    if additional.is_some() {
        inits.push(format!("{ADDITIONAL_PROPERTIES}: {}::default()", sp.prelude_text("Default")));
    }
    code.struct_literal("Self", &inits);
    code.close("}");
    for f in fields.iter().filter(|f| !f.required || f.nullable) {
        setter(code, f, sp);
    }
    code.close("}");
}

/// `with_<field>(value)`: sets an optional or nullable field, builder style.
fn setter(code: &mut Code, f: &Field, sp: &Spelling) {
    let inner = sp.boxed_text(f);
    let (arg, value) = if f.nullable && !f.required {
        (format!("impl {}<{}<{inner}>>", sp.prelude_text("Into"), sp.runtime_text("Nullable")), "value.into()")
    } else {
        (inner, "Some(value)")
    };
    ln!(code, "/// Sets [`{0}`](Self::{0}).", f.rust_name);
    let head = format!("pub fn {}", crate::names::setter(&f.rust_name));
    code.signature(&head, &["mut self".to_owned(), format!("value: {arg}")], " -> Self");
    ln!(code, "self.{} = {value};", f.rust_name);
    ln!(code, "self");
    code.close("}");
}

/// An open enum: the known values, and `Unknown` keeping any other, (de)serialized by value.
fn enum_def(code: &mut Code, item: &Item, docs: &[String], variants: &[Variant]) {
    let integer = variants.iter().all(|v| v.wire.is_i64() || v.wire.is_u64()) && !variants.is_empty();
    let mut docs = docs.to_vec();
    docs.push(String::new());
    docs.push("Open: a value this client does not know is kept in `Unknown`.".into());
    let derive = if integer {
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]"
    } else {
        "#[derive(Debug, Clone, PartialEq, Eq, Hash)]"
    };
    open_enum(code, item, &docs, &[derive]);
    for v in variants {
        ln!(code, "/// `{}`", code_span(&v.wire));
        ln!(code, "{},", v.rust_name);
    }
    ln!(code, "/// A value this version of the client does not know.");
    let string_type = item.sp.prelude_text("String");
    ln!(code, "{ENUM_FALLBACK}({}),", if integer { "i64" } else { &string_type });
    code.close("}");
    if integer {
        let values: Vec<String> = variants
            .iter()
            .map(|v| proc_macro2::Literal::i64_unsuffixed(v.wire.as_i64().unwrap_or_default()).to_string())
            .collect();
        integer_enum(code, item, variants, &values);
    } else {
        let wires: Vec<String> = variants
            .iter()
            .map(|v| match &v.wire {
                Value::String(s) => string(s),
                other => string(&other.to_string()),
            })
            .collect();
        string_enum(code, item, variants, &wires);
    }
}

/// `match` arms `Self::Variant => value,` and the reverse, `value => Self::Variant,`.
fn arms(code: &mut Code, variants: &[Variant], values: &[String], from_value: bool) {
    for (v, value) in variants.iter().zip(values) {
        let variant = format!("Self::{}", v.rust_name);
        if from_value {
            code.arm(value, &variant);
        } else {
            code.arm(&variant, value);
        }
    }
}

fn integer_enum(code: &mut Code, item: &Item, variants: &[Variant], values: &[String]) {
    let (name, from) = (item.name, item.sp.prelude_text("From"));
    item.match_impl(
        code,
        &format!("impl {name}"),
        "/// The value on the wire.\npub fn value(&self) -> i64",
        "self",
        |code| {
            arms(code, variants, values, false);
            ln!(code, "Self::{ENUM_FALLBACK}(v) => *v,");
        },
    );
    item.display(code, |code| ln!(code, "write!(f, \"{{}}\", self.value())"));
    item.match_impl(code, &format!("impl {from}<i64> for {name}"), "fn from(value: i64) -> Self", "value", |code| {
        arms(code, variants, values, true);
        ln!(code, "other => Self::{ENUM_FALLBACK}(other),");
    });
    item.serialize(code, |code| ln!(code, "serializer.serialize_i64(self.value())"));
    item.open_deserialize(code);
    ln!(code, "<i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)");
    code.close("}");
    code.close("}");
}

fn string_enum(code: &mut Code, item: &Item, variants: &[Variant], wires: &[String]) {
    let (name, sp) = (item.name, item.sp);
    item.match_impl(
        code,
        &format!("impl {name}"),
        "/// The value on the wire.\npub fn as_str(&self) -> &str",
        "self",
        |code| {
            arms(code, variants, wires, false);
            ln!(code, "Self::{ENUM_FALLBACK}(v) => v,");
        },
    );
    let from = sp.prelude_text("From");
    item.match_impl(code, &format!("impl {from}<&str> for {name}"), "fn from(value: &str) -> Self", "value", |code| {
        arms(code, variants, wires, true);
        ln!(code, "other => Self::{ENUM_FALLBACK}(other.to_owned()),");
    });
    item.display(code, |code| ln!(code, "f.write_str(self.as_str())"));
    item.serialize(code, |code| ln!(code, "serializer.serialize_str(self.as_str())"));
    item.open_deserialize(code);
    ln!(code, "let value = <{} as serde::Deserialize>::deserialize(deserializer)?;", sp.prelude_text("String"));
    // prettyplease's layout of `Ok(match … { … })`.
    code.open(format_args!("Ok("));
    code.open(format_args!("match value.as_str() {{"));
    arms(code, variants, wires, true);
    ln!(code, "_ => Self::{ENUM_FALLBACK}(value),");
    code.close("},");
    code.close(")");
    code.close("}");
    code.close("}");
}
