//! Property tests over load → normalize → lower: arbitrary bytes, and random mutations of our
//! spec and of the real upstream documents, must give `Ok` or a clean error — never a panic.
//!
//! `FUZZ_CASES=N` raises the number of cases (the default keeps `cargo test` quick); failing
//! inputs that were found and fixed are kept below as regression tests.

mod common;

use generator::{load, lower_value};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

fn cases(default: u32) -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Runs every stage after load on `value`, and normalization on the whole document too (the
/// pipeline first keeps only what the tag needs); only a panic fails the property.
fn pipeline(value: Value) {
    if let Ok(whole) = generator::normalize::normalize(value.clone(), "fuzz.yaml") {
        let _ = generator::normalize::to_openapi(whole, "fuzz.yaml").and_then(|doc| doc.into_openapi());
    }
    let _ = lower_value(value, &["OAuth".to_owned()], "fuzz.yaml");
}

fn our_spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| load::load(&common::root().join("spec/openrouter.yaml"), "spec").unwrap())
}

fn upstream(name: &str) -> Option<Value> {
    let path = common::root().join("../shared/openapi").join(name);
    if !path.exists() {
        assert!(std::env::var_os("CI").is_none(), "{} is missing on CI", path.display());
        eprintln!("skipped: {} is not here", path.display());
        return None;
    }
    Some(load::load(&path, name).unwrap())
}

/// Values a mutation puts in place of a node: every JSON kind, and the shapes the
/// normalizer looks at.
fn replacement(kind: u8, n: u32, names: &[String]) -> Value {
    // A reference to an existing component: the way to build reference cycles.
    let target =
        names.get(n as usize % names.len().max(1)).map(|t| format!("#/components/schemas/{t}")).unwrap_or_default();
    match kind % 17 {
        14 => json!({"$ref": target}),
        15 => json!({"type": "array", "items": {"$ref": target}}),
        16 => json!({"type": "object", "additionalProperties": {"$ref": target}}),
        0 => Value::Null,
        1 => json!(n),
        2 => json!(-(n as i64)),
        3 => json!(f64::from(n) / 7.0),
        4 => json!("x"),
        5 => json!([]),
        6 => json!({}),
        7 => json!({"type": ["string", "null"]}),
        8 => json!({"$ref": "#/components/schemas/Nope"}),
        9 => json!({"anyOf": [{"type": "null"}]}),
        10 => json!({"type": "object", "properties": {"self": {"$ref": "#/components/schemas/BadRequestResponse"}}}),
        11 => json!({"const": null}),
        12 => json!(true),
        _ => json!({"enum": [null, 1, "a", [], {}]}),
    }
}

/// Replaces (or, for kind 255, deletes) the node reached by following `steps` down the tree.
fn mutate(node: &mut Value, steps: &[u32], kind: u8, n: u32, names: &[String]) {
    let Some((step, rest)) = steps.split_first() else {
        *node = replacement(kind, n, names);
        return;
    };
    let delete = rest.is_empty() && kind == 255;
    match node {
        Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(*step as usize % map.len()).cloned().unwrap_or_default();
            if delete {
                map.shift_remove(&key);
            } else if let Some(child) = map.get_mut(&key) {
                mutate(child, rest, kind, n, names);
            }
        }
        Value::Array(list) if !list.is_empty() => {
            let i = *step as usize % list.len();
            if delete {
                list.remove(i);
            } else {
                mutate(&mut list[i], rest, kind, n, names);
            }
        }
        _ => *node = replacement(kind, n, names),
    }
}

fn component_names(doc: &Value) -> Vec<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn mutation() -> impl Strategy<Value = Vec<(Vec<u32>, u8, u32)>> {
    prop::collection::vec((prop::collection::vec(any::<u32>(), 1..12), any::<u8>(), any::<u32>()), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(value) = load::parse(&bytes, "fuzz.yaml") {
            pipeline(value);
        }
    }

    #[test]
    fn arbitrary_yaml_text_never_panics(text in "[a-z{}\\[\\]:,'\"\\- \n#&*!|>0-9]{0,200}") {
        if let Ok(value) = load::parse(text.as_bytes(), "fuzz.yaml") {
            pipeline(value);
        }
    }

    #[test]
    fn mutations_of_our_spec_never_panic(muts in mutation()) {
        let mut doc = our_spec().clone();
        let names = component_names(&doc);
        for (steps, kind, n) in &muts {
            mutate(&mut doc, steps, *kind, *n, &names);
        }
        pipeline(doc);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(24), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutations_of_the_upstream_documents_never_panic(muts in mutation(), which in any::<bool>()) {
        static DOCS: OnceLock<Option<(Value, Value)>> = OnceLock::new();
        let docs = DOCS.get_or_init(|| Some((upstream("openrouter-2025-09-24.yaml")?, upstream("openrouter-2026-08-22.yaml")?)));
        let Some((old, new)) = docs else { return Ok(()) };
        let mut doc = if which { new.clone() } else { old.clone() };
        let names = component_names(&doc);
        for (steps, kind, n) in &muts {
            mutate(&mut doc, steps, *kind, *n, &names);
        }
        pipeline(doc);
    }
}
