//! Every file in `examples/` checks clean: no errors and no warnings.

use std::path::PathBuf;

use maestroc::diagnostics::render::{self, RenderOptions};
use maestroc::driver::analyze;
use maestroc::loader::{FsLoader, LoadError, Loader};

/// Reads paths relative to the crate root, so names stay relative whatever the cwd.
struct CrateRoot(PathBuf);

impl Loader for CrateRoot {
    fn load(&self, path: &str) -> Result<String, LoadError> {
        FsLoader.load(&self.0.join(path).to_string_lossy())
    }
}

#[test]
fn examples_check_clean() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = Vec::new();
    let mut dirs = vec![root.join("examples")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "mflow") {
                let relative = path.strip_prefix(&root).unwrap_or(&path);
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    assert!(files.len() >= 8, "expected at least 8 examples, found {}", files.len());
    let loader = CrateRoot(root);
    let mut failures = Vec::new();
    for file in &files {
        let analysis = analyze(&loader, std::slice::from_ref(file));
        if !analysis.problems.is_empty() || !analysis.unreadable.is_empty() {
            let text = render::human(&analysis.sources, &analysis.problems, &RenderOptions::plain());
            failures.push(format!("{file}:\n{text}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} example(s) do not check clean:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
