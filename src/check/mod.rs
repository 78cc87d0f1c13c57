//! Checking: name resolution, types, the step graph and warnings (E01xx–E03xx, W0xxx).
//!
//! [`check`] walks every module once the driver has parsed them, and returns a
//! [`Program`] with every name resolved, while reporting every problem it finds. As it
//! checks, it builds the checked tree ([`tree`]), kept only when it found no error.

pub mod builtins;
mod checked;
pub mod cron;
mod depth;
pub mod error;
mod expr;
mod fns;
pub mod graph;
pub mod module;
mod names;
pub mod program;
mod step;
pub mod tree;
pub mod ty;
pub mod types;
mod workflow;
mod zone;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

pub use checked::Checked;
use error::{CheckError, CheckWarning};
pub use program::*;
use ty::Type;

use crate::base::span::{FileId, Span};
use crate::check::module::Module;
use crate::diagnostics::Problems;
use crate::syntax::ast::Item;

/// An imported module as seen from the importing module.
#[derive(Debug)]
struct ImportInfo {
    module: Option<ModuleId>,
    span: Span,
    used: bool,
}

/// The top-level names of one module.
#[derive(Debug, Default)]
struct ModuleScope {
    imports: HashMap<String, ImportInfo>,
    fns: HashMap<String, FnId>,
    workflows: HashMap<String, WorkflowId>,
}

/// What a workflow-level name denotes.
#[derive(Clone, Copy, Debug)]
enum Target {
    Binding(BindingId),
    Step(StepId),
}

/// The names of one workflow: params, consts, lets and steps (one namespace).
#[derive(Debug, Default)]
struct WfEnv {
    id: Option<WorkflowId>,
    names: HashMap<String, (Target, Span)>,
}

/// A node of the step graph: a step or the header of a `foreach`/`while`/`if`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Node {
    Step(StepId),
    Scope(ScopeId),
}

/// A dependency: `to` needs `from` to be done; `span` is where `to` says so.
#[derive(Clone, Copy, Debug)]
struct Edge {
    from: Node,
    to: Node,
    span: Span,
    /// Written in `after` (else a data reference or nesting).
    after: bool,
}

/// Checks every module and returns the checked program.
pub fn check(modules: &[Module], problems: &mut Problems) -> Program {
    let mut checker = Checker {
        modules,
        problems: &mut *problems,
        program: Program::default(),
        scopes: Vec::new(),
        used: Vec::new(),
        edges: Vec::new(),
        fn_calls: Vec::new(),
        wf_calls: Vec::new(),
        unresolved_calls: std::collections::HashSet::new(),
        file: FileId::default(),
        warn: true,
        sites: Sites::default(),
        fn_nodes: Vec::new(),
        workflow_nodes: Vec::new(),
        defaults: StepDefaults::default(),
        step_records: FastMap::default(),
    };
    checker.run();
    let Checker {
        mut program,
        fn_nodes,
        workflow_nodes,
        ..
    } = checker;
    if !problems.has_errors() {
        // Every function and workflow was checked (one that was not is a duplicate, an error).
        let fns = fn_nodes.into_iter().collect::<Option<Vec<_>>>();
        let workflows = workflow_nodes.into_iter().collect::<Option<Vec<_>>>();
        if let (Some(fns), Some(workflows)) = (fns, workflows) {
            program.tree = Some(tree::Tree { workflows, fns });
        }
    }
    program
}

/// Where the checker found each declaration of the AST: what `check_*` functions use to
/// find the id a declaring pass gave to the node they check (keyed by spans, private to the
/// checker; lowering reads the checked tree instead).
#[derive(Debug, Default)]
struct Sites {
    /// Binding sites (the identifier's span) → their binding.
    bindings: FastMap<Span, BindingId>,
    /// Step definitions (the step name's span) → their id.
    steps: FastMap<Span, StepId>,
    /// `foreach`/`while`/`if` statements (the statement's span) → their id.
    scopes: FastMap<Span, ScopeId>,
}

/// The workflow-level policies the steps of the workflow being checked inherit.
#[derive(Debug, Default)]
struct StepDefaults {
    retry: Option<tree::TRetry>,
    on_failure: Option<tree::FailureMode>,
}

struct Checker<'a> {
    modules: &'a [Module],
    problems: &'a mut Problems,
    program: Program,
    scopes: Vec<ModuleScope>,
    /// Per binding: whether anything refers to it.
    used: Vec<bool>,
    edges: Vec<Edge>,
    fn_calls: Vec<(FnId, FnId, Span)>,
    wf_calls: Vec<(WorkflowId, WorkflowId, Span)>,
    /// `call` steps whose workflow was not found (already reported): their outputs are
    /// unknown, so using them reports nothing more.
    unresolved_calls: std::collections::HashSet<StepId>,
    /// The file being checked (diagnostics are reported against it).
    file: FileId,
    /// Whether warnings are reported for the current module (not for the stdlib).
    warn: bool,
    sites: Sites,
    /// The checked functions, by [`FnId`].
    fn_nodes: Vec<Option<tree::TFn>>,
    /// The checked workflows, by [`WorkflowId`].
    workflow_nodes: Vec<Option<tree::TWorkflow>>,
    defaults: StepDefaults,
    /// The record type of a step's outputs as seen from `common` shared scope levels: built
    /// once and shared (`Arc`) by every reference, so the checked tree does not hold one
    /// copy per `step.field`.
    step_records: FastMap<(StepId, usize), Type>,
}

impl Checker<'_> {
    fn run(&mut self) {
        for (i, module) in self.modules.iter().enumerate() {
            let id = ModuleId(u32::try_from(i).unwrap_or(u32::MAX));
            self.file = module.file;
            let scope = self.declare_module(id, module);
            self.scopes.push(scope);
        }
        let mut envs = Vec::new();
        for (i, module) in self.modules.iter().enumerate() {
            let id = ModuleId(u32::try_from(i).unwrap_or(u32::MAX));
            self.file = module.file;
            for (index, item) in module.ast.items.iter().enumerate() {
                if let Item::Workflow(wf) = item {
                    let wid = self.scopes[i].workflows.get(&wf.name.name).copied();
                    if let Some(wid) = wid {
                        if self.program.workflow(wid).item == index {
                            envs.push((id, wid, self.declare_workflow(id, wid, wf)));
                        }
                    }
                }
            }
        }
        for (module, wid, env) in &envs {
            self.file = self.modules[module.0 as usize].file;
            self.resolve_calls(*module, *wid, env);
        }
        for (i, module) in self.modules.iter().enumerate() {
            let id = ModuleId(u32::try_from(i).unwrap_or(u32::MAX));
            self.file = module.file;
            self.warn = !module.is_stdlib;
            self.check_fns(id, module);
        }
        for (module, wid, env) in &envs {
            self.file = self.modules[module.0 as usize].file;
            self.warn = !self.modules[module.0 as usize].is_stdlib;
            self.check_workflow(*module, *wid, env);
        }
        self.check_step_graph();
        self.check_call_cycles();
        self.check_fn_cycles();
        self.check_call_depth();
        self.warn_unused();
    }

    fn error(&mut self, error: CheckError) {
        self.problems.push(self.file, error);
    }

    fn warning(&mut self, warning: CheckWarning) {
        if self.warn {
            self.problems.push(self.file, warning);
        }
    }

    fn new_binding(&mut self, name: &str, kind: BindingKind, span: Span, ty: Type) -> BindingId {
        let id = BindingId(u32::try_from(self.program.bindings.len()).unwrap_or(u32::MAX));
        self.program.bindings.push(Binding {
            name: name.to_string(),
            kind,
            span,
            ty,
        });
        self.used.push(false);
        self.sites.bindings.insert(span, id);
        id
    }

    /// Registers the imports, functions and workflows of a module.
    fn declare_module(&mut self, id: ModuleId, module: &Module) -> ModuleScope {
        let mut scope = ModuleScope::default();
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut import_index = 0;
        for (index, item) in module.ast.items.iter().enumerate() {
            let (name, span) = match item {
                Item::Import(import) => {
                    let loaded = module.imports.get(import_index).copied().flatten();
                    import_index += 1;
                    let Some(name) = names::import_alias(import) else {
                        self.error(CheckError::BadConstant {
                            message: format!("cannot name a module after `{}`", import.path),
                            span: import.path_span,
                            label: "not a valid name".into(),
                            help: Some("give it a name with `as`: `import \"./my-lib.mflow\" as mylib`".into()),
                        });
                        continue;
                    };
                    let span = import.alias.as_ref().map_or(import.path_span, |a| a.span);
                    scope.imports.insert(
                        name.clone(),
                        ImportInfo {
                            module: loaded,
                            span,
                            used: module.is_stdlib,
                        },
                    );
                    (name, span)
                }
                Item::Fn(f) => {
                    let fid = FnId(u32::try_from(self.program.fns.len()).unwrap_or(u32::MAX));
                    let mut errors = Vec::new();
                    let params = f
                        .params
                        .iter()
                        .map(|(n, t)| {
                            let ty = types::resolve(t, &mut errors);
                            (self.new_binding(&n.name, BindingKind::FnParam, n.span, ty.clone()), ty)
                        })
                        .collect();
                    let ret = types::resolve(&f.ret, &mut errors);
                    for e in errors {
                        self.error(e);
                    }
                    self.fn_nodes.push(None);
                    self.program.fns.push(FnInfo {
                        name: f.name.name.clone(),
                        module: id,
                        item: index,
                        params,
                        ret,
                    });
                    if !seen.contains_key(&f.name.name) {
                        scope.fns.insert(f.name.name.clone(), fid);
                    }
                    (f.name.name.clone(), f.name.span)
                }
                Item::Workflow(wf) => {
                    let wid = WorkflowId(u32::try_from(self.program.workflows.len()).unwrap_or(u32::MAX));
                    let mut errors = Vec::new();
                    let outputs = workflow::declared_outputs(wf, &mut errors);
                    self.workflow_nodes.push(None);
                    self.program.workflows.push(WorkflowInfo {
                        name: wf.name.name.clone(),
                        module: id,
                        span: wf.span,
                        item: index,
                        params: Vec::new(),
                        fixed: Vec::new(),
                        consts: Vec::new(),
                        init_order: Vec::new(),
                        steps: Vec::new(),
                        outputs,
                    });
                    for e in errors {
                        self.error(e);
                    }
                    if !seen.contains_key(&wf.name.name) {
                        scope.workflows.insert(wf.name.name.clone(), wid);
                    }
                    (wf.name.name.clone(), wf.name.span)
                }
                Item::Error { declares, .. } => match declares {
                    Some(ident) => (ident.name.clone(), ident.span),
                    None => continue,
                },
            };
            if let Some(first) = seen.get(&name) {
                self.error(CheckError::Duplicate {
                    name: name.clone(),
                    span,
                    first: *first,
                    help: Some(
                        "imports, functions and workflows of a file share one namespace; rename one of them".into(),
                    ),
                });
            } else {
                seen.insert(name, span);
            }
        }
        scope
    }

    /// Reports cycles among subworkflow calls.
    fn check_call_cycles(&mut self) {
        let edges: Vec<(usize, usize)> = self
            .wf_calls
            .iter()
            .map(|(a, b, _)| (b.0 as usize, a.0 as usize))
            .collect();
        let analysis = graph::analyse(self.program.workflows.len(), &edges);
        for cycle in analysis.cycles {
            let names: Vec<String> = cycle
                .iter()
                .rev()
                .map(|w| self.program.workflows[*w].name.clone())
                .collect();
            // Edges point callee → caller, so the reversed path reads as calls: `names[0]`
            // calls `names[1]`, …, and the last calls `names[0]`. Label the first call.
            let caller = cycle.last().copied().unwrap_or(0);
            let callee = if cycle.len() > 1 {
                cycle[cycle.len() - 2]
            } else {
                caller
            };
            let found = self
                .wf_calls
                .iter()
                .find(|(a, b, _)| a.0 as usize == caller && b.0 as usize == callee)
                .map(|(_, _, s)| *s);
            if let Some(span) = found {
                self.file = span.file;
                self.error(CheckError::RecursiveCall {
                    cycle: graph::describe_cycle(&names),
                    span,
                });
            }
        }
    }

    /// Reports unused params, consts, lets and imports.
    fn warn_unused(&mut self) {
        for (i, binding) in self.program.bindings.iter().enumerate() {
            let kind = match binding.kind {
                BindingKind::Param => "param",
                BindingKind::Const => "const",
                BindingKind::Let => "let",
                BindingKind::LoopVar
                | BindingKind::WhileVar
                | BindingKind::CompVar
                | BindingKind::FnParam
                | BindingKind::Signal => continue,
            };
            if self.used[i] || binding.name.starts_with('_') || binding.ty == Type::Error {
                continue;
            }
            let module = self.modules.iter().find(|m| m.file == binding.span.file);
            if module.is_some_and(|m| m.is_stdlib) {
                continue;
            }
            self.problems.push(
                binding.span.file,
                CheckWarning::Unused {
                    kind,
                    name: binding.name.clone(),
                    span: binding.span,
                    help: Some(format!(
                        "remove it, or start its name with `_` (`_{}`) to keep it unused",
                        binding.name
                    )),
                },
            );
        }
        for (i, scope) in self.scopes.iter().enumerate() {
            if self.modules[i].is_stdlib || !self.modules[i].parsed_whole {
                continue;
            }
            let mut unused: Vec<(&String, &ImportInfo)> = scope
                .imports
                .iter()
                .filter(|(_, info)| !info.used && info.module.is_some())
                .collect();
            unused.sort_by_key(|(_, info)| info.span.start);
            for (name, info) in unused {
                self.problems.push(
                    self.modules[i].file,
                    CheckWarning::UnusedImport {
                        name: name.clone(),
                        span: info.span,
                    },
                );
            }
        }
    }
}
