//! `multipart/form-data` uploads: file parts from bytes, a path or an async
//! reader, streamed as they are sent.

use std::future::{Future, IntoFuture};
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderValue;
use reqwest::multipart::{Form, Part};
use tokio::io::AsyncRead;

use crate::error::{ApiError, Error};
use crate::request::Request;

/// A file to upload in one part of a form: its content (bytes, a path read
/// while sending, or an async reader), file name and content type.
///
/// ```no_run
/// let part = openrouter::FilePart::path("report.pdf").content_type("application/pdf");
/// let small = openrouter::FilePart::bytes(b"hello".to_vec()).file_name("hello.txt");
/// # let _ = (part, small);
/// ```
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
}

enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    Reader(Box<dyn AsyncRead + Send + Sync + Unpin>, Option<u64>),
}

impl std::fmt::Debug for FilePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            Source::Bytes(b) => format!("{} bytes", b.len()),
            Source::Path(p) => format!("file {}", p.display()),
            Source::Reader(_, length) => format!("reader ({length:?} bytes)"),
        };
        f.debug_struct("FilePart")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl FilePart {
    /// A file held in memory.
    pub fn bytes(content: impl Into<Bytes>) -> Self {
        Self::new(Source::Bytes(content.into()))
    }

    /// The file at `path`, opened and streamed when the request is sent; its
    /// file name is the path's last component unless set.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        Self { file_name: name, ..Self::new(Source::Path(path)) }
    }

    /// A file read from `reader` while the request is sent; `length`, when
    /// known, lets the part declare its size.
    pub fn reader(reader: impl AsyncRead + Send + Sync + Unpin + 'static, length: Option<u64>) -> Self {
        Self::new(Source::Reader(Box::new(reader), length))
    }

    fn new(source: Source) -> Self {
        Self { source, file_name: None, content_type: None }
    }

    /// The file name sent with the part.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's content type (`application/octet-stream` unless set).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    async fn into_part(self, name: &str) -> Result<Part, String> {
        let part = match self.source {
            Source::Bytes(b) => {
                let length = b.len() as u64;
                Part::stream_with_length(reqwest::Body::from(b), length)
            }
            Source::Path(path) => {
                let file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|e| format!("part `{name}`: cannot open {}: {e}", path.display()))?;
                let length = file.metadata().await.ok().map(|m| m.len());
                stream_part(file, length)
            }
            Source::Reader(reader, length) => stream_part(reader, length),
        };
        let part = match self.file_name {
            Some(n) => part.file_name(n),
            None => part,
        };
        let content_type = self.content_type.as_deref().unwrap_or("application/octet-stream");
        part.mime_str(content_type).map_err(|_| format!("part `{name}`: invalid content type `{content_type}`"))
    }
}

/// A part read from `reader` in chunks as it is sent.
fn stream_part(reader: impl AsyncRead + Send + Sync + Unpin + 'static, length: Option<u64>) -> Part {
    let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(reader, 64 * 1024));
    match length {
        Some(n) => Part::stream_with_length(body, n),
        None => Part::stream(body),
    }
}

/// A form's parts in order, as the generated form types write them.
#[derive(Debug, Default)]
pub(crate) struct Parts {
    parts: Vec<(&'static str, Value)>,
}

#[derive(Debug)]
enum Value {
    Text(String),
    File(FilePart),
}

impl Parts {
    /// Adds a file part.
    pub(crate) fn file(&mut self, name: &'static str, file: FilePart) {
        self.parts.push((name, Value::File(file)));
    }

    /// Adds a value as text: a string as it is, an enum by its wire value,
    /// other values as JSON; a list as one part per item; `null` sends nothing.
    pub(crate) fn text<V: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &V) -> Result<(), String> {
        let value = serde_json::to_value(value).map_err(|e| format!("part `{name}` cannot be serialized: {e}"))?;
        let items = match value {
            serde_json::Value::Array(items) => items,
            one => vec![one],
        };
        for item in items {
            let text = match item {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            self.parts.push((name, Value::Text(text)));
        }
        Ok(())
    }

    async fn into_form(self) -> Result<Form, String> {
        let mut form = Form::new();
        for (name, value) in self.parts {
            form = match value {
                Value::Text(text) => form.text(name, text),
                Value::File(file) => form.part(name, file.into_part(name).await?),
            };
        }
        Ok(form)
    }
}

/// A request with a `multipart/form-data` body: set per-request options,
/// then `.await` it to send it. The body is streamed, file by file, so it
/// cannot be replayed: an upload is sent once, never retried.
#[must_use = "a request does nothing until it is awaited"]
pub struct Upload<'c, T, E> {
    request: Request<'c, T, E>,
    parts: Result<Parts, String>,
}

impl<'c, T, E> Upload<'c, T, E> {
    pub(crate) fn new(request: Request<'c, T, E>, parts: Result<Parts, String>) -> Self {
        Self { request, parts }
    }

    /// How long the exchange may take, replacing the client's timeout (an
    /// upload of a large file needs a long one).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.request = self.request.timeout(timeout);
        self
    }

    /// Sets a header on this request only.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.request = self.request.header(name, value);
        self
    }
}

impl<'c, T, E> IntoFuture for Upload<'c, T, E>
where
    T: Send + 'static,
    E: ApiError,
{
    type Output = Result<T, Error<E>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let form = match self.parts {
                Ok(parts) => parts.into_form().await,
                Err(message) => Err(message),
            };
            let form = form.map_err(Error::InvalidRequest)?;
            let content_type = HeaderValue::from_str(&format!("multipart/form-data; boundary={}", form.boundary()))
                .map_err(|_| Error::InvalidRequest("invalid multipart boundary".to_owned()))?;
            let body = reqwest::Body::wrap_stream(form.into_stream());
            self.request.send_streamed(body, content_type).await
        })
    }
}
