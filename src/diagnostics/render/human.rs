//! Human rendering: miette's graphical report, with the file's name and text attached.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity, SourceCode};

use super::RenderOptions;
use crate::diagnostics::{Problem, Problems};
use crate::source::SourceMap;

/// A problem together with the source it points into, for miette.
struct WithSource<'a> {
    problem: &'a Problem,
    source: NamedSource<Arc<str>>,
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.problem.diagnostic, f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.problem.diagnostic, f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.problem.diagnostic.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.problem.diagnostic.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.problem.diagnostic.help()
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.problem.diagnostic.url()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.problem.diagnostic.labels()
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        self.problem.diagnostic.related()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
}

/// Renders every problem as miette's graphical report, sorted by file then position.
#[must_use]
pub fn human(sources: &SourceMap, problems: &Problems, options: &RenderOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let mut out = String::new();
    for problem in super::sorted(problems) {
        let file = sources.get(problem.file);
        let wrapped = WithSource {
            problem,
            source: NamedSource::new(file.name.clone(), Arc::clone(&file.text)),
        };
        if handler.render_report(&mut out, &wrapped).is_err() {
            let _ = writeln!(out, "{}", problem.diagnostic);
        }
    }
    out
}
