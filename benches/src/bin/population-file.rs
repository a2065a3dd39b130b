//! Writes a synthetic population as a Parquet file, for population-run benchmarks:
//! `population-file <pack.yaml> <N> <out.parquet> [seed]`. The rows are the pack's synthetic
//! participants (`huimin_core::population`), a million at a time, with a `district` column
//! (`d00`…`d15`, by row number) to total by.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use huimin_core::Policy;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: population-file <pack.yaml> <N> <out.parquet> [seed]");
        std::process::exit(2);
    }
    let policy = Policy::from_path(&args[1]).unwrap();
    let n: usize = args[2].parse().unwrap();
    let seed: u64 = args.get(4).map_or(7, |s| s.parse().unwrap());
    let chunk = 1_000_000;
    let mut writer = None;
    let mut done = 0;
    while done < n {
        let k = chunk.min(n - done);
        let (batches, schema) =
            huimin_arrow::synthetic(&policy, k, seed + (done / chunk) as u64).unwrap();
        let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
        fields.push(Field::new("district", DataType::Utf8, false));
        let out_schema = Arc::new(Schema::new(fields));
        let w = writer.get_or_insert_with(|| {
            parquet::arrow::ArrowWriter::try_new(
                std::fs::File::create(&args[3]).unwrap(),
                out_schema.clone(),
                None,
            )
            .unwrap()
        });
        let mut row = done;
        for b in batches {
            let districts: StringArray = (0..b.num_rows())
                .map(|i| Some(format!("d{:02}", (row + i) % 16)))
                .collect();
            row += b.num_rows();
            let mut cols: Vec<ArrayRef> = b.columns().to_vec();
            cols.push(Arc::new(districts));
            w.write(&RecordBatch::try_new(out_schema.clone(), cols).unwrap())
                .unwrap();
        }
        done += k;
        eprintln!("{done} rows");
    }
    if let Some(w) = writer {
        w.close().unwrap();
    }
}
