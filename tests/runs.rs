//! `maestroc run`: behaviour a user sees, with real processes.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use assert_cmd::Command;

struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn file(&self, text: &str) -> String {
        let path = self.dir.path().join("wf.mflow");
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().to_string()
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().to_string()
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("maestroc").unwrap();
        // Steps run in the test's own directory, never in the repository.
        cmd.env("NO_COLOR", "1")
            .env("MFLOW_HOME", self.dir.path().join("home"))
            .current_dir(self.dir.path());
        cmd
    }

    /// Runs with `--format json` and returns (exit code, result object).
    fn json(&self, file: &str, extra: &[&str]) -> (i32, serde_json::Value) {
        let out = self
            .cmd()
            .arg("run")
            .arg(file)
            .args(["--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        (out.status.code().unwrap_or(-1), json)
    }
}

#[test]
fn injection_attempts_reach_the_command_as_text() {
    let r = Run::new();
    let out = r.path("out.txt");
    let file = r.file(&format!(
        "workflow w {{\n  param p: string\n  step s {{ run \"printf '%s' ${{p}} > {out}\" }}\n}}\n"
    ));
    for nasty in [
        "$(touch pwned)",
        "`touch pwned`",
        "a'b\"c",
        "x; touch pwned",
        "line1\nline2",
        "*",
        "--help",
        "",
    ] {
        let (code, _) = r.json(&file, &["-p", &format!("p={nasty}")]);
        assert_eq!(code, 0, "{nasty:?}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), nasty);
        assert!(!std::path::Path::new("pwned").exists());
    }
}

#[test]
fn result_object_and_gather_order() {
    let r = Run::new();
    let file = r.file(
        "workflow w {\n  foreach n in [3, 1, 2] {\n    step work {\n      run \"sleep 0.${n}; echo v=${n} >> \\\"$MFLOW_OUTPUTS\\\"\"\n      outputs { v: int }\n    }\n  }\n  output order: list<int> = work.v\n}\n",
    );
    let (code, json) = r.json(&file, &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["state"], "succeeded");
    assert_eq!(json["outputs"]["order"], serde_json::json!([3, 1, 2]));
    assert_eq!(json["steps"]["work[1]"]["outputs"]["v"], 1);
    assert_eq!(json["steps"]["work[0]"]["attempts"], 1);
    assert!(json["run_id"].is_string());
}

#[test]
fn timeout_kills_the_process_tree() {
    let r = Run::new();
    let file = r.file("workflow w {\n  step s {\n    run \"sleep 60 & sleep 60; wait\"\n    timeout 500ms\n  }\n}\n");
    let start = Instant::now();
    let (code, json) = r.json(&file, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["steps"]["s"]["state"], "timed_out");
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
}

#[test]
fn fail_fast_cancels_a_running_sibling() {
    let r = Run::new();
    let done = r.path("done");
    let file = r.file(&format!(
        "workflow w {{\n  step slow {{ run \"sleep 3; touch {done}\" }}\n  step bad {{ run \"sleep 0.2; exit 1\" on_failure fail_fast }}\n}}\n"
    ));
    let start = Instant::now();
    let (code, json) = r.json(&file, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["steps"]["slow"]["state"], "cancelled");
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(!std::path::Path::new(&done).exists());
}

#[test]
fn fail_after_running_lets_a_sibling_finish() {
    let r = Run::new();
    let done = r.path("done");
    let file = r.file(&format!(
        "workflow w {{\n  step slow {{ run \"sleep 1; touch {done}\" }}\n  step bad {{ run \"exit 1\" }}\n  step later {{ run \"echo\" after bad }}\n}}\n"
    ));
    let (code, json) = r.json(&file, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["state"], "failed");
    assert_eq!(json["steps"]["slow"]["state"], "succeeded");
    assert_eq!(json["steps"]["later"]["state"], "not_run");
    assert_eq!(json["steps"]["later"]["message"], "upstream failed");
    assert!(std::path::Path::new(&done).exists());
}

#[test]
fn workflow_concurrency_is_respected() {
    let r = Run::new();
    let log = r.path("log");
    let mut text = String::from("workflow w {\n  concurrency 2\n");
    for i in 0..6 {
        let _ = writeln!(
            text,
            "  step s{i} {{ run \"echo + >> {log}; sleep 0.2; echo - >> {log}\" }}"
        );
    }
    text.push_str("}\n");
    let file = r.file(&text);
    let (code, _) = r.json(&file, &[]);
    assert_eq!(code, 0);
    let mut running = 0;
    let mut peak = 0;
    for line in std::fs::read_to_string(&log).unwrap().lines() {
        running += if line == "+" { 1 } else { -1 };
        peak = peak.max(running);
    }
    assert_eq!(peak, 2);
}

#[test]
fn retries_then_succeeds() {
    let r = Run::new();
    let count = r.path("count");
    let file = r.file(&format!(
        "workflow w {{\n  step flaky {{\n    run \"echo x >> {count}; test $(wc -l < {count}) -ge 3\"\n    retry 3 backoff fixed(10ms)\n  }}\n}}\n"
    ));
    let (code, json) = r.json(&file, &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["steps"]["flaky"]["attempts"], 3);
}

#[test]
fn outputs_are_typed_and_checked() {
    let r = Run::new();
    let file = r
        .file("workflow w {\n  step s { run \"echo rows=many >> \\\"$MFLOW_OUTPUTS\\\"\" outputs { rows: int } }\n}\n");
    let out = r.cmd().arg("run").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`rows` should be `int`"));
}

#[test]
fn branches_skip_and_optional_outputs() {
    let r = Run::new();
    let file = r.file(
        "workflow w {\n  param go: bool = false\n  if go {\n    step a { run \"echo u=x >> \\\"$MFLOW_OUTPUTS\\\"\" outputs { u: string } }\n  }\n  output u: string = a.u ?? \"skipped\"\n}\n",
    );
    let (code, json) = r.json(&file, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["steps"]["a"]["state"], "skipped");
    assert_eq!(json["outputs"]["u"], "skipped");
    let (_, json) = r.json(&file, &["-p", "go=true"]);
    assert_eq!(json["outputs"]["u"], "x");
}

#[test]
fn launch_params_are_checked_before_running() {
    let r = Run::new();
    let marker = r.path("ran");
    let file = r.file(&format!(
        "workflow w {{\n  param n: int\n  const c = 1\n  step s {{ run \"touch {marker} ${{n}} ${{c}}\" }}\n}}\n"
    ));
    r.cmd().arg("run").arg(&file).assert().code(2);
    r.cmd().arg("run").arg(&file).args(["-p", "n=abc"]).assert().code(2);
    r.cmd()
        .arg("run")
        .arg(&file)
        .args(["-p", "n=1", "-p", "c=2"])
        .assert()
        .code(2);
    r.cmd()
        .arg("run")
        .arg(&file)
        .args(["-p", "n=1", "-p", "m=2"])
        .assert()
        .code(2);
    assert!(!std::path::Path::new(&marker).exists());
    r.cmd().arg("run").arg(&file).args(["-p", "n=1"]).assert().code(0);
}

#[test]
fn runtime_errors_point_at_the_expression() {
    let r = Run::new();
    let file = r.file("workflow w {\n  param xs: list<int> = [1]\n  step s { run \"echo ${xs[5]}\" }\n}\n");
    let out = r.cmd().arg("run").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("out of range") && err.contains("wf.mflow:3"), "{err}");
}

#[test]
fn huge_range_fails_fast() {
    let r = Run::new();
    let file = r.file("workflow w {\n  let xs = range(0, 1000000000000)\n  step s { run \"echo ${len(xs)}\" }\n}\n");
    let start = Instant::now();
    let out = r.cmd().arg("run").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("limit"));
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn sigint_cancels_the_run() {
    let r = Run::new();
    let file = r.file("workflow w {\n  step s { run \"sleep 30\" }\n}\n");
    let bin = assert_cmd::cargo::cargo_bin("maestroc");
    let mut child = std::process::Command::new(bin)
        .env("MFLOW_HOME", r.dir.path().join("home"))
        .args(["run", &file])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
    let start = Instant::now();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn subworkflow_outputs_become_step_outputs() {
    let r = Run::new();
    let file = r.file(
        "workflow child {\n  param n: int\n  step s { run \"echo v=$((${n} * 2)) >> \\\"$MFLOW_OUTPUTS\\\"\" outputs { v: int } }\n  output doubled: int = s.v\n}\nworkflow parent {\n  step c { call child(n: 21) }\n  output answer: int = c.doubled\n}\n",
    );
    let (code, json) = r.json(&file, &["-w", "parent"]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["outputs"]["answer"], 42);
    assert_eq!(json["steps"]["c/s"]["state"], "succeeded");
}

#[test]
fn while_loop_with_next() {
    let r = Run::new();
    let file = r.file(
        "workflow w {\n  while page < 3 with page = 0 limit 10 {\n    step fetch { run \"echo n=${page} >> \\\"$MFLOW_OUTPUTS\\\"\" outputs { n: int } }\n    next page = page + 1\n  }\n  output pages: list<int> = fetch.n\n}\n",
    );
    let (code, json) = r.json(&file, &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["outputs"]["pages"], serde_json::json!([0, 1, 2]));
}
