//! Fuzzes the whole front end: any bytes → parse, check, lower and render, no panic.
//! Run with `cargo +nightly fuzz run check` from the repository root.

#![no_main]

use libfuzzer_sys::fuzz_target;
use maestroc::loader::{LoadError, Loader};

/// Serves the fuzz input as the file `input.mflow` (invalid UTF-8 included).
struct Bytes<'a>(&'a [u8]);

impl Loader for Bytes<'_> {
    fn load(&self, path: &str) -> Result<String, LoadError> {
        if path != "input.mflow" {
            return Err(LoadError::NotFound);
        }
        String::from_utf8(self.0.to_vec()).map_err(|e| LoadError::InvalidUtf8 {
            valid_up_to: e.utf8_error().valid_up_to(),
            lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }
}

fuzz_target!(|data: &[u8]| {
    let analysis = maestroc::driver::analyze(&Bytes(data), &["input.mflow".to_string()]);
    if let Some(checked) = analysis.checked() {
        let _ = maestroc::ir::lower::lower(&checked);
    }
    let options = maestroc::diagnostics::render::RenderOptions { color: false, width: 80 };
    let _ = maestroc::diagnostics::render::human(&analysis.sources, &analysis.problems, &options);
    let _ = maestroc::diagnostics::render::short(&analysis.sources, &analysis.problems);
    let _ = maestroc::diagnostics::render::json(&analysis.sources, &analysis.problems);
});
