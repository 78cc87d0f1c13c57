//! Where an `import` may reach, and what counts as an MFlow file (`docs/cli.md`, "Source
//! files"): imports are `.mflow` files inside the project root, so that a program cannot
//! make `maestroc` read, and echo in its diagnostics, any other file of the machine.

use std::path::Path;

use miette::Diagnostic;
use thiserror::Error;

use crate::diagnostics::Problems;
use crate::syntax::span::{FileId, Span};

/// Where imports may reach.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The project root; by default the directory of each root file.
    pub project_root: Option<String>,
    /// Allow imports outside the project root and absolute import paths.
    pub allow_outside_root: bool,
}

#[derive(Debug, Error, Diagnostic)]
pub enum ImportProblem {
    #[error("cannot import `{path}`: {reason}")]
    #[diagnostic(code(E0120))]
    Refused {
        path: String,
        reason: String,
        #[label("refused")]
        span: Span,
        #[help]
        help: Option<String>,
    },
    #[error("`{path}` is not an MFlow file")]
    #[diagnostic(
        code(E0121),
        help("an imported file must hold MFlow declarations (`fn`, `workflow`, `type`, `import`, …); its content is not shown")
    )]
    NotMflow {
        path: String,
        #[label("the file it names does not start with an MFlow declaration")]
        span: Span,
    },
}

/// Why an import may not be loaded: not an `.mflow` file, an absolute path, or a path out
/// of the project root (unless allowed). `path` is as written, `joined` as resolved
/// (lexically normalized) and `root` the normalized project root (empty for `.`). The
/// check is lexical: it looks at the path, not at symbolic links.
#[must_use]
pub fn refuse(path: &str, joined: &str, root: &str, options: &Options, span: Span) -> Option<ImportProblem> {
    let refused = |reason: String, help: Option<String>| ImportProblem::Refused {
        path: path.to_string(),
        reason,
        span,
        help,
    };
    if Path::new(path).extension().is_none_or(|e| e != "mflow") {
        return Some(refused(
            "only `.mflow` files can be imported".into(),
            Some("MFlow modules are `.mflow` files; the standard library is `std/NAME`".into()),
        ));
    }
    if options.allow_outside_root {
        return None;
    }
    let allow = "to allow it, pass `--allow-imports-outside-root`, or set the root with `--project-root DIR`";
    if Path::new(path).is_absolute() {
        return Some(refused(
            "absolute import paths are not allowed".into(),
            Some(format!("write the path relative to the importing file; {allow}")),
        ));
    }
    let inside = if root.is_empty() || root == "." {
        !joined.starts_with("../") && joined != ".." && !Path::new(joined).is_absolute()
    } else {
        Path::new(joined).starts_with(root)
    };
    (!inside).then(|| {
        let shown = if root.is_empty() { "." } else { root };
        refused(
            format!("it is outside the project root `{shown}`"),
            Some(format!("imports stay inside the project; {allow}")),
        )
    })
}

/// The diagnostic for an imported file whose very first token is not MFlow (a token, a
/// password file, a CSV under an `.mflow` name), or `None` for a file that starts like
/// MFlow. Its own parse errors are never shown: they would quote its lines.
#[must_use]
pub fn not_mflow(text: &str, path: &str, span: Span) -> Option<ImportProblem> {
    if text.trim().is_empty() {
        return None;
    }
    let first = text.len() - text.trim_start().len();
    let mut probe = Problems::new();
    let _ = crate::syntax::parse(FileId(u32::MAX), text, &mut probe);
    let starts_wrong = probe.iter().filter(|p| p.is_error()).any(|p| p.offset() <= first);
    starts_wrong.then(|| ImportProblem::NotMflow {
        path: path.to_string(),
        span,
    })
}
