//! Synthetic populations as an Arrow table shaped for a pack.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Decimal128Array, Int64Array, RecordBatch,
    StringArray,
};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use chrono::NaiveDate;
use huimin_core::model::FieldType;
use huimin_core::{Participant, Policy, Value};
use rust_decimal::Decimal;

use crate::UNIX_EPOCH_CE_DAYS;

pub(crate) fn synthetic_table(
    policy: &Policy,
    people: &[Participant],
) -> Result<(Vec<RecordBatch>, SchemaRef), ArrowError> {
    let schema = policy.input_schema();
    let mut fields = vec![Field::new("id", DataType::Utf8, true)];
    let mut cols: Vec<ArrayRef> = vec![Arc::new(
        people
            .iter()
            .map(|p| p.id.as_deref())
            .collect::<StringArray>(),
    )];
    for f in &schema.fields {
        let values: Vec<Option<&Value>> = people.iter().map(|p| p.fields.get(&f.name)).collect();
        let number = |v: Option<&Value>| match v {
            Some(Value::Number(d)) => Some(*d),
            Some(Value::Text(t)) => huimin_core::money::parse_decimal(t.trim()),
            _ => None,
        };
        let text = |v: Option<&Value>| match v {
            Some(Value::Text(t)) => Some(t.clone()),
            Some(Value::Number(d)) => Some(d.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            None => None,
        };
        let (dt, col): (DataType, ArrayRef) = match f.ty {
            FieldType::Integer | FieldType::Decimal => {
                let nums: Vec<Option<Decimal>> = values.iter().map(|v| number(*v)).collect();
                if nums.iter().flatten().all(|d| d.fract().is_zero()) {
                    let ints: Int64Array = nums
                        .iter()
                        .map(|d| d.and_then(|d| i64::try_from(d).ok()))
                        .collect();
                    (DataType::Int64, Arc::new(ints))
                } else {
                    let scale = nums.iter().flatten().map(|d| d.scale()).max().unwrap_or(0);
                    let s = i8::try_from(scale).unwrap_or(0);
                    let arr: Decimal128Array = nums
                        .iter()
                        .map(|d| {
                            d.map(|mut d| {
                                d.rescale(scale);
                                d.mantissa()
                            })
                        })
                        .collect();
                    let arr = arr.with_precision_and_scale(38, s)?;
                    (arr.data_type().clone(), Arc::new(arr))
                }
            }
            FieldType::Boolean => {
                let arr: BooleanArray = values
                    .iter()
                    .map(|v| match v {
                        Some(Value::Bool(b)) => Some(*b),
                        Some(Value::Text(t)) => Some(t == "true"),
                        _ => None,
                    })
                    .collect();
                (DataType::Boolean, Arc::new(arr))
            }
            FieldType::Date => {
                let arr: Date32Array = values
                    .iter()
                    .map(|v| {
                        text(*v)
                            .and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
                            .map(|d| d.num_days_from_ce_checked())
                    })
                    .map(Option::flatten)
                    .collect();
                (DataType::Date32, Arc::new(arr))
            }
            FieldType::Text | FieldType::Choice => (
                DataType::Utf8,
                Arc::new(values.iter().map(|v| text(*v)).collect::<StringArray>()),
            ),
        };
        fields.push(Field::new(f.name.clone(), dt, true));
        cols.push(col);
    }
    let mut tags = ListBuilder::new(StringBuilder::new());
    for p in people {
        for t in &p.tags {
            tags.values().append_value(t);
        }
        tags.append(true);
    }
    let tags = tags.finish();
    fields.push(Field::new("tags", tags.data_type().clone(), true));
    cols.push(Arc::new(tags));
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), cols)?;
    Ok((vec![batch], schema))
}

trait CheckedCeDays {
    fn num_days_from_ce_checked(&self) -> Option<i32>;
}

impl CheckedCeDays for NaiveDate {
    fn num_days_from_ce_checked(&self) -> Option<i32> {
        chrono::Datelike::num_days_from_ce(self).checked_sub(UNIX_EPOCH_CE_DAYS)
    }
}
