//! Every diagnostic code used in `src/` has `docs/errors/CODE.md`, and every doc a code.

use std::collections::BTreeSet;

fn codes_in_sources() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let mut dirs = vec![std::path::PathBuf::from("src")];
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
                    && bytes[i + 1] == b'0'
                    && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                    && bytes.get(i + 5).is_none_or(|b| !b.is_ascii_alphanumeric())
                {
                    codes.insert(text[i..i + 5].to_string());
                }
            }
        }
    }
    codes
}

fn documented() -> BTreeSet<String> {
    std::fs::read_dir("docs/errors")
        .unwrap()
        .flatten()
        .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().to_string()))
        .collect()
}

#[test]
fn every_code_has_a_doc_and_every_doc_a_code() {
    let used = codes_in_sources();
    let docs = documented();
    let missing: Vec<_> = used.difference(&docs).collect();
    let stale: Vec<_> = docs.difference(&used).collect();
    assert!(missing.is_empty(), "codes without docs/errors/CODE.md: {missing:?}");
    assert!(stale.is_empty(), "docs for codes no longer used: {stale:?}");
}

#[test]
fn docs_have_a_title_and_an_example() {
    for code in documented() {
        let text = std::fs::read_to_string(format!("docs/errors/{code}.md")).unwrap();
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
