//! Load: 1,000 concurrent calls from one client against a local hyper server on 127.0.0.1
//! that answers a share of them with 503 and delays some: every call is accounted for,
//! connections are reused, no socket is left open, and it all ends in bounded time.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use openrouter::models::CreateAuthKeysCodeRequest;
use openrouter::{Client, Error, RetryPolicy};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

const CALLS: usize = 1000;

#[derive(Default)]
struct Counters {
    connections: AtomicUsize,
    requests: AtomicUsize,
    unavailable: AtomicUsize,
}

/// Every 4th request gets 503 (with `Retry-After: 0`), every 7th waits 20 ms first.
async fn answer(n: usize, counters: &Counters) -> Response<Full<Bytes>> {
    if matches!(n % 7, 0) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if matches!(n % 4, 0) {
        counters.unavailable.fetch_add(1, Ordering::SeqCst);
        let mut response = Response::new(Full::new(Bytes::from_static(b"busy")));
        *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        response.headers_mut().insert("retry-after", "0".parse().unwrap());
        return response;
    }
    let body = r#"{"data":{"id":"auth_1","app_id":1,"created_at":"2025-01-01T00:00:00Z"}}"#;
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    response.headers_mut().insert("content-type", "application/json".parse().unwrap());
    response
}

async fn server(counters: Arc<Counters>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            counters.connections.fetch_add(1, Ordering::SeqCst);
            let counters = Arc::clone(&counters);
            tokio::spawn(async move {
                let service = service_fn(move |_request: Request<Incoming>| {
                    let counters = Arc::clone(&counters);
                    async move {
                        let n = counters.requests.fetch_add(1, Ordering::SeqCst) + 1;
                        Ok::<_, Infallible>(answer(n, &counters).await)
                    }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    base
}

/// Open file descriptors of this process (sockets included), but the test server's own
/// (its listener and the connections it accepted, local port `server_port`): the server is a
/// fixture, and a connection whose client went away before sending anything can stay open on
/// its side, waiting for a request (seen about once in 15 runs on a loaded machine).
fn open_fds(server_port: u16) -> usize {
    let port = format!(":{server_port:04X}");
    let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    // Socket inodes whose local address is the server's.
    let servers: Vec<&str> = tcp
        .lines()
        .filter_map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            (fields.get(1)?.ends_with(&port)).then(|| fields.get(9).copied()).flatten()
        })
        .collect();
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else { return 0 };
    dir.flatten()
        .filter(|e| {
            let target = std::fs::read_link(e.path()).map(|p| p.display().to_string()).unwrap_or_default();
            let inode = target.strip_prefix("socket:[").and_then(|t| t.strip_suffix(']'));
            !inode.is_some_and(|i| servers.contains(&i))
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_are_all_accounted_for() {
    let counters = Arc::new(Counters::default());
    let base = server(Arc::clone(&counters)).await;
    let port: u16 = base.rsplit(':').next().and_then(|p| p.parse().ok()).expect("the server's port");
    let baseline = open_fds(port);

    let client = Client::builder()
        .base_url(&base)
        .api_key("sk-or-v1-load")
        .retry(
            RetryPolicy::new()
                .initial_interval(Duration::from_millis(10))
                .max_interval(Duration::from_millis(50))
                .max_elapsed_time(Duration::from_secs(20))
                .max_attempts(3)
                .status(503)
                .retry_non_idempotent(true),
        )
        .build()
        .unwrap();
    let body: CreateAuthKeysCodeRequest =
        serde_json::from_value(serde_json::json!({"callback_url": "https://app.example/cb"})).unwrap();

    let start = Instant::now();
    let mut calls = JoinSet::new();
    for _ in 0..CALLS {
        let client = client.clone();
        let body = body.clone();
        calls.spawn(async move { client.oauth().create_auth_code(body).await });
    }
    let (mut ok, mut unavailable) = (0, 0);
    while let Some(result) = calls.join_next().await {
        match result.expect("no call panics") {
            Ok(created) => {
                assert_eq!(created.data.id.expose_secret(), "auth_1");
                ok += 1;
            }
            Err(Error::UnexpectedStatus { status: 503, .. }) => unavailable += 1,
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
    let elapsed = start.elapsed();

    // Every call ended as a success or a typed 503 after its retries.
    assert_eq!(ok + unavailable, CALLS);
    let requests = counters.requests.load(Ordering::SeqCst);
    let refused = counters.unavailable.load(Ordering::SeqCst);
    // Each 503 was retried until the third attempt: requests = calls + retries.
    assert_eq!(requests, CALLS + refused - unavailable, "{requests} {refused} {unavailable}");
    assert!(refused > 0 && ok > CALLS / 2, "{refused} {ok}");
    // Connections were reused: retries rode on open connections.
    let connections = counters.connections.load(Ordering::SeqCst);
    eprintln!(
        "{ok} ok, {unavailable} 503 after retries, {requests} requests on {connections} \
         connections in {elapsed:?}"
    );
    assert!(connections <= CALLS, "{connections}");
    assert!(connections < requests, "{connections} connections for {requests} requests");
    // Generous: proves only that nothing hangs.
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");

    // Nothing leaks: once the client is gone, its sockets close and the count goes back to
    // where it was.
    drop(client);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut now_open = open_fds(port);
    while now_open > baseline && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        now_open = open_fds(port);
    }
    assert!(now_open <= baseline, "{now_open} open, {baseline} before");
}
