//! The differential test of the two parsers (issue 10 §1, `syntax::oracle`): over every
//! fixture, example and stdlib file, generated workflows and a few thousand seeded
//! mutations of them (tokens deleted, duplicated, swapped or replaced), the fast path
//! builds an AST only for text the grammar accepts, builds the grammar's AST, and
//! declines no valid text.

use maestroc::syntax::oracle::{compare, Agreement, Divergence};

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "mflow") {
            out.push(path);
        }
    }
}

fn corpus() -> Vec<(String, String)> {
    let mut paths = Vec::new();
    for dir in ["tests/ui", "examples", "stdlib"] {
        files(std::path::Path::new(dir), &mut paths);
    }
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(&p).ok()?)))
        .collect()
}

/// A small deterministic generator (xorshift), so every run tries the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }
}

/// Tokens of `text` (words, numbers, strings, punctuation, runs of blanks), so that
/// mutations act on whole tokens like a user's edits do.
fn tokens(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        if b.is_ascii_alphanumeric() || b == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
        } else if b == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
        } else if b.is_ascii_whitespace() {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
        while !text.is_char_boundary(i) {
            i += 1;
        }
        out.push(&text[start..i]);
    }
    out
}

/// Words and punctuation worth inserting: the ones users mistype.
const INSERTS: &[&str] = &[
    "{", "}", "(", ")", "[", "]", ",", ":", "=", "?", ".", "-", "->", "??", "==", "not ", " if ", " else ", " then ",
    "step", "for", " in ", "0", "1.5", "2s", "1h30m", "2026-01-31", "\"s\"", "r\"raw\"", "none", "x", "_", "retry",
    "on", "backoff", "parallel", "when", "//c\n", "/*c*/",
];

fn mutate(rng: &mut Rng, toks: &[&str]) -> String {
    let mut t: Vec<&str> = toks.to_vec();
    let edits = 1 + rng.below(3);
    for _ in 0..edits {
        if t.is_empty() {
            break;
        }
        let i = rng.below(t.len());
        match rng.below(5) {
            0 => {
                t.remove(i);
            }
            1 => {
                let tok = t[i];
                t.insert(i, tok);
            }
            2 => {
                let j = rng.below(t.len());
                t.swap(i, j);
            }
            3 => {
                let j = rng.below(t.len());
                t[i] = toks[j.min(toks.len() - 1)];
            }
            _ => t.insert(i, INSERTS[rng.below(INSERTS.len())]),
        }
    }
    t.concat()
}

#[test]
fn fast_path_and_grammar_agree_on_every_file_and_on_mutations() {
    let corpus = corpus();
    assert!(corpus.len() >= 100, "only {} files found", corpus.len());
    let mut failures = Vec::new();
    let mut valid = 0;
    let mut invalid = 0;
    let mut record = |name: &str, text: &str, r: Result<Agreement, Divergence>| match r {
        Ok(Agreement::Valid) => valid += 1,
        Ok(Agreement::Invalid) => invalid += 1,
        Err(d) => failures.push(format!("{name}: {d:?}\n----\n{text}\n----")),
    };
    for (name, text) in &corpus {
        record(name, text, compare(text));
    }
    #[path = "../benches/gen/mod.rs"]
    #[allow(dead_code)]
    mod gen;
    for lines in [10, 50, 200] {
        let text = gen::workflow(lines);
        record(&format!("generated({lines})"), &text, compare(&text));
    }
    // Mutations: the smaller files (the fixtures are focused), a fixed number per file.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let small: Vec<&(String, String)> = corpus.iter().filter(|(_, t)| t.len() < 2_000).collect();
    let per_file = 3_000 / small.len().max(1) + 1;
    for (name, text) in &small {
        let toks = tokens(text);
        for k in 0..per_file {
            let m = mutate(&mut rng, &toks);
            record(&format!("{name} mutation {k}"), &m, compare(&m));
        }
    }
    let count = failures.len();
    failures.truncate(6);
    assert!(failures.is_empty(), "{count} divergences; the first:\n{}", failures.join("\n\n"));
    assert!(valid >= 200, "only {valid} valid inputs ({invalid} invalid)");
    eprintln!("parser oracle: {valid} valid, {invalid} invalid inputs agreed");
}
