//! The `check` and `explain` command lines: exit codes and output formats.

use assert_cmd::Command;

fn maestroc() -> Command {
    let mut cmd = Command::cargo_bin("maestroc").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn write(dir: &tempfile::TempDir, name: &str, text: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().to_string()
}

#[test]
fn check_clean_file_exits_0() {
    maestroc()
        .args(["check", "examples/daily_etl.mflow"])
        .assert()
        .success();
}

#[test]
fn check_errors_exit_1_and_report_all() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "bad.mflow", b"workflow w {\n  param regions: list<string> = [\"us\"]\n  foreach r in regons { step a { run \"x ${r}\" } }\n  step b { run \"x\" after nope }\n}\n");
    let out = maestroc()
        .args(["check", &f])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains("E0104") && text.contains("did you mean `regions`?"),
        "{text}"
    );
    assert!(text.contains("E0111"), "{text}");
}

#[test]
fn check_json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "bad.mflow", b"workflow w {\n  step a { run \"${nope}\" }\n}\n");
    let out = maestroc()
        .args(["check", "--format", "json", &f])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "E0104");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 19);
    assert!(d["message"].as_str().unwrap().contains("nope"));
    assert!(d["labels"].is_array());
    assert!(d.get("help").is_some());
    assert!(d["file"].as_str().unwrap().ends_with("bad.mflow"));
}

#[test]
fn check_github_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "bad.mflow", b"workflow w {\n  step a { run \"${nope}\" }\n}\n");
    let out = maestroc()
        .args(["check", "--format", "github", &f])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("::error file="), "{text}");
    assert!(
        text.contains(",line=2,col=19,") && text.contains("title=E0104::"),
        "{text}"
    );
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "warn.mflow",
        b"workflow w {\n  param unused: int = 1\n  step a { run \"echo\" }\n}\n",
    );
    maestroc().args(["check", &f]).assert().code(0);
    maestroc().args(["check", "--deny-warnings", &f]).assert().code(1);
}

#[test]
fn unreadable_file_exits_2() {
    let out = maestroc()
        .args(["check", "no/such/file.mflow"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("E0002"));
}

#[test]
fn invalid_utf8_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "bin.mflow", b"workflow w {\xff}");
    let out = maestroc()
        .args(["check", &f])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("E0001"));
}

#[test]
fn usage_errors_exit_2() {
    maestroc().args(["check"]).assert().code(2);
    maestroc().args(["frobnicate"]).assert().code(2);
    maestroc().arg("--help").assert().success();
    maestroc().arg("--version").assert().success();
}

#[test]
fn explain_prints_the_doc() {
    let out = maestroc()
        .args(["explain", "E0104"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&out).starts_with("# E0104:"));
    maestroc().args(["explain", "0104"]).assert().success();
    maestroc().args(["explain", "E9999"]).assert().code(2);
    maestroc().args(["explain", "--list"]).assert().success();
}

#[test]
fn graph_and_compile() {
    let dot = maestroc()
        .args(["graph", "examples/daily_etl.mflow"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&dot).starts_with("digraph"));
    let mermaid = maestroc()
        .args(["graph", "examples/daily_etl.mflow", "--format", "mermaid"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&mermaid).starts_with("flowchart TD"));
    let a = maestroc()
        .args(["compile", "examples/daily_etl.mflow", "--emit", "ir"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let b = maestroc()
        .args(["compile", "examples/daily_etl.mflow", "--emit", "ir"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(a, b, "IR JSON must be deterministic");
    let json: serde_json::Value = serde_json::from_slice(&a).unwrap();
    assert_eq!(json["workflows"][0]["name"], "daily_etl");
}
