//! Type-checking expressions and resolving the names in them.

use super::builtins::{self, Arg, Builtin};
use super::error::CheckError;
use super::ty::Type;
use super::types::{assignable, is_interpolable, is_ordered, join};
use super::{BindingKind, Checker, Edge, FnId, Node, Resolution, ScopeLevel, StepId, Target, WfEnv};
use crate::base::ids::ModuleId;
use crate::base::span::Span;
use crate::diagnostics::suggest::did_you_mean;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Ident, StrPart, UnaryOp};

/// Whether step outputs may be used where an expression is, and who depends on them.
#[derive(Clone, Copy, Debug)]
pub(super) enum StepRefs {
    /// Not here; the text says where "here" is (`a param default`).
    Forbidden(&'static str),
    /// Allowed; a reference makes the node (if any) depend on the step.
    Allowed(Option<Node>),
}

/// The context an expression is checked in.
#[derive(Debug)]
pub(super) struct Ctx {
    pub module: ModuleId,
    pub fn_id: Option<FnId>,
    /// Loop, `while`, comprehension and body-`let` bindings, innermost last.
    pub locals: Vec<(String, super::BindingId)>,
    /// The scopes the expression sits in, outermost first.
    pub levels: Vec<ScopeLevel>,
    pub steps: StepRefs,
}

impl Ctx {
    pub fn new(module: ModuleId, steps: StepRefs) -> Self {
        Self {
            module,
            fn_id: None,
            locals: Vec::new(),
            levels: Vec::new(),
            steps,
        }
    }
}

impl Checker<'_> {
    /// Checks `e` and requires its type to fit `expected`; returns the found type.
    pub(super) fn expect(&mut self, e: &Expr, expected: &Type, env: &WfEnv, ctx: &mut Ctx, what: &str) -> Type {
        let found = self.expr(e, env, ctx);
        self.require(&found, expected, e.span, what);
        found
    }

    /// Reports a mismatch if `found` does not fit `expected`.
    pub(super) fn require(&mut self, found: &Type, expected: &Type, span: Span, what: &str) {
        if assignable(found, expected) {
            return;
        }
        if let Type::Optional(inner) = found {
            if assignable(inner, expected) {
                self.error(CheckError::MaybeNone {
                    ty: found.to_string(),
                    span,
                    help: Some(format!(
                        "{what} must be a `{expected}`; give a default with `?? value`, or test it with `!= none`"
                    )),
                });
                return;
            }
        }
        let help = match (found, expected) {
            (Type::Int, Type::Float) => {
                Some("write the number with a decimal point (`1.0`), or convert with `float(…)`".to_string())
            }
            (Type::Float, Type::Int) => Some("convert with `int(…)`, which truncates".to_string()),
            (f, Type::String) if f.is_scalar() => {
                Some("convert it with `str(…)`, or interpolate it: `\"${…}\"`".to_string())
            }
            (Type::String, Type::Int) => Some("convert it with `int(…)`".to_string()),
            (Type::String, Type::Date) => {
                Some("write a date literal like `2026-11-23`, or use `parse_date(…)`".to_string())
            }
            (Type::String, Type::Duration) => {
                Some("write a duration literal like `30s`, `5m` or `1h30m` (no quotes)".to_string())
            }
            (Type::Int, Type::Duration) => Some("add a unit: `30s`, `5m`, `2h`, `1d`".to_string()),
            _ => None,
        };
        self.error(CheckError::Mismatch {
            expected: expected.to_string(),
            found: found.to_string(),
            span,
            label: format!("{what} must be `{expected}`"),
            help,
        });
    }

    pub(super) fn expr(&mut self, e: &Expr, env: &WfEnv, ctx: &mut Ctx) -> Type {
        match &e.kind {
            ExprKind::Int(_) => Type::Int,
            ExprKind::Float(_) => Type::Float,
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::None => Type::optional(Type::Unknown),
            ExprKind::RawStr(_) => Type::String,
            ExprKind::Duration(_) => Type::Duration,
            ExprKind::Date(_) => Type::Date,
            ExprKind::Error => Type::Error,
            ExprKind::Str(parts) => {
                for part in parts {
                    if let StrPart::Interp(inner) = part {
                        let t = self.expr(inner, env, ctx);
                        self.check_interpolable(&t, inner.span);
                    }
                }
                Type::String
            }
            ExprKind::List(items) => {
                let mut elem = Type::Unknown;
                for item in items {
                    let t = self.expr(item, env, ctx);
                    match join(&elem, &t) {
                        Some(j) => elem = j,
                        None => self.error(CheckError::Mismatch {
                            expected: elem.to_string(),
                            found: t.to_string(),
                            span: item.span,
                            label: "list elements must all have one type".into(),
                            help: Some(format!("the elements before this one are `{elem}`")),
                        }),
                    }
                }
                Type::list(elem)
            }
            ExprKind::Map(entries) => {
                let mut elem = Type::Unknown;
                for (k, v) in entries {
                    self.expect(k, &Type::String, env, ctx, "a map key");
                    let t = self.expr(v, env, ctx);
                    match join(&elem, &t) {
                        Some(j) => elem = j,
                        None => self.error(CheckError::Mismatch {
                            expected: elem.to_string(),
                            found: t.to_string(),
                            span: v.span,
                            label: "map values must all have one type".into(),
                            help: Some(
                                "to mix types, use a record with identifier keys: `{name: \"a\", size: 1}`".into(),
                            ),
                        }),
                    }
                }
                Type::map(elem)
            }
            ExprKind::Record(fields) => Type::Record(
                fields
                    .iter()
                    .map(|(name, v)| (name.name.clone(), self.expr(v, env, ctx)))
                    .collect(),
            ),
            ExprKind::Name(id) => self.name(id, env, ctx),
            ExprKind::Field(base, field) => self.field(base, field, env, ctx),
            ExprKind::Index(base, index) => {
                let bt = self.expr(base, env, ctx);
                match bt {
                    Type::List(inner) => {
                        self.expect(index, &Type::Int, env, ctx, "a list index");
                        *inner
                    }
                    Type::Map(inner) => {
                        self.expect(index, &Type::String, env, ctx, "a map key");
                        *inner
                    }
                    Type::Error | Type::Unknown => {
                        self.expr(index, env, ctx);
                        Type::Error
                    }
                    Type::Optional(_) => {
                        self.expr(index, env, ctx);
                        self.error(CheckError::MaybeNone {
                            ty: bt.to_string(),
                            span: base.span,
                            help: Some("give a default before indexing: `(xs ?? [])[0]`".into()),
                        });
                        Type::Error
                    }
                    other => {
                        self.expr(index, env, ctx);
                        self.error(CheckError::NotIndexable {
                            ty: other.to_string(),
                            span: base.span,
                        });
                        Type::Error
                    }
                }
            }
            ExprKind::Call { callee, args, named } => self.call(e.span, callee, args, named, env, ctx),
            ExprKind::Unary(op, inner) => {
                let t = self.expr(inner, env, ctx);
                match (op, &t) {
                    (_, Type::Error | Type::Unknown) => Type::Error,
                    (UnaryOp::Neg, Type::Int | Type::Float | Type::Duration) | (UnaryOp::Not, Type::Bool) => t,
                    (_, Type::Optional(_)) => {
                        self.error(CheckError::MaybeNone {
                            ty: t.to_string(),
                            span: inner.span,
                            help: Some("give a default first: `x ?? value`".into()),
                        });
                        Type::Error
                    }
                    (UnaryOp::Neg, _) => {
                        self.require(&t, &Type::Int, inner.span, "the operand of `-`");
                        Type::Error
                    }
                    (UnaryOp::Not, _) => {
                        self.require(&t, &Type::Bool, inner.span, "the operand of `not`");
                        Type::Error
                    }
                }
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, e.span, env, ctx),
            ExprKind::If(c, a, b) => {
                self.expect(c, &Type::Bool, env, ctx, "the condition");
                let ta = self.expr(a, env, ctx);
                let tb = self.expr(b, env, ctx);
                if let Some(t) = join(&ta, &tb) {
                    t
                } else {
                    self.error(CheckError::Mismatch {
                        expected: ta.to_string(),
                        found: tb.to_string(),
                        span: b.span,
                        label: "both branches must have one type".into(),
                        help: Some(format!("the `then` branch is `{ta}`")),
                    });
                    Type::Error
                }
            }
            ExprKind::Comprehension { elem, var, iter, cond } => {
                let it = self.expr(iter, env, ctx);
                let var_ty = self.element_type(&it, iter.span, "a comprehension");
                let b = self.new_binding(&var.name, BindingKind::CompVar, var.span, var_ty);
                self.used[b.0 as usize] = true;
                ctx.locals.push((var.name.clone(), b));
                if let Some(c) = cond {
                    self.expect(c, &Type::Bool, env, ctx, "the filter");
                }
                let t = self.expr(elem, env, ctx);
                ctx.locals.pop();
                Type::list(t)
            }
        }
    }

    /// The element type of something iterated over (must be a list).
    pub(super) fn element_type(&mut self, t: &Type, span: Span, what: &str) -> Type {
        match t {
            Type::List(inner) => (**inner).clone(),
            Type::Error | Type::Unknown => Type::Error,
            Type::Optional(_) => {
                self.error(CheckError::MaybeNone {
                    ty: t.to_string(),
                    span,
                    help: Some("give a default first: `xs ?? []`".into()),
                });
                Type::Error
            }
            other => {
                let help = match other {
                    Type::Map(_) => Some("iterate over `keys(m)` or `values(m)`".to_string()),
                    Type::Int => Some("iterate over `range(n)` to count".to_string()),
                    _ => None,
                };
                self.error(CheckError::Mismatch {
                    expected: "list<…>".into(),
                    found: other.to_string(),
                    span,
                    label: format!("{what} needs a list"),
                    help,
                });
                Type::Error
            }
        }
    }

    pub(super) fn check_interpolable(&mut self, t: &Type, span: Span) {
        if is_interpolable(t) {
            return;
        }
        if let Type::Optional(inner) = t {
            if is_interpolable(inner) {
                self.error(CheckError::MaybeNone {
                    ty: t.to_string(),
                    span,
                    help: Some("give a default: `${x ?? \"none\"}`".into()),
                });
                return;
            }
        }
        let help = match t {
            Type::Optional(_) => Some("give a default: `${x ?? \"none\"}`".to_string()),
            Type::List(_) => Some(
                "only lists of scalars interpolate (one word per element); use `to_json(…)` or a comprehension"
                    .to_string(),
            ),
            _ => Some("interpolate a field, or convert the value with `to_json(…)`".to_string()),
        };
        self.error(CheckError::NotInterpolable {
            ty: t.to_string(),
            span,
            help,
        });
    }

    /// Looks a name up: locals, workflow names, functions, built-ins, modules.
    pub(super) fn lookup(&mut self, name: &str, env: &WfEnv, ctx: &Ctx) -> Option<Resolution> {
        if let Some((_, b)) = ctx.locals.iter().rev().find(|(n, _)| n == name) {
            return Some(Resolution::Binding(*b));
        }
        if let Some((target, _)) = env.names.get(name) {
            return Some(match target {
                Target::Binding(b) => Resolution::Binding(*b),
                Target::Step(s) => Resolution::Step(*s),
            });
        }
        let scope = &mut self.scopes[ctx.module.0 as usize];
        if let Some(f) = scope.fns.get(name) {
            return Some(Resolution::Fn(*f));
        }
        if let Some(b) = Builtin::from_name(name) {
            return Some(Resolution::Builtin(b));
        }
        if let Some(info) = scope.imports.get_mut(name) {
            info.used = true;
            return info.module.map(Resolution::Module);
        }
        None
    }

    fn undefined(&mut self, id: &Ident, env: &WfEnv, ctx: &Ctx, values_only: bool) {
        let scope = &self.scopes[ctx.module.0 as usize];
        if scope.imports.get(&id.name).is_some_and(|i| i.module.is_none()) {
            return; // a module that failed to load: already reported
        }
        if scope.workflows.contains_key(&id.name) {
            self.error(CheckError::NotAValue {
                what: "workflow",
                name: id.name.clone(),
                span: id.span,
                help: Some(format!("run it from a step: `step s {{ call {}(…) }}`", id.name)),
            });
            return;
        }
        let mut candidates: Vec<&str> = ctx.locals.iter().map(|(n, _)| n.as_str()).collect();
        candidates.extend(env.names.keys().map(String::as_str));
        if !values_only {
            candidates.extend(scope.fns.keys().map(String::as_str));
            candidates.extend(Builtin::ALL.iter().map(|b| b.name()));
        }
        candidates.extend(scope.imports.keys().map(String::as_str));
        let help = did_you_mean(&id.name, candidates.iter().copied());
        let meant = crate::diagnostics::suggest::best_match(&id.name, candidates).map(str::to_string);
        // The name the user probably meant is not "unused": do not warn about it too.
        if let Some(meant) = meant {
            if let Some(Resolution::Binding(b)) = self.lookup(&meant, env, ctx) {
                self.used[b.0 as usize] = true;
            }
        }
        self.error(CheckError::Undefined {
            name: id.name.clone(),
            span: id.span,
            help,
        });
    }

    fn name(&mut self, id: &Ident, env: &WfEnv, ctx: &mut Ctx) -> Type {
        let Some(resolution) = self.lookup(&id.name, env, ctx) else {
            self.undefined(id, env, ctx, true);
            return Type::Error;
        };
        self.program.resolutions.insert(id.span, resolution);
        match resolution {
            Resolution::Binding(b) => {
                self.used[b.0 as usize] = true;
                self.program.binding(b).ty.clone()
            }
            Resolution::Step(s) => self.step_ref(s, id.span, ctx),
            Resolution::Fn(_) | Resolution::Builtin(_) => {
                self.error(CheckError::NotAValue {
                    what: "function",
                    name: id.name.clone(),
                    span: id.span,
                    help: Some(format!("call it: `{}(…)`", id.name)),
                });
                Type::Error
            }
            Resolution::Module(_) => {
                self.error(CheckError::NotAValue {
                    what: "module",
                    name: id.name.clone(),
                    span: id.span,
                    help: Some(format!("use one of its functions: `{}.name(…)`", id.name)),
                });
                Type::Error
            }
        }
    }

    /// The type of a reference to step `s` from where `ctx` is: a record of its outputs,
    /// each wrapped in a list per loop and made optional per branch (and for
    /// `on_failure ignore`) that the step is in and the reference is not.
    fn step_ref(&mut self, s: StepId, span: Span, ctx: &Ctx) -> Type {
        match ctx.steps {
            StepRefs::Forbidden(place) => {
                let name = self.program.step(s).name.clone();
                self.error(CheckError::StepInValue {
                    step: name,
                    place: place.to_string(),
                    span,
                    help: Some("these values are computed when the run starts, before any step runs; use the step's output in a step, a `foreach`/`if` header or an `output`".into()),
                });
                return Type::Error;
            }
            StepRefs::Allowed(Some(node)) => {
                // A `while` condition or `next` referring to a step of the loop's own
                // body reads the latest iteration's value: no dependency on the step.
                let own_body = match node {
                    Node::Scope(id) => {
                        self.program.scopes[id.0 as usize].kind == super::ScopeKind::While
                            && self.program.step(s).scopes.contains(&ScopeLevel::While(id))
                    }
                    Node::Step(_) => false,
                };
                if !own_body {
                    self.edges.push(Edge {
                        from: Node::Step(s),
                        to: node,
                        span,
                        after: false,
                    });
                }
            }
            StepRefs::Allowed(None) => {}
        }
        if self.unresolved_calls.contains(&s) {
            return Type::Error;
        }
        let common = {
            let info = self.program.step(s);
            info.scopes.iter().zip(&ctx.levels).take_while(|(a, b)| a == b).count()
        };
        // A step in another branch of the same `if` never ran when this one runs.
        if let (Some(ScopeLevel::Branch(x, a)), Some(ScopeLevel::Branch(y, b))) =
            (self.program.step(s).scopes.get(common), ctx.levels.get(common))
        {
            if x == y && a != b {
                let name = self.program.step(s).name.clone();
                self.warning(super::error::CheckWarning::OtherBranch { name, span });
            }
        }
        let info = self.program.step(s);
        let fields = info
            .outputs
            .iter()
            .map(|(name, t)| {
                let mut t = if info.ignore_failure {
                    Type::optional(t.clone())
                } else {
                    t.clone()
                };
                for level in info.scopes[common..].iter().rev() {
                    t = match level {
                        ScopeLevel::Foreach(_) | ScopeLevel::While(_) => Type::list(t),
                        ScopeLevel::Branch(..) => Type::optional(t),
                    };
                }
                (name.clone(), t)
            })
            .collect();
        Type::Record(fields)
    }

    fn field(&mut self, base: &Expr, field: &Ident, env: &WfEnv, ctx: &mut Ctx) -> Type {
        if let ExprKind::Name(id) = &base.kind {
            if let Some(Resolution::Module(m)) = self.lookup(&id.name, env, ctx) {
                self.program.resolutions.insert(id.span, Resolution::Module(m));
                let member = self.scopes[m.0 as usize].fns.contains_key(&field.name);
                if member {
                    self.error(CheckError::NotAValue {
                        what: "function",
                        name: format!("{}.{}", id.name, field.name),
                        span: field.span,
                        help: Some(format!("call it: `{}.{}(…)`", id.name, field.name)),
                    });
                } else {
                    self.no_member(m, &id.name, field);
                }
                return Type::Error;
            }
        }
        let bt = self.expr(base, env, ctx);
        match &bt {
            Type::Record(fields) => {
                if let Some((_, t)) = fields.iter().find(|(n, _)| *n == field.name) {
                    return t.clone();
                }
                let step = match &base.kind {
                    ExprKind::Name(id) => match self.program.resolutions.get(&id.span) {
                        Some(Resolution::Step(s)) => Some((id.name.clone(), *s)),
                        _ => None,
                    },
                    _ => None,
                };
                let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
                let suggestion = did_you_mean(&field.name, names.iter().copied());
                let (message, help) = if let Some((step, _)) = step {
                    let help = suggestion.or_else(|| {
                        Some(if names.is_empty() {
                            format!(
                                "`{step}` declares no outputs; add `outputs {{ {}: T }}` to it",
                                field.name
                            )
                        } else {
                            format!(
                                "`{step}` has the outputs {}",
                                names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                            )
                        })
                    });
                    (format!("step `{step}` has no output `{}`", field.name), help)
                } else {
                    (format!("no field `{}` on type `{bt}`", field.name), suggestion)
                };
                self.error(CheckError::NoField {
                    message,
                    span: field.span,
                    help,
                });
                Type::Error
            }
            Type::Error | Type::Unknown => Type::Error,
            // `m.key` reads a map entry like `m["key"]` (handy for signal payloads).
            Type::Map(inner) => (**inner).clone(),
            Type::Optional(inner) if matches!(**inner, Type::Record(_)) => {
                self.error(CheckError::MaybeNone {
                    ty: bt.to_string(),
                    span: base.span,
                    help: Some("test it for `none` or give a default before taking a field".into()),
                });
                Type::Error
            }
            other => {
                self.error(CheckError::NoField {
                    message: format!("no field `{}` on type `{other}`", field.name),
                    span: field.span,
                    help: None,
                });
                Type::Error
            }
        }
    }

    fn no_member(&mut self, m: ModuleId, module_name: &str, field: &Ident) {
        let scope = &self.scopes[m.0 as usize];
        let help = did_you_mean(&field.name, scope.fns.keys().map(String::as_str));
        self.error(CheckError::NoSuchMember {
            module: module_name.to_string(),
            name: field.name.clone(),
            span: field.span,
            help,
        });
    }

    fn call(
        &mut self,
        span: Span,
        callee: &Expr,
        args: &[Expr],
        named: &[(Ident, Expr)],
        env: &WfEnv,
        ctx: &mut Ctx,
    ) -> Type {
        let target = match &callee.kind {
            ExprKind::Name(id) => match self.lookup(&id.name, env, ctx) {
                Some(r @ (Resolution::Fn(_) | Resolution::Builtin(_))) => {
                    self.program.resolutions.insert(id.span, r);
                    Some(r)
                }
                Some(other) => {
                    if let Resolution::Binding(b) = other {
                        self.used[b.0 as usize] = true;
                    }
                    self.error(CheckError::NotCallable {
                        what: id.name.clone(),
                        span: id.span,
                    });
                    None
                }
                None => {
                    self.undefined(id, env, ctx, false);
                    None
                }
            },
            ExprKind::Field(base, f) => match &base.kind {
                ExprKind::Name(m) => match self.lookup(&m.name, env, ctx) {
                    Some(Resolution::Module(mid)) => {
                        self.program.resolutions.insert(m.span, Resolution::Module(mid));
                        if let Some(fid) = self.scopes[mid.0 as usize].fns.get(&f.name).copied() {
                            self.program.resolutions.insert(f.span, Resolution::Fn(fid));
                            Some(Resolution::Fn(fid))
                        } else {
                            self.no_member(mid, &m.name, f);
                            None
                        }
                    }
                    None if self.scopes[ctx.module.0 as usize].imports.contains_key(&m.name) => None,
                    _ => {
                        self.expr(callee, env, ctx);
                        self.error(CheckError::NotCallable {
                            what: format!("{}.{}", m.name, f.name),
                            span: callee.span,
                        });
                        None
                    }
                },
                _ => {
                    self.expr(callee, env, ctx);
                    self.error(CheckError::NotCallable {
                        what: "this expression".into(),
                        span: callee.span,
                    });
                    None
                }
            },
            _ => {
                self.expr(callee, env, ctx);
                self.error(CheckError::NotCallable {
                    what: "this expression".into(),
                    span: callee.span,
                });
                None
            }
        };
        let arg_types: Vec<Type> = args.iter().map(|a| self.expr(a, env, ctx)).collect();
        let named_types: Vec<Type> = named.iter().map(|(_, a)| self.expr(a, env, ctx)).collect();
        match target {
            Some(Resolution::Fn(fid)) => self.call_fn(fid, span, args, &arg_types, named, &named_types, ctx),
            Some(Resolution::Builtin(name)) => self.call_builtin(name, span, args, &arg_types, named, &named_types),
            _ => Type::Error,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn call_fn(
        &mut self,
        fid: FnId,
        span: Span,
        args: &[Expr],
        arg_types: &[Type],
        named: &[(Ident, Expr)],
        named_types: &[Type],
        ctx: &Ctx,
    ) -> Type {
        if let Some(caller) = ctx.fn_id {
            self.fn_calls.push((caller, fid, span));
        }
        let info = self.program.fns[fid.0 as usize].clone();
        let names: Vec<String> = info
            .params
            .iter()
            .map(|(b, _)| self.program.binding(*b).name.clone())
            .collect();
        let mut given: Vec<Option<(Type, Span)>> = vec![None; info.params.len()];
        for (i, (t, a)) in arg_types.iter().zip(args).enumerate() {
            if i < given.len() {
                given[i] = Some((t.clone(), a.span));
            } else {
                self.error(CheckError::BadArguments {
                    message: format!(
                        "`{}` takes {} argument{}, but {} were given",
                        info.name,
                        names.len(),
                        if names.len() == 1 { "" } else { "s" },
                        args.len() + named.len()
                    ),
                    span: a.span,
                    label: "unexpected argument".into(),
                    help: Some(format!("the signature is `{}({})`", info.name, names.join(", "))),
                });
                break;
            }
        }
        for ((id, a), t) in named.iter().zip(named_types) {
            match names.iter().position(|n| *n == id.name) {
                Some(i) if given[i].is_none() => given[i] = Some((t.clone(), a.span)),
                Some(_) => self.error(CheckError::BadArguments {
                    message: format!("argument `{}` is given twice", id.name),
                    span: id.span,
                    label: "given again here".into(),
                    help: None,
                }),
                None => self.error(CheckError::BadArguments {
                    message: format!("`{}` has no parameter `{}`", info.name, id.name),
                    span: id.span,
                    label: "unknown parameter".into(),
                    help: did_you_mean(&id.name, names.iter().map(String::as_str)),
                }),
            }
        }
        let missing: Vec<&String> = names
            .iter()
            .zip(&given)
            .filter(|(_, g)| g.is_none())
            .map(|(n, _)| n)
            .collect();
        if !missing.is_empty() {
            self.error(CheckError::BadArguments {
                message: format!(
                    "missing argument{} {} in call to `{}`",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                    info.name
                ),
                span,
                label: "called here".into(),
                help: Some(format!("the signature is `{}({})`", info.name, names.join(", "))),
            });
        }
        for ((_, pt), g) in info.params.iter().zip(&given) {
            if let Some((t, s)) = g {
                self.require(t, pt, *s, "this argument");
            }
        }
        info.ret
    }

    fn call_builtin(
        &mut self,
        builtin: Builtin,
        span: Span,
        args: &[Expr],
        arg_types: &[Type],
        named: &[(Ident, Expr)],
        named_types: &[Type],
    ) -> Type {
        let name = builtin.name();
        let params = builtin.params();
        let mut placed: Vec<Arg<'_>> = arg_types
            .iter()
            .zip(args)
            .map(|(ty, a)| Arg { ty, span: a.span })
            .collect();
        for ((id, a), ty) in named.iter().zip(named_types) {
            match params.iter().position(|p| *p == id.name) {
                Some(i) if i == placed.len() => placed.push(Arg { ty, span: a.span }),
                Some(_) => {
                    self.error(CheckError::BadArguments {
                        message: format!("argument `{}` of `{name}` is out of order", id.name),
                        span: id.span,
                        label: "named argument here".into(),
                        help: Some(format!("the signature is `{name}({})`", params.join(", "))),
                    });
                    return Type::Error;
                }
                None => {
                    self.error(CheckError::BadArguments {
                        message: format!("`{name}` has no parameter `{}`", id.name),
                        span: id.span,
                        label: "unknown parameter".into(),
                        help: did_you_mean(&id.name, params.iter().copied())
                            .or_else(|| Some(format!("the signature is `{name}({})`", params.join(", ")))),
                    });
                    return Type::Error;
                }
            }
        }
        match builtins::result_type(builtin, &placed, span) {
            Ok(t) => t,
            Err(p) => {
                // An optional argument that would be accepted once unwrapped is a
                // `none` problem, not a wrong argument: say so (E0204).
                if placed.iter().any(|a| has_optional(a.ty)) {
                    let unwrapped: Vec<Type> = placed.iter().map(|a| strip_optional(a.ty)).collect();
                    let retry: Vec<Arg<'_>> = unwrapped
                        .iter()
                        .zip(&placed)
                        .map(|(ty, a)| Arg { ty, span: a.span })
                        .collect();
                    if builtins::result_type(builtin, &retry, span).is_ok() {
                        let culprit = placed
                            .iter()
                            .find(|a| a.span == p.span && has_optional(a.ty))
                            .or_else(|| placed.iter().find(|a| has_optional(a.ty)));
                        if let Some(culprit) = culprit {
                            let help = if matches!(culprit.ty, Type::List(_)) {
                                format!("`{name}` needs values; drop the `none`s first: `[x ?? default for x in …]`")
                            } else {
                                format!("`{name}` needs a value here; give a default with `?? value`, or test it with `!= none`")
                            };
                            self.error(CheckError::MaybeNone {
                                ty: culprit.ty.to_string(),
                                span: culprit.span,
                                help: Some(help),
                            });
                            return Type::Error;
                        }
                    }
                }
                if p.span == span || !placed.iter().any(|a| a.ty.is_vague()) {
                    self.error(CheckError::BadArguments {
                        message: p.message,
                        span: p.span,
                        label: p.label,
                        help: p.help,
                    });
                }
                Type::Error
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, l: &Expr, r: &Expr, span: Span, env: &WfEnv, ctx: &mut Ctx) -> Type {
        let lt = self.expr(l, env, ctx);
        let rt = self.expr(r, env, ctx);
        if op == BinaryOp::Coalesce {
            let inner = lt.unwrap_optional().clone();
            return match join(&inner, &rt) {
                Some(t) => t,
                None => {
                    self.error(CheckError::Mismatch {
                        expected: inner.to_string(),
                        found: rt.to_string(),
                        span: r.span,
                        label: "the default must have the type of the value".into(),
                        help: None,
                    });
                    Type::Error
                }
            };
        }
        if matches!(lt, Type::Error) || matches!(rt, Type::Error) {
            return match op {
                BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Lt
                | BinaryOp::Le
                | BinaryOp::Gt
                | BinaryOp::Ge
                | BinaryOp::And
                | BinaryOp::Or => Type::Bool,
                _ => Type::Error,
            };
        }
        if matches!(op, BinaryOp::Eq | BinaryOp::Ne) {
            if join(&lt, &rt).is_none() && !is_numeric_pair(&lt, &rt) {
                self.bad_operands(
                    op,
                    &lt,
                    &rt,
                    span,
                    Some("only values of the same type can be compared".into()),
                );
            }
            return Type::Bool;
        }
        for (t, e) in [(&lt, l), (&rt, r)] {
            if t.is_optional() {
                self.error(CheckError::MaybeNone {
                    ty: t.to_string(),
                    span: e.span,
                    help: Some(format!(
                        "`{}` needs a value; give a default with `?? value`",
                        op.symbol()
                    )),
                });
                return Type::Error;
            }
        }
        let result = match op {
            BinaryOp::And | BinaryOp::Or => (lt == Type::Bool && rt == Type::Bool).then_some(Type::Bool),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                ((lt == rt && is_ordered(&lt)) || is_numeric_pair(&lt, &rt)).then_some(Type::Bool)
            }
            BinaryOp::Add => match (&lt, &rt) {
                (Type::String, Type::String) => Some(Type::String),
                (Type::Duration, Type::Duration) => Some(Type::Duration),
                (Type::Date, Type::Duration) => Some(Type::Date),
                (Type::List(_), Type::List(_)) => join(&lt, &rt),
                _ => numeric(&lt, &rt),
            },
            BinaryOp::Sub => match (&lt, &rt) {
                (Type::Duration, Type::Duration) | (Type::Date, Type::Date) => Some(Type::Duration),
                (Type::Date, Type::Duration) => Some(Type::Date),
                _ => numeric(&lt, &rt),
            },
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => numeric(&lt, &rt),
            BinaryOp::Coalesce | BinaryOp::Eq | BinaryOp::Ne => Some(Type::Bool),
        };
        if let Some(t) = result {
            return t;
        }
        let help = match (op, &lt, &rt) {
            (BinaryOp::Add, Type::String, t) | (BinaryOp::Add, t, Type::String) if t.is_scalar() => {
                Some("convert the other side with `str(…)`, or use interpolation: `\"${a}${b}\"`".into())
            }
            (BinaryOp::And | BinaryOp::Or, _, _) => Some("`and` and `or` take `bool` values".into()),
            (BinaryOp::Add, Type::Duration, Type::Date) => Some("write the date first: `day + 1d`".into()),
            _ => None,
        };
        self.bad_operands(op, &lt, &rt, span, help);
        match op {
            BinaryOp::And | BinaryOp::Or | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => Type::Bool,
            _ => Type::Error,
        }
    }

    fn bad_operands(&mut self, op: BinaryOp, l: &Type, r: &Type, span: Span, help: Option<String>) {
        if l.is_vague() || r.is_vague() {
            return;
        }
        self.error(CheckError::BadOperands {
            op: op.symbol(),
            left: l.to_string(),
            right: r.to_string(),
            span,
            help,
        });
    }
}

fn is_numeric_pair(a: &Type, b: &Type) -> bool {
    matches!((a, b), (Type::Int | Type::Float, Type::Int | Type::Float))
}

/// Arithmetic on numbers: `int` with `int` is `int`; with a `float` anywhere, `float`.
fn numeric(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Int, Type::Int) => Some(Type::Int),
        (Type::Int | Type::Float, Type::Int | Type::Float) => Some(Type::Float),
        _ => None,
    }
}

/// Whether a built-in argument is optional, or a list of optionals (a gathered branch output).
fn has_optional(t: &Type) -> bool {
    match t {
        Type::Optional(_) => true,
        Type::List(inner) => matches!(**inner, Type::Optional(_)),
        _ => false,
    }
}

/// The argument type with the optional layer of [`has_optional`] removed.
fn strip_optional(t: &Type) -> Type {
    match t {
        Type::Optional(inner) => (**inner).clone(),
        Type::List(inner) => Type::List(Box::new(inner.unwrap_optional().clone())),
        other => other.clone(),
    }
}
