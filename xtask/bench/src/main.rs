//! `cargo xtask bench` (or `cargo run --release -p bench`): how fast the generator is against
//! the cost of parsing its input, how its cost grows, and what the generated client adds over
//! hand-written reqwest. Prints a table; asserts nothing.

mod bench;
mod downloads;
mod fixture;
#[path = "../../src/memory.rs"]
mod memory;
mod stream;

use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cargo xtask bench", about = "Measure the generator and the generated client; prints a table")]
struct Cli {
    /// Interleaved rounds of the parse-floor and real-document measurements.
    #[arg(long, default_value_t = 30)]
    rounds: usize,
    /// Requests per client in the client-overhead part.
    #[arg(long, default_value_t = 5000)]
    requests: usize,
    /// Sizes (schemas = operations) of the synthetic documents.
    #[arg(long, value_delimiter = ',', default_value = "100,1000,10000")]
    sizes: Vec<usize>,
    /// Folder of the upstream documents (default: ../shared/openapi next to the repository).
    #[arg(long, value_name = "DIR")]
    upstream: Option<PathBuf>,
    /// Seconds after which one synthetic size is stopped (the stages it finished are shown).
    #[arg(long, default_value_t = 120, value_name = "SECS")]
    scale_timeout: u64,
    /// Skip the generated-client part.
    #[arg(long)]
    no_client: bool,
    /// Skip the scaling part.
    #[arg(long)]
    no_scale: bool,
    /// Skip the streaming-download part.
    #[arg(long)]
    no_download: bool,
    /// MiB of the body in the streaming-download part.
    #[arg(long, default_value_t = 100, value_name = "MIB")]
    download_mb: usize,
    /// Chat chunks per stream in the streaming part.
    #[arg(long, default_value_t = 10_000)]
    stream_chunks: usize,
    /// Rounds of the streaming part (each decodes one stream per loop).
    #[arg(long, default_value_t = 15)]
    stream_rounds: usize,
    /// Skip the streaming part (it builds a generated streaming crate first).
    #[arg(long)]
    no_stream: bool,
    /// Internal: measure one synthetic size and print one line (run per size by `bench`).
    #[arg(long, hide = true)]
    scale_child: Option<usize>,
    /// Internal: measure every tag of one document and print one line.
    #[arg(long, hide = true, value_name = "FILE")]
    doc_child: Option<PathBuf>,
    /// Also time progenitor (built from xtask/peers, not a workspace member) on the synthetic
    /// documents, and the openapi-to-rust CLI (on PATH, or $OPENAPI_TO_RUST) on the 2026 document.
    #[arg(long)]
    peers: bool,
    /// Also time `cargo build` of the whole-API crate with only `oauth`, of the OAuth-only crate
    /// and with every feature (cold target folders, dependencies prebuilt; several minutes).
    #[arg(long)]
    build_times: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let Cli {
        rounds,
        requests,
        sizes,
        upstream,
        scale_timeout,
        no_client,
        no_scale,
        no_download,
        download_mb,
        stream_chunks,
        stream_rounds,
        no_stream,
        scale_child,
        doc_child,
        peers,
        build_times,
    } = cli;
    // The workspace root: `xtask/bench/..`.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).map(Path::to_path_buf).unwrap_or_default();
    let child = scale_child.is_some() || doc_child.is_some();
    let code = bench::run(
        &root,
        bench::Options {
            rounds,
            requests,
            sizes,
            upstream,
            scale_timeout,
            no_client,
            no_scale,
            scale_child,
            doc_child,
            peers,
            build_times,
        },
    );
    if !no_download && !child && code == ExitCode::SUCCESS {
        // Rounds of 100 MiB each: a few are enough for a stable median.
        downloads::download_table(&root, download_mb, rounds.clamp(1, 5));
    }
    // Not in a child, and only in release, like the rest.
    if !child && !no_stream && !cfg!(debug_assertions) {
        stream::stream_table(&root, stream_chunks, stream_rounds);
    }
    code
}
