//! Uploads, downloads, other media and paginated lists (`fixtures/bodies.yaml`), generated into
//! a crate whose own tests (below) run them against local wiremock servers: a multipart form
//! checked part by part on the server (with a file over 10 MB read from disk), a binary body
//! compared byte for byte, both pagination styles across three pages, and an error on page two.

mod common;

use generator::{generate, Config, GeneratedFile};

/// Runs inside the generated crate.
const BEHAVIOUR: &str = r#"
use openrouter::api::files::{ListKeysError, TranscribeForm, UploadFileForm, ContentError};
use openrouter::models::*;
use openrouter::{Client, Error, FilePart};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().api_key("k").base_url(server.uri()).build().unwrap()
}

/// The parts of a multipart body: (headers text, content) per part, in order.
fn parts(request: &Request) -> Vec<(String, Vec<u8>)> {
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap().to_owned();
    let boundary = content_type.split("boundary=").nth(1).expect("a boundary").to_owned();
    let delimiter = format!("--{boundary}").into_bytes();
    let body = &request.body;
    let mut starts = Vec::new();
    let mut i = 0;
    while i + delimiter.len() <= body.len() {
        if body[i..].starts_with(&delimiter) {
            starts.push(i);
            i += delimiter.len();
        } else {
            i += 1;
        }
    }
    starts
        .windows(2)
        .map(|w| {
            // `--boundary\r\n` headers `\r\n\r\n` content `\r\n`
            let part = &body[w[0] + delimiter.len() + 2..w[1] - 2];
            let split = part.windows(4).position(|x| x == b"\r\n\r\n").unwrap();
            (String::from_utf8(part[..split].to_vec()).unwrap(), part[split + 4..].to_vec())
        })
        .collect()
}

fn named<'a>(parts: &'a [(String, Vec<u8>)], name: &str) -> Vec<&'a (String, Vec<u8>)> {
    parts.iter().filter(|(h, _)| h.contains(&format!("name=\"{name}\""))).collect()
}

#[tokio::test]
async fn a_multipart_upload_arrives_part_by_part_with_a_large_file_streamed_from_disk() {
    let server = MockServer::start().await;
    let c = client(&server);
    let stored = json!({"id": "f1", "filename": "big.bin"});
    Mock::given(method("POST")).and(path("/files")).and(query_param("workspace", "w"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&stored)).expect(1).mount(&server).await;
    // 11 MB and a bit, with a pattern that shows any reordering.
    let content: Vec<u8> = (0..11 * 1024 * 1024 + 17).map(|i: u32| (i % 251) as u8).collect();
    let file = std::env::temp_dir().join(format!("bodies-upload-{}.bin", std::process::id()));
    std::fs::write(&file, &content).unwrap();
    let mut form = UploadFileForm::new(FilePart::path(&file).content_type("application/x-test"), UploadFileFormPurpose::Batch);
    form.label = Some("quarterly".into());
    form.sizes = Some(vec![1, 2]);
    form.pinned = Some(true);
    let got = c.files().upload(Some("w".into()), form).await.unwrap();
    std::fs::remove_file(&file).unwrap();
    assert_eq!(got.id, "f1");
    let received = server.received_requests().await.unwrap();
    let parts = parts(&received[0]);
    assert_eq!(parts.len(), 6, "file, purpose, label, two sizes, pinned");
    let (file_headers, file_content) = named(&parts, "file")[0];
    assert!(file_headers.contains(&format!("filename=\"bodies-upload-{}.bin\"", std::process::id())), "{file_headers}");
    assert!(file_headers.to_ascii_lowercase().contains("content-type: application/x-test"), "{file_headers}");
    assert!(file_content == &content, "the file arrived changed ({} bytes of {})", file_content.len(), content.len());
    assert_eq!(named(&parts, "purpose")[0].1, b"batch");
    assert_eq!(named(&parts, "label")[0].1, b"quarterly");
    let sizes: Vec<&[u8]> = named(&parts, "sizes").iter().map(|(_, c)| c.as_slice()).collect();
    assert_eq!(sizes, [b"1".as_slice(), b"2".as_slice()]);
    assert_eq!(named(&parts, "pinned")[0].1, b"true");
}

#[tokio::test]
async fn file_parts_come_from_bytes_or_a_reader_and_a_form_sits_beside_json() {
    let server = MockServer::start().await;
    let c = client(&server);
    Mock::given(method("POST")).and(path("/transcriptions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"text": "hi"}))).mount(&server).await;
    let files = c.files();
    let reader = std::io::Cursor::new(b"from a reader".to_vec());
    let mut form = TranscribeForm::new(FilePart::reader(reader, Some(13)).file_name("a.wav").content_type("audio/wav"));
    form.language = Some("en".into());
    assert_eq!(files.transcribe_form(form).await.unwrap().text, "hi");
    let form = TranscribeForm::new(FilePart::bytes(b"in memory".to_vec()).file_name("b.wav"));
    files.transcribe_form(form).await.unwrap();
    files.transcribe(TranscribeRequest::new("base64".into())).await.unwrap();
    let received = server.received_requests().await.unwrap();
    let first = parts(&received[0]);
    assert_eq!(named(&first, "file")[0].1, b"from a reader");
    assert!(named(&first, "file")[0].0.contains("filename=\"a.wav\""));
    assert_eq!(named(&first, "language")[0].1, b"en");
    assert_eq!(named(&parts(&received[1]), "file")[0].1, b"in memory");
    let json_type = received[2].headers.get("content-type").unwrap().to_str().unwrap();
    assert_eq!(json_type, "application/json");
}

#[tokio::test]
async fn a_missing_file_fails_before_sending() {
    let server = MockServer::start().await;
    let c = client(&server);
    let form = UploadFileForm::new(FilePart::path("/no/such/file.bin"), UploadFileFormPurpose::Batch);
    match c.files().upload(None, form).await {
        Err(Error::InvalidRequest(m)) => assert!(m.contains("/no/such/file.bin"), "{m}"),
        other => panic!("expected an invalid request, got {other:?}"),
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_binary_body_downloads_byte_for_byte_whole_or_streamed() {
    let server = MockServer::start().await;
    let c = client(&server);
    let content: Vec<u8> = (0..3_000_001u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let reply = ResponseTemplate::new(200).set_body_raw(content.clone(), "application/octet-stream");
    Mock::given(method("GET")).and(path("/files/f1/content")).respond_with(reply).mount(&server).await;
    let files = c.files();
    let whole = files.content("f1".into()).await.unwrap();
    assert!(whole == content);
    let download = files.content("f1".into()).download().await.unwrap();
    assert_eq!(download.content_type(), Some("application/octet-stream"));
    assert_eq!(download.content_length(), Some(content.len() as u64));
    let mut sink = Vec::new();
    let written = download.write_to(&mut sink).await.unwrap();
    assert_eq!(written, content.len() as u64);
    assert!(sink == content);
    let mut download = files.content("f1".into()).download().await.unwrap();
    let mut chunks = Vec::new();
    while let Some(chunk) = download.chunk().await.unwrap() {
        chunks.extend_from_slice(&chunk);
    }
    assert!(chunks == content);
}

/// A server that sends the headers and the first bytes of a body, then goes silent.
#[tokio::test]
async fn a_download_that_stalls_mid_body_times_out_between_chunks() {
    use std::time::{Duration, Instant};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = vec![0u8; 8192];
        let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut head).await;
        let reply = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 1000\r\n\r\nfirst";
        tokio::io::AsyncWriteExt::write_all(&mut socket, reply.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(socket);
    });
    let c = Client::builder().api_key("k").base_url(base).build().unwrap();
    let started = Instant::now();
    let files = c.files();
    let mut download = files.content("f1".into()).timeout(Duration::from_millis(300)).download().await.unwrap();
    assert_eq!(download.chunk().await.unwrap().as_deref(), Some(&b"first"[..]));
    let err = download.chunk().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn audio_keeps_the_content_type_the_server_sent_and_errors_decode_as_documented() {
    let server = MockServer::start().await;
    let c = client(&server);
    let reply = ResponseTemplate::new(200).set_body_raw(b"ID3mp3".to_vec(), "audio/mpeg");
    Mock::given(method("POST")).and(path("/speech")).respond_with(reply).mount(&server).await;
    let missing = ResponseTemplate::new(404).set_body_json(json!({"error": "no such file"}));
    Mock::given(method("GET")).and(path("/files/gone/content")).respond_with(missing).mount(&server).await;
    let files = c.files();
    let audio = files.speak(SpeakRequest::new("hello".into())).download().await.unwrap();
    assert_eq!(audio.content_type(), Some("audio/mpeg"));
    assert_eq!(audio.bytes().await.unwrap().as_ref(), b"ID3mp3");
    match files.content("gone".into()).download().await {
        Err(Error::Api(ContentError::NotFound(p))) => assert_eq!(p.error, "no such file"),
        other => panic!("expected the documented 404, got {other:?}"),
    }
}

#[tokio::test]
async fn rss_is_asked_for_with_accept_and_json_stays_the_default() {
    let server = MockServer::start().await;
    let c = client(&server);
    Mock::given(method("GET")).and(path("/models")).and(header("accept", "application/rss+xml"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<rss/>", "application/rss+xml")).mount(&server).await;
    Mock::given(method("GET")).and(path("/models")).and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": ["m"]}))).mount(&server).await;
    let files = c.files();
    assert_eq!(files.list_models_rss().await.unwrap(), "<rss/>");
    assert_eq!(files.list_models().await.unwrap().data, ["m"]);
}

fn keys(from: usize, n: usize) -> serde_json::Value {
    json!({"data": (from..from + n).map(|i| json!({"name": format!("k{i}")})).collect::<Vec<_>>()})
}

#[tokio::test]
async fn offset_pages_are_walked_until_a_short_page_with_the_callers_limit_and_options() {
    let server = MockServer::start().await;
    let c = client(&server);
    for (offset, n) in [(0, 2), (2, 2), (4, 1)] {
        Mock::given(method("GET")).and(path("/keys")).and(query_param("offset", offset.to_string()))
            .and(query_param("limit", "2")).and(query_param("owner", "me")).and(header("x-trace", "t"))
            .respond_with(ResponseTemplate::new(200).set_body_json(keys(offset, n))).expect(1).mount(&server).await;
    }
    let mut items = c.files().list_keys_items(Some(2), Some("me".into())).header("X-Trace", "t");
    let mut names = Vec::new();
    while let Some(key) = items.next_item().await {
        names.push(key.unwrap().name);
    }
    assert_eq!(names, ["k0", "k1", "k2", "k3", "k4"]);
}

#[tokio::test]
async fn without_a_limit_the_first_page_sets_the_page_size_and_an_empty_page_ends_the_walk() {
    let server = MockServer::start().await;
    let c = client(&server);
    for (offset, n) in [(0, 3), (3, 3), (6, 0)] {
        Mock::given(method("GET")).and(path("/keys")).and(query_param("offset", offset.to_string()))
            .and(query_param_is_missing("limit"))
            .respond_with(ResponseTemplate::new(200).set_body_json(keys(offset, n))).expect(1).mount(&server).await;
    }
    let mut items = c.files().list_keys_items(None, None);
    let mut count = 0;
    while let Some(key) = items.next_item().await {
        key.unwrap();
        count += 1;
    }
    assert_eq!(count, 6);
}

#[tokio::test]
async fn an_error_on_page_two_is_yielded_once_and_ends_the_stream_after_retrying_per_page() {
    let server = MockServer::start().await;
    let c = client(&server);
    Mock::given(method("GET")).and(path("/keys")).and(query_param("offset", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(keys(0, 2))).expect(1).mount(&server).await;
    // The spec's policy retries 503 per page; the 500 that follows is documented and final.
    Mock::given(method("GET")).and(path("/keys")).and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(503)).up_to_n_times(1).expect(1).mount(&server).await;
    Mock::given(method("GET")).and(path("/keys")).and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": "boom"}))).expect(1).mount(&server).await;
    let mut items = c.files().list_keys_items(Some(2), None);
    assert_eq!(items.next_item().await.unwrap().unwrap().name, "k0");
    assert_eq!(items.next_item().await.unwrap().unwrap().name, "k1");
    match items.next_item().await {
        Some(Err(Error::Api(ListKeysError::InternalServerError(p)))) => assert_eq!(p.error, "boom"),
        other => panic!("expected the page-two error, got {other:?}"),
    }
    assert!(items.next_item().await.is_none());
}

#[tokio::test]
async fn cursor_pages_are_followed_until_the_cursor_is_null() {
    let server = MockServer::start().await;
    let c = client(&server);
    let page = |ids: &[&str], cursor: Option<&str>| {
        json!({"data": ids.iter().map(|i| json!({"id": i})).collect::<Vec<_>>(), "cursor": cursor})
    };
    Mock::given(method("GET")).and(path("/files")).and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["a", "b"], Some("c2")))).expect(1).mount(&server).await;
    Mock::given(method("GET")).and(path("/files")).and(query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["c", "d"], Some("c3")))).expect(1).mount(&server).await;
    Mock::given(method("GET")).and(path("/files")).and(query_param("cursor", "c3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["e"], None))).expect(1).mount(&server).await;
    let mut items = c.files().list_items(None).timeout(std::time::Duration::from_secs(5));
    let mut ids = Vec::new();
    while let Some(file) = items.next_item().await {
        ids.push(file.unwrap().id);
    }
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
}

#[test]
fn the_item_stream_is_a_futures_stream() {
    fn is_stream<S: futures_core::Stream>(_: &S) {}
    let client = Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
    is_stream(&client.files().list_items(None));
}
"#;

fn bodies() -> Vec<GeneratedFile> {
    let config = Config {
        spec: common::root().join("generator/tests/fixtures/bodies.yaml"),
        spec_display: "generator/tests/fixtures/bodies.yaml".into(),
        tags: vec!["Files".into()],
        secrets: generator::secrets::openrouter_defaults(),
    };
    let mut files = generate(&config).unwrap_or_else(|e| panic!("{e}"));
    files.push(GeneratedFile { path: "tests/behaviour.rs".into(), contents: BEHAVIOUR.into() });
    files
}

#[test]
fn uploads_downloads_media_and_pages_work_against_a_local_server() {
    let files = bodies();
    let (ok, output) = common::cargo_in_crate(&files, &["test", "--quiet", "--", "--test-threads=2"]);
    assert!(ok, "the fixture crate's tests failed:\n{output}");
    let (ok, output) = common::cargo_in_crate(&files, &["clippy", "--all-targets", "--quiet", "--", "-D", "warnings"]);
    assert!(ok, "clippy:\n{output}");
}

#[test]
fn runtime_pieces_and_features_come_only_with_the_operations_that_need_them() {
    let files = bodies();
    let file = |p: &str| files.iter().find(|f| f.path == p).map(|f| f.contents.as_str());
    for piece in ["src/multipart.rs", "src/download.rs", "src/paginate.rs", "src/request/bodies.rs"] {
        assert!(file(piece).is_some(), "{piece} is missing");
    }
    let manifest = file("Cargo.toml").unwrap();
    assert!(manifest.contains("\"multipart\"") && manifest.contains("\"stream\""), "{manifest}");
    assert!(file("src/request.rs").unwrap().ends_with("mod bodies;\n"));
    // The committed OAuth crate has none of them.
    let oauth = common::root().join("generated");
    for piece in ["src/multipart.rs", "src/download.rs", "src/paginate.rs", "src/request/bodies.rs"] {
        assert!(!oauth.join(piece).exists(), "{piece} in the OAuth crate");
    }
    let manifest = std::fs::read_to_string(oauth.join("Cargo.toml")).unwrap();
    assert!(!manifest.contains("multipart"), "{manifest}");
}
