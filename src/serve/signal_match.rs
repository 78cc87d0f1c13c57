//! Whether a signal starts a run of a `trigger on signal` clause, and with which params:
//! the payload's fields bind to the workflow's params of the same name, read as `-p`
//! reads them (so a field that does not fit its param's type is reported, not run).

use crate::ir::{Ir, IrWorkflow};

/// The `-p` pairs the signal gives, or why it starts no run.
pub fn decide(
    ir: &Ir,
    wf: &IrWorkflow,
    _index: usize,
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
    crate::runtime::params::resolve(wf, &ir.symbols, &pairs, None)
        .map_err(|errors| errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; "))?;
    Ok(pairs)
}
