//! Batches of 1 000 000: the benchmark pack `bench-canonical` on a synthetic population with
//! the anchors' shape (evaluation on one thread and on all cores, and the harness's whole
//! timed region: byte columns → batch → evaluation), and the Wanzhou pack on
//! `population::synthetic`. `cargo bench -p huimin-benches --bench batch`;
//! `HUIMIN_BENCH_N` changes the size.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use huimin_benches::{pack_path, Population};
use huimin_core::batch::Batch;
use huimin_core::Policy;
use std::hint::black_box;
use std::time::Duration;

fn n() -> usize {
    std::env::var("HUIMIN_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

fn batch(c: &mut Criterion) {
    let n = n();
    let cores = std::thread::available_parallelism().map_or(1, |t| t.get());
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));

    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
    let canonical = Policy::from_path(pack_path("bench-canonical")).unwrap();
    let pop = Population::synthetic(n, 20_241_001);
    let batch = pop.to_batch(&canonical, 1).unwrap();
    let mut threads = vec![1];
    if cores > 1 {
        threads.push(cores);
    }
    for &t in &threads {
        g.bench_function(format!("bench-canonical/{n}/eval/{t}t"), |b| {
            b.iter(|| {
                canonical
                    .evaluate_batch_on(black_box(&batch), as_of, t)
                    .unwrap()
            })
        });
    }
    g.bench_function(format!("bench-canonical/{n}/marshal+eval/{cores}t"), |b| {
        b.iter(|| {
            let batch = pop.to_batch(&canonical, cores).unwrap();
            canonical.evaluate_batch(black_box(&batch), as_of).unwrap()
        })
    });
    drop(batch);

    let wanzhou = Policy::from_path(pack_path("chongqing-wanzhou-2020")).unwrap();
    let wz_as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let wz_batch = Batch::from_participants(&huimin_core::population::synthetic(&wanzhou, n, 1));
    for t in threads {
        g.bench_function(format!("chongqing-wanzhou-2020/{n}/eval/{t}t"), |b| {
            b.iter(|| {
                wanzhou
                    .evaluate_batch_on(black_box(&wz_batch), wz_as_of, t)
                    .unwrap()
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = batch
}
criterion_main!(benches);
