//! A corpus of broken documents, each with the exact error output a user sees.
//!
//! Every `tests/bad_specs/<name>.{yaml,json}` must fail to generate with the text in
//! `<name>.err` (the kind, then the diagnostics as `cargo xtask codegen` prints them).
//! Run with `BLESS=1` to rewrite the `.err` files after an intended change of wording.

mod common;

use generator::{generate, Config, ErrorKind};

#[test]
fn every_bad_spec_fails_with_its_expected_error() {
    let dir = common::root().join("generator/tests/bad_specs");
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 25, "the corpus has only {} documents", specs.len());
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for spec in &specs {
        let name = spec.file_name().unwrap().to_string_lossy().into_owned();
        let config = Config {
            spec: spec.clone(),
            spec_display: format!("bad_specs/{name}"),
            tags: vec!["OAuth".into()],
            secrets: generator::secrets::openrouter_defaults(),
        };
        // A panic here is a bug the corpus exists to catch: report it as such.
        let outcome = std::panic::catch_unwind(|| generate(&config));
        let actual = match outcome {
            Err(_) => format!("PANIC while generating {name}\n"),
            Ok(Ok(_)) => format!("generated without error: {name}\n"),
            Ok(Err(e)) => {
                let kind = match e.kind {
                    ErrorKind::Spec => "spec error (exit 1)",
                    ErrorKind::Usage => "usage error (exit 2)",
                    ErrorKind::Internal => "internal error (exit 3)",
                };
                format!("{kind}\n{e}\n")
            }
        };
        let expected_path = spec.with_extension("err");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!("{name}:\n--- expected\n{expected}--- actual\n{actual}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ (BLESS=1 rewrites):\n{}",
        failures.len(),
        specs.len(),
        failures.join("\n")
    );
}
