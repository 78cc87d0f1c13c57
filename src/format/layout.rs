//! Tokens → document. Items, statements and clauses each start a line; a `{` opening
//! statements is a block (indented, one statement a line); every other bracket is a group
//! that stays on one line when it fits and otherwise puts one element on each line with a
//! trailing comma. Comments stay where they were: one on its own line stays on its own
//! line, one after code stays after that code.

use super::doc::Doc;
use super::lex::{Kind, Token};
use super::marks::Marks;
use crate::syntax::keywords::{is_reserved, INNER_CLAUSE_WORDS, STEP_CLAUSES, WORKFLOW_CLAUSES};

pub(super) struct Layout<'a> {
    toks: Vec<Token<'a>>,
    marks: Marks,
    /// For each opening bracket, the index of its closing bracket.
    close: Vec<usize>,
    in_type: Vec<bool>,
}

fn is_open(t: &Token<'_>) -> bool {
    t.kind == Kind::Punct && matches!(t.text, "(" | "[" | "{")
}

fn is_close(t: &Token<'_>) -> bool {
    t.kind == Kind::Punct && matches!(t.text, ")" | "]" | "}")
}

fn clause_word(w: &str) -> bool {
    STEP_CLAUSES.contains(&w) || WORKFLOW_CLAUSES.contains(&w) || INNER_CLAUSE_WORDS.contains(&w)
}

impl<'a> Layout<'a> {
    pub(super) fn new(toks: Vec<Token<'a>>, marks: Marks) -> Self {
        let mut close: Vec<usize> = (0..toks.len()).collect();
        let mut stack = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            if is_open(t) {
                stack.push(i);
            } else if is_close(t) {
                if let Some(o) = stack.pop() {
                    close[o] = i;
                }
            }
        }
        // An unmatched opening bracket (never in text that parsed) closes at the end.
        for o in stack {
            close[o] = toks.len();
        }
        let in_type = toks
            .iter()
            .map(|t| marks.types.iter().any(|(s, e)| *s <= t.start && t.start < *e))
            .collect();
        Layout {
            toks,
            marks,
            close,
            in_type,
        }
    }

    pub(super) fn docs(&self) -> Vec<Doc> {
        let mut out = Vec::new();
        self.seq(0, self.toks.len(), &mut out);
        out
    }

    /// Lays out the tokens `from..to`, which hold no unmatched bracket.
    fn seq(&self, from: usize, to: usize, out: &mut Vec<Doc>) {
        let mut prev: Option<usize> = None;
        let mut prev_unary = false;
        let mut first = true;
        let mut i = from;
        while i < to {
            let t = self.toks[i];
            if t.is_comment() {
                Self::comment(&t, first, out);
                first = false;
                prev = None;
                i += 1;
                continue;
            }
            let after_own_line_comment = i > from
                && t.breaks == 0
                && self.toks[i - 1].kind == Kind::BlockComment
                && (self.toks[i - 1].breaks > 0 || i - 1 == 0);
            if self.marks.starts.contains(&t.start) && !after_own_line_comment {
                out.push(if t.breaks >= 2 && !first { Doc::Blank } else { Doc::Hard });
            } else if let Some(p) = prev {
                if self.space(p, prev_unary, i) {
                    out.push(Doc::text(" "));
                }
            } else if !first && i > 0 && self.toks[i - 1].kind == Kind::BlockComment {
                out.push(Doc::text(" "));
            }
            first = false;
            prev_unary = t.is("-") && prev.is_none_or(|p| !self.ends_operand(p));
            if is_open(&t) && self.close[i] < to {
                let end = self.close[i];
                if t.text == "{" && self.is_block(i) {
                    let mut body = Vec::new();
                    self.seq(i + 1, end, &mut body);
                    out.push(Doc::text("{"));
                    out.push(Doc::Indent(body));
                    out.push(Doc::Hard);
                    out.push(Doc::text("}"));
                } else {
                    out.push(self.group(i, end));
                }
                prev = Some(end);
                i = end + 1;
            } else {
                out.push(Doc::text(t.text));
                prev = Some(i);
                i += 1;
            }
        }
    }

    fn comment(t: &Token<'_>, first: bool, out: &mut Vec<Doc>) {
        if t.breaks > 0 {
            out.push(if t.breaks >= 2 && !first { Doc::Blank } else { Doc::Hard });
        } else {
            out.push(Doc::text(" "));
        }
        out.push(Doc::text(t.text));
        if t.kind == Kind::LineComment {
            out.push(Doc::Hard);
        }
    }

    /// Whether the `{` at `open` holds statements (its first token starts one).
    fn is_block(&self, open: usize) -> bool {
        self.toks[open + 1..self.close[open]]
            .iter()
            .find(|t| !t.is_comment())
            .is_some_and(|t| self.marks.starts.contains(&t.start))
    }

    /// The bracket group `open..=close`.
    fn group(&self, open: usize, close: usize) -> Doc {
        let o = self.toks[open].text;
        let c = self.toks[close].text;
        if open + 1 == close {
            return Doc::text(format!("{o}{c}"));
        }
        // Split at the commas of this level.
        let mut segments = Vec::new();
        let mut start = open + 1;
        let mut i = open + 1;
        while i < close {
            let t = &self.toks[i];
            if is_open(t) {
                i = self.close[i] + 1;
                continue;
            }
            if t.is(",") {
                segments.push((start, i));
                start = i + 1;
            }
            i += 1;
        }
        segments.push((start, close));
        // (first code token, end of code) of each segment that holds code.
        let cores: Vec<(usize, usize)> = segments
            .iter()
            .filter_map(|&(s, e)| {
                let first = (s..e).find(|&k| !self.toks[k].is_comment())?;
                let last = (s..e).rev().find(|&k| !self.toks[k].is_comment())?;
                Some((first, last + 1))
            })
            .collect();
        let sep = if o == "{" { Doc::Line } else { Doc::Soft };
        let trailing = o == "{" || cores.len() >= 2;
        let mut inner = vec![sep.clone()];
        let mut cursor = open + 1;
        for (k, &(s, e)) in cores.iter().enumerate() {
            // Comments between the previous element (or the bracket) and this one.
            if k > 0 {
                inner.push(Doc::text(","));
                self.comments(cursor, s, false, &mut inner);
                inner.push(Doc::Line);
            } else {
                self.comments(cursor, s, true, &mut inner);
            }
            self.seq(s, e, &mut inner);
            cursor = e;
        }
        if cores.is_empty() {
            self.comments(open + 1, close, true, &mut inner);
        } else if trailing {
            inner.push(Doc::IfBreak(","));
        }
        self.comments(cursor, close, false, &mut inner);
        Doc::group(vec![Doc::text(o), Doc::Indent(inner), sep, Doc::text(c)])
    }

    /// The comments among the tokens `from..to` (commas are skipped).
    fn comments(&self, from: usize, to: usize, first: bool, out: &mut Vec<Doc>) {
        let mut first = first;
        for t in &self.toks[from..to] {
            if t.is_comment() {
                Self::comment(t, first, out);
                first = false;
            }
        }
    }

    /// Whether the token at `p` ends an operand (so a `-` after it subtracts).
    fn ends_operand(&self, p: usize) -> bool {
        let t = &self.toks[p];
        match t.kind {
            Kind::Number | Kind::Str => true,
            Kind::Word => matches!(t.text, "true" | "false" | "none") || !(is_reserved(t.text) || clause_word(t.text)),
            Kind::Punct => matches!(t.text, ")" | "]" | "}") || (self.in_type[p] && matches!(t.text, "?" | ">")),
            Kind::LineComment | Kind::BlockComment => false,
        }
    }

    /// Whether a space separates the tokens at `p` and `i` on one line.
    fn space(&self, p: usize, prev_unary: bool, i: usize) -> bool {
        let (a, b) = (&self.toks[p], &self.toks[i]);
        if prev_unary || a.is(".") || a.is("(") || a.is("[") {
            return false;
        }
        if b.kind == Kind::Punct && matches!(b.text, "," | ")" | "]" | "." | ":") {
            return false;
        }
        if self.in_type[i] && (b.is("?") || b.is("<") || b.is(">")) {
            return false;
        }
        if self.in_type[p] && a.is("<") {
            return false;
        }
        if b.is("(") || b.is("[") {
            let tight = self.marks.postfix.contains(&a.end)
                || a.is(")")
                || a.is("]")
                || (a.kind == Kind::Word && !is_reserved(a.text) && !clause_word(a.text));
            return !tight;
        }
        true
    }
}
