//! The semantic API diff: one crafted pair per classification rule (the base document
//! `diff_pairs/base.yaml`, changed in one place), the surface file round trip, the output
//! formats, the release record, and the real pairs of upstream documents (snapshots).

mod upstream_docs;

use generator::diff::release::{self, CHANGELOG};
use generator::diff::render::{json, markdown, summary, text, OPEN_NOTE};
use generator::diff::surface::{Surface, SURFACE_FILE};
use generator::diff::{compare, diff, Bump, Class, Diff, Options};
use generator::ir::Api;
use serde_json::{json, Value};
use std::path::Path;

const BASE: &str = include_str!("diff_pairs/base.yaml");

fn base() -> Value {
    generator::load::parse(BASE.as_bytes(), "base.yaml").unwrap()
}

fn lower(v: Value, name: &str) -> Api {
    generator::lower_value(v, &[], name).unwrap_or_else(|e| panic!("{e}"))
}

/// The diff from the base document to the base changed by `edit`.
fn pair(edit: impl FnOnce(&mut Value)) -> Diff {
    let mut new = base();
    edit(&mut new);
    diff(&lower(base(), "old.yaml"), &lower(new, "new.yaml"), Options::default())
}

fn at<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Value {
    v.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer} in the base document"))
}

fn remove(v: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    match at(v, parent) {
        Value::Object(m) => {
            m.shift_remove(&key).unwrap_or_else(|| panic!("no {pointer}"));
        }
        Value::Array(a) => {
            a.remove(key.parse::<usize>().unwrap());
        }
        _ => panic!("{parent} holds nothing to remove"),
    }
}

fn push(v: &mut Value, pointer: &str, item: Value) {
    at(v, pointer).as_array_mut().unwrap_or_else(|| panic!("{pointer} is no list")).push(item);
}

const POST: &str = "/paths/~1things/post";
const GET: &str = "/paths/~1things~1{id}/get";
const S: &str = "/components/schemas";

/// Asserts that `d` holds exactly one change and that it has `class` and `rule`.
#[track_caller]
fn only(d: &Diff, class: Class, rule: &str) {
    let shown: Vec<String> = d.changes.iter().map(|c| format!("{:?} {} {}", c.class, c.rule, c.message)).collect();
    assert_eq!(d.changes.len(), 1, "expected one change, got {shown:#?}");
    assert_eq!((d.changes[0].class, d.changes[0].rule), (class, rule), "{shown:#?}");
}

/// Asserts that `d` holds a change with `class` and `rule`.
#[track_caller]
fn has(d: &Diff, class: Class, rule: &str) {
    let shown: Vec<String> = d.changes.iter().map(|c| format!("{:?} {} {}", c.class, c.rule, c.message)).collect();
    assert!(d.changes.iter().any(|c| c.class == class && c.rule == rule), "no {class:?} {rule} in {shown:#?}");
}

// Operations.

#[test]
fn added_operation_is_compatible() {
    let d = pair(|v| {
        at(v, "/paths/~1things~1{id}").as_object_mut().unwrap().insert(
            "delete".into(),
            json!({
                "tags": ["Things"], "operationId": "deleteThing",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "Gone."}}
            }),
        );
    });
    only(&d, Class::Compatible, "operation-added");
    assert_eq!(d.bump(), Bump::Minor);
}

#[test]
fn removed_operation_is_breaking() {
    let d = pair(|v| remove(v, GET));
    only(&d, Class::Breaking, "operation-removed");
    assert_eq!(d.bump(), Bump::Major);
}

#[test]
fn renamed_operation_is_breaking() {
    let d = pair(|v| *at(v, &format!("{GET}/operationId")) = json!("fetchThing"));
    has(&d, Class::Breaking, "operation-renamed");
    has(&d, Class::Breaking, "error-enum-renamed");
    assert!(d.changes[0].message.contains("`get_thing` → `fetch_thing`"), "{:?}", d.changes[0]);
}

#[test]
fn deprecated_operation_is_a_behaviour_change() {
    let d = pair(|v| {
        at(v, GET).as_object_mut().unwrap().insert("deprecated".into(), json!(true));
    });
    only(&d, Class::Behaviour, "operation-deprecated");
}

#[test]
fn removed_tag_removes_its_operations() {
    let d = pair(|v| {
        for p in [POST, GET] {
            *at(v, &format!("{p}/tags")) = json!(["Other"]);
        }
        *at(v, "/tags") = json!([{"name": "Other"}]);
    });
    has(&d, Class::Breaking, "tag-removed");
    has(&d, Class::Compatible, "tag-added");
    assert_eq!(d.count(Class::Breaking), 3, "{:#?}", d.changes);
}

// Parameters.

#[test]
/// Every parameter is a method argument (`Option<T>` when optional), so any new one breaks
/// callers: cargo-semver-checks' `method_parameter_count_changed` agrees.
fn new_parameters_are_new_method_arguments_so_breaking() {
    let required = json!({"name": "limit", "in": "query", "required": true, "schema": {"type": "integer"}});
    only(&pair(|v| push(v, &format!("{POST}/parameters"), required)), Class::Breaking, "param-added-required");
    let optional = json!({"name": "limit", "in": "query", "schema": {"type": "integer"}});
    let d = pair(|v| push(v, &format!("{POST}/parameters"), optional));
    only(&d, Class::Breaking, "param-added-optional");
    assert!(d.changes[0].message.contains("`limit: Option<i64>`"), "{:?}", d.changes[0]);
}

#[test]
fn reordered_parameters_are_breaking() {
    let d = pair(|v| {
        let limit = json!({"name": "limit", "in": "query", "schema": {"type": "boolean"}});
        at(v, &format!("{POST}/parameters")).as_array_mut().unwrap().insert(0, limit);
    });
    only(&d, Class::Breaking, "param-added-optional");
    let d = pair(|v| {
        push(v, &format!("{POST}/parameters"), json!({"name": "dry", "in": "query", "schema": {"type": "boolean"}}));
    });
    let before = base();
    let mut swapped = base();
    push(
        &mut swapped,
        &format!("{POST}/parameters"),
        json!({"name": "dry", "in": "query", "schema": {"type": "boolean"}}),
    );
    at(&mut swapped, &format!("{POST}/parameters")).as_array_mut().unwrap().swap(0, 1);
    let mut with_dry = before.clone();
    push(
        &mut with_dry,
        &format!("{POST}/parameters"),
        json!({"name": "dry", "in": "query", "schema": {"type": "boolean"}}),
    );
    let r = diff(&lower(with_dry, "old"), &lower(swapped, "new"), Options::default());
    only(&r, Class::Breaking, "param-reordered");
    assert!(r.changes[0].message.contains("now (dry, verbose)"), "{:?}", r.changes[0]);
    has(&d, Class::Breaking, "param-added-optional");
}

#[test]
fn parameter_made_required_removed_or_retyped_is_breaking() {
    only(
        &pair(|v| {
            at(v, &format!("{POST}/parameters/0")).as_object_mut().unwrap().insert("required".into(), json!(true));
        }),
        Class::Breaking,
        "param-now-required",
    );
    only(&pair(|v| remove(v, &format!("{POST}/parameters/0"))), Class::Breaking, "param-removed");
    only(
        &pair(|v| *at(v, &format!("{POST}/parameters/0/schema/type")) = json!("integer")),
        Class::Breaking,
        "param-retyped",
    );
}

// Bodies and responses.

#[test]
fn retyped_body_and_response_are_breaking() {
    let problem = json!({"$ref": "#/components/schemas/Problem"});
    let body = format!("{POST}/requestBody/content/application~1json/schema");
    let d = pair(|v| *at(v, &body) = problem.clone());
    has(&d, Class::Breaking, "body-retyped");
    let success = format!("{GET}/responses/200/content/application~1json/schema");
    only(&pair(|v| *at(v, &success) = problem), Class::Breaking, "response-retyped");
}

#[test]
fn new_error_status_is_a_behaviour_change_and_a_removed_one_breaking() {
    let d = pair(|v| {
        let conflict = json!({"description": "Conflict.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
        at(v, &format!("{POST}/responses")).as_object_mut().unwrap().insert("409".into(), conflict);
    });
    only(&d, Class::Behaviour, "error-added");
    assert!(d.changes[0].message.contains("`Conflict`"), "{:?}", d.changes[0]);
    let d = pair(|v| remove(v, &format!("{POST}/responses/404")));
    has(&d, Class::Breaking, "error-removed");
}

// Struct fields, by where the model is used.

#[test]
fn new_required_request_field_is_breaking() {
    let d = pair(|v| {
        at(v, &format!("{S}/ThingRequest/properties"))
            .as_object_mut()
            .unwrap()
            .insert("color".into(), json!({"type": "string"}));
        push(v, &format!("{S}/ThingRequest/required"), json!("color"));
    });
    only(&d, Class::Breaking, "field-added-required");
}

#[test]
/// A new optional field changes no signature; a new required response field adds an argument
/// to the model's `new()` (cargo-semver-checks: `method_parameter_count_changed`).
fn new_optional_field_is_compatible_and_required_response_field_breaking() {
    let d = pair(|v| {
        at(v, &format!("{S}/ThingRequest/properties"))
            .as_object_mut()
            .unwrap()
            .insert("color".into(), json!({"type": "string"}));
    });
    only(&d, Class::Compatible, "field-added-optional");
    let d = pair(|v| {
        at(v, &format!("{S}/Thing/properties"))
            .as_object_mut()
            .unwrap()
            .insert("created".into(), json!({"type": "string"}));
        push(v, &format!("{S}/Thing/required"), json!("created"));
    });
    only(&d, Class::Breaking, "field-added-response");
}

#[test]
fn removed_or_retyped_field_is_breaking() {
    only(&pair(|v| remove(v, &format!("{S}/Thing/properties/note"))), Class::Breaking, "field-removed");
    only(
        &pair(|v| *at(v, &format!("{S}/ThingRequest/properties/size/type")) = json!("string")),
        Class::Breaking,
        "field-retyped",
    );
}

#[test]
fn optional_to_required_in_a_request_is_breaking() {
    let d = pair(|v| push(v, &format!("{S}/ThingRequest/required"), json!("size")));
    only(&d, Class::Breaking, "field-presence-retyped");
    assert!(d.changes[0].message.contains("`Option<i64>` → `i64`"), "{:?}", d.changes[0]);
}

/// A response field that becomes optional changes its Rust type (`T` → `Option<T>`): code
/// reading it stops compiling, so for this crate it is breaking, not only a behaviour change.
#[test]
fn response_field_that_becomes_optional_changes_its_rust_type() {
    let d = pair(|v| *at(v, &format!("{S}/Thing/required")) = json!(["status"]));
    only(&d, Class::Breaking, "field-presence-retyped");
    assert!(d.changes[0].message.contains("(response)"), "{:?}", d.changes[0]);
}

/// Optional ↔ required-and-nullable keeps the Rust type (`Option<T>`): a behaviour change.
#[test]
fn presence_change_that_keeps_the_rust_type_is_a_behaviour_change() {
    let d = pair(|v| {
        push(v, &format!("{S}/Thing/required"), json!("note"));
        at(v, &format!("{S}/Thing/properties/note")).as_object_mut().unwrap().insert("nullable".into(), json!(true));
    });
    only(&d, Class::Behaviour, "field-presence");
}

#[test]
fn tighter_request_constraint_is_a_behaviour_change() {
    let d = pair(|v| {
        at(v, &format!("{S}/ThingRequest/properties/size"))
            .as_object_mut()
            .unwrap()
            .insert("maximum".into(), json!(10));
    });
    only(&d, Class::Behaviour, "field-constraints");
}

// Enums and unions: open, so new values are compatible; removed ones break.

#[test]
fn new_response_enum_value_is_compatible_because_enums_are_open() {
    let d = pair(|v| push(v, &format!("{S}/Status/enum"), json!("pending")));
    only(&d, Class::Compatible, "enum-value-added");
    assert!(d.changes[0].message.contains("open"), "{:?}", d.changes[0]);
    assert!(markdown(&d, "a", "b").contains(OPEN_NOTE));
    assert!(text(&d).contains(OPEN_NOTE));
}

#[test]
fn new_request_enum_value_is_compatible() {
    only(&pair(|v| push(v, &format!("{S}/Kind/enum"), json!("c"))), Class::Compatible, "enum-value-added");
}

#[test]
fn removed_enum_value_is_breaking_in_requests_and_responses() {
    let d = pair(|v| *at(v, &format!("{S}/Kind/enum")) = json!(["a"]));
    only(&d, Class::Breaking, "enum-value-removed");
    assert!(d.changes[0].message.contains("request sending it becomes invalid"), "{:?}", d.changes[0]);
    only(&pair(|v| *at(v, &format!("{S}/Status/enum")) = json!(["ok"])), Class::Breaking, "enum-value-removed");
}

#[test]
fn union_variants_added_are_compatible_and_removed_ones_breaking() {
    let d = pair(|v| {
        at(v, S).as_object_mut().unwrap().insert(
            "Triangle".into(),
            json!({"type": "object", "required": ["corners"], "properties": {"corners": {"type": "array", "items": {"type": "number"}}}}),
        );
        push(v, &format!("{S}/Shape/oneOf"), json!({"$ref": "#/components/schemas/Triangle"}));
    });
    has(&d, Class::Compatible, "union-variant-added");
    has(&d, Class::Compatible, "model-added");
    assert_eq!(d.count(Class::Breaking), 0, "{:#?}", d.changes);
    let d = pair(|v| remove(v, &format!("{S}/Shape/oneOf/1")));
    has(&d, Class::Breaking, "union-variant-removed");
}

// What is not an API change.

#[test]
fn documentation_and_reordering_are_no_api_change() {
    let edit = |v: &mut Value| {
        *at(v, &format!("{S}/ThingRequest/description")) = json!("Something else.");
        *at(v, &format!("{S}/ThingRequest/properties/name/description")) = json!("Another name.");
        *at(v, &format!("{POST}/summary")) = json!("Make one.");
        // Reordered properties.
        let props = at(v, &format!("{S}/Thing/properties")).as_object_mut().unwrap();
        let note = props.shift_remove("note").unwrap();
        props.shift_insert(0, "note".into(), note);
    };
    let d = pair(edit);
    assert!(d.is_empty(), "{:#?}", d.changes);
    assert_eq!(d.bump(), Bump::None);
    let mut new = base();
    edit(&mut new);
    let with_docs = diff(&lower(base(), "old"), &lower(new, "new"), Options { docs: true });
    assert_eq!(with_docs.count(Class::Docs), with_docs.changes.len());
    assert_eq!(with_docs.changes.len(), 3, "{:#?}", with_docs.changes);
    assert_eq!(with_docs.bump(), Bump::Patch);
    assert_eq!(summary(&with_docs), "no API changes (3 docs) → patch version bump");
}

#[test]
fn server_change_is_a_behaviour_change() {
    only(&pair(|v| *at(v, "/servers/0/url") = json!("https://example.org")), Class::Behaviour, "server-changed");
}

#[test]
fn bumps_follow_cargo_semver() {
    assert_eq!(Bump::Major.apply("0.1.0").as_deref(), Some("0.2.0"));
    assert_eq!(Bump::Minor.apply("0.1.0").as_deref(), Some("0.1.1"));
    assert_eq!(Bump::Patch.apply("0.1.3").as_deref(), Some("0.1.4"));
    assert_eq!(Bump::Major.apply("1.4.2").as_deref(), Some("2.0.0"));
    assert_eq!(Bump::Minor.apply("1.4.2").as_deref(), Some("1.5.0"));
    assert_eq!(Bump::None.apply("1.4.2"), None);
    assert_eq!(Bump::Major.apply("1.x"), None);
}

// Output formats.

/// Every table in `md` keeps its columns: each row has as many unescaped `|` as its header,
/// and the second row is the separator.
#[track_caller]
fn assert_tables_render(md: &str) {
    let pipes = |line: &str| {
        let mut n = 0;
        let mut escaped = false;
        for c in line.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                '|' if !escaped => n += 1,
                _ => escaped = false,
            }
            if c != '\\' {
                escaped = false;
            }
        }
        n
    };
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with('|') {
            i += 1;
            continue;
        }
        assert!(i == 0 || lines[i - 1].is_empty(), "a table must follow a blank line: {:?}", lines[i]);
        let width = pipes(lines[i]);
        assert!(lines.get(i + 1).is_some_and(|l| l.starts_with("| ---")), "no separator under {:?}", lines[i]);
        while i < lines.len() && lines[i].starts_with('|') {
            assert_eq!(pipes(lines[i]), width, "broken row: {:?}", lines[i]);
            assert!(lines[i].ends_with('|'), "unterminated row: {:?}", lines[i]);
            i += 1;
        }
        assert!(lines.get(i).is_none_or(|l| l.is_empty()), "a table must end with a blank line");
    }
}

#[test]
fn markdown_tables_survive_pipes_in_values() {
    let d = pair(|v| push(v, &format!("{S}/Status/enum"), json!("a|b")));
    let md = markdown(&d, "old", "new");
    assert!(md.contains(r"a\|b"), "{md}");
    assert_tables_render(&md);
}

#[test]
fn json_output_lists_classes_rules_and_the_bump() {
    let d = pair(|v| remove(v, GET));
    let out: Value = serde_json::from_str(&json(&d, "old", "new")).unwrap();
    assert_eq!(out["summary"]["breaking"], 1);
    assert_eq!(out["summary"]["bump"], "major");
    assert_eq!(out["changes"][0]["class"], "breaking");
    assert_eq!(out["changes"][0]["scope"], "operation");
    assert_eq!(out["changes"][0]["rule"], "operation-removed");
    assert_eq!(out["changes"][0]["path"], "/things/{id}");
}

// The surface file.

#[test]
fn surface_file_round_trips() {
    let api = lower(base(), "base.yaml");
    let s = Surface::of(&api);
    assert_eq!(Surface::parse(&s.to_text(), SURFACE_FILE).unwrap(), s);
}

#[test]
fn broken_surface_file_is_a_located_one_line_error() {
    let e = Surface::parse("// c\napi {\"bearer_auth\":true}\nop {\"tag\":\"X\"}\n", "api-surface.txt")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("error: api-surface.txt: line 3, column 1: invalid `op` line:"), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
    let e = Surface::parse("what {}\n", "f").unwrap_err().to_string();
    assert!(e.contains("f: line 1, column 1: unknown line kind `what`"), "{e}");
}

// The release record: --check summary, version bump, changelog.

fn write_crate(dir: &Path, api: &Api) -> Vec<generator::GeneratedFile> {
    let mut files = generator::emit::emit(api, "spec.yaml").unwrap();
    release::carry_over(dir, &mut files).unwrap();
    generator::write::write_all(dir, &files).unwrap();
    files
}

#[test]
fn check_summary_changelog_and_version_follow_the_committed_surface() {
    let dir = tempfile::tempdir().unwrap();
    let old = lower(base(), "spec.yaml");
    write_crate(dir.path(), &old);
    let mut new = base();
    remove(&mut new, GET);
    let new = lower(new, "spec.yaml");
    let mut files = generator::emit::emit(&new, "spec.yaml").unwrap();
    release::carry_over(dir.path(), &mut files).unwrap();
    let summary = release::check_summary(dir.path(), &files);
    assert!(
        summary.starts_with("API changes: 1 breaking, 0 behaviour, 0 compatible → major version bump\n"),
        "{summary}"
    );
    assert!(summary.contains("operation removed") || summary.contains("removed"), "{summary}");

    let r = release::record(dir.path(), &mut files, "spec.yaml").unwrap().unwrap();
    assert_eq!((r.from.as_str(), r.to.as_str(), r.bump), ("0.1.0", "0.2.0", Bump::Major));
    let manifest = &files.iter().find(|f| f.path == "Cargo.toml").unwrap().contents;
    assert_eq!(release::manifest_version(manifest), Some("0.2.0"));
    let log = files.iter().find(|f| f.path == CHANGELOG).unwrap().contents.clone();
    assert!(generator::emit::is_generated(&log));
    assert!(log.contains("## API changes: `0.1.0` → `0.2.0 (spec.yaml)`"), "{log}");
    assert_tables_render(&log);
    generator::write::write_all(dir.path(), &files).unwrap();

    // A plain regeneration keeps the bumped version and the changelog: nothing is stale.
    let mut again = generator::emit::emit(&new, "spec.yaml").unwrap();
    release::carry_over(dir.path(), &mut again).unwrap();
    assert_eq!(generator::write::plan(dir.path(), &again).unwrap(), Vec::new());
    assert_eq!(release::record(dir.path(), &mut again, "spec.yaml").unwrap(), None);

    // The next change is recorded above the first.
    let mut newer = base();
    remove(&mut newer, GET);
    push(&mut newer, &format!("{S}/Status/enum"), json!("pending"));
    let mut files = generator::emit::emit(&lower(newer, "spec.yaml"), "spec.yaml").unwrap();
    release::carry_over(dir.path(), &mut files).unwrap();
    let r = release::record(dir.path(), &mut files, "spec.yaml").unwrap().unwrap();
    assert_eq!((r.from.as_str(), r.to.as_str()), ("0.2.0", "0.2.1"));
    let log = &files.iter().find(|f| f.path == CHANGELOG).unwrap().contents;
    let (first, second) = (log.find("`0.2.0` → `0.2.1").unwrap(), log.find("`0.1.0` → `0.2.0").unwrap());
    assert!(first < second, "{log}");
}

#[test]
fn check_summary_without_a_committed_surface_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let files = generator::emit::emit(&lower(base(), "spec.yaml"), "spec.yaml").unwrap();
    let s = release::check_summary(dir.path(), &files);
    assert!(s.starts_with("API changes: unknown ("), "{s}");
}

// The real documents.

fn upstream_api(file: &str, test: &str) -> Option<Api> {
    let path = upstream_docs::upstream(file, test)?;
    Some(generator::diff::load_api(&path, &upstream_docs::display(file), &[]).unwrap_or_else(|e| panic!("{e}")))
}

fn real_pair(old: &str, new: &str, test: &str) -> Option<String> {
    let a = upstream_api(old, test)?;
    let b = upstream_api(new, test)?;
    let d = diff(&a, &b, Options::default());
    let md = markdown(&d, old, new);
    assert_tables_render(&md);
    // The recorded surfaces give the same diff as the documents.
    let (sa, sb) = (Surface::of(&a), Surface::of(&b));
    let (ra, rb) = (Surface::parse(&sa.to_text(), "a").unwrap(), Surface::parse(&sb.to_text(), "b").unwrap());
    assert_eq!((&ra, &rb), (&sa, &sb));
    assert_eq!(compare(&ra, &rb), d);
    Some(md)
}

#[test]
fn real_pair_2026_08_19_to_2026_08_22() {
    let test = "real_pair_2026_08_19_to_2026_08_22";
    let Some(md) = real_pair("openrouter-2026-08-19.yaml", "openrouter-2026-08-22.yaml", test) else { return };
    insta::assert_snapshot!(md);
}

#[test]
fn real_pair_2026_06_23_to_2026_08_19() {
    let test = "real_pair_2026_06_23_to_2026_08_19";
    let Some(md) = real_pair("openrouter-2026-06-23.yaml", "openrouter-2026-08-19.yaml", test) else { return };
    insta::assert_snapshot!(md);
}

#[test]
fn real_pair_2025_09_24_to_2025_11_06() {
    let test = "real_pair_2025_09_24_to_2025_11_06";
    let Some(md) = real_pair("openrouter-2025-09-24.yaml", "openrouter-2025-11-06.yaml", test) else { return };
    insta::assert_snapshot!(md);
}

#[test]
fn every_real_document_diffed_with_itself_gives_nothing() {
    for file in [
        "openrouter-2025-09-24.yaml",
        "openrouter-2025-11-06.yaml",
        "openrouter-2026-01-13.yaml",
        "openrouter-2026-04-24.yaml",
        "openrouter-2026-06-23.yaml",
        "openrouter-2026-08-19.yaml",
        "openrouter-2026-08-22.yaml",
    ] {
        let Some(api) = upstream_api(file, "every_real_document_diffed_with_itself_gives_nothing") else { return };
        let d = diff(&api, &api, Options { docs: true });
        assert!(d.is_empty(), "{file}: {:#?}", d.changes);
        assert_eq!(summary(&d), "no API changes");
    }
}
