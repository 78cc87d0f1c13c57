//! UI fixtures: every `tests/ui/**/*.mflow` states the codes it must produce in its first
//! line (`// expect: E0104 W0001` or `// expect: clean`); the rendered diagnostics (human,
//! without colour, 100 columns, and JSON) are snapshots under `tests/ui/snapshots/`, one
//! per fixture, named after its path (`syntax/unclosed.mflow` → `syntax__unclosed.snap`).
//!
//! Every fixture is checked before the test fails, so one run lists every failure.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use maestroc::diagnostics::render::{self, RenderOptions};
use maestroc::driver::analyze;
use maestroc::loader::{FsLoader, LoadError, Loader};

/// Reads paths relative to the crate root, whatever the working directory, so the names
/// shown in diagnostics stay relative (`tests/ui/…`).
struct CrateRoot(PathBuf);

impl Loader for CrateRoot {
    fn load(&self, path: &str) -> Result<String, LoadError> {
        FsLoader.load(&self.0.join(path).to_string_lossy())
    }
}

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

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

/// The codes of the header line; `None` if there is no valid header.
fn expected_codes(text: &str) -> Option<BTreeSet<String>> {
    let first = text.lines().next()?;
    let rest = first.strip_prefix("// expect:")?.trim();
    if rest == "clean" {
        return Some(BTreeSet::new());
    }
    let codes: BTreeSet<String> = rest.split_whitespace().map(str::to_string).collect();
    let well_formed = |c: &String| {
        c.len() == 5 && (c.starts_with('E') || c.starts_with('W')) && c[1..].bytes().all(|b| b.is_ascii_digit())
    };
    (!codes.is_empty() && codes.iter().all(well_formed)).then_some(codes)
}

fn show(codes: &BTreeSet<String>) -> String {
    if codes.is_empty() {
        "clean".into()
    } else {
        codes.iter().cloned().collect::<Vec<_>>().join(" ")
    }
}

#[test]
fn ui_fixtures() {
    let root = crate_root();
    let loader = CrateRoot(root.clone());
    let mut files = Vec::new();
    fixtures(&root.join("tests/ui"), &mut files);
    files.sort();
    assert!(
        files.len() >= 80,
        "expected at least 80 fixtures, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let name = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let Some(expected) = expected_codes(&text) else {
            failures.push(format!(
                "{name}: the first line must be `// expect: CODES` (E0123/W0123 codes) or `// expect: clean`"
            ));
            continue;
        };
        let analysis = analyze(&loader, std::slice::from_ref(&name));
        let got: BTreeSet<String> = analysis
            .problems
            .iter()
            .map(maestroc::diagnostics::Problem::code)
            .chain(analysis.unreadable.iter().map(|_| "E0002".to_string()))
            .collect();
        if got != expected {
            failures.push(format!(
                "{name}: codes differ from the header\n    expected: {}\n    got:      {}",
                show(&expected),
                show(&got)
            ));
        }
        let human = render::human(&analysis.sources, &analysis.problems, &RenderOptions::plain());
        let json = serde_json::to_string_pretty(&render::json(&analysis.sources, &analysis.problems)).unwrap();
        let content = format!("{human}\n----- json -----\n{json}\n");
        let snap_name = name
            .trim_start_matches("tests/ui/")
            .trim_end_matches(".mflow")
            .replace('/', "__");
        let snapshot = catch_unwind(AssertUnwindSafe(|| {
            insta::with_settings!({
                snapshot_path => "ui/snapshots",
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(snap_name.as_str(), content);
            });
        }));
        if snapshot.is_err() {
            failures.push(format!(
                "{name}: the rendering differs from tests/ui/snapshots/{snap_name}.snap (review with `cargo insta review`)"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixture(s) failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn a_wrong_header_is_caught() {
    assert_eq!(expected_codes("// expect: clean\nworkflow w {}"), Some(BTreeSet::new()));
    assert_eq!(
        expected_codes("// expect: E0012 W0001\n"),
        Some(["E0012".to_string(), "W0001".to_string()].into())
    );
    assert_eq!(expected_codes("workflow w {}\n// expect: clean"), None);
    assert_eq!(expected_codes("// expect:\n"), None);
    assert_eq!(expected_codes("// expect: error E0012\n"), None);
}
