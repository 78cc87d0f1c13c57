//! `maestroc fmt [--check] [PATHS…]`: lays MFlow files out in the one canonical way
//! (docs/formatting.md). Files are rewritten in place; `-` formats standard input to
//! standard output; `--check` changes nothing and prints a unified diff of what would
//! change.

use std::path::Path;

use clap::Args;

use super::error::{CliError, CliResult};
use super::out::Out;
use super::Ctx;
use crate::base::source::{SourceFile, SourceMap};
use crate::diagnostics::render;
use crate::driver::Unreadable;
use crate::format::{format_source, FormatError};

#[derive(Debug, Args)]
pub(super) struct FmtArgs {
    /// Files or directories (every `.mflow` file under them) to format; `-` reads
    /// standard input and writes standard output. Default: the current directory.
    #[arg(value_name = "PATHS")]
    paths: Vec<String>,
    /// Change nothing: print a unified diff of what would change and exit 1 if anything would.
    #[arg(long)]
    check: bool,
}

/// What happened to one file.
enum Outcome {
    Unchanged,
    Changed,
    /// Not formatted (syntax errors, or the formatter refused); reported already.
    Failed,
}

/// Runs `fmt`: 0 when everything is (now) formatted, 1 when `--check` found a file to
/// change or a file has syntax errors, 2 when a file could not be read.
pub(super) fn run(args: &FmtArgs, ctx: &Ctx) -> CliResult {
    let mut paths = Vec::new();
    let mut unreadable = false;
    let named = if args.paths.is_empty() {
        vec![".".to_string()]
    } else {
        args.paths.clone()
    };
    for p in named {
        if p != "-" && Path::new(&p).is_dir() {
            collect(Path::new(&p), &mut paths);
        } else {
            paths.push(p);
        }
    }
    let mut out = Out::new();
    let (mut changed, mut failed) = (0usize, 0usize);
    for path in &paths {
        let text = match crate::loader::read_source(path, ctx.sources.max_source_size) {
            Ok(text) => text,
            Err(error) => {
                let error = super::report::unreadable_error(&Unreadable {
                    path: path.clone(),
                    error,
                });
                eprint!("{}", render::render(&error, None, &ctx.render()));
                unreadable = true;
                continue;
            }
        };
        match one(path, &text, args.check, ctx, &mut out)? {
            Outcome::Unchanged => {}
            Outcome::Changed => changed += 1,
            Outcome::Failed => failed += 1,
        }
    }
    out.finish()?;
    if args.check && changed > 0 {
        let s = if changed == 1 { "" } else { "s" };
        eprintln!("{changed} file{s} would be reformatted (run `maestroc fmt` to format)");
    }
    Ok(if unreadable {
        2
    } else {
        i32::from(failed > 0 || (args.check && changed > 0))
    })
}

fn one(path: &str, text: &str, check: bool, ctx: &Ctx, out: &mut Out) -> Result<Outcome, CliError> {
    let name = if path == "-" { "<stdin>" } else { path };
    let formatted = match format_source(text) {
        Ok(f) => f,
        Err(error) => {
            let mut sources = SourceMap::new();
            sources.add(SourceFile::new(name, text));
            let rendered = match &error {
                FormatError::Syntax(problems) => render::human(&sources, problems, &ctx.render()),
                FormatError::Changed | FormatError::LostComment => render::render(&error, None, &ctx.render()),
            };
            eprint!("{rendered}");
            return Ok(Outcome::Failed);
        }
    };
    let same = formatted == text;
    if check {
        if !same {
            let diff = similar::TextDiff::from_lines(text, &formatted);
            let patch = diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("{name} (original)"), &format!("{name} (formatted)"))
                .to_string();
            write(out, &patch)?;
        }
    } else if path == "-" {
        write(out, &formatted)?;
    } else if !same {
        replace(path, &formatted)?;
    }
    Ok(if same { Outcome::Unchanged } else { Outcome::Changed })
}

fn write(out: &mut Out, text: &str) -> Result<(), CliError> {
    std::io::Write::write_all(out, text.as_bytes()).map_err(|e| super::out::output_error("to standard output", &e))
}

/// Replaces the file's contents through a temporary file beside it and a rename, so an
/// interrupted write never leaves half a file.
fn replace(path: &str, text: &str) -> Result<(), CliError> {
    let target = Path::new(path);
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.fmt-{}", std::process::id()));
    let what = format!("to `{path}`");
    let result = std::fs::write(&temp, text)
        .and_then(|()| {
            if let Ok(meta) = std::fs::metadata(target) {
                std::fs::set_permissions(&temp, meta.permissions())?;
            }
            Ok(())
        })
        .and_then(|()| std::fs::rename(&temp, target));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(super::out::output_error(&what, &e));
    }
    Ok(())
}

/// Every `.mflow` file under `dir`, sorted, skipping hidden directories and `target`.
fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push(dir.display().to_string());
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if path.is_dir() {
            if !hidden && path.file_name().is_none_or(|n| n != "target") {
                collect(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "mflow") {
            out.push(path.display().to_string());
        }
    }
}
