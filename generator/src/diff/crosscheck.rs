//! Cross-check against `cargo-semver-checks`: reads its report on the two generated crates and
//! tells, for every item it flags, which of our changes it corresponds to and whether our class
//! agrees (its major findings must be *breaking* for us; our *compatible* changes must not be
//! major for it). Pure functions of the two reports; `cargo xtask semver-crosscheck` runs the
//! tools.

use super::{Change, Class, Diff, Subject};
use std::fmt::Write as _;

/// One item cargo-semver-checks flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The lint, e.g. `enum_variant_added`.
    pub lint: String,
    /// It requires a major bump (`failure`), else a minor one (`warning`).
    pub major: bool,
    /// The item, as its "Failed in" line reads.
    pub item: String,
}

/// Reads the findings from cargo-semver-checks' human output: each `--- failure LINT: … ---`
/// (or `--- warning …`) block and the lines under its `Failed in:`.
pub fn parse_report(report: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut current: Option<(String, bool)> = None;
    let mut listing = false;
    for line in report.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("--- ") {
            let (level, rest) = rest.split_once(' ').unwrap_or((rest, ""));
            let lint = rest.split(':').next().unwrap_or_default().trim().to_owned();
            current = matches!(level, "failure" | "warning").then_some((lint, level == "failure"));
            listing = false;
        } else if t == "Failed in:" {
            listing = true;
        } else if t.is_empty() {
            listing = false;
        } else if listing && line.starts_with("  ") && !line.starts_with("   ") {
            if let Some((lint, major)) = &current {
                out.push(Finding { lint: lint.clone(), major: *major, item: t.to_owned() });
            }
        }
    }
    out
}

/// How one finding compares with our diff.
#[derive(Debug, Clone)]
pub struct Verdict<'a> {
    /// The finding.
    pub finding: &'a Finding,
    /// Our changes it corresponds to, most specific first.
    pub ours: Vec<&'a Change>,
}

impl Verdict<'_> {
    /// The most severe class among our matching changes.
    pub fn class(&self) -> Option<Class> {
        self.ours.iter().map(|c| c.class).min()
    }

    /// Its major findings must be breaking for us.
    pub fn agrees(&self) -> bool {
        !self.finding.major || self.class() == Some(Class::Breaking)
    }
}

fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect()
}

/// Names in backticks in a change message (`a`, `b(c)` → `a`, `b`, `c`).
fn named(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).flat_map(words).collect()
}

fn subject_name(s: &Subject) -> Option<&str> {
    match s {
        Subject::Model { name } | Subject::Operation { name, .. } => Some(name),
        _ => None,
    }
}

/// Matches each finding with our changes: those whose model or method it names, narrowed to
/// those whose message also names another item it mentions (a field, a variant) when any do.
pub fn compare<'a>(findings: &'a [Finding], diff: &'a Diff) -> Vec<Verdict<'a>> {
    findings
        .iter()
        .map(|f| {
            let item = words(&f.item);
            // The first word may be the item's kind (`struct`, `variant`, `field`, `mod`).
            const KINDS: [&str; 8] = ["struct", "enum", "variant", "field", "mod", "method", "fn", "trait"];
            let names = if item.first().is_some_and(|w| KINDS.contains(w)) { &item[1..] } else { &item[..] };
            let mentioned = |n: &&str| names.contains(n);
            let type_named =
                |c: &&Change| named(&c.message).iter().any(|n| n.starts_with(char::is_uppercase) && mentioned(n));
            // A sub-client is named by its accessor or its type (`client.x()` (`X`)).
            let tag_named = |c: &&Change| {
                matches!(c.subject, Subject::Tag { .. })
                    && named(&c.message).iter().any(|n| *n != "client" && mentioned(n))
            };
            let by_subject: Vec<&Change> = diff
                .changes
                .iter()
                .filter(|c| subject_name(&c.subject).is_some_and(|n| mentioned(&n)) || type_named(c) || tag_named(c))
                .collect();
            let narrowed: Vec<&Change> = by_subject
                .iter()
                .copied()
                .filter(|c| {
                    let subject = subject_name(&c.subject);
                    named(&c.message).iter().any(|n| Some(*n) != subject && names.contains(n))
                })
                .collect();
            Verdict { finding: f, ours: if narrowed.is_empty() { by_subject } else { narrowed } }
        })
        .collect()
}

/// What a major finding means when we count the change compatible, for the lints where that is known.
pub fn why_we_differ(lint: &str) -> Option<&'static str> {
    Some(match lint {
        // Both lints are about types without `#[non_exhaustive]`; every generated model has it, so a
        // finding of either is a generator bug, not a difference of opinion.
        "constructible_struct_adds_field" | "enum_variant_added" => {
            "unexpected: every generated model is `#[non_exhaustive]` (built with `new()` and the `with_*` \
             setters, matched with a `_` arm), so a new optional field, enum value or union variant breaks \
             no code; a finding here is a type the generator emitted without the attribute"
        }
        _ => return None,
    })
}

/// The comparison as Markdown: per lint, how many items it flagged and how we classified them;
/// then every disagreement, and our breaking changes it has no lint for, counted by rule.
pub fn report(verdicts: &[Verdict<'_>], diff: &Diff) -> String {
    use std::collections::BTreeMap;
    let mut out =
        String::from("| lint | level | items | ours breaking | ours behaviour | ours compatible | unmatched |\n");
    out += "| --- | --- | --- | --- | --- | --- | --- |\n";
    let mut by_lint: BTreeMap<(&str, bool), [usize; 5]> = BTreeMap::new();
    for v in verdicts {
        let row = by_lint.entry((&v.finding.lint, v.finding.major)).or_default();
        row[0] += 1;
        match v.class() {
            Some(Class::Breaking) => row[1] += 1,
            Some(Class::Behaviour) => row[2] += 1,
            Some(Class::Compatible | Class::Docs) => row[3] += 1,
            None => row[4] += 1,
        }
    }
    for ((lint, major), n) in &by_lint {
        let level = if *major { "major" } else { "minor" };
        let _ = writeln!(out, "| `{lint}` | {level} | {} | {} | {} | {} | {} |", n[0], n[1], n[2], n[3], n[4]);
    }
    let disagreements: Vec<&Verdict> = verdicts.iter().filter(|v| !v.agrees()).collect();
    let _ =
        writeln!(out, "\n{} of {} findings disagree with our classification.\n", disagreements.len(), verdicts.len());
    for v in disagreements {
        let ours = v.ours.first().map_or_else(
            || "no change of ours".to_owned(),
            |c| format!("ours: {} `{}`: {}", c.class.as_str(), c.rule, c.message),
        );
        let _ = writeln!(out, "- `{}` {} — {ours}", v.finding.lint, v.finding.item);
    }
    let mut explained: Vec<&str> = verdicts.iter().filter(|v| !v.agrees()).map(|v| v.finding.lint.as_str()).collect();
    explained.dedup();
    let mut first = true;
    for lint in explained {
        if let Some(why) = why_we_differ(lint) {
            if first {
                out += "\nWhy these differ:\n\n";
                first = false;
            }
            let _ = writeln!(out, "- `{lint}`: {why}");
        }
    }
    let seen: Vec<*const Change> = verdicts.iter().flat_map(|v| v.ours.iter().map(|c| *c as *const Change)).collect();
    let mut unseen: BTreeMap<&str, usize> = BTreeMap::new();
    for c in diff.changes.iter().filter(|c| c.class == Class::Breaking) {
        if !seen.contains(&(c as *const Change)) {
            *unseen.entry(c.rule).or_default() += 1;
        }
    }
    if !unseen.is_empty() {
        out += "\nOur breaking changes no finding corresponds to, by rule:\n\n";
        for (rule, n) in unseen {
            let _ = writeln!(out, "- `{rule}`: {n}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{compare as diff_surfaces, surface::Model, surface::Surface};

    const REPORT: &str = "\
     Checking openrouter v0.1.0 -> v0.1.0 (no change; assume patch)
     Checked [   0.012s] 200 checks: 197 pass, 3 fail, 0 warn, 0 skip

--- failure enum_variant_added: enum variant added on exhaustive enum ---

Description:
A publicly-visible enum without #[non_exhaustive] has a new variant.

Failed in:
  variant Status:Pending in /tmp/new/src/models.rs:10

--- failure struct_missing: pub struct removed or renamed ---

Failed in:
  struct openrouter::models::Gone, previously in file /tmp/old/src/models.rs:20
  struct openrouter::models::Other, previously in file /tmp/old/src/models.rs:30
";

    #[test]
    fn reads_findings_and_matches_them_with_our_changes() {
        let findings = parse_report(REPORT);
        assert_eq!(findings.len(), 3);
        assert_eq!((findings[0].lint.as_str(), findings[0].major), ("enum_variant_added", true));
        assert_eq!(findings[2].item, "struct openrouter::models::Other, previously in file /tmp/old/src/models.rs:30");

        let enum_of = |values: &[&str]| Model::Enum {
            values: values.iter().map(|v| (format!("{v:?}"), v.to_uppercase())).collect(),
        };
        let mut old = Surface::default();
        old.models.insert("Status".into(), enum_of(&["ok"]));
        old.models.insert("Gone".into(), enum_of(&["x"]));
        let mut new = Surface::default();
        new.models.insert(
            "Status".into(),
            Model::Enum { values: vec![("\"ok\"".into(), "OK".into()), ("\"pending\"".into(), "Pending".into())] },
        );
        let diff = diff_surfaces(&old, &new);
        let verdicts = compare(&findings, &diff);
        // Ours: the new value is compatible (open enum), so the major finding disagrees.
        assert_eq!(verdicts[0].class(), Some(Class::Compatible));
        assert!(!verdicts[0].agrees());
        // The removed model is breaking for both.
        assert_eq!(verdicts[1].class(), Some(Class::Breaking));
        assert!(verdicts[1].agrees());
        // A finding we have no change for.
        assert_eq!(verdicts[2].class(), None);
        let text = report(&verdicts, &diff);
        assert!(text.contains("| `enum_variant_added` | major | 1 | 0 | 0 | 1 | 0 |"), "{text}");
        assert!(text.contains("2 of 3 findings disagree"), "{text}");
    }
}
