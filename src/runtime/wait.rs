//! `wait signal "name" [where cond] [since D]`: waits until the run store holds a matching
//! signal received since the run started (or, with `since D`, up to D before it started;
//! a resumed run counts from its first start), oldest first; the step's declared outputs
//! are read from the signal's payload.

use std::sync::Arc;
use std::time::Duration;

use super::error::EvalError;
use super::eval::{self, Failure};
use super::frame::Frame;
use super::scheduler::{Instance, Runner};
use super::step::Try;
use super::value::Value;
use crate::ir::BindingId;
use crate::ir::{Action, IrExpr, IrStep};

/// How often the store is asked for new signals.
const POLL: Duration = Duration::from_millis(200);

/// What one `wait signal` instance waits for.
pub(super) struct WaitFor<'a> {
    /// The instance's name (`ready`, `ready[2]`).
    pub instance: &'a str,
    pub signal: &'a IrExpr,
    pub filter: Option<&'a (BindingId, IrExpr)>,
    pub timeout: Option<Duration>,
}

pub(super) async fn wait(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    s: &IrStep,
    frame: &Arc<Frame>,
    what: WaitFor<'_>,
) -> Result<Try, Failure> {
    let WaitFor {
        instance: inst_name,
        signal,
        filter,
        timeout,
    } = what;
    let env = r.env(inst);
    let mut budget = r.budget();
    let name = eval::eval(&env, Some(frame), signal, &mut budget)?.to_text();
    // Signals received before this instant do not count (the store keeps milliseconds).
    let mut cutoff = jiff::Timestamp::from_millisecond(r.context.start.as_millisecond()).unwrap_or(r.context.start);
    if let Action::Wait { since: Some(d), .. } = &s.action {
        if let Value::Duration(ms) = eval::eval(&env, Some(frame), d, &mut budget)? {
            let back = jiff::SignedDuration::from_millis(ms.max(0));
            cutoff = cutoff.checked_sub(back).unwrap_or(jiff::Timestamp::MIN);
        }
    }
    let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
    let mut said = false;
    let mut seen = 0i64;
    let mut cancel = r.cancel_receiver();
    loop {
        let rows = match r.store.signals(Some(&name), seen) {
            Ok(rows) => rows,
            Err(e) => return Ok(Try::Failed(e.to_string())),
        };
        for row in rows {
            seen = row.id;
            if row.created_at.parse::<jiff::Timestamp>().is_ok_and(|at| at < cutoff) {
                continue;
            }
            let payload: Vec<(String, Value)> = match serde_json::from_str::<serde_json::Value>(&row.payload) {
                Ok(serde_json::Value::Object(map)) => map
                    .into_iter()
                    .map(|(k, v)| {
                        let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                        (k, Value::string(text))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            // A `where` that does not apply to a payload (a field it reads is missing, a
            // value it converts is malformed) means "not this signal", never an error: one
            // malformed signal must not fail every later wait on the name.
            let matched = match filter {
                None => true,
                Some((binding, cond)) => {
                    let mut budget = r.budget();
                    let locals = vec![(*binding, Value::map(payload.clone()))];
                    match eval::eval_with(&env, Some(frame), cond, locals, &mut budget) {
                        Ok(v) => v == Value::Bool(true),
                        Err(Failure {
                            error: EvalError::Interrupted,
                            ..
                        }) => return Ok(Try::Cancelled),
                        Err(_) => false,
                    }
                }
            };
            if !matched {
                continue;
            }
            // Likewise a signal without the step's outputs in a usable form is not for this
            // step: it is passed over (and said once), and the wait goes on.
            match outputs(s, &name, row.id, &payload) {
                Ok(values) => return Ok(Try::Succeeded(values)),
                Err(why) => r.reporter.message(&format!("{}: passed over {why}", s.name)),
            }
        }
        if !said {
            // Said once, when no signal there already matched.
            said = true;
            let hint = super::wait_hint::describe(r, inst, frame, &name, filter);
            r.reporter.message_human(&format!("  {inst_name}: {hint}"));
            if let Err(e) = r.store.note_running(&r.run_id, inst_name, &hint) {
                r.store_failed(&e);
            }
        }
        let sleep = match deadline {
            Some(d) if tokio::time::Instant::now() >= d => return Ok(Try::TimedOut),
            Some(d) => POLL.min(d.saturating_duration_since(tokio::time::Instant::now())),
            None => POLL,
        };
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            _ = cancel.wait_for(|c| *c) => return Ok(Try::Cancelled),
        }
    }
}

/// The step's declared outputs, from the fields of the signal's payload, or why the
/// signal cannot give them.
fn outputs(s: &IrStep, name: &str, id: i64, payload: &[(String, Value)]) -> Result<Vec<(String, Value)>, EvalError> {
    let mut values = Vec::with_capacity(s.outputs.len());
    for (out, ty) in &s.outputs {
        let Some((_, v)) = payload.iter().find(|(k, _)| k == out) else {
            return Err(EvalError::Conversion(format!(
                "signal `{name}` (#{id}): it has no field `{out}` for the step's output `{out}`"
            )));
        };
        match Value::from_text(&v.to_text(), ty) {
            Ok(v) => values.push((out.clone(), v)),
            Err(e) => {
                return Err(EvalError::Conversion(format!(
                    "signal `{name}` (#{id}): its field `{out}` is not a valid `{ty}`: {e}"
                )))
            }
        }
    }
    Ok(values)
}
