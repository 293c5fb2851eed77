//! The diff for people (Markdown, terminal text) and for programs (JSON). All three group the
//! changes by subject in report order and start with the same summary.

use super::{Change, Class, Diff, Subject};
use serde::Serialize;
use std::fmt::Write as _;

/// The note every output carries when it lists a new enum value or union variant.
pub const OPEN_NOTE: &str = "New enum values and union variants are compatible: the generated enums and unions are \
                             open, so a value an older client does not know decodes into `Unknown` (enums) or \
                             `Other` (unions) instead of failing, and `#[non_exhaustive]`, so no `match` on them \
                             stops compiling.";

/// `3 breaking, 1 behaviour, 12 compatible (2 docs) → major version bump`, or
/// `no API changes`.
pub fn summary(diff: &Diff) -> String {
    let docs = diff.count(Class::Docs);
    let api = diff.changes.len() - docs;
    let docs_part = if docs > 0 { format!(" ({docs} docs)") } else { String::new() };
    if api == 0 {
        return if docs == 0 {
            "no API changes".to_owned()
        } else {
            format!("no API changes{docs_part} → patch version bump")
        };
    }
    format!(
        "{} breaking, {} behaviour, {} compatible{docs_part} → {} version bump",
        diff.count(Class::Breaking),
        diff.count(Class::Behaviour),
        diff.count(Class::Compatible),
        diff.bump().as_str()
    )
}

fn mentions_open(diff: &Diff) -> bool {
    diff.changes.iter().any(|c| matches!(c.rule, "enum-value-added" | "union-variant-added"))
}

/// Runs of changes with the same subject, in order.
fn groups(diff: &Diff) -> Vec<(&Subject, Vec<&Change>)> {
    let mut out: Vec<(&Subject, Vec<&Change>)> = Vec::new();
    for c in &diff.changes {
        match out.last_mut() {
            Some((s, list)) if *s == &c.subject => list.push(c),
            _ => out.push((&c.subject, vec![c])),
        }
    }
    out
}

fn tag_of(s: &Subject) -> Option<&str> {
    match s {
        Subject::Tag { tag } | Subject::Operation { tag, .. } => Some(tag),
        _ => None,
    }
}

fn badge(class: Class) -> &'static str {
    match class {
        Class::Breaking => "⚠️ breaking",
        Class::Behaviour => "behaviour",
        Class::Compatible => "compatible",
        Class::Docs => "docs",
    }
}

/// A table cell: no line breaks, and `|` escaped so the table keeps its columns.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\").replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Markdown: a title naming both sides, the summary, then one section per tag (one table per
/// operation), the client's own changes and the models.
pub fn markdown(diff: &Diff, old: &str, new: &str) -> String {
    let mut out = format!("# API changes: `{}` → `{}`\n\n", cell(old), cell(new));
    let _ = writeln!(out, "**{}**\n", summary(diff));
    if diff.is_empty() {
        return out;
    }
    let mut section = None::<String>;
    for (subject, changes) in groups(diff) {
        let heading = match subject {
            Subject::Api => "Client".to_owned(),
            Subject::Model { .. } => "Models".to_owned(),
            _ => format!("Tag `{}`", tag_of(subject).unwrap_or_default()),
        };
        if section.as_deref() != Some(heading.as_str()) {
            let _ = writeln!(out, "## {heading}\n");
            section = Some(heading);
        }
        match subject {
            Subject::Operation { method, path, name, .. } => {
                let _ = writeln!(out, "### `{method} {path}` · `{name}`\n");
            }
            Subject::Model { name } => {
                let _ = writeln!(out, "### `{name}`\n");
            }
            Subject::Tag { .. } => {
                let _ = writeln!(out, "### Sub-client\n");
            }
            Subject::Api => {}
        }
        out += "| class | change |\n| --- | --- |\n";
        for c in changes {
            let _ = writeln!(out, "| {} | {} |", badge(c.class), cell(&c.message));
        }
        out.push('\n');
    }
    if mentions_open(diff) {
        let _ = writeln!(out, "> {OPEN_NOTE}");
    }
    out
}

/// Terminal text: the summary, then one line per change under its subject.
pub fn text(diff: &Diff) -> String {
    let mut out = format!("API changes: {}\n", summary(diff));
    for (subject, changes) in groups(diff) {
        let title = match subject {
            Subject::Api => "client".to_owned(),
            Subject::Tag { tag } => format!("tag {tag}"),
            Subject::Operation { tag, method, path, name } => format!("{tag} · {method} {path} · {name}"),
            Subject::Model { name } => format!("model {name}"),
        };
        let _ = writeln!(out, "  {title}");
        for c in changes {
            let _ = writeln!(out, "    {:<10}  {}", c.class.as_str(), c.message);
        }
    }
    if mentions_open(diff) {
        let _ = writeln!(out, "  note: {OPEN_NOTE}");
    }
    out
}

#[derive(Serialize)]
struct Json<'a> {
    old: &'a str,
    new: &'a str,
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
    changes: &'a [Change],
}

#[derive(Serialize)]
struct Summary {
    breaking: usize,
    behaviour: usize,
    compatible: usize,
    docs: usize,
    bump: &'static str,
}

/// JSON: `{old, new, summary: {breaking, behaviour, compatible, docs, bump}, note?, changes}`,
/// each change with `class`, `scope` (+ `tag`/`method`/`path`/`name`), `rule` and `message`.
pub fn json(diff: &Diff, old: &str, new: &str) -> String {
    let value = Json {
        old,
        new,
        summary: Summary {
            breaking: diff.count(Class::Breaking),
            behaviour: diff.count(Class::Behaviour),
            compatible: diff.count(Class::Compatible),
            docs: diff.count(Class::Docs),
            bump: diff.bump().as_str(),
        },
        note: mentions_open(diff).then_some(OPEN_NOTE),
        changes: &diff.changes,
    };
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}
