//! Stage 5: compare generated files with what is on disk, and replace what is stale.
//!
//! [`Writer`] is the one freshness decision for every file, taken as each file is generated;
//! `--check` prints it, a normal run applies it. Nothing on disk changes until every file has
//! been generated.

use crate::diag::Error;
use crate::emit::{is_generated, GeneratedFile, Sink};
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

/// A file offered in parts, as [`Writer::offer_parts`] goes.
struct Streamed {
    /// The file on disk, read as far as the parts so far match it.
    disk: Option<Disk>,
    /// The file on disk, whole, once the parts differ from it.
    old: Option<Old>,
    /// How many bytes of the file on disk (line endings made LF) the parts so far equal.
    matched: usize,
    /// Whether the parts differ from the file on disk (or there is none).
    stale: bool,
    /// The whole new text, kept once stale when there is a file on disk: its diff needs it.
    text: Option<String>,
    /// The temporary file written once stale, when staging.
    tmp: Option<(PathBuf, io::BufWriter<std::fs::File>)>,
    /// The first failure to read or write; parts after it are only pulled.
    error: Option<io::Error>,
}

impl Streamed {
    /// Adds `part` to a stale file.
    fn add(&mut self, part: &str) {
        if let Some(text) = &mut self.text {
            text.push_str(part);
        }
        if let Some((_, file)) = &mut self.tmp {
            if let Err(e) = io::Write::write_all(file, part.as_bytes()) {
                self.error = Some(e);
            }
        }
    }
}

/// A file on disk read as its parts come, CRLF line endings made LF as in [`Old::text`]: an
/// unchanged file is compared without being whole in memory.
struct Disk {
    reader: io::BufReader<std::fs::File>,
    /// A CR read last, which is left out if an LF follows.
    cr: bool,
}

impl Disk {
    /// Reads on while the file's next bytes are `want`; whether they all are.
    fn next_is(&mut self, mut want: &[u8]) -> io::Result<bool> {
        use io::BufRead;
        while let Some(&first) = want.first() {
            let buf = self.reader.fill_buf()?;
            if std::mem::take(&mut self.cr) && buf.first() != Some(&b'\n') {
                // A CR on its own stands for itself.
                if first != b'\r' {
                    return Ok(false);
                }
                want = &want[1..];
                continue;
            }
            match buf.first() {
                None => return Ok(false),
                Some(b'\r') => {
                    self.reader.consume(1);
                    self.cr = true;
                }
                Some(_) => {
                    // Up to the next CR, compared as it is.
                    let run = buf.iter().position(|&b| b == b'\r').unwrap_or(buf.len()).min(want.len());
                    if buf[..run] != want[..run] {
                        return Ok(false);
                    }
                    self.reader.consume(run);
                    want = &want[run..];
                }
            }
        }
        Ok(true)
    }

    /// Whether the file has nothing after what was compared.
    fn at_end(&mut self) -> io::Result<bool> {
        Ok(!self.cr && io::BufRead::fill_buf(&mut self.reader)?.is_empty())
    }
}

/// `e`, naming the file it happened to.
fn located(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// A file on disk, and its text with CRLF line endings made LF when it has any (without a
/// copy in the common case: a large API's models file is 100+ MiB).
struct Old {
    bytes: Vec<u8>,
    lf: Option<Vec<u8>>,
}

impl Old {
    fn new(bytes: Vec<u8>) -> Self {
        let lf = bytes.contains(&b'\r').then(|| String::from_utf8_lossy(&bytes).replace("\r\n", "\n").into_bytes());
        Old { bytes, lf }
    }

    /// What the generated text is compared with: line endings do not make a file stale, so
    /// that a checkout with `core.autocrlf` passes `--check`.
    fn text(&self) -> &[u8] {
        self.lf.as_deref().unwrap_or(&self.bytes)
    }

    /// Whether `generated` is this file.
    fn is(&self, generated: &str) -> bool {
        self.bytes == generated.as_bytes() || self.text() == generated.as_bytes()
    }

    /// The change that replaces this file at `path` by `generated`.
    fn update(&self, path: &str, generated: &str) -> Change {
        let diff = unified_diff(path, &String::from_utf8_lossy(&self.bytes), generated);
        Change::Update { path: path.to_owned(), diff }
    }
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
        let compared = match std::fs::read(&target).map(Old::new) {
            Ok(old) if old.is(&file.contents) => Ok(None),
            Ok(old) => Ok(Some(old.update(&file.path, &file.contents))),
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
                Ok(Some(Change::Create { path: file.path.clone() }))
            }
            Err(e) => Err(located(&target, e)),
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

    /// [`Writer::offer`] for a file made in parts ([`Sink::parts`]), pulling them one at a
    /// time: it is compared as it comes and, when stale, written as it comes, so that it is
    /// never whole in memory, unless it replaces a different file and its diff is needed. A
    /// part that fails ends the file (nothing of it is staged); its error is returned.
    pub fn offer_parts(
        &self,
        path: String,
        parts: &mut dyn Iterator<Item = Result<String, Error>>,
    ) -> Result<(), Error> {
        let target = self.out_dir.join(&path);
        let mut out = Streamed { disk: None, old: None, matched: 0, stale: false, text: None, tmp: None, error: None };
        match std::fs::File::open(&target) {
            Ok(file) => out.disk = Some(Disk { reader: io::BufReader::with_capacity(1 << 20, file), cr: false }),
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
                self.go_stale(&target, &mut out)
            }
            Err(e) => out.error = Some(located(&target, e)),
        }
        let written = self.stream(&target, &mut out, parts);
        if let Err(e) = written {
            if let Some((tmp, _)) = out.tmp {
                let _ = std::fs::remove_file(tmp);
            }
            return Err(e);
        }
        let change = match (&out.old, out.stale) {
            (_, false) => None,
            (None, true) => Some(Change::Create { path: path.clone() }),
            (Some(old), true) => Some(old.update(&path, out.text.as_deref().unwrap_or_default())),
        };
        // Flushed: a write that fails now fails the file like any other.
        let tmp = out.tmp.and_then(|(tmp, file)| match file.into_inner() {
            Ok(_) => Some(tmp),
            Err(e) => {
                out.error.get_or_insert(e.into_error());
                let _ = std::fs::remove_file(tmp);
                None
            }
        });
        let mut state = self.state();
        state.paths.insert(path);
        match out.error {
            None => {
                state.changes.extend(change);
                state.staged.extend(tmp.map(|tmp| (tmp, target)));
            }
            Some(e) => {
                if let Some(tmp) = tmp {
                    let _ = std::fs::remove_file(tmp);
                }
                state.error.get_or_insert(e);
            }
        }
        Ok(())
    }

    /// Pulls every part into `out`: compared with the file on disk until they differ, then
    /// written (when staging) and kept (for the diff, when there is a file on disk).
    fn stream(
        &self,
        target: &Path,
        out: &mut Streamed,
        parts: &mut dyn Iterator<Item = Result<String, Error>>,
    ) -> Result<(), Error> {
        for part in parts {
            let part = part?;
            if out.error.is_some() || self.state().error.is_some() {
                continue;
            }
            if !out.stale {
                match out.disk.as_mut().map(|d| d.next_is(part.as_bytes())) {
                    Some(Ok(true)) => {
                        out.matched += part.len();
                        continue;
                    }
                    Some(Err(e)) => {
                        out.error = Some(located(target, e));
                        continue;
                    }
                    _ => self.go_stale(target, out),
                }
            }
            out.add(&part);
        }
        if !out.stale && out.error.is_none() {
            // The file on disk may go on after the last part.
            match out.disk.as_mut().map(Disk::at_end) {
                Some(Ok(false)) => self.go_stale(target, out),
                Some(Err(e)) => out.error = Some(located(target, e)),
                _ => {}
            }
        }
        Ok(())
    }

    /// From here on `out` differs from the file on disk: what matched so far is its start.
    fn go_stale(&self, target: &Path, out: &mut Streamed) {
        out.stale = true;
        if out.disk.take().is_some() {
            // Whole now: the start of the file is the new text's, and the diff needs it all.
            match std::fs::read(target) {
                Ok(bytes) => out.old = Some(Old::new(bytes)),
                Err(e) => {
                    out.error = Some(located(target, e));
                    return;
                }
            }
        }
        let start: &[u8] = out.old.as_ref().map_or(&[], |o| &o.text()[..out.matched]);
        out.text = out.old.is_some().then(|| String::from_utf8_lossy(start).into_owned());
        if self.stage && out.error.is_none() {
            let written = self
                .create_temporary(target)
                .and_then(|(tmp, mut file)| io::Write::write_all(&mut file, start).map(|()| (tmp, file)));
            match written {
                Ok(tmp) => out.tmp = Some(tmp),
                Err(e) => out.error = Some(e),
            }
        }
    }

    /// Writes `contents` beside `target`, creating its folder (each once).
    fn write_temporary(&self, target: &Path, contents: &str) -> io::Result<PathBuf> {
        let (tmp, mut file) = self.create_temporary(target)?;
        // A partly written temporary file is not staged, so it is removed here.
        io::Write::write_all(&mut file, contents.as_bytes())
            .and_then(|()| file.into_inner().map_err(io::IntoInnerError::into_error).map(drop))
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })?;
        Ok(tmp)
    }

    /// Creates the temporary file beside `target` (`.NAME.codegen-tmp`), and its folder.
    fn create_temporary(&self, target: &Path) -> io::Result<(PathBuf, io::BufWriter<std::fs::File>)> {
        let folder = target.parent().unwrap_or(&self.out_dir);
        if !self.state().folders.contains(folder) {
            std::fs::create_dir_all(folder)?;
            self.state().folders.insert(folder.to_owned());
        }
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = target.with_file_name(format!(".{name}.codegen-tmp"));
        let file = std::fs::File::create(&tmp)?;
        Ok((tmp, io::BufWriter::with_capacity(1 << 20, file)))
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

/// Files offered as they are made ([`crate::generate_each`]).
impl Sink for Writer {
    fn file(&self, file: GeneratedFile) {
        self.offer(&file);
    }

    fn parts(&self, path: String, parts: &mut dyn Iterator<Item = Result<String, Error>>) -> Result<(), Error> {
        self.offer_parts(path, parts)
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

    /// Offered in parts, a file gets the same change, the same diff and the same result on
    /// disk as offered whole, wherever the parts are cut and whatever is on disk.
    #[test]
    fn a_file_offered_in_parts_is_compared_and_written_as_if_whole() {
        let whole = file("src/m.rs", "struct A;\nstruct B;\nstruct C;\n").contents;
        let on_disk = [
            None,
            Some(whole.clone()),
            Some(whole.replace('\n', "\r\n")),
            Some(whole[..whole.len() - 12].to_owned()),
            Some(format!("{whole}struct D;\n")),
            Some(whole.replace('B', "X")),
            Some(String::new()),
            // A CR that is not part of a CRLF is text, so these differ.
            Some(whole.replace("B;\n", "B;\r\r\n")),
            Some(format!("{}\r", whole.replace('\n', "\r\n"))),
        ];
        let n = whole.len();
        for old in &on_disk {
            // Two parts cut anywhere (a line ending falls on every side of a cut), and three.
            let cuts = (0..=n).map(|a| (a, a)).chain([(1, n - 1), (20, 40), (n - 3, n)]);
            for (a, b) in cuts {
                let parts = [&whole[..a], &whole[a..b], "", &whole[b..]];
                let outcome = |in_parts: bool, stage: bool| {
                    let dir = tempfile::tempdir().unwrap();
                    if let Some(old) = old {
                        std::fs::create_dir_all(dir.path().join("src")).unwrap();
                        std::fs::write(dir.path().join("src/m.rs"), old).unwrap();
                    }
                    let mut writer = if stage { Writer::stage(dir.path()) } else { Writer::check(dir.path()) };
                    if in_parts {
                        let mut parts = parts.iter().map(|p| Ok(p.to_string()));
                        writer.offer_parts("src/m.rs".to_owned(), &mut parts).unwrap();
                    } else {
                        writer.offer(&GeneratedFile { path: "src/m.rs".into(), contents: whole.clone() });
                    }
                    let changes = writer.changes().unwrap();
                    writer.commit().unwrap();
                    let on_disk = std::fs::read_to_string(dir.path().join("src/m.rs")).ok();
                    let left: Vec<_> = std::fs::read_dir(dir.path().join("src")).into_iter().flatten().collect();
                    (changes, on_disk, left.len())
                };
                for stage in [true, false] {
                    assert_eq!(
                        outcome(true, stage),
                        outcome(false, stage),
                        "{old:?}, cut at {a} and {b}, stage {stage}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_part_that_fails_ends_the_file_its_error_returned_and_nothing_staged() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = Writer::stage(dir.path());
        let failed = Error::spec("spec.yaml", None, "no such type");
        let mut parts = [Ok("// a\n".to_owned()), Err(failed), Ok("// b\n".to_owned())].into_iter();
        let err = writer.offer_parts("src/m.rs".to_owned(), &mut parts).unwrap_err();
        assert!(err.to_string().contains("no such type"), "{err}");
        let left: Vec<_> = std::fs::read_dir(dir.path().join("src")).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
        assert!(writer.changes().unwrap().is_empty());
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
