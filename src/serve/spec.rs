//! What `serve` reads from a workflow's IR: its run strategy and its triggers (a
//! `schedule`, `trigger on signal` clauses), each with the key its fires are recorded under.

use crate::ir::{CatchUp, IrStrategy, IrWorkflow};

/// Fires missed while no `serve` was running: none, the last one, or all (at most N).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Catchup {
    None,
    Last,
    All(u32),
}

impl Catchup {
    #[must_use]
    pub fn describe(self) -> String {
        match self {
            Catchup::None => "none".into(),
            Catchup::Last => "last".into(),
            Catchup::All(n) => format!("all(max: {n})"),
        }
    }
}

/// One trigger of a workflow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TriggerSpec {
    Schedule {
        cron: String,
        /// An IANA time zone name; `UTC` when the clause names none.
        zone: String,
        catchup: Catchup,
    },
    Signal {
        name: String,
        /// Which `trigger on signal` clause of the workflow (its `where` is read from the IR).
        index: usize,
        /// The `where` condition as written, for display.
        condition: Option<String>,
    },
}

impl TriggerSpec {
    /// The part of the trigger's key after `FILE::WORKFLOW`.
    #[must_use]
    pub fn suffix(&self) -> String {
        match self {
            TriggerSpec::Schedule { .. } => "#schedule".into(),
            TriggerSpec::Signal { name, index, .. } => format!("#signal{index}:{name}"),
        }
    }
}

/// The workflow's strategy as `runs show` writes it (its bound unevaluated).
#[must_use]
pub fn strategy(wf: &IrWorkflow) -> String {
    match &wf.settings.strategy {
        None | Some(IrStrategy::Parallel(None)) => "parallel".into(),
        Some(IrStrategy::Parallel(Some(_))) => "parallel(N)".into(),
        Some(IrStrategy::Sequential) => "sequential".into(),
        Some(IrStrategy::StrictSequential) => "strict_sequential".into(),
        Some(IrStrategy::FirstOnly) => "first_only".into(),
        Some(IrStrategy::LastOnly) => "last_only".into(),
    }
}

/// The workflow's triggers; `text` gives the source text of a span (for showing a `where`).
#[must_use]
pub fn triggers(wf: &IrWorkflow, text: &dyn Fn(crate::base::span::Span) -> String) -> Vec<TriggerSpec> {
    let mut out = Vec::new();
    if let Some(s) = &wf.settings.schedule {
        out.push(TriggerSpec::Schedule {
            cron: s.cron.clone(),
            zone: s.zone.clone(),
            catchup: match s.catchup {
                CatchUp::None => Catchup::None,
                CatchUp::Last => Catchup::Last,
                CatchUp::All { max } => Catchup::All(max),
            },
        });
    }
    for (index, t) in wf.settings.triggers.iter().enumerate() {
        out.push(TriggerSpec::Signal {
            name: t.signal.clone(),
            index,
            condition: t.filter.as_ref().map(|(_, cond)| text(cond.span)),
        });
    }
    out
}
