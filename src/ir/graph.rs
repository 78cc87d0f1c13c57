//! `maestroc graph`: a workflow's steps and dependencies as DOT, Mermaid or JSON, with
//! `foreach`/`while`/`if` bodies drawn as clusters labelled by their header.

use std::fmt::Write as _;

use serde_json::json;

use super::node::{Action, Body, EdgeKind, IrWorkflow, Node};
use crate::check::Program;
use crate::source::SourceMap;
use crate::syntax::span::Span;

/// A drawable view of one workflow.
#[derive(Debug, Default)]
pub struct View {
    pub workflow: String,
    pub nodes: Vec<ViewNode>,
    pub clusters: Vec<Cluster>,
    pub edges: Vec<ViewEdge>,
    pub critical_path_depth: usize,
}

#[derive(Debug)]
pub struct ViewNode {
    pub id: String,
    pub label: String,
    pub kind: &'static str,
    pub cluster: Option<usize>,
}

#[derive(Debug)]
pub struct Cluster {
    pub id: String,
    pub label: String,
    pub parent: Option<usize>,
}

#[derive(Debug)]
pub struct ViewEdge {
    pub from: Endpoint,
    pub to: Endpoint,
    pub kind: EdgeKind,
}

#[derive(Debug, Clone)]
pub enum Endpoint {
    Node(String),
    Cluster(usize),
}

/// Builds the view of `wf`.
#[must_use]
pub fn view(wf: &IrWorkflow, program: &Program, sources: &SourceMap) -> View {
    let mut v = View {
        workflow: wf.name.clone(),
        critical_path_depth: wf.body.critical_path_depth(),
        ..View::default()
    };
    let text = |span: Span| {
        sources
            .get(span.file)
            .slice(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    walk(&mut v, &wf.body, None, program, &text);
    v
}

fn walk(v: &mut View, body: &Body, cluster: Option<usize>, program: &Program, text: &dyn Fn(Span) -> String) {
    let mut ends: Vec<Endpoint> = Vec::with_capacity(body.graph.node_count());
    for idx in body.graph.node_indices() {
        let end = match &body.graph[idx] {
            Node::Step(s) => {
                let kind = match &s.action {
                    Action::None => "no-op",
                    Action::Run(_) => "run",
                    Action::Exec(_) => "exec",
                    Action::Call { .. } => "call",
                    Action::Sleep(_) => "sleep",
                    Action::Wait { .. } => "wait",
                };
                let label = match &s.action {
                    Action::Call { workflow, .. } => {
                        format!("{}\ncall {}", s.name, program.workflow(*workflow).name)
                    }
                    Action::None => s.name.clone(),
                    _ => format!("{}\n{kind}", s.name),
                };
                let id = format!("s{}", s.id.0);
                v.nodes.push(ViewNode {
                    id: id.clone(),
                    label,
                    kind,
                    cluster,
                });
                Endpoint::Node(id)
            }
            Node::Foreach(f) => {
                let vars: Vec<String> = f
                    .vars
                    .iter()
                    .map(|(b, e)| format!("{} in {}", program.binding(*b).name, text(e.span)))
                    .collect();
                let c = push_cluster(
                    v,
                    format!("f{}", f.id.0),
                    format!("foreach {}", vars.join(", ")),
                    cluster,
                );
                walk(v, &f.body, Some(c), program, text);
                Endpoint::Cluster(c)
            }
            Node::While(w) => {
                let c = push_cluster(
                    v,
                    format!("w{}", w.id.0),
                    format!("while {}", text(w.cond.span)),
                    cluster,
                );
                walk(v, &w.body, Some(c), program, text);
                Endpoint::Cluster(c)
            }
            Node::If(x) => {
                let c = push_cluster(v, format!("i{}", x.id.0), "if".to_string(), cluster);
                for (n, b) in x.branches.iter().enumerate() {
                    let word = if n == 0 { "if" } else { "else if" };
                    let bc = push_cluster(
                        v,
                        format!("i{}b{n}", x.id.0),
                        format!("{word} {}", text(b.cond.span)),
                        Some(c),
                    );
                    walk(v, &b.body, Some(bc), program, text);
                }
                if let Some(e) = &x.else_body {
                    let bc = push_cluster(v, format!("i{}e", x.id.0), "else".to_string(), Some(c));
                    walk(v, e, Some(bc), program, text);
                }
                Endpoint::Cluster(c)
            }
        };
        ends.push(end);
    }
    for e in body.graph.edge_indices() {
        if let Some((a, b)) = body.graph.edge_endpoints(e) {
            v.edges.push(ViewEdge {
                from: ends[a.index()].clone(),
                to: ends[b.index()].clone(),
                kind: body.graph[e].kind,
            });
        }
    }
}

fn push_cluster(v: &mut View, id: String, label: String, parent: Option<usize>) -> usize {
    v.clusters.push(Cluster { id, label, parent });
    v.clusters.len() - 1
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Graphviz DOT.
#[must_use]
pub fn dot(views: &[View]) -> String {
    let mut out = String::from("digraph mflow {\n  compound=true;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n");
    for (w, v) in views.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_wf{w} {{\n    label=\"workflow {}\";\n    style=bold;",
            dot_escape(&v.workflow)
        );
        dot_cluster(&mut out, v, None, w, 2);
        out.push_str("  }\n");
        for e in &v.edges {
            let (from, ltail) = dot_end(&e.from, v, w);
            let (to, lhead) = dot_end(&e.to, v, w);
            let mut attrs = Vec::new();
            if e.kind == EdgeKind::After {
                attrs.push("style=dashed".to_string());
            }
            if let Some(t) = ltail {
                attrs.push(format!("ltail=\"{t}\""));
            }
            if let Some(h) = lhead {
                attrs.push(format!("lhead=\"{h}\""));
            }
            let attrs = if attrs.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attrs.join(", "))
            };
            let _ = writeln!(out, "  \"{from}\" -> \"{to}\"{attrs};");
        }
    }
    out.push_str("}\n");
    out
}

fn dot_end(end: &Endpoint, v: &View, w: usize) -> (String, Option<String>) {
    match end {
        Endpoint::Node(id) => (format!("w{w}_{id}"), None),
        Endpoint::Cluster(c) => (
            format!("w{w}_anchor_{}", v.clusters[*c].id),
            Some(format!("cluster_w{w}_{}", v.clusters[*c].id)),
        ),
    }
}

fn dot_cluster(out: &mut String, v: &View, parent: Option<usize>, w: usize, indent: usize) {
    let pad = "  ".repeat(indent);
    for n in v.nodes.iter().filter(|n| n.cluster == parent) {
        let _ = writeln!(out, "{pad}\"w{w}_{}\" [label=\"{}\"];", n.id, dot_escape(&n.label));
    }
    for (i, c) in v.clusters.iter().enumerate().filter(|(_, c)| c.parent == parent) {
        let _ = writeln!(out, "{pad}subgraph \"cluster_w{w}_{}\" {{", c.id);
        let _ = writeln!(out, "{pad}  label=\"{}\";\n{pad}  style=dashed;", dot_escape(&c.label));
        let _ = writeln!(
            out,
            "{pad}  \"w{w}_anchor_{}\" [shape=point, style=invis, width=0, height=0, label=\"\"];",
            c.id
        );
        dot_cluster(out, v, Some(i), w, indent + 1);
        let _ = writeln!(out, "{pad}}}");
    }
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('\n', "<br/>")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace("#lt;br/#gt;", "<br/>")
}

/// A Mermaid `flowchart`.
#[must_use]
pub fn mermaid(views: &[View]) -> String {
    let mut out = String::from("flowchart TD\n");
    for (w, v) in views.iter().enumerate() {
        let _ = writeln!(out, "  subgraph wf{w}[\"workflow {}\"]", mermaid_escape(&v.workflow));
        mermaid_cluster(&mut out, v, None, w, 2);
        out.push_str("  end\n");
        for e in &v.edges {
            let from = mermaid_end(&e.from, v, w);
            let to = mermaid_end(&e.to, v, w);
            let arrow = if e.kind == EdgeKind::After { "-.->" } else { "-->" };
            let _ = writeln!(out, "  {from} {arrow} {to}");
        }
    }
    out
}

fn mermaid_end(end: &Endpoint, v: &View, w: usize) -> String {
    match end {
        Endpoint::Node(id) => format!("w{w}_{id}"),
        Endpoint::Cluster(c) => format!("w{w}_{}", v.clusters[*c].id),
    }
}

fn mermaid_cluster(out: &mut String, v: &View, parent: Option<usize>, w: usize, indent: usize) {
    let pad = "  ".repeat(indent);
    for n in v.nodes.iter().filter(|n| n.cluster == parent) {
        let _ = writeln!(out, "{pad}w{w}_{}[\"{}\"]", n.id, mermaid_escape(&n.label));
    }
    for (i, c) in v.clusters.iter().enumerate().filter(|(_, c)| c.parent == parent) {
        let _ = writeln!(out, "{pad}subgraph w{w}_{}[\"{}\"]", c.id, mermaid_escape(&c.label));
        if !v.nodes.iter().any(|n| n.cluster == Some(i)) && !v.clusters.iter().any(|x| x.parent == Some(i)) {
            let _ = writeln!(out, "{pad}  w{w}_{}_empty[\" \"]", c.id);
        }
        mermaid_cluster(out, v, Some(i), w, indent + 1);
        let _ = writeln!(out, "{pad}end");
    }
}

/// JSON: nodes, edges and clusters.
#[must_use]
pub fn to_json(views: &[View]) -> serde_json::Value {
    let one = |v: &View| {
        let end = |e: &Endpoint| match e {
            Endpoint::Node(id) => json!(id),
            Endpoint::Cluster(c) => json!(v.clusters[*c].id),
        };
        json!({
            "workflow": v.workflow,
            "critical_path_depth": v.critical_path_depth,
            "nodes": v.nodes.iter().map(|n| json!({
                "id": n.id,
                "label": n.label,
                "kind": n.kind,
                "cluster": n.cluster.map(|c| v.clusters[c].id.clone()),
            })).collect::<Vec<_>>(),
            "clusters": v.clusters.iter().map(|c| json!({
                "id": c.id,
                "label": c.label,
                "parent": c.parent.map(|p| v.clusters[p].id.clone()),
            })).collect::<Vec<_>>(),
            "edges": v.edges.iter().map(|e| json!({ "from": end(&e.from), "to": end(&e.to), "kind": e.kind })).collect::<Vec<_>>(),
        })
    };
    match views {
        [v] => one(v),
        _ => json!({ "workflows": views.iter().map(one).collect::<Vec<_>>() }),
    }
}
