//! Logs in through the browser and prints the new API key, masked.
//!
//! ```text
//! cargo run -p openrouter --example login --features login             # browser on this machine
//! cargo run -p openrouter --example login --features login -- --paste  # paste the code (SSH, containers)
//! ```
//!
//! `--no-browser` is the same as `--paste`. `OPENROUTER_BASE_URL` overrides the API base URL
//! (the authorization page stays OpenRouter's; `OPENROUTER_AUTH_PAGE` overrides it).

use std::process::ExitCode;
use std::time::Duration;

use openrouter::api::oauth::login::{ApiKey, Login, LoginError};
use openrouter::RetryEvent;

const USAGE: &str = "usage: login [--paste | --no-browser]";

#[tokio::main]
async fn main() -> ExitCode {
    let mut paste = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--paste" | "--no-browser" => paste = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument `{}`\n{USAGE}", printable(other));
                return ExitCode::from(2);
            }
        }
    }
    match run(paste).await {
        Ok(key) => {
            println!("Logged in. Your new API key: {}", key.masked());
            if let Some(user) = key.user_id() {
                // The user id comes from the server: escaped before printing.
                println!("It belongs to user {}.", printable(user));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            // Our errors escape the text they quote from outside.
            eprintln!("login failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Tells the user a retry is coming, instead of going quiet.
fn show_retry(event: &RetryEvent) {
    eprintln!("retrying in {} s ({})", event.delay.as_secs_f64().ceil(), event.reason);
}

async fn run(paste: bool) -> Result<ApiKey, Box<dyn std::error::Error>> {
    // The login needs no API key: `api_key("")` also ignores OPENROUTER_API_KEY.
    let mut builder = openrouter::Client::builder().api_key("").on_retry(show_retry);
    if let Ok(url) = std::env::var("OPENROUTER_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    let mut login = Login::new(&client).key_label("openrouter-rust login example").timeout(Duration::from_secs(300));
    if let Ok(page) = std::env::var("OPENROUTER_AUTH_PAGE") {
        login = login.authorization_page(page);
    }

    let key = if paste {
        let login = login.paste()?;
        println!("Open this URL in a browser (on any machine) and approve:\n\n  {}\n", login.authorization_url());
        println!("Then paste the code shown on the page here and press Enter:");
        let stdin = tokio::io::BufReader::new(tokio::io::stdin());
        login.finish(stdin).await?
    } else {
        let login = login.loopback().await?;
        println!("Open this URL in your browser and approve:\n\n  {}\n", login.authorization_url());
        println!("Waiting for the browser on port {} ...", login.callback_url().port().unwrap_or(0));
        login.finish().await.map_err(|e| match e {
            LoginError::TimedOut { .. } => {
                format!("{e}; if the browser cannot reach this machine, rerun with --paste").into()
            }
            e => Box::<dyn std::error::Error>::from(e),
        })?
    };
    Ok(key)
}

/// Text from outside made safe for the terminal: control characters escaped, at most 200
/// characters.
fn printable(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(200)
        .flat_map(|c| if c.is_control() { c.escape_unicode().collect::<Vec<_>>() } else { vec![c] })
        .collect();
    if text.chars().count() > 200 {
        out.push('…');
    }
    out
}
