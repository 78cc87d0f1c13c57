//! Why a file could not be formatted.

use miette::Diagnostic;
use thiserror::Error;

use crate::diagnostics::Problems;

#[derive(Debug, Error, Diagnostic)]
pub enum FormatError {
    /// The file does not parse; the syntax diagnostics say why (codes E00xx, as `check`).
    #[error("this file has syntax errors, so it was not formatted")]
    Syntax(Problems),
    /// The laid-out text would not parse to the same program (a formatter bug).
    #[error("formatting this file would change what it means, so it was left as it is")]
    #[diagnostic(code(E1010), help("this is a bug in `maestroc fmt`; please report it with the file"))]
    Changed,
    /// The laid-out text lost or reordered a comment (a formatter bug).
    #[error("formatting this file would lose a comment, so it was left as it is")]
    #[diagnostic(code(E1011), help("this is a bug in `maestroc fmt`; please report it with the file"))]
    LostComment,
}
