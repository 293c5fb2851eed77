//! `cargo xtask codegen [--check] [--spec PATH] [--out DIR] [--tag NAME]... [--all-tags]`
//! `cargo xtask bench [--rounds N] [--requests N] [--sizes N,N,...]`
//!
//! Parses flags and calls the generator; all logic lives in the `generator` crate. The
//! benchmark is the `bench` package (`xtask/bench`): it links the generated client, which
//! `codegen` must never depend on, or a broken `generated/` could not be regenerated.

use clap::{Parser, Subcommand};
use generator::{write, Config, ErrorKind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project tasks of the OpenRouter client generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the client crate from the spec (or, with --check, verify it is current).
    Codegen {
        /// Write nothing; exit 1 with a diff when the output folder is stale.
        #[arg(long)]
        check: bool,
        /// The OpenAPI document (YAML or JSON).
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// The folder of the generated crate.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// A tag whose operations to generate; repeat for several.
        #[arg(long = "tag", value_name = "NAME", default_value = "OAuth", conflicts_with = "all_tags")]
        tags: Vec<String>,
        /// Generate every tag of the document.
        #[arg(long)]
        all_tags: bool,
    },
    /// Measure the generator and the generated client (runs `cargo run --release -p bench`).
    Bench {
        /// Flags of the benchmark (`--help` lists them).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Command::Codegen { check, spec, out, tags, all_tags } => {
            codegen(check, spec, out, if all_tags { Vec::new() } else { tags })
        }
        Command::Bench { args } => bench(&args),
    }
}

/// Runs the benchmark in release mode (timings of a debug build mean nothing).
fn bench(args: &[String]) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root())
        .args(["run", "--release", "--quiet", "--package", "bench", "--"])
        .args(args)
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: defaults are relative to it, so the command works from any folder.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn codegen(check: bool, spec: Option<PathBuf>, out: Option<PathBuf>, tags: Vec<String>) -> ExitCode {
    let root = root();
    let (spec, spec_display) = match spec {
        Some(p) => {
            let shown = p.to_string_lossy().replace('\\', "/");
            (p, shown)
        }
        None => (root.join("spec/openrouter.yaml"), "spec/openrouter.yaml".to_owned()),
    };
    let out = out.unwrap_or_else(|| root.join("generated"));
    let config = Config { spec, spec_display, tags, secrets: generator::secrets::openrouter_defaults() };
    let files = match generator::generate(&config) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(match e.kind {
                ErrorKind::Spec => 1,
                ErrorKind::Usage => 2,
                ErrorKind::Internal => 3,
            });
        }
    };
    let changes = match write::plan(&out, &files) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    };
    if check {
        if changes.is_empty() {
            println!("{}: {} files up to date", out.display(), files.len());
            return ExitCode::SUCCESS;
        }
        print!("{}", write::report(&out, &changes));
        eprintln!("error: {} is stale ({} files differ); run `cargo xtask codegen`", out.display(), changes.len());
        return ExitCode::FAILURE;
    }
    if let Err(e) = write::apply(&out, &files, &changes) {
        eprintln!("error: writing {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    for c in &changes {
        let verb = match c {
            write::Change::Create { .. } => "created",
            write::Change::Update { .. } => "updated",
            write::Change::Remove { .. } => "removed",
        };
        println!("{verb} {}/{}", out.display(), c.path());
    }
    println!("{}: {} files, {} changed", out.display(), files.len(), changes.len());
    ExitCode::SUCCESS
}
