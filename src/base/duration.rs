//! Durations as text (`90s`, `1h30m`, `500ms`) ↔ milliseconds. The syntax of a duration
//! literal is in `grammar/mflow.pest` (`duration_lit`); this is its value, shared by the
//! parser and the runtime (which reads durations from parameters and the store).

/// The units, largest first, with their length in milliseconds.
pub const UNITS: &[(&str, i64)] = &[
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1000),
    ("ms", 1),
];

/// `1h30m` → milliseconds: one or more runs of digits (`_` allowed between them), each
/// followed by a unit. `None` on overflow or on anything else.
#[must_use]
pub fn parse(text: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut number: i64 = 0;
    let mut digits = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            number = number.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
            digits = true;
            i += 1;
            continue;
        }
        if b == b'_' && digits {
            i += 1;
            continue;
        }
        let (unit, len) = match (b, bytes.get(i + 1)) {
            (b'm', Some(b's')) => (1, 2),
            (b's', _) => (1000, 1),
            (b'm', _) => (60_000, 1),
            (b'h', _) => (3_600_000, 1),
            (b'd', _) => (86_400_000, 1),
            _ => return None,
        };
        if !digits {
            return None;
        }
        total = total.checked_add(number.checked_mul(unit)?)?;
        number = 0;
        digits = false;
        i += len;
    }
    (!digits && !text.is_empty()).then_some(total)
}

/// Milliseconds → the shortest duration text (`5400000` → `1h30m`, `0` → `0s`).
#[must_use]
pub fn format(ms: i64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    if ms < 0 {
        out.push('-');
    }
    let mut rest = ms.unsigned_abs();
    for (unit, size) in UNITS {
        let size = size.unsigned_abs();
        if rest >= size {
            out.push_str(&(rest / size).to_string());
            out.push_str(unit);
            rest %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{format, parse};

    #[test]
    fn formats_the_shortest_text() {
        assert_eq!(format(5_400_000), "1h30m");
        assert_eq!(format(500), "500ms");
        assert_eq!(format(0), "0s");
        assert_eq!(format(-2000), "-2s");
    }

    #[test]
    fn parses_units_and_sums() {
        assert_eq!(parse("500ms"), Some(500));
        assert_eq!(parse("90s"), Some(90_000));
        assert_eq!(parse("1h30m"), Some(5_400_000));
        assert_eq!(parse("1_000ms"), Some(1000));
        assert_eq!(parse("2d"), Some(172_800_000));
    }

    #[test]
    fn rejects_other_text() {
        for bad in ["", "5", "1h5", "m", "1x", "1.5h", "99999999999999999999d", "_1s"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
