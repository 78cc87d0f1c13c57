//! Embeds `docs/errors/*.md` for `maestroc explain`.
#![allow(
    clippy::disallowed_methods,
    reason = "the build script reads docs/errors and writes OUT_DIR"
)]

use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=docs/errors");
    let mut entries: Vec<String> = Vec::new();
    if let Ok(dir) = std::fs::read_dir("docs/errors") {
        for entry in dir.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) == Some("md") {
                if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                    println!("cargo:rerun-if-changed={}", path.display());
                    entries.push(stem.to_string());
                }
            }
        }
    }
    entries.sort();
    let mut code = String::from("/// Every `docs/errors/CODE.md`, by code.\npub const DOCS: &[(&str, &str)] = &[\n");
    // Paths relative to the package, resolved when the library compiles: the generated file
    // names no absolute path, so a target directory shared by two copies of the repository
    // (as `.ci/hooks.sh` does with pre-commit's `cargo install`) never includes the other
    // copy's files.
    for stem in &entries {
        let _ = writeln!(
            code,
            "    ({stem:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/docs/errors/{stem}.md\"))),"
        );
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let _ = std::fs::write(std::path::Path::new(&out).join("explain_docs.rs"), code);
}
