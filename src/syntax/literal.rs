//! The values of literals (numbers, durations, dates, string escapes), shared by the pest
//! builder and the fast path. Their syntax is the grammar's (`grammar/mflow.pest`); the
//! functions here take text the grammar already accepted.

/// An integer literal (`1_000`); `None` if it does not fit in 64 bits.
#[must_use]
pub fn int(text: &str) -> Option<i64> {
    text.replace('_', "").parse().ok()
}

/// A float literal (`1.5`, `2e-3`); `None` if it is not finite.
#[must_use]
pub fn float(text: &str) -> Option<f64> {
    text.replace('_', "").parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A duration literal (`1h30m`) in milliseconds; `None` on overflow.
#[must_use]
pub fn duration(text: &str) -> Option<i64> {
    crate::base::duration::parse(text)
}

/// A date literal (`2026-11-23`), or why it is not a date.
pub fn date(text: &str) -> Result<jiff::civil::Date, String> {
    let y: i16 = text.get(0..4).and_then(|s| s.parse().ok()).ok_or("bad year")?;
    let m: i8 = text.get(5..7).and_then(|s| s.parse().ok()).ok_or("bad month")?;
    let d: i8 = text.get(8..10).and_then(|s| s.parse().ok()).ok_or("bad day")?;
    if !(1..=12).contains(&m) {
        return Err(format!("there is no month {m}"));
    }
    jiff::civil::Date::new(y, m, d).map_err(|_| format!("{y:04}-{m:02} has no day {d}"))
}

/// The character an escape `\c` in a string stands for; `None` if `c` is not an escape.
#[must_use]
pub fn escape(c: char) -> Option<char> {
    match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        '\\' => Some('\\'),
        '"' => Some('"'),
        '$' => Some('$'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(int("1_000"), Some(1000));
        assert_eq!(int("9223372036854775808"), None);
        assert_eq!(float("1.5e3"), Some(1500.0));
        assert_eq!(float("1e999"), None);
        assert_eq!(duration("1h30m"), Some(5_400_000));
        assert!(date("2026-02-30").is_err());
        assert_eq!(escape('n'), Some('\n'));
        assert_eq!(escape('q'), None);
    }
}
