#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Regressions for what fuzzing found (fuzz/README.md): the columnar batch engine must give
//! exactly what the row engine gives, or an error for that row — never a different amount.

use huimin_core::batch::Batch;
use huimin_core::{Error, EvalError, Participant, Policy};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;

/// A fixture pack, with its example values file when it leaves numbers to an authority.
fn pack(name: &str) -> Policy {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let path = fixtures.join("policies").join(format!("{name}.yaml"));
    let values = fixtures.join("values").join(format!("{name}.example.yaml"));
    if values.is_file() {
        Policy::from_path_with_values(path, values).unwrap()
    } else {
        Policy::from_path(path).unwrap()
    }
}

#[test]
fn numbers_of_very_different_scales_in_one_column_keep_their_values() {
    // `months` 11.09 beside a 28-place decimal could not be rescaled to 28 places, and was
    // read as 1.109: the subsidy came out 19.92 instead of 199.16.
    let policy = pack("changchun-beilei-2017");
    let people = vec![
        Participant::new()
            .with("stage", "primary")
            .with("months", Decimal::from_str("11.09").unwrap()),
        Participant::new().with("stage", "primary").with(
            "months",
            Decimal::from_str("0.0000000000000000000000000001").unwrap(),
        ),
    ];
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 5, 14).unwrap();
    let row = policy.evaluate(&people[0], as_of).unwrap();
    assert_eq!(row.subsidy_total.to_string(), "199.16");
    let out = policy
        .evaluate_batch(&Batch::from_participants(&people), as_of)
        .unwrap();
    assert_eq!(out.money(out.subsidy_total[0]), row.subsidy_total);
}

#[test]
fn an_amount_too_large_for_the_money_columns_is_that_rows_error() {
    // The batch's money columns are 64-bit fen; a larger amount was saturated to
    // 92233720368547758.07 without a word.
    let policy = pack("nanjing-2021");
    let huge = Participant::new().with("stage", "primary").with(
        "district_annual_standard",
        Decimal::from_str("1000000000000000000000").unwrap(),
    );
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 10, 1).unwrap();
    assert!(policy.evaluate(&huge, as_of).is_ok());
    let out = policy
        .evaluate_batch(&Batch::from_participants(&[huge]), as_of)
        .unwrap();
    assert_eq!(out.subsidy_total, vec![0]);
    match &out.errors[..] {
        [(0, Error::Eval(EvalError::Arithmetic { what, .. }))] => {
            assert!(what.contains("64-bit"), "{what}")
        }
        other => panic!("{other:?}"),
    }
}
