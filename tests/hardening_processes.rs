//! Issue 11, runtime and processes: each test reproduces one way the runtime was broken
//! (files shared between instances, relative paths, the first cause of a run's end,
//! outputs files that are huge, devices, FIFOs or not UTF-8, processes that escape their
//! step, SIGHUP) with real `maestroc` processes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// `maestroc` in this directory, with its store in `home/`.
    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("maestroc").unwrap();
        cmd.env("NO_COLOR", "1")
            .env("MFLOW_HOME", self.home())
            .current_dir(self.path())
            .timeout(Duration::from_mins(2));
        cmd
    }
}

/// Runs `file` (human output) and returns (exit code, stdout + stderr).
fn run(cmd: &mut Command, file: &Path, extra: &[&str]) -> (i32, String) {
    let out = cmd.arg("run").arg(file).args(extra).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Runs `file` with `--format json` and returns (exit code, result object).
fn run_json(cmd: &mut Command, file: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = cmd
        .arg("run")
        .arg(file)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), json)
}

/// The processes whose command line is exactly `sleep SECONDS` (unique per test).
fn sleepers(seconds: &str) -> Vec<i32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).filter(|a| !a.is_empty()).collect();
        if args.len() == 2 && args[0].ends_with(b"sleep") && args[1] == seconds.as_bytes() {
            found.push(pid);
        }
    }
    found
}

/// Asserts that no `sleep SECONDS` is left for any of `all`, allowing a moment for the
/// kernel to tidy up; kills any it finds so a failing test leaves nothing behind.
fn assert_no_sleeper(all: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left: Vec<i32> = all.iter().flat_map(|s| sleepers(s)).collect();
        if left.is_empty() {
            return;
        }
        if Instant::now() > deadline {
            for pid in &left {
                let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(*pid), nix::sys::signal::Signal::SIGKILL);
            }
            panic!("one of `sleep {all:?}` outlived its step: {left:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Both ways of containing an attempt: a cgroup where this machine has one, and the
/// subreaper + `/proc` walk.
const MODES: [&str; 2] = ["auto", "walk"];

// Item 1 and the file name part of item 17.

#[test]
fn an_instance_a_slash_b_and_a_step_a_b_never_share_files() {
    let d = Dir::new();
    // `a_b` runs after `a/b` (it uses `a`'s output) and writes no outputs: it must fail,
    // not be reported succeeded with `a/b`'s.
    let file = d.file(
        "wf.mflow",
        "workflow child {\n  step b { run \"echo from-slash; echo v=child >> \\\"$MFLOW_OUTPUTS\\\"\" outputs { v: string } }\n  output x: string = b.v\n}\nworkflow parent {\n  step a { call child() }\n  step a_b { run \"echo from-underscore ${a.x}\" outputs { v: string } }\n}\n",
    );
    let (code, json) = run_json(&mut d.cmd(), &file, &["-w", "parent"]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["steps"]["a/b"]["state"], "succeeded", "{json}");
    assert_eq!(json["steps"]["a_b"]["state"], "failed", "{json}");
    let run_id = json["run_id"].as_str().unwrap();
    for (step, mine, other) in [
        ("a/b", "from-slash", "from-underscore"),
        ("a_b", "from-underscore", "from-slash"),
    ] {
        let out = d.cmd().args(["logs", run_id, step]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(mine) && !text.contains(other), "{step}: {text}");
    }
}

#[test]
fn long_step_names_and_deep_call_chains_have_short_file_names() {
    let d = Dir::new();
    let long = format!("s{}", "x".repeat(259));
    let file = d.file(
        "long.mflow",
        &format!(
            "workflow w {{\n  step {long} {{ run \"echo v=1 >> \\\"$MFLOW_OUTPUTS\\\"\" outputs {{ v: int }} }}\n}}\n"
        ),
    );
    let (code, json) = run_json(&mut d.cmd(), &file, &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["steps"][long.as_str()]["outputs"]["v"], 1, "{json}");
    // 40 levels of `call`: the instance name of the leaf is 880 characters long.
    let depth = 40;
    let mut text = String::new();
    for i in 0..depth {
        let _ = write!(
            text,
            "workflow w{i} {{\n  step call_level_{i:02}_xxxxxxxx {{ call w{}() }}\n}}\n",
            i + 1
        );
    }
    let _ = write!(
        text,
        "workflow w{depth} {{\n  step leaf {{ run \"echo v=7 >> \\\"$MFLOW_OUTPUTS\\\"\" outputs {{ v: int }} }}\n}}\n"
    );
    let file = d.file("deep.mflow", &text);
    let (code, json) = run_json(&mut d.cmd(), &file, &["-w", "w0"]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["state"], "succeeded", "{json}");
}

// Item 2.

#[test]
fn paths_given_to_steps_and_recorded_are_absolute() {
    let d = Dir::new();
    std::fs::create_dir(d.path().join("sub")).unwrap();
    let file = d.file(
        "wf.mflow",
        "workflow w {\n  step d { run \"echo outputs=$MFLOW_OUTPUTS; echo v=1 >> \\\"$MFLOW_OUTPUTS\\\"\" dir \"sub\" outputs { v: int } }\n  step c { run \"cd sub && echo v=2 >> \\\"$MFLOW_OUTPUTS\\\"\" outputs { v: int } }\n}\n",
    );
    // The default store, `./.mflow`, relative to where `maestroc` runs.
    let out = Command::cargo_bin("maestroc")
        .unwrap()
        .env("NO_COLOR", "1")
        .env_remove("MFLOW_HOME")
        .current_dir(d.path())
        .timeout(Duration::from_mins(2))
        .arg("run")
        .arg(&file)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{json}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json["steps"]["d"]["outputs"]["v"], 1, "{json}");
    assert_eq!(json["steps"]["c"]["outputs"]["v"], 2, "{json}");
    // `logs` from another directory, with the same store named by an absolute path.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("maestroc")
        .unwrap()
        .env("MFLOW_HOME", d.path().join(".mflow"))
        .current_dir(elsewhere.path())
        .timeout(Duration::from_mins(1))
        .args(["logs", json["run_id"].as_str().unwrap(), "d"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("outputs=")).unwrap_or_default();
    assert!(line.starts_with("outputs=/"), "$MFLOW_OUTPUTS is not absolute: {text}");
}

#[test]
fn resume_and_logs_work_from_another_directory() {
    let d = Dir::new();
    let marker = d.path().join("failed-once");
    // Fails the first time, succeeds when resumed.
    let file = d.file(
        "wf.mflow",
        &format!(
            "workflow w {{\n  step s {{ run \"if [ -e {m} ]; then echo second; echo v=2 >> \\\"$MFLOW_OUTPUTS\\\"; else touch {m}; echo first; exit 1; fi\" outputs {{ v: int }} }}\n}}\n",
            m = marker.display()
        ),
    );
    let run = |dir: &Path, args: &[&str]| {
        Command::cargo_bin("maestroc")
            .unwrap()
            .env("NO_COLOR", "1")
            .env_remove("MFLOW_HOME")
            .current_dir(dir)
            .timeout(Duration::from_mins(2))
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(d.path(), &["run", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run_id = json["run_id"].as_str().unwrap().to_string();
    // From elsewhere, with the same store (`<dir>/.mflow`) given as a relative path.
    let elsewhere = d.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let resume = Command::cargo_bin("maestroc")
        .unwrap()
        .env("NO_COLOR", "1")
        .env("MFLOW_HOME", "../.mflow")
        .current_dir(&elsewhere)
        .timeout(Duration::from_mins(2))
        .args(["resume", &run_id, "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&resume.stdout).unwrap_or_default();
    assert_eq!(
        resume.status.code(),
        Some(0),
        "{json}\n{}",
        String::from_utf8_lossy(&resume.stderr)
    );
    assert_eq!(json["steps"]["s"]["outputs"]["v"], 2, "{json}");
    // Both attempts' logs, from the original directory.
    let logs = run(d.path(), &["logs", &run_id, "s", "--all-attempts"]);
    let text = String::from_utf8_lossy(&logs.stdout);
    assert!(text.contains("first") && text.contains("second"), "{text}");
    assert!(!elsewhere.join(".mflow").exists(), "resume wrote a second store");
}

// Item 4.

#[test]
fn a_fail_fast_run_whose_grace_runs_past_its_timeout_is_failed() {
    let d = Dir::new();
    // `bad` fails at once; `slow` ignores SIGTERM, so stopping it takes the 2 s grace
    // period, past the run's 1.9 s timeout. The failure came first.
    let file = d.file(
        "wf.mflow",
        "workflow w {\n  timeout 1900ms\n  on_failure fail_fast\n  step slow { run \"trap '' TERM; sleep 30\" }\n  step bad { run \"exit 1\" }\n}\n",
    );
    let (code, json) = run_json(&mut d.cmd(), &file, &[]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["state"], "failed", "{json}");
}

// Item 12.

#[test]
fn outputs_files_are_read_up_to_a_limit_and_only_when_regular() {
    let d = Dir::new();
    let file = d.file(
        "big.mflow",
        "workflow w {\n  step big { run \"head -c 5000 /dev/zero | tr '\\\\0' a > \\\"$MFLOW_OUTPUTS\\\"\" outputs { v: int } }\n}\n",
    );
    let (code, text) = run(&mut d.cmd(), &file, &["--max-outputs-size", "1000"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("larger than the limit of 1000 bytes"), "{text}");
    let file = d.file(
        "zero.mflow",
        "workflow w {\n  step z { run \"ln -s /dev/zero \\\"$MFLOW_OUTPUTS\\\"\" outputs { v: int } }\n}\n",
    );
    let (code, text) = run(&mut d.cmd(), &file, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("is a character device, not a regular file"), "{text}");
}

// Item 15.

#[test]
fn a_fifo_as_outputs_file_fails_the_step_instead_of_freezing_maestroc() {
    let d = Dir::new();
    let file = d.file(
        "wf.mflow",
        "workflow w {\n  step f { run \"rm -f \\\"$MFLOW_OUTPUTS\\\"; mkfifo \\\"$MFLOW_OUTPUTS\\\"\" outputs { v: int } }\n}\n",
    );
    let start = Instant::now();
    let (code, text) = run(d.cmd().timeout(Duration::from_secs(30)), &file, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("is a FIFO, not a regular file"), "{text}");
    assert!(start.elapsed() < Duration::from_secs(30));
}

// Item 16.

#[test]
fn processes_that_leave_the_group_are_killed_on_timeout() {
    let perl = std::path::Path::new("/usr/bin/perl").exists();
    for (mode, (a, b, c)) in MODES
        .iter()
        .zip([("937101", "937102", "937103"), ("937111", "937112", "937113")])
    {
        let d = Dir::new();
        // A new session (`setsid`) and a new process group (perl's `setpgrp`).
        let regroup = if perl {
            format!("perl -e 'setpgrp(0,0); exec q(sleep), q({b})' & ")
        } else {
            String::new()
        };
        let file = d.file(
            "wf.mflow",
            &format!("workflow w {{\n  step s {{ run \"setsid sleep {a} & {regroup}sleep {c}\" timeout 1s }}\n}}\n"),
        );
        let (code, json) = run_json(d.cmd().env("MFLOW_CONTAIN", mode), &file, &[]);
        assert_no_sleeper(&[a, b, c]);
        assert_eq!(code, 1, "{mode}: {json}");
        assert_eq!(json["steps"]["s"]["state"], "timed_out", "{mode}: {json}");
    }
}

#[test]
fn a_background_process_does_not_outlive_its_successful_step() {
    for (mode, seconds) in MODES.iter().zip(["937121", "937122"]) {
        let d = Dir::new();
        let file = d.file(
            "wf.mflow",
            &format!("workflow w {{\n  step s {{ run \"sleep {seconds} &\" }}\n}}\n"),
        );
        let (code, text) = run(d.cmd().env("MFLOW_CONTAIN", mode), &file, &[]);
        assert_no_sleeper(&[seconds]);
        assert_eq!(code, 0, "{mode}: {text}");
        assert!(
            text.contains("warning: step `s` left 1 process running after it ended; stopped it"),
            "{mode}: {text}"
        );
    }
}

#[test]
fn sighup_stops_the_run_and_its_steps_like_sigterm() {
    let d = Dir::new();
    let file = d.file("wf.mflow", "workflow w {\n  step s { run \"sleep 937131\" }\n}\n");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("maestroc"))
        .env("NO_COLOR", "1")
        .env("MFLOW_HOME", d.home())
        .current_dir(d.path())
        .arg("run")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_mins(1);
    while sleepers("937131").is_empty() {
        assert!(Instant::now() < deadline, "the step never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGHUP).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("maestroc did not stop after SIGHUP");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_no_sleeper(&["937131"]);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("hung up"), "{stderr}");
}

// The last section of the issue.

#[test]
fn a_missing_dir_is_named() {
    let d = Dir::new();
    let file = d.file(
        "wf.mflow",
        "workflow w {\n  step s { run \"true\" dir \"/nonexistent-mflow-dir\" }\n}\n",
    );
    let (code, text) = run(&mut d.cmd(), &file, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("its `dir` /nonexistent-mflow-dir does not exist"),
        "{text}"
    );
}

#[test]
fn a_bom_or_non_utf8_outputs_file_says_so() {
    let d = Dir::new();
    for (script, expected) in [
        (
            "printf '\\\\357\\\\273\\\\277v=1\\\\n' > \\\"$MFLOW_OUTPUTS\\\"",
            "starts with a byte order mark (BOM)",
        ),
        (
            "printf 'v=\\\\377\\\\n' > \\\"$MFLOW_OUTPUTS\\\"",
            "is not UTF-8 text (invalid byte at offset 2)",
        ),
    ] {
        let file = d.file(
            "wf.mflow",
            &format!("workflow w {{\n  step s {{ run \"{script}\" outputs {{ v: int }} }}\n}}\n"),
        );
        let (code, text) = run(&mut d.cmd(), &file, &[]);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains(expected), "{text}");
    }
}

#[test]
fn the_steps_of_a_maestroc_killed_with_sigkill_are_stopped_by_the_next_one() {
    // Only cgroups keep a record of a dead `maestroc`'s steps (docs/runtime.md).
    let cgroups = std::fs::read_to_string("/proc/self/mounts").is_ok_and(|m| m.contains(" cgroup2 "))
        && std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
        });
    if !cgroups {
        eprintln!("no writable cgroup v2 here: nothing to test");
        return;
    }
    let d = Dir::new();
    let file = d.file("wf.mflow", "workflow w {\n  step s { run \"sleep 937141\" }\n}\n");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("maestroc"))
        .env("MFLOW_HOME", d.home())
        .current_dir(d.path())
        .arg("run")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_mins(1);
    while sleepers("937141").is_empty() {
        assert!(Instant::now() < deadline, "the step never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let next = d.file("next.mflow", "workflow w {\n  step t { run \"true\" }\n}\n");
    let (code, text) = run(&mut d.cmd(), &next, &[]);
    assert_no_sleeper(&["937141"]);
    assert_eq!(code, 0, "{text}");
}
