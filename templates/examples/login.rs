//! Logs in through the browser and prints the new API key, masked.

fn main() {}
