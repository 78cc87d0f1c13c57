//! `trigger on signal "NAME" [where COND]`: a signal that starts a run.
//!
//! The payload of the signal binds to the workflow's params of the same name (converted
//! to their types at launch); the `where` condition sees those params and `signal`, the
//! payload as a `map<string>`, and nothing else of the workflow (consts, lets and steps
//! only exist once a run has started).

#[allow(clippy::wildcard_imports)] // the parent's imports and helpers
use super::*;
use crate::check::tree::TTrigger;
use crate::syntax::ast::Trigger;

impl Checker<'_> {
    pub(in crate::check) fn check_trigger(&mut self, t: &Trigger, env: &WfEnv, module: ModuleId) -> TTrigger {
        let filter = t
            .filter
            .as_ref()
            .and_then(|f| self.trigger_filter(f, t.signal_span, env, module));
        TTrigger {
            signal: t.signal.clone(),
            span: t.signal_span,
            filter,
        }
    }

    fn trigger_filter(&mut self, f: &Expr, at: Span, env: &WfEnv, module: ModuleId) -> Option<(BindingId, TExpr)> {
        let mut names = Vec::new();
        free_names(f, &mut vec!["signal"], &mut names);
        let workflow = env
            .id
            .map(|w| self.program.workflow(w).name.clone())
            .unwrap_or_default();
        let mut misplaced = false;
        for (name, span) in names {
            let kind = match env.names.get(name) {
                Some((Target::Binding(b), _)) => match self.program.binding(*b).kind {
                    BindingKind::Param => continue,
                    BindingKind::Const => "a const",
                    BindingKind::Let
                    | BindingKind::LoopVar
                    | BindingKind::WhileVar
                    | BindingKind::CompVar
                    | BindingKind::FnParam
                    | BindingKind::Signal => "a let",
                },
                Some((Target::Step(_), _)) => "a step",
                None => continue,
            };
            misplaced = true;
            self.error(CheckError::TriggerNotParam {
                name: name.to_string(),
                workflow: workflow.clone(),
                span,
                help: Some(format!(
                    "`{name}` is {kind}, computed only once a run has started; a trigger's `where` can read the workflow's params (set from the payload) and `signal` (the payload)"
                )),
            });
        }
        if misplaced {
            self.mark_used(f, env);
            return None;
        }
        let params = WfEnv {
            id: env.id,
            names: env
                .names
                .iter()
                .filter(|(_, (t, _))| {
                    matches!(t, Target::Binding(b) if self.program.binding(*b).kind == BindingKind::Param)
                })
                .map(|(n, v)| (n.clone(), *v))
                .collect(),
        };
        let mut ctx = Ctx::new(module, StepRefs::Forbidden("a trigger condition"));
        let b = self.new_binding("signal", BindingKind::Signal, at, Type::map(Type::String));
        self.used[b.0 as usize] = true;
        ctx.locals.push(("signal".to_string(), b));
        let cond = self.expect(f, &Type::Bool, &params, &mut ctx, "the `where` condition");
        Some((b, cond))
    }
}
