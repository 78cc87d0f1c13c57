//! The diagnostic model shared by every stage: problems are `miette::Diagnostic` values
//! tagged with the file they belong to, collected (never thrown) so that all are reported.

pub mod explain;
pub mod render;
pub mod suggest;

use miette::{Diagnostic, Severity};

use crate::base::span::FileId;

/// A boxed diagnostic from any stage.
pub type BoxedDiagnostic = Box<dyn Diagnostic + Send + Sync + 'static>;

/// One problem found in one file.
pub struct Problem {
    pub file: FileId,
    pub diagnostic: BoxedDiagnostic,
}

impl std::fmt::Debug for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Problem")
            .field("file", &self.file)
            .field("code", &self.code())
            .field("message", &self.diagnostic.to_string())
            .finish()
    }
}

impl Problem {
    pub fn new(file: FileId, diagnostic: impl Diagnostic + Send + Sync + 'static) -> Self {
        Self {
            file,
            diagnostic: Box::new(diagnostic),
        }
    }

    /// The stable code, like `E0104` or `W0001`.
    #[must_use]
    pub fn code(&self) -> String {
        self.diagnostic.code().map(|c| c.to_string()).unwrap_or_default()
    }

    #[must_use]
    pub fn severity(&self) -> Severity {
        self.diagnostic.severity().unwrap_or(Severity::Error)
    }

    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    /// Byte offset of the primary label (the first label), for sorting.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.diagnostic
            .labels()
            .and_then(|mut labels| {
                let labels: Vec<_> = labels.by_ref().collect();
                labels
                    .iter()
                    .find(|l| l.primary())
                    .or(labels.first())
                    .map(miette::LabeledSpan::offset)
            })
            .unwrap_or(0)
    }
}

/// The problems collected by a stage.
#[derive(Debug, Default)]
pub struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, file: FileId, diagnostic: impl Diagnostic + Send + Sync + 'static) {
        self.list.push(Problem::new(file, diagnostic));
    }

    pub fn push_problem(&mut self, problem: Problem) {
        self.list.push(problem);
    }

    pub fn extend(&mut self, other: Problems) {
        self.list.extend(other.list);
    }

    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Problem::is_error)
    }

    #[must_use]
    pub fn error_count(&self) -> usize {
        self.list.iter().filter(|p| p.is_error()).count()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.list.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.list.iter()
    }

    /// Sorts by file, then position; stable, so equal positions keep report order.
    pub fn sort(&mut self) {
        self.list.sort_by_key(|p| (p.file, p.offset()));
    }

    #[must_use]
    pub fn into_vec(self) -> Vec<Problem> {
        self.list
    }
}
