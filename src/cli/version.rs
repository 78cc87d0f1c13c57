//! Versioned runs on the command line: the definition a run recorded (its files and IR
//! hash), and compiling a run from it rather than from the file as it is now.

use super::error::CliError;
use super::Ctx;
use crate::driver::Analysis;
use crate::ir::Ir;
use crate::store::runs::RunRow;
use crate::store::versions::{sha256_hex, Version, VersionFile};

/// The definition a compiled program is: every file it loaded (the standard library aside,
/// which is part of maestroc) and the SHA-256 of its IR.
pub(super) fn version_of(analysis: &Analysis, ir: &Ir) -> Version {
    let files = analysis
        .modules
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.is_stdlib)
        .map(|(i, m)| {
            let source = analysis.sources.get(m.file);
            VersionFile {
                path: source.name.clone(),
                text: source.text.to_string(),
                root: analysis.roots.iter().any(|r| r.0 as usize == i),
            }
        })
        .collect();
    let mut json = crate::ir::json::to_json(ir, &analysis.program, &analysis.sources);
    // The IR names its files; the version is the definition, not where it was read from:
    // `wf.mflow` and `/abs/wf.mflow` are one version, so each name becomes its content's hash.
    let mut names = std::collections::HashMap::new();
    for m in &analysis.modules {
        let source = analysis.sources.get(m.file);
        let hash = sha256_hex(source.text.as_bytes());
        names.insert(source.name.clone(), hash.clone());
        names.insert(m.path.clone(), hash);
    }
    anonymize(&mut json, &names);
    Version {
        files,
        ir_hash: sha256_hex(json.to_string().as_bytes()),
    }
}

/// Replaces the values of `file` and `module` keys that name a source by that source's hash.
fn anonymize(json: &mut serde_json::Value, names: &std::collections::HashMap<String, String>) {
    match json {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if let (true, serde_json::Value::String(name)) = (key == "file" || key == "module", &*value) {
                    if let Some(hash) = names.get(name) {
                        *value = serde_json::Value::String(hash.clone());
                    }
                    continue;
                }
                anonymize(value, names);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                anonymize(item, names);
            }
        }
        serde_json::Value::Null
        | serde_json::Value::Bool(_)
        | serde_json::Value::Number(_)
        | serde_json::Value::String(_) => {}
    }
}

/// Compiles a recorded version from the store's copy of its files: the files on disk are
/// not read, so an edited or deleted file changes nothing. Imports were checked against
/// the project root when the run started; the recorded files are all there is to load.
pub(super) fn compile_version(version: &Version, ctx: &Ctx) -> Result<(Analysis, Ir), CliError> {
    let Some(root) = version.root() else {
        return Err(CliError::Internal {
            what: "run store (a recorded version without its root file)".into(),
        });
    };
    let mut loader = crate::loader::MemLoader::new();
    for file in &version.files {
        loader.insert(&file.path, &file.text);
    }
    let options = crate::driver::Options {
        project_root: None,
        allow_outside_root: true,
    };
    let analysis = super::front_end_with(vec![root.path.clone()], loader, options)?;
    super::compile_analysis(&root.path, analysis, ctx)
}

/// The program a run ran: its recorded version, or (for a run recorded before versions)
/// its file as it is now, with a note saying so.
pub(super) fn compile_run(
    store: &crate::store::Store,
    run: &RunRow,
    ctx: &Ctx,
) -> Result<(Analysis, Ir, Option<Version>), CliError> {
    if let Some(version) = store.version(&run.run_id)? {
        let (analysis, ir) = compile_version(&version, ctx)?;
        return Ok((analysis, ir, Some(version)));
    }
    eprintln!(
        "note: run `{}` was recorded before runs kept their source; using `{}` as it is now",
        run.run_id, run.file
    );
    let (analysis, ir) = super::compile_file(&run.file, ctx)?;
    Ok((analysis, ir, None))
}

/// Checks that every `--break STEP` names a step of the program.
pub(super) fn check_breakpoints(ir: &Ir, wf: &crate::ir::IrWorkflow, breaks: &[String]) -> Result<(), CliError> {
    for step in breaks {
        if !crate::runtime::upgrade::has_step(ir, step) {
            let names = crate::runtime::resume::step_names(wf);
            return Err(CliError::NotFound {
                message: format!("`--break {step}`: workflow `{}` has no step `{step}`", wf.name),
                help: crate::diagnostics::suggest::did_you_mean(step, names.iter().map(String::as_str)),
                exit: super::error::EXIT_USAGE,
            });
        }
    }
    Ok(())
}
