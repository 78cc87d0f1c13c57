//! The diagnostics of `compile --target argo|maestro`: refusals (errors in the E08xx
//! range) and approximate mappings (warnings). Each names the target, what was refused
//! and why.

use miette::Diagnostic;
use thiserror::Error;

use crate::base::span::Span;

/// A construct the target cannot express: nothing is emitted.
#[derive(Debug, Error, Diagnostic)]
pub enum ExportError {
    /// A language construct with no equivalent on the target.
    #[error("{what} cannot be compiled to {target}: {reason}")]
    #[diagnostic(code(E0800))]
    Unsupported {
        what: String,
        target: &'static str,
        reason: String,
        #[label("no {target} equivalent")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    /// A command step without a container image and no `--default-image`.
    #[error("step `{step}` has no container image, which {target} needs to run its command")]
    #[diagnostic(
        code(E0801),
        help("add `image \"repo/name:tag\"` to the step, or pass `--default-image IMAGE`")
    )]
    NoImage {
        step: String,
        target: &'static str,
        #[label("this step runs a command")]
        span: Span,
    },

    /// An expression that uses something the target's expression language lacks.
    #[error("this expression cannot be translated to {target}: {reason}")]
    #[diagnostic(code(E0802))]
    Expression {
        target: &'static str,
        reason: String,
        #[label("not translatable")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    /// A setting the target needs as a constant (a number of retries, a timeout, resources).
    #[error("{what} must be a literal value to be compiled to {target}")]
    #[diagnostic(code(E0803))]
    NotLiteral {
        what: String,
        target: &'static str,
        #[label("computed at run time")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    /// A param default computed at run start.
    #[error("the default of param `{param}` is computed at run start, which {target} cannot do")]
    #[diagnostic(
        code(E0804),
        help("give the param a literal default, or no default and pass it when submitting")
    )]
    ComputedDefault {
        param: String,
        target: &'static str,
        #[label("computed default")]
        span: Span,
    },

    /// A list interpolated into a `run` command for Argo (one shell word per element).
    #[error("a list interpolated into a `run` command cannot be compiled to {target}")]
    #[diagnostic(
        code(E0805),
        help("{target} passes values as single strings; use `exec [...]` with one element per argument, or `join(list, \" \")` for one word")
    )]
    ListInRun {
        target: &'static str,
        #[label("a list becomes one shell word per element")]
        span: Span,
    },

    /// A step's outputs read where the target cannot pass them.
    #[error("reading `{step}`'s outputs here cannot be compiled to {target}: {reason}")]
    #[diagnostic(code(E0806))]
    OutputRead {
        step: String,
        target: &'static str,
        reason: String,
        #[label("read here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    /// Literal text that Argo would read as one of its own `{{…}}` templates.
    #[error("this text contains `{{{{`, which Argo would expand as a template")]
    #[diagnostic(
        code(E0807),
        help("pass the text through a param instead: values given at submission are not expanded")
    )]
    TemplateSyntax {
        #[label("Argo template syntax")]
        span: Span,
    },

    /// A `resources` entry the target has no field for.
    #[error("resource `{name}` is not known to {target}")]
    #[diagnostic(code(E0808), help("the resources are `cpu`, `memory` and `gpu`"))]
    UnknownResource {
        name: String,
        target: &'static str,
        #[label("unknown resource")]
        span: Span,
    },
}

/// A construct mapped approximately: the output is emitted, with this warning.
#[derive(Debug, Error, Diagnostic)]
pub enum ExportWarning {
    /// The mapping differs from MFlow's behaviour in the way `reason` says.
    #[error("{what} is compiled to {target} approximately: {reason}")]
    #[diagnostic(code(W0020), severity(Warning))]
    Approximate {
        what: String,
        target: &'static str,
        reason: String,
        #[label("approximate")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    /// A setting the chosen output kind does not carry.
    #[error("{what} is not part of {target}'s {kind} and is left out")]
    #[diagnostic(code(W0021), severity(Warning))]
    LeftOut {
        what: String,
        target: &'static str,
        kind: &'static str,
        #[label("not emitted")]
        span: Span,
        #[help]
        help: Option<String>,
    },
}

impl ExportError {
    /// The primary span.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            ExportError::Unsupported { span, .. }
            | ExportError::NoImage { span, .. }
            | ExportError::Expression { span, .. }
            | ExportError::NotLiteral { span, .. }
            | ExportError::ComputedDefault { span, .. }
            | ExportError::ListInRun { span, .. }
            | ExportError::OutputRead { span, .. }
            | ExportError::TemplateSyntax { span }
            | ExportError::UnknownResource { span, .. } => *span,
        }
    }
}

impl ExportWarning {
    /// The primary span.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            ExportWarning::Approximate { span, .. } | ExportWarning::LeftOut { span, .. } => *span,
        }
    }
}
