//! SARIF 2.1.0 rendering (`--format sarif`) for code-scanning tools: one run, one rule per
//! diagnostic code that occurs (described by its `docs/errors/CODE.md`), one result per
//! problem. Columns are UTF-16 code units (SARIF's default `columnKind`), 1-based; file
//! URIs are the paths as given, with forward slashes, relative to `%SRCROOT%` (the working
//! directory) unless absolute.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use miette::{LabeledSpan, Severity};
use serde_json::json;
use serde_sarif::sarif::{
    Artifact, ArtifactContent, ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    Sarif, Tool, ToolComponent,
};

use crate::base::span::FileId;
use crate::diagnostics::{Problem, Problems};
use crate::source::{SourceFile, SourceMap};

/// The `$schema` of the log.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base id of relative artifact URIs: the directory `maestroc` ran in.
pub const SRCROOT: &str = "%SRCROOT%";

/// Where a rule's documentation lives on the web.
const DOCS_URL: &str = "https://github.com/maestroc/maestroc/blob/main/docs/errors";

/// A problem that has no source to point into: a file named on the command line that could
/// not be read.
#[derive(Clone, Debug)]
pub struct FileProblem {
    pub code: String,
    pub path: String,
    pub message: String,
}

/// What the log says besides the problems.
#[derive(Clone, Debug, Default)]
pub struct SarifContext {
    /// Files that are not on disk (the stdlib's): their artifacts carry their text and no
    /// `uriBaseId`.
    pub builtin: Vec<FileId>,
    /// Files named on the command line that could not be read: an error result each, and a
    /// tool execution notification (the run did not succeed).
    pub unreadable: Vec<FileProblem>,
    /// The `file://` URI of `%SRCROOT%` (the working directory, ending in `/`), if known.
    pub src_root: Option<String>,
    /// The exit code of the command, recorded in the invocation.
    pub exit_code: i32,
}

/// The level of a problem: SARIF has a third, `note`, for miette's advice.
fn level(problem: &Problem) -> ResultLevel {
    match problem.severity() {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Advice => ResultLevel::Note,
    }
}

/// Percent-encodes a path as a URI reference: unreserved characters and `/` stay, so do the
/// sub-delimiters and `@`; `:` is encoded so a relative path never reads as a scheme.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// The URI of a path as the user gave it, and whether it is relative to `%SRCROOT%`.
/// Backslashes become slashes; an absolute path becomes a `file://` URI.
#[must_use]
pub fn path_uri(path: &str) -> (String, bool) {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if drive {
        let (letter, rest) = path.split_at(2);
        (format!("file:///{letter}{}", encode_path(rest)), false)
    } else if path.starts_with('/') {
        (format!("file://{}", encode_path(&path)), false)
    } else {
        (encode_path(&path), true)
    }
}

/// The `file://` URI of a directory, ending in `/`, for `originalUriBaseIds`.
#[must_use]
pub fn dir_uri(dir: &std::path::Path) -> String {
    let (mut uri, relative) = path_uri(&dir.to_string_lossy());
    if relative {
        uri = format!("file:///{uri}");
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The parts of `docs/errors/CODE.md` a rule is described by.
struct RuleDoc {
    /// `NameNotFound`, from the title.
    name: Option<String>,
    /// The title without the code: `name not found`.
    short: Option<String>,
    /// The first paragraph after the title.
    full: Option<String>,
    /// The whole page.
    markdown: Option<&'static str>,
}

fn rule_doc(code: &str) -> RuleDoc {
    let Some(text) = crate::diagnostics::explain::lookup(code) else {
        return RuleDoc {
            name: None,
            short: None,
            full: None,
            markdown: None,
        };
    };
    let mut lines = text.lines();
    let title = lines.next().unwrap_or_default().trim_start_matches('#').trim();
    let short = title
        .strip_prefix(code)
        .map_or(title, |t| t.trim_start_matches(':').trim())
        .to_string();
    let name: String = short
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    let full: Vec<&str> = lines
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    RuleDoc {
        name: (!name.is_empty()).then_some(name),
        short: (!short.is_empty()).then_some(short),
        full: (!full.is_empty()).then(|| full.join(" ")),
        markdown: Some(text),
    }
}

/// The reporting descriptor of a code, with its default level and its first message as a
/// fallback description when the code has no page.
fn rule(code: &str, default_level: ResultLevel, first_message: &str) -> ReportingDescriptor {
    let doc = rule_doc(code);
    let short = doc.short.clone().unwrap_or_else(|| first_message.to_string());
    let mut rule = ReportingDescriptor::builder()
        .id(code)
        .short_description(MultiformatMessageString::builder().text(short).build())
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(default_level.to_string()))
                .build(),
        )
        .build();
    rule.name = doc.name;
    if let Some(full) = doc.full {
        rule.full_description = Some(MultiformatMessageString::builder().text(full).build());
    }
    if let Some(markdown) = doc.markdown {
        rule.help = Some(
            MultiformatMessageString::builder()
                .text(markdown)
                .markdown(markdown)
                .build(),
        );
        rule.help_uri = Some(format!("{DOCS_URL}/{code}.md"));
    }
    rule
}

/// A region from a byte span of a file: 1-based lines, UTF-16 columns, end exclusive.
fn region(file: &SourceFile, label: &LabeledSpan) -> Region {
    let start = u32::try_from(label.offset()).unwrap_or(u32::MAX);
    let end = u32::try_from(label.offset() + label.len()).unwrap_or(u32::MAX);
    let (start_line, start_column) = file.line_col_utf16(start);
    let (end_line, end_column) = file.line_col_utf16(end);
    let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
    Region::builder()
        .start_line(n(start_line))
        .start_column(n(start_column))
        .end_line(n(end_line))
        .end_column(n(end_column))
        .build()
}

/// The region of a problem without labels, or of a file that could not be read: 1:1, as in
/// the other formats.
fn first_char() -> Region {
    Region::builder()
        .start_line(1)
        .start_column(1)
        .end_line(1)
        .end_column(1)
        .build()
}

/// The artifacts of the run (every file loaded, in load order, then the unreadable ones)
/// and how to point at each.
struct Artifacts {
    list: Vec<Artifact>,
    by_file: Vec<ArtifactLocation>,
    by_path: BTreeMap<String, ArtifactLocation>,
}

fn artifact_location(uri: String, relative: bool, index: usize) -> ArtifactLocation {
    let mut location = ArtifactLocation::builder()
        .uri(uri)
        .index(i64::try_from(index).unwrap_or(i64::MAX))
        .build();
    if relative {
        location.uri_base_id = Some(SRCROOT.to_string());
    }
    location
}

fn artifacts(sources: &SourceMap, context: &SarifContext) -> Artifacts {
    let mut list = Vec::new();
    let mut by_file = Vec::new();
    for (id, file) in sources.iter() {
        let builtin = context.builtin.contains(&id);
        let (uri, relative) = path_uri(&file.name);
        let location = artifact_location(uri, relative && !builtin, list.len());
        let mut artifact = Artifact::builder()
            .location(ArtifactLocation {
                index: None,
                ..location.clone()
            })
            .length(i64::try_from(file.text.len()).unwrap_or(i64::MAX))
            .source_language("mflow")
            .build();
        if builtin {
            artifact.contents = Some(ArtifactContent::builder().text(file.text.to_string()).build());
        }
        list.push(artifact);
        by_file.push(location);
    }
    let mut by_path = BTreeMap::new();
    for u in &context.unreadable {
        if by_path.contains_key(&u.path) {
            continue;
        }
        let (uri, relative) = path_uri(&u.path);
        let location = artifact_location(uri, relative, list.len());
        list.push(
            Artifact::builder()
                .location(ArtifactLocation {
                    index: None,
                    ..location.clone()
                })
                .build(),
        );
        by_path.insert(u.path.clone(), location);
    }
    Artifacts { list, by_file, by_path }
}

fn location(artifact: &ArtifactLocation, region: Region, message: Option<&str>) -> Location {
    let mut location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(artifact.clone())
                .region(region)
                .build(),
        )
        .build();
    location.message = message
        .filter(|m| !m.is_empty())
        .map(|m| Message::builder().text(m).build());
    location
}

/// The SARIF log of a check: every problem (sorted by file, then position), then every
/// unreadable file.
#[must_use]
pub fn sarif(sources: &SourceMap, problems: &Problems, context: &SarifContext) -> Sarif {
    let problems = super::sorted(problems);
    let artifacts = artifacts(sources, context);

    // One rule per code that occurs, sorted by code.
    let mut codes: BTreeMap<String, (ResultLevel, String)> = BTreeMap::new();
    for p in &problems {
        codes
            .entry(p.code())
            .or_insert_with(|| (level(p), p.diagnostic.to_string()));
    }
    for u in &context.unreadable {
        codes
            .entry(u.code.clone())
            .or_insert_with(|| (ResultLevel::Error, u.message.clone()));
    }
    let rules: Vec<ReportingDescriptor> = codes
        .iter()
        .map(|(code, (level, message))| rule(code, *level, message))
        .collect();
    let index_of = |code: &str| {
        codes
            .keys()
            .position(|c| c == code)
            .map_or(0, |i| i64::try_from(i).unwrap_or(i64::MAX))
    };

    let mut results = Vec::new();
    for p in &problems {
        let file = sources.get(p.file);
        let artifact = &artifacts.by_file[p.file.0 as usize];
        let labels: Vec<LabeledSpan> = p.diagnostic.labels().map(Iterator::collect).unwrap_or_default();
        let primary = super::primary(&labels);
        let mut text = p.diagnostic.to_string();
        if let Some(help) = p.diagnostic.help() {
            let _ = write!(text, "\nhelp: {help}");
        }
        let main = match primary {
            Some(l) => location(artifact, region(file, l), l.label()),
            None => location(artifact, first_char(), None),
        };
        let related: Vec<Location> = labels
            .iter()
            .filter(|l| primary.is_none_or(|p| !std::ptr::eq(*l, p)))
            .enumerate()
            .map(|(i, l)| {
                let mut related = location(artifact, region(file, l), l.label());
                related.id = Some(i64::try_from(i + 1).unwrap_or(i64::MAX));
                related
            })
            .collect();
        let code = p.code();
        let mut result = SarifResult::builder()
            .message(Message::builder().text(text).build())
            .rule_index(index_of(&code))
            .rule_id(code)
            .level(level(p))
            .locations(vec![main])
            .build();
        if !related.is_empty() {
            result.related_locations = Some(related);
        }
        results.push(result);
    }
    let mut notifications = Vec::new();
    for u in &context.unreadable {
        let artifact = &artifacts.by_path[&u.path];
        results.push(
            SarifResult::builder()
                .message(Message::builder().text(u.message.clone()).build())
                .rule_index(index_of(&u.code))
                .rule_id(u.code.clone())
                .level(ResultLevel::Error)
                .locations(vec![location(artifact, first_char(), None)])
                .build(),
        );
        notifications.push(
            Notification::builder()
                .message(Message::builder().text(u.message.clone()).build())
                .level(json!("error"))
                .locations(vec![location(artifact, first_char(), None)])
                .build(),
        );
    }

    let mut invocation = Invocation::builder()
        .execution_successful(context.unreadable.is_empty())
        .exit_code(i64::from(context.exit_code))
        .build();
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }

    let driver = ToolComponent::builder()
        .name("maestroc")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(rules)
        .build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .artifacts(artifacts.list)
        .invocations(vec![invocation])
        .results(results)
        .column_kind(json!("utf16CodeUnits"))
        .build();
    if let Some(root) = &context.src_root {
        run.original_uri_base_ids = Some(BTreeMap::from([(
            SRCROOT.to_string(),
            ArtifactLocation::builder().uri(root.clone()).build(),
        )]));
    }
    Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

#[cfg(test)]
mod tests {
    use super::{dir_uri, path_uri, rule_doc};
    use crate::source::SourceFile;

    #[test]
    fn uris() {
        assert_eq!(
            path_uri("examples/daily_etl.mflow"),
            ("examples/daily_etl.mflow".into(), true)
        );
        assert_eq!(path_uri("dir\\a b.mflow"), ("dir/a%20b.mflow".into(), true));
        assert_eq!(path_uri("x:y#1%.mflow"), ("x%3Ay%231%25.mflow".into(), true));
        assert_eq!(path_uri("/tmp/é.mflow"), ("file:///tmp/%C3%A9.mflow".into(), false));
        assert_eq!(path_uri("C:\\w\\x.mflow"), ("file:///C:/w/x.mflow".into(), false));
        assert_eq!(dir_uri(std::path::Path::new("/work/repo")), "file:///work/repo/");
    }

    #[test]
    fn utf16_columns() {
        let file = SourceFile::new("x", "ab\n😀é x\n");
        // `x` on line 2: after 😀 (2 UTF-16 units, 1 char), é (1) and a space.
        let offset = u32::try_from("ab\n😀é ".len()).unwrap_or(0);
        assert_eq!(file.line_col(offset), (2, 4));
        assert_eq!(file.line_col_utf16(offset), (2, 5));
    }

    #[test]
    fn rule_docs() {
        let doc = rule_doc("E0104");
        assert_eq!(doc.name.as_deref(), Some("NameNotFound"));
        assert_eq!(doc.short.as_deref(), Some("name not found"));
        assert!(doc.full.is_some_and(|f| f.starts_with("An expression uses a name")));
        assert_eq!(rule_doc("E0111").name.as_deref(), Some("StepNotFoundInAfter"));
    }
}
