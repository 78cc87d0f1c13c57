//! SIGTERM: no new fires, a grace period for running runs, then they are cancelled and
//! can be resumed.

use std::time::Duration;

use super::harness::Project;

#[test]
fn sigterm_gives_runs_a_grace_period_then_cancels_them_resumably() {
    let p = Project::new();
    p.write(
        "flows.mflow",
        "workflow quick {\n  step s { run \"sleep 1\" }\n}\nworkflow slow {\n  step nap { run \"sleep 60\" }\n}\n",
    );
    let mut s = p.serve(&["--grace", "3"]);
    let quick = s.post("/api/runs", r#"{"workflow": "quick"}"#).json()["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let slow = s.post("/api/runs", r#"{"workflow": "slow"}"#).json()["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    s.wait_json(&format!("/api/runs/{slow}"), Duration::from_secs(20), |v| {
        v["steps"]["nap"]["states"]["running"] == 1
    });
    let started = std::time::Instant::now();
    let status = s.stop();
    assert!(status.success(), "{status}\n{}", s.log());
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "the grace period was given"
    );
    let log = s.log();
    assert!(log.contains("SIGTERM: no new fires"), "{log}");
    assert!(log.contains("cancelled 1 run(s)"), "{log}");
    let show = |id: &str| {
        let out = p.cli().args(["runs", "show", id, "--format", "json"]).output().unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    assert_eq!(show(&quick)["state"], "succeeded", "finished within the grace period");
    assert_eq!(show(&slow)["state"], "cancelled");
    assert!(log.contains("maestroc resume RUN_ID"), "{log}");
}
