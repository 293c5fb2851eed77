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
