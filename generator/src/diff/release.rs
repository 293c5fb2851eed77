//! The diff against the committed output: the `--check` summary, and the opt-in release
//! record of a regeneration (`CHANGELOG.md` entry and crate version bump).
//!
//! The committed crate records its surface in [`SURFACE_FILE`]; its version lives in its
//! `Cargo.toml` and its history in `CHANGELOG.md`. Both are generated files, so a plain
//! regeneration must carry them over from disk ([`carry_over`]) or it would undo a bump.

use super::surface::{Surface, SURFACE_FILE};
use super::{compare, render, Bump, Diff};
use crate::emit::{header, is_generated, GeneratedFile};
use std::io;
use std::path::Path;

/// The changelog's path in the generated crate.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// Reads a file of the output folder; `None` when it does not exist.
fn read(out_dir: &Path, path: &str) -> io::Result<Option<String>> {
    match std::fs::read_to_string(out_dir.join(path)) {
        Ok(text) => Ok(Some(text)),
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => Ok(None),
        Err(e) => Err(io::Error::new(e.kind(), format!("{}: {e}", out_dir.join(path).display()))),
    }
}

/// The surface the committed output was generated from: `Ok(None)` when the folder has no
/// surface file (a crate generated before it existed, or none at all).
pub fn committed_surface(out_dir: &Path) -> Result<Option<Surface>, String> {
    let shown = out_dir.join(SURFACE_FILE).display().to_string();
    let text = read(out_dir, SURFACE_FILE).map_err(|e| e.to_string())?;
    text.map(|t| Surface::parse(&t, &shown).map_err(|e| e.to_string())).transpose()
}

/// The surface recorded in freshly generated `files`.
pub fn generated_surface(files: &[GeneratedFile]) -> Result<Surface, String> {
    let file = files
        .iter()
        .find(|f| f.path == SURFACE_FILE)
        .ok_or_else(|| format!("internal error: the generated files have no {SURFACE_FILE}"))?;
    Surface::parse(&file.contents, SURFACE_FILE).map_err(|e| e.to_string())
}

/// The changes from the committed output to `files`.
pub fn against_committed(out_dir: &Path, files: &[GeneratedFile]) -> Result<Option<Diff>, String> {
    let Some(old) = committed_surface(out_dir)? else { return Ok(None) };
    Ok(Some(compare(&old, &generated_surface(files)?)))
}

/// What `cargo xtask codegen --check` prints before the text diff of a stale output.
pub fn check_summary(out_dir: &Path, files: &[GeneratedFile]) -> String {
    match against_committed(out_dir, files) {
        Ok(Some(diff)) => render::text(&diff),
        Ok(None) => format!(
            "API changes: unknown ({} has no {SURFACE_FILE}; it records the API the output was generated from)\n",
            out_dir.display()
        ),
        Err(e) => format!("API changes: unknown ({e})\n"),
    }
}

/// The `version = "…"` of a Cargo manifest's `[package]` section.
pub fn manifest_version(manifest: &str) -> Option<&str> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(rest) = line.strip_prefix("version") {
                let value = rest.trim_start().strip_prefix('=')?.trim();
                return value.strip_prefix('"')?.strip_suffix('"');
            }
        }
    }
    None
}

/// `manifest` with its package version replaced by `version`.
fn with_version(manifest: &str, version: &str) -> String {
    let mut in_package = false;
    let mut done = false;
    let mut out = String::with_capacity(manifest.len() + 8);
    for line in manifest.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') {
            in_package = t == "[package]";
        } else if in_package && !done && t.starts_with("version") && t.contains('=') {
            out += &format!("version = \"{version}\"\n");
            done = true;
            continue;
        }
        out += line;
    }
    out
}

/// The files [`carry_over`], [`record`] and [`check_summary`] read or rewrite: a caller that
/// writes files as they are made ([`crate::generate_each`]) keeps these back until then.
pub const HELD: [&str; 3] = ["Cargo.toml", CHANGELOG, SURFACE_FILE];

/// Keeps what a regeneration must not undo: the committed crate's version (from its
/// generated `Cargo.toml`) and its generated `CHANGELOG.md`.
pub fn carry_over(out_dir: &Path, files: &mut Vec<GeneratedFile>) -> io::Result<()> {
    if let Some(on_disk) = read(out_dir, "Cargo.toml")?.filter(|t| is_generated(t)) {
        if let (Some(version), Some(file)) =
            (manifest_version(&on_disk), files.iter_mut().find(|f| f.path == "Cargo.toml"))
        {
            file.contents = with_version(&file.contents, version);
        }
    }
    if let Some(on_disk) = read(out_dir, CHANGELOG)?.filter(|t| is_generated(t)) {
        files.retain(|f| f.path != CHANGELOG);
        files.push(GeneratedFile { path: CHANGELOG.to_owned(), contents: on_disk.replace("\r\n", "\n") });
        files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(())
}

/// What [`record`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The version before.
    pub from: String,
    /// The version after.
    pub to: String,
    /// The bump applied.
    pub bump: Bump,
    /// The summary line of the changes.
    pub summary: String,
}

/// Records a regeneration (after [`carry_over`]): when the API changed since the committed
/// output, bumps the crate version in `files` and adds an entry to `CHANGELOG.md` (created
/// when missing). `Ok(None)` when nothing changed or the committed output has no surface file.
pub fn record(out_dir: &Path, files: &mut Vec<GeneratedFile>, source: &str) -> Result<Option<Release>, String> {
    let Some(diff) = against_committed(out_dir, files)? else { return Ok(None) };
    let bump = diff.bump();
    let manifest = files.iter_mut().find(|f| f.path == "Cargo.toml").ok_or("internal error: no Cargo.toml")?;
    let from = manifest_version(&manifest.contents).ok_or("internal error: Cargo.toml has no version")?.to_owned();
    let Some(to) = bump.apply(&from) else { return Ok(None) };
    manifest.contents = with_version(&manifest.contents, &to);
    let body = render::markdown(&diff, &from, &format!("{to} ({source})"));
    // The entry's headings sit below the changelog's own.
    let entry: String =
        body.lines().map(|l| if l.starts_with('#') { format!("#{l}\n") } else { format!("{l}\n") }).collect();
    let intro = format!(
        "{}\n# Changelog\n\nWhat each regeneration changed in the API of this crate, newest first \
         (`cargo xtask codegen --changelog`).\n\n",
        header(CHANGELOG, source)
    );
    let earlier = files
        .iter()
        .find(|f| f.path == CHANGELOG)
        .map(|f| f.contents.split_once("\n## ").map(|(_, rest)| format!("## {rest}")).unwrap_or_default())
        .unwrap_or_default();
    files.retain(|f| f.path != CHANGELOG);
    files.push(GeneratedFile { path: CHANGELOG.to_owned(), contents: format!("{intro}{entry}{earlier}") });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Some(Release { from, to, bump, summary: render::summary(&diff) }))
}
