//! What would change (issue 20): every case of `fixtures/whatif/` — a what-if (the minimal
//! changes that reach a goal) or a half-filled form's range — timed on one thread, the pack
//! compiled once. Target: a what-if ≤ 1 ms for every seed pack.
//! `cargo bench -p huimin-benches --bench whatif`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use huimin_core::{ffi, Policy};
use serde_json::Value;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn whatif(c: &mut Criterion) {
    let mut g = c.benchmark_group("whatif");
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join("whatif"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for file in files {
        let spec: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let id = spec["pack"].as_str().unwrap();
        let path = fixtures().join(format!("policies/{id}.yaml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let policy = match spec["values"].as_str() {
            Some(v) => {
                let vp = fixtures().join(format!("values/{v}"));
                let vt = std::fs::read_to_string(&vp).unwrap();
                Policy::from_yaml_with_values(&text, id, &vt, v).unwrap()
            }
            None => Policy::from_yaml(&text, id).unwrap(),
        };
        for case in spec["cases"].as_array().unwrap() {
            let person = case["participant"].to_string();
            let as_of = case["as_of"].as_str().unwrap().to_owned();
            let name = format!("{id}/{}", case["id"].as_str().unwrap());
            match case["what_if"].as_str() {
                Some(goal) => {
                    let k = case["max_changes"].as_u64().map(|k| k as usize);
                    g.bench_function(&name, |b| {
                        b.iter(|| ffi::what_if(&policy, black_box(&person), &as_of, goal, k))
                    });
                }
                None => {
                    let unknown: Vec<String> = case["partial"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|u| u.as_str().unwrap().to_owned())
                        .collect();
                    g.bench_function(format!("{name} (partial)"), |b| {
                        b.iter(|| ffi::partial(&policy, black_box(&person), &as_of, &unknown))
                    });
                }
            }
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(600))
        .sample_size(20);
    targets = whatif
}
criterion_main!(benches);
