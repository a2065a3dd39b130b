//! What the fuzz targets share: the fixture packs, participants drawn from fuzz bytes, and the
//! checks every evaluation must pass (the row engine and the columnar engine agree to the fen,
//! and each decision adds up).

use arbitrary::{Result, Unstructured};
use chrono::{Days, NaiveDate};
use huimin_core::batch::Batch;
use huimin_core::model::FieldType;
use huimin_core::{Decision, Error, EvalOptions, FieldInfo, Participant, Policy, Value};
use rust_decimal::Decimal;
use std::sync::OnceLock;

/// Every pack in `fixtures/policies`, compiled once.
pub fn fixture_packs() -> &'static [Policy] {
    static PACKS: OnceLock<Vec<Policy>> = OnceLock::new();
    PACKS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/policies");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("fixtures/policies")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        // A pack that leaves numbers to an authority is compiled with its example values.
        let values = |p: &std::path::Path| {
            let stem = p.file_stem()?.to_str()?;
            let v = p.parent()?.join(format!("../values/{stem}.example.yaml"));
            v.is_file().then_some(v)
        };
        paths
            .iter()
            .map(|p| match values(p) {
                Some(v) => Policy::from_path_with_values(p, v),
                None => Policy::from_path(p),
            })
            .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
            .collect()
    })
}

/// A date near the pack's validity: mostly inside it, sometimes just before it.
pub fn as_of(u: &mut Unstructured, policy: &Policy) -> Result<NaiveDate> {
    let start = policy.valid_from();
    Ok(if u.ratio(1, 16)? {
        start - Days::new(u.int_in_range(1..=400)?)
    } else {
        start + Days::new(u.int_in_range(0..=4000)?)
    })
}

/// A participant for `policy`: mostly well-typed values near each field's range, sometimes
/// missing, mistyped, out of range, or carrying unknown tags and fields.
pub fn participant(u: &mut Unstructured, policy: &Policy) -> Result<Participant> {
    let schema = policy.input_schema();
    let mut p = Participant::new();
    if u.ratio(1, 2)? {
        p = p.id(u.arbitrary::<String>()?);
    }
    for f in &schema.fields {
        let v = match u.int_in_range(0u8..=19)? {
            0 => continue,
            1 => Value::Text(u.arbitrary()?),
            2 => Value::Bool(u.arbitrary()?),
            3 => Value::Number(any_decimal(u)?),
            _ => typical(u, f)?,
        };
        p = p.with(f.name.clone(), v);
    }
    for t in &schema.tags {
        if u.ratio(1, 4)? {
            p = p.tag(t.id.clone());
        }
    }
    if u.ratio(1, 64)? {
        p = p.tag(u.arbitrary::<String>()?);
    }
    if u.ratio(1, 64)? {
        p = p.with(u.arbitrary::<String>()?, Value::Bool(true));
    }
    Ok(p)
}

/// Any decimal rust_decimal can hold, from a 96-bit mantissa and a scale.
pub fn any_decimal(u: &mut Unstructured) -> Result<Decimal> {
    let lo: u32 = u.arbitrary()?;
    let mid: u32 = u.arbitrary()?;
    let hi: u32 = u.arbitrary()?;
    let neg: bool = u.arbitrary()?;
    let scale = u.int_in_range(0..=28)?;
    Ok(Decimal::from_parts(lo, mid, hi, neg, scale))
}

fn bound(s: &Option<String>, or: i64) -> i64 {
    s.as_deref()
        .and_then(|s| s.parse::<Decimal>().ok())
        .and_then(|d| i64::try_from(d.trunc()).ok())
        .unwrap_or(or)
        .clamp(-1_000_000, 1_000_000)
}

fn typical(u: &mut Unstructured, f: &FieldInfo) -> Result<Value> {
    if !f.choices.is_empty() && u.ratio(7, 8)? {
        return Ok(Value::Text(u.choose(&f.choices)?.id.clone()));
    }
    Ok(match f.ty {
        FieldType::Integer | FieldType::Decimal => {
            let lo = bound(&f.min, -5);
            let hi = bound(&f.max, 2_000).max(lo);
            let whole = u.int_in_range(lo - 1..=hi + 1)?;
            let d = if f.ty == FieldType::Decimal || u.ratio(1, 32)? {
                Decimal::new(whole * 100 + i64::from(u.int_in_range(0u8..=99)?), 2)
            } else {
                Decimal::from(whole)
            };
            Value::Number(d)
        }
        FieldType::Boolean => Value::Bool(u.arbitrary()?),
        FieldType::Date => {
            let d = NaiveDate::from_ymd_opt(1900, 1, 1).expect("date")
                + Days::new(u.int_in_range(0..=73_000)?);
            Value::Text(d.format("%Y-%m-%d").to_string())
        }
        FieldType::Text | FieldType::Choice => Value::Text(u.arbitrary()?),
    })
}

/// Evaluates `people` with the row engine (with and without explanations) and the columnar
/// engine, and panics unless all three agree to the fen and every decision adds up.
pub fn check_agreement(policy: &Policy, people: &[Participant], as_of: NaiveDate) {
    let rows: Vec<std::result::Result<Decision, Error>> = people
        .iter()
        .map(|p| policy.evaluate_with(p, as_of, EvalOptions { explain: false }))
        .collect();
    for (p, r) in people.iter().zip(&rows) {
        let explained = policy.evaluate(p, as_of);
        match (r, &explained) {
            (Ok(a), Ok(b)) => {
                let mut b = b.clone();
                // The explanation (the analyst's steps, the parent's sentences) is all that
                // explaining may add.
                b.steps.clear();
                b.plain.clear();
                assert_eq!(*a, b, "explain changed the decision");
                check_sums(a);
            }
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => panic!("explain changed the outcome: {r:?} vs {explained:?}"),
        }
    }
    // The columnar engine ignores columns the pack does not read (documented on
    // `Batch::column`); the row engine rejects such fields. Compare on the fields it reads.
    let schema = policy.input_schema();
    let people: Vec<Participant> = people
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.fields
                .retain(|k, _| schema.fields.iter().any(|f| f.name == *k));
            p
        })
        .collect();
    // `Batch::from_participants` makes a column decimal when every value is a number it
    // can write at one scale, boolean when every value is a boolean, and text otherwise,
    // writing numbers and booleans as text (documented there); give the row engine what
    // the columns hold.
    let mut people = people;
    for f in &schema.fields {
        let vals = || people.iter().filter_map(|p| p.fields.get(&f.name));
        let scale = vals()
            .filter_map(|v| match v {
                Value::Number(d) => Some(d.scale()),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let decimal = vals().all(|v| {
            matches!(v, Value::Number(d) if { let mut x = *d; x.rescale(scale); x.scale() == scale })
        });
        let boolean = vals().all(|v| matches!(v, Value::Bool(_)));
        if !decimal && !boolean {
            for p in &mut people {
                if let Some(v) = p.fields.get_mut(&f.name) {
                    match v {
                        Value::Number(d) => *v = Value::Text(d.to_string()),
                        Value::Bool(b) => *v = Value::Text(b.to_string()),
                        Value::Text(_) => {}
                    }
                }
            }
        }
    }
    let rows: Vec<std::result::Result<Decision, Error>> = people
        .iter()
        .map(|p| policy.evaluate_with(p, as_of, EvalOptions { explain: false }))
        .collect();
    let batch = Batch::from_participants(&people);
    let out = match policy.evaluate_batch(&batch, as_of) {
        Ok(out) => out,
        Err(e) => {
            for r in &rows {
                assert!(r.is_err(), "batch failed ({e}) but a row succeeded: {r:?}");
            }
            return;
        }
    };
    for (i, r) in rows.iter().enumerate() {
        let batch_err = out.errors.iter().find(|(k, _)| *k == i).map(|(_, e)| e);
        let d = match (r, batch_err) {
            (Ok(d), None) => d,
            (Err(_), Some(_)) => continue,
            (Ok(d), Some(Error::Eval(huimin_core::EvalError::Arithmetic { what, .. })))
                if what.contains("64-bit") && !fits_i64(d, out.scale) =>
            {
                continue
            }
            (r, b) => panic!(
                "row {i} ({:?} as of {as_of}): row engine {r:?}, batch error {b:?}",
                people[i]
            ),
        };
        let money = |col: &[i64]| out.money(col[i]).amount();
        let at = format!("{} row {i} ({:?} as of {as_of})", policy.id(), people[i]);
        assert_eq!(d.eligible, out.eligible[i], "{at}: eligible");
        let cat = out.category[i].map(|c| out.categories[c as usize].clone());
        assert_eq!(d.category.as_deref(), cat.as_deref(), "{at}: category");
        let groups: Vec<String> = out
            .priority
            .iter()
            .filter(|(_, col)| col[i])
            .map(|(g, _)| g.clone())
            .collect();
        assert_eq!(d.priority_groups, groups, "{at}: priority groups");
        assert_eq!(d.gross_fee.amount(), money(&out.gross_fee), "{at}: gross");
        assert_eq!(
            d.reduction_total.amount(),
            money(&out.reduction_total),
            "{at}: reductions"
        );
        assert_eq!(d.net_fee.amount(), money(&out.net_fee), "{at}: net");
        assert_eq!(
            d.subsidy_total.amount(),
            money(&out.subsidy_total),
            "{at}: subsidies"
        );
        for (payer, col) in &out.payers {
            let row = d.payers.get(payer.as_str()).map(|m| m.amount()).unwrap_or_default();
            assert_eq!(row, money(col), "{at}: payer {payer}");
        }
    }
}

/// The arithmetic every decision must satisfy.
fn check_sums(d: &Decision) {
    let sum = |lines: &[huimin_core::decision::Line]| -> Decimal {
        lines.iter().map(|l| l.amount.amount()).sum()
    };
    assert_eq!(d.gross_fee.amount(), sum(&d.fees), "gross = Σ fees");
    assert_eq!(
        d.reduction_total.amount(),
        sum(&d.reductions),
        "reductions = Σ lines"
    );
    assert_eq!(
        d.net_fee.amount(),
        d.gross_fee.amount() - d.reduction_total.amount(),
        "net = gross − reductions"
    );
    assert!(d.net_fee.amount() >= Decimal::ZERO, "net fee below zero");
    assert_eq!(
        d.subsidy_total.amount(),
        sum(&d.subsidies),
        "subsidies = Σ lines"
    );
    for a in &d.splits {
        let parts: Decimal = a.parts.values().map(|m| m.amount()).sum();
        assert_eq!(parts, a.amount.amount(), "split of {} adds up", a.rule);
    }
}

/// Runs a compiled pack over a small synthetic population on two dates and checks it.
pub fn exercise(policy: &Policy, seed: u64) {
    let people = huimin_core::population::synthetic(policy, 6, seed);
    for days in [0, 400] {
        check_agreement(policy, &people, policy.valid_from() + Days::new(days));
    }
}

/// Whether every amount of a decision fits the batch's 64-bit money columns.
fn fits_i64(d: &Decision, scale: u32) -> bool {
    [d.gross_fee, d.reduction_total, d.net_fee, d.subsidy_total]
        .iter()
        .chain(d.payers.values())
        .all(|m| {
            let mut a = m.amount();
            a.rescale(scale);
            i64::try_from(a.mantissa()).is_ok()
        })
}
