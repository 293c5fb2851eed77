//! Collecting a chat stream into the final message: the content concatenated,
//! tool calls assembled from their deltas, the usage of the last chunk that
//! has one.
//!
//! Chunks are read by their wire names (`choices[].delta.content`,
//! `delta.tool_calls[]`, `usage`), so the collector does not depend on how the
//! models spell optional fields, and it ignores anything it does not know.
//!
//! ```no_run
//! use openrouter::api::chat::collect::ChatMessage;
//! use openrouter::models::ChatStreamChunk;
//! use openrouter::{ApiError, EventStream, StreamItem};
//!
//! /// Prints the tokens of a stream (from `client.chat().send_stream(..)`) as they arrive.
//! async fn print_tokens<F: Send + 'static, E: ApiError>(
//!     mut stream: EventStream<'_, ChatStreamChunk, F, E>,
//! ) -> Result<ChatMessage, Box<dyn std::error::Error>> {
//!     let mut message = ChatMessage::default();
//!     while let Some(item) = stream.next().await {
//!         if let StreamItem::Event(chunk) = item? {
//!             print!("{}", message.push(&chunk)?);
//!         }
//!     }
//!     Ok(message)
//! }
//! ```

use crate::models::{ChatStreamChunk, ChatUsage};
use serde_json::Value;

/// The message a chat stream adds up to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatMessage {
    /// The id of the completion (the chunks' `id`).
    pub id: Option<String>,
    /// The text of the first choice, every delta's `content` in order.
    pub content: String,
    /// The tool calls of the first choice, by their `index`.
    pub tool_calls: Vec<ToolCall>,
    /// Why the generation stopped, as the last chunk that said put it.
    pub finish_reason: Option<String>,
    /// Token counts: the last chunk that carries a `usage` (OpenRouter sends it
    /// on the last chunk).
    pub usage: Option<ChatUsage>,
}

/// A tool call assembled from its deltas: the first delta of an `index`
/// carries its id and name, the following ones pieces of its arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolCall {
    /// Its `index` among the message's tool calls.
    pub index: i64,
    /// The call's id.
    pub id: Option<String>,
    /// The function's name.
    pub name: String,
    /// The function's arguments, as the JSON text the model wrote.
    pub arguments: String,
}

impl ChatMessage {
    /// Adds one chunk; returns the text it added to [`content`](Self::content),
    /// for printing tokens as they arrive. Fails only when a `usage` does not
    /// decode.
    pub fn push(&mut self, chunk: &ChatStreamChunk) -> Result<String, serde_json::Error> {
        let chunk = serde_json::to_value(chunk)?;
        if let Some(id) = chunk.get("id").and_then(Value::as_str) {
            self.id.get_or_insert_with(|| id.to_owned());
        }
        if let Some(usage) = chunk.get("usage").filter(|u| !u.is_null()) {
            self.usage = Some(serde_json::from_value(usage.clone())?);
        }
        let choices = chunk.get("choices").and_then(Value::as_array);
        let Some(choice) =
            choices.and_then(|c| c.iter().find(|c| c.get("index").and_then(Value::as_i64).unwrap_or(0) == 0))
        else {
            return Ok(String::new());
        };
        if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
            self.finish_reason = Some(reason.to_owned());
        }
        let delta = choice.get("delta");
        let text = delta.and_then(|d| d.get("content")).and_then(Value::as_str).unwrap_or_default();
        self.content.push_str(text);
        for call in delta.and_then(|d| d.get("tool_calls")).and_then(Value::as_array).into_iter().flatten() {
            self.tool_call(call);
        }
        Ok(text.to_owned())
    }

    fn tool_call(&mut self, delta: &Value) {
        let index = delta.get("index").and_then(Value::as_i64).unwrap_or(0);
        let at = match self.tool_calls.iter().position(|c| c.index == index) {
            Some(at) => at,
            None => {
                self.tool_calls.push(ToolCall { index, ..ToolCall::default() });
                self.tool_calls.len() - 1
            }
        };
        let call = &mut self.tool_calls[at];
        if let Some(id) = delta.get("id").and_then(Value::as_str) {
            call.id = Some(id.to_owned());
        }
        let function = delta.get("function");
        if let Some(name) = function.and_then(|f| f.get("name")).and_then(Value::as_str) {
            call.name.push_str(name);
        }
        if let Some(arguments) = function.and_then(|f| f.get("arguments")).and_then(Value::as_str) {
            call.arguments.push_str(arguments);
        }
    }
}
