//! The trigger loop: fires schedules and signal triggers of the workflows being served.
//! Every fire is claimed in the store before its run starts (`trigger_fires`), so of
//! several `serve` processes on one store exactly one starts it, and a restarted `serve`
//! neither fires a tick or signal twice nor loses one its catch-up policy keeps.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::app::Shared;
use super::catalog::Loaded;
use super::fires::{self, tick_text};
use super::launch::{Request, Started};
use super::spec::TriggerSpec;
use crate::store::triggers::{NewFire, TriggerRow};

/// How often signals are looked for (a signal starts its run well within a second).
pub const POLL: Duration = Duration::from_millis(100);
/// A tick at most this old when seen counts as on time, not missed.
const ON_TIME: jiff::SignedDuration = jiff::SignedDuration::from_secs(30);
/// Signals read per trigger and poll.
const SIGNAL_BATCH: usize = 100;

/// One trigger of a served workflow, as the loop sees it.
struct Armed {
    key: String,
    file: String,
    workflow: String,
    loaded: Arc<Loaded>,
    wf_index: usize,
    spec: TriggerSpec,
}

fn armed(app: &Shared) -> Vec<Armed> {
    let catalog = app.catalog();
    let mut out = Vec::new();
    for (loaded, wf) in catalog.workflows() {
        // A file that does not check now keeps its fires waiting until it does (the
        // catch-up policy then decides), rather than starting runs that cannot compile.
        if !catalog.is_current(&wf.file) {
            continue;
        }
        let wf_index = loaded.workflows.iter().position(|w| w.key == wf.key).unwrap_or(0);
        for spec in &wf.triggers {
            out.push(Armed {
                key: format!("{}{}", wf.key, spec.suffix()),
                file: wf.file.clone(),
                workflow: wf.name.clone(),
                loaded: loaded.clone(),
                wf_index,
                spec: spec.clone(),
            });
        }
    }
    out
}

/// Runs until `serve` is asked to stop.
pub async fn run(app: Shared) {
    let mut known: HashMap<String, TriggerRow> = HashMap::new();
    let mut adopt = tokio::time::interval(Duration::from_secs(5));
    loop {
        if app.is_stopping() {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            _ = adopt.tick() => adopt_orphans(&app),
        }
        if app.is_stopping() {
            return;
        }
        for t in armed(&app) {
            let row = match known.get(&t.key) {
                Some(r) => r.clone(),
                None => match app.store.register_trigger(&t.key) {
                    Ok(r) => {
                        known.insert(t.key.clone(), r.clone());
                        r
                    }
                    Err(e) => {
                        app.log(&format!("error: cannot record trigger {}: {e}", t.key));
                        continue;
                    }
                },
            };
            let result = match &t.spec {
                TriggerSpec::Schedule { .. } => schedule(&app, &t, &row),
                TriggerSpec::Signal { .. } => signals(&app, &t, &row),
            };
            if let Err(e) = result {
                app.log(&format!("error: trigger {}: {e}", t.key));
            }
        }
    }
}

fn schedule(app: &Shared, t: &Armed, row: &TriggerRow) -> Result<(), crate::store::StoreError> {
    let TriggerSpec::Schedule { cron, zone, catchup } = &t.spec else {
        return Ok(());
    };
    let Some(next) = super::schedule::of(cron, zone) else {
        return Ok(());
    };
    let last = app.store.last_tick(&t.key)?;
    let after: Timestamp = last
        .as_deref()
        .unwrap_or(row.since.as_str())
        .parse()
        .unwrap_or_else(|_| Timestamp::now());
    let due = fires::due(next.as_ref(), after, Timestamp::now(), *catchup, ON_TIME);
    if let Some(last) = due.last_skipped {
        // Recorded, so the skipped ticks are not looked at again (and by one server only).
        let text = tick_text(last);
        let claimed = app.store.claim_fire(&NewFire {
            trigger: &t.key,
            tick: &text,
            kind: "schedule",
            signal_id: None,
            owner: &app.owner,
            outcome: "skipped",
            message: Some(&format!(
                "{} missed fire(s) skipped by catchup {}",
                due.skipped,
                catchup.describe()
            )),
        })?;
        if claimed {
            app.log(&format!(
                "warning[W0041]: {} missed {} fire(s) while no serve was running; catchup {} skips them",
                t.workflow,
                due.skipped,
                catchup.describe()
            ));
        }
    }
    let ticks = due.fire;
    for tick in ticks {
        let text = tick_text(tick);
        let claimed = app.store.claim_fire(&NewFire {
            trigger: &t.key,
            tick: &text,
            kind: "schedule",
            signal_id: None,
            owner: &app.owner,
            outcome: "claimed",
            message: None,
        })?;
        if claimed {
            app.log(&format!("schedule of {} fires for {text}", t.workflow));
            spawn_launch(app, t, text, Vec::new());
        }
    }
    Ok(())
}

fn signals(app: &Shared, t: &Armed, row: &TriggerRow) -> Result<(), crate::store::StoreError> {
    let TriggerSpec::Signal { name, index, .. } = &t.spec else {
        return Ok(());
    };
    let after = row.since_signal.max(app.store.last_signal(&t.key)?);
    let rows = app.store.signals(Some(name), after)?;
    for s in rows.into_iter().take(SIGNAL_BATCH) {
        let tick = format!("signal:{}", s.id);
        let payload: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(&s.payload) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        let wf = &t.loaded.workflows[t.wf_index];
        let ir_wf = t.loaded.ir.workflow(wf.id);
        let verdict = super::signal_match::decide(&t.loaded.ir, ir_wf, *index, &payload);
        let (outcome, message, params) = match verdict {
            Ok(params) => ("claimed", None, params),
            Err(why) => ("dropped", Some(why), Vec::new()),
        };
        let claimed = app.store.claim_fire(&NewFire {
            trigger: &t.key,
            tick: &tick,
            kind: "signal",
            signal_id: Some(s.id),
            owner: &app.owner,
            outcome,
            message: message.as_deref(),
        })?;
        if !claimed {
            continue;
        }
        match message {
            None => {
                app.log(&format!("signal {name} (#{}) starts {}", s.id, t.workflow));
                spawn_launch(app, t, tick, params);
            }
            Some(why) => app.log(&format!(
                "warning[W0042]: signal {name} (#{}) does not start {}: {why}",
                s.id, t.workflow
            )),
        }
    }
    Ok(())
}

/// Starts the fire's run and records how it went.
fn spawn_launch(app: &Shared, t: &Armed, tick: String, params: Vec<(String, String)>) {
    let app = app.clone();
    let key = t.key.clone();
    let req = Request {
        file: t.file.clone(),
        workflow: t.workflow.clone(),
        params,
        resume: None,
    };
    tokio::spawn(async move { launch_fire(&app, &key, &tick, &req).await });
}

async fn launch_fire(app: &Shared, key: &str, tick: &str, req: &Request) {
    match app.launcher.start(req).await {
        Started::Run(run_id) => {
            let _ = app.store.settle_fire(key, tick, "started", Some(&run_id), None);
            app.log(&format!("started run {run_id} of {} ({tick})", req.workflow));
            // A run its strategy refuses (`first_only`) ends before it starts: the fire
            // is recorded as dropped, with the strategy's reason.
            for _ in 0..600 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let Ok(run) = app.store.run(&run_id) else { break };
                if run.started_at.is_some() {
                    break;
                }
                if run.ended_at.is_some() {
                    let why = run.message.unwrap_or_else(|| "the run ended before it started".into());
                    let _ = app.store.settle_fire(key, tick, "dropped", None, Some(&why));
                    app.log(&format!("run {run_id} of {} dropped: {why}", req.workflow));
                    break;
                }
            }
        }
        Started::Failed(why) => {
            let _ = app.store.settle_fire(key, tick, "failed", None, Some(&why));
            app.log(&format!(
                "error[E0920]: the run of {} for {tick} could not be started: {why}",
                req.workflow
            ));
        }
    }
}

/// Takes over fires whose `serve` died after claiming them and before starting their run.
fn adopt_orphans(app: &Shared) {
    let Ok(pending) = app.store.pending_fires(&app.owner) else {
        return;
    };
    for f in pending {
        if crate::store::lease::is_held(app.store.home(), &f.owner) {
            continue;
        }
        if !matches!(app.store.adopt_fire(&f, &app.owner), Ok(true)) {
            continue;
        }
        let catalog_entry = armed(app).into_iter().find(|a| a.key == f.trigger);
        let Some(t) = catalog_entry else {
            let _ = app.store.settle_fire(
                &f.trigger,
                &f.tick,
                "failed",
                None,
                Some("its workflow is no longer served"),
            );
            continue;
        };
        app.log(&format!(
            "taking over fire {} of {} from {}, which stopped",
            f.tick, t.workflow, f.owner
        ));
        let params = match (&t.spec, f.signal_id) {
            (TriggerSpec::Signal { index, .. }, Some(id)) => app
                .store
                .signal(id)
                .ok()
                .flatten()
                .and_then(|s| match serde_json::from_str(&s.payload) {
                    Ok(serde_json::Value::Object(m)) => Some(m),
                    _ => None,
                })
                .and_then(|payload| {
                    let wf = &t.loaded.workflows[t.wf_index];
                    super::signal_match::decide(&t.loaded.ir, t.loaded.ir.workflow(wf.id), *index, &payload).ok()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        spawn_launch(app, &t, f.tick.clone(), params);
    }
}
