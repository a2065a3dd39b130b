#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! scratch
use huimin_core::{Goal, Participant, Policy, WhatIfOptions};
use std::path::Path;

#[test]
fn scratch() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/policies/chongqing-wanzhou-2020.yaml");
    let p = Policy::from_yaml(&std::fs::read_to_string(&path).unwrap(), "w.yaml").unwrap();
    let kid = Participant::new()
        .with("stage", "primary")
        .with("grade", 3)
        .with("class_hours", 60);
    let d = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let t = std::time::Instant::now();
    let w = p
        .what_would_change(&kid, d, &Goal::PayLess, WhatIfOptions::default())
        .unwrap();
    eprintln!("{:?}", t.elapsed());
    eprintln!("{}", serde_json::to_string_pretty(&w).unwrap());
    let t = std::time::Instant::now();
    let part = p
        .evaluate_partial(
            &Participant::new().with("stage", "primary").with("grade", 3),
            d,
            &[],
        )
        .unwrap();
    eprintln!("{:?}", t.elapsed());
    eprintln!("{}", serde_json::to_string_pretty(&part).unwrap());
}
