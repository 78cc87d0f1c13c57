//! A generator of large, realistic workflows for benchmarks.

use std::fmt::Write as _;

/// A workflow of about `lines` lines: blocks of three steps with a `foreach`, an `if`
/// and data references between them (≈ one step per 10 lines).
#[must_use]
#[allow(dead_code)] // not every bench uses every generator
pub(crate) fn workflow(lines: usize) -> String {
    let mut out = String::from(
        "workflow big {\n  param regions: list<string> = [\"us\", \"eu\", \"apac\"]\n  param threshold: int = 10\n\n",
    );
    let mut block = 0;
    let mut count = 4;
    while count < lines {
        let b = block;
        let _ = write!(
            out,
            "  step extract{b} {{\n    run \"extract.sh --block {b} --threshold ${{threshold}}\"\n    outputs {{ rows: int, path: string }}\n    timeout 30m\n  }}\n\n  foreach region{b} in regions concurrency 2 {{\n    step load{b} {{\n      run \"load.sh ${{region{b}}} ${{extract{b}.path}}\"\n      outputs {{ loaded: int }}\n      retry 2 backoff exponential(1s, max: 1m)\n    }}\n  }}\n\n  if sum(load{b}.loaded) > threshold {{\n    step publish{b} {{\n      run \"publish.sh ${{extract{b}.path}} ${{sum(load{b}.loaded)}}\"\n      after extract{b}\n    }}\n  }}\n\n"
        );
        block += 1;
        count += 22;
    }
    out.push_str("}\n");
    out
}

/// One block: a step, a `foreach` holding a step and an `if` with a nested `foreach`,
/// then a step gathering from the loops and using the previous block (4 steps, 28 lines).
#[allow(dead_code)]
fn block(out: &mut String, b: usize) {
    let _ = write!(
        out,
        "  step extract{b} {{\n    run \"extract.sh --block {b} --threshold ${{threshold}}\"\n    outputs {{ rows: int, path: string }}\n    timeout 30m\n  }}\n\n  foreach region{b} in regions concurrency 2 {{\n    step load{b} {{\n      run \"load.sh ${{region{b}}} ${{extract{b}.path}}\"\n      outputs {{ loaded: int }}\n      retry 2 backoff exponential(1s, max: 1m)\n    }}\n    if load{b}.loaded > threshold {{\n      foreach part{b} in range(0, 3) {{\n        step split{b} {{\n          run \"split.sh ${{part{b}}} ${{load{b}.loaded}}\"\n          outputs {{ parts: int }}\n        }}\n      }}\n    }}\n  }}\n\n"
    );
    let previous = if b == 0 {
        String::new()
    } else {
        format!(" ${{extract{}.rows}}", b - 1)
    };
    let _ = write!(
        out,
        "  step publish{b} {{\n    run \"publish.sh ${{extract{b}.path}} ${{sum(load{b}.loaded)}} ${{len(split{b}.parts)}}{previous}\"\n    after extract{b}\n    on_failure ignore\n  }}\n\n"
    );
}

/// A workflow of about `lines` lines (≈ one step per 7 lines), with `foreach` → `if` →
/// `foreach` nesting and data references between steps, inside loops and across blocks.
#[must_use]
#[allow(dead_code)] // not every bench uses every generator
pub(crate) fn nested_workflow(lines: usize) -> String {
    let mut out = String::from(
        "workflow big {\n  param regions: list<string> = [\"us\", \"eu\", \"apac\"]\n  param threshold: int = 10\n\n",
    );
    let mut b = 0;
    while out.bytes().filter(|c| *c == b'\n').count() < lines {
        // Count lines per batch of blocks, not per block, to stay linear.
        for _ in 0..100 {
            block(&mut out, b);
            b += 1;
        }
    }
    out.push_str("}\n");
    out
}
