//! What `format_source` makes of small inputs: the canonical layout and its comments.

use maestroc::format::{format_source, FormatError};

fn fmt(text: &str) -> String {
    match format_source(text) {
        Ok(out) => out,
        Err(e) => panic!("{e}: {e:?}"),
    }
}

#[test]
fn statements_get_one_line_each_and_two_space_indentation() {
    let got = fmt("workflow   w{param n:int=1 step a{run \"x\" timeout 5s}output o:int=n}");
    assert_eq!(
        got,
        "workflow w {\n  param n: int = 1\n  step a {\n    run \"x\"\n    timeout 5s\n  }\n  output o: int = n\n}\n"
    );
}

#[test]
fn spacing_of_operators_calls_types_and_unary_minus() {
    let got = fmt("fn f( a:list<int> , b:int? )->map<int> = {\"k\":len(a)*-b[0]}\n");
    assert_eq!(
        got,
        "fn f(a: list<int>, b: int?) -> map<int> = { \"k\": len(a) * -b[0] }\n"
    );
}

#[test]
fn long_lists_calls_and_records_break_one_element_a_line_with_a_trailing_comma() {
    let long = "workflow w {\n  let xs = [\"aaaaaaaaaaaaaaaaaaaa\", \"bbbbbbbbbbbbbbbbbbbbbbbb\", \"cccccccccccccccccccccccc\", \"dddddd\"]\n}\n";
    assert_eq!(
        fmt(long),
        "workflow w {\n  let xs = [\n    \"aaaaaaaaaaaaaaaaaaaa\",\n    \"bbbbbbbbbbbbbbbbbbbbbbbb\",\n    \"cccccccccccccccccccccccc\",\n    \"dddddd\",\n  ]\n}\n"
    );
    // A list that fits goes back on one line, without its trailing comma.
    assert_eq!(
        fmt("workflow w {\n  let xs = [\n    1,\n    2,\n  ]\n}\n"),
        "workflow w {\n  let xs = [1, 2]\n}\n"
    );
}

#[test]
fn blank_lines_are_kept_but_never_more_than_one() {
    let got = fmt("\n\nimport \"std/dates\"\n\n\n\nworkflow w {\n\n  let a = 1\n\n\n  let b = 2\n\n}\n\n");
    assert_eq!(
        got,
        "import \"std/dates\"\n\nworkflow w {\n  let a = 1\n\n  let b = 2\n}\n"
    );
}

#[test]
fn every_comment_stays_where_it_was() {
    let text = "// head\n\n/// The doc.\nworkflow w { // after the brace\n  /* before */ let a = 1 // trailing\n  let xs = [\n    1, // one\n    // own line\n    2\n  ]\n  step s {\n    run \"x\" /* inline */\n    // last\n  }\n}\n// tail\n";
    let want = "// head\n\n/// The doc.\nworkflow w { // after the brace\n  /* before */ let a = 1 // trailing\n  let xs = [\n    1, // one\n    // own line\n    2,\n  ]\n  step s {\n    run \"x\" /* inline */\n    // last\n  }\n}\n// tail\n";
    assert_eq!(fmt(text), want);
    assert_eq!(fmt(want), want);
}

#[test]
fn strings_and_literals_are_copied_verbatim() {
    let text = "workflow w {\n  let s = \"a  ${ f( 1 ) }\\t\"\n  let r = r\"x  \\d\"\n  let d = 2026-01-02 + 1h30m\n  let f = 1.5e-3\n}\n";
    assert_eq!(fmt(text), text);
}

#[test]
fn a_file_that_does_not_parse_is_not_formatted_and_reports_syntax_codes() {
    let Err(FormatError::Syntax(problems)) = format_source("workflow w {\n  step a { run }\n") else {
        panic!("expected syntax errors");
    };
    assert!(problems.has_errors());
    let codes: Vec<String> = problems
        .iter()
        .filter_map(|p| p.diagnostic.code().map(|c| c.to_string()))
        .collect();
    assert!(codes.iter().all(|c| c.starts_with("E00")), "{codes:?}");
}

#[test]
fn an_empty_file_stays_empty() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  // only\n"), "// only\n");
}
