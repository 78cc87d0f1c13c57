//! The standard library: `.mflow` modules under `stdlib/`, embedded in the binary.

/// Every stdlib module: (name, source). `import "std/NAME"` binds `NAME`.
pub const MODULES: &[(&str, &str)] = &[
    ("dates", include_str!("../stdlib/dates.mflow")),
    ("strings", include_str!("../stdlib/strings.mflow")),
];

/// The source of stdlib module `name`, if there is one.
#[must_use]
pub fn module(name: &str) -> Option<&'static str> {
    MODULES.iter().find(|(n, _)| *n == name).map(|(_, source)| *source)
}

/// The names of all stdlib modules (for "did you mean").
pub fn names() -> impl Iterator<Item = &'static str> {
    MODULES.iter().map(|(n, _)| *n)
}
