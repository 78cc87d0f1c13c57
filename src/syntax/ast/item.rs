//! Top-level items of a file: imports, functions and workflows.

use super::{Expr, Ident, Stmt, TypeExpr};
use crate::syntax::span::{FileId, Span};

/// One parsed `.mflow` file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SourceFile {
    pub file: FileId,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Import(Import),
    Fn(FnDef),
    Workflow(Workflow),
    /// An item that failed to parse; a diagnostic was reported. `declares` is the name
    /// it would have declared, if it could be seen.
    Error {
        declares: Option<Ident>,
        span: Span,
    },
}

/// `import "std/dates"` or `import "./common.mflow" as common`
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The import path as written (escapes processed).
    pub path: String,
    pub path_span: Span,
    pub alias: Option<Ident>,
    pub span: Span,
}

/// `fn name(a: T, ...) -> R = expr`
#[derive(Clone, Debug, PartialEq)]
pub struct FnDef {
    pub doc: Option<String>,
    pub name: Ident,
    pub params: Vec<(Ident, TypeExpr)>,
    pub ret: TypeExpr,
    pub body: Expr,
    pub span: Span,
}

/// `workflow name { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct Workflow {
    pub doc: Option<String>,
    pub name: Ident,
    pub body: Vec<Stmt>,
    pub span: Span,
}
