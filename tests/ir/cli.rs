//! `maestroc graph` and `maestroc compile --emit ir` on the command line: output matches
//! the library, exit code 2 for files with errors and unknown workflows.

use assert_cmd::Command;

fn maestroc() -> Command {
    let mut cmd = Command::cargo_bin("maestroc").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().to_string()
}

#[test]
fn compile_emit_ir_prints_the_library_json() {
    let out = maestroc()
        .args(["compile", "examples/daily_etl.mflow", "--emit", "ir"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let (a, ir) = super::examples::compile_example("examples/daily_etl.mflow");
    assert_eq!(String::from_utf8_lossy(&out).trim_end(), super::ir_json(&a, &ir));
}

#[test]
fn graph_formats_and_workflow_choice() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "two.mflow",
        "workflow first { step a { run \"true\" } }\nworkflow second { step b { run \"true\" } }\n",
    );
    let both = maestroc()
        .args(["graph", &f])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let both = String::from_utf8_lossy(&both);
    assert!(
        both.contains("workflow first") && both.contains("workflow second"),
        "{both}"
    );
    let one = maestroc()
        .args(["graph", &f, "-w", "second", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(json["workflow"], "second");
    let mermaid = maestroc()
        .args(["graph", &f, "--format", "mermaid"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&mermaid).starts_with("flowchart TD\n"));
}

#[test]
fn graph_unknown_workflow_exits_2_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "two.mflow",
        "workflow daily { step a { run \"true\" } }\nworkflow weekly { step b { run \"true\" } }\n",
    );
    let err = maestroc()
        .args(["graph", &f, "-w", "dialy"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&err).contains("did you mean `daily`?"),
        "{}",
        String::from_utf8_lossy(&err)
    );
}

#[test]
fn graph_and_compile_exit_2_on_errors_with_the_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "bad.mflow", "workflow w {\n  step a { run \"x ${nope}\" }\n}\n");
    for args in [vec!["graph", f.as_str()], vec!["compile", f.as_str(), "--emit", "ir"]] {
        let out = maestroc().args(&args).assert().code(2).get_output().clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("E0") && err.contains("nope"), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn graph_of_a_file_without_workflows_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "lib.mflow", "fn twice(x: int) -> int = x * 2\n");
    maestroc().args(["graph", &f]).assert().code(2);
}
