//! The differential test of the two parsers (issue 10 §1, `syntax::oracle`): over every
//! fixture, example and stdlib file and a few thousand seeded
//! mutations of them (tokens deleted, duplicated, swapped or replaced), the fast path
//! builds an AST only for text the grammar accepts, builds the grammar's AST, and
//! declines no valid text; and so on a few hundred programs generated from the grammar's
//! rules.

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
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "=",
    "?",
    ".",
    "-",
    "->",
    "??",
    "==",
    "not ",
    " if ",
    " else ",
    " then ",
    "step",
    "for",
    " in ",
    "0",
    "1.5",
    "2s",
    "1h30m",
    "2026-01-31",
    "\"s\"",
    "r\"raw\"",
    "none",
    "x",
    "_",
    "retry",
    "on",
    "backoff",
    "parallel",
    "when",
    " fixed",
    " since ",
    "run_start",
    " catchup ",
    "all(max: 2)",
    "trigger on signal ",
    "tags ",
    "profile ",
    "//c\n",
    "/*c*/",
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

/// Runs `f` with the stack the CLI gives the front end (pest recurses deeply in debug).
fn with_big_stack(f: fn()) {
    std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}

#[test]
fn fast_path_and_grammar_agree_on_every_file_and_on_mutations() {
    with_big_stack(files_and_mutations);
}

fn files_and_mutations() {
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
    // Mutations: the smaller files (the fixtures are focused), a fixed number per file.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let small: Vec<&(String, String)> = corpus.iter().filter(|(_, t)| t.len() < 2_000).collect();
    let per_file = 2_500 / small.len().max(1) + 1;
    for (name, text) in &small {
        let toks = tokens(text);
        for k in 0..per_file {
            let m = mutate(&mut rng, &toks);
            record(&format!("{name} mutation {k}"), &m, compare(&m));
        }
    }
    let count = failures.len();
    failures.truncate(6);
    assert!(
        failures.is_empty(),
        "{count} divergences; the first:\n{}",
        failures.join("\n\n")
    );
    assert!(valid >= 200, "only {valid} valid inputs ({invalid} invalid)");
    eprintln!("parser oracle: {valid} valid, {invalid} invalid inputs agreed");
}

/// Random programs from the grammar's rules (mostly valid), with the forms users rarely
/// write: trailing commas, comments between tokens, every clause, nested literals.
struct Gen {
    rng: Rng,
    out: String,
}

impl Gen {
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.rng.below(xs.len())]
    }

    fn sep(&mut self) {
        let s = self.pick(&[" ", " ", " ", "\n  ", " /* c */ ", " // c\n", "\t"]);
        self.out.push_str(s);
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn name(&mut self) {
        let n = self.pick(&[
            "a", "b_1", "_x", "region", "rows", "input", "files", "iffy", "nots", "format",
        ]);
        self.push(n);
    }

    fn list_of(&mut self, depth: u32, open: &str, close: &str, item: fn(&mut Self, u32)) {
        self.push(open);
        let n = self.rng.below(3);
        for k in 0..n {
            if k > 0 {
                self.push(",");
                self.sep();
            }
            item(self, depth);
        }
        if n > 0 && self.rng.below(3) == 0 {
            self.push(",");
        }
        self.push(close);
    }

    fn ty(&mut self, depth: u32) {
        match if depth > 2 { 0 } else { self.rng.below(4) } {
            0 => {
                let t = self.pick(&["int", "string", "bool", "float", "duration", "date", "path"]);
                self.push(t);
            }
            1 => {
                self.push("list<");
                self.ty(depth + 1);
                self.push(">");
            }
            2 => {
                self.push("map<string, ");
                self.ty(depth + 1);
                self.push(">");
            }
            _ => self.list_of(depth + 1, "{", "}", |g, d| {
                g.name();
                g.push(": ");
                g.ty(d);
            }),
        }
        if self.rng.below(5) == 0 {
            self.push("?");
        }
    }

    fn atom(&mut self, depth: u32) {
        match if depth > 3 {
            self.rng.below(6)
        } else {
            self.rng.below(12)
        } {
            0 => {
                let n = self.pick(&["0", "42", "1_000", "007", "9223372036854775807"]);
                self.push(n);
            }
            1 => {
                let f = self.pick(&["1.5", "2e3", "1.0E-2", "3_0.5"]);
                self.push(f);
            }
            2 => {
                let d = self.pick(&["2s", "1h30m", "500ms", "3d", "1_0m"]);
                self.push(d);
            }
            3 => {
                let d = self.pick(&["2026-11-23", "2024-02-29", "true", "false", "none"]);
                self.push(d);
            }
            4 => {
                let s = self.pick(&[
                    "\"plain\"",
                    "\"esc \\n \\$ \\\" \\\\\"",
                    "r\"C:\\raw\"",
                    "\"\"",
                    "\"${a}\"",
                ]);
                self.push(s);
            }
            5 => self.name(),
            6 => self.list_of(depth + 1, "[", "]", Self::expr),
            7 => {
                self.push("[");
                self.expr(depth + 1);
                self.push(" for ");
                self.name();
                self.push(" in ");
                self.expr(depth + 1);
                if self.rng.below(2) == 0 {
                    self.push(" if ");
                    self.expr(depth + 1);
                }
                self.push("]");
            }
            8 => {
                // Distinct field names (a repeated key is E0022).
                self.push("{");
                for k in 0..=self.rng.below(3) {
                    self.push(["a: ", ", b_1: ", ", iffy: "][k]);
                    self.expr(depth + 1);
                }
                self.push(",}");
            }
            9 => {
                // Distinct keys (a repeated key is E0022).
                self.push("{");
                for k in 0..self.rng.below(3) {
                    self.push(["\"k\": ", ", \"j\": ", ", \"l m\": "][k]);
                    self.expr(depth + 1);
                }
                self.push("}");
            }
            10 => {
                self.push("(");
                self.expr(depth + 1);
                self.push(")");
            }
            _ => {
                self.push("\"s ${");
                self.expr(depth + 1);
                self.push("} t\"");
            }
        }
        let postfixes = if depth > 3 { 0 } else { self.rng.below(3) };
        for _ in 0..postfixes {
            match self.rng.below(3) {
                0 => {
                    self.push(".");
                    self.name();
                }
                1 => {
                    self.push("[");
                    self.expr(depth + 1);
                    self.push("]");
                }
                _ => {
                    // Positional arguments, then named ones (E0023 otherwise).
                    self.push("(");
                    let positional = self.rng.below(3);
                    let named = self.rng.below(3);
                    for k in 0..positional + named {
                        if k > 0 {
                            self.push(", ");
                        }
                        if k >= positional {
                            self.push(["p", "q", "r"][k - positional]);
                            self.push(": ");
                        }
                        self.expr(depth + 1);
                    }
                    self.push(")");
                }
            }
        }
    }

    fn expr(&mut self, depth: u32) {
        if depth < 3 && self.rng.below(8) == 0 {
            self.push("if ");
            self.expr(depth + 1);
            self.push(" then ");
            self.expr(depth + 1);
            self.push(" else ");
            self.expr(depth + 1);
            return;
        }
        for _ in 0..self.rng.below(2) {
            let p = self.pick(&["-", "not ", "- ", "--"]);
            self.push(p);
        }
        self.atom(depth);
        if depth < 4 {
            for _ in 0..self.rng.below(3) {
                self.sep();
                let op = self.pick(&[
                    "??", "or", "and", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "- -",
                ]);
                self.push(op);
                self.sep();
                self.atom(depth + 1);
            }
        }
    }

    fn clause(&mut self) {
        match self.rng.below(17) {
            0 => self.push("run \"go.sh ${a}\""),
            1 => {
                self.push("exec ");
                self.expr(1);
            }
            2 => {
                self.push("call ");
                self.name();
                if self.rng.below(2) == 0 {
                    self.push(".");
                    self.name();
                }
                self.list_of(1, "(", ")", |g, d| {
                    g.name();
                    g.push(": ");
                    g.expr(d);
                });
            }
            3 => {
                self.push("sleep ");
                self.expr(1);
            }
            4 => {
                self.push("wait signal ");
                self.expr(1);
                if self.rng.below(2) == 0 {
                    self.push(" where ");
                    self.expr(1);
                }
                match self.rng.below(4) {
                    0 => self.push(" since run_start"),
                    1 => {
                        self.push(" since ");
                        self.expr(1);
                    }
                    _ => {}
                }
            }
            5 | 6 => {
                let w = self.pick(&["env ", "resources "]);
                self.push(w);
                self.list_of(1, "{", "}", |g, d| {
                    g.name();
                    g.push(": ");
                    g.expr(d);
                });
            }
            7 => {
                self.push("outputs ");
                self.list_of(1, "{", "}", |g, d| {
                    g.name();
                    g.push(": ");
                    g.ty(d);
                });
            }
            8 => {
                let w = self.pick(&["dir ", "image ", "timeout "]);
                self.push(w);
                self.expr(1);
            }
            9 => {
                self.push("emit signal ");
                self.expr(1);
                if self.rng.below(2) == 0 {
                    self.push(" ");
                    self.list_of(1, "{", "}", |g, d| {
                        g.name();
                        g.push(": ");
                        g.expr(d);
                    });
                }
            }
            10 => {
                self.push("after ");
                self.name();
                if self.rng.below(2) == 0 {
                    self.push(", ");
                    self.name();
                }
            }
            11 | 12 => self.retry(),
            13 => {
                let m = self.pick(&["fail_fast", "fail_after_running", "ignore"]);
                self.push("on_failure ");
                self.push(m);
            }
            15 => {
                self.push("profile ");
                self.expr(1);
            }
            _ => self.push("run r\"raw ${x}\""),
        }
    }

    fn retry(&mut self) {
        self.push("retry ");
        self.expr(2);
        if self.rng.below(2) == 0 {
            let b = self.pick(&[
                " backoff fixed(10s)",
                " backoff exponential(1s, max: 1m)",
                " backoff exponential(1s)",
                " backoff exponential(1s, 2m,)",
            ]);
            self.push(b);
        }
        if self.rng.below(2) == 0 {
            let on = self.pick(&[" on failure", " on timeout", " on any"]);
            self.push(on);
        }
    }

    fn stmt(&mut self, depth: u32) {
        self.push("\n  ");
        if self.rng.below(6) == 0 {
            self.push("/// doc\n  ");
        }
        match if depth > 2 {
            self.rng.below(9)
        } else {
            self.rng.below(13)
        } {
            0 | 1 => {
                let k = self.pick(&["let ", "const "]);
                self.push(k);
                self.name();
                if self.rng.below(2) == 0 {
                    self.push(": ");
                    self.ty(0);
                }
                self.push(" = ");
                self.expr(0);
            }
            2 => {
                self.push("param ");
                self.name();
                self.push(": ");
                self.ty(0);
                if self.rng.below(2) == 0 {
                    self.push(" = ");
                    self.expr(0);
                }
                if self.rng.below(3) == 0 {
                    self.push(" fixed");
                }
            }
            3 => {
                self.push("output ");
                self.name();
                self.push(": ");
                self.ty(0);
                self.push(" = ");
                self.expr(0);
            }
            4 | 5 => {
                self.push("step ");
                self.name();
                self.push(" {");
                for _ in 0..self.rng.below(4) {
                    self.sep();
                    self.clause();
                }
                self.push("\n  }");
            }
            6 => {
                let c = self.pick(&["concurrency ", "timeout "]);
                self.push(c);
                self.expr(1);
            }
            7 => {
                let s = self.pick(&[
                    "strategy parallel(4)",
                    "strategy parallel",
                    "strategy sequential",
                    "strategy strict_sequential",
                    "strategy first_only",
                    "strategy last_only",
                    "schedule \"0 * * * *\"",
                    "schedule \"@daily\" in \"Europe/Amsterdam\"",
                    "schedule \"0 2 * * *\" catchup none",
                    "schedule \"0 2 * * *\" in \"UTC\" catchup last",
                    "schedule \"0 2 * * *\" catchup all(max: 3)",
                    "schedule \"0 2 * * *\" catchup all(max: n,)",
                    "schedule \"0 2 * * *\" catchup every",
                    "on_failure ignore",
                ]);
                self.push(s);
                if self.rng.below(4) == 0 {
                    self.push("\n  trigger on signal \"go\"");
                    if self.rng.below(2) == 0 {
                        self.push(" where ");
                        self.expr(1);
                    }
                }
                if self.rng.below(4) == 0 {
                    self.push("\n  tags ");
                    self.expr(1);
                }
            }
            8 => {
                self.retry();
            }
            9 => {
                self.push("foreach ");
                self.name();
                self.push(" in ");
                self.expr(1);
                if self.rng.below(2) == 0 {
                    self.push(", ");
                    self.name();
                    self.push(" in ");
                    self.expr(1);
                }
                if self.rng.below(2) == 0 {
                    self.push(" concurrency 2");
                }
                self.block(depth);
            }
            10 => {
                self.push("while ");
                self.expr(1);
                if self.rng.below(2) == 0 {
                    self.push(" with ");
                    self.name();
                    self.push(" = ");
                    self.expr(1);
                }
                if self.rng.below(2) == 0 {
                    self.push(" limit 10");
                }
                self.block(depth);
                self.push("\n  next ");
                self.name();
                self.push(" = 1");
            }
            _ => {
                self.push("if ");
                self.expr(1);
                self.block(depth);
                for _ in 0..self.rng.below(2) {
                    self.push(" else if ");
                    self.expr(1);
                    self.block(depth);
                }
                if self.rng.below(2) == 0 {
                    self.push(" else");
                    self.block(depth);
                }
            }
        }
    }

    fn block(&mut self, depth: u32) {
        self.push(" {");
        for _ in 0..self.rng.below(3) {
            self.stmt(depth + 1);
        }
        self.push("\n}");
    }

    fn file(&mut self) -> String {
        self.out.clear();
        if self.rng.below(3) == 0 {
            self.push("import \"std/dates\" as d\n");
        }
        if self.rng.below(3) == 0 {
            self.push("/// doc\nfn ");
            self.name();
            self.list_of(0, "(", ")", |g, d| {
                g.name();
                g.push(": ");
                g.ty(d + 1);
            });
            self.push(" -> ");
            self.ty(0);
            self.push(" = ");
            self.expr(0);
            self.push("\n");
        }
        self.push("workflow w {");
        for _ in 0..=self.rng.below(5) {
            self.stmt(0);
        }
        self.push("\n}\n");
        std::mem::take(&mut self.out)
    }
}

#[test]
fn fast_path_and_grammar_agree_on_generated_programs() {
    with_big_stack(generated_programs);
}

/// How many programs to generate (pest in debug takes ≈ 40 ms for one).
const PROGRAMS: usize = 250;

fn generated_programs() {
    let mut g = Gen {
        rng: Rng(0x2545_F491_4F6C_DD1D),
        out: String::new(),
    };
    let mut failures = Vec::new();
    let mut valid = 0;
    for k in 0..PROGRAMS {
        let text = g.file();
        match compare(&text) {
            Ok(Agreement::Valid) => valid += 1,
            Ok(Agreement::Invalid) => {}
            Err(d) => failures.push(format!("program {k}: {d:?}\n----\n{text}\n----")),
        }
    }
    let count = failures.len();
    failures.truncate(4);
    assert!(
        failures.is_empty(),
        "{count} divergences; the first:\n{}",
        failures.join("\n\n")
    );
    assert!(
        valid >= PROGRAMS * 9 / 10,
        "only {valid} of {PROGRAMS} generated programs are valid"
    );
}

#[test]
fn expression_depth_bounds_agree() {
    with_big_stack(|| {
        for n in [200, 254, 255, 256, 257, 300] {
            let chain = format!("workflow w {{\n  let x = 1{}\n}}\n", " + 1".repeat(n));
            assert!(compare(&chain).is_ok(), "a chain of {n} additions");
            let negs = format!("workflow w {{\n  let x = {}a\n}}\n", "-".repeat(n.min(120)));
            assert!(compare(&negs).is_ok(), "{n} negations");
            let nested = format!(
                "workflow w {{\n  let x = {}1{}\n}}\n",
                "[".repeat(n.min(127)),
                "]".repeat(n.min(127))
            );
            assert!(compare(&nested).is_ok(), "{n} nested lists");
        }
    });
}
