//! `GET /api/runs`, `GET /api/runs/{id}`, `GET /api/runs/{id}/steps` and
//! `GET /api/runs/{id}/logs`: what the store knows of runs, read as it is written.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::error::ApiError;
use crate::serve::app::Shared;
use crate::store::runs::RunRow;
use crate::store::steps::{AttemptRow, StepRow};

/// The run states a filter may name.
pub const STATES: &[&str] = &["queued", "running", "succeeded", "failed", "timed_out", "cancelled"];

/// A JSON text from the store (`null` when absent or not JSON).
pub fn json_of(text: Option<&str>) -> Value {
    text.and_then(|t| serde_json::from_str(t).ok()).unwrap_or(Value::Null)
}

/// Milliseconds between two store times.
fn millis(from: Option<&str>, to: Option<&str>) -> Option<i64> {
    let a: jiff::Timestamp = from?.parse().ok()?;
    let b: jiff::Timestamp = to?.parse().ok()?;
    i64::try_from(b.duration_since(a).as_millis()).ok()
}

pub fn run_json(r: &RunRow) -> Value {
    let now = crate::store::now();
    let end = r
        .ended_at
        .as_deref()
        .or(if r.state == "running" { Some(now.as_str()) } else { None });
    json!({
        "run_id": r.run_id,
        "workflow": r.workflow,
        "file": r.file,
        "workflow_key": r.workflow_key,
        "state": r.state,
        "strategy": r.strategy,
        "params": json_of(Some(&r.params)),
        "outputs": json_of(r.outputs.as_deref()),
        "created_at": r.created_at,
        "started_at": r.started_at,
        "ended_at": r.ended_at,
        "duration_ms": millis(r.started_at.as_deref(), end),
        "message": r.message,
        "resumes": r.resumes,
    })
}

fn step_json(s: &StepRow) -> Value {
    json!({
        "name": s.name,
        "state": s.state,
        "attempts": s.attempts,
        "outputs": json_of(s.outputs.as_deref()),
        "started_at": s.started_at,
        "ended_at": s.ended_at,
        "message": s.message,
    })
}

fn attempt_json(a: &AttemptRow) -> Value {
    json!({
        "step": a.name,
        "attempt": a.attempt,
        "state": a.state,
        "started_at": a.started_at,
        "ended_at": a.ended_at,
        "message": a.message,
        "has_logs": a.log_prefix.is_some(),
    })
}

#[derive(Debug, Deserialize)]
pub struct RunsQuery {
    workflow: Option<String>,
    state: Option<String>,
    limit: Option<usize>,
    /// The `next` of the previous page.
    before: Option<i64>,
}

/// Runs on one page at most.
const MAX_PAGE: usize = 500;

pub async fn list(
    State(app): State<Shared>,
    query: Result<Query<RunsQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    if let Some(s) = &q.state {
        if !STATES.contains(&s.as_str()) {
            return Err(ApiError::bad_request(format!("`{s}` is not a run state"))
                .help(format!("the states are {}", STATES.join(", "))));
        }
    }
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let page = app
        .store
        .runs_page(q.workflow.as_deref(), q.state.as_deref(), q.before, limit)?;
    Ok(Json(json!({
        "runs": page.runs.iter().map(|(_, r)| run_json(r)).collect::<Vec<_>>(),
        "next": page.next,
    })))
}

/// `load[3][1]` → `load`; `sub/extract[2]` → `sub/extract`: the graph node an instance is of.
pub fn node_of(instance: &str) -> &str {
    instance.find('[').map_or(instance, |i| &instance[..i])
}

/// Instances listed per graph node in a run's summary; the rest by `GET …/steps`.
const SHOWN_PER_NODE: usize = 20;
/// Attempts listed in a run's timeline.
const MAX_ATTEMPTS: usize = 2000;

/// Of one graph node's instances: counts by state, the first few, and how many.
type NodeSummary = (BTreeMap<String, u64>, Vec<Value>, u64);

pub fn detail(app: &Shared, id: &str) -> Result<Value, ApiError> {
    let run = app.store.run(id)?;
    let mut nodes: BTreeMap<String, NodeSummary> = BTreeMap::new();
    let mut errors = Vec::new();
    app.store.each_step(id, |rows| {
        for s in rows {
            let node = nodes.entry(node_of(&s.name).to_string()).or_default();
            *node.0.entry(s.state.clone()).or_insert(0) += 1;
            node.2 += 1;
            if node.1.len() < SHOWN_PER_NODE {
                node.1.push(step_json(&s));
            }
            if matches!(s.state.as_str(), "failed" | "timed_out") && errors.len() < 50 {
                errors.push(json!({"step": s.name, "state": s.state, "message": s.message}));
            }
        }
    })?;
    let attempts = app.store.attempts(id, None)?;
    let truncated = attempts.len() > MAX_ATTEMPTS;
    let graph = app
        .catalog()
        .workflows()
        .find(|(_, w)| w.key == run.workflow_key)
        .map(|(_, w)| w.graph.clone());
    let mut out = run_json(&run);
    out["steps"] = nodes
        .into_iter()
        .map(|(name, (states, instances, total))| {
            (name, json!({"total": total, "states": states, "instances": instances}))
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    out["attempts"] = attempts.iter().take(MAX_ATTEMPTS).map(attempt_json).collect();
    out["attempts_truncated"] = truncated.into();
    out["errors"] = errors.into();
    out["graph"] = graph.unwrap_or(Value::Null);
    Ok(out)
}

pub async fn get(State(app): State<Shared>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let app2 = app.clone();
    tokio::task::spawn_blocking(move || detail(&app2, &id))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "E0904", e.to_string()))?
        .map(Json)
}

#[derive(Debug, Deserialize)]
pub struct StepsQuery {
    /// The graph node (`load`), whose instances (`load[0]`, …) are listed.
    node: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
}

pub async fn steps(
    State(app): State<Shared>,
    Path(id): Path<String>,
    query: Result<Query<StepsQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    app.store.run(&id)?;
    let offset = q.offset.unwrap_or(0);
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let (page, total) = app.store.each_step(&id, |rows| {
        let mut total = 0usize;
        let mut page = Vec::new();
        for s in rows.filter(|s| q.node.as_deref().is_none_or(|n| node_of(&s.name) == n)) {
            if total >= offset && page.len() < limit {
                page.push(step_json(&s));
            }
            total += 1;
        }
        (page, total)
    })?;
    Ok(Json(json!({"steps": page, "total": total, "offset": offset})))
}

#[derive(Debug, Deserialize)]
pub struct LogsQuery {
    step: String,
    attempt: Option<u32>,
    /// `stdout` (default) or `stderr`.
    stream: Option<String>,
    /// Keep the answer open and send what the attempt writes until it ends.
    follow: Option<bool>,
}

/// Bytes read from a log per chunk.
const CHUNK: usize = 64 * 1024;

pub async fn logs(
    State(app): State<Shared>,
    Path(id): Path<String>,
    query: Result<Query<LogsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    app.store.run(&id)?;
    let stream = q.stream.as_deref().unwrap_or("stdout");
    if stream != "stdout" && stream != "stderr" {
        return Err(ApiError::bad_request(format!(
            "`stream={stream}`: a log is `stdout` or `stderr`"
        )));
    }
    let attempts = app.store.attempts(&id, Some(&q.step))?;
    let chosen = match q.attempt {
        Some(n) => attempts.iter().find(|a| a.attempt == n),
        None => attempts.iter().max_by_key(|a| a.attempt),
    };
    let Some(attempt) = chosen.cloned() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "E0404",
            format!("run `{id}` has no attempt of step `{}`", q.step),
        )
        .help("`GET /api/runs/{id}` lists the run's steps and attempts"));
    };
    let Some(prefix) = attempt.log_prefix.clone() else {
        return Ok((
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "",
        )
            .into_response());
    };
    let path = std::path::PathBuf::from(format!("{prefix}.{stream}.log"));
    let follow = q.follow.unwrap_or(false);
    let store = app.store.clone();
    let app2 = app.clone();
    let step = q.step.clone();
    let number = attempt.attempt;
    let state = (0u64, false);
    let body = futures_util::stream::unfold(state, move |(offset, done)| {
        let path = path.clone();
        let store = store.clone();
        let id = id.clone();
        let step = step.clone();
        let app = app2.clone();
        async move {
            if done {
                return None;
            }
            loop {
                let chunk = read_from(&path, offset);
                if !chunk.is_empty() {
                    let next = offset + chunk.len() as u64;
                    return Some((Ok::<_, std::io::Error>(chunk), (next, false)));
                }
                if !follow || app.is_stopping() {
                    return None;
                }
                let ended = store
                    .attempts(&id, Some(&step))
                    .map_or(true, |a| a.iter().any(|a| a.attempt == number && a.ended_at.is_some()));
                if ended {
                    // What was written before the end, then the end.
                    let rest = read_from(&path, offset);
                    if rest.is_empty() {
                        return None;
                    }
                    let next = offset + rest.len() as u64;
                    return Some((Ok(rest), (next, true)));
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    });
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// Up to [`CHUNK`] bytes of the file from `offset` (nothing when it cannot be read or is
/// not a regular file: a step may have replaced its log with a FIFO).
fn read_from(path: &std::path::Path, offset: u64) -> Vec<u8> {
    use std::io::{Read as _, Seek as _};
    let Ok(mut f) = crate::runtime::regular::open(path) else {
        return Vec::new();
    };
    if f.seek(std::io::SeekFrom::Start(offset)).is_err() {
        return Vec::new();
    }
    let mut buf = Vec::new();
    let _ = f.take(CHUNK as u64).read_to_end(&mut buf);
    buf
}
