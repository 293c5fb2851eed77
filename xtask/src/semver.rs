//! `cargo xtask semver-crosscheck OLD NEW`: generates the crates of two specs, runs
//! `cargo semver-checks` on them and compares its verdict with ours
//! (`generator::diff::crosscheck` holds the comparison). Slow (two crate builds plus rustdoc
//! JSON), so it is not part of `cargo test`.

use generator::diff::{crosscheck, render};
use generator::{write, Config};
use std::path::Path;
use std::process::Command;

/// Writes the crate generated from `spec` into `dir` (created; stale generated files removed).
fn generate(spec: &Path, tags: &[String], dir: &Path) -> Result<(), String> {
    let shown = spec.to_string_lossy().replace('\\', "/");
    let config = Config {
        spec: spec.to_path_buf(),
        spec_display: shown,
        tags: tags.to_vec(),
        secrets: generator::secrets::openrouter_defaults(),
    };
    let files = generator::generate(&config).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    write::write_all(dir, &files).map(drop).map_err(|e| format!("writing {}: {e}", dir.display()))
}

/// Runs the cross-check and prints the comparison.
pub fn run(old: &Path, new: &Path, tags: &[String], work: &Path) -> Result<(), String> {
    let (old_dir, new_dir) = (work.join("old"), work.join("new"));
    generate(old, tags, &old_dir)?;
    generate(new, tags, &new_dir)?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = std::time::Instant::now();
    let output = Command::new(cargo)
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(new_dir.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(&old_dir)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    // The report is on stdout, progress on stderr: kept apart by a blank line.
    let report = format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    std::fs::write(work.join("semver-checks.txt"), &report).map_err(|e| e.to_string())?;
    if report.contains("no such command") {
        return Err("cargo-semver-checks is not installed (`cargo install cargo-semver-checks`)".into());
    }
    let findings = crosscheck::parse_report(&report);
    if findings.is_empty() && !output.status.success() {
        return Err(format!("cargo semver-checks failed:\n{report}"));
    }
    let (o, n) = (old.to_string_lossy(), new.to_string_lossy());
    let (a, b) = generator::diff::load_pair(old, &o, new, &n, tags).map_err(|e| e.to_string())?;
    let diff = generator::diff::diff(&a, &b, generator::diff::Options::default());
    let verdicts = crosscheck::compare(&findings, &diff);
    println!("# cargo-semver-checks vs. our diff: `{o}` → `{n}`\n");
    println!("ours: {}", render::summary(&diff));
    println!(
        "cargo-semver-checks: {} items flagged ({} major) in {:.0} s; its report is in {}\n",
        findings.len(),
        findings.iter().filter(|f| f.major).count(),
        started.elapsed().as_secs_f64(),
        work.join("semver-checks.txt").display()
    );
    print!("{}", crosscheck::report(&verdicts, &diff));
    Ok(())
}
