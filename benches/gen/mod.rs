//! A generator of large, realistic workflows for benchmarks.

use std::fmt::Write as _;

/// A workflow of about `lines` lines: blocks of three steps with a `foreach`, an `if`
/// and data references between them (≈ one step per 10 lines).
#[must_use]
pub fn workflow(lines: usize) -> String {
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
