//! The streaming part of `cargo xtask bench`, an example program of the crate generated from
//! `generator/tests/fixtures/streaming.yaml` (the committed crate has no streaming operation):
//! a long chat stream served from 127.0.0.1, decoded by the generated `send_stream` and by a
//! hand-written loop over the same bytes (reqwest's byte stream, the same SSE crate,
//! serde_json into the same model), in alternating rounds of one run. Prints Markdown.
//!
//! `cargo run --release --example stream_bench -- CHUNKS ROUNDS`

use eventsource_stream::Eventsource;
use futures_core::Stream;
use openrouter::models::{ChatRequest, ChatStreamChunk};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::pin::Pin;
use std::time::Instant;

/// The system allocator, counting the allocations of the calling thread (the client's: the
/// server writes prepared bytes from threads of its own).
struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to `System`; counting touches only a `Cell<u64>`
// thread local, which needs no allocation and no destructor.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.alloc(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocs() -> u64 {
    ALLOCS.with(Cell::get)
}

/// A chat stream of `n` content chunks in OpenRouter's shape, a usage chunk and `[DONE]`,
/// with a processing comment every 100 chunks.
fn stream_bytes(n: usize) -> Vec<u8> {
    let mut s = String::from("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n");
    for i in 0..n {
        if i % 100 == 0 {
            s.push_str(": OPENROUTER PROCESSING\n\n");
        }
        let chunk = serde_json::json!({
            "id": "gen-1764543200-abcdefghijklmnop", "provider": "OpenAI", "model": "openai/gpt-4o-mini",
            "object": "chat.completion.chunk", "created": 1_764_543_200,
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": format!("token{i} ")}, "finish_reason": null, "native_finish_reason": null, "logprobs": null}],
        });
        s.push_str(&format!("data: {chunk}\n\n"));
    }
    let usage = serde_json::json!({"id": "gen-1", "choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": n, "total_tokens": n + 10}});
    s.push_str(&format!("data: {usage}\n\ndata: [DONE]\n\n"));
    s.into_bytes()
}

/// Serves `bytes` to every connection (after reading its request) until the process ends.
fn serve(bytes: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            std::thread::spawn(move || {
                let mut request = Vec::with_capacity(4096);
                let mut buf = [0u8; 4096];
                // The request head and its small JSON body.
                while let Ok(n) = conn.read(&mut buf) {
                    request.extend_from_slice(&buf[..n]);
                    if n == 0 || request.last() == Some(&b'}') {
                        break;
                    }
                }
                for piece in bytes.chunks(16 * 1024) {
                    if conn.write_all(piece).is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

fn body() -> ChatRequest {
    ChatRequest::new("openai/gpt-4o-mini".into())
}

/// The generated streaming method: (events, characters of content).
async fn generated(client: &openrouter::Client) -> (usize, usize) {
    let (mut events, mut chars) = (0, 0);
    let mut stream = client.chat().send_stream(body());
    while let Some(item) = stream.next().await {
        if let openrouter::StreamItem::Event(chunk) = item.expect("generated: stream error") {
            events += 1;
            chars += chunk.choices.iter().filter_map(|c| c.delta.content.as_ref()).map(String::len).sum::<usize>();
        }
    }
    (events, chars)
}

/// The hand-written loop: reqwest's byte stream, eventsource-stream, serde_json.
async fn hand_written(http: &reqwest::Client, url: &str) -> (usize, usize) {
    let mut request = serde_json::to_value(body()).unwrap();
    request["stream"] = serde_json::Value::Bool(true);
    let response = http
        .post(format!("{url}/chat/completions"))
        .header(reqwest::header::ACCEPT, "text/event-stream")
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::to_vec(&request).unwrap())
        .send()
        .await
        .unwrap();
    let mut events_stream = Box::pin(response.bytes_stream().eventsource());
    let (mut events, mut chars) = (0, 0);
    while let Some(event) = std::future::poll_fn(|cx| Pin::new(&mut events_stream).as_mut().poll_next(cx)).await {
        let event = event.expect("hand-written: stream error");
        if event.data == "[DONE]" {
            break;
        }
        let chunk: ChatStreamChunk = serde_json::from_str(&event.data).expect("hand-written: decode");
        events += 1;
        chars += chunk.choices.iter().filter_map(|c| c.delta.content.as_ref()).map(String::len).sum::<usize>();
    }
    (events, chars)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().expect("usage: stream_bench CHUNKS ROUNDS"));
    let chunks = args.next().unwrap_or(10_000);
    let rounds = args.next().unwrap_or(15).max(1);
    let bytes = stream_bytes(chunks);
    let size = bytes.len();
    let url = serve(bytes);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let client = openrouter::Client::builder().api_key("bench").base_url(&url).no_retry().build().unwrap();
    let http = reqwest::Client::new();
    let events = chunks + 1;
    // One warm-up each, checking that both see the same stream.
    let a = runtime.block_on(generated(&client));
    let b = runtime.block_on(hand_written(&http, &url));
    assert_eq!(a, b, "the two loops decoded different streams");
    assert_eq!(a.0, events);
    let (mut gen_ms, mut raw_ms, mut gen_allocs, mut raw_allocs) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternating which goes first, so neither always runs on a warmer machine.
        for first in [round % 2 == 0, round % 2 != 0] {
            let before = allocs();
            let start = Instant::now();
            if first {
                runtime.block_on(generated(&client));
                gen_ms.push(start.elapsed().as_secs_f64() * 1e3);
                gen_allocs.push((allocs() - before) as f64 / events as f64);
            } else {
                runtime.block_on(hand_written(&http, &url));
                raw_ms.push(start.elapsed().as_secs_f64() * 1e3);
                raw_allocs.push((allocs() - before) as f64 / events as f64);
            }
        }
    }
    let (g, r) = (median(gen_ms), median(raw_ms));
    println!(
        "{events} events ({:.1} MiB) per stream from 127.0.0.1, {rounds} rounds; allocations counted on the client thread (its runtime and connection included).\n",
        size as f64 / (1024.0 * 1024.0)
    );
    println!("| loop | median ms per stream | µs per event | allocations per event |");
    println!("| --- | ---: | ---: | ---: |");
    println!("| generated `send_stream` | {g:.2} | {:.3} | {:.2} |", g * 1e3 / events as f64, median(gen_allocs));
    println!(
        "| hand-written reqwest + eventsource-stream + serde_json | {r:.2} | {:.3} | {:.2} |",
        r * 1e3 / events as f64,
        median(raw_allocs)
    );
    println!("| ratio generated / hand-written (target ≤ 1.10×) | {:.3}× | | |", g / r);
}
