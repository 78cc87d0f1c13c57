//! `maestroc lsp`: the language server (Language Server Protocol over stdio).
//!
//! Diagnostics are the checker's, unchanged (codes, spans, help); hover, definition,
//! references, rename, completion, outline, folding, semantic tokens and quick fixes read
//! the parsed modules, the checker's program facts and checked tree, and a position
//! index built here from the AST ([`index`]). See `docs/editors.md`.

pub mod actions;
pub mod builtins;
pub mod complete;
pub mod convert;
pub mod diagnostics;
pub mod documents;
pub mod error;
pub mod hover;
pub mod index;
pub mod navigate;
pub mod outline;
pub mod server;
pub mod stdlib_files;
pub mod tokens;
pub mod types;
pub mod unit;

pub use error::LspError;

/// Serves one editor on stdin/stdout until it exits.
pub fn serve_stdio() -> Result<(), LspError> {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    serve(connection)?;
    io_threads
        .join()
        .map_err(|e| LspError::Protocol { reason: e.to_string() })
}

/// Serves one connection: the `initialize` handshake, then the message loop.
pub fn serve(connection: lsp_server::Connection) -> Result<(), LspError> {
    let (id, _params) = connection.initialize_start()?;
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": server::capabilities(),
            "serverInfo": { "name": "maestroc", "version": env!("CARGO_PKG_VERSION") },
        }),
    )?;
    server::Server::new(connection).run()
}
