//! UI fixtures: every `tests/ui/**/*.mflow` states the codes it must produce in its first
//! line (`// expect: E0104 W0001` or `// expect: clean`); the rendered diagnostics (human,
//! without colour, and JSON) are snapshots under `tests/ui/snapshots/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use maestroc::diagnostics::render;
use maestroc::driver::analyze;
use maestroc::loader::FsLoader;

fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            fixtures(&path, out);
        } else if path.extension().is_some_and(|e| e == "mflow") {
            out.push(path);
        }
    }
}

fn expected_codes(text: &str) -> Option<BTreeSet<String>> {
    let first = text.lines().next()?;
    let rest = first.strip_prefix("// expect:")?.trim();
    if rest == "clean" {
        return Some(BTreeSet::new());
    }
    Some(rest.split_whitespace().map(str::to_string).collect())
}

#[test]
fn ui_fixtures() {
    let mut files = Vec::new();
    fixtures(Path::new("tests/ui"), &mut files);
    files.sort();
    assert!(
        files.len() >= 80,
        "expected at least 80 fixtures, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    let mut snapshots = Vec::new();
    for path in &files {
        let name = path.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let Some(expected) = expected_codes(&text) else {
            failures.push(format!(
                "{name}: the first line must be `// expect: CODES` or `// expect: clean`"
            ));
            continue;
        };
        let analysis = analyze(&FsLoader, std::slice::from_ref(&name));
        let got: BTreeSet<String> = analysis
            .problems
            .iter()
            .map(maestroc::diagnostics::Problem::code)
            .collect();
        if got != expected {
            failures.push(format!("{name}: expected {expected:?}, got {got:?}"));
        }
        let human = render::human(&analysis.sources, &analysis.problems, false, 100);
        let json = serde_json::to_string_pretty(&render::json(&analysis.sources, &analysis.problems)).unwrap();
        let snap_name = name
            .trim_start_matches("tests/ui/")
            .trim_end_matches(".mflow")
            .replace('/', "__");
        snapshots.push((snap_name, format!("{human}\n----- json -----\n{json}\n")));
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for (snap_name, content) in snapshots {
        insta::with_settings!({snapshot_path => "ui/snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(snap_name, content);
        });
    }
}
