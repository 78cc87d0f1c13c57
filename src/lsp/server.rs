//! The server: the message loop, the open documents, one analysis per open document, and
//! the dispatch of requests and notifications.
//!
//! Edits are debounced: after a change the server keeps reading messages until none came
//! for [`DEBOUNCE`], then re-analyses every open document whose analysis contains a changed
//! file (so editing a library re-checks the files importing it) and publishes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification, request, DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, PublishDiagnosticsParams, TextDocumentContentChangeEvent,
    TextDocumentPositionParams, Uri,
};
use serde_json::{json, Value};

use super::convert::{path_to_uri, uri_to_path, Lines};
use super::documents::Documents;
use super::error::LspError;
use super::unit::Unit;
use crate::base::span::FileId;

/// How long the server waits after an edit for more edits before it re-checks.
pub const DEBOUNCE: Duration = Duration::from_millis(5);

pub struct Server {
    connection: Connection,
    documents: Documents,
    /// One analysis per open document, by path.
    units: BTreeMap<String, Unit>,
    /// Files changed since the last analysis.
    dirty: BTreeSet<String>,
    /// Imported (not open) files the server published diagnostics for.
    published: BTreeSet<String>,
    stdlib_dir: PathBuf,
    analyses: u64,
}

impl Server {
    #[must_use]
    pub fn new(connection: Connection) -> Self {
        Self {
            connection,
            documents: Documents::default(),
            units: BTreeMap::new(),
            dirty: BTreeSet::new(),
            published: BTreeSet::new(),
            stdlib_dir: super::stdlib_files::install(),
            analyses: 0,
        }
    }

    /// Answers messages until the editor says `exit` (or goes away).
    pub fn run(mut self) -> Result<(), LspError> {
        loop {
            let message = if self.dirty.is_empty() {
                match self.connection.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                }
            } else {
                match self.connection.receiver.recv_timeout(DEBOUNCE) {
                    Ok(m) => m,
                    Err(e) if e.is_timeout() => {
                        self.flush();
                        continue;
                    }
                    Err(_) => return Ok(()),
                }
            };
            match message {
                Message::Request(req) => {
                    if req.method == request::Shutdown::METHOD {
                        // An editor that closes the pipe right after `shutdown` (without
                        // `exit`) has still shut the server down cleanly.
                        let _ = self.connection.handle_shutdown(&req);
                        return Ok(());
                    }
                    self.flush();
                    let response = self.request(&req);
                    self.send(Message::Response(response));
                }
                Message::Notification(n) => {
                    if n.method == notification::Exit::METHOD {
                        return Ok(());
                    }
                    self.notification(n);
                }
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, message: Message) {
        // A closed connection ends the loop at the next receive.
        let _ = self.connection.sender.send(message);
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    self.documents
                        .open(path.clone(), p.text_document.text, p.text_document.version);
                    self.dirty.insert(path);
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let Some(path) = uri_to_path(&p.text_document.uri) else {
                    return;
                };
                let Some(doc) = self.documents.get(&path) else { return };
                let mut text = doc.text.to_string();
                for change in p.content_changes {
                    apply(&mut text, change);
                }
                self.documents.change(&path, text, p.text_document.version);
                self.dirty.insert(path);
            }
            notification::DidSaveTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) else {
                    return;
                };
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    self.documents.invalidate(&path);
                    self.dirty.insert(path);
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    self.documents.close(&path);
                    self.units.remove(&path);
                    if !self.units.values().any(|u| u.contains(&path)) {
                        self.publish(&path, Vec::new(), None);
                    }
                    // Files importing it read it from disk again.
                    self.dirty.insert(path);
                }
            }
            notification::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = serde_json::from_value::<DidChangeWatchedFilesParams>(n.params) else {
                    return;
                };
                for change in p.changes {
                    if let Some(path) = uri_to_path(&change.uri) {
                        self.documents.invalidate(&path);
                        self.dirty.insert(path);
                    }
                }
            }
            _ => {}
        }
    }

    /// Re-analyses the open documents whose analysis a change touched, and publishes.
    fn flush(&mut self) {
        if self.dirty.is_empty() {
            return;
        }
        let dirty = std::mem::take(&mut self.dirty);
        let stdlib_dir = self.stdlib_dir.clone();
        let stdlib_path = |name: &str| super::stdlib_files::path(&stdlib_dir, name);
        let mut redone = Vec::new();
        for path in self.documents.open_paths() {
            let stale = match self.units.get(&path) {
                None => true,
                Some(unit) => dirty.iter().any(|d| unit.contains(d)),
            };
            if stale {
                let unit = Unit::analyze(&path, &self.documents, &stdlib_path);
                self.analyses += 1;
                self.units.insert(path.clone(), unit);
                redone.push(path);
            }
        }
        let mut still_published = BTreeSet::new();
        for path in &redone {
            let Some(unit) = self.units.get(path) else { continue };
            for (file, diagnostics) in super::diagnostics::by_file(unit) {
                let file_path = &unit.paths[file.0 as usize];
                if unit.stdlib[file.0 as usize] {
                    continue;
                }
                if file_path == path {
                    let version = self.documents.get(path).map(|d| d.version);
                    self.publish(file_path, diagnostics, version);
                } else if self.documents.get(file_path).is_none() {
                    still_published.insert(file_path.clone());
                    self.publish(file_path, diagnostics, None);
                }
            }
        }
        // Imported files no open document imports any more: clear what was shown.
        let gone: Vec<String> = self
            .published
            .iter()
            .filter(|p| !still_published.contains(*p) && !self.units.values().any(|u| u.contains(p)))
            .cloned()
            .collect();
        for path in gone {
            if self.documents.get(&path).is_none() {
                self.publish(&path, Vec::new(), None);
            }
        }
        self.published.retain(|p| self.units.values().any(|u| u.contains(p)));
        self.published.extend(still_published);
    }

    fn publish(&self, path: &str, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let Some(uri) = path_to_uri(path) else { return };
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            notification::PublishDiagnostics::METHOD.to_string(),
            params,
        )));
    }

    /// The unit to answer a request about `uri` from: its own analysis, or one that imports it.
    fn unit_for(&self, uri: &Uri) -> Result<(&Unit, FileId), LspError> {
        let unknown = || LspError::UnknownDocument {
            uri: uri.as_str().to_string(),
        };
        let path = uri_to_path(uri).ok_or_else(unknown)?;
        if let Some(unit) = self.units.get(&path) {
            let file = unit.file_of(&path).ok_or_else(unknown)?;
            return Ok((unit, file));
        }
        self.units
            .values()
            .find_map(|u| u.file_of(&path).map(|f| (u, f)))
            .ok_or_else(unknown)
    }

    fn request(&mut self, req: &Request) -> Response {
        let id = req.id.clone();
        match self.answer(req) {
            Ok(value) => Response::new_ok(id, value),
            Err(Answer::Lsp(e)) => {
                let code = match e {
                    LspError::UnknownDocument { .. } => ErrorCode::InvalidParams,
                    LspError::RenameCollision { .. }
                    | LspError::RenameInvalid { .. }
                    | LspError::RenameRefused { .. }
                    | LspError::NotFormatted { .. } => ErrorCode::RequestFailed,
                    LspError::Protocol { .. } => ErrorCode::InternalError,
                };
                Response::new_err(id, code as i32, e.to_message())
            }
            Err(Answer::BadParams(message)) => Response::new_err(id, ErrorCode::InvalidParams as i32, message),
            Err(Answer::Unknown) => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("maestroc lsp does not answer `{}`", req.method),
            ),
        }
    }

    fn answer(&mut self, req: &Request) -> Result<Value, Answer> {
        let params = req.params.clone();
        match req.method.as_str() {
            request::HoverRequest::METHOD => {
                let p: TextDocumentPositionParams = parse(params)?;
                let (unit, file) = self.unit_for(&p.text_document.uri)?;
                let offset = unit.offset(file, p.position);
                Ok(json!(super::hover::hover(unit, file, offset)))
            }
            request::GotoDefinition::METHOD => {
                let p: TextDocumentPositionParams = parse(params)?;
                let (unit, file) = self.unit_for(&p.text_document.uri)?;
                let offset = unit.offset(file, p.position);
                Ok(json!(super::navigate::definition(unit, file, offset)))
            }
            request::References::METHOD => {
                let p: lsp_types::ReferenceParams = parse(params)?;
                let position = p.text_document_position;
                let (unit, file) = self.unit_for(&position.text_document.uri)?;
                let offset = unit.offset(file, position.position);
                Ok(json!(super::navigate::references(
                    unit,
                    file,
                    offset,
                    p.context.include_declaration
                )))
            }
            request::PrepareRenameRequest::METHOD => {
                let p: TextDocumentPositionParams = parse(params)?;
                let (unit, file) = self.unit_for(&p.text_document.uri)?;
                let offset = unit.offset(file, p.position);
                let (span, _) = super::navigate::prepare(unit, file, offset)?;
                Ok(json!(unit.range(span)))
            }
            request::Rename::METHOD => {
                let p: lsp_types::RenameParams = parse(params)?;
                let position = p.text_document_position;
                let (unit, file) = self.unit_for(&position.text_document.uri)?;
                let offset = unit.offset(file, position.position);
                Ok(json!(super::navigate::rename(unit, file, offset, &p.new_name)?))
            }
            request::Completion::METHOD => {
                let p: lsp_types::CompletionParams = parse(params)?;
                let position = p.text_document_position;
                let (unit, file) = self.unit_for(&position.text_document.uri)?;
                let offset = unit.offset(file, position.position);
                // Text being typed rarely parses (`load.` is not an expression yet): complete
                // against the text with a placeholder name at the cursor, which usually does.
                let path = unit.paths[file.0 as usize].clone();
                let text = unit.text(file);
                let patched = format!(
                    "{}{}{}",
                    text.get(..offset as usize).unwrap_or(text),
                    super::complete::PLACEHOLDER,
                    text.get(offset as usize..).unwrap_or("")
                );
                let root = unit.root.clone();
                let overlay = Overlay {
                    documents: &self.documents,
                    path: &path,
                    text: &patched,
                };
                let stdlib_dir = self.stdlib_dir.clone();
                let stdlib_path = |name: &str| super::stdlib_files::path(&stdlib_dir, name);
                let patched_unit = Unit::analyze(&root, &overlay, &stdlib_path);
                let patched_file = patched_unit.file_of(&path).unwrap_or(file);
                Ok(json!(super::complete::complete(
                    &patched_unit,
                    patched_file,
                    (unit, file),
                    offset
                )))
            }
            request::DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = parse(params)?;
                let (unit, file) = self.unit_for(&p.text_document.uri)?;
                Ok(json!(super::outline::symbols(unit, file)))
            }
            request::FoldingRangeRequest::METHOD => {
                let p: lsp_types::FoldingRangeParams = parse(params)?;
                let (unit, file) = self.unit_for(&p.text_document.uri)?;
                Ok(json!(super::outline::folding(unit, file)))
            }
            request::SemanticTokensFullRequest::METHOD => {
                let p: lsp_types::SemanticTokensParams = parse(params)?;
                let (unit, file) = self.unit_for(&p.text_document.uri)?;
                let data = super::tokens::tokens(unit, file);
                Ok(json!(lsp_types::SemanticTokens { result_id: None, data }))
            }
            request::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = parse(params)?;
                let (unit, file) = self.unit_for(&p.text_document.uri)?;
                Ok(json!(super::actions::actions(
                    unit,
                    file,
                    &p.text_document.uri,
                    p.range
                )))
            }
            request::Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = parse(params)?;
                let (unit, file) = self.unit_for(&p.text_document.uri)?;
                let text = unit.text(file);
                let formatted = crate::format::format_source(text).map_err(|e| LspError::NotFormatted {
                    reason: match &e {
                        crate::format::FormatError::Syntax(_) => "it has syntax errors".to_string(),
                        crate::format::FormatError::Changed | crate::format::FormatError::LostComment => {
                            format!(
                                "{e} ({})",
                                miette::Diagnostic::code(&e).map(|c| c.to_string()).unwrap_or_default()
                            )
                        }
                    },
                })?;
                if formatted == text {
                    return Ok(json!([]));
                }
                let end = u32::try_from(text.len()).unwrap_or(u32::MAX);
                let range = unit.range(crate::base::span::Span { file, start: 0, end });
                Ok(json!([lsp_types::TextEdit::new(range, formatted)]))
            }
            "maestroc/stats" => Ok(json!({
                "disk_reads": self.documents.disk_reads(),
                "analyses": self.analyses,
            })),
            _ => Err(Answer::Unknown),
        }
    }
}

/// The documents, with one file's text replaced (for completion).
struct Overlay<'a> {
    documents: &'a Documents,
    path: &'a str,
    text: &'a str,
}

impl crate::loader::Loader for Overlay<'_> {
    fn load(&self, path: &str) -> Result<String, crate::loader::LoadError> {
        if path == self.path {
            return Ok(self.text.to_string());
        }
        self.documents.load(path)
    }
}

/// Why a request got no result.
enum Answer {
    Lsp(LspError),
    BadParams(String),
    Unknown,
}

impl From<LspError> for Answer {
    fn from(e: LspError) -> Self {
        Answer::Lsp(e)
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, Answer> {
    serde_json::from_value(params).map_err(|e| Answer::BadParams(format!("invalid parameters: {e}")))
}

/// Applies one change (a range edit, or the whole text) to a document's text.
fn apply(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let lines = Lines::new(text);
            let start = lines.offset(text, range.start) as usize;
            let end = (lines.offset(text, range.end) as usize).max(start);
            if text.is_char_boundary(start) && text.is_char_boundary(end) {
                text.replace_range(start..end, &change.text);
            }
        }
    }
}

/// What the server can do, for the `initialize` answer.
#[must_use]
pub fn capabilities() -> Value {
    json!({
        "positionEncoding": "utf-16",
        "textDocumentSync": {
            "openClose": true,
            "change": 2,
            "save": { "includeText": false }
        },
        "hoverProvider": true,
        "definitionProvider": true,
        "referencesProvider": true,
        "renameProvider": { "prepareProvider": true },
        "completionProvider": { "triggerCharacters": [".", "{"] },
        "documentSymbolProvider": true,
        "foldingRangeProvider": true,
        "semanticTokensProvider": {
            "legend": super::tokens::legend(),
            "full": true
        },
        "codeActionProvider": { "codeActionKinds": ["quickfix"] },
        "documentFormattingProvider": true
    })
}
