//! The batch path must give, row by row, exactly what the scalar engine gives: checked on
//! every fixture pack with synthetic populations and with every conformance case's participant.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use huimin_core::batch::Batch;
use huimin_core::{EvalOptions, Participant, Policy};
use rust_decimal::Decimal;
use std::path::Path;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn units(m: huimin_core::Money, scale: u32) -> i64 {
    let mut d = m.amount();
    d.rescale(scale);
    i64::try_from(d.mantissa()).unwrap()
}

/// Compares batch and scalar outputs for `people`; returns how many rows took the fast path.
fn compare(policy: &Policy, people: &[Participant], as_of: chrono::NaiveDate) -> usize {
    let out = policy
        .evaluate_batch(&Batch::from_participants(people), as_of)
        .unwrap();
    let s = out.scale;
    for (i, p) in people.iter().enumerate() {
        let want = policy.evaluate_with(p, as_of, EvalOptions { explain: false });
        let at = format!("{} row {i}: {p:?}", policy.id());
        match want {
            Err(e) => {
                let got = out.errors.iter().find(|(r, _)| *r == i).map(|(_, e)| e);
                assert_eq!(got, Some(&e), "{at}");
            }
            Ok(d) => {
                assert!(
                    !out.errors.iter().any(|(r, _)| *r == i),
                    "{at}: unexpected error"
                );
                assert_eq!(out.eligible[i], d.eligible, "{at}");
                assert_eq!(out.gross_fee[i], units(d.gross_fee, s), "{at} gross");
                assert_eq!(
                    out.reduction_total[i],
                    units(d.reduction_total, s),
                    "{at} reductions"
                );
                assert_eq!(out.net_fee[i], units(d.net_fee, s), "{at} net");
                assert_eq!(
                    out.subsidy_total[i],
                    units(d.subsidy_total, s),
                    "{at} subsidy"
                );
                for (rule, col) in &out.unmet {
                    let want = d.reasons.iter().any(|r| &r.rule == rule);
                    assert_eq!(col[i], want, "{at} unmet {rule}");
                }
                for (payer, col) in &out.payers {
                    assert_eq!(
                        col[i],
                        d.payers.get(payer.as_str()).map_or(0, |m| units(*m, s)),
                        "{at} payer {payer}"
                    );
                }
                for (g, col) in &out.priority {
                    assert_eq!(
                        col[i],
                        d.priority_groups.iter().any(|x| x == g),
                        "{at} priority {g}"
                    );
                }
                let cat = out.category[i].map(|k| out.categories[k as usize].clone());
                assert_eq!(cat.as_deref(), d.category.as_deref(), "{at} category");
            }
        }
    }
    people.len() - out.scalar_rows
}

#[test]
fn batch_equals_scalar_on_every_pack() {
    let mut fast_total = 0;
    for entry in std::fs::read_dir(fixtures().join("policies")).unwrap() {
        let path = entry.unwrap().path();
        let policy = Policy::from_path(&path).unwrap();
        // Synthetic population plus every conformance case's participant, at each case's date.
        let as_of = policy
            .valid_from()
            .max(chrono::NaiveDate::from_ymd_opt(2022, 10, 1).unwrap());
        let people = huimin_core::population::synthetic(&policy, 3000, 7);
        fast_total += compare(&policy, &people, as_of);
        let cases = fixtures().join("cases").join(policy.id());
        for case in std::fs::read_dir(cases).unwrap() {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(case.unwrap().path()).unwrap())
                    .unwrap();
            let Ok(p) = Participant::from_json_value(&v["participant"]) else {
                continue;
            };
            let date = chrono::NaiveDate::parse_from_str(v["as_of"].as_str().unwrap(), "%Y-%m-%d")
                .unwrap();
            if policy
                .evaluate_batch(&Batch::from_participants(std::slice::from_ref(&p)), date)
                .is_ok()
            {
                compare(&policy, &[p], date);
            }
        }
    }
    assert!(fast_total > 0, "no row took the fixed-point path");
}

#[test]
fn the_wanzhou_population_runs_almost_entirely_on_the_fast_path() {
    let policy =
        Policy::from_path(fixtures().join("policies/chongqing-wanzhou-2020.yaml")).unwrap();
    let people = huimin_core::population::synthetic(&policy, 10_000, 1);
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let out = policy
        .evaluate_batch(&Batch::from_participants(&people), as_of)
        .unwrap();
    assert_eq!(out.scalar_rows, 0);
    assert_eq!(compare(&policy, &people, as_of), 10_000);
}

#[test]
fn a_simulated_budget_equals_the_sum_of_single_decisions() {
    for id in [
        "chongqing-wanzhou-2020",
        "changchun-beilei-2017",
        "shenzhen-homecare",
    ] {
        // Changchun's per-pupil funding is set by the treasuries: its example values file.
        let pack = fixtures().join(format!("policies/{id}.yaml"));
        let values = fixtures().join(format!("values/{id}.example.yaml"));
        let policy = if values.is_file() {
            Policy::from_path_with_values(&pack, &values).unwrap()
        } else {
            Policy::from_path(&pack).unwrap()
        };
        let as_of = policy
            .valid_from()
            .max(chrono::NaiveDate::from_ymd_opt(2022, 10, 1).unwrap());
        // More than one slice of the simulation, with a bad row at the end.
        let mut people = huimin_core::population::synthetic(&policy, 66_000, 3);
        people.push(Participant::new().with("no_such_field", 1));
        // The totals of the decisions, one by one.
        let (mut eligible, mut errors) = (0_u64, Vec::new());
        let mut sums = [Decimal::ZERO; 4];
        let mut payers: std::collections::BTreeMap<String, Decimal> =
            std::collections::BTreeMap::new();
        let mut groups: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
        for (i, p) in people.iter().enumerate() {
            match policy.evaluate_with(p, as_of, EvalOptions { explain: false }) {
                Ok(d) if d.eligible => {
                    eligible += 1;
                    for (s, m) in sums.iter_mut().zip([
                        d.gross_fee,
                        d.reduction_total,
                        d.net_fee,
                        d.subsidy_total,
                    ]) {
                        *s += m.amount();
                    }
                    for (k, m) in &d.payers {
                        *payers.entry(k.to_string()).or_default() += m.amount();
                    }
                    for g in &d.priority_groups {
                        *groups.entry(g.to_string()).or_default() += 1;
                    }
                }
                Ok(_) => {}
                Err(e) => errors.push(format!("participant {i}: {e}")),
            }
        }
        let r = policy.simulate(&people, as_of, &|_| {});
        let got = &r.total.scenarios[0];
        assert_eq!((r.rows, r.errors), (people.len() as u64, 1), "{id}");
        assert_eq!(r.first_errors, errors, "{id}");
        assert_eq!(got.eligible, Decimal::from(eligible), "{id}");
        assert_eq!(
            [
                got.gross_fee,
                got.reduction_total,
                got.net_fee,
                got.subsidy_total
            ],
            sums,
            "{id}"
        );
        for (k, m) in &payers {
            assert_eq!(got.payers[k], *m, "{id} {k}");
        }
        for (g, n) in &groups {
            assert_eq!(got.priority_groups[g], Decimal::from(*n), "{id} {g}");
        }
    }
}

#[test]
fn the_verdict_says_why_a_policy_is_off_the_lanes() {
    let wanzhou =
        Policy::from_path(fixtures().join("policies/chongqing-wanzhou-2020.yaml")).unwrap();
    let v = wanzhou.verdict();
    assert!(v.columnar && v.reasons.is_empty(), "{v:?}");

    let text_if = Policy::from_yaml(
        r#"
id: text-if
name: { zh: 示例, en: Demo }
kind: after_school
jurisdiction: { zh: 某市, en: Some city }
valid_from: 2020-09-01
period: month
payers: { parents: { zh: 家长, en: Parents } }
fee_payer: parents
inputs: { stage: {} }
fees:
  - id: service
    label: { zh: 服务费, en: Service fee }
    amount: "if (if stage == 'primary' then 'low' else 'high') == 'low' then 100 else 200"
"#,
        "text-if.yaml",
    )
    .unwrap();
    let v = text_if.verdict();
    assert!(!v.columnar);
    assert_eq!(v.reasons.len(), 1, "{v:?}");
    assert!(
        v.reasons[0].starts_with("fee `service`, amount: ")
            && v.reasons[0].ends_with("has an `if … then … else` that yields text"),
        "{}",
        v.reasons[0]
    );
    // Off the lanes, every row is still decided exactly: 100 for a primary pupil.
    let kid = Participant::new().with("stage", "primary");
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let out = text_if
        .evaluate_batch(&Batch::from_participants(&[kid]), as_of)
        .unwrap();
    assert_eq!((out.net_fee[0], out.scalar_rows), (10_000, 1));
}

#[test]
fn an_empty_batch_gives_empty_columns() {
    let policy =
        Policy::from_path(fixtures().join("policies/chongqing-wanzhou-2020.yaml")).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let out = policy.evaluate_batch(&Batch::new(0), as_of).unwrap();
    assert!(out.eligible.is_empty() && out.net_fee.is_empty() && out.errors.is_empty());
    assert_eq!(out.payers.len(), policy.payers().len());
}

#[test]
fn a_population_run_stops_between_slices_when_asked() {
    let policy =
        Policy::from_path(fixtures().join("policies/chongqing-wanzhou-2020.yaml")).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    // three slices: 65 536, 65 536 and 1
    let slice = 1 << 16;
    let people = huimin_core::population::synthetic(&policy, 2 * slice + 1, 5);
    let seen = std::cell::RefCell::new(Vec::new());
    let stopped = policy.simulate_while(&people, as_of, &|done| {
        seen.borrow_mut().push(done);
        false
    });
    assert!(stopped.is_none());
    assert_eq!(*seen.borrow(), [slice]);
    seen.borrow_mut().clear();
    let whole = policy.simulate_while(&people, as_of, &|done| {
        seen.borrow_mut().push(done);
        true
    });
    assert_eq!(*seen.borrow(), [slice, 2 * slice, 2 * slice + 1]);
    assert_eq!(whole, Some(policy.simulate(&people, as_of, &|_| {})));
}

/// Whether each row is in the priority group `id`.
fn group<'o>(out: &'o huimin_core::batch::BatchOutput, id: &str) -> &'o [bool] {
    &out.priority.iter().find(|(g, _)| g == id).unwrap().1
}

/// Tags given as yes/no columns (the shape a registry has): each true cell adds its tag to
/// that row only, and a column for a tag the pack does not know is an error in the rows
/// where it is set, and nowhere else.
#[test]
fn tag_columns_tag_only_their_rows() {
    use huimin_core::batch::Column;
    let policy = Policy::from_path(fixtures().join("policies/bench-canonical.yaml")).unwrap();
    let batch = Batch::new(4)
        .column("grade", Column::int(vec![5, 5, 5, 5]))
        .unwrap()
        .column("class_hours", Column::int(vec![60, 40, 0, 10]))
        .unwrap()
        .column(
            "district_remote",
            Column::bool(vec![false, true, false, false]),
        )
        .unwrap()
        .tag_flags("dibao", vec![true, false, false, false])
        .unwrap()
        .tag_flags("jiandang_lika", vec![false, false, true, false])
        .unwrap()
        .tag_flags("martian", vec![false, false, false, true])
        .unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
    let out = policy.evaluate_batch(&batch, as_of).unwrap();
    let rows: Vec<usize> = out.errors.iter().map(|(r, _)| *r).collect();
    assert_eq!(rows, vec![3]);
    // Row 0: 3.00 × 60 = 180, capped at 170, waived (dibao); 50.00 subsidy.
    // Row 1: 3.00 × 40 = 120, no tag; 50.00 × 1.2 = 60.00 (remote).
    // Row 2: no hours, so no fee and no subsidy; priority by jiandang_lika alone (grade 5).
    assert_eq!(out.gross_fee[..3], [17_000, 12_000, 0]);
    assert_eq!(out.reduction_total[..3], [17_000, 0, 0]);
    assert_eq!(out.net_fee[..3], [0, 12_000, 0]);
    assert_eq!(out.subsidy_total[..3], [5_000, 6_000, 0]);
    assert_eq!(group(&out, "priority")[..3], [true, false, true]);
}

/// Whole-number columns keep the width they came in (bytes from a registry, 32 bits from
/// Spark): every width decides as 64 bits do, a negative value is read as negative (below
/// `class_hours`' minimum of 0: that row's error), and a value too large for the field is
/// that row's error too.
#[test]
fn whole_number_columns_of_every_width_decide_alike() {
    use huimin_core::batch::{Column, Ints};
    let policy = Policy::from_path(fixtures().join("policies/bench-canonical.yaml")).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
    let decide = |grade: Ints, hours: Ints| {
        let batch = Batch::new(4)
            .column("grade", Column::int(grade))
            .unwrap()
            .column("class_hours", Column::int(hours))
            .unwrap()
            .column("district_remote", Column::bool(vec![false; 4]))
            .unwrap();
        policy.evaluate_batch(&batch, as_of).unwrap()
    };
    // 3.00 × 60 = 180 capped at 170; 3.00 × 40 = 120; no hours, no fee; 3.00 × 10 = 30. A
    // subsidy of 50.00 for every row with hours; priority for grade 2 only (≤ 3).
    let check = |out: &huimin_core::batch::BatchOutput, width: &str| {
        assert!(out.errors.is_empty(), "{width}: {:?}", out.errors);
        assert_eq!(out.gross_fee, [17_000, 12_000, 0, 3_000], "{width}");
        assert_eq!(out.subsidy_total, [5_000, 5_000, 0, 5_000], "{width}");
        assert_eq!(
            group(out, "priority"),
            [false, true, false, false],
            "{width}"
        );
    };
    /// The same values at another width.
    fn w<T: TryFrom<i64>>(v: &[i64]) -> Vec<T> {
        v.iter().map(|x| T::try_from(*x).ok().unwrap()).collect()
    }
    let (g, h) = ([5, 2, 9, 5], [60, 40, 0, 10]);
    check(&decide(Ints::I8(w(&g)), Ints::I8(w(&h))), "i8");
    check(&decide(Ints::I16(w(&g)), Ints::I16(w(&h))), "i16");
    check(&decide(Ints::I32(w(&g)), Ints::I32(w(&h))), "i32");
    check(&decide(Ints::I64(w(&g)), Ints::I64(w(&h))), "i64");
    check(&decide(Ints::U8(w(&g)), Ints::U8(w(&h))), "u8");
    check(&decide(Ints::U16(w(&g)), Ints::U16(w(&h))), "u16");
    check(&decide(Ints::U32(w(&g)), Ints::U32(w(&h))), "u32");
    // −1 hours as a byte is −1, not 255; 40 000 hours is above the field's 10 000.
    let negative = decide(Ints::I8(w(&g)), Ints::I8(vec![60, -1, 0, 10]));
    let large = decide(Ints::U16(w(&g)), Ints::U16(vec![60, 40, 0, 40_000]));
    let rows = |out: &huimin_core::batch::BatchOutput| -> Vec<usize> {
        out.errors.iter().map(|(r, _)| *r).collect()
    };
    assert_eq!(rows(&negative), [1]);
    assert_eq!(rows(&large), [3]);
    assert_eq!(negative.gross_fee, [17_000, 0, 0, 3_000]);
}
