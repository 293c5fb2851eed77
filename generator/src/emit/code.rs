//! Rust source written as text, for the emitters that make most of a large crate (models and
//! their `validate()`, error enums, operation methods, example tests): building tokens,
//! parsing them with `syn` and printing them with prettyplease costs ~100× more than writing
//! the same text, and a large spec has thousands of types.
//!
//! The text is laid out as prettyplease lays it out, so it reads like the rest of the crate.
//! The writer knows the few layout rules of what the emitters write (blocks, one field or
//! variant per line, struct literals within prettyplease's width, signatures, calls, match
//! arms and `cfg` lists broken when too wide); an item with a line these rules do not cover
//! (wider than prettyplease's margin), or marked [`Code::unsure`], is handed to prettyplease
//! whole ([`lay_out`]). Tests hold the files written this way to prettyplease's layout on
//! every revision of the OpenRouter document and the fixtures.

use super::tokens::{space_items, Member};
use crate::diag::Error;
use std::fmt::Write;

/// prettyplease's line width: a line that fits is never broken.
pub const MARGIN: usize = 89;

/// prettyplease's widest one-line struct literal (`Self { a, b }`, 35 characters).
const STRUCT_LITERAL_WIDTH: usize = 35;

const INDENT: &str = "    ";

/// The line [`Code::unsure`] writes.
const UNSURE: &str = "// laid out by prettyplease";

/// Rust text being written, one line at a time at the current depth.
#[derive(Default)]
pub struct Code {
    text: String,
    depth: usize,
}

/// `ln!(code, "format", args…)`: writes one line.
macro_rules! ln {
    ($code:expr, $($arg:tt)*) => {
        $code.line(format_args!($($arg)*))
    };
}
pub(crate) use ln;

impl Code {
    /// An empty text.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes one line at the current depth.
    pub fn line(&mut self, args: std::fmt::Arguments) {
        for _ in 0..self.depth {
            self.text.push_str(INDENT);
        }
        // Writing to a String cannot fail.
        let _ = self.text.write_fmt(args);
        self.text.push('\n');
    }

    /// Writes `head {` and goes one level in.
    pub fn open(&mut self, head: std::fmt::Arguments) {
        self.line(head);
        self.depth += 1;
    }

    /// Comes one level out and writes `tail` (`}`, `},`, `})` …).
    pub fn close(&mut self, tail: &str) {
        self.depth = self.depth.saturating_sub(1);
        ln!(self, "{tail}");
    }

    /// `///` lines (each entry one line; an empty entry is a blank doc line), as prettyplease
    /// prints `#[doc = " …"]` attributes: trailing spaces trimmed.
    pub fn docs(&mut self, lines: &[String]) {
        for l in lines {
            self.doc(l);
        }
    }

    /// `///` lines for `text`: one per line of it, control characters left out, so text from
    /// the spec (a path, a key) can never end the comment or put a bare CR in it.
    pub fn doc(&mut self, text: &str) {
        for line in text.split(['\n', '\r']) {
            // As `doc_comment`, without a string per line when there is nothing to drop.
            match line.trim_end() {
                "" => ln!(self, "///"),
                l if l.chars().any(|c| c.is_control() && c != '\t') => {
                    let kept: String = l.chars().filter(|c| !c.is_control() || *c == '\t').collect();
                    ln!(self, "{}", doc_comment(&kept))
                }
                l => ln!(self, "/// {l}"),
            }
        }
    }

    /// `#[cfg(…)]` for "any of `features`" (nothing when the list is empty); when it does not
    /// fit on one line, `any(…)` on a line of its own, or else one feature per line.
    pub fn cfg(&mut self, features: &[&str]) {
        match features {
            [] => {}
            [one] => ln!(self, "#[cfg(feature = {})]", string(one)),
            many => {
                let list: Vec<String> = many.iter().map(|f| format!("feature = {}", string(f))).collect();
                let one_line = format!("#[cfg(any({}))]", list.join(", "));
                let any = format!("any({})", list.join(", "));
                if self.fits(&one_line) {
                    ln!(self, "{one_line}");
                } else {
                    self.open(format_args!("#[cfg("));
                    if self.fits(&any) {
                        ln!(self, "{any}");
                        self.close(")]");
                        return;
                    }
                    self.open(format_args!("any("));
                    let last = list.len() - 1;
                    for (i, f) in list.iter().enumerate() {
                        ln!(self, "{f}{}", if i == last { "" } else { "," });
                    }
                    self.close(")");
                    self.close(")]");
                }
            }
        }
    }

    /// `head(args) tail {` on one line when it fits, else one argument per line; then one
    /// level in (the caller writes the body and closes with `}`).
    pub fn signature(&mut self, head: &str, args: &[String], tail: &str) {
        let one_line = format!("{head}({}){tail} {{", args.join(", "));
        if args.is_empty() || self.fits(&one_line) {
            self.open(format_args!("{one_line}"));
        } else {
            ln!(self, "{head}(");
            for a in args {
                ln!(self, "{INDENT}{a},");
            }
            self.open(format_args!("){tail} {{"));
        }
    }

    /// [`Code::signature`] of a function returning `path<generics>`: when even `) -> path<…> {`
    /// does not fit, the generic arguments go one per line, as prettyplease breaks them.
    pub fn generic_signature(&mut self, head: &str, args: &[String], path: &str, generics: &[String]) {
        let tail = format!(" -> {path}<{}>", generics.join(", "));
        if self.fits(&format!("{head}({}){tail} {{", args.join(", "))) || self.fits(&format!("){tail} {{")) {
            return self.signature(head, args, &tail);
        }
        ln!(self, "{head}(");
        for a in args {
            ln!(self, "{INDENT}{a},");
        }
        ln!(self, ") -> {path}<");
        for g in generics {
            ln!(self, "{INDENT}{g},");
        }
        self.open(format_args!("> {{"));
    }

    /// A match arm `pattern => expr,` on one line when it fits (its comma aside), else with
    /// the expression in a block, as prettyplease writes it.
    pub fn arm(&mut self, pattern: &str, expr: &str) {
        let one_line = format!("{pattern} => {expr}");
        if self.fits(&one_line) {
            ln!(self, "{one_line},");
        } else {
            self.open(format_args!("{pattern} => {{"));
            ln!(self, "{expr}");
            self.close("}");
        }
    }

    /// A call `head(args)tail` on one line when it fits, else one argument per line.
    pub fn call(&mut self, head: &str, args: &[String], tail: &str) {
        let one_line = format!("{head}({}){tail}", args.join(", "));
        if args.is_empty() || self.fits(&one_line) {
            ln!(self, "{one_line}");
        } else {
            ln!(self, "{head}(");
            for a in args {
                ln!(self, "{INDENT}{a},");
            }
            ln!(self, "){tail}");
        }
    }

    /// A struct literal `path { fields }` as the last line of a block: on one line when short.
    pub fn struct_literal(&mut self, path: &str, fields: &[String]) {
        let one_line =
            if fields.is_empty() { format!("{path} {{}}") } else { format!("{path} {{ {} }}", fields.join(", ")) };
        if self.fits_literal(&one_line) {
            ln!(self, "{one_line}");
        } else {
            self.open(format_args!("{path} {{"));
            for f in fields {
                ln!(self, "{f},");
            }
            self.close("}");
        }
    }

    /// Whether the struct literal `literal` (`Self { a, b }`) stays on one line.
    pub fn fits_literal(&self, literal: &str) -> bool {
        literal.len() <= STRUCT_LITERAL_WIDTH && self.fits(literal)
    }

    /// Marks the item being written as one whose layout prettyplease decides ([`lay_out`]): a
    /// comment line, which `syn` drops.
    pub fn unsure(&mut self) {
        ln!(self, "{UNSURE}");
    }

    /// Goes one level in without writing (after a head written line by line).
    pub fn depth_in(&mut self) {
        self.depth += 1;
    }

    /// Goes one level out without writing (the end of a method chain).
    pub fn depth_out(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Whether `line` fits within the margin at the current depth.
    pub fn fits(&self, line: &str) -> bool {
        self.depth * INDENT.len() + line.chars().count() <= MARGIN
    }

    /// The text written, unspaced (see [`lay_out`]).
    pub fn finish(self) -> String {
        self.text
    }
}

/// One `///` line as prettyplease prints `#[doc = " line"]` (trailing spaces trimmed).
pub fn doc_comment(line: &str) -> String {
    match line.trim_end() {
        "" => "///".to_owned(),
        l => format!("/// {l}"),
    }
}

/// A Rust string literal, escaped as `proc_macro2` writes it (and so prettyplease prints it).
pub fn string(s: &str) -> String {
    proc_macro2::Literal::string(s).to_string()
}

/// Items written by [`Code`], spaced as the crate is: an item with a code line wider than the
/// margin (a case the writer does not lay out itself) is laid out by prettyplease instead.
pub fn lay_out(text: String, source: &str) -> Result<String, Error> {
    let mut out = String::with_capacity(text.len());
    let mut item = 0;
    let mut too_wide = false;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        at += line.len();
        let l = line.trim_end_matches('\n');
        too_wide |= beyond_rules(l);
        // An item ends with a closing brace or a semicolon in the first column.
        let comment = l.trim_start().starts_with("//");
        let ends = !comment && !l.starts_with(' ') && (l == "}" || l.ends_with(';') || l.ends_with("{}"));
        if ends {
            push_item(&mut out, &text[item..at], too_wide, source)?;
            (item, too_wide) = (at, false);
        }
    }
    push_item(&mut out, &text[item..], too_wide, source)?;
    Ok(space_items(&out))
}

/// A member of an `impl` block written one level in: kept as written, or, when a line is
/// beyond the writer's rules, lexed for prettyplease to lay out (`tokens::Layout`).
pub fn member(text: String, source: &str) -> Result<Member, Error> {
    if !text.lines().any(beyond_rules) {
        return Ok(Member::Text(text));
    }
    let tokens =
        text.parse().map_err(|e| Error::internal(source, format!("generated Rust does not lex: {e}\n{text}")))?;
    Ok(Member::Tokens(tokens))
}

/// Whether a line is one whose layout the writer does not know: marked [`Code::unsure`], or a
/// code line wider than the margin (a match arm's comma aside, which prettyplease does not
/// count; a lone string literal aside, which it cannot break).
fn beyond_rules(l: &str) -> bool {
    let t = l.trim_start();
    if t == UNSURE {
        return true;
    }
    let code = if l.contains(" => ") { l.strip_suffix(',').unwrap_or(l) } else { l };
    !t.starts_with("//") && code.len() > MARGIN && code.chars().count() > MARGIN && !lone_literal(l)
}

/// A line holding one string literal (an argument on a line of its own): prettyplease cannot
/// break it either, so it may be as wide as it is.
fn lone_literal(line: &str) -> bool {
    let t = line.trim_start().trim_end_matches(',');
    (t.starts_with("r#") && t.ends_with('#')) || (t.len() > 1 && t.starts_with('"') && t.ends_with('"'))
}

fn push_item(out: &mut String, item: &str, too_wide: bool, source: &str) -> Result<(), Error> {
    if !too_wide {
        out.push_str(item);
        return Ok(());
    }
    let file = syn::parse_file(item)
        .map_err(|e| Error::internal(source, format!("generated Rust does not parse: {e}\n{item}")))?;
    out.push_str(&prettyplease::unparse(&file));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(text: &str) -> String {
        space_items(&prettyplease::unparse(&syn::parse_file(text).unwrap()))
    }

    #[test]
    fn signatures_calls_arms_literals_and_cfg_lists_are_laid_out_as_prettyplease_does() {
        let mut code = Code::new();
        code.cfg(&["a", "b"]);
        code.open(format_args!("impl S {{"));
        code.signature("pub fn new", &["a: i64".into(), "b: Option<String>".into()], " -> Self");
        code.struct_literal("Self", &["a".into(), "b".into()]);
        code.close("}");
        let long: Vec<String> = (0..6).map(|i| format!("argument_number_{i}: Option<String>")).collect();
        code.signature("pub fn long", &long, " -> Self");
        let names: Vec<String> = long.iter().map(|a| a.split(':').next().unwrap().to_owned()).collect();
        code.call("let total = sum", &names, ";");
        code.call("let one = sum", &names[..1], ";");
        code.open(format_args!("match total {{"));
        code.arm("0", "Self::empty()");
        code.arm("Kind::AVeryLongVariantNameThatTakesRoom", "Self::from_kind(argument_number_0, argument_number_1)");
        code.close("}");
        code.struct_literal("Self", &names);
        code.close("}");
        let generics: Vec<String> =
            ["'c", "crate::models::AVeryLongResponseTypeNameForThisTest", "AVeryLongErrorTypeNameError"]
                .map(String::from)
                .into();
        code.generic_signature("pub fn list", &["&self".into()], "crate::Request", &generics);
        ln!(code, "todo!()");
        code.close("}");
        code.close("}");
        let many: Vec<String> = (0..12).map(|i| format!("feature_{i}")).collect();
        code.cfg(&many.iter().map(String::as_str).collect::<Vec<_>>());
        code.line(format_args!("pub struct T {{}}"));
        let text = lay_out(code.finish(), "test.yaml").unwrap();
        assert!(text.contains("    pub fn long(\n        argument_number_0"), "{text}");
        assert!(text.contains("        let total = sum(\n            argument_number_0,"), "{text}");
        assert!(text.contains("TakesRoom => {\n                Self::from_kind("), "{text}");
        assert!(text.contains("#[cfg(\n    any(\n"), "{text}");
        assert!(text.contains("    ) -> crate::Request<\n        'c,\n"), "{text}");
        assert_eq!(text, pretty(&text));
    }

    #[test]
    fn doc_text_from_the_spec_cannot_end_its_comment() {
        let mut code = Code::new();
        code.doc("Example of `POST /a\nfn injected() {}`\r\u{1}done ");
        ln!(code, "pub struct S;");
        let text = lay_out(code.finish(), "test.yaml").unwrap();
        assert_eq!(text, "/// Example of `POST /a\n/// fn injected() {}`\n/// done\npub struct S;\n");
        assert_eq!(text, pretty(&text));
    }

    #[test]
    fn an_item_marked_unsure_is_laid_out_by_prettyplease() {
        let mut code = Code::new();
        code.open(format_args!("fn f() -> Point {{"));
        // prettyplease breaks a struct literal this wide, though the line fits.
        code.unsure();
        ln!(code, "Point {{ first: 1, second: 2, third: 3 }}");
        code.close("}");
        let text = lay_out(code.finish(), "test.yaml").unwrap();
        assert!(!text.contains(UNSURE), "{text}");
        assert!(text.contains("    Point {\n        first: 1,"), "{text}");
        assert_eq!(text, pretty(&text));
    }

    #[test]
    fn a_line_wider_than_the_margin_is_laid_out_by_prettyplease() {
        let mut code = Code::new();
        code.open(format_args!("fn f() -> i64 {{"));
        let sum: Vec<String> = (0..30).map(|i| format!("value_{i}")).collect();
        ln!(code, "{}", sum.join(" + "));
        code.close("}");
        let text = lay_out(code.finish(), "test.yaml").unwrap();
        assert!(text.lines().all(|l| l.len() <= MARGIN), "{text}");
        assert_eq!(text, pretty(&text));
    }

    #[test]
    fn text_that_does_not_parse_is_an_internal_error() {
        let err = lay_out(format!("fn f() {{ {} }}\n", "x ".repeat(60)), "test.yaml").unwrap_err();
        assert!(err.to_string().contains("generated Rust does not parse"), "{err}");
    }
}
