//! `schedule` strings: 5-field Unix cron expressions and `@daily`-style macros.
//!
//! The `croner` crate decides what is valid and computes fire times (the same parser the
//! runtime's [`crate::ir::schedule`] uses); this module adds what a user needs from a
//! compiler: which field is wrong and why, in plain words, and a schedule that can never
//! fire (`0 0 30 2 *`) as an error instead of a silent no-op.

use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;

/// Why a cron expression is rejected: a message and the byte range (within the string) at fault.
#[derive(Debug, PartialEq, Eq)]
pub struct CronError {
    pub kind: CronErrorKind,
    pub message: String,
    pub start: usize,
    pub end: usize,
    pub help: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CronErrorKind {
    /// Not a 5-field cron expression or macro.
    Invalid,
    /// Well formed, but no date ever matches (`0 0 31 4 *`).
    NeverFires,
}

const MACROS: &[&str] = &[
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];
const FIELDS: &[(&str, u32, u32)] = &[
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
];
const MONTHS: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const MONTH_NAMES: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const FORMS: &str = "use a number, `*`, a range `a-b`, a list `a,b` or a step `*/n`";

fn parser() -> CronParser {
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .build()
}

/// Checks a schedule string.
pub fn validate(text: &str) -> Result<(), CronError> {
    parse(text).map(|_| ())
}

/// Parses a schedule string into croner's form, or says what is wrong with it.
pub fn parse(text: &str) -> Result<Cron, CronError> {
    let trimmed = text.trim();
    let lead = text.len() - text.trim_start().len();
    if trimmed.is_empty() {
        return Err(invalid(
            "the schedule is empty".into(),
            0,
            text.len(),
            Some(
                "write 5 fields: minute hour day-of-month month day-of-week, e.g. \"30 2 * * *\" for 02:30 every day"
                    .into(),
            ),
        ));
    }
    if trimmed.starts_with('@') {
        let lower = trimmed.to_ascii_lowercase();
        if !MACROS.contains(&lower.as_str()) {
            return Err(invalid(
                format!("unknown schedule macro `{trimmed}`"),
                lead,
                lead + trimmed.len(),
                crate::diagnostics::suggest::did_you_mean(&lower, MACROS.iter().copied())
                    .or_else(|| Some(format!("the macros are {}", MACROS.join(" ")))),
            ));
        }
        return parser()
            .parse(&lower)
            .map_err(|e| invalid(format!("invalid schedule macro: {e}"), lead, lead + trimmed.len(), None));
    }
    let fields = split(text);
    if fields.len() != 5 {
        return Err(invalid(
            format!("a cron expression has 5 fields, this one has {}", fields.len()),
            0,
            text.len(),
            Some(
                "fields are: minute hour day-of-month month day-of-week, e.g. \"30 2 * * *\" for 02:30 every day"
                    .into(),
            ),
        ));
    }
    for (i, &(start, field)) in fields.iter().enumerate() {
        let fail = |(message, help): (String, Option<String>)| invalid(message, start, start + field.len(), help);
        lexical(field, i).map_err(fail)?;
        let mut alone = ["*"; 5];
        alone[i] = field;
        if parser().parse(&alone.join(" ")).is_err() {
            return Err(fail(explain(field, i)));
        }
    }
    let cron = parser()
        .parse(trimmed)
        .map_err(|e| invalid(format!("invalid cron expression: {e}"), 0, text.len(), None))?;
    never_fires(&cron, fields[2])?;
    Ok(cron)
}

fn invalid(message: String, start: usize, end: usize, help: Option<String>) -> CronError {
    CronError {
        kind: CronErrorKind::Invalid,
        message,
        start,
        end,
        help,
    }
}

/// The space-separated fields of `text` with their byte offsets.
fn split(text: &str) -> Vec<(usize, &str)> {
    let mut fields = Vec::new();
    let mut pos = 0;
    for part in text.split([' ', '\t']) {
        if !part.is_empty() {
            fields.push((pos, part));
        }
        pos += part.len() + 1;
    }
    fields
}

/// Field `i` uses only standard Unix cron syntax: numbers, names in the month and weekday
/// fields, `*`, `-`, `,` and `/` (croner also knows Quartz's `L`, `W`, `#` and `?`; other
/// schedulers, like Argo's, do not, so MFlow leaves them out).
fn lexical(field: &str, i: usize) -> Result<(), (String, Option<String>)> {
    let (name, _, _) = FIELDS[i];
    let names: &[&str] = match i {
        3 => MONTHS,
        4 => DAYS,
        _ => &[],
    };
    for atom in field.split([',', '-', '/']) {
        let ok = atom == "*"
            || (!atom.is_empty() && atom.bytes().all(|b| b.is_ascii_digit()))
            || names.contains(&atom.to_ascii_uppercase().as_str());
        if !ok {
            let help = if atom.chars().any(|c| matches!(c, 'L' | 'W' | '#' | '?' | 'l' | 'w')) && names.is_empty() {
                format!("{FORMS}; Quartz's `L`, `W`, `#` and `?` are not part of Unix cron")
            } else if names.is_empty() {
                FORMS.to_string()
            } else {
                format!("{FORMS}, or a name like `{}`", names[1])
            };
            let shown = if atom.is_empty() { field } else { atom };
            return Err((format!("`{shown}` is not a valid {name}"), Some(help)));
        }
    }
    Ok(())
}

/// A plain explanation of why croner rejected field `i` on its own.
fn explain(field: &str, i: usize) -> (String, Option<String>) {
    let (name, lo, hi) = FIELDS[i];
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (item, None),
        };
        if let Some(step) = step {
            if !matches!(step.parse::<u32>(), Ok(s) if s >= 1 && s <= hi.max(1)) {
                return (
                    format!("invalid step `/{step}` in the {name} field"),
                    Some(format!("a step is a number from 1 to {hi}")),
                );
            }
        }
        let (a, b) = match range.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (range, None),
        };
        for v in [Some(a), b].into_iter().flatten() {
            if let Ok(n) = v.parse::<u32>() {
                if !(lo..=hi).contains(&n) {
                    return (format!("{name} {n} is out of range {lo}–{hi}"), None);
                }
            }
        }
        if let (Ok(a), Some(Ok(b))) = (a.parse::<u32>(), b.map(str::parse::<u32>)) {
            if b < a {
                return (
                    format!("the range `{range}` in the {name} field runs backwards"),
                    Some(format!("write the smaller value first: `{b}-{a}`")),
                );
            }
        }
    }
    (format!("`{field}` is not a valid {name}"), Some(FORMS.to_string()))
}

/// Rejects an expression whose days of the month never occur in its months, like
/// `0 0 30 2 *`. With a restricted weekday field the days are "either" (Unix cron), and
/// some weekday occurs in every month, so only a `*` weekday field can make it never fire.
fn never_fires(cron: &Cron, dom: (usize, &str)) -> Result<(), CronError> {
    let p = &cron.pattern;
    if p.is_dom_wildcard() || !p.is_dow_wildcard() {
        return Ok(());
    }
    let days = p.days.values();
    let months = p.months.values();
    // 2000 is a leap year: February has 29 days.
    let fits = months.iter().any(|&m| {
        days.iter()
            .any(|&d| u32::from(d) <= croner::time::days_in_month(2000, u32::from(m)))
    });
    if fits || days.is_empty() || months.is_empty() {
        return Ok(());
    }
    let month_names: Vec<&str> = months
        .iter()
        .filter_map(|&m| MONTH_NAMES.get(usize::from(m).wrapping_sub(1)).copied())
        .collect();
    let day_list: Vec<String> = days.iter().map(u16::to_string).collect();
    let have = if month_names.len() == 1 { "has" } else { "have" };
    let days_text = if day_list.len() == 1 {
        format!("day {}", day_list[0])
    } else {
        format!("days {}", join(&day_list, "or"))
    };
    Err(CronError {
        kind: CronErrorKind::NeverFires,
        message: format!(
            "this schedule never fires: {} {have} no {days_text}",
            join(&month_names, "and")
        ),
        start: dom.0,
        end: dom.0 + dom.1.len(),
        help: Some("February has at most 29 days; April, June, September and November have 30".into()),
    })
}

/// `a, b and c` (or `or`).
fn join<S: AsRef<str>>(items: &[S], conj: &str) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} {conj} {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, validate, CronErrorKind};

    #[test]
    fn accepts_common_forms() {
        for ok in [
            "@daily",
            "@HOURLY",
            "0 * * * *",
            "*/15 2-4 1,15 JAN-MAR mon-fri",
            "30 2 * * 7",
            "0 0 29 2 *",
            "0 0 31 2 mon",
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_bad_forms_at_the_field() {
        for (bad, at) in [
            ("@dayly", "@dayly"),
            ("0 25 * * *", "25"),
            ("* * *", "* * *"),
            ("0 0 32 * *", "32"),
            ("a * * * *", "a"),
            ("5-1 * * * *", "5-1"),
            ("*/0 * * * *", "*/0"),
            ("0 0 L * *", "L"),
            ("0 0 * * 1#2", "1#2"),
        ] {
            let e = validate(bad).expect_err(bad);
            assert_eq!(e.kind, CronErrorKind::Invalid, "{bad}");
            assert_eq!(&bad[e.start..e.end], at, "{bad}: {}", e.message);
        }
    }

    #[test]
    fn rejects_days_that_never_occur() {
        for (bad, message) in [
            ("0 0 30 2 *", "this schedule never fires: February has no day 30"),
            ("0 0 31 4 *", "this schedule never fires: April has no day 31"),
            (
                "0 0 31 4,6 *",
                "this schedule never fires: April and June have no day 31",
            ),
            (
                "0 0 30,31 2 *",
                "this schedule never fires: February has no days 30 or 31",
            ),
        ] {
            let e = validate(bad).expect_err(bad);
            assert_eq!(e.kind, CronErrorKind::NeverFires, "{bad}");
            assert_eq!(e.message, message);
            assert_eq!(&bad[e.start..e.end], bad.split(' ').nth(2).unwrap_or(""));
        }
    }

    #[test]
    fn never_panics_on_noise() {
        // Deterministic noise over the characters cron uses, and some it does not.
        let alphabet: Vec<char> = "0123456789*/-,? LW#@abcJANMONsun \t\u{e9}".chars().collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let len = u64::try_from(alphabet.len()).unwrap_or(1);
        for _ in 0..20_000 {
            let mut text = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for k in 0..(state % 24) {
                let i = (state.rotate_left(u32::try_from(k).unwrap_or(0) * 5) ^ k) % len;
                text.push(alphabet[usize::try_from(i).unwrap_or(0)]);
            }
            if let Err(e) = validate(&text) {
                assert!(e.start <= e.end && e.end <= text.len(), "{text:?}: {e:?}");
                assert!(
                    text.is_char_boundary(e.start) && text.is_char_boundary(e.end),
                    "{text:?}"
                );
            }
        }
        for big in ["0 0 99999999999 * *", "*/99999999999 * * * *", "0-99999999999 * * * *"] {
            assert!(validate(big).is_err(), "{big}");
        }
    }

    #[test]
    fn parse_gives_croner_pattern() {
        let cron = parse("@daily").expect("valid");
        assert_eq!(cron.pattern.hours.values(), vec![0]);
    }
}
