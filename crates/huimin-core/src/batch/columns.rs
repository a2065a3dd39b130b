//! Reading a batch's columns into the slices one chunk of lanes reads: numbers as
//! millionths, dates as days, texts by dictionary code, tags as sets; rows the lanes cannot
//! take exactly (absent, out of range, not exact at six places, an unknown choice or tag) are
//! marked for the exact engine.

use super::{Batch, Column, ColumnData};
use crate::expr::lane::{self, FieldSlice};
use crate::expr::TagSet;
use crate::model::{FieldType, Scalar};
use crate::money::fixed;
use crate::policy::{Field, Policy};

/// Each row's tags as a set; a tag the pack does not know sends its row to the exact engine.
pub(crate) fn fill_tags(
    policy: &Policy,
    batch: &Batch,
    s: usize,
    e: usize,
    sets: &mut Vec<TagSet>,
    bad: &mut [bool],
) {
    sets.clear();
    sets.resize(e - s, TagSet::default());
    for (tag, flags) in &batch.tag_flags {
        let rows = flags.get(s..e).unwrap_or_default();
        match policy.tags.iter().position(|(t, _)| t == tag) {
            Some(k) => {
                let mut one = TagSet::default();
                one.insert(u32::try_from(k).unwrap_or(u32::MAX));
                for (set, f) in sets.iter_mut().zip(rows) {
                    set.add_if(*f, one);
                }
            }
            // An unknown tag set in a row is that row's input error.
            None => {
                for (b, f) in bad.iter_mut().zip(rows) {
                    *b |= *f;
                }
            }
        }
    }
    if let Some(lists) = &batch.tag_lists {
        for ((set, list), b) in sets
            .iter_mut()
            .zip(lists.get(s..e).unwrap_or_default())
            .zip(bad.iter_mut())
        {
            for t in list {
                match policy.tags.iter().position(|(x, _)| x == t) {
                    Some(k) => set.insert(u32::try_from(k).unwrap_or(u32::MAX)),
                    None => *b = true,
                }
            }
        }
    }
}

/// A column the pack does not read by that name (a tag given as a column, a registry alias
/// of an input, a vocabulary term another pack reads): its rows with a value go to the exact
/// engine, which reads vocabulary names and reports unused terms.
pub(crate) fn mark_unread(policy: &Policy, batch: &Batch, s: usize, e: usize, bad: &mut [bool]) {
    for (name, col) in &batch.columns {
        if policy.fields.iter().any(|f| &f.name == name) {
            continue;
        }
        for (row, b) in (s..e).zip(bad.iter_mut()) {
            if col.value(row).is_some() {
                *b = true;
            }
        }
    }
}

/// Converts rows `s..e` of a numeric or date field's column into `buf` (millionths or days;
/// other types are borrowed as they are), marking rows the fast path cannot take: absent,
/// out of range, not exact at 6 places, not an allowed choice.
pub(crate) fn fill(
    f: &Field,
    col: Option<&Column>,
    s: usize,
    e: usize,
    buf: &mut Vec<i64>,
    bad: &mut [bool],
) {
    buf.clear();
    let Some(col) = col else {
        if f.default.is_none() {
            bad.iter_mut().for_each(|b| *b = true);
        }
        return;
    };
    // Bounds in millionths; a bound finer than a millionth sends every row to the scalar path.
    let (min, max) = (
        f.min.map(fixed::from_decimal),
        f.max.map(fixed::from_decimal),
    );
    if matches!(min, Some(None)) || matches!(max, Some(None)) {
        bad.iter_mut().for_each(|b| *b = true);
    }
    let (min, max) = (
        min.flatten().unwrap_or(i64::MIN),
        max.flatten().unwrap_or(i64::MAX),
    );
    let integer = f.ty == FieldType::Integer;
    let ok_num = |v: i64| -> bool { v >= min && v <= max && (!integer || v % fixed::ONE == 0) };
    let valid = |row: usize| col.is_valid(row);
    match (&col.data, f.ty) {
        (ColumnData::Int(ints), FieldType::Integer | FieldType::Decimal) => {
            ints.each(s, e, |k, x| {
                let fx = x.checked_mul(fixed::ONE);
                if let Some(b) = bad.get_mut(k) {
                    *b |= !(valid(s + k) && fx.is_some_and(ok_num));
                }
                buf.push(fx.unwrap_or(0));
            });
        }
        (ColumnData::Decimal { units, scale }, FieldType::Integer | FieldType::Decimal) => {
            for (k, (u, b)) in units
                .get(s..e)
                .unwrap_or_default()
                .iter()
                .zip(bad.iter_mut())
                .enumerate()
            {
                let fx = fixed::from_units(*u, *scale);
                *b |= !(valid(s + k) && fx.is_some_and(ok_num));
                buf.push(fx.unwrap_or(0));
            }
        }
        (ColumnData::Text { codes, values }, FieldType::Text | FieldType::Choice) => {
            let allowed: Vec<bool> = values
                .iter()
                .map(|v| f.ty == FieldType::Text || f.choices.iter().any(|(c, _)| c == v))
                .collect();
            for (k, (c, b)) in codes
                .get(s..e)
                .unwrap_or_default()
                .iter()
                .zip(bad.iter_mut())
                .enumerate()
            {
                *b |= !(valid(s + k) && allowed.get(*c as usize).copied().unwrap_or(false));
            }
        }
        (ColumnData::Bool(_), FieldType::Boolean) | (ColumnData::Date(_), FieldType::Date) => {
            for (k, b) in bad.iter_mut().enumerate().take(e - s) {
                *b |= !valid(s + k);
            }
            if let ColumnData::Date(v) = &col.data {
                buf.extend(
                    v.get(s..e)
                        .unwrap_or_default()
                        .iter()
                        .map(|d| i64::from(lane::days(*d))),
                );
            }
        }
        // Any other pairing (numbers as text, yes/no as text…) is converted by the scalar
        // engine's own rules, row by row.
        _ => bad.iter_mut().for_each(|b| *b = true),
    }
}

/// A field's values for rows `s..e`, borrowing the column or the converted buffer.
pub(crate) fn field_slice<'a>(
    f: &'a Field,
    col: Option<&'a Column>,
    s: usize,
    e: usize,
    buf: &'a [i64],
) -> FieldSlice<'a> {
    match (col.map(|c| &c.data), &f.default) {
        (None, Some(Scalar::Num(d))) => FieldSlice::ConstNum(fixed::from_decimal(*d).unwrap_or(0)),
        (None, Some(Scalar::Bool(b))) => FieldSlice::ConstBool(*b),
        (None, Some(Scalar::Text(t))) => FieldSlice::ConstText(t),
        (None, Some(Scalar::Date(d))) => FieldSlice::ConstDate(lane::days(*d)),
        (Some(ColumnData::Bool(v)), _) => FieldSlice::Bool(v.get(s..e).unwrap_or_default()),
        (Some(ColumnData::Text { codes, values }), _) => {
            FieldSlice::Text(codes.get(s..e).unwrap_or_default(), values)
        }
        (Some(ColumnData::Date(_)), _) => FieldSlice::Date(buf),
        _ => FieldSlice::Num(buf),
    }
}
