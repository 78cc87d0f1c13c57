//! `maestroc signal send NAME key=value…` and `maestroc signal list [NAME]`: the signals
//! that `wait signal` steps wait for.

use clap::{Args, Subcommand};

use super::runs::{open_store, Format};

#[derive(Debug, Args)]
pub struct SignalArgs {
    #[command(subcommand)]
    command: SignalCommand,
}

#[derive(Debug, Subcommand)]
enum SignalCommand {
    /// Record a signal; waiting steps whose `where` it satisfies go on.
    Send {
        name: String,
        /// Payload fields, each `key=value`.
        #[arg(value_name = "KEY=VALUE")]
        fields: Vec<String>,
    },
    /// The signals recorded, oldest first.
    List {
        name: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

pub fn run(args: &SignalArgs) -> i32 {
    match &args.command {
        SignalCommand::Send { name, fields } => {
            if name.trim().is_empty() {
                eprintln!("error: a signal needs a name\n  help: write `maestroc signal send NAME key=value…`, with the name a `wait signal` step waits for");
                return 2;
            }
            let mut payload = serde_json::Map::new();
            for f in fields {
                let Some((k, v)) = f.split_once('=') else {
                    eprintln!("error: `{f}` is not `key=value`\n  help: write `{f}=VALUE`");
                    return 2;
                };
                if k.trim().is_empty() {
                    eprintln!("error: `{f}` has no key before `=`\n  help: write `key{f}`, naming the field a `where` or an output reads");
                    return 2;
                }
                payload.insert(k.trim().to_string(), serde_json::Value::String(v.to_string()));
            }
            // Opened once the signal is known to be valid: a refused one creates nothing.
            let Some(store) = open_store() else { return 2 };
            match store.send_signal(name, &serde_json::Value::Object(payload).to_string()) {
                Ok(id) => {
                    println!("{id}");
                    0
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    1
                }
            }
        }
        SignalCommand::List { name, format } => {
            let Some(store) = open_store() else { return 2 };
            let rows = match store.signals(name.as_deref(), 0) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return 1;
                }
            };
            for r in &rows {
                match format {
                    Format::Json => println!(
                        "{}",
                        serde_json::json!({
                            "id": r.id,
                            "name": r.name,
                            "payload": serde_json::from_str::<serde_json::Value>(&r.payload).unwrap_or_default(),
                            "created_at": r.created_at,
                            "run_id": r.run_id,
                            "step": r.step,
                        })
                    ),
                    Format::Human => println!(
                        "{:>5}  {}  {}  {}{}",
                        r.id,
                        r.created_at,
                        r.name,
                        r.payload,
                        r.run_id
                            .as_ref()
                            .map(|id| format!("  (from {id} {})", r.step.as_deref().unwrap_or("")))
                            .unwrap_or_default()
                    ),
                }
            }
            0
        }
    }
}
