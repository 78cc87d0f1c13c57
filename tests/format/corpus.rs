//! Idempotence and meaning preservation: over every fixture, example and stdlib file,
//! `fmt(fmt(x)) == fmt(x)`, and for each file that checks clean, the IR of the formatted
//! file equals the original's apart from spans; over generated programs (the parser
//! oracle's generator, comments between tokens included), the same.

use maestroc::format::{format_source, FormatError};
use maestroc::loader::{FsLoader, LoadError, Loader};

use crate::parser_oracle::{corpus, with_big_stack, Gen, Rng};

/// The file system, except that one path reads as `text`.
struct Overlay<'a> {
    path: &'a str,
    text: &'a str,
}

impl Loader for Overlay<'_> {
    fn load(&self, path: &str) -> Result<String, LoadError> {
        if path == self.path {
            Ok(self.text.to_string())
        } else {
            FsLoader.load(path)
        }
    }
}

/// The IR's debug text with the offsets of every span taken out.
fn strip_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find('}').map_or(tail.len(), |n| n + 1);
        out.push_str("Span");
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The IR of `path` read as `text`, when it checks clean.
fn ir(path: &str, text: &str) -> Option<String> {
    let analysis = maestroc::driver::analyze(&Overlay { path, text }, &[path.to_string()]);
    if analysis.problems.has_errors() {
        return None;
    }
    let checked = analysis.checked()?;
    Some(strip_spans(&format!("{:?}", maestroc::ir::lower::lower(&checked))))
}

#[test]
fn every_file_formats_idempotently_and_keeps_its_ir() {
    with_big_stack(every_file);
}

fn every_file() {
    let mut failures = Vec::new();
    let (mut formatted, mut compared, mut refused) = (0, 0, 0);
    for (path, text) in corpus() {
        let once = match format_source(&text) {
            Ok(once) => once,
            Err(FormatError::Syntax(_)) => {
                refused += 1;
                continue;
            }
            Err(e) => {
                failures.push(format!("{path}: {e}"));
                continue;
            }
        };
        formatted += 1;
        match format_source(&once) {
            Ok(twice) if twice == once => {}
            Ok(twice) => failures.push(format!("{path}: not idempotent\n--- once\n{once}\n--- twice\n{twice}")),
            Err(e) => failures.push(format!("{path}: the formatted file does not format: {e}")),
        }
        if let Some(before) = ir(&path, &text) {
            compared += 1;
            match ir(&path, &once) {
                Some(after) if after == before => {}
                Some(_) => failures.push(format!("{path}: the IR changed")),
                None => failures.push(format!("{path}: the formatted file does not check clean")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The corpus has clean files, files with check errors, and syntax-error fixtures.
    assert!(compared >= 30, "only {compared} files checked clean");
    assert!(
        formatted > compared && refused >= 20,
        "{formatted} formatted, {refused} refused"
    );
    eprintln!("fmt: {formatted} files formatted ({compared} with IR compared), {refused} with syntax errors refused");
}

#[test]
fn generated_programs_format_idempotently_and_keep_their_ir() {
    with_big_stack(generated);
}

/// How many generated programs (each is parsed four times and checked twice).
const PROGRAMS: usize = 200;

fn generated() {
    let mut g = Gen {
        rng: Rng(0x9E37_79B9_7F4A_7C15),
        out: String::new(),
    };
    let mut failures = Vec::new();
    let (mut formatted, mut compared) = (0, 0);
    for k in 0..PROGRAMS {
        let text = g.file();
        let once = match format_source(&text) {
            Ok(once) => once,
            Err(FormatError::Syntax(_)) => continue,
            Err(e) => {
                failures.push(format!("program {k}: {e}\n----\n{text}\n----"));
                continue;
            }
        };
        formatted += 1;
        if format_source(&once).ok().as_deref() != Some(once.as_str()) {
            failures.push(format!("program {k}: not idempotent\n----\n{text}\n----\n{once}\n----"));
        }
        let path = "generated.mflow";
        if let Some(before) = ir(path, &text) {
            compared += 1;
            if ir(path, &once).as_ref() != Some(&before) {
                failures.push(format!("program {k}: the IR changed\n----\n{text}\n----\n{once}\n----"));
            }
        }
    }
    let count = failures.len();
    failures.truncate(3);
    assert!(
        failures.is_empty(),
        "{count} failures; the first:\n{}",
        failures.join("\n\n")
    );
    assert!(
        formatted >= PROGRAMS * 9 / 10,
        "only {formatted} of {PROGRAMS} programs formatted"
    );
    eprintln!("fmt: {formatted} generated programs formatted, {compared} with IR compared");
}
