//! `maestroc lsp`: keystroke → diagnostics published, on a generated 5,000-line file.
//! Target (2-core machine): ≤ 20 ms, debounce included.
//!
//! The real server loop runs on a thread over an in-memory connection (the stdio transport
//! only adds the pipe); each iteration sends one `didChange` (the whole text, one character
//! different) and waits for the `publishDiagnostics` of that version.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::json;

mod gen;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const URI: &str = "file:///maestroc-bench/big.mflow";

fn notify(client: &Connection, method: &str, params: serde_json::Value) {
    client
        .sender
        .send(Message::Notification(Notification::new(method.into(), params)))
        .expect("the server is running");
}

/// Waits for the diagnostics of `version`; returns how many there are.
fn published(client: &Connection, version: i32) -> usize {
    loop {
        let message = client
            .receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("diagnostics within 30 s");
        if let Message::Notification(n) = message {
            if n.method == "textDocument/publishDiagnostics" && n.params["version"] == json!(version) {
                return n.params["diagnostics"].as_array().map_or(0, Vec::len);
            }
        }
    }
}

fn bench(c: &mut Criterion) {
    let text = gen::workflow(5_000);
    let lines = text.lines().count();
    let (server, client) = Connection::memory();
    let thread = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || maestroc::lsp::serve(server))
        .expect("a server thread");
    client
        .sender
        .send(Message::Request(Request::new(
            RequestId::from(1),
            "initialize".into(),
            json!({ "capabilities": {} }),
        )))
        .expect("initialize");
    let _ = client.receiver.recv();
    notify(&client, "initialized", json!({}));
    notify(
        &client,
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": URI, "languageId": "mflow", "version": 1, "text": text } }),
    );
    assert_eq!(published(&client, 1), 0, "the generated file checks clean");
    // One keystroke: a digit of the first number in the file changes (still clean).
    let first_digit = text.find(|c: char| c.is_ascii_digit()).expect("a number");
    let mut version = 1;
    let mut group = c.benchmark_group(format!("lsp_{lines}_lines"));
    group.sample_size(30);
    group.bench_function("keystroke_to_diagnostics", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                version += 1;
                let mut edited = text.clone();
                let digit = char::from(b'1' + u8::try_from(version % 8).unwrap_or(0));
                edited.replace_range(first_digit..=first_digit, &digit.to_string());
                let start = Instant::now();
                notify(
                    &client,
                    "textDocument/didChange",
                    json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [{ "text": edited }] }),
                );
                published(&client, version);
                total += start.elapsed();
            }
            total
        });
    });
    group.finish();
    client
        .sender
        .send(Message::Request(Request::new(
            RequestId::from(2),
            "shutdown".into(),
            json!(null),
        )))
        .expect("shutdown");
    let _ = client.receiver.recv();
    notify(&client, "exit", json!(null));
    let _ = thread.join();
}

criterion_group!(benches, bench);
criterion_main!(benches);
