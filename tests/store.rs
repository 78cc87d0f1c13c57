//! The run store: resume, crash safety, inspection, strategies across processes, signals
//! and cancel, with real `maestroc` processes sharing one `$MFLOW_HOME`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().to_string()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("maestroc"));
        cmd.env("NO_COLOR", "1")
            .env("MFLOW_HOME", self.dir.path().join("home"))
            .current_dir(self.dir.path());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    fn spawn(&self, args: &[&str]) -> Child {
        self.cmd()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// `args` with `--format json`: (exit code, JSON on stdout).
    fn json(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let out = self.cmd().args(args).args(["--format", "json"]).output().unwrap();
        let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        (out.status.code().unwrap_or(-1), json)
    }

    fn runs(&self) -> Vec<serde_json::Value> {
        let out = self.cmd().args(["runs", "--format", "json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json.as_array().cloned().unwrap_or_default()
    }

    /// Waits until some run is in `state` and returns its id.
    fn wait_for_state(&self, state: &str, timeout: Duration) -> String {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if let Some(r) = self.runs().iter().find(|r| r["state"] == state) {
                return r["run_id"].as_str().unwrap().to_string();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("no run reached state {state}: {:?}", self.runs());
    }

    fn count(&self, file: &str) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for line in std::fs::read_to_string(self.path(file)).unwrap_or_default().lines() {
            *counts.entry(line.to_string()).or_insert(0) += 1;
        }
        counts
    }
}

fn wait_exit(child: &mut Child, timeout: Duration) -> Option<i32> {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    None
}

const FAIL_AT: &str = r#"workflow w {
  param fail_at: int = 2
  const owner = "me"
  step a {
    run "echo a >> count.txt; echo n=1 >> \"$MFLOW_OUTPUTS\""
    outputs { n: int }
  }
  foreach i in range(0, 4) {
    step b {
      run "echo b${i} >> count.txt; test ${i} -ne ${fail_at} && echo v=${i} >> \"$MFLOW_OUTPUTS\""
      outputs { v: int }
      after a
    }
  }
  step c { run "echo c >> count.txt" after b }
  output total: int = a.n + sum(b.v)
}
"#;

#[test]
fn resume_runs_again_only_what_did_not_succeed() {
    let h = Home::new();
    let file = h.file("wf.mflow", FAIL_AT);
    let (code, first) = h.json(&["run", &file]);
    assert_eq!(code, 1);
    assert_eq!(first["state"], "failed");
    assert_eq!(first["steps"]["c"]["state"], "not_run");
    let id = first["run_id"].as_str().unwrap();

    // Consts cannot change, unknown params are refused, before anything runs.
    let out = h.run(&["resume", id, "-p", "owner=you"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("const"));

    let (code, second) = h.json(&["resume", id, "-p", "fail_at=-1"]);
    assert_eq!(code, 0, "{second}");
    assert_eq!(second["run_id"], id);
    assert_eq!(second["state"], "succeeded");
    assert_eq!(second["outputs"]["total"], 7);
    assert_eq!(second["steps"]["b[2]"]["attempts"], 2);
    assert_eq!(second["steps"]["b[0]"]["attempts"], 1);
    let counts = h.count("count.txt");
    for once in ["a", "b0", "b1", "b3", "c"] {
        assert_eq!(counts.get(once), Some(&1), "{once}: {counts:?}");
    }
    assert_eq!(counts.get("b2"), Some(&2));

    // The store shows the same result object as the run printed.
    let (code, shown) = h.json(&["runs", "show", id]);
    assert_eq!(code, 0);
    assert_eq!(shown, second);

    // Nothing left to resume.
    let out = h.run(&["resume", id]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to resume"));
}

#[test]
fn resume_from_a_step_runs_it_and_its_dependents_again() {
    let h = Home::new();
    let file = h.file(
        "wf.mflow",
        r#"workflow w {
  step a { run "echo a >> count.txt" }
  step b { run "echo b >> count.txt" after a }
  step c { run "echo c >> count.txt" after b }
  step d { run "echo d >> count.txt" after a }
}
"#,
    );
    let (code, first) = h.json(&["run", &file]);
    assert_eq!(code, 0);
    let id = first["run_id"].as_str().unwrap();
    let (code, again) = h.json(&["resume", id, "--from", "b"]);
    assert_eq!(code, 0);
    assert_eq!(again["steps"]["b"]["attempts"], 2);
    let counts = h.count("count.txt");
    assert_eq!((counts["a"], counts["b"], counts["c"], counts["d"]), (1, 2, 2, 1));

    let out = h.run(&["resume", id, "--from", "bb"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no step `bb`") && err.contains("`b`"), "{err}");
}

#[test]
fn runs_show_and_logs_read_the_store() {
    let h = Home::new();
    let file = h.file(
        "wf.mflow",
        "workflow hello {\n  step greet { run \"echo hello out; echo oops >&2\" }\n}\n",
    );
    let (code, result) = h.json(&["run", &file]);
    assert_eq!(code, 0);
    let id = result["run_id"].as_str().unwrap();
    let runs = h.runs();
    assert_eq!(runs.len(), 1);
    for key in ["run_id", "workflow", "state", "started_at"] {
        assert!(!runs[0][key].is_null(), "{key}");
    }
    assert_eq!(runs[0]["workflow"], "hello");
    let out = h.run(&["runs", "show", id]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("greet") && text.contains("succeeded"), "{text}");
    let out = h.run(&["logs", id, "greet"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("hello out") && text.contains("oops"), "{text}");
    let (_, logs) = h.json(&["logs", id]);
    assert_eq!(logs[0]["step"], "greet");
    assert_eq!(logs[0]["stdout"], "hello out\n");
    let out = h.run(&["logs", id, "gret"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`greet`"));
    let out = h.run(&["runs", "show", "nope"]);
    assert_eq!(out.status.code(), Some(1));
}

/// 200 steps append their name to a counter file; `maestroc` gets `SIGKILL` at a random
/// moment, then the run is resumed: it succeeds, a step recorded as succeeded before the
/// kill never runs again, any other step ran at most twice, and no recorded output changed.
#[test]
fn a_run_killed_with_sigkill_resumes_without_redoing_work() {
    let h = Home::new();
    let file = h.file(
        "wf.mflow",
        r#"workflow crash {
  foreach i in range(0, 200) concurrency 4 {
    step s {
      run "echo s${i} >> count.txt; sleep 0.005; echo v=${i} >> \"$MFLOW_OUTPUTS\""
      outputs { v: int }
    }
  }
  output total: int = sum(s.v)
}
"#,
    );
    let mut seed: u64 = 0x5eed_1234;
    for trial in 0..10 {
        let _ = std::fs::remove_file(h.path("count.txt"));
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay = Duration::from_millis(50 + (seed >> 33) % 700);
        let mut child = h.spawn(&["run", &file, "--format", "json"]);
        std::thread::sleep(delay);
        let finished_first = child.try_wait().unwrap().is_some();
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Orphaned step processes finish their few milliseconds.
        std::thread::sleep(Duration::from_millis(100));
        let id = h.runs()[0]["run_id"].as_str().unwrap().to_string();
        let (_, before) = h.json(&["runs", "show", &id]);
        if finished_first {
            assert_eq!(before["state"], "succeeded");
            continue;
        }
        if before["state"] == "succeeded" {
            // It ended between `try_wait` and the kill: nothing to resume.
            continue;
        }
        assert_ne!(before["state"], "running", "a dead run is not left running");
        let (code, after) = h.json(&["resume", &id]);
        assert_eq!(code, 0, "trial {trial}: {after}");
        assert_eq!(after["state"], "succeeded");
        assert_eq!(after["outputs"]["total"], 199 * 200 / 2);
        let counts = h.count("count.txt");
        for i in 0..200 {
            let name = format!("s[{i}]");
            let n = counts.get(&format!("s{i}")).copied().unwrap_or(0);
            let recorded = &before["steps"][&name];
            if recorded["state"] == "succeeded" {
                assert_eq!(n, 1, "trial {trial}: {name} succeeded before the kill but ran again");
                assert_eq!(recorded["outputs"], after["steps"][&name]["outputs"], "{name}");
            } else {
                assert!((1..=2).contains(&n), "trial {trial}: {name} ran {n} times");
            }
        }
    }
}

#[test]
fn eight_processes_share_one_store() {
    let h = Home::new();
    let steps: Vec<String> = (0..20).map(|i| format!("  step s{i} {{ run \"true\" }}")).collect();
    let steps = steps.join("\n") + "\n";
    let text = format!("workflow many {{\n{steps}}}\n");
    let file = h.file("wf.mflow", &text);
    let children: Vec<Child> = (0..8).map(|_| h.spawn(&["run", &file])).collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(!err.contains("locked"), "{err}");
    }
    let runs = h.runs();
    assert_eq!(runs.len(), 8);
    assert!(runs.iter().all(|r| r["state"] == "succeeded"));
}

/// The lines `start N` / `end N` that runs appended to `log`, as (max overlap, order).
fn overlap(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let (mut now, mut max) = (0usize, 0usize);
    for line in text.lines() {
        if line.starts_with("start") {
            now += 1;
            max = max.max(now);
        } else {
            now = now.saturating_sub(1);
        }
    }
    max
}

fn strategy_file(h: &Home, strategy: &str, sleep: &str) -> String {
    h.file(
        "wf.mflow",
        &format!(
            "workflow w {{\n  param fail: bool = false\n  strategy {strategy}\n  step s {{ run \"echo start >> log; sleep {sleep}; echo end >> log; test ${{fail}} = false\" }}\n}}\n"
        ),
    )
}

#[test]
fn sequential_and_parallel_n_bound_runs_across_processes() {
    for (strategy, runs, expected) in [("sequential", 3, 1), ("parallel(2)", 4, 2)] {
        let h = Home::new();
        let file = strategy_file(&h, strategy, "0.4");
        let children: Vec<Child> = (0..runs)
            .map(|_| {
                let c = h.spawn(&["run", &file]);
                std::thread::sleep(Duration::from_millis(30));
                c
            })
            .collect();
        for child in children {
            assert_eq!(child.wait_with_output().unwrap().status.code(), Some(0));
        }
        assert_eq!(overlap(&h.path("log")), expected, "{strategy}");
    }
}

#[test]
fn first_only_refuses_and_last_only_cancels() {
    let h = Home::new();
    let file = strategy_file(&h, "first_only", "1");
    let mut first = h.spawn(&["run", &file]);
    h.wait_for_state("running", Duration::from_secs(10));
    let out = h.run(&["run", &file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("first_only"));
    assert_eq!(wait_exit(&mut first, Duration::from_secs(20)), Some(0));

    let h = Home::new();
    let file = strategy_file(&h, "last_only", "30");
    let mut old = h.spawn(&["run", &file]);
    h.wait_for_state("running", Duration::from_secs(10));
    std::fs::write(
        h.path("wf.mflow"),
        std::fs::read_to_string(&file).unwrap().replace("sleep 30", "sleep 0"),
    )
    .unwrap();
    let start = Instant::now();
    let out = h.run(&["run", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(wait_exit(&mut old, Duration::from_secs(10)), Some(130));
    let states: Vec<String> = h
        .runs()
        .iter()
        .map(|r| r["state"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(states, ["succeeded", "cancelled"]);
}

#[test]
fn strict_sequential_waits_for_a_failed_run_to_be_given_up() {
    let h = Home::new();
    let file = strategy_file(&h, "strict_sequential", "0");
    let out = h.run(&["run", &file, "-p", "fail=true"]);
    assert_eq!(out.status.code(), Some(1));
    let failed = h.runs()[0]["run_id"].as_str().unwrap().to_string();
    let mut next = h.spawn(&["run", &file]);
    std::thread::sleep(Duration::from_millis(800));
    assert!(next.try_wait().unwrap().is_none(), "the next run waits");
    assert_eq!(h.runs()[0]["state"], "queued");
    let out = h.run(&["cancel", &failed]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(wait_exit(&mut next, Duration::from_secs(10)), Some(0));
}

#[test]
fn cancel_stops_a_run_from_another_process() {
    let h = Home::new();
    let file = h.file("wf.mflow", "workflow w {\n  step s { run \"sleep 30\" }\n}\n");
    let mut child = h.spawn(&["run", &file]);
    let id = h.wait_for_state("running", Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    let out = h.run(&["cancel", &id]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(wait_exit(&mut child, Duration::from_secs(10)), Some(130));
    assert!(start.elapsed() < Duration::from_secs(5));
    let (_, shown) = h.json(&["runs", "show", &id]);
    assert_eq!(shown["state"], "cancelled");
    assert_eq!(shown["steps"]["s"]["state"], "cancelled");
}

#[test]
fn a_dead_run_is_detected_and_resumable() {
    let h = Home::new();
    let file = h.file("wf.mflow", "workflow w {\n  step s { run \"sleep 0.3\" }\n}\n");
    let mut child = h.spawn(&["run", &file]);
    let id = h.wait_for_state("running", Duration::from_secs(10));
    child.kill().unwrap();
    child.wait().unwrap();
    let runs = h.runs();
    assert_eq!(runs[0]["state"], "failed");
    assert!(runs[0]["message"].as_str().unwrap().contains("died"));
    let (code, result) = h.json(&["resume", &id]);
    assert_eq!(code, 0);
    assert_eq!(result["state"], "succeeded");
}

#[test]
fn wait_signal_waits_for_a_matching_signal_and_emit_publishes_one() {
    let h = Home::new();
    let file = h.file(
        "wf.mflow",
        r#"workflow consumer {
  step ready {
    wait signal "orders_ready" where signal.day == "2026-11-23"
    outputs { table: string }
    timeout 30s
  }
  output table: string = ready.table
}

workflow producer {
  step build {
    run "true"
    emit signal "orders_ready" { day: 2026-11-23, table: "orders" }
  }
}
"#,
    );
    let child = h.spawn(&["run", &file, "-w", "consumer", "--format", "json"]);
    h.wait_for_state("running", Duration::from_secs(10));
    let out = h.run(&["signal", "send", "orders_ready", "day=2026-11-22", "table=old"]);
    assert_eq!(out.status.code(), Some(0));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        h.runs()[0]["state"],
        "running",
        "a signal that does not match is not enough"
    );
    let out = h.run(&["run", &file, "-w", "producer"]);
    assert_eq!(out.status.code(), Some(0));
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["outputs"]["table"], "orders");
    let out = h.run(&["signal", "list", "orders_ready"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}

#[test]
fn a_wait_signal_step_times_out() {
    let h = Home::new();
    let file = h.file(
        "wf.mflow",
        "workflow w {\n  step s {\n    wait signal \"never\"\n    timeout 300ms\n  }\n}\n",
    );
    let (code, result) = h.json(&["run", &file]);
    assert_eq!(code, 1);
    assert_eq!(result["steps"]["s"]["state"], "timed_out");
}

#[test]
fn a_queued_run_that_dies_is_cancelled_and_blocks_nothing() {
    let h = Home::new();
    let file = strategy_file(&h, "strict_sequential", "1");
    let mut first = h.spawn(&["run", &file]);
    h.wait_for_state("running", Duration::from_secs(10));
    let mut queued = h.spawn(&["run", &file]);
    h.wait_for_state("queued", Duration::from_secs(10));
    queued.kill().unwrap();
    queued.wait().unwrap();
    let runs = h.runs();
    assert_eq!(runs[0]["state"], "cancelled");
    assert!(runs[0]["message"].as_str().unwrap().contains("before it started"));
    assert_eq!(wait_exit(&mut first, Duration::from_secs(20)), Some(0));
    let out = h.run(&["run", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}
