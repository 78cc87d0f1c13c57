//! Loop bodies are templates: the IR does not grow with iteration counts, and lowering
//! is deterministic.

use super::{compile, ir_json};

fn foreach_of(n: usize) -> String {
    format!(
        "workflow w {{\n  foreach i in range(0, {n}) {{\n    step s {{\n      run \"echo ${{i}}\"\n    }}\n  }}\n}}\n"
    )
}

#[test]
fn a_100000_item_foreach_is_as_big_as_a_2_item_one() {
    let (a_big, ir_big) = compile(&foreach_of(100_000));
    let (a_small, ir_small) = compile(&foreach_of(2));
    let big = ir_json(&a_big, &ir_big);
    let small = ir_json(&a_small, &ir_small);
    // Only the literal differs: `100000` is five characters longer than `2`.
    assert_eq!(big.len(), small.len() + "100000".len() - "2".len());
    assert_eq!(big.replace("100000", "2"), small);
    let body = &ir_big.workflows[0].body;
    assert_eq!(body.graph.node_count(), 1);
    let maestroc::ir::Node::Foreach(f) = &body.graph[petgraph::graph::NodeIndex::new(0)] else {
        panic!("expected a foreach");
    };
    assert_eq!(f.body.graph.node_count(), 1);
}

const MIXED: &str = r#"
import "std/dates"

fn double(x: int) -> int = x * 2

workflow other {
  param n: int
  step inner { run "echo ${n}" outputs { v: int } }
  output v: int = inner.v
}

workflow w {
  param regions: list<string> = ["us", "eu"]
  param day: date = 2026-11-23
  const owner = "me"
  let tag = owner + "-" + dates.nodash(day)
  concurrency 3
  retry 2 backoff fixed(1s)
  step a { run "a ${tag}" outputs { n: int } }
  foreach r in regions, k in range(0, 2) concurrency 2 {
    let twice = double(k)
    step b { run "b ${r} ${twice} ${a.n}" outputs { m: int } timeout 5s }
  }
  while more with page = 0, more = true limit 5 {
    step fetch { run "f ${page}" outputs { more: bool } }
    next page = page + 1, more = fetch.more
  }
  if sum(b.m) > 0 {
    step c { call other(n: 1) }
  } else if a.n > 2 {
    step d { sleep 1s on_failure ignore }
  } else {
    step e { exec ["echo", str(len(fetch.more))] after b }
  }
  output total: int = sum(b.m)
}
"#;

#[test]
fn lowering_is_deterministic() {
    let first = {
        let (a, ir) = compile(MIXED);
        ir_json(&a, &ir)
    };
    for _ in 0..5 {
        let (a, ir) = compile(MIXED);
        assert_eq!(ir_json(&a, &ir), first);
        let views = super::views(&a, &ir);
        let again = super::views(&a, &ir);
        assert_eq!(maestroc::ir::dot::dot(&views), maestroc::ir::dot::dot(&again));
    }
}

#[test]
fn ir_json_has_versions_spans_and_resolved_names() {
    let (a, ir) = compile(MIXED);
    let json: serde_json::Value = serde_json::from_str(&ir_json(&a, &ir)).unwrap();
    assert_eq!(json["format"], "maestroc-ir");
    assert_eq!(json["version"], 1);
    let w = json["workflows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "w")
        .unwrap();
    assert_eq!(w["span"]["file"], "test.mflow");
    assert_eq!(w["params"][0]["name"], "regions");
    assert_eq!(w["params"][0]["type"], "list<string>");
    assert_eq!(w["params"][0]["required"], false);
    assert_eq!(w["critical_path_depth"], 3);
    assert_eq!(w["topological_order"], serde_json::json!([0, 1, 2, 3]));
    let text = serde_json::to_string(w).unwrap();
    assert!(text.contains(r#"{"var":{"id":"#), "{text}");
    assert!(text.contains(r#""name":"a","up":1,"path":[]"#), "{text}");
    assert!(text.contains(r#""name":"b","up":0,"path":[{"foreach":"#), "{text}");
    let file = &a.sources.get(maestroc::syntax::span::FileId(0)).name;
    assert!(!text.contains("/work/") && file == "test.mflow");
}
