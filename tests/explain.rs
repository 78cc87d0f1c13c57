//! Every diagnostic code used in `src/` has `docs/errors/CODE.md`, and every doc a code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `E0xxx`/`E1xxx`/`W0xxx` token in `src/` (in `code(...)` attributes and in strings alike),
/// with the first file it appears in.
fn codes_in_sources() -> BTreeMap<String, PathBuf> {
    let mut codes = BTreeMap::new();
    let mut dirs = vec![root().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let bytes = text.as_bytes();
            for i in 0..bytes.len().saturating_sub(4) {
                let c = bytes[i];
                if (c == b'E' || c == b'W')
                    && bytes[i + 1..i + 5].iter().all(u8::is_ascii_digit)
                    && matches!(bytes[i + 1], b'0' | b'1')
                    && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                    && bytes.get(i + 5).is_none_or(|b| !b.is_ascii_alphanumeric())
                {
                    let file = path.strip_prefix(root()).unwrap_or(&path).to_path_buf();
                    codes.entry(text[i..i + 5].to_string()).or_insert(file);
                }
            }
        }
    }
    codes
}

fn documented() -> BTreeSet<String> {
    std::fs::read_dir(root().join("docs/errors"))
        .unwrap()
        .flatten()
        .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().to_string()))
        .collect()
}

#[test]
fn every_code_has_a_doc_and_every_doc_a_code() {
    let used = codes_in_sources();
    let docs = documented();
    let missing: Vec<String> = used
        .iter()
        .filter(|(code, _)| !docs.contains(*code))
        .map(|(code, file)| format!("{code} (used in {})", file.display()))
        .collect();
    let stale: Vec<&String> = docs.iter().filter(|code| !used.contains_key(*code)).collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!(
            "codes used in src/ without docs/errors/CODE.md:\n  {}",
            missing.join("\n  ")
        ));
    }
    if !stale.is_empty() {
        problems.push(format!(
            "docs/errors/ files for codes that src/ no longer uses (delete them or use the code): {stale:?}"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn docs_have_a_title_and_an_example() {
    for code in documented() {
        let text = std::fs::read_to_string(root().join(format!("docs/errors/{code}.md"))).unwrap();
        assert!(
            text.starts_with(&format!("# {code}: ")),
            "{code}.md must start with `# {code}: title`"
        );
        assert!(
            text.contains("```mflow"),
            "{code}.md needs an example in a ```mflow block"
        );
    }
}
