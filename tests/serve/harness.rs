//! A `maestroc serve` process on a free loopback port, and a minimal HTTP/1.1 client
//! (requests with `Connection: close`; chunked answers are de-chunked).

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(super) struct Server {
    pub(super) child: Child,
    pub(super) port: u16,
    pub(super) log: Arc<Mutex<String>>,
}

/// A directory with workflow files and a run store.
pub(super) struct Project {
    pub(super) dir: tempfile::TempDir,
}

impl Project {
    pub(super) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(super) fn write(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join("flows").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().to_string()
    }

    pub(super) fn home(&self) -> std::path::PathBuf {
        self.dir.path().join("home")
    }

    /// `maestroc ARGS` with this project's store.
    pub(super) fn cli(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("maestroc").unwrap();
        cmd.env("NO_COLOR", "1")
            .env("MFLOW_HOME", self.home())
            .current_dir(self.dir.path());
        cmd
    }

    /// Starts `maestroc serve flows/ ARGS` and waits until it listens.
    pub(super) fn serve(&self, args: &[&str]) -> Server {
        self.serve_with(args, &[])
    }

    pub(super) fn serve_with(&self, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("maestroc"));
        cmd.arg("serve")
            .arg(self.dir.path().join("flows"))
            .args(["--listen", "127.0.0.1:0"])
            .args(if args.contains(&"--grace") {
                &[][..]
            } else {
                &["--grace", "1"][..]
            })
            .args(args)
            .env("NO_COLOR", "1")
            .env("MFLOW_HOME", self.home())
            .env_remove("MFLOW_SERVE_TOKEN")
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let started = Instant::now();
        loop {
            let text = log.lock().unwrap().clone();
            if let Some(i) = text.find("listening on http://127.0.0.1:") {
                let rest = &text[i + "listening on http://127.0.0.1:".len()..];
                let port: u16 = rest.split('/').next().unwrap().parse().unwrap();
                return Server { child, port, log };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("serve exited ({status}) before listening:\n{text}");
            }
            assert!(
                started.elapsed() < Duration::from_mins(1),
                "serve did not listen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) headers: String,
    pub(super) body: String,
}

impl Answer {
    pub(super) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn dechunk(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = raw;
    loop {
        let Some(end) = rest.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..end]).unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = end + 2;
        out.extend_from_slice(&rest[start..(start + size).min(rest.len())]);
        rest = &rest[(start + size + 2).min(rest.len())..];
    }
}

impl Server {
    /// One request; `headers` are extra header lines.
    pub(super) fn request(&self, method: &str, path: &str, body: Option<&str>, headers: &[&str]) -> Answer {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_mins(1))).unwrap();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n",
            self.port
        );
        for h in headers {
            req.push_str(h);
            req.push_str("\r\n");
        }
        if let Some(b) = body {
            req.push_str(
                "Content-Type: application/json
",
            );
            req.push_str(
                &[
                    "Content-Length: ",
                    &b.len().to_string(),
                    "
",
                ]
                .concat(),
            );
        }
        req.push_str("\r\n");
        if let Some(b) = body {
            req.push_str(b);
        }
        s.write_all(req.as_bytes()).unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP answer");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut body = raw[split + 4..].to_vec();
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            body = dechunk(&body);
        }
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        Answer {
            status,
            headers: head,
            body: String::from_utf8_lossy(&body).to_string(),
        }
    }

    pub(super) fn get(&self, path: &str) -> Answer {
        self.request("GET", path, None, &[])
    }

    pub(super) fn post(&self, path: &str, body: &str) -> Answer {
        self.request("POST", path, Some(body), &[])
    }

    /// Reads an event stream until `until` appears in it or `limit` passes; what was read.
    pub(super) fn events(&self, path: &str, until: &str, limit: Duration) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: text/event-stream\r\n\r\n",
            self.port
        );
        s.write_all(req.as_bytes()).unwrap();
        let started = Instant::now();
        let mut got = Vec::new();
        let mut buf = [0u8; 8192];
        while started.elapsed() < limit {
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(_) => {}
            }
            if String::from_utf8_lossy(&got).contains(until) {
                break;
            }
        }
        String::from_utf8_lossy(&got).to_string()
    }

    pub(super) fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Polls `GET path` until `ok` holds of its JSON, for at most `limit`.
    pub(super) fn wait_json(
        &self,
        path: &str,
        limit: Duration,
        ok: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let started = Instant::now();
        loop {
            let v = self.get(path).json();
            if ok(&v) {
                return v;
            }
            assert!(
                started.elapsed() < limit,
                "timed out on {path}: {v}\nlog:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, then waits for the exit status.
    pub(super) fn stop(&mut self) -> std::process::ExitStatus {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(self.child.id()).unwrap());
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "serve did not stop:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let pid = nix::unistd::Pid::from_raw(i32::try_from(self.child.id()).unwrap());
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(40) {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
