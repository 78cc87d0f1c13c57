//! `check` and `check + lower` of a generated ~100,000-line workflow (≈10,000 steps).
//! Targets (2-core machine): check ≤ 100 ms; lowering adds ≤ 20%.

use criterion::{criterion_group, criterion_main, Criterion};
use maestroc::driver::analyze;
use maestroc::loader::MemLoader;

mod gen;

/// The allocator of the `maestroc` binary, so the numbers are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let text = gen::workflow(100_000);
    let loader = MemLoader::new().with("big.mflow", &text);
    let roots = vec!["big.mflow".to_string()];
    let analysis = analyze(&loader, &roots);
    assert!(
        !analysis.problems.has_errors(),
        "the generated workflow must check clean"
    );
    let mut group = c.benchmark_group("100k_lines");
    group.sample_size(20);
    // `maestroc check` never frees the analysis (the process exits), so neither does the
    // measured part here: criterion drops it outside the timing.
    group.bench_function("check", |b| b.iter_with_large_drop(|| analyze(&loader, &roots)));
    group.bench_function("check_and_lower", |b| {
        b.iter_with_large_drop(|| {
            let a = analyze(&loader, &roots);
            let ir = a.checked().map(|c| maestroc::ir::lower::lower(&c));
            (a, ir)
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
