#![allow(clippy::unwrap_used)]
//! `cargo run --release -p huimin-benches --example decide_one <pack-id> [reps]`: one evaluation
//! without explanation of the pack's heaviest case (the criterion `single/*/no_explain` case) in
//! a loop, for `perf` and `valgrind --tool=dhat`.
fn main() {
    let (id, reps) = huimin_benches::pack_and_reps("bench-canonical", 1_000_000).unwrap();
    let policy = huimin_core::Policy::from_path(huimin_benches::pack_path(&id)).unwrap();
    let (case, p, as_of, _) = huimin_benches::heaviest_case(&policy).unwrap();
    let plain = huimin_core::EvalOptions { explain: false };
    let t = std::time::Instant::now();
    for _ in 0..reps {
        let d = policy.evaluate_with(std::hint::black_box(&p), as_of, plain);
        std::hint::black_box(d.unwrap());
    }
    println!(
        "{id} {case}: {:.3} µs per evaluation without explanation",
        t.elapsed().as_secs_f64() * 1e6 / reps as f64
    );
}
