//! `maestroc explain CODE`

use clap::Args;

use crate::diagnostics::explain;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A diagnostic code, like `E0104`.
    #[arg(required_unless_present = "list")]
    code: Option<String>,
    /// List every code.
    #[arg(long)]
    list: bool,
}

pub fn run(args: &ExplainArgs) -> i32 {
    if args.list {
        for code in explain::codes() {
            let title = explain::lookup(code)
                .and_then(|t| t.lines().next())
                .map(|l| l.trim_start_matches('#').trim().to_string())
                .unwrap_or_default();
            println!("{title}");
        }
        return 0;
    }
    let code = args.code.clone().unwrap_or_default();
    match explain::lookup(&code) {
        Some(text) => {
            print!("{text}");
            0
        }
        None => {
            let normalized = explain::normalize(&code);
            eprintln!("error: there is no diagnostic code `{normalized}`");
            let codes: Vec<&str> = explain::codes().collect();
            if let Some(hint) = crate::diagnostics::suggest::did_you_mean(&normalized, codes.iter().copied()) {
                eprintln!("  help: {hint}");
            } else {
                eprintln!("  help: `maestroc explain --list` lists every code");
            }
            2
        }
    }
}
