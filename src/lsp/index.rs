//! The position index: every declaration and every use of a name in the analysed modules,
//! found by walking the AST with the language's scoping rules, so the server can answer
//! "what is under the cursor" (hover, definition, references, rename, tokens, completion).
//!
//! It is built from the AST's spans here, in the server, and not from the checker's private
//! site tables: it works on files with errors too, where the checker builds no tree.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::base::ids::ModuleId;
use crate::base::span::{FileId, Span};
use crate::check::builtins::Builtin;
use crate::check::module::Module;
use crate::syntax::ast::{
    Backoff, Clause, ClauseKind, Expr, ExprKind, Item, Retry, Stmt, StmtKind, StrPart, Strategy, Workflow,
};

/// What a name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A declaration, by the span of its name.
    Def(Span),
    Builtin(Builtin),
}

/// The kinds of declarations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefKind {
    Workflow,
    Fn,
    FnParam,
    Param,
    Const,
    Let,
    Output,
    Step,
    StepOutput,
    LoopVar,
    WhileVar,
    CompVar,
    Signal,
    Import,
}

impl DefKind {
    /// The word a hover uses for it.
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            DefKind::Workflow => "workflow",
            DefKind::Fn => "fn",
            DefKind::FnParam => "fn parameter",
            DefKind::Param => "param",
            DefKind::Const => "const",
            DefKind::Let => "let",
            DefKind::Output => "output",
            DefKind::Step => "step",
            DefKind::StepOutput => "step output",
            DefKind::LoopVar => "loop variable",
            DefKind::WhileVar => "while variable",
            DefKind::CompVar => "comprehension variable",
            DefKind::Signal => "signal payload",
            DefKind::Import => "import",
        }
    }

    /// Whether a rename of it is offered.
    #[must_use]
    pub fn renamable(self) -> bool {
        !matches!(
            self,
            DefKind::Import | DefKind::Signal | DefKind::StepOutput | DefKind::Output
        )
    }
}

/// One declaration.
#[derive(Clone, Debug)]
pub struct Def {
    pub name: String,
    pub kind: DefKind,
    /// The name's span (the key of the declaration).
    pub span: Span,
    /// The declared type as written (`list<int>`), if any.
    pub ty: Option<Span>,
    pub doc: Option<String>,
    pub module: ModuleId,
    /// The workflow or fn it belongs to (its name span); `None` for items.
    pub owner: Option<Span>,
}

/// One appearance of a name: its declaration or a use.
#[derive(Clone, Copy, Debug)]
pub struct Occurrence {
    pub span: Span,
    pub target: Target,
    pub is_def: bool,
}

/// The names visible in a region of a file (for completion and rename collisions).
#[derive(Clone, Debug)]
pub struct Scope {
    pub span: Span,
    pub names: Vec<(String, Target)>,
}

/// What the module-level names of a module are.
#[derive(Clone, Debug, Default)]
pub struct ModuleNames {
    pub fns: HashMap<String, Span>,
    pub workflows: HashMap<String, Span>,
    /// Import names → (the import's declaration, the module).
    pub imports: HashMap<String, (Span, ModuleId)>,
}

#[derive(Debug, Default)]
pub struct Index {
    pub defs: FxHashMap<Span, Def>,
    /// Per file, sorted by start offset.
    pub occurrences: FxHashMap<FileId, Vec<Occurrence>>,
    pub scopes: Vec<Scope>,
    pub modules: Vec<ModuleNames>,
    /// A step's declared outputs (by the step's name span), in order.
    pub step_outputs: FxHashMap<Span, Vec<(String, Span)>>,
    /// A workflow's params and outputs (by the workflow's name span).
    pub workflow_params: FxHashMap<Span, Vec<(String, Span)>>,
    pub workflow_outputs: FxHashMap<Span, Vec<(String, Span)>>,
    /// A `call` step's workflow.
    pub step_calls: FxHashMap<Span, Span>,
    /// An fn's params.
    pub fn_params: FxHashMap<Span, Vec<(String, Span)>>,
    /// Import declarations → the imported module.
    pub import_modules: FxHashMap<Span, ModuleId>,
    /// Duration and date literals, for hovers showing their values.
    pub literals: Vec<(Span, Literal)>,
}

/// A literal whose value a hover spells out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Literal {
    /// Milliseconds.
    Duration(i64),
    Date(jiff::civil::Date),
}

impl Index {
    /// The innermost occurrence at `offset` in `file` (a name touching the cursor counts).
    #[must_use]
    pub fn at(&self, file: FileId, offset: u32) -> Option<Occurrence> {
        let list = self.occurrences.get(&file)?;
        let i = list.partition_point(|o| o.span.start <= offset);
        list[..i]
            .iter()
            .rev()
            .take(8)
            .find(|o| o.span.start <= offset && offset <= o.span.end)
            .copied()
    }

    /// Every occurrence of `target`, declaration included, in file order.
    #[must_use]
    pub fn occurrences_of(&self, target: Target) -> Vec<Occurrence> {
        let mut files: Vec<_> = self.occurrences.keys().copied().collect();
        files.sort();
        files
            .iter()
            .flat_map(|f| self.occurrences[f].iter().filter(|o| o.target == target).copied())
            .collect()
    }

    /// The names visible at `offset`, innermost first.
    #[must_use]
    pub fn visible(&self, file: FileId, offset: u32) -> Vec<(String, Target)> {
        let mut scopes: Vec<&Scope> = self
            .scopes
            .iter()
            .filter(|s| s.span.file == file && s.span.start <= offset && offset <= s.span.end)
            .collect();
        scopes.sort_by_key(|s| std::cmp::Reverse(s.span.start));
        let mut out: Vec<(String, Target)> = Vec::new();
        for scope in scopes {
            for (name, target) in &scope.names {
                if !out.iter().any(|(n, _)| n == name) {
                    out.push((name.clone(), *target));
                }
            }
        }
        out
    }

    /// The step a step reference names, through `call` steps to the callee's outputs.
    #[must_use]
    pub fn outputs_of_step(&self, step: Span) -> Vec<(String, Span)> {
        if let Some(callee) = self.step_calls.get(&step) {
            return self.workflow_outputs.get(callee).cloned().unwrap_or_default();
        }
        self.step_outputs.get(&step).cloned().unwrap_or_default()
    }
}

/// The name an import binds: its `as` alias, `NAME` for `std/NAME`, or the file stem (the
/// checker's rule).
fn import_name(import: &crate::syntax::ast::Import) -> Option<String> {
    if let Some(alias) = &import.alias {
        return Some(alias.name.clone());
    }
    let last = import.path.rsplit('/').next().unwrap_or(&import.path);
    let stem = last.strip_suffix(".mflow").unwrap_or(last);
    let valid = stem.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| stem.to_string())
}

/// Builds the index of every module.
#[must_use]
pub fn build(modules: &[Module]) -> Index {
    let mut b = Builder {
        index: Index::default(),
        frames: Vec::new(),
        module: ModuleId(0),
        owner: None,
        last_use: None,
    };
    for (i, module) in modules.iter().enumerate() {
        b.module = ModuleId(u32::try_from(i).unwrap_or(u32::MAX));
        b.declare_module(module);
    }
    for (i, module) in modules.iter().enumerate() {
        b.module = ModuleId(u32::try_from(i).unwrap_or(u32::MAX));
        b.walk_module(module);
    }
    for list in b.index.occurrences.values_mut() {
        list.sort_by_key(|o| (o.span.start, o.span.end));
    }
    b.index
}

struct Builder {
    index: Index,
    frames: Vec<Vec<(String, Target)>>,
    module: ModuleId,
    owner: Option<Span>,
    /// The last use recorded: (name span, target), to see what a call's callee named.
    last_use: Option<(Span, Target)>,
}

impl Builder {
    fn def(&mut self, name: &str, kind: DefKind, span: Span, ty: Option<Span>, doc: Option<&String>) {
        self.index.defs.insert(
            span,
            Def {
                name: name.to_string(),
                kind,
                span,
                ty,
                doc: doc.cloned(),
                module: self.module,
                owner: self.owner,
            },
        );
        self.occur(span, Target::Def(span), true);
    }

    fn occur(&mut self, span: Span, target: Target, is_def: bool) {
        if !is_def {
            self.last_use = Some((span, target));
        }
        self.index
            .occurrences
            .entry(span.file)
            .or_default()
            .push(Occurrence { span, target, is_def });
    }

    fn names(&self) -> &ModuleNames {
        &self.index.modules[self.module.0 as usize]
    }

    /// Module-level names, params and outputs: everything another module or a `call` can see.
    fn declare_module(&mut self, module: &Module) {
        self.owner = None;
        let mut names = ModuleNames::default();
        let mut imports = module.imports.iter();
        for item in &module.ast.items {
            match item {
                Item::Import(import) => {
                    let target = imports.next().copied().flatten();
                    let span = import.alias.as_ref().map_or(import.path_span, |a| a.span);
                    if let (Some(name), Some(target)) = (import_name(import), target) {
                        self.def(&name, DefKind::Import, span, None, None);
                        self.index.import_modules.insert(span, target);
                        names.imports.insert(name, (span, target));
                    }
                }
                Item::Fn(f) => {
                    names.fns.entry(f.name.name.clone()).or_insert(f.name.span);
                    self.def(&f.name.name, DefKind::Fn, f.name.span, Some(f.ret.span), f.doc.as_ref());
                    self.owner = Some(f.name.span);
                    let mut params = Vec::new();
                    for (p, ty) in &f.params {
                        self.def(&p.name, DefKind::FnParam, p.span, Some(ty.span), None);
                        params.push((p.name.clone(), p.span));
                    }
                    self.owner = None;
                    self.index.fn_params.insert(f.name.span, params);
                }
                Item::Workflow(w) => {
                    names.workflows.entry(w.name.name.clone()).or_insert(w.name.span);
                    self.def(&w.name.name, DefKind::Workflow, w.name.span, None, w.doc.as_ref());
                    self.declare_workflow(w);
                }
                Item::Error { .. } => {}
            }
        }
        self.index.modules.push(names);
    }

    fn declare_workflow(&mut self, w: &Workflow) {
        self.owner = Some(w.name.span);
        let mut params = Vec::new();
        let mut outputs = Vec::new();
        for stmt in &w.body {
            if let StmtKind::Param { name, ty, .. } = &stmt.kind {
                self.def(&name.name, DefKind::Param, name.span, Some(ty.span), stmt.doc.as_ref());
                params.push((name.name.clone(), name.span));
            } else if let StmtKind::Output { name, ty, .. } = &stmt.kind {
                self.def(&name.name, DefKind::Output, name.span, Some(ty.span), stmt.doc.as_ref());
                outputs.push((name.name.clone(), name.span));
            }
        }
        self.index.workflow_params.insert(w.name.span, params);
        self.index.workflow_outputs.insert(w.name.span, outputs);
        self.owner = None;
    }

    fn walk_module(&mut self, module: &Module) {
        for item in &module.ast.items {
            match item {
                Item::Fn(f) => {
                    self.owner = Some(f.name.span);
                    let frame = f
                        .params
                        .iter()
                        .map(|(p, _)| (p.name.clone(), Target::Def(p.span)))
                        .collect();
                    self.push(f.span, frame);
                    self.expr(&f.body);
                    self.pop();
                }
                Item::Workflow(w) => {
                    self.owner = Some(w.name.span);
                    self.workflow(w);
                }
                Item::Import(_) | Item::Error { .. } => {}
            }
        }
        // The module scope: fns, workflows and imports, visible in the whole file.
        let names = self.names();
        let mut list: Vec<(String, Target)> = Vec::new();
        list.extend(names.fns.iter().map(|(n, s)| (n.clone(), Target::Def(*s))));
        list.extend(names.imports.iter().map(|(n, (s, _))| (n.clone(), Target::Def(*s))));
        list.sort_by(|a, b| a.0.cmp(&b.0));
        self.index.scopes.push(Scope {
            span: Span {
                file: module.file,
                start: 0,
                end: u32::MAX,
            },
            names: list,
        });
        self.owner = None;
    }

    fn push(&mut self, span: Span, frame: Vec<(String, Target)>) {
        self.index.scopes.push(Scope {
            span,
            names: frame.clone(),
        });
        self.frames.push(frame);
    }

    fn pop(&mut self) {
        self.frames.pop();
    }

    fn lookup(&self, name: &str) -> Option<Target> {
        for frame in self.frames.iter().rev() {
            if let Some((_, t)) = frame.iter().rev().find(|(n, _)| n == name) {
                return Some(*t);
            }
        }
        let names = self.names();
        if let Some(span) = names.fns.get(name) {
            return Some(Target::Def(*span));
        }
        if let Some((span, _)) = names.imports.get(name) {
            return Some(Target::Def(*span));
        }
        Builtin::from_name(name).map(Target::Builtin)
    }

    fn workflow(&mut self, w: &Workflow) {
        // Steps are visible in the whole workflow (outside a loop, as lists of outputs).
        let mut steps = Vec::new();
        collect_steps(&w.body, &mut steps);
        let mut frame: Vec<(String, Target)> = Vec::new();
        for (step, doc) in &steps {
            self.def(&step.name.name, DefKind::Step, step.name.span, None, *doc);
            let mut outputs = Vec::new();
            for clause in &step.clauses {
                if let ClauseKind::Outputs(list) = &clause.kind {
                    for (name, ty) in list {
                        self.def(&name.name, DefKind::StepOutput, name.span, Some(ty.span), None);
                        outputs.push((name.name.clone(), name.span));
                    }
                }
            }
            self.index.step_outputs.insert(step.name.span, outputs);
            frame.push((step.name.name.clone(), Target::Def(step.name.span)));
        }
        for (step, _) in &steps {
            for clause in &step.clauses {
                if let ClauseKind::Call { target, .. } = &clause.kind {
                    if let Some(callee) = self.callee(target) {
                        self.index.step_calls.insert(step.name.span, callee);
                    }
                }
            }
        }
        self.push(w.span, frame);
        self.body(&w.body, w.span, true);
        self.pop();
    }

    /// The workflow a `call` names (`wf` or `module.wf`).
    fn callee(&self, target: &[crate::syntax::ast::Ident]) -> Option<Span> {
        match target {
            [wf] => self.names().workflows.get(&wf.name).copied(),
            [m, wf] => {
                let (_, module) = self.names().imports.get(&m.name)?;
                self.index
                    .modules
                    .get(module.0 as usize)?
                    .workflows
                    .get(&wf.name)
                    .copied()
            }
            _ => None,
        }
    }

    fn body(&mut self, stmts: &[Stmt], span: Span, top: bool) {
        let mut frame = Vec::new();
        for stmt in stmts {
            if let StmtKind::Param { name, .. } | StmtKind::Const { name, .. } | StmtKind::Let { name, .. } = &stmt.kind
            {
                frame.push((name.name.clone(), Target::Def(name.span)));
            }
        }
        self.push(span, frame);
        for stmt in stmts {
            self.stmt(stmt, top);
        }
        self.pop();
    }

    fn stmt(&mut self, stmt: &Stmt, top: bool) {
        match &stmt.kind {
            StmtKind::Param { default, .. } => {
                if let Some(e) = default {
                    self.expr(e);
                }
            }
            StmtKind::Const { name, ty, value } | StmtKind::Let { name, ty, value } => {
                let kind = if matches!(stmt.kind, StmtKind::Const { .. }) {
                    DefKind::Const
                } else {
                    DefKind::Let
                };
                self.def(
                    &name.name,
                    kind,
                    name.span,
                    ty.as_ref().map(|t| t.span),
                    stmt.doc.as_ref(),
                );
                self.expr(value);
            }
            StmtKind::Output { name, ty, value } => {
                if !top {
                    self.def(&name.name, DefKind::Output, name.span, Some(ty.span), stmt.doc.as_ref());
                }
                self.expr(value);
            }
            StmtKind::Concurrency(e) | StmtKind::Timeout(e) | StmtKind::Tags(e) => self.expr(e),
            StmtKind::Retry(r) => self.retry(r),
            StmtKind::Strategy(s) => {
                if let Strategy::Parallel(Some(e)) = &s.node {
                    self.expr(e);
                }
            }
            StmtKind::OnFailure(_) | StmtKind::Schedule(..) | StmtKind::Error { .. } => {}
            StmtKind::Trigger(t) => {
                if let Some(f) = &t.filter {
                    self.def("signal", DefKind::Signal, t.signal_span, None, None);
                    self.push(f.span, vec![("signal".to_string(), Target::Def(t.signal_span))]);
                    self.expr(f);
                    self.pop();
                }
            }
            StmtKind::Step(step) => {
                for clause in &step.clauses {
                    self.clause(clause);
                }
            }
            StmtKind::Foreach(f) => {
                for (_, iter) in &f.vars {
                    self.expr(iter);
                }
                let mut frame = Vec::new();
                for (var, _) in &f.vars {
                    self.def(&var.name, DefKind::LoopVar, var.span, None, None);
                    frame.push((var.name.clone(), Target::Def(var.span)));
                }
                self.push(f.span, frame);
                if let Some(c) = &f.concurrency {
                    self.expr(c);
                }
                self.body(&f.body, f.span, false);
                self.pop();
            }
            StmtKind::While(w) => {
                for (_, init) in &w.vars {
                    self.expr(init);
                }
                let mut frame = Vec::new();
                for (var, _) in &w.vars {
                    self.def(&var.name, DefKind::WhileVar, var.span, None, None);
                    frame.push((var.name.clone(), Target::Def(var.span)));
                }
                self.push(w.span, frame);
                self.expr(&w.cond);
                if let Some(l) = &w.limit {
                    self.expr(l);
                }
                self.body(&w.body, w.span, false);
                self.pop();
            }
            StmtKind::If(i) => {
                for branch in &i.branches {
                    self.expr(&branch.cond);
                    self.body(&branch.body, branch.span, false);
                }
                if let (Some(body), Some(span)) = (&i.else_body, i.else_span) {
                    self.body(body, span, false);
                }
            }
            StmtKind::Next(list) => {
                for (name, e) in list {
                    if let Some(t) = self.lookup(&name.name) {
                        self.occur(name.span, t, false);
                    }
                    self.expr(e);
                }
            }
        }
    }

    fn retry(&mut self, r: &Retry) {
        self.expr(&r.count);
        if let Some(b) = &r.backoff {
            match &b.node {
                Backoff::Fixed(e) => self.expr(e),
                Backoff::Exponential { base, max } => {
                    self.expr(base);
                    if let Some(m) = max {
                        self.expr(m);
                    }
                }
            }
        }
    }

    fn clause(&mut self, clause: &Clause) {
        match &clause.kind {
            ClauseKind::Run(e)
            | ClauseKind::Exec(e)
            | ClauseKind::Sleep(e)
            | ClauseKind::Dir(e)
            | ClauseKind::Image(e)
            | ClauseKind::Profile(e)
            | ClauseKind::Timeout(e) => self.expr(e),
            ClauseKind::Call { target, args } => {
                let callee = self.callee(target);
                if let (Some(callee), Some(last)) = (callee, target.last()) {
                    if let [m, _] = target.as_slice() {
                        if let Some(t) = self.lookup(&m.name) {
                            self.occur(m.span, t, false);
                        }
                    }
                    self.occur(last.span, Target::Def(callee), false);
                }
                let params = callee
                    .and_then(|c| self.index.workflow_params.get(&c))
                    .cloned()
                    .unwrap_or_default();
                for (name, e) in args {
                    if let Some((_, span)) = params.iter().find(|(n, _)| *n == name.name) {
                        self.occur(name.span, Target::Def(*span), false);
                    }
                    self.expr(e);
                }
            }
            ClauseKind::Wait { signal, filter, since } => {
                self.expr(signal);
                if let Some(f) = filter {
                    self.def("signal", DefKind::Signal, signal.span, None, None);
                    self.push(f.span, vec![("signal".to_string(), Target::Def(signal.span))]);
                    self.expr(f);
                    self.pop();
                }
                if let Some(crate::syntax::ast::Spanned {
                    node: crate::syntax::ast::WaitSince::Before(d),
                    ..
                }) = since
                {
                    self.expr(d);
                }
            }
            ClauseKind::Env(list) | ClauseKind::Resources(list) => {
                for (_, e) in list {
                    self.expr(e);
                }
            }
            ClauseKind::Emit { signal, fields } => {
                self.expr(signal);
                for (_, e) in fields {
                    self.expr(e);
                }
            }
            ClauseKind::After(names) => {
                for name in names {
                    if let Some(t) = self.lookup(&name.name) {
                        self.occur(name.span, t, false);
                    }
                }
            }
            ClauseKind::Retry(r) => self.retry(r),
            ClauseKind::Outputs(_) | ClauseKind::OnFailure(_) => {}
        }
    }

    /// What a name used as a value refers to, as a target whose declaration is known.
    fn def_kind(&self, target: Target) -> Option<DefKind> {
        match target {
            Target::Def(span) => self.index.defs.get(&span).map(|d| d.kind),
            Target::Builtin(_) => None,
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Bool(_)
            | ExprKind::None
            | ExprKind::RawStr(_)
            | ExprKind::Error => {}
            ExprKind::Duration(ms) => self.index.literals.push((e.span, Literal::Duration(*ms))),
            ExprKind::Date(d) => self.index.literals.push((e.span, Literal::Date(*d))),
            ExprKind::Str(parts) => {
                for part in parts {
                    if let StrPart::Interp(inner) = part {
                        self.expr(inner);
                    }
                }
            }
            ExprKind::List(items) => {
                for item in items {
                    self.expr(item);
                }
            }
            ExprKind::Map(entries) => {
                for (k, v) in entries {
                    self.expr(k);
                    self.expr(v);
                }
            }
            ExprKind::Record(fields) => {
                for (_, v) in fields {
                    self.expr(v);
                }
            }
            ExprKind::Name(id) => {
                if let Some(t) = self.lookup(&id.name) {
                    self.occur(id.span, t, false);
                }
            }
            ExprKind::Field(base, field) => {
                self.expr(base);
                let ExprKind::Name(id) = &base.kind else { return };
                let Some(target @ Target::Def(span)) = self.lookup(&id.name) else {
                    return;
                };
                match self.def_kind(target) {
                    Some(DefKind::Step) => {
                        let outputs = self.index.outputs_of_step(span);
                        if let Some((_, out)) = outputs.iter().find(|(n, _)| *n == field.name) {
                            self.occur(field.span, Target::Def(*out), false);
                        }
                    }
                    Some(DefKind::Import) => {
                        let Some(module) = self.index.import_modules.get(&span) else {
                            return;
                        };
                        let Some(names) = self.index.modules.get(module.0 as usize) else {
                            return;
                        };
                        let found = names.fns.get(&field.name).or_else(|| names.workflows.get(&field.name));
                        if let Some(def) = found.copied() {
                            self.occur(field.span, Target::Def(def), false);
                        }
                    }
                    _ => {}
                }
            }
            ExprKind::Index(base, index) => {
                self.expr(base);
                self.expr(index);
            }
            ExprKind::Call { callee, args, named } => {
                self.last_use = None;
                self.expr(callee);
                let fn_def = self.callee_fn(callee);
                for a in args {
                    self.expr(a);
                }
                let params = fn_def
                    .and_then(|f| self.index.fn_params.get(&f))
                    .cloned()
                    .unwrap_or_default();
                for (name, v) in named {
                    if let Some((_, span)) = params.iter().find(|(n, _)| *n == name.name) {
                        self.occur(name.span, Target::Def(*span), false);
                    }
                    self.expr(v);
                }
            }
            ExprKind::Unary(_, inner) => self.expr(inner),
            ExprKind::Binary(_, l, r) => {
                self.expr(l);
                self.expr(r);
            }
            ExprKind::If(c, a, b) => {
                self.expr(c);
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Comprehension { elem, var, iter, cond } => {
                self.expr(iter);
                self.def(&var.name, DefKind::CompVar, var.span, None, None);
                self.push(e.span, vec![(var.name.clone(), Target::Def(var.span))]);
                self.expr(elem);
                if let Some(c) = cond {
                    self.expr(c);
                }
                self.pop();
            }
        }
    }

    /// The fn a call's callee names, if it is a user fn (`f` or `module.f`): the use the
    /// walk of the callee recorded last.
    fn callee_fn(&self, callee: &Expr) -> Option<Span> {
        let name_span = match &callee.kind {
            ExprKind::Name(id) | ExprKind::Field(_, id) => id.span,
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Bool(_)
            | ExprKind::None
            | ExprKind::Str(_)
            | ExprKind::RawStr(_)
            | ExprKind::Duration(_)
            | ExprKind::Date(_)
            | ExprKind::List(_)
            | ExprKind::Map(_)
            | ExprKind::Record(_)
            | ExprKind::Index(..)
            | ExprKind::Call { .. }
            | ExprKind::Unary(..)
            | ExprKind::Binary(..)
            | ExprKind::If(..)
            | ExprKind::Comprehension { .. }
            | ExprKind::Error => return None,
        };
        let (span, target) = self.last_use?;
        match target {
            Target::Def(def) if span == name_span && self.def_kind(target) == Some(DefKind::Fn) => Some(def),
            Target::Def(_) | Target::Builtin(_) => None,
        }
    }
}

fn collect_steps<'a>(stmts: &'a [Stmt], out: &mut Vec<(&'a crate::syntax::ast::Step, Option<&'a String>)>) {
    for stmt in stmts {
        if let StmtKind::Step(step) = &stmt.kind {
            out.push((step, stmt.doc.as_ref()));
        }
        for body in stmt.kind.nested_bodies() {
            collect_steps(body, out);
        }
    }
}

/// The span of an item.
#[must_use]
pub fn item_span(item: &Item) -> Span {
    match item {
        Item::Import(i) => i.span,
        Item::Fn(f) => f.span,
        Item::Workflow(w) => w.span,
        Item::Error { span, .. } => *span,
    }
}
