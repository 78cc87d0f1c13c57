//! Containing the processes of one step attempt so that every descendant can be found and
//! killed, whatever it does: `setsid`, a new process group, a daemon that double-forks.
//!
//! Where cgroup v2 is mounted and writable, each attempt gets its own cgroup,
//! `<mount><maestroc's cgroup>/maestroc-<pid>-<n>`: the shell of a `run` moves itself into
//! it before running the script (so nothing it starts escapes), an `exec` argv is moved
//! right after it starts, and killing the attempt is `cgroup.kill`. Elsewhere `maestroc`
//! makes itself a child subreaper (`PR_SET_CHILD_SUBREAPER`), so orphans of a step are
//! re-parented to it rather than to init, marks each attempt's environment with
//! `MFLOW_SCOPE`, and finds an attempt's processes by walking `/proc`: the descendants of
//! its first process and of every process carrying its mark. `MFLOW_CONTAIN=walk` chooses
//! the walk even where cgroups are available (tests use it to exercise both).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag};
use nix::unistd::Pid;

/// The environment variable that marks an attempt's processes (the walk's fallback).
pub const SCOPE_VAR: &str = "MFLOW_SCOPE";
/// The environment variable naming the `cgroup.procs` a `run` script's shell joins.
pub const PROCS_VAR: &str = "MFLOW_CGROUP_PROCS";

/// How long killing the processes left in a scope may take before it is given up.
const KILL_DEADLINE: Duration = Duration::from_secs(5);

static NEXT: AtomicU64 = AtomicU64::new(1);

/// The first processes of live attempts (tokio waits for those; the walk never reaps them).
static LEADERS: Mutex<Option<HashSet<i32>>> = Mutex::new(None);

/// Empty cgroups of attempts that ended, reused by the next attempts of this process:
/// creating and removing a cgroup for every attempt (and waiting out the kernel's "busy"
/// after its last process left) cost more than a short step itself. Removed by
/// [`release_pool`] when the run ends, or by the next `maestroc`'s sweep after a crash.
static POOL: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pool() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    POOL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes the pooled, empty cgroups (at the end of a run).
pub fn release_pool() {
    let dirs: Vec<PathBuf> = pool().drain(..).collect();
    for dir in dirs {
        for _ in 0..20 {
            match remove_cgroup(&dir) {
                Err(e) if e.raw_os_error() == Some(nix::libc::EBUSY) => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                _ => break,
            }
        }
    }
}

fn leaders() -> std::sync::MutexGuard<'static, Option<HashSet<i32>>> {
    LEADERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The cgroup v2 directory maestroc runs in, when there is one it can create cgroups in.
fn cgroup_home() -> Option<&'static Path> {
    static HOME: OnceLock<Option<PathBuf>> = OnceLock::new();
    HOME.get_or_init(|| {
        if std::env::var_os("MFLOW_CONTAIN").is_some_and(|v| v == "walk") {
            return None;
        }
        let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
        let mount = mounts.lines().find_map(|l| {
            let mut f = l.split_whitespace();
            let (_, dir, kind) = (f.next()?, f.next()?, f.next()?);
            (kind == "cgroup2").then(|| PathBuf::from(dir))
        })?;
        let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
        let path = own.lines().find_map(|l| l.strip_prefix("0::"))?;
        let dir = mount.join(path.trim().trim_start_matches('/'));
        // Moving a process between two cgroups needs write access to the `cgroup.procs`
        // of their common ancestor: maestroc's own cgroup.
        let writable = nix::unistd::access(&dir.join("cgroup.procs"), nix::unistd::AccessFlags::W_OK).is_ok();
        if writable {
            sweep(&dir);
        }
        writable.then_some(dir)
    })
    .as_deref()
}

/// Adds the processes of the cgroup `dir` and of the cgroups below it to `pids`.
fn cgroup_procs(dir: &Path, pids: &mut Vec<Pid>) {
    let procs = std::fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
    pids.extend(
        procs
            .lines()
            .filter_map(|l| l.trim().parse::<i32>().ok())
            .map(Pid::from_raw),
    );
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                cgroup_procs(&entry.path(), pids);
            }
        }
    }
}

/// Removes the cgroup `dir` after the cgroups below it (each must have no process left).
fn remove_cgroup(dir: &Path) -> std::io::Result<()> {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_cgroup(&entry.path())?;
            }
        }
    }
    std::fs::remove_dir(dir)
}

/// Stops what is left in the cgroups of `maestroc` processes no longer alive (killed with
/// SIGKILL before they could stop their steps: a resume would otherwise run a step again
/// while its first attempt still runs) and removes those cgroups (one still busy is
/// removed by a later sweep).
fn sweep(home: &Path) {
    let Ok(entries) = std::fs::read_dir(home) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("maestroc-"))
            .and_then(|rest| rest.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::write(entry.path().join("cgroup.kill"), "1");
            // The killed need a moment to be gone; once per process, only after a crash.
            for _ in 0..20 {
                if remove_cgroup(&entry.path()).is_ok() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

/// Makes `maestroc` the reaper of its steps' orphans (once; for the `/proc` walk).
fn become_subreaper() -> bool {
    static DONE: OnceLock<bool> = OnceLock::new();
    *DONE.get_or_init(|| nix::sys::prctl::set_child_subreaper(true).is_ok())
}

enum Kind {
    Cgroup(PathBuf),
    Walk,
    /// The cgroup was removed: nothing is left to find.
    Closed,
}

/// The processes of one attempt.
pub struct Scope {
    kind: Kind,
    mark: String,
    leader: Option<Pid>,
}

impl Scope {
    /// A new, empty scope: a cgroup when possible, else the `/proc` walk.
    pub fn open() -> Scope {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let mark = format!("{}-{n}", std::process::id());
        let cgroup = cgroup_home().and_then(|home| {
            if let Some(dir) = pool().pop() {
                return Some(dir);
            }
            let dir = home.join(format!("maestroc-{mark}"));
            std::fs::create_dir(&dir).ok().map(|()| dir)
        });
        let kind = match cgroup {
            Some(dir) => Kind::Cgroup(dir),
            None => {
                become_subreaper();
                Kind::Walk
            }
        };
        Scope {
            kind,
            mark,
            leader: None,
        }
    }

    /// What to add to the attempt's environment.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut vars = vec![(SCOPE_VAR.to_string(), self.mark.clone())];
        if let Kind::Cgroup(dir) = &self.kind {
            vars.push((PROCS_VAR.to_string(), dir.join("cgroup.procs").display().to_string()));
        }
        vars
    }

    /// A shell command that moves the shell into the scope before anything else, when the
    /// scope is a cgroup (then nothing the script starts can be outside it).
    pub fn shell_prologue(&self) -> &'static str {
        match self.kind {
            Kind::Cgroup(_) => "echo 0 >\"$MFLOW_CGROUP_PROCS\"; ",
            Kind::Walk | Kind::Closed => "",
        }
    }

    /// The attempt's first process has started: it (and so what it starts later) joins,
    /// unless it moved itself in already (`moved_itself`: a `run` shell with the
    /// [`Scope::shell_prologue`]; a move costs an RCU grace period, so it is done once).
    pub fn adopt(&mut self, pid: Pid, moved_itself: bool) {
        self.leader = Some(pid);
        leaders().get_or_insert_with(HashSet::new).insert(pid.as_raw());
        if let (Kind::Cgroup(dir), false) = (&self.kind, moved_itself) {
            let _ = std::fs::write(dir.join("cgroup.procs"), pid.as_raw().to_string());
        }
    }

    /// The attempt's first process has been waited for: its pid may now be reused by an
    /// unrelated process, so it is forgotten.
    pub fn leader_reaped(&mut self) {
        if let Some(pid) = self.leader.take() {
            if let Some(set) = leaders().as_mut() {
                set.remove(&pid.as_raw());
            }
        }
    }

    /// The live processes of the attempt now (with a cgroup, also those in cgroups below
    /// it: a `maestroc` run by a step makes its own).
    pub fn members(&self) -> Vec<Pid> {
        match &self.kind {
            Kind::Cgroup(dir) => {
                let mut pids = Vec::new();
                cgroup_procs(dir, &mut pids);
                pids
            }
            Kind::Walk => walk(self.leader, &self.mark),
            Kind::Closed => Vec::new(),
        }
    }

    /// Sends `signal` to every process of the attempt.
    pub fn signal(&self, signal: Signal) {
        for pid in self.members() {
            let _ = kill(pid, signal);
        }
    }

    /// Stops every process left in the attempt: SIGTERM, up to `grace` for them to exit,
    /// then SIGKILL. Returns how many there were.
    pub async fn stop_all(&self, grace: Duration) -> usize {
        let found = self.members().len();
        if found == 0 {
            return 0;
        }
        self.signal(Signal::SIGTERM);
        if !self.wait_empty(grace).await {
            if let Kind::Cgroup(dir) = &self.kind {
                let _ = std::fs::write(dir.join("cgroup.kill"), "1");
            }
            self.signal(Signal::SIGKILL);
            self.wait_empty(KILL_DEADLINE).await;
        }
        found
    }

    /// Gives the attempt's cgroup back to the pool when it is empty; otherwise removes it
    /// (and any left below it) once its last process is gone (the kernel may answer "busy"
    /// for a moment after that).
    pub async fn close(&mut self) {
        if let Kind::Cgroup(dir) = &self.kind {
            if self.members().is_empty() {
                pool().push(dir.clone());
                self.kind = Kind::Closed;
                self.leader_reaped();
                return;
            }
            let deadline = Instant::now() + KILL_DEADLINE;
            loop {
                match remove_cgroup(dir) {
                    Err(e) if e.raw_os_error() == Some(nix::libc::EBUSY) && Instant::now() < deadline => {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    _ => break,
                }
            }
            self.kind = Kind::Closed;
        }
        self.leader_reaped();
    }

    /// Waits (politely, off the CPU) until the attempt has no process left.
    async fn wait_empty(&self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            if self.members().is_empty() {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        self.leader_reaped();
        if let Kind::Cgroup(dir) = &self.kind {
            // Empty by now (see `stop_all`); a cgroup with a process left cannot be removed.
            let _ = remove_cgroup(dir);
        }
    }
}

/// One process as `/proc/PID/stat` shows it.
struct Proc {
    ppid: i32,
    zombie: bool,
}

fn processes() -> HashMap<i32, Proc> {
    let mut out = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `PID (COMM) STATE PPID …`, where COMM may hold spaces and parentheses.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        let state = fields.next().unwrap_or("");
        let ppid = fields.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        out.insert(
            pid,
            Proc {
                ppid,
                zombie: state == "Z" || state == "X",
            },
        );
    }
    out
}

/// Whether the environment of `pid` holds `MFLOW_SCOPE=mark`.
fn marked(pid: i32, mark: &str) -> bool {
    let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) else {
        return false;
    };
    let wanted = format!("{SCOPE_VAR}={mark}");
    env.split(|b| *b == 0).any(|var| var == wanted.as_bytes())
}

/// The live processes of an attempt found by walking `/proc`: the descendants of its first
/// process and of every child of `maestroc` carrying its mark (as a subreaper, `maestroc`
/// inherits every orphan of its steps, so only its own children's environments are read).
/// Exited orphans seen on the way are reaped (never a live attempt's first process, which
/// tokio waits for).
fn walk(leader: Option<Pid>, mark: &str) -> Vec<Pid> {
    let me = i32::try_from(std::process::id()).unwrap_or(0);
    let procs = processes();
    let live = leaders().clone().unwrap_or_default();
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    let mut todo = Vec::new();
    for (pid, p) in &procs {
        children.entry(p.ppid).or_default().push(*pid);
        if p.ppid == me && !live.contains(pid) {
            if p.zombie {
                let _ = waitpid(Pid::from_raw(*pid), Some(WaitPidFlag::WNOHANG));
            } else if marked(*pid, mark) {
                todo.push(*pid);
            }
        }
    }
    if let Some(l) = leader {
        if procs.contains_key(&l.as_raw()) {
            todo.push(l.as_raw());
        }
    }
    let mut seen = HashSet::new();
    while let Some(pid) = todo.pop() {
        if pid == me || !seen.insert(pid) {
            continue;
        }
        if let Some(kids) = children.get(&pid) {
            todo.extend(kids);
        }
    }
    seen.into_iter()
        .filter(|pid| procs.get(pid).is_some_and(|p| !p.zombie))
        .map(Pid::from_raw)
        .collect()
}
