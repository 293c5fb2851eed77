//! `peers progenitor FILE [ROUNDS]`: the time progenitor takes from the document's bytes in
//! memory to formatted Rust (YAML parse, generate, prettyplease), as `cargo xtask bench
//! --peers` compares it with ours. Prints one line of `key=value` pairs: the median and minimum
//! in ms, the rounds, the peak RSS of the first round in KiB and the output size.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some("progenitor"), Some(path)) = (args.first().map(String::as_str), args.get(1)) else {
        eprintln!("usage: peers progenitor FILE [ROUNDS]");
        return ExitCode::from(2);
    };
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) => {
            println!("error={path}: {e}");
            return ExitCode::SUCCESS;
        }
    };
    // The peak is that of generating: reset it once the input is in memory (Linux ≥ 4.0).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let mut times = Vec::new();
    let mut peak = 0;
    let mut out_bytes = 0;
    for round in 0..rounds {
        let t0 = Instant::now();
        match generate(&text) {
            Ok(n) => out_bytes = n,
            Err(e) => {
                println!("error={}", e.lines().next().unwrap_or_default());
                return ExitCode::SUCCESS;
            }
        }
        times.push(t0.elapsed().as_secs_f64() * 1e3);
        if round == 0 {
            peak = vm_hwm_kib();
            // One round over 5 s is enough.
            if times[0] > 5000.0 {
                break;
            }
        }
    }
    let min = times.iter().copied().fold(f64::INFINITY, f64::min);
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!("ms={median} min={min} rounds={} peak_kib={peak} out_bytes={out_bytes}", times.len());
    ExitCode::SUCCESS
}

/// YAML bytes → `openapiv3::OpenAPI` → progenitor's tokens → prettyplease text; its length.
fn generate(text: &[u8]) -> Result<usize, String> {
    let spec: openapiv3::OpenAPI = serde_yaml_ng::from_slice(text).map_err(|e| e.to_string())?;
    let mut generator = progenitor::Generator::default();
    let tokens = generator.generate_tokens(&spec).map_err(|e| e.to_string())?;
    let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    Ok(prettyplease::unparse(&file).len())
}

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
