//! `mflow.toml`: the project's executor settings, found beside the run store (the directory
//! that holds `$MFLOW_HOME`, or `$MFLOW_CONFIG` when set). Parsed with the `toml` crate into
//! spanned values and validated key by key, so every mistake in the file is reported at once,
//! each with its span in the file (docs/executors.md, "mflow.toml").

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::de::{DeString, DeTable, DeValue};
use toml::Spanned;

use super::error::ExecutorError;

/// The file name looked for beside the store.
pub const FILE_NAME: &str = "mflow.toml";

/// The poll interval when `mflow.toml` does not give one.
pub const DEFAULT_POLL: Duration = Duration::from_secs(1);

/// Every setting of `mflow.toml`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read from (`None`: no file, every default).
    pub path: Option<PathBuf>,
    /// Its text, for diagnostics that point into it.
    pub text: String,
    pub slurm: SlurmSettings,
    /// Named executor profiles (`[profiles.NAME]`), asked for by a step's `profile "NAME"`.
    pub profiles: BTreeMap<String, Profile>,
}

/// `[slurm]`.
#[derive(Debug, Clone)]
pub struct SlurmSettings {
    pub partition: Option<String>,
    pub account: Option<String>,
    pub qos: Option<String>,
    /// How often the one `squeue` of the run is made.
    pub poll_interval: Duration,
    /// How a step's `image` runs (`container_runtime`), when one is configured.
    pub container: Option<Container>,
    /// More `sbatch` arguments for every job.
    pub sbatch_args: Vec<String>,
}

impl Default for SlurmSettings {
    fn default() -> Self {
        Self {
            partition: None,
            account: None,
            qos: None,
            poll_interval: DEFAULT_POLL,
            container: None,
            sbatch_args: Vec::new(),
        }
    }
}

/// A container runtime: the argv put before the step's command, `{image}` replaced by the
/// step's image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub name: String,
    pub template: Vec<String>,
}

impl Container {
    /// The built-in templates of the runtimes we know.
    #[must_use]
    pub fn known(name: &str) -> Option<Self> {
        let template: &[&str] = match name {
            "apptainer" => &["apptainer", "exec", "{image}"],
            "singularity" => &["singularity", "exec", "{image}"],
            "podman" => &[
                "podman",
                "run",
                "--rm",
                "--network=host",
                "-v",
                "{run_dir}:{run_dir}",
                "{image}",
            ],
            _ => return None,
        };
        Some(Self {
            name: name.to_string(),
            template: template.iter().map(|s| (*s).to_string()).collect(),
        })
    }

    /// The argv prefix for one step: the template with `{image}` and `{run_dir}` filled in.
    #[must_use]
    pub fn argv(&self, image: &str, run_dir: &Path) -> Vec<String> {
        let run_dir = run_dir.display().to_string();
        self.template
            .iter()
            .map(|t| t.replace("{image}", image).replace("{run_dir}", &run_dir))
            .collect()
    }
}

/// `[profiles.NAME]`: Slurm placement a step asks for by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub partition: Option<String>,
    pub account: Option<String>,
    pub qos: Option<String>,
    pub cpus: Option<u32>,
    pub memory: Option<String>,
    pub gpus: Option<u32>,
    pub sbatch_args: Vec<String>,
}

/// Where `mflow.toml` is looked for: `$MFLOW_CONFIG`, else beside the store directory.
#[must_use]
pub fn location(home: &Path) -> PathBuf {
    if let Some(p) = std::env::var_os("MFLOW_CONFIG") {
        return PathBuf::from(p);
    }
    home.parent().unwrap_or(home).join(FILE_NAME)
}

/// Reads and validates `mflow.toml` (every default when there is none).
pub fn load(home: &Path) -> Result<Config, Vec<ExecutorError>> {
    let path = location(home);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && std::env::var_os("MFLOW_CONFIG").is_none() => {
            return Ok(Config::default())
        }
        Err(e) => {
            return Err(vec![ExecutorError::ConfigUnreadable {
                path: path.display().to_string(),
                reason: e.to_string(),
            }])
        }
    };
    parse(&path, &text)
}

/// Parses the text of `mflow.toml` read from `path`.
pub fn parse(path: &Path, text: &str) -> Result<Config, Vec<ExecutorError>> {
    let mut v = Validator {
        file: path.display().to_string(),
        text: text.to_string(),
        errors: Vec::new(),
    };
    let (table, syntax) = DeTable::parse_recoverable(text);
    for e in syntax {
        v.error(
            e.span().unwrap_or(0..0),
            format!("this is not valid TOML: {}", e.message().trim()),
            None,
        );
    }
    let mut config = Config {
        path: Some(path.to_path_buf()),
        text: text.to_string(),
        ..Config::default()
    };
    for (key, value) in table.get_ref() {
        match key.get_ref().as_ref() {
            "slurm" => {
                if let Some(t) = v.table(value, "[slurm]") {
                    config.slurm = v.slurm(t);
                }
            }
            "profiles" => {
                if let Some(t) = v.table(value, "[profiles]") {
                    for (name, profile) in t {
                        if let Some(p) = v.table(profile, "a profile") {
                            config.profiles.insert(name.get_ref().to_string(), v.profile(p));
                        }
                    }
                }
            }
            other => v.unknown(key, other, &["slurm", "profiles"]),
        }
    }
    if v.errors.is_empty() {
        Ok(config)
    } else {
        // In the order of the file (the parsed tables do not keep it).
        v.errors.sort_by_key(|e| match e {
            ExecutorError::Config { span, .. } => span.offset(),
            ExecutorError::ConfigUnreadable { .. }
            | ExecutorError::SbatchMissing
            | ExecutorError::ImageWithoutRuntime { .. }
            | ExecutorError::UnknownProfile { .. }
            | ExecutorError::ResumeExecutor { .. }
            | ExecutorError::LocalImage { .. }
            | ExecutorError::LocalResources { .. }
            | ExecutorError::LocalProfile { .. } => 0,
        });
        Err(v.errors)
    }
}

struct Validator {
    file: String,
    text: String,
    errors: Vec<ExecutorError>,
}

type Entry<'i> = Spanned<DeValue<'i>>;

impl Validator {
    fn error(&mut self, span: Range<usize>, message: String, help: Option<String>) {
        self.errors.push(ExecutorError::Config {
            file: self.file.clone(),
            text: self.text.clone(),
            span: span.into(),
            message,
            help,
        });
    }

    fn unknown(&mut self, key: &Spanned<DeString<'_>>, name: &str, known: &[&str]) {
        let help = crate::diagnostics::suggest::did_you_mean(name, known.iter().copied())
            .unwrap_or_else(|| format!("the keys here are {}", known.join(", ")));
        self.error(key.span(), format!("unknown key `{name}`"), Some(help));
    }

    fn table<'a, 'i>(&mut self, value: &'a Entry<'i>, what: &str) -> Option<&'a DeTable<'i>> {
        if let Some(t) = value.get_ref().as_table() {
            return Some(t);
        }
        self.error(
            value.span(),
            format!("{what} must be a table, not a {}", value.get_ref().type_str()),
            None,
        );
        None
    }

    fn string(&mut self, value: &Entry<'_>, key: &str) -> Option<String> {
        match value.get_ref().as_str() {
            Some(s) if !s.trim().is_empty() => Some(s.to_string()),
            Some(_) => {
                self.error(
                    value.span(),
                    format!("`{key}` is empty"),
                    Some(format!("remove `{key}` or give it a value")),
                );
                None
            }
            None => {
                self.error(
                    value.span(),
                    format!("`{key}` must be a string, not a {}", value.get_ref().type_str()),
                    None,
                );
                None
            }
        }
    }

    fn strings(&mut self, value: &Entry<'_>, key: &str) -> Vec<String> {
        let Some(items) = value.get_ref().as_array() else {
            self.error(
                value.span(),
                format!(
                    "`{key}` must be a list of strings, not a {}",
                    value.get_ref().type_str()
                ),
                Some(format!("write `{key} = [\"--exclusive\"]`")),
            );
            return Vec::new();
        };
        items.iter().filter_map(|item| self.string(item, key)).collect()
    }

    fn count(&mut self, value: &Entry<'_>, key: &str) -> Option<u32> {
        let parsed = value
            .get_ref()
            .as_integer()
            .and_then(|i| i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok());
        match parsed.and_then(|n| u32::try_from(n).ok()) {
            Some(n) if n >= 1 => Some(n),
            _ => {
                self.error(
                    value.span(),
                    format!("`{key}` must be a whole number of at least 1"),
                    Some(format!("write `{key} = 2`")),
                );
                None
            }
        }
    }

    fn duration(&mut self, value: &Entry<'_>, key: &str) -> Option<Duration> {
        let parsed = value.get_ref().as_str().and_then(parse_duration);
        match parsed {
            Some(d) if d >= Duration::from_millis(50) => Some(d),
            Some(_) => {
                self.error(
                    value.span(),
                    format!("`{key}` must be at least 50ms"),
                    Some("polling Slurm more often loads its controller for nothing".into()),
                );
                None
            }
            None => {
                self.error(
                    value.span(),
                    format!("`{key}` must be a duration such as \"500ms\", \"2s\" or \"1m\""),
                    None,
                );
                None
            }
        }
    }

    fn slurm(&mut self, t: &DeTable<'_>) -> SlurmSettings {
        let mut s = SlurmSettings::default();
        let mut command: Option<(Vec<String>, Range<usize>)> = None;
        for (key, value) in t {
            match key.get_ref().as_ref() {
                "partition" => s.partition = self.string(value, "partition"),
                "account" => s.account = self.string(value, "account"),
                "qos" => s.qos = self.string(value, "qos"),
                "poll_interval" => s.poll_interval = self.duration(value, "poll_interval").unwrap_or(DEFAULT_POLL),
                "sbatch_args" => s.sbatch_args = self.strings(value, "sbatch_args"),
                "container_runtime" => {
                    if let Some(name) = self.string(value, "container_runtime") {
                        match Container::known(&name) {
                            Some(c) => s.container = Some(c),
                            None => self.error(
                                value.span(),
                                format!("unknown container runtime `{name}`"),
                                Some(
                                    "use \"apptainer\", \"singularity\" or \"podman\", or give your own with `container_command`"
                                        .into(),
                                ),
                            ),
                        }
                    }
                }
                "container_command" => command = Some((self.strings(value, "container_command"), value.span())),
                other => self.unknown(
                    key,
                    other,
                    &[
                        "partition",
                        "account",
                        "qos",
                        "poll_interval",
                        "container_runtime",
                        "container_command",
                        "sbatch_args",
                    ],
                ),
            }
        }
        if let Some((template, span)) = command {
            if template.iter().any(|t| t.contains("{image}")) {
                let name = s
                    .container
                    .as_ref()
                    .map_or_else(|| template[0].clone(), |c| c.name.clone());
                s.container = Some(Container { name, template });
            } else {
                self.error(
                    span,
                    "`container_command` does not say where the image goes".into(),
                    Some(
                        "put \"{image}\" where the image name goes, e.g. [\"apptainer\", \"exec\", \"{image}\"]".into(),
                    ),
                );
            }
        }
        s
    }

    fn profile(&mut self, t: &DeTable<'_>) -> Profile {
        let mut p = Profile::default();
        for (key, value) in t {
            match key.get_ref().as_ref() {
                "partition" => p.partition = self.string(value, "partition"),
                "account" => p.account = self.string(value, "account"),
                "qos" => p.qos = self.string(value, "qos"),
                "cpus" => p.cpus = self.count(value, "cpus"),
                "gpus" => p.gpus = self.count(value, "gpus"),
                "memory" => {
                    p.memory = self.string(value, "memory").and_then(|m| match memory(&m) {
                        Some(m) => Some(m),
                        None => {
                            self.error(
                                value.span(),
                                format!("`memory` {m:?} is not an amount of memory"),
                                Some("write it like \"512M\", \"4G\" or \"4Gi\"".into()),
                            );
                            None
                        }
                    });
                }
                "sbatch_args" => p.sbatch_args = self.strings(value, "sbatch_args"),
                other => self.unknown(
                    key,
                    other,
                    &["partition", "account", "qos", "cpus", "memory", "gpus", "sbatch_args"],
                ),
            }
        }
        p
    }
}

/// "500ms", "2s", "1m", "1h".
fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit())?;
    let n: u64 = s[..digits].parse().ok()?;
    let ms = match &s[digits..] {
        "ms" => n,
        "s" => n.checked_mul(1000)?,
        "m" => n.checked_mul(60_000)?,
        "h" => n.checked_mul(3_600_000)?,
        _ => return None,
    };
    Some(Duration::from_millis(ms))
}

/// An amount of memory as Slurm's `--mem` takes it (`4G`, `512M`), from `4G`, `4Gi`,
/// `4GB`, `512MiB` or a number of megabytes.
#[must_use]
pub fn memory(s: &str) -> Option<String> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if digits == 0 {
        return None;
    }
    let n: u64 = s[..digits].parse().ok()?;
    let unit = match s[digits..].trim().to_ascii_uppercase().as_str() {
        "" | "M" | "MB" | "MI" | "MIB" => "M",
        "K" | "KB" | "KI" | "KIB" => "K",
        "G" | "GB" | "GI" | "GIB" => "G",
        "T" | "TB" | "TI" | "TIB" => "T",
        _ => return None,
    };
    Some(format!("{n}{unit}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        parse(Path::new("mflow.toml"), text)
            .err()
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn reads_every_setting() {
        let c = parse(
            Path::new("mflow.toml"),
            "[slurm]\npartition = \"debug\"\naccount = \"ml\"\nqos = \"low\"\npoll_interval = \"250ms\"\n\
             container_runtime = \"apptainer\"\nsbatch_args = [\"--exclusive\"]\n\
             [profiles.gpu]\npartition = \"gpu\"\ngpus = 2\ncpus = 8\nmemory = \"32Gi\"\n",
        )
        .unwrap();
        assert_eq!(c.slurm.partition.as_deref(), Some("debug"));
        assert_eq!(c.slurm.poll_interval, Duration::from_millis(250));
        assert_eq!(c.slurm.container.as_ref().unwrap().name, "apptainer");
        assert_eq!(c.slurm.sbatch_args, ["--exclusive"]);
        let gpu = &c.profiles["gpu"];
        assert_eq!(
            (gpu.gpus, gpu.cpus, gpu.memory.as_deref()),
            (Some(2), Some(8), Some("32G"))
        );
    }

    #[test]
    fn reports_every_mistake_with_its_span() {
        let text = "[slurm]\npartiton = \"x\"\npoll_interval = \"fast\"\ncontainer_runtime = \"docker\"\n[profiles.a]\ncpus = 0\n";
        let errs = parse(Path::new("mflow.toml"), text).unwrap_err();
        let messages: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "unknown key `partiton`",
                "`poll_interval` must be a duration such as \"500ms\", \"2s\" or \"1m\"",
                "unknown container runtime `docker`",
                "`cpus` must be a whole number of at least 1",
            ]
        );
        let ExecutorError::Config { span, .. } = &errs[0] else {
            panic!()
        };
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "partiton");
    }

    #[test]
    fn bad_toml_is_a_coded_error() {
        assert_eq!(errors("[slurm\n").len(), 1);
        assert!(errors("[slurm\n")[0].starts_with("this is not valid TOML"));
    }

    #[test]
    fn memory_amounts() {
        assert_eq!(memory("4Gi").as_deref(), Some("4G"));
        assert_eq!(memory("512").as_deref(), Some("512M"));
        assert_eq!(memory("lots"), None);
    }
}
