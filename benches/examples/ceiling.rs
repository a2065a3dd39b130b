#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `cargo run --release -p huimin-benches --example ceiling [N] [reps]` (`N`: `1m`, `100k`,
//! `10k` or a number; default `1m`): the canonical workload
//! written by hand for that one policy, in checked `i64` fen, over the harness's own file
//! (`$ANCHORS_DATA/pop_<N>.u8`), in the harness region's shape: read the rows, compute, write
//! the contract's five `f64` arrays and `priority`, add up the exact totals (checked against
//! the reference's `ref_<N>/totals.json` when the harness has written it). An engine that reads the policy as data does at least this work, so this
//! rate bounds any engine's in the same region on the same machine (issue 18 asks for
//! ≥ 40 M students/s on one core).
//!
//! Each repetition runs twice: into fresh arrays, as the harness's one run per process does
//! (every page of the 41 MB of outputs is mapped by a fault on its first write), then into the
//! same arrays again (no fault: the loop alone).
use huimin_benches::{anchors_data, population_size, Population, POP_COLUMNS};
use rust_decimal::Decimal;
use std::time::Instant;

/// The workload's numbers as the harness's README gives them ("The workload"), in fen: 3.00
/// yuan per class-hour, capped at 170.00 a month; a subsidy of 500 ÷ 10 = 50.00, × 1.2 = 60.00
/// in a remote district, 60 % of it to the city (half up) and the rest to the district.
const RATE: i64 = 300;
const CAP: i64 = 17_000;
const BASE: i64 = 5_000;
const REMOTE: i64 = 6_000;

/// The six output arrays.
struct Out {
    priority: Vec<u8>,
    money: [Vec<f64>; 5],
}

impl Out {
    /// Fresh arrays, as the harness's process allocates them: zero pages, mapped on first
    /// write.
    fn new(n: usize) -> Out {
        Out {
            priority: vec![0; n],
            money: std::array::from_fn(|_| vec![0.0; n]),
        }
    }
}

/// One region into `out`: the five exact totals.
fn region(rows: &[u8], out: &mut Out) -> [i128; 5] {
    let mut totals = [0i128; 5];
    let priority = &mut out.priority;
    let [fee, cut, sub, city, district] = &mut out.money;
    for (k, r) in rows.chunks_exact(10).enumerate() {
        // Columns as `POP_COLUMNS` (checked in `main`): grade, dibao, jiandang_lika, four more
        // flags, hours, remote, padding.
        let (grade, waived, hours, remote) = (r[0], r[1] | r[2], r[7], r[8]);
        let gross = (RATE.checked_mul(i64::from(hours)).expect("overflow")).min(CAP);
        let due = if waived != 0 { 0 } else { gross };
        let reduction = gross.checked_sub(due).expect("overflow");
        let s = match (hours, remote) {
            (0, _) => 0,
            (_, 0) => BASE,
            _ => REMOTE,
        };
        // 60 % to the city, half up at fen; the district pays the rest.
        let c = (s
            .checked_mul(6)
            .expect("overflow")
            .checked_add(5)
            .expect("overflow"))
            / 10;
        let d = s.checked_sub(c).expect("overflow");
        priority[k] = u8::from(r[1..7].iter().any(|b| *b != 0) || grade <= 3);
        for (i, (col, v)) in [
            (&mut *fee, due),
            (&mut *cut, reduction),
            (&mut *sub, s),
            (&mut *city, c),
            (&mut *district, d),
        ]
        .into_iter()
        .enumerate()
        {
            col[k] = v as f64 / 100.0;
            totals[i] = totals[i].checked_add(i128::from(v)).expect("overflow");
        }
    }
    totals
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n = population_size(&args.next().unwrap_or_else(|| "1m".into()))
        .unwrap_or_else(|e| panic!("{e}"));
    let reps: usize = args
        .next()
        .map_or(5, |r| r.parse().expect("reps: a number"));
    assert_eq!(
        POP_COLUMNS[..9],
        [
            "grade",
            "dibao",
            "jiandang_lika",
            "disabled",
            "left_behind",
            "migrant_child",
            "dual_worker",
            "class_hours_attended",
            "district_remote"
        ],
        "the loop reads the columns in this order"
    );
    let path = anchors_data().join(format!("pop_{n}.u8"));
    let rows = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows_read = Population::rows(&rows).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        rows_read,
        n,
        "{}: {rows_read} rows, expected {n}",
        path.display()
    );
    // The reference's exact totals, when the harness has written them.
    let reference: Option<Vec<String>> =
        std::fs::read_to_string(anchors_data().join(format!("ref_{n}/totals.json")))
            .ok()
            .map(|t| {
                let v: serde_json::Value = serde_json::from_str(&t).expect("ref totals.json");
                [
                    "fee_due",
                    "reduction",
                    "subsidy",
                    "city_share",
                    "district_share",
                ]
                .iter()
                .map(|k| v[k].as_str().expect("a total as text").to_owned())
                .collect()
            });
    let mut out = Out::new(0);
    for _ in 0..reps {
        for fresh in [true, false] {
            if fresh {
                // The last arrays are unmapped outside the timed region.
                drop(std::mem::replace(&mut out, Out::new(0)));
            }
            let t = Instant::now();
            if fresh {
                out = Out::new(n);
            }
            let totals = region(&rows, &mut out);
            let s = t.elapsed().as_secs_f64();
            std::hint::black_box(&out);
            let exact: Vec<String> = totals
                .iter()
                .map(|t| Decimal::from_i128_with_scale(*t, 2).to_string())
                .collect();
            if let Some(r) = &reference {
                assert_eq!(&exact, r, "totals against the reference's");
            }
            println!(
                "{}: {:.4} s, {:.1} M students/s; totals {} ({})",
                if fresh {
                    "fresh arrays "
                } else {
                    "arrays reused"
                },
                s,
                n as f64 / s / 1e6,
                exact.join(" "),
                if reference.is_some() {
                    "the reference's"
                } else {
                    "no reference to check against"
                }
            );
        }
    }
}
