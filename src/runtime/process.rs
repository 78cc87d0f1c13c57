//! Running one step attempt as a child process in its own process group, with output
//! to log files (so a grandchild holding them can never block us), a timeout and
//! cancellation that stop the whole group: SIGTERM, a grace period, then SIGKILL.

use std::fs::File;
use std::os::unix::process::ExitStatusExt as _;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use tokio::sync::watch;

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

/// Runs the command to its end, its timeout, or cancellation.
pub async fn run(spec: Spec, mut cancel: watch::Receiver<bool>) -> std::io::Result<Outcome> {
    let mut cmd = match &spec.program {
        Program::Shell(script) => {
            let mut c = tokio::process::Command::new("/bin/sh");
            c.arg("-c").arg(script);
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
        .stdout(Stdio::from(File::create(&spec.stdout)?))
        .stderr(Stdio::from(File::create(&spec.stderr)?))
        .envs(spec.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if let Some(dir) = &spec.dir {
        cmd.current_dir(dir);
    }
    let mut child = cmd.spawn()?;
    let pgid = child.id().and_then(|id| i32::try_from(id).ok()).map(Pid::from_raw);
    let timeout = tokio::time::sleep(spec.timeout.unwrap_or(Duration::from_secs(u64::MAX / 4)));
    tokio::pin!(timeout);
    let stopped = tokio::select! {
        status = child.wait() => {
            let status = status?;
            return Ok(match (status.code(), status.signal()) {
                (Some(code), _) => Outcome::Exited(code),
                (None, Some(sig)) => Outcome::Signaled(sig),
                (None, None) => Outcome::Exited(-1),
            });
        }
        () = &mut timeout, if spec.timeout.is_some() => Outcome::TimedOut,
        _ = cancel.wait_for(|c| *c) => Outcome::Cancelled,
    };
    if let Some(pgid) = pgid {
        let _ = killpg(pgid, Signal::SIGTERM);
        let exited = tokio::time::timeout(spec.grace, child.wait()).await.is_ok();
        // The leader may be gone while others in its group are not: kill the group anyway.
        let _ = killpg(pgid, Signal::SIGKILL);
        if !exited {
            let _ = child.wait().await;
        }
    } else {
        let _ = child.kill().await;
    }
    Ok(stopped)
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
        assert_eq!(run(s, rx).await.unwrap(), Outcome::Exited(3));
        assert_eq!(std::fs::read_to_string(dir.path().join("out")).unwrap(), "hi\n");
    }

    #[tokio::test]
    async fn timeout_kills_the_whole_group() {
        let (s, dir) = spec("sleep 60 & sleep 60; wait", Some(Duration::from_millis(300)));
        let marker = dir.path().display().to_string();
        let _ = marker;
        let (_tx, rx) = watch::channel(false);
        let start = std::time::Instant::now();
        assert_eq!(run(s, rx).await.unwrap(), Outcome::TimedOut);
        assert!(start.elapsed() < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn cancellation_stops_it() {
        let (s, _dir) = spec("sleep 60", None);
        let (tx, rx) = watch::channel(false);
        let handle = tokio::spawn(run(s, rx));
        tokio::time::sleep(Duration::from_millis(100)).await;
        tx.send(true).unwrap();
        assert_eq!(handle.await.unwrap().unwrap(), Outcome::Cancelled);
    }
}
