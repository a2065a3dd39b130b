//! Pack load + compile (`Policy::from_yaml` on the file's text: YAML parse, type checks,
//! compilation) for every pack in `fixtures/policies/`.
//! `cargo bench -p huimin-benches --bench compile`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use huimin_benches::{pack_ids, pack_path};
use huimin_core::Policy;
use std::hint::black_box;
use std::time::Duration;

fn compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile");
    for id in pack_ids() {
        let path = pack_path(&id);
        let text = std::fs::read_to_string(&path).unwrap();
        let file = path.display().to_string();
        g.bench_function(&id, |b| {
            b.iter(|| Policy::from_yaml(black_box(&text), &file).unwrap())
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500));
    targets = compile
}
criterion_main!(benches);
