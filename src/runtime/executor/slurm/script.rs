//! One attempt as a Slurm batch job: its batch script (a small wrapper that runs the step's
//! command and records its exit code next to its logs, so the exit status is known whether or
//! not Slurm accounting exists) and the `sbatch` arguments that place it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::super::config::{Container, Profile, SlurmSettings};
use super::super::Placement;
use crate::runtime::process::{Program, Spec};
use crate::runtime::quote::quote_word;

/// Job names identify run and instance; Slurm keeps at most this many characters.
const NAME_CHARS: usize = 200;

/// `prefix` + `suffix`, as a path.
#[must_use]
pub fn with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut path = prefix.as_os_str().to_owned();
    path.push(suffix);
    PathBuf::from(path)
}

/// Where the wrapper records the command's exit status.
#[must_use]
pub fn exit_file(prefix: &Path) -> PathBuf {
    with_suffix(prefix, ".exit")
}

/// Whether `key` can be exported by a POSIX shell.
fn is_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The batch script of one attempt. Every value in it is quoted: nothing interpolated
/// reaches the shell as code.
pub fn batch_script(spec: &Spec, container: Option<&[String]>, prefix: &Path) -> Result<String, String> {
    let mut s = String::from("#!/bin/sh\n# written by maestroc: one attempt of a step (docs/executors.md)\n");
    for (key, value) in &spec.env {
        if !is_name(key) {
            return Err(format!(
                "environment variable name `{key}` cannot be passed to a Slurm job"
            ));
        }
        let _ = writeln!(s, "export {key}={}", quote_word(value));
    }
    let mut argv: Vec<String> = container.map(<[String]>::to_vec).unwrap_or_default();
    match &spec.program {
        Program::Shell(script) => {
            argv.push("/bin/sh".into());
            argv.push("-c".into());
            argv.push(script.clone());
        }
        Program::Argv(words) => argv.extend(words.iter().cloned()),
    }
    let command: Vec<String> = argv.iter().map(|w| quote_word(w).into_owned()).collect();
    let exit = exit_file(prefix).display().to_string();
    let tmp = format!("{exit}.tmp");
    let _ = writeln!(s, "{} </dev/null", command.join(" "));
    let _ = writeln!(s, "code=$?");
    let _ = writeln!(
        s,
        "printf '%s\\n' \"$code\" > {} && mv -f {} {}",
        quote_word(&tmp),
        quote_word(&tmp),
        quote_word(&exit)
    );
    s.push_str("exit \"$code\"\n");
    Ok(s)
}

/// The container argv for a step's image, when it has one.
#[must_use]
pub fn container_argv(container: Option<&Container>, image: Option<&str>, run_dir: &Path) -> Option<Vec<String>> {
    Some(container?.argv(image?, run_dir))
}

/// Slurm's `--time` (minutes, at least one) for a step timeout: the step's own timeout is
/// applied by maestroc too; this makes Slurm stop a job whose maestroc is gone.
#[must_use]
pub fn time_limit(timeout: Duration) -> String {
    let minutes = timeout.as_secs().div_ceil(60).max(1);
    minutes.to_string()
}

/// Every `sbatch` argument of one attempt, before the script's path.
pub fn sbatch_args(
    settings: &SlurmSettings,
    profile: Option<&Profile>,
    place: &Placement,
    spec: &Spec,
    job_name: &str,
    workdir: &Path,
) -> Vec<String> {
    let mut args = vec![
        "--parsable".to_string(),
        format!("--job-name={}", job_name.chars().take(NAME_CHARS).collect::<String>()),
        format!("--output={}", spec.stdout.display()),
        format!("--error={}", spec.stderr.display()),
        format!("--chdir={}", workdir.display()),
        "--export=ALL".to_string(),
        "--no-requeue".to_string(),
    ];
    let pick = |own: Option<&String>, global: Option<&String>| own.or(global).cloned();
    if let Some(p) = pick(profile.and_then(|p| p.partition.as_ref()), settings.partition.as_ref()) {
        args.push(format!("--partition={p}"));
    }
    if let Some(a) = pick(profile.and_then(|p| p.account.as_ref()), settings.account.as_ref()) {
        args.push(format!("--account={a}"));
    }
    if let Some(q) = pick(profile.and_then(|p| p.qos.as_ref()), settings.qos.as_ref()) {
        args.push(format!("--qos={q}"));
    }
    // The step's own `resources` win over its profile's.
    if let Some(c) = place.cpus.or(profile.and_then(|p| p.cpus)) {
        args.push(format!("--cpus-per-task={c}"));
    }
    if let Some(m) = place.memory.clone().or_else(|| profile.and_then(|p| p.memory.clone())) {
        args.push(format!("--mem={m}"));
    }
    if let Some(g) = place.gpus.or(profile.and_then(|p| p.gpus)) {
        args.push(format!("--gres=gpu:{g}"));
    }
    if let Some(t) = spec.timeout {
        args.push(format!("--time={}", time_limit(t)));
    }
    args.extend(settings.sbatch_args.iter().cloned());
    if let Some(p) = profile {
        args.extend(p.sbatch_args.iter().cloned());
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(program: Program) -> Spec {
        Spec {
            program,
            env: vec![("GREETING".into(), "it's $(rm -rf /)".into())],
            dir: None,
            stdout: PathBuf::from("/r/logs/1-a.1.stdout.log"),
            stderr: PathBuf::from("/r/logs/1-a.1.stderr.log"),
            timeout: Some(Duration::from_secs(61)),
            grace: Duration::from_secs(1),
        }
    }

    #[test]
    fn the_script_quotes_every_value_and_records_the_exit_code() {
        let s = batch_script(
            &spec(Program::Shell("echo \"$GREETING\"".into())),
            None,
            Path::new("/r/logs/1-a.1"),
        )
        .unwrap();
        assert!(s.contains("export GREETING='it'\"'\"'s $(rm -rf /)'\n"), "{s}");
        assert!(s.contains("/bin/sh -c 'echo \"$GREETING\"' </dev/null\n"), "{s}");
        assert!(
            s.contains("> /r/logs/1-a.1.exit.tmp && mv -f /r/logs/1-a.1.exit.tmp /r/logs/1-a.1.exit\n"),
            "{s}"
        );
        assert!(s.ends_with("exit \"$code\"\n"));
    }

    #[test]
    fn images_run_through_the_container_runtime() {
        let c = Container::known("apptainer").unwrap();
        let argv = container_argv(Some(&c), Some("docker://alpine:3"), Path::new("/r"));
        let s = batch_script(
            &spec(Program::Argv(vec!["cat".into(), "a b".into()])),
            argv.as_deref(),
            Path::new("/r/x"),
        )
        .unwrap();
        assert!(
            s.contains("apptainer exec docker://alpine:3 cat 'a b' </dev/null"),
            "{s}"
        );
    }

    #[test]
    fn bad_env_names_are_refused() {
        let mut sp = spec(Program::Shell("true".into()));
        sp.env.push(("A B".into(), "x".into()));
        assert!(batch_script(&sp, None, Path::new("/r/x")).is_err());
    }

    #[test]
    fn resources_and_profiles_become_sbatch_arguments() {
        let settings = SlurmSettings {
            partition: Some("debug".into()),
            qos: Some("low".into()),
            ..SlurmSettings::default()
        };
        let profile = Profile {
            partition: Some("gpu".into()),
            gpus: Some(1),
            memory: Some("8G".into()),
            ..Profile::default()
        };
        let place = Placement {
            cpus: Some(4),
            memory: Some("4G".into()),
            ..Placement::default()
        };
        let args = sbatch_args(
            &settings,
            Some(&profile),
            &place,
            &spec(Program::Shell("true".into())),
            "mflow/r/a",
            Path::new("/w"),
        );
        for want in [
            "--parsable",
            "--job-name=mflow/r/a",
            "--partition=gpu",
            "--qos=low",
            "--cpus-per-task=4",
            "--mem=4G",
            "--gres=gpu:1",
            "--time=2",
            "--chdir=/w",
        ] {
            assert!(args.iter().any(|a| a == want), "{want} missing from {args:?}");
        }
    }
}
