//! The workflows `serve` knows: each file's last check and its last good version. A file
//! that stops checking is reported (in the log and the API) and its previous good version
//! keeps being served (W0040) until it checks again.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostics::render::RenderOptions;
use crate::ir::{Ir, WorkflowId};

use super::spec::{self, TriggerSpec};

/// What `serve` needs to read source files (the CLI's `--project-root` and friends).
#[derive(Clone, Debug, Default)]
pub struct SourceOptions {
    pub max_source_bytes: u64,
    pub imports: crate::driver::Options,
}

/// A good (checking) version of one file.
pub struct Loaded {
    pub file: String,
    pub ir: Ir,
    pub workflows: Vec<Workflow>,
    /// When this version was checked (RFC 3339).
    pub checked_at: String,
}

/// One workflow of a loaded file.
pub struct Workflow {
    pub id: WorkflowId,
    pub name: String,
    pub file: String,
    /// `FILE::NAME`: the key runs of this workflow share (its strategy's scope).
    pub key: String,
    /// `(name, type, required)` of each param.
    pub params: Vec<(String, String, bool)>,
    pub strategy: String,
    pub triggers: Vec<TriggerSpec>,
    /// The step graph (`maestroc graph --format json` of this workflow).
    pub graph: serde_json::Value,
}

/// The last check of a file.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CheckReport {
    pub ok: bool,
    pub checked_at: String,
    pub errors: usize,
    pub warnings: usize,
    /// The diagnostics as `maestroc check` prints them (no colour).
    pub diagnostics: String,
}

/// One served file.
pub struct FileState {
    /// The text last checked (`None` when it could not be read).
    pub text: Option<String>,
    pub last: CheckReport,
    pub good: Option<Arc<Loaded>>,
}

#[derive(Default)]
pub struct Catalog {
    pub files: BTreeMap<String, FileState>,
}

/// What checking a file gave.
pub struct Outcome {
    pub text: Option<String>,
    pub report: CheckReport,
    pub loaded: Option<Loaded>,
}

impl Catalog {
    /// Every workflow of every file's good version.
    pub fn workflows(&self) -> impl Iterator<Item = (&Arc<Loaded>, &Workflow)> {
        self.files
            .values()
            .filter_map(|f| f.good.as_ref())
            .flat_map(|l| l.workflows.iter().map(move |w| (l, w)))
    }

    /// The workflow with this key (`FILE::NAME`), or the only one with this name.
    pub fn find(&self, name_or_key: &str) -> Option<(Arc<Loaded>, &Workflow)> {
        if let Some(found) = self.workflows().find(|(_, w)| w.key == name_or_key) {
            return Some((found.0.clone(), found.1));
        }
        let mut named = self.workflows().filter(|(_, w)| w.name == name_or_key);
        let first = named.next()?;
        if named.next().is_some() {
            return None;
        }
        Some((first.0.clone(), first.1))
    }

    /// Whether the file's current text checks (false while it is broken and an older
    /// version is served).
    pub fn is_current(&self, file: &str) -> bool {
        self.files.get(file).is_some_and(|f| f.last.ok)
    }

    /// Records a check; returns a line for the log when the file's state changed.
    pub fn record(&mut self, file: &str, outcome: Outcome) -> Option<String> {
        let previous = self.files.get(file).map(|f| (f.last.ok, f.good.is_some()));
        let entry = self.files.entry(file.to_string()).or_insert_with(|| FileState {
            text: None,
            last: outcome.report.clone(),
            good: None,
        });
        entry.text = outcome.text;
        entry.last = outcome.report;
        if let Some(loaded) = outcome.loaded {
            let n = loaded.workflows.len();
            entry.good = Some(Arc::new(loaded));
            return match previous {
                Some((true, _)) => Some(format!("reloaded {file} ({n} workflow(s))")),
                Some((false, _)) | None => Some(format!("serving {file} ({n} workflow(s))")),
            };
        }
        let diagnostics = entry.last.diagnostics.trim_end();
        Some(if entry.good.is_some() {
            format!(
                "warning[W0040]: {file} no longer checks ({} error(s)); its previous version keeps serving\n{diagnostics}",
                entry.last.errors
            )
        } else {
            format!(
                "error: {file} does not check ({} error(s)); it is not served\n{diagnostics}",
                entry.last.errors
            )
        })
    }
}

/// Reads, checks and lowers one file (on a thread with a large stack, like the CLI).
pub fn check(file: &str, options: &SourceOptions) -> Outcome {
    let text = crate::loader::read_source(file, options.max_source_bytes).ok();
    let file_owned = file.to_string();
    let opts = options.clone();
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || check_on_this_thread(&file_owned, &opts));
    let result = worker.ok().and_then(|w| w.join().ok());
    let now = crate::store::now();
    match result {
        Some((report, loaded)) => Outcome {
            text,
            report: CheckReport {
                checked_at: now.clone(),
                ..report
            },
            loaded: loaded.map(|mut l| {
                l.checked_at = now;
                l
            }),
        },
        None => Outcome {
            text,
            report: CheckReport {
                ok: false,
                checked_at: now,
                errors: 1,
                warnings: 0,
                diagnostics: "the checker stopped unexpectedly on this file".into(),
            },
            loaded: None,
        },
    }
}

fn check_on_this_thread(file: &str, options: &SourceOptions) -> (CheckReport, Option<Loaded>) {
    let loader = crate::loader::FsLoader::with_limit(options.max_source_bytes);
    let analysis = crate::driver::analyze_with(&loader, &[file.to_string()], &options.imports);
    let render = RenderOptions {
        color: false,
        width: 100,
    };
    let mut diagnostics = crate::diagnostics::render::human(&analysis.sources, &analysis.problems, &render);
    for u in &analysis.unreadable {
        let _ = writeln!(diagnostics, "error: cannot read `{}`: {}", u.path, u.error.reason());
    }
    let errors = analysis.problems.error_count() + analysis.unreadable.len();
    let report = CheckReport {
        ok: errors == 0,
        checked_at: String::new(),
        errors,
        warnings: analysis.problems.len() - analysis.problems.error_count(),
        diagnostics,
    };
    if errors > 0 {
        return (report, None);
    }
    let Some(checked) = analysis.checked() else {
        return (report, None);
    };
    let ir = crate::ir::lower::lower(&checked);
    let Some(root) = analysis.roots.first().copied() else {
        return (report, None);
    };
    let mut workflows = Vec::new();
    for (i, info) in analysis.program.workflows.iter().enumerate() {
        if info.module != root {
            continue;
        }
        let id = WorkflowId(u32::try_from(i).unwrap_or(u32::MAX));
        let wf = ir.workflow(id);
        let view = crate::ir::view::graph::view(wf, &analysis.program, &analysis.sources);
        workflows.push(Workflow {
            id,
            name: wf.name.clone(),
            file: file.to_string(),
            key: format!("{file}::{}", wf.name),
            params: wf
                .params
                .iter()
                .map(|p| (p.name.clone(), p.ty.to_string(), p.required))
                .collect(),
            strategy: spec::strategy(wf),
            triggers: spec::triggers(wf, &|span| analysis.sources.get(span.file).slice(span).to_string()),
            graph: crate::ir::view::graph::view_json(&view),
        });
    }
    let loaded = Loaded {
        file: file.to_string(),
        ir,
        workflows,
        checked_at: String::new(),
    };
    (report, Some(loaded))
}

/// The files of `paths` as strings.
pub fn file_names(paths: &[PathBuf]) -> Vec<String> {
    super::discover::files(paths)
        .into_iter()
        .map(|p| p.display().to_string())
        .collect()
}
