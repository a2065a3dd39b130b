#![allow(clippy::unwrap_used)]
//! `cargo run --release -p huimin-benches --example explain_one <pack-id> [reps]`: one explained
//! evaluation of the pack's heaviest case (the criterion `single/*/explain` case) in a loop, for
//! `perf` and `valgrind --tool=dhat`.
fn main() {
    let (id, reps) = huimin_benches::pack_and_reps("tongan-family-bed", 200_000).unwrap();
    let policy = huimin_core::Policy::from_path(huimin_benches::pack_path(&id)).unwrap();
    let (case, p, as_of, steps) = huimin_benches::heaviest_case(&policy).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..reps {
        std::hint::black_box(policy.evaluate(std::hint::black_box(&p), as_of).unwrap());
    }
    println!(
        "{id} {case}, {steps} steps: {:.2} µs per explained evaluation",
        t.elapsed().as_secs_f64() * 1e6 / reps as f64
    );
}
