#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `cargo run --release -p huimin-benches --example compile_one <pack-id> [reps]`: load + compile time.
fn main() {
    let id = std::env::args()
        .nth(1)
        .unwrap_or("community-homecare-classes".into());
    let reps: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let path = huimin_benches::pack_path(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..reps {
        std::hint::black_box(huimin_core::Policy::from_yaml(&text, "x.yaml").unwrap());
    }
    println!(
        "{id}: {:.1} µs per load+compile",
        t.elapsed().as_secs_f64() * 1e6 / reps as f64
    );
}
