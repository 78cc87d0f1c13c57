//! Running `foreach`, `while` and `if` nodes: instantiating their body templates.

use std::sync::Arc;

use futures_util::stream::{FuturesUnordered, StreamExt as _};

use super::error::RuntimeError;
use super::eval::{self, Failure};
use super::frame::Frame;
use super::scheduler::{Instance, Runner};
use super::value::Value;
use crate::ir::BindingId;
use crate::ir::{Action, Body, IrForeach, IrIf, IrWhile, Node};

/// Iterations of one `foreach` kept in flight at most, whatever its `concurrency`:
/// steps are bounded by the run's semaphores, this bounds memory.
const MAX_IN_FLIGHT: usize = 4096;

/// The default `limit` of a `while` (docs/language.md, "Loops").
pub const DEFAULT_WHILE_LIMIT: i64 = 10_000;

/// Creates the frame of one body instance: its variables, then its `let`s in order.
fn body_frame(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    parent: &Arc<Frame>,
    mut vars: Vec<(BindingId, Value)>,
    body: &Body,
    suffix: String,
) -> Result<Arc<Frame>, Failure> {
    for (binding, expr) in &body.lets {
        let temp = Arc::new(Frame::new(Some(parent.clone()), vars.clone(), 0, String::new()));
        let mut budget = r.budget();
        let value = eval::eval(&r.env(inst), Some(&temp), expr, &mut budget)?;
        vars.push((*binding, value));
    }
    Ok(Arc::new(Frame::new(
        Some(parent.clone()),
        vars,
        body.graph.node_count(),
        suffix,
    )))
}

/// A loop's `concurrency` or `limit`, evaluated where the loop runs; below 1 is E0210 (a
/// value the launch could not check, as it reads loop variables or step outputs).
fn int_setting(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    frame: &Arc<Frame>,
    (setting, expr): (&'static str, Option<&crate::ir::IrExpr>),
    name: &str,
) -> Result<Option<i64>, ()> {
    let Some(expr) = expr else { return Ok(None) };
    let mut budget = r.budget();
    match eval::eval(&r.env(inst), Some(frame), expr, &mut budget) {
        Ok(Value::Int(n)) if n < 1 => {
            r.reporter.error(
                r.sources,
                RuntimeError::InvalidSetting {
                    setting,
                    value: n.to_string(),
                    why: "it must be at least 1",
                    span: expr.span,
                    help: Some(format!(
                        "in {name}: this value is known only while the run goes on; make sure it is at least 1"
                    )),
                },
            );
            Err(())
        }
        Ok(Value::Int(n)) => Ok(Some(n)),
        Ok(_) => Ok(None),
        Err(failure) => {
            r.report_failure(name, &failure);
            Err(())
        }
    }
}

/// Whether anything can read a finished iteration of this body: only the outputs of its
/// steps (gathered outside the loop) live in an iteration's frame. A body without outputs
/// lets each iteration's frame go as soon as it ends, so memory stays flat however many
/// iterations run.
fn keeps_iterations(body: &Body) -> bool {
    body.graph.node_weights().any(|node| match node {
        Node::Step(s) => !s.outputs.is_empty() || matches!(s.action, Action::Call { .. }),
        Node::Foreach(f) => keeps_iterations(&f.body),
        Node::While(w) => keeps_iterations(&w.body),
        Node::If(x) => {
            x.branches.iter().any(|b| keeps_iterations(&b.body)) || x.else_body.as_ref().is_some_and(keeps_iterations)
        }
    })
}

/// The steps one instance of `body` surely makes: its own steps (an `if`'s branches and
/// nested loops may make none).
fn direct_steps(body: &Body) -> u64 {
    let n = body
        .graph
        .node_weights()
        .filter(|node| matches!(node, Node::Step(_)))
        .count();
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn fail(r: &Runner<'_>, name: &str, failure: &Failure) {
    r.report_failure(name, failure);
    r.mark_failed();
    r.stop_starting();
}

pub(super) async fn run_foreach(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    f: &IrForeach,
    frame: &Arc<Frame>,
) -> (Vec<Arc<Frame>>, bool) {
    let label = format!("{}foreach{}", inst.prefix, frame.suffix);
    let mut lists: Vec<(BindingId, Arc<Vec<Value>>)> = Vec::with_capacity(f.vars.len());
    for (binding, expr) in &f.vars {
        let mut budget = r.budget();
        match eval::eval(&r.env(inst), Some(frame), expr, &mut budget) {
            Ok(Value::List(items)) => lists.push((*binding, items)),
            Ok(_) => lists.push((*binding, Arc::new(Vec::new()))),
            Err(failure) => {
                fail(r, &label, &failure);
                return (Vec::new(), false);
            }
        }
    }
    let total = lists.iter().try_fold(1usize, |acc, (_, l)| acc.checked_mul(l.len()));
    let Some(total) = total else {
        r.reporter.message(&format!(
            "error: the `foreach` in {label} has too many iterations to count"
        ));
        r.mark_failed();
        r.stop_starting();
        return (Vec::new(), false);
    };
    // Known before expanding: the iterations times the steps each one makes at least.
    let per_iteration = direct_steps(&f.body);
    let least = u64::try_from(total).unwrap_or(u64::MAX).saturating_mul(per_iteration);
    if !r.room_for_instances(least, &format!("this `foreach` of {total} iterations"), f.span) {
        return (Vec::new(), false);
    }
    let Ok(concurrency) = int_setting(r, inst, frame, ("concurrency", f.concurrency.as_ref()), &label) else {
        r.mark_failed();
        r.stop_starting();
        return (Vec::new(), false);
    };
    let in_flight = concurrency
        .map_or(MAX_IN_FLIGHT, |c| usize::try_from(c.max(1)).unwrap_or(1))
        .min(MAX_IN_FLIGHT);
    let keep = keeps_iterations(&f.body);
    let mut frames: Vec<Option<Arc<Frame>>> = Vec::new();
    let mut next = 0usize;
    let mut ok = true;
    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < in_flight && next < total && !r.stopped() {
            let index = next;
            next += 1;
            let mut vars = Vec::with_capacity(lists.len());
            let mut rest = index;
            for (binding, list) in lists.iter().rev() {
                vars.push((*binding, list[rest % list.len()].clone()));
                rest /= list.len();
            }
            vars.reverse();
            let suffix = format!("{}[{index}]", frame.suffix);
            let label = &label;
            running.push(async move {
                match body_frame(r, inst, frame, vars, &f.body, suffix) {
                    Ok(child) => {
                        let ok = Box::pin(r.run_body(inst, &f.body, child.clone())).await;
                        (index, Some(child), ok)
                    }
                    Err(failure) => {
                        fail(r, label, &failure);
                        (index, None, false)
                    }
                }
            });
        }
        let Some((index, child, body_ok)) = running.next().await else {
            break;
        };
        // Iterations of no-op steps finish without waiting: let signals and cancel in.
        tokio::task::yield_now().await;
        if keep {
            if frames.len() <= index {
                frames.resize(index + 1, None);
            }
            frames[index] = child;
        }
        ok &= body_ok;
    }
    if next < total {
        ok = false;
    }
    (frames.into_iter().flatten().collect(), ok)
}

pub(super) async fn run_while(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    w: &IrWhile,
    frame: &Arc<Frame>,
) -> (Vec<Arc<Frame>>, bool) {
    let label = format!("{}while{}", inst.prefix, frame.suffix);
    let mut vars: Vec<(BindingId, Value)> = Vec::with_capacity(w.vars.len());
    for (binding, expr) in &w.vars {
        let mut budget = r.budget();
        match eval::eval(&r.env(inst), Some(frame), expr, &mut budget) {
            Ok(v) => vars.push((*binding, v)),
            Err(failure) => {
                fail(r, &label, &failure);
                return (Vec::new(), false);
            }
        }
    }
    let Ok(limit) = int_setting(r, inst, frame, ("limit", w.limit.as_ref()), &label) else {
        r.mark_failed();
        r.stop_starting();
        return (Vec::new(), false);
    };
    let limit = limit.unwrap_or(DEFAULT_WHILE_LIMIT);
    let keep = keeps_iterations(&w.body);
    let mut frames = Vec::new();
    let mut k: i64 = 0;
    loop {
        if r.stopped() {
            return (frames, false);
        }
        let mut budget = r.budget();
        let go = match eval::eval_with(&r.env(inst), Some(frame), &w.cond, vars.clone(), &mut budget) {
            Ok(v) => v == Value::Bool(true),
            Err(failure) => {
                fail(r, &label, &failure);
                return (frames, false);
            }
        };
        if !go {
            return (frames, true);
        }
        if k >= limit {
            r.reporter.loop_limit(r.sources, &label, limit, w.span);
            r.mark_failed();
            r.stop_starting();
            return (frames, false);
        }
        let suffix = format!("{}[{k}]", frame.suffix);
        let child = match body_frame(r, inst, frame, vars.clone(), &w.body, suffix) {
            Ok(child) => child,
            Err(failure) => {
                fail(r, &label, &failure);
                return (frames, false);
            }
        };
        let ok = Box::pin(r.run_body(inst, &w.body, child.clone())).await;
        tokio::task::yield_now().await;
        if keep {
            frames.push(child.clone());
        }
        if !ok {
            return (frames, false);
        }
        let mut updated = vars.clone();
        for (binding, expr) in &w.next {
            let mut budget = r.budget();
            match eval::eval(&r.env(inst), Some(&child), expr, &mut budget) {
                Ok(v) => {
                    if let Some(slot) = updated.iter_mut().find(|(b, _)| b == binding) {
                        slot.1 = v;
                    }
                }
                Err(failure) => {
                    fail(r, &label, &failure);
                    return (frames, false);
                }
            }
        }
        vars = updated;
        k += 1;
    }
}

pub(super) async fn run_if(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    x: &IrIf,
    frame: &Arc<Frame>,
) -> (Option<(u32, Arc<Frame>)>, bool) {
    let label = format!("{}if{}", inst.prefix, frame.suffix);
    let mut taken: Option<(usize, &Body)> = None;
    for (n, branch) in x.branches.iter().enumerate() {
        let mut budget = r.budget();
        match eval::eval(&r.env(inst), Some(frame), &branch.cond, &mut budget) {
            Ok(Value::Bool(true)) => {
                taken = Some((n, &branch.body));
                break;
            }
            Ok(_) => {}
            Err(failure) => {
                fail(r, &label, &failure);
                return (None, false);
            }
        }
    }
    if taken.is_none() {
        if let Some(body) = &x.else_body {
            taken = Some((x.branches.len(), body));
        }
    }
    for (n, branch) in x.branches.iter().enumerate() {
        if taken.map(|(t, _)| t) != Some(n) {
            r.skip_body(inst, &branch.body, &frame.suffix);
        }
    }
    if let Some(body) = &x.else_body {
        if taken.map(|(t, _)| t) != Some(x.branches.len()) {
            r.skip_body(inst, body, &frame.suffix);
        }
    }
    let Some((n, body)) = taken else {
        return (None, true);
    };
    let child = match body_frame(r, inst, frame, Vec::new(), body, frame.suffix.clone()) {
        Ok(child) => child,
        Err(failure) => {
            fail(r, &label, &failure);
            return (None, false);
        }
    };
    let ok = Box::pin(r.run_body(inst, body, child.clone())).await;
    (Some((u32::try_from(n).unwrap_or(u32::MAX), child)), ok)
}
