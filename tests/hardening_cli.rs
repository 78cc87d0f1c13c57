//! Hardening of the command line (issue 11: items 6, 8, 9, 13, 18 and "clear errors
//! instead of silence"; issue 10 §3): each test reproduces the scenario that failed with
//! real `maestroc` processes.
//!
//! `MAESTROC_TEST_BIN` runs these against another binary (to show that they fail on an
//! older build).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Project {
    dir: tempfile::TempDir,
}

fn binary() -> PathBuf {
    std::env::var_os("MAESTROC_TEST_BIN").map_or_else(|| assert_cmd::cargo::cargo_bin("maestroc"), PathBuf::from)
}

impl Project {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().to_string()
    }

    fn home(&self) -> PathBuf {
        self.path("home")
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::new(binary());
        cmd.env("NO_COLOR", "1")
            .env("MFLOW_HOME", self.home())
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs with stdout a pipe whose reading end is already closed (`| head -0`).
    fn run_closed_stdout(&self, args: &[&str]) -> Output {
        let mut child = self
            .cmd()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    }

    /// A finished run's id.
    fn one_run(&self) -> String {
        let file = self.file(
            "w.mflow",
            "workflow w {\n  step a { run \"echo hello; echo line two\" }\n}\n",
        );
        let out = self.run(&["run", &file, "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["run_id"].as_str().unwrap().to_string()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits for a child at most `limit`; kills it and returns `None` when it hangs.
fn wait_at_most(mut child: std::process::Child, limit: Duration) -> Option<Output> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

// Issue 11, item 6.

#[test]
fn resume_of_a_succeeded_run_with_params_is_refused_and_says_so() {
    let p = Project::new();
    let file = p.file(
        "p.mflow",
        "workflow w {\n  param n: int = 1\n  step a { run \"echo ${n}\" }\n}\n",
    );
    let out = p.run(&["run", &file, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = p.run(&["resume", &id, "-p", "n=5"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("error[E0406]") && err.contains("-p n=5") && err.contains("--from"),
        "{err}"
    );
    // With `--from` the params are applied, and that is said too.
    let out = p.run(&["resume", &id, "--from", "a", "-p", "n=5"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("use the changed params"), "{}", stderr(&out));
    let logs = p.run(&["logs", &id, "a"]);
    assert!(stdout(&logs).contains('5'), "{}", stdout(&logs));
}

// Issue 11, item 8.

#[test]
fn a_closed_stdout_is_a_normal_end_for_every_command() {
    let p = Project::new();
    let id = p.one_run();
    let file = p.path("w.mflow").to_string_lossy().to_string();
    let commands: [&[&str]; 7] = [
        &["runs"],
        &["runs", "--format", "json"],
        &["runs", "show", &id],
        &["compile", "--emit", "ir", &file],
        &["explain", "--list"],
        &["logs", &id],
        &["graph", &file],
    ];
    for args in commands {
        let out = p.run_closed_stdout(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "maestroc {args:?}: {err}");
        assert!(!err.contains("panicked"), "maestroc {args:?}: {err}");
    }
}

// Issue 11, item 9.

#[test]
fn e0101_names_the_path_it_looked_in() {
    let p = Project::new();
    let file = p.file(
        "sub/a.mflow",
        "import \"./nowhere.mflow\" as n\nworkflow w { step a { run \"true\" } }\n",
    );
    let out = p.run(&["check", "--format", "short", &file]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let looked = p.path("sub/nowhere.mflow").to_string_lossy().to_string();
    assert!(
        text.contains("error[E0101]") && text.contains(&format!("there is no file `{looked}`")),
        "{text}"
    );
}

// Issue 11, item 13.

#[test]
fn sources_that_are_not_regular_files_are_refused() {
    let p = Project::new();
    let fifo = p.path("pipe.mflow");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for target in [fifo.to_string_lossy().to_string(), "/dev/zero".to_string()] {
        for command in ["check", "run", "graph", "compile"] {
            let child = p
                .cmd()
                .args([command, &target])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let out = wait_at_most(child, Duration::from_secs(10))
                .unwrap_or_else(|| panic!("`maestroc {command} {target}` hangs"));
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{command} {target}: {err}");
            assert!(
                err.contains("error[E0002]") && err.contains("not a regular file"),
                "{command} {target}: {err}"
            );
        }
    }
}

#[test]
fn source_size_is_capped_by_a_flag() {
    let p = Project::new();
    let file = p.file("w.mflow", "workflow w {\n  step a { run \"true\" }\n}\n");
    let out = p.run(&["check", "--max-source-size", "10", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("error[E0002]") && err.contains("larger than the limit of 10 bytes"),
        "{err}"
    );
    assert!(err.contains("--max-source-size"), "{err}");
    assert_eq!(p.run(&["check", &file]).status.code(), Some(0));
}

// Issue 11, item 18.

const SECRET: &str = "ghp_s3cr3tT0k3n";

#[test]
fn imports_must_be_mflow_files_inside_the_project() {
    let p = Project::new();
    p.file("token.txt", &format!("TOKEN={SECRET}\n"));
    p.file("outside.mflow", "fn f() -> int = 1\n");
    let root = p.file(
        "proj/main.mflow",
        "import \"../token.txt\" as a\nimport \"../outside.mflow\" as b\nimport \"/etc/passwd\" as c\nimport \"/etc/x.mflow\" as d\nworkflow w { step s { run \"true\" } }\n",
    );
    for format in ["human", "short", "json", "github", "sarif"] {
        let out = p.run(&["check", "--format", format, &root]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(SECRET) && !all.contains("root:x:0"), "{format}: {all}");
        assert!(all.contains("E0120"), "{format}: {all}");
    }
    let short = stdout(&p.run(&["check", "--format", "short", &root]));
    assert!(short.contains("only `.mflow` files can be imported"), "{short}");
    assert!(short.contains("outside the project root"), "{short}");
    assert!(short.contains("absolute import paths are not allowed"), "{short}");
    // A configured root, or the flag, lets `..` reach out.
    let ok = p.file(
        "proj/ok.mflow",
        "import \"../outside.mflow\" as b\nworkflow w { step s { run \"echo ${b.f()}\" } }\n",
    );
    assert_eq!(p.run(&["check", &ok]).status.code(), Some(1));
    let root_dir = p.dir.path().to_string_lossy().to_string();
    let out = p.run(&["check", "--project-root", &root_dir, &ok]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = p.run(&["check", "--allow-imports-outside-root", &ok]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_non_mflow_file_behind_an_mflow_name_is_never_quoted() {
    let p = Project::new();
    p.file(
        "secret.mflow",
        &format!("TOKEN={SECRET}\nPASSWORD=hunter2 and more words\n"),
    );
    let root = p.file(
        "main.mflow",
        "import \"./secret.mflow\" as s\nworkflow w { step a { run \"true\" } }\n",
    );
    for format in ["human", "short", "json", "github", "sarif"] {
        let out = p.run(&["check", "--format", format, &root]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(SECRET) && !all.contains("hunter2"), "{format}: {all}");
        assert!(all.contains("E0121"), "{format}: {all}");
    }
}

// Clear errors instead of silence: the run store.

/// Runs `maestroc` as `nobody`; `None` when this machine cannot switch users.
fn as_nobody(p: &Project, args: &[&str]) -> Option<Output> {
    let probe = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        return None;
    }
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(binary())
        .args(args)
        .env("NO_COLOR", "1")
        .env("MFLOW_HOME", p.home())
        .current_dir("/")
        .output()
        .unwrap();
    Some(out)
}

#[test]
fn a_read_only_store_names_the_path_and_says_why() {
    let p = Project::new();
    p.one_run();
    // `nobody` must reach the store to be refused by it, not by the path.
    for dir in [p.dir.path(), &p.home()] {
        let mut perms = std::fs::metadata(dir).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(dir, perms).unwrap();
    }
    let Some(out) = as_nobody(&p, &["runs"]) else {
        eprintln!("skipped: `setpriv` cannot switch to uid 65534 here");
        return;
    };
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let db = p.home().join("state.db").to_string_lossy().to_string();
    assert!(
        err.contains("error[E0601]") && err.contains(&db) && err.contains("read-only"),
        "{err}"
    );
    assert!(err.contains("help:"), "{err}");
}

#[test]
fn read_commands_never_create_the_store() {
    let p = Project::new();
    let out = p.run(&["runs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("no runs in"), "{}", stderr(&out));
    let out = p.run(&["runs", "--format", "json"]);
    assert_eq!(stdout(&out).trim(), "[]");
    for args in [
        &["runs", "show", "r1"][..],
        &["logs", "r1"][..],
        &["cancel", "r1"][..],
        &["signal", "list"][..],
    ] {
        let _ = p.run(args);
    }
    assert!(!p.home().exists(), "a read command created {}", p.home().display());
    let out = p.run(&["logs", "r1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error[E0404]: there is no run `r1`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unknown_schema_version_names_state_db_and_never_prints_the_schema() {
    for version in [-3_i64, 0] {
        let p = Project::new();
        p.one_run();
        let db = p.home().join("state.db");
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "user_version", version).unwrap();
        drop(conn);
        let out = p.run(&["runs"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("error[E0602]") && err.contains("state.db"), "{err}");
        assert!(!err.contains("CREATE TABLE") && !err.contains("CREATE INDEX"), "{err}");
    }
}

// `--format json` on any command: a JSON error object on stdout.

#[test]
fn format_json_errors_are_a_json_object_on_stdout() {
    let p = Project::new();
    let bad = p.file("bad.mflow", "workflow w {\n  step a { run \"echo ${nope}\" }\n}\n");
    let two = p.file(
        "two.mflow",
        "workflow a { step s { run \"true\" } }\nworkflow b { step s { run \"true\" } }\n",
    );
    let cases: [(&[&str], &str, i64); 5] = [
        (&["runs", "show", "nope", "--format", "json"], "E0404", 1),
        (&["logs", "nope", "--format", "json"], "E0404", 1),
        (&["run", &bad, "--format", "json"], "E0402", 2),
        (&["run", &two, "--format", "json"], "E0403", 2),
        (&["graph", &two, "-w", "c", "--format", "json"], "E0403", 2),
    ];
    for (args, code, exit) in cases {
        let out = p.run(args);
        assert_eq!(
            out.status.code(),
            Some(i32::try_from(exit).unwrap()),
            "{args:?}: {}",
            stderr(&out)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e}): {}", stdout(&out)));
        assert_eq!(json["error"]["code"], code, "{args:?}: {json}");
        assert_eq!(json["error"]["exit"], exit, "{args:?}: {json}");
        assert!(json["error"]["message"].is_string(), "{args:?}: {json}");
    }
    // Even when the command line itself does not parse.
    let out = p.run(&["runs", "--format", "json", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["code"], "E0411", "{json}");
    assert!(json["error"]["message"].as_str().unwrap().contains("--bogus"), "{json}");
}

// Issue 11, item 5 (its command-line half): `signal send '' =1` is refused.

#[test]
fn a_signal_without_a_name_or_a_key_is_refused() {
    let p = Project::new();
    for args in [&["signal", "send", "", "a=1"][..], &["signal", "send", "go", "=1"][..]] {
        let out = p.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("error[E0401]"), "{args:?}: {}", stderr(&out));
    }
    let out = p.run(&["signal", "list", "--format", "json"]);
    assert_eq!(stdout(&out), "", "nothing was recorded");
}

// `ulimit -f`: SIGXFSZ is ignored and the write error reported.

#[test]
fn a_file_size_limit_is_a_reported_write_error() {
    let p = Project::new();
    let steps: Vec<String> = (0..50).map(|i| format!("  step s{i} {{ run \"echo {i}\" }}")).collect();
    let text = format!("workflow w {{\n{}\n}}\n", steps.join("\n"));
    let file = p.file("big.mflow", &text);
    let script = format!(
        "ulimit -f 1; exec {} compile --emit ir {} > {}",
        binary().display(),
        file,
        p.path("ir.json").display()
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{:?} {err}", out.status);
    assert!(err.contains("error[E0407]") && err.contains("ulimit -f"), "{err}");
}

// `-` reads the program from standard input.

#[test]
fn a_dash_reads_the_program_from_stdin() {
    let p = Project::new();
    for args in [
        &["check", "-"][..],
        &["run", "-"][..],
        &["compile", "--emit", "ir", "-"][..],
    ] {
        let mut child = p
            .cmd()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"workflow w {\n  step a { run \"echo from-stdin\" }\n}\n")
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
}

// Issue 10 §3: one renderer, one header style, `--format short`.

#[test]
fn every_stage_renders_with_an_error_code_header() {
    let p = Project::new();
    // Front end.
    let bad = p.file("bad.mflow", "workflow w {\n  step a { run \"echo ${nope}\" }\n}\n");
    let err = stderr(&p.run(&["check", &bad]));
    assert!(err.starts_with("error[E0104]: cannot find `nope`"), "{err}");
    // Runtime.
    let file = p.file(
        "rt.mflow",
        "workflow w {\n  param xs: list<int> = [1]\n  step s { run \"echo ${xs[5]}\" }\n}\n",
    );
    let out = p.run(&["run", &file]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error[E0540]: "), "{err}");
    assert!(!err.lines().any(|l| l.trim() == "E0540"), "{err}");
    // Launch.
    let out = p.run(&["run", &file, "-p", "xs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error[E0401]: `-p xs` is not `name=value`"),
        "{}",
        stderr(&out)
    );
    let out = p.run(&["run", &file, "-w", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error[E0403]: there is no workflow `nope`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_format_short_is_one_line_per_problem() {
    let p = Project::new();
    let bad = p.file(
        "bad.mflow",
        "workflow w {\n  param unused: int = 1\n  step a { run \"echo ${nope}\" }\n}\n",
    );
    let out = p.run(&["check", "--format", "short", &bad]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{bad}:2:9: warning[W0001]: param `unused` is never used").as_str(),
            format!("{bad}:3:24: error[E0104]: cannot find `nope` in this scope").as_str(),
        ],
        "{text}"
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

/// The binary under test exists (a guard for `MAESTROC_TEST_BIN`).
#[test]
fn the_binary_exists() {
    assert!(Path::new(&binary()).exists());
}
