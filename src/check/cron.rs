//! Validation of `schedule` strings: 5-field cron expressions and `@daily`-style macros.

/// Why a cron expression is invalid: a message and the byte range (within the string) at fault.
#[derive(Debug, PartialEq, Eq)]
pub struct CronError {
    pub message: String,
    pub start: usize,
    pub end: usize,
    pub help: Option<String>,
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
const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// Checks a schedule string.
pub fn validate(text: &str) -> Result<(), CronError> {
    let trimmed = text.trim();
    if trimmed.starts_with('@') {
        if MACROS.contains(&trimmed) {
            return Ok(());
        }
        let start = text.len() - text.trim_start().len();
        return Err(CronError {
            message: format!("unknown schedule macro `{trimmed}`"),
            start,
            end: start + trimmed.len(),
            help: crate::diagnostics::suggest::did_you_mean(trimmed, MACROS.iter().copied())
                .or_else(|| Some(format!("the macros are {}", MACROS.join(" ")))),
        });
    }
    let mut fields = Vec::new();
    let mut pos = 0;
    for part in text.split(' ') {
        if !part.is_empty() {
            fields.push((pos, part));
        }
        pos += part.len() + 1;
    }
    if fields.len() != 5 {
        return Err(CronError {
            message: format!("a cron expression has 5 fields, this one has {}", fields.len()),
            start: 0,
            end: text.len(),
            help: Some(
                "fields are: minute hour day-of-month month day-of-week, e.g. \"30 2 * * *\" for 02:30 every day"
                    .into(),
            ),
        });
    }
    for (i, (start, field)) in fields.into_iter().enumerate() {
        let (name, lo, hi) = FIELDS[i];
        let names = match i {
            3 => Some(MONTHS),
            4 => Some(DAYS),
            _ => None,
        };
        check_field(field, name, lo, hi, names).map_err(|(message, help)| CronError {
            message,
            start,
            end: start + field.len(),
            help,
        })?;
    }
    Ok(())
}

fn check_field(
    field: &str,
    name: &str,
    lo: u32,
    hi: u32,
    names: Option<&[&str]>,
) -> Result<(), (String, Option<String>)> {
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (item, None),
        };
        if let Some(step) = step {
            match step.parse::<u32>() {
                Ok(s) if s >= 1 && s <= hi.max(1) => {}
                _ => {
                    return Err((
                        format!("invalid step `/{step}` in the {name} field"),
                        Some(format!("a step is a number from 1 to {hi}")),
                    ))
                }
            }
        }
        if range == "*" {
            continue;
        }
        let (a, b) = match range.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (range, None),
        };
        let a = value(a, name, lo, hi, names)?;
        if let Some(b) = b {
            let b = value(b, name, lo, hi, names)?;
            if b < a {
                return Err((
                    format!("the range `{range}` in the {name} field runs backwards"),
                    Some(format!("write the smaller value first: `{b}-{a}`")),
                ));
            }
        }
    }
    Ok(())
}

fn value(text: &str, name: &str, lo: u32, hi: u32, names: Option<&[&str]>) -> Result<u32, (String, Option<String>)> {
    if let Some(names) = names {
        let upper = text.to_ascii_uppercase();
        if let Some(i) = names.iter().position(|n| *n == upper) {
            let base = u32::from(name == "month");
            return Ok(u32::try_from(i).unwrap_or(0) + base);
        }
    }
    match text.parse::<u32>() {
        Ok(v) if (lo..=hi).contains(&v) => Ok(v),
        Ok(v) => Err((format!("{name} {v} is out of range {lo}–{hi}"), None)),
        Err(_) => Err((
            format!("`{text}` is not a valid {name}"),
            Some(format!(
                "use a number from {lo} to {hi}, `*`, a range `a-b`, a list `a,b` or a step `*/n`"
            )),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn accepts_common_forms() {
        for ok in [
            "@daily",
            "0 * * * *",
            "*/15 2-4 1,15 JAN-MAR mon-fri",
            "30 2 * * 7",
            "@hourly",
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_bad_forms() {
        for bad in [
            "@dayly",
            "0 25 * * *",
            "* * *",
            "0 0 32 * *",
            "a * * * *",
            "5-1 * * * *",
            "*/0 * * * *",
        ] {
            assert!(validate(bad).is_err(), "{bad}");
        }
    }
}
