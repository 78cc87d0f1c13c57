//! `maestroc fmt` on the command line.

use assert_cmd::Command;

fn maestroc() -> Command {
    let mut cmd = Command::cargo_bin("maestroc").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

const UGLY: &str = "workflow w{step a{run \"x\"}}\n";
const PRETTY: &str = "workflow w {\n  step a {\n    run \"x\"\n  }\n}\n";

#[test]
fn fmt_dash_formats_standard_input_to_standard_output() {
    maestroc()
        .args(["fmt", "-"])
        .write_stdin(UGLY)
        .assert()
        .success()
        .stdout(PRETTY);
}

#[test]
fn fmt_check_prints_a_unified_diff_and_exits_1_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.mflow");
    std::fs::write(&path, UGLY).unwrap();
    let path = path.to_string_lossy().to_string();
    let out = maestroc()
        .args(["fmt", "--check", &path])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "--- {path} (original)\n+++ {path} (formatted)\n@@ -1 +1,5 @@\n"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("-workflow w{step a{run \"x\"}}\n+workflow w {\n+  step a {\n"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 file would be reformatted"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), UGLY, "--check must not write");
}

#[test]
fn fmt_rewrites_files_in_place_and_then_check_passes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let a = dir.path().join("a.mflow");
    let b = dir.path().join("sub/b.mflow");
    std::fs::write(&a, UGLY).unwrap();
    std::fs::write(&b, PRETTY).unwrap();
    std::fs::write(dir.path().join("notes.txt"), UGLY).unwrap();
    let d = dir.path().to_string_lossy().to_string();
    maestroc().args(["fmt", &d]).assert().success().stdout("");
    assert_eq!(std::fs::read_to_string(&a).unwrap(), PRETTY);
    assert_eq!(std::fs::read_to_string(&b).unwrap(), PRETTY);
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), UGLY);
    maestroc().args(["fmt", "--check", &d]).assert().success().stdout("");
}

#[test]
fn fmt_reports_syntax_errors_with_checks_codes_and_leaves_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.mflow");
    let text = "workflow w {\n  step a { run }\n  step b { run \"x\" }\n";
    std::fs::write(&path, text).unwrap();
    let path = path.to_string_lossy().to_string();
    let fmt = maestroc().args(["fmt", &path]).assert().code(1).get_output().clone();
    let check = maestroc().args(["check", &path]).assert().code(1).get_output().clone();
    let fmt_err = String::from_utf8_lossy(&fmt.stderr);
    let check_err = String::from_utf8_lossy(&check.stderr);
    // The same diagnostics as `check` (which adds its summary line).
    assert!(fmt_err.contains("error[E00"), "{fmt_err}");
    assert!(
        check_err.starts_with(fmt_err.as_ref()),
        "fmt:\n{fmt_err}\ncheck:\n{check_err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn fmt_of_a_missing_file_exits_2() {
    let out = maestroc()
        .args(["fmt", "no/such/file.mflow"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0002"));
}

#[test]
fn the_repository_sources_are_formatted() {
    maestroc()
        .args(["fmt", "--check", "examples", "stdlib", "tests/ui/clean"])
        .assert()
        .success()
        .stdout("");
}
