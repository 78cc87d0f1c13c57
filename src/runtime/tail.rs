//! Following a running step's log files, to stream complete new lines to the terminal.

use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::PathBuf;

/// At most this much new output is read per file per poll.
const CHUNK: u64 = 1 << 20;

pub struct Tail {
    files: Vec<Followed>,
}

struct Followed {
    path: PathBuf,
    offset: u64,
    partial: String,
}

impl Tail {
    #[must_use]
    pub fn new(paths: Vec<PathBuf>) -> Self {
        Self {
            files: paths
                .into_iter()
                .map(|path| Followed {
                    path,
                    offset: 0,
                    partial: String::new(),
                })
                .collect(),
        }
    }

    /// Reads what was appended since the last poll and emits each complete line.
    pub fn poll(&mut self, emit: &mut dyn FnMut(&str)) {
        for f in &mut self.files {
            // Most steps write little or nothing: a stat is cheaper than opening the file.
            if std::fs::metadata(&f.path).map_or(true, |m| m.len() <= f.offset) {
                continue;
            }
            // A step may have put a FIFO or a device there: never block, never read one.
            let Ok(mut file) = super::regular::open(&f.path) else {
                continue;
            };
            if file.seek(SeekFrom::Start(f.offset)).is_err() {
                continue;
            }
            let mut buf = Vec::new();
            let Ok(n) = file.take(CHUNK).read_to_end(&mut buf) else {
                continue;
            };
            f.offset += n as u64;
            f.partial.push_str(&String::from_utf8_lossy(&buf));
            while let Some(end) = f.partial.find('\n') {
                let line: String = f.partial.drain(..=end).collect();
                emit(line.trim_end_matches(['\n', '\r']));
            }
        }
    }

    /// A last poll, then whatever unterminated text remains.
    pub fn finish(&mut self, emit: &mut dyn FnMut(&str)) {
        self.poll(emit);
        for f in &mut self.files {
            if !f.partial.is_empty() {
                emit(&std::mem::take(&mut f.partial));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emits_complete_lines_then_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        std::fs::write(&path, "one\ntw").unwrap();
        let mut tail = Tail::new(vec![path.clone()]);
        let mut seen = Vec::new();
        tail.poll(&mut |l| seen.push(l.to_string()));
        assert_eq!(seen, ["one"]);
        std::fs::write(&path, "one\ntwo\nthree").unwrap();
        tail.finish(&mut |l| seen.push(l.to_string()));
        assert_eq!(seen, ["one", "two", "three"]);
    }
}
