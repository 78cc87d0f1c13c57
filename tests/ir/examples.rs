//! Snapshots of `compile --emit ir` and of `graph` (DOT, Mermaid, JSON) for every file in
//! `examples/`, in-process through the library.

use std::path::{Path, PathBuf};

use maestroc::driver::{analyze, Analysis};
use maestroc::ir::{dot, graph, lower::lower, mermaid, Ir};
use maestroc::loader::FsLoader;

/// Every `.mflow` file under `examples/`, sorted, with `/` separators.
pub(super) fn example_files() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "mflow") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(Path::new("examples"), &mut files);
    let mut names: Vec<String> = files.iter().map(|p| p.to_string_lossy().replace('\\', "/")).collect();
    names.sort();
    names
}

/// Checks and lowers an example file.
pub(super) fn compile_example(file: &str) -> (Analysis, Ir) {
    let analysis = analyze(&FsLoader, &[file.to_string()]);
    let Some(checked) = analysis.checked() else {
        panic!("{file} has errors");
    };
    let ir = lower(&checked);
    (analysis, ir)
}

#[test]
fn examples_ir_and_graph_snapshots() {
    let files = example_files();
    assert!(files.len() >= 8, "expected the examples, found {files:?}");
    for file in &files {
        let (analysis, ir) = compile_example(file);
        let name = file
            .trim_start_matches("examples/")
            .trim_end_matches(".mflow")
            .replace('/', "__");
        let views = super::views(&analysis, &ir);
        insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(format!("{name}__ir"), super::ir_json(&analysis, &ir));
            if !views.is_empty() {
                insta::assert_snapshot!(format!("{name}__dot"), dot::dot(&views));
                insta::assert_snapshot!(format!("{name}__mermaid"), mermaid::mermaid(&views));
                insta::assert_snapshot!(
                    format!("{name}__graph"),
                    serde_json::to_string_pretty(&graph::to_json(&views)).unwrap()
                );
            }
        });
    }
}
