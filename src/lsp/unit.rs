//! One analysis: a root document with everything it imports, parsed, checked and indexed.

use lsp_types::{Location, Range, Uri};
use rustc_hash::FxHashMap;

use super::convert::{path_to_uri, Lines};
use super::index::{self, Index};
use super::types::ExprTypes;
use crate::base::span::{FileId, Span};
use crate::check::ty::Type;
use crate::driver::Analysis;
use crate::loader::Loader;

/// A root document's analysis and what the server derived from it.
#[derive(Debug)]
pub struct Unit {
    pub root: String,
    pub analysis: Analysis,
    pub index: Index,
    /// By file id: the path on disk (the stdlib: its read-only copy).
    pub paths: Vec<String>,
    pub lines: Vec<Lines>,
    /// Whether a file is the standard library's.
    pub stdlib: Vec<bool>,
    /// The types of expressions, from the checked tree (only when the program checked clean).
    pub types: ExprTypes,
    /// The types of declared names, from the checker's bindings (also with errors).
    pub binding_types: FxHashMap<Span, Type>,
}

impl Unit {
    /// Analyses `root` with the texts of `loader`; `stdlib_path` maps a stdlib module name to
    /// the read-only copy shown to the editor.
    pub fn analyze(root: &str, loader: &dyn Loader, stdlib_path: &dyn Fn(&str) -> String) -> Unit {
        let analysis = crate::driver::analyze(loader, &[root.to_string()]);
        let mut paths = vec![String::new(); analysis.sources.len()];
        let mut stdlib = vec![false; analysis.sources.len()];
        for (id, file) in analysis.sources.iter() {
            paths[id.0 as usize].clone_from(&file.name);
        }
        for module in &analysis.modules {
            if module.is_stdlib {
                let name = module.path.strip_prefix("std/").unwrap_or(&module.path);
                paths[module.file.0 as usize] = stdlib_path(name);
                stdlib[module.file.0 as usize] = true;
            }
        }
        let lines = analysis.sources.iter().map(|(_, f)| Lines::new(&f.text)).collect();
        let index = index::build(&analysis.modules);
        let types = analysis
            .checked()
            .map(|checked| ExprTypes::from_tree(checked.tree()))
            .unwrap_or_default();
        let binding_types = analysis
            .program
            .bindings
            .iter()
            .map(|b| (b.span, b.ty.clone()))
            .collect();
        Unit {
            root: root.to_string(),
            analysis,
            index,
            paths,
            lines,
            stdlib,
            types,
            binding_types,
        }
    }

    /// The file id of a path in this analysis.
    #[must_use]
    pub fn file_of(&self, path: &str) -> Option<FileId> {
        self.paths
            .iter()
            .position(|p| p == path)
            .map(|i| FileId(u32::try_from(i).unwrap_or(u32::MAX)))
    }

    #[must_use]
    pub fn contains(&self, path: &str) -> bool {
        self.root == path || self.paths.iter().any(|p| p == path)
    }

    #[must_use]
    pub fn text(&self, file: FileId) -> &str {
        &self.analysis.sources.get(file).text
    }

    #[must_use]
    pub fn range(&self, span: Span) -> Range {
        self.lines[span.file.0 as usize].range(self.text(span.file), span.start, span.end)
    }

    #[must_use]
    pub fn offset(&self, file: FileId, position: lsp_types::Position) -> u32 {
        self.lines[file.0 as usize].offset(self.text(file), position)
    }

    #[must_use]
    pub fn uri(&self, file: FileId) -> Option<Uri> {
        path_to_uri(self.paths.get(file.0 as usize)?)
    }

    #[must_use]
    pub fn location(&self, span: Span) -> Option<Location> {
        Some(Location::new(self.uri(span.file)?, self.range(span)))
    }

    /// The source text of a span.
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.analysis.sources.get(span.file).slice(span)
    }
}
