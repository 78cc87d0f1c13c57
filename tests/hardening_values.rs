//! Issue 11, values and the runtime: each scenario as the issue describes it, with real
//! `maestroc` processes. Items 3, 5, 7, 10, 11, 14, 17 and the date lines of the last section.

use std::fmt::Write as _;
use std::process::{Child, Stdio};
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

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().to_string()
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("maestroc").unwrap();
        cmd.env("NO_COLOR", "1")
            .env("MFLOW_HOME", self.dir.path().join("home"))
            .current_dir(self.dir.path())
            .timeout(Duration::from_mins(1));
        cmd
    }

    /// Exit code and stderr of `maestroc ARGS`.
    fn output(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd().args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    }

    fn spawn(&self, args: &[&str]) -> Child {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("maestroc"))
            .env("NO_COLOR", "1")
            .env("MFLOW_HOME", self.dir.path().join("home"))
            .current_dir(self.dir.path())
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    fn exists(&self, name: &str) -> bool {
        self.dir.path().join(name).exists()
    }
}

/// Waits at most `limit` for `child`; kills it and fails when it does not end.
fn ends_within(mut child: Child, limit: Duration) -> i32 {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running {limit:?} after it was asked to stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn sigterm(child: &Child) {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
}

// Item 3 ------------------------------------------------------------------------------------

#[test]
fn float_overflow_is_a_runtime_error_with_the_span() {
    let r = Run::new();
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  param f: float = 1.0\n  output o: float = f * 10.0\n}\n",
    );
    let (code, stdout, stderr) = r.output(&["run", &file, "-p", "f=1e308"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stdout.contains("null"), "{stdout}");
    assert!(
        stderr.contains("E0540") && stderr.contains("float overflow"),
        "{stderr}"
    );
    assert!(stderr.contains("wf.mflow:3"), "{stderr}");
}

#[test]
fn inf_minus_inf_never_reaches_a_command() {
    let r = Run::new();
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  param f: float = 1.0\n  step s { run \"echo ${f * 10.0 - f * 10.0} > out.txt\" }\n}\n",
    );
    let (code, _, stderr) = r.output(&["run", &file, "-p", "f=1e308"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("E0540") && stderr.contains("wf.mflow:3"), "{stderr}");
    assert!(!r.exists("out.txt"), "the step ran with a non-number");
}

// Item 5 ------------------------------------------------------------------------------------

#[test]
fn a_malformed_signal_does_not_poison_later_waits() {
    let r = Run::new();
    // Sent before the run (so the waits say `since 1h`: by default only signals received
    // after the run started count): one payload without the field the `where` reads, one
    // without the step's output, then the one that fits.
    for fields in [&["other=1"][..], &["day=2026-11-23"], &["day=2026-11-23", "rows=7"]] {
        let mut args = vec!["signal", "send", "ready"];
        args.extend_from_slice(fields);
        assert_eq!(r.output(&args).0, 0);
    }
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  step a {\n    wait signal \"ready\" where signal.day == \"2026-11-23\" since 1h\n    timeout 20s\n  }\n  step b {\n    wait signal \"ready\" since 1h\n    outputs { rows: int }\n    timeout 20s\n  }\n  output rows: int = b.rows\n}\n",
    );
    let (code, stdout, stderr) = r.output(&["run", &file]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("rows = 7"), "{stdout}");
    // The same again: the malformed signals still come first, and still do not fail it.
    let (code, _, stderr) = r.output(&["run", &file]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_signal_without_a_name_or_a_key_is_refused() {
    let r = Run::new();
    let (code, _, stderr) = r.output(&["signal", "send", "", "=1"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("name"), "{stderr}");
    let (code, _, stderr) = r.output(&["signal", "send", "ready", "=1"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no key"), "{stderr}");
    assert!(!r.exists("home"), "a refused signal opened the store");
    let (_, stdout, _) = r.output(&["signal", "list"]);
    assert!(stdout.trim().is_empty(), "a refused signal was recorded: {stdout}");
}

// Item 7 ------------------------------------------------------------------------------------

#[test]
fn settings_from_params_are_checked_at_launch() {
    let r = Run::new();
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  param c: int = 2\n  param n: int = 2\n  param k: int = 1\n  param t: duration = 5s\n  concurrency c\n  strategy parallel(n)\n  step s { run \"touch ran\" retry k timeout t }\n}\n",
    );
    for (param, setting) in [
        ("c=0", "`concurrency` is 0"),
        ("c=-3", "`concurrency` is -3"),
        ("n=0", "`parallel` is 0"),
        ("k=-1", "`retry` is -1"),
        ("t=0s", "`timeout` is 0s"),
    ] {
        let (code, _, stderr) = r.output(&["run", &file, "-p", param]);
        assert_eq!(code, 2, "{param}: {stderr}");
        assert!(
            stderr.contains("E0210") && stderr.contains(setting),
            "{param}: {stderr}"
        );
        assert!(stderr.contains("wf.mflow:"), "{param}: {stderr}");
        assert!(!r.exists("ran"), "{param}: the step ran");
    }
    let (_, stdout, _) = r.output(&["runs", "--format", "json"]);
    assert_eq!(stdout.trim(), "[]", "a refused launch was recorded as a run");
    assert_eq!(r.output(&["run", &file]).0, 0);
    assert!(r.exists("ran"));
}

#[test]
fn loop_settings_known_only_at_run_time_are_checked_there() {
    let r = Run::new();
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  foreach n in [0] {\n    foreach x in range(3) concurrency n {\n      step s { }\n    }\n  }\n}\n",
    );
    let (code, _, stderr) = r.output(&["run", &file]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("E0210") && stderr.contains("`concurrency` is 0"),
        "{stderr}"
    );
}

#[test]
fn literal_zone_names_are_checked_at_check_time() {
    let r = Run::new();
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  param d: date = today(\"Mars/Olympus\")\n  step s { run \"echo ${d}\" }\n}\n",
    );
    let (code, _, stderr) = r.output(&["check", &file]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("E0212") && stderr.contains("Mars/Olympus"), "{stderr}");
    let good = r.file(
        "good.mflow",
        "workflow w {\n  param d: date = today(\"Europe/Paris\")\n  step s { run \"echo ${d}\" }\n}\n",
    );
    assert_eq!(r.output(&["check", &good]).0, 0);
}

// Item 10 -----------------------------------------------------------------------------------

#[test]
fn plus_on_strings_and_lists_checks_the_limits() {
    let r = Run::new();
    let strings = r.file(
        "s.mflow",
        "workflow w {\n  while len(s) > 0 with s = \"x\" limit 20 {\n    step a { }\n    next s = s + s\n  }\n}\n",
    );
    let (code, _, stderr) = r.output(&["run", &strings, "--max-string-len", "1000"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("E0540") && stderr.contains("--max-string-len"),
        "{stderr}"
    );
    let lists = r.file(
        "l.mflow",
        "workflow w {\n  while len(xs) > 0 with xs = [1] limit 20 {\n    step a { }\n    next xs = xs + xs\n  }\n}\n",
    );
    let (code, _, stderr) = r.output(&["run", &lists, "--max-list-len", "1000"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("E0540") && stderr.contains("--max-list-len"),
        "{stderr}"
    );
}

#[test]
fn interpolating_a_shared_string_many_times_checks_the_limit() {
    let r = Run::new();
    // One string shared by every element: cheap to hold, 10 GB as text.
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  let s = join([\"x\" for i in range(10000)], \"\")\n  let xs = [s for i in range(1000000)]\n  let t = \"${xs}\"\n  step a { run \"echo ${len(t)}\" }\n}\n",
    );
    let start = Instant::now();
    let (code, _, stderr) = r.output(&["run", &file]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--max-string-len"), "{stderr}");
    assert!(start.elapsed() < Duration::from_secs(30));
}

// Item 11 -----------------------------------------------------------------------------------

#[test]
fn a_huge_cross_product_is_refused_before_it_expands() {
    let r = Run::new();
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  foreach a in range(1000), b in range(1000), c in range(1000) {\n    step s { }\n  }\n}\n",
    );
    let start = Instant::now();
    let (code, _, stderr) = r.output(&["run", &file]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("E0542") && stderr.contains("10000000"), "{stderr}");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn instances_are_counted_while_expanding() {
    let r = Run::new();
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  while i >= 0 with i = 0 limit 1000000 {\n    step s { }\n    next i = i + 1\n  }\n}\n",
    );
    let (code, _, stderr) = r.output(&["run", &file, "--max-instances", "50"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("E0542") && stderr.contains("s[50]"), "{stderr}");
}

// Item 14 -----------------------------------------------------------------------------------

const NO_OP_LOOP: &str =
    "workflow w {\n  while i >= 0 with i = 0 limit 1000000000 {\n    step s { }\n    next i = i + 1\n  }\n}\n";

#[test]
fn sigterm_stops_a_loop_of_no_op_steps() {
    let r = Run::new();
    let file = r.file("wf.mflow", NO_OP_LOOP);
    let child = r.spawn(&["run", &file]);
    std::thread::sleep(Duration::from_millis(1500));
    sigterm(&child);
    assert_eq!(ends_within(child, Duration::from_secs(1)), 130);
}

#[test]
fn cancel_stops_a_loop_of_no_op_steps() {
    let r = Run::new();
    let file = r.file("wf.mflow", NO_OP_LOOP);
    let child = r.spawn(&["run", &file]);
    let start = Instant::now();
    let id = loop {
        let (_, stdout, _) = r.output(&["runs", "--format", "json"]);
        let runs: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
        if let Some(id) = runs[0]["run_id"].as_str() {
            break id.to_string();
        }
        assert!(start.elapsed() < Duration::from_secs(20), "the run never showed up");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(r.output(&["cancel", &id]).0, 0);
    assert_eq!(ends_within(child, Duration::from_secs(3)), 130);
}

#[test]
fn sigterm_stops_a_long_evaluation() {
    let r = Run::new();
    // A billion evaluation steps, allowed by the flag: minutes of work.
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  let n = len([len([y for y in range(1000)]) for x in range(1000000)])\n  step s { run \"echo ${n}\" }\n}\n",
    );
    let child = r.spawn(&["run", &file, "--max-eval-steps", "100000000000"]);
    std::thread::sleep(Duration::from_millis(1500));
    sigterm(&child);
    assert_eq!(ends_within(child, Duration::from_secs(1)), 130);
}

// Item 17 -----------------------------------------------------------------------------------

#[test]
fn a_chain_of_2000_called_workflows_is_refused_by_check() {
    let r = Run::new();
    let mut text = String::new();
    for i in 0..1999 {
        writeln!(text, "workflow w{i} {{ step s {{ call w{}() }} }}", i + 1).unwrap();
    }
    text.push_str("workflow w1999 { step s { run \"echo\" } }\n");
    let file = r.file("wf.mflow", &text);
    let (code, _, stderr) = r.output(&["check", &file]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("E0118") && stderr.contains("2000 deep"), "{stderr}");
    // `run` compiles first: nothing runs, nothing overflows.
    let (code, _, stderr) = r.output(&["run", &file, "-w", "w0"]);
    assert!(code == 1 || code == 2, "{code}: {stderr}");
    assert!(stderr.contains("E0118"), "{stderr}");
}

#[test]
fn a_chain_of_50000_fns_is_refused_by_check() {
    let r = Run::new();
    let mut text = String::new();
    for i in 0..49_999 {
        writeln!(text, "fn f{i}(x: int) -> int = f{}(x)", i + 1).unwrap();
    }
    text.push_str("fn f49999(x: int) -> int = x\nworkflow w { step s { run \"echo ${f0(1)}\" } }\n");
    let file = r.file("wf.mflow", &text);
    let (code, _, stderr) = r.output(&["check", &file]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("E0118") && stderr.contains("50000 deep"), "{stderr}");
}

#[test]
fn chains_within_the_bounds_run() {
    let r = Run::new();
    let mut text = String::new();
    for i in 0..99 {
        writeln!(text, "workflow w{i} {{ step s {{ call w{}() }} }}", i + 1).unwrap();
    }
    text.push_str("workflow w99 { step s { run \"echo\" } }\n");
    // 256 nested `fn`s, each body nested 50 deep: more than a thread's stack holds.
    let body = " + 1".repeat(50);
    for i in 0..255 {
        writeln!(text, "fn f{i}(x: int) -> int = f{}(x){body}", i + 1).unwrap();
    }
    text.push_str("fn f255(x: int) -> int = x\nworkflow top { step s { run \"echo ${f0(1)}\" } }\n");
    let file = r.file("wf.mflow", &text);
    assert_eq!(r.output(&["run", &file, "-w", "w0"]).0, 0);
    let (code, _, stderr) = r.output(&["run", &file, "-w", "top"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("12751"), "{stderr}");
}

// Last section: dates -------------------------------------------------------------------------

#[test]
fn date_overflow_is_a_date_range_error() {
    let r = Run::new();
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  param d: date = 2026-11-23\n  output o: date = d + 1d\n}\n",
    );
    let (code, _, stderr) = r.output(&["run", &file, "-p", "d=9999-12-31"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("E0540") && stderr.contains("date out of range"),
        "{stderr}"
    );
    let (code, stdout, _) = r.output(&["run", &file, "-p", "d=2026-12-31"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("2027-01-01"), "{stdout}");
}

#[test]
fn dates_that_do_not_read_back_are_refused_at_launch() {
    let r = Run::new();
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  param d: date = 2026-11-23\n  step s { run \"touch ran\" }\n}\n",
    );
    for bad in ["0000-01-01", "2026-11-23T10:00"] {
        let (code, _, stderr) = r.output(&["run", &file, "-p", &format!("d={bad}")]);
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stderr.contains("not a date"), "{bad}: {stderr}");
        assert!(!r.exists("ran"));
    }
}

// Issue 10 §3: runtime errors are diagnostics with codes ------------------------------------

#[test]
fn a_run_that_cannot_start_says_so_with_a_code() {
    let r = Run::new();
    let file = r.file("wf.mflow", "workflow w {\n  step s { run \"touch ran\" }\n}\n");
    // The store's directory is a regular file: nothing can be created under it.
    std::fs::write(r.dir.path().join("home"), "not a directory").unwrap();
    let (code, _, stderr) = r.output(&["run", &file]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error[E0544]"), "{stderr}");
    assert!(!r.exists("ran"));
}

#[test]
fn a_run_command_is_built_within_the_string_limit() {
    let r = Run::new();
    // A list sharing one 10 kB string a million times: 10 GB of command line.
    let file = r.file(
        "wf.mflow",
        "workflow w {\n  let s = join([\"x\" for i in range(10000)], \"\")\n  let xs = [s for i in range(1000000)]\n  step a { run \"echo ${xs} > out.txt\" }\n}\n",
    );
    let start = Instant::now();
    let (code, _, stderr) = r.output(&["run", &file]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("E0540") && stderr.contains("--max-string-len"),
        "{stderr}"
    );
    assert!(!r.exists("out.txt"));
    assert!(start.elapsed() < Duration::from_secs(30));
}
