//! Graphviz DOT of workflow views: one `digraph`, a cluster per workflow, nested
//! clusters for `foreach`/`while`/`if` bodies. Data edges are solid, `after` edges
//! dashed. An edge to or from a scope is drawn to the cluster's border (`compound=true`
//! with `lhead`/`ltail`) through two invisible anchors per cluster, `<id>_in` above its
//! content and `<id>_out` below it, so dependents are laid out below the whole cluster.

use std::fmt::Write as _;

use super::graph::{Endpoint, View};
use crate::ir::node::EdgeKind;

/// A DOT quoted string (backslashes, quotes and line breaks escaped).
#[must_use]
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The DOT node an edge leaves from (`out` anchor for a cluster) or enters (`in`).
fn anchor(v: &View, end: Endpoint, leaving: bool) -> String {
    match end {
        Endpoint::Node(_) => quote(v.id_of(end)),
        Endpoint::Cluster(_) => quote(&format!("{}_{}", v.id_of(end), if leaving { "out" } else { "in" })),
    }
}

/// Graphviz DOT for the views, in one `digraph`.
#[must_use]
pub fn dot(views: &[View]) -> String {
    let mut out = String::from(
        "digraph mflow {\n  compound=true;\n  fontname=\"Helvetica\";\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n",
    );
    for v in views {
        let _ = writeln!(out, "  subgraph {} {{", quote(&format!("cluster_{}", v.id)));
        let _ = writeln!(
            out,
            "    label={};\n    style=bold;",
            quote(&format!("workflow {}", v.workflow))
        );
        content(&mut out, v, None, 2);
        out.push_str("  }\n");
        layout_edges(&mut out, v);
        for e in &v.edges {
            let mut attrs = Vec::new();
            if e.kind == EdgeKind::After {
                attrs.push("style=dashed".to_string());
            }
            if let Endpoint::Cluster(_) = e.from {
                attrs.push(format!("ltail={}", quote(&format!("cluster_{}", v.id_of(e.from)))));
            }
            if let Endpoint::Cluster(_) = e.to {
                attrs.push(format!("lhead={}", quote(&format!("cluster_{}", v.id_of(e.to)))));
            }
            let attrs = if attrs.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attrs.join(", "))
            };
            let _ = writeln!(
                out,
                "  {} -> {}{attrs};",
                anchor(v, e.from, true),
                anchor(v, e.to, false)
            );
        }
    }
    out.push_str("}\n");
    out
}

/// The nodes and clusters directly inside `parent`.
fn content(out: &mut String, v: &View, parent: Option<usize>, indent: usize) {
    let pad = "  ".repeat(indent);
    for n in v.nodes.iter().filter(|n| n.cluster == parent) {
        let _ = writeln!(out, "{pad}{} [label={}];", quote(&n.id), quote(&n.label));
    }
    for (i, c) in v.clusters.iter().enumerate().filter(|(_, c)| c.parent == parent) {
        let _ = writeln!(out, "{pad}subgraph {} {{", quote(&format!("cluster_{}", c.id)));
        let _ = writeln!(out, "{pad}  label={};", quote(&c.label));
        let _ = writeln!(
            out,
            "{pad}  style={};",
            if c.parent
                .is_some_and(|p| v.clusters[p].kind == super::graph::ClusterKind::If)
            {
                "dotted"
            } else {
                "dashed"
            }
        );
        for side in ["in", "out"] {
            let _ = writeln!(
                out,
                "{pad}  {} [shape=point, style=invis, width=0.01, height=0.01, label=\"\"];",
                quote(&format!("{}_{side}", c.id))
            );
        }
        content(out, v, Some(i), indent + 1);
        let _ = writeln!(out, "{pad}}}");
    }
}

/// Invisible edges that keep each cluster's `in` anchor above its content and its `out`
/// anchor below.
fn layout_edges(out: &mut String, v: &View) {
    for c in &v.clusters {
        let cin = quote(&format!("{}_in", c.id));
        let cout = quote(&format!("{}_out", c.id));
        if c.entries.is_empty() {
            let _ = writeln!(out, "  {cin} -> {cout} [style=invis, minlen=0];");
            continue;
        }
        for e in &c.entries {
            let _ = writeln!(out, "  {cin} -> {} [style=invis, minlen=0];", anchor(v, *e, false));
        }
        for e in &c.exits {
            let _ = writeln!(out, "  {} -> {cout} [style=invis, minlen=0];", anchor(v, *e, true));
        }
    }
}
