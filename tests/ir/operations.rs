//! The wave-2 workflow clauses in the IR: schedule (cron, zone, catch-up, with defaults),
//! triggers with their conditions, `fixed` params, tags, `wait … since` and step profiles.

use maestroc::ir::{Action, CatchUp, IrExprKind, Node};

use super::compile;

const SOURCE: &str = r#"
workflow nightly {
  param table: string
  param seed: int = 7 fixed
  schedule "30 2 * * *" in "europe/amsterdam" catchup all(max: 3)
  trigger on signal "table_ready" where table == "events" and signal["by"] != "test"
  trigger on signal "manual"
  tags ["team-a", "daily"]
  step ready { wait signal "upstream" since 2h }
  step fresh { wait signal "other" since run_start }
  step train {
    run "echo ${table} ${seed}"
    profile "gpu"
    after ready, fresh
  }
}

workflow plain {
  schedule "@daily"
  step s { exec ["true"] }
}
"#;

#[test]
fn wave_clauses_reach_the_ir() {
    let (_, ir) = compile(SOURCE);
    let wf = &ir.workflows[0];
    let schedule = wf.settings.schedule.as_ref().expect("a schedule");
    assert_eq!(schedule.cron, "30 2 * * *");
    // The zone is looked up case-insensitively and carried under its canonical name.
    assert_eq!(schedule.zone, "Europe/Amsterdam");
    assert_eq!(schedule.catchup, CatchUp::All { max: 3 });

    let names: Vec<(&str, bool)> = wf
        .settings
        .triggers
        .iter()
        .map(|t| (t.signal.as_str(), t.filter.is_some()))
        .collect();
    assert_eq!(names, [("table_ready", true), ("manual", false)]);
    assert_eq!(wf.settings.tags, ["team-a", "daily"]);

    let fixed: Vec<(&str, bool, bool)> = wf
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.required, p.fixed))
        .collect();
    assert_eq!(fixed, [("table", true, false), ("seed", false, true)]);

    let mut waits = Vec::new();
    let mut profiles = Vec::new();
    for i in wf.body.graph.node_indices() {
        let Node::Step(s) = &wf.body.graph[i] else { continue };
        profiles.push((s.name.clone(), s.profile.clone()));
        if let Action::Wait { since, .. } = &s.action {
            waits.push((
                s.name.clone(),
                since
                    .as_ref()
                    .map(|e| matches!(e.kind, IrExprKind::Duration(7_200_000))),
            ));
        }
    }
    assert_eq!(waits, [("ready".to_string(), Some(true)), ("fresh".to_string(), None)]);
    assert!(profiles.contains(&("train".to_string(), Some("gpu".to_string()))));
    assert!(profiles.contains(&("ready".to_string(), None)));

    // Defaults: UTC and `last`.
    let plain = ir.workflows[1].settings.schedule.as_ref().expect("a schedule");
    assert_eq!((plain.zone.as_str(), plain.catchup), ("UTC", CatchUp::Last));
    assert!(ir.workflows[1].settings.triggers.is_empty());
}

#[test]
fn next_fire_times_follow_the_schedule_zone() {
    let (_, ir) = compile(SOURCE);
    let s = ir.workflows[0].settings.schedule.as_ref().expect("a schedule");
    let after: jiff::Timestamp = "2026-03-28T12:00:00Z".parse().expect("timestamp");
    let times = maestroc::ir::next_fire_times(&s.cron, &s.zone, after, 2).expect("fire times");
    let shown: Vec<String> = times
        .iter()
        .map(|t| t.strftime("%Y-%m-%d %H:%M %Z").to_string())
        .collect();
    // 2026-03-29 02:30 does not exist in Amsterdam: the run fires when the gap ends.
    assert_eq!(shown, ["2026-03-29 03:00 CEST", "2026-03-30 02:30 CEST"]);
}
