//! The Markdown docs never show code that is not compiled: every Rust snippet on a docs page
//! is byte-identical to an example program under `generated/examples/` (built by
//! `cargo test`), and the README's snippets are doctests (it is the crate's front page).

mod common;

use std::path::Path;

/// The fenced blocks of a Markdown text: (info string, body).
fn code_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => out.push(current.take().unwrap()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

fn markdown_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// Bodies of the example programs, without their header line.
fn examples(generated: &Path) -> Vec<String> {
    std::fs::read_dir(generated.join("examples"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .map(|text| text.split_once('\n').map(|(_, body)| body.to_owned()).unwrap_or_default())
        .collect()
}

#[test]
fn every_rust_snippet_in_the_docs_is_compiled_somewhere() {
    let generated = common::root().join("generated");
    let examples = examples(&generated);
    let lib = std::fs::read_to_string(generated.join("src/lib.rs")).unwrap();
    let mut pages = Vec::new();
    markdown_files(&generated, &mut pages);
    let mut checked = 0;
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        let is_readme = page == generated.join("README.md");
        for (info, body) in code_blocks(&text) {
            if !info.starts_with("rust") {
                continue;
            }
            checked += 1;
            if is_readme {
                assert!(lib.contains("#![doc = include_str!(\"../README.md\")]"), "README.md is not the crate docs");
                assert!(!info.contains("ignore"), "{}: a README snippet is ignored", page.display());
            } else {
                assert!(
                    examples.contains(&body),
                    "{}: this snippet is not an example program under generated/examples/:\n{body}",
                    page.display()
                );
            }
        }
    }
    assert!(checked >= 3, "only {checked} snippets found");
}

/// Checks one generated crate's docs: sections, one error row per documented status, no empty
/// cell, and every snippet of a docs page equal to one of its example programs.
fn check_docs(files: &[generator::GeneratedFile], ops: &[&str]) {
    let page = &files.iter().find(|f| f.path == "docs/sdks/oauth/README.md").expect("no OAuth page").contents;
    for section in ["## Available Operations", "### Example Usage", "### Parameters", "### Response", "### Errors"] {
        assert!(page.contains(section), "missing {section}");
    }
    for op in ops {
        assert!(page.contains(&format!("## {op}")), "missing {op}");
    }
    let examples: Vec<&str> = files
        .iter()
        .filter(|f| f.path.starts_with("examples/"))
        .map(|f| f.contents.split_once('\n').map_or("", |(_, body)| body))
        .collect();
    for f in files.iter().filter(|f| f.path.starts_with("docs/")) {
        for line in f.contents.lines().filter(|l| l.starts_with('|')) {
            assert!(!line.contains("|  |") && !line.contains("||"), "{}: empty cell in {line}", f.path);
        }
        for (info, body) in code_blocks(&f.contents) {
            if info.starts_with("rust") {
                assert!(examples.contains(&body.as_str()), "{}: snippet is not an example program:\n{body}", f.path);
            }
        }
    }
}

#[test]
fn docs_of_both_upstream_revisions_are_complete() {
    for (file, ops, statuses) in [
        ("openrouter-2025-09-24.yaml", ["post_auth_keys", "post_auth_keys_code"], &["| 4XX |", "| 5XX |"][..]),
        (
            "openrouter-2026-08-22.yaml",
            ["exchange_auth_code_for_api_key", "create_auth_code"],
            &["| 400 |", "| 401 |", "| 403 |", "| 409 |", "| 500 |"][..],
        ),
    ] {
        let path = common::root().join("../shared/openapi").join(file);
        if !path.exists() {
            assert!(std::env::var_os("CI").is_none(), "{} is missing on CI", path.display());
            eprintln!("SKIPPED: {} not found", path.display());
            continue;
        }
        let config = generator::Config {
            spec: path,
            spec_display: file.into(),
            tags: vec!["OAuth".into()],
            secrets: generator::secrets::openrouter_defaults(),
        };
        let files = generator::generate(&config).unwrap_or_else(|e| panic!("{e}"));
        check_docs(&files, &ops);
        let page = &files.iter().find(|f| f.path == "docs/sdks/oauth/README.md").unwrap().contents;
        for s in statuses {
            assert!(page.contains(s), "{file}: missing error row {s}");
        }
    }
}

#[test]
fn docs_pages_have_every_section_and_no_empty_cells() {
    let generated = common::root().join("generated");
    let page = std::fs::read_to_string(generated.join("docs/sdks/oauth/README.md")).unwrap();
    for section in ["## Available Operations", "### Example Usage", "### Parameters", "### Response", "### Errors"] {
        assert!(page.contains(section), "missing {section}");
    }
    for op in ["create_auth_code", "exchange_auth_code_for_api_key"] {
        assert!(page.contains(&format!("## {op}")), "missing {op}");
    }
    for status in ["| 400 |", "| 401 |", "| 403 |", "| 409 |", "| 500 |"] {
        assert!(page.contains(status), "missing error row {status}");
    }
    let mut pages = Vec::new();
    markdown_files(&generated.join("docs"), &mut pages);
    assert!(pages.len() > 10, "{pages:?}");
    for p in pages {
        let text = std::fs::read_to_string(&p).unwrap();
        for line in text.lines().filter(|l| l.starts_with('|')) {
            assert!(!line.contains("|  |") && !line.contains("||"), "{}: empty cell in {line}", p.display());
        }
    }
}
