//! The hand-written fast parser builds exactly the AST of the pest path, on every
//! fixture and example it accepts, and accepts every valid example.

use maestroc::diagnostics::Problems;
use maestroc::syntax::span::FileId;
use maestroc::syntax::{fast, parse_pest};

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "mflow") {
            out.push(path);
        }
    }
}

#[test]
fn fast_path_matches_pest_path() {
    let mut all = Vec::new();
    files(std::path::Path::new("tests/ui"), &mut all);
    files(std::path::Path::new("examples"), &mut all);
    files(std::path::Path::new("stdlib"), &mut all);
    all.sort();
    let mut accepted = 0;
    let mut mismatches = Vec::new();
    for path in &all {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let mut problems = Problems::new();
        let slow = parse_pest(FileId(0), &text, &mut problems);
        // Like the real entry point: the fast path only sees text the pre-scan accepts.
        if !maestroc::syntax::scan::scan(FileId(0), &text).errors.is_empty() {
            continue;
        }
        match fast::parse(FileId(0), &text) {
            Some(quick) => {
                accepted += 1;
                if problems.has_errors() {
                    mismatches.push(format!(
                        "{}: fast path accepted a file with syntax errors",
                        path.display()
                    ));
                } else if quick != slow {
                    mismatches.push(format!("{}: ASTs differ", path.display()));
                }
            }
            None => {
                if !problems.has_errors() && path.starts_with("examples") {
                    mismatches.push(format!("{}: fast path declined a valid example", path.display()));
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert!(accepted >= 60, "the fast path accepted only {accepted} files");
}

#[test]
fn fast_path_matches_on_a_large_generated_file() {
    #[path = "../benches/gen/mod.rs"]
    #[allow(dead_code)]
    mod gen;
    let text = gen::workflow(2_000);
    let mut problems = Problems::new();
    let slow = parse_pest(FileId(0), &text, &mut problems);
    let quick = fast::parse(FileId(0), &text).expect("the fast path accepts the generated workflow");
    assert!(quick == slow);
}
