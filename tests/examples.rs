//! Every file in `examples/` checks clean: no errors and no warnings.

use maestroc::driver::analyze;
use maestroc::loader::FsLoader;

#[test]
fn examples_check_clean() {
    let mut files: Vec<String> = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from("examples")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "mflow") {
                files.push(path.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    assert!(files.len() >= 8, "expected at least 8 examples, found {}", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let analysis = analyze(&FsLoader, std::slice::from_ref(file));
        if !analysis.problems.is_empty() {
            let text = maestroc::diagnostics::render::human(&analysis.sources, &analysis.problems, false, 100);
            failures.push(format!("{file}:\n{text}"));
        }
    }
    assert!(failures.is_empty(), "examples with problems:\n{}", failures.join("\n"));
}
