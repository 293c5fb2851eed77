//! What changed between two versions of an API, and what it does to users of the generated
//! crate. Built on the IR, not on the documents: descriptions and examples are no API change
//! (they are listed only when asked, as [`Class::Docs`]), and reordering is none.
//!
//! [`surface::Surface`] is what a user of the crate sees of an [`Api`]; [`compare`] classifies
//! every difference between two surfaces as [`Class::Breaking`], [`Class::Behaviour`] or
//! [`Class::Compatible`], and [`Diff::bump`] says which semver bump the crate needs.
//! [`render`] writes Markdown, JSON and terminal text; [`release`] connects the diff to the
//! output folder (the `--check` summary, `CHANGELOG.md` and the crate version).

pub mod crosscheck;
mod docs;
pub mod release;
pub mod render;
mod rules;
pub mod surface;

use crate::diag::Error;
use crate::ir::Api;
use serde::Serialize;
use std::path::Path;
use surface::Surface;

/// How a change affects a Rust user of the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Their code stops compiling, or a request they send becomes invalid.
    Breaking,
    /// It compiles, but something they relied on may differ.
    Behaviour,
    /// Nothing they wrote is affected (additions; new values of open enums and unions).
    Compatible,
    /// Documentation only: descriptions, summaries, examples.
    Docs,
}

impl Class {
    /// Every class, most severe first.
    pub const ALL: [Class; 4] = [Class::Breaking, Class::Behaviour, Class::Compatible, Class::Docs];

    /// `breaking`, `behaviour`, `compatible`, `docs`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Behaviour => "behaviour",
            Class::Compatible => "compatible",
            Class::Docs => "docs",
        }
    }
}

/// What a change is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "scope", rename_all = "lowercase")]
pub enum Subject {
    /// The whole client: server, authentication, retries.
    Api,
    /// A tag: its sub-client.
    Tag {
        /// The tag as the spec writes it.
        tag: String,
    },
    /// One operation of a tag.
    Operation {
        /// The tag.
        tag: String,
        /// `POST`.
        method: String,
        /// The path template.
        path: String,
        /// The method's name (the new one, unless the operation was removed).
        name: String,
    },
    /// A model in `openrouter::models`.
    Model {
        /// Its Rust name.
        name: String,
    },
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How it affects users.
    pub class: Class,
    /// What it is about.
    #[serde(flatten)]
    pub subject: Subject,
    /// A stable identifier of the rule that found it (`field-removed`).
    pub rule: &'static str,
    /// One sentence for people, with names in backticks.
    pub message: String,
}

/// The semver bump the generated crate needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Documentation only.
    Patch,
    /// Additions and behaviour changes.
    Minor,
    /// Something breaks.
    Major,
}

impl Bump {
    /// `none`, `patch`, `minor`, `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// `version` bumped the way Cargo reads semver: below 1.0.0 a major change bumps the
    /// minor number and anything else the patch number. `None` when `version` is not
    /// `MAJOR.MINOR.PATCH` or there is nothing to bump.
    pub fn apply(self, version: &str) -> Option<String> {
        let mut parts = version.trim().splitn(3, '.').map(|p| p.parse::<u64>().ok());
        let (Some(Some(major)), Some(Some(minor)), Some(Some(patch))) = (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let level = match (self, major) {
            (Bump::None, _) => return None,
            (Bump::Major, 0) | (Bump::Minor, 1..) => 1,
            (Bump::Major, _) => 0,
            _ => 2,
        };
        Some(match level {
            0 => format!("{}.0.0", major + 1),
            1 => format!("{major}.{}.0", minor + 1),
            _ => format!("{major}.{minor}.{}", patch + 1),
        })
    }
}

/// Every change between two APIs, in report order: the client, then tags and their operations
/// (in the new API's order, removed ones after), then models by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// The changes.
    pub changes: Vec<Change>,
}

impl Diff {
    /// How many changes of `class` there are.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// No change at all (documentation included, when it was compared).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The bump the crate needs: major for anything breaking, minor for additions and
    /// behaviour changes, patch for documentation only.
    pub fn bump(&self) -> Bump {
        let worst = self.changes.iter().map(|c| c.class).min();
        match worst {
            None => Bump::None,
            Some(Class::Breaking) => Bump::Major,
            Some(Class::Behaviour | Class::Compatible) => Bump::Minor,
            Some(Class::Docs) => Bump::Patch,
        }
    }
}

/// Options of [`diff`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also list documentation changes (descriptions, summaries, examples).
    pub docs: bool,
}

/// Loads and lowers one document for diffing: `tags` empty means every tag of the document;
/// `display` names it in errors (located by line where the problem has one).
pub fn load_api(path: &Path, display: &str, tags: &[String]) -> Result<Api, Error> {
    let text = crate::load::read(path, display)?;
    let value = crate::load::parse(text.as_bytes(), display)?;
    crate::lower_value(value, tags, display).map_err(|e| crate::load::add_lines(e, &text))
}

/// [`load_api`] of both sides of a diff.
pub fn load_pair(old: &Path, old_name: &str, new: &Path, new_name: &str, tags: &[String]) -> Result<(Api, Api), Error> {
    Ok((load_api(old, old_name, tags)?, load_api(new, new_name, tags)?))
}

/// The changes from `old` to `new` as users of the generated crate see them.
pub fn diff(old: &Api, new: &Api, options: Options) -> Diff {
    let mut d = compare(&Surface::of(old), &Surface::of(new));
    if options.docs {
        d.changes.extend(docs::changes(old, new));
        sort(&mut d.changes, &Surface::of(new));
    }
    d
}

/// The changes between two surfaces (no documentation: surfaces carry none).
pub fn compare(old: &Surface, new: &Surface) -> Diff {
    let mut changes = rules::changes(old, new);
    sort(&mut changes, new);
    Diff { changes }
}

/// Report order: the client, then each tag (new order, removed tags last) with its operations
/// in the tag's order, then models by name. Stable, so rules keep their own order inside.
fn sort(changes: &mut [Change], new: &Surface) {
    let tag_rank = |tag: &str| new.tags.iter().position(|t| t.name == tag).unwrap_or(usize::MAX);
    let op_rank = |tag: &str, method: &str, path: &str| {
        new.tags
            .iter()
            .find(|t| t.name == tag)
            .and_then(|t| t.operations.iter().position(|o| o.method == method && o.path == path))
            .unwrap_or(usize::MAX)
    };
    changes.sort_by_cached_key(|c| match &c.subject {
        Subject::Api => (0, 0, String::new(), 0, String::new()),
        Subject::Tag { tag } => (1, tag_rank(tag), tag.clone(), 0, String::new()),
        Subject::Operation { tag, method, path, .. } => (
            1,
            tag_rank(tag),
            tag.clone(),
            1 + op_rank(tag, method, path).min(usize::MAX - 1),
            format!("{path} {method}"),
        ),
        Subject::Model { name } => (2, 0, name.clone(), 0, String::new()),
    });
}
