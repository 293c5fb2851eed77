//! `cargo xtask bench`: how fast the generator is against the cost of parsing its input, how its
//! cost grows with the document, and what the generated client adds over hand-written reqwest.
//!
//! Every figure is a median over many runs measured in this process, in one run, with the
//! compared variants interleaved so that machine noise hits them alike. Nothing here asserts a
//! time: the printed table is the result. A debug build re-runs itself in release first.

use generator::ir::{Primitive, TypeKind, TypeRef};
use generator::{emit, load, lower, normalize, select};
use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Allocation counting: per thread, so the local server's allocations are not the client's;
// and per process, for the generator's stages, which run on every core.

/// `cargo xtask`'s allocator (mimalloc, see `xtask/src/memory.rs`), counting allocations and
/// bytes of the calling thread and in all, and the bytes in use.
pub struct Counting;

/// Per-thread totals every thread can read: a slot per thread (on a cache line of its own, so
/// threads counting side by side do not slow each other down), written only by its thread.
#[repr(align(128))]
struct Slot {
    allocs: AtomicU64,
    bytes: AtomicU64,
    /// Bytes allocated less bytes freed by this thread (negative when it frees what others
    /// allocated): the sum over the slots is the heap in use.
    live: AtomicI64,
}

const SLOTS: usize = 64;
#[allow(clippy::declare_interior_mutable_const)]
const EMPTY: Slot = Slot { allocs: AtomicU64::new(0), bytes: AtomicU64::new(0), live: AtomicI64::new(0) };
static ALL: [Slot; SLOTS] = [EMPTY; SLOTS];
/// Threads after the first `SLOTS - 1` share the last slot (and add atomically).
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static SLOT: Cell<usize> = const { Cell::new(usize::MAX) };
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

/// Counts an allocation of `size` bytes (none for a free) and `live` bytes more in use.
fn count(size: Option<usize>, live: i64) {
    if let Some(size) = size {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        let _ = BYTES.try_with(|c| c.set(c.get() + size as u64));
    }
    let _ = SLOT.try_with(|slot| {
        if slot.get() == usize::MAX {
            slot.set(NEXT_SLOT.fetch_add(1, Ordering::Relaxed).min(SLOTS - 1));
        }
        let mine = &ALL[slot.get()];
        let (allocs, bytes) = size.map_or((0, 0), |size| (1, size as u64));
        if slot.get() == SLOTS - 1 {
            mine.allocs.fetch_add(allocs, Ordering::Relaxed);
            mine.bytes.fetch_add(bytes, Ordering::Relaxed);
            mine.live.fetch_add(live, Ordering::Relaxed);
        } else {
            // The only writer of its slot: a plain load and store, no locked instruction.
            mine.allocs.store(mine.allocs.load(Ordering::Relaxed) + allocs, Ordering::Relaxed);
            mine.bytes.store(mine.bytes.load(Ordering::Relaxed) + bytes, Ordering::Relaxed);
            mine.live.store(mine.live.load(Ordering::Relaxed) + live, Ordering::Relaxed);
        }
    });
}

// SAFETY: every call is forwarded unchanged to mimalloc; counting touches only `Cell<u64>`
// thread locals, which need no allocation and no destructor, and this thread's slot.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(Some(layout.size()), layout.size() as i64);
        MiMalloc.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(Some(layout.size()), layout.size() as i64);
        MiMalloc.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(Some(new_size), new_size as i64 - layout.size() as i64);
        MiMalloc.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(None, -(layout.size() as i64));
        MiMalloc.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// (allocations, bytes) made by this thread so far.
fn allocs() -> (u64, u64) {
    (ALLOCS.with(Cell::get), BYTES.with(Cell::get))
}

/// (allocations, bytes) made by every thread so far.
fn all_allocs() -> (u64, u64) {
    ALL.iter().fold((0, 0), |(a, b), s| (a + s.allocs.load(Ordering::Relaxed), b + s.bytes.load(Ordering::Relaxed)))
}

// ---------------------------------------------------------------------------------------------
// Options and entry point.

/// What `cargo xtask bench` was asked to do.
pub struct Options {
    /// Interleaved rounds of the parse-floor and real-document measurements.
    pub rounds: usize,
    /// Requests per client variant.
    pub requests: usize,
    /// Sizes of the synthetic documents.
    pub sizes: Vec<usize>,
    /// The folder holding the upstream documents.
    pub upstream: Option<PathBuf>,
    /// Skip the client-overhead part.
    pub no_client: bool,
    /// Skip the scaling part.
    pub no_scale: bool,
    /// Seconds after which one synthetic size is stopped (its finished stages are shown).
    pub scale_timeout: u64,
    /// Internal: measure one synthetic size in this process and print one line.
    pub scale_child: Option<usize>,
    /// Internal: measure every tag of a document in this process and print one line.
    pub doc_child: Option<PathBuf>,
    /// Also time the peers (progenitor, openapi-to-rust).
    pub peers: bool,
    /// Also time users' builds of the whole-API crate (slow).
    pub build_times: bool,
}

const TAG: &str = "OAuth";
const DOC_2026: &str = "openrouter-2026-08-22.yaml";
const DOC_2025: &str = "openrouter-2025-09-24.yaml";

pub fn run(root: &Path, opts: Options) -> ExitCode {
    if let Some(n) = opts.scale_child {
        return scale_child(n);
    }
    if let Some(path) = &opts.doc_child {
        return doc_child(path);
    }
    if cfg!(debug_assertions) && std::env::var_os("XTASK_BENCH_DEBUG").is_none() {
        // Timings of a debug build mean nothing; `cargo xtask bench` builds in release.
        eprintln!("error: this is a debug build; run `cargo xtask bench` (or add --release)");
        return ExitCode::from(2);
    }
    let upstream = opts.upstream.clone().unwrap_or_else(|| root.join("../shared/openapi"));
    println!("# cargo xtask bench — medians of this run ({} rounds; release build)\n", opts.rounds);
    let docs = [
        Doc::new(upstream.join(DOC_2026), format!("2026 ({DOC_2026})")),
        Doc::new(upstream.join(DOC_2025), format!("2025 ({DOC_2025})")),
        Doc::new(root.join("spec/openrouter.yaml"), "spec/openrouter.yaml".into()),
        Doc::whole(upstream.join(DOC_2026), format!("2026 ({DOC_2026})")),
    ];
    let runtime_files = runtime_files(root);
    generator_tables(&docs, opts.rounds, &runtime_files);
    diff_table(&upstream, opts.rounds);
    let timeout = Duration::from_secs(opts.scale_timeout);
    let scaled = if opts.no_scale { Vec::new() } else { scaling_table(&opts.sizes, timeout) };
    if opts.peers {
        peers_table(root, &scaled, timeout);
        openapi_to_rust_table(&upstream.join(DOC_2026), timeout);
    }
    if opts.build_times {
        build_times_table(root, &upstream.join(DOC_2026));
    }
    if !opts.no_client {
        client_table(root, opts.requests);
    }
    ExitCode::SUCCESS
}

// ---------------------------------------------------------------------------------------------
// Statistics and printing.

fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn min(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::INFINITY, f64::min)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn fmt_ms(x: f64) -> String {
    if x.is_nan() {
        "—".into()
    } else if x >= 100.0 {
        format!("{x:.0} ms")
    } else if x >= 10.0 {
        format!("{x:.1} ms")
    } else {
        format!("{x:.2} ms")
    }
}

fn fmt_count(x: u64) -> String {
    if x >= 10_000_000 {
        format!("{:.1} M", x as f64 / 1e6)
    } else if x >= 10_000 {
        format!("{:.0} k", x as f64 / 1e3)
    } else {
        x.to_string()
    }
}

fn fmt_bytes(x: u64) -> String {
    if x >= 10 << 20 {
        format!("{:.0} MiB", x as f64 / (1 << 20) as f64)
    } else if x >= 1 << 20 {
        format!("{:.1} MiB", x as f64 / (1 << 20) as f64)
    } else if x >= 10 << 10 {
        format!("{:.0} KiB", x as f64 / 1024.0)
    } else {
        format!("{x} B")
    }
}

/// A plain-text table with right-aligned columns after the first.
struct Table {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(head: &[&str]) -> Self {
        Self { head: head.iter().map(|s| s.to_string()).collect(), rows: Vec::new() }
    }
    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
    fn print(&self) {
        let cols = self.head.len();
        let mut w = vec![0; cols];
        for r in std::iter::once(&self.head).chain(&self.rows) {
            for (i, c) in r.iter().enumerate().take(cols) {
                w[i] = w[i].max(c.chars().count());
            }
        }
        let line = |r: &Vec<String>| {
            let mut s = String::from("|");
            for (i, width) in w.iter().enumerate() {
                let c = r.get(i).map(String::as_str).unwrap_or("");
                let pad = width - c.chars().count();
                if i == 0 {
                    let _ = write!(s, " {c}{} |", " ".repeat(pad));
                } else {
                    let _ = write!(s, " {}{c} |", " ".repeat(pad));
                }
            }
            s
        };
        println!("{}", line(&self.head));
        let mut sep = String::from("|");
        for (i, width) in w.iter().enumerate() {
            sep.push_str(&"-".repeat(width + 1));
            sep.push_str(if i == 0 { "-|" } else { ":|" });
        }
        println!("{sep}");
        for r in &self.rows {
            println!("{}", line(r));
        }
        println!();
    }
}

// ---------------------------------------------------------------------------------------------
// Items 1–3: parse floor and the stages on real documents.

struct Doc {
    path: PathBuf,
    label: String,
    /// The tags generated; empty: every tag of the document (`--all-tags`).
    tags: Vec<String>,
}

impl Doc {
    fn new(path: PathBuf, label: String) -> Self {
        Self { path, label, tags: vec![TAG.to_owned()] }
    }

    fn whole(path: PathBuf, label: String) -> Self {
        Self { path, label, tags: Vec::new() }
    }

    /// How the tags read in a heading.
    fn what(&self) -> String {
        match self.tags.as_slice() {
            [] => "every tag".to_owned(),
            tags => format!("tag `{}`", tags.join("`, `")),
        }
    }
}

const STAGES: [&str; 5] = [
    "load (read + YAML parse)",
    "select + normalize (tag subset, 3.1 → 3.0)",
    "to_openapi (Value → openapiv3, but path items)",
    "lower (path items converted, → IR; the document dropped and released)",
    "emit (IR → files, incl. format)",
];

/// Per-stage samples of one document; `error` once a stage failed.
#[derive(Default)]
struct StageSamples {
    times: [Vec<f64>; 5],
    total: Vec<f64>,
    format: Vec<f64>,
    allocs: [u64; 5],
    alloc_bytes: [u64; 5],
    output_bytes: usize,
    error: Option<String>,
}

/// Files the generator copies verbatim from `templates/`: not formatted, so not re-formatted
/// by the format estimate.
fn runtime_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let base = root.join("templates/runtime");
    let mut stack = vec![base.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(&base) {
                out.push(format!("src/{}", rel.to_string_lossy().replace('\\', "/")));
            }
        }
    }
    out
}

/// The emit step that turns token streams into text (syn parse + prettyplease), re-done on
/// the formatted Rust files: an estimate of the share of `emit` spent formatting.
fn format_estimate(files: &[generator::GeneratedFile], runtime: &[String]) -> Result<usize, String> {
    let mut n = 0;
    for f in files {
        if !f.path.starts_with("src/") || !f.path.ends_with(".rs") || runtime.contains(&f.path) {
            continue;
        }
        let file = syn::parse_file(&f.contents).map_err(|e| format!("{}: {e}", f.path))?;
        n += prettyplease::unparse(&file).len();
    }
    Ok(n)
}

/// One run of every stage on `doc`, appended to `s`.
fn pipeline_once(doc: &Doc, s: &mut StageSamples, runtime: &[String]) {
    if s.error.is_some() {
        return;
    }
    let file = doc.label.as_str();
    let mut t = [0.0; 5];
    let mut a = [(0u64, 0u64); 5];
    macro_rules! stage {
        ($i:expr, $e:expr) => {{
            let a0 = all_allocs();
            let t0 = Instant::now();
            let r = $e;
            t[$i] = ms(t0.elapsed());
            let a1 = all_allocs();
            a[$i] = (a1.0 - a0.0, a1.1 - a0.1);
            match r {
                Ok(v) => v,
                Err(e) => {
                    s.error = Some(format!("{} failed: {}", STAGES[$i], first_line(&e.to_string())));
                    return;
                }
            }
        }};
    }
    let value = stage!(0, load::load(&doc.path, file));
    // Every tag: the document's tag list, as `--all-tags` reads it (part of selecting).
    let (value, tags) = stage!(1, {
        let tags = match (doc.tags.is_empty(), value.as_object()) {
            (true, Some(root)) => select::document_tags(root),
            _ => doc.tags.clone(),
        };
        select::select(value, &tags, file).and_then(|v| normalize::normalize(v, file)).map(|v| (v, tags))
    });
    let openapi = stage!(2, normalize::to_openapi(value, file));
    // As in `generator::generate`: the document is gone, its memory released, before emitting.
    let bytes = std::fs::metadata(&doc.path).map_or(0, |m| m.len() as usize);
    let api = stage!(3, {
        let api = lower::lower(openapi, &tags, file).and_then(|api| api);
        generator::release_freed_memory(bytes);
        api
    });
    let files = stage!(4, emit::emit(&api, file));
    drop(black_box(api));
    let t0 = Instant::now();
    match format_estimate(&files, runtime) {
        Ok(n) => {
            black_box(n);
            s.format.push(ms(t0.elapsed()));
        }
        Err(e) => s.error = Some(format!("format estimate: {e}")),
    }
    s.output_bytes = files.iter().map(|f| f.contents.len()).sum();
    for i in 0..5 {
        s.times[i].push(t[i]);
        s.allocs[i] = a[i].0;
        s.alloc_bytes[i] = a[i].1;
    }
    s.total.push(t.iter().sum());
}

fn first_line(s: &str) -> String {
    let mut lines = s.lines();
    let first = lines.next().unwrap_or("").trim().to_owned();
    match lines.next() {
        Some(second) => format!("{first} {}", second.trim()),
        None => first,
    }
}

/// The parse floor: YAML bytes → `serde_json::Value`, nothing else (the generator's loader
/// also rejects repeated keys).
fn yaml_floor(yaml: &[u8]) -> Option<serde_json::Value> {
    serde_yaml_ng::from_slice(yaml).ok()
}

/// A table row: `label`, the median and minimum of `samples`, and the median over `base`.
fn against(label: &str, samples: &[f64], base: f64) -> Vec<String> {
    let m = median(samples);
    vec![label.to_owned(), fmt_ms(m), fmt_ms(min(samples)), format!("{:.2}×", m / base)]
}

fn generator_tables(docs: &[Doc], rounds: usize, runtime: &[String]) {
    // The parse floor works on bytes already in memory; the stages read the file (load).
    let yaml = std::fs::read(&docs[0].path);
    let json = yaml.as_ref().ok().and_then(|b| load::parse(b, "2026").ok()).and_then(|v| serde_json::to_vec(&v).ok());
    let (Ok(yaml), Some(json)) = (yaml, json) else {
        println!("error: cannot read or parse {}: the parse floor and item 2 are skipped\n", docs[0].path.display());
        return;
    };
    let mut yaml_t = Vec::new();
    let mut ours_t = Vec::new();
    let mut json_t = Vec::new();
    let mut samples: Vec<StageSamples> = docs.iter().map(|_| StageSamples::default()).collect();
    for d in docs.iter().zip(&mut samples) {
        if !d.0.path.exists() {
            d.1.error = Some(format!("{} not found", d.0.path.display()));
        }
    }
    // Warm-up: caches, allocator, page faults.
    for (d, s) in docs.iter().zip(&mut samples) {
        let mut warm = StageSamples::default();
        pipeline_once(d, &mut warm, runtime);
        s.error = s.error.take().or(warm.error);
    }
    // Each round runs every variant once, starting one further along each time, so no
    // variant always follows the same one.
    let variants = docs.len() + 3;
    for round in 0..rounds {
        for k in 0..variants {
            match (round + k) % variants {
                0 => {
                    // Dropping the Value is left out, as in `load` (its Value moves on).
                    let t0 = Instant::now();
                    let v = black_box(yaml_floor(black_box(&yaml)));
                    yaml_t.push(ms(t0.elapsed()));
                    drop(v);
                }
                1 => {
                    let t0 = Instant::now();
                    let v = black_box(load::parse(black_box(&yaml), "2026").ok());
                    ours_t.push(ms(t0.elapsed()));
                    drop(v);
                }
                2 => {
                    let t0 = Instant::now();
                    let v = black_box(load::parse(black_box(&json), "2026.json").ok());
                    json_t.push(ms(t0.elapsed()));
                    drop(v);
                }
                i => pipeline_once(&docs[i - 3], &mut samples[i - 3], runtime),
            }
        }
    }
    let floor = median(&yaml_t);

    println!(
        "## 1. Parse floor: the 2026 document ({}), bytes in memory → serde_json::Value\n",
        fmt_bytes(yaml.len() as u64)
    );
    let mut t = Table::new(&["input", "median", "min", "× YAML"]);
    t.row(against("YAML (serde_yaml_ng → Value): the floor", &yaml_t, floor));
    t.row(against(
        "YAML, the generator's `load::parse` (in pieces on every core; rejects repeated keys)",
        &ours_t,
        floor,
    ));
    t.row(against(&format!("JSON form ({}, serde_json)", fmt_bytes(json.len() as u64)), &json_t, floor));
    t.print();

    for (i, (d, s)) in docs.iter().zip(&samples).enumerate() {
        let whole = d.tags.is_empty();
        let item = match i {
            0 => "2",
            _ if whole => "5",
            _ => "3",
        };
        println!("## {item}. Generate {} from {}\n", d.what(), d.label);
        if let Some(e) = &s.error {
            println!("error: {e}\n");
            if whole {
                println!(
                    "whole document / parse floor (YAML, target ≤ 6×): n/a (generation failed); floor {}\n",
                    fmt_ms(floor)
                );
            }
            continue;
        }
        let total = median(&s.total);
        let mut t = Table::new(&["stage", "median", "min", "share", "allocs", "bytes alloc."]);
        for (k, name) in STAGES.iter().enumerate() {
            let m = median(&s.times[k]);
            t.row(vec![
                name.to_string(),
                fmt_ms(m),
                fmt_ms(min(&s.times[k])),
                format!("{:.0} %", 100.0 * m / total),
                fmt_count(s.allocs[k]),
                fmt_bytes(s.alloc_bytes[k]),
            ]);
        }
        let f = median(&s.format);
        t.row(vec![
            "  baseline: the output's Rust through syn + prettyplease (one core)".into(),
            fmt_ms(f),
            fmt_ms(min(&s.format)),
            format!("{:.0} %", 100.0 * f / total),
            String::new(),
            String::new(),
        ]);
        t.row(vec![
            "total".into(),
            fmt_ms(total),
            fmt_ms(min(&s.total)),
            "100 %".into(),
            fmt_count(s.allocs.iter().sum()),
            fmt_bytes(s.alloc_bytes.iter().sum()),
        ]);
        if i == 0 || whole {
            let target = if whole { "6×, then 4×" } else { "1.5×" };
            t.row(vec![
                format!("total / parse floor {} (YAML, target ≤ {target})", fmt_ms(floor)),
                format!("{:.2}×", total / floor),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        t.print();
        println!("output: {} of generated files\n", fmt_bytes(s.output_bytes as u64));
        if whole {
            value_places(d);
        }
    }
}

/// Prints how many places of the generated crate are typed `serde_json::Value` (anywhere
/// inside lists and maps): struct fields first (the figure the issue tracks), then the others.
fn value_places(doc: &Doc) {
    let file = doc.label.as_str();
    let api = match load::load(&doc.path, file).and_then(|v| generator::lower_value(v, &doc.tags, file)) {
        Ok(api) => api,
        Err(e) => {
            println!("error: {}\n", first_line(&e.to_string()));
            return;
        }
    };
    let json = |t: &TypeRef| *t.leaf() == TypeRef::Primitive(Primitive::Json);
    let (mut fields, mut total_fields, mut additional, mut variants, mut aliases) = (0, 0, 0, 0, 0);
    for def in api.types.values() {
        match &def.kind {
            TypeKind::Struct { fields: fs, additional: extra } => {
                total_fields += fs.len();
                fields += fs.iter().filter(|f| json(&f.ty)).count();
                additional += usize::from(extra.as_ref().is_some_and(json));
            }
            TypeKind::Union { variants: vs, .. } => variants += vs.iter().filter(|v| json(&v.ty)).count(),
            TypeKind::Alias(t) => aliases += usize::from(json(t)),
            TypeKind::Enum { .. } => {}
        }
    }
    let ops = api.tags.iter().flat_map(|t| &t.operations);
    let bodies = ops.clone().filter(|o| o.body.as_ref().is_some_and(|b| json(&b.ty))).count()
        + ops
            .flat_map(|o| std::iter::once(&o.success).chain(o.errors.iter().map(|e| &e.response)))
            .filter(|r| r.ty.as_ref().is_some_and(json))
            .count();
    println!(
        "`serde_json::Value` in the whole-API crate: {fields} of {total_fields} struct fields; also {additional} \
         additional-properties maps, {variants} union variants, {aliases} aliases, {bodies} bodies ({} types, {} operations)\n",
        api.types.len(),
        api.tags.iter().map(|t| t.operations.len()).sum::<usize>(),
    );
}

// ---------------------------------------------------------------------------------------------
// Item 4: scaling on synthetic documents, one child process per size (for its peak RSS).

/// Operations per tag of the synthetic documents (the 2026 document has 5–20).
const OPS_PER_TAG: usize = 16;

/// An OpenAPI 3.0 document (so progenitor reads it too) with `n` component schemas and `n`
/// operations, 16 per tag; operation `i` reaches schema `i`, so lowering visits every schema.
/// Shaped like the real document: operations of four methods (GET with query parameters, POST
/// and PUT with a body, DELETE), path parameters, an error body per
/// status (400, 404, 429, 500); objects with required, optional and nullable fields, an inline
/// enum, a single-value enum, dates, lists, a map (`additionalProperties`), an inline object,
/// a `oneOf` union (string, number or another model) and a `$ref` to another model (a binary
/// tree, depth log2 n), so naming, `$ref` resolution and every emitter scale.
pub fn synthetic_doc(n: usize) -> String {
    let mut s = String::with_capacity(n * 2600);
    s.push_str("openapi: 3.0.3\ninfo:\n  title: Synthetic\n  version: 1.0.0\n");
    s.push_str("servers:\n  - url: https://example.invalid/api/v1\n");
    s.push_str("tags:\n");
    for k in 0..n.div_ceil(OPS_PER_TAG) {
        let _ = writeln!(s, "  - name: Group{k}\n    description: Operations of group {k}.");
    }
    s.push_str("paths:\n");
    let errors = "        '400':
          description: Bad request.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ErrorBody'
        '404':
          description: Not found.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ErrorBody'
        '429':
          description: Too many requests.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ErrorBody'
        '500':
          description: Server error.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ErrorBody'
";
    for i in 0..n {
        let tag = i / OPS_PER_TAG;
        let (method, op) = match i % 4 {
            0 => ("get", "getItem"),
            1 => ("post", "createItem"),
            2 => ("put", "updateItem"),
            _ => ("delete", "deleteItem"),
        };
        let _ = write!(
            s,
            "  /items/i{i}/{{id}}:
    {method}:
      tags: [Group{tag}]
      operationId: {op}{i}
      summary: Item {i}
      description: Works on item {i}.
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
"
        );
        if method == "get" {
            s.push_str(
                "        - name: limit
          in: query
          required: false
          schema:
            type: integer
            nullable: true
            minimum: 1
        - name: order
          in: query
          required: false
          schema:
            type: string
            enum: [asc, desc]
",
            );
        }
        if method == "post" || method == "put" {
            let _ = write!(
                s,
                "      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Model{i}'
"
            );
        }
        let _ = write!(
            s,
            "      responses:
        '200':
          description: The item.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Model{i}'
"
        );
        s.push_str(errors);
    }
    s.push_str(
        "components:
  schemas:
    ErrorBody:
      type: object
      required: [message]
      properties:
        message:
          type: string
        code:
          type: integer
          nullable: true
",
    );
    for i in 0..n {
        let _ = write!(
            s,
            "    Model{i}:
      type: object
      description: Synthetic model number {i}.
      required: [id, kind]
      properties:
        id:
          type: string
          description: Identifier.
          example: abc
        name:
          type: string
          nullable: true
          maxLength: 100
        count:
          type: integer
          format: int64
          minimum: 0
        ratio:
          type: number
          format: double
        kind:
          type: string
          enum: [alpha, beta, gamma]
        version:
          type: string
          enum: [v1]
        created_at:
          type: string
          format: date-time
        labels:
          type: array
          items:
            type: string
        attributes:
          type: object
          additionalProperties:
            type: string
        meta:
          type: object
          properties:
            source:
              type: string
            score:
              type: number
"
        );
        if i > 0 {
            let parent = (i - 1) / 2;
            let _ = write!(
                s,
                "        parent:
          $ref: '#/components/schemas/Model{parent}'
        value:
          oneOf:
            - type: string
            - type: number
            - $ref: '#/components/schemas/Model{parent}'
"
            );
        }
    }
    s
}

/// Where the scale child's files go: counted, and in the first run written as `cargo xtask
/// codegen` writes them (a large file in parts).
struct Counted {
    writer: Option<generator::write::Writer>,
    /// Whether each file's size and path are printed (`BENCH_FILES`).
    list: bool,
    bytes: AtomicUsize,
    files: AtomicUsize,
}

impl Counted {
    fn count(&self, path: &str, bytes: usize) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.files.fetch_add(1, Ordering::Relaxed);
        if self.list {
            eprintln!("{bytes} {path}");
        }
    }
}

impl emit::Sink for Counted {
    fn file(&self, f: generator::GeneratedFile) {
        self.count(&f.path, f.contents.len());
        if let Some(w) = &self.writer {
            w.offer(&f);
        }
        black_box(f);
    }

    fn parts(
        &self,
        path: String,
        parts: &mut dyn Iterator<Item = Result<String, generator::Error>>,
    ) -> Result<(), generator::Error> {
        let bytes = Cell::new(0);
        let mut counted = parts.inspect(|p| bytes.set(bytes.get() + p.as_ref().map_or(0, String::len)));
        let offered = match &self.writer {
            Some(w) => w.offer_parts(path.clone(), &mut counted),
            None => counted.try_for_each(|p| p.map(|p| drop(black_box(p)))),
        };
        self.count(&path, bytes.get());
        offered
    }
}

/// The tags of `synthetic_doc(n)`: all are generated.
fn synthetic_tags(n: usize) -> Vec<String> {
    (0..n.div_ceil(OPS_PER_TAG)).map(|k| format!("Group{k}")).collect()
}

/// KiB of heap in use, on every thread.
fn heap_kib() -> u64 {
    (ALL.iter().map(|s| s.live.load(Ordering::Relaxed)).sum::<i64>().max(0) / 1024) as u64
}

/// VmHWM and VmRSS of this process, in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Measures one size; prints `key=value` pairs on one line for the parent.
fn scale_child(n: usize) -> ExitCode {
    // A file, read in each run as `cargo xtask codegen` reads its spec.
    let path = std::env::temp_dir().join(format!("bench-synthetic-{}.yaml", std::process::id()));
    if let Err(e) = std::fs::write(&path, synthetic_doc(n)) {
        println!("error={}: {e}", path.display());
        return ExitCode::SUCCESS;
    }
    let code = measure_child(&path, "synthetic.yaml", synthetic_tags(n), &n.to_string());
    let _ = std::fs::remove_file(&path);
    code
}

/// Measures every tag of a real document, like one synthetic size (its time and peak RSS
/// beside a peer's in the same run).
fn doc_child(path: &Path) -> ExitCode {
    let file = "document.yaml";
    let tags = load::load(path, file).ok().and_then(|v| v.as_object().map(select::document_tags)).unwrap_or_default();
    measure_child(path, file, tags, "document")
}

/// Runs every stage on the document at `path` (first once, reporting as it goes, then again
/// for medians); prints `key=value` pairs for the parent, which reads them with [`run_child`].
fn measure_child(path: &Path, file: &str, tags: Vec<String>, n: &str) -> ExitCode {
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len() as usize);
    // As `cargo xtask codegen` does for a document of this size.
    crate::memory::for_document(bytes as u64);
    // Reset the peak to the current RSS (Linux ≥ 4.0), so the peak is that of generating.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (_, base) = memory_kib();
    println!("first bytes={bytes}");
    // The first run reports each stage as it ends, so a size that times out still shows
    // how far it got.
    let stages = |samples: &mut [Vec<f64>; 5], report: bool| -> Result<usize, String> {
        let mut t = [0.0; 5];
        let done = |k: usize, x: f64| {
            if report {
                let (hwm, _) = memory_kib();
                println!("first s{k}={x} hwm{k}={hwm} heap{k}={}", heap_kib());
                let _ = std::io::Write::flush(&mut std::io::stdout());
            }
        };
        let t0 = Instant::now();
        // As `generator::generate`: the text is dropped once parsed.
        let value = load::load(path, file).map_err(|e| e.to_string())?;
        t[0] = ms(t0.elapsed());
        done(0, t[0]);
        let t0 = Instant::now();
        let value = select::select(value, &tags, file)
            .and_then(|v| normalize::normalize(v, file))
            .map_err(|e| e.to_string())?;
        t[1] = ms(t0.elapsed());
        done(1, t[1]);
        let t0 = Instant::now();
        let doc = normalize::to_openapi(value, file).map_err(|e| e.to_string())?;
        t[2] = ms(t0.elapsed());
        done(2, t[2]);
        let t0 = Instant::now();
        // As in `generator::generate`: the document is gone, its memory released, before emitting.
        let api = lower::lower(doc, &tags, file).and_then(|api| api).map_err(|e| e.to_string())?;
        generator::release_freed_memory(bytes);
        t[3] = ms(t0.elapsed());
        done(3, t[3]);
        let types = api.types.len();
        // Files are handed over as they are made. The first run writes them into an empty
        // folder, as `cargo xtask codegen` does (so its peak is that of a real run); the
        // others only count them, so that the time is that of generating.
        let dir = std::env::temp_dir().join(format!("bench-write-{}", std::process::id()));
        let sink = Counted {
            writer: report.then(|| generator::write::Writer::stage(&dir)),
            list: report && std::env::var_os("BENCH_FILES").is_some(),
            bytes: AtomicUsize::new(0),
            files: AtomicUsize::new(0),
        };
        let t0 = Instant::now();
        emit::emit_each(&api, file, &sink).map_err(|e| e.to_string())?;
        let written = sink.writer.map(|mut w| w.changes().and_then(|_| w.commit()));
        t[4] = ms(t0.elapsed());
        done(4, t[4]);
        if let Some(written) = written {
            println!("first out_bytes={}", sink.bytes.into_inner());
            let _ = std::fs::remove_dir_all(&dir);
            match written {
                Ok(()) => println!("first write={} files={}", t[4], sink.files.into_inner()),
                Err(e) => println!("first write_error={}", e.to_string().replace(' ', "_")),
            }
        }
        for (v, x) in samples.iter_mut().zip(t) {
            v.push(x);
        }
        Ok(types)
    };
    let mut samples: [Vec<f64>; 5] = Default::default();
    let types = match stages(&mut samples, true) {
        Ok(t) => t,
        Err(e) => {
            println!("error={}", first_line(&e));
            return ExitCode::SUCCESS;
        }
    };
    let (peak, _) = memory_kib();
    // Roughly 3 s of further runs per size, 3 to 30 of them: at least three, so that the
    // median is not one run slowed by the disk still busy with the first run's files. The
    // first run, which wrote its files, is not among them.
    let first: f64 = samples.iter().map(|v| v[0]).sum();
    let runs = ((3000.0 / first.max(1.0)) as usize).clamp(3, 30);
    samples = Default::default();
    for _ in 0..runs {
        if let Err(e) = stages(&mut samples, false) {
            println!("error={}", first_line(&e));
            return ExitCode::SUCCESS;
        }
    }
    let mut line = format!("n={n} bytes={bytes} types={types} runs={runs} base_kib={base} peak_kib={peak}");
    for (k, v) in samples.iter().enumerate() {
        let _ = write!(line, " s{k}={}", median(v));
    }
    let totals: Vec<f64> = (0..runs).map(|r| samples.iter().map(|v| v[r]).sum()).collect();
    let _ = write!(line, " total={}", median(&totals));
    println!("{line}");
    ExitCode::SUCCESS
}

type Measured = std::collections::BTreeMap<String, String>;

/// Runs `bench ARGS` (`--scale-child n`), killing it after `timeout`; the stages it finished by then
/// are kept, with `timeout` set.
fn run_child(exe: &Path, args: &[&str], timeout: Duration) -> Measured {
    use std::io::BufRead;
    let mut m = Measured::new();
    let mut child = match Command::new(exe).args(args).stdout(std::process::Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => {
            m.insert("error".into(), e.to_string());
            return m;
        }
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take();
    std::thread::spawn(move || {
        if let Some(out) = stdout {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        }
    });
    let deadline = Instant::now() + timeout;
    let parse = |line: &str, m: &mut Measured| {
        if let Some(e) = line.strip_prefix("error=") {
            m.insert("error".into(), e.to_owned());
        } else if let Some(rest) = line.strip_prefix("first ") {
            for (k, v) in rest.split_whitespace().filter_map(|kv| kv.split_once('=')) {
                m.entry(k.to_owned()).or_insert_with(|| v.to_owned());
            }
        } else {
            for (k, v) in line.split_whitespace().filter_map(|kv| kv.split_once('=')) {
                m.insert(k.to_owned(), v.to_owned());
            }
        }
    };
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => parse(&line, &mut m),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                m.insert("timeout".into(), format!("{}", timeout.as_secs()));
                m.insert("runs".into(), "0".into());
                break;
            }
        }
    }
    match child.wait() {
        Ok(status) if !status.success() && !m.contains_key("timeout") => {
            m.entry("error".into()).or_insert_with(|| format!("exit {status}"));
        }
        Err(e) => {
            m.entry("error".into()).or_insert_with(|| e.to_string());
        }
        _ => {}
    }
    m
}

fn scaling_table(sizes: &[usize], timeout: Duration) -> Vec<(usize, Measured)> {
    println!("## 4. Scaling: synthetic documents, n schemas + n operations, all lowered (one process per size)\n");
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            println!("error: cannot find the bench binary: {e}\n");
            return Vec::new();
        }
    };
    let mut results: Vec<(usize, Measured)> = Vec::new();
    for &n in sizes {
        results.push((n, run_child(&exe, &["--scale-child", &n.to_string()], timeout)));
    }
    let num = |m: &Measured, k: &str| m.get(k).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    let mut t = Table::new(&[
        "n",
        "YAML",
        "types",
        "runs",
        "parse",
        "normalize",
        "to_openapi",
        "lower",
        "emit",
        "total",
        "µs / schema",
        "peak RSS",
        "RSS before",
    ]);
    for (n, m) in &results {
        if let Some(e) = m.get("error") {
            t.row(vec![n.to_string(), format!("error: {e}")]);
            continue;
        }
        let total = num(m, "total");
        let mut row = vec![
            n.to_string(),
            m.get("bytes").map(|b| fmt_bytes(b.parse().unwrap_or(0))).unwrap_or_default(),
            m.get("types").cloned().unwrap_or_default(),
            m.get("runs").cloned().unwrap_or_default(),
        ];
        for k in 0..5 {
            let key = format!("s{k}");
            row.push(match (m.get(&key), m.get("timeout")) {
                (None, Some(limit)) => format!("> {limit} s (killed)"),
                _ => fmt_ms(num(m, &key)),
            });
        }
        if let Some(limit) = m.get("timeout") {
            row.push(format!("> {limit} s"));
            row.push(format!("> {:.0}", limit.parse::<f64>().unwrap_or(0.0) * 1e6 / *n as f64));
            t.row(row);
            continue;
        }
        row.push(fmt_ms(total));
        row.push(format!("{:.0}", total * 1e3 / *n as f64));
        row.push(fmt_bytes(num(m, "peak_kib") as u64 * 1024));
        row.push(fmt_bytes(num(m, "base_kib") as u64 * 1024));
        t.row(row);
    }
    // Slopes between consecutive sizes: the exponent k of t ∝ n^k (1 = linear, 2 = quadratic).
    for w in results.windows(2) {
        let ((n0, a), (n1, b)) = (&w[0], &w[1]);
        let f = *n1 as f64 / *n0 as f64;
        let mut row = vec![format!("slope {n0}→{n1} (k in t ∝ n^k)"), String::new(), String::new(), String::new()];
        for key in ["s0", "s1", "s2", "s3", "s4", "total"] {
            let k = (num(b, key) / num(a, key)).ln() / f.ln();
            row.push(if k.is_nan() { "—".into() } else { format!("{k:.2}") });
        }
        let k = (num(b, "total") / num(a, "total")).ln() / f.ln();
        // Per-schema cost per doubling of the document: 1.00 is linear (target ≤ 1.05).
        row.push(if k.is_nan() {
            String::new()
        } else {
            format!("×{:.2} µs/schema per doubling", 2f64.powf(k - 1.0))
        });
        let mk = ((num(b, "peak_kib") - num(b, "base_kib")) / (num(a, "peak_kib") - num(a, "base_kib"))).ln() / f.ln();
        row.push(if mk.is_nan() { String::new() } else { format!("k={mk:.2} (growth)") });
        t.row(row);
    }
    t.print();
    println!("Peak RSS: VmHWM after one generation and its writing, reset (clear_refs) once the YAML text was built; growth = peak − RSS before.");
    for (n, m) in &results {
        if let Some(w) = m.get("write").and_then(|w| w.parse::<f64>().ok()) {
            let files = m.get("files").map(String::as_str).unwrap_or("?");
            println!("n={n}: emitting while writing the {files} files into an empty folder (as `cargo xtask codegen`, once; the peak is this run's) took {}", fmt_ms(w));
        } else if let Some(e) = m.get("write_error") {
            println!("n={n}: writing failed: {e}");
        }
    }
    println!("Slope targets: per-schema cost ≤ ×1.05 per doubling of the document (`µs/schema per doubling`).");
    // Where the memory goes (what stands in the way of a lower peak): the heap the document,
    // its typed form and the IR hold after each stage, beside the YAML text and the output.
    for (n, m) in &results {
        let mib = |k: &str| m.get(k).and_then(|v| v.parse::<f64>().ok()).map(|kib| format!("{:.0} MiB", kib / 1024.0));
        if let (Some(parsed), Some(typed), Some(lowered), Some(out)) =
            (mib("heap0"), mib("heap2"), mib("heap3"), m.get("out_bytes").and_then(|b| b.parse::<u64>().ok()))
        {
            let yaml = m.get("bytes").and_then(|b| b.parse::<u64>().ok()).unwrap_or(0);
            println!(
                "n={n}: heap in use after parse {parsed} (YAML text {}), after to_openapi {typed}, after lower {lowered} (IR, document dropped); output {}",
                fmt_bytes(yaml),
                fmt_bytes(out)
            );
            let peaks: Vec<String> = ["parse", "select + normalize", "to_openapi", "lower", "emit"]
                .iter()
                .enumerate()
                .filter_map(|(k, stage)| mib(&format!("hwm{k}")).map(|p| format!("{stage} {p}")))
                .collect();
            println!("n={n}: peak RSS by the end of each stage: {}", peaks.join(", "));
        }
    }
    if let Some((_, m)) = results.iter().find(|(n, _)| *n == 10_000) {
        let (total, peak) = (num(m, "total"), num(m, "peak_kib") / 1024.0);
        let verdict = |ok: bool| if ok { "met" } else { "not met" };
        println!(
            "10,000 schemas: {} (target ≤ 5 s: {}), peak RSS {peak:.0} MiB (target ≤ 400 MiB: {})",
            fmt_ms(total),
            verdict(total <= 5000.0),
            verdict(peak <= 400.0)
        );
    }
    println!();
    results
}

// ---------------------------------------------------------------------------------------------
// Item 6: peers in the same run (`--peers`): progenitor on the synthetic documents, and the
// openapi-to-rust CLI on the whole 2026 document.

/// The peers package: not a workspace member, so CI never builds progenitor.
const PEERS_MANIFEST: &str = "xtask/peers/Cargo.toml";

/// Builds `xtask/peers` (release, in `target/peers`); the path of its binary.
fn build_peers(root: &Path) -> Result<PathBuf, String> {
    let target = root.join("target/peers");
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(root.join(PEERS_MANIFEST))
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building {PEERS_MANIFEST} failed ({status})"));
    }
    Ok(target.join("release/peers"))
}

fn peers_table(root: &Path, ours: &[(usize, Measured)], timeout: Duration) {
    println!("## 6. Peers: progenitor on the same synthetic documents (3.0), one process each, this run\n");
    let num = |m: &Measured, k: &str| m.get(k).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    match build_peers(root) {
        Err(e) => println!("error: {e}\n"),
        Ok(exe) => {
            let mut t = Table::new(&[
                "n",
                "ours (all stages)",
                "progenitor",
                "ours / progenitor (target at 1,000 ≤ 0.5×)",
                "our peak RSS",
                "progenitor peak RSS",
                "our output",
                "progenitor output",
            ]);
            for (n, m) in ours {
                let path = std::env::temp_dir().join(format!("bench-synthetic-{n}.yaml"));
                let p = match std::fs::write(&path, synthetic_doc(*n)) {
                    Ok(()) => run_child(&exe, &["progenitor", &path.to_string_lossy(), "5"], timeout),
                    Err(e) => Measured::from([("error".to_owned(), e.to_string())]),
                };
                let _ = std::fs::remove_file(&path);
                let (o, g) = (num(m, "total"), num(&p, "ms"));
                let mut row = vec![n.to_string(), fmt_ms(o)];
                match (p.get("error"), p.get("timeout")) {
                    (Some(e), _) => row.push(format!("error: {e}")),
                    (_, Some(limit)) => row.push(format!("> {limit} s")),
                    _ => row.push(fmt_ms(g)),
                }
                row.push(if g.is_nan() || o.is_nan() { "—".into() } else { format!("{:.2}×", o / g) });
                row.push(fmt_bytes(num(m, "peak_kib") as u64 * 1024));
                row.push(fmt_bytes(num(&p, "peak_kib") as u64 * 1024));
                row.push(m.get("out_bytes").map(|b| fmt_bytes(b.parse().unwrap_or(0))).unwrap_or_default());
                row.push(p.get("out_bytes").map(|b| fmt_bytes(b.parse().unwrap_or(0))).unwrap_or_default());
                t.row(row);
            }
            t.print();
            println!(
                "Both from the YAML bytes in memory to formatted Rust: progenitor parses into openapiv3, generates tokens \
                 and lays them out with prettyplease (one file); ours also writes the docs, tests and runtime. Medians; \
                 ours from the scaling runs above.\n"
            );
        }
    }
}

/// The openapi-to-rust CLI (`cargo install openapi-to-rust --version 0.23.0`) on the whole
/// document, beside ours on every tag of it, each in its own process.
fn openapi_to_rust_table(doc: &Path, timeout: Duration) {
    println!("## 7. Peers: openapi-to-rust 0.23 on the whole {DOC_2026}, this run\n");
    let exe = std::env::var_os("OPENAPI_TO_RUST").map(PathBuf::from).unwrap_or_else(|| "openapi-to-rust".into());
    let installed = Command::new(&exe).arg("--version").output().ok().filter(|o| o.status.success());
    let Some(version) = installed else {
        println!("openapi-to-rust: not installed (`cargo install openapi-to-rust --version 0.23.0`)\n");
        return;
    };
    let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    let Ok(bench) = std::env::current_exe() else { return };
    let ours = run_child(&bench, &["--doc-child", &doc.to_string_lossy()], timeout);
    let out = std::env::temp_dir().join("bench-openapi-to-rust");
    let mut times = Vec::new();
    let mut peak = 0;
    let mut error = None;
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(&out);
        match timed_child(
            Command::new(&exe).args(
                O2R_ARGS
                    .iter()
                    .map(|a| a.replace("{spec}", &doc.to_string_lossy()).replace("{out}", &out.to_string_lossy())),
            ),
        ) {
            Ok((t, kib)) => {
                times.push(t);
                peak = peak.max(kib);
            }
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    let num = |m: &Measured, k: &str| m.get(k).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    let (o, p) = (num(&ours, "total"), median(&times));
    let (om, pm) = (num(&ours, "peak_kib"), peak as f64);
    let mut t = Table::new(&["generator", "time (median)", "peak RSS", "note"]);
    t.row(vec![
        format!("openapi-to-rust ({version})"),
        fmt_ms(p),
        fmt_bytes(peak * 1024),
        error.unwrap_or_else(|| format!("{} runs, whole process", times.len())),
    ]);
    t.row(vec![
        "ours, every tag".into(),
        fmt_ms(o),
        fmt_bytes(om as u64 * 1024),
        ours.get("error").cloned().unwrap_or_else(|| "all stages, in-process timing".into()),
    ]);
    t.row(vec![
        "ours / openapi-to-rust (target ≤ 0.25×)".into(),
        format!("{:.2}×", o / p),
        format!("{:.2}×", om / pm),
        String::new(),
    ]);
    t.print();
}

// ---------------------------------------------------------------------------------------------
// Item 8 (`--build-times`): what users compile.

/// Writes the crate of `tags` of `doc` (every tag when empty) into `dir`, with the workspace's
/// lockfile, so the build resolves to the dependencies already downloaded and built.
fn write_crate(root: &Path, doc: &Path, tags: &[String], dir: &Path) -> Result<(), String> {
    let config = generator::Config {
        spec: doc.to_path_buf(),
        spec_display: DOC_2026.into(),
        tags: tags.to_vec(),
        secrets: generator::secrets::openrouter_defaults(),
    };
    let files = generator::generate(&config).map_err(|e| first_line(&e.to_string()))?;
    let _ = std::fs::remove_dir_all(dir);
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, f.contents).map_err(|e| e.to_string())?;
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    Ok(())
}

/// `cargo build` of the crate in `dir` with `args`, in `target`; its wall time in ms.
fn cargo_build(dir: &Path, target: &Path, args: &[&str]) -> Result<f64, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let t0 = Instant::now();
    let out = Command::new(cargo)
        .args(["build", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("cargo build {}: {}", args.join(" "), first_line(&String::from_utf8_lossy(&out.stderr))));
    }
    Ok(t0.elapsed().as_secs_f64() * 1e3)
}

/// Removes the crate's own artifacts from `target`, keeping its dependencies'.
fn clean_crate(dir: &Path, target: &Path) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["clean", "--quiet", "-p", "openrouter", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .status()
        .map_err(|e| e.to_string())?;
    status.success().then_some(()).ok_or_else(|| format!("cargo clean -p openrouter: {status}"))
}

fn build_times_table(root: &Path, doc: &Path) {
    println!("## 8. Users' build of the {DOC_2026} crates (debug, crate cold, dependencies prebuilt), this run\n");
    match build_times(root, doc) {
        Ok(t) => t.print(),
        Err(e) => println!("error: {e}\n"),
    }
}

fn build_times(root: &Path, doc: &Path) -> Result<Table, String> {
    let base = std::env::temp_dir().join("bench-build");
    let (whole, oauth) = (base.join("whole"), base.join("oauth"));
    let (whole_target, oauth_target) = (base.join("target-whole"), base.join("target-oauth"));
    write_crate(root, doc, &[], &whole)?;
    write_crate(root, doc, &[TAG.to_owned()], &oauth)?;
    let only_oauth: &[&str] = &["--no-default-features", "--features", "oauth"];
    // Warm-up: every dependency of each configuration is built before any timing.
    cargo_build(&whole, &whole_target, &["--all-features"])?;
    cargo_build(&whole, &whole_target, only_oauth)?;
    cargo_build(&oauth, &oauth_target, &[])?;
    let timed = |dir: &Path, target: &Path, args: &[&str]| -> Result<f64, String> {
        clean_crate(dir, target)?;
        cargo_build(dir, target, args)
    };
    let oauth_crate = timed(&oauth, &oauth_target, &[])?;
    let whole_oauth = timed(&whole, &whole_target, only_oauth)?;
    let whole_all = timed(&whole, &whole_target, &["--all-features"])?;
    let mut t = Table::new(&["build", "time", "× OAuth-only crate"]);
    t.row(vec!["OAuth-only crate (`--tag OAuth`), default features".into(), fmt_ms(oauth_crate), "1.00×".into()]);
    t.row(vec![
        "whole-API crate, only `oauth` (target ≤ 1.3×)".into(),
        fmt_ms(whole_oauth),
        format!("{:.2}×", whole_oauth / oauth_crate),
    ]);
    t.row(vec![
        "whole-API crate, `--all-features`".into(),
        fmt_ms(whole_all),
        format!("{:.2}×", whole_all / oauth_crate),
    ]);
    Ok(t)
}

/// How the openapi-to-rust CLI is run (`{spec}`, `{out}` replaced).
const O2R_ARGS: &[&str] = &["generate", "{spec}", "--output-dir", "{out}", "--quiet"];

/// Runs `cmd` to its end: (wall time in ms, peak RSS in KiB from `wait4`).
fn timed_child(cmd: &mut Command) -> Result<(f64, u64), String> {
    let t0 = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data; wait4 fills it for the child we spawned and have not waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let ms = t0.elapsed().as_secs_f64() * 1e3;
    if r != pid {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        let mut err = String::new();
        if let Some(mut e) = child.stderr {
            let _ = std::io::Read::read_to_string(&mut e, &mut err);
        }
        return Err(format!("failed: {}", first_line(&err)));
    }
    Ok((ms, usage.ru_maxrss as u64))
}

// ---------------------------------------------------------------------------------------------
// Item 5: the generated client against hand-written reqwest + serde_json.

const RESPONSE_BODY: &str = r#"{"data":{"id":"auth_code_xyz789","app_id":12345,"created_at":"2025-08-24T10:30:00Z"}}"#;

/// A minimal HTTP/1.1 server with keep-alive: reads a request (headers + Content-Length body)
/// and answers every one with the example response of create-auth-code.
async fn serve(listener: tokio::net::TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { return };
        tokio::spawn(connection(stream));
    }
}

async fn connection(mut stream: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let _ = stream.set_nodelay(true);
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{RESPONSE_BODY}",
        RESPONSE_BODY.len()
    );
    let mut buf = vec![0u8; 16 * 1024];
    let mut filled = 0;
    loop {
        // One request: headers, then Content-Length bytes of body.
        let request_len = loop {
            if let Some(end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]);
                let body = head
                    .lines()
                    .filter_map(|l| l.split_once(':'))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if filled >= end + 4 + body {
                    break end + 4 + body;
                }
            }
            if filled == buf.len() {
                buf.resize(buf.len() * 2, 0);
            }
            match stream.read(&mut buf[filled..]).await {
                Ok(0) | Err(_) => return,
                Ok(k) => filled += k,
            }
        };
        buf.copy_within(request_len..filled, 0);
        filled -= request_len;
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// The hand-written side: the request body and response, as a person would type them.
#[derive(serde::Serialize, Clone)]
struct RawCreateAuthCode {
    callback_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_challenge: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_challenge_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<f64>,
}

#[derive(serde::Deserialize)]
struct RawAuthCodeResponse {
    data: RawAuthCode,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct RawAuthCode {
    id: String,
    app_id: i64,
    created_at: String,
}

async fn raw_create_auth_code(
    http: &reqwest::Client,
    url: &str,
    body: &RawCreateAuthCode,
) -> Result<RawAuthCodeResponse, Box<dyn std::error::Error + Send + Sync>> {
    let bytes = serde_json::to_vec(body)?;
    let response = http.post(url).header(reqwest::header::CONTENT_TYPE, "application/json").body(bytes).send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() {
        return Err(format!("status {status}").into());
    }
    Ok(serde_json::from_slice(&body)?)
}

fn client_table(_root: &Path, requests: usize) {
    println!("## 5. Generated client overhead: create-auth-code with its example body, 127.0.0.1 keep-alive server\n");
    let listener = match std::net::TcpListener::bind("127.0.0.1:0") {
        Ok(l) => l,
        Err(e) => {
            println!("error: cannot listen on 127.0.0.1: {e}\n");
            return;
        }
    };
    let addr = listener.local_addr().expect("bound socket has an address");
    let _ = listener.set_nonblocking(true);
    // The server has its own thread and runtime; the clients run on this thread.
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("server runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            serve(listener).await;
        });
    });
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            println!("error: tokio runtime: {e}\n");
            return;
        }
    };
    let result = rt.block_on(measure_clients(&format!("http://{addr}"), requests));
    match result {
        Ok(table) => table.print(),
        Err(e) => println!("error: {e}\n"),
    }
    println!("Per request: the generated `client.oauth().create_auth_code(body.clone()).await` vs. `reqwest` post + `serde_json` to/from hand-written structs with the same headers (bearer, user agent, JSON). Allocations counted on the client thread (runtime, hyper connection task included).\n");
}

async fn measure_clients(base: &str, requests: usize) -> Result<Table, String> {
    const KEY: &str = "sk-or-v1-bench";
    const AGENT: &str = "bench/1.0";
    let generated = openrouter::Client::builder()
        .api_key(KEY)
        .base_url(base)
        .user_agent(AGENT)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let gen_body = openrouter::models::CreateAuthKeysCodeRequest::new(
        "https://myapp.com/auth/callback".parse().map_err(|e| format!("{e}"))?,
    )
    .with_code_challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into())
    .with_code_challenge_method(openrouter::models::CreateAuthKeysCodeRequestCodeChallengeMethod::S256)
    .with_limit(100.0);

    let mut headers = reqwest::header::HeaderMap::new();
    let mut auth = reqwest::header::HeaderValue::from_str(&format!("Bearer {KEY}")).map_err(|e| e.to_string())?;
    auth.set_sensitive(true);
    headers.insert(reqwest::header::AUTHORIZATION, auth);
    headers.insert(reqwest::header::USER_AGENT, reqwest::header::HeaderValue::from_static(AGENT));
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("{base}/auth/keys/code");
    let raw_body = RawCreateAuthCode {
        callback_url: "https://myapp.com/auth/callback".into(),
        code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
        code_challenge_method: Some("S256".into()),
        limit: Some(100.0),
    };
    // Both must send the same bytes.
    let gen_json = serde_json::to_string(&gen_body).map_err(|e| e.to_string())?;
    let raw_json = serde_json::to_string(&raw_body).map_err(|e| e.to_string())?;
    if gen_json != raw_json {
        return Err(format!("the two bodies differ: {gen_json} vs {raw_json}"));
    }

    let one_generated = || async {
        let r = generated.oauth().create_auth_code(gen_body.clone()).await.map_err(|e| e.to_string())?;
        if r.data.app_id != 12345 {
            return Err("wrong answer".to_owned());
        }
        Ok::<_, String>(())
    };
    let one_raw = || async {
        let r = raw_create_auth_code(&http, &url, &raw_body).await.map_err(|e| e.to_string())?;
        if r.data.app_id != 12345 {
            return Err("wrong answer".to_owned());
        }
        Ok::<_, String>(())
    };
    for _ in 0..200 {
        one_generated().await?;
        one_raw().await?;
    }
    // Interleaved in blocks of 50, alternating which goes first.
    let block = 50;
    let mut gen_t = Vec::with_capacity(requests);
    let mut raw_t = Vec::with_capacity(requests);
    let mut gen_blocks = Vec::new();
    let mut raw_blocks = Vec::new();
    let (mut gen_a, mut raw_a) = ((0u64, 0u64), (0u64, 0u64));
    let mut b = 0;
    while gen_t.len() < requests {
        for first_generated in [b % 2 == 0, b % 2 != 0] {
            let a0 = allocs();
            let tb = Instant::now();
            for _ in 0..block {
                let t0 = Instant::now();
                if first_generated {
                    one_generated().await?;
                    gen_t.push(t0.elapsed().as_secs_f64() * 1e6);
                } else {
                    one_raw().await?;
                    raw_t.push(t0.elapsed().as_secs_f64() * 1e6);
                }
            }
            let per = tb.elapsed().as_secs_f64() * 1e6 / block as f64;
            let a1 = allocs();
            let d = (a1.0 - a0.0, a1.1 - a0.1);
            if first_generated {
                gen_blocks.push(per);
                gen_a = (gen_a.0 + d.0, gen_a.1 + d.1);
            } else {
                raw_blocks.push(per);
                raw_a = (raw_a.0 + d.0, raw_a.1 + d.1);
            }
        }
        b += 1;
    }
    let n = gen_t.len() as u64;
    let (g, r) = (median(&gen_t), median(&raw_t));
    let (gb, rb) = (median(&gen_blocks), median(&raw_blocks));
    let mut t = Table::new(&[
        "client",
        "requests",
        "median / request",
        "min",
        "median of 50-request means",
        "allocs / call",
        "bytes alloc. / call",
    ]);
    t.row(vec![
        "hand-written reqwest + serde_json".into(),
        n.to_string(),
        format!("{r:.1} µs"),
        format!("{:.1} µs", min(&raw_t)),
        format!("{rb:.1} µs"),
        format!("{:.0}", raw_a.0 as f64 / n as f64),
        fmt_bytes(raw_a.1 / n),
    ]);
    t.row(vec![
        "generated `openrouter` client".into(),
        n.to_string(),
        format!("{g:.1} µs"),
        format!("{:.1} µs", min(&gen_t)),
        format!("{gb:.1} µs"),
        format!("{:.0}", gen_a.0 as f64 / n as f64),
        fmt_bytes(gen_a.1 / n),
    ]);
    t.row(vec![
        "ratio generated / hand-written (target ≤ 1.05×)".into(),
        String::new(),
        format!("{:.3}×", g / r),
        String::new(),
        format!("{:.3}×", gb / rb),
        format!("{:.2}×", gen_a.0 as f64 / raw_a.0 as f64),
        format!("{:.2}×", gen_a.1 as f64 / raw_a.1 as f64),
    ]);
    Ok(t)
}

// ---------------------------------------------------------------------------------------------
// The semantic API diff of the two 2026-08 documents (all tags) against loading both.

const DIFF_OLD: &str = "openrouter-2026-08-19.yaml";
const DIFF_NEW: &str = "openrouter-2026-08-22.yaml";

/// Interleaved rounds of: parsing both documents (bytes in memory → `Value`, the load floor)
/// and diffing them (both `Value`s → lowered `Api`s of every tag → surfaces → classified
/// changes). Target: diff ≤ 2.5× loading both.
fn diff_table(upstream: &Path, rounds: usize) {
    let (Ok(old), Ok(new)) = (std::fs::read(upstream.join(DIFF_OLD)), std::fs::read(upstream.join(DIFF_NEW))) else {
        println!("error: {DIFF_OLD} or {DIFF_NEW} not found in {}: the diff is skipped\n", upstream.display());
        return;
    };
    let parse_both = || (load::parse(&old, DIFF_OLD).ok(), load::parse(&new, DIFF_NEW).ok());
    let diff_once = |a: serde_json::Value, b: serde_json::Value| {
        let a = generator::lower_value(a, &[], DIFF_OLD).ok()?;
        let b = generator::lower_value(b, &[], DIFF_NEW).ok()?;
        Some(generator::diff::diff(&a, &b, generator::diff::Options::default()))
    };
    let (Some(a), Some(b)) = parse_both() else {
        println!("error: cannot parse {DIFF_OLD} or {DIFF_NEW}: the diff is skipped\n");
        return;
    };
    let Some(found) = diff_once(a, b) else {
        println!("error: cannot lower {DIFF_OLD} or {DIFF_NEW}: the diff is skipped\n");
        return;
    };
    let (mut load_t, mut diff_t) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        for k in 0..2 {
            let (a, b) = parse_both();
            if (round + k) % 2 == 0 {
                let t0 = Instant::now();
                black_box((yaml_floor(&old), yaml_floor(&new)));
                load_t.push(ms(t0.elapsed()));
            } else if let (Some(a), Some(b)) = (a, b) {
                // The Values are made outside the timing: the diff starts from loaded documents.
                let t0 = Instant::now();
                black_box(diff_once(a, b));
                diff_t.push(ms(t0.elapsed()));
            }
        }
    }
    println!(
        "## Diff: {DIFF_OLD} → {DIFF_NEW}, every tag ({} changes: {})\n",
        found.changes.len(),
        generator::diff::render::summary(&found)
    );
    let floor = median(&load_t);
    let mut t = Table::new(&["step", "median", "min", "× load both"]);
    t.row(against("parse both (YAML parse floor, serde_yaml_ng)", &load_t, floor));
    t.row(against("diff (lower both, all tags, + compare; target ≤ 2.5×)", &diff_t, floor));
    t.print();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scaling numbers mean something only if every synthetic schema is lowered.
    #[test]
    fn synthetic_documents_lower_every_schema() {
        let n = 9;
        let value = load::parse(synthetic_doc(n).as_bytes(), "synthetic.yaml").unwrap();
        let value = normalize::normalize(value, "synthetic.yaml").unwrap();
        let doc = normalize::to_openapi(value, "synthetic.yaml").unwrap();
        let api = lower::lower(doc, &synthetic_tags(n), "synthetic.yaml").unwrap().unwrap();
        assert_eq!(api.tags.iter().map(|t| t.operations.len()).sum::<usize>(), n);
        for i in 0..n {
            assert!(api.types.values().any(|t| t.rust_name == format!("Model{i}")), "Model{i} not lowered");
        }
        emit::emit(&api, "synthetic.yaml").unwrap();
    }
}
