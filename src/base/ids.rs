//! The ids every stage after parsing shares: modules (assigned by the driver) and the
//! bindings, steps, scopes, workflows and functions the checker numbers. They are plain
//! indexes; the tables they index live in `check::Program` and the IR.

/// Index of a module in `driver::Analysis::modules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleId(pub u32);

/// A value binding: param, const, let, loop variable, `while` variable, comprehension
/// variable, function parameter, or the `signal` payload in a `wait … where`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct BindingId(pub u32);

/// A step, unique across the whole program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct StepId(pub u32);

/// A `foreach`, `while` or `if` (one per `if` statement, branches by index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct ScopeId(pub u32);

/// A workflow, unique across the whole program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct WorkflowId(pub u32);

/// A function, unique across the whole program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct FnId(pub u32);
