//! Views of runs that scale, and the rough edges of issue #16: `runs show` summaries and
//! pages, run ids by prefix and `last`, `--timeline`, `graph --run`, `logs` of a foreach
//! step, `check DIR`, store discovery, `wait signal` progress, resume hints, completion.

use std::path::Path;
use std::process::{Command, Output};

struct Project {
    dir: tempfile::TempDir,
}

/// 30 iterations; `work[7]` fails, so `after_all` never runs.
const LOOP: &str = r#"workflow looped {
  param n: int = 30
  step prep { run "echo hi" }
  foreach i in range(0, n) {
    step work {
      run "test ${i} -ne 7 || { echo broken >&2; exit 3; }"
      after prep
    }
  }
  step after_all { run "echo done" after work }
}
"#;

impl Project {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().to_string()
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

    fn json(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let out = self.cmd().args(args).args(["--format", "json"]).output().unwrap();
        let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        (out.status.code().unwrap_or(-1), json)
    }

    /// Runs LOOP once; returns the run id.
    fn failed_loop(&self) -> String {
        let file = self.file("loop.mflow", LOOP);
        let (code, json) = self.json(&["run", &file]);
        assert_eq!(code, 1, "{json}");
        json["run_id"].as_str().unwrap().to_string()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn runs_show_summarises_a_foreach_step_in_one_line() {
    let p = Project::new();
    let id = p.failed_loop();
    let out = p.run(&["runs", "show", &id]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let work: Vec<&str> = text.lines().filter(|l| l.starts_with("work ")).collect();
    assert_eq!(work.len(), 1, "one line for 30 iterations:\n{text}");
    let cols: Vec<&str> = work[0].split_whitespace().collect();
    assert_eq!(&cols[..6], ["work", "30", "29", "succeeded,", "1", "failed"], "{text}");
    assert!(
        text.contains("after_all          1  not run (upstream failed)"),
        "{text}"
    );
    assert!(
        text.contains("1 instance failed:\n  work[7] (1 attempt): exited with status 3"),
        "{text}"
    );
    assert!(
        text.trim_end()
            .ends_with(&format!("resume it with: maestroc resume {id}")),
        "{text}"
    );
    assert!(text.lines().count() < 20, "{text}");
    // The header line is sized to the content, not padded to fixed widths.
    assert!(text.contains("\nSTEP       INSTANCES  STATES"), "{text}");
}

#[test]
fn instances_are_listed_a_page_at_a_time() {
    let p = Project::new();
    let id = p.failed_loop();
    let out = p.run(&["runs", "show", &id, "--step", "work", "--limit", "10", "--offset", "5"]);
    let text = stdout(&out);
    let names: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(names.len(), 11, "{text}");
    assert!(names.contains(&"work[5]") && names.contains(&"work[14]"), "{text}");
    assert!(!names.contains(&"work[4]") && !names.contains(&"work[15]"), "{text}");
    assert!(text.contains("instances 6–15 of 30; next page: --offset 15"), "{text}");

    let text = stdout(&p.run(&["runs", "show", &id, "--state", "failed"]));
    assert!(
        text.contains("work[7]") && text.contains("exited with status 3"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2, "{text}");

    let text = stdout(&p.run(&["runs", "show", &id, "--all", "--limit", "0"]));
    assert_eq!(text.lines().count(), 33, "header + 32 instances:\n{text}");
    assert!(
        text.contains("after_all") && text.contains("not run (upstream failed)"),
        "{text}"
    );

    let (code, json) = p.json(&["runs", "show", &id, "--state", "failed"]);
    assert_eq!(code, 0);
    assert_eq!(json["page"]["total"], 1);
    assert_eq!(json["steps"].as_object().unwrap().len(), 1);
    assert_eq!(json["steps"]["work[7]"]["state"], "failed");
}

#[test]
fn json_carries_what_the_human_view_shows() {
    let p = Project::new();
    let file = p.file("loop.mflow", LOOP);
    let (code, run) = p.json(&["run", &file, "-p", "n=12"]);
    assert_eq!(code, 1);
    // The result of `run` says why an instance failed.
    assert!(
        run["steps"]["work[7]"]["message"]
            .as_str()
            .unwrap()
            .starts_with("exited with status 3"),
        "{run}"
    );
    assert_eq!(run["steps"]["after_all"]["state"], "not_run");
    assert_eq!(run["steps"]["after_all"]["message"], "upstream failed");
    let id = run["run_id"].as_str().unwrap();
    let (code, show) = p.json(&["runs", "show", id]);
    assert_eq!(code, 0);
    assert_eq!(show["params"]["n"], 12);
    for key in ["created_at", "started_at", "ended_at", "duration_ms", "file"] {
        assert!(!show[key].is_null(), "{key}: {show}");
    }
    let work = show["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "work")
        .unwrap();
    assert_eq!(work["instances"], 12);
    assert_eq!(work["states"]["succeeded"], 11);
    assert_eq!(work["states"]["failed"], 1);
    assert_eq!(work["attempts"], 12);
    assert!(work["p50_ms"].as_i64().unwrap() <= work["max_ms"].as_i64().unwrap());
    let step = &show["steps"]["work[3]"];
    assert_eq!(step["attempts"], 1);
    assert!(step["duration_ms"].is_i64() && step["started_at"].is_string(), "{step}");
}

#[test]
fn runs_are_named_by_a_unique_prefix_or_last() {
    let p = Project::new();
    let first = p.failed_loop();
    let second = p.failed_loop();
    let out = p.run(&["runs", "show", "last", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["run_id"], second.as_str());

    // The shortest prefix that only `first` has.
    let unique = (1..=first.len())
        .map(|n| &first[..n])
        .find(|pre| !second.starts_with(pre))
        .unwrap();
    let out = p.run(&["runs", "show", unique]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with(&format!("run       {first}")));
    let out = p.run(&["logs", unique, "work[7]"]);
    assert!(stdout(&out).contains("broken"), "{}", stdout(&out));

    // A prefix both share: E0450, both listed, newest first.
    let shared = &first[..8];
    let out = p.run(&["runs", "show", shared]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("error[E0450]"), "{err}");
    assert!(err.contains(&format!("{second}, {first}")), "{err}");
    let (code, json) = p.json(&["runs", "show", shared]);
    assert_eq!(code, 2);
    assert_eq!(json["error"]["code"], "E0450");

    let out = p.run(&["runs", "show", "nosuchrun"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("E0404"));
}

#[test]
fn last_without_runs_is_not_found() {
    let p = Project::new();
    p.file("x.mflow", "workflow x { step a { run \"true\" } }\n");
    let out = p.run(&["run", "x.mflow"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let empty = Project::new();
    let out = empty
        .cmd()
        .env("MFLOW_HOME", p.dir.path().join("none"))
        .args(["runs", "show", "last"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn runs_state_takes_only_real_states() {
    let p = Project::new();
    let out = p.run(&["runs", "--state", "broken"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("timed_out") && err.contains("succeeded"), "{err}");
    let out = p.run(&["runs", "show", "last", "--state", "done"]);
    assert_eq!(out.status.code(), Some(2));
    p.failed_loop();
    let out = p.run(&["runs", "--state", "failed"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("looped"), "{}", stdout(&out));
    assert!(stdout(&p.run(&["runs", "--state", "succeeded"])).trim().is_empty());
}

#[test]
fn timeline_draws_a_bar_per_step() {
    let p = Project::new();
    let id = p.failed_loop();
    let out = p.run(&["runs", "show", &id, "--timeline"]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("STEP"), "{text}");
    for step in ["prep", "work"] {
        let line = lines.iter().find(|l| l.starts_with(step)).unwrap();
        assert!(line.contains('█'), "{text}");
    }
    let line = lines.iter().find(|l| l.starts_with("after_all")).unwrap();
    assert!(
        !line.contains('█') && line.ends_with("not run (upstream failed)"),
        "{text}"
    );
}

#[test]
fn graph_run_colours_steps_by_state() {
    let p = Project::new();
    let id = p.failed_loop();
    let out = p.run(&["graph", "loop.mflow", "--run", &id, "--format", "mermaid"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("class s0 succeeded"), "{text}");
    assert!(text.contains("class s1 failed"), "{text}");
    assert!(text.contains("class s2 not_run"), "{text}");
    let text = stdout(&p.run(&["graph", "loop.mflow", "--run", "last"]));
    assert!(
        text.contains("\"s1\" [style=\"rounded,filled\", fillcolor=\"#ffcdd2\""),
        "{text}"
    );
    assert!(text.trim_end().ends_with('}'));
    p.file("other.mflow", "workflow other { step a { run \"true\" } }\n");
    let out = p.run(&["graph", "other.mflow", "--run", "last"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("E0452"), "{}", stderr(&out));
}

#[test]
fn logs_of_a_foreach_step_list_its_instances() {
    let p = Project::new();
    let id = p.failed_loop();
    let out = p.run(&["logs", &id, "work"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!(
            "`work` has 30 instances; name one, like `maestroc logs {id} work[0]`"
        )),
        "{text}"
    );
    assert!(
        text.contains("work[29]") && text.contains("exited with status 3"),
        "{text}"
    );
    // An instance that never ran says so.
    let out = p.run(&["logs", &id, "after_all"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("has no logs for step `after_all`: it is not run (upstream failed)"),
        "{}",
        stderr(&out)
    );
    // A name that is neither is still "no logs", with a suggestion.
    let out = p.run(&["logs", &id, "wrok"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("work"), "{}", stderr(&out));
}

#[test]
fn check_dir_checks_the_mflow_files_under_it() {
    let p = Project::new();
    p.file("flows/a.mflow", "workflow a { step s { run \"true\" } }\n");
    p.file("flows/deep/b.mflow", "workflow b {\n  step s { run \"${nope}\" }\n}\n");
    p.file("flows/.hidden/c.mflow", "this is not mflow");
    p.file("flows/notes.txt", "not mflow either");
    let out = p.run(&["check", "flows", "--format", "short"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("b.mflow") && text.contains("E0104"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
    std::fs::create_dir_all(p.dir.path().join("empty")).unwrap();
    let out = p.run(&["check", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("error[E0451]"), "{}", stderr(&out));
}

#[test]
fn the_store_is_found_from_a_subdirectory() {
    let p = Project::new();
    p.file("x.mflow", "workflow x { step a { run \"true\" } }\n");
    let plain = |dir: &Path, args: &[&str]| {
        Command::new(assert_cmd::cargo::cargo_bin("maestroc"))
            .env("NO_COLOR", "1")
            .env_remove("MFLOW_HOME")
            .current_dir(dir)
            .args(args)
            .output()
            .unwrap()
    };
    let out = plain(p.dir.path(), &["run", "x.mflow"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(p.dir.path().join(".mflow/state.db").is_file());
    let sub = p.dir.path().join("a/b/c");
    std::fs::create_dir_all(&sub).unwrap();
    let out = plain(&sub, &["runs", "show", "last"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("workflow  x ("), "{}", stdout(&out));
    assert!(!sub.join(".mflow").exists());
    // MFLOW_HOME wins over the store found above.
    let out = Command::new(assert_cmd::cargo::cargo_bin("maestroc"))
        .env("MFLOW_HOME", sub.join("elsewhere"))
        .current_dir(&sub)
        .args(["runs", "show", "last"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_wait_signal_step_says_what_it_waits_for_and_how_it_ended() {
    let p = Project::new();
    let file = p.file(
        "wait.mflow",
        "workflow w {\n  param day: date = 2026-11-30\n  step ready {\n    wait signal \"ready\" where signal.day == str(day) since 1h\n    timeout 300ms\n  }\n  step next { run \"echo next\" after ready }\n}\n",
    );
    let out = p.run(&["run", &file]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "ready: waiting for signal 'ready' where day == 2026-11-30 — maestroc signal send ready day=2026-11-30"
        ),
        "{err}"
    );
    assert!(err.contains("✗ ready timed out ("), "{err}");
    assert!(err.contains("- next not run (upstream failed)"), "{err}");
    assert!(err.contains("run failed in"), "{err}");
    assert!(
        err.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("resume it with: maestroc resume "),
        "{err}"
    );

    // With the signal sent (the step looks back an hour), the step's success is shown like
    // any other step's.
    let out = p.run(&["signal", "send", "ready", "day=2026-11-30"]);
    assert_eq!(out.status.code(), Some(0));
    let out = p.run(&["run", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("✓ ready succeeded ("), "{}", stderr(&out));
}

#[test]
fn run_ids_and_workflows_complete_from_the_store() {
    let p = Project::new();
    let id = p.failed_loop();
    let complete = |words: &[&str]| {
        let index = (words.len() - 1).to_string();
        let out = p
            .cmd()
            .env("COMPLETE", "bash")
            .env("_CLAP_IFS", "\n")
            .env("_CLAP_COMPLETE_INDEX", index)
            .arg("--")
            .args(words)
            .output()
            .unwrap();
        stdout(&out)
    };
    let ids = complete(&["maestroc", "runs", "show", &id[..6]]);
    assert_eq!(ids.lines().collect::<Vec<_>>(), [id.as_str()], "{ids}");
    let all = complete(&["maestroc", "logs", ""]);
    assert!(all.lines().any(|l| l == "last") && all.contains(&id), "{all}");
    assert_eq!(complete(&["maestroc", "runs", "-w", "lo"]).trim(), "looped");
    assert_eq!(complete(&["maestroc", "runs", "--state", "timed"]).trim(), "timed_out");
}
