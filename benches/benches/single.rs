//! One evaluation, without and with the explanation, on the heaviest conformance case of
//! the Wanzhou pack, of the two richest seed packs, and of the benchmark pack.
//! `cargo bench -p huimin-benches --bench single`; `HUIMIN_BENCH_PACKS=all` runs every pack.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use huimin_benches::{heaviest_case, pack_ids, pack_path};
use huimin_core::{EvalOptions, Policy};
use std::hint::black_box;
use std::time::Duration;

const PACKS: [&str; 4] = [
    "chongqing-wanzhou-2020",
    "tongan-family-bed",
    "shenzhen-homecare",
    "bench-canonical",
];

fn single(c: &mut Criterion) {
    let ids: Vec<String> = match std::env::var("HUIMIN_BENCH_PACKS").as_deref() {
        Ok("all") => pack_ids(),
        Ok(list) if !list.is_empty() => list.split(',').map(str::to_owned).collect(),
        _ => PACKS.iter().map(|s| (*s).to_owned()).collect(),
    };
    let mut g = c.benchmark_group("single");
    for id in ids {
        let policy = Policy::from_path(pack_path(&id)).unwrap();
        let Some((case, p, as_of, steps)) = heaviest_case(&policy) else {
            continue;
        };
        eprintln!("{id}: case {case}, {steps} explanation steps");
        g.bench_function(format!("{id}/no_explain"), |b| {
            b.iter(|| {
                policy
                    .evaluate_with(
                        black_box(&p),
                        black_box(as_of),
                        EvalOptions { explain: false },
                    )
                    .unwrap()
            })
        });
        g.bench_function(format!("{id}/explain"), |b| {
            b.iter(|| policy.evaluate(black_box(&p), black_box(as_of)).unwrap())
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = single
}
criterion_main!(benches);
