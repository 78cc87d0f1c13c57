//! `maestroc check FILES…`: parse, resolve and type-check; run nothing; report everything.

use clap::{Args, ValueEnum};

use super::error::CliResult;
use super::out::Out;
use super::Ctx;
use crate::diagnostics::render;

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// The `.mflow` files to check; a directory stands for the `.mflow` files under it.
    #[arg(required = true, value_name = "FILES")]
    files: Vec<String>,
    /// Output format: human (stderr), short, json, sarif or github (stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// miette's graphical report on stderr, then a summary line.
    Human,
    /// One line per problem on stdout, `file:line:col: error[CODE]: message` (vim's
    /// quickfix, Emacs' compile mode, grep-like tools).
    Short,
    /// One `{"diagnostics": [...]}` object on stdout.
    Json,
    /// One SARIF 2.1.0 log on stdout, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error …`), one per line on stdout.
    Github,
}

/// Runs `check`; returns 0 clean, 1 errors (or warnings with `--deny-warnings`), 2 when a
/// file could not be read.
impl CheckArgs {
    pub(super) fn wants_json(&self) -> bool {
        self.format == Format::Json
    }
}

pub(super) fn run(args: &CheckArgs, ctx: &Ctx) -> CliResult {
    let options = &ctx.render();
    let files = super::sources::expand(&args.files)?;
    let analysis = super::front_end(files.clone(), ctx)?;
    let mut out = Out::new();
    let errors = analysis.problems.error_count();
    let warnings = analysis.problems.len() - errors;
    let code = if analysis.unreadable.is_empty() {
        i32::from(errors > 0 || (args.deny_warnings && warnings > 0))
    } else {
        2
    };
    match args.format {
        Format::Human => {
            super::report::human(&analysis, options);
            let what = match files.as_slice() {
                [one] => format!("`{one}`"),
                many => format!("{} files", many.len()),
            };
            if let Some(line) = render::summary(&what, errors + analysis.unreadable.len(), warnings, args.deny_warnings)
            {
                eprintln!("{line}");
            }
        }
        Format::Json => {
            let mut json = render::json(&analysis.sources, &analysis.problems);
            if let Some(list) = json.get_mut("diagnostics").and_then(|d| d.as_array_mut()) {
                list.extend(analysis.unreadable.iter().map(super::report::unreadable_json));
            }
            out.json(&json);
        }
        Format::Short => {
            let mut text = render::short(&analysis.sources, &analysis.problems);
            for u in &analysis.unreadable {
                text.push_str(&render::short::line(
                    &u.path,
                    (1, 1),
                    "error",
                    super::report::UNREADABLE,
                    &super::report::unreadable_message(u),
                ));
            }
            out.text(&text);
        }
        Format::Sarif => {
            let context = render::SarifContext {
                builtin: analysis
                    .modules
                    .iter()
                    .filter(|m| m.is_stdlib)
                    .map(|m| m.file)
                    .collect(),
                unreadable: analysis
                    .unreadable
                    .iter()
                    .map(|u| render::FileProblem {
                        code: super::report::UNREADABLE.to_string(),
                        path: u.path.clone(),
                        message: super::report::unreadable_message(u),
                    })
                    .collect(),
                src_root: std::env::current_dir().ok().map(|d| render::sarif::dir_uri(&d)),
                exit_code: code,
            };
            let log = render::sarif(&analysis.sources, &analysis.problems, &context);
            out.json(&log);
        }
        Format::Github => {
            let mut text = render::github(&analysis.sources, &analysis.problems);
            for u in &analysis.unreadable {
                text.push_str(&render::github::annotation(
                    "error",
                    &u.path,
                    (1, 1),
                    (1, 1),
                    super::report::UNREADABLE,
                    &super::report::unreadable_message(u),
                ));
            }
            out.text(&text);
        }
    }
    // The process ends next: freeing a large program's syntax trees and tables one by one
    // costs more than a tenth of checking it, and the operating system takes the memory
    // back at once anyway.
    std::mem::forget(analysis);
    out.finish()?;
    Ok(code)
}
