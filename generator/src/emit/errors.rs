//! The error enum of one operation: a variant per documented error status with its typed
//! body, implementing the runtime's `ApiError`. Written as text (`code::Code`): an API has an
//! enum per operation.

use super::code::{doc_comment, ln, string, Code};
use super::tokens::{doc_lines, Spelling};
use crate::ir::*;

/// The lines one variant contributes to the enum and its impls.
#[derive(Default)]
struct Arms {
    /// The variant's declaration, one entry per line.
    variants: Vec<String>,
    /// `match` arms decoding a status.
    decode: Vec<Decode>,
    status: Vec<(String, String)>,
    /// The `Display` arm: its pattern and the statements of its body.
    display: Vec<(String, Vec<String>)>,
    /// Variants of statuses that carry `Retry-After` (429, 503).
    waits: Vec<String>,
}

/// The arm decoding one status: `pattern => expr`, and the struct literal in `expr`, if any.
struct Decode {
    pattern: String,
    expr: String,
    literal: Option<String>,
    /// The variant, for a JSON answer that waits (429, 503).
    waits: Option<String>,
}

impl Decode {
    fn new(pattern: &str, expr: String, literal: Option<String>) -> Self {
        Self { pattern: pattern.to_owned(), expr, literal, waits: None }
    }
}

/// Writes `pub enum <Op>Error { … }` with `ApiError`, `Display` and `Error` impls.
pub fn error_enum(code: &mut Code, tag: &Tag, op: &Operation, sp: &Spelling) {
    let name = &op.error_name;
    // The sub-client whose method it is: the tag's, or its `x-speakeasy-group`'s.
    let owner = tag.groups.iter().find(|g| g.path == op.group).map_or(tag.client.as_str(), |g| g.client.as_str());
    let (option, result) = (sp.prelude_text("Option"), sp.prelude_text("Result"));
    let decoded = format!("{option}<{result}<Self, serde_json::Error>>");
    ln!(code, "/// The documented error answers of [`{owner}::{}`].", op.rust_name);
    if op.errors.is_empty() {
        ln!(code, "///");
        ln!(code, "/// The spec documents no error status for this operation.");
        ln!(code, "#[derive(Debug, Clone, PartialEq)]");
        ln!(code, "#[non_exhaustive]");
        ln!(code, "pub enum {name} {{}}");
        code.open(format_args!("impl crate::ApiError for {name} {{"));
        code.signature("fn from_response", &["_status: u16".into(), "_body: &[u8]".into()], &format!(" -> {decoded}"));
        ln!(code, "None");
        code.close("}");
        code.open(format_args!("fn status(&self) -> u16 {{"));
        ln!(code, "match *self {{}}");
        code.close("}");
        code.close("}");
        code.open(format_args!("impl std::fmt::Display for {name} {{"));
        code.open(format_args!("fn fmt(&self, _f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{"));
        ln!(code, "match *self {{}}");
        code.close("}");
        code.close("}");
        ln!(code, "impl std::error::Error for {name} {{}}");
        return;
    }
    let mut arms = Arms::default();
    for e in &op.errors {
        variant(e, sp, &mut arms);
    }
    ln!(code, "#[derive(Debug, Clone, PartialEq)]");
    ln!(code, "#[non_exhaustive]");
    code.open(format_args!("pub enum {name} {{"));
    for l in &arms.variants {
        ln!(code, "{l}");
    }
    code.close("}");

    code.open(format_args!("impl crate::ApiError for {name} {{"));
    let body_unused = op.errors.iter().all(|e| e.response.ty.is_none());
    let body_arg = if body_unused { "_body: &[u8]" } else { "body: &[u8]" };
    code.signature("fn from_response", &["status: u16".into(), body_arg.into()], &format!(" -> {decoded}"));
    code.open(format_args!("match status {{"));
    for d in &arms.decode {
        match &d.waits {
            Some(v) if !code.fits(&format!("{} => {}", d.pattern, d.expr)) => waiting_arm(code, &d.pattern, &d.expr, v),
            _ => {
                // prettyplease breaks a struct literal wider than it allows; how, it decides.
                if d.literal.as_ref().is_some_and(|l| !code.fits_literal(l)) {
                    code.unsure();
                }
                code.arm(&d.pattern, &d.expr)
            }
        }
    }
    if !op.errors.iter().any(|e| e.response.status == StatusMatch::Default) {
        ln!(code, "_ => None,");
    }
    code.close("}");
    code.close("}");
    code.open(format_args!("fn status(&self) -> u16 {{"));
    code.open(format_args!("match self {{"));
    for (pattern, expr) in &arms.status {
        code.arm(pattern, expr);
    }
    code.close("}");
    code.close("}");
    if !arms.waits.is_empty() {
        let patterns: Vec<String> = arms.waits.iter().map(|w| format!("Self::{w} {{ retry_after, .. }}")).collect();
        code.open(format_args!("fn retry_after(&self) -> {option}<std::time::Duration> {{"));
        code.open(format_args!("match self {{"));
        alternatives(code, "", &patterns, " => *retry_after,");
        // When every variant keeps a `Retry-After`, the patterns are irrefutable.
        let all = arms.waits.len() == op.errors.len();
        if !all {
            ln!(code, "_ => None,");
        }
        code.close("}");
        code.close("}");
        code.open(format_args!("fn set_retry_after(&mut self, after: std::time::Duration) {{"));
        if all {
            ln!(code, "let ({}) = self;", patterns.join(" | "));
            ln!(code, "*retry_after = Some(after);");
        } else {
            alternatives(code, "if let ", &patterns, " = self {");
            code.depth_in();
            ln!(code, "*retry_after = Some(after);");
            code.close("}");
        }
        code.close("}");
    }
    code.close("}");

    code.open(format_args!("impl std::fmt::Display for {name} {{"));
    code.open(format_args!("fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{"));
    code.open(format_args!("match self {{"));
    for (pattern, body) in &arms.display {
        // prettyplease writes an arm whose body is one expression without its block.
        if let [expr] = body.as_slice() {
            code.arm(pattern, expr);
        } else {
            code.open(format_args!("{pattern} => {{"));
            for l in body {
                ln!(code, "{l}");
            }
            code.close("}");
        }
    }
    code.close("}");
    code.close("}");
    code.close("}");
    ln!(code, "impl std::error::Error for {name} {{}}");
}

/// `head` + the `|` alternatives of a pattern + `tail`: on one line when it fits, else one
/// alternative per line, as prettyplease breaks them.
fn alternatives(code: &mut Code, head: &str, patterns: &[String], tail: &str) {
    let one_line = format!("{head}{}{tail}", patterns.join(" | "));
    // A match arm's comma is not counted (see `code::lay_out`).
    if code.fits(one_line.strip_suffix(',').unwrap_or(&one_line)) {
        return ln!(code, "{one_line}");
    }
    let last = patterns.len() - 1;
    for (i, p) in patterns.iter().enumerate() {
        let lead = if i == 0 { head } else { "| " };
        ln!(code, "{lead}{p}{}", if i == last { tail } else { "" });
    }
}

/// The decoding arm of a JSON answer that waits (429, 503), too wide for one line, as
/// prettyplease lays it out: the chain broken, the struct literal one field per line. Other
/// shapes are written on one line and laid out by prettyplease (`code::lay_out`).
fn waiting_arm(code: &mut Code, pattern: &str, expr: &str, v: &str) {
    let literal = format!("Self::{v} {{ body, retry_after: None }}");
    if code.fits_literal(&literal) {
        code.unsure();
        return code.arm(pattern, expr);
    }
    code.open(format_args!("{pattern} => {{"));
    code.open(format_args!("Some("));
    code.open(format_args!("serde_json::from_slice(body)"));
    code.open(format_args!(".map(|body| Self::{v} {{"));
    ln!(code, "body,");
    ln!(code, "retry_after: None,");
    code.close("}),");
    code.depth_out();
    code.close(")");
    code.close("}");
}

/// The match pattern for a documented status: `409`, `500..=599`, `_`.
fn pattern(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(c) => format!("{}..={}", c * 100, c * 100 + 99),
        StatusMatch::Default => "_".into(),
    }
}

fn variant(e: &ErrorResponse, sp: &Spelling, out: &mut Arms) {
    let v = &e.variant;
    let r = &e.response;
    let status_line = match r.status {
        StatusMatch::Default => "Any status not listed above.".to_owned(),
        s => format!("Status {s}."),
    };
    out.variants.extend(doc_lines(&[Some(&r.description)], &[status_line]).iter().map(|l| doc_comment(l)));
    let fixed = match r.status {
        StatusMatch::Code(c) => Some(c),
        _ => None,
    };
    let pattern = pattern(r.status);
    let decode = match (&r.ty, r.kind) {
        (Some(_), BodyKind::Json) => "serde_json::from_slice(body)".to_owned(),
        (Some(_), BodyKind::Text) => format!("Ok({}::from_utf8_lossy(body).into_owned())", sp.prelude_text("String")),
        (Some(_), _) => "Ok(body.to_vec())".to_owned(),
        (None, _) => "Ok(())".to_owned(),
    };
    let reason = heck::ToTitleCase::to_title_case(v.as_str());
    let shown = match r.kind {
        BodyKind::Json => Some("let body = serde_json::to_string(body).map_err(|_| std::fmt::Error)?;"),
        BodyKind::Text => None,
        _ => Some("let body = format!(\"{} bytes\", body.len());"),
    };
    let display = |text: String, shown: Option<&str>| -> Vec<String> {
        shown.map(str::to_owned).into_iter().chain([format!("write!(f, {})", string(&text))]).collect()
    };
    if let Some(c @ (429 | 503)) = fixed {
        // Statuses that ask the client to wait keep how long (`Retry-After`), when sent.
        let option = sp.prelude_text("Option");
        out.variants.push(format!("{v} {{"));
        let (bind, text) = match &r.ty {
            Some(t) => {
                out.variants.push("    /// The decoded body.".into());
                out.variants.push(format!("    body: {},", sp.ty_text(t)));
                ("body, ..", format!("{} {reason}: {{body}}", r.status))
            }
            None => ("..", format!("{} {reason}", r.status)),
        };
        out.variants.push("    /// How long the server asked to wait (`Retry-After`), when it said.".into());
        out.variants.push(format!("    retry_after: {option}<std::time::Duration>,"));
        out.variants.push("},".into());
        out.decode.push(match &r.ty {
            Some(_) => {
                let literal = format!("Self::{v} {{ body, retry_after: None }}");
                let expr = format!("Some({decode}.map(|body| {literal}))");
                Decode {
                    waits: (r.kind == BodyKind::Json).then(|| v.clone()),
                    ..Decode::new(&pattern, expr, Some(literal))
                }
            }
            None => {
                let literal = format!("Self::{v} {{ retry_after: None }}");
                Decode::new(&pattern, format!("Some(Ok({literal}))"), Some(literal))
            }
        });
        let shown = if r.ty.is_some() { shown } else { None };
        out.display.push((format!("Self::{v} {{ {bind} }}"), display(text, shown)));
        out.status.push((format!("Self::{v} {{ .. }}"), c.to_string()));
        out.waits.push(v.clone());
        return;
    }
    match (&r.ty, fixed) {
        (Some(t), Some(_)) => {
            out.variants.push(format!("{v}({}),", sp.ty_text(t)));
            out.decode.push(Decode::new(&pattern, format!("Some({decode}.map(Self::{v}))"), None));
            out.display.push((format!("Self::{v}(body)"), display(format!("{} {reason}: {{body}}", r.status), shown)));
        }
        (Some(t), None) => {
            out.variants.push(format!("{v} {{"));
            out.variants.push("    /// The status the server answered with.".into());
            out.variants.push("    status: u16,".into());
            out.variants.push("    /// The decoded body.".into());
            out.variants.push(format!("    body: {},", sp.ty_text(t)));
            out.variants.push("},".into());
            let literal = format!("Self::{v} {{ status, body }}");
            out.decode.push(Decode::new(&pattern, format!("Some({decode}.map(|body| {literal}))"), Some(literal)));
            out.display.push((
                format!("Self::{v} {{ status, body }}"),
                display(format!("{{status}} {reason}: {{body}}"), shown),
            ));
        }
        (None, Some(_)) => {
            out.variants.push(format!("{v},"));
            out.decode.push(Decode::new(&pattern, format!("Some(Ok(Self::{v}))"), None));
            out.display.push((
                format!("Self::{v}"),
                vec![format!("f.write_str({})", string(&format!("{} {reason}", r.status)))],
            ));
        }
        (None, None) => {
            out.variants.push(format!("{v} {{"));
            out.variants.push("    /// The status the server answered with.".into());
            out.variants.push("    status: u16,".into());
            out.variants.push("},".into());
            let literal = format!("Self::{v} {{ status }}");
            out.decode.push(Decode::new(&pattern, format!("Some(Ok({literal}))"), Some(literal)));
            out.display.push((format!("Self::{v} {{ status }}"), display(format!("{{status}} {reason}"), None)));
        }
    }
    out.status.push(match (fixed, &r.ty) {
        (Some(c), Some(_)) => (format!("Self::{v}(_)"), c.to_string()),
        (Some(c), None) => (format!("Self::{v}"), c.to_string()),
        (None, _) => (format!("Self::{v} {{ status, .. }}"), "*status".to_owned()),
    });
}
