//! DOT and Mermaid are well formed: Graphviz renders every example without a warning,
//! Mermaid output is structurally valid (and, when a Mermaid install is given, parses).

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Stdio};

use maestroc::ir::{dot, graph, mermaid};

use super::examples::{compile_example, example_files};

/// Views of every example and of a few tricky programs.
fn all_views() -> Vec<(String, Vec<graph::View>)> {
    let mut out = Vec::new();
    for file in example_files() {
        let (a, ir) = compile_example(&file);
        let views = super::views(&a, &ir);
        if !views.is_empty() {
            out.push((file, views));
        }
    }
    for (name, text) in [("tricky", TRICKY), ("empty_bodies", EMPTY_BODIES)] {
        let (a, ir) = super::compile(text);
        out.push((name.to_string(), super::views(&a, &ir)));
    }
    out
}

/// Quotes, backslashes, `<`, `#`, `&`, braces and line breaks in headers and names.
const TRICKY: &str = "workflow w {\n  param xs: list<string> = [\"a\\\"b\", \"<c>\", \"#d & `e`\", \"\\\\n{}\"]\n  step first { run \"echo\" outputs { n: int } }\n  foreach x in [s + \"\\\"\" for s in xs\n                 if s != \"<br/>\"] {\n    step inner { run \"echo ${x}\" }\n  }\n  if first.n > 0 and \"a\\\\\" != \"}\" {\n    step yes { after inner }\n  }\n  step last { after inner, yes }\n}\nworkflow second { step only { run \"true\" } }\n";

/// Scopes whose bodies hold no step.
const EMPTY_BODIES: &str = "workflow w {\n  param xs: list<int> = [1]\n  foreach x in xs { let y = x }\n  if len(xs) > 0 { let z = 1 } else { let q = 2 }\n  step after_all { run \"true\" }\n}\n";

#[test]
fn graphviz_renders_every_view_without_warnings() {
    if Command::new("dot").arg("-V").output().is_err() {
        eprintln!("graphviz `dot` not installed; skipping");
        return;
    }
    for (name, views) in all_views() {
        let text = dot::dot(&views);
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.is_empty(),
            "{name}: dot said:\n{stderr}\n{text}"
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"), "{name}");
    }
}

/// Every Mermaid line is a header, a node, a subgraph, an `end` or an edge between
/// declared ids; subgraphs balance; labels are quoted with no raw quote or markup inside.
#[test]
fn mermaid_is_a_well_formed_flowchart() {
    for (name, views) in all_views() {
        let text = mermaid::mermaid(&views);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("flowchart TD"), "{name}");
        let mut depth = 0usize;
        let mut declared = BTreeSet::new();
        let mut edges = Vec::new();
        let label_ok = |l: &str| {
            l.starts_with('"')
                && l.ends_with('"')
                && l.len() >= 2
                && !l[1..l.len() - 1].contains('"')
                && !l.replace("<br/>", "").contains(['<', '>', '`'])
        };
        for line in lines {
            let t = line.trim();
            if t == "end" {
                assert!(depth > 0, "{name}: unbalanced end");
                depth -= 1;
            } else if let Some(rest) = t.strip_prefix("subgraph ") {
                let (id, label) = rest.split_once(' ').unwrap();
                assert!(label.starts_with('[') && label.ends_with(']'), "{name}: {t}");
                assert!(label_ok(&label[1..label.len() - 1]), "{name}: {t}");
                assert!(declared.insert(id.to_string()), "{name}: {id} declared twice");
                depth += 1;
            } else if let Some((from, to)) = t.split_once(" --> ").or_else(|| t.split_once(" -.-> ")) {
                edges.push((from.to_string(), to.to_string()));
            } else {
                let (id, label) = t.split_once('[').unwrap();
                assert!(
                    label.ends_with(']') && label_ok(&label[..label.len() - 1]),
                    "{name}: {t}"
                );
                assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{name}: {t}");
                assert!(declared.insert(id.to_string()), "{name}: {id} declared twice");
            }
        }
        assert_eq!(depth, 0, "{name}: unbalanced subgraphs");
        for (from, to) in edges {
            assert!(
                declared.contains(&from) && declared.contains(&to),
                "{name}: {from} -> {to}"
            );
        }
    }
}

/// With `MFLOW_MERMAID_MODULES` naming a `node_modules` directory holding `mermaid` and
/// `jsdom` (`npm install mermaid jsdom`), every flowchart goes through Mermaid's parser.
#[test]
fn mermaid_parser_accepts_every_view() {
    let Ok(modules) = std::env::var("MFLOW_MERMAID_MODULES") else {
        eprintln!("MFLOW_MERMAID_MODULES not set; skipping Mermaid's own parser");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["tests/ir/mermaid_parse.mjs".to_string(), modules];
    for (i, (_, views)) in all_views().iter().enumerate() {
        let path = dir.path().join(format!("{i}.mmd"));
        std::fs::write(&path, mermaid::mermaid(views)).unwrap();
        args.push(path.to_string_lossy().to_string());
    }
    let out = Command::new("node").args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn headers_are_rendered_from_the_source() {
    let (a, ir) = super::compile(TRICKY);
    let views = super::views(&a, &ir);
    let labels: Vec<&str> = views[0].clusters.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        vec![
            r#"foreach x in [s + "\"" for s in xs if s != "<br/>"]"#,
            "if",
            r#"if first.n > 0 and "a\\" != "}""#,
        ]
    );
    assert_eq!(views.len(), 2);
}

#[test]
fn empty_bodies_still_draw() {
    let (a, ir) = super::compile(EMPTY_BODIES);
    let views = super::views(&a, &ir);
    let m = mermaid::mermaid(&views);
    assert!(m.contains("f0_empty[\"(no steps)\"]"), "{m}");
    let d = dot::dot(&views);
    assert!(d.contains("\"f0_in\" -> \"f0_out\" [style=invis, minlen=0];"), "{d}");
}
