//! Running one step attempt as a child process in its own process group and its own
//! containment scope (see `contain.rs`), with output to log files (so a grandchild holding
//! them can never block us), a timeout and cancellation that stop every process of the
//! attempt: SIGTERM, a grace period, then SIGKILL. Processes still alive when the attempt's
//! first process exits are stopped the same way, and counted.

use std::os::unix::process::ExitStatusExt as _;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use tokio::sync::watch;

use super::contain::Scope;
use super::regular;

pub enum Program {
    /// `sh -c SCRIPT`
    Shell(String),
    /// An argv, no shell.
    Argv(Vec<String>),
}

pub struct Spec {
    pub program: Program,
    /// Added to (or replacing in) the inherited environment.
    pub env: Vec<(String, String)>,
    pub dir: Option<PathBuf>,
    pub stdout: PathBuf,
    pub stderr: PathBuf,
    pub timeout: Option<Duration>,
    pub grace: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Exited(i32),
    Signaled(i32),
    TimedOut,
    Cancelled,
}

/// How an attempt's processes ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    pub outcome: Outcome,
    /// Processes of the attempt still running when its first process exited (stopped).
    pub leftovers: usize,
}

/// Runs the command to its end, its timeout, or cancellation.
pub async fn run(spec: Spec, mut cancel: watch::Receiver<bool>) -> std::io::Result<Ended> {
    let mut scope = Scope::open();
    let mut cmd = match &spec.program {
        Program::Shell(script) => {
            let mut c = tokio::process::Command::new("/bin/sh");
            c.arg("-c").arg(format!("{}{script}", scope.shell_prologue()));
            c
        }
        Program::Argv(argv) => {
            let mut c = tokio::process::Command::new(&argv[0]);
            c.args(&argv[1..]);
            c
        }
    };
    cmd.process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::from(regular::create(&spec.stdout)?))
        .stderr(Stdio::from(regular::create(&spec.stderr)?))
        .envs(spec.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .envs(scope.env());
    if let Some(dir) = &spec.dir {
        cmd.current_dir(dir);
    }
    let mut child = cmd.spawn()?;
    let pgid = child.id().and_then(|id| i32::try_from(id).ok()).map(Pid::from_raw);
    if let Some(pid) = pgid {
        scope.adopt(pid, matches!(spec.program, Program::Shell(_)));
    }
    let timeout = tokio::time::sleep(spec.timeout.unwrap_or(Duration::from_secs(u64::MAX / 4)));
    tokio::pin!(timeout);
    let stopped = tokio::select! {
        status = child.wait() => Err(status),
        () = &mut timeout, if spec.timeout.is_some() => Ok(Outcome::TimedOut),
        _ = cancel.wait_for(|c| *c) => Ok(Outcome::Cancelled),
    };
    let stopped = match stopped {
        Ok(stopped) => stopped,
        Err(status) => {
            scope.leader_reaped();
            let status = status?;
            let outcome = match (status.code(), status.signal()) {
                (Some(code), _) => Outcome::Exited(code),
                (None, Some(sig)) => Outcome::Signaled(sig),
                (None, None) => Outcome::Exited(-1),
            };
            // What it started and left running is stopped with it.
            let leftovers = scope.stop_all(spec.grace).await;
            scope.close().await;
            return Ok(Ended { outcome, leftovers });
        }
    };
    if let Some(pgid) = pgid {
        let _ = killpg(pgid, Signal::SIGTERM);
        scope.signal(Signal::SIGTERM);
        let exited = tokio::time::timeout(spec.grace, child.wait()).await.is_ok();
        // The leader may be gone while others in its group are not: kill the group anyway.
        let _ = killpg(pgid, Signal::SIGKILL);
        if !exited {
            let _ = child.wait().await;
        }
        scope.leader_reaped();
    } else {
        let _ = child.kill().await;
    }
    // Those that left the group (`setsid`, `setpgid`) are still in the scope.
    scope.stop_all(Duration::ZERO).await;
    scope.close().await;
    Ok(Ended {
        outcome: stopped,
        leftovers: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(script: &str, timeout: Option<Duration>) -> (Spec, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let s = Spec {
            program: Program::Shell(script.to_string()),
            env: vec![("GREETING".into(), "hi".into())],
            dir: None,
            stdout: dir.path().join("out"),
            stderr: dir.path().join("err"),
            timeout,
            grace: Duration::from_millis(500),
        };
        (s, dir)
    }

    #[tokio::test]
    async fn exit_codes_and_env() {
        let (s, dir) = spec("echo $GREETING; exit 3", None);
        let (_tx, rx) = watch::channel(false);
        assert_eq!(run(s, rx).await.unwrap().outcome, Outcome::Exited(3));
        assert_eq!(std::fs::read_to_string(dir.path().join("out")).unwrap(), "hi\n");
    }

    #[tokio::test]
    async fn timeout_kills_the_whole_group() {
        let (s, dir) = spec("sleep 60 & sleep 60; wait", Some(Duration::from_millis(300)));
        let marker = dir.path().display().to_string();
        let _ = marker;
        let (_tx, rx) = watch::channel(false);
        let start = std::time::Instant::now();
        assert_eq!(run(s, rx).await.unwrap().outcome, Outcome::TimedOut);
        assert!(start.elapsed() < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn cancellation_stops_it() {
        let (s, _dir) = spec("sleep 60", None);
        let (tx, rx) = watch::channel(false);
        let handle = tokio::spawn(run(s, rx));
        tokio::time::sleep(Duration::from_millis(100)).await;
        tx.send(true).unwrap();
        assert_eq!(handle.await.unwrap().unwrap().outcome, Outcome::Cancelled);
    }
}
