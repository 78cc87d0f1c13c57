//! What the language server itself can refuse or fail at (its own codes, from E1000).
//!
//! Problems in `.mflow` files are not here: they are the checker's diagnostics, published
//! unchanged. These are the answers to requests the server cannot honour.

use miette::Diagnostic;
use thiserror::Error;

#[derive(Debug, Error, Diagnostic)]
pub enum LspError {
    /// The connection to the editor broke (stdin closed mid-message, a malformed frame).
    #[error("the language server lost its connection to the editor: {reason}")]
    #[diagnostic(
        code(E1000),
        help(
            "`maestroc lsp` speaks the Language Server Protocol on stdin/stdout; start it from an editor's LSP client"
        )
    )]
    Protocol { reason: String },

    /// A rename to a name that something in scope already has.
    #[error("cannot rename `{old}` to `{new}`: {clash}")]
    #[diagnostic(code(E1001), help("pick a name that is not used yet in that scope"))]
    RenameCollision { old: String, new: String, clash: String },

    /// A rename to something that is not an identifier.
    #[error("`{new}` is not a valid name: {why}")]
    #[diagnostic(
        code(E1002),
        help("names start with a letter or `_`, go on with letters, digits and `_`, and are not keywords")
    )]
    RenameInvalid { new: String, why: String },

    /// A rename of something the user does not own (a built-in, the standard library, a keyword).
    #[error("cannot rename {what}")]
    #[diagnostic(
        code(E1003),
        help("only steps, params, consts, lets, loop variables, fns and workflows of your own files can be renamed")
    )]
    RenameRefused { what: String },

    /// A request for a document the server does not know.
    #[error("`{uri}` is not an open MFlow document")]
    #[diagnostic(
        code(E1004),
        help("open the file in the editor first; the server answers for `.mflow` files it was told about")
    )]
    UnknownDocument { uri: String },

    /// `textDocument/formatting` of a file `maestroc fmt` would not format.
    #[error("cannot format this file: {reason}")]
    #[diagnostic(
        code(E1005),
        help("fix the errors the editor shows for this file, then format again")
    )]
    NotFormatted { reason: String },
}

impl LspError {
    /// The code of this error, for the JSON-RPC error message (`E1001: …`).
    #[must_use]
    pub fn code_str(&self) -> String {
        self.code().map(|c| c.to_string()).unwrap_or_default()
    }

    /// `E1001: cannot rename …` — what an editor shows in its error popup.
    #[must_use]
    pub fn to_message(&self) -> String {
        match self.help() {
            Some(help) => format!("{}: {self} ({help})", self.code_str()),
            None => format!("{}: {self}", self.code_str()),
        }
    }
}

impl From<lsp_server::ProtocolError> for LspError {
    fn from(e: lsp_server::ProtocolError) -> Self {
        LspError::Protocol { reason: e.to_string() }
    }
}
