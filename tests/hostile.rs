//! Hostile input: every case gets diagnostics and exit 1 (2 for unreadable files)
//! quickly, never a panic, a hang or a stack overflow.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn check_text(name: &str, text: &[u8]) -> (i32, String, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let start = Instant::now();
    let out = Command::cargo_bin("maestroc")
        .unwrap()
        .env("NO_COLOR", "1")
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
        start.elapsed(),
    )
}

fn assert_diagnosed(name: &str, text: &[u8], code: &str) {
    let (status, stderr, elapsed) = check_text(name, text);
    assert_eq!(
        status,
        1,
        "{name}: exit {status}\n{}",
        &stderr[..stderr.len().min(2000)]
    );
    assert!(
        stderr.contains(code),
        "{name}: expected {code}\n{}",
        &stderr[..stderr.len().min(2000)]
    );
    // Release builds answer in well under two seconds (docs/performance.md); debug
    // builds, which `cargo test` uses, are an order of magnitude slower.
    let limit = if cfg!(debug_assertions) { 60 } else { 5 };
    assert!(elapsed < Duration::from_secs(limit), "{name} took {elapsed:?}");
}

#[test]
fn deep_nesting_is_a_diagnostic() {
    let parens = format!(
        "workflow w {{ let x = {}1{} }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    assert_diagnosed("parens.mflow", parens.as_bytes(), "E0016");
    let brackets = format!(
        "workflow w {{ let x = {}1{} }}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_diagnosed("brackets.mflow", brackets.as_bytes(), "E0016");
    let mut ifs = String::from("workflow w {\n");
    for _ in 0..5000 {
        ifs.push_str("if true {\n");
    }
    ifs.push_str("step s { run \"x\" }\n");
    for _ in 0..5000 {
        ifs.push_str("}\n");
    }
    ifs.push_str("}\n");
    assert_diagnosed("ifs.mflow", ifs.as_bytes(), "E0016");
    let nots = format!("workflow w {{ let x = {}true }}", "not ".repeat(100_000));
    assert_diagnosed("nots.mflow", nots.as_bytes(), "E0016");
}

#[test]
fn long_operator_chain_is_a_diagnostic() {
    let chain = format!(
        "workflow w {{ let x = 1{} step s {{ run \"${{x}}\" }} }}",
        " + 1".repeat(100_000)
    );
    assert_diagnosed("chain.mflow", chain.as_bytes(), "E0024");
}

#[test]
fn huge_string_checks_fast() {
    let big = format!(
        "workflow w {{\n  let x = \"{}\"\n  step s {{ run \"${{x}}\" }}\n  step t {{ run \"${{nope}}\" }}\n}}\n",
        "a".repeat(5_000_000)
    );
    assert_diagnosed("big.mflow", big.as_bytes(), "E0104");
}

#[test]
fn long_dependency_cycle() {
    let n = 20_000;
    let mut text = String::from("workflow w {\n");
    for i in 0..n {
        let _ = writeln!(text, "  step s{i} {{ run \"x\" after s{} }}", (i + 1) % n);
    }
    text.push_str("}\n");
    assert_diagnosed("cycle.mflow", text.as_bytes(), "E0301");
}

#[test]
fn garbage_bytes() {
    assert_diagnosed("nul.mflow", b"workflow w { \0\0\0 }", "E0025");
    assert_diagnosed("binary.mflow", &[0xff, 0xfe, 0x00, 0x12, 0x80], "E0001");
}

/// A small deterministic generator (no extra crates).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

#[test]
fn random_token_soup_never_panics() {
    const TOKENS: &[&str] = &[
        "workflow",
        "w",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "step",
        "s",
        "run",
        "\"x ${",
        "}\"",
        "\"",
        "param",
        ":",
        "int",
        "=",
        "1",
        "foreach",
        "in",
        "if",
        "else",
        "then",
        "not",
        "-",
        "+",
        "??",
        ".",
        ",",
        "outputs",
        "after",
        "let",
        "fn",
        "->",
        "import",
        "\"std/dates\"",
        "2026-11-23",
        "5m",
        "1.5",
        "none",
        "true",
        "while",
        "with",
        "next",
        "limit",
        "call",
        "r\"",
        "/*",
        "*/",
        "//",
        "\n",
        "output",
        "retry",
        "backoff",
        "exponential",
        "timeout",
        "on_failure",
        "ignore",
        "\u{00e9}",
        "\0",
    ];
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(|| {
            let mut rng = Lcg(42);
            for case in 0..3000 {
                let len = (rng.next() % 60) as usize;
                let mut text = String::new();
                if case % 2 == 0 {
                    for _ in 0..len {
                        text.push_str(TOKENS[(rng.next() as usize) % TOKENS.len()]);
                        text.push(' ');
                    }
                } else {
                    let bytes: Vec<u8> = (0..len).map(|_| (rng.next() % 128) as u8).collect();
                    text = String::from_utf8_lossy(&bytes).to_string();
                }
                let loader = maestroc::loader::MemLoader::new().with("soup.mflow", &text);
                let analysis = maestroc::driver::analyze(&loader, &["soup.mflow".to_string()]);
                if let Some(checked) = analysis.checked() {
                    let _ = maestroc::ir::lower::lower(&checked);
                }
                let _ = maestroc::diagnostics::render::human(
                    &analysis.sources,
                    &analysis.problems,
                    &maestroc::diagnostics::render::RenderOptions {
                        color: false,
                        width: 80,
                    },
                );
            }
        })
        .unwrap();
    worker.join().expect("the generator found a panic");
}
