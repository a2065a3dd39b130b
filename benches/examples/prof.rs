#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Profiling loop: `cargo run --release -p huimin-benches --example prof [pack] [threads] [reps]`.
use huimin_benches::{pack_path, Population};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let pack = args.get(1).cloned().unwrap_or("bench-canonical".into());
    let threads: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let reps: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20);
    let policy = huimin_core::Policy::from_path(pack_path(&pack)).unwrap();
    let pop = Population::synthetic(1_000_000, 20_241_001);
    let batch = pop.to_batch(&policy, threads).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
    let mut best = f64::MAX;
    for _ in 0..reps {
        let t = std::time::Instant::now();
        let out = policy.evaluate_batch_on(&batch, as_of, threads).unwrap();
        let s = t.elapsed().as_secs_f64();
        best = best.min(s);
        assert_eq!(out.scalar_rows, 0);
    }
    let t = std::time::Instant::now();
    let b2 = pop.to_batch(&policy, threads).unwrap();
    let m = t.elapsed().as_secs_f64();
    drop(b2);
    println!(
        "{pack} 1M {threads}t: best eval {:.4}s = {:.1} M/s; marshal {:.4}s",
        best,
        1.0 / best,
        m
    );
}
