//! Writing decisions as Arrow: the output row schema, defined once, and its column builders.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, BooleanArray, Decimal128Array, ListArray, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use huimin_core::batch::BatchOutput;
use huimin_core::ffi::{self, RowColumn};
use huimin_core::{Decision, Money, Policy};

use crate::MONEY_PRECISION;

/// The output row schema: the core's flat row ([`ffi::row_columns`]) as Arrow fields — `id`
/// (when the input has one, with its type), `eligible`, `reasons`, `category`,
/// `priority_groups`, the four totals and one `payer_<id>` per payer as
/// `Decimal128(18, pack scale)`, and `error`; the pack id and money scale as metadata.
pub fn output_schema(policy: &Policy, with_id: Option<&Field>) -> SchemaRef {
    let scale = i8::try_from(policy.rounding().scale).unwrap_or(2);
    let money = DataType::Decimal128(MONEY_PRECISION, scale);
    let list = DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)));
    let fields: Vec<Field> = ffi::row_columns(policy)
        .into_iter()
        .filter_map(|c| {
            let ty = match &c {
                RowColumn::Id => with_id?.data_type().clone(),
                RowColumn::Eligible => DataType::Boolean,
                RowColumn::Reasons | RowColumn::PriorityGroups => list.clone(),
                RowColumn::Category | RowColumn::Error => DataType::Utf8,
                _ => money.clone(),
            };
            Some(Field::new(c.name(), ty, true))
        })
        .collect();
    let metadata = [
        ("huimin.pack".to_owned(), policy.id().to_owned()),
        ("huimin.money_scale".to_owned(), scale.to_string()),
    ]
    .into_iter()
    .collect();
    Arc::new(Schema::new_with_metadata(fields, metadata))
}

/// The amounts of one decision, in the row's order, as Decimal128 mantissas at the pack's
/// scale, or `None` when one does not fit the column's precision.
pub(crate) fn mantissas(d: &Decision, row: &[RowColumn], scale: u32) -> Option<Vec<i128>> {
    let limit = 10_i128.checked_pow(u32::from(MONEY_PRECISION))?;
    let fen = |m: Money| {
        let mut a = m.amount();
        a.rescale(scale);
        let v = a.mantissa();
        (v.abs() < limit && a.scale() == scale).then_some(v)
    };
    row.iter().filter_map(|c| c.amount(d)).map(fen).collect()
}

/// One row decided on its own by the exact engine: its decision and amounts (as
/// [`mantissas`]), or its error message.
pub(crate) type Alone = Result<(Decision, Vec<i128>), String>;

/// Where a frame's rows come from: the batch's output columns (the money ones in the row's
/// order, in units of the pack's scale), with the rows decided on their own in their places.
pub(crate) struct Rows<'a> {
    pub rows: usize,
    /// Money columns: the four totals and one per payer.
    pub amounts: usize,
    pub batch: Option<(&'a BatchOutput, Vec<&'a [i64]>)>,
    /// Rows decided on their own, by row number, ascending.
    pub alone: &'a [(usize, Alone)],
}

impl<'a> Rows<'a> {
    /// Each row's value, a column at a time: `batch(i)` for a row of the batch, `own` for a
    /// row decided on its own.
    fn each<T>(
        &self,
        batch: impl Fn(&'a BatchOutput, usize) -> T + 'a,
        own: impl Fn(&'a Alone) -> T + 'a,
    ) -> impl Iterator<Item = T> + 'a {
        let (alone, out) = (self.alone, self.batch.as_ref().map(|(o, _)| *o));
        let mut next = 0;
        (0..self.rows).map(move |i| match alone.get(next) {
            Some((r, a)) if *r == i => {
                next += 1;
                own(a)
            }
            _ => match out {
                Some(o) => batch(o, i),
                None => own(&NOT_DECIDED),
            },
        })
    }

    /// A list column (`reasons`, `priority_groups`): the names whose flag is set for a row of
    /// the batch, or what the decision lists for a row decided on its own.
    fn list(
        &self,
        flags: impl Fn(&'a BatchOutput) -> &'a [(String, Vec<bool>)] + 'a,
        own: impl Fn(&'a Decision) -> Vec<&'a str> + 'a,
    ) -> ListArray {
        let mut b = ListBuilder::new(StringBuilder::new());
        let names = self.each(
            move |o, i| {
                Some(
                    flags(o)
                        .iter()
                        .filter(|(_, c)| c.get(i).copied().unwrap_or(false))
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>(),
                )
            },
            move |a| a.as_ref().ok().map(|(d, _)| own(d)),
        );
        for row in names {
            match row {
                Some(names) => {
                    for n in names {
                        b.values().append_value(n);
                    }
                    b.append(true);
                }
                None => b.append_null(),
            }
        }
        b.finish()
    }

    /// The output record batch.
    pub(crate) fn finish(
        &self,
        schema: &SchemaRef,
        id: Option<ArrayRef>,
        scale: i8,
    ) -> Result<RecordBatch, ArrowError> {
        let mut cols: Vec<ArrayRef> = Vec::new();
        if let Some(id) = id {
            cols.push(id);
        }
        let ok = |a: &'a Alone| a.as_ref().ok();
        cols.push(Arc::new(BooleanArray::from_iter(self.each(
            |o, i| o.eligible.get(i).copied(),
            move |a| ok(a).map(|(d, _)| d.eligible),
        ))));
        cols.push(Arc::new(self.list(
            |o| &o.unmet,
            |d| d.reasons.iter().map(|r| r.rule.as_str()).collect(),
        )));
        cols.push(Arc::new(StringArray::from_iter(self.each(
            |o, i| {
                o.category
                    .get(i)
                    .copied()
                    .flatten()
                    .and_then(|k| o.categories.get(k as usize))
                    .map(String::as_str)
            },
            move |a| ok(a).and_then(|(d, _)| d.category.as_deref()),
        ))));
        cols.push(Arc::new(self.list(
            |o| &o.priority,
            |d| d.priority_groups.iter().map(|g| g.as_str()).collect(),
        )));
        for j in 0..self.amounts {
            let column = self.batch.as_ref().and_then(|(_, m)| m.get(j).copied());
            let values = self.each(
                move |_, i| column.and_then(|c| c.get(i)).map(|v| i128::from(*v)),
                move |a| ok(a).and_then(|(_, m)| m.get(j).copied()),
            );
            cols.push(Arc::new(
                Decimal128Array::from_iter(values)
                    .with_precision_and_scale(MONEY_PRECISION, scale)?,
            ));
        }
        cols.push(Arc::new(StringArray::from_iter(
            self.each(|_, _| None, |a| a.as_ref().err().map(String::as_str)),
        )));
        RecordBatch::try_new(schema.clone(), cols)
    }
}

/// A row neither the batch nor its own evaluation gave. Not reached (every row is one or the
/// other); were it, the row would be in error, never a default answer.
static NOT_DECIDED: Alone = Err(String::new());
