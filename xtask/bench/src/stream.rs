//! Item "streaming" of the bench: the generated streaming method against a hand-written SSE
//! loop. The committed crate has no streaming operation, so the crate is generated here from
//! `generator/tests/fixtures/streaming.yaml` (the same generator, the same runtime), and
//! `xtask/bench/stream_bench.rs` runs as its example program in release mode, in a process
//! of its own with its own counting allocator; its Markdown is printed as it is.

use std::path::Path;

const PROGRAM: &str = include_str!("../stream_bench.rs");

pub fn stream_table(root: &Path, chunks: usize, rounds: usize) {
    println!("## 6. Streaming: a long chat stream, generated `send_stream` vs. hand-written loop\n");
    match run(root, chunks, rounds) {
        Ok(table) => println!("{table}"),
        Err(e) => println!("not measured: {e}\n"),
    }
}

fn run(root: &Path, chunks: usize, rounds: usize) -> Result<String, String> {
    let out = crate::fixture::run_example(
        root,
        ("streaming.yaml", "Chat"),
        &root.join("target/bench-stream"),
        ("stream_bench", PROGRAM),
        // A target dir of its own: the outer `cargo run` may still hold the workspace's.
        &root.join("target/bench-stream-target"),
        &[chunks.to_string(), rounds.to_string()],
        &[],
    )?;
    if !out.status.success() {
        return Err(format!("the stream bench failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
