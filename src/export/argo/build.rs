//! The IR of one workflow (and the workflows it calls) as an Argo manifest.
//!
//! Each body (the workflow's, a `foreach` iteration's, an `if` branch's) is a DAG
//! template whose tasks are its nodes; a step is a container (or suspend) template; a
//! `foreach` is a loop template (`withItems`/`withParam`, `parallelism`) around its body's
//! DAG; a `call` is the callee's DAG template. Values reach a template as input
//! parameters: the workflow's params and the loop variables in scope, plus the outputs of
//! enclosing bodies' steps that it reads. See `docs/export.md`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use petgraph::graph::NodeIndex;
use petgraph::Direction;
use serde_json::Value;

use super::expr::{input, shell_words, string_literal, tag, Env, StepReads, Translator};
use super::model::{
    Arguments, Backoff, ConfigMapKeyRef, Container, ContinueOn, CronWorkflowSpec, Dag, DagTask, EnvVar, Inputs,
    Manifest, ManifestSpec, Metadata, Mutex, Outputs, Parameter, Resources, RetryStrategy, SemaphoreRef, Suspend,
    Synchronization, Template, ValueFrom, WorkflowSpec,
};
use super::shim;
use crate::base::span::Span;
use crate::diagnostics::Problems;
use crate::export::error::{ExportError, ExportWarning};
use crate::export::literal::{go_duration, seconds_up, wire, Consts};
use crate::export::names::{dns1123, Names};
use crate::export::types::type_of;
use crate::export::{Exported, Options};
use crate::ir::{
    Action, BindingId, Body, FailureMode, InitKind, Ir, IrBackoff, IrExpr, IrExprKind, IrForeach, IrIf, IrRetry,
    IrStep, IrStrPart, IrStrategy, IrWorkflow, Node, PathLevel, RetryOn, StepId, Type, WorkflowId,
};

const TARGET: &str = "Argo";

/// Compiles workflow `root` of `ir` to an Argo manifest.
#[must_use]
pub fn export(ir: &Ir, root: WorkflowId, options: &Options) -> Exported {
    let mut b = Builder {
        ir,
        options,
        problems: Problems::new(),
        templates: Vec::new(),
        names: Names::new(),
        workflows: HashMap::new(),
        warned: HashSet::new(),
    };
    b.names.reserve("main");
    let manifest = b.manifest(ir.workflow(root));
    let text = if b.problems.has_errors() {
        None
    } else {
        match yaml_serde::to_string(&manifest) {
            Ok(t) => Some(super::yaml::quote_ambiguous(&t)),
            Err(e) => {
                b.problems.push(
                    ir.workflow(root).span.file,
                    ExportError::Unsupported {
                        what: "this workflow".into(),
                        target: TARGET,
                        reason: format!("the manifest could not be written as YAML: {e}"),
                        span: ir.workflow(root).span,
                        help: None,
                    },
                );
                None
            }
        }
    };
    Exported {
        text,
        problems: b.problems,
    }
}

struct Builder<'a> {
    ir: &'a Ir,
    options: &'a Options,
    problems: Problems,
    templates: Vec<Template>,
    /// Template names, unique in the manifest.
    names: Names,
    /// The DAG template of each workflow compiled so far (the root is `main`).
    workflows: HashMap<WorkflowId, String>,
    /// Approximations already warned about (once per kind and workflow).
    warned: HashSet<(String, WorkflowId)>,
}

/// A step output an inner template reads from an enclosing body: passed in as an input.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Need {
    step: StepId,
    /// Levels up from the template that receives it.
    up: u32,
    path: Vec<PathLevel>,
    field: String,
    /// The input parameter that carries it.
    param: String,
    /// Where it is read (for a refusal).
    span: Span,
}

/// The step reads of one DAG template.
struct Reads<'b> {
    ir: &'b Ir,
    /// Task names of this body's nodes, by step (direct steps) and by scope id.
    step_tasks: &'b HashMap<StepId, String>,
    scope_tasks: &'b HashMap<u32, String>,
    needs: Vec<Need>,
}

impl StepReads for Reads<'_> {
    fn read(
        &mut self,
        step: StepId,
        up: u32,
        path: &[PathLevel],
        field: &str,
        span: Span,
    ) -> Result<String, ExportError> {
        let step_name = self.ir.symbols.step(step).name.clone();
        let refuse = |reason: &str, help: Option<&str>| ExportError::OutputRead {
            step: step_name.clone(),
            target: TARGET,
            reason: reason.to_string(),
            span,
            help: help.map(str::to_string),
        };
        if up > 0 {
            let mut param = format!("out__{step_name}__{field}");
            for level in path {
                let _ = match level {
                    PathLevel::Foreach(s) => write!(param, "__f{s}"),
                    PathLevel::While(s) => write!(param, "__w{s}"),
                    PathLevel::Branch(s, n) => write!(param, "__b{s}_{n}"),
                };
            }
            let need = Need {
                step,
                up,
                path: path.to_vec(),
                field: field.to_string(),
                param: param.clone(),
                span,
            };
            if !self.needs.iter().any(|n| n.param == need.param) {
                self.needs.push(need);
            }
            return Ok(input(&param));
        }
        match path {
            [] => match self.step_tasks.get(&step) {
                Some(task) => Ok(task_output(task, field)),
                None => Err(refuse("the step is not a task of this template", None)),
            },
            [PathLevel::Foreach(s)] => match self.scope_tasks.get(s) {
                Some(task) => Ok(task_output(task, &format!("{step_name}__{field}"))),
                None => Err(refuse("the loop is not a task of this template", None)),
            },
            [PathLevel::Branch(..)] => Err(refuse(
                "Argo gives a skipped task no outputs, so an output of a step inside an `if` cannot be read outside it",
                Some("read it inside the branch, or give the step outside the `if` and decide inside its command"),
            )),
            [PathLevel::While(_)] => Err(refuse("`while` is not compiled to Argo", None)),
            _ => Err(refuse(
                "outputs gathered through more than one loop (or a cross product) would need nested aggregation, which Argo does not do",
                Some("gather inside the outer loop with a step of its own, and read that step's output"),
            )),
        }
    }
}

fn task_output(task: &str, name: &str) -> String {
    format!(
        "tasks[{}].outputs.parameters[{}]",
        string_literal(task),
        string_literal(name)
    )
}

/// What a compiled body hands its parent.
struct BodyOut {
    template: String,
    needs: Vec<Need>,
}

/// The bindings a body template receives as inputs (workflow params and loop variables),
/// in order, with their parameter names.
#[derive(Clone, Default)]
struct Scope {
    inputs: Vec<(BindingId, String)>,
}

impl Builder<'_> {
    fn error(&mut self, e: ExportError) {
        self.problems.push(e.span().file, e);
    }

    fn warn(&mut self, key: &str, wf: WorkflowId, w: ExportWarning) {
        if self.warned.insert((key.to_string(), wf)) {
            self.problems.push(w.span().file, w);
        }
    }

    fn manifest(&mut self, wf: &IrWorkflow) -> Manifest {
        let consts = Consts::of(wf);
        let mut parameters = Vec::new();
        for p in &wf.params {
            let default = wf
                .init
                .iter()
                .find(|i| i.binding == p.binding && i.kind == InitKind::ParamDefault);
            let value = match default {
                None => None,
                Some(d) => match consts.value(&d.value) {
                    Some(v) => Some(wire(&v)),
                    None => {
                        self.error(ExportError::ComputedDefault {
                            param: p.name.clone(),
                            target: TARGET,
                            span: d.value.span,
                        });
                        None
                    }
                },
            };
            parameters.push(Parameter {
                name: p.name.clone(),
                value,
                description: Some(format!("{}{}", p.ty, if p.required { " (required)" } else { "" })),
                ..Parameter::default()
            });
        }
        self.workflows.insert(wf.id, "main".into());
        let main = self.workflow_template(wf, "main".into());
        let mut spec = WorkflowSpec {
            entrypoint: main,
            arguments: (!parameters.is_empty()).then_some(Arguments { parameters }),
            ..WorkflowSpec::default()
        };
        if let Some(c) = &wf.settings.concurrency {
            spec.parallelism = self.literal_int(c, "the workflow's `concurrency`", &consts);
        }
        if let Some(t) = &wf.settings.timeout {
            spec.active_deadline_seconds = self.literal_int(t, "the workflow's `timeout`", &consts).map(seconds_up);
        }
        let scheduled = wf.settings.schedule.is_some() && !self.options.template;
        let mut concurrency_policy = None;
        if let Some(strategy) = &wf.settings.strategy {
            let (sync, policy) = self.strategy(wf, strategy, scheduled, &consts);
            spec.synchronization = sync;
            concurrency_policy = policy;
        }
        spec.templates = std::mem::take(&mut self.templates);
        let name = dns1123(&wf.name);
        let mut labels = BTreeMap::new();
        labels.insert("workflows.maestroc.dev/workflow".to_string(), name.clone());
        for tag in &wf.settings.tags {
            labels.insert(format!("tags.maestroc.dev/{}", dns1123(tag)), "true".to_string());
        }
        for trigger in &wf.settings.triggers {
            self.error(ExportError::Unsupported {
                what: format!("`trigger on signal \"{}\"`", trigger.signal),
                target: TARGET,
                reason: "Argo Workflows has no signals; starting a workflow on an event needs Argo Events, which is not generated".into(),
                span: trigger.span,
                help: Some("compile to Maestro (`--target maestro`), which has signal triggers, or submit the workflow from your event source".into()),
            });
        }
        if let Some(schedule) = wf.settings.schedule.as_ref().filter(|_| !self.options.template) {
            if let crate::ir::CatchUp::All { max } = schedule.catchup {
                self.warn(
                    "catchup",
                    wf.id,
                    ExportWarning::Approximate {
                        what: format!("`catchup all(max: {max})`"),
                        target: TARGET,
                        reason: "a CronWorkflow starts at most one run for the schedule times it missed".into(),
                        span: schedule.span,
                        help: None,
                    },
                );
            }
        }
        if self.options.template {
            if let Some(s) = &wf.settings.schedule {
                self.warn(
                    "schedule",
                    wf.id,
                    ExportWarning::LeftOut {
                        what: format!("the schedule `{}`", s.cron),
                        target: TARGET,
                        kind: "WorkflowTemplate",
                        span: wf.span,
                        help: Some("compile without `--kind template` for a CronWorkflow".into()),
                    },
                );
            }
            return Manifest {
                api_version: "argoproj.io/v1alpha1".into(),
                kind: "WorkflowTemplate".into(),
                metadata: Metadata {
                    name: Some(name),
                    labels,
                    ..Metadata::default()
                },
                spec: ManifestSpec::Workflow(Box::new(spec)),
            };
        }
        if let Some(schedule) = &wf.settings.schedule {
            return Manifest {
                api_version: "argoproj.io/v1alpha1".into(),
                kind: "CronWorkflow".into(),
                metadata: Metadata {
                    name: Some(name),
                    labels,
                    ..Metadata::default()
                },
                spec: ManifestSpec::Cron(Box::new(CronWorkflowSpec {
                    schedules: vec![schedule.cron.clone()],
                    timezone: Some(schedule.zone.clone()),
                    concurrency_policy,
                    workflow_spec: spec,
                })),
            };
        }
        Manifest {
            api_version: "argoproj.io/v1alpha1".into(),
            kind: "Workflow".into(),
            metadata: Metadata {
                generate_name: Some(format!("{}-", dns1123(&wf.name).chars().take(57).collect::<String>())),
                labels,
                ..Metadata::default()
            },
            spec: ManifestSpec::Workflow(Box::new(spec)),
        }
    }

    /// Run strategy → `synchronization` (and, for a `CronWorkflow`, `concurrencyPolicy`).
    fn strategy(
        &mut self,
        wf: &IrWorkflow,
        strategy: &IrStrategy,
        scheduled: bool,
        consts: &Consts<'_>,
    ) -> (Option<Synchronization>, Option<String>) {
        let mutex = || {
            Some(Synchronization {
                mutexes: vec![Mutex {
                    name: format!("maestroc-{}", dns1123(&wf.name)),
                }],
                semaphores: Vec::new(),
            })
        };
        let approx = |what: &str, reason: &str, help: Option<&str>| ExportWarning::Approximate {
            what: what.to_string(),
            target: TARGET,
            reason: reason.to_string(),
            span: wf.span,
            help: help.map(str::to_string),
        };
        match strategy {
            IrStrategy::Parallel(None) => (None, None),
            IrStrategy::Parallel(Some(n)) => {
                let _ = self.literal_int(n, "the `parallel` limit", consts);
                self.warn(
                    "strategy",
                    wf.id,
                    approx(
                        "`strategy parallel(N)`",
                        "Argo limits concurrent runs with a semaphore whose size lives in a ConfigMap",
                        Some("create ConfigMap `maestroc-semaphores` with the key named in `synchronization` set to N"),
                    ),
                );
                (
                    Some(Synchronization {
                        mutexes: Vec::new(),
                        semaphores: vec![SemaphoreRef {
                            config_map_key_ref: ConfigMapKeyRef {
                                name: "maestroc-semaphores".into(),
                                key: dns1123(&wf.name),
                            },
                        }],
                    }),
                    None,
                )
            }
            IrStrategy::Sequential => (mutex(), None),
            IrStrategy::StrictSequential => {
                self.warn(
                    "strategy",
                    wf.id,
                    approx(
                        "`strategy strict_sequential`",
                        "runs queue on a mutex, but a failed run does not block the next one",
                        None,
                    ),
                );
                (mutex(), None)
            }
            IrStrategy::FirstOnly if scheduled => (None, Some("Forbid".into())),
            IrStrategy::LastOnly if scheduled => (None, Some("Replace".into())),
            IrStrategy::FirstOnly | IrStrategy::LastOnly => {
                self.warn(
                    "strategy",
                    wf.id,
                    approx(
                        "this run strategy",
                        "Argo applies it only to scheduled runs (CronWorkflow `concurrencyPolicy`); submitted workflows are not limited",
                        Some("add a `schedule` to get a CronWorkflow"),
                    ),
                );
                (None, None)
            }
        }
    }

    fn literal_int(&mut self, e: &IrExpr, what: &str, consts: &Consts<'_>) -> Option<i64> {
        let v = consts.int(e);
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

    /// The DAG template of a whole workflow (the entry point, or a called one): its inputs
    /// are the workflow's params, its outputs the workflow's `output`s.
    fn workflow_template(&mut self, wf: &IrWorkflow, name: String) -> String {
        let consts = Consts::of(wf);
        let mut inline: HashMap<BindingId, &IrExpr> = HashMap::new();
        for i in &wf.init {
            if i.kind != InitKind::ParamDefault {
                inline.insert(i.binding, &i.value);
            }
        }
        let scope = Scope {
            inputs: wf.params.iter().map(|p| (p.binding, p.name.clone())).collect(),
        };
        let defaults: HashMap<BindingId, Option<String>> = wf
            .params
            .iter()
            .map(|p| {
                let d = wf
                    .init
                    .iter()
                    .find(|i| i.binding == p.binding && i.kind == InitKind::ParamDefault)
                    .and_then(|d| consts.value(&d.value))
                    .map(|v| wire(&v));
                (p.binding, d)
            })
            .collect();
        let out = self.body_template(wf, &wf.body, name, &scope, &inline, &consts, Some(&defaults), true);
        if !out.needs.is_empty() {
            // A workflow's body has no enclosing body; the checker never lets it read one.
            self.error(ExportError::Unsupported {
                what: "this workflow".into(),
                target: TARGET,
                reason: "it reads outputs from outside itself".into(),
                span: wf.span,
                help: None,
            });
        }
        out.template
    }

    /// One body as a DAG template. `defaults` gives the inputs' defaults (a workflow's
    /// params); `workflow_level` adds the workflow's outputs and settings.
    #[allow(clippy::too_many_arguments)]
    fn body_template(
        &mut self,
        wf: &IrWorkflow,
        body: &Body,
        name: String,
        scope: &Scope,
        inline: &HashMap<BindingId, &IrExpr>,
        consts: &Consts<'_>,
        defaults: Option<&HashMap<BindingId, Option<String>>>,
        workflow_level: bool,
    ) -> BodyOut {
        let mut inline = inline.clone();
        for (b, e) in &body.lets {
            inline.insert(*b, e);
        }
        let inputs: HashMap<BindingId, String> = scope.inputs.iter().cloned().collect();
        // Task names first: expressions refer to tasks by name.
        let mut task_names = Names::new();
        let mut node_tasks: HashMap<NodeIndex, Vec<String>> = HashMap::new();
        let mut step_tasks: HashMap<StepId, String> = HashMap::new();
        let mut scope_tasks: HashMap<u32, String> = HashMap::new();
        let order = body.topo_order();
        for &n in &order {
            match &body.graph[n] {
                Node::Step(s) => {
                    let t = task_names.unique(&s.name);
                    step_tasks.insert(s.id, t.clone());
                    node_tasks.insert(n, vec![t]);
                }
                Node::Foreach(f) => {
                    let var = f
                        .vars
                        .first()
                        .map_or("loop".to_string(), |(b, _)| self.ir.symbols.binding(*b).name.clone());
                    let t = task_names.unique(&format!("foreach-{var}"));
                    scope_tasks.insert(f.id.0, t.clone());
                    node_tasks.insert(n, vec![t]);
                }
                Node::If(i) => {
                    let count = i.branches.len() + usize::from(i.else_body.is_some());
                    let ts = (0..count)
                        .map(|k| task_names.unique(&format!("if-{}-{k}", i.id.0)))
                        .collect();
                    node_tasks.insert(n, ts);
                }
                Node::While(w) => {
                    self.error(ExportError::Unsupported {
                        what: "a `while` loop".into(),
                        target: TARGET,
                        reason: "an Argo loop cannot compute its next iteration from the previous one's outputs (only a recursive template could, which is not generated)".into(),
                        span: w.span,
                        help: Some("use a `foreach` over a bounded `range(…)`, or run the loop inside one step's command".into()),
                    });
                    node_tasks.insert(n, Vec::new());
                }
            }
        }
        let mut reads = Reads {
            ir: self.ir,
            step_tasks: &step_tasks,
            scope_tasks: &scope_tasks,
            needs: Vec::new(),
        };
        let env = Env {
            ir: self.ir,
            inline: &inline,
            inputs: &inputs,
        };
        let mut tasks = Vec::new();
        let mut fail_fast_used = false;
        for &n in &order {
            let mut deps: Vec<String> = body
                .graph
                .neighbors_directed(n, Direction::Incoming)
                .flat_map(|d| node_tasks.get(&d).cloned().unwrap_or_default())
                .collect();
            deps.sort();
            deps.dedup();
            let names = node_tasks.get(&n).cloned().unwrap_or_default();
            match &body.graph[n] {
                Node::Step(s) => {
                    if s.on_failure == FailureMode::FailFast {
                        fail_fast_used = true;
                    }
                    if let Some(task) = self.step_task(wf, s, &names[0], deps, &env, &mut reads, consts) {
                        tasks.push(task);
                    }
                }
                Node::Foreach(f) => {
                    if let Some(task) = self.foreach_task(wf, f, &names[0], deps, scope, &env, &mut reads, consts) {
                        tasks.push(task);
                    }
                }
                Node::If(i) => {
                    tasks.extend(self.if_tasks(wf, i, &names, &deps, scope, &env, &mut reads, consts));
                }
                Node::While(_) => {}
            }
        }
        if fail_fast_used {
            self.warn(
                "fail_fast",
                wf.id,
                ExportWarning::Approximate {
                    what: "`on_failure fail_fast`".into(),
                    target: TARGET,
                    reason: "Argo's DAG `failFast` stops starting new tasks but lets running ones finish, like `fail_after_running`".into(),
                    span: wf.span,
                    help: None,
                },
            );
        }
        // Outputs: every direct step's outputs (`step__field`), for loops and branches
        // around this body; a workflow's `output`s for its callers.
        let mut outputs = Vec::new();
        for &n in &order {
            if let Node::Step(s) = &body.graph[n] {
                let Some(task) = step_tasks.get(&s.id) else { continue };
                for (field, _) in &self.ir.symbols.step(s.id).outputs {
                    outputs.push(Parameter {
                        name: format!("{}__{field}", s.name),
                        value_from: Some(ValueFrom {
                            parameter: Some(format!("{{{{tasks.{task}.outputs.parameters.{field}}}}}")),
                            ..ValueFrom::default()
                        }),
                        ..Parameter::default()
                    });
                }
            }
        }
        if workflow_level {
            for o in &wf.outputs {
                let mut t = Translator::new(&env, &mut reads);
                match t.wire(&o.value) {
                    Ok(text) => outputs.push(Parameter {
                        name: o.name.clone(),
                        value_from: Some(ValueFrom {
                            expression: Some(text),
                            ..ValueFrom::default()
                        }),
                        ..Parameter::default()
                    }),
                    Err(e) => self.error(e),
                }
            }
        }
        let needs = reads.needs;
        let mut params: Vec<Parameter> = scope
            .inputs
            .iter()
            .map(|(b, n)| Parameter {
                name: n.clone(),
                value: defaults.and_then(|d| d.get(b).cloned().flatten()),
                ..Parameter::default()
            })
            .collect();
        params.extend(needs.iter().map(|need| Parameter {
            name: need.param.clone(),
            ..Parameter::default()
        }));
        let mut template = Template {
            name: name.clone(),
            inputs: (!params.is_empty()).then_some(Inputs { parameters: params }),
            outputs: (!outputs.is_empty()).then_some(Outputs { parameters: outputs }),
            dag: Some(Dag { fail_fast: None, tasks }),
            ..Template::default()
        };
        if workflow_level && name != "main" {
            if let Some(c) = &wf.settings.concurrency {
                template.parallelism = self.literal_int(c, "the workflow's `concurrency`", consts);
            }
            if let Some(t) = &wf.settings.timeout {
                template.active_deadline_seconds = self
                    .literal_int(t, "the workflow's `timeout`", consts)
                    .map(|ms| seconds_up(ms).to_string());
            }
            if wf.settings.strategy.is_some() {
                self.warn(
                    "call-strategy",
                    wf.id,
                    ExportWarning::LeftOut {
                        what: "the run strategy of a called workflow".into(),
                        target: TARGET,
                        kind: "template of a subworkflow",
                        span: wf.span,
                        help: Some("run strategies apply to whole runs; a call runs inside its caller's run".into()),
                    },
                );
            }
        }
        self.templates.push(template);
        // A body's needs with `up` 1 are reads of its parent body; the parent reads them
        // one level closer.
        BodyOut { template: name, needs }
    }

    /// Passes an inner template's needs in from this template: `{{=…}}` of each.
    fn pass_needs(&mut self, needs: &[Need], reads: &mut Reads<'_>, args: &mut Vec<Parameter>) {
        for need in needs {
            match reads.read(need.step, need.up - 1, &need.path, &need.field, need.span) {
                Ok(access) => args.push(Parameter {
                    name: need.param.clone(),
                    value: Some(tag(&access)),
                    ..Parameter::default()
                }),
                Err(e) => self.error(e),
            }
        }
    }

    fn forward(scope: &Scope) -> Vec<Parameter> {
        scope
            .inputs
            .iter()
            .map(|(_, n)| Parameter {
                name: n.clone(),
                value: Some(format!("{{{{inputs.parameters.{n}}}}}")),
                ..Parameter::default()
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn foreach_task(
        &mut self,
        wf: &IrWorkflow,
        f: &IrForeach,
        task: &str,
        deps: Vec<String>,
        scope: &Scope,
        env: &Env<'_>,
        reads: &mut Reads<'_>,
        consts: &Consts<'_>,
    ) -> Option<DagTask> {
        // Loop lists are evaluated here, in the parent: a literal list is `withItems`, any
        // other is passed as JSON to the loop template's `withParam`.
        let mut items: Vec<(BindingId, Result<Vec<Value>, String>)> = Vec::new();
        let mut list_args = Vec::new();
        for (var, list) in &f.vars {
            let var_name = self.ir.symbols.binding(*var).name.clone();
            if let Some(Value::Array(values)) = consts.value(list) {
                items.push((*var, Ok(values)));
            } else {
                let mut t = Translator::new(env, reads);
                match t.expr(list) {
                    Ok(text) => {
                        let param = format!("items__{var_name}");
                        list_args.push(Parameter {
                            name: param.clone(),
                            value: Some(tag(&format!("toJson({text})"))),
                            ..Parameter::default()
                        });
                        items.push((*var, Err(param)));
                    }
                    Err(e) => {
                        self.error(e);
                        return None;
                    }
                }
            }
        }
        let parallelism = f
            .concurrency
            .as_ref()
            .and_then(|c| self.literal_int(c, "a `foreach` concurrency", consts));
        // The body, with the loop variables as inputs.
        let mut inner_scope = scope.clone();
        for (var, _) in &f.vars {
            inner_scope
                .inputs
                .push((*var, self.ir.symbols.binding(*var).name.clone()));
        }
        let base = task.trim_start_matches("foreach-").to_string();
        let body_name = self.names.unique(&format!("{}-{base}-body", wf.name));
        let inline: HashMap<BindingId, &IrExpr> = env.inline.iter().map(|(k, v)| (*k, *v)).collect();
        let body = self.body_template(wf, &f.body, body_name, &inner_scope, &inline, consts, None, false);
        // The loops, innermost first: each loops one variable over the next template.
        let mut inner = body.template.clone();
        let mut loop_scope = inner_scope.clone();
        let direct_outputs: Vec<String> = f
            .body
            .graph
            .node_weights()
            .filter_map(|n| if let Node::Step(s) = n { Some(s) } else { None })
            .flat_map(|s| {
                self.ir
                    .symbols
                    .step(s.id)
                    .outputs
                    .iter()
                    .map(|(field, _)| format!("{}__{field}", s.name))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (k, (var, list)) in items.iter().enumerate().rev() {
            loop_scope.inputs.retain(|(b, _)| b != var);
            let var_name = self.ir.symbols.binding(*var).name.clone();
            let loop_name = self.names.unique(&format!(
                "{}-{base}-loop{}",
                wf.name,
                if k == 0 { String::new() } else { format!("-{k}") }
            ));
            let mut args = Self::forward(&loop_scope);
            // Loop variables of outer levels are inputs of this one.
            args.push(Parameter {
                name: var_name.clone(),
                value: Some("{{item}}".into()),
                ..Parameter::default()
            });
            args.extend(body.needs.iter().map(|n| Parameter {
                name: n.param.clone(),
                value: Some(format!("{{{{inputs.parameters.{}}}}}", n.param)),
                ..Parameter::default()
            }));
            let mut loop_inputs: Vec<Parameter> = loop_scope
                .inputs
                .iter()
                .map(|(_, n)| Parameter {
                    name: n.clone(),
                    ..Parameter::default()
                })
                .collect();
            loop_inputs.extend(body.needs.iter().map(|n| Parameter {
                name: n.param.clone(),
                ..Parameter::default()
            }));
            let (with_items, with_param) = match list {
                Ok(values) => (Some(values.iter().map(|v| Value::String(wire(v))).collect()), None),
                Err(param) => {
                    loop_inputs.push(Parameter {
                        name: param.clone(),
                        ..Parameter::default()
                    });
                    (None, Some(format!("{{{{inputs.parameters.{param}}}}}")))
                }
            };
            if k > 0 {
                // An inner level of a cross product: its list parameter comes from the level above.
                for (_, l) in items.iter().skip(k) {
                    if let Err(p) = l {
                        args.push(Parameter {
                            name: p.clone(),
                            value: Some(format!("{{{{inputs.parameters.{p}}}}}")),
                            ..Parameter::default()
                        });
                    }
                }
            }
            let outputs: Vec<Parameter> = if k == 0 && items.len() == 1 {
                direct_outputs
                    .iter()
                    .map(|o| Parameter {
                        name: o.clone(),
                        value_from: Some(ValueFrom {
                            parameter: Some(format!("{{{{tasks.iter.outputs.parameters.{o}}}}}")),
                            ..ValueFrom::default()
                        }),
                        ..Parameter::default()
                    })
                    .collect()
            } else {
                Vec::new()
            };
            for (_, l) in items.iter().skip(k + 1) {
                if let Err(p) = l {
                    loop_inputs.push(Parameter {
                        name: p.clone(),
                        ..Parameter::default()
                    });
                }
            }
            self.templates.push(Template {
                name: loop_name.clone(),
                inputs: (!loop_inputs.is_empty()).then_some(Inputs {
                    parameters: loop_inputs,
                }),
                outputs: (!outputs.is_empty()).then_some(Outputs { parameters: outputs }),
                parallelism: if k == 0 { parallelism } else { None },
                dag: Some(Dag {
                    fail_fast: None,
                    tasks: vec![DagTask {
                        name: "iter".into(),
                        template: inner.clone(),
                        arguments: Some(Arguments { parameters: args }),
                        with_items,
                        with_param,
                        ..DagTask::default()
                    }],
                }),
                ..Template::default()
            });
            inner = loop_name;
        }
        let mut args = Self::forward(scope);
        args.extend(list_args);
        self.pass_needs(&body.needs, reads, &mut args);
        Some(DagTask {
            name: task.to_string(),
            template: inner,
            arguments: (!args.is_empty()).then_some(Arguments { parameters: args }),
            dependencies: deps,
            ..DagTask::default()
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn if_tasks(
        &mut self,
        wf: &IrWorkflow,
        i: &IrIf,
        names: &[String],
        deps: &[String],
        scope: &Scope,
        env: &Env<'_>,
        reads: &mut Reads<'_>,
        consts: &Consts<'_>,
    ) -> Vec<DagTask> {
        let mut conds = Vec::new();
        for b in &i.branches {
            let mut t = Translator::new(env, reads);
            match t.expr(&b.cond) {
                Ok(c) => conds.push(c),
                Err(e) => {
                    self.error(e);
                    return Vec::new();
                }
            }
        }
        let bodies: Vec<&Body> = i.branches.iter().map(|b| &b.body).chain(i.else_body.iter()).collect();
        let inline: HashMap<BindingId, &IrExpr> = env.inline.iter().map(|(k, v)| (*k, *v)).collect();
        let mut tasks = Vec::new();
        for (k, body) in bodies.into_iter().enumerate() {
            let Some(task) = names.get(k) else { continue };
            let template_name = self.names.unique(&format!("{}-{task}", wf.name));
            let out = self.body_template(wf, body, template_name, scope, &inline, consts, None, false);
            let mut parts: Vec<String> = conds.iter().take(k).map(|c| format!("!{c}")).collect();
            if let Some(c) = conds.get(k) {
                parts.push(c.clone());
            }
            let mut args = Self::forward(scope);
            self.pass_needs(&out.needs, reads, &mut args);
            tasks.push(DagTask {
                name: task.clone(),
                template: out.template,
                arguments: (!args.is_empty()).then_some(Arguments { parameters: args }),
                dependencies: deps.to_vec(),
                when: Some(tag(&parts.join(" && "))),
                ..DagTask::default()
            });
        }
        tasks
    }

    #[allow(clippy::too_many_arguments)]
    fn step_task(
        &mut self,
        wf: &IrWorkflow,
        s: &IrStep,
        task: &str,
        deps: Vec<String>,
        env: &Env<'_>,
        reads: &mut Reads<'_>,
        consts: &Consts<'_>,
    ) -> Option<DagTask> {
        let mut args: Vec<Parameter> = Vec::new();
        if let Some(profile) = &s.profile {
            self.warn(
                "profile",
                wf.id,
                ExportWarning::LeftOut {
                    what: format!("the executor profile `{profile}`"),
                    target: TARGET,
                    kind: "manifest",
                    span: s.span,
                    help: Some("profiles choose a local executor's settings; Argo runs every step as a pod (use `image` and `resources`)".into()),
                },
            );
        }
        if let Some(emit) = &s.emit {
            self.error(ExportError::Unsupported {
                what: "`emit signal`".into(),
                target: TARGET,
                reason: "Argo has no signals between workflows".into(),
                span: emit.signal.span,
                help: Some("compile to Maestro (`--target maestro`), which has signal outputs".into()),
            });
        }
        let template = match &s.action {
            Action::Call {
                workflow,
                args: call_args,
            } => {
                let callee = self.ir.workflow(*workflow);
                let template = match self.workflows.get(workflow) {
                    Some(t) => t.clone(),
                    None => {
                        let name = self.names.unique(&callee.name);
                        self.workflows.insert(*workflow, name.clone());
                        self.workflow_template(callee, name)
                    }
                };
                for (b, e) in call_args {
                    let mut t = Translator::new(env, reads);
                    match t.wire(e) {
                        Ok(text) => args.push(Parameter {
                            name: self.ir.symbols.binding(*b).name.clone(),
                            value: Some(tag(&text)),
                            ..Parameter::default()
                        }),
                        Err(e) => self.error(e),
                    }
                }
                template
            }
            Action::Wait { signal, .. } => {
                self.error(ExportError::Unsupported {
                    what: "`wait signal`".into(),
                    target: TARGET,
                    reason: "Argo has no signals between workflows".into(),
                    span: signal.span,
                    help: Some("compile to Maestro (`--target maestro`), which has signal dependencies".into()),
                });
                return None;
            }
            Action::None => self.push_template(Template {
                name: format!("{}-{}", wf.name, s.name),
                suspend: Some(Suspend {
                    duration: Some("0".into()),
                }),
                ..Template::default()
            }),
            Action::Sleep(d) => {
                let secs = self.literal_int(d, "a `sleep` duration", consts).map(seconds_up)?;
                self.push_template(Template {
                    name: format!("{}-{}", wf.name, s.name),
                    suspend: Some(Suspend {
                        duration: Some(secs.to_string()),
                    }),
                    ..Template::default()
                })
            }
            Action::Run(_) | Action::Exec(_) => self.container_template(wf, s, env, reads, consts, &mut args)?,
        };
        Some(DagTask {
            name: task.to_string(),
            template,
            arguments: (!args.is_empty()).then_some(Arguments { parameters: args }),
            dependencies: deps,
            continue_on: (s.on_failure == FailureMode::Ignore).then_some(ContinueOn { failed: true }),
            ..DagTask::default()
        })
    }

    fn push_template(&mut self, mut t: Template) -> String {
        t.name = self.names.unique(&t.name);
        let name = t.name.clone();
        self.templates.push(t);
        name
    }

    /// A text fixed at compile time, checked for Argo's `{{`.
    fn literal_text(&mut self, text: &str, span: Span) -> String {
        if text.contains("{{") {
            self.error(ExportError::TemplateSyntax { span });
        }
        text.to_string()
    }

    /// A value for a container: a literal string as it is, anything else as a new input
    /// parameter the task fills with `{{=…}}`.
    #[allow(clippy::too_many_arguments)]
    fn value_ref(
        &mut self,
        e: &IrExpr,
        env: &Env<'_>,
        reads: &mut Reads<'_>,
        consts: &Consts<'_>,
        inputs: &mut Vec<Parameter>,
        args: &mut Vec<Parameter>,
    ) -> Option<String> {
        if let Some(Value::String(s)) = consts.value(e) {
            return Some(self.literal_text(&s, e.span));
        }
        let mut t = Translator::new(env, reads);
        match t.wire(e) {
            Ok(text) => {
                let name = format!("v{}", inputs.len() + 1);
                inputs.push(Parameter {
                    name: name.clone(),
                    ..Parameter::default()
                });
                args.push(Parameter {
                    name: name.clone(),
                    value: Some(tag(&text)),
                    ..Parameter::default()
                });
                Some(format!("{{{{inputs.parameters.{name}}}}}"))
            }
            Err(err) => {
                self.error(err);
                None
            }
        }
    }

    fn container_template(
        &mut self,
        wf: &IrWorkflow,
        s: &IrStep,
        env: &Env<'_>,
        reads: &mut Reads<'_>,
        consts: &Consts<'_>,
        args: &mut Vec<Parameter>,
    ) -> Option<String> {
        let mut inputs: Vec<Parameter> = Vec::new();
        let image = match &s.image {
            Some(i) => self.value_ref(i, env, reads, consts, &mut inputs, args),
            None => match &self.options.default_image {
                Some(i) => Some(i.clone()),
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
        let mut vars = vec![
            EnvVar {
                name: "MFLOW_RUN_ID".into(),
                value: "{{workflow.uid}}".into(),
            },
            EnvVar {
                name: "MFLOW_STEP".into(),
                value: s.name.clone(),
            },
        ];
        let outputs: Vec<&str> = self
            .ir
            .symbols
            .step(s.id)
            .outputs
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        let (command, cargs) = match &s.action {
            Action::Run(parts) => {
                let mut text = String::new();
                for part in parts {
                    match part {
                        IrStrPart::Lit(l) => {
                            if l.contains("{{") {
                                self.error(ExportError::TemplateSyntax { span: s.span });
                            }
                            text.push_str(l);
                        }
                        IrStrPart::Value { expr, raw } => {
                            let ty = type_of(expr, self.ir);
                            if let Some(Type::List(inner)) = &ty {
                                // One shell word per element: quoted by the expression and
                                // put into the script as it is (only quoted words).
                                if *raw || !inner.is_scalar() {
                                    self.error(ExportError::ListInRun {
                                        target: TARGET,
                                        span: expr.span,
                                    });
                                    continue;
                                }
                                let mut t = Translator::new(env, reads);
                                match t.expr(expr) {
                                    Ok(list) => {
                                        let name = format!("v{}", inputs.len() + 1);
                                        inputs.push(Parameter {
                                            name: name.clone(),
                                            ..Parameter::default()
                                        });
                                        args.push(Parameter {
                                            name: name.clone(),
                                            value: Some(tag(&shell_words(&list))),
                                            ..Parameter::default()
                                        });
                                        let _ = write!(text, "{{{{inputs.parameters.{name}}}}}");
                                    }
                                    Err(e) => self.error(e),
                                }
                                continue;
                            }
                            let Some(value) = self.value_ref(expr, env, reads, consts, &mut inputs, args) else {
                                continue;
                            };
                            let var = format!("MFLOW_V{}", vars.len() - 1);
                            vars.push(EnvVar {
                                name: var.clone(),
                                value,
                            });
                            if *raw {
                                self.warn(
                                    "raw",
                                    wf.id,
                                    ExportWarning::Approximate {
                                        what: "`raw(…)` in a command".into(),
                                        target: TARGET,
                                        reason: "the text is expanded from an environment variable, unquoted: it is split into words, but shell syntax in it (quotes, `;`, `$(…)`) is not run".into(),
                                        span: expr.span,
                                        help: None,
                                    },
                                );
                                let _ = write!(text, "${var}");
                            } else {
                                let _ = write!(text, "\"${var}\"");
                            }
                        }
                    }
                }
                (
                    vec!["sh".to_string(), "-c".to_string(), shim::script(&text, &outputs)],
                    Vec::new(),
                )
            }
            Action::Exec(list) => {
                let IrExprKind::List(items) = &list.kind else {
                    self.error(ExportError::NotLiteral {
                        what: "the argument list of `exec`".into(),
                        target: TARGET,
                        span: list.span,
                        help: Some(
                            "write the list `[\"prog\", arg, …]` in the step; its elements may be computed".into(),
                        ),
                    });
                    return None;
                };
                let mut argv = Vec::new();
                for item in items {
                    if matches!(type_of(item, self.ir), Some(Type::List(_))) {
                        self.error(ExportError::NotLiteral {
                            what: "the number of arguments of `exec`".into(),
                            target: TARGET,
                            span: item.span,
                            help: Some(
                                "Argo's container args are fixed; pass the list with `join(…)` or `to_json(…)`".into(),
                            ),
                        });
                        continue;
                    }
                    if let Some(v) = self.value_ref(item, env, reads, consts, &mut inputs, args) {
                        argv.push(v);
                    }
                }
                if outputs.is_empty() {
                    vars.push(EnvVar {
                        name: "MFLOW_OUTPUTS".into(),
                        value: "/tmp/mflow/outputs".into(),
                    });
                    let mut it = argv.into_iter();
                    let Some(program) = it.next() else {
                        self.error(ExportError::Unsupported {
                            what: "an empty `exec`".into(),
                            target: TARGET,
                            reason: "there is no program to run".into(),
                            span: list.span,
                            help: None,
                        });
                        return None;
                    };
                    (vec![program], it.collect())
                } else {
                    let mut cmd = vec![
                        "sh".to_string(),
                        "-c".to_string(),
                        shim::script("\"$@\"", &outputs),
                        "mflow-shim".to_string(),
                    ];
                    cmd.extend(argv);
                    (cmd, Vec::new())
                }
            }
            Action::None | Action::Sleep(_) | Action::Call { .. } | Action::Wait { .. } => return None,
        };
        for (name, value) in &s.env {
            if let Some(v) = self.value_ref(value, env, reads, consts, &mut inputs, args) {
                vars.push(EnvVar {
                    name: name.clone(),
                    value: v,
                });
            }
        }
        let working_dir = s
            .dir
            .as_ref()
            .and_then(|d| self.value_ref(d, env, reads, consts, &mut inputs, args));
        let resources = self.resources(wf, s, consts);
        let retry_strategy = s.retry.as_ref().and_then(|r| self.retry(wf, r, consts));
        let timeout = s
            .timeout
            .as_ref()
            .and_then(|t| self.literal_int(t, "a step's `timeout`", consts))
            .map(|ms| seconds_up(ms).to_string());
        let template_outputs: Vec<Parameter> = outputs
            .iter()
            .map(|o| Parameter {
                name: (*o).to_string(),
                value_from: Some(ValueFrom {
                    path: Some(format!("{}/{o}", shim::OUT_DIR)),
                    ..ValueFrom::default()
                }),
                ..Parameter::default()
            })
            .collect();
        let image = image?;
        Some(self.push_template(Template {
            name: format!("{}-{}", wf.name, s.name),
            inputs: (!inputs.is_empty()).then_some(Inputs { parameters: inputs }),
            outputs: (!template_outputs.is_empty()).then_some(Outputs {
                parameters: template_outputs,
            }),
            active_deadline_seconds: timeout,
            retry_strategy,
            container: Some(Container {
                image,
                command,
                args: cargs,
                env: vars,
                working_dir,
                resources,
            }),
            ..Template::default()
        }))
    }

    fn resources(&mut self, wf: &IrWorkflow, s: &IrStep, consts: &Consts<'_>) -> Option<Resources> {
        if s.resources.is_empty() {
            return None;
        }
        let mut r = Resources::default();
        for (name, value) in &s.resources {
            let key = match name.as_str() {
                "cpu" => "cpu",
                "memory" => "memory",
                "gpu" => {
                    self.warn(
                        "gpu",
                        wf.id,
                        ExportWarning::Approximate {
                            what: "the `gpu` resource".into(),
                            target: TARGET,
                            reason: "it is requested as `nvidia.com/gpu`; other vendors name the resource differently"
                                .into(),
                            span: value.span,
                            help: None,
                        },
                    );
                    "nvidia.com/gpu"
                }
                _ => {
                    self.error(ExportError::UnknownResource {
                        name: name.clone(),
                        target: TARGET,
                        span: value.span,
                    });
                    continue;
                }
            };
            let Some(v) = consts.value(value).filter(|v| !v.is_null()) else {
                self.error(ExportError::NotLiteral {
                    what: format!("resource `{name}`"),
                    target: TARGET,
                    span: value.span,
                    help: None,
                });
                continue;
            };
            let text = wire(&v);
            r.requests.insert(key.to_string(), text.clone());
            r.limits.insert(key.to_string(), text);
        }
        Some(r)
    }

    fn retry(&mut self, wf: &IrWorkflow, r: &IrRetry, consts: &Consts<'_>) -> Option<RetryStrategy> {
        let limit = self.literal_int(&r.count, "a retry count", consts)?;
        let backoff = match &r.backoff {
            IrBackoff::Fixed(d) => Backoff {
                duration: go_duration(self.literal_int(d, "a backoff duration", consts)?),
                factor: "1".into(),
                cap: None,
            },
            IrBackoff::Exponential { base, max } => Backoff {
                duration: go_duration(self.literal_int(base, "a backoff duration", consts)?),
                factor: "2".into(),
                cap: match max {
                    Some(m) => Some(go_duration(self.literal_int(m, "a backoff limit", consts)?)),
                    None => None,
                },
            },
        };
        let (policy, expression) = match r.on {
            RetryOn::Failure => ("OnFailure", None),
            RetryOn::Any => ("Always", None),
            RetryOn::Timeout => {
                self.warn(
                    "retry-timeout",
                    wf.id,
                    ExportWarning::Approximate {
                        what: "`retry … on timeout`".into(),
                        target: TARGET,
                        reason: "Argo cannot tell a timeout from other failures; the retry condition matches the message Argo gives a pod past its deadline".into(),
                        span: r.count.span,
                        help: None,
                    },
                );
                ("Always", Some("lastRetry.message contains 'deadline'".to_string()))
            }
        };
        Some(RetryStrategy {
            limit: limit.to_string(),
            retry_policy: policy.into(),
            expression,
            backoff,
        })
    }
}
