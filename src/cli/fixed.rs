//! Params declared `fixed` (docs/language.md): `resume -p` and `restart -p` cannot change
//! them (E0422).

use std::collections::HashMap;

use super::error::CliError;
use super::Ctx;
use crate::ir::{BindingId, IrWorkflow};
use crate::runtime::value::Value;

/// Refuses a `-p` that changes a fixed param's value from the one the run recorded (or,
/// when it recorded none, from its default). Every such param is reported; the last is
/// returned.
pub(super) fn check<S: std::hash::BuildHasher>(
    wf: &IrWorkflow,
    command: &str,
    run_id: &str,
    given: &[(String, String)],
    params: &HashMap<BindingId, Value, S>,
    recorded: &serde_json::Map<String, serde_json::Value>,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let mut errors: Vec<CliError> = wf
        .params
        .iter()
        .filter(|p| p.fixed && given.iter().any(|(name, _)| *name == p.name))
        .filter_map(|p| {
            let new = params.get(&p.binding).map(Value::to_json);
            let old = recorded.get(&p.name);
            if new.as_ref() == old {
                return None;
            }
            let was = match old {
                Some(v) => format!("run `{run_id}` has {} = {v}", p.name),
                None => format!("run `{run_id}` used its default"),
            };
            Some(CliError::FixedParam {
                name: p.name.clone(),
                command: command.to_string(),
                was,
            })
        })
        .collect();
    let Some(last) = errors.pop() else {
        return Ok(());
    };
    for e in &errors {
        eprint!("{}", crate::diagnostics::render::render(e, None, &ctx.render()));
    }
    Err(last)
}
