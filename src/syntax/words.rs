//! The word tables of the language (run strategies, backoffs, failure modes, retry
//! conditions), each defined once: the list of words (for messages and "did you mean")
//! and its `FromStr`, used by both parsers.

use std::str::FromStr;

use super::ast::{FailureMode, RetryOn};

/// A word that is not in the table it was looked up in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownWord;

/// The name of a run strategy (`strategy parallel(4)`); only `parallel` takes an argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrategyName {
    Parallel,
    Sequential,
    StrictSequential,
    FirstOnly,
    LastOnly,
}

/// The name of a backoff (`backoff exponential(1s, max: 1m)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackoffName {
    Fixed,
    Exponential,
}

macro_rules! word_table {
    ($ty:ty, $words:ident, { $($word:literal => $value:expr),+ $(,)? }) => {
        #[doc = concat!("The words of [`", stringify!($ty), "`], in the order they are documented.")]
        pub const $words: &[&str] = &[$($word),+];

        impl FromStr for $ty {
            type Err = UnknownWord;

            fn from_str(word: &str) -> Result<Self, UnknownWord> {
                match word {
                    $($word => Ok($value),)+
                    _ => Err(UnknownWord),
                }
            }
        }
    };
}

word_table!(StrategyName, STRATEGIES, {
    "parallel" => StrategyName::Parallel,
    "sequential" => StrategyName::Sequential,
    "strict_sequential" => StrategyName::StrictSequential,
    "first_only" => StrategyName::FirstOnly,
    "last_only" => StrategyName::LastOnly,
});

word_table!(BackoffName, BACKOFFS, {
    "fixed" => BackoffName::Fixed,
    "exponential" => BackoffName::Exponential,
});

word_table!(FailureMode, FAILURE_MODES, {
    "fail_fast" => FailureMode::FailFast,
    "fail_after_running" => FailureMode::FailAfterRunning,
    "ignore" => FailureMode::Ignore,
});

word_table!(RetryOn, RETRY_ON, {
    "failure" => RetryOn::Failure,
    "timeout" => RetryOn::Timeout,
    "any" => RetryOn::Any,
});

/// `a`, `b` and `c` (each in backquotes).
#[must_use]
pub fn list(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_parses_and_others_do_not() {
        for w in STRATEGIES {
            assert!(w.parse::<StrategyName>().is_ok());
        }
        for w in BACKOFFS {
            assert!(w.parse::<BackoffName>().is_ok());
        }
        for w in FAILURE_MODES {
            assert!(w.parse::<FailureMode>().is_ok());
        }
        for w in RETRY_ON {
            assert!(w.parse::<RetryOn>().is_ok());
        }
        assert_eq!("first-only".parse::<StrategyName>(), Err(UnknownWord));
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` and `c`");
    }
}
