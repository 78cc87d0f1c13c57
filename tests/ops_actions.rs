//! Issue 16, versioned runs and operator actions: `resume` from the recorded source,
//! `resume --upgrade`, `show-source`, `restart`, `skip`, `pause`/`unpause` and `--break`
//! from other processes, with real `maestroc` processes sharing one `$MFLOW_HOME`.

use std::path::PathBuf;
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

    fn runs(&self, extra: &[&str]) -> Vec<serde_json::Value> {
        let out = self
            .cmd()
            .args(["runs", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json.as_array().cloned().unwrap_or_default()
    }

    fn newest(&self) -> String {
        self.runs(&[])[0]["run_id"].as_str().unwrap().to_string()
    }

    fn show(&self, run: &str) -> serde_json::Value {
        self.json(&["runs", "show", run]).1
    }

    /// Polls `runs show RUN` until `ok` holds of it.
    fn wait_show(&self, run: &str, what: &str, ok: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            let show = self.show(run);
            if ok(&show) {
                return show;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("run {run} never got {what}: {}", self.show(run));
    }

    /// The only running run, once there is one.
    fn wait_running(&self) -> String {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if let Some(r) = self.runs(&[]).iter().find(|r| r["state"] == "running") {
                return r["run_id"].as_str().unwrap().to_string();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("no run started");
    }

    fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.path("home/state.db")).unwrap()
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
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

const LIB: &str = "fn label(x: string) -> string = \"item-${x}\"\n";

/// `a` makes an output; `b` fails until `ok` exists, and records what it ran with.
const TWO_STEPS: &str = r#"import "./lib.mflow"
workflow w {
  param n: int = 1
  const lx = lib.label("x")
  step a {
    run "echo a >> ran.txt; echo v=3 >> \"$MFLOW_OUTPUTS\""
    outputs { v: int }
  }
  step b {
    run "test -f ok && echo b-old ${a.v} ${n} ${lx} >> ran.txt"
  }
}
"#;

#[test]
fn resume_runs_the_recorded_source_not_the_edited_or_deleted_file() {
    let h = Home::new();
    h.file("lib.mflow", LIB);
    let wf = h.file("wf.mflow", TWO_STEPS);
    // Named relative to the current directory, as recorded.
    let out = h.run(&["run", "wf.mflow"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let run = h.newest();
    // Both files are gone: the run still has its definition.
    std::fs::remove_file(&wf).unwrap();
    std::fs::remove_file(h.path("lib.mflow")).unwrap();
    std::fs::write(h.path("ok"), "").unwrap();
    let out = h.run(&["resume", &run]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let ran = std::fs::read_to_string(h.path("ran.txt")).unwrap();
    assert_eq!(ran, "a\nb-old 3 1 item-x\n");

    // `show-source` prints each file as it was.
    let out = h.run(&["show-source", &run]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), TWO_STEPS);
    assert!(text(&out).contains("also loaded `lib.mflow`"), "{}", text(&out));
    let out = h.run(&["show-source", &run, "lib.mflow"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), LIB);
    let out = h.run(&["show-source", &run, "--list"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "wf.mflow  (root)\nlib.mflow\n");
    let out = h.run(&["show-source", &run, "nope.mflow"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("E0404") && text(&out).contains("loaded no file `nope.mflow`"),
        "{}",
        text(&out)
    );

    // `runs show` names the version, and the JSON carries it.
    let show = h.show(&run);
    let version = show["version"].as_str().unwrap().to_string();
    assert_eq!(version.len(), 64);
    let out = h.run(&["runs", "show", &run]);
    assert!(
        text(&out).contains(&format!(
            "version   {} (2 files: `maestroc show-source {run}`)",
            &version[..12]
        )),
        "{}",
        text(&out)
    );
}

#[test]
fn sources_are_stored_once_whatever_the_number_of_runs() {
    let h = Home::new();
    h.file("lib.mflow", LIB);
    let wf = h.file("wf.mflow", TWO_STEPS);
    std::fs::write(h.path("ok"), "").unwrap();
    for _ in 0..3 {
        assert_eq!(h.run(&["run", &wf]).status.code(), Some(0));
    }
    let db = h.db();
    let texts: i64 = db.query_row("SELECT COUNT(*) FROM sources", [], |r| r.get(0)).unwrap();
    let links: i64 = db
        .query_row("SELECT COUNT(*) FROM run_sources", [], |r| r.get(0))
        .unwrap();
    assert_eq!((texts, links), (2, 6));
    let versions: Vec<String> = h
        .runs(&[])
        .iter()
        .map(|r| r["version"].as_str().unwrap().to_string())
        .collect();
    assert!(versions.iter().all(|v| *v == versions[0]), "{versions:?}");
    // Named another way, the same definition is the same version.
    assert_eq!(h.run(&["run", "wf.mflow"]).status.code(), Some(0));
    assert_eq!(h.runs(&[])[0]["version"], versions[0].as_str());
    // An edit is a new version, and one more text.
    h.file("wf.mflow", &TWO_STEPS.replace("b-old", "b-new"));
    assert_eq!(h.run(&["run", &wf]).status.code(), Some(0));
    let texts: i64 = db.query_row("SELECT COUNT(*) FROM sources", [], |r| r.get(0)).unwrap();
    assert_eq!(texts, 3);
    assert_ne!(h.runs(&[])[0]["version"], versions[0]);
}

#[test]
fn resume_upgrade_uses_the_current_file() {
    let h = Home::new();
    h.file("lib.mflow", LIB);
    let wf = h.file("wf.mflow", TWO_STEPS);
    assert_eq!(h.run(&["run", &wf]).status.code(), Some(1));
    let run = h.newest();
    let before = h.show(&run)["version"].clone();
    // A compatible edit: `a` keeps its outputs, `b` is fixed.
    h.file("wf.mflow", &TWO_STEPS.replace("test -f ok && echo b-old", "echo b-new"));
    let out = h.run(&["resume", &run, "--upgrade"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(h.path("ran.txt")).unwrap(),
        "a\nb-new 3 1 item-x\n"
    );
    let after = h.show(&run)["version"].clone();
    assert_ne!(before, after, "the run now names the new version");
    let out = h.run(&["show-source", &run]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("echo b-new"));
}

#[test]
fn resume_upgrade_refuses_when_a_succeeded_step_is_gone_or_changed_its_outputs() {
    let h = Home::new();
    let wf = h.file(
        "wf.mflow",
        r#"workflow w {
  step a { run "echo v=3 >> \"$MFLOW_OUTPUTS\""  outputs { v: int } }
  step c { run "echo w=4 >> \"$MFLOW_OUTPUTS\""  outputs { w: int } }
  step b { run "test -f ok"  after a, c }
}
"#,
    );
    assert_eq!(h.run(&["run", &wf]).status.code(), Some(1));
    let run = h.newest();
    h.file(
        "wf.mflow",
        r#"workflow w {
  step a { run "echo v=x >> \"$MFLOW_OUTPUTS\""  outputs { v: string } }
  step b { run "true"  after a }
}
"#,
    );
    let out = h.run(&["resume", &run, "--upgrade"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let all = text(&out);
    // Both problems are reported, each with its code.
    assert!(
        all.contains("E0421")
            && all.contains("step instance `a` succeeded with outputs (v: int), but its step now has (v: string)"),
        "{all}"
    );
    assert!(
        all.contains("E0420") && all.contains("has no step `c` any more"),
        "{all}"
    );
    assert!(!h.path("ok").exists());
    // Nothing ran and the run keeps its version: a plain resume still works.
    std::fs::write(h.path("ok"), "").unwrap();
    let out = h.run(&["resume", &run]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // `--from a` runs `a` again under the new version, so its change is allowed.
    let wf2 = h.file(
        "wf.mflow",
        r#"workflow w {
  step a { run "echo v=x >> \"$MFLOW_OUTPUTS\""  outputs { v: string } }
  step c { run "echo w=4 >> \"$MFLOW_OUTPUTS\""  outputs { w: int } }
  step b { run "true"  after a, c }
}
"#,
    );
    let _ = wf2;
    let (code, json) = h.json(&["resume", &run, "--upgrade", "--from", "a"]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["steps"]["a"]["outputs"]["v"], "x");
}

#[test]
fn restart_is_a_new_run_of_the_same_version_and_params_linked_to_the_old() {
    let h = Home::new();
    h.file("lib.mflow", LIB);
    let wf = h.file("wf.mflow", TWO_STEPS);
    assert_eq!(h.run(&["run", &wf, "-p", "n=5"]).status.code(), Some(1));
    let old = h.newest();
    // The file changes; the restart runs what the old run ran.
    h.file("wf.mflow", "workflow other { step s { run \"false\" } }\n");
    std::fs::write(h.path("ok"), "").unwrap();
    let out = h.run(&["restart", &old]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains(&format!("restarting run `{old}` from the beginning as a new run")));
    let new = h.newest();
    assert_ne!(new, old);
    // From the beginning: `a` ran again.
    assert_eq!(
        std::fs::read_to_string(h.path("ran.txt")).unwrap(),
        "a\na\nb-old 3 5 item-x\n"
    );
    let show = h.show(&new);
    assert_eq!(show["restarted_from"], old.as_str());
    assert_eq!(show["version"], h.show(&old)["version"]);
    let out = h.run(&["runs", "show", &new]);
    assert!(text(&out).contains(&format!("restarts run `{old}`")), "{}", text(&out));
    // `-p` changes a param of the new run.
    let (code, _) = h.json(&["restart", &old, "-p", "n=7"]);
    assert_eq!(code, 0);
    assert!(std::fs::read_to_string(h.path("ran.txt"))
        .unwrap()
        .ends_with("b-old 3 7 item-x\n"));
    // A running run cannot be restarted, and an unknown run is not found.
    let out = h.run(&["restart", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("E0404"), "{}", text(&out));
}

const FEEDS: &str = r#"workflow w {
  step a { run "exit 3"  outputs { v: int } }
  step b { run "echo got ${a.v} >> ran.txt" }
  step c { run "echo c >> ran.txt"  after b }
}
"#;

#[test]
fn skip_with_outputs_checks_their_types_and_resume_goes_on() {
    let h = Home::new();
    let wf = h.file("wf.mflow", FEEDS);
    assert_eq!(h.run(&["run", &wf]).status.code(), Some(1));
    let run = h.newest();
    // Its outputs are read after it: a plain skip would leave them without values.
    let out = h.run(&["skip", &run, "a"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("E0423") && text(&out).contains("declares outputs (v: int)"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains(r#"--outputs '{"v": <int>}'"#), "{}", text(&out));
    let out = h.run(&["skip", &run, "a", "--outputs", r#"{"v": "many", "extra": 1}"#]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let all = text(&out);
    assert!(all.contains("E0424"), "{all}");
    assert!(all.contains(r#"output `v` must be int, not "many""#), "{all}");
    assert!(all.contains("the step has no output `extra`"), "{all}");
    assert!(all.contains("help: the step's outputs are (v: int)"), "{all}");
    let out = h.run(&["skip", &run, "a", "--outputs", r#"{"v": 7}"#]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(h.show(&run)["steps"]["a"]["state"], "succeeded");
    let out = h.run(&["resume", &run]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(h.path("ran.txt")).unwrap(), "got 7\nc\n");
    // A succeeded instance cannot be skipped.
    let out = h.run(&["skip", &run, "c"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("E0423") && text(&out).contains("already succeeded"),
        "{}",
        text(&out)
    );
    // Nor a step that does not exist.
    let out = h.run(&["skip", &run, "zz"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("has no step instance `zz`"), "{}", text(&out));
}

#[test]
fn skip_marks_a_failed_or_pending_instance_skipped_and_its_dependents_run() {
    let h = Home::new();
    let wf = h.file(
        "wf.mflow",
        r#"workflow w {
  foreach i in range(0, 3) {
    step t { run "test ${i} -ne 1 && echo t${i} >> ran.txt" }
  }
  step after_all { run "echo done >> ran.txt"  after t }
}
"#,
    );
    assert_eq!(h.run(&["run", &wf]).status.code(), Some(1));
    let run = h.newest();
    assert_eq!(h.show(&run)["steps"]["after_all"]["state"], "not_run");
    let out = h.run(&["skip", &run, "t"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("`t` has 3 instances"), "{}", text(&out));
    let out = h.run(&["skip", &run, "t[7]"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("has no step instance `t[7]`"), "{}", text(&out));
    let out = h.run(&["skip", &run, "t[1]"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(h.show(&run)["steps"]["t[1]"]["state"], "skipped");
    let out = h.run(&["resume", &run]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let ran = std::fs::read_to_string(h.path("ran.txt")).unwrap();
    assert_eq!(ran.lines().filter(|l| *l == "done").count(), 1, "{ran}");
    assert!(!ran.contains("t1"));
    let show = h.show(&run);
    assert_eq!(show["steps"]["t[1]"]["state"], "skipped");
    assert_eq!(show["state"], "succeeded");
}

const SLOW: &str = r#"workflow w {
  step a { run "sleep 1; echo a >> ran.txt" }
  step b { run "echo b >> ran.txt"  after a }
}
"#;

#[test]
fn pause_from_another_process_lets_running_steps_finish_and_starts_nothing_new() {
    let h = Home::new();
    let wf = h.file("wf.mflow", SLOW);
    let mut child = h.spawn(&["run", &wf]);
    let run = h.wait_running();
    let out = h.run(&["pause", &run]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // `a` finishes; `b` does not start while paused.
    h.wait_show(&run, "a succeeded", |s| s["steps"]["a"]["state"] == "succeeded");
    std::thread::sleep(Duration::from_millis(800));
    let show = h.show(&run);
    assert_eq!(show["state"], "running");
    assert_eq!(show["paused"], "by `maestroc pause`");
    assert!(show["steps"].get("b").is_none(), "{show}");
    assert_eq!(std::fs::read_to_string(h.path("ran.txt")).unwrap(), "a\n");
    let human = text(&h.run(&["runs", "show", &run]));
    assert!(
        human.contains(&format!(
            "paused    by `maestroc pause`; `maestroc unpause {run}` continues"
        )),
        "{human}"
    );
    let out = h.run(&["unpause", &run]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(wait_exit(&mut child, Duration::from_secs(30)), Some(0));
    assert_eq!(std::fs::read_to_string(h.path("ran.txt")).unwrap(), "a\nb\n");
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("run paused by `maestroc pause`"), "{stderr}");
    assert!(stderr.contains("run unpaused; starting steps again"), "{stderr}");
    assert!(h.show(&run)["paused"].is_null());
    // Neither makes sense on a run that ended.
    let out = h.run(&["pause", &run]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("E0405") && text(&out).contains("is not running (it is succeeded)"),
        "{}",
        text(&out)
    );
    let out = h.run(&["unpause", &run]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("is not paused"), "{}", text(&out));
}

#[test]
fn pause_holds_loop_iterations_that_wait_for_a_concurrency_slot() {
    let h = Home::new();
    let wf = h.file(
        "wf.mflow",
        r#"workflow w {
  foreach i in range(0, 4) concurrency 1 {
    step t { run "echo start${i} >> ran.txt; sleep 1.5" }
  }
}
"#,
    );
    let mut child = h.spawn(&["run", &wf]);
    let run = h.wait_running();
    h.wait_show(&run, "a first iteration", |s| {
        s["steps"].as_object().is_some_and(|m| !m.is_empty())
    });
    assert_eq!(h.run(&["pause", &run]).status.code(), Some(0));
    // The iteration running finishes; the ones queued for the slot do not start.
    std::thread::sleep(Duration::from_millis(1500));
    let started = std::fs::read_to_string(h.path("ran.txt")).unwrap();
    assert_eq!(started.lines().count(), 1, "{started}");
    assert_eq!(h.run(&["unpause", &run]).status.code(), Some(0));
    assert_eq!(wait_exit(&mut child, Duration::from_secs(30)), Some(0));
    assert_eq!(std::fs::read_to_string(h.path("ran.txt")).unwrap().lines().count(), 4);
}

#[test]
fn a_breakpoint_pauses_before_the_steps_instances_and_unpause_continues() {
    let h = Home::new();
    let wf = h.file(
        "wf.mflow",
        r#"workflow w {
  step a { run "echo a >> ran.txt" }
  foreach i in range(0, 3) {
    step b { run "echo b${i} >> ran.txt"  after a }
  }
}
"#,
    );
    let out = h.run(&["run", &wf, "--break", "zz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("`--break zz`: workflow `w` has no step `zz`"),
        "{}",
        text(&out)
    );
    let mut child = h.spawn(&["run", &wf, "--break", "b"]);
    let run = h.wait_running();
    let show = h.wait_show(&run, "a pause", |s| !s["paused"].is_null());
    let paused = show["paused"].as_str().unwrap();
    assert!(
        paused.starts_with("at breakpoint before step `b` (instance `b["),
        "{paused}"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(std::fs::read_to_string(h.path("ran.txt")).unwrap(), "a\n");
    let human = text(&h.run(&["runs", "show", &run]));
    assert!(human.contains("paused    at breakpoint before step `b`"), "{human}");
    assert_eq!(h.run(&["unpause", &run]).status.code(), Some(0));
    assert_eq!(wait_exit(&mut child, Duration::from_secs(30)), Some(0));
    let ran = std::fs::read_to_string(h.path("ran.txt")).unwrap();
    assert_eq!(ran.lines().count(), 4, "{ran}");
}

#[test]
fn resume_break_pauses_the_resumed_run() {
    let h = Home::new();
    let wf = h.file("wf.mflow", FEEDS);
    assert_eq!(h.run(&["run", &wf]).status.code(), Some(1));
    let run = h.newest();
    assert_eq!(
        h.run(&["skip", &run, "a", "--outputs", r#"{"v": 1}"#]).status.code(),
        Some(0)
    );
    let mut child = h.spawn(&["resume", &run, "--break", "c"]);
    h.wait_show(&run, "a pause at c", |s| {
        s["paused"].as_str().is_some_and(|p| p.contains("step `c`"))
    });
    assert_eq!(std::fs::read_to_string(h.path("ran.txt")).unwrap(), "got 1\n");
    assert_eq!(h.run(&["unpause", &run]).status.code(), Some(0));
    assert_eq!(wait_exit(&mut child, Duration::from_secs(30)), Some(0));
    assert_eq!(std::fs::read_to_string(h.path("ran.txt")).unwrap(), "got 1\nc\n");
}

#[test]
fn show_source_of_a_run_recorded_before_versions() {
    let h = Home::new();
    let wf = h.file("wf.mflow", "workflow w { step s { run \"true\" } }\n");
    assert_eq!(h.run(&["run", &wf]).status.code(), Some(0));
    let run = h.newest();
    h.db().execute("UPDATE runs SET ir_hash = NULL", []).unwrap();
    let out = h.run(&["show-source", &run]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("E0425") && text(&out).contains("was recorded before runs kept their source"),
        "{}",
        text(&out)
    );
    let out = h.run(&["runs", "show", &run]);
    assert!(text(&out).contains("version   none recorded"), "{}", text(&out));
}

#[test]
fn resume_records_every_changed_param() {
    let h = Home::new();
    h.file("lib.mflow", LIB);
    let wf = h.file("wf.mflow", TWO_STEPS);
    assert_eq!(h.run(&["run", &wf]).status.code(), Some(1));
    let run = h.newest();
    assert_eq!(h.run(&["resume", &run, "-p", "n=2"]).status.code(), Some(1));
    assert_eq!(h.run(&["resume", &run, "-p", "n=2"]).status.code(), Some(1));
    assert_eq!(h.run(&["resume", &run, "-p", "n=4"]).status.code(), Some(1));
    let db = h.db();
    let mut stmt = db
        .prepare("SELECT resume, name, old, new FROM param_changes WHERE run_id = ?1 ORDER BY resume")
        .unwrap();
    let rows: Vec<(i64, String, Option<String>, String)> = stmt
        .query_map([&run], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        vec![
            (1, "n".to_string(), None, "2".to_string()),
            (3, "n".to_string(), Some("2".to_string()), "4".to_string()),
        ]
    );
}

#[test]
fn a_skip_of_a_pending_instance_survives_a_resume_that_fails_before_it() {
    let h = Home::new();
    let wf = h.file(
        "wf.mflow",
        r#"workflow w {
  step a { run "test -f ok" }
  step b { run "echo b >> ran.txt"  after a }
  step c { run "echo c >> ran.txt"  after b }
}
"#,
    );
    assert_eq!(h.run(&["run", &wf]).status.code(), Some(1));
    let run = h.newest();
    assert_eq!(h.show(&run)["steps"]["b"]["state"], "not_run");
    assert_eq!(h.run(&["skip", &run, "b"]).status.code(), Some(0));
    // `a` fails again: `b` is still skipped afterwards, not pending.
    assert_eq!(h.run(&["resume", &run]).status.code(), Some(1));
    assert_eq!(h.show(&run)["steps"]["b"]["state"], "skipped");
    std::fs::write(h.path("ok"), "").unwrap();
    assert_eq!(h.run(&["resume", &run]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(h.path("ran.txt")).unwrap(), "c\n");
}

const TAGGED: &str = r#"workflow w {
  tags ["team-a", "daily"]
  param day: string fixed
  param n: int = 1 fixed
  param note: string = "x"
  step s { run "test -f ok && echo ${day} ${n} ${note} >> ran.txt" }
}
"#;

#[test]
fn tags_are_recorded_listed_and_filter_runs() {
    let h = Home::new();
    let tagged = h.file("tagged.mflow", TAGGED);
    let plain = h.file("plain.mflow", "workflow p { step s { run \"true\" } }\n");
    std::fs::write(h.path("ok"), "").unwrap();
    assert_eq!(h.run(&["run", &tagged, "-p", "day=d1"]).status.code(), Some(0));
    assert_eq!(h.run(&["run", &plain]).status.code(), Some(0));
    let all = h.runs(&[]);
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["tags"], serde_json::json!(["team-a", "daily"]));
    assert_eq!(all[0]["tags"], serde_json::json!([]));
    let daily = h.runs(&["--tag", "daily"]);
    assert_eq!(daily.len(), 1);
    assert_eq!(daily[0]["workflow"], "w");
    assert!(h.runs(&["--tag", "team"]).is_empty(), "a tag matches whole");
    let run = daily[0]["run_id"].as_str().unwrap().to_string();
    assert_eq!(h.show(&run)["tags"], serde_json::json!(["team-a", "daily"]));
    let human = text(&h.run(&["runs", "show", &run]));
    assert!(human.contains("tags      team-a, daily"), "{human}");
    let table = text(&h.run(&["runs", "--tag", "team-a"]));
    assert!(table.lines().next().unwrap().ends_with("TAGS"), "{table}");
    assert!(table.contains("team-a,daily"), "{table}");
}

#[test]
fn a_fixed_param_cannot_change_on_resume_or_restart() {
    let h = Home::new();
    let wf = h.file("wf.mflow", TAGGED);
    assert_eq!(h.run(&["run", &wf, "-p", "day=d1"]).status.code(), Some(1));
    let run = h.newest();
    // Both fixed params are reported, each with E0422; nothing runs.
    let out = h.run(&["resume", &run, "-p", "day=d2", "-p", "n=2"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains(&format!(
            "param `day` is fixed: `resume -p` cannot change it (run `{run}` has day = \"d1\")"
        )),
        "{all}"
    );
    assert!(
        all.contains(&format!(
            "param `n` is fixed: `resume -p` cannot change it (run `{run}` used its default)"
        )),
        "{all}"
    );
    assert_eq!(all.matches("E0422").count(), 2, "{all}");
    let (code, json) = h.json(&["restart", &run, "-p", "day=d2"]);
    assert_eq!(code, 2);
    assert_eq!(json["error"]["code"], "E0422");
    // The same value is no change; a param that is not fixed may change.
    std::fs::write(h.path("ok"), "").unwrap();
    let out = h.run(&["resume", &run, "-p", "day=d1", "-p", "note=y"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(h.path("ran.txt")).unwrap(), "d1 1 y\n");
    let out = h.run(&["restart", &run, "-p", "note=z"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(h.path("ran.txt")).unwrap(), "d1 1 y\nd1 1 z\n");
}
