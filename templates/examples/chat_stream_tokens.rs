//! Streams a chat completion and prints its tokens as they arrive, then the
//! assembled message's tool calls and usage.
//!
//! ```sh
//! OPENROUTER_API_KEY=... cargo run --example chat_stream_tokens -- "Say hello"
//! ```
//!
//! `OPENROUTER_BASE_URL` overrides the API base URL (a local server, say);
//! `OPENROUTER_MODEL` the model (default `openai/gpt-4o-mini`).

use openrouter::api::chat::collect::ChatMessage;
use openrouter::models::ChatRequest;
use openrouter::StreamItem;
use std::io::Write;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = openrouter::Client::builder().api_key(std::env::var("OPENROUTER_API_KEY")?);
    if let Ok(url) = std::env::var("OPENROUTER_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    let prompt = std::env::args().nth(1).unwrap_or_else(|| "Say hello".into());
    let model = std::env::var("OPENROUTER_MODEL").unwrap_or_else(|_| "openai/gpt-4o-mini".into());
    // Built from JSON: the request's shape is the API's, whatever its Rust constructor takes.
    let body: ChatRequest = serde_json::from_value(serde_json::json!({
        "model": model,
        "messages": [{"role": "user", "content": prompt}],
    }))?;
    let mut stream = client.chat().send_stream(body);
    let mut message = ChatMessage::default();
    while let Some(item) = stream.next().await {
        match item? {
            StreamItem::Event(chunk) => {
                print!("{}", message.push(&chunk)?);
                std::io::stdout().flush()?;
            }
            // A server that cannot stream answers with the whole completion.
            StreamItem::Complete(whole) => println!("{whole:#?}"),
        }
    }
    println!();
    for call in &message.tool_calls {
        println!("tool call {}({})", call.name, call.arguments);
    }
    if let Some(usage) = &message.usage {
        println!("{} prompt + {} completion tokens", usage.prompt_tokens, usage.completion_tokens);
    }
    Ok(())
}
