//! Kubernetes-valid names (DNS-1123 labels: lower case letters, digits and `-`, starting
//! and ending with a letter or digit, at most 63 characters), with deterministic collision
//! handling: the first holder of a name keeps it, later ones get `-2`, `-3`, … (shortened
//! to stay within 63 characters).

use std::collections::BTreeSet;

/// The longest DNS-1123 label.
pub const MAX_LEN: usize = 63;

/// `name` as a DNS-1123 label: lower-cased, `_` and other characters become `-`, runs of
/// `-` collapse, and the result is trimmed to 63 characters. An empty result is `x`.
#[must_use]
pub fn dns1123(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = trim_to(&out, MAX_LEN);
    if trimmed.is_empty() {
        "x".to_string()
    } else {
        trimmed
    }
}

/// `s` cut to at most `max` characters, without `-` at either end.
fn trim_to(s: &str, max: usize) -> String {
    let cut: String = s.chars().take(max).collect();
    cut.trim_matches('-').to_string()
}

/// Hands out unique DNS-1123 names in one namespace (the templates of a manifest, the
/// tasks of a DAG).
#[derive(Debug, Default)]
pub struct Names {
    taken: BTreeSet<String>,
}

impl Names {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A unique DNS-1123 name for `wanted`: the same input sequence always gives the same
    /// names.
    pub fn unique(&mut self, wanted: &str) -> String {
        let base = dns1123(wanted);
        if self.taken.insert(base.clone()) {
            return base;
        }
        let mut n = 2u64;
        loop {
            let suffix = format!("-{n}");
            let name = format!("{}{suffix}", trim_to(&base, MAX_LEN - suffix.len()));
            if self.taken.insert(name.clone()) {
                return name;
            }
            n += 1;
        }
    }

    /// Marks `name` as taken (a fixed name like `main`).
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_dns1123() {
        assert_eq!(dns1123("daily_ETL"), "daily-etl");
        assert_eq!(dns1123("__a__b__"), "a-b");
        assert_eq!(dns1123("___"), "x");
        assert_eq!(dns1123(&"a".repeat(80)).len(), 63);
        assert_eq!(dns1123(&format!("{}_b", "a".repeat(62))), "a".repeat(62));
    }

    #[test]
    fn collisions_get_numbered_deterministically() {
        let mut names = Names::new();
        assert_eq!(names.unique("load_x"), "load-x");
        assert_eq!(names.unique("load-x"), "load-x-2");
        assert_eq!(names.unique("LOAD_X"), "load-x-3");
        let long = "b".repeat(70);
        assert_eq!(names.unique(&long), "b".repeat(63));
        let second = names.unique(&long);
        assert_eq!(second, format!("{}-2", "b".repeat(61)));
        assert!(second.len() <= MAX_LEN);
    }
}
