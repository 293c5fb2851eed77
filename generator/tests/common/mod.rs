//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Writes `files` as a crate in a new temporary folder and runs `cargo <args>` in it with a
/// target dir of its own under the workspace's `target/` (the outer `cargo test` holds the
/// lock on the main one). Returns (success, combined output).
pub fn cargo_in_crate(files: &[generator::GeneratedFile], args: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        let path = dir.path().join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut contents = f.contents.clone();
        if f.path == "Cargo.toml" {
            // Stand alone instead of joining our workspace.
            contents.push_str("\n[workspace]\n");
        }
        std::fs::write(path, contents).unwrap();
    }
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", root().join("target/codegen-check"))
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// Makes `dir` hold the generated crate `files` plus `extra` (path, contents), standing alone
/// (its own `[workspace]`) with this workspace's profiles and lock file, so that building it
/// in the workspace's target dir reuses the dependencies compiled there. Files are rewritten
/// only when they change, so a second run builds nothing.
pub fn sync_crate(dir: &Path, files: &[generator::GeneratedFile], extra: &[(&str, &str)]) {
    let workspace_manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    // The workspace's profile settings too: a different profile would rebuild every dependency.
    let profiles = workspace_manifest.find("[profile").map(|i| &workspace_manifest[i..]).unwrap_or("");
    let mut wanted: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            let mut contents = f.contents.clone();
            if f.path == "Cargo.toml" {
                contents.push_str("\n[workspace]\n\n");
                contents.push_str(profiles);
            }
            (f.path.clone(), contents)
        })
        .collect();
    wanted.extend(extra.iter().map(|(p, c)| (p.to_string(), c.to_string())));
    wanted.push(("Cargo.lock".into(), std::fs::read_to_string(root().join("Cargo.lock")).unwrap()));
    sync_folder(dir, &wanted);
}

/// Makes `dir` hold exactly `files` (path, contents), touching only files that differ.
pub fn sync_folder(dir: &Path, files: &[(String, String)]) {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if let Ok(rel) = path.strip_prefix(base) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut on_disk = Vec::new();
    walk(dir, dir, &mut on_disk);
    for stale in on_disk.iter().filter(|p| !files.iter().any(|(f, _)| f == *p)) {
        std::fs::remove_file(dir.join(stale)).unwrap();
    }
    for (path, contents) in files {
        let target = dir.join(path);
        if std::fs::read_to_string(&target).ok().as_deref() != Some(contents.as_str()) {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, contents).unwrap();
        }
    }
}

/// Runs `cargo <args>` in `dir` with the workspace's target dir and `envs`; returns (success,
/// stdout, stderr).
pub fn cargo_in(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root().join("target"))
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The files the emitters write as text (`emit::code`) whose layout is not prettyplease's:
/// they promise the layout prettyplease gives the same code, so the crate reads the same
/// whichever way a file is made. Compared without blank lines (prettyplease keeps none) and
/// comments (`syn` drops them).
#[allow(dead_code)]
pub fn not_laid_out_as_prettyplease(files: &[generator::GeneratedFile]) -> Vec<String> {
    let code_lines = |text: &str| -> Vec<String> {
        text.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("// ")).map(str::to_owned).collect()
    };
    let emitted = |p: &str| p == "src/models.rs" || p == "tests/examples.rs";
    let mut wrong = Vec::new();
    for f in files.iter().filter(|f| emitted(&f.path)) {
        let file = match syn::parse_file(&f.contents) {
            Ok(file) => file,
            Err(e) => {
                wrong.push(format!("{}: does not parse: {e}", f.path));
                continue;
            }
        };
        let (ours, pretty) = (code_lines(&f.contents), code_lines(&prettyplease::unparse(&file)));
        if let Some(i) = (0..ours.len().max(pretty.len())).find(|&i| ours.get(i) != pretty.get(i)) {
            wrong.push(format!(
                "{}: code line {} is {:?}, prettyplease writes {:?}",
                f.path,
                i + 1,
                ours.get(i).map(String::as_str).unwrap_or("(end)"),
                pretty.get(i).map(String::as_str).unwrap_or("(end)")
            ));
        }
    }
    wrong
}
