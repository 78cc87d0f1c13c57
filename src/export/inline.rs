//! Calls of MFlow `fn`s in translated expressions: neither Argo's expression language nor
//! SEL has user functions, so a call is the function's body with each parameter replaced
//! by its argument's (parenthesised) text.

use std::collections::HashMap;

use crate::base::ids::BindingId;
use crate::ir::IrExpr;

/// A translator of IR expressions to a target's text that keeps parameter substitutions.
pub(super) trait Inline {
    type Error;
    /// The text each parameter binding of the function being inlined stands for.
    fn substitutions(&mut self) -> &mut HashMap<BindingId, String>;
    /// The target's text of `expr`.
    fn render(&mut self, expr: &IrExpr) -> Result<String, Self::Error>;

    /// `(body)` with `params` bound to the texts of `args`; the substitutions they shadowed
    /// are restored afterwards, also when the body fails to translate.
    fn inline_call(&mut self, params: &[BindingId], args: &[IrExpr], body: &IrExpr) -> Result<String, Self::Error> {
        let mut saved = Vec::new();
        for (param, arg) in params.iter().zip(args) {
            let text = format!("({})", self.render(arg)?);
            saved.push((*param, self.substitutions().insert(*param, text)));
        }
        let body = self.render(body);
        for (param, old) in saved {
            match old {
                Some(o) => self.substitutions().insert(param, o),
                None => self.substitutions().remove(&param),
            };
        }
        Ok(format!("({})", body?))
    }
}
