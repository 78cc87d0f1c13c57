//! Dependencies between nested nodes are lifted to the nodes of the body holding both.

use maestroc::ir::{Body, EdgeKind, Node};
use petgraph::graph::NodeIndex;

use super::compile;

/// `(from, to, kind, lifted)` of every edge of a body, with node indices.
fn edges(body: &Body) -> Vec<(usize, usize, EdgeKind, bool)> {
    body.graph
        .edge_indices()
        .map(|e| {
            let (a, b) = body.graph.edge_endpoints(e).unwrap();
            let edge = body.graph[e];
            (a.index(), b.index(), edge.kind, edge.lifted)
        })
        .collect()
}

fn scope_body(body: &Body, i: usize) -> &Body {
    match &body.graph[NodeIndex::new(i)] {
        Node::Foreach(f) => &f.body,
        Node::While(w) => &w.body,
        Node::If(x) => &x.branches[0].body,
        Node::Step(_) => panic!("node {i} is a step"),
    }
}

#[test]
fn inner_step_using_an_outer_step_puts_the_edge_on_the_foreach() {
    let (_, ir) = compile(
        "workflow w {\n  step a { run \"a\" outputs { p: string } }\n  foreach r in [\"x\", \"y\"] {\n    step b { run \"b ${r} ${a.p}\" }\n  }\n}\n",
    );
    let body = &ir.workflows[0].body;
    assert_eq!(edges(body), vec![(0, 1, EdgeKind::Data, true)]);
    assert!(edges(scope_body(body, 1)).is_empty());
}

#[test]
fn outer_step_using_an_inner_step_gets_the_edge_from_the_foreach() {
    let (_, ir) = compile(
        "workflow w {\n  foreach r in [\"x\"] {\n    step b { run \"b ${r}\" outputs { n: int } }\n  }\n  step c { run \"c ${sum(b.n)}\" }\n  step d { after b }\n}\n",
    );
    let body = &ir.workflows[0].body;
    let mut got = edges(body);
    got.sort_by_key(|e| (e.0, e.1));
    assert_eq!(got, vec![(0, 1, EdgeKind::Data, true), (0, 2, EdgeKind::After, true)]);
}

#[test]
fn siblings_inside_a_body_are_not_lifted_and_deep_edges_stop_at_the_common_body() {
    let (_, ir) = compile(
        "workflow w {\n  foreach r in [\"x\"] {\n    step a { run \"a ${r}\" outputs { n: int } }\n    step b { run \"b ${a.n}\" }\n    if a.n > 1 {\n      foreach k in [1, 2] {\n        step c { run \"c ${k} ${a.n}\" }\n      }\n    }\n  }\n}\n",
    );
    let top = &ir.workflows[0].body;
    assert!(edges(top).is_empty());
    let inner = scope_body(top, 0);
    let mut got = edges(inner);
    got.sort_by_key(|e| (e.0, e.1));
    // a → b (plain), a → if (the if's condition and, lifted, step c's reference).
    assert!(got.contains(&(0, 1, EdgeKind::Data, false)), "{got:?}");
    assert!(got.iter().any(|e| e.0 == 0 && e.1 == 2), "{got:?}");
    let if_body = scope_body(inner, 2);
    assert!(edges(if_body).is_empty());
}

#[test]
fn graph_view_draws_lifted_edges_between_clusters() {
    let (a, ir) = compile(
        "workflow w {\n  foreach r in [\"x\"] {\n    step b { run \"b ${r}\" outputs { n: int } }\n  }\n  step c { run \"c ${sum(b.n)}\" }\n}\n",
    );
    let views = super::views(&a, &ir);
    let dot = maestroc::ir::dot::dot(&views);
    assert!(dot.contains(r#""f0_out" -> "s1" [ltail="cluster_f0"];"#), "{dot}");
    let json = maestroc::ir::graph::to_json(&views);
    assert_eq!(
        json["edges"][0],
        serde_json::json!({"from": "f0", "to": "s1", "kind": "data", "lifted": true})
    );
    let mermaid = maestroc::ir::mermaid::mermaid(&views);
    assert!(mermaid.contains("  f0 --> s1\n"), "{mermaid}");
}
