//! Output for CI and editors: `check --format sarif`, `completions`, `man`.

use std::collections::BTreeSet;

use assert_cmd::Command;
use serde_json::Value;

fn maestroc() -> Command {
    let mut cmd = Command::cargo_bin("maestroc").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn stdout_of(args: &[&str], code: i32) -> String {
    let out = maestroc().args(args).assert().code(code).get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn sarif_of(args: &[&str], code: i32) -> Value {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend_from_slice(args);
    serde_json::from_str(&stdout_of(&all, code)).unwrap()
}

/// The `.mflow` files of these directories (relative to the crate root), sorted.
fn mflow_files(dirs: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    for dir in dirs {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for entry in std::fs::read_dir(root).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "mflow") {
                files.push(format!("{dir}/{}", entry.file_name().to_string_lossy()));
            }
        }
    }
    files.sort();
    files
}

/// The `file://` URI of the crate root, as `check` writes it for `%SRCROOT%`.
fn src_root_uri() -> String {
    let root = std::fs::canonicalize(env!("CARGO_MANIFEST_DIR")).unwrap();
    maestroc::diagnostics::render::sarif::dir_uri(&root)
}

/// Every result names a rule of the run by id, and its `ruleIndex` points at that rule;
/// rule ids are unique and each is used.
fn assert_rules_match(log: &Value) {
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), ids.iter().collect::<BTreeSet<_>>().len(), "{ids:?}");
    let mut used = BTreeSet::new();
    for result in run["results"].as_array().unwrap() {
        let id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert!(ids.contains(&id), "{id} is not a rule: {ids:?}");
        assert_eq!(ids[index], id, "ruleIndex {index} of {id}");
        used.insert(id);
        let level = result["level"].as_str().unwrap();
        let expected = if id.starts_with('W') { "warning" } else { "error" };
        assert_eq!(level, expected, "{id}");
        let location = &result["locations"][0]["physicalLocation"];
        let index = location["artifactLocation"]["index"].as_u64().unwrap() as usize;
        assert_eq!(
            run["artifacts"][index]["location"]["uri"], location["artifactLocation"]["uri"],
            "{result}"
        );
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
    assert_eq!(used.len(), ids.len(), "every rule is used");
}

#[test]
fn sarif_snapshot_of_an_error_and_a_warning() {
    let text = stdout_of(&["check", "--format", "sarif", "tests/hooks/mixed.mflow"], 1);
    let text = text.replace(&src_root_uri(), "file:///SRCROOT/");
    assert!(!text.contains(env!("CARGO_MANIFEST_DIR")), "{text}");
    insta::with_settings!({snapshot_path => "hooks/snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("sarif_mixed", text);
    });
}

#[test]
fn sarif_results_point_at_their_rules() {
    let log = sarif_of(&["tests/hooks/mixed.mflow"], 1);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_rules_match(&log);
    // The error with a secondary label has it as a related location, with its message.
    let dup = results.iter().find(|r| r["ruleId"] == "E0103").unwrap();
    assert_eq!(dup["relatedLocations"][0]["message"]["text"], "first defined here");
    // Columns are UTF-16 code units: the emoji before `${nope}` counts twice.
    let nope = results.iter().find(|r| r["ruleId"] == "E0104").unwrap();
    assert_eq!(nope["locations"][0]["physicalLocation"]["region"]["startColumn"], 26);

    // Many files with many codes at once.
    let files = mflow_files(&["tests/ui/names", "tests/ui/warnings", "tests/ui/types"]);
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let log = sarif_of(&args, 1);
    assert!(log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len() > 10);
    assert_rules_match(&log);
}

#[test]
fn sarif_of_clean_examples_has_no_results() {
    let files = mflow_files(&["examples", "examples/lib"]);
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let log = sarif_of(&args, 0);
    let run = &log["runs"][0];
    assert_eq!(run["results"], serde_json::json!([]));
    assert_eq!(run["tool"]["driver"]["rules"], serde_json::json!([]));
    assert_eq!(run["tool"]["driver"]["name"], "maestroc");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    // Every file checked is an artifact, relative to %SRCROOT%; the stdlib carries its text.
    let artifacts = run["artifacts"].as_array().unwrap();
    for file in &files {
        assert!(
            artifacts
                .iter()
                .any(|a| a["location"]["uri"] == file.as_str() && a["location"]["uriBaseId"] == "%SRCROOT%"),
            "{file}"
        );
    }
    assert!(artifacts
        .iter()
        .filter(|a| a["location"]["uriBaseId"].is_null())
        .all(|a| a["contents"]["text"].is_string()));
}

#[test]
fn sarif_unreadable_file_exits_2_with_a_notification() {
    let log = sarif_of(&["tests/hooks/mixed.mflow", "no/such/file.mflow"], 2);
    assert_rules_match(&log);
    let run = &log["runs"][0];
    let last = run["results"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["ruleId"], "E0002");
    assert_eq!(
        last["message"]["text"],
        "cannot read `no/such/file.mflow`: No such file or directory"
    );
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(invocation["exitCode"], 2);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "no/such/file.mflow"
    );
}

#[test]
fn sarif_uris_of_odd_and_absolute_paths() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a b#c.mflow");
    std::fs::write(&path, "workflow w {\n  step a { run \"${nope}\" }\n}\n").unwrap();
    let log = sarif_of(&[path.to_str().unwrap()], 1);
    let location = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    let uri = location["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/a%20b%23c.mflow"),
        "{uri}"
    );
    assert!(location["uriBaseId"].is_null());
}

#[test]
fn sarif_is_a_check_format_and_deny_warnings_applies() {
    let log = sarif_of(&["--deny-warnings", "tests/ui/warnings/unused_param.mflow"], 1);
    assert_eq!(log["runs"][0]["results"][0]["level"], "warning");
    assert_eq!(log["runs"][0]["invocations"][0]["exitCode"], 1);
}

#[test]
fn completions_for_each_shell() {
    let bash = stdout_of(&["completions", "bash"], 0);
    assert!(bash.contains("maestroc") && bash.contains("check"), "{bash}");
    assert!(bash.contains("sarif"), "the formats of check complete too");
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let text = stdout_of(&["completions", shell], 0);
        assert!(text.contains("check"), "{shell}: {text}");
    }
    maestroc().args(["completions", "tcsh"]).assert().code(2);
    // bash accepts the script, when there is a bash.
    if let Ok(status) = std::process::Command::new("bash").args(["-n", "-c", &bash]).status() {
        assert!(status.success());
    }
}

#[test]
fn man_page_is_roff() {
    let page = stdout_of(&["man"], 0);
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "{page}");
    assert!(page.contains(".TH maestroc 1"), "{page}");
    assert!(page.contains("check"), "{page}");
    // Rendered by man(1) without warnings, when there is one.
    let rendered = std::process::Command::new("man")
        .args(["--warnings", "-l", "-"])
        .env("MANWIDTH", "80")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    if let Ok(mut child) = rendered {
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(page.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("maestroc"));
    }
}

#[test]
fn man_pages_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    maestroc()
        .args(["man", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    for page in [
        "maestroc.1",
        "maestroc-check.1",
        "maestroc-completions.1",
        "maestroc-man.1",
    ] {
        let text = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
}
