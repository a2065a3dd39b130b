//! Checking a participant against a policy's inputs: every problem by field path, in
//! Chinese and English, and the checked [`Record`] the engines read.

use crate::error::InputError;
use crate::expr::{did_you_mean, parse_date, TagSet};
use crate::model::{
    field_named, input_error, tag_named, yes_no, FieldType, Participant, Scalar, Statuses, Value,
};
use crate::money::parse_decimal;
use crate::policy::{Field, Policy, Record};
use crate::text::Text;
use rust_decimal::Decimal;
use smallvec::SmallVec;

impl Policy {
    /// Whether the pack reads the key or column `k`: one of its inputs, by name or registry
    /// alias (年龄 for `age`), or one of its tags.
    pub fn reads(&self, k: &str) -> bool {
        self.fields
            .iter()
            .any(|f| f.name == k || crate::model::field_named(k).is_some_and(|s| s.name == f.name))
            || self.tags.iter().any(|(t, _)| t == k)
    }

    /// Checks a participant against the pack's schema: every problem, by field path. Empty
    /// when the participant can be evaluated.
    pub fn validate(&self, p: &Participant) -> Vec<InputError> {
        self.record(p).err().unwrap_or_default()
    }

    pub(crate) fn record(&self, p: &Participant) -> Result<Record, Vec<InputError>> {
        let mut errors = Vec::new();
        let mut tags = TagSet::default();
        let mut unused: Vec<String> = Vec::new();
        // Vocabulary statuses given, whether or not the pack reads them: their implications.
        let mut statuses = Statuses::default();
        for (i, t) in p.tags.iter().enumerate() {
            if let Some(k) = self.tag_slot(t) {
                tags.insert(k);
                statuses.add(t);
                continue;
            }
            // A vocabulary status the pack does not read is noted as unused.
            if statuses.add(t) {
                unused.push(t.clone());
                continue;
            }
            let mut e = input_error(
                &format!("tags[{i}]"),
                "unknown_tag",
                &format!("未知身份标签“{t}”"),
                &format!("unknown tag `{t}`"),
            );
            if let Some(h) = did_you_mean(t, self.tags.iter().map(|(id, _)| id.as_str())) {
                e.message.en.push_str(&format!("; {h}"));
            }
            errors.push(e);
        }
        // Each key: one of the pack's inputs (by name or registry alias), one of its tags (yes
        // or no), a vocabulary term it does not read (reported as unused), or an error.
        // Inline for the packs' usual dozen inputs or fewer: no allocation.
        let mut given: SmallVec<[Option<(&String, &Value)>; 16]> =
            smallvec::smallvec![None; self.fields.len()];
        for (name, v) in &p.fields {
            let slot = self
                .fields
                .iter()
                .position(|f| &f.name == name)
                .or_else(|| {
                    field_named(name)
                        .and_then(|s| self.fields.iter().position(|f| f.name == s.name))
                });
            if let Some(k) = slot {
                match given.get_mut(k) {
                    Some(Some((first, _))) => errors.push(input_error(
                        name,
                        "duplicate_key",
                        &format!("“{name}”与“{first}”是同一字段，给出了两次"),
                        &format!("`{name}` and `{first}` are the same input, given twice"),
                    )),
                    Some(cell) => *cell = Some((name, v)),
                    None => {}
                }
                continue;
            }
            if let Some(k) = self.tag_slot(name) {
                match yes_no(v) {
                    Some(true) => {
                        tags.insert(k);
                        statuses.add(name);
                    }
                    Some(false) if p.tags.iter().any(|t| self.tag_slot(t) == Some(k)) => errors
                        .push(input_error(
                            name,
                            "conflicting_tag",
                            &format!("“{name}”为否，但身份标签中有“{name}”"),
                            &format!("`{name}` is false but `tags` holds `{name}`"),
                        )),
                    Some(false) => {}
                    None => errors.push(input_error(
                        name,
                        "wrong_type",
                        &format!("身份标签“{name}”应为是或否"),
                        &format!("the tag `{name}` must be true or false (是/否, 1/0)"),
                    )),
                }
                continue;
            }
            if tag_named(name).is_some() {
                if yes_no(v) == Some(true) {
                    statuses.add(name);
                }
                unused.push(name.clone());
                continue;
            }
            if field_named(name).is_some() {
                unused.push(name.clone());
                continue;
            }
            let mut e = input_error(
                name,
                "unknown_field",
                &format!("本政策没有输入字段或身份标签“{name}”"),
                &format!("the pack has no input or tag `{name}`"),
            );
            let known = self
                .fields
                .iter()
                .map(|f| f.name.as_str())
                .chain(self.tags.iter().map(|(id, _)| id.as_str()));
            if let Some(h) = did_you_mean(name, known) {
                e.message.en.push_str(&format!("; {h}"));
            }
            errors.push(e);
        }
        // A status entails others (低保 is 家庭经济困难): the pack reads those as given.
        for (i, t) in statuses.iter() {
            for &k in self.entailed.get(i).into_iter().flatten() {
                tags.insert(k);
                unused.retain(|u| tag_named(u).is_none_or(|v| v.id != t.id));
            }
        }
        unused.sort();
        unused.dedup();
        let mut values = Vec::with_capacity(self.fields.len());
        let mut estimated = Vec::new();
        for (i, (f, g)) in self.fields.iter().zip(&given).enumerate() {
            match g {
                None => match &f.default {
                    Some(d) => {
                        if f.estimate.is_some() {
                            estimated.push(i);
                        }
                        values.push(d.clone());
                    }
                    None => {
                        errors.push(input_error(
                            &f.name,
                            "missing",
                            &format!("请填写“{}”", f.label.zh),
                            &format!("{} is required", f.label.en),
                        ));
                        values.push(Scalar::Bool(false));
                    }
                },
                Some((_, v)) => match coerce(f, v) {
                    Ok(s) => values.push(s),
                    Err(e) => {
                        errors.push(e);
                        values.push(Scalar::Bool(false));
                    }
                },
            }
        }
        if errors.is_empty() {
            Ok(Record {
                fields: values,
                tags,
                unused,
                estimated,
            })
        } else {
            Err(errors)
        }
    }

    /// The slot of the pack's tag that `name` stands for: its id, or a vocabulary name of it.
    fn tag_slot(&self, name: &str) -> Option<u32> {
        tag_slot(&self.tags, name)
    }
}

/// The slot among a pack's `tags` of the one `name` stands for: its id, or a vocabulary name
/// of it.
pub(crate) fn tag_slot(tags: &[(String, Text)], name: &str) -> Option<u32> {
    let k = tags.iter().position(|(id, _)| id == name).or_else(|| {
        let v = tag_named(name)?;
        tags.iter().position(|(id, _)| id == v.id)
    })?;
    Some(u32::try_from(k).unwrap_or(u32::MAX))
}

/// Full-width digits, point and minus (６０, from a Chinese input method) as ASCII.
fn half_width(t: &str) -> String {
    t.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c),
            '．' => '.',
            '－' => '-',
            '＋' => '+',
            _ => c,
        })
        .collect()
}

/// A grade as registries write it: 一年级 … 六年级, 初一 … 初三 (7–9), 高一 … 高三 (10–12).
fn grade_word(t: &str) -> Option<Decimal> {
    const DIGITS: [&str; 6] = ["一", "二", "三", "四", "五", "六"];
    let digit = |s: &str| DIGITS.iter().position(|d| *d == s);
    let n = if let Some(x) = t.strip_suffix("年级") {
        digit(x)? + 1
    } else if let Some(x) = t.strip_prefix('初') {
        digit(x).filter(|k| *k < 3)? + 7
    } else if let Some(x) = t.strip_prefix('高') {
        digit(x).filter(|k| *k < 3)? + 10
    } else {
        return None;
    };
    Some(Decimal::from(n))
}

/// Checks and converts one given value to its field's type.
pub(crate) fn coerce(f: &Field, v: &Value) -> Result<Scalar, InputError> {
    let wrong = |zh: &str, en: &str| {
        input_error(
            &f.name,
            "wrong_type",
            &format!("“{}”应为{zh}", f.label.zh),
            &format!("{} must be {en}", f.label.en),
        )
    };
    let s = match (f.ty, v) {
        (FieldType::Integer | FieldType::Decimal, Value::Number(d)) => Scalar::Num(*d),
        (FieldType::Integer | FieldType::Decimal, Value::Text(t)) => {
            let t = half_width(t.trim());
            match parse_decimal(&t)
                .or_else(|| (f.name == "grade").then(|| grade_word(&t)).flatten())
            {
                Some(d) => Scalar::Num(d),
                None => return Err(wrong("数字", "a number")),
            }
        }
        (FieldType::Integer | FieldType::Decimal, Value::Bool(_)) => {
            return Err(wrong("数字", "a number"))
        }
        (FieldType::Boolean, v) => match yes_no(v) {
            Some(b) => Scalar::Bool(b),
            None => return Err(wrong("是或否", "true or false")),
        },
        (FieldType::Text, Value::Text(t)) => Scalar::Text(t.clone()),
        (FieldType::Text, Value::Number(d)) => Scalar::Text(d.to_string()),
        (FieldType::Text, Value::Bool(_)) => return Err(wrong("文字", "text")),
        (FieldType::Choice, Value::Text(t)) => {
            // A choice by its id, or by its Chinese label as registries write it (小学).
            let by_label = || f.choices.iter().find(|(_, l)| l.zh == t.trim());
            if f.choices.iter().any(|(id, _)| id == t) {
                Scalar::Text(t.clone())
            } else if let Some((id, _)) = by_label() {
                Scalar::Text(id.clone())
            } else {
                let ids: Vec<&str> = f.choices.iter().map(|(id, _)| id.as_str()).collect();
                let mut e = input_error(
                    &f.name,
                    "unknown_choice",
                    &format!("“{}”不是可选值", t),
                    &format!("`{t}` is not one of {}", ids.join(", ")),
                );
                if let Some(h) = did_you_mean(t, ids.iter().copied()) {
                    e.message.en.push_str(&format!("; {h}"));
                }
                return Err(e);
            }
        }
        (FieldType::Choice, _) => return Err(wrong("可选值之一", "one of the choices")),
        (FieldType::Date, Value::Text(t)) => match parse_date(t.trim()) {
            Some(d) => Scalar::Date(d),
            None => return Err(wrong("日期（年-月-日）", "a date, YYYY-MM-DD")),
        },
        (FieldType::Date, _) => return Err(wrong("日期（年-月-日）", "a date, YYYY-MM-DD")),
    };
    if let Scalar::Num(d) = &s {
        // At scale 0 a number is whole: `fract` (a division) only for the others.
        if f.ty == FieldType::Integer && d.scale() != 0 && !d.fract().is_zero() {
            return Err(wrong("整数", "a whole number"));
        }
        let below = f.min.is_some_and(|m| *d < m);
        let above = f.max.is_some_and(|m| *d > m);
        if below || above {
            let range = match (f.min, f.max) {
                (Some(a), Some(b)) => format!("{a}–{b}"),
                (Some(a), None) => format!("≥ {a}"),
                (None, Some(b)) => format!("≤ {b}"),
                (None, None) => String::new(),
            };
            return Err(input_error(
                &f.name,
                "out_of_range",
                &format!("“{}”应在 {range} 之间", f.label.zh),
                &format!("{} must be {range}, got {d}", f.label.en),
            ));
        }
    }
    Ok(s)
}

// Compile-time proof that a compiled policy can be shared between threads.
