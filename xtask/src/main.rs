//! `cargo xtask codegen [--check] [--spec PATH] [--out DIR] [--tag NAME]... [--all-tags]`
//! `cargo xtask codegen --changelog` (also bumps the crate version and adds a CHANGELOG.md entry)
//! `cargo xtask diff OLD NEW [--tag NAME]... [--all-tags] [--format markdown|json|text] [--docs]`
//! `cargo xtask semver-crosscheck OLD NEW [--tag NAME]... [--all-tags]` (needs cargo-semver-checks)
//! `cargo xtask bench [--rounds N] [--requests N] [--sizes N,N,...]`
//!
//! Parses flags and calls the generator; all logic lives in the `generator` crate. The
//! benchmark is the `bench` package (`xtask/bench`): it links the generated client, which
//! `codegen` must never depend on, or a broken `generated/` could not be regenerated.

mod memory;
mod semver;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use generator::diff::release;
use generator::{write, Config, ErrorKind, GeneratedFile};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project tasks of the OpenRouter client generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output formats of `diff`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Markdown,
    Json,
    Text,
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
        /// When the API changed since the committed output, bump the crate version and add
        /// the summary to CHANGELOG.md.
        #[arg(long, conflicts_with = "check")]
        changelog: bool,
    },
    /// What changed between two specs, for users of the generated crate.
    Diff {
        #[command(flatten)]
        pair: Pair,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
        /// Also list documentation changes (descriptions, summaries, examples).
        #[arg(long)]
        docs: bool,
    },
    /// Generate the crates of two specs and compare cargo-semver-checks' verdict with ours.
    SemverCrosscheck {
        #[command(flatten)]
        pair: Pair,
        /// Working folder for the two crates (default: a folder in the system's temp folder).
        #[arg(long, value_name = "DIR")]
        work: Option<PathBuf>,
    },
    /// Measure the generator and the generated client (runs `cargo run --release -p bench`).
    Bench {
        /// Flags of the benchmark (`--help` lists them).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// The two specs `diff` and `semver-crosscheck` compare, and which of their tags.
#[derive(clap::Args)]
struct Pair {
    /// The older OpenAPI document.
    old: PathBuf,
    /// The newer OpenAPI document.
    new: PathBuf,
    /// A tag to compare; repeat for several (default: every tag).
    #[arg(long = "tag", value_name = "NAME", conflicts_with = "all_tags")]
    tags: Vec<String>,
    /// Compare every tag (the default when no --tag is given).
    #[arg(long)]
    all_tags: bool,
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
        Command::Codegen { check, spec, out, tags, all_tags, changelog } => {
            codegen(check, changelog, spec, out, if all_tags { Vec::new() } else { tags })
        }
        Command::Diff { pair: Pair { old, new, tags, .. }, format, docs } => diff(&old, &new, &tags, format, docs),
        Command::SemverCrosscheck { pair: Pair { old, new, tags, .. }, work } => {
            // Outside the workspace: the generated crates are packages of their own.
            let work = work.unwrap_or_else(|| std::env::temp_dir().join("openrouter-semver-crosscheck"));
            exit(semver::run(&old, &new, &tags, &work))
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

/// Exit code of a generator error: spec 1, usage 2, generator bug 3.
fn fail(e: &generator::Error) -> ExitCode {
    eprintln!("{e}");
    ExitCode::from(match e.kind {
        ErrorKind::Spec => 1,
        ErrorKind::Usage => 2,
        ErrorKind::Internal => 3,
    })
}

fn exit(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn diff(old: &Path, new: &Path, tags: &[String], format: Format, docs: bool) -> ExitCode {
    let shown = |p: &Path| p.to_string_lossy().replace('\\', "/");
    let (old_name, new_name) = (shown(old), shown(new));
    let apis = generator::diff::load_pair(old, &old_name, new, &new_name, tags);
    let (a, b) = match apis {
        Ok(pair) => pair,
        Err(e) => return fail(&e),
    };
    let d = generator::diff::diff(&a, &b, generator::diff::Options { docs });
    use generator::diff::render::{json, markdown, text};
    print!(
        "{}",
        match format {
            Format::Markdown => markdown(&d, &old_name, &new_name),
            Format::Json => json(&d, &old_name, &new_name),
            Format::Text => text(&d),
        }
    );
    ExitCode::SUCCESS
}

/// Where `codegen` has the generated files go as they are made: to the writer, but for those
/// the release steps read or rewrite, kept back until then.
struct Offer<'a> {
    writer: &'a write::Writer,
    held: std::sync::Mutex<Vec<GeneratedFile>>,
}

impl Offer<'_> {
    fn hold(&self, file: GeneratedFile) {
        self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(file);
    }
}

impl generator::emit::Sink for Offer<'_> {
    fn file(&self, file: GeneratedFile) {
        match release::HELD.contains(&file.path.as_str()) {
            true => self.hold(file),
            false => self.writer.offer(&file),
        }
    }

    fn parts(
        &self,
        path: String,
        parts: &mut dyn Iterator<Item = Result<String, generator::Error>>,
    ) -> Result<(), generator::Error> {
        if !release::HELD.contains(&path.as_str()) {
            return self.writer.offer_parts(path, parts);
        }
        self.hold(GeneratedFile { path, contents: parts.collect::<Result<_, _>>()? });
        Ok(())
    }
}

fn codegen(check: bool, changelog: bool, spec: Option<PathBuf>, out: Option<PathBuf>, tags: Vec<String>) -> ExitCode {
    let root = root();
    let (spec, spec_display) = match spec {
        Some(p) => {
            let shown = p.to_string_lossy().replace('\\', "/");
            (p, shown)
        }
        None => (root.join("spec/openrouter.yaml"), "spec/openrouter.yaml".to_owned()),
    };
    let out = out.unwrap_or_else(|| root.join("generated"));
    memory::for_document(std::fs::metadata(&spec).map_or(0, |m| m.len()));
    let config = Config { spec, spec_display, tags, secrets: generator::secrets::openrouter_defaults() };
    // Files are compared (and, unless checking, written beside their targets) as they are
    // made; those the release steps below read or rewrite are kept back until then.
    let mut writer = if check { write::Writer::check(&out) } else { write::Writer::stage(&out) };
    let offer = Offer { writer: &writer, held: Default::default() };
    if let Err(e) = generator::generate_each(&config, &offer) {
        return fail(&e);
    }
    let mut files = offer.held.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Err(e) = release::carry_over(&out, &mut files) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    if changelog {
        match release::record(&out, &mut files, &config.spec_display) {
            Ok(Some(r)) => println!("API changes: {}; version {} → {}", r.summary, r.from, r.to),
            Ok(None) => println!("API changes: none recorded (no change, or no committed api-surface.txt)"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    for file in &files {
        writer.offer(file);
    }
    let changes = match writer.changes() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    };
    let count = writer.files();
    if check {
        if changes.is_empty() {
            println!("{}: {count} files up to date", out.display());
            return ExitCode::SUCCESS;
        }
        print!("{}\n{}", release::check_summary(&out, &files), write::report(&out, &changes));
        eprintln!("error: {} is stale ({} files differ); run `cargo xtask codegen`", out.display(), changes.len());
        return ExitCode::FAILURE;
    }
    if let Err(e) = writer.commit() {
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
    println!("{}: {count} files, {} changed", out.display(), changes.len());
    ExitCode::SUCCESS
}
