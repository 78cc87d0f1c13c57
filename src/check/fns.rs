//! Checking `fn` bodies, and rejecting recursion between functions.

use super::error::{CheckError, CheckWarning};
use super::expr::{Ctx, StepRefs};
use super::tree::TFn;
use super::{graph, Checker, FnId, WfEnv};
use crate::base::ids::ModuleId;
use crate::check::module::Module;
use crate::syntax::ast::Item;

impl Checker<'_> {
    pub(super) fn check_fns(&mut self, module_id: ModuleId, module: &Module) {
        let env = WfEnv::default();
        // Item index → function id, built once (a lookup per item would be quadratic).
        let by_item: std::collections::HashMap<usize, FnId> = self
            .program
            .fns
            .iter()
            .enumerate()
            .filter(|(_, info)| info.module == module_id)
            .map(|(i, info)| (info.item, FnId(u32::try_from(i).unwrap_or(u32::MAX))))
            .collect();
        for (index, item) in module.ast.items.iter().enumerate() {
            let Item::Fn(f) = item else { continue };
            let Some(&fid) = by_item.get(&index) else {
                continue;
            };
            let info = self.program.fns[fid.0 as usize].clone();
            let mut ctx = Ctx::new(module_id, StepRefs::Forbidden("a function"));
            ctx.fn_id = Some(fid);
            for (i, ((name, _), (b, _))) in f.params.iter().zip(&info.params).enumerate() {
                if let Some((first, _)) = f.params[..i].iter().find(|(n, _)| n.name == name.name) {
                    self.error(CheckError::Duplicate {
                        name: name.name.clone(),
                        span: name.span,
                        first: first.span,
                        help: Some("parameters of a function need distinct names".into()),
                    });
                }
                if let Some(import) = self.scopes[module_id.0 as usize]
                    .imports
                    .get(&name.name)
                    .map(|i| i.span)
                {
                    self.warning(CheckWarning::ShadowsModule {
                        name: name.name.clone(),
                        span: name.span,
                        import,
                    });
                }
                ctx.locals.push((name.name.clone(), *b));
                self.used[b.0 as usize] = true;
            }
            let body = self.expr(&f.body, &env, &mut ctx);
            self.require(&body.ty, &info.ret, f.body.span, "the function's result");
            self.fn_nodes[fid.0 as usize] = Some(TFn {
                id: fid,
                name: info.name.clone(),
                params: info.params.iter().map(|(b, _)| *b).collect(),
                body,
                span: f.span,
            });
        }
    }

    /// Reports each cycle of function calls once.
    pub(super) fn check_fn_cycles(&mut self) {
        let edges: Vec<(usize, usize)> = self
            .fn_calls
            .iter()
            .map(|(caller, callee, _)| (callee.0 as usize, caller.0 as usize))
            .collect();
        let analysis = graph::analyse(self.program.fns.len(), &edges);
        for cycle in analysis.cycles {
            // Edges point callee → caller, so the path reversed reads as calls.
            let calls: Vec<usize> = cycle.iter().rev().copied().collect();
            let first = calls[0];
            let next = calls.get(1).copied().unwrap_or(first);
            let names: Vec<String> = calls.iter().map(|f| self.program.fns[*f].name.clone()).collect();
            let span = self
                .fn_calls
                .iter()
                .find(|(a, b, _)| a.0 as usize == first && b.0 as usize == next)
                .map(|(_, _, s)| *s);
            if let Some(span) = span {
                self.file = span.file;
                self.error(CheckError::RecursiveFn {
                    name: names[0].clone(),
                    cycle: graph::describe_cycle(&names),
                    span,
                });
            }
        }
    }
}
