//! Mermaid `flowchart` of workflow views: a subgraph per workflow, nested subgraphs for
//! `foreach`/`while`/`if` bodies. Data edges are solid (`-->`), `after` edges dotted
//! (`-.->`); an edge to or from a scope links the subgraph itself.

use std::fmt::Write as _;

use super::graph::View;
use crate::ir::node::EdgeKind;

/// A Mermaid quoted label: quotes, `#`, `<`, `>`, `&` and backquotes become entity
/// codes (so no text is read as markup), line breaks become `<br/>`.
#[must_use]
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Mermaid `flowchart` for the views.
#[must_use]
pub fn mermaid(views: &[View]) -> String {
    let mut out = String::from("flowchart TD\n");
    for v in views {
        let _ = writeln!(
            out,
            "  subgraph {} [{}]",
            v.id,
            quote(&format!("workflow {}", v.workflow))
        );
        content(&mut out, v, None, 2);
        out.push_str("  end\n");
        for e in &v.edges {
            let arrow = if e.kind == EdgeKind::After { "-.->" } else { "-->" };
            let _ = writeln!(out, "  {} {arrow} {}", v.id_of(e.from), v.id_of(e.to));
        }
    }
    out
}

fn content(out: &mut String, v: &View, parent: Option<usize>, indent: usize) {
    let pad = "  ".repeat(indent);
    for n in v.nodes.iter().filter(|n| n.cluster == parent) {
        let _ = writeln!(out, "{pad}{}[{}]", n.id, quote(&n.label));
    }
    for (i, c) in v.clusters.iter().enumerate().filter(|(_, c)| c.parent == parent) {
        let _ = writeln!(out, "{pad}subgraph {} [{}]", c.id, quote(&c.label));
        if v.is_empty_cluster(i) {
            // Mermaid draws an empty subgraph as a bare node; keep it a box.
            let _ = writeln!(out, "{pad}  {}_empty[\"(no steps)\"]", c.id);
        }
        content(out, v, Some(i), indent + 1);
        let _ = writeln!(out, "{pad}end");
    }
}
