//! The checker's diagnostics: names (E01xx), types (E02xx), the step graph (E03xx) and
//! warnings (W0xxx).

use miette::Diagnostic;
use thiserror::Error;

use crate::base::span::Span;

#[derive(Debug, Error, Diagnostic)]
pub enum CheckError {
    #[error("`{name}` is defined more than once")]
    #[diagnostic(code(E0103))]
    Duplicate {
        name: String,
        #[label("`{name}` redefined here")]
        span: Span,
        #[label("first defined here")]
        first: Span,
        #[help]
        help: Option<String>,
    },

    #[error("cannot find `{name}` in this scope")]
    #[diagnostic(code(E0104))]
    Undefined {
        name: String,
        #[label("not found")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("module `{module}` has no item `{name}`")]
    #[diagnostic(code(E0105))]
    NoSuchMember {
        module: String,
        name: String,
        #[label("not in `{module}`")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("function `{name}` is recursive: {cycle}")]
    #[diagnostic(
        code(E0106),
        help("functions are evaluated eagerly and must terminate, so they cannot call themselves; use a comprehension or a built-in instead")
    )]
    RecursiveFn {
        name: String,
        cycle: String,
        #[label("this call closes the cycle")]
        span: Span,
    },

    #[error("`{name}` depends on itself: {cycle}")]
    #[diagnostic(
        code(E0107),
        help("params, consts and lets are computed once at run start; break the circle by giving one of them a value that does not refer back")
    )]
    CyclicValue {
        name: String,
        cycle: String,
        #[label("this reference closes the cycle")]
        span: Span,
    },

    #[error("unknown type `{name}`")]
    #[diagnostic(code(E0108))]
    UnknownType {
        name: String,
        #[label("not a type")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("{what} is not allowed {place}")]
    #[diagnostic(code(E0109))]
    Misplaced {
        what: String,
        place: String,
        #[label("not allowed here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("cannot find workflow `{name}`")]
    #[diagnostic(code(E0110))]
    UnknownWorkflow {
        name: String,
        #[label("no such workflow")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("cannot find step `{name}`")]
    #[diagnostic(code(E0111))]
    UnknownStep {
        name: String,
        #[label("no step of this name in workflow `{workflow}`")]
        span: Span,
        workflow: String,
        #[help]
        help: Option<String>,
    },

    #[error("{owner} has more than one {what}")]
    #[diagnostic(code(E0112))]
    DuplicateClause {
        owner: String,
        what: String,
        #[label("second {what}")]
        span: Span,
        #[label("first {what}")]
        first: Span,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(E0113))]
    BadCallArgument {
        message: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("`next` sets `{name}`, which is not a variable of this `while`")]
    #[diagnostic(code(E0114))]
    UnknownWhileVar {
        name: String,
        #[label("not declared in `with`")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("{what} `{name}` is not a value")]
    #[diagnostic(code(E0115))]
    NotAValue {
        what: &'static str,
        name: String,
        #[label("used as a value here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("cannot use step `{step}` in {place}")]
    #[diagnostic(code(E0116))]
    StepInValue {
        step: String,
        place: String,
        #[label("step output used here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("a workflow cannot call itself: {cycle}")]
    #[diagnostic(
        code(E0117),
        help("subworkflow calls must form a tree; move the shared steps into a third workflow")
    )]
    RecursiveCall {
        cycle: String,
        #[label("this call closes the cycle")]
        span: Span,
    },

    #[error("mismatched types: expected `{expected}`, found `{found}`")]
    #[diagnostic(code(E0201))]
    Mismatch {
        expected: String,
        found: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("operator `{op}` cannot be applied to `{left}` and `{right}`")]
    #[diagnostic(code(E0202))]
    BadOperands {
        op: &'static str,
        left: String,
        right: String,
        #[label("`{left}` {op} `{right}`")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(E0203))]
    BadArguments {
        message: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("this value may be `none`: its type is `{ty}`")]
    #[diagnostic(code(E0204))]
    MaybeNone {
        ty: String,
        #[label("may be `none` here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(E0205))]
    NoField {
        message: String,
        #[label("unknown field")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("cannot index into a value of type `{ty}`")]
    #[diagnostic(code(E0206), help("only lists (by `int`) and maps (by `string`) can be indexed"))]
    NotIndexable {
        ty: String,
        #[label("indexed here")]
        span: Span,
    },

    #[error("cannot interpolate a value of type `{ty}` into a string")]
    #[diagnostic(code(E0207))]
    NotInterpolable {
        ty: String,
        #[label("this is a `{ty}`")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("`{what}` cannot be called")]
    #[diagnostic(code(E0208), help("only functions and built-ins can be called"))]
    NotCallable {
        what: String,
        #[label("not a function")]
        span: Span,
    },

    #[error("invalid schedule: {reason}")]
    #[diagnostic(code(E0209))]
    BadCron {
        reason: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(E0210))]
    BadConstant {
        message: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("unknown time zone {zone:?}")]
    #[diagnostic(code(E0212))]
    UnknownZone {
        zone: String,
        #[label("not a known time zone")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(E0213))]
    ScheduleNeverFires {
        message: String,
        #[label("no date matches")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("`{name}` is not a param of workflow `{workflow}`")]
    #[diagnostic(code(E0122))]
    TriggerNotParam {
        name: String,
        workflow: String,
        #[label("a trigger's `where` cannot read this")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(E0214))]
    BadTags {
        message: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("empty tag")]
    #[diagnostic(code(E0215), help("a tag needs some text, like \"daily\"; remove it or fill it in"))]
    EmptyTag {
        #[label("this tag is empty")]
        span: Span,
    },

    #[error("duplicate tag {tag:?}")]
    #[diagnostic(code(E0123), help("remove one of them"))]
    DuplicateTag {
        tag: String,
        #[label("tagged again here")]
        span: Span,
        #[label("first here")]
        first: Span,
    },

    #[error("{message}")]
    #[diagnostic(code(E0216))]
    BadProfile {
        message: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("`profile` on step `{step}`, which runs no command")]
    #[diagnostic(code(E0124))]
    ProfileWithoutCommand {
        step: String,
        #[label("only `run` and `exec` steps run on an executor")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(E0217))]
    BadCatchupBound {
        message: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(E0118))]
    CallsTooDeep {
        message: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("cannot infer the type of this empty {what}")]
    #[diagnostic(code(E0211))]
    CannotInfer {
        what: &'static str,
        #[label("type unknown")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("dependency cycle between steps: {cycle}")]
    #[diagnostic(
        code(E0301),
        help(
            "steps run after the steps they name; remove one of these references or `after` clauses to break the cycle"
        )
    )]
    DependencyCycle {
        cycle: String,
        #[label("`{first}` depends on `{second}` here")]
        span: Span,
        first: String,
        second: String,
        #[label(collection, "…which depends on…")]
        more: Vec<miette::LabeledSpan>,
    },
}

#[derive(Debug, Error, Diagnostic)]
pub enum CheckWarning {
    #[error("this trigger adds nothing: every `{signal}` signal already starts a run")]
    #[diagnostic(
        code(W0006),
        severity(Warning),
        help("a signal starts at most one run of a workflow, however many of its triggers match; remove this trigger or give the other one a `where`")
    )]
    RedundantTrigger {
        signal: String,
        #[label("never needed")]
        span: Span,
        #[label("this trigger has no `where`")]
        first: Span,
    },

    #[error("{kind} `{name}` is never used")]
    #[diagnostic(code(W0001), severity(Warning))]
    Unused {
        kind: &'static str,
        name: String,
        #[label("declared here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("step `{name}` can never run")]
    #[diagnostic(code(W0002), severity(Warning))]
    NeverRuns {
        name: String,
        #[label("this step")]
        span: Span,
        #[label("because this condition is always false")]
        cond: Span,
    },

    #[error("`{name}` shadows the imported module `{name}`")]
    #[diagnostic(
        code(W0003),
        severity(Warning),
        help(
            "inside this scope `{name}.…` no longer reaches the module; rename one of them (`import \"…\" as other`)"
        )
    )]
    ShadowsModule {
        name: String,
        #[label("shadows the module")]
        span: Span,
        #[label("module imported here")]
        import: Span,
    },

    #[error("step `{name}` is in another branch of this `if`, so its outputs are always `none` here")]
    #[diagnostic(
        code(W0005),
        severity(Warning),
        help("only one branch of an `if` runs; move the step before the `if`, or use its outputs after the `if`")
    )]
    OtherBranch {
        name: String,
        #[label("always `none` here")]
        span: Span,
    },

    #[error("module `{name}` is imported but never used")]
    #[diagnostic(code(W0004), severity(Warning), help("remove the import"))]
    UnusedImport {
        name: String,
        #[label("never used")]
        span: Span,
    },
}
