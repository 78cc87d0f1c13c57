//! YAML text for Kubernetes. `yaml_serde` writes YAML 1.2, where `2026-11-23`, `yes` or
//! `1:30` are plain strings; Kubernetes' and Python's YAML readers follow YAML 1.1 and
//! would read them as a timestamp, a boolean or a number. This pass quotes such plain
//! scalars (outside block scalars), so every reader sees the string that was meant.

/// `yaml` with every YAML-1.1-ambiguous plain scalar single-quoted.
#[must_use]
pub fn quote_ambiguous(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 64);
    // Indentation of the line that opened a block scalar (`|`), while inside one.
    let mut block: Option<usize> = None;
    for line in yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(open) = block {
            if line.trim().is_empty() || indent > open {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            block = None;
        }
        let (head, value) = split_scalar(line);
        let v = value.trim_end();
        if v.starts_with('|') || v.starts_with('>') {
            block = Some(indent);
            out.push_str(line);
        } else if is_ambiguous(v) {
            out.push_str(head);
            out.push('\'');
            out.push_str(&v.replace('\'', "''"));
            out.push('\'');
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// `(everything before the value, the value)` of a `key: value` or `- value` line.
fn split_scalar(line: &str) -> (&str, &str) {
    let trimmed = line.trim_start();
    let mut start = line.len() - trimmed.len();
    let mut rest = trimmed;
    while let Some(r) = rest.strip_prefix("- ") {
        start += 2;
        rest = r;
    }
    if let Some(pos) = key_end(rest) {
        start += pos + 2;
    }
    line.split_at(start)
}

/// The position of `: ` ending a plain key at the start of `s`.
fn key_end(s: &str) -> Option<usize> {
    if s.starts_with(['\'', '"']) {
        return None;
    }
    let pos = s.find(": ")?;
    let key = &s[..pos];
    key.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        .then_some(pos)
}

fn is_ambiguous(v: &str) -> bool {
    if v.is_empty() || v.starts_with(['\'', '"', '{', '[']) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(lower.as_str(), "y" | "n" | "yes" | "no" | "on" | "off") {
        return true;
    }
    let b = v.as_bytes();
    // Timestamps: yyyy-m-d…
    if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        return true;
    }
    // Sexagesimal numbers (`1:30`) and numbers with `_` (`1_000`), octal (`0755`).
    let digits = v.trim_start_matches(['-', '+']);
    if !digits.is_empty()
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '_' || c == '.')
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && (digits.contains(':') || digits.contains('_') || (digits.starts_with('0') && digits.len() > 1))
    {
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_lookalikes_are_quoted() {
        let y =
            "a:\n- name: day\n  value: 2026-11-23\n- yes\n- 1:30\n- 1_000\n- plain\nb: |\n  2026-11-23\n  on\nc: off\n";
        assert_eq!(
            quote_ambiguous(y),
            "a:\n- name: day\n  value: '2026-11-23'\n- 'yes'\n- '1:30'\n- '1_000'\n- plain\nb: |\n  2026-11-23\n  on\nc: 'off'\n"
        );
    }
}
