//! IR nodes: workflows, bodies (graphs), steps and scopes.

use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use super::expr::IrExpr;
use super::expr::IrStrPart;
use super::policy::{FailureMode, RetryOn};
use crate::base::span::Span;
use crate::check::ty::Type;
use crate::check::{BindingId, FnId, ScopeId, StepId, WorkflowId};

/// A whole lowered program.
#[derive(Debug, Default)]
pub struct Ir {
    pub workflows: Vec<IrWorkflow>,
    pub fns: Vec<IrFn>,
    /// The names and types behind binding and step ids.
    pub symbols: super::Symbols,
}

impl Ir {
    #[must_use]
    pub fn workflow(&self, id: WorkflowId) -> &IrWorkflow {
        &self.workflows[id.0 as usize]
    }

    #[must_use]
    pub fn function(&self, id: FnId) -> &IrFn {
        &self.fns[id.0 as usize]
    }
}

#[derive(Debug)]
pub struct IrFn {
    pub id: FnId,
    pub name: String,
    pub params: Vec<BindingId>,
    pub body: IrExpr,
    pub span: Span,
}

#[derive(Debug)]
pub struct IrWorkflow {
    pub id: WorkflowId,
    pub name: String,
    /// The module path the workflow is defined in.
    pub module: String,
    pub span: Span,
    pub params: Vec<IrParam>,
    /// Consts, lets and param defaults, in evaluation order.
    pub init: Vec<IrInit>,
    pub settings: Settings,
    pub body: Body,
    pub outputs: Vec<IrOutput>,
}

#[derive(Debug, Serialize)]
pub struct IrParam {
    pub binding: BindingId,
    pub name: String,
    pub ty: Type,
    pub required: bool,
    /// Declared `fixed`: its value cannot change on resume or restart.
    pub fixed: bool,
}

/// One value computed at run start.
#[derive(Debug, Serialize)]
pub struct IrInit {
    pub binding: BindingId,
    pub name: String,
    pub kind: InitKind,
    pub value: IrExpr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InitKind {
    /// The default of a param (used only when the launch does not set it).
    ParamDefault,
    Const,
    Let,
}

#[derive(Debug, Serialize)]
pub struct IrOutput {
    pub name: String,
    pub ty: Type,
    pub value: IrExpr,
}

/// Workflow-level settings.
#[derive(Debug, Default)]
pub struct Settings {
    pub concurrency: Option<IrExpr>,
    pub timeout: Option<IrExpr>,
    pub strategy: Option<IrStrategy>,
    pub schedule: Option<super::IrSchedule>,
    /// `trigger on signal` clauses, in source order.
    pub triggers: Vec<super::IrTrigger>,
    /// `tags`, in source order (non-empty, distinct).
    pub tags: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IrStrategy {
    Parallel(Option<IrExpr>),
    Sequential,
    StrictSequential,
    FirstOnly,
    LastOnly,
}

/// A body: the nodes of a workflow or of one scope's iteration, and their dependencies.
/// Edges point from a dependency to its dependent.
#[derive(Debug, Default)]
pub struct Body {
    pub graph: DiGraph<Node, Edge>,
    /// `let`s of this body, in evaluation order (evaluated when an instance starts).
    pub lets: Vec<(BindingId, IrExpr)>,
}

impl Body {
    /// Nodes in an order where every node comes after its dependencies (statement order
    /// among independent nodes).
    #[must_use]
    pub fn topo_order(&self) -> Vec<NodeIndex> {
        // Kahn's algorithm, taking the lowest index first so the order is deterministic.
        let n = self.graph.node_count();
        let mut indegree = vec![0usize; n];
        for e in self.graph.edge_indices() {
            if let Some((_, b)) = self.graph.edge_endpoints(e) {
                indegree[b.index()] += 1;
            }
        }
        let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|i| indegree[*i] == 0).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(i) = ready.pop_first() {
            order.push(NodeIndex::new(i));
            for next in self.graph.neighbors(NodeIndex::new(i)) {
                indegree[next.index()] -= 1;
                if indegree[next.index()] == 0 {
                    ready.insert(next.index());
                }
            }
        }
        order
    }

    /// The number of steps on the longest chain of dependencies, counting a scope as the
    /// depth of its body (one iteration).
    #[must_use]
    pub fn critical_path_depth(&self) -> usize {
        let mut depth = vec![0usize; self.graph.node_count()];
        for node in self.topo_order() {
            let own = self.graph[node].depth();
            let before = self
                .graph
                .neighbors_directed(node, petgraph::Direction::Incoming)
                .map(|d| depth[d.index()])
                .max()
                .unwrap_or(0);
            depth[node.index()] = before + own;
        }
        depth.into_iter().max().unwrap_or(0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Written in `after`.
    After,
    /// A reference to the step's outputs.
    Data,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Edge {
    pub kind: EdgeKind,
    /// True when the dependency was between nodes nested deeper and was lifted to the
    /// nodes of this body that contain them.
    pub lifted: bool,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug)]
pub enum Node {
    Step(Box<IrStep>),
    Foreach(IrForeach),
    While(IrWhile),
    If(IrIf),
}

impl Node {
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            Node::Step(s) => s.span,
            Node::Foreach(f) => f.span,
            Node::While(w) => w.span,
            Node::If(i) => i.span,
        }
    }

    /// Steps on the longest chain through this node (1 for a step).
    #[must_use]
    pub fn depth(&self) -> usize {
        match self {
            Node::Step(_) => 1,
            Node::Foreach(f) => f.body.critical_path_depth(),
            Node::While(w) => w.body.critical_path_depth(),
            Node::If(i) => i
                .branches
                .iter()
                .map(|b| b.body.critical_path_depth())
                .chain(i.else_body.iter().map(Body::critical_path_depth))
                .max()
                .unwrap_or(0),
        }
    }
}

#[derive(Debug)]
pub struct IrStep {
    pub id: StepId,
    pub name: String,
    pub span: Span,
    pub action: Action,
    pub env: Vec<(String, IrExpr)>,
    pub dir: Option<IrExpr>,
    pub outputs: Vec<(String, Type)>,
    pub image: Option<IrExpr>,
    /// `profile "NAME"`: an executor profile of `mflow.toml` (only on `run`/`exec` steps).
    pub profile: Option<String>,
    pub resources: Vec<(String, IrExpr)>,
    pub emit: Option<IrEmit>,
    /// The step's retry policy, or the workflow's default.
    pub retry: Option<IrRetry>,
    pub timeout: Option<IrExpr>,
    /// The step's failure mode, or the workflow's default, or `fail_after_running`.
    pub on_failure: FailureMode,
}

#[derive(Debug)]
pub enum Action {
    /// A no-op step.
    None,
    /// `run`: a shell command; values are quoted when it is rendered.
    Run(Vec<IrStrPart>),
    Exec(IrExpr),
    Call {
        workflow: WorkflowId,
        /// Param bindings of the callee, with their values.
        args: Vec<(BindingId, IrExpr)>,
    },
    Sleep(IrExpr),
    Wait {
        signal: IrExpr,
        /// The `signal` binding and the condition over it.
        filter: Option<(BindingId, IrExpr)>,
        /// How long before the run's start a signal may have been received and still
        /// count (a duration); `None`: only signals received since the run started.
        since: Option<IrExpr>,
    },
}

#[derive(Debug, Serialize)]
pub struct IrEmit {
    pub signal: IrExpr,
    pub fields: Vec<(String, IrExpr)>,
}

#[derive(Debug, Serialize)]
pub struct IrRetry {
    pub count: IrExpr,
    pub backoff: IrBackoff,
    pub on: RetryOn,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IrBackoff {
    Fixed(IrExpr),
    Exponential { base: IrExpr, max: Option<IrExpr> },
}

#[derive(Debug)]
pub struct IrForeach {
    pub id: ScopeId,
    pub span: Span,
    /// Loop variables and their lists; several make a cross product, first outermost.
    pub vars: Vec<(BindingId, IrExpr)>,
    pub concurrency: Option<IrExpr>,
    pub body: Body,
}

#[derive(Debug)]
pub struct IrWhile {
    pub id: ScopeId,
    pub span: Span,
    pub vars: Vec<(BindingId, IrExpr)>,
    pub cond: IrExpr,
    /// At most this many iterations (default 10,000); passing it fails the loop.
    pub limit: Option<IrExpr>,
    /// `next` assignments, evaluated after each iteration.
    pub next: Vec<(BindingId, IrExpr)>,
    pub body: Body,
}

#[derive(Debug)]
pub struct IrIf {
    pub id: ScopeId,
    pub span: Span,
    pub branches: Vec<IrBranch>,
    pub else_body: Option<Body>,
}

#[derive(Debug)]
pub struct IrBranch {
    pub cond: IrExpr,
    pub body: Body,
}
