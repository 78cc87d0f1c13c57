//! "Did you mean …?": the closest known name to a misspelt one (strsim).

/// The candidate closest to `name`, if it is close enough to suggest.
pub fn best_match<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, c)| *score > 0.85 || (name.len() > 3 && strsim::levenshtein(name, c) <= 2))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `did you mean `x`?`, if some candidate is close.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    best_match(name, candidates).map(|m| format!("did you mean `{m}`?"))
}
