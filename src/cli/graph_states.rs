//! `graph FILE --run RUN`: the drawing coloured by how far a run got, each step filled by
//! the state of its instances (all of a `foreach` step's together).

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::ir::graph::View;
use crate::store::views::StepSummary;

/// A step's one state in the drawing, from the states of its instances: any failure wins,
/// then anything still going, then not run, cancelled, skipped; succeeded when all did.
pub(super) fn overall(summary: &StepSummary, run_state: &str) -> &'static str {
    let has = |s: &str| summary.states.iter().any(|(state, n)| state == s && *n > 0);
    if has("failed") || has("timed_out") {
        "failed"
    } else if has("running") || has("retrying") {
        "running"
    } else if has("pending") {
        if matches!(run_state, "running" | "queued") {
            "pending"
        } else {
            "not_run"
        }
    } else if has("cancelled") {
        "cancelled"
    } else if has("succeeded") {
        "succeeded"
    } else {
        "skipped"
    }
}

/// Fill and line colours of each state.
const COLOURS: &[(&str, &str, &str)] = &[
    ("succeeded", "#c8e6c9", "#2e7d32"),
    ("failed", "#ffcdd2", "#c62828"),
    ("running", "#fff9c4", "#f9a825"),
    ("pending", "#ffffff", "#9e9e9e"),
    ("not_run", "#f5f5f5", "#9e9e9e"),
    ("cancelled", "#ffe0b2", "#ef6c00"),
    ("skipped", "#eeeeee", "#757575"),
];

fn colours(state: &str) -> (&'static str, &'static str) {
    COLOURS
        .iter()
        .find(|(s, _, _)| *s == state)
        .map_or(("#ffffff", "#000000"), |(_, fill, line)| (fill, line))
}

/// The state of each node of `view` that the run has instances of, by node id.
pub(super) fn node_states<'a>(view: &'a View, steps: &[StepSummary], run_state: &str) -> Vec<(&'a str, &'static str)> {
    let by_step: HashMap<&str, &StepSummary> = steps.iter().map(|s| (s.step.as_str(), s)).collect();
    view.nodes
        .iter()
        .filter_map(|n| {
            by_step
                .get(n.name.as_str())
                .map(|s| (n.id.as_str(), overall(s, run_state)))
        })
        .collect()
}

/// DOT node statements that fill the nodes, to go before the graph's closing brace.
pub(super) fn dot(states: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (id, state) in states {
        let (fill, line) = colours(state);
        let _ = writeln!(
            out,
            "  \"{id}\" [style=\"rounded,filled\", fillcolor=\"{fill}\", color=\"{line}\", tooltip=\"{state}\"];"
        );
    }
    out
}

/// Mermaid `classDef` and `class` lines.
pub(super) fn mermaid(states: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (state, fill, line) in COLOURS {
        if states.iter().any(|(_, s)| s == state) {
            let _ = writeln!(out, "  classDef {state} fill:{fill},stroke:{line}");
        }
    }
    for (id, state) in states {
        let _ = writeln!(out, "  class {id} {state}");
    }
    out
}
