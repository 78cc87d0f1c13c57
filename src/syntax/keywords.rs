//! The reserved words of MFlow and the clause words, defined once. The grammar
//! (`grammar/mflow.pest`) cannot import this enum, so it keeps its `reserved` rule and its
//! `c_*` rules; the tests below check that they list the same words.

/// A word that is never a name (docs/language.md, "Words").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    Import,
    As,
    Workflow,
    Fn,
    Param,
    Const,
    Let,
    Step,
    Output,
    Foreach,
    While,
    If,
    Else,
    Then,
    For,
    In,
    True,
    False,
    None,
    And,
    Or,
    Not,
}

impl Keyword {
    /// Every keyword, in the grammar's order.
    pub const ALL: [Keyword; 22] = [
        Keyword::Import,
        Keyword::As,
        Keyword::Workflow,
        Keyword::Fn,
        Keyword::Param,
        Keyword::Const,
        Keyword::Let,
        Keyword::Step,
        Keyword::Output,
        Keyword::Foreach,
        Keyword::While,
        Keyword::If,
        Keyword::Else,
        Keyword::Then,
        Keyword::For,
        Keyword::In,
        Keyword::True,
        Keyword::False,
        Keyword::None,
        Keyword::And,
        Keyword::Or,
        Keyword::Not,
    ];

    /// The keyword spelt `word`, if it is one.
    #[must_use]
    pub fn from_lexeme(word: &str) -> Option<Keyword> {
        Some(match word {
            "import" => Keyword::Import,
            "as" => Keyword::As,
            "workflow" => Keyword::Workflow,
            "fn" => Keyword::Fn,
            "param" => Keyword::Param,
            "const" => Keyword::Const,
            "let" => Keyword::Let,
            "step" => Keyword::Step,
            "output" => Keyword::Output,
            "foreach" => Keyword::Foreach,
            "while" => Keyword::While,
            "if" => Keyword::If,
            "else" => Keyword::Else,
            "then" => Keyword::Then,
            "for" => Keyword::For,
            "in" => Keyword::In,
            "true" => Keyword::True,
            "false" => Keyword::False,
            "none" => Keyword::None,
            "and" => Keyword::And,
            "or" => Keyword::Or,
            "not" => Keyword::Not,
            _ => return Option::None,
        })
    }

    /// How the keyword is written.
    #[must_use]
    pub fn lexeme(self) -> &'static str {
        match self {
            Keyword::Import => "import",
            Keyword::As => "as",
            Keyword::Workflow => "workflow",
            Keyword::Fn => "fn",
            Keyword::Param => "param",
            Keyword::Const => "const",
            Keyword::Let => "let",
            Keyword::Step => "step",
            Keyword::Output => "output",
            Keyword::Foreach => "foreach",
            Keyword::While => "while",
            Keyword::If => "if",
            Keyword::Else => "else",
            Keyword::Then => "then",
            Keyword::For => "for",
            Keyword::In => "in",
            Keyword::True => "true",
            Keyword::False => "false",
            Keyword::None => "none",
            Keyword::And => "and",
            Keyword::Or => "or",
            Keyword::Not => "not",
        }
    }

    /// True for `import`, `fn` and `workflow`: the words that start a top-level item.
    #[must_use]
    pub fn starts_item(self) -> bool {
        matches!(self, Keyword::Import | Keyword::Fn | Keyword::Workflow)
    }

    /// True for the keywords that start a workflow statement.
    #[must_use]
    pub fn starts_stmt(self) -> bool {
        matches!(
            self,
            Keyword::Param
                | Keyword::Const
                | Keyword::Let
                | Keyword::Step
                | Keyword::Output
                | Keyword::Foreach
                | Keyword::While
        )
    }

    /// True for the keywords after which an operand is expected (`if`, `and`, `in`, …).
    #[must_use]
    pub fn expects_operand(self) -> bool {
        matches!(
            self,
            Keyword::If
                | Keyword::Then
                | Keyword::Else
                | Keyword::And
                | Keyword::Or
                | Keyword::Not
                | Keyword::In
                | Keyword::For
        )
    }
}

/// True if `word` is reserved (never a name).
#[must_use]
pub fn is_reserved(word: &str) -> bool {
    Keyword::from_lexeme(word).is_some()
}

/// The clauses a step may have (the grammar's `clause` rule).
pub const STEP_CLAUSES: &[&str] = &[
    "run",
    "exec",
    "call",
    "sleep",
    "wait",
    "env",
    "dir",
    "outputs",
    "image",
    "resources",
    "emit",
    "after",
    "retry",
    "timeout",
    "on_failure",
    "profile",
];

/// The statements a workflow body may have that do not start with a keyword
/// (the grammar's `stmt` rule; the others start with [`Keyword::starts_stmt`] words or `if`).
pub const WORKFLOW_CLAUSES: &[&str] = &[
    "retry",
    "timeout",
    "on_failure",
    "concurrency",
    "strategy",
    "schedule",
    "trigger",
    "tags",
    "next",
];

/// Every word that may start a workflow statement, keywords and clause words.
pub fn workflow_statement_words() -> impl Iterator<Item = &'static str> {
    Keyword::ALL
        .into_iter()
        .filter(|k| k.starts_stmt() || *k == Keyword::If)
        .map(Keyword::lexeme)
        .chain(WORKFLOW_CLAUSES.iter().copied())
}

/// Every other clause word of the grammar (`c_*` rules that do not start a clause).
pub const INNER_CLAUSE_WORDS: &[&str] = &[
    "signal",
    "where",
    "backoff",
    "on",
    "with",
    "limit",
    "catchup",
    "fixed",
    "since",
    "run_start",
];

#[cfg(test)]
mod tests {
    use super::*;

    const GRAMMAR: &str = include_str!("../../grammar/mflow.pest");

    /// The quoted words of the grammar's rule `name = @{ … }`.
    fn rule_words(name: &str) -> Vec<String> {
        let start = GRAMMAR
            .lines()
            .find(|l| {
                l.strip_prefix(name)
                    .is_some_and(|rest| rest.trim_start().starts_with("= @{"))
            })
            .map_or_else(|| panic!("no rule {name}"), |l| GRAMMAR.find(l).unwrap_or(0));
        let body = &GRAMMAR[start..];
        let end = body.find("!ident_char").expect("rule ends with !ident_char");
        body[..end].split('"').skip(1).step_by(2).map(str::to_string).collect()
    }

    #[test]
    fn grammar_reserved_rule_equals_keyword_set() {
        let mut grammar = rule_words("reserved");
        let mut ours: Vec<String> = Keyword::ALL.iter().map(|k| k.lexeme().to_string()).collect();
        grammar.sort();
        ours.sort();
        assert_eq!(grammar, ours);
    }

    #[test]
    fn every_keyword_has_a_k_rule_and_round_trips() {
        for k in Keyword::ALL {
            let rule = format!("k_{}", k.lexeme());
            assert_eq!(rule_words(&rule), [k.lexeme()], "{rule}");
            assert_eq!(Keyword::from_lexeme(k.lexeme()), Some(k));
        }
        assert_eq!(Keyword::from_lexeme("steps"), None);
    }

    #[test]
    fn clause_words_equal_the_grammar_c_rules() {
        let mut grammar: Vec<String> = GRAMMAR
            .lines()
            .filter_map(|l| l.strip_prefix("c_"))
            .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
            .collect();
        let mut ours: Vec<String> = STEP_CLAUSES
            .iter()
            .chain(WORKFLOW_CLAUSES)
            .chain(INNER_CLAUSE_WORDS)
            .map(|w| (*w).to_string())
            .collect();
        ours.sort();
        ours.dedup();
        grammar.sort();
        assert_eq!(grammar, ours);
        for w in &grammar {
            assert_eq!(rule_words(&format!("c_{w}")), [w.as_str()], "c_{w}");
        }
    }
}
