//! `POST /api/runs` (start), `POST /api/runs/{id}/cancel`, `POST /api/runs/{id}/resume`
//! and `POST /api/signals`: what `maestroc run`, `cancel`, `resume` and `signal send` do.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::error::ApiError;
use crate::serve::app::Shared;
use crate::serve::launch::{Request, Started};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartBody {
    /// A workflow's name, or `FILE::NAME` when several files define one of that name.
    workflow: String,
    /// Launch params by name; each value is read as `-p name=value` reads its text (a
    /// JSON string's text, or the JSON of any other value).
    #[serde(default)]
    params: serde_json::Map<String, Value>,
}

fn body<T>(given: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    given.map(|Json(b)| b).map_err(|e| ApiError::bad_request(e.body_text()))
}

/// A JSON value as the text `-p` or `signal send` would be given.
pub fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_)) => {
            other.to_string()
        }
    }
}

/// The workflow named, or why there is none to start.
fn find(app: &Shared, name: &str) -> Result<(std::sync::Arc<crate::serve::catalog::Loaded>, String, String), ApiError> {
    let catalog = app.catalog();
    if let Some((loaded, wf)) = catalog.find(name) {
        if !catalog.is_current(&wf.file) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "E0915",
                format!(
                    "`{}` does not check now, so workflow `{}` cannot start",
                    wf.file, wf.name
                ),
            )
            .help(
                "fix the file (`GET /api/workflows` shows its diagnostics); runs start from the file as it is on disk",
            ));
        }
        return Ok((loaded, wf.file.clone(), wf.name.clone()));
    }
    let names: Vec<String> = catalog.workflows().map(|(_, w)| w.name.clone()).collect();
    let several = names.iter().filter(|n| *n == name).count() > 1;
    let mut e = ApiError::new(
        StatusCode::NOT_FOUND,
        "E0911",
        format!("there is no workflow `{name}` served here"),
    );
    e.help = if several {
        Some(format!(
            "several files define `{name}`: name one as `FILE::{name}` (see `GET /api/workflows`)"
        ))
    } else {
        crate::diagnostics::suggest::did_you_mean(name, names.iter().map(String::as_str))
            .or_else(|| Some("`GET /api/workflows` lists the workflows".into()))
    };
    Err(e)
}

pub async fn start(
    State(app): State<Shared>,
    given: Result<Json<StartBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b = body(given)?;
    let (loaded, file, name) = find(&app, &b.workflow)?;
    let pairs: Vec<(String, String)> = b.params.iter().map(|(k, v)| (k.clone(), as_text(v))).collect();
    let Some(wf) = loaded.workflows.iter().find(|w| w.name == name) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "E0911",
            format!("there is no workflow `{name}` served here"),
        ));
    };
    // The very check `maestroc run -p` makes, on the version being served.
    if let Err(errors) = crate::runtime::params::resolve(loaded.ir.workflow(wf.id), &loaded.ir.symbols, &pairs, None) {
        let mut list = errors.into_iter();
        let first = list.next();
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "E0401",
            first
                .as_ref()
                .map_or_else(|| "the launch params cannot be used".into(), |f| f.message.clone()),
        );
        e.help = first.and_then(|f| f.help);
        e.more = list.map(|p| (p.message, p.help)).collect();
        return Err(e);
    }
    let req = Request {
        file,
        workflow: name,
        params: pairs,
        resume: None,
    };
    match app.launcher.start(&req).await {
        Started::Run(run_id) => {
            app.log(&format!("started run {run_id} of {} (API)", req.workflow));
            Ok((StatusCode::CREATED, Json(json!({ "run_id": run_id }))))
        }
        Started::Failed(why) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "E0916",
            format!("the run of `{}` could not be started: {why}", req.workflow),
        )),
    }
}

pub async fn cancel(State(app): State<Shared>, Path(id): Path<String>) -> Result<(StatusCode, Json<Value>), ApiError> {
    let run = app.store.run(&id)?;
    if app.store.request_cancel(&id)? {
        app.log(&format!("asked run {id} to stop (API)"));
        return Ok((
            StatusCode::ACCEPTED,
            Json(json!({"run_id": id, "state": run.state, "cancel_requested": true})),
        ));
    }
    if matches!(run.state.as_str(), "failed" | "timed_out") {
        app.store.finish_run(
            &id,
            "cancelled",
            None,
            Some("given up from the API (`POST /api/runs/{id}/cancel`)"),
        )?;
        return Ok((StatusCode::OK, Json(json!({"run_id": id, "state": "cancelled"}))));
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "E0912",
        format!("run `{id}` is not running (it is {})", run.state),
    ))
}

pub async fn resume(State(app): State<Shared>, Path(id): Path<String>) -> Result<(StatusCode, Json<Value>), ApiError> {
    let run = app.store.run(&id)?;
    if matches!(run.state.as_str(), "running" | "queued" | "succeeded") {
        let help = if run.state == "succeeded" {
            "a run that succeeded has nothing to resume".to_string()
        } else {
            format!("stop it first: `POST /api/runs/{id}/cancel`")
        };
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "E0912",
            format!("run `{id}` cannot be resumed: it is {}", run.state),
        )
        .help(help));
    }
    let req = Request {
        file: run.file.clone(),
        workflow: run.workflow.clone(),
        params: Vec::new(),
        resume: Some(id.clone()),
    };
    match app.launcher.start(&req).await {
        Started::Run(run_id) => {
            app.log(&format!("resumed run {run_id} (API)"));
            Ok((StatusCode::ACCEPTED, Json(json!({ "run_id": run_id }))))
        }
        Started::Failed(why) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "E0916",
            format!("run `{id}` could not be resumed: {why}"),
        )),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalBody {
    name: String,
    /// Payload fields; each value is kept as text (as `signal send key=value`).
    #[serde(default)]
    payload: serde_json::Map<String, Value>,
}

/// Longest signal name and payload the API accepts.
const MAX_NAME: usize = 256;
const MAX_PAYLOAD: usize = 64 * 1024;

pub async fn signal(
    State(app): State<Shared>,
    given: Result<Json<SignalBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b = body(given)?;
    if b.name.trim().is_empty() || b.name.len() > MAX_NAME {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "E0917",
            "a signal needs a name (at most 256 bytes)",
        )
        .help("send `{\"name\": \"NAME\", \"payload\": {\"key\": \"value\"}}`"));
    }
    if b.payload.keys().any(|k| k.trim().is_empty()) {
        return Err(
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "E0917", "a payload field has no key")
                .help("write each payload field as `\"key\": \"value\"`"),
        );
    }
    let payload: serde_json::Map<String, Value> = b
        .payload
        .iter()
        .map(|(k, v)| (k.trim().to_string(), Value::String(as_text(v))))
        .collect();
    let text = Value::Object(payload).to_string();
    if text.len() > MAX_PAYLOAD {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "E0917",
            format!(
                "the signal's payload is {} bytes; at most {MAX_PAYLOAD} are kept",
                text.len()
            ),
        ));
    }
    let id = app.store.send_signal(&b.name, &text)?;
    app.log(&format!("signal {} (#{id}) received (API)", b.name));
    Ok((StatusCode::CREATED, Json(json!({"id": id, "name": b.name}))))
}
