//! Stage 5: compare generated files with what is on disk, and replace what is stale.
//!
//! [`plan`] is the one freshness decision for every file; `--check` prints it, a normal run
//! applies it. Nothing on disk changes until every file has been generated.

use crate::emit::{is_generated, GeneratedFile};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// What must happen to one file for the output folder to match the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The file does not exist yet.
    Create {
        /// Path relative to the output folder.
        path: String,
    },
    /// The file exists with other contents; `diff` is a unified diff from disk to generated.
    Update {
        /// Path relative to the output folder.
        path: String,
        /// Unified diff.
        diff: String,
    },
    /// The file carries our header but is no longer generated.
    Remove {
        /// Path relative to the output folder.
        path: String,
    },
}

impl Change {
    /// The path the change is about.
    pub fn path(&self) -> &str {
        match self {
            Change::Create { path } | Change::Update { path, .. } | Change::Remove { path } => path,
        }
    }
}

/// Line endings do not make a file stale: a checkout with `core.autocrlf` must pass `--check`.
fn same(on_disk: &[u8], generated: &str) -> bool {
    // Without a copy in the common case: a large API's models file is 100+ MiB.
    on_disk == generated.as_bytes()
        || (on_disk.contains(&b'\r') && String::from_utf8_lossy(on_disk).replace("\r\n", "\n") == generated)
}

/// The changes that would bring `out_dir` in line with `files`, in path order.
pub fn plan(out_dir: &Path, files: &[GeneratedFile]) -> io::Result<Vec<Change>> {
    use rayon::prelude::*;
    // On every core: a large API has tens of thousands of files to read and compare.
    let compared: Vec<io::Result<Option<Change>>> = files
        .par_iter()
        .map(|f| match std::fs::read(out_dir.join(&f.path)) {
            Ok(bytes) if same(&bytes, &f.contents) => Ok(None),
            Ok(bytes) => Ok(Some(Change::Update {
                path: f.path.clone(),
                diff: unified_diff(&f.path, &String::from_utf8_lossy(&bytes), &f.contents),
            })),
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
                Ok(Some(Change::Create { path: f.path.clone() }))
            }
            Err(e) => Err(io::Error::new(e.kind(), format!("{}: {e}", out_dir.join(&f.path).display()))),
        })
        .collect();
    let mut changes = Vec::new();
    for change in compared {
        changes.extend(change?);
    }
    // A set, not a scan per file.
    let generated: std::collections::HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for path in generated_files_on_disk(out_dir)? {
        if !generated.contains(path.as_str()) {
            changes.push(Change::Remove { path });
        }
    }
    changes.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(changes)
}

/// Applies `changes`: new contents are written to temporary files first and then renamed
/// over the old ones, so a failure leaves every file either old or new, never half-written.
pub fn apply(out_dir: &Path, files: &[GeneratedFile], changes: &[Change]) -> io::Result<()> {
    use rayon::prelude::*;
    let by_path: std::collections::HashMap<&str, &GeneratedFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    let writes: Vec<(PathBuf, PathBuf, &GeneratedFile)> = changes
        .iter()
        .filter_map(|change| {
            let (Change::Create { path } | Change::Update { path, .. }) = change else { return None };
            let file = by_path.get(path.as_str())?;
            let target = out_dir.join(path);
            let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            Some((target.with_file_name(format!(".{name}.codegen-tmp")), target, *file))
        })
        .collect();
    // Each folder once (not once per file), then the files on every core.
    let folders: std::collections::BTreeSet<&Path> =
        writes.iter().filter_map(|(_, target, _)| target.parent()).collect();
    let written = folders
        .iter()
        .try_for_each(std::fs::create_dir_all)
        .and_then(|()| writes.par_iter().try_for_each(|(tmp, _, file)| std::fs::write(tmp, &file.contents)));
    if let Err(e) = written {
        for (tmp, _, _) in &writes {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(e);
    }
    writes.par_iter().try_for_each(|(tmp, target, _)| std::fs::rename(tmp, target))?;
    for change in changes {
        if let Change::Remove { path } = change {
            std::fs::remove_file(out_dir.join(path))?;
        }
    }
    Ok(())
}

/// Every file under `dir` whose first line carries our marker, as relative `/` paths.
/// `target/` folders are skipped: they hold build output, never sources.
fn generated_files_on_disk(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let ty = entry.file_type()?;
            if ty.is_dir() {
                if entry.file_name() != "target" {
                    stack.push(path);
                }
            } else if ty.is_file() {
                let head = read_head(&path)?;
                if is_generated(&head) {
                    let rel = path.strip_prefix(dir).unwrap_or(&path);
                    let rel: Vec<String> =
                        rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                    out.push(rel.join("/"));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

fn read_head(path: &Path) -> io::Result<String> {
    use std::io::Read;
    let mut buf = vec![0u8; 256];
    let n = std::fs::File::open(path)?.read(&mut buf)?;
    buf.truncate(n);
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// A unified diff (3 lines of context) from `old` to `new`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let old = old.replace("\r\n", "\n");
    let diff = similar::TextDiff::from_lines(old.as_str(), new);
    let mut out = String::new();
    let _ = write!(out, "{}", diff.unified_diff().context_radius(3).header(&format!("a/{path}"), &format!("b/{path}")));
    out
}

/// The human report of a check: diffs, then the lists of missing and extra files.
pub fn report(out_dir: &Path, changes: &[Change]) -> String {
    let mut out = String::new();
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    for c in changes {
        match c {
            Change::Update { diff, .. } => out.push_str(diff),
            Change::Create { path } => missing.push(path.as_str()),
            Change::Remove { path } => extra.push(path.as_str()),
        }
    }
    let dir = out_dir.display();
    for p in missing {
        let _ = writeln!(out, "missing: {dir}/{p} (would be created)");
    }
    for p in extra {
        let _ = writeln!(out, "extra: {dir}/{p} (carries the generated header but is no longer generated)");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::header;

    fn file(path: &str, body: &str) -> GeneratedFile {
        GeneratedFile { path: path.into(), contents: format!("{}\n{body}", header(path, "spec.yaml")) }
    }

    #[test]
    fn plan_finds_creates_updates_and_orphans_and_keeps_hand_written_files() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = file("src/a.rs", "fn a() {}\n");
        let stale = file("src/b.rs", "fn b() {}\n");
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/a.rs"), fresh.contents.replace('\n', "\r\n")).unwrap();
        std::fs::write(dir.path().join("src/b.rs"), stale.contents.replace("b()", "old()")).unwrap();
        std::fs::write(dir.path().join("src/gone.rs"), file("src/gone.rs", "").contents).unwrap();
        std::fs::write(dir.path().join("src/mine.rs"), "// hand-written\n").unwrap();
        let new = file("src/new.rs", "");
        let deep = file("docs/models/new.md", "");
        let files = vec![fresh, stale, new, deep];
        let changes = plan(dir.path(), &files).unwrap();
        let paths: Vec<&str> = changes.iter().map(Change::path).collect();
        assert_eq!(paths, ["docs/models/new.md", "src/b.rs", "src/gone.rs", "src/new.rs"]);
        let Change::Update { diff, .. } = &changes[1] else { panic!("{changes:?}") };
        assert!(diff.contains("-fn old() {}\n+fn b() {}"), "{diff}");

        apply(dir.path(), &files, &changes).unwrap();
        assert!(plan(dir.path(), &files).unwrap().is_empty());
        assert!(!dir.path().join("src/gone.rs").exists());
        assert!(dir.path().join("src/mine.rs").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("src"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains("codegen-tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn a_failed_apply_leaves_existing_files_untouched() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rs"), "old\n").unwrap();
        // `b.rs/c.rs` cannot be created because `b.rs` is a file.
        std::fs::write(dir.path().join("b.rs"), "x").unwrap();
        let files = vec![file("a.rs", "new\n"), file("b.rs/c.rs", "")];
        let changes = plan(dir.path(), &files).unwrap();
        assert!(apply(dir.path(), &files, &changes).is_err());
        assert_eq!(std::fs::read_to_string(dir.path().join("a.rs")).unwrap(), "old\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
