//! Writing decisions as Arrow: the output row schema, defined once, and its column builders.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Decimal128Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
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

pub(crate) struct Columns {
    eligible: BooleanBuilder,
    reasons: ListBuilder<StringBuilder>,
    category: StringBuilder,
    priority: ListBuilder<StringBuilder>,
    money: Vec<Decimal128Builder>,
    error: StringBuilder,
}

impl Columns {
    pub(crate) fn new(rows: usize, amounts: usize) -> Columns {
        Columns {
            eligible: BooleanBuilder::with_capacity(rows),
            reasons: ListBuilder::new(StringBuilder::new()),
            category: StringBuilder::with_capacity(rows, rows * 8),
            priority: ListBuilder::new(StringBuilder::new()),
            money: (0..amounts)
                .map(|_| Decimal128Builder::with_capacity(rows))
                .collect(),
            error: StringBuilder::new(),
        }
    }

    pub(crate) fn push_error(&mut self, message: &str) {
        self.eligible.append_null();
        self.reasons.append_null();
        self.category.append_null();
        self.priority.append_null();
        for b in &mut self.money {
            b.append_null();
        }
        self.error.append_value(message);
    }

    pub(crate) fn push(&mut self, d: &Decision, amounts: &[i128]) {
        self.eligible.append_value(d.eligible);
        for r in &d.reasons {
            self.reasons.values().append_value(&r.rule);
        }
        self.reasons.append(true);
        self.category.append_option(d.category.as_deref());
        for g in &d.priority_groups {
            self.priority.values().append_value(g);
        }
        self.priority.append(true);
        for (b, v) in self.money.iter_mut().zip(amounts) {
            b.append_value(*v);
        }
        self.error.append_null();
    }

    /// A row from the batch outputs: whether it is served, the requirements it fails, its
    /// category, its priority groups and its amounts.
    pub(crate) fn push_outputs<'a>(
        &mut self,
        eligible: bool,
        reasons: impl Iterator<Item = &'a str>,
        category: Option<&str>,
        groups: impl Iterator<Item = &'a str>,
        amounts: &[i128],
    ) {
        self.eligible.append_value(eligible);
        for r in reasons {
            self.reasons.values().append_value(r);
        }
        self.reasons.append(true);
        self.category.append_option(category);
        for g in groups {
            self.priority.values().append_value(g);
        }
        self.priority.append(true);
        for (b, v) in self.money.iter_mut().zip(amounts) {
            b.append_value(*v);
        }
        self.error.append_null();
    }

    pub(crate) fn finish(
        mut self,
        schema: &SchemaRef,
        id: Option<ArrayRef>,
        scale: i8,
    ) -> Result<RecordBatch, ArrowError> {
        let mut cols: Vec<ArrayRef> = Vec::new();
        if let Some(id) = id {
            cols.push(id);
        }
        cols.push(Arc::new(self.eligible.finish()));
        cols.push(Arc::new(self.reasons.finish()));
        cols.push(Arc::new(self.category.finish()));
        cols.push(Arc::new(self.priority.finish()));
        for b in &mut self.money {
            cols.push(Arc::new(
                b.finish()
                    .with_precision_and_scale(MONEY_PRECISION, scale)?,
            ));
        }
        cols.push(Arc::new(self.error.finish()));
        RecordBatch::try_new(schema.clone(), cols)
    }
}
