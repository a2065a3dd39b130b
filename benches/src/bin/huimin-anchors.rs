//! huimin in the anchors head-to-head harness (`../shared/bench/anchors`, README "Adding an
//! engine"): `huimin-anchors <N> --out <dir> [--pack <pack.yaml>] [--threads <k>]
//! [--as-of <date>]`.
//!
//! Reads `$ANCHORS_DATA/pop_<N>.u8` (default `/tmp/anchors-data`), splits it into byte columns
//! (`load_s`, like `common.load_population`), then — the timed region `wall_s`, the same as the
//! harness's — builds the columnar batch, evaluates it with the pack (default
//! `fixtures/policies/bench-canonical.yaml`), turns the outputs into the contract's arrays and
//! adds up the exact totals. Writes `priority.u8`, `fee_due.f64`, `reduction.f64`,
//! `subsidy.f64`, `city_share.f64`, `district_share.f64` and `result.json` into `<dir>`.
//!
//! Outputs: `priority` = in any of the pack's priority groups; `fee_due` = net fee;
//! `reduction` = reductions; `subsidy` = subsidies; `city_share` / `district_share` = what
//! the payers `city` / `district` pay (zero if the pack has no such payer). Each amount is
//! written as the double nearest the exact amount (`fen as f64 / 100`, one correctly rounded
//! division); each total is the exact decimal sum.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use huimin_benches::{anchors_data, pack_path, population_size, Population};
use huimin_core::Policy;
use rust_decimal::Decimal;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

const MONEY_OUTPUTS: [&str; 5] = [
    "fee_due",
    "reduction",
    "subsidy",
    "city_share",
    "district_share",
];

/// An exact total in units of 10^-scale, as decimal text (`8242326100`, 2 → `82423261.00`).
fn exact(units: i128, scale: u32) -> String {
    Decimal::try_from_i128_with_scale(units, scale)
        .expect("a total within 28 digits")
        .to_string()
}

/// A payer's column, moved out of the output (zeros when the pack has no such payer).
fn take_payer(payers: &mut [(String, Vec<i64>)], id: &str, n: usize) -> Vec<i64> {
    payers
        .iter_mut()
        .find(|(p, _)| p == id)
        .map_or_else(|| vec![0; n], |(_, c)| std::mem::take(c))
}

/// A money column as the contract's doubles (`units / 10^scale`, one correctly rounded
/// division each), converted in place (the engine's buffer is reused: no fresh pages), and
/// its exact total.
fn convert(col: Vec<i64>, unit: f64) -> (Vec<f64>, i128) {
    let mut total = 0i128;
    let out = col
        .into_iter()
        .map(|u| {
            total = total
                .checked_add(i128::from(u))
                .expect("a total beyond i128");
            u as f64 / unit
        })
        .collect();
    (out, total)
}

fn write_f64(path: PathBuf, v: &[f64]) {
    let mut bytes = Vec::with_capacity(v.len() * 8);
    for x in v {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut n = None;
    let mut out = None;
    let mut pack = pack_path("bench-canonical");
    let mut threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let mut as_of = chrono::NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || {
            it.next()
                .unwrap_or_else(|| panic!("{a} needs a value"))
                .clone()
        };
        match a.as_str() {
            "--out" => out = Some(PathBuf::from(val())),
            "--pack" => pack = PathBuf::from(val()),
            "--threads" => threads = val().parse().expect("--threads <k>"),
            "--as-of" => as_of = val().parse().expect("--as-of YYYY-MM-DD"),
            "-h" | "--help" => {
                println!("usage: huimin-anchors <N> --out <dir> [--pack <pack.yaml>] [--threads <k>] [--as-of <YYYY-MM-DD>]");
                return;
            }
            other if n.is_none() && !other.starts_with('-') => {
                n = Some(population_size(other).unwrap_or_else(|e| panic!("{e}")))
            }
            other => panic!("unknown argument `{other}`"),
        }
    }
    let n = n.expect("usage: huimin-anchors <N> --out <dir>");
    let out = out.expect("--out <dir> is required");
    if let Ok(t) = std::env::var("HUIMIN_THREADS") {
        threads = t.parse().expect("HUIMIN_THREADS=<k>");
    }
    let data = anchors_data();

    // Building the engine (not timed by the harness either; reported as setup_s).
    let t = Instant::now();
    let policy = Policy::from_path(&pack).unwrap_or_else(|e| panic!("{e}"));
    let setup_s = t.elapsed().as_secs_f64();

    // Reading the population into columns (load_s).
    let t = Instant::now();
    let file = data.join(format!("pop_{n}.u8"));
    let raw = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let pop = Population::from_bytes(&raw).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    drop(raw);
    assert_eq!(pop.n, n, "{}: {} rows, expected {n}", file.display(), pop.n);
    let load_s = t.elapsed().as_secs_f64();

    // The timed region: marshalling in, evaluation, outputs to arrays, totals.
    let t = Instant::now();
    let batch = pop
        .to_batch(&policy, threads)
        .unwrap_or_else(|e| panic!("{e}"));
    let t_eval = Instant::now();
    let mut res = policy
        .evaluate_batch_on(&batch, as_of, threads)
        .unwrap_or_else(|e| panic!("{e}"));
    let eval_s = t_eval.elapsed().as_secs_f64();
    drop(batch);
    let scale = res.scale;
    let (scalar_rows, errors) = (res.scalar_rows, res.errors.len());
    let mut priority = vec![0u8; n];
    for (_, col) in &res.priority {
        for (p, x) in priority.iter_mut().zip(col) {
            *p |= u8::from(*x);
        }
    }
    // Each output column becomes the contract's array in its own buffer, so the engine's
    // columns and the contract's arrays are never held at once; with more than one thread,
    // the columns are converted at the same time.
    let unit = 10f64.powi(i32::try_from(scale).unwrap_or(2));
    let cols = vec![
        std::mem::take(&mut res.net_fee),
        std::mem::take(&mut res.reduction_total),
        std::mem::take(&mut res.subsidy_total),
        take_payer(&mut res.payers, "city", n),
        take_payer(&mut res.payers, "district", n),
    ];
    drop(res);
    let converted: Vec<(Vec<f64>, i128)> = if threads <= 1 {
        cols.into_iter().map(|c| convert(c, unit)).collect()
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = cols
                .into_iter()
                .map(|c| s.spawn(move || convert(c, unit)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a conversion thread panicked"))
                .collect()
        })
    };
    let (arrays, totals): (Vec<Vec<f64>>, Vec<i128>) = converted.into_iter().unzip();
    let wall_s = t.elapsed().as_secs_f64();

    // Outputs (not timed).
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("priority.u8"), &priority).unwrap();
    for (name, a) in MONEY_OUTPUTS.iter().zip(&arrays) {
        write_f64(out.join(format!("{name}.f64")), a);
    }
    let totals_json: serde_json::Map<String, serde_json::Value> = MONEY_OUTPUTS
        .iter()
        .zip(&totals)
        .map(|(k, v)| ((*k).to_string(), exact(*v, scale).into()))
        .collect();
    let result = serde_json::json!({
        "engine": "huimin",
        "variant": format!("batch-{threads}t"),
        "n": n,
        "wall_s": wall_s,
        "load_s": load_s,
        "setup_s": setup_s,
        "eval_s": eval_s,
        "threads": threads,
        "pack": policy.id(),
        "totals": totals_json,
        "scalar_rows": scalar_rows,
        "errors": errors,
        "versions": { "huimin-core": env!("CARGO_PKG_VERSION") },
        "notes": format!(
            "huimin columnar batch (Policy::evaluate_batch_on, {threads} thread(s)), exact fixed-point money in units of 10^-{}; \
             wall_s = Batch from byte columns + evaluation + f64 arrays + exact i128 totals; \
             {} rows handed to the scalar Decimal engine, {} errors",
            scale, scalar_rows, errors
        ),
    });
    std::fs::write(
        out.join("result.json"),
        serde_json::to_string_pretty(&result).unwrap(),
    )
    .unwrap();
    let _ = writeln!(
        std::io::stderr(),
        "{{\"engine\": \"huimin\", \"n\": {n}, \"threads\": {threads}, \"wall_s\": {wall_s:.4}, \"eval_s\": {eval_s:.4}, \"totals\": {}}}",
        serde_json::Value::Object(totals_json)
    );
}
