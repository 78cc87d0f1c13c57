//! The IR of one workflow as a Maestro workflow definition.
//!
//! Params, consts and lets are Maestro params (values, or SEL expressions evaluated at
//! run start); each body node is a step; dependencies are `transition.successors`; an
//! `if` is a `NoOp` decision step whose successors carry the branch conditions; `foreach`
//! and `while` are Maestro's loop steps; a `call` is a subworkflow step; commands run as
//! Maestro's `kubernetes` step. See `docs/export.md`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use petgraph::graph::NodeIndex;
use petgraph::Direction;
use serde_json::Value;

use super::model::{
    Backoff, CreateRequest, LoopDef, ParamDefinition, Properties, RetryPolicy, RunStrategy, SignalDependency,
    SignalMatch, SignalOutput, Step, StepDef, Tag, TimeTrigger, Transition, Workflow,
};
use super::sel::{translate, SelEnv};
use crate::base::span::Span;
use crate::diagnostics::Problems;
use crate::export::error::{ExportError, ExportWarning};
use crate::export::literal::{seconds_up, Consts};
use crate::export::types::type_of;
use crate::export::{Exported, Options};
use crate::ir::{
    Action, BinaryOp, BindingId, Body, FailureMode, InitKind, Ir, IrBackoff, IrExpr, IrExprKind, IrRetry, IrStep,
    IrStrPart, IrStrategy, IrWorkflow, Node, RetryOn, StepId, Type, WorkflowId,
};

const TARGET: &str = "Maestro";

/// Compiles workflow `root` of `ir` to a Maestro create-workflow request (JSON).
#[must_use]
pub fn export(ir: &Ir, root: WorkflowId, options: &Options) -> Exported {
    let wf = ir.workflow(root);
    let mut b = Builder {
        ir,
        options,
        consts: Consts::of(wf),
        problems: Problems::new(),
        ids: HashSet::new(),
        loops: HashMap::new(),
        calls: HashMap::new(),
        warned: HashSet::new(),
    };
    let request = b.request(wf);
    let text = if b.problems.has_errors() {
        None
    } else {
        serde_json::to_string_pretty(&request).ok().map(|t| t + "\n")
    };
    Exported {
        text,
        problems: b.problems,
    }
}

/// The Maestro type of an MFlow type.
#[must_use]
pub fn maestro_type(ty: &Type) -> Option<&'static str> {
    Some(match ty {
        Type::Int | Type::Duration => "LONG",
        Type::Float => "DOUBLE",
        Type::Bool => "BOOLEAN",
        Type::String | Type::Date => "STRING",
        Type::List(inner) => match inner.as_ref() {
            Type::Int | Type::Duration => "LONG_ARRAY",
            Type::Float => "DOUBLE_ARRAY",
            Type::Bool => "BOOLEAN_ARRAY",
            Type::String | Type::Date => "STRING_ARRAY",
            Type::List(_) | Type::Map(_) | Type::Record(_) | Type::Optional(_) | Type::Unknown | Type::Error => {
                return None
            }
        },
        Type::Map(inner) if matches!(inner.as_ref(), Type::String) => "STRING_MAP",
        Type::Map(_) | Type::Record(_) => "MAP",
        Type::Optional(inner) => return maestro_type(inner),
        Type::Unknown | Type::Error => return None,
    })
}

/// A Maestro `MAP` param value: every entry a typed param definition of its own.
fn map_value(value: &Value, ty: &Type) -> Option<Value> {
    let Value::Object(entries) = value else { return None };
    let mut out = serde_json::Map::new();
    for (k, v) in entries {
        let entry_ty = match ty {
            Type::Map(t) => t.as_ref().clone(),
            Type::Record(fields) => fields.iter().find(|(n, _)| n == k)?.1.clone(),
            Type::Int
            | Type::Float
            | Type::Bool
            | Type::String
            | Type::Duration
            | Type::Date
            | Type::List(_)
            | Type::Optional(_)
            | Type::Unknown
            | Type::Error => return None,
        };
        let kind = maestro_type(&entry_ty)?;
        let inner = if kind == "MAP" {
            map_value(v, &entry_ty)?
        } else {
            v.clone()
        };
        out.insert(k.clone(), serde_json::json!({"value": inner, "type": kind}));
    }
    Some(Value::Object(out))
}

struct Builder<'a> {
    ir: &'a Ir,
    options: &'a Options,
    consts: Consts<'a>,
    problems: Problems,
    /// Step ids handed out (steps keep their names; loops and decisions get new ids).
    ids: HashSet<String>,
    /// Maestro ids of foreach loops, by scope id.
    loops: HashMap<u32, String>,
    /// Call steps, by step id.
    calls: HashMap<StepId, String>,
    warned: HashSet<String>,
}

/// A node as steps: the ids its predecessors link to, and the ids that link onwards.
struct Placed {
    entries: Vec<String>,
    exits: Vec<String>,
}

impl Builder<'_> {
    fn error(&mut self, e: ExportError) {
        self.problems.push(e.span().file, e);
    }

    fn warn(&mut self, key: &str, w: ExportWarning) {
        if self.warned.insert(key.to_string()) {
            self.problems.push(w.span().file, w);
        }
    }

    fn id(&mut self, wanted: &str) -> String {
        let mut id = wanted.to_string();
        let mut n = 2;
        while !self.ids.insert(id.clone()) {
            id = format!("{wanted}_{n}");
            n += 1;
        }
        id
    }

    fn literal_int(&mut self, e: &IrExpr, what: &str) -> Option<i64> {
        let v = self.consts.int(e);
        if v.is_none() {
            self.error(ExportError::NotLiteral {
                what: what.to_string(),
                target: TARGET,
                span: e.span,
                help: Some("write the number (or a const holding it) in the file".into()),
            });
        }
        v
    }

    fn sel(&mut self, e: &IrExpr, inline: &HashMap<BindingId, &IrExpr>) -> Option<String> {
        let env = SelEnv {
            ir: self.ir,
            inline: inline.clone(),
            loops: &self.loops,
            calls: &self.calls,
        };
        match translate(&env, e) {
            Ok(t) => Some(t),
            Err(err) => {
                self.error(err);
                None
            }
        }
    }

    /// A param definition for `e` of type `ty`: its value when known now, else a SEL
    /// expression.
    fn param(
        &mut self,
        e: &IrExpr,
        ty: &Type,
        inline: &HashMap<BindingId, &IrExpr>,
        span: Span,
    ) -> Option<ParamDefinition> {
        let Some(kind) = maestro_type(ty) else {
            self.error(ExportError::Expression {
                target: TARGET,
                reason: format!("Maestro has no param type for `{ty}`"),
                span,
                help: None,
            });
            return None;
        };
        if let Some(v) = self.consts.value(e) {
            let value = if kind == "MAP" { map_value(&v, ty) } else { Some(v) };
            if let Some(value) = value {
                return Some(ParamDefinition {
                    value: (!value.is_null()).then_some(value),
                    expression: None,
                    kind: kind.into(),
                    mode: None,
                });
            }
        }
        let expression = self.sel(e, inline)?;
        Some(ParamDefinition {
            value: None,
            expression: Some(expression),
            kind: kind.into(),
            mode: None,
        })
    }

    fn request(&mut self, wf: &IrWorkflow) -> CreateRequest {
        let mut params = BTreeMap::new();
        let none = HashMap::new();
        for p in &wf.params {
            let default = wf
                .init
                .iter()
                .find(|i| i.binding == p.binding && i.kind == InitKind::ParamDefault);
            let def = match default {
                Some(d) => self.param(&d.value, &p.ty, &none, d.value.span),
                None => maestro_type(&p.ty).map(|k| ParamDefinition {
                    value: None,
                    expression: None,
                    kind: k.into(),
                    mode: None,
                }),
            };
            if let Some(mut def) = def {
                if p.fixed {
                    // Maestro's mode for a param set at start and kept on restart.
                    def.mode = Some("mutable_on_start".into());
                }
                params.insert(p.name.clone(), def);
            }
        }
        for i in &wf.init {
            let ty = self.ir.symbols.binding(i.binding).ty.clone();
            match i.kind {
                InitKind::ParamDefault => {}
                InitKind::Const | InitKind::Let => {
                    if let Some(mut def) = self.param(&i.value, &ty, &none, i.value.span) {
                        if i.kind == InitKind::Const {
                            def.mode = Some("constant".into());
                        }
                        params.insert(i.name.clone(), def);
                    }
                }
            }
        }
        for s in all_steps(&wf.body) {
            self.ids.insert(s.name.clone());
            if let Action::Call { workflow, .. } = &s.action {
                self.calls.insert(s.id, self.ir.workflow(*workflow).name.clone());
            }
        }
        let steps = self.body(wf, &wf.body, &HashMap::new());
        if let Some(o) = wf.outputs.first() {
            self.warn(
                "outputs",
                ExportWarning::LeftOut {
                    what: "the workflow's `output`s".into(),
                    target: TARGET,
                    kind: "workflow definition",
                    span: o.value.span,
                    help: Some(
                        "Maestro keeps each step's params; read the outputs from the steps that produce them".into(),
                    ),
                },
            );
        }
        let time_triggers = wf
            .settings
            .schedule
            .iter()
            .map(|s| {
                if !matches!(s.catchup, crate::ir::CatchUp::Last) {
                    self.warn(
                        "catchup",
                        ExportWarning::LeftOut {
                            what: "`catchup`".into(),
                            target: TARGET,
                            kind: "time trigger",
                            span: s.span,
                            help: Some("Maestro's time triggers decide on missed times themselves".into()),
                        },
                    );
                }
                let macro_form = s.cron.starts_with('@');
                TimeTrigger {
                    cron: (!macro_form).then(|| s.cron.clone()),
                    expression: macro_form.then(|| s.cron.clone()),
                    timezone: s.zone.clone(),
                    kind: if macro_form { "PREDEFINED" } else { "CRON" }.into(),
                }
            })
            .collect::<Vec<_>>();
        let mut signal_triggers = Vec::new();
        for t in &wf.settings.triggers {
            let mut match_params = BTreeMap::new();
            if let Some((binding, cond)) = &t.filter {
                self.signal_matches(*binding, cond, &mut match_params);
            }
            // A trigger matches params against values (`{"value": …, "operator": …}`).
            let mut matches = serde_json::Map::new();
            for (field, m) in match_params {
                match m.param.value {
                    Some(value) => {
                        matches.insert(field, serde_json::json!({"value": value, "operator": m.operator}));
                    }
                    None => self.error(ExportError::NotLiteral {
                        what: format!("the value `{field}` of a signal trigger is matched against"),
                        target: TARGET,
                        span: t.span,
                        help: Some("Maestro's signal triggers match params against fixed values".into()),
                    }),
                }
            }
            let mut definition = serde_json::Map::new();
            if !matches.is_empty() {
                definition.insert("match_params".into(), Value::Object(matches));
            }
            let mut definitions = serde_json::Map::new();
            definitions.insert(t.signal.clone(), Value::Object(definition));
            signal_triggers.push(serde_json::json!({ "definitions": definitions }));
        }
        let tags: Vec<Tag> = wf.settings.tags.iter().map(|t| Tag { name: t.clone() }).collect();
        let run_strategy = wf.settings.strategy.as_ref().map(|s| match s {
            IrStrategy::Parallel(n) => RunStrategy {
                rule: "PARALLEL".into(),
                workflow_concurrency: n.as_ref().and_then(|n| self.literal_int(n, "the `parallel` limit")),
            },
            IrStrategy::Sequential => rule("SEQUENTIAL"),
            IrStrategy::StrictSequential => rule("STRICT_SEQUENTIAL"),
            IrStrategy::FirstOnly => rule("FIRST_ONLY"),
            IrStrategy::LastOnly => rule("LAST_ONLY"),
        });
        let timeout = wf
            .settings
            .timeout
            .as_ref()
            .and_then(|t| self.literal_int(t, "the workflow's `timeout`"))
            .map(seconds_up);
        let instance_step_concurrency = wf
            .settings
            .concurrency
            .as_ref()
            .and_then(|c| self.literal_int(c, "the workflow's `concurrency`"));
        let _ = self.options;
        CreateRequest {
            properties: Properties {
                owner: "maestroc".into(),
                run_strategy,
                tags: None,
            },
            workflow: Workflow {
                id: wf.name.clone(),
                name: Some(wf.name.clone()),
                description: None,
                tags: (!tags.is_empty()).then_some(tags),
                timeout,
                time_triggers,
                signal_triggers,
                instance_step_concurrency,
                params,
                steps,
            },
        }
    }

    /// The steps of one body, linked by transitions.
    fn body(&mut self, wf: &IrWorkflow, body: &Body, inline: &HashMap<BindingId, &IrExpr>) -> Vec<Step> {
        let mut inline = inline.clone();
        for (b, e) in &body.lets {
            inline.insert(*b, e);
        }
        let mut steps: Vec<Step> = Vec::new();
        let mut placed: HashMap<NodeIndex, Placed> = HashMap::new();
        for n in body.topo_order() {
            let p = match &body.graph[n] {
                Node::Step(s) => self.step(wf, s, &inline).map(|def| {
                    let id = def_id(&def);
                    steps.push(def);
                    Placed {
                        entries: vec![id.clone()],
                        exits: vec![id],
                    }
                }),
                Node::Foreach(f) => {
                    let var = f
                        .vars
                        .first()
                        .map_or("loop".to_string(), |(b, _)| self.ir.symbols.binding(*b).name.clone());
                    let id = self.id(&format!("foreach_{var}"));
                    self.loops.insert(f.id.0, id.clone());
                    let mut loop_params = serde_json::Map::new();
                    for (b, list) in &f.vars {
                        let ty = type_of(list, self.ir).unwrap_or(Type::Unknown);
                        if let Some(def) = self.param(list, &ty, &inline, list.span) {
                            if let Ok(v) = serde_json::to_value(def) {
                                loop_params.insert(self.ir.symbols.binding(*b).name.clone(), v);
                            }
                        }
                    }
                    let concurrency = f
                        .concurrency
                        .as_ref()
                        .and_then(|c| self.literal_int(c, "a `foreach` concurrency"));
                    let inner = self.body(wf, &f.body, &inline);
                    let mut params = BTreeMap::new();
                    params.insert(
                        "loop_params".to_string(),
                        ParamDefinition {
                            value: Some(Value::Object(loop_params)),
                            expression: None,
                            kind: "MAP".into(),
                            mode: None,
                        },
                    );
                    steps.push(Step::Foreach(LoopDef {
                        id: id.clone(),
                        condition: None,
                        concurrency,
                        failure_mode: None,
                        params,
                        steps: inner,
                        transition: Transition::default(),
                    }));
                    Some(Placed {
                        entries: vec![id.clone()],
                        exits: vec![id],
                    })
                }
                Node::While(w) => {
                    let id = self.id(&format!("while_{}", w.id.0));
                    let mut loop_params = serde_json::Map::new();
                    for (b, init) in &w.vars {
                        let ty = self.ir.symbols.binding(*b).ty.clone();
                        if let Some(def) = self.param(init, &ty, &inline, init.span) {
                            if let Ok(v) = serde_json::to_value(def) {
                                loop_params.insert(self.ir.symbols.binding(*b).name.clone(), v);
                            }
                        }
                    }
                    let condition = self.sel(&w.cond, &inline);
                    let mut inner = self.body(wf, &w.body, &inline);
                    // `next`: a last NoOp step whose params, named like the loop
                    // variables, give them their values for the next iteration.
                    let next_id = self.id(&format!("{id}_next"));
                    let mut next_params = BTreeMap::new();
                    for (b, e) in &w.next {
                        let ty = self.ir.symbols.binding(*b).ty.clone();
                        if let Some(def) = self.param(e, &ty, &inline, e.span) {
                            next_params.insert(self.ir.symbols.binding(*b).name.clone(), def);
                        }
                    }
                    for s in &mut inner {
                        let t = transition_mut(s);
                        if t.successors.is_empty() {
                            t.successors.insert(next_id.clone(), "true".into());
                        }
                    }
                    inner.push(Step::Step(StepDef {
                        id: next_id,
                        kind: Some("NoOp".into()),
                        params: next_params,
                        ..StepDef::default()
                    }));
                    self.warn(
                        "while-limit",
                        ExportWarning::Approximate {
                            what: "a `while` loop".into(),
                            target: TARGET,
                            reason:
                                "Maestro's while step has no iteration limit; the loop runs while its condition holds"
                                    .into(),
                            span: w.span,
                            help: Some(
                                "make the condition itself bound the loop, like `… and page < max_pages`".into(),
                            ),
                        },
                    );
                    let mut params = BTreeMap::new();
                    params.insert(
                        "loop_params".to_string(),
                        ParamDefinition {
                            value: Some(Value::Object(loop_params)),
                            expression: None,
                            kind: "MAP".into(),
                            mode: None,
                        },
                    );
                    steps.push(Step::While(LoopDef {
                        id: id.clone(),
                        condition,
                        concurrency: None,
                        failure_mode: None,
                        params,
                        steps: inner,
                        transition: Transition::default(),
                    }));
                    Some(Placed {
                        entries: vec![id.clone()],
                        exits: vec![id],
                    })
                }
                Node::If(i) => {
                    let decision = self.id(&format!("if_{}", i.id.0));
                    let mut conds = Vec::new();
                    for br in &i.branches {
                        conds.push(self.sel(&br.cond, &inline).unwrap_or_default());
                    }
                    let mut successors = BTreeMap::new();
                    let mut exits = vec![decision.clone()];
                    let mut inner_steps = Vec::new();
                    let bodies: Vec<&Body> = i.branches.iter().map(|b| &b.body).chain(i.else_body.iter()).collect();
                    for (k, br) in bodies.into_iter().enumerate() {
                        let mut parts: Vec<String> = conds.iter().take(k).map(|c| format!("!{c}")).collect();
                        if let Some(c) = conds.get(k) {
                            parts.push(c.clone());
                        }
                        let cond = parts.join(" && ");
                        let branch = self.body(wf, br, &inline);
                        let (entries, branch_exits) = ends(&branch);
                        for e in entries {
                            successors.insert(e, cond.clone());
                        }
                        exits.extend(branch_exits);
                        inner_steps.extend(branch);
                    }
                    steps.push(Step::Step(StepDef {
                        id: decision.clone(),
                        kind: Some("NoOp".into()),
                        transition: Transition { successors },
                        ..StepDef::default()
                    }));
                    steps.extend(inner_steps);
                    Some(Placed {
                        entries: vec![decision],
                        exits,
                    })
                }
            };
            if let Some(p) = p {
                placed.insert(n, p);
            }
        }
        // Dependencies → transitions.
        for e in body.graph.edge_indices() {
            let Some((a, b)) = body.graph.edge_endpoints(e) else {
                continue;
            };
            let (Some(from), Some(to)) = (placed.get(&a), placed.get(&b)) else {
                continue;
            };
            let exits = from.exits.clone();
            let entries = to.entries.clone();
            for x in &exits {
                for y in &entries {
                    link(&mut steps, x, y);
                }
            }
        }
        let _ = Direction::Incoming;
        steps
    }

    fn step(&mut self, wf: &IrWorkflow, s: &IrStep, inline: &HashMap<BindingId, &IrExpr>) -> Option<Step> {
        let mut def = StepDef {
            id: s.name.clone(),
            ..StepDef::default()
        };
        def.failure_mode = Some(
            match s.on_failure {
                FailureMode::FailFast => "FAIL_IMMEDIATELY",
                FailureMode::FailAfterRunning => "FAIL_AFTER_RUNNING",
                FailureMode::Ignore => "IGNORE_FAILURE",
            }
            .into(),
        );
        def.timeout = s
            .timeout
            .as_ref()
            .and_then(|t| self.literal_int(t, "a step's `timeout`"))
            .map(seconds_up);
        def.retry_policy = s.retry.as_ref().and_then(|r| self.retry(r));
        if let Some(emit) = &s.emit {
            let name = self.consts.string(&emit.signal);
            let mut params = BTreeMap::new();
            for (k, v) in &emit.fields {
                let ty = type_of(v, self.ir).unwrap_or(Type::Unknown);
                if let Some(p) = self.param(v, &ty, inline, v.span) {
                    params.insert(k.clone(), p);
                }
            }
            match name {
                Some(name) => def.signal_outputs.push(SignalOutput { name, params }),
                None => self.error(ExportError::NotLiteral {
                    what: "the name of an emitted signal".into(),
                    target: TARGET,
                    span: emit.signal.span,
                    help: None,
                }),
            }
        }
        match &s.action {
            Action::None => def.kind = Some("NoOp".into()),
            Action::Sleep(d) => {
                def.kind = Some("Sleep".into());
                let secs = self.literal_int(d, "a `sleep` duration").map(seconds_up)?;
                def.params.insert(
                    "sleep_seconds".into(),
                    ParamDefinition {
                        value: Some(Value::from(secs)),
                        expression: None,
                        kind: "LONG".into(),
                        mode: None,
                    },
                );
            }
            Action::Wait { signal, filter, since } => {
                def.kind = Some("NoOp".into());
                if let Some(since) = since {
                    self.warn(
                        "since",
                        ExportWarning::Approximate {
                            what: "`since` on a signal wait".into(),
                            target: TARGET,
                            reason: "Maestro's signal dependencies match any signal already received, not only those of the last period".into(),
                            span: since.span,
                            help: None,
                        },
                    );
                }
                let Some(name) = self.consts.string(signal) else {
                    self.error(ExportError::NotLiteral {
                        what: "the name of a waited-for signal".into(),
                        target: TARGET,
                        span: signal.span,
                        help: None,
                    });
                    return None;
                };
                let mut match_params = BTreeMap::new();
                if let Some((binding, cond)) = filter {
                    self.signal_matches(*binding, cond, &mut match_params);
                }
                def.signal_dependencies.push(SignalDependency { name, match_params });
            }
            Action::Call { workflow, args } => {
                let callee = self.ir.workflow(*workflow);
                def.sync = Some(true);
                def.params.insert(
                    "subworkflow_id".into(),
                    ParamDefinition {
                        value: Some(Value::String(callee.name.clone())),
                        expression: None,
                        kind: "STRING".into(),
                        mode: None,
                    },
                );
                for (b, e) in args {
                    let ty = self.ir.symbols.binding(*b).ty.clone();
                    if let Some(p) = self.param(e, &ty, inline, e.span) {
                        def.params.insert(self.ir.symbols.binding(*b).name.clone(), p);
                    }
                }
                def.failure_mode = None;
                def.retry_policy = None;
                return Some(Step::Subworkflow(def));
            }
            Action::Run(_) | Action::Exec(_) => {
                def.kind = Some("kubernetes".into());
                self.kubernetes(wf, s, inline, &mut def)?;
            }
        }
        Some(Step::Step(def))
    }

    /// `where` over a waited-for signal → `match_params`: a conjunction of comparisons
    /// of the signal's fields with values.
    fn signal_matches(&mut self, binding: BindingId, cond: &IrExpr, out: &mut BTreeMap<String, SignalMatch>) {
        if let IrExprKind::Binary(BinaryOp::And, a, b) = &cond.kind {
            self.signal_matches(binding, a, out);
            self.signal_matches(binding, b, out);
            return;
        }
        let refuse = |span: Span| ExportError::Expression {
            target: TARGET,
            reason: "a signal's `where` must be comparisons of its fields with values, joined by `and`".into(),
            span,
            help: Some("Maestro matches signal params with `=`, `<`, `<=`, `>`, `>=`".into()),
        };
        let IrExprKind::Binary(op, a, b) = &cond.kind else {
            self.error(refuse(cond.span));
            return;
        };
        let operator = match op {
            BinaryOp::Eq => "=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Coalesce
            | BinaryOp::Or
            | BinaryOp::And
            | BinaryOp::Ne
            | BinaryOp::Add
            | BinaryOp::Sub
            | BinaryOp::Mul
            | BinaryOp::Div
            | BinaryOp::Rem => {
                self.error(refuse(cond.span));
                return;
            }
        };
        let read = if let IrExprKind::Field(inner, field) = &a.kind {
            Some((inner, field.clone()))
        } else if let IrExprKind::Index(inner, key) = &a.kind {
            if let IrExprKind::Str(k) = &key.kind {
                Some((inner, k.clone()))
            } else {
                None
            }
        } else {
            None
        };
        let Some((inner, field)) = read else {
            self.error(refuse(cond.span));
            return;
        };
        if !matches!(inner.kind, IrExprKind::Var(v) if v == binding) {
            self.error(refuse(cond.span));
            return;
        }
        let ty = type_of(b, self.ir).unwrap_or(Type::Unknown);
        if let Some(param) = self.param(b, &ty, &HashMap::new(), b.span) {
            out.insert(
                field,
                SignalMatch {
                    param,
                    operator: operator.into(),
                },
            );
        }
    }

    fn retry(&mut self, r: &IrRetry) -> Option<RetryPolicy> {
        let limit = self.literal_int(&r.count, "a retry count")?;
        let (error, timeout) = match r.on {
            RetryOn::Failure => (true, false),
            RetryOn::Timeout => (false, true),
            RetryOn::Any => (true, true),
        };
        let secs = |ms: i64| seconds_up(ms);
        let mut backoff = Backoff::default();
        let (base, exponent, cap) = match &r.backoff {
            IrBackoff::Fixed(d) => (self.literal_int(d, "a backoff duration")?, None, None),
            IrBackoff::Exponential { base, max } => (
                self.literal_int(base, "a backoff duration")?,
                Some(2),
                match max {
                    Some(m) => Some(self.literal_int(m, "a backoff limit")?),
                    None => None,
                },
            ),
        };
        if base % 1000 != 0 {
            self.warn(
                "backoff-seconds",
                ExportWarning::Approximate {
                    what: "a backoff under a whole second".into(),
                    target: TARGET,
                    reason: "Maestro counts backoff in whole seconds; it is rounded up".into(),
                    span: r.count.span,
                    help: None,
                },
            );
        }
        backoff.kind = if exponent.is_some() {
            "EXPONENTIAL_BACKOFF"
        } else {
            "FIXED_BACKOFF"
        }
        .into();
        if error {
            backoff.error_retry_backoff_in_secs = Some(secs(base));
            backoff.error_retry_exponent = exponent;
            backoff.error_retry_limit_in_secs = cap.map(secs);
        }
        if timeout {
            backoff.timeout_retry_backoff_in_secs = Some(secs(base));
            backoff.timeout_retry_exponent = exponent;
            backoff.timeout_retry_limit_in_secs = cap.map(secs);
        }
        Some(RetryPolicy {
            error_retry_limit: Some(if error { limit } else { 0 }),
            timeout_retry_limit: Some(if timeout { limit } else { 0 }),
            backoff,
        })
    }

    /// A value for the kubernetes step: a literal as text (with Maestro's `$` escaped), or
    /// a new step param whose SEL expression computes it, read as `${vN}`.
    fn value_ref(&mut self, e: &IrExpr, inline: &HashMap<BindingId, &IrExpr>, def: &mut StepDef) -> Option<String> {
        if let Some(Value::String(s)) = self.consts.value(e) {
            return Some(escape_dollar(&s));
        }
        let ty = type_of(e, self.ir).unwrap_or(Type::Unknown);
        let p = self.param(e, &ty, inline, e.span)?;
        let name = format!("v{}", def.params.len() + 1);
        def.params.insert(name.clone(), p);
        Some(format!("${{{name}}}"))
    }

    fn kubernetes(
        &mut self,
        wf: &IrWorkflow,
        s: &IrStep,
        inline: &HashMap<BindingId, &IrExpr>,
        def: &mut StepDef,
    ) -> Option<()> {
        let image = match &s.image {
            Some(i) => self.value_ref(i, inline, def),
            None => match &self.options.default_image {
                Some(i) => Some(escape_dollar(i)),
                None => {
                    self.error(ExportError::NoImage {
                        step: s.name.clone(),
                        target: TARGET,
                        span: s.span,
                    });
                    None
                }
            },
        };
        let outputs: Vec<(String, &'static str)> = self
            .ir
            .symbols
            .step(s.id)
            .outputs
            .iter()
            .map(|(n, t)| (n.clone(), maestro_type(t).unwrap_or("STRING")))
            .collect();
        let mut env = serde_json::Map::new();
        env.insert("MFLOW_STEP".into(), Value::String(s.name.clone()));
        let command: Vec<String> = match &s.action {
            Action::Run(parts) => {
                let mut text = String::new();
                for part in parts {
                    match part {
                        IrStrPart::Lit(l) => text.push_str(&escape_dollar(l)),
                        IrStrPart::Value { expr, raw } => {
                            if matches!(type_of(expr, self.ir), Some(Type::List(_))) && !raw {
                                self.error(ExportError::ListInRun {
                                    target: TARGET,
                                    span: expr.span,
                                });
                                continue;
                            }
                            let Some(v) = self.value_ref(expr, inline, def) else {
                                continue;
                            };
                            let var = format!("MFLOW_V{}", env.len());
                            env.insert(var.clone(), Value::String(v));
                            if *raw {
                                self.warn(
                                    "raw",
                                    ExportWarning::Approximate {
                                        what: "`raw(…)` in a command".into(),
                                        target: TARGET,
                                        reason: "the text is expanded from an environment variable, unquoted: it is split into words, but shell syntax in it is not run".into(),
                                        span: expr.span,
                                        help: None,
                                    },
                                );
                                let _ = write!(text, "$${var}");
                            } else {
                                let _ = write!(text, "\"$${var}\"");
                            }
                        }
                    }
                }
                vec!["/bin/sh".into(), "-c".into(), shim(&text, &outputs)]
            }
            Action::Exec(list) => {
                let IrExprKind::List(items) = &list.kind else {
                    self.error(ExportError::NotLiteral {
                        what: "the argument list of `exec`".into(),
                        target: TARGET,
                        span: list.span,
                        help: None,
                    });
                    return None;
                };
                let mut argv = Vec::new();
                for item in items {
                    if let Some(v) = self.value_ref(item, inline, def) {
                        argv.push(v);
                    }
                }
                let mut cmd = vec![
                    "/bin/sh".into(),
                    "-c".into(),
                    shim("\"$$@\"", &outputs),
                    "mflow-shim".into(),
                ];
                cmd.extend(argv);
                cmd
            }
            Action::None | Action::Sleep(_) | Action::Call { .. } | Action::Wait { .. } => return None,
        };
        for (name, value) in &s.env {
            if let Some(v) = self.value_ref(value, inline, def) {
                env.insert(name.clone(), Value::String(v));
            }
        }
        if let Some(d) = &s.dir {
            self.warn(
                "dir",
                ExportWarning::Approximate {
                    what: "`dir`".into(),
                    target: TARGET,
                    reason: "Maestro's kubernetes step has no working directory; the command starts with `cd`".into(),
                    span: d.span,
                    help: None,
                },
            );
        }
        let mut k8s = serde_json::Map::new();
        let image = image?;
        k8s.insert("image".into(), serde_json::json!({"value": image, "type": "STRING"}));
        let command = match &s.dir {
            Some(d) => match self.value_ref(d, inline, def) {
                Some(dir) => {
                    env.insert("MFLOW_DIR".into(), Value::String(dir));
                    let mut c = command;
                    if let Some(script) = c.get_mut(2) {
                        *script = format!("cd \"$$MFLOW_DIR\" || exit 1\n{script}");
                    }
                    c
                }
                None => command,
            },
            None => command,
        };
        k8s.insert(
            "command".into(),
            serde_json::json!({"value": command, "type": "STRING_ARRAY"}),
        );
        k8s.insert("env".into(), serde_json::json!({"value": env, "type": "STRING_MAP"}));
        for (name, value) in &s.resources {
            if !matches!(name.as_str(), "cpu" | "memory" | "gpu") {
                self.error(ExportError::UnknownResource {
                    name: name.clone(),
                    target: TARGET,
                    span: value.span,
                });
                continue;
            }
            match self.consts.value(value).filter(|v| !v.is_null()) {
                Some(v) => {
                    k8s.insert(
                        name.clone(),
                        serde_json::json!({"value": crate::export::literal::wire(&v), "type": "STRING"}),
                    );
                }
                None => self.error(ExportError::NotLiteral {
                    what: format!("resource `{name}`"),
                    target: TARGET,
                    span: value.span,
                    help: None,
                }),
            }
        }
        let _ = wf;
        def.params.insert(
            "kubernetes".into(),
            ParamDefinition {
                value: Some(Value::Object(k8s)),
                expression: None,
                kind: "MAP".into(),
                mode: None,
            },
        );
        Some(())
    }
}

fn rule(name: &str) -> RunStrategy {
    RunStrategy {
        rule: name.into(),
        workflow_concurrency: None,
    }
}

/// Maestro interpolates `${…}` in string params; `$$` is a literal `$`.
fn escape_dollar(s: &str) -> String {
    s.replace('$', "$$")
}

/// The output shim for Maestro: the command runs with `$MFLOW_OUTPUTS` as under
/// `maestroc run`, then the declared outputs are printed as Maestro's output params
/// between `$MAESTRO_OUTPUT_START` and `$MAESTRO_OUTPUT_END`. The text is already escaped
/// for Maestro's interpolation (`$$`).
fn shim(command: &str, outputs: &[(String, &'static str)]) -> String {
    let mut s = String::new();
    s.push_str("MFLOW_OUTPUTS=/tmp/mflow-outputs; export MFLOW_OUTPUTS\n: > \"$$MFLOW_OUTPUTS\"\n(\n");
    s.push_str(command);
    s.push_str("\n)\nstatus=$$?\n");
    if !outputs.is_empty() {
        s.push_str("[ \"$$status\" -eq 0 ] || exit \"$$status\"\n");
        // A declared output that was not written fails the step, as under `maestroc run`.
        for (name, _) in outputs {
            let _ = writeln!(
                s,
                "grep -q '^{name}=' \"$$MFLOW_OUTPUTS\" || {{ echo 'maestroc: the command did not write output `{name}` to $$MFLOW_OUTPUTS' >&2; exit 1; }}"
            );
        }
        s.push_str("now=$$(date +%s)000\nprintf '%s{\"params\":{' \"$$MAESTRO_OUTPUT_START\"\n");
        for (i, (name, kind)) in outputs.iter().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            let _ = writeln!(s, "v=$$(sed -n 's/^{name}=//p' \"$$MFLOW_OUTPUTS\" | tail -n 1)");
            if *kind == "STRING" {
                s.push_str(
                    "v=\"$$(printf '%s' \"$$v\" | sed 's/\\\\/\\\\\\\\/g; s/\"/\\\\\"/g')\"\nv=\"\\\"$$v\\\"\"\n",
                );
            }
            let _ = writeln!(
                s,
                "printf '{comma}\"{name}\":{{\"value\":%s,\"type\":\"{kind}\",\"evaluated_result\":%s,\"evaluated_time\":%s}}' \"$$v\" \"$$v\" \"$$now\""
            );
        }
        s.push_str("printf '}}%s\\n' \"$$MAESTRO_OUTPUT_END\"\n");
    }
    s.push_str("exit \"$$status\"\n");
    s
}

fn def_id(step: &Step) -> String {
    match step {
        Step::Step(d) | Step::Subworkflow(d) => d.id.clone(),
        Step::Foreach(l) | Step::While(l) => l.id.clone(),
    }
}

fn transition_mut(step: &mut Step) -> &mut Transition {
    match step {
        Step::Step(d) | Step::Subworkflow(d) => &mut d.transition,
        Step::Foreach(l) | Step::While(l) => &mut l.transition,
    }
}

/// Adds `from → to` (unconditional) unless a conditional transition is already there.
fn link(steps: &mut [Step], from: &str, to: &str) {
    for s in steps.iter_mut() {
        if def_id(s) == from {
            transition_mut(s)
                .successors
                .entry(to.to_string())
                .or_insert_with(|| "true".into());
        }
    }
}

/// The first steps (no predecessor in the list) and last steps (no successor) of a list.
fn ends(steps: &[Step]) -> (Vec<String>, Vec<String>) {
    let ids: Vec<String> = steps.iter().map(def_id).collect();
    let mut targets = HashSet::new();
    let mut exits = Vec::new();
    for s in steps {
        let succ = match s {
            Step::Step(d) | Step::Subworkflow(d) => &d.transition.successors,
            Step::Foreach(l) | Step::While(l) => &l.transition.successors,
        };
        targets.extend(succ.keys().cloned());
        if succ.is_empty() {
            exits.push(def_id(s));
        }
    }
    let entries = ids.into_iter().filter(|i| !targets.contains(i)).collect();
    (entries, exits)
}

/// Every step of a body, nested ones included.
fn all_steps(body: &Body) -> Vec<&IrStep> {
    let mut out = Vec::new();
    for n in body.graph.node_weights() {
        match n {
            Node::Step(s) => out.push(s.as_ref()),
            Node::Foreach(f) => out.extend(all_steps(&f.body)),
            Node::While(w) => out.extend(all_steps(&w.body)),
            Node::If(i) => {
                for b in &i.branches {
                    out.extend(all_steps(&b.body));
                }
                if let Some(e) = &i.else_body {
                    out.extend(all_steps(e));
                }
            }
        }
    }
    out
}
