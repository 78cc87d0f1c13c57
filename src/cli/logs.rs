//! `maestroc logs RUN_ID [STEP]`: the stdout and stderr each attempt of a run's steps wrote.

use clap::Args;

use super::runs::{open_store, Format};

#[derive(Debug, Args)]
pub struct LogsArgs {
    run_id: String,
    /// One step instance, like `extract` or `load[3]` (all of them when left out).
    step: Option<String>,
    /// Every attempt, not only each instance's last one.
    #[arg(long)]
    all_attempts: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// A log's text; a step may have replaced its log with a FIFO or a device, which reads as
/// nothing rather than hanging or filling the memory.
fn read(prefix: &str, suffix: &str) -> String {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    if let Ok(mut file) = crate::runtime::regular::open(std::path::Path::new(&format!("{prefix}{suffix}"))) {
        let _ = file.read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

pub fn run(args: &LogsArgs) -> i32 {
    let Some(store) = open_store() else { return 2 };
    if let Err(e) = store.run(&args.run_id) {
        eprintln!("error: {e}");
        return 1;
    }
    let mut attempts = match store.attempts(&args.run_id, args.step.as_deref()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    if let Some(step) = &args.step {
        if attempts.is_empty() {
            let names: Vec<String> = store
                .steps(&args.run_id)
                .map(|s| s.into_iter().map(|s| s.name).collect())
                .unwrap_or_default();
            let hint = crate::diagnostics::suggest::did_you_mean(step, names.iter().map(String::as_str))
                .map(|h| format!("\n  help: {h}"))
                .unwrap_or_default();
            eprintln!("error: run `{}` has no logs for step `{step}`{hint}", args.run_id);
            return 1;
        }
    }
    if !args.all_attempts {
        // Keep each instance's last attempt.
        let mut last: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        for a in &attempts {
            let e = last.entry(a.name.clone()).or_insert(0);
            *e = (*e).max(a.attempt);
        }
        attempts.retain(|a| last.get(&a.name) == Some(&a.attempt));
    }
    let with_logs = attempts
        .iter()
        .filter_map(|a| a.log_prefix.as_ref().map(|p| (a, p.as_str())));
    match args.format {
        Format::Json => {
            let list: Vec<serde_json::Value> = with_logs
                .map(|(a, prefix)| {
                    serde_json::json!({
                        "step": a.name,
                        "attempt": a.attempt,
                        "state": a.state,
                        "stdout": read(prefix, ".stdout.log"),
                        "stderr": read(prefix, ".stderr.log"),
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
        }
        Format::Human => {
            for (a, prefix) in with_logs {
                println!("==> {} (attempt {}, {}) <==", a.name, a.attempt, a.state);
                for (file, label) in [(".stdout.log", "stdout"), (".stderr.log", "stderr")] {
                    let text = read(prefix, file);
                    if !text.is_empty() {
                        if label == "stderr" {
                            println!("--- stderr");
                        }
                        print!("{text}");
                        if !text.ends_with('\n') {
                            println!();
                        }
                    }
                }
            }
        }
    }
    0
}
