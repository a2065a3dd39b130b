//! Synthetic populations for simulations and demos, reproducible from a seed.
//!
//! Each participant gets values for the fields a pack reads and the tags it knows, drawn at
//! the rates below (stated here, so an analyst can see what a synthetic run assumes).

use crate::model::{FieldType, Participant, Value};
use crate::policy::Policy;
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

/// Share of participants carrying each household-status tag, by tag id.
pub const TAG_RATES: &[(&str, f64)] = &[
    ("dibao", 0.03),       // 低保 minimum living allowance
    ("jianka", 0.04),      // 建档立卡 registered-poverty file
    ("tekun", 0.01),       // 特困 extreme poverty
    ("low_income", 0.05),  // 低收入
    ("left_behind", 0.08), // 留守儿童
    ("migrant", 0.12),     // 进城务工人员随迁子女
    ("dual_worker", 0.60), // 双职工家庭
    ("disabled", 0.01),    // 残疾
    ("difficult", 0.06),   // 经济困难
    ("remote", 0.15),      // 偏远地区
    ("sanwu", 0.005),      // 三无老人
    ("youfu", 0.02),       // 重点优抚对象
];

/// Share of primary pupils among school participants (the rest are junior secondary).
pub const PRIMARY_SHARE: f64 = 0.70;

/// `n` participants shaped for `policy`, reproducible from `seed`.
pub fn synthetic(policy: &Policy, n: usize, seed: u64) -> Vec<Participant> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let schema = policy.input_schema();
    let tags: Vec<(&str, f64)> = schema
        .tags
        .iter()
        .filter_map(|t| TAG_RATES.iter().find(|(id, _)| *id == t.id))
        .copied()
        .collect();
    (0..n)
        .map(|i| {
            let mut p = Participant::new().id(format!("s{i}"));
            let primary = rng.random_bool(PRIMARY_SHARE);
            for f in &schema.fields {
                let v = match (f.name.as_str(), f.ty) {
                    ("stage", _) => Value::Text(pick_choice(
                        &f.choices,
                        if primary { "primary" } else { "junior" },
                        &mut rng,
                    )),
                    ("grade", _) => Value::from(if primary {
                        rng.random_range(1..=6)
                    } else {
                        rng.random_range(7..=9)
                    } as i64),
                    ("age", _) if policy.kind() == crate::pack::ProgramKind::ElderlyCare => {
                        Value::from(rng.random_range(55..=100) as i64)
                    }
                    ("age", _) => Value::from(if primary {
                        rng.random_range(6..=12)
                    } else {
                        rng.random_range(12..=15)
                    } as i64),
                    // Class-hours used in a month: most use 20–60, a few none.
                    ("class_hours", _) => Value::Number(if rng.random_bool(0.05) {
                        Decimal::ZERO
                    } else {
                        Decimal::from(rng.random_range(20..=60))
                    }),
                    ("days", _) => Value::from(rng.random_range(0..=22) as i64),
                    ("service_hours", _) => Value::from(rng.random_range(0..=60) as i64),
                    ("months", _) => Value::from(rng.random_range(1..=12) as i64),
                    (_, FieldType::Boolean) => Value::Bool(
                        TAG_RATES
                            .iter()
                            .find(|(id, _)| *id == f.name)
                            .is_some_and(|(_, r)| rng.random_bool(*r)),
                    ),
                    (_, FieldType::Choice) => Value::Text(
                        f.choices
                            .get(rng.random_range(0..f.choices.len().max(1)))
                            .map(|c| c.id.clone())
                            .unwrap_or_default(),
                    ),
                    _ => match &f.default {
                        Some(d) => Value::Text(d.clone()),
                        None => continue,
                    },
                };
                p = p.with(f.name.clone(), v);
            }
            for (tag, rate) in &tags {
                if rng.random_bool(*rate) {
                    p = p.tag(*tag);
                }
            }
            p
        })
        .collect()
}

fn pick_choice(choices: &[crate::policy::TagInfo], want: &str, rng: &mut impl Rng) -> String {
    if choices.iter().any(|c| c.id == want) {
        want.to_owned()
    } else {
        choices
            .get(rng.random_range(0..choices.len().max(1)))
            .map(|c| c.id.clone())
            .unwrap_or_default()
    }
}
