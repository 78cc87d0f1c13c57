//! `analyze` alone vs `analyze` + `lower` on a generated ~100,000-line workflow
//! from `gen`: `nested` (≈14,000 steps, `foreach` → `if` → `foreach` nesting, data
//! references inside loops and across blocks) and the flat one `benches/check.rs` uses.
//! Target: lowering adds at most 20% to the check time.

use criterion::{criterion_group, criterion_main, Criterion};
use maestroc::driver::analyze;
use maestroc::ir::lower::lower;
use maestroc::loader::MemLoader;

mod gen;

/// The allocator of the `maestroc` binary, so the numbers are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    for (name, text) in [
        ("nested", gen::nested_workflow(100_000)),
        ("flat", gen::workflow(100_000)),
    ] {
        let loader = MemLoader::new().with("big.mflow", &text);
        let roots = vec!["big.mflow".to_string()];
        let analysis = analyze(&loader, &roots);
        assert!(
            !analysis.problems.has_errors(),
            "the generated workflow must check clean: {:?}",
            analysis.problems.iter().take(3).collect::<Vec<_>>()
        );
        let mut group = c.benchmark_group(format!("lower_100k_lines_{name}"));
        group.sample_size(10);
        group.bench_function("analyze", |b| b.iter(|| analyze(&loader, &roots)));
        group.bench_function("analyze_and_lower", |b| {
            b.iter(|| {
                let a = analyze(&loader, &roots);
                let ir = a.checked().map(|c| lower(&c));
                ir
            });
        });
        let checked = analysis.checked().expect("checked without errors above");
        group.bench_function("lower_only", |b| b.iter(|| lower(&checked)));
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
