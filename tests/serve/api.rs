//! The HTTP API of `maestroc serve`, on a real server on a loopback port.

use std::time::Duration;

use super::harness::Project;

const HELLO: &str = r#"workflow hello {
  param who: string = "world"
  param times: int = 1
  step greet { run "echo hello ${who} ${times}" }
}
"#;

const SLOW: &str = r#"workflow slow {
  step nap { run "sleep 30" }
}
"#;

#[test]
fn workflows_list_params_strategy_and_check_result() {
    let p = Project::new();
    p.write("hello.mflow", HELLO);
    p.write("broken.mflow", "workflow broken { step s { run 42 } }\n");
    let s = p.serve(&[]);
    let v = s.get("/api/workflows").json();
    let wf = &v["workflows"][0];
    assert_eq!(wf["name"], "hello");
    assert_eq!(wf["current"], true);
    assert_eq!(wf["strategy"], "parallel");
    assert_eq!(wf["params"][0]["name"], "who");
    assert_eq!(wf["params"][1]["type"], "int");
    let files = v["files"].as_array().unwrap();
    let broken = files
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with("broken.mflow"))
        .unwrap();
    assert_eq!(broken["check"]["ok"], false);
    assert!(broken["serving"].is_null(), "{broken}");
    assert!(
        broken["check"]["diagnostics"].as_str().unwrap().contains("error["),
        "{broken}"
    );
    assert!(s.log().contains("broken.mflow does not check"), "{}", s.log());
}

#[test]
fn a_file_that_stops_checking_keeps_its_previous_version_serving() {
    let p = Project::new();
    let file = p.write("hello.mflow", HELLO);
    let s = p.serve(&[]);
    std::fs::write(&file, "workflow hello { step greet { run 1 + } }\n").unwrap();
    let v = s.wait_json("/api/workflows", Duration::from_secs(20), |v| {
        v["workflows"][0]["current"] == false
    });
    assert_eq!(
        v["workflows"][0]["name"], "hello",
        "the good version is still listed: {v}"
    );
    assert_eq!(v["files"][0]["check"]["ok"], false);
    assert!(s.log().contains("warning[W0040]"), "{}", s.log());
    // Starting it now is refused with the reason, not started from a broken file.
    let a = s.post("/api/runs", r#"{"workflow": "hello"}"#);
    assert_eq!(a.status, 409, "{}", a.body);
    assert_eq!(a.json()["error"]["code"], "E0915");
    // Fixed again: served again.
    std::fs::write(&file, HELLO.replace("hello ${who}", "hi ${who}")).unwrap();
    s.wait_json("/api/workflows", Duration::from_secs(20), |v| {
        v["workflows"][0]["current"] == true
    });
    assert!(
        s.log().contains("serving") || s.log().contains("reloaded"),
        "{}",
        s.log()
    );
}

#[test]
fn start_checks_params_exactly_like_dash_p() {
    let p = Project::new();
    let file = p.write("hello.mflow", HELLO);
    let s = p.serve(&[]);
    let a = s.post(
        "/api/runs",
        r#"{"workflow": "hello", "params": {"whom": "x", "times": "many"}}"#,
    );
    assert_eq!(a.status, 422, "{}", a.body);
    let e = &a.json()["error"];
    assert_eq!(e["code"], "E0401");
    // The same messages `maestroc run -p` gives, every one of them.
    let cli = p
        .cli()
        .args(["run", &file, "-p", "whom=x", "-p", "times=many"])
        .output()
        .unwrap();
    let cli_err = String::from_utf8_lossy(&cli.stderr).to_string();
    let mut messages = vec![e["message"].as_str().unwrap().to_string()];
    messages.extend(
        e["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["message"].as_str().unwrap().to_string()),
    );
    assert_eq!(messages.len(), 2, "{e}");
    for m in &messages {
        assert!(
            cli_err.contains(m.as_str()),
            "`{m}` is not what run -p says:\n{cli_err}"
        );
    }
    assert!(e["help"].as_str().unwrap().contains("who"), "{e}");

    let a = s.post(
        "/api/runs",
        r#"{"workflow": "hello", "params": {"who": "api", "times": 3}}"#,
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let id = a.json()["run_id"].as_str().unwrap().to_string();
    let run = s.wait_json(&format!("/api/runs/{id}"), Duration::from_secs(30), |v| {
        v["state"] == "succeeded"
    });
    assert_eq!(run["params"]["who"], "api");
    assert_eq!(run["params"]["times"], 3);
    assert_eq!(run["steps"]["greet"]["states"]["succeeded"], 1);
    assert_eq!(run["graph"]["nodes"][0]["name"], "greet");
    assert_eq!(run["attempts"][0]["step"], "greet");
    let log = s.get(&format!("/api/runs/{id}/logs?step=greet"));
    assert_eq!(log.body, "hello api 3\n");
    // The run is an ordinary run of the store: the CLI sees it too.
    let shown = p.cli().args(["runs"]).output().unwrap();
    assert!(String::from_utf8_lossy(&shown.stdout).contains(&id));
}

#[test]
fn unknown_workflows_and_runs_and_bad_requests_are_answered_with_codes() {
    let p = Project::new();
    p.write("hello.mflow", HELLO);
    let s = p.serve(&[]);
    let a = s.post("/api/runs", r#"{"workflow": "helo"}"#);
    assert_eq!(a.status, 404);
    assert_eq!(a.json()["error"]["code"], "E0911");
    assert!(a.json()["error"]["help"].as_str().unwrap().contains("hello"));
    let a = s.get("/api/runs/nope");
    assert_eq!(a.status, 404);
    assert_eq!(a.json()["error"]["code"], "E0404");
    let a = s.post("/api/runs", "{not json");
    assert_eq!(a.status, 400);
    assert_eq!(a.json()["error"]["code"], "E0910");
    let a = s.get("/api/runs?state=sleeping");
    assert_eq!(a.status, 400);
    assert!(a.json()["error"]["help"].as_str().unwrap().contains("succeeded"));
    let a = s.post("/api/signals", r#"{"name": " "}"#);
    assert_eq!(a.status, 422);
    assert_eq!(a.json()["error"]["code"], "E0917");
}

#[test]
fn runs_are_filtered_and_paged() {
    let p = Project::new();
    p.write("hello.mflow", HELLO);
    p.write("slow.mflow", SLOW);
    let s = p.serve(&[]);
    let mut ids = Vec::new();
    for i in 0..3 {
        let a = s.post(
            "/api/runs",
            &format!(r#"{{"workflow": "hello", "params": {{"times": {i}}}}}"#),
        );
        ids.push(a.json()["run_id"].as_str().unwrap().to_string());
    }
    let slow = s.post("/api/runs", r#"{"workflow": "slow"}"#).json()["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    s.wait_json(
        "/api/runs?workflow=hello&state=succeeded",
        Duration::from_secs(30),
        |v| v["runs"].as_array().unwrap().len() == 3,
    );
    let page1 = s.get("/api/runs?workflow=hello&limit=2").json();
    assert_eq!(page1["runs"].as_array().unwrap().len(), 2);
    assert_eq!(page1["runs"][0]["run_id"], ids[2].as_str(), "newest first");
    let next = page1["next"].as_i64().unwrap();
    let page2 = s.get(&format!("/api/runs?workflow=hello&limit=2&before={next}")).json();
    assert_eq!(page2["runs"].as_array().unwrap().len(), 1);
    assert_eq!(page2["runs"][0]["run_id"], ids[0].as_str());
    assert!(page2["next"].is_null());
    let running = s.get("/api/runs?state=running").json();
    assert_eq!(running["runs"][0]["run_id"], slow.as_str());
    assert_eq!(s.post(&format!("/api/runs/{slow}/cancel"), "").status, 202);
}

#[test]
fn cancel_then_resume_from_the_api() {
    let p = Project::new();
    p.write("slow.mflow", SLOW);
    let s = p.serve(&[]);
    let id = s.post("/api/runs", r#"{"workflow": "slow"}"#).json()["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    s.wait_json(&format!("/api/runs/{id}"), Duration::from_secs(20), |v| {
        v["steps"]["nap"]["states"]["running"] == 1
    });
    let a = s.post(&format!("/api/runs/{id}/resume"), "");
    assert_eq!(a.status, 409, "a running run cannot be resumed: {}", a.body);
    assert_eq!(a.json()["error"]["code"], "E0912");
    let a = s.post(&format!("/api/runs/{id}/cancel"), "");
    assert_eq!(a.status, 202, "{}", a.body);
    s.wait_json(&format!("/api/runs/{id}"), Duration::from_secs(20), |v| {
        v["state"] == "cancelled"
    });
    let a = s.post(&format!("/api/runs/{id}/cancel"), "");
    assert_eq!(a.status, 409);
    let a = s.post(&format!("/api/runs/{id}/resume"), "");
    assert_eq!(a.status, 202, "{}", a.body);
    let run = s.wait_json(&format!("/api/runs/{id}"), Duration::from_secs(20), |v| {
        v["state"] == "running"
    });
    assert_eq!(run["resumes"], 1);
    assert_eq!(s.post(&format!("/api/runs/{id}/cancel"), "").status, 202);
    s.wait_json(&format!("/api/runs/{id}"), Duration::from_secs(20), |v| {
        v["state"] == "cancelled"
    });
}

#[test]
fn signals_sent_through_the_api_are_in_the_store() {
    let p = Project::new();
    p.write("hello.mflow", HELLO);
    let s = p.serve(&[]);
    let a = s.post(
        "/api/signals",
        r#"{"name": "data_ready", "payload": {"day": "2026-12-01", "rows": 12}}"#,
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let listed = p.cli().args(["signal", "list", "--format", "json"]).output().unwrap();
    let line: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(line["name"], "data_ready");
    assert_eq!(
        line["payload"]["rows"], "12",
        "fields are kept as text, as `signal send` keeps them"
    );
}

#[test]
fn progress_streams_as_server_sent_events() {
    let p = Project::new();
    p.write("hello.mflow", HELLO);
    let s = p.serve(&[]);
    let id = s.post("/api/runs", r#"{"workflow": "hello"}"#).json()["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let text = s.events(&format!("/api/runs/{id}/events"), "event: end", Duration::from_secs(30));
    assert!(text.contains("text/event-stream"), "{text}");
    assert!(text.contains("event: run"), "{text}");
    assert!(text.contains("\"state\":\"succeeded\""), "{text}");
    assert!(text.contains("event: end"), "{text}");
    let all = s.events("/api/events", "event: runs", Duration::from_secs(10));
    assert!(all.contains(&id), "{all}");
}

#[test]
fn a_step_log_streams_while_the_step_writes_it() {
    let p = Project::new();
    p.write(
        "ticker.mflow",
        "workflow ticker {\n  step tick { run \"for i in 1 2 3; do echo tick $i; sleep 0.5; done\" }\n}\n",
    );
    let s = p.serve(&[]);
    let id = s.post("/api/runs", r#"{"workflow": "ticker"}"#).json()["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    s.wait_json(&format!("/api/runs/{id}"), Duration::from_secs(20), |v| {
        v["attempts"].as_array().is_some_and(|a| !a.is_empty())
    });
    let started = std::time::Instant::now();
    let a = s.get(&format!("/api/runs/{id}/logs?step=tick&follow=true"));
    assert_eq!(a.body, "tick 1\ntick 2\ntick 3\n");
    assert!(
        started.elapsed() > Duration::from_millis(400),
        "the answer followed the step to its end"
    );
}

#[test]
fn the_openapi_description_names_every_route() {
    let p = Project::new();
    p.write("hello.mflow", HELLO);
    let s = p.serve(&[]);
    let doc = s.get("/api/openapi.json").json();
    assert_eq!(doc["openapi"], "3.1.0");
    for (method, path) in [
        ("get", "/api/workflows"),
        ("get", "/api/runs"),
        ("post", "/api/runs"),
        ("get", "/api/runs/{id}"),
        ("get", "/api/runs/{id}/steps"),
        ("get", "/api/runs/{id}/logs"),
        ("get", "/api/runs/{id}/events"),
        ("get", "/api/events"),
        ("post", "/api/runs/{id}/cancel"),
        ("post", "/api/runs/{id}/resume"),
        ("post", "/api/signals"),
        ("get", "/api/status"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not described"
        );
    }
    // The documented routes are served (a path the router does not know is a 404 without our error body).
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/api.md")).unwrap();
    for path in doc["paths"].as_object().unwrap().keys() {
        assert!(docs.contains(path.as_str()), "docs/api.md does not mention {path}");
    }
}

#[test]
fn the_web_view_and_its_assets_are_served_from_the_binary() {
    let p = Project::new();
    p.write("hello.mflow", HELLO);
    let s = p.serve(&[]);
    let page = s.get("/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<script src=\"/app.js\""));
    assert!(page
        .headers
        .to_ascii_lowercase()
        .contains("content-security-policy: default-src 'self'"));
    assert!(s.get("/app.js").body.contains("EventSource"));
    assert!(s.get("/style.css").body.contains(".node"));
}

#[test]
fn pages_of_other_origins_and_other_host_names_are_refused() {
    let p = Project::new();
    p.write("slow.mflow", SLOW);
    let s = p.serve(&[]);
    let a = s.request(
        "POST",
        "/api/runs",
        Some(r#"{"workflow": "slow"}"#),
        &["Origin: http://evil.example"],
    );
    assert_eq!(a.status, 403, "{}", a.body);
    assert_eq!(a.json()["error"]["code"], "E0914");
    // DNS rebinding: a loopback server answers loopback names only.
    let mut raw = std::net::TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    std::io::Write::write_all(
        &mut raw,
        b"GET /api/runs HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut raw, &mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 403"), "{text}");
    assert!(s.get("/api/runs").status == 200);
    assert!(
        s.get("/api/runs?limit=1").json()["runs"].as_array().unwrap().is_empty(),
        "nothing was started"
    );
}

#[test]
fn a_token_is_required_off_loopback_and_checked_when_given() {
    let p = Project::new();
    p.write("hello.mflow", HELLO);
    let out = p
        .cli()
        .args(["serve", "flows", "--listen", "0.0.0.0:0"])
        .env_remove("MFLOW_SERVE_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("E0900") && err.contains("without a token"), "{err}");

    let short = p.dir.path().join("short.token");
    std::fs::write(&short, "abc\n").unwrap();
    let out = p
        .cli()
        .args(["serve", "flows", "--listen", "0.0.0.0:0", "--token-file"])
        .arg(&short)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0902"));

    let token = "s3cret-token-0123456789";
    let s = p.serve_with(&[], &[("MFLOW_SERVE_TOKEN", token)]);
    let a = s.get("/api/runs");
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["error"]["code"], "E0913");
    let a = s.request(
        "GET",
        "/api/runs",
        None,
        &["Authorization: Bearer wrong-token-0123456789"],
    );
    assert_eq!(a.status, 401);
    let a = s.request("GET", "/api/runs", None, &[&format!("Authorization: Bearer {token}")]);
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(s.get(&format!("/api/runs?access_token={token}")).status, 200);
    // The page itself holds no data; it asks for the token.
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn foreach_steps_are_summarised_per_node_and_listed_a_page_at_a_time() {
    let p = Project::new();
    p.write(
        "fan.mflow",
        "workflow fan {\n  const n: list<int> = [1, 2, 3, 4, 5]\n  foreach i in n {\n    step load { run \"echo ${i}\" }\n  }\n}\n",
    );
    let s = p.serve(&[]);
    let id = s.post("/api/runs", r#"{"workflow": "fan"}"#).json()["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let run = s.wait_json(&format!("/api/runs/{id}"), Duration::from_secs(30), |v| {
        v["state"] == "succeeded"
    });
    assert_eq!(run["steps"]["load"]["total"], 5, "{run}");
    assert_eq!(run["steps"]["load"]["states"]["succeeded"], 5);
    let page = s
        .get(&format!("/api/runs/{id}/steps?node=load&offset=3&limit=10"))
        .json();
    assert_eq!(page["total"], 5);
    let names: Vec<&str> = page["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["load[3]", "load[4]"]);
}

#[test]
fn a_new_file_is_picked_up_while_serving() {
    let p = Project::new();
    p.write("hello.mflow", HELLO);
    let s = p.serve(&[]);
    p.write("sub/slow.mflow", SLOW);
    let v = s.wait_json("/api/workflows", Duration::from_secs(20), |v| {
        v["workflows"].as_array().unwrap().len() == 2
    });
    assert!(
        v["workflows"].as_array().unwrap().iter().any(|w| w["name"] == "slow"),
        "{v}"
    );
    assert!(s.log().contains("slow.mflow (1 workflow(s))"), "{}", s.log());
}
