//! `compile --target argo|maestro` (issue 13): per-construct snapshots of the emitted YAML
//! and JSON (`tests/fixtures/export/snapshots/`), the key mappings asserted on the parsed
//! output, the refusals with their codes and spans, and the Maestro definition checked
//! against the shape of Maestro's own samples and round-tripped through our serde models.
//! (Schema and Hera validation of the Argo output runs in `.ci/export.sh`.)

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn compile(file: &str, args: &[&str]) -> Out {
    let out = Command::cargo_bin("maestroc")
        .unwrap()
        .current_dir(root())
        .env("NO_COLOR", "1")
        .args(["--color", "never", "compile", file])
        .args(args)
        .output()
        .unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/export/{name}.mflow")
}

/// The Argo manifest of a fixture, parsed; the compile must succeed.
fn argo(name: &str, args: &[&str]) -> (String, Value) {
    let mut all = vec!["--target", "argo"];
    all.extend_from_slice(args);
    let out = compile(&fixture(name), &all);
    assert_eq!(out.code, 0, "{name}: {}", out.stderr);
    let value: Value = yaml_serde::from_str(&out.stdout).unwrap();
    (out.stdout, value)
}

fn maestro(name: &str, args: &[&str]) -> (String, Value) {
    let mut all = vec!["--target", "maestro"];
    all.extend_from_slice(args);
    let out = compile(&fixture(name), &all);
    assert_eq!(out.code, 0, "{name}: {}", out.stderr);
    let value: Value = serde_json::from_str(&out.stdout).unwrap();
    (out.stdout, value)
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => root().join("tests/fixtures/export/snapshots"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

fn templates(manifest: &Value) -> &Vec<Value> {
    let spec = &manifest["spec"];
    let spec = if spec.get("workflowSpec").is_some() {
        &spec["workflowSpec"]
    } else {
        spec
    };
    spec["templates"].as_array().unwrap()
}

fn template<'a>(manifest: &'a Value, name: &str) -> &'a Value {
    templates(manifest)
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no template {name}"))
}

/// Every DAG task of the manifest.
fn tasks(manifest: &Value) -> Vec<&Value> {
    templates(manifest)
        .iter()
        .filter_map(|t| t["dag"]["tasks"].as_array())
        .flatten()
        .collect()
}

fn task<'a>(manifest: &'a Value, name: &str) -> &'a Value {
    tasks(manifest)
        .into_iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no task {name}"))
}

fn env_value<'a>(template: &'a Value, name: &str) -> &'a str {
    template["container"]["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .and_then(|e| e["value"].as_str())
        .unwrap_or_else(|| panic!("no env {name}"))
}

fn arg<'a>(task: &'a Value, name: &str) -> &'a str {
    task["arguments"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["value"].as_str())
        .unwrap_or_else(|| panic!("no argument {name}"))
}

const FIXTURES: &[(&str, &[&str])] = &[
    ("params", &[]),
    ("run_quoting", &[]),
    ("exec_env_dir", &[]),
    ("foreach_items", &[]),
    ("foreach_param", &[]),
    ("nested_foreach", &[]),
    ("if_else", &[]),
    ("retry_timeout_failure", &[]),
    ("call", &["-w", "parent"]),
    ("schedule", &[]),
    ("strategy", &[]),
    ("operators", &[]),
    ("tags_zone", &[]),
];

#[test]
fn export_argo_snapshots_per_construct() {
    for (name, args) in FIXTURES {
        let (text, _) = argo(name, args);
        snapshot(&format!("argo__{name}"), &text);
    }
}

#[test]
fn export_maestro_snapshots_per_construct() {
    for (name, args) in [
        ("params", &[][..]),
        ("exec_env_dir", &[]),
        ("foreach_items", &[]),
        ("foreach_param", &[]),
        ("nested_foreach", &[]),
        ("if_else", &[]),
        ("retry_timeout_failure", &[]),
        ("schedule", &[]),
        ("strategy", &[]),
        ("operators", &[]),
        ("signals", &[]),
        ("while_loop", &[]),
        ("call", &["-w", "child"]),
        ("triggers", &[]),
        ("tags_zone", &[]),
    ] {
        let (text, _) = maestro(name, args);
        snapshot(&format!("maestro__{name}"), &text);
    }
}

#[test]
fn export_output_is_deterministic() {
    for (name, args) in FIXTURES {
        let a = compile(&fixture(name), &[&["--target", "argo"][..], args].concat());
        let b = compile(&fixture(name), &[&["--target", "argo"][..], args].concat());
        assert_eq!(a.stdout, b.stdout, "{name}");
    }
}

#[test]
fn export_argo_params_become_workflow_arguments() {
    let (_, m) = argo("params", &[]);
    assert_eq!(m["apiVersion"], "argoproj.io/v1alpha1");
    assert_eq!(m["kind"], "Workflow");
    assert_eq!(m["metadata"]["generateName"], "params-");
    let params = m["spec"]["arguments"]["parameters"].as_array().unwrap();
    let value = |n: &str| {
        params
            .iter()
            .find(|p| p["name"] == n)
            .map(|p| p["value"].clone())
            .unwrap()
    };
    assert_eq!(value("name"), "orders");
    assert_eq!(value("count"), "3");
    assert_eq!(value("full"), "false");
    assert_eq!(value("day"), "2026-11-23");
    assert_eq!(value("wait"), "90000");
    assert_eq!(value("regions"), r#"["us","eu"]"#);
    assert_eq!(value("model"), r#"{"name":"gbm","trees":200}"#);
    // A required param has no value: Argo then requires it at submission.
    assert_eq!(value("required_id"), Value::Null);
    // The let is inlined where it is read, with the const.
    let show = task(&m, "show");
    assert_eq!(
        arg(show, "v1"),
        "{{=(((('data-eng') + '-') + inputs.parameters['name'])) }}"
    );
}

#[test]
fn export_argo_dates_are_quoted_for_yaml_1_1_readers() {
    let (text, _) = argo("params", &[]);
    assert!(text.contains("value: '2026-11-23'"), "{text}");
}

#[test]
fn export_argo_run_keeps_quoting() {
    let (_, m) = argo("run_quoting", &[]);
    let t = template(&m, "run-quoting-quote");
    let script = t["container"]["command"][2].as_str().unwrap();
    // A scalar is one word through an environment variable; a list one single-quoted
    // word per element, quoted by the expression.
    assert!(
        script.contains(r#"printf '%s\n' "$MFLOW_V1" {{inputs.parameters.v2}}"#),
        "{script}"
    );
    assert_eq!(env_value(t, "MFLOW_V1"), "{{inputs.parameters.v1}}");
    let q = task(&m, "quote");
    assert_eq!(arg(q, "v1"), "{{=inputs.parameters['message'] }}");
    assert!(
        arg(q, "v2").contains(r#"replace(string(#), "'", "'\\''")"#),
        "{}",
        arg(q, "v2")
    );
    // The shim turns the `$MFLOW_OUTPUTS` file into one file per output.
    assert_eq!(t["outputs"]["parameters"][0]["valueFrom"]["path"], "/tmp/mflow/out/n");
}

#[test]
fn export_argo_exec_env_dir_resources() {
    let (_, m) = argo("exec_env_dir", &[]);
    let c = &template(&m, "exec-env-dir-hello")["container"];
    assert_eq!(c["image"], "busybox:1.36");
    assert_eq!(c["command"], serde_json::json!(["echo"]));
    assert_eq!(c["args"], serde_json::json!(["hello", "{{inputs.parameters.v1}}"]));
    assert_eq!(c["workingDir"], "/work");
    assert_eq!(c["resources"]["requests"]["cpu"], "2");
    assert_eq!(c["resources"]["limits"]["memory"], "4Gi");
    let t = template(&m, "exec-env-dir-hello");
    assert_eq!(env_value(t, "GREETING"), "{{inputs.parameters.v2}}");
    assert_eq!(env_value(t, "LEVEL"), "{{inputs.parameters.v3}}");
    assert_eq!(arg(task(&m, "hello"), "v2"), "{{=('hi ' + inputs.parameters['who']) }}");
}

#[test]
fn export_argo_foreach_over_a_literal_is_with_items() {
    let (_, m) = argo("foreach_items", &[]);
    let lp = template(&m, "foreach-items-region-loop");
    assert_eq!(lp["parallelism"], 2);
    let iter = &lp["dag"]["tasks"][0];
    assert_eq!(iter["withItems"], serde_json::json!(["us", "eu", "apac"]));
    assert_eq!(arg(iter, "region"), "{{item}}");
    // Gathered outputs: the loop's aggregated outputs, decoded as a JSON list.
    assert_eq!(
        lp["outputs"]["parameters"][0]["valueFrom"]["parameter"],
        "{{tasks.iter.outputs.parameters.load__loaded}}"
    );
    let total = task(&m, "total");
    assert_eq!(
        arg(total, "v1"),
        "{{=string(len(map(jsonpath(tasks['foreach-region'].outputs.parameters['load__loaded'], '$'), {asInt(#)}))) }}"
    );
    assert_eq!(total["dependencies"], serde_json::json!(["foreach-region"]));
}

#[test]
fn export_argo_foreach_over_a_param_or_output_is_with_param() {
    let (_, m) = argo("foreach_param", &[]);
    let by_param = task(&m, "foreach-shard");
    assert_eq!(
        arg(by_param, "items__shard"),
        "{{=toJson(jsonpath(inputs.parameters['shards'], '$')) }}"
    );
    let by_output = task(&m, "foreach-file");
    assert_eq!(
        arg(by_output, "items__file"),
        "{{=toJson(jsonpath(tasks['list-files'].outputs.parameters['files'], '$')) }}"
    );
    assert_eq!(by_output["dependencies"], serde_json::json!(["list-files"]));
    let lp = template(&m, "foreach-param-file-loop");
    assert_eq!(lp["dag"]["tasks"][0]["withParam"], "{{inputs.parameters.items__file}}");
}

#[test]
fn export_argo_nested_foreach_passes_outer_outputs_in() {
    let (_, m) = argo("nested_foreach", &[]);
    // The inner body reads `prepare.seed` two levels up: each level passes it on.
    let outer = task(&m, "foreach-x");
    assert_eq!(
        arg(outer, "out__prepare__seed"),
        "{{=tasks['prepare'].outputs.parameters['seed'] }}"
    );
    let cell = task(&m, "cell");
    assert_eq!(
        arg(cell, "v3"),
        "{{=string(asInt(inputs.parameters['out__prepare__seed'])) }}"
    );
    // Each level in between passes it on under the same name.
    assert_eq!(
        arg(task(&m, "foreach-y"), "out__prepare__seed"),
        "{{=inputs.parameters['out__prepare__seed'] }}"
    );
    assert!(templates(&m).iter().any(|t| t["name"] == "nested-foreach-y-loop"));
}

#[test]
fn export_argo_if_is_when() {
    let (_, m) = argo("if_else", &[]);
    let rows = "asInt(tasks['check'].outputs.parameters['rows'])";
    let then = format!("({rows} > asInt(inputs.parameters['threshold']))");
    let elif = format!("({rows} == 0)");
    let whens: Vec<&str> = tasks(&m).iter().filter_map(|t| t["when"].as_str()).collect();
    assert_eq!(
        whens,
        [
            format!("{{{{={then} }}}}"),
            format!("{{{{=!{then} && {elif} }}}}"),
            format!("{{{{=!{then} && !{elif} }}}}"),
        ]
    );
    // The join waits for every branch (a skipped task counts as done).
    assert_eq!(
        task(&m, "after-all")["dependencies"],
        serde_json::json!(["if-0-0", "if-0-1", "if-0-2"])
    );
}

#[test]
fn export_argo_retry_timeout_failure() {
    let (_, m) = argo("retry_timeout_failure", &[]);
    assert_eq!(m["spec"]["activeDeadlineSeconds"], 7200);
    assert_eq!(m["spec"]["parallelism"], 3);
    let flaky = template(&m, "retry-timeout-failure-flaky");
    assert_eq!(
        flaky["retryStrategy"],
        serde_json::json!({"limit": "3", "retryPolicy": "OnFailure", "backoff": {"duration": "10s", "factor": "2", "cap": "5m"}})
    );
    assert_eq!(flaky["activeDeadlineSeconds"], "1800");
    let slow = template(&m, "retry-timeout-failure-slow");
    assert_eq!(
        slow["retryStrategy"],
        serde_json::json!({"limit": "2", "retryPolicy": "Always", "backoff": {"duration": "30s", "factor": "1"}})
    );
    assert_eq!(task(&m, "flaky")["continueOn"], serde_json::json!({"failed": true}));
    assert_eq!(template(&m, "retry-timeout-failure-pause")["suspend"]["duration"], "60");
    assert_eq!(template(&m, "retry-timeout-failure-join")["suspend"]["duration"], "0");
}

#[test]
fn export_argo_call_is_a_template_of_its_own() {
    let (_, m) = argo("call", &["-w", "parent"]);
    let first = task(&m, "first");
    assert_eq!(first["template"], "child");
    assert_eq!(arg(first, "n"), "{{=string(21) }}");
    let child = template(&m, "child");
    assert_eq!(
        child["inputs"]["parameters"][0],
        serde_json::json!({"name": "n", "value": "1"})
    );
    assert_eq!(
        child["outputs"]["parameters"][1]["valueFrom"]["expression"],
        "string(asInt(tasks['work'].outputs.parameters['doubled']))"
    );
    assert_eq!(
        arg(task(&m, "show"), "v1"),
        "{{=string(asInt(tasks['first'].outputs.parameters['doubled'])) }}"
    );
}

#[test]
fn export_argo_schedule_is_a_cron_workflow() {
    let (_, m) = argo("schedule", &[]);
    assert_eq!(m["kind"], "CronWorkflow");
    assert_eq!(m["metadata"]["name"], "nightly");
    assert_eq!(m["spec"]["schedules"], serde_json::json!(["0 2 * * *"]));
    assert_eq!(m["spec"]["concurrencyPolicy"], "Forbid");
    assert_eq!(m["spec"]["workflowSpec"]["entrypoint"], "main");
}

#[test]
fn export_argo_time_zone_and_tags() {
    let (_, m) = argo("tags_zone", &[]);
    assert_eq!(m["kind"], "CronWorkflow");
    assert_eq!(m["spec"]["timezone"], "Europe/Amsterdam");
    assert_eq!(m["spec"]["schedules"], serde_json::json!(["30 2 * * *"]));
    assert_eq!(m["metadata"]["labels"]["tags.maestroc.dev/team-data"], "true");
    assert_eq!(m["metadata"]["labels"]["tags.maestroc.dev/daily"], "true");
    // A signal trigger has no Argo equivalent.
    let out = compile(&fixture("triggers"), &["--target", "argo"]);
    assert_eq!(codes(&out.stderr), [("E0800".to_string(), 7)], "{}", out.stderr);
}

#[test]
fn export_maestro_triggers_tags_fixed() {
    let (_, m) = maestro("triggers", &[]);
    let wf = &m["workflow"];
    assert_eq!(
        wf["time_triggers"],
        serde_json::json!([{"cron": "30 2 * * *", "timezone": "Europe/Amsterdam", "type": "CRON"}])
    );
    assert_eq!(
        wf["tags"],
        serde_json::json!([{"name": "team-data"}, {"name": "daily"}])
    );
    assert_eq!(
        wf["signal_triggers"],
        serde_json::json!([{"definitions": {"table_ready": {"match_params": {"table": {"value": "orders", "operator": "="}}}}}])
    );
    assert_eq!(wf["params"]["day"]["mode"], "mutable_on_start");
}

#[test]
fn export_argo_kind_template_is_a_workflow_template() {
    let out = compile(&fixture("schedule"), &["--target", "argo", "--kind", "template"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let m: Value = yaml_serde::from_str(&out.stdout).unwrap();
    assert_eq!(m["kind"], "WorkflowTemplate");
    assert_eq!(m["metadata"]["name"], "nightly");
    // The schedule has no place in a WorkflowTemplate: a warning says so.
    assert!(out.stderr.contains("warning[W0021]"), "{}", out.stderr);
}

#[test]
fn export_argo_sequential_strategy_is_a_mutex() {
    let (_, m) = argo("strategy", &[]);
    assert_eq!(
        m["spec"]["synchronization"],
        serde_json::json!({"mutexes": [{"name": "maestroc-queued"}]})
    );
}

#[test]
fn export_argo_operators_translate() {
    let (_, m) = argo("operators", &[]);
    let ops = task(&m, "ops");
    let t = template(&m, "operators-ops");
    let expr = |var: &str| {
        let param = env_value(t, var)
            .trim_start_matches("{{inputs.parameters.")
            .trim_end_matches("}}");
        arg(ops, param).to_string()
    };
    let a = "asInt(inputs.parameters['a'])";
    let b = "asInt(inputs.parameters['b'])";
    let x = "asFloat(inputs.parameters['x'])";
    let s = "inputs.parameters['s']";
    let tt = "(inputs.parameters['t'] == 'true')";
    let cases = [
        ("ADD", format!("{{{{=string(({a} + {b})) }}}}")),
        ("SUB", format!("{{{{=string(({a} - {b})) }}}}")),
        ("MUL", format!("{{{{=string(({a} * {b})) }}}}")),
        ("DIV", format!("{{{{=string(int({a} / {b})) }}}}")),
        ("REM", format!("{{{{=string(({a} % {b})) }}}}")),
        ("FDIV", format!("{{{{=string(({x} / 2.0)) }}}}")),
        ("NEG", format!("{{{{=string((-{a})) }}}}")),
        ("CAT", format!("{{{{=({s} + 'd') }}}}")),
        ("EQ", format!("{{{{=string(({a} == {b})) }}}}")),
        ("NE", format!("{{{{=string(({a} != {b})) }}}}")),
        ("LT", format!("{{{{=string(({a} < {b})) }}}}")),
        ("LE", format!("{{{{=string(({a} <= {b})) }}}}")),
        ("GT", format!("{{{{=string(({a} > {b})) }}}}")),
        ("GE", format!("{{{{=string(({a} >= {b})) }}}}")),
        ("AND", format!("{{{{=string(({tt} && ({a} > {b}))) }}}}")),
        ("OR", format!("{{{{=string(({tt} || ({a} > {b}))) }}}}")),
        ("NOT", format!("{{{{=string((!{tt})) }}}}")),
        (
            "COALESCE",
            "{{=((inputs.parameters['o'] == '' ? nil : inputs.parameters['o']) ?? 'dflt') }}".to_string(),
        ),
        ("COND", format!("{{{{=({tt} ? 'yes' : 'no') }}}}")),
        ("SEQ", format!("{{{{=string(({s} == 'abc')) }}}}")),
        ("SLT", format!("{{{{=string(({s} < 'b')) }}}}")),
        ("UPPER", format!("{{{{=upper({s}) }}}}")),
        ("LEN", format!("{{{{=string(len({s})) }}}}")),
        (
            "DATE",
            "{{=('2026-11-23'[0:4] + '2026-11-23'[5:7] + '2026-11-23'[8:10]) }}".to_string(),
        ),
    ];
    for (var, want) in cases {
        assert_eq!(expr(var), want, "{var}");
    }
}

#[test]
fn export_maestro_operators_translate_to_sel() {
    let (_, m) = maestro("operators", &[]);
    let step = &m["workflow"]["steps"][0]["step"];
    let env = &step["params"]["kubernetes"]["value"]["env"]["value"];
    let sel = |var: &str| {
        let r = env[var].as_str().unwrap();
        let p = r.trim_start_matches("${").trim_end_matches('}');
        step["params"][p]["expression"].as_str().unwrap().to_string()
    };
    let cases = [
        ("ADD", "(\"\" + (a + b))"),
        ("DIV", "(\"\" + (a / b))"),
        ("REM", "(\"\" + (a % b))"),
        ("NEG", "(\"\" + (-a))"),
        ("CAT", "(s + \"d\")"),
        ("EQ", "(\"\" + (a == b))"),
        ("NE", "(\"\" + (a != b))"),
        ("LE", "(\"\" + (a <= b))"),
        ("AND", "(\"\" + (t && (a > b)))"),
        ("OR", "(\"\" + (t || (a > b)))"),
        ("NOT", "(\"\" + (!t))"),
        ("COALESCE", "(o != null ? o : \"dflt\")"),
        ("COND", "(t ? \"yes\" : \"no\")"),
        ("SEQ", "(\"\" + (s).equals(\"abc\"))"),
        ("SLT", "(\"\" + ((s).compareTo(\"b\") < 0))"),
        ("UPPER", "(s).toUpperCase()"),
        ("LEN", "(\"\" + (s).length())"),
    ];
    for (var, want) in cases {
        assert_eq!(sel(var), want, "{var}");
    }
}

#[test]
fn export_argo_names_are_dns1123() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("names.mflow");
    let long = "a_very_long_step_name_that_goes_on_and_on_past_sixty_three_characters_x";
    std::fs::write(
        &file,
        format!(
            "workflow Daily_ETL_Job {{\n  step {long}1 {{ image \"a\"  run \"true\" }}\n  step {long}2 {{ image \"a\"  run \"true\" }}\n  step Load_X {{ image \"a\"  run \"true\" }}\n  step load_x {{ image \"a\"  run \"true\" }}\n}}\n"
        ),
    )
    .unwrap();
    let out = compile(file.to_str().unwrap(), &["--target", "argo"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let m: Value = yaml_serde::from_str(&out.stdout).unwrap();
    let dns = |s: &str| {
        s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
    };
    let mut names: Vec<&str> = templates(&m).iter().map(|t| t["name"].as_str().unwrap()).collect();
    let task_names: Vec<&str> = tasks(&m).iter().map(|t| t["name"].as_str().unwrap()).collect();
    for n in names.iter().chain(&task_names) {
        assert!(dns(n), "{n}");
    }
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "template names are unique");
    assert!(
        task_names.contains(&"load-x") && task_names.contains(&"load-x-2"),
        "{task_names:?}"
    );
}

/// `(code, line)` of each diagnostic in human output.
fn codes(stderr: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut code = None;
    for line in stderr.lines() {
        if let Some(rest) = line.strip_prefix("error[").or_else(|| line.strip_prefix("warning[")) {
            code = rest.split(']').next().map(str::to_string);
        } else if let (Some(c), Some(pos)) = (code.as_ref(), line.find(".mflow:")) {
            let n = line[pos + 7..]
                .split(':')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            out.push((c.clone(), n));
            code = None;
        }
    }
    out
}

#[test]
fn export_refusals_have_codes_and_spans() {
    let out = compile(&fixture("while_loop"), &["--target", "argo"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert_eq!(codes(&out.stderr), [("E0800".to_string(), 3)], "{}", out.stderr);
    assert!(
        out.stderr.contains("help: use a `foreach` over a bounded `range(…)`"),
        "{}",
        out.stderr
    );

    let out = compile(&fixture("signals"), &["--target", "argo"]);
    assert_eq!(
        codes(&out.stderr),
        [("E0800".to_string(), 6), ("E0800".to_string(), 11)],
        "{}",
        out.stderr
    );

    let out = compile(&fixture("run_quoting"), &["--target", "maestro"]);
    assert_eq!(codes(&out.stderr), [("E0805".to_string(), 8)], "{}", out.stderr);

    let out = compile("examples/daily_etl.mflow", &["--target", "argo"]);
    assert_eq!(codes(&out.stderr)[0], ("E0804".to_string(), 13), "{}", out.stderr);
}

#[test]
fn export_a_step_without_image_needs_default_image() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("noimage.mflow");
    std::fs::write(&file, "workflow w {\n  step a { run \"echo hi\" }\n}\n").unwrap();
    let path = file.to_str().unwrap();
    for target in ["argo", "maestro"] {
        let out = compile(path, &["--target", target]);
        assert_eq!(out.code, 2);
        assert!(
            out.stderr.contains("error[E0801]: step `a` has no container image"),
            "{}",
            out.stderr
        );
        let out = compile(path, &["--target", target, "--default-image", "alpine:3"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.contains("alpine:3"));
    }
}

#[test]
fn export_deny_warnings_fails_on_approximations() {
    let out = compile(
        "examples/fan_out_fan_in.mflow",
        &["--target", "argo", "--default-image", "a"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("warning[W0020]"));
    let out = compile(
        "examples/fan_out_fan_in.mflow",
        &["--target", "argo", "--default-image", "a", "--deny-warnings"],
    );
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
}

#[test]
fn export_maestro_maps_constructs() {
    let (_, m) = maestro("retry_timeout_failure", &[]);
    let wf = &m["workflow"];
    assert_eq!(wf["timeout"], 7200);
    assert_eq!(wf["instance_step_concurrency"], 3);
    let flaky = &wf["steps"][0]["step"];
    assert_eq!(flaky["type"], "kubernetes");
    assert_eq!(flaky["failure_mode"], "IGNORE_FAILURE");
    assert_eq!(flaky["timeout"], 1800);
    assert_eq!(
        flaky["retry_policy"],
        serde_json::json!({"error_retry_limit": 3, "timeout_retry_limit": 0, "backoff": {"type": "EXPONENTIAL_BACKOFF", "error_retry_backoff_in_secs": 10, "error_retry_exponent": 2, "error_retry_limit_in_secs": 300}})
    );
    assert_eq!(flaky["transition"]["successors"], serde_json::json!({"pause": "true"}));

    let (_, m) = maestro("if_else", &[]);
    let steps = m["workflow"]["steps"].as_array().unwrap();
    let decision = steps.iter().find(|s| s["step"]["id"] == "if_0").unwrap();
    let c = "params.getFromStep(\"check\", \"rows\")";
    assert_eq!(
        decision["step"]["transition"]["successors"],
        serde_json::json!({
            "big": format!("({c} > threshold)"),
            "empty": format!("!({c} > threshold) && ({c} == 0L)"),
            "small": format!("!({c} > threshold) && !({c} == 0L)"),
            "after_all": "true",
        })
    );

    let (_, m) = maestro("foreach_items", &[]);
    let fe = &m["workflow"]["steps"][0]["foreach"];
    assert_eq!(fe["concurrency"], 2);
    assert_eq!(
        fe["params"]["loop_params"],
        serde_json::json!({"value": {"region": {"value": ["us", "eu", "apac"], "type": "STRING_ARRAY"}}, "type": "MAP"})
    );

    let (_, m) = maestro("schedule", &[]);
    assert_eq!(
        m["workflow"]["time_triggers"],
        serde_json::json!([{"cron": "0 2 * * *", "timezone": "UTC", "type": "CRON"}])
    );
    assert_eq!(
        m["properties"]["run_strategy"],
        serde_json::json!({"rule": "FIRST_ONLY"})
    );

    let (_, m) = maestro("signals", &[]);
    let steps = &m["workflow"]["steps"];
    assert_eq!(
        steps[0]["step"]["signal_dependencies"],
        serde_json::json!([{"name": "orders_ready", "match_params": {
            "day": {"param": {"expression": "day", "type": "STRING"}, "operator": "="},
            "table": {"param": {"value": "orders", "type": "STRING"}, "operator": "="}}}])
    );
    assert_eq!(
        steps[1]["step"]["signal_outputs"],
        serde_json::json!([{"name": "report_ready", "params": {
            "day": {"expression": "day", "type": "STRING"},
            "kind": {"value": "daily", "type": "STRING"}}}])
    );

    // A call is a subworkflow step; Maestro does not hand the callee's outputs back.
    let out = compile(&fixture("call"), &["-w", "parent", "--target", "maestro"]);
    assert_eq!(codes(&out.stderr), [("E0806".to_string(), 18)], "{}", out.stderr);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("call.mflow");
    std::fs::write(
        &file,
        "workflow child { param n: int  step s {} }\nworkflow parent {\n  step c { call child(n: 2) }\n}\n",
    )
    .unwrap();
    let out = compile(file.to_str().unwrap(), &["-w", "parent", "--target", "maestro"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let m: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        m["workflow"]["steps"][0],
        serde_json::json!({"subworkflow": {"id": "c", "sync": true, "params": {
            "n": {"value": 2, "type": "LONG"},
            "subworkflow_id": {"value": "child", "type": "STRING"}}, "transition": {}}})
    );
}

/// Every emitted Maestro definition: the shape of Maestro's own samples
/// (tests/fixtures/maestro/), and a lossless round trip through our serde models.
#[test]
fn export_maestro_definitions_match_maestro_samples_and_round_trip() {
    let samples_dir = root().join("tests/fixtures/maestro");
    let mut sample_keys = Keys::default();
    for entry in std::fs::read_dir(&samples_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            sample_keys.collect(&v);
        }
    }
    let mut checked = 0;
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["examples", "tests/fixtures/export", "tests/ui/clean"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "mflow") {
                files.push(p);
            }
        }
    }
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for w in text
            .lines()
            .filter_map(|l| l.strip_prefix("workflow "))
            .filter_map(|l| l.split_whitespace().next())
        {
            let rel = file.strip_prefix(root()).unwrap().to_str().unwrap().to_string();
            let out = compile(&rel, &["-w", w, "--target", "maestro", "--default-image", "alpine:3"]);
            if out.code != 0 {
                assert!(
                    out.stderr.contains("error[E08"),
                    "{rel} {w}: refused without an E08xx code:\n{}",
                    out.stderr
                );
                continue;
            }
            let v: Value = serde_json::from_str(&out.stdout).unwrap();
            check_shape(&v, &sample_keys, &format!("{rel} -w {w}"));
            let model: maestroc::export::maestro::model::CreateRequest = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(serde_json::to_value(&model).unwrap(), v, "{rel} {w}: round trip");
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} definitions checked");
}

/// The keys seen at each kind of place in Maestro's samples.
#[derive(Default)]
struct Keys {
    top: Vec<String>,
    workflow: Vec<String>,
    step: Vec<String>,
    step_kinds: Vec<String>,
    step_types: Vec<String>,
}

impl Keys {
    fn collect(&mut self, v: &Value) {
        let add = |into: &mut Vec<String>, obj: &Value| {
            if let Some(o) = obj.as_object() {
                into.extend(o.keys().cloned());
            }
        };
        add(&mut self.top, v);
        add(&mut self.workflow, &v["workflow"]);
        self.collect_steps(&v["workflow"]["steps"]);
    }

    fn collect_steps(&mut self, steps: &Value) {
        for s in steps.as_array().into_iter().flatten() {
            let Some((kind, body)) = s.as_object().and_then(|o| o.iter().next()) else {
                continue;
            };
            self.step_kinds.push(kind.clone());
            self.step.extend(body.as_object().unwrap().keys().cloned());
            if let Some(t) = body["type"].as_str() {
                self.step_types.push(t.to_string());
            }
            self.collect_steps(&body["steps"]);
        }
    }
}

fn check_shape(v: &Value, samples: &Keys, what: &str) {
    let has = |keys: &[String], k: &str| keys.iter().any(|s| s == k);
    for k in v.as_object().unwrap().keys() {
        assert!(
            has(&samples.top, k),
            "{what}: top-level `{k}` is not in Maestro's samples"
        );
    }
    assert!(v["properties"]["owner"].is_string(), "{what}: properties.owner");
    let wf = &v["workflow"];
    assert!(wf["id"].is_string(), "{what}: workflow.id");
    for k in wf.as_object().unwrap().keys() {
        // `instance_step_concurrency` and `tags` are fields of Maestro's `Workflow` class.
        assert!(
            has(&samples.workflow, k) || k == "instance_step_concurrency" || k == "tags",
            "{what}: workflow `{k}` is not in Maestro's samples"
        );
    }
    check_params(&wf["params"], what);
    check_steps(&wf["steps"], samples, what);
}

fn check_params(params: &Value, what: &str) {
    for (name, p) in params.as_object().into_iter().flatten() {
        assert!(p["type"].is_string(), "{what}: param {name} has no type");
        for k in p.as_object().unwrap().keys() {
            assert!(
                ["value", "expression", "type", "mode"].contains(&k.as_str()),
                "{what}: param {name}.{k}"
            );
        }
    }
}

fn check_steps(steps: &Value, samples: &Keys, what: &str) {
    let steps = steps.as_array().unwrap_or_else(|| panic!("{what}: steps is a list"));
    let ids: Vec<&str> = steps
        .iter()
        .filter_map(|s| s.as_object()?.values().next()?["id"].as_str())
        .collect();
    for s in steps {
        let o = s.as_object().unwrap();
        assert_eq!(o.len(), 1, "{what}: a step entry has one key");
        let (kind, body) = o.iter().next().unwrap();
        assert!(
            samples.step_kinds.contains(kind) || kind == "while",
            "{what}: step kind {kind}"
        );
        for k in body.as_object().unwrap().keys() {
            // Fields of Maestro's `AbstractStep`/`TypedStep`/`WhileStep` classes.
            let class_field = ["failure_mode", "retry_policy", "signal_outputs", "condition"].contains(&k.as_str());
            assert!(samples.step.contains(k) || class_field, "{what}: step field {k}");
        }
        if let Some(t) = body["type"].as_str() {
            assert!(
                samples.step_types.iter().any(|s| s == t) || t == "kubernetes",
                "{what}: step type {t}"
            );
        }
        for (to, cond) in body["transition"]["successors"].as_object().into_iter().flatten() {
            assert!(cond.is_string(), "{what}: transition condition is a string");
            assert!(ids.contains(&to.as_str()), "{what}: successor {to} is a sibling step");
        }
        check_params(&body["params"], what);
        if body.get("steps").is_some() {
            check_steps(&body["steps"], samples, what);
        }
    }
}

#[test]
fn export_kind_template_is_for_argo_only() {
    let out = compile(&fixture("strategy"), &["--target", "maestro", "--kind", "template"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("`--kind template` is an Argo manifest kind"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
#[allow(clippy::format_push_string, reason = "builds a test source")]
fn export_large_and_deep_workflows_compile_without_trouble() {
    // 400 chained steps, and loops nested 12 deep reading a step at the top.
    let dir = tempfile::tempdir().unwrap();
    let mut src = String::from("workflow big {\n");
    for i in 0..400 {
        src.push_str(&format!(
            "  step s_{i} {{ image \"a\"  run \"echo {i}\"  outputs {{ n: int }}"
        ));
        if i > 0 {
            src.push_str(&format!("  after s_{}", i - 1));
        }
        src.push_str(" }\n");
    }
    src.push_str("}\nworkflow deep {\n  step top { image \"a\"  run \"echo n=1 >> \\\"$MFLOW_OUTPUTS\\\"\"  outputs { n: int } }\n");
    for d in 0..12 {
        src.push_str(&format!("{}foreach v{d} in [1, 2] {{\n", "  ".repeat(d + 1)));
    }
    src.push_str(&format!(
        "{}step leaf {{ image \"a\"  run \"echo ${{top.n}} ${{v11}}\" }}\n",
        "  ".repeat(13)
    ));
    for d in (0..12).rev() {
        src.push_str(&format!("{}}}\n", "  ".repeat(d + 1)));
    }
    src.push_str("}\n");
    let file = dir.path().join("big.mflow");
    std::fs::write(&file, src).unwrap();
    for (w, target) in [
        ("big", "argo"),
        ("big", "maestro"),
        ("deep", "argo"),
        ("deep", "maestro"),
    ] {
        let out = compile(file.to_str().unwrap(), &["-w", w, "--target", target]);
        assert_eq!(out.code, 0, "{w} {target}: {}", out.stderr);
    }
}

/// The Argo container's script, run by `sh` the way the pod would after Argo's
/// substitutions: a hostile value stays one word, a list is one word per element, and the
/// shim turns `$MFLOW_OUTPUTS` lines into the files Argo reads.
#[test]
fn export_argo_shim_runs_under_sh() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shim.mflow");
    std::fs::write(
        &file,
        "workflow shim {\n  param message: string = \"x\"\n  param files: list<string> = [\"a\"]\n  step s {\n    image \"a\"\n    run \"printf '[%s]' ${message} ${files} > \\\"$WORDS\\\"; echo n=${len(files)} >> \\\"$MFLOW_OUTPUTS\\\"; echo note=two words >> \\\"$MFLOW_OUTPUTS\\\"\"\n    outputs { n: int, note: string }\n  }\n}\n",
    )
    .unwrap();
    let out = compile(file.to_str().unwrap(), &["--target", "argo"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let m: Value = yaml_serde::from_str(&out.stdout).unwrap();
    let script = template(&m, "shim-s")["container"]["command"][2]
        .as_str()
        .unwrap()
        .to_string();
    // What Argo substitutes: the list parameter, quoted by the expression
    // (`'` + element with `'` as `'\''` + `'`, joined by spaces).
    let files = ["a b.txt", "c'd.txt", "$(touch pwned)"];
    let words: Vec<String> = files
        .iter()
        .map(|f| format!("'{}'", f.replace('\'', "'\\''")))
        .collect();
    let script = script.replace("{{inputs.parameters.v2}}", &words.join(" "));
    assert_eq!(
        env_value(template(&m, "shim-s"), "MFLOW_V2"),
        "{{inputs.parameters.v3}}"
    );
    let words_file = dir.path().join("words");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("MFLOW_V1", "it's; rm -rf / $(whoami)")
        // `len(files)`, as the task computes it into the next variable.
        .env("MFLOW_V2", "3")
        .env("WORDS", &words_file)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read_to_string(&words_file).unwrap(),
        "[it's; rm -rf / $(whoami)][a b.txt][c'd.txt][$(touch pwned)]"
    );
    assert!(!dir.path().join("pwned").exists());
    assert_eq!(std::fs::read_to_string("/tmp/mflow/out/n").unwrap(), "3");
    assert_eq!(std::fs::read_to_string("/tmp/mflow/out/note").unwrap(), "two words");
}

/// The Maestro kubernetes step's script after Maestro's interpolation (`$$` → `$`,
/// `${vN}` → the param's value): the outputs come out as Maestro output params.
#[test]
fn export_maestro_shim_prints_output_params() {
    let (_, m) = maestro("if_else", &[]);
    let check = &m["workflow"]["steps"][0]["step"];
    let script = check["params"]["kubernetes"]["value"]["command"]["value"][2]
        .as_str()
        .unwrap()
        .replace("$$", "$");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("MAESTRO_OUTPUT_START", "<<START>>")
        .env("MAESTRO_OUTPUT_END", "<<END>>")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = stdout
        .split("<<START>>")
        .nth(1)
        .and_then(|r| r.split("<<END>>").next())
        .unwrap();
    let v: Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["params"]["rows"]["value"], 12);
    assert_eq!(v["params"]["rows"]["type"], "LONG");
}
