//! The whole OpenRouter API: every tag of every revision in `../shared/openapi/` generates (its
//! Rust laid out as prettyplease lays it out), and
//! the 2025-09-24 and 2026-08-22 whole-API crates are clippy-clean (`-D warnings`, all
//! targets, so the example programs too), rustdoc-clean, and pass their own tests: the example
//! round trips, one operation per tag end to end against a local server, and the doctests.
//!
//! The crates are built in the workspace's target dir (like `upstream.rs`), so dependencies are
//! compiled once for every crate here.

mod common;
mod upstream_docs;

use generator::{Config, GeneratedFile};
use std::path::{Path, PathBuf};
use std::time::Instant;
use upstream_docs::{display, upstream, REV_2025, REV_2026};

/// Every revision in `../shared/openapi/`, by file name in date order; `None` (after a skip
/// line; a failure under CI) when the folder is absent.
fn revisions(test: &str) -> Option<Vec<(String, PathBuf)>> {
    let probe = upstream(REV_2026, test)?;
    let dir = probe.parent().unwrap();
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    found.sort();
    Some(found)
}

fn generate_all_tags(file: &str, path: &Path) -> Result<Vec<GeneratedFile>, generator::Error> {
    generator::generate(&Config {
        spec: path.to_owned(),
        spec_display: display(file),
        tags: Vec::new(),
        secrets: generator::secrets::openrouter_defaults(),
    })
}

#[test]
fn every_tag_of_every_revision_generates() {
    let Some(revisions) = revisions("every_tag_of_every_revision_generates") else { return };
    assert!(revisions.len() >= 7, "expected the seven revisions, found {revisions:?}");
    let mut failures = Vec::new();
    for (file, path) in &revisions {
        let start = Instant::now();
        match generate_all_tags(file, path) {
            Ok(files) => {
                let tags = files.iter().filter(|f| f.path.starts_with("src/api/") && f.path.matches('/').count() == 2);
                eprintln!("{file}: {} tag modules, {} files in {:?}", tags.count(), files.len(), start.elapsed());
                failures
                    .extend(common::not_laid_out_as_prettyplease(&files).into_iter().map(|w| format!("{file}: {w}")));
            }
            Err(e) => failures.push(format!("{file}: {}", e.to_string().lines().next().unwrap_or_default())),
        }
    }
    assert!(
        failures.is_empty(),
        "revisions that do not generate, or not as prettyplease lays out:\n  {}",
        failures.join("\n  ")
    );
}

/// Generates `files` into a folder of its own under cargo's scratch space and runs clippy
/// (`-D warnings`, all targets and features), rustdoc (`-D warnings`) and `test_args` there.
fn build_lint_document_test(name: &str, files: &[GeneratedFile], test_args: &[&str]) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    common::sync_crate(&dir, files, &[]);
    let run = |what: &str, args: &[&str], envs: &[(&str, &str)]| {
        let start = Instant::now();
        let (ok, stdout, stderr) = common::cargo_in(&dir, args, envs);
        assert!(ok, "{name}: {what} failed\n{stderr}\n{stdout}");
        eprintln!("{name}: {what} in {:?}", start.elapsed());
        (stdout, stderr)
    };
    run(
        "clippy -D warnings",
        &["clippy", "--all-targets", "--all-features", "--color", "never", "--", "-D", "warnings"],
        &[],
    );
    run(
        "rustdoc -D warnings",
        &["doc", "--no-deps", "--all-features", "--color", "never"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
    let mut args = vec!["test", "--all-features", "--color", "never"];
    args.extend_from_slice(test_args);
    let (stdout, stderr) = run("tests", &args, &[]);
    assert!(!stderr.lines().any(|l| l.starts_with("warning")), "{name}: the tests build with warnings\n{stderr}");
    let results: Vec<&str> = stdout.lines().filter(|l| l.starts_with("test result:")).collect();
    eprintln!("{name}: {}", results.join(" | "));
    stdout
}

fn whole_api_crate(file: &str, test: &str, extra: &[(&str, &str)], check_files: impl Fn(&[GeneratedFile])) {
    let Some(path) = upstream(file, test) else { return };
    let mut files = generate_all_tags(file, &path).unwrap_or_else(|e| panic!("{e}"));
    check_files(&files);
    files.extend(
        extra.iter().map(|(path, contents)| GeneratedFile { path: path.to_string(), contents: contents.to_string() }),
    );
    let tags = files.iter().filter(|f| f.path.starts_with("examples/") && f.path.ends_with(".rs")).count();
    assert!(tags > 0, "{file}: no example programs");
    let stdout = build_lint_document_test(&format!("whole-{}", file.trim_end_matches(".yaml")), &files, &[]);
    assert!(stdout.contains("_example ... ok"), "{file}: no example round trip ran\n{stdout}");
    let tag_modules =
        files.iter().filter(|f| f.path.starts_with("src/api/") && f.path.matches('/').count() == 2).count();
    let calls = stdout.matches("_end_to_end ... ok").count();
    assert_eq!(calls, tag_modules, "{file}: one end-to-end call per tag\n{stdout}");
}

#[test]
fn whole_api_2025_09_24_compiles_lint_clean_documents_and_passes_its_tests() {
    whole_api_crate(REV_2025, "whole_api_2025_09_24_compiles_lint_clean_documents_and_passes_its_tests", &[], |_| ());
}

#[test]
fn whole_api_2026_08_22_compiles_lint_clean_documents_and_passes_its_tests() {
    let test = "whole_api_2026_08_22_compiles_lint_clean_documents_and_passes_its_tests";
    // Uploads, downloads, RSS and item streams, run as the crate's own test.
    let bodies = ("tests/bodies.rs", include_str!("whole_api/bodies_2026.rs"));
    whole_api_crate(REV_2026, test, &[bodies], |files| {
        // `Anthropic Messages`, whose only operation is `x-speakeasy-ignore`d, emits nothing.
        let empty_tag = |p: &str| p.starts_with("src/api/anthropic") || p.starts_with("docs/sdks/anthropic");
        assert!(!files.iter().any(|f| empty_tag(&f.path)), "an empty tag emitted files");
        streams_chat_responses_and_images_only(files);
        uploads_downloads_rss_and_paginated_lists_get_their_methods(files);
    });
}

/// The 2026-08-22 operations that upload, download, offer RSS or list in pages get their
/// methods: a form, `bytes::Bytes` (with `download()`), an `Accept`-negotiated RSS method and
/// 20 item streams (the calls themselves run in `whole_api/bodies_2026.rs`).
fn uploads_downloads_rss_and_paginated_lists_get_their_methods(files: &[GeneratedFile]) {
    let module = |tag: &str| {
        let path = format!("src/api/{tag}.rs");
        files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}")).contents.replace(['\n', ' '], "")
    };
    let has = |tag: &str, needle: &str| assert!(module(tag).contains(needle), "{tag}: no `{needle}`");
    has("files", "pubfnupload(");
    has("files", "->crate::Upload<'c,crate::models::FileResponse,UploadError>");
    has("files", "pubfile:crate::FilePart,");
    has("stt", "pubfncreate_transcription_form(&self,form:crate::api::stt::CreateAudioTranscriptionsForm,)");
    has("stt", "pubfnnew(file:crate::FilePart,model:String)");
    has("files", "->crate::Request<'c,bytes::Bytes,DownloadError>");
    has("tts", "->crate::Request<'c,bytes::Bytes,CreateSpeechError>");
    has("video_generation", "->crate::Request<'c,bytes::Bytes,GetVideoContentError>");
    has("models", "->crate::Request<'c,String,ListError>");
    has("models", "request.header(\"Accept\",\"application/rss+xml\")");
    let streams: usize = files
        .iter()
        .filter(|f| f.path.starts_with("src/api/"))
        .map(|f| f.contents.matches("-> crate::Items<").count())
        .sum();
    let cursor = module("files");
    assert!(cursor.contains("crate::paginate::Items::cursor("), "the files list walks by cursor");
    assert_eq!(streams, 20, "one item stream per paginated list");
}

/// Chat, Responses and Images offer a real event stream and get a streaming method (the
/// crate built by the test above compiles, lints, documents and runs it); the placeholder
/// streams of Embeddings and Rerank do not.
fn streams_chat_responses_and_images_only(files: &[GeneratedFile]) {
    let methods = |tag: &str| -> Vec<String> {
        let source = &files.iter().find(|f| f.path == format!("src/api/{tag}.rs")).unwrap().contents;
        source
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub fn ")?.split('(').next())
            .filter(|m| m.ends_with("_stream"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(methods("chat"), ["send_stream"]);
    assert_eq!(methods("responses"), ["send_stream"]);
    assert_eq!(methods("images"), ["generate_stream"]);
    assert!(methods("embeddings").is_empty() && methods("rerank").is_empty());
    let streaming: Vec<&str> = files
        .iter()
        .filter(|f| f.path.starts_with("src/api/") && f.contents.contains("crate::EventStream::new("))
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(streaming, ["src/api/chat.rs", "src/api/images.rs", "src/api/responses.rs"]);
}
