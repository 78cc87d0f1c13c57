//! A small Wadler-style document: text, line breaks that a group may keep flat, and
//! indentation. A group is printed flat when it fits in the width, broken otherwise; a
//! group holding a hard break (a line comment, a block of statements) always breaks.

/// Spaces per indentation level.
pub(super) const INDENT: usize = 2;
/// The widest line the formatter aims for (long strings may still pass it).
pub(super) const WIDTH: usize = 100;

#[derive(Clone, Debug)]
pub(super) enum Doc {
    Text(String),
    /// A space when flat, a line break when broken.
    Line,
    /// Nothing when flat, a line break when broken.
    Soft,
    /// Always a line break.
    Hard,
    /// Always a line break and one empty line (kept from the source).
    Blank,
    /// `text` only when the enclosing group is broken (a trailing comma).
    IfBreak(&'static str),
    Indent(Vec<Doc>),
    Group {
        docs: Vec<Doc>,
        hard: bool,
    },
}

impl Doc {
    pub(super) fn text(s: impl Into<String>) -> Doc {
        Doc::Text(s.into())
    }

    pub(super) fn group(docs: Vec<Doc>) -> Doc {
        let hard = docs.iter().any(Doc::has_hard);
        Doc::Group { docs, hard }
    }

    fn has_hard(&self) -> bool {
        match self {
            Doc::Hard | Doc::Blank => true,
            Doc::Text(_) | Doc::Line | Doc::Soft | Doc::IfBreak(_) => false,
            Doc::Indent(docs) => docs.iter().any(Doc::has_hard),
            Doc::Group { hard, .. } => *hard,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// Prints `docs`; the result has no trailing spaces and ends with one line break.
pub(super) fn print(docs: &[Doc]) -> String {
    let mut p = Printer {
        out: String::new(),
        column: 0,
        pending: 0,
    };
    let mut stack: Vec<(usize, Mode, &Doc)> = docs.iter().rev().map(|d| (0, Mode::Break, d)).collect();
    while let Some((indent, mode, doc)) = stack.pop() {
        match doc {
            Doc::Text(s) => p.text(s, indent),
            Doc::Line if mode == Mode::Flat => p.text(" ", indent),
            Doc::Soft | Doc::IfBreak(_) if mode == Mode::Flat => {}
            Doc::IfBreak(s) => p.text(s, indent),
            Doc::Line | Doc::Soft | Doc::Hard => p.pending = p.pending.max(1),
            Doc::Blank => p.pending = 2,
            Doc::Indent(docs) => stack.extend(docs.iter().rev().map(|d| (indent + INDENT, mode, d))),
            Doc::Group { docs, hard } => {
                let flat = mode == Mode::Flat
                    || (!hard && fits(WIDTH.saturating_sub(p.column_after_pending(indent)), docs, &stack));
                let mode = if flat { Mode::Flat } else { Mode::Break };
                stack.extend(docs.iter().rev().map(|d| (indent, mode, d)));
            }
        }
    }
    let mut out = p.out;
    out.push('\n');
    out
}

struct Printer {
    out: String,
    column: usize,
    /// Line breaks owed before the next text (at most 2: one empty line).
    pending: usize,
}

impl Printer {
    fn column_after_pending(&self, indent: usize) -> usize {
        if self.pending > 0 {
            indent
        } else {
            self.column
        }
    }

    fn text(&mut self, s: &str, indent: usize) {
        if self.pending > 0 {
            if !self.out.is_empty() {
                for _ in 0..self.pending {
                    self.out.push('\n');
                }
                self.out.extend(std::iter::repeat_n(' ', indent));
                self.column = indent;
            }
            self.pending = 0;
            if s == " " {
                return;
            }
        }
        if self.out.is_empty() && s == " " {
            return;
        }
        self.out.push_str(s);
        match s.rfind('\n') {
            Some(n) => self.column = s[n + 1..].chars().count(),
            None => self.column += s.chars().count(),
        }
    }
}

/// Whether `docs` printed flat, then what follows up to the next possible line break,
/// fits in `room` columns.
fn fits(room: usize, docs: &[Doc], rest: &[(usize, Mode, &Doc)]) -> bool {
    let mut room = room.cast_signed();
    let mut work: Vec<(Mode, &Doc)> = docs.iter().rev().map(|d| (Mode::Flat, d)).collect();
    let mut rest = rest.iter().rev();
    loop {
        let Some((mode, doc)) = work.pop() else {
            match rest.next() {
                Some((_, mode, doc)) => {
                    work.push((*mode, doc));
                    continue;
                }
                None => return true,
            }
        };
        match doc {
            Doc::Text(s) => {
                if let Some(n) = s.find('\n') {
                    return room >= s[..n].chars().count().cast_signed();
                }
                room -= s.chars().count().cast_signed();
            }
            Doc::Line if mode == Mode::Flat => room -= 1,
            Doc::Soft | Doc::IfBreak(_) if mode == Mode::Flat => {}
            Doc::IfBreak(s) => room -= s.len().cast_signed(),
            Doc::Line | Doc::Soft | Doc::Hard | Doc::Blank => return true,
            Doc::Indent(docs) => work.extend(docs.iter().rev().map(|d| (mode, d))),
            Doc::Group { docs, hard } => {
                let mode = if *hard { Mode::Break } else { mode };
                work.extend(docs.iter().rev().map(|d| (mode, d)));
            }
        }
        if room < 0 {
            return false;
        }
    }
}
