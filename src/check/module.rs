//! The checker's input: one parsed module. The driver loads and parses the files and
//! hands the checker a list of these; module ids index that list.

use crate::base::ids::ModuleId;
use crate::base::span::FileId;
use crate::syntax::ast;

/// One parsed module: a root file, an imported file, or a stdlib module.
#[derive(Debug)]
pub struct Module {
    pub file: FileId,
    /// The resolved path (`dir/x.mflow`, or `std/NAME` for the stdlib).
    pub path: String,
    pub ast: ast::SourceFile,
    /// For each `import` item (in item order): the module it loaded, if it could.
    pub imports: Vec<Option<ModuleId>>,
    pub is_stdlib: bool,
    /// False when the file had syntax errors: its AST is partial, so "never used"
    /// warnings about it would be guesses.
    pub parsed_whole: bool,
}
