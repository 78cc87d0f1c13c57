//! Calls: user functions and built-ins, with named arguments put in parameter order.

#[allow(clippy::wildcard_imports)] // the parent's imports and helpers
use super::*;

impl Checker<'_> {
    pub(in crate::check) fn call(
        &mut self,
        span: Span,
        callee: &Expr,
        args: &[Expr],
        named: &[(Ident, Expr)],
        env: &WfEnv,
        ctx: &mut Ctx,
    ) -> (TExprKind, Type) {
        let target = match &callee.kind {
            ExprKind::Name(id) => match self.lookup(&id.name, env, ctx) {
                Some(r @ (Resolution::Fn(_) | Resolution::Builtin(_))) => Some(r),
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
                        if let Some(fid) = self.scopes[mid.0 as usize].fns.get(&f.name).copied() {
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
                | ExprKind::Field(..)
                | ExprKind::Index(..)
                | ExprKind::Call { .. }
                | ExprKind::Unary(..)
                | ExprKind::Binary(..)
                | ExprKind::If(..)
                | ExprKind::Comprehension { .. }
                | ExprKind::Error => {
                    self.expr(callee, env, ctx);
                    self.error(CheckError::NotCallable {
                        what: "this expression".into(),
                        span: callee.span,
                    });
                    None
                }
            },
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
            | ExprKind::Error => {
                self.expr(callee, env, ctx);
                self.error(CheckError::NotCallable {
                    what: "this expression".into(),
                    span: callee.span,
                });
                None
            }
        };
        let arg_nodes: Vec<TExpr> = args.iter().map(|a| self.expr(a, env, ctx)).collect();
        let named_nodes: Vec<TExpr> = named.iter().map(|(_, a)| self.expr(a, env, ctx)).collect();
        let arg_types: Vec<&Type> = arg_nodes.iter().map(|n| &n.ty).collect();
        let named_types: Vec<&Type> = named_nodes.iter().map(|n| &n.ty).collect();
        match target {
            Some(Resolution::Fn(fid)) => {
                let ty = self.call_fn(fid, span, args, &arg_types, named, &named_types, ctx);
                (
                    TExprKind::CallFn(fid, self.fn_slots(fid, arg_nodes, named, named_nodes, callee.span)),
                    ty,
                )
            }
            Some(Resolution::Builtin(builtin)) => {
                let ty = self.call_builtin(builtin, span, args, &arg_types, named, &named_types);
                let params = builtin.params();
                let mut placed: Vec<(usize, TExpr)> = named
                    .iter()
                    .zip(named_nodes)
                    .filter_map(|((n, _), node)| params.iter().position(|p| *p == n.name).map(|i| (i, node)))
                    .collect();
                placed.sort_by_key(|(i, _)| *i);
                let mut all = arg_nodes;
                all.extend(placed.into_iter().map(|(_, node)| node));
                (TExprKind::CallBuiltin(builtin, all), ty)
            }
            _ => (TExprKind::Invalid, Type::Error),
        }
    }

    /// The arguments of a call to `fid` in parameter order: positional ones first, then each
    /// named one in its parameter's place (a missing one is an invalid node at `callee`).
    fn fn_slots(
        &self,
        fid: FnId,
        positional: Vec<TExpr>,
        named: &[(Ident, Expr)],
        named_nodes: Vec<TExpr>,
        callee: Span,
    ) -> Vec<TExpr> {
        let params = &self.program.fns[fid.0 as usize].params;
        let mut slots: Vec<Option<TExpr>> = positional.into_iter().map(Some).collect();
        slots.resize_with(params.len(), || None);
        for ((n, _), node) in named.iter().zip(named_nodes) {
            if let Some(i) = params.iter().position(|(b, _)| self.program.binding(*b).name == n.name) {
                slots[i] = Some(node);
            }
        }
        slots
            .into_iter()
            .map(|s| s.unwrap_or_else(|| TExpr::invalid(callee)))
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    pub(in crate::check) fn call_fn(
        &mut self,
        fid: FnId,
        span: Span,
        args: &[Expr],
        arg_types: &[&Type],
        named: &[(Ident, Expr)],
        named_types: &[&Type],
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
                given[i] = Some(((*t).clone(), a.span));
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
                Some(i) if given[i].is_none() => given[i] = Some(((*t).clone(), a.span)),
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

    pub(in crate::check) fn call_builtin(
        &mut self,
        builtin: Builtin,
        span: Span,
        args: &[Expr],
        arg_types: &[&Type],
        named: &[(Ident, Expr)],
        named_types: &[&Type],
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
        if let Some(e) = super::super::zone::check(name, args, named) {
            self.error(e);
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
}
