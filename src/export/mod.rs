//! Back ends that compile the IR to other workflow engines: Argo Workflows manifests
//! (`argo`, YAML) and Netflix Maestro workflow definitions (`maestro`, JSON).
//!
//! Both read only the IR (ids, types, spans). Every construct either maps or is refused
//! with a coded diagnostic ([`error::ExportError`]); a mapping that is only approximate
//! comes with a warning ([`error::ExportWarning`]). See `docs/export.md`.

pub mod argo;
pub mod error;
mod inline;
pub mod literal;
pub mod maestro;
pub mod names;
pub mod types;

use crate::diagnostics::Problems;

/// What an export produced: the document when nothing was refused, and every diagnostic.
#[derive(Debug)]
pub struct Exported {
    pub text: Option<String>,
    pub problems: Problems,
}

/// Options shared by the back ends.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The image of steps that name none (`--default-image`).
    pub default_image: Option<String>,
    /// `--kind template`: an Argo `WorkflowTemplate` instead of a `Workflow`/`CronWorkflow`.
    pub template: bool,
}
