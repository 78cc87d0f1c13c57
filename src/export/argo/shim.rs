//! The `$MFLOW_OUTPUTS` shim: the shell script a command step's container runs. It gives
//! the command the same contract as `maestroc run` (append `name=value` lines to the file
//! named by `$MFLOW_OUTPUTS`), then copies each declared output into its own file under
//! `/tmp/mflow/out/`, where Argo's `outputs.parameters[].valueFrom.path` reads it. The
//! command's exit status is the step's. See `docs/export.md`.

/// The directory the shim writes one file per output into.
use std::fmt::Write as _;

pub const OUT_DIR: &str = "/tmp/mflow/out";

/// The shim around `command` (shell text), for a step declaring `outputs`.
#[must_use]
pub fn script(command: &str, outputs: &[&str]) -> String {
    let mut s = String::new();
    s.push_str("mkdir -p /tmp/mflow/out\n");
    s.push_str("MFLOW_OUTPUTS=/tmp/mflow/outputs; export MFLOW_OUTPUTS\n");
    s.push_str(": > \"$MFLOW_OUTPUTS\"\n");
    s.push_str("(\n");
    s.push_str(command);
    s.push_str("\n)\nstatus=$?\n");
    if !outputs.is_empty() {
        s.push_str("while IFS= read -r line || [ -n \"$line\" ]; do\n  case \"$line\" in\n");
        for name in outputs {
            // Output names are MFlow identifiers (`[A-Za-z_][A-Za-z0-9_]*`): safe as a
            // case pattern and as a file name.
            let _ = writeln!(
                s,
                "    {name}=*) printf '%s' \"${{line#{name}=}}\" > {OUT_DIR}/{name} ;;"
            );
        }
        s.push_str("  esac\ndone < \"$MFLOW_OUTPUTS\"\n");
    }
    s.push_str("exit \"$status\"\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shim_copies_each_declared_output() {
        let s = script("echo rows=3 >> \"$MFLOW_OUTPUTS\"", &["rows"]);
        assert!(s.contains("rows=*) printf '%s' \"${line#rows=}\" > /tmp/mflow/out/rows ;;"));
        assert!(s.ends_with("exit \"$status\"\n"));
    }
}
