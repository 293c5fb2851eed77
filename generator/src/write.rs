//! Stage 5: compare generated files with what is on disk, and replace what is stale.
//!
//! [`Writer`] is the one freshness decision for every file, taken as each file is generated;
//! `--check` prints it, a normal run applies it. Nothing on disk changes until every file has
//! been generated.

use crate::emit::{is_generated, GeneratedFile};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

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
    offer_all(Writer::check(out_dir), files)?.changes()
}

/// Brings `out_dir` in line with `files` (see [`Writer`]) and returns what changed.
pub fn write_all(out_dir: &Path, files: &[GeneratedFile]) -> io::Result<Vec<Change>> {
    let mut writer = offer_all(Writer::stage(out_dir), files)?;
    let changes = writer.changes()?;
    writer.commit()?;
    Ok(changes)
}

fn offer_all(writer: Writer, files: &[GeneratedFile]) -> io::Result<Writer> {
    use rayon::prelude::*;
    // On every core: a large API has tens of thousands of files to read and compare.
    files.par_iter().for_each(|f| writer.offer(f));
    Ok(writer)
}

/// Compares generated files with `out_dir` one at a time, as they are made, on any thread;
/// unless it only checks, it writes each stale one beside its target as a temporary file
/// (`.NAME.codegen-tmp`), so that the files need never be in memory together.
/// [`Writer::commit`] renames them all over their targets: nothing the output folder holds
/// changes before, and a failure leaves every file either old or new, never half-written. A
/// writer dropped without committing removes its temporary files.
#[derive(Debug)]
pub struct Writer {
    out_dir: PathBuf,
    /// Whether stale files are written (else only compared, for `--check`).
    stage: bool,
    state: Mutex<Offered>,
}

#[derive(Debug, Default)]
struct Offered {
    /// Paths of the files offered, relative to the output folder.
    paths: HashSet<String>,
    changes: Vec<Change>,
    /// (temporary file, target) of every stale file written so far.
    staged: Vec<(PathBuf, PathBuf)>,
    /// Folders known to exist.
    folders: HashSet<PathBuf>,
    /// The first failure; files offered after it are not compared.
    error: Option<io::Error>,
}

impl Writer {
    /// A writer that only compares (`--check`): it never touches the output folder.
    pub fn check(out_dir: &Path) -> Self {
        Self { out_dir: out_dir.to_owned(), stage: false, state: Mutex::default() }
    }

    /// A writer that compares and writes stale files as temporary files, for [`Writer::commit`].
    pub fn stage(out_dir: &Path) -> Self {
        Self { out_dir: out_dir.to_owned(), stage: true, state: Mutex::default() }
    }

    fn state(&self) -> MutexGuard<'_, Offered> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Compares `file` with the one on disk and, when staging, writes it if stale.
    pub fn offer(&self, file: &GeneratedFile) {
        if self.state().error.is_some() {
            return;
        }
        let target = self.out_dir.join(&file.path);
        let compared = match std::fs::read(&target) {
            Ok(bytes) if same(&bytes, &file.contents) => Ok(None),
            Ok(bytes) => Ok(Some(Change::Update {
                path: file.path.clone(),
                diff: unified_diff(&file.path, &String::from_utf8_lossy(&bytes), &file.contents),
            })),
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
                Ok(Some(Change::Create { path: file.path.clone() }))
            }
            Err(e) => Err(io::Error::new(e.kind(), format!("{}: {e}", target.display()))),
        };
        let staged = match compared {
            Ok(Some(change)) if self.stage => {
                self.write_temporary(&target, &file.contents).map(|tmp| (Some(change), Some(tmp)))
            }
            Ok(change) => Ok((change, None)),
            Err(e) => Err(e),
        };
        let mut state = self.state();
        state.paths.insert(file.path.clone());
        match staged {
            Ok((change, tmp)) => {
                state.changes.extend(change);
                state.staged.extend(tmp.map(|tmp| (tmp, target)));
            }
            Err(e) => {
                state.error.get_or_insert(e);
            }
        }
    }

    /// Writes `contents` beside `target`, creating its folder (each once).
    fn write_temporary(&self, target: &Path, contents: &str) -> io::Result<PathBuf> {
        let folder = target.parent().unwrap_or(&self.out_dir);
        if !self.state().folders.contains(folder) {
            std::fs::create_dir_all(folder)?;
            self.state().folders.insert(folder.to_owned());
        }
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = target.with_file_name(format!(".{name}.codegen-tmp"));
        // A partly written temporary file is not staged, so it is removed here.
        std::fs::write(&tmp, contents).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })?;
        Ok(tmp)
    }

    /// How many files were offered.
    pub fn files(&self) -> usize {
        self.state().paths.len()
    }

    /// The changes that bring the output folder in line with the files offered, in path
    /// order: those found while offering, and the removal of every file that carries our
    /// header but was not offered. Call it once every file has been offered.
    pub fn changes(&mut self) -> io::Result<Vec<Change>> {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(e) = state.error.take() {
            return Err(e);
        }
        let staged: HashSet<&Path> = state.staged.iter().map(|(tmp, _)| tmp.as_path()).collect();
        let mut changes = state.changes.clone();
        for path in generated_files_on_disk(&self.out_dir)? {
            if !state.paths.contains(&path) && !staged.contains(self.out_dir.join(&path).as_path()) {
                changes.push(Change::Remove { path });
            }
        }
        changes.sort_by(|a, b| a.path().cmp(b.path()));
        Ok(changes)
    }

    /// Renames every staged file over its target, then removes the generated files that
    /// were not offered. Call it after [`Writer::changes`].
    pub fn commit(mut self) -> io::Result<()> {
        use rayon::prelude::*;
        let removals: Vec<String> = self
            .changes()?
            .into_iter()
            .filter_map(|c| match c {
                Change::Remove { path } => Some(path),
                _ => None,
            })
            .collect();
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        // Kept until all are renamed: after a failed rename, `drop` removes what is left.
        state.staged.par_iter().try_for_each(|(tmp, target)| std::fs::rename(tmp, target))?;
        state.staged.clear();
        for path in removals {
            std::fs::remove_file(self.out_dir.join(path))?;
        }
        Ok(())
    }
}

impl Drop for Writer {
    /// A run that failed, or only compared, leaves no temporary file behind.
    fn drop(&mut self) {
        for (tmp, _) in &self.state.get_mut().unwrap_or_else(PoisonError::into_inner).staged {
            let _ = std::fs::remove_file(tmp);
        }
    }
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

        assert_eq!(write_all(dir.path(), &files).unwrap(), changes);
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
    fn a_failed_write_leaves_existing_files_untouched() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rs"), "old\n").unwrap();
        // `b.rs/c.rs` cannot be created because `b.rs` is a file.
        std::fs::write(dir.path().join("b.rs"), "x").unwrap();
        let files = vec![file("a.rs", "new\n"), file("b.rs/c.rs", "")];
        assert!(write_all(dir.path(), &files).is_err());
        assert_eq!(std::fs::read_to_string(dir.path().join("a.rs")).unwrap(), "old\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn a_staging_writer_changes_nothing_before_commit_and_leaves_nothing_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rs"), "old\n").unwrap();
        let files = [file("a.rs", "new\n"), file("b.rs", "")];
        let mut writer = Writer::stage(dir.path());
        files.iter().for_each(|f| writer.offer(f));
        // Staged beside their targets, which stay as they were.
        assert_eq!(names(dir.path()), [".a.rs.codegen-tmp", ".b.rs.codegen-tmp", "a.rs"]);
        assert_eq!(std::fs::read_to_string(dir.path().join("a.rs")).unwrap(), "old\n");
        // The staged files are not mistaken for generated files no longer generated.
        let paths: Vec<String> = writer.changes().unwrap().iter().map(|c| c.path().to_owned()).collect();
        assert_eq!(paths, ["a.rs", "b.rs"]);
        assert_eq!(writer.files(), 2);
        // A run that fails after staging (say, a generation error) drops its writer.
        drop(writer);
        assert_eq!(names(dir.path()), ["a.rs"]);

        let mut writer = Writer::stage(dir.path());
        files.iter().for_each(|f| writer.offer(f));
        writer.changes().unwrap();
        writer.commit().unwrap();
        assert_eq!(names(dir.path()), ["a.rs", "b.rs"]);
        assert_eq!(std::fs::read_to_string(dir.path().join("a.rs")).unwrap(), files[0].contents);
    }

    #[test]
    fn a_failed_commit_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = Writer::stage(dir.path());
        [file("a.rs", "a\n"), file("b.rs", "b\n")].iter().for_each(|f| writer.offer(f));
        writer.changes().unwrap();
        // A folder where `a.rs` goes, made after staging: its rename fails.
        std::fs::create_dir(dir.path().join("a.rs")).unwrap();
        std::fs::write(dir.path().join("a.rs/keep"), "").unwrap();
        writer.commit().unwrap_err();
        assert!(names(dir.path()).iter().all(|n| !n.ends_with(".codegen-tmp")), "{:?}", names(dir.path()));
    }

    #[test]
    fn a_checking_writer_never_writes_and_a_leftover_temporary_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        // What a run killed while staging leaves: it carries the header, and is not generated.
        let leftover = file("a.rs", "half");
        std::fs::write(dir.path().join(".a.rs.codegen-tmp"), &leftover.contents).unwrap();
        let files = [file("a.rs", "new\n")];
        let mut writer = Writer::check(dir.path());
        writer.offer(&files[0]);
        let changes = writer.changes().unwrap();
        assert_eq!(
            changes,
            [Change::Remove { path: ".a.rs.codegen-tmp".into() }, Change::Create { path: "a.rs".into() }]
        );
        drop(writer);
        assert_eq!(names(dir.path()), [".a.rs.codegen-tmp"]);
        write_all(dir.path(), &files).unwrap();
        assert_eq!(names(dir.path()), ["a.rs"]);
    }
}
