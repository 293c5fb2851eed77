//! Uploads, downloads, RSS and item streams of the 2026-08-22 whole-API crate against a local
//! server (added to the crate by `generator/tests/whole_api.rs`).

use openrouter::api::files::UploadFileForm;
use openrouter::api::stt::CreateAudioTranscriptionsForm;
use openrouter::{Client, FilePart};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().api_key("k").base_url(server.uri()).no_retry().build().unwrap()
}

fn multipart_of(request: &wiremock::Request) -> String {
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    String::from_utf8_lossy(&request.body).into_owned()
}

#[tokio::test]
async fn files_and_transcriptions_upload_multipart_forms() {
    let server = MockServer::start().await;
    let c = client(&server);
    let stored = json!({
        "_shape": "openrouter", "created_at": "2025-01-01T00:00:00Z", "downloadable": false, "filename": "a.pdf",
        "id": "or_file_1", "mime_type": "application/pdf", "size_bytes": 13, "type": "file"
    });
    Mock::given(method("POST")).and(path("/files")).respond_with(ResponseTemplate::new(200).set_body_json(stored)).mount(&server).await;
    let stt = json!({"text": "hello", "usage": {"cost": 0.1, "input_tokens": 1, "output_tokens": 1, "seconds": 1.0, "total_tokens": 2}});
    Mock::given(method("POST")).and(path("/audio/transcriptions")).respond_with(ResponseTemplate::new(200).set_body_json(stt)).mount(&server).await;
    let form = UploadFileForm::new(FilePart::bytes(b"%PDF-1.7 body".to_vec()).file_name("a.pdf").content_type("application/pdf"));
    c.files().upload(None, None, form).await.unwrap();
    let mut form = CreateAudioTranscriptionsForm::new(FilePart::bytes(b"RIFF....".to_vec()).file_name("a.wav"), "openai/whisper-large-v3".into());
    form.language = Some("en".into());
    assert_eq!(c.stt().create_transcription_form(form).await.unwrap().text, "hello");
    let received = server.received_requests().await.unwrap();
    let upload = multipart_of(&received[0]);
    assert!(upload.contains("name=\"file\"; filename=\"a.pdf\"") && upload.contains("%PDF-1.7 body"), "{upload}");
    let transcription = multipart_of(&received[1]);
    for part in ["name=\"model\"\r\n\r\nopenai/whisper-large-v3\r\n", "name=\"language\"\r\n\r\nen\r\n", "RIFF...."] {
        assert!(transcription.contains(part), "{part:?} missing from {transcription}");
    }
}

#[tokio::test]
async fn file_content_speech_and_video_download_byte_for_byte() {
    let server = MockServer::start().await;
    let c = client(&server);
    let content: Vec<u8> = (0..1_000_003u32).map(|i| (i % 253) as u8).collect();
    let reply = |ct: &str| ResponseTemplate::new(200).set_body_raw(content.clone(), ct);
    Mock::given(method("GET")).and(path("/files/f1/content")).respond_with(reply("application/octet-stream")).mount(&server).await;
    Mock::given(method("POST")).and(path("/audio/speech")).respond_with(reply("audio/mpeg")).mount(&server).await;
    Mock::given(method("GET")).and(path("/videos/j1/content")).respond_with(reply("video/mp4")).mount(&server).await;
    assert!(c.files().download("f1".into(), None, None).await.unwrap() == content);
    let mut sink = Vec::new();
    let video = c.video_generation().get_video_content("j1".into(), None).download().await.unwrap();
    assert_eq!(video.content_type(), Some("video/mp4"));
    video.write_to(&mut sink).await.unwrap();
    assert!(sink == content);
    let speech: openrouter::models::SpeechRequest =
        serde_json::from_value(json!({"input": "hi", "model": "openai/gpt-4o-mini-tts", "voice": "alloy"})).unwrap();
    let audio = c.tts().create_speech(speech).download().await.unwrap();
    assert_eq!(audio.content_type(), Some("audio/mpeg"));
    assert!(audio.bytes().await.unwrap() == content);
}

#[tokio::test]
async fn models_come_as_rss_on_request() {
    let server = MockServer::start().await;
    let c = client(&server);
    Mock::given(method("GET")).and(path("/models")).and(header("accept", "application/rss+xml"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<rss version=\"2.0\"/>", "application/rss+xml")).mount(&server).await;
    let models = c.models();
    let rss = models.list_rss(
        None, None, None, None, None, None, Some("true".into()), None, None, None, None, None, None, None, None, None,
        None, None, None, None, None, None, None, None, None, None, None, None, None, None, None,
    );
    assert_eq!(rss.await.unwrap(), "<rss version=\"2.0\"/>");
}

#[tokio::test]
async fn byok_keys_stream_across_three_pages() {
    let server = MockServer::start().await;
    let c = client(&server);
    let key = |i: usize| json!({
        "allowed_api_key_hashes": null, "allowed_models": null, "allowed_user_ids": null,
        "created_at": "2025-08-24T10:30:00Z", "disabled": false,
        "id": format!("11111111-2222-3333-4444-{i:012}"), "is_fallback": false, "label": "sk-...AbCd",
        "name": format!("key {i}"), "provider": "openai", "sort_order": 0,
        "workspace_id": "550e8400-e29b-41d4-a716-446655440000"
    });
    for (offset, n) in [(0usize, 2usize), (2, 2), (4, 1)] {
        let page = json!({"data": (offset..offset + n).map(key).collect::<Vec<_>>(), "total_count": 5});
        Mock::given(method("GET")).and(path("/byok")).and(query_param("offset", offset.to_string())).and(query_param("limit", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page)).expect(1).mount(&server).await;
    }
    let mut keys = c.byok().list_items(Some(2), None, None);
    let mut names = Vec::new();
    while let Some(key) = keys.next_item().await {
        names.push(key.unwrap().name.into_option().unwrap_or_default());
    }
    assert_eq!(names, ["key 0", "key 1", "key 2", "key 3", "key 4"]);
}
