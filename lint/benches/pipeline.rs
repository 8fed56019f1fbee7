//! Micro-benchmarks of the per-file pipeline (parse, facts, every rule, join), for changes to
//! one stage. The whole-tree numbers against ripgrep come from `bench/run`.
//!
//! `cargo bench -p vox-clavis-lint --bench pipeline`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vox_clavis_lint::Settings;
use vox_clavis_lint::engine::check_sources;

/// The demo's files: realistic code with a finding for most rules.
const DEMO: &[(&str, &str)] = &[
    (
        "config.rs",
        include_str!("../../fixtures/demo/src/config.rs"),
    ),
    ("db.rs", include_str!("../../fixtures/demo/src/db.rs")),
    (
        "gemini.rs",
        include_str!("../../fixtures/demo/src/gemini.rs"),
    ),
    (
        "indexer.rs",
        include_str!("../../fixtures/demo/src/indexer.rs"),
    ),
    ("llm.rs", include_str!("../../fixtures/demo/src/llm.rs")),
    ("main.rs", include_str!("../../fixtures/demo/src/main.rs")),
    (
        "webhook.rs",
        include_str!("../../fixtures/demo/src/webhook.rs"),
    ),
];

/// A 60 KB module of ordinary code with few findings: a frozen copy of the linter's former
/// `taint/walk.rs` (before the layout split it), so the figure stays comparable across
/// refactors of the linter's own source.
const LARGE: &str = include_str!("data/large.rs");

fn pipeline(c: &mut Criterion) {
    let settings = Settings::default();
    let demo_bytes: usize = DEMO.iter().map(|(_, t)| t.len()).sum();

    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(demo_bytes as u64));
    group.bench_function("demo crate, every rule", |b| {
        b.iter(|| check_sources(&settings, black_box(DEMO)))
    });
    group.throughput(Throughput::Bytes(LARGE.len() as u64));
    group.bench_function("large file, every rule", |b| {
        b.iter(|| check_sources(&settings, black_box(&[("large.rs", LARGE)])))
    });
    group.bench_function("large file, parse only", |b| {
        b.iter(|| syn::parse_file(black_box(LARGE)).map(|f| f.items.len()))
    });
    group.finish();

    let prefilter = vox_clavis_lint::rules::prefilter(&settings);
    let mut group = c.benchmark_group("prefilter");
    group.throughput(Throughput::Bytes(LARGE.len() as u64));
    group.bench_function("triggers of a large file", |b| {
        b.iter(|| prefilter.wants(black_box(LARGE.as_bytes())))
    });
    group.bench_function("build the automaton", |b| {
        b.iter(|| vox_clavis_lint::rules::prefilter(black_box(&settings)))
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
