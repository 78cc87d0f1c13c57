//! The front-end driver: loads root files and their imports through a [`Loader`], parses
//! every module once, and hands the module graph to the checker. No direct I/O here.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use miette::Diagnostic;
use thiserror::Error;

use crate::diagnostics::suggest::best_match;
use crate::diagnostics::Problems;
use crate::loader::{LoadError, Loader};
use crate::source::{SourceFile, SourceMap};
use crate::syntax::ast::{self, Item};
use crate::syntax::span::{FileId, Span};

/// Index of a module in [`Analysis::modules`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleId(pub u32);

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

/// A root file that could not be read at all (exit code 2).
#[derive(Debug)]
pub struct Unreadable {
    pub path: String,
    pub error: LoadError,
}

/// Everything the front end learnt about a set of root files.
#[derive(Debug, Default)]
pub struct Analysis {
    pub sources: SourceMap,
    pub problems: Problems,
    pub modules: Vec<Module>,
    /// The modules of the root files, in command-line order.
    pub roots: Vec<ModuleId>,
    pub unreadable: Vec<Unreadable>,
    /// The checked program (complete only when `problems` has no errors).
    pub program: crate::check::Program,
}

#[derive(Debug, Error, Diagnostic)]
pub enum LoadProblem {
    #[error("this file is not valid UTF-8")]
    #[diagnostic(code(E0001), help("MFlow files are UTF-8 text; re-save the file as UTF-8"))]
    InvalidUtf8 {
        #[label("invalid byte here")]
        span: Span,
    },
    #[error("cannot find module `{path}`")]
    #[diagnostic(code(E0101))]
    ModuleNotFound {
        path: String,
        #[label("no file at `{resolved}`")]
        span: Span,
        resolved: String,
        #[help]
        help: Option<String>,
    },
    #[error("cannot read module `{path}`: {reason}")]
    #[diagnostic(code(E0101))]
    ModuleUnreadable {
        path: String,
        reason: String,
        #[label("imported here")]
        span: Span,
        #[help]
        help: Option<String>,
    },
    #[error("import cycle: {cycle}")]
    #[diagnostic(
        code(E0102),
        help("modules cannot import each other in a circle; move what both need into a third module")
    )]
    ImportCycle {
        cycle: String,
        #[label("this import closes the cycle")]
        span: Span,
    },
}

/// Loads, parses and checks the given root files.
pub fn analyze(loader: &dyn Loader, roots: &[String]) -> Analysis {
    let mut driver = Driver {
        loader,
        analysis: Analysis::default(),
        by_path: HashMap::new(),
    };
    for root in roots {
        if let Some(id) = driver.load_root(root) {
            driver.analysis.roots.push(id);
        }
    }
    driver.find_import_cycles();
    let mut analysis = driver.analysis;
    analysis.program = crate::check::check(&analysis.modules, &mut analysis.problems);
    analysis.problems.sort();
    analysis
}

struct Driver<'a> {
    loader: &'a dyn Loader,
    analysis: Analysis,
    by_path: HashMap<String, ModuleId>,
}

impl Driver<'_> {
    fn load_root(&mut self, path: &str) -> Option<ModuleId> {
        let key = normalize(Path::new(path));
        if let Some(id) = self.by_path.get(&key) {
            return Some(*id);
        }
        match self.loader.load(path) {
            Ok(text) => Some(self.add_module(path.to_string(), &key, text, false)),
            Err(LoadError::InvalidUtf8 { lossy, valid_up_to }) => {
                let file = self.analysis.sources.add(SourceFile::new(path.to_string(), lossy));
                self.analysis.problems.push(
                    file,
                    LoadProblem::InvalidUtf8 {
                        span: Span::new(file, valid_up_to, valid_up_to + 1),
                    },
                );
                None
            }
            Err(error) => {
                self.analysis.unreadable.push(Unreadable {
                    path: path.to_string(),
                    error,
                });
                None
            }
        }
    }

    /// Adds a module's source, parses it, and loads what it imports.
    fn add_module(&mut self, name: String, key: &str, text: String, is_stdlib: bool) -> ModuleId {
        let file = self.analysis.sources.add(SourceFile::new(name, text));
        let source = self.analysis.sources.get(file).text.clone();
        let errors_before = self.analysis.problems.error_count();
        let ast = crate::syntax::parse(file, &source, &mut self.analysis.problems);
        let parsed_whole = self.analysis.problems.error_count() == errors_before;
        let id = ModuleId(u32::try_from(self.analysis.modules.len()).unwrap_or(u32::MAX));
        self.by_path.insert(key.to_string(), id);
        self.analysis.modules.push(Module {
            file,
            path: key.to_string(),
            ast,
            imports: Vec::new(),
            is_stdlib,
            parsed_whole,
        });
        let imports: Vec<(String, Span)> = self.analysis.modules[id.0 as usize]
            .ast
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Import(import) => Some((import.path.clone(), import.path_span)),
                _ => None,
            })
            .collect();
        let mut resolved = Vec::with_capacity(imports.len());
        for (path, span) in imports {
            resolved.push(self.load_import(key, file, &path, span));
        }
        self.analysis.modules[id.0 as usize].imports = resolved;
        id
    }

    fn load_import(&mut self, from: &str, file: FileId, path: &str, span: Span) -> Option<ModuleId> {
        if let Some(name) = path.strip_prefix("std/") {
            let key = format!("std/{name}");
            if let Some(id) = self.by_path.get(&key) {
                return Some(*id);
            }
            let Some(source) = crate::stdlib::module(name) else {
                let help = best_match(name, crate::stdlib::names())
                    .map(|m| format!("did you mean `std/{m}`?"))
                    .or_else(|| {
                        let all: Vec<_> = crate::stdlib::names().map(|n| format!("`std/{n}`")).collect();
                        Some(format!("the standard library has {}", all.join(", ")))
                    });
                self.analysis.problems.push(
                    file,
                    LoadProblem::ModuleNotFound {
                        path: path.to_string(),
                        span,
                        resolved: key,
                        help,
                    },
                );
                return None;
            };
            return Some(self.add_module(format!("std/{name}.mflow"), &key, source.to_string(), true));
        }
        let base = Path::new(from).parent().unwrap_or(Path::new(""));
        let joined = normalize(&base.join(path));
        if let Some(id) = self.by_path.get(&joined) {
            return Some(*id);
        }
        match self.loader.load(&joined) {
            Ok(text) => Some(self.add_module(joined.clone(), &joined, text, false)),
            Err(LoadError::NotFound) => {
                let help = if path.starts_with("./") || path.starts_with("../") {
                    None
                } else {
                    Some(format!(
                        "paths of imported files are relative to the importing file; write `\"./{path}\"`, or `\"std/{path}\"` for the standard library"
                    ))
                };
                self.analysis.problems.push(
                    file,
                    LoadProblem::ModuleNotFound {
                        path: path.to_string(),
                        span,
                        resolved: joined,
                        help,
                    },
                );
                None
            }
            Err(LoadError::Unreadable(reason)) => {
                self.analysis.problems.push(
                    file,
                    LoadProblem::ModuleUnreadable {
                        path: path.to_string(),
                        reason,
                        span,
                        help: None,
                    },
                );
                None
            }
            Err(LoadError::InvalidUtf8 { .. }) => {
                self.analysis.problems.push(
                    file,
                    LoadProblem::ModuleUnreadable {
                        path: path.to_string(),
                        reason: "it is not valid UTF-8".to_string(),
                        span,
                        help: Some("MFlow files are UTF-8 text; re-save the file as UTF-8".into()),
                    },
                );
                None
            }
        }
    }

    /// Reports each import that closes a cycle of imports, with the cycle's path.
    fn find_import_cycles(&mut self) {
        // Iterative DFS with colours; modules are few, but stay iterative anyway.
        let n = self.analysis.modules.len();
        let mut colour = vec![0u8; n]; // 0 new, 1 on stack, 2 done
        let mut reported = Vec::new();
        for start in 0..n {
            if colour[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            colour[start] = 1;
            while let Some(&mut (m, ref mut next)) = stack.last_mut() {
                let imports = &self.analysis.modules[m].imports;
                if *next < imports.len() {
                    let k = *next;
                    *next += 1;
                    let Some(target) = imports[k] else { continue };
                    let t = target.0 as usize;
                    if colour[t] == 0 {
                        colour[t] = 1;
                        stack.push((t, 0));
                    } else if colour[t] == 1 {
                        let pos = stack.iter().position(|(s, _)| *s == t).unwrap_or(0);
                        let mut names: Vec<String> = stack[pos..]
                            .iter()
                            .map(|(s, _)| self.analysis.modules[*s].path.clone())
                            .collect();
                        names.push(self.analysis.modules[t].path.clone());
                        reported.push((m, k, names.join(" → ")));
                    }
                } else {
                    colour[m] = 2;
                    stack.pop();
                }
            }
        }
        for (m, k, cycle) in reported {
            let module = &self.analysis.modules[m];
            let span = module
                .ast
                .items
                .iter()
                .filter_map(|item| match item {
                    Item::Import(import) => Some(import.span),
                    _ => None,
                })
                .nth(k)
                .unwrap_or_default();
            self.analysis
                .problems
                .push(module.file, LoadProblem::ImportCycle { cycle, span });
        }
    }
}

/// Lexically normalizes a path (`a/./b/../c` → `a/c`), keeping leading `..`.
fn normalize(path: &Path) -> String {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out.to_string_lossy().replace('\\', "/")
}
