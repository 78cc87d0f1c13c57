//! The Slurm executor against a live cluster (`.ci/slurm.sh` starts a single-node one):
//! the same results as the local executor, retries, timeouts, cancel, SIGINT, `fail_fast`,
//! `kill -9` then `resume`, a 1,000-step foreach. Without Slurm, every test that needs the
//! cluster says so on stderr and passes (`MFLOW_SLURM_REQUIRED=1` makes that a failure,
//! as in CI); the launch errors are tested everywhere.

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use assert_cmd::Command;

/// The cluster has few CPUs: one Slurm test at a time.
static CLUSTER: Mutex<()> = Mutex::new(());

/// Whether a Slurm cluster answers; a visible message when it does not.
fn cluster(test: &str) -> Option<std::sync::MutexGuard<'static, ()>> {
    let ok = StdCommand::new("sinfo")
        .args(["--noheader", "-o", "%T"])
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty());
    if !ok {
        assert!(
            std::env::var_os("MFLOW_SLURM_REQUIRED").is_none(),
            "{test}: Slurm is required (MFLOW_SLURM_REQUIRED) but `sinfo` does not answer"
        );
        eprintln!("skipped {test}: Slurm is not available (start a cluster with `.ci/slurm.sh start`)");
        return None;
    }
    Some(CLUSTER.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
}

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// A project directory: the store in `home/`, `mflow.toml` beside it.
    fn new() -> Self {
        let p = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        p.write(
            "mflow.toml",
            "[slurm]\npoll_interval = \"200ms\"\n# a \"container runtime\" that only names the image\ncontainer_command = [\"env\", \"MFLOW_IMAGE={image}\"]\n",
        );
        p
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("maestroc").unwrap();
        cmd.env("NO_COLOR", "1")
            .env("MFLOW_HOME", self.path("home"))
            .env_remove("MFLOW_CONFIG")
            .current_dir(self.dir.path())
            .timeout(Duration::from_mins(10));
        cmd
    }

    fn std_cmd(&self) -> StdCommand {
        let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("maestroc"));
        cmd.env("NO_COLOR", "1")
            .env("MFLOW_HOME", self.path("home"))
            .env_remove("MFLOW_CONFIG")
            .current_dir(self.dir.path());
        cmd
    }

    /// `run FILE ARGS… --format json`: exit code and result object.
    fn json(&self, file: &Path, args: &[&str]) -> (i32, serde_json::Value) {
        let out = self
            .cmd()
            .arg("run")
            .arg(file)
            .args(args)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("no JSON result; stderr:\n{}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code().unwrap_or(-1), json)
    }

    fn run_id(&self) -> Option<String> {
        let dir = std::fs::read_dir(self.path("home/runs")).ok()?;
        dir.flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .next()
    }
}

/// The jobs Slurm knows of a run (`squeue`): `(id, state)`.
fn jobs_of(run_id: &str) -> Vec<(String, String)> {
    let out = StdCommand::new("squeue")
        .args(["--noheader", "--states=all", "--format=%i|%T|%j"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut parts = l.trim().splitn(3, '|');
            let (id, state, name) = (parts.next()?, parts.next()?, parts.next()?);
            name.starts_with(&format!("mflow/{run_id}/"))
                .then(|| (id.to_string(), state.to_string()))
        })
        .collect()
}

/// Jobs of the run that are queued or running (or still completing).
fn live_jobs(run_id: &str) -> Vec<(String, String)> {
    jobs_of(run_id)
        .into_iter()
        .filter(|(_, s)| {
            matches!(
                s.as_str(),
                "PENDING" | "RUNNING" | "COMPLETING" | "CONFIGURING" | "SUSPENDED"
            )
        })
        .collect()
}

/// The result object without what differs between two runs of the same workflow.
/// A run's result without what differs between any two runs of the same file: its id (also
/// inside messages, which name log paths under the run's directory), its times (`*_at`
/// timestamps, `*_ms` durations) at every level, and the order of the per-step summary (by
/// first start, which depends on the executor's timing).
fn comparable(mut v: serde_json::Value) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value, run_id: &str) {
        match v {
            serde_json::Value::Object(map) => {
                map.retain(|k, _| k != "run_id" && !k.ends_with("_at") && !k.ends_with("_ms"));
                map.values_mut().for_each(|v| strip(v, run_id));
            }
            serde_json::Value::Array(list) => list.iter_mut().for_each(|v| strip(v, run_id)),
            serde_json::Value::String(text) if !run_id.is_empty() => *text = text.replace(run_id, "RUN"),
            serde_json::Value::Null
            | serde_json::Value::Bool(_)
            | serde_json::Value::Number(_)
            | serde_json::Value::String(_) => {}
        }
    }
    let run_id = v["run_id"].as_str().unwrap_or_default().to_string();
    strip(&mut v, &run_id);
    if let Some(summary) = v.get_mut("summary").and_then(serde_json::Value::as_array_mut) {
        summary.sort_by_key(|s| s["step"].as_str().unwrap_or_default().to_string());
    }
    v
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn sbatch_missing_fails_fast_with_a_coded_error() {
    let p = Project::new();
    let file = p.write("w.mflow", "workflow w { step s { run \"true\" } }\n");
    let empty = p.path("empty-path");
    std::fs::create_dir(&empty).unwrap();
    let started = Instant::now();
    let out = p
        .cmd()
        .env("PATH", &empty)
        .args(["run", "--executor", "slurm"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("error[E0702]: sbatch not found; see docs/executors.md"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // Nothing was recorded: the run never started.
    assert!(p.run_id().is_none());
    let out = p
        .cmd()
        .env("PATH", &empty)
        .args(["run", "--executor", "slurm", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["code"], "E0702");
}

#[test]
fn the_local_executor_warns_about_image_and_resources_it_does_not_apply() {
    let p = Project::new();
    let file = p.write(
        "w.mflow",
        "workflow w {\n  step s {\n    run \"echo hi\"\n    image \"alpine:3\"\n    resources { cpu: 2, memory: \"1Gi\" }\n  }\n}\n",
    );
    let out = p.cmd().arg("run").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = stderr_of(&out);
    assert!(
        err.contains("warning[W0010]: step `s` declares an `image`, which the local executor does not apply"),
        "{err}"
    );
    assert!(err.contains("warning[W0011]: step `s` declares `resources`"), "{err}");
    assert!(err.contains("w.mflow:4:11"), "{err}");
}

#[test]
fn mflow_toml_mistakes_are_all_reported_with_their_place_in_the_file() {
    let p = Project::new();
    p.write(
        "mflow.toml",
        "[slurm]\npartiton = \"debug\"\npoll_interval = 5\n[profiles.gpu]\ngpus = -1\n",
    );
    let file = p.write("w.mflow", "workflow w { step s { run \"true\" } }\n");
    let out = p.cmd().arg("run").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("error[E0701]: unknown key `partiton`"), "{err}");
    assert!(err.contains("mflow.toml:2:1"), "{err}");
    assert!(err.contains("help: did you mean `partition`?"), "{err}");
    assert!(err.contains("`poll_interval` must be a duration"), "{err}");
    assert!(err.contains("`gpus` must be a whole number of at least 1"), "{err}");
    assert!(p.run_id().is_none());
}

#[test]
fn an_image_without_a_container_runtime_is_a_launch_error_under_slurm() {
    let p = Project::new();
    p.write("mflow.toml", "[slurm]\npartition = \"debug\"\n");
    let file = p.write(
        "w.mflow",
        "workflow w {\n  step s {\n    run \"true\"\n    image \"alpine:3\"\n  }\n}\n",
    );
    let out = p
        .cmd()
        .args(["run", "--executor", "slurm"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    // Where sbatch is missing, that is reported too: every problem, not the first.
    assert!(err.contains("error[E0703]: step `s` has an `image`"), "{err}");
    assert!(err.contains("container_runtime"), "{err}");
}

const CASES: &str = r#"
workflow cases {
  param names: list<string> = ["a b", "it's", "$(touch pwned)"]
  step produce {
    run "printf 'count=3\nlabel=%s\n' \"$LABEL\" >> $MFLOW_OUTPUTS"
    env { LABEL: "x'y z" }
    outputs { count: int, label: string }
  }
  foreach n in names {
    step echo {
      exec ["sh", "-c", "printf 'text=%s\n' \"$1\" >> \"$MFLOW_OUTPUTS\"", "sh", n]
      outputs { text: string }
    }
  }
  step ignored {
    run "echo broken >&2; exit 7"
    on_failure ignore
  }
  step image {
    run "printf 'image=%s\n' \"$MFLOW_IMAGE\" >> $MFLOW_OUTPUTS"
    image "registry/tool:1"
    outputs { image: string }
  }
  output count: int = produce.count
  output label: string = produce.label
  output texts: list<string> = echo.text
}
"#;

#[test]
fn run_cases_give_the_same_results_as_local() {
    let Some(_cluster) = cluster("run_cases_give_the_same_results_as_local") else {
        return;
    };
    let p = Project::new();
    let file = p.write("cases.mflow", CASES);
    let (local_code, local) = p.json(&file, &["--executor", "local"]);
    let (slurm_code, slurm) = p.json(&file, &["--executor", "slurm"]);
    assert_eq!(local_code, slurm_code);
    let (local, slurm) = (comparable(local), comparable(slurm));
    // The local executor does not apply the image: that one output differs, as it should.
    assert_eq!(slurm["steps"]["image"]["outputs"]["image"], "registry/tool:1");
    assert_eq!(local["steps"]["image"]["outputs"]["image"], "");
    let strip = |mut v: serde_json::Value| {
        v["steps"].as_object_mut().unwrap().remove("image");
        v
    };
    assert_eq!(strip(local), strip(slurm.clone()));
    assert_eq!(
        slurm["outputs"]["texts"],
        serde_json::json!(["a b", "it's", "$(touch pwned)"])
    );
    assert_eq!(slurm["steps"]["ignored"]["state"], "failed");
    assert!(!p.path("pwned").exists());
}

/// Every example (each workflow of a file with several), local then Slurm.
#[test]
fn examples_give_the_same_results_under_slurm_as_local() {
    let Some(_cluster) = cluster("examples_give_the_same_results_under_slurm_as_local") else {
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cases: &[(&str, &[&str])] = &[
        ("backfill.mflow", &[]),
        ("conditional_alerting.mflow", &[]),
        ("daily_etl.mflow", &[]),
        ("fan_out_fan_in.mflow", &[]),
        ("hyperparameter_sweep.mflow", &[]),
        ("ml_training.mflow", &[]),
        ("pagination.mflow", &[]),
        ("signal_wait.mflow", &["-w", "publish_orders"]),
        ("subworkflows.mflow", &["-w", "nightly_tables"]),
    ];
    let mut listed: Vec<String> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| std::path::Path::new(n).extension().is_some_and(|e| e == "mflow"))
        .collect();
    listed.sort();
    // Waits for a signal sent from outside the run (a trigger): not a batch workflow.
    let not_run = ["triggered_load.mflow"];
    let mut named: Vec<String> = cases
        .iter()
        .map(|(f, _)| (*f).to_string())
        .chain(not_run.iter().map(|f| (*f).to_string()))
        .collect();
    named.sort();
    assert_eq!(listed, named, "a new example needs a line here");
    for (name, args) in cases {
        let p = Project::new();
        // The test cluster is one small node: `ml_training` asks for 8 CPUs, 16Gi and a GPU
        // it does not have (sbatch refuses those jobs, and says so). Site-wide `sbatch_args`
        // come last on the command line, so they scale every request down to what it has.
        p.write(
            "mflow.toml",
            "[slurm]\npoll_interval = \"200ms\"\ncontainer_command = [\"env\", \"MFLOW_IMAGE={image}\"]\nsbatch_args = [\"--cpus-per-task=1\", \"--mem=0\", \"--gres=none\"]\n",
        );
        let file = root.join("examples").join(name);
        let (local_code, local) = p.json(&file, &[&["--executor", "local"][..], args].concat());
        let (slurm_code, slurm) = p.json(&file, &[&["--executor", "slurm"][..], args].concat());
        assert_eq!(local_code, slurm_code, "{name}");
        assert_eq!(local["state"], "succeeded", "{name}: {local}");
        assert_eq!(comparable(local), comparable(slurm), "{name}");
    }
}

#[test]
fn retries_resubmit_the_job() {
    let Some(_cluster) = cluster("retries_resubmit_the_job") else {
        return;
    };
    let p = Project::new();
    let count = p.path("count");
    let file = p.write(
        "w.mflow",
        &format!(
            "workflow w {{\n  step flaky {{\n    run \"echo $SLURM_JOB_ID >> {c}; test $(wc -l < {c}) -ge 3\"\n    retry 3 backoff fixed(0s)\n  }}\n}}\n",
            c = count.display()
        ),
    );
    let (code, json) = p.json(&file, &["--executor", "slurm"]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["steps"]["flaky"]["attempts"], 3);
    let ids: Vec<String> = std::fs::read_to_string(&count)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(ids.len(), 3);
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), 3, "each attempt is its own job: {ids:?}");
    let run_id = json["run_id"].as_str().unwrap();
    let show = p.cmd().args(["runs", "show", run_id]).output().unwrap();
    let text = String::from_utf8_lossy(&show.stdout);
    for (i, id) in ids.iter().enumerate() {
        assert!(
            text.contains(&format!("attempt {}: Slurm job {id} on ", i + 1)),
            "{text}"
        );
    }
    let logs = p.cmd().args(["logs", run_id, "flaky"]).output().unwrap();
    assert!(String::from_utf8_lossy(&logs.stdout).contains(&format!("Slurm job {} on", ids[2])));
}

#[test]
fn a_timeout_scancels_the_job() {
    let Some(_cluster) = cluster("a_timeout_scancels_the_job") else {
        return;
    };
    let p = Project::new();
    let file = p.write("w.mflow", "workflow w { step slow { run \"sleep 120\" timeout 2s } }\n");
    let started = Instant::now();
    let (code, json) = p.json(&file, &["--executor", "slurm"]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["steps"]["slow"]["state"], "timed_out");
    assert!(started.elapsed() < Duration::from_mins(1));
    let run_id = json["run_id"].as_str().unwrap();
    assert!(live_jobs(run_id).is_empty(), "{:?}", jobs_of(run_id));
}

/// Starts a run of long steps in the background and waits until Slurm has `n` of its jobs.
fn start_long_run(p: &Project, file: &Path, n: usize) -> (std::process::Child, String) {
    let child = p
        .std_cmd()
        .args(["run", "--executor", "slurm"])
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = child;
    let deadline = Instant::now() + Duration::from_mins(2);
    loop {
        if let Some(id) = p.run_id() {
            if live_jobs(&id).len() >= n {
                return (child, id);
            }
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the jobs never appeared in squeue");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn wait_for(child: &mut std::process::Child, limit: Duration) -> i32 {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("maestroc did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

const LONG: &str = "workflow w {\n  foreach i in [1, 2, 3] {\n    step long { run \"sleep 120\" }\n  }\n}\n";

#[test]
fn sigint_scancels_every_job_and_waits_until_they_are_gone() {
    let Some(_cluster) = cluster("sigint_scancels_every_job_and_waits_until_they_are_gone") else {
        return;
    };
    let p = Project::new();
    let file = p.write("w.mflow", LONG);
    let (mut child, run_id) = start_long_run(&p, &file, 3);
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
    assert_eq!(wait_for(&mut child, Duration::from_secs(90)), 130);
    // maestroc ended only once Slurm reported the jobs gone.
    assert!(live_jobs(&run_id).is_empty(), "{:?}", jobs_of(&run_id));
    let show = p.cmd().args(["runs", "show", &run_id]).output().unwrap();
    assert!(String::from_utf8_lossy(&show.stdout).contains("state     cancelled"));
}

#[test]
fn cancel_from_another_process_scancels_every_job() {
    let Some(_cluster) = cluster("cancel_from_another_process_scancels_every_job") else {
        return;
    };
    let p = Project::new();
    let file = p.write("w.mflow", LONG);
    let (mut child, run_id) = start_long_run(&p, &file, 3);
    p.cmd().args(["cancel", &run_id]).assert().success();
    assert_eq!(wait_for(&mut child, Duration::from_secs(90)), 130);
    assert!(live_jobs(&run_id).is_empty(), "{:?}", jobs_of(&run_id));
}

#[test]
fn fail_fast_scancels_the_other_jobs() {
    let Some(_cluster) = cluster("fail_fast_scancels_the_other_jobs") else {
        return;
    };
    let p = Project::new();
    let file = p.write(
        "w.mflow",
        "workflow w {\n  step long1 { run \"sleep 120\" }\n  step long2 { run \"sleep 120\" }\n  step bad { run \"sleep 3; exit 4\" on_failure fail_fast }\n}\n",
    );
    let started = Instant::now();
    let (code, json) = p.json(&file, &["--executor", "slurm"]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["state"], "failed");
    assert_eq!(json["steps"]["bad"]["state"], "failed");
    assert_eq!(json["steps"]["long1"]["state"], "cancelled");
    assert!(started.elapsed() < Duration::from_secs(90));
    let run_id = json["run_id"].as_str().unwrap();
    assert!(live_jobs(run_id).is_empty(), "{:?}", jobs_of(run_id));
}

#[test]
fn kill_9_then_resume_reattaches_to_the_jobs_instead_of_submitting_them_again() {
    let Some(_cluster) = cluster("kill_9_then_resume_reattaches_to_the_jobs_instead_of_submitting_them_again") else {
        return;
    };
    let p = Project::new();
    let ran = p.path("ran");
    let file = p.write(
        "w.mflow",
        &format!(
            "workflow w {{\n  step first {{ run \"echo first >> {r}\" }}\n  foreach i in [1, 2, 3, 4] {{\n    step work {{\n      run \"echo work-${{i}}-$SLURM_JOB_ID >> {r}; sleep $((3 * ${{i}})); echo n=${{i}} >> $MFLOW_OUTPUTS\"\n      outputs {{ n: int }}\n      after first\n    }}\n  }}\n  output total: int = sum(work.n)\n}}\n",
            r = ran.display()
        ),
    );
    let (mut child, run_id) = start_long_run(&p, &file, 4);
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    let _ = child.wait();
    assert!(
        !live_jobs(&run_id).is_empty(),
        "the jobs outlive maestroc: {:?}",
        jobs_of(&run_id)
    );
    // Let the shortest job end while no maestroc watches: resume collects it.
    let deadline = Instant::now() + Duration::from_mins(1);
    // (`first` is one COMPLETED job already.)
    while jobs_of(&run_id).iter().filter(|(_, s)| s == "COMPLETED").count() < 2 {
        assert!(Instant::now() < deadline, "no job ended: {:?}", jobs_of(&run_id));
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        !live_jobs(&run_id).is_empty(),
        "some jobs still run: {:?}",
        jobs_of(&run_id)
    );
    let out = p.cmd().args(["resume", &run_id, "--format", "json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{json} {}", stderr_of(&out));
    assert_eq!(json["outputs"]["total"], 10);
    let lines: Vec<String> = std::fs::read_to_string(&ran)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    // `first` succeeded before the kill and did not run again; each `work` ran once.
    assert_eq!(lines.iter().filter(|l| *l == "first").count(), 1, "{lines:?}");
    assert_eq!(lines.iter().filter(|l| l.starts_with("work-")).count(), 4, "{lines:?}");
    // Slurm saw exactly one job per step instance: none was submitted twice.
    assert_eq!(jobs_of(&run_id).len(), 5, "{:?}", jobs_of(&run_id));
    let show = p.cmd().args(["runs", "show", &run_id]).output().unwrap();
    let text = String::from_utf8_lossy(&show.stdout);
    assert!(text.contains("resumed   1 time"), "{text}");
    assert_eq!(text.matches("attempt 1: Slurm job").count(), 5, "{text}");
}

#[test]
fn resume_uses_the_executor_the_run_was_launched_with() {
    let Some(_cluster) = cluster("resume_uses_the_executor_the_run_was_launched_with") else {
        return;
    };
    let p = Project::new();
    let file = p.write("w.mflow", "workflow w { step s { run \"exit 1\" } }\n");
    let (code, json) = p.json(&file, &["--executor", "slurm"]);
    assert_eq!(code, 1);
    let run_id = json["run_id"].as_str().unwrap();
    let out = p
        .cmd()
        .args(["resume", run_id, "--executor", "local"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains(&format!(
            "run `{run_id}` was started with executor `slurm`, not `local`"
        )),
        "{err}"
    );
    // Without `--executor`, the resume goes to Slurm again.
    let out = p.cmd().args(["resume", run_id]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let show = p.cmd().args(["runs", "show", run_id]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&show.stdout).matches("Slurm job").count(), 2);
}

#[test]
fn a_thousand_step_foreach_runs_as_a_thousand_jobs() {
    let Some(_cluster) = cluster("a_thousand_step_foreach_runs_as_a_thousand_jobs") else {
        return;
    };
    let p = Project::new();
    let file = p.write(
        "w.mflow",
        "workflow w {\n  foreach i in range(0, 1000) {\n    step s { run \"echo n=${i} >> $MFLOW_OUTPUTS\" outputs { n: int } }\n  }\n  output total: int = sum(s.n)\n}\n",
    );
    let (code, json) = p.json(&file, &["--executor", "slurm"]);
    assert_eq!(code, 0, "{}", json["state"]);
    assert_eq!(json["outputs"]["total"], 499_500);
    assert_eq!(json["steps"].as_object().unwrap().len(), 1000);
}

#[test]
fn profiles_are_checked_at_launch_and_warned_about_locally() {
    let p = Project::new();
    p.write(
        "mflow.toml",
        "[slurm]\npoll_interval = \"200ms\"\n[profiles.gpu]\ngpus = 1\n",
    );
    let file = p.write(
        "w.mflow",
        "workflow w {\n  step train {\n    run \"true\"\n    profile \"gpus\"\n  }\n}\n",
    );
    let out = p.cmd().arg("run").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = stderr_of(&out);
    assert!(
        err.contains(
            "warning[W0012]: step `train` asks for executor profile `gpus`, which the local executor does not apply"
        ),
        "{err}"
    );
    // Under Slurm an unknown profile is an error, reported with every other problem.
    let empty = p.path("empty-path");
    std::fs::create_dir(&empty).unwrap();
    let out = p
        .cmd()
        .env("PATH", &empty)
        .args(["run", "--executor", "slurm"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("error[E0702]: sbatch not found"), "{err}");
    assert!(
        err.contains("error[E0704]: step `train` asks for executor profile `gpus`, which mflow.toml does not define"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `gpu`?"), "{err}");
}

#[test]
fn a_profile_places_the_job() {
    let Some(_cluster) = cluster("a_profile_places_the_job") else {
        return;
    };
    let p = Project::new();
    p.write(
        "mflow.toml",
        "[slurm]\npoll_interval = \"200ms\"\n[profiles.small]\npartition = \"debug\"\ncpus = 1\nsbatch_args = [\"--comment=placed-by-profile\"]\n",
    );
    let file = p.write(
        "w.mflow",
        "workflow w {\n  step s {\n    run \"echo cpus=$SLURM_CPUS_PER_TASK >> $MFLOW_OUTPUTS; echo partition=$SLURM_JOB_PARTITION >> $MFLOW_OUTPUTS\"\n    outputs { cpus: int, partition: string }\n    profile \"small\"\n  }\n}\n",
    );
    let (code, json) = p.json(&file, &["--executor", "slurm"]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        json["steps"]["s"]["outputs"],
        serde_json::json!({"cpus": 1, "partition": "debug"})
    );
    let run_id = json["run_id"].as_str().unwrap();
    let (id, _) = jobs_of(run_id).pop().unwrap();
    let out = StdCommand::new("squeue")
        .args(["--noheader", "--states=all", "--format=%k", "--jobs", &id])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "placed-by-profile");
}
