#![allow(clippy::unwrap_used)]
//! `cargo run --release -p huimin-benches --example compile_one <pack-id> [reps]`: load + compile time.
fn main() {
    let (id, reps) = huimin_benches::pack_and_reps("community-homecare-classes", 200).unwrap();
    let text = std::fs::read_to_string(huimin_benches::pack_path(&id)).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..reps {
        std::hint::black_box(huimin_core::Policy::from_yaml(&text, "x.yaml").unwrap());
    }
    println!(
        "{id}: {:.1} µs per load+compile",
        t.elapsed().as_secs_f64() * 1e6 / reps as f64
    );
}
