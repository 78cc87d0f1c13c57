//! The import direction of issue 10 §2, checked on the source: `base` is a leaf, the
//! runtime reads the program only through the IR, and the IR's views sit in `ir/view`.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(file, line)` of every non-comment line under `src/<dir>` that mentions one of `paths`.
fn mentions(dir: &str, paths: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if paths.iter().any(|p| code.contains(p)) {
                found.push(format!("{}:{}: {code}", file.display(), i + 1));
            }
        }
    }
    found
}

#[test]
fn base_imports_nothing_from_the_crate() {
    let found = mentions("base", &["crate::", "super::super"]);
    assert!(found.is_empty(), "base must be a leaf:\n{}", found.join("\n"));
}

#[test]
fn the_runtime_imports_neither_syntax_nor_check() {
    let found = mentions("runtime", &["crate::syntax", "crate::check", "crate::driver"]);
    assert!(
        found.is_empty(),
        "the runtime reads the program through `ir`:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_does_not_import_the_driver() {
    let found = mentions("check", &["crate::driver"]);
    // The checker's own tests drive the whole front end; only they may.
    let found: Vec<_> = found.into_iter().filter(|l| !l.contains("check/tests.rs")).collect();
    assert!(
        found.is_empty(),
        "check ↔ driver must not be a cycle:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_ir_views_live_in_ir_view() {
    let ir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ir");
    for view in ["graph", "json", "dot", "mermaid"] {
        assert!(
            ir.join("view").join(format!("{view}.rs")).is_file(),
            "ir/view/{view}.rs"
        );
        assert!(
            !ir.join(format!("{view}.rs")).exists(),
            "ir/{view}.rs should have moved"
        );
    }
}

#[test]
fn diagnostics_do_not_import_syntax() {
    let found = mentions("diagnostics", &["crate::syntax", "crate::check"]);
    assert!(
        found.is_empty(),
        "syntax ↔ diagnostics must not be a cycle:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_builtin_is_named_once() {
    use maestroc::ir::Builtin;
    let mut names: Vec<&str> = Builtin::ALL.iter().map(|b| b.name()).collect();
    for b in Builtin::ALL {
        assert_eq!(Builtin::from_name(b.name()), Some(*b));
    }
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "two built-ins share a name");
    assert_eq!(Builtin::from_name("no_such_builtin"), None);
}

/// The span-keyed tables the checker keeps for itself (`Sites` in `check/mod.rs`); they
/// were `Program` fields that lowering looked the AST's nodes up in.
const SPAN_TABLES: &[&str] = &[
    "resolutions",
    "binding_sites",
    "step_sites",
    "scope_sites",
    "call_targets",
    "let_rank",
    "sites.",
];

#[test]
fn the_ir_reads_the_checked_tree_not_the_ast() {
    let found = mentions("ir", &[&["crate::syntax", "syntax::ast"][..], SPAN_TABLES].concat());
    assert!(
        found.is_empty(),
        "the IR is lowered from the checked tree alone:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_program_has_no_span_keyed_tables() {
    let program = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/check/program.rs");
    let text = std::fs::read_to_string(program).unwrap();
    for table in SPAN_TABLES {
        assert!(!text.contains(table), "`Program` should not have `{table}`");
    }
    assert!(
        !text.contains("FastMap<Span"),
        "`Program` should not key anything by span"
    );
}

#[test]
fn export_reads_the_ir_and_below_only() {
    // `src/export` (compile --target) reads the IR and what it re-exports; never the
    // runtime, the CLI, the driver, the parser or the run store.
    let found = mentions(
        "export",
        &[
            "crate::runtime",
            "crate::cli",
            "crate::driver",
            "crate::syntax",
            "crate::store",
            "crate::check::",
        ],
    );
    assert!(
        found.is_empty(),
        "export imports only `ir` and below:\n{}",
        found.join("\n")
    );
}

#[test]
fn serve_imports_the_runtime_and_below_but_not_the_cli() {
    // `serve` (issue 14) sits beside `cli`: it may use the runtime, the store, the IR and the
    // front end, never the command line (its runs are `maestroc run` processes instead).
    let found = mentions("serve", &["crate::cli", "super::super::cli"]);
    assert!(found.is_empty(), "serve must not import cli:\n{}", found.join("\n"));
}

#[test]
fn the_formatter_reads_only_the_syntax() {
    // `format` works on the syntax tree and the source text; it reports through
    // `diagnostics` (the syntax errors it refuses to format over).
    let found = mentions(
        "format",
        &[
            "crate::check",
            "crate::ir",
            "crate::runtime",
            "crate::store",
            "crate::driver",
            "crate::cli",
            "crate::loader",
            "crate::imports",
        ],
    );
    assert!(
        found.is_empty(),
        "format may import syntax, base and diagnostics only:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_language_server_reads_the_front_end_only() {
    // lsp → check, diagnostics, syntax, ir, imports, driver, loader and below; never the
    // runtime, the store or the command line.
    let found = mentions("lsp", &["crate::runtime", "crate::store", "crate::cli"]);
    assert!(
        found.is_empty(),
        "the language server must not import runtime, store or cli:\n{}",
        found.join("\n")
    );
    let found: Vec<String> = ["base", "syntax", "check", "diagnostics", "ir", "runtime", "store"]
        .iter()
        .flat_map(|dir| mentions(dir, &["crate::lsp"]))
        .collect();
    assert!(
        found.is_empty(),
        "nothing below the server imports it:\n{}",
        found.join("\n")
    );
}
