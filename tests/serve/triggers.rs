//! Triggers end to end: signals start runs (within a second, once per signal and trigger,
//! also across restarts and with two `serve` processes on one store), a `* * * * *`
//! schedule fires, and run strategies hold for triggered runs.

use std::time::{Duration, Instant};

use super::harness::{Project, Server};

const ON_SIGNAL: &str = r#"workflow load {
  param day: string
  param source: string = "any"
  trigger on signal "extracted" where source != "test"
  step s { run "echo loading ${day}" }
}
"#;

fn send(p: &Project, fields: &[&str]) -> i64 {
    let out = p
        .cli()
        .args(["signal", "send", "extracted"])
        .args(fields)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn runs(s: &Server, workflow: &str) -> Vec<serde_json::Value> {
    s.get(&format!("/api/runs?workflow={workflow}")).json()["runs"]
        .as_array()
        .unwrap()
        .clone()
}

fn ms(t: &serde_json::Value) -> i64 {
    t.as_str().unwrap().parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

/// Waits until the trigger has looked at signals (it ignores those sent before it was first seen).
fn armed(s: &Server) {
    s.wait_json("/api/status", Duration::from_secs(10), |v| {
        v["log"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().contains("listening"))
    });
    std::thread::sleep(Duration::from_millis(400));
}

#[test]
fn a_signal_starts_a_run_within_a_second_with_its_payload_as_params() {
    let p = Project::new();
    p.write("load.mflow", ON_SIGNAL);
    let s = p.serve(&[]);
    armed(&s);
    let sent = Instant::now();
    send(&p, &["day=2026-12-01", "source=crm"]);
    let v = s.wait_json("/api/runs?workflow=load", Duration::from_secs(5), |v| {
        !v["runs"].as_array().unwrap().is_empty()
    });
    let waited = sent.elapsed();
    let run = &v["runs"][0];
    assert_eq!(run["params"]["day"], "2026-12-01");
    assert_eq!(run["params"]["source"], "crm");
    let signals = p.cli().args(["signal", "list", "--format", "json"]).output().unwrap();
    let signal: serde_json::Value = serde_json::from_slice(&signals.stdout).unwrap();
    let latency = ms(&run["created_at"]) - ms(&signal["created_at"]);
    eprintln!("trigger latency: signal recorded → run recorded {latency} ms (seen by the client after {waited:?})");
    assert!(latency < 1000, "the run started {latency} ms after the signal");
    let id = run["run_id"].as_str().unwrap();
    s.wait_json(&format!("/api/runs/{id}"), Duration::from_secs(20), |v| {
        v["state"] == "succeeded"
    });
    // The fire is recorded with its run.
    let wf = s.get("/api/workflows").json();
    let fires = &wf["workflows"][0]["triggers"][0]["last_fires"];
    assert_eq!(fires[0]["outcome"], "started", "{wf}");
    assert_eq!(fires[0]["run_id"], id);
}

#[test]
fn each_signal_starts_one_run_also_across_a_restart() {
    let p = Project::new();
    p.write("load.mflow", ON_SIGNAL);
    let mut s = p.serve(&[]);
    armed(&s);
    send(&p, &["day=d1"]);
    s.wait_json("/api/runs?workflow=load", Duration::from_secs(5), |v| {
        v["runs"].as_array().unwrap().len() == 1
    });
    // Not matching its `where`, a required param missing, a field of the wrong type: no run.
    send(&p, &["day=d2", "source=test"]);
    send(&p, &["source=crm"]);
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(runs(&s, "load").len(), 1, "{}", s.log());
    assert!(
        s.log().contains("warning[W0042]") && s.log().contains("`where` condition is false"),
        "{}",
        s.log()
    );
    assert!(
        s.log().contains("requires") || s.log().contains("required") || s.log().contains("missing"),
        "{}",
        s.log()
    );
    assert!(s.stop().success());
    // Restarted: the signals already consumed start nothing again; a new one starts one run.
    let s = p.serve(&[]);
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(runs(&s, "load").len(), 1, "a consumed signal fired again:\n{}", s.log());
    send(&p, &["day=d3"]);
    let v = s.wait_json("/api/runs?workflow=load", Duration::from_secs(5), |v| {
        v["runs"].as_array().unwrap().len() == 2
    });
    assert_eq!(v["runs"][0]["params"]["day"], "d3");
}

#[test]
fn two_servers_on_one_store_start_one_run_per_signal() {
    let p = Project::new();
    p.write("load.mflow", ON_SIGNAL);
    let a = p.serve(&[]);
    let b = p.serve(&[]);
    armed(&a);
    armed(&b);
    for i in 0..5 {
        send(&p, &[&format!("day=d{i}")]);
    }
    a.wait_json("/api/runs?workflow=load", Duration::from_secs(10), |v| {
        v["runs"].as_array().unwrap().len() >= 5
    });
    std::thread::sleep(Duration::from_millis(800));
    let all = runs(&a, "load");
    assert_eq!(all.len(), 5, "{all:?}\n--- a\n{}\n--- b\n{}", a.log(), b.log());
    let mut days: Vec<String> = all
        .iter()
        .map(|r| r["params"]["day"].as_str().unwrap().to_string())
        .collect();
    days.sort();
    assert_eq!(days, ["d0", "d1", "d2", "d3", "d4"]);
}

#[test]
fn a_first_only_workflow_drops_a_fire_while_a_run_is_going_and_says_why() {
    let p = Project::new();
    p.write(
        "slow.mflow",
        "workflow slow {\n  strategy first_only\n  trigger on signal \"go\"\n  step nap { run \"sleep 30\" }\n}\n",
    );
    let s = p.serve(&[]);
    armed(&s);
    p.cli().args(["signal", "send", "go"]).assert().success();
    s.wait_json("/api/runs?workflow=slow&state=running", Duration::from_secs(10), |v| {
        !v["runs"].as_array().unwrap().is_empty()
    });
    p.cli().args(["signal", "send", "go"]).assert().success();
    let wf = s.wait_json("/api/workflows", Duration::from_secs(10), |v| {
        v["workflows"][0]["triggers"][0]["last_fires"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["outcome"] == "dropped")
    });
    let fires = wf["workflows"][0]["triggers"][0]["last_fires"]
        .as_array()
        .unwrap()
        .clone();
    let dropped = fires.iter().find(|f| f["outcome"] == "dropped").unwrap();
    assert!(dropped["message"].as_str().unwrap().contains("first_only"), "{dropped}");
    let running = s.get("/api/runs?workflow=slow&state=running").json();
    let id = running["runs"][0]["run_id"].as_str().unwrap().to_string();
    assert_eq!(s.post(&format!("/api/runs/{id}/cancel"), "").status, 202);
}

#[test]
fn an_every_minute_schedule_fires_once_per_minute_tick() {
    let p = Project::new();
    p.write(
        "tick.mflow",
        "workflow tick {\n  schedule \"* * * * *\" catchup none\n  step s { run \"echo tick\" }\n}\n",
    );
    let s = p.serve(&[]);
    let wf = s.get("/api/workflows").json();
    let next = wf["workflows"][0]["triggers"][0]["next_fires"][0].clone();
    assert!(next.as_str().unwrap().ends_with(":00.000Z"), "{next}");
    let v = s.wait_json("/api/runs?workflow=tick", Duration::from_secs(75), |v| {
        !v["runs"].as_array().unwrap().is_empty()
    });
    let created = ms(&v["runs"][0]["created_at"]);
    assert!(created >= ms(&next), "fired before its time");
    assert!(created - ms(&next) < 2000, "fired {} ms late", created - ms(&next));
    // One run for the tick, however often the loop looks.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(runs(&s, "tick").len(), 1);
    let wf = s.get("/api/workflows").json();
    let fire = &wf["workflows"][0]["triggers"][0]["last_fires"][0];
    assert_eq!(fire["tick"], next, "the fire is recorded under the tick listed as next");
    assert_eq!(fire["outcome"], "started");
}

/// A `* * * * *` schedule with `catchup all(max: 3)` whose trigger was first served ten
/// minutes ago, with no `serve` running since.
fn missed_ten_minutes(p: &Project) {
    p.write(
        "tick.mflow",
        "workflow tick {\n  schedule \"* * * * *\" catchup all(max: 3)\n  step s { run \"echo tick\" }\n}\n",
    );
    p.cli().args(["signal", "send", "setup"]).assert().success();
    let key = format!(
        "{}::tick#schedule",
        p.dir.path().join("flows").join("tick.mflow").display()
    );
    let since = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(10);
    let conn = rusqlite::Connection::open(p.home().join("state.db")).unwrap();
    conn.execute(
        "INSERT INTO triggers (trigger, since, since_signal) VALUES (?1, ?2, 0)",
        rusqlite::params![key, since.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()],
    )
    .unwrap();
}

#[test]
fn two_servers_make_up_for_missed_ticks_once() {
    let p = Project::new();
    missed_ten_minutes(&p);
    let a = p.serve(&[]);
    let b = p.serve(&[]);
    a.wait_json("/api/runs?workflow=tick", Duration::from_secs(20), |v| {
        v["runs"].as_array().unwrap().len() >= 3
    });
    std::thread::sleep(Duration::from_secs(1));
    let n = runs(&a, "tick").len();
    assert!(
        (3..=4).contains(&n),
        "{n} runs
--- a\n{}\n--- b\n{}",
        a.log(),
        b.log()
    );
    let skipped = [a.log(), b.log()]
        .iter()
        .filter(|l| l.contains("warning[W0041]"))
        .count();
    assert_eq!(skipped, 1, "one server records the skipped ticks");
}

#[test]
fn missed_ticks_are_made_up_for_by_the_catchup_policy_once() {
    let p = Project::new();
    missed_ten_minutes(&p);
    let mut s = p.serve(&[]);
    let v = s.wait_json("/api/runs?workflow=tick", Duration::from_secs(20), |v| {
        v["runs"].as_array().unwrap().len() >= 3
    });
    std::thread::sleep(Duration::from_millis(800));
    let n = runs(&s, "tick").len();
    // The three latest missed minutes, and the current minute when it is due right now.
    assert!((3..=4).contains(&n), "{n} runs: {v}\n{}", s.log());
    assert!(s.log().contains("warning[W0041]"), "{}", s.log());
    assert!(s.stop().success());
    // Restarted at once: nothing fired twice, nothing more is due.
    let s = p.serve(&[]);
    std::thread::sleep(Duration::from_millis(800));
    let again = runs(&s, "tick").len();
    assert!(
        again == n || again == n + 1,
        "fired again after a restart: {n} → {again}\n{}",
        s.log()
    );
    let wf = s.get("/api/workflows").json();
    let fires = wf["workflows"][0]["triggers"][0]["last_fires"]
        .as_array()
        .unwrap()
        .clone();
    let mut ticks: Vec<&str> = fires.iter().map(|f| f["tick"].as_str().unwrap()).collect();
    let before = ticks.len();
    ticks.dedup();
    assert_eq!(ticks.len(), before, "a tick recorded twice: {fires:?}");
}
