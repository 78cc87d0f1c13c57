//! `maestroc check FILES…`

use clap::{Args, ValueEnum};

use crate::diagnostics::render;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The `.mflow` files to check.
    #[arg(required = true)]
    files: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

pub fn run(args: &CheckArgs, color: bool) -> i32 {
    let analysis = super::front_end(args.files.clone());
    let errors = analysis.problems.error_count();
    let warnings = analysis.problems.len() - errors;
    match args.format {
        Format::Human => {
            super::report_human(&analysis, color);
            if errors > 0 || warnings > 0 {
                let files = if args.files.len() == 1 {
                    format!("`{}`", args.files[0])
                } else {
                    format!("{} files", args.files.len())
                };
                let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
                if errors > 0 {
                    eprintln!(
                        "error: {files} has {}{}",
                        plural(errors, "error"),
                        if warnings > 0 {
                            format!(" and {}", plural(warnings, "warning"))
                        } else {
                            String::new()
                        }
                    );
                } else {
                    eprintln!("warning: {files} has {}", plural(warnings, "warning"));
                }
            }
        }
        Format::Json => {
            let mut json = render::json(&analysis.sources, &analysis.problems);
            if let Some(list) = json.get_mut("diagnostics").and_then(|d| d.as_array_mut()) {
                for u in &analysis.unreadable {
                    list.push(serde_json::json!({
                        "code": "E0002",
                        "severity": "error",
                        "message": format!("cannot read `{}`: {}", u.path, super::describe_load_error(&u.error)),
                        "file": u.path,
                        "line": 1,
                        "column": 1,
                        "labels": [],
                        "help": null,
                    }));
                }
            }
            println!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
        }
        Format::Github => {
            print!("{}", render::github(&analysis.sources, &analysis.problems));
            for u in &analysis.unreadable {
                println!(
                    "::error file={},line=1,col=1,title=E0002::cannot read the file",
                    render::github_escape_property(&u.path)
                );
            }
        }
    }
    if analysis.unreadable.is_empty() {
        i32::from(errors > 0 || (args.deny_warnings && warnings > 0))
    } else {
        2
    }
}
