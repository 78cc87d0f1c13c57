//! `maestroc runs show RUN --timeline`: the steps of a run on a time line, one bar per step
//! from its first instance's start to its last one's end (a terminal Gantt chart).

use super::error::CliResult;
use super::out::Out;
use super::runs::Format;
use super::runs_show::seconds;
use crate::runtime::result::{duration_ms, state_words};
use crate::store::runs::RunRow;
use crate::store::Store;

/// Columns of the bar area.
const WIDTH: i64 = 50;

fn millis(t: Option<&str>) -> Option<i64> {
    t.and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map(jiff::Timestamp::as_millisecond)
}

pub(super) fn show(store: &Store, run: &RunRow, format: Format) -> CliResult {
    let steps = store.step_summaries(&run.run_id)?;
    let mut out = Out::new();
    if format == Format::Json {
        let list: Vec<serde_json::Value> = steps
            .iter()
            .map(|s| {
                serde_json::json!({
                    "step": s.step,
                    "started_at": s.first_started,
                    "ended_at": s.last_ended,
                    "duration_ms": duration_ms(s.first_started.as_deref(), s.last_ended.as_deref()),
                    "instances": s.instances,
                })
            })
            .collect();
        out.json(&serde_json::json!({"run_id": run.run_id, "started_at": run.started_at, "ended_at": run.ended_at, "steps": list}));
        out.finish()?;
        return Ok(0);
    }
    let now = jiff::Timestamp::now().as_millisecond();
    let start = millis(run.started_at.as_deref())
        .or_else(|| steps.iter().filter_map(|s| millis(s.first_started.as_deref())).min())
        .unwrap_or(now);
    let end = millis(run.ended_at.as_deref())
        .or_else(|| steps.iter().filter_map(|s| millis(s.last_ended.as_deref())).max())
        .unwrap_or(now)
        .max(start + 1);
    let span = end - start;
    let name_width = steps.iter().map(|s| s.step.chars().count()).max().unwrap_or(4).max(4);
    out.line(&format!(
        "{:<name_width$}  0s{:>w$}",
        "STEP",
        seconds(Some(span)),
        w = usize::try_from(WIDTH).unwrap_or(50) - 2
    ));
    for s in &steps {
        let col = |t: i64| ((t - start).clamp(0, span) * WIDTH / span).clamp(0, WIDTH);
        let (bar, took) = match millis(s.first_started.as_deref()) {
            Some(a) => {
                // A step still running (or never ended) reaches the end of the chart.
                let b = millis(s.last_ended.as_deref()).filter(|b| *b >= a).unwrap_or(end);
                let (from, to) = (col(a), col(b).max(col(a) + 1).min(WIDTH));
                let mut bar = String::new();
                for i in 0..WIDTH {
                    bar.push(if i >= from && i < to { '█' } else { '·' });
                }
                (bar, seconds(Some(b - a)))
            }
            None => (" ".repeat(usize::try_from(WIDTH).unwrap_or(50)), "-".into()),
        };
        let states: Vec<String> = s
            .states
            .iter()
            .map(|(state, n)| {
                if s.instances == 1 {
                    state_words(state, &run.state)
                } else {
                    format!("{n} {}", state_words(state, &run.state))
                }
            })
            .collect();
        out.line(&format!(
            "{:<name_width$}  {bar}  {took:>8}  {}",
            s.step,
            states.join(", ")
        ));
        if out.is_closed() {
            break;
        }
    }
    out.finish()?;
    Ok(0)
}
