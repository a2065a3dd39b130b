//! Arrow columns read exactly: every row of a table gives what the same row's JSON gives through
//! `huimin_core::ffi`, whichever engine took it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, Int32Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, Float32Array, Float64Array, Int32Array,
    RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use huimin_arrow::{Extra, Floats, Options};
use huimin_core::batch::{Batch, Column};
use huimin_core::{ffi, Policy};
use rust_decimal::Decimal;

/// Floats read as their shortest text.
const SHORTEST: Options = Options {
    threads: None,
    floats: Floats::Shortest,
    extra: Extra::Refuse,
};

fn wanzhou() -> Policy {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/policies/chongqing-wanzhou-2020.yaml"
    );
    Policy::from_path(path).unwrap()
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 3, 1).unwrap()
}

/// The input errors that refuse `table` as a whole; fails with `why` if it is not refused.
fn input_errors(
    policy: &Policy,
    table: &RecordBatch,
    options: Options,
    why: &str,
) -> Vec<huimin_core::InputError> {
    match huimin_arrow::evaluate(
        policy,
        std::slice::from_ref(table),
        &table.schema(),
        as_of(),
        options,
        &|_| true,
    ) {
        Err(huimin_arrow::Error::Core(huimin_core::Error::Input { errors })) => errors,
        Err(e) => panic!("{why}: {e}"),
        Ok(_) => panic!("{why}: it was read"),
    }
}

fn table(hours: Vec<Option<f64>>) -> RecordBatch {
    let n = hours.len();
    let stage: DictionaryArray<Int32Type> = ["primary", "primary", "junior", "primary", "primary"]
        .into_iter()
        .cycle()
        .take(n)
        .collect();
    let grade = Int32Array::from((0..n).map(|i| 1 + (i as i32 % 6)).collect::<Vec<_>>());
    let mut tags = ListBuilder::new(StringBuilder::new());
    for i in 0..n {
        if i % 3 == 0 {
            tags.values().append_value("dibao");
        }
        tags.append(true);
    }
    let cols: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(
            (0..n).map(|i| format!("p{i}")).collect::<Vec<_>>(),
        )),
        Arc::new(stage),
        Arc::new(grade),
        Arc::new(Float64Array::from(hours)),
        Arc::new(tags.finish()),
    ];
    let fields: Vec<Field> = cols
        .iter()
        .zip(["id", "stage", "grade", "class_hours", "tags"])
        .map(|(c, name)| Field::new(name, c.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).unwrap()
}

/// Each output row against the JSON path for the same row.
fn agrees_with_json(policy: &Policy, input: &RecordBatch) {
    let (out, schema) = huimin_arrow::evaluate(
        policy,
        std::slice::from_ref(input),
        &input.schema(),
        as_of(),
        Options {
            threads: Some(2),
            floats: Floats::Shortest,
            extra: Extra::Refuse,
        },
        &|_| true,
    )
    .unwrap();
    assert_eq!(schema.fields().len(), 11);
    let rows: usize = out.iter().map(RecordBatch::num_rows).sum();
    assert_eq!(rows, input.num_rows());
    let out = &out[0];
    let net = out
        .column_by_name("net_fee")
        .unwrap()
        .as_primitive::<Decimal128Type>();
    let error = out.column_by_name("error").unwrap().as_string::<i32>();
    let people = huimin_arrow::participants(
        policy,
        std::slice::from_ref(input),
        Floats::Shortest,
        Extra::Refuse,
        &|_| true,
    )
    .unwrap();
    for (i, p) in people.iter().enumerate() {
        let mut json = serde_json::Map::new();
        for (k, v) in &p.fields {
            let v = match v {
                huimin_core::Value::Number(d) => serde_json::Value::String(d.to_string()),
                huimin_core::Value::Text(t) => serde_json::Value::String(t.clone()),
                huimin_core::Value::Bool(b) => serde_json::Value::Bool(*b),
            };
            json.insert(k.clone(), v);
        }
        json.insert("tags".into(), serde_json::json!(p.tags));
        let text = serde_json::Value::Object(json).to_string();
        match ffi::evaluate(policy, &text, "2021-03-01", false) {
            Ok(d) => {
                let d: serde_json::Value = serde_json::from_str(&d).unwrap();
                assert!(error.is_null(i), "row {i}: {}", error.value(i));
                assert_eq!(
                    net.value_as_string(i),
                    d["net_fee"].as_str().unwrap(),
                    "row {i}"
                );
            }
            Err(e) => assert_eq!(error.value(i), e.to_string(), "row {i}"),
        }
    }
}

/// Integer columns of every width Arrow has are read at that width (a registry's bytes are
/// not widened to 64 bits) and decide as the JSON path does; a `UInt64` value beyond `i64` is
/// the column's error.
#[test]
fn integer_columns_of_every_width_agree_with_json() {
    let w = wanzhou();
    // row 5 null: the mask is kept at every width
    let hours: Vec<Option<f64>> = (0..12)
        .map(|i| (i != 5).then(|| f64::from(i * 7 % 70)))
        .collect();
    let base = table(hours);
    let schema = base.schema();
    let at = |name: &str| schema.index_of(name).unwrap();
    for ty in [
        DataType::Int8,
        DataType::Int16,
        DataType::Int64,
        DataType::UInt8,
        DataType::UInt16,
        DataType::UInt32,
        DataType::UInt64,
    ] {
        let mut cols = base.columns().to_vec();
        let mut fields: Vec<Field> = schema.fields().iter().map(|f| (**f).clone()).collect();
        for k in [at("grade"), at("class_hours")] {
            cols[k] = arrow_cast::cast(&cols[k], &ty).unwrap();
            fields[k] = Field::new(fields[k].name(), ty.clone(), true);
        }
        let t = RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).unwrap();
        let people = huimin_arrow::participants(
            &w,
            std::slice::from_ref(&t),
            Floats::Shortest,
            Extra::Refuse,
            &|_| true,
        )
        .unwrap();
        let hours = |i: usize| people[i].fields.get("class_hours").cloned();
        assert_eq!(
            hours(4),
            Some(huimin_core::Value::Number(28.into())),
            "{ty}"
        );
        assert_eq!(hours(5), None, "{ty}: a null is a missing value, not 0");
        agrees_with_json(&w, &t);
    }
    let huge = RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new(
            "class_hours",
            DataType::UInt64,
            true,
        )])),
        vec![Arc::new(arrow_array::UInt64Array::from(vec![u64::MAX]))],
    )
    .unwrap();
    let errors = input_errors(&w, &huge, SHORTEST, "a UInt64 beyond i64 must be refused");
    let hours: Vec<&str> = errors
        .iter()
        .filter(|e| e.path == "class_hours")
        .map(|e| e.code)
        .collect();
    assert_eq!(hours, ["wrong_type"]);
}

#[test]
fn whole_floats_take_the_integer_fast_path() {
    let p = wanzhou();
    let t = table(vec![Some(60.0), None, Some(7.0), Some(12.0), Some(-0.0)]);
    let frame = huimin_arrow::Frame::new(&p, &t, Floats::Shortest, Extra::Refuse).unwrap();
    let batch = frame.batch().unwrap();
    // the same batch with class_hours as an integer column (-0.0 is not whole: text path)
    let t2 = table(vec![Some(60.0), None, Some(7.0), Some(12.0), None]);
    let b2 = huimin_arrow::Frame::new(&p, &t2, Floats::Shortest, Extra::Refuse)
        .unwrap()
        .batch()
        .unwrap();
    let ints =
        Column::int(vec![60_i64, 0, 7, 12, 0]).with_validity(vec![true, false, true, true, false]);
    let direct = Batch::new(5)
        .column(
            "stage",
            Column::text(["primary", "primary", "junior", "primary", "primary"]),
        )
        .unwrap()
        .column("grade", Column::int(vec![1, 2, 3, 4, 5]))
        .unwrap()
        .column("class_hours", ints)
        .unwrap();
    let direct = direct
        .tag_lists(
            (0..5)
                .map(|i| {
                    if i % 3 == 0 {
                        vec!["dibao".to_owned()]
                    } else {
                        vec![]
                    }
                })
                .collect(),
        )
        .unwrap();
    assert_eq!(b2, direct);
    assert_ne!(batch, direct);
    agrees_with_json(&p, &t);
}

#[test]
fn fractional_floats_read_as_the_decimal_written() {
    let p = wanzhou();
    let hours: Vec<Option<f64>> = (0..300)
        .map(|i| match i % 7 {
            0 => Some(33.5),
            1 => Some(-1.0),
            2 => Some(f64::INFINITY),
            3 => None,
            4 => Some(0.1 + 0.2),
            _ => Some(f64::from(i % 90)),
        })
        .collect();
    let t = table(hours);
    agrees_with_json(&p, &t);
    let (out, _) = huimin_arrow::evaluate(
        &p,
        std::slice::from_ref(&t),
        &t.schema(),
        as_of(),
        SHORTEST,
        &|_| true,
    )
    .unwrap();
    let error = out[0].column_by_name("error").unwrap().as_string::<i32>();
    // an infinite amount is that row's error, never a rounded number
    assert!(error.value(2).contains("class_hours"), "{}", error.value(2));
}

#[test]
fn a_missing_required_column_is_one_input_error() {
    let p = wanzhou();
    let t = RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new("stage", DataType::Utf8, true)])),
        vec![Arc::new(StringArray::from(vec!["primary"]))],
    )
    .unwrap();
    let errors = input_errors(&p, &t, SHORTEST, "expected an input error");
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["grade", "class_hours"]);
}

#[test]
fn a_column_named_twice_is_refused_not_half_read() {
    // Two `class_hours` columns, 10 and 60: reading by name would take one silently.
    let p = wanzhou();
    let fields = ["stage", "grade", "class_hours", "class_hours"].map(|n| {
        Field::new(
            n,
            if n == "stage" {
                DataType::Utf8
            } else {
                DataType::Int32
            },
            true,
        )
    });
    let t = RecordBatch::try_new(
        Arc::new(Schema::new(fields.to_vec())),
        vec![
            Arc::new(StringArray::from(vec!["primary"])),
            Arc::new(Int32Array::from(vec![3])),
            Arc::new(Int32Array::from(vec![10])),
            Arc::new(Int32Array::from(vec![60])),
        ],
    )
    .unwrap();
    let errors = input_errors(&p, &t, SHORTEST, "expected an input error");
    assert_eq!(errors, vec![ffi::duplicate("class_hours")]);
    assert_eq!(errors[0].code, "duplicate_key");
}

#[test]
fn the_output_row_is_the_cores_flat_row() {
    let p = wanzhou();
    let t = table(vec![Some(60.0)]);
    let (_, schema) = huimin_arrow::evaluate(
        &p,
        std::slice::from_ref(&t),
        &t.schema(),
        as_of(),
        SHORTEST,
        &|_| true,
    )
    .unwrap();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let row: Vec<String> = ffi::row_columns(&p)
        .iter()
        .map(ffi::RowColumn::name)
        .collect();
    assert_eq!(names, row);
    // without an `id` column in the input, the output has none
    let no_id = huimin_arrow::output_schema(&p, None);
    assert_eq!(no_id.fields().len(), row.len() - 1);
    assert_eq!(no_id.field(0).name(), "eligible");
}

/// A pack whose one input, a price, defaults to 0 when absent: a fee of exactly that price.
fn course_pack() -> Policy {
    Policy::from_yaml(
        r#"
id: course
name: { zh: 课程, en: Course }
kind: after_school
jurisdiction: { zh: 某市, en: Some city }
valid_from: 2020-09-01
period: month
payers: { parents: { zh: 家长, en: Parents } }
fee_payer: parents
inputs:
  price: { type: decimal, label: { zh: 课程费, en: Course price }, min: 0, default: 0 }
fees:
  - { id: course, label: { zh: 课程费, en: Course fee }, amount: price }
"#,
        "course.yaml",
    )
    .unwrap()
}

fn prices(values: ArrayRef) -> RecordBatch {
    RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new(
            "price",
            values.data_type().clone(),
            true,
        )])),
        vec![values],
    )
    .unwrap()
}

#[test]
fn a_float_column_is_refused_unless_read_by_its_shortest_text() {
    let p = course_pack();
    let t = prices(Arc::new(Float64Array::from(vec![1000.49])));
    let errors = input_errors(
        &p,
        &t,
        Options::default(),
        "a float column for money must be refused by default",
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].path.as_str(), errors[0].code),
        ("price", "wrong_type")
    );
    assert_eq!(
        errors[0].message.en,
        "column `price` holds floats (Float64), which are not exact decimals: give it as a \
         decimal or text column, or pass floats=\"shortest\" to read each float as its shortest \
         decimal text"
    );
    assert_eq!(
        errors[0].message.zh,
        "列“price”是浮点数列（Float64），浮点数不是精确的小数：请改为小数（decimal）或文本列，\
         或传入 floats=\"shortest\"，按每个浮点数最短的十进制写法读取"
    );
    // asked for: 1000.49 exactly
    let (out, _) = huimin_arrow::evaluate(
        &p,
        std::slice::from_ref(&t),
        &t.schema(),
        as_of(),
        SHORTEST,
        &|_| true,
    )
    .unwrap();
    let fee = out[0].column_by_name("gross_fee").unwrap();
    assert_eq!(
        fee.as_primitive::<Decimal128Type>().value_as_string(0),
        "1000.49"
    );
    // a float column for a field that is no number is refused either way
    let w = wanzhou();
    let t = RecordBatch::try_new(
        Arc::new(Schema::new(vec![
            Field::new("stage", DataType::Float64, true),
            Field::new("grade", DataType::Int32, true),
            Field::new("class_hours", DataType::Int32, true),
        ])),
        vec![
            Arc::new(Float64Array::from(vec![1.0])),
            Arc::new(Int32Array::from(vec![3])),
            Arc::new(Int32Array::from(vec![10])),
        ],
    )
    .unwrap();
    let errors = input_errors(
        &w,
        &t,
        SHORTEST,
        "a float column for a choice must be refused",
    );
    assert_eq!(
        errors[0].message.en,
        "column `stage` holds floats (Float64) but the field is not a number: give it as a text column"
    );
}

#[test]
fn nan_is_that_rows_error_not_the_default() {
    // NaN used to read as a missing value: the price's default, 0, and a fee of 0.00.
    let p = course_pack();
    let t = prices(Arc::new(Float64Array::from(vec![
        Some(12.5),
        Some(f64::NAN),
        Some(f64::NEG_INFINITY),
        Some(1000.49),
        None,
    ])));
    let (out, _) = huimin_arrow::evaluate(
        &p,
        std::slice::from_ref(&t),
        &t.schema(),
        as_of(),
        SHORTEST,
        &|_| true,
    )
    .unwrap();
    let fee = out[0]
        .column_by_name("gross_fee")
        .unwrap()
        .as_primitive::<Decimal128Type>();
    let error = out[0].column_by_name("error").unwrap().as_string::<i32>();
    let fees: Vec<Option<String>> = (0..5)
        .map(|i| fee.is_valid(i).then(|| fee.value_as_string(i)))
        .collect();
    let s = |x: &str| Some(x.to_owned());
    assert_eq!(fees, [s("12.50"), None, None, s("1000.49"), s("0.00")]);
    let errors: Vec<Option<&str>> = (0..5)
        .map(|i| error.is_valid(i).then(|| error.value(i)))
        .collect();
    let bad = Some("price: Course price must be a number");
    assert_eq!(errors, [None, bad, bad, None, None]);
    // the same through the participants a population run reads
    let people = huimin_arrow::participants(
        &p,
        std::slice::from_ref(&t),
        Floats::Shortest,
        Extra::Refuse,
        &|_| true,
    )
    .unwrap();
    assert_eq!(
        people[1].fields["price"],
        huimin_core::Value::Text("NaN".into())
    );
    assert!(!people[4].fields.contains_key("price"));
}

#[test]
fn a_float32_is_read_as_float32_prints_it() {
    // 1000.49 as a float32 is 1000.489990234375; its shortest float32 text is 1000.49.
    let p = course_pack();
    let t = prices(Arc::new(Float32Array::from(vec![1000.49_f32, 0.1])));
    let people = huimin_arrow::participants(
        &p,
        std::slice::from_ref(&t),
        Floats::Shortest,
        Extra::Refuse,
        &|_| true,
    )
    .unwrap();
    let price = |i: usize| people[i].fields["price"].clone();
    assert_eq!(
        price(0),
        huimin_core::Value::Number("1000.49".parse().unwrap())
    );
    assert_eq!(price(1), huimin_core::Value::Number("0.1".parse().unwrap()));
}

#[test]
fn a_run_stops_between_jobs_when_asked() {
    let p = wanzhou();
    let n = 3 * huimin_arrow::JOB_ROWS;
    let t = table((0..n).map(|i| Some(f64::from(i as u32 % 40))).collect());
    let run = |go_on: &dyn Fn(usize) -> bool| {
        let one = Options {
            threads: Some(1),
            floats: Floats::Shortest,
            extra: Extra::Refuse,
        };
        huimin_arrow::evaluate(
            &p,
            std::slice::from_ref(&t),
            &t.schema(),
            as_of(),
            one,
            go_on,
        )
    };
    // asked while reading: nothing is evaluated
    let seen = std::sync::Mutex::new(Vec::new());
    let r = run(&|done| {
        seen.lock().unwrap().push(done);
        false
    });
    assert!(matches!(r, Err(huimin_arrow::Error::Stopped)));
    assert_eq!(*seen.lock().unwrap(), [0]);
    // once the first job is done: asked no more, and no row comes out
    seen.lock().unwrap().clear();
    let r = run(&|done| {
        seen.lock().unwrap().push(done);
        done == 0
    });
    assert!(matches!(r, Err(huimin_arrow::Error::Stopped)));
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.last(), Some(&huimin_arrow::JOB_ROWS), "{seen:?}");
    assert!(seen.iter().rev().skip(1).all(|d| *d == 0), "{seen:?}");
    // reading participants for a population run stops between slices too
    let read = std::sync::Mutex::new(Vec::new());
    let r = huimin_arrow::participants(
        &p,
        std::slice::from_ref(&t),
        Floats::Shortest,
        Extra::Refuse,
        &|n| {
            read.lock().unwrap().push(n);
            n == 0
        },
    );
    assert!(matches!(r, Err(huimin_arrow::Error::Stopped)));
    assert_eq!(*read.lock().unwrap(), [0, huimin_arrow::JOB_ROWS]);
    // asked to the end: every row, in order, one output batch per job
    let (out, _) = run(&|_| true).unwrap();
    assert_eq!(
        out.iter().map(RecordBatch::num_rows).collect::<Vec<_>>(),
        [huimin_arrow::JOB_ROWS; 3]
    );
}

/// Three grade-3 primary pupils at 60 class-hours under Wanzhou with a `dibao` column (and,
/// when given, a `district` column and a `tags` column).
fn with_dibao(dibao: ArrayRef, district: bool, tags: Option<ArrayRef>) -> RecordBatch {
    let n = dibao.len();
    let mut cols: Vec<(&str, ArrayRef)> = vec![
        (
            "id",
            Arc::new(StringArray::from(
                (0..n).map(|i| format!("p{i}")).collect::<Vec<_>>(),
            )),
        ),
        ("stage", Arc::new(StringArray::from(vec!["primary"; n]))),
        ("grade", Arc::new(Int32Array::from(vec![3; n]))),
        ("class_hours", Arc::new(Int32Array::from(vec![60; n]))),
        ("dibao", dibao),
    ];
    if district {
        cols.push(("district", Arc::new(StringArray::from(vec!["万州"; n]))));
    }
    if let Some(t) = tags {
        cols.push(("tags", t));
    }
    let fields: Vec<Field> = cols
        .iter()
        .map(|(name, c)| Field::new(*name, c.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        cols.into_iter().map(|(_, c)| c).collect(),
    )
    .unwrap()
}

fn net_fees(t: &RecordBatch, options: Options) -> Result<Vec<String>, huimin_arrow::Error> {
    let (out, _) = huimin_arrow::evaluate(
        &wanzhou(),
        std::slice::from_ref(t),
        &t.schema(),
        as_of(),
        options,
        &|_| true,
    )?;
    let out = &out[0];
    let net = out
        .column_by_name("net_fee")
        .unwrap()
        .as_primitive::<Decimal128Type>();
    let err = out.column_by_name("error").unwrap().as_string::<i32>();
    Ok((0..out.num_rows())
        .map(|i| {
            if err.is_null(i) {
                Decimal::from_i128_with_scale(net.value(i), 2).to_string()
            } else {
                format!("error: {}", err.value(i))
            }
        })
        .collect())
}

#[test]
fn a_column_named_after_a_tag_is_that_tag_never_ignored() {
    // Wanzhou: 3.00 × 60 class-hours = 180.00, capped at 170.00 a month; 低保 waives it all.
    // A `dibao` column of booleans, of 是/否 texts and of 1/0 integers is read as the tag:
    // true → 0.00, false → 170.00, null (not given) → 170.00. This column used to be ignored,
    // charging a 低保 child 170.00.
    let bools: ArrayRef = Arc::new(BooleanArray::from(vec![Some(true), Some(false), None]));
    assert_eq!(
        net_fees(&with_dibao(bools, false, None), SHORTEST).unwrap(),
        ["0.00", "170.00", "170.00"]
    );
    let texts: ArrayRef = Arc::new(StringArray::from(vec![Some("是"), Some("否"), Some("1")]));
    assert_eq!(
        net_fees(&with_dibao(texts, false, None), SHORTEST).unwrap(),
        ["0.00", "170.00", "0.00"]
    );
    let ints: ArrayRef = Arc::new(Int32Array::from(vec![1, 0, 1]));
    assert_eq!(
        net_fees(&with_dibao(ints, false, None), SHORTEST).unwrap(),
        ["0.00", "170.00", "0.00"]
    );
    // A value that is no yes/no, and a `dibao` false that `tags` contradicts, are that row's
    // error; the other rows go on.
    let odd: ArrayRef = Arc::new(StringArray::from(vec!["maybe", "yes", "no"]));
    let r = net_fees(&with_dibao(odd, false, None), SHORTEST).unwrap();
    assert!(
        r[0].starts_with("error: ") && r[0].contains("dibao"),
        "{r:?}"
    );
    assert_eq!(&r[1..], ["0.00", "170.00"]);
    let mut list = ListBuilder::new(StringBuilder::new());
    for _ in 0..2 {
        list.values().append_value("dibao");
        list.append(true);
    }
    let contradicted: ArrayRef = Arc::new(BooleanArray::from(vec![false, true]));
    let r = net_fees(
        &with_dibao(contradicted, false, Some(Arc::new(list.finish()))),
        SHORTEST,
    )
    .unwrap();
    assert!(
        r[0].contains("conflicting_tag") || r[0].contains("tags` holds `dibao`"),
        "{r:?}"
    );
    assert_eq!(r[1], "0.00");
}

#[test]
fn a_column_the_pack_does_not_read_is_refused_unless_ignored() {
    let t = with_dibao(Arc::new(BooleanArray::from(vec![true])), true, None);
    let Err(huimin_arrow::Error::Core(huimin_core::Error::Input { errors })) =
        net_fees(&t, SHORTEST)
    else {
        panic!("expected an input error");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].path.as_str(), errors[0].code),
        ("district", "unknown_column")
    );
    assert!(
        errors[0]
            .message
            .en
            .starts_with("the pack reads no column `district`"),
        "{}",
        errors[0].message.en
    );
    let ignore = Options {
        extra: Extra::Ignore,
        ..SHORTEST
    };
    assert_eq!(net_fees(&t, ignore).unwrap(), ["0.00"]);
}

#[test]
fn registry_names_vocabulary_statuses_and_unread_terms() {
    // Hebi under its example values: 360.00 a semester, the government bearing half, all of
    // it for a 家庭经济困难 pupil. A registry frame names the stage 学段 and gives 低保 as a
    // column `dibao` that Hebi does not declare: 低保 entails hardship, so row 0 pays 0.00 and
    // row 1 (not 低保) 180.00. `age` is a standard field Hebi does not read: left unread and
    // named in the output's metadata.
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
    let p = Policy::from_path_with_values(
        format!("{root}/policies/hebi-2020.yaml"),
        format!("{root}/values/hebi-2020.example.yaml"),
    )
    .unwrap();
    let cols: Vec<(&str, ArrayRef)> = vec![
        (
            "学段",
            Arc::new(StringArray::from(vec!["primary", "primary"])),
        ),
        ("dibao", Arc::new(BooleanArray::from(vec![true, false]))),
        ("age", Arc::new(Int32Array::from(vec![9, 10]))),
    ];
    let fields: Vec<Field> = cols
        .iter()
        .map(|(n, c)| Field::new(*n, c.data_type().clone(), true))
        .collect();
    let t = RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        cols.into_iter().map(|(_, c)| c).collect(),
    )
    .unwrap();
    let day = NaiveDate::from_ymd_opt(2020, 10, 12).unwrap();
    let (out, schema) = huimin_arrow::evaluate(
        &p,
        std::slice::from_ref(&t),
        &t.schema(),
        day,
        SHORTEST,
        &|_| true,
    )
    .unwrap();
    let net = out[0]
        .column_by_name("net_fee")
        .unwrap()
        .as_primitive::<Decimal128Type>();
    assert_eq!((net.value(0), net.value(1)), (0, 18000));
    assert_eq!(
        schema.metadata().get("huimin.unused").map(String::as_str),
        Some("age")
    );
}

/// Kept columns (district, school) come out after `id`, unchanged and with their own types,
/// whether or not the pack reads them; a missing one is named; a table without batches still
/// has its columns checked.
#[test]
fn kept_columns_come_out_beside_the_results() {
    let p = wanzhou();
    let input = table(vec![Some(60.0), Some(40.0), None]);
    let district: ArrayRef = Arc::new(StringArray::from(vec!["东区", "西区", "东区"]));
    let school: ArrayRef = Arc::new(arrow_array::Int32Array::from(vec![7, 8, 9]));
    let mut fields: Vec<Field> = input
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields.push(Field::new("district", DataType::Utf8, true));
    fields.push(Field::new("school", DataType::Int32, true));
    let mut cols = input.columns().to_vec();
    cols.extend([district, school]);
    let input = RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).unwrap();
    let keep = vec![
        "school".to_owned(),
        "district".to_owned(),
        "grade".to_owned(),
    ];
    let opts = SHORTEST;
    let (out, schema) = huimin_arrow::evaluate_keeping(
        &p,
        std::slice::from_ref(&input),
        &input.schema(),
        as_of(),
        opts,
        &keep,
        &|_| true,
    )
    .unwrap();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        &names[..5],
        ["id", "school", "district", "grade", "eligible"]
    );
    assert_eq!(schema.field(1).data_type(), &DataType::Int32);
    let want = huimin_arrow::output_schema_keeping(&p, &input.schema(), &keep).unwrap();
    assert_eq!(want.fields(), schema.fields());
    // The run's metadata adds what this pack's answers rest on (Wanzhou assumes the waiver's
    // size and which grades are 中低年级).
    assert_eq!(
        schema
            .metadata()
            .get("huimin.estimated")
            .map(String::as_str),
        Some("priority_groups,reduction_total,net_fee,payer_parents")
    );
    let out = &out[0];
    assert_eq!(
        out.column(1).as_primitive::<Int32Type>().values(),
        &[7, 8, 9]
    );
    assert_eq!(out.column(2).as_string::<i32>().value(1), "西区");
    // Row 0 (60 class-hours) is 低保: waived; row 1, 40 class-hours at 3.00: 120. The pack
    // still reads the kept `grade`.
    let net = out
        .column_by_name("net_fee")
        .unwrap()
        .as_primitive::<Decimal128Type>();
    assert_eq!((net.value(0), net.value(1)), (0, 12000));

    let missing = vec!["county".to_owned()];
    let e = huimin_arrow::evaluate_keeping(
        &p,
        std::slice::from_ref(&input),
        &input.schema(),
        as_of(),
        opts,
        &missing,
        &|_| true,
    )
    .unwrap_err();
    assert!(e.to_string().contains("county"), "{e}");
    // No batches at all: the unread `district` and `school` are refused as with rows.
    let e = huimin_arrow::evaluate(&p, &[], &input.schema(), as_of(), opts, &|_| true).unwrap_err();
    assert!(e.to_string().contains("district"), "{e}");
}
