//! Launch parameters: `-p name=value` and `--params-file`, parsed by each param's type.

use std::collections::HashMap;

use super::value::Value;
use crate::diagnostics::suggest::did_you_mean;
use crate::ir::IrWorkflow;
use crate::ir::{BindingId, Symbols as Program};

/// A launch parameter that cannot be used; the run does not start (E0401).
#[derive(Debug, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(E0401))]
pub struct ParamError {
    pub message: String,
    #[help]
    pub help: Option<String>,
}

/// Values given at launch, by param binding. `cli` wins over `file` for the same name.
pub fn resolve(
    wf: &IrWorkflow,
    program: &Program,
    cli: &[(String, String)],
    file: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Result<HashMap<BindingId, Value>, Vec<ParamError>> {
    let mut errors = Vec::new();
    let mut values = HashMap::new();
    let consts: Vec<&str> = wf
        .init
        .iter()
        .filter(|i| i.kind == crate::ir::InitKind::Const)
        .map(|i| i.name.as_str())
        .collect();
    let names: Vec<&str> = wf.params.iter().map(|p| p.name.as_str()).collect();
    let mut seen: Vec<&str> = Vec::new();
    let file_entries = file
        .into_iter()
        .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), Given::Json(v))));
    let cli_entries = cli.iter().map(|(k, v)| (k.as_str(), Given::Text(v.as_str())));
    let entries: Vec<(&str, Given<'_>)> = cli_entries.chain(file_entries).collect();
    for (name, given) in entries {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let Some(param) = wf.params.iter().find(|p| p.name == name) else {
            if consts.contains(&name) {
                errors.push(ParamError {
                    message: format!(
                        "`{name}` is a const of workflow `{}` and cannot be set at launch",
                        wf.name
                    ),
                    help: Some("make it a `param` if it should be chosen at launch".into()),
                });
            } else {
                let help = did_you_mean(name, names.iter().copied()).or_else(|| {
                    Some(if names.is_empty() {
                        format!("workflow `{}` takes no params", wf.name)
                    } else {
                        format!(
                            "its params are {}",
                            names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                        )
                    })
                });
                errors.push(ParamError {
                    message: format!("workflow `{}` has no param `{name}`", wf.name),
                    help,
                });
            }
            continue;
        };
        let converted = match given {
            Given::Text(text) => Value::from_text(text, &param.ty),
            Given::Json(json) => Value::from_json(json, &param.ty),
        };
        match converted {
            Ok(v) => {
                values.insert(param.binding, v);
            }
            Err(e) => errors.push(ParamError {
                message: format!("invalid value for param `{name}` of type `{}`: {e}", param.ty),
                help: Some(example_for(name, &param.ty)),
            }),
        }
    }
    let missing: Vec<&str> = wf
        .params
        .iter()
        .filter(|p| p.required && !values.contains_key(&p.binding) && !seen.contains(&p.name.as_str()))
        .map(|p| p.name.as_str())
        .collect();
    if !missing.is_empty() {
        errors.push(ParamError {
            message: format!(
                "missing required param{} {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            ),
            help: Some(format!(
                "pass {}",
                missing
                    .iter()
                    .map(|n| format!("-p {n}=…"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        });
    }
    let _ = program;
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

enum Given<'a> {
    Text(&'a str),
    Json(&'a serde_json::Value),
}

fn example_for(name: &str, ty: &crate::ir::Type) -> String {
    use crate::ir::Type;
    match ty {
        Type::Int => format!("write a whole number, like `-p {name}=42`"),
        Type::Float => format!("write a number, like `-p {name}=0.5`"),
        Type::Bool => "write `true` or `false`".into(),
        Type::Duration => format!("write a duration, like `-p {name}=90s` or `-p {name}=1h30m`"),
        Type::Date => format!("write an ISO date, like `-p {name}=2026-11-23`"),
        Type::String => "any text is a string".into(),
        Type::Optional(inner) => example_for(name, inner),
        Type::List(_) | Type::Map(_) | Type::Record(_) | Type::Unknown | Type::Error => {
            format!("write JSON of type `{ty}`, like `-p {name}='{}'`", sample(ty))
        }
    }
}

/// A small JSON value of type `ty`, for help lines.
fn sample(ty: &crate::ir::Type) -> String {
    use crate::ir::Type;
    match ty {
        Type::Int => "1".into(),
        Type::Float => "0.5".into(),
        Type::Bool => "true".into(),
        Type::String | Type::Unknown | Type::Error => "\"text\"".into(),
        Type::Duration => "\"5m\"".into(),
        Type::Date => "\"2026-11-23\"".into(),
        Type::Optional(inner) => sample(inner),
        Type::List(inner) => format!("[{}]", sample(inner)),
        Type::Map(inner) => format!("{{\"key\": {}}}", sample(inner)),
        Type::Record(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(n, t)| format!("\"{n}\": {}", sample(t)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
