//! Generates the `openrouter` Rust client crate from an OpenAPI document.
//!
//! The stages, one module each: [`load`] → [`select`] → [`normalize`] → [`lower`] → [`emit`]; [`write`](mod@write)
//! decides which files on disk are stale and replaces them. [`generate`] runs the first four.

pub mod diag;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod normalize;
pub mod secrets;
pub mod select;
pub mod write;

pub use diag::{Diagnostic, Error, ErrorKind, Location};

/// The repository README's examples, compiled as doctests so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
pub use emit::GeneratedFile;

use std::path::PathBuf;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// The OpenAPI document (YAML or JSON, 3.0 or 3.1).
    pub spec: PathBuf,
    /// How the spec is named in errors and in the header of every file, e.g. `spec/openrouter.yaml`.
    pub spec_display: String,
    /// Tags whose operations are generated, in this order; empty for every tag of the
    /// document, in document order.
    pub tags: Vec<String>,
    /// JSON pointers of string schemas that hold credentials, for documents that do not mark
    /// them `format: password` (see [`secrets`]); usually [`secrets::openrouter_defaults`].
    pub secrets: Vec<String>,
}

/// Runs load → normalize → lower → emit and returns every file of the crate, in path order.
pub fn generate(config: &Config) -> Result<Vec<GeneratedFile>, Error> {
    emit::emit(&lower_config(config)?, &config.spec_display)
}

/// [`generate`], handing each file to `sink` as soon as it is made ([`emit::emit_each`]): what
/// `cargo xtask codegen` runs, with a [`write::Writer`] behind `sink`, so that a large API's
/// files are never in memory together.
pub fn generate_each(config: &Config, sink: &dyn emit::Sink) -> Result<(), Error> {
    emit::emit_each(&lower_config(config)?, &config.spec_display, sink)
}

/// Load → normalize → lower; the document's text and forms are gone when it returns.
fn lower_config(config: &Config) -> Result<ir::Api, Error> {
    let file = config.spec_display.as_str();
    let text = load::read(&config.spec, file)?;
    let value = load::parse(text.as_bytes(), file)?;
    let bytes = text.len();
    // Not kept beside the document's other forms: read again only to report an error.
    drop(text);
    let api = lower_value_with(value, &config.tags, &config.secrets, file).map_err(|e| {
        // Semantic errors carry JSON pointers; the line helps a person find the place.
        match load::read(&config.spec, file) {
            Ok(text) => load::add_lines(e, &text),
            Err(_) => e,
        }
    })?;
    release_freed_memory(bytes);
    Ok(api)
}

/// The size of a document (its text, in bytes) above which the memory its stages free is handed
/// back to the operating system as they go ([`release_freed_memory`]).
pub const LARGE_DOCUMENT: usize = 4 << 20;

/// Hands the memory freed so far (the document, once lowered) back to the operating system,
/// when the document was large: its parsed forms take about twenty times its text.
///
/// glibc keeps freed memory for the arena that freed it, and emit's worker threads allocate
/// from arenas of their own: without this, a large dropped document stays resident beside all
/// of emit's work (the 10,000-schema bench document: emit's peak RSS 1,102 → 848 MiB). For a small one
/// it is not worth it: released pages come back as zeroed page faults when the heap grows
/// again. A no-op where the allocator is not glibc's.
pub fn release_freed_memory(document_bytes: usize) {
    if document_bytes > LARGE_DOCUMENT {
        release_now();
    }
}

/// [`release_freed_memory`] whatever the size (glibc's `malloc_trim`).
pub(crate) fn release_now() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` has no preconditions; it only releases pages no allocation uses.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Selects, normalizes and lowers an already loaded document: the stages between load and emit.
/// OpenRouter's credentials are secrets ([`secrets::openrouter_defaults`]).
pub fn lower_value(value: serde_json::Value, tags: &[String], file: &str) -> Result<ir::Api, Error> {
    lower_value_with(value, tags, &secrets::openrouter_defaults(), file)
}

/// [`lower_value`] with the JSON pointers of the schemas that hold credentials.
pub fn lower_value_with(
    value: serde_json::Value,
    tags: &[String],
    secrets: &[String],
    file: &str,
) -> Result<ir::Api, Error> {
    let all;
    let tags = match (tags.is_empty(), value.as_object()) {
        (true, Some(root)) => {
            all = select::document_tags(root);
            &all
        }
        _ => tags,
    };
    let mut value = select::select(value, tags, file)?;
    secrets::mark(&mut value, secrets);
    // Go on after normalization problems so that lowering's are reported in the same run; a
    // deserialization failure after them is only their consequence, so it is not repeated.
    let (value, normalize_problems) = normalize::normalize_all(value, file);
    let lowered = normalize::to_openapi(value, file).and_then(|doc| lower::lower(doc, tags, file));
    let Some(mut problems) = normalize_problems else { return lowered? };
    if let Ok(Err(more)) = lowered {
        problems.diagnostics.extend(more.diagnostics);
    }
    Err(problems)
}
