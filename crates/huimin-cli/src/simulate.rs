//! `huimin simulate`: a population under a pack and its reforms at once, totalled by group and
//! weighed, as the file streams — Parquet through the arrow-rs reader on the column path,
//! JSON, JSON lines and CSV through the participants reader — into one [`Tally`].

use crate::{input, output, Fail, Format};
use arrow_array::{ArrayRef, StringArray};
use chrono::NaiveDate;
use huimin_arrow::{RecordBatch, RunColumns};
use huimin_core::model::Value;
use huimin_core::tally::{weight_value, Key};
use huimin_core::{Participant, Policy, Tally};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where the population comes from.
pub(crate) enum Population {
    /// A file (Parquet by its extension; JSON, JSON lines or CSV otherwise; `-` is stdin).
    File(PathBuf, Option<&'static encoding_rs::Encoding>),
    /// `n` synthetic participants shaped for the pack, from a seed.
    Synthetic(usize, u64),
}

/// Per-participant results written as they are made: Parquet or CSV by the file's extension.
pub(crate) struct Out {
    path: PathBuf,
    writer: Option<Writer>,
}

enum Writer {
    Parquet(parquet::arrow::ArrowWriter<std::fs::File>),
    Csv(arrow_csv::Writer<std::fs::File>),
}

impl Out {
    /// Results to `path` (`.parquet` or `.csv`).
    pub(crate) fn new(path: PathBuf) -> Result<Out, Fail> {
        let ext = path
            .extension()
            .map(|x| x.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("parquet" | "csv") => Ok(Out { path, writer: None }),
            _ => Err(Fail {
                code: 2,
                message: format!(
                    "--out {}: write results to a .parquet or .csv file",
                    path.display()
                ),
            }),
        }
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<(), Fail> {
        let name = self.path.display().to_string();
        let io = |e: &dyn std::fmt::Display| Fail::io(&name, e);
        if self.writer.is_none() {
            let file = std::fs::File::create(&self.path).map_err(|e| io(&e))?;
            self.writer = Some(if is_parquet(&self.path) {
                Writer::Parquet(
                    parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None)
                        .map_err(|e| io(&e))?,
                )
            } else {
                Writer::Csv(arrow_csv::Writer::new(file))
            });
        }
        match &mut self.writer {
            Some(Writer::Parquet(w)) => w.write(batch).map_err(|e| io(&e)),
            Some(Writer::Csv(w)) => w.write(batch).map_err(|e| io(&e)),
            None => Ok(()),
        }
    }

    fn finish(self) -> Result<(), Fail> {
        let name = self.path.display().to_string();
        match self.writer {
            Some(Writer::Parquet(w)) => w.close().map(|_| ()).map_err(|e| Fail::io(&name, e)),
            _ => Ok(()),
        }
    }
}

/// Runs the simulation and prints the report; exit 1 when a row was in error.
pub(crate) fn run(
    policies: &[&Policy],
    population: Population,
    as_of: NaiveDate,
    cols: RunColumns<'_>,
    extra: huimin_arrow::Extra,
    mut out: Option<Out>,
    format: Format,
) -> Result<u8, Fail> {
    let by = cols.by;
    let bar = crate::progress("simulate", None);
    let started = std::time::Instant::now();
    let shown = |done: usize| {
        if started.elapsed().as_secs_f64() > 1.0 {
            bar.set_position(done as u64);
        }
    };
    let core = |e: huimin_core::Error| Fail {
        code: 1,
        message: e.to_string(),
    };
    let tally = match population {
        Population::File(path, _) if is_parquet(&path) => {
            parquet(policies, &path, as_of, cols, extra, out.as_mut(), &shown)?
        }
        Population::File(path, encoding) => {
            let source = input::open(&path, encoding)?;
            let mut t = Tally::new(policies, as_of, by).map_err(core)?;
            source.each(huimin_core::SLICE, huimin_core::SLICE, &mut |records| {
                let mut people = Vec::with_capacity(records.len());
                for rec in records {
                    match &rec.participant {
                        Ok(p) => people.push((rec.at.clone(), p.clone())),
                        Err(e) => t.add_error(
                            &vec![None; by.len()],
                            &named(rec.id.as_deref(), &rec.at),
                            e,
                        ),
                    }
                }
                let rows = add_people(&mut t, policies, people, as_of, cols, extra);
                if let (Some(o), Some(rows)) = (out.as_mut(), rows) {
                    o.write(&rows)?;
                }
                shown(usize::try_from(t.rows()).unwrap_or(usize::MAX));
                Ok(())
            })?;
            t
        }
        Population::Synthetic(n, seed) => {
            let base = policies.first().copied().ok_or_else(|| Fail {
                code: 2,
                message: "no pack".into(),
            })?;
            let mut t = Tally::new(policies, as_of, by).map_err(core)?;
            let people = huimin_core::population::synthetic(base, n, seed);
            for (k, part) in people.chunks(huimin_core::SLICE).enumerate() {
                let first = k * huimin_core::SLICE;
                let named = part
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("participant {}", first + i), p.clone()))
                    .collect();
                let rows = add_people(&mut t, policies, named, as_of, cols, extra);
                if let (Some(o), Some(rows)) = (out.as_mut(), rows) {
                    o.write(&rows)?;
                }
                shown(first + part.len());
            }
            t
        }
    };
    bar.finish_and_clear();
    if let Some(o) = out {
        o.finish()?;
    }
    let report = tally.report();
    if report.overflow {
        return Err(Fail {
            code: 1,
            message: "a total passed the range huimin keeps exactly (about 1.7e38 units): no totals are given".into(),
        });
    }
    output::report(policies, &report, format)?;
    Ok(u8::from(report.errors > 0))
}

fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("parquet") || x.eq_ignore_ascii_case("parq"))
}

/// A Parquet file, a row group's batches at a time, on the column path.
fn parquet(
    policies: &[&Policy],
    path: &Path,
    as_of: NaiveDate,
    cols: RunColumns<'_>,
    extra: huimin_arrow::Extra,
    out: Option<&mut Out>,
    shown: &dyn Fn(usize),
) -> Result<Tally, Fail> {
    let name = path.display().to_string();
    let out_wanted = out.is_some();
    let mut out = out;
    let file = std::fs::File::open(path).map_err(|e| Fail::io(&name, e))?;
    let mut reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.with_batch_size(huimin_arrow::JOB_ROWS).build())
        .map_err(|e| Fail::io(&name, e))?;
    let mut written: Option<Fail> = None;
    let mut write = |b: RecordBatch| -> Result<(), huimin_arrow::Error> {
        if let Some(o) = out.as_deref_mut() {
            if let Err(f) = o.write(&b) {
                written = Some(f);
                return Err(huimin_arrow::Error::Stopped);
            }
        }
        Ok(())
    };
    let sink: Option<&mut dyn FnMut(RecordBatch) -> Result<(), huimin_arrow::Error>> =
        if out_wanted { Some(&mut write) } else { None };
    let t = huimin_arrow::tally(
        policies,
        &mut reader,
        as_of,
        cols,
        huimin_arrow::Options {
            extra,
            ..huimin_arrow::Options::default()
        },
        &|r| format!("{name} row {}", r + 1),
        &|done| {
            shown(done);
            true
        },
        sink,
    );
    if let Some(f) = written {
        return Err(f);
    }
    t.map_err(|e| Fail {
        code: match e {
            huimin_arrow::Error::Arrow(_) => 3,
            _ => 1,
        },
        message: format!("{name}: {e}"),
    })
}

/// Evaluates read participants under every scenario and adds them to the tally: the run's
/// columns (grouping, weight, kept) are taken out of the record unless a pack reads them,
/// each record named by its place. The per-participant results, when a slice could be
/// evaluated at all.
fn add_people(
    t: &mut Tally,
    policies: &[&Policy],
    people: Vec<(String, Participant)>,
    as_of: NaiveDate,
    cols: RunColumns<'_>,
    extra: huimin_arrow::Extra,
) -> Option<RecordBatch> {
    let (by, weight) = (cols.by, cols.weight);
    let reads = |f: &str| policies.iter().any(|p| p.reads(f));
    // Left unread when asked: what no pack reads and the vocabulary does not name.
    let unread = |f: &str| {
        extra == huimin_arrow::Extra::Ignore
            && !reads(f)
            && huimin_core::model::field_named(f).is_none()
            && huimin_core::model::tag_named(f).is_none()
    };
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut keys: Vec<Key> = Vec::new();
    let mut group = Vec::with_capacity(people.len());
    let mut weights = Vec::with_capacity(people.len());
    let mut names = Vec::with_capacity(people.len());
    let mut kept: Vec<Vec<Option<String>>> =
        vec![Vec::with_capacity(people.len()); cols.keep.len()];
    let mut rows = Vec::with_capacity(people.len());
    for (at, mut p) in people {
        let mut take = |f: &str| {
            if reads(f) {
                p.fields.get(f).cloned()
            } else {
                p.fields.remove(f)
            }
        };
        let key: Key = by.iter().map(|b| take(b).map(|v| text(&v))).collect();
        for (col, k) in kept.iter_mut().zip(cols.keep) {
            col.push(match by.iter().position(|b| b == k) {
                Some(i) => key.get(i).cloned().flatten(),
                None => take(k).map(|v| text(&v)),
            });
        }
        if let Some(w) = weight {
            weights.push(weight_value(take(w).as_ref(), w));
        }
        let next = keys.len();
        let k = *index.entry(key.clone()).or_insert_with(|| {
            keys.push(key);
            next
        });
        group.push(k);
        names.push(named(p.id.as_deref(), &at));
        p.fields.retain(|k, _| !unread(k));
        rows.push(p);
    }
    let name = |i: usize| names.get(i).cloned().unwrap_or_default();
    let weights = weight.map(|_| &weights[..]);
    let outs = t.add_people(policies, &rows, as_of, &keys, &group, weights, &name)?;
    let errors = huimin_core::tally::row_errors(&outs, weights);
    let ids: ArrayRef = std::sync::Arc::new(StringArray::from(
        rows.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
    ));
    let kept: Vec<ArrayRef> = kept
        .into_iter()
        .map(|c| std::sync::Arc::new(StringArray::from(c)) as ArrayRef)
        .collect();
    let schema = huimin_arrow::comparison_schema(policies, cols.keep, true);
    huimin_arrow::comparison_rows(&schema, &outs, Some(ids), kept, &errors).ok()
}

/// How an error names a record: its id and where it is.
fn named(id: Option<&str>, at: &str) -> String {
    match id {
        Some(id) => format!("{} ({at})", huimin_core::text::excerpt(id, 80)),
        None => at.to_owned(),
    }
}

/// A grouping value as text.
fn text(v: &Value) -> String {
    match v {
        Value::Number(d) => d.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Text(s) => s.clone(),
    }
}
