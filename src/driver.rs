//! The front-end driver: loads root files and their imports through a [`Loader`], parses
//! every module once, and hands the module graph to the checker. No direct I/O here.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use miette::Diagnostic;
use thiserror::Error;

use crate::base::source::{SourceFile, SourceMap};
use crate::base::span::{FileId, Span};
use crate::diagnostics::suggest::best_match;
use crate::diagnostics::Problems;
pub use crate::imports::Options;
use crate::loader::{LoadError, Loader};
use crate::syntax::ast::Item;

pub use crate::base::ids::ModuleId;

pub use crate::check::module::Module;

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

impl Analysis {
    /// The checked program, when the front end reported no error.
    #[must_use]
    pub fn checked(&self) -> Option<crate::check::Checked<'_>> {
        crate::check::Checked::new(&self.modules, &self.program, &self.problems)
    }
}

#[derive(Debug, Error, Diagnostic)]
pub enum LoadProblem {
    #[error("this file is not valid UTF-8")]
    #[diagnostic(code(E0001), help("MFlow files are UTF-8 text; re-save the file as UTF-8"))]
    InvalidUtf8 {
        #[label("invalid byte here")]
        span: Span,
    },
    #[error("cannot find module `{path}`: {missing}")]
    #[diagnostic(code(E0101))]
    ModuleNotFound {
        path: String,
        #[label("looked for `{resolved}`")]
        span: Span,
        resolved: String,
        /// What is missing, in words ("there is no file `dir/x.mflow`").
        missing: String,
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
    analyze_with(loader, roots, &Options::default())
}

/// [`analyze`] with options.
pub fn analyze_with(loader: &dyn Loader, roots: &[String], options: &Options) -> Analysis {
    let mut driver = Driver {
        loader,
        analysis: Analysis::default(),
        by_path: HashMap::new(),
        options,
        project_root: String::new(),
    };
    for root in roots {
        driver.project_root = match &options.project_root {
            Some(dir) => normalize(Path::new(dir)),
            None => normalize(Path::new(root).parent().unwrap_or(Path::new(""))),
        };
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
    options: &'a Options,
    /// The project root of the root file being loaded (normalized; empty for `.`).
    project_root: String,
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
                Item::Fn(_) | Item::Workflow(_) | Item::Error { .. } => None,
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
                        missing: format!("the standard library has no module `{name}`"),
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
        if let Some(refusal) = crate::imports::refuse(path, &joined, &self.project_root, self.options, span) {
            self.analysis.problems.push(file, refusal);
            return None;
        }
        if let Some(id) = self.by_path.get(&joined) {
            return Some(*id);
        }
        match self.loader.load(&joined) {
            Ok(text) => self.add_import(&joined, text, file, path, span),
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
                        missing: format!("there is no file `{joined}`"),
                        resolved: joined,
                        help,
                    },
                );
                None
            }
            Err(error @ (LoadError::Unreadable(_) | LoadError::NotRegular(_) | LoadError::TooLarge { .. })) => {
                self.analysis.problems.push(
                    file,
                    LoadProblem::ModuleUnreadable {
                        path: path.to_string(),
                        reason: error.reason(),
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

    /// Adds an imported file, unless it is not MFlow at all (see `imports.rs`).
    fn add_import(&mut self, joined: &str, text: String, file: FileId, path: &str, span: Span) -> Option<ModuleId> {
        if let Some(problem) = crate::imports::not_mflow(&text, path, span) {
            // Like a missing module: no module, so no cascade of "unused" or "not found".
            self.analysis.problems.push(file, problem);
            return None;
        }
        Some(self.add_module(joined.to_string(), joined, text, false))
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
                    Item::Fn(_) | Item::Workflow(_) | Item::Error { .. } => None,
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
            other @ (Component::Prefix(_) | Component::RootDir | Component::Normal(_)) => {
                out.push(other.as_os_str());
            }
        }
    }
    out.to_string_lossy().replace('\\', "/")
}
