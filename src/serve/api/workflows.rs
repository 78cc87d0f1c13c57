//! `GET /api/workflows` (each served workflow: params, strategy, triggers with their next
//! fire times and last fires, and its file's last check) and `GET /api/status`.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::serve::app::Shared;
use crate::serve::fires::{tick_text, upcoming};
use crate::serve::spec::TriggerSpec;

/// Next fire times listed per schedule.
const NEXT_FIRES: usize = 5;
/// Last fires listed per trigger.
const LAST_FIRES: usize = 5;

fn trigger_json(app: &Shared, key: &str, spec: &TriggerSpec) -> Value {
    let last: Vec<Value> = app
        .store
        .fires(key, LAST_FIRES)
        .unwrap_or_default()
        .into_iter()
        .map(|f| json!({"tick": f.tick, "outcome": f.outcome, "run_id": f.run_id, "message": f.message, "claimed_at": f.claimed_at}))
        .collect();
    match spec {
        TriggerSpec::Schedule { cron, zone, catchup } => {
            let next: Vec<String> = crate::serve::schedule::of(cron, zone)
                .map(|s| upcoming(s.as_ref(), jiff::Timestamp::now(), NEXT_FIRES))
                .unwrap_or_default()
                .into_iter()
                .map(tick_text)
                .collect();
            json!({"kind": "schedule", "key": key, "cron": cron, "zone": zone, "catchup": catchup.describe(), "next_fires": next, "last_fires": last})
        }
        TriggerSpec::Signal { name, condition, .. } => {
            json!({"kind": "signal", "key": key, "signal": name, "where": condition, "last_fires": last})
        }
    }
}

pub async fn list(State(app): State<Shared>) -> Json<Value> {
    let app2 = app.clone();
    let value = tokio::task::spawn_blocking(move || {
        let catalog = app2.catalog();
        let files: Vec<Value> = catalog
            .files
            .iter()
            .map(|(file, f)| {
                json!({
                    "file": file,
                    "check": f.last,
                    "serving": f.good.as_ref().map(|g| g.checked_at.clone()),
                })
            })
            .collect();
        let workflows: Vec<Value> = catalog
            .workflows()
            .map(|(loaded, w)| {
                json!({
                    "name": w.name,
                    "key": w.key,
                    "file": w.file,
                    "current": catalog.is_current(&w.file),
                    "version_checked_at": loaded.checked_at,
                    "params": w.params.iter().map(|(n, t, r)| json!({"name": n, "type": t, "required": r})).collect::<Vec<_>>(),
                    "strategy": w.strategy,
                    "triggers": w.triggers.iter().map(|t| trigger_json(&app2, &format!("{}{}", w.key, t.suffix()), t)).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({"workflows": workflows, "files": files})
    })
    .await
    .unwrap_or(Value::Null);
    Json(value)
}

pub async fn status(State(app): State<Shared>) -> Json<Value> {
    Json(json!({
        "listen": app.listen,
        "started_at": app.started_at,
        "owner": app.owner,
        "stopping": app.is_stopping(),
        "runs_started_here_running": app.launcher.running(),
        "log": app.log_lines(),
    }))
}
