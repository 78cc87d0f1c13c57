//! Unit tests of the checker: typing rules of gathers and optionals, did-you-mean, cycle
//! messages, and large inputs (deep cycles and long chains) without stack overflow.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crate::driver::{analyze, Analysis};
use crate::loader::MemLoader;

fn run(src: &str) -> Analysis {
    let loader = MemLoader::new().with("a.mflow", src);
    analyze(&loader, &["a.mflow".to_string()])
}

/// `(code, message, help)` of every problem.
fn problems(src: &str) -> Vec<(String, String, String)> {
    run(src)
        .problems
        .iter()
        .map(|p| {
            let help = p.diagnostic.help().map(|h| h.to_string()).unwrap_or_default();
            (p.code(), p.diagnostic.to_string(), help)
        })
        .collect()
}

fn codes(src: &str) -> Vec<String> {
    problems(src).into_iter().map(|(c, _, _)| c).collect()
}

/// The type of a workflow `output` as the checker sees it: declare it as `bool` and read
/// the `found` type out of the mismatch.
fn type_of(decls: &str, expr: &str) -> String {
    let src = format!("workflow w {{\n{decls}\noutput probe: bool = {expr}\n}}");
    let found: Vec<_> = problems(&src)
        .into_iter()
        .filter(|(c, _, _)| c == "E0201")
        .map(|(_, m, _)| m)
        .collect();
    assert_eq!(found.len(), 1, "expected one mismatch for `{expr}`, got {found:?}");
    found[0]
        .rsplit("found `")
        .next()
        .and_then(|s| s.strip_suffix('`'))
        .unwrap_or_default()
        .to_string()
}

const LOOPS: &str = r#"
  param xs: list<int> = [1, 2]
  param ys: list<string> = ["a"]
  param go: bool = true
  foreach x in xs {
    foreach y in ys {
      step inner { run "i ${x} ${y}" outputs { n: int } }
    }
    step mid { run "m ${x}" outputs { n: int } }
  }
  foreach a in xs, b in ys {
    step cross { run "c ${a} ${b}" outputs { n: int } }
  }
  if go {
    step branch { run "b" outputs { n: int } }
  }
  step flaky { run "f" outputs { n: int } on_failure ignore }
  while more with more = true limit 3 {
    step page { run "p" outputs { more: bool } }
    next more = page.more
  }
"#;

#[test]
fn foreach_output_gathers_into_a_list() {
    assert_eq!(type_of(LOOPS, "mid.n"), "list<int>");
}

#[test]
fn nested_foreach_nests_lists() {
    assert_eq!(type_of(LOOPS, "inner.n"), "list<list<int>>");
}

#[test]
fn cross_product_is_a_flat_list() {
    assert_eq!(type_of(LOOPS, "cross.n"), "list<int>");
}

#[test]
fn while_outputs_gather_like_foreach() {
    assert_eq!(type_of(LOOPS, "page.more"), "list<bool>");
}

#[test]
fn branch_and_ignored_outputs_are_optional() {
    assert_eq!(type_of(LOOPS, "branch.n"), "int?");
    assert_eq!(type_of(LOOPS, "flaky.n"), "int?");
    assert_eq!(type_of(LOOPS, "branch.n ?? 0"), "int");
}

#[test]
fn env_is_optional_string() {
    assert_eq!(type_of("", "env(\"HOME\")"), "string?");
}

#[test]
fn optional_used_as_value_is_e0204() {
    let src = r#"workflow w {
      param go: bool = true
      if go { step b { run "b" outputs { url: string } } }
      step n { run "n ${upper(b.url)} ${b.url + "x"}" }
    }"#;
    assert_eq!(codes(src), ["E0204", "E0204"]);
}

#[test]
fn sibling_output_inside_loop_is_a_scalar() {
    let src = r#"workflow w {
      param xs: list<int> = [1]
      foreach x in xs {
        step a { run "a ${x}" outputs { n: int } }
        step b { run "b ${a.n + 1}" }
      }
    }"#;
    assert!(codes(src).is_empty());
}

#[test]
fn undefined_name_suggests_and_does_not_cascade() {
    let src = r#"workflow w {
      param regions: list<string> = ["us"]
      let n = len(regoins) + 1
      let label = "n=" + str(n)
      step s { run "echo ${label}" }
    }"#;
    let found = problems(src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "E0104");
    assert!(found[0].2.contains("`regions`"), "{found:?}");
}

#[test]
fn step_cycle_message_lists_the_cycle() {
    let src = r#"workflow w {
      step a { run "a" after c }
      step b { run "b" after a }
      step c { run "c" after b }
    }"#;
    let found = problems(src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "E0301");
    assert_eq!(found[0].1, "dependency cycle between steps: `a` → `c` → `b` → `a`");
}

#[test]
fn workflow_call_cycle_of_three_is_reported() {
    let src =
        "workflow a { step s { call b() } }\nworkflow b { step s { call c() } }\nworkflow c { step s { call a() } }";
    let found = problems(src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "E0117");
    assert!(found[0].1.contains("`a`") && found[0].1.contains("`c`"), "{found:?}");
}

#[test]
fn fn_and_value_cycles() {
    assert_eq!(
        codes("fn f(n: int) -> int = f(n)\nworkflow w { step s { run \"${f(1)}\" } }"),
        ["E0106"]
    );
    let found = problems("workflow w { let a = b  let b = a  step s { run \"${a}\" } }");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "E0107");
}

#[test]
fn duplicate_is_not_also_unused() {
    let src = r#"workflow w { param lr: float = 0.1  let lr = 0.2  step s { run "${lr}" } }"#;
    assert_eq!(codes(src), ["E0103"]);
}

#[test]
fn long_after_cycle_is_fast_and_does_not_overflow() {
    let n = 20_000;
    let mut src = String::from("workflow w {\n");
    for i in 0..n {
        let prev = (i + n - 1) % n;
        let _ = writeln!(src, "  step s{i} {{ run \"x\" after s{prev} }}");
    }
    src.push('}');
    let start = Instant::now();
    let found = codes(&src);
    let took = start.elapsed();
    assert_eq!(found, ["E0301"]);
    // Generous for debug builds on a shared machine; release is far faster.
    assert!(
        took < Duration::from_secs(if cfg!(debug_assertions) { 10 } else { 1 }),
        "{took:?}"
    );
}

#[test]
fn long_let_chain_checks_clean() {
    let n = 10_000;
    let mut src = String::from("workflow w {\n  let v0 = 1\n");
    for i in 1..n {
        let _ = writeln!(src, "  let v{i} = v{} + 1", i - 1);
    }
    let _ = writeln!(src, "  output last: int = v{}\n}}", n - 1);
    assert!(codes(&src).is_empty());
}

#[test]
fn long_let_chain_in_a_loop_body_checks_clean() {
    let n = 10_000;
    let mut src = String::from("workflow w {\n  param xs: list<int> = [1]\n  foreach x in xs {\n    let v0 = x\n");
    for i in 1..n {
        let _ = writeln!(src, "    let v{i} = v{} + 1", i - 1);
    }
    let _ = writeln!(src, "    step s {{ run \"echo ${{v{}}}\" }}\n  }}\n}}", n - 1);
    let start = Instant::now();
    assert!(codes(&src).is_empty());
    assert!(start.elapsed() < Duration::from_secs(20), "{:?}", start.elapsed());
}

#[test]
fn many_functions_check_clean() {
    let n = 5_000;
    // Chains of 100 (a chain of more than 256 is E0118, see `check::depth`).
    let chain = |n: usize, every: usize| {
        let mut src = String::from("fn f0(x: int) -> int = x\n");
        for i in 1..n {
            if i % every == 0 {
                let _ = writeln!(src, "fn f{i}(x: int) -> int = x");
            } else {
                let _ = writeln!(src, "fn f{i}(x: int) -> int = f{}(x) + 1", i - 1);
            }
        }
        let _ = writeln!(src, "workflow w {{ step s {{ run \"${{f{}(1)}}\" }} }}", n - 1);
        src
    };
    assert!(codes(&chain(n, 100)).is_empty());
    assert_eq!(codes(&chain(n, n)), ["E0118"]);
}

#[test]
fn fn_param_shadowing_a_module_warns() {
    let src = "import \"std/dates\"\nfn f(dates: int) -> int = dates + 1\nworkflow w { param day: date = 2026-01-01  step s { run \"${f(1)} ${dates.nodash(day)}\" } }";
    assert_eq!(codes(src), ["W0003"]);
}

#[test]
fn unknown_callee_does_not_cascade() {
    let src = "workflow w { step s { call nope() } output o: int = s.rows }";
    assert_eq!(codes(src), ["E0110"]);
}

/// `cargo test --release --lib check::tests::time_100k_lines -- --ignored --nocapture`
/// prints how long `analyze` takes on a generated ~100,000-line workflow.
#[test]
#[ignore = "timing, run by hand in release"]
fn time_100k_lines() {
    let mut src =
        String::from("workflow big {\n  param regions: list<string> = [\"us\", \"eu\"]\n  param threshold: int = 10\n");
    let mut b = 0;
    while src.len() < 3_200_000 {
        let prev = if b == 0 {
            String::new()
        } else {
            format!(" ${{extract{}.rows}}", b - 1)
        };
        let _ = write!(
            src,
            "  step extract{b} {{\n    run \"extract.sh {b} ${{threshold}}{prev}\"\n    outputs {{ rows: int, path: string }}\n    timeout 30m\n  }}\n  foreach region{b} in regions {{\n    step load{b} {{\n      run \"load.sh ${{region{b}}} ${{extract{b}.path}}\"\n      outputs {{ loaded: int }}\n    }}\n    if load{b}.loaded > threshold {{\n      step split{b} {{ run \"split.sh ${{load{b}.loaded}}\" }}\n    }}\n  }}\n  step publish{b} {{\n    run \"publish.sh ${{sum(load{b}.loaded)}}\"\n    after extract{b}\n  }}\n"
        );
        b += 1;
    }
    src.push_str("}\n");
    let lines = src.lines().count();
    let start = Instant::now();
    let a = run(&src);
    let took = start.elapsed();
    assert!(!a.problems.has_errors());
    eprintln!("analyze: {lines} lines, {} steps, {took:?}", a.program.steps.len());
}

#[test]
fn the_checked_tree_exists_only_without_errors() {
    let ok = run("workflow w {\n  param n: int = 1\n  step s { run \"echo ${n}\" }\n  output o: int = n\n}\n");
    assert!(ok.problems.is_empty());
    let checked = ok.checked().expect("no errors, so a checked program");
    assert_eq!(checked.tree().workflows.len(), 1);
    let bad = run("workflow w {\n  output o: int = missing\n}\n");
    assert!(bad.program.tree.is_none(), "a program with errors has no tree");
    assert!(bad.checked().is_none());
}

#[test]
fn the_tree_resolves_names_and_types_every_expression() {
    use super::tree::{TAction, TExprKind, TNode, TStrPart};
    let a = run(
        "fn twice(x: int) -> int = x * 2\n\
         workflow w {\n  param n: int = 1\n  retry 2\n  step s { run \"echo ${raw(str(twice(x: n)))}\" outputs { k: int } }\n  output o: int = s.k\n}\n",
    );
    assert!(
        a.problems.is_empty(),
        "{:?}",
        a.problems
            .iter()
            .map(crate::diagnostics::Problem::code)
            .collect::<Vec<_>>()
    );
    let tree = a.checked().expect("checked").tree();
    let wf = &tree.workflows[0];
    let TNode::Step(step) = &wf.body.nodes[0] else {
        panic!("the first node is the step")
    };
    assert_eq!(a.program.step(step.id).slot, 0);
    // The workflow's `retry` is the step's.
    assert!(step.retry.is_some());
    let TAction::Run(parts) = &step.action else {
        panic!("a run action")
    };
    let [TStrPart::Lit(echo), TStrPart::Value { expr, raw: true }] = parts.as_slice() else {
        panic!("`echo ` then a raw value: {parts:?}")
    };
    assert_eq!(echo, "echo ");
    assert_eq!(expr.ty, super::ty::Type::String);
    let TExprKind::CallBuiltin(_, args) = &expr.kind else {
        panic!("str(…)")
    };
    let TExprKind::CallFn(f, fn_args) = &args[0].kind else {
        panic!("twice(…)")
    };
    assert_eq!(tree.fns[f.0 as usize].name, "twice");
    assert!(matches!(fn_args[0].kind, TExprKind::Var(_)));
    assert_eq!(fn_args[0].ty, super::ty::Type::Int);
    let out = &wf.outputs[0];
    assert_eq!(out.value.ty, super::ty::Type::Int);
    let TExprKind::Field(base, field) = &out.value.kind else {
        panic!("s.k")
    };
    assert_eq!(field, "k");
    assert!(matches!(base.kind, TExprKind::Step(s) if s == step.id));
}
