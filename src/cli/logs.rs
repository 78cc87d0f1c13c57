//! `maestroc logs RUN_ID [STEP]`: the stdout and stderr each attempt of a run's steps wrote.

use clap::Args;

use super::error::{CliError, CliResult};
use super::out::Out;
use super::runs::{store_with_run, Format};
use crate::store::views::InstanceFilter;

#[derive(Debug, Args)]
pub(super) struct LogsArgs {
    /// The run: its id, any prefix only it has, or `last` for the newest run.
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(super::complete::run_ids))]
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

impl LogsArgs {
    pub(super) fn wants_json(&self) -> bool {
        self.format == Format::Json
    }
}

pub(super) fn run(args: &LogsArgs) -> CliResult {
    let (store, run_id) = store_with_run(&args.run_id)?;
    store.run(&run_id)?;
    let mut attempts = store.attempts(&run_id, args.step.as_deref())?;
    if let Some(step) = &args.step {
        if attempts.is_empty() {
            let filter = InstanceFilter {
                step: Some(step.clone()),
                ..InstanceFilter::default()
            };
            let total = store.count_instances(&run_id, &filter)?;
            let exact: Option<String> = store.each_instance(&run_id, &filter, |rows| {
                let mut rows = rows;
                Iterator::find(&mut rows, |r| r.name == *step).map(|r| r.state)
            })?;
            if let (Some(state), 1) = (exact, total) {
                // The instance is there but ran no process (yet).
                let run_state = store.run(&run_id)?.state;
                return Err(CliError::NotFound {
                    message: format!(
                        "run `{run_id}` has no logs for step `{step}`: it is {}",
                        crate::runtime::result::state_words(&state, &run_state)
                    ),
                    help: None,
                    exit: super::error::EXIT_NOT_FOUND,
                });
            }
            if total > 0 {
                // A foreach step's name without an index: its instances, to pick one.
                return super::runs_show::list_instances(&store, &run_id, &filter, args.format, Some(step));
            }
            let names: Vec<String> = store
                .step_summaries(&run_id)
                .map(|s| s.into_iter().map(|s| s.step).collect())
                .unwrap_or_default();
            return Err(CliError::NotFound {
                message: format!("run `{run_id}` has no logs for step `{step}`"),
                help: crate::diagnostics::suggest::did_you_mean(step, names.iter().map(String::as_str)),
                exit: super::error::EXIT_NOT_FOUND,
            });
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
    let jobs: std::collections::HashMap<(String, u32), crate::store::jobs::JobRow> = store
        .jobs(&args.run_id, args.step.as_deref())?
        .into_iter()
        .map(|j| ((j.name.clone(), j.attempt), j))
        .collect();
    let job_of = |a: &crate::store::steps::AttemptRow| jobs.get(&(a.name.clone(), a.attempt));
    let with_logs = attempts
        .iter()
        .filter_map(|a| a.log_prefix.as_ref().map(|p| (a, p.as_str())));
    let mut out = Out::new();
    match args.format {
        Format::Json => {
            let list: Vec<serde_json::Value> = with_logs
                .map(|(a, prefix)| {
                    let mut entry = serde_json::json!({
                        "step": a.name,
                        "attempt": a.attempt,
                        "state": a.state,
                        "stdout": read(prefix, ".stdout.log"),
                        "stderr": read(prefix, ".stderr.log"),
                    });
                    if let (Some(job), Some(map)) = (job_of(a), entry.as_object_mut()) {
                        map.insert(
                            "job".into(),
                            serde_json::json!({"id": job.job_id, "node": job.node, "state": job.state}),
                        );
                    }
                    entry
                })
                .collect();
            out.json(&list);
        }
        Format::Human => {
            for (a, prefix) in with_logs {
                out.line(&format!("==> {} (attempt {}, {}) <==", a.name, a.attempt, a.state));
                if let Some(job) = job_of(a) {
                    out.line(&format!("--- {}", super::runs::job_line(job)));
                }
                for (file, label) in [(".stdout.log", "stdout"), (".stderr.log", "stderr")] {
                    let text = read(prefix, file);
                    if !text.is_empty() {
                        if label == "stderr" {
                            out.line("--- stderr");
                        }
                        out.text(&text);
                        if !text.ends_with('\n') {
                            out.line("");
                        }
                    }
                }
                if out.is_closed() {
                    break;
                }
            }
        }
    }
    out.finish()?;
    Ok(0)
}
