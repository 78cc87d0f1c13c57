//! Whether a signal starts a run of a `trigger on signal` clause, and with which params.
//! The payload's fields bind to the workflow's params of the same name, converted as `-p`
//! converts them; the other params take their defaults. The clause's `where` is then
//! evaluated with those params bound and `signal` set to the payload (a `map<string>`).

use crate::ir::{InitKind, Ir, IrWorkflow};
use crate::runtime::eval::{self, Env, Locations};
use crate::runtime::limits::{Budget, Limits};
use crate::runtime::value::Value;

/// The `-p` pairs the signal gives, or why it starts no run.
pub fn decide(
    ir: &Ir,
    wf: &IrWorkflow,
    index: usize,
    payload: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<(String, String)>, String> {
    let pairs: Vec<(String, String)> = wf
        .params
        .iter()
        .filter_map(|p| {
            payload
                .get(&p.name)
                .map(|v| (p.name.clone(), super::api::actions::as_text(v)))
        })
        .collect();
    let mut globals = crate::runtime::params::resolve(wf, &ir.symbols, &pairs, None)
        .map_err(|errors| errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; "))?;
    let Some(filter) = wf.settings.triggers.get(index).and_then(|t| t.filter.as_ref()) else {
        return Ok(pairs);
    };
    let locations = Locations::default();
    let context = crate::runtime::builtins::EvalContext::capture();
    let limits = Limits::default();
    // The defaults of params the payload does not set, in order.
    for init in &wf.init {
        // Only params are in scope of a trigger's `where` (consts and lets are E0122).
        if init.kind != InitKind::ParamDefault || globals.contains_key(&init.binding) {
            continue;
        }
        let env = Env {
            ir,
            program: &ir.symbols,
            globals: &globals,
            locations: &locations,
            context: &context,
        };
        let value = eval::eval(&env, None, &init.value, &mut Budget::new(&limits))
            .map_err(|f| format!("`{}` cannot be evaluated: {}", init.name, f.error))?;
        globals.insert(init.binding, value);
    }
    let fields: Vec<(String, Value)> = payload
        .iter()
        .map(|(k, v)| (k.clone(), Value::string(super::api::actions::as_text(v))))
        .collect();
    let env = Env {
        ir,
        program: &ir.symbols,
        globals: &globals,
        locations: &locations,
        context: &context,
    };
    let (binding, cond) = filter;
    let locals = vec![(*binding, Value::map(fields))];
    match eval::eval_with(&env, None, cond, locals, &mut Budget::new(&limits)) {
        Ok(Value::Bool(true)) => Ok(pairs),
        Ok(_) => Err("its `where` condition is false".into()),
        Err(f) => Err(format!(
            "its `where` condition cannot be evaluated on this payload: {}",
            f.error
        )),
    }
}
