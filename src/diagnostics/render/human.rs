//! Human rendering: one style for every diagnostic, whatever stage it comes from (front
//! end, launch, runtime): a `error[E0104]: message` header, then miette's snippet of the
//! source, then the help line.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity, SourceCode};

use super::RenderOptions;
use crate::diagnostics::Problems;
use crate::source::{SourceFile, SourceMap};

/// A diagnostic with the source it points into and without its code (the code goes in
/// the header this module writes, not on a line of its own as miette would put it).
struct Framed<'a> {
    diagnostic: &'a dyn Diagnostic,
    source: Option<NamedSource<Arc<str>>>,
}

impl fmt::Debug for Framed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Framed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.diagnostic, f)
    }
}

impl std::error::Error for Framed<'_> {}

impl Diagnostic for Framed<'_> {
    fn severity(&self) -> Option<Severity> {
        self.diagnostic.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // Labels without a source cannot be drawn; miette would print an error instead.
        self.source.as_ref()?;
        self.diagnostic.labels()
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        self.diagnostic.related()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
}

/// `error[E0104]:`, `warning[W0004]:`, or `error:` for a diagnostic without a code.
#[must_use]
pub fn header(diagnostic: &dyn Diagnostic) -> String {
    let severity = super::severity_word(diagnostic.severity());
    match diagnostic.code() {
        Some(code) => format!("{severity}[{code}]:"),
        None => format!("{severity}:"),
    }
}

/// Renders one diagnostic of any stage, against `file` when it has labels in it.
///
/// The result ends with a newline. This is the one place that draws diagnostics for
/// people: `check`, the launch errors of `run`/`resume` and the runtime's errors all
/// come here.
#[must_use]
pub fn render(diagnostic: &dyn Diagnostic, file: Option<&SourceFile>, options: &RenderOptions) -> String {
    let mut theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // miette writes `  <icon> message`; the icon becomes the header's first part.
    let head = header(diagnostic);
    theme.characters.error.clone_from(&head);
    theme.characters.warning.clone_from(&head);
    theme.characters.advice.clone_from(&head);
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        // Like rustc: a message or help line is one line, however long; terminals and
        // editors wrap it, and `grep` finds it whole.
        .with_wrap_lines(false)
        .with_links(false);
    let framed = Framed {
        diagnostic,
        source: file.map(|f| NamedSource::new(f.name.clone(), Arc::clone(&f.text))),
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &framed).is_err() {
        out.clear();
        let _ = writeln!(out, "{head} {diagnostic}");
        if let Some(help) = diagnostic.help() {
            let _ = writeln!(out, "  help: {help}");
        }
        return out;
    }
    // The header starts the line, like rustc's.
    match out.strip_prefix("  ") {
        Some(rest) => rest.to_string(),
        None => out,
    }
}

/// Renders every problem, sorted by file then position.
#[must_use]
pub fn human(sources: &SourceMap, problems: &Problems, options: &RenderOptions) -> String {
    let mut out = String::new();
    for problem in super::sorted(problems) {
        out.push_str(&render(&*problem.diagnostic, Some(sources.get(problem.file)), options));
    }
    out
}
