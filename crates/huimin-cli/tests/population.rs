#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `huimin simulate --by --weight` (issue 17) from CSV and from Parquet: totals by district
//! under Wanzhou's plan and the cap-150 reform, computed by hand.
//!
//!     id district stage   grade hours tags     weight  today  reform
//!     a  东区     primary 5     60              1.5     170    150
//!     b  东区     primary 5     60    disabled  2       170      0
//!     c  西区     primary 5     40              1       120    120
//!     d  西区     primary 5     60    dibao     3         0      0
//!     e  西区     junior  8     50              0.25    150    150

use std::process::Command;
use std::sync::Arc;

use arrow_array::{Decimal128Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};

const BASE: &str = "fixtures/policies/chongqing-wanzhou-2020.yaml";
const REFORM: &str = "fixtures/reforms/chongqing-wanzhou-2020-cap150.yaml";
/// The registry of the table above, as CSV.
const REGISTRY: &str = "id,district,stage,grade,class_hours,tags,weight
a,东区,primary,5,60,,1.5
b,东区,primary,5,60,disabled,2
c,西区,primary,5,40,,1
d,西区,primary,5,60,dibao,3
e,西区,junior,8,50,,0.25
";

fn simulate(
    population: &std::path::Path,
    extra: &[&str],
) -> (Option<i32>, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args([
            "simulate",
            BASE,
            "--reform",
            REFORM,
            "--as-of",
            "2021-03-01",
            "--format",
            "json",
        ])
        .arg("--population")
        .arg(population)
        .args(extra)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    (
        out.status.code(),
        serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stdout}")),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn net(report: &serde_json::Value, group: usize, scenario: usize) -> String {
    let g = if group == 0 {
        &report["total"]
    } else {
        &report["groups"][group - 1]
    };
    g["scenarios"][scenario]["net_fee"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn check(report: &serde_json::Value) {
    // Groups in key order: 东区 (U+4E1C) before 西区 (U+897F).
    assert_eq!(report["groups"][0]["key"][0], "东区");
    assert_eq!(net(report, 1, 0), "595.00"); // 1.5 × 170 + 2 × 170
    assert_eq!(net(report, 1, 1), "225.00"); // 1.5 × 150 + 0
    assert_eq!(net(report, 2, 0), "157.50"); // 120 + 0 + 0.25 × 150
    assert_eq!(net(report, 2, 1), "157.50");
    assert_eq!(net(report, 0, 0), "752.50");
    assert_eq!(net(report, 0, 1), "382.50");
    let east = &report["groups"][0]["changes"][0];
    assert_eq!(east["winners"], "3.5");
    assert_eq!(east["net_fee_change"], "-370.00");
    assert_eq!(east["mean_net_fee_change"], "-105.71");
    assert_eq!(report["total"]["scenarios"][0]["participants"], "7.75");
}

fn dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("huimin-pop-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn by_district_with_weights_from_csv() {
    let d = dir("csv");
    let file = d.join("registry.csv");
    std::fs::write(&file, REGISTRY).unwrap();
    let (code, report, err) = simulate(&file, &["--by", "district", "--weight", "weight"]);
    assert_eq!(code, Some(0), "{err}");
    check(&report);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn by_district_with_weights_from_parquet() {
    let d = dir("parquet");
    let file = d.join("registry.parquet");
    let text = |v: &[&str]| Arc::new(StringArray::from(v.to_vec())) as arrow_array::ArrayRef;
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("district", DataType::Utf8, false),
        Field::new("stage", DataType::Utf8, false),
        Field::new("grade", DataType::Int64, false),
        Field::new("class_hours", DataType::Int64, false),
        Field::new("tags", DataType::Utf8, false),
        Field::new("weight", DataType::Decimal128(10, 2), false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            text(&["a", "b", "c", "d", "e"]),
            text(&["东区", "东区", "西区", "西区", "西区"]),
            text(&["primary", "primary", "primary", "primary", "junior"]),
            Arc::new(Int64Array::from(vec![5, 5, 5, 5, 8])),
            Arc::new(Int64Array::from(vec![60, 60, 40, 60, 50])),
            text(&["", "disabled", "", "dibao", ""]),
            Arc::new(
                Decimal128Array::from(vec![150, 200, 100, 300, 25])
                    .with_precision_and_scale(10, 2)
                    .unwrap(),
            ),
        ],
    )
    .unwrap();
    let mut w =
        parquet::arrow::ArrowWriter::try_new(std::fs::File::create(&file).unwrap(), schema, None)
            .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let (code, report, err) = simulate(&file, &["--by", "district", "--weight", "weight"]);
    assert_eq!(code, Some(0), "{err}");
    check(&report);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn a_row_without_a_weight_is_counted_and_named() {
    let d = dir("weight");
    let file = d.join("registry.csv");
    std::fs::write(
        &file,
        "id,district,stage,grade,class_hours,weight\na,东区,primary,5,60,1.5\nb,东区,primary,5,60,-1\nc,西区,primary,5,40,\n",
    )
    .unwrap();
    let (code, report, _) = simulate(&file, &["--by", "district", "--weight", "weight"]);
    assert_eq!(code, Some(1), "rows are in error");
    assert_eq!(
        (report["rows"].as_u64(), report["errors"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(net(&report, 0, 0), "255.00"); // a alone: 1.5 × 170
    let errors: Vec<&str> = report["first_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        errors[0].starts_with("b (") && errors[0].contains(":3)") && errors[0].contains("negative"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("c (") && errors[1].contains("no weight"),
        "{errors:?}"
    );
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn per_participant_results_stream_to_a_file_with_kept_columns() {
    let d = dir("out");
    let file = d.join("registry.csv");
    std::fs::write(
        &file,
        "id,district,stage,grade,class_hours,tags\na,东区,primary,5,60,\nb,东区,primary,5,60,disabled\nc,西区,primary,5,x,\n",
    )
    .unwrap();
    let out = d.join("rows.csv");
    let (code, _, _) = simulate(
        &file,
        &["--keep", "district", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, Some(1), "row c is in error");
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "id,district,eligible,net_fee,subsidy_total,eligible_r1,net_fee_r1,subsidy_total_r1,net_fee_change_r1,error");
    assert_eq!(lines[1], "a,东区,true,170.00,0.00,true,150.00,0.00,-20.00,");
    assert_eq!(lines[2], "b,东区,true,170.00,0.00,true,0.00,0.00,-170.00,");
    assert!(
        lines[3].starts_with("c,西区,,,,,,,,") && lines[3].contains("must be a number"),
        "{}",
        lines[3]
    );
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn grouping_by_the_priority_group_under_the_baseline() {
    let d = dir("outcome");
    let file = d.join("registry.csv");
    std::fs::write(&file, REGISTRY).unwrap();
    let (code, report, err) =
        simulate(&file, &["--by", "district,@priority", "--weight", "weight"]);
    assert_eq!(code, Some(0), "{err}");
    // Key order: (东区, none), (东区, disabled), (西区, none), (西区, dibao).
    let keys: Vec<String> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].to_string())
        .collect();
    assert_eq!(
        keys,
        [
            r#"["东区",null]"#,
            r#"["东区","disabled"]"#,
            r#"["西区",null]"#,
            r#"["西区","dibao"]"#
        ]
    );
    assert_eq!(net(&report, 1, 0), "255.00"); // a: 1.5 × 170
    assert_eq!(net(&report, 2, 0), "340.00"); // b: 2 × 170
    assert_eq!(net(&report, 2, 1), "0.00"); // b waived under the reform
    assert_eq!(net(&report, 4, 0), "0.00"); // d waived today
    std::fs::remove_dir_all(&d).ok();
}
