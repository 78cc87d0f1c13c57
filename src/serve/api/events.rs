//! Server-sent events: `GET /api/events` (a `runs` event whenever any run's state changes)
//! and `GET /api/runs/{id}/events` (a `run` event with the run's detail whenever it
//! changes, then `end` once it has ended). Runs happen in other processes, so the store is
//! read every half second and only changes are sent.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde_json::json;

use super::error::ApiError;
use crate::serve::app::Shared;

const EVERY: Duration = Duration::from_millis(500);

/// Runs whose state the `runs` event carries.
const RECENT: usize = 100;

pub async fn runs(State(app): State<Shared>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = futures_util::stream::unfold((app, String::new(), true), |(app, last, first)| async move {
        loop {
            if !first {
                tokio::time::sleep(EVERY).await;
            }
            if app.is_stopping() {
                return None;
            }
            let page = app.store.runs_page(None, None, None, RECENT).ok();
            let runs: Vec<serde_json::Value> = page
                .map(|p| p.runs.iter().map(|(_, r)| json!({"run_id": r.run_id, "workflow": r.workflow, "state": r.state, "ended_at": r.ended_at})).collect())
                .unwrap_or_default();
            let text = serde_json::Value::from(runs).to_string();
            if text != last {
                let event = Event::default().event("runs").data(text.clone());
                return Some((Ok(event), (app, text, false)));
            }
            if first {
                return Some((Ok(Event::default().comment("no runs")), (app, text, false)));
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

pub async fn run(
    State(app): State<Shared>,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    app.store.run(&id)?;
    let stream = futures_util::stream::unfold((app, id, String::new(), 0u8), |(app, id, last, ended)| async move {
        if ended == 2 {
            return None;
        }
        loop {
            if !last.is_empty() {
                tokio::time::sleep(EVERY).await;
            }
            if app.is_stopping() {
                return None;
            }
            let app2 = app.clone();
            let id2 = id.clone();
            let detail = tokio::task::spawn_blocking(move || super::runs::detail(&app2, &id2)).await;
            let Ok(Ok(mut detail)) = detail else {
                return None;
            };
            if ended == 1 {
                return Some((Ok(Event::default().event("end").data(id.clone())), (app, id, last, 2)));
            }
            let finished =
                detail["ended_at"].is_string() && detail["state"] != "running" && detail["state"] != "queued";
            // The running time changes every read; it is not a change of the run.
            let duration = detail["duration_ms"].take();
            let text = detail.to_string();
            if text != last {
                detail["duration_ms"] = duration;
                let event = Event::default().event("run").data(detail.to_string());
                return Some((Ok(event), (app, id, text, u8::from(finished))));
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
