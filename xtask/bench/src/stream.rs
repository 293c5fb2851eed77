//! Item "streaming" of the bench: the generated streaming method against a hand-written SSE
//! loop. The committed crate has no streaming operation, so the crate is generated here from
//! `generator/tests/fixtures/streaming.yaml` (the same generator, the same runtime), and
//! `xtask/bench/stream_bench.rs` runs as its example program in release mode, in a process
//! of its own with its own counting allocator; its Markdown is printed as it is.

use std::path::Path;
use std::process::Command;

const PROGRAM: &str = include_str!("../stream_bench.rs");

pub fn stream_table(root: &Path, chunks: usize, rounds: usize) {
    println!("## 6. Streaming: a long chat stream, generated `send_stream` vs. hand-written loop\n");
    match run(root, chunks, rounds) {
        Ok(table) => println!("{table}"),
        Err(e) => println!("not measured: {e}\n"),
    }
}

fn run(root: &Path, chunks: usize, rounds: usize) -> Result<String, String> {
    let spec = root.join("generator/tests/fixtures/streaming.yaml");
    let config = generator::Config {
        spec,
        spec_display: "generator/tests/fixtures/streaming.yaml".into(),
        tags: vec!["Chat".into()],
        secrets: Vec::new(),
    };
    let files = generator::generate(&config).map_err(|e| e.to_string())?;
    let dir = root.join("target/bench-stream");
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
    wanted.push(("examples/stream_bench.rs".into(), PROGRAM.into()));
    if let Ok(lock) = std::fs::read_to_string(root.join("Cargo.lock")) {
        wanted.push(("Cargo.lock".into(), lock));
    }
    for (path, contents) in &wanted {
        let target = dir.join(path);
        // Unchanged files are left alone, so a second run builds nothing.
        if std::fs::read_to_string(&target).ok().as_deref() != Some(contents.as_str()) {
            std::fs::create_dir_all(target.parent().unwrap_or(&dir)).map_err(|e| e.to_string())?;
            std::fs::write(&target, contents).map_err(|e| e.to_string())?;
        }
    }
    eprintln!("building the streaming crate (target/bench-stream) ...");
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--release", "--quiet", "--example", "stream_bench", "--"])
        .args([chunks.to_string(), rounds.to_string()])
        .current_dir(&dir)
        // A target dir of its own: the outer `cargo run` may still hold the workspace's.
        .env("CARGO_TARGET_DIR", root.join("target/bench-stream-target"))
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("the stream bench failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
