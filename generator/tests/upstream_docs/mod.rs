//! Access to the upstream OpenRouter documents in `../shared/openapi/` (next to the
//! workspace; never copied into it).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The 2025 revision: 3.0 style, no operationIds, `4XX`/`5XX` error ranges.
pub const REV_2025: &str = "openrouter-2025-09-24.yaml";
/// The 2026 revision: real 3.1, the source of `spec/openrouter.yaml`.
pub const REV_2026: &str = "openrouter-2026-08-22.yaml";

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The path of an upstream document, or `None` (after printing a skip line) when the folder
/// is absent. With `CI` set, an absent folder fails the test instead.
pub fn upstream(file: &str, test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/openapi");
    let path = dir.join(file);
    if path.is_file() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{test}: {} is missing and CI is set; the upstream documents are required here", path.display());
    }
    eprintln!("SKIPPED {test}: {} not found (the upstream documents live in ../shared/openapi/)", path.display());
    None
}

/// How tests name an upstream document in errors and headers.
pub fn display(file: &str) -> String {
    format!("../shared/openapi/{file}")
}
