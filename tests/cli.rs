//! The `check` and `explain` command lines: exit codes and output formats.

use assert_cmd::Command;

fn maestroc() -> Command {
    let mut cmd = Command::cargo_bin("maestroc").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(env!("CARGO_MANIFEST_DIR"));
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

const BAD: &[u8] = b"workflow w {\n  step a { run \"${nope}\" }\n}\n";
const WARN: &[u8] = b"workflow w {\n  param unused: int = 1\n  step a { run \"echo\" }\n}\n";

fn stdout_of(args: &[&str], code: i32) -> String {
    let out = maestroc().args(args).assert().code(code).get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn stderr_of(args: &[&str], code: i32) -> String {
    let out = maestroc().args(args).assert().code(code).get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn json_keys_are_exactly_the_documented_ones_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(&dir, "bad.mflow", BAD);
    let warn = write(&dir, "warn.mflow", WARN);
    let text = stdout_of(&["check", "--format", "json", &warn, &bad], 1);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let top: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(top, ["diagnostics"], "{text}");
    let list = json["diagnostics"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{text}");
    for d in list {
        let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["code", "severity", "message", "file", "line", "column", "labels", "help"],
            "{text}"
        );
        for l in d["labels"].as_array().unwrap() {
            let keys: Vec<&String> = l.as_object().unwrap().keys().collect();
            assert_eq!(
                keys,
                ["message", "line", "column", "end_line", "end_column", "start", "end"],
                "{text}"
            );
        }
        assert!(d["help"].is_null() || d["help"].is_string(), "{text}");
    }
    // Files in command-line order: the warning of warn.mflow first, then bad.mflow's error.
    assert_eq!(list[0]["code"], "W0001");
    assert_eq!(list[0]["severity"], "warning");
    assert_eq!(list[0]["line"], 2);
    assert_eq!(list[0]["column"], 9);
    assert!(list[0]["help"].is_string());
    assert_eq!(list[1]["code"], "E0104");
    let label = &list[1]["labels"][0];
    assert_eq!((label["line"].clone(), label["column"].clone()), (2.into(), 19.into()));
    assert_eq!(
        (label["end_line"].clone(), label["end_column"].clone()),
        (2.into(), 23.into())
    );
    assert_eq!(label["end"].as_u64().unwrap() - label["start"].as_u64().unwrap(), 4);
    // Deterministic: the same bytes twice.
    assert_eq!(text, stdout_of(&["check", "--format", "json", &warn, &bad], 1));
}

#[test]
fn json_of_a_clean_file_is_an_empty_list() {
    let text = stdout_of(&["check", "--format", "json", "examples/daily_etl.mflow"], 0);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json, serde_json::json!({"diagnostics": []}));
}

#[test]
fn unreadable_file_in_json_and_github() {
    let text = stdout_of(&["check", "--format", "json", "no/such/file.mflow"], 2);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"diagnostics": [{
            "code": "E0002",
            "severity": "error",
            "message": "cannot read `no/such/file.mflow`: No such file or directory",
            "file": "no/such/file.mflow",
            "line": 1,
            "column": 1,
            "labels": [],
            "help": null,
        }]})
    );
    let text = stdout_of(&["check", "--format", "github", "no/such/file.mflow"], 2);
    assert_eq!(
        text,
        "::error file=no/such/file.mflow,line=1,col=1,endLine=1,endColumn=1,title=E0002::cannot read `no/such/file.mflow`: No such file or directory\n"
    );
}

#[test]
fn unreadable_file_human_line_and_exit_2_even_with_other_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(&dir, "bad.mflow", BAD);
    let text = stderr_of(&["check", &bad, "no/such/file.mflow"], 2);
    assert!(
        text.contains("error[E0002]: cannot read `no/such/file.mflow`: No such file or directory"),
        "{text}"
    );
    assert!(text.contains("E0104"), "{text}");
    assert!(
        text.trim_end().ends_with("error: could not check 2 files: 2 errors"),
        "{text}"
    );
    // A directory stands for the `.mflow` files under it (see tests/ops_views.rs).
    let text = stderr_of(&["check", dir.path().to_str().unwrap()], 1);
    assert!(text.contains("E0104"), "{text}");
}

#[test]
fn github_warnings_and_escaping() {
    let dir = tempfile::tempdir().unwrap();
    let warn = write(&dir, "warn,a:b%.mflow", WARN);
    let text = stdout_of(&["check", "--format", "github", &warn], 0);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let line = lines[0];
    assert!(line.starts_with("::warning file="), "{line}");
    assert!(
        line.contains("warn%2Ca%3Ab%25.mflow,line=2,col=9,endLine=2,endColumn=15,title=W0001::"),
        "{line}"
    );
    // The help follows the message on an escaped new line.
    assert!(line.contains("never used%0Ahelp: "), "{line}");
    assert_eq!(
        maestroc::diagnostics::render::github_escape_message("a%b\r\nc"),
        "a%25b%0D%0Ac"
    );
    assert_eq!(
        maestroc::diagnostics::render::github_escape_property("a,b:c"),
        "a%2Cb%3Ac"
    );
}

#[test]
fn human_summary_lines() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(&dir, "bad.mflow", BAD);
    let warn = write(&dir, "warn.mflow", WARN);
    let text = stderr_of(&["check", &bad], 1);
    assert!(text.contains("cannot find `nope` in this scope"), "{text}");
    assert!(
        text.trim_end()
            .ends_with(&format!("error: could not check `{bad}`: 1 error")),
        "{text}"
    );
    let text = stderr_of(&["check", &warn], 0);
    assert!(
        text.trim_end().ends_with(&format!("warning: `{warn}`: 1 warning")),
        "{text}"
    );
    let text = stderr_of(&["check", "--deny-warnings", &warn], 1);
    assert!(
        text.trim_end().ends_with("1 warning (denied by --deny-warnings)"),
        "{text}"
    );
    let text = stderr_of(&["check", &bad, &warn], 1);
    assert!(
        text.trim_end()
            .ends_with("error: could not check 2 files: 1 error, 1 warning"),
        "{text}"
    );
    // Clean: nothing at all.
    assert_eq!(stderr_of(&["check", "examples/daily_etl.mflow"], 0), "");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(&dir, "bad.mflow", BAD);
    // Not a terminal (a pipe): no colour, whatever NO_COLOR says.
    let plain = stderr_of(&["check", &bad], 1);
    assert!(!plain.contains('\u{1b}'), "{plain}");
    let mut cmd = Command::cargo_bin("maestroc").unwrap();
    let out = cmd
        .env_remove("NO_COLOR")
        .args(["check", &bad])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(!String::from_utf8(out).unwrap().contains('\u{1b}'));
    let never = stderr_of(&["check", "--color", "never", &bad], 1);
    assert!(!never.contains('\u{1b}'), "{never}");
    let always = stderr_of(&["check", "--color", "always", &bad], 1);
    assert!(always.contains('\u{1b}'), "{always}");
    stderr_of(&["check", "--color", "sometimes", &bad], 2);
}

#[test]
fn usage_errors_of_check_exit_2() {
    stderr_of(&["check", "--format", "xml", "examples/daily_etl.mflow"], 2);
    stderr_of(&["check", "--no-such-flag", "examples/daily_etl.mflow"], 2);
    stderr_of(&[], 2);
    let help = stdout_of(&["check", "--help"], 0);
    assert!(help.contains("--deny-warnings") && help.contains("--format"), "{help}");
    let version = stdout_of(&["--version"], 0);
    assert_eq!(version.trim(), format!("maestroc {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn explain_codes_in_any_spelling() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/errors/E0101.md")).unwrap();
    for spelling in ["E0101", "e0101", "0101", "101", "e101"] {
        assert_eq!(stdout_of(&["explain", spelling], 0), doc, "{spelling}");
    }
    let text = stderr_of(&["explain", "E0105x"], 2);
    assert!(text.contains("did you mean `E0105`?"), "{text}");
    let text = stderr_of(&["explain", "E9999"], 2);
    assert!(text.contains("no diagnostic code `E9999`"), "{text}");
    stderr_of(&["explain"], 2);
}

#[test]
fn explain_list_names_every_doc() {
    let list = stdout_of(&["explain", "--list"], 0);
    let mut docs: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/errors"))
        .unwrap()
        .flatten()
        .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().to_string()))
        .collect();
    docs.sort();
    let listed: Vec<&str> = list.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(listed, docs, "{list}");
}
