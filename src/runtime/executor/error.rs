//! What can go wrong choosing and setting up an executor at launch (the E07xx codes), and the
//! warnings of the local executor about needs it does not meet (W0010–W0012).

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::base::source::{SourceFile, SourceMap};
use crate::base::span::Span;

#[derive(Debug, Error, Diagnostic)]
pub enum ExecutorError {
    #[error("cannot read {path}: {reason}")]
    #[diagnostic(code(E0700), help("fix the file's permissions, or unset MFLOW_CONFIG"))]
    ConfigUnreadable { path: String, reason: String },

    /// A mistake in `mflow.toml`, with its span in the file.
    #[error("{message}")]
    #[diagnostic(code(E0701))]
    Config {
        file: String,
        text: String,
        #[label("here")]
        span: SourceSpan,
        message: String,
        #[help]
        help: Option<String>,
    },

    /// `--executor slurm` where Slurm's commands are not installed.
    #[error("sbatch not found; see docs/executors.md")]
    #[diagnostic(
        code(E0702),
        help(
            "install Slurm's client commands (Debian: `apt-get install slurm-client`) or run with `--executor local`"
        )
    )]
    SbatchMissing,

    /// A step with `image` under an executor with no container runtime configured.
    #[error("step `{step}` has an `image`, but executor `{executor}` has no container runtime configured")]
    #[diagnostic(code(E0703))]
    ImageWithoutRuntime {
        step: String,
        executor: &'static str,
        #[label("this image would not be used")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    /// A step asks for a profile `mflow.toml` does not define.
    #[error("step `{step}` asks for executor profile `{profile}`, which mflow.toml does not define")]
    #[diagnostic(code(E0704))]
    UnknownProfile {
        step: String,
        profile: String,
        #[label("no such profile")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    /// `resume --executor X` of a run recorded with another executor.
    #[error("run `{run_id}` was started with executor `{recorded}`, not `{asked}`")]
    #[diagnostic(code(E0705))]
    ResumeExecutor {
        run_id: String,
        recorded: String,
        asked: String,
        #[help]
        help: Option<String>,
    },

    /// The local executor does not run `image`.
    #[error("step `{step}` declares an `image`, which the local executor does not apply: the step runs on this host")]
    #[diagnostic(
        code(W0010),
        severity(Warning),
        help("run with `--executor slurm` and a `container_runtime` in mflow.toml to use the image")
    )]
    LocalImage {
        step: String,
        #[label("not applied")]
        span: Span,
    },

    /// The local executor does not apply `resources`.
    #[error("step `{step}` declares `resources`, which the local executor does not apply")]
    #[diagnostic(
        code(W0011),
        severity(Warning),
        help("run with `--executor slurm` to have them reserved for the step")
    )]
    LocalResources {
        step: String,
        #[label("not applied")]
        span: Span,
    },

    /// The local executor has no profiles.
    #[error("step `{step}` asks for executor profile `{profile}`, which the local executor does not apply")]
    #[diagnostic(
        code(W0012),
        severity(Warning),
        help("profiles place steps on a cluster: run with `--executor slurm`")
    )]
    LocalProfile {
        step: String,
        profile: String,
        #[label("not applied")]
        span: Span,
    },
}

impl ExecutorError {
    /// The `.mflow` span, for the errors about a step.
    #[must_use]
    pub fn span(&self) -> Option<Span> {
        match self {
            ExecutorError::ImageWithoutRuntime { span, .. }
            | ExecutorError::UnknownProfile { span, .. }
            | ExecutorError::LocalImage { span, .. }
            | ExecutorError::LocalResources { span, .. }
            | ExecutorError::LocalProfile { span, .. } => Some(*span),
            ExecutorError::ConfigUnreadable { .. }
            | ExecutorError::Config { .. }
            | ExecutorError::SbatchMissing
            | ExecutorError::ResumeExecutor { .. } => None,
        }
    }

    /// Whether it is a warning (the run goes on).
    #[must_use]
    pub fn is_warning(&self) -> bool {
        matches!(self.severity(), Some(miette::Severity::Warning))
    }

    /// The diagnostic drawn with the file it points into (`.mflow` or `mflow.toml`).
    #[must_use]
    pub fn render(&self, sources: &SourceMap, color: bool) -> String {
        let toml;
        let file = if let ExecutorError::Config { file, text, .. } = self {
            toml = SourceFile::new(file.clone(), text.clone());
            Some(&toml)
        } else {
            self.span().map(|s| sources.get(s.file))
        };
        crate::diagnostics::render::render(
            self,
            file,
            &crate::diagnostics::render::RenderOptions { color, width: 100 },
        )
    }
}
