//! Resolving names in expressions: bindings, steps, functions, built-ins and modules.

#[allow(clippy::wildcard_imports)] // the parent's imports and helpers
use super::*;

impl Checker<'_> {
    /// Looks a name up: locals, workflow names, functions, built-ins, modules.
    pub(in crate::check) fn lookup(&mut self, name: &str, env: &WfEnv, ctx: &Ctx) -> Option<Resolution> {
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

    pub(in crate::check) fn undefined(&mut self, id: &Ident, env: &WfEnv, ctx: &Ctx, values_only: bool) {
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

    pub(in crate::check) fn name(&mut self, id: &Ident, env: &WfEnv, ctx: &mut Ctx) -> (TExprKind, Type) {
        let Some(resolution) = self.lookup(&id.name, env, ctx) else {
            self.undefined(id, env, ctx, true);
            return (TExprKind::Invalid, Type::Error);
        };
        let ty = match resolution {
            Resolution::Binding(b) => {
                self.used[b.0 as usize] = true;
                return (TExprKind::Var(b), self.program.binding(b).ty.clone());
            }
            Resolution::Step(s) => {
                let ty = self.step_ref(s, id.span, ctx);
                return (TExprKind::Step(s), ty);
            }
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
        };
        (TExprKind::Invalid, ty)
    }

    /// The type of a reference to step `s` from where `ctx` is: a record of its outputs,
    /// each wrapped in a list per loop and made optional per branch (and for
    /// `on_failure ignore`) that the step is in and the reference is not.
    pub(in crate::check) fn step_ref(&mut self, s: StepId, span: Span, ctx: &Ctx) -> Type {
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
                        self.program.scopes[id.0 as usize].kind == crate::check::ScopeKind::While
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
                self.warning(crate::check::error::CheckWarning::OtherBranch { name, span });
            }
        }
        if let Some(t) = self.step_records.get(&(s, common)) {
            return t.clone();
        }
        let info = self.program.step(s);
        let fields: std::sync::Arc<[(String, Type)]> = info
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
        let record = Type::Record(fields);
        self.step_records.insert((s, common), record.clone());
        record
    }

    pub(in crate::check) fn field(
        &mut self,
        base: &Expr,
        field: &Ident,
        env: &WfEnv,
        ctx: &mut Ctx,
    ) -> (TExprKind, Type) {
        if let ExprKind::Name(id) = &base.kind {
            if let Some(Resolution::Module(m)) = self.lookup(&id.name, env, ctx) {
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
                return (TExprKind::Invalid, Type::Error);
            }
        }
        let node = self.expr(base, env, ctx);
        let ty = self.field_type(&node, base, field);
        (TExprKind::Field(Box::new(node), field.name.clone()), ty)
    }

    /// The type of field `field` of `node` (written `base.field`).
    fn field_type(&mut self, node: &TExpr, base: &Expr, field: &Ident) -> Type {
        let bt = &node.ty;
        match bt {
            Type::Record(fields) => {
                if let Some((_, t)) = fields.iter().find(|(n, _)| *n == field.name) {
                    return t.clone();
                }
                let step = match (&base.kind, &node.kind) {
                    (ExprKind::Name(id), TExprKind::Step(s)) => Some((id.name.clone(), *s)),
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
            other @ (Type::Int
            | Type::Float
            | Type::Bool
            | Type::String
            | Type::Duration
            | Type::Date
            | Type::List(_)
            | Type::Optional(_)) => {
                self.error(CheckError::NoField {
                    message: format!("no field `{}` on type `{other}`", field.name),
                    span: field.span,
                    help: None,
                });
                Type::Error
            }
        }
    }

    pub(in crate::check) fn no_member(&mut self, m: ModuleId, module_name: &str, field: &Ident) {
        let scope = &self.scopes[m.0 as usize];
        let help = did_you_mean(&field.name, scope.fns.keys().map(String::as_str));
        self.error(CheckError::NoSuchMember {
            module: module_name.to_string(),
            name: field.name.clone(),
            span: field.span,
            help,
        });
    }
}
