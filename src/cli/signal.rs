//! `maestroc signal send NAME key=value…` and `maestroc signal list [NAME]`: the signals
//! that `wait signal` steps wait for.

use clap::{Args, Subcommand};

use super::error::{CliError, CliResult};
use super::out::Out;
use super::runs::{open_existing_store, open_store, Format};

#[derive(Debug, Args)]
pub(super) struct SignalArgs {
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

impl SignalArgs {
    pub(super) fn wants_json(&self) -> bool {
        matches!(
            self.command,
            SignalCommand::List {
                format: Format::Json,
                ..
            }
        )
    }
}

pub(super) fn run(args: &SignalArgs) -> CliResult {
    let mut out = Out::new();
    match &args.command {
        SignalCommand::Send { name, fields } => {
            if name.trim().is_empty() {
                return Err(CliError::Param {
                    message: "a signal needs a name".into(),
                    help: Some("write `maestroc signal send NAME key=value…`".into()),
                });
            }
            let mut payload = serde_json::Map::new();
            for f in fields {
                let Some((k, v)) = f.split_once('=') else {
                    return Err(CliError::Param {
                        message: format!("`{f}` is not `key=value`"),
                        help: Some(format!("write `{f}=VALUE`")),
                    });
                };
                if k.trim().is_empty() {
                    return Err(CliError::Param {
                        message: format!("`{f}` has no key"),
                        help: Some("write each payload field as `key=value`".into()),
                    });
                }
                payload.insert(k.trim().to_string(), serde_json::Value::String(v.to_string()));
            }
            let store = open_store()?;
            let id = store.send_signal(name, &serde_json::Value::Object(payload).to_string())?;
            out.line(&id.to_string());
        }
        SignalCommand::List { name, format } => {
            let rows = match open_existing_store()? {
                Some(store) => store.signals(name.as_deref(), 0)?,
                None => Vec::new(),
            };
            for r in &rows {
                match format {
                    Format::Json => out.line(
                        &serde_json::json!({
                            "id": r.id,
                            "name": r.name,
                            "payload": serde_json::from_str::<serde_json::Value>(&r.payload).unwrap_or_default(),
                            "created_at": r.created_at,
                            "run_id": r.run_id,
                            "step": r.step,
                        })
                        .to_string(),
                    ),
                    Format::Human => out.line(&format!(
                        "{:>5}  {}  {}  {}{}",
                        r.id,
                        r.created_at,
                        r.name,
                        r.payload,
                        r.run_id
                            .as_ref()
                            .map(|id| format!("  (from {id} {})", r.step.as_deref().unwrap_or("")))
                            .unwrap_or_default()
                    )),
                }
            }
        }
    }
    out.finish()?;
    Ok(0)
}
