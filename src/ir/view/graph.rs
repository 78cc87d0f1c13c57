//! `maestroc graph`: a drawable view of a workflow (steps as nodes, `foreach`/`while`/`if`
//! bodies as clusters labelled by their header), rendered by [`super::dot`],
//! [`super::mermaid`] or as JSON by [`to_json`].
//!
//! Ids are stable and program-wide: `s<step id>` for steps, `f<scope id>` / `w<scope id>`
//! / `i<scope id>` for `foreach` / `while` / `if` clusters, `i<scope id>b<n>` for the
//! `n`th branch of an `if` and `i<scope id>e` for its `else`, `wf<workflow id>` for a
//! workflow.

use petgraph::graph::NodeIndex;
use serde_json::{json, Value};

use crate::base::source::SourceMap;
use crate::base::span::Span;
use crate::check::Program;
use crate::ir::node::{Action, Body, EdgeKind, IrWorkflow, Node};

/// A drawable view of one workflow.
#[derive(Debug, Default)]
pub struct View {
    /// `wf<workflow id>`.
    pub id: String,
    pub workflow: String,
    pub nodes: Vec<ViewNode>,
    pub clusters: Vec<Cluster>,
    pub edges: Vec<ViewEdge>,
    /// The top-level nodes and clusters, dependencies first.
    pub topological_order: Vec<Endpoint>,
    pub critical_path_depth: usize,
}

/// A step.
#[derive(Debug)]
pub struct ViewNode {
    pub id: String,
    /// The step's name.
    pub name: String,
    /// Name and action, for display.
    pub label: String,
    /// The action: `run`, `exec`, `call`, `sleep`, `wait`, or `no-op`.
    pub kind: &'static str,
    pub cluster: Option<usize>,
}

/// What a cluster stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterKind {
    Foreach,
    While,
    /// A whole `if` statement; its branches are clusters inside it.
    If,
    /// One `if` or `else if` branch.
    Branch,
    Else,
}

impl ClusterKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterKind::Foreach => "foreach",
            ClusterKind::While => "while",
            ClusterKind::If => "if",
            ClusterKind::Branch => "branch",
            ClusterKind::Else => "else",
        }
    }
}

/// The body of a `foreach`/`while`, an `if` statement, or one of its branches.
#[derive(Debug)]
pub struct Cluster {
    pub id: String,
    pub kind: ClusterKind,
    /// The header, from the source: `foreach region in regions`, `while more`,
    /// `if sum(load.loaded) > 0`, `else if …`, `else`.
    pub label: String,
    pub parent: Option<usize>,
    /// The nodes and clusters directly inside, dependencies first (empty for an `if`,
    /// whose content is its branches).
    pub topological_order: Vec<Endpoint>,
    /// Of what is directly inside: those without a dependency inside (the entries) and
    /// those nothing inside depends on (the exits). Used to lay clusters out.
    pub entries: Vec<Endpoint>,
    pub exits: Vec<Endpoint>,
}

/// A dependency of `to` on `from` (one per pair: a data edge hides an `after` edge
/// between the same two nodes).
#[derive(Debug)]
pub struct ViewEdge {
    pub from: Endpoint,
    pub to: Endpoint,
    pub kind: EdgeKind,
    /// The dependency is between things nested deeper, drawn between the clusters
    /// holding them.
    pub lifted: bool,
}

/// One end of an edge: a step or a cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Node(usize),
    Cluster(usize),
}

impl View {
    /// The id of an endpoint.
    #[must_use]
    pub fn id_of(&self, end: Endpoint) -> &str {
        match end {
            Endpoint::Node(n) => &self.nodes[n].id,
            Endpoint::Cluster(c) => &self.clusters[c].id,
        }
    }

    /// Whether a cluster holds neither a node nor another cluster.
    #[must_use]
    pub fn is_empty_cluster(&self, c: usize) -> bool {
        !self.nodes.iter().any(|n| n.cluster == Some(c)) && !self.clusters.iter().any(|x| x.parent == Some(c))
    }
}

/// The action word of a step.
#[must_use]
pub fn action_kind(action: &Action) -> &'static str {
    match action {
        Action::None => "no-op",
        Action::Run(_) => "run",
        Action::Exec(_) => "exec",
        Action::Call { .. } => "call",
        Action::Sleep(_) => "sleep",
        Action::Wait { .. } => "wait",
    }
}

/// Builds the view of `wf`.
#[must_use]
pub fn view(wf: &IrWorkflow, program: &Program, sources: &SourceMap) -> View {
    let mut builder = Builder {
        view: View {
            id: format!("wf{}", wf.id.0),
            workflow: wf.name.clone(),
            critical_path_depth: wf.body.critical_path_depth(),
            ..View::default()
        },
        program,
        sources,
    };
    let top = builder.walk(&wf.body, None);
    builder.view.topological_order = top.order;
    builder.view
}

/// What [`Builder::walk`] learns about one body.
struct Walked {
    order: Vec<Endpoint>,
    entries: Vec<Endpoint>,
    exits: Vec<Endpoint>,
}

struct Builder<'a> {
    view: View,
    program: &'a Program,
    sources: &'a SourceMap,
}

impl Builder<'_> {
    /// The source text of a span on one line (whitespace runs made single spaces).
    fn text(&self, span: Span) -> String {
        if span.file.0 as usize >= self.sources.len() {
            return String::new();
        }
        self.sources
            .get(span.file)
            .slice(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn cluster(&mut self, id: String, kind: ClusterKind, label: String, parent: Option<usize>) -> usize {
        self.view.clusters.push(Cluster {
            id,
            kind,
            label,
            parent,
            topological_order: Vec::new(),
            entries: Vec::new(),
            exits: Vec::new(),
        });
        self.view.clusters.len() - 1
    }

    /// Walks a body whose content goes in `cluster`, filling in that cluster's order.
    fn body_cluster(&mut self, body: &Body, cluster: usize) {
        let walked = self.walk(body, Some(cluster));
        let c = &mut self.view.clusters[cluster];
        c.topological_order = walked.order;
        c.entries = walked.entries;
        c.exits = walked.exits;
    }

    fn walk(&mut self, body: &Body, cluster: Option<usize>) -> Walked {
        let mut ends: Vec<Endpoint> = Vec::with_capacity(body.graph.node_count());
        for idx in body.graph.node_indices() {
            let end = match &body.graph[idx] {
                Node::Step(s) => {
                    let kind = action_kind(&s.action);
                    let label = match &s.action {
                        Action::Call { workflow, .. } => {
                            let callee = self
                                .program
                                .workflows
                                .get(workflow.0 as usize)
                                .map_or("?", |w| w.name.as_str());
                            format!("{}\ncall {callee}", s.name)
                        }
                        Action::None | Action::Run(_) | Action::Exec(_) | Action::Sleep(_) | Action::Wait { .. } => {
                            format!("{}\n{kind}", s.name)
                        }
                    };
                    self.view.nodes.push(ViewNode {
                        id: format!("s{}", s.id.0),
                        name: s.name.clone(),
                        label,
                        kind,
                        cluster,
                    });
                    Endpoint::Node(self.view.nodes.len() - 1)
                }
                Node::Foreach(f) => {
                    let vars: Vec<String> = f
                        .vars
                        .iter()
                        .map(|(b, e)| {
                            let name = self.program.bindings.get(b.0 as usize).map_or("?", |b| b.name.as_str());
                            format!("{name} in {}", self.text(e.span))
                        })
                        .collect();
                    let mut label = format!("foreach {}", vars.join(", "));
                    if let Some(c) = &f.concurrency {
                        label = format!("{label} concurrency {}", self.text(c.span));
                    }
                    let c = self.cluster(format!("f{}", f.id.0), ClusterKind::Foreach, label, cluster);
                    self.body_cluster(&f.body, c);
                    Endpoint::Cluster(c)
                }
                Node::While(w) => {
                    let label = format!("while {}", self.text(w.cond.span));
                    let c = self.cluster(format!("w{}", w.id.0), ClusterKind::While, label, cluster);
                    self.body_cluster(&w.body, c);
                    Endpoint::Cluster(c)
                }
                Node::If(x) => {
                    let c = self.cluster(format!("i{}", x.id.0), ClusterKind::If, "if".to_string(), cluster);
                    let mut branches = Vec::new();
                    for (n, b) in x.branches.iter().enumerate() {
                        let word = if n == 0 { "if" } else { "else if" };
                        let label = format!("{word} {}", self.text(b.cond.span));
                        let bc = self.cluster(format!("i{}b{n}", x.id.0), ClusterKind::Branch, label, Some(c));
                        self.body_cluster(&b.body, bc);
                        branches.push(Endpoint::Cluster(bc));
                    }
                    if let Some(e) = &x.else_body {
                        let bc = self.cluster(format!("i{}e", x.id.0), ClusterKind::Else, "else".to_string(), Some(c));
                        self.body_cluster(e, bc);
                        branches.push(Endpoint::Cluster(bc));
                    }
                    let cl = &mut self.view.clusters[c];
                    cl.entries.clone_from(&branches);
                    cl.exits = branches;
                    Endpoint::Cluster(c)
                }
            };
            ends.push(end);
        }
        for e in body.graph.edge_indices() {
            if let Some((a, b)) = body.graph.edge_endpoints(e) {
                let edge = body.graph[e];
                // One arrow per pair of nodes: a data edge hides an `after` one.
                let has_data = || {
                    body.graph
                        .edges_connecting(a, b)
                        .any(|x| x.weight().kind == EdgeKind::Data)
                };
                if edge.kind == EdgeKind::After && has_data() {
                    continue;
                }
                self.view.edges.push(ViewEdge {
                    from: ends[a.index()],
                    to: ends[b.index()],
                    kind: edge.kind,
                    lifted: edge.lifted,
                });
            }
        }
        let has =
            |i: usize, dir: petgraph::Direction| body.graph.neighbors_directed(NodeIndex::new(i), dir).next().is_some();
        Walked {
            order: body.topo_order().iter().map(|n| ends[n.index()]).collect(),
            entries: (0..ends.len())
                .filter(|i| !has(*i, petgraph::Direction::Incoming))
                .map(|i| ends[i])
                .collect(),
            exits: (0..ends.len())
                .filter(|i| !has(*i, petgraph::Direction::Outgoing))
                .map(|i| ends[i])
                .collect(),
        }
    }
}

/// The graph JSON of one workflow: `workflow`, `critical_path_depth`,
/// `topological_order` (ids of the top-level nodes and clusters), `nodes`, `clusters`,
/// `edges`.
#[must_use]
pub fn view_json(v: &View) -> Value {
    let ids = |order: &[Endpoint]| order.iter().map(|e| v.id_of(*e)).collect::<Vec<_>>();
    json!({
        "workflow": v.workflow,
        "critical_path_depth": v.critical_path_depth,
        "topological_order": ids(&v.topological_order),
        "nodes": v.nodes.iter().map(|n| json!({
            "id": n.id,
            "name": n.name,
            "label": n.label,
            "kind": n.kind,
            "cluster": n.cluster.map(|c| v.clusters[c].id.as_str()),
        })).collect::<Vec<_>>(),
        "clusters": v.clusters.iter().map(|c| json!({
            "id": c.id,
            "kind": c.kind.as_str(),
            "label": c.label,
            "parent": c.parent.map(|p| v.clusters[p].id.as_str()),
            "topological_order": ids(&c.topological_order),
        })).collect::<Vec<_>>(),
        "edges": v.edges.iter().map(|e| json!({
            "from": v.id_of(e.from),
            "to": v.id_of(e.to),
            "kind": e.kind,
            "lifted": e.lifted,
        })).collect::<Vec<_>>(),
    })
}

/// The graph JSON: one workflow's object, or `{"workflows": [...]}` for several.
#[must_use]
pub fn to_json(views: &[View]) -> Value {
    match views {
        [v] => view_json(v),
        _ => json!({ "workflows": views.iter().map(view_json).collect::<Vec<_>>() }),
    }
}
