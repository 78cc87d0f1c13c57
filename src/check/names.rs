//! Small name utilities: import aliases and the free names of an expression.

use crate::base::span::Span;
use crate::syntax::ast::{Expr, ExprKind, Import, StrPart};

const RESERVED: &[&str] = &[
    "import", "as", "workflow", "fn", "param", "const", "let", "step", "output", "foreach", "while", "if", "else",
    "then", "for", "in", "true", "false", "none", "and", "or", "not",
];

/// The name an import binds: its `as` alias, `NAME` for `std/NAME`, or the file stem.
pub(super) fn import_alias(import: &Import) -> Option<String> {
    if let Some(alias) = &import.alias {
        return Some(alias.name.clone());
    }
    let last = import.path.rsplit('/').next().unwrap_or(&import.path);
    let stem = last.strip_suffix(".mflow").unwrap_or(last);
    let valid = stem.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&stem);
    valid.then(|| stem.to_string())
}

/// Collects the names an expression refers to, minus comprehension variables bound
/// inside it. Recursion is bounded by the parser's nesting limit.
pub(super) fn free_names<'e>(expr: &'e Expr, bound: &mut Vec<&'e str>, out: &mut Vec<(&'e str, Span)>) {
    match &expr.kind {
        ExprKind::Name(id) => {
            if !bound.contains(&id.name.as_str()) {
                out.push((&id.name, id.span));
            }
        }
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::None
        | ExprKind::RawStr(_)
        | ExprKind::Duration(_)
        | ExprKind::Date(_)
        | ExprKind::Error => {}
        ExprKind::Str(parts) => {
            for part in parts {
                if let StrPart::Interp(e) = part {
                    free_names(e, bound, out);
                }
            }
        }
        ExprKind::List(items) => {
            for e in items {
                free_names(e, bound, out);
            }
        }
        ExprKind::Map(entries) => {
            for (k, v) in entries {
                free_names(k, bound, out);
                free_names(v, bound, out);
            }
        }
        ExprKind::Record(fields) => {
            for (_, v) in fields {
                free_names(v, bound, out);
            }
        }
        ExprKind::Field(base, _) => free_names(base, bound, out),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            free_names(a, bound, out);
            free_names(b, bound, out);
        }
        ExprKind::Call { callee, args, named } => {
            free_names(callee, bound, out);
            for e in args {
                free_names(e, bound, out);
            }
            for (_, e) in named {
                free_names(e, bound, out);
            }
        }
        ExprKind::Unary(_, e) => free_names(e, bound, out),
        ExprKind::If(c, a, b) => {
            free_names(c, bound, out);
            free_names(a, bound, out);
            free_names(b, bound, out);
        }
        ExprKind::Comprehension { elem, var, iter, cond } => {
            free_names(iter, bound, out);
            bound.push(&var.name);
            free_names(elem, bound, out);
            if let Some(c) = cond {
                free_names(c, bound, out);
            }
            bound.pop();
        }
    }
}
