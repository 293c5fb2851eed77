//! The download bench, run inside a crate generated from `generator/tests/fixtures/bodies.yaml`
//! (written there by `cargo xtask bench` as `examples/download_bench.rs`): a loopback server
//! sends a binary body of `BENCH_MB` MiB; the generated `files().content(..).download()` writes
//! it into a sink, against a hand-written reqwest chunk loop, rounds interleaved. Then the
//! peak RSS above the baseline of one streamed download and of one streamed 100 MiB upload
//! from a file. Prints one `key=value` line.

use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

fn size() -> usize {
    std::env::var("BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(100) * (1 << 20)
}

/// Answers GET with the body (1 MiB chunks of one buffer) and POST, after reading the whole
/// request body (length or chunked), with a small JSON object; keeps connections alive.
async fn connection(stream: tokio::net::TcpStream, chunk: &'static [u8]) -> std::io::Result<()> {
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let post = line.starts_with("POST");
        let (mut length, mut chunked) = (0usize, false);
        loop {
            line.clear();
            stream.read_line(&mut line).await?;
            let lower = line.to_ascii_lowercase();
            if lower == "\r\n" {
                break;
            }
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            chunked |= lower.starts_with("transfer-encoding:") && lower.contains("chunked");
        }
        let mut sink = tokio::io::sink();
        if chunked {
            loop {
                line.clear();
                stream.read_line(&mut line).await?;
                let n = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
                tokio::io::copy(&mut (&mut stream).take(n as u64 + 2), &mut sink).await?;
                if n == 0 {
                    break;
                }
            }
        } else {
            tokio::io::copy(&mut (&mut stream).take(length as u64), &mut sink).await?;
        }
        let out = stream.get_mut();
        if post {
            let body = br#"{"id":"f1"}"#;
            let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
            out.write_all(head.as_bytes()).await?;
            out.write_all(body).await?;
        } else {
            let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n\r\n", size());
            out.write_all(head.as_bytes()).await?;
            let mut left = size();
            while left > 0 {
                let n = left.min(chunk.len());
                out.write_all(&chunk[..n]).await?;
                left -= n;
            }
        }
    }
}

/// VmHWM and VmRSS of this process, in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name));
        line.and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Resets the peak to the current RSS (Linux ≥ 4.0); returns the RSS then.
fn reset_peak() -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    memory_kib().1
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let chunk: &'static [u8] = Box::leak(vec![0x5a; 1 << 20].into_boxed_slice());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(connection(stream, chunk));
        }
    });
    let client = openrouter::Client::builder().base_url(&base).timeout(Duration::from_secs(120)).build()?;
    let raw = reqwest::Client::new();
    let url = format!("{base}/files/f1/content");
    let generated = || async {
        let download = client.files().content("f1".into()).download().await?;
        let n = download.write_to(&mut tokio::io::sink()).await?;
        assert_eq!(n as usize, size());
        Ok::<_, Box<dyn std::error::Error>>(())
    };
    let by_hand = || async {
        let mut response = raw.get(&url).send().await?.error_for_status()?;
        let (mut sink, mut n) = (tokio::io::sink(), 0);
        while let Some(chunk) = response.chunk().await? {
            sink.write_all(&chunk).await?;
            n += chunk.len();
        }
        assert_eq!(n, size());
        Ok::<_, Box<dyn std::error::Error>>(())
    };
    // Warm-up: connections, pools and the server's buffers exist before anything is measured.
    generated().await?;
    by_hand().await?;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let start = Instant::now();
        generated().await?;
        ours.push(start.elapsed().as_secs_f64() * 1e3);
        let start = Instant::now();
        by_hand().await?;
        theirs.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let base_kib = reset_peak();
    generated().await?;
    let download_peak = memory_kib().0.saturating_sub(base_kib);
    // A streamed upload of a file as large as the download.
    let file = std::env::temp_dir().join(format!("bench-upload-{}.bin", std::process::id()));
    {
        let mut out = tokio::fs::File::create(&file).await?;
        for _ in 0..size() / chunk.len() {
            out.write_all(chunk).await?;
        }
        out.flush().await?;
    }
    let base_kib = reset_peak();
    let form = openrouter::api::files::UploadFileForm::new(
        openrouter::FilePart::path(&file),
        openrouter::models::UploadFileFormPurpose::Batch,
    );
    let stored = client.files().upload(None, form).await;
    let upload_peak = memory_kib().0.saturating_sub(base_kib);
    std::fs::remove_file(&file)?;
    stored?;
    let (ours, theirs) = (median(ours), median(theirs));
    println!(
        "mb={} rounds={rounds} generated_ms={ours:.1} reqwest_ms={theirs:.1} ratio={:.3} download_peak_kib={download_peak} upload_peak_kib={upload_peak}",
        size() >> 20,
        ours / theirs
    );
    Ok(())
}
