//! The crate of a fixture spec, generated into `target/` with a bench program as its example:
//! the download and streaming parts measure operations the committed crate does not have.

use std::path::Path;
use std::process::{Command, Output};

/// Generates `tag` of `generator/tests/fixtures/<fixture>` into `dir` (standing alone, with the
/// workspace's profiles and lock file), adds `program` as the example `name`, and runs it in
/// release mode with `args` and `envs`, built in `target`.
pub fn run_example(
    root: &Path,
    (fixture, tag): (&str, &str),
    dir: &Path,
    (name, program): (&str, &str),
    target: &Path,
    args: &[String],
    envs: &[(&str, String)],
) -> Result<Output, String> {
    let spec_display = format!("generator/tests/fixtures/{fixture}");
    let files = generator::generate(&generator::Config {
        spec: root.join(&spec_display),
        spec_display,
        tags: vec![tag.into()],
        secrets: generator::secrets::openrouter_defaults(),
    })
    .map_err(|e| e.to_string())?;
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let profiles = workspace.find("[profile").map(|i| &workspace[i..]).unwrap_or("");
    let mut wanted: Vec<(String, String)> = files
        .into_iter()
        .map(|f| match f.path.as_str() {
            // Standing alone, with the workspace's profiles.
            "Cargo.toml" => (f.path, format!("{}\n[workspace]\n\n{profiles}", f.contents)),
            _ => (f.path, f.contents),
        })
        .collect();
    wanted.push((format!("examples/{name}.rs"), program.into()));
    if let Ok(lock) = std::fs::read_to_string(root.join("Cargo.lock")) {
        wanted.push(("Cargo.lock".into(), lock));
    }
    for (path, contents) in &wanted {
        let path = dir.join(path);
        // Unchanged files keep their times, so a second run builds nothing.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
            std::fs::create_dir_all(path.parent().unwrap_or(dir)).map_err(|e| e.to_string())?;
            std::fs::write(&path, contents).map_err(|e| e.to_string())?;
        }
    }
    eprintln!("building the {name} crate in {}…", dir.display());
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--release", "--quiet", "--example", name, "--"])
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .envs(envs.iter().map(|(k, v)| (*k, v)))
        .output()
        .map_err(|e| e.to_string())
}
