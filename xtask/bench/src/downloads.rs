//! Downloads: the generated streaming download of a 100 MiB binary body from loopback into a
//! sink, against a hand-written reqwest chunk loop in the same process, and the peak RSS above
//! the baseline of one streamed download and one streamed upload.
//!
//! The committed `generated/` crate (OAuth) has no binary operation, so the bench generates
//! the crate of `generator/tests/fixtures/bodies.yaml` (exactly what users of such an API get)
//! into `target/bench-bodies/`, adds `download_child.rs` as an example program there, and runs
//! it in release mode as a child process (its own peak RSS, nothing else in it), built in the
//! workspace's target dir, so later runs only run it.

use std::path::Path;

const CHILD: &str = include_str!("../download_child.rs");

pub fn download_table(root: &Path, mb: usize, rounds: usize) {
    println!("## Streaming download ({mb} MiB from loopback into a sink; medians of {rounds} interleaved rounds)\n");
    match measure(root, mb, rounds) {
        Ok(line) => print_table(&line),
        Err(e) => println!("(not measured: {e})\n"),
    }
}

fn measure(root: &Path, mb: usize, rounds: usize) -> Result<String, String> {
    let out = crate::fixture::run_example(
        root,
        ("bodies.yaml", "Files"),
        &root.join("target/bench-bodies/crate"),
        ("download_bench", CHILD),
        // The workspace's target dir: the release dependencies the bench itself built are reused.
        &root.join("target"),
        &[],
        &[("BENCH_MB", mb.to_string()), ("BENCH_ROUNDS", rounds.to_string())],
    )?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    match stdout.lines().find(|l| l.starts_with("mb=")) {
        Some(line) if out.status.success() => Ok(line.to_owned()),
        _ => Err(format!("the child failed: {}", String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or(""))),
    }
}

fn print_table(line: &str) {
    let value = |key: &str| {
        line.split_whitespace().find_map(|kv| kv.strip_prefix(&format!("{key}="))).unwrap_or("?").to_owned()
    };
    let mib = |key: &str| value(key).parse::<f64>().map(|k| format!("{:.1} MiB", k / 1024.0)).unwrap_or("?".into());
    println!("| measure | value | target |");
    println!("|---|---|---|");
    println!("| generated `download().write_to(sink)` | {} ms | |", value("generated_ms"));
    println!("| hand-written reqwest `chunk()` loop | {} ms | |", value("reqwest_ms"));
    println!("| ratio generated / hand-written | {}× | ≤ 1.05× |", value("ratio"));
    println!("| peak RSS above baseline, streamed download | {} | < 32 MiB |", mib("download_peak_kib"));
    println!("| peak RSS above baseline, streamed upload of a file as large | {} | |", mib("upload_peak_kib"));
    println!();
    println!("Child process in `target/bench-bodies/crate` (generated from `generator/tests/fixtures/bodies.yaml`);");
    println!("peak = VmHWM after one transfer, reset (clear_refs) right before it; baseline = VmRSS then.\n");
}
