//! Per-participant results of a population run under a baseline and reforms: one row per
//! input row with its kept columns, each scenario's eligibility, net fee and subsidies, and
//! each reform's change in the net fee — the comparison row schema, defined once.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Decimal128Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use huimin_core::batch::BatchOutput;
use huimin_core::Policy;

use crate::MONEY_PRECISION;

/// A scenario's column suffix: none for the baseline, `_r1`, `_r2`… for the reforms.
fn suffix(k: usize) -> String {
    if k == 0 {
        String::new()
    } else {
        format!("_r{k}")
    }
}

/// The comparison row schema: `id` (when the input has one), the kept columns (as text), per
/// scenario `eligible`, `net_fee` and `subsidy_total` (the baseline's plain, the k-th reform's
/// with `_r<k>`), per reform `net_fee_change_r<k>` (its net fee − the baseline's), and `error`;
/// the scenarios' pack ids, in order, as the metadata `huimin.scenarios`.
pub fn comparison_schema(policies: &[&Policy], keep: &[String], with_id: bool) -> SchemaRef {
    let scale = policies
        .first()
        .map_or(2, |p| i8::try_from(p.rounding().scale).unwrap_or(2));
    let money = DataType::Decimal128(MONEY_PRECISION, scale);
    let mut fields = Vec::new();
    if with_id {
        fields.push(Field::new("id", DataType::Utf8, true));
    }
    for k in keep {
        fields.push(Field::new(k, DataType::Utf8, true));
    }
    for k in 0..policies.len() {
        let s = suffix(k);
        fields.push(Field::new(format!("eligible{s}"), DataType::Boolean, true));
        fields.push(Field::new(format!("net_fee{s}"), money.clone(), true));
        fields.push(Field::new(format!("subsidy_total{s}"), money.clone(), true));
    }
    for k in 1..policies.len() {
        fields.push(Field::new(
            format!("net_fee_change_r{k}"),
            money.clone(),
            true,
        ));
    }
    fields.push(Field::new("error", DataType::Utf8, true));
    let ids: Vec<&str> = policies.iter().map(|p| p.id()).collect();
    let metadata = [
        ("huimin.scenarios".to_owned(), ids.join(",")),
        ("huimin.money_scale".to_owned(), scale.to_string()),
    ]
    .into_iter()
    .collect();
    Arc::new(Schema::new_with_metadata(fields, metadata))
}

/// The comparison rows of a slice: `outs` is each scenario's outputs, `ids` and `keep` the
/// rows' ids and kept columns (text), `errors` the rows in error with their message (their
/// amounts are null).
pub fn comparison_rows(
    schema: &SchemaRef,
    outs: &[BatchOutput],
    ids: Option<ArrayRef>,
    keep: Vec<ArrayRef>,
    errors: &BTreeMap<usize, String>,
) -> Result<RecordBatch, ArrowError> {
    let rows = outs.first().map_or(0, |o| o.eligible.len());
    let scale = outs
        .first()
        .map_or(2, |o| i8::try_from(o.scale).unwrap_or(2));
    let limit = 10_i64.pow(u32::from(MONEY_PRECISION));
    let fits = |v: i64| v.checked_abs().is_some_and(|a| a < limit);
    let mut cols: Vec<ArrayRef> = Vec::new();
    if let Some(id) = ids {
        cols.push(arrow_cast::cast(&id, &DataType::Utf8)?);
    }
    for k in keep {
        cols.push(arrow_cast::cast(&k, &DataType::Utf8)?);
    }
    let ok = |i: usize| !errors.contains_key(&i);
    let money =
        |mut b: Decimal128Builder| b.finish().with_precision_and_scale(MONEY_PRECISION, scale);
    let mut too_big = BTreeMap::new();
    for (k, out) in outs.iter().enumerate() {
        let mut eligible = BooleanBuilder::with_capacity(rows);
        let mut net = Decimal128Builder::with_capacity(rows);
        let mut subsidy = Decimal128Builder::with_capacity(rows);
        for i in 0..rows {
            let (n, s) = (
                out.net_fee.get(i).copied().unwrap_or(0),
                out.subsidy_total.get(i).copied().unwrap_or(0),
            );
            if !ok(i) || !fits(n) || !fits(s) {
                if ok(i) {
                    too_big.insert(i, k);
                }
                eligible.append_null();
                net.append_null();
                subsidy.append_null();
                continue;
            }
            eligible.append_value(out.eligible.get(i).copied().unwrap_or(false));
            net.append_value(i128::from(n));
            subsidy.append_value(i128::from(s));
        }
        cols.push(Arc::new(eligible.finish()));
        cols.push(Arc::new(money(net)?));
        cols.push(Arc::new(money(subsidy)?));
    }
    if let Some((base, reforms)) = outs.split_first() {
        for r in reforms {
            let mut change = Decimal128Builder::with_capacity(rows);
            for i in 0..rows {
                let served = |o: &BatchOutput| o.eligible.get(i).copied().unwrap_or(false);
                let net = |o: &BatchOutput| i128::from(o.net_fee.get(i).copied().unwrap_or(0));
                if ok(i) && !too_big.contains_key(&i) && served(base) && served(r) {
                    change.append_value(net(r) - net(base));
                } else {
                    change.append_null();
                }
            }
            cols.push(Arc::new(money(change)?));
        }
    }
    let mut error = StringBuilder::new();
    for i in 0..rows {
        match (errors.get(&i), too_big.get(&i)) {
            (Some(e), _) => error.append_value(e),
            (None, Some(k)) => error.append_value(format!(
                "an amount of scenario {k} does not fit Decimal({MONEY_PRECISION}, {scale})"
            )),
            (None, None) => error.append_null(),
        }
    }
    cols.push(Arc::new(error.finish()));
    RecordBatch::try_new(schema.clone(), cols)
}
