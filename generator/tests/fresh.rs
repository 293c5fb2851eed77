//! `cargo test --workspace` fails when generated/ is stale, like `cargo xtask codegen --check`.

mod common;

use generator::{generate, write, Config};

#[test]
fn committed_generated_crate_matches_the_spec() {
    let root = common::root();
    let config = Config {
        spec: root.join("spec/openrouter.yaml"),
        spec_display: "spec/openrouter.yaml".into(),
        tags: vec!["OAuth".into()],
        secrets: generator::secrets::openrouter_defaults(),
    };
    let mut files = generate(&config).unwrap_or_else(|e| panic!("{e}"));
    let out = root.join("generated");
    // As `cargo xtask codegen` does: a version bumped by `--changelog` and the changelog stay.
    generator::diff::release::carry_over(&out, &mut files).unwrap();
    let changes = write::plan(&out, &files).unwrap();
    assert!(changes.is_empty(), "generated/ is stale; run `cargo xtask codegen`:\n{}", write::report(&out, &changes));
}
