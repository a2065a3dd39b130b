#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Totals by group on the column path (issue 17): the groups add up exactly to the whole, and
//! the whole equals the totals of the same population read as participants.

use chrono::NaiveDate;
use huimin_arrow::{Options, RunColumns};
use huimin_core::Policy;
use rust_decimal::Decimal;
use std::str::FromStr;

fn wanzhou() -> Policy {
    Policy::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/policies/chongqing-wanzhou-2020.yaml"
    ))
    .unwrap()
}

/// Wanzhou with the monthly cap at 150.
fn cap150(base: &Policy) -> Policy {
    base.reformed(
        "id: cap150\nbase: chongqing-wanzhou-2020\nname: { zh: 上限150, en: Cap 150 }\nparameters:\n  monthly_cap: { value: 150 }\n",
        "cap150.yaml",
    )
    .unwrap()
}

#[test]
fn groups_add_up_to_the_whole_and_the_whole_to_the_budget() {
    let base = wanzhou();
    let reform = cap150(&base);
    let as_of = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let n = 150_000; // three slices of at most 65 536
    let (batches, _) = huimin_arrow::synthetic(&base, n, 9).unwrap();
    let by = vec!["grade".to_owned(), "stage".to_owned()];
    let grouping = RunColumns {
        by: &by,
        keep: &[],
        weight: None,
    };
    let t = huimin_arrow::tally(
        &[&base, &reform],
        &mut batches.into_iter().map(Ok),
        as_of,
        grouping,
        Options::default(),
        &|r| format!("row {r}"),
        &|_| true,
        None,
    )
    .unwrap();
    let r = t.report();
    assert_eq!((r.rows, r.errors), (n as u64, 0));
    assert!(r.groups.len() > 5, "grades × stages");
    for s in 0..2 {
        let sum = |f: &dyn Fn(&huimin_core::tally::ScenarioTotals) -> Decimal| {
            r.groups.iter().map(|g| f(&g.scenarios[s])).sum::<Decimal>()
        };
        let whole = &r.total.scenarios[s];
        assert_eq!(sum(&|x| x.net_fee), whole.net_fee);
        assert_eq!(sum(&|x| x.gross_fee), whole.gross_fee);
        assert_eq!(sum(&|x| x.reduction_total), whole.reduction_total);
        assert_eq!(sum(&|x| x.participants), whole.participants);
        assert_eq!(sum(&|x| x.payers["parents"]), whole.payers["parents"]);
    }
    // The whole is what the same people give read as participants, not as columns.
    let people = huimin_core::population::synthetic(&base, n, 9);
    for (s, p) in [&base, &reform].into_iter().enumerate() {
        let b = p.simulate(&people, as_of, &|_| {});
        assert_eq!(b.total.scenarios[0], r.total.scenarios[s]);
    }
    // Winners, losers and the unchanged are everyone eligible under both; the change is the
    // difference of the totals (eligibility does not change under a cap).
    let c = &r.total.changes[0];
    assert_eq!(
        c.winners + c.losers + c.unchanged,
        r.total.scenarios[0].eligible
    );
    assert_eq!(c.losers, Decimal::ZERO);
    assert_eq!(
        c.net_fee_change,
        r.total.scenarios[1].net_fee - r.total.scenarios[0].net_fee
    );
    assert!(c.winners > Decimal::from_str("1000").unwrap());
}

#[test]
fn totals_past_the_decimal_range_are_marked_not_shown_as_exact() {
    use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    // 170.00 × a weight of 10^22 is 1.7e24 yuan, held as 1.7e32 units at 8 decimals: past a
    // decimal's 28 digits. The report says so rather than showing a clipped total.
    let policy = wanzhou();
    let text = |v: &str| Arc::new(StringArray::from(vec![v])) as ArrayRef;
    let batch = RecordBatch::try_from_iter([
        ("stage", text("primary")),
        ("grade", Arc::new(Int64Array::from(vec![5])) as ArrayRef),
        (
            "class_hours",
            Arc::new(Int64Array::from(vec![60])) as ArrayRef,
        ),
        ("w", text("10000000000000000000000")),
    ])
    .unwrap();
    let cols = RunColumns {
        by: &[],
        keep: &[],
        weight: Some("w"),
    };
    let run = |b: RecordBatch| {
        huimin_arrow::tally(
            &[&policy],
            &mut std::iter::once(Ok(b)),
            NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(),
            cols,
            Options::default(),
            &|r| format!("row {r}"),
            &|_| true,
            None,
        )
        .unwrap()
        .report()
    };
    let r = run(batch.clone());
    assert!(r.overflow);
    assert_eq!(r.errors, 0);
    // A weight of 2 is an exact 340.00.
    let small = RecordBatch::try_from_iter([
        ("stage", text("primary")),
        ("grade", Arc::new(Int64Array::from(vec![5])) as ArrayRef),
        (
            "class_hours",
            Arc::new(Int64Array::from(vec![60])) as ArrayRef,
        ),
        ("w", text(" 2 ")),
    ])
    .unwrap();
    let r = run(small);
    assert!(!r.overflow);
    assert_eq!(r.total.scenarios[0].net_fee.to_string(), "340.00");
}

/// Parts of a population tallied apart (as a cluster's workers do), sent back as JSON and
/// merged, give exactly the report of the whole run at once; parts of another grouping are
/// refused by their place.
#[test]
fn parts_tallied_apart_merge_to_the_whole() {
    let base = wanzhou();
    let reform = cap150(&base);
    let as_of = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let (batches, _) = huimin_arrow::synthetic(&base, 30_000, 4).unwrap();
    let by = vec!["stage".to_owned()];
    let run = |batches: Vec<huimin_arrow::RecordBatch>, by: &[String]| {
        huimin_arrow::tally(
            &[&base, &reform],
            &mut batches.into_iter().map(Ok),
            as_of,
            RunColumns {
                by,
                keep: &[],
                weight: None,
            },
            Options::default(),
            &|r| format!("row {r}"),
            &|_| true,
            None,
        )
        .unwrap()
    };
    let whole = run(batches.clone(), &by).report();
    let all = batches.first().unwrap();
    let parts: Vec<String> = [(0, 7_000), (7_000, 13_000), (20_000, 10_000)]
        .into_iter()
        .map(|(at, n)| huimin_core::ffi::tally_state(&run(vec![all.slice(at, n)], &by)))
        .collect();
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    let merged = huimin_core::ffi::merged_report(&refs).unwrap();
    assert_eq!(merged, whole);
    assert_eq!(merged.rows, 30_000);

    let other = huimin_core::ffi::tally_state(&run(vec![all.slice(0, 10)], &[]));
    let err = huimin_core::ffi::merged_report(&[refs[0], &other]).unwrap_err();
    assert!(err.to_string().contains("parts[1]"), "{err}");
    let err = huimin_core::ffi::merged_report(&[refs[0], "{}"]).unwrap_err();
    assert!(err.to_string().contains("parts[1]"), "{err}");
}
