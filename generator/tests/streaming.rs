//! Server-sent events: the crate generated from `fixtures/streaming.yaml` has a streaming
//! method exactly where the document offers a real event stream, is clippy- and rustdoc-clean,
//! and passes `fixtures/streaming_behaviour.rs` (a real 127.0.0.1 server writing streams in
//! small pieces with pauses) and its own tests.

mod common;

use generator::{generate, Config, GeneratedFile};
use std::path::Path;

fn streaming() -> Vec<GeneratedFile> {
    let config = Config {
        spec: common::root().join("generator/tests/fixtures/streaming.yaml"),
        spec_display: "generator/tests/fixtures/streaming.yaml".into(),
        tags: vec!["Chat".into(), "Images".into(), "Embeddings".into(), "Responses".into()],
        secrets: generator::secrets::openrouter_defaults(),
    };
    generate(&config).unwrap_or_else(|e| panic!("{e}"))
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    &files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}")).contents
}

#[test]
fn streaming_methods_exist_where_a_real_event_stream_is_offered() {
    let files = streaming();
    for (tag, method) in [("chat", "send_stream"), ("images", "generate_stream"), ("responses", "create_stream")] {
        let source = file(&files, &format!("src/api/{tag}.rs"));
        assert!(source.contains(&format!("pub fn {method}(")), "{tag}: no {method}");
    }
    // A placeholder (`type: string`) stream is no API.
    assert!(!file(&files, "src/api/embeddings.rs").contains("_stream"));
    // The runtime comes only with a streaming operation.
    assert!(files.iter().any(|f| f.path == "src/request/stream.rs"));
    assert!(file(&files, "Cargo.toml").contains("eventsource-stream"));
    // The chat collector comes with the chat stream's chunk type, with its example and docs.
    assert!(files.iter().any(|f| f.path == "src/api/chat/collect.rs"));
    assert!(files.iter().any(|f| f.path == "examples/chat_stream_tokens.rs"));
    let page = file(&files, "docs/sdks/chat/README.md");
    assert!(page.contains("### Streaming: `send_stream`") && page.contains("## Streaming a chat"));
}

#[test]
fn the_streaming_crate_is_lint_clean_documented_and_streams_from_a_local_server() {
    let mut files = streaming();
    // The behaviour tests' property test needs proptest (already built for this workspace).
    let manifest = files.iter_mut().find(|f| f.path == "Cargo.toml").unwrap();
    manifest.contents = manifest.contents.replace(
        "[dev-dependencies]\n",
        "[dev-dependencies]\nproptest = { version = \"1\", default-features = false, features = [\"std\"] }\n",
    );
    let behaviour = include_str!("fixtures/streaming_behaviour.rs");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("streaming");
    // The bench's streaming program is an example of this crate: clippy checks it here.
    let bench = include_str!("../../xtask/bench/stream_bench.rs");
    common::sync_crate(&dir, &files, &[("tests/streaming.rs", behaviour), ("examples/stream_bench.rs", bench)]);
    let run = |what: &str, args: &[&str], envs: &[(&str, &str)]| {
        let (ok, stdout, stderr) = common::cargo_in(&dir, args, envs);
        assert!(ok, "{what} failed\n{stderr}\n{stdout}");
        stdout
    };
    run("clippy", &["clippy", "--all-targets", "--color", "never", "--", "-D", "warnings"], &[]);
    run("rustdoc", &["doc", "--no-deps", "--color", "never"], &[("RUSTDOCFLAGS", "-D warnings")]);
    let stdout = run("tests", &["test", "--color", "never"], &[]);
    for name in [
        "any_split_of_the_stream_decodes_the_same",
        "dropping_the_stream_closes_the_connection",
        "silence_past_the_idle_timeout_fails_but_comments_keep_the_stream_alive",
        // The chat collector (the `Chat` tag's extra).
        "a_recorded_shape_stream_collects_into_the_final_message",
    ] {
        assert!(stdout.contains(&format!("{name} ... ok")), "{name} did not run\n{stdout}");
    }
}
