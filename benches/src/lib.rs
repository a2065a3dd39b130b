//! Shared helpers of the huimin benchmarks: the fixture paths, and the anchors population
//! (`pop_<N>.u8` of `../shared/bench/anchors`) turned into a columnar [`Batch`] generically,
//! by matching its column names to the pack's fields and tags.

use huimin_core::batch::{Batch, Column};
use huimin_core::{Error, Policy};
use std::path::PathBuf;

/// The repository's `fixtures/` folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// The path of the pack `id` in `fixtures/policies/`.
pub fn pack_path(id: &str) -> PathBuf {
    fixtures().join("policies").join(format!("{id}.yaml"))
}

/// A profiling loop's arguments, `[pack-id] [reps]`, with their defaults; an argument it does
/// not read is an error, not ignored.
pub fn pack_and_reps(default_id: &str, default_reps: usize) -> Result<(String, usize), String> {
    let mut args = std::env::args().skip(1);
    let id = args.next().unwrap_or_else(|| default_id.to_owned());
    let reps = match args.next() {
        Some(s) => s
            .parse()
            .map_err(|e| format!("reps `{s}`: {e} (usage: <pack-id> [reps])"))?,
        None => default_reps,
    };
    match args.next() {
        Some(extra) => Err(format!(
            "unexpected argument `{extra}` (usage: <pack-id> [reps])"
        )),
        None => Ok((id, reps)),
    }
}

/// The anchors harness's data folder: `$ANCHORS_DATA`, by default `/tmp/anchors-data`.
pub fn anchors_data() -> PathBuf {
    PathBuf::from(std::env::var("ANCHORS_DATA").unwrap_or_else(|_| "/tmp/anchors-data".into()))
}

/// A population size as the harness writes it: `10k`, `100k`, `1m` or a number (`1_000_000`).
pub fn population_size(s: &str) -> Result<usize, String> {
    match s.to_ascii_lowercase().as_str() {
        "10k" => Ok(10_000),
        "100k" => Ok(100_000),
        "1m" => Ok(1_000_000),
        other => other
            .replace('_', "")
            .parse()
            .map_err(|_| format!("bad N `{s}`: 10k, 100k, 1m or a number")),
    }
}

/// Column order of `pop_<N>.u8` (anchors `common.py`, `INPUT_COLUMNS`): N rows of 10 bytes.
pub const POP_COLUMNS: [&str; 10] = [
    "grade",
    "dibao",
    "jiandang_lika",
    "disabled",
    "left_behind",
    "migrant_child",
    "dual_worker",
    "class_hours_attended",
    "district_remote",
    "_pad",
];

/// The population as one byte column per input (what `common.load_population` returns).
pub struct Population {
    /// Rows.
    pub n: usize,
    /// `(name, values)` in [`POP_COLUMNS`] order, without the pad.
    pub columns: Vec<(&'static str, Vec<u8>)>,
}

impl Population {
    /// The rows of the row-major bytes of `pop_<N>.u8`, or why they are not whole rows.
    pub fn rows(raw: &[u8]) -> Result<usize, String> {
        let w = POP_COLUMNS.len();
        if raw.len() % w != 0 {
            return Err(format!(
                "{} bytes is not a whole number of {w}-byte rows",
                raw.len()
            ));
        }
        Ok(raw.len() / w)
    }

    /// Splits the row-major bytes of `pop_<N>.u8` into columns.
    pub fn from_bytes(raw: &[u8]) -> Result<Population, String> {
        let w = POP_COLUMNS.len();
        let n = Population::rows(raw)?;
        let mut columns: Vec<(&'static str, Vec<u8>)> = POP_COLUMNS
            .iter()
            .filter(|c| !c.starts_with('_'))
            .map(|c| (*c, Vec::with_capacity(n)))
            .collect();
        for row in raw.chunks_exact(w) {
            for ((_, col), b) in columns.iter_mut().zip(row) {
                col.push(*b);
            }
        }
        Ok(Population { n, columns })
    }

    /// A synthetic population with the anchors' shape (deterministic, for benches that must
    /// not depend on the harness's files): the flag rates and ranges of `gen_population.py`.
    pub fn synthetic(n: usize, seed: u64) -> Population {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            // xorshift64*
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let mut columns: Vec<(&'static str, Vec<u8>)> = POP_COLUMNS
            .iter()
            .filter(|c| !c.starts_with('_'))
            .map(|c| (*c, Vec::with_capacity(n)))
            .collect();
        let rate = |name: &str| -> u64 {
            match name {
                "dibao" => 3,
                "jiandang_lika" => 4,
                "disabled" => 1,
                "left_behind" => 8,
                "migrant_child" => 12,
                "dual_worker" => 60,
                _ => 15, // district_remote
            }
        };
        for _ in 0..n {
            for (name, col) in columns.iter_mut() {
                let r = next();
                let v = match *name {
                    "grade" => 1 + (r % 9) as u8,
                    "class_hours_attended" => {
                        if r % 10 == 0 {
                            0
                        } else {
                            1 + ((r >> 8) % 66) as u8
                        }
                    }
                    other => u8::from(r % 100 < rate(other)),
                };
                col.push(v);
            }
        }
        Population { n, columns }
    }

    /// The population as a [`Batch`] for `policy`, converted on up to `threads` threads: a
    /// column whose name (or, for `class_hours_attended`, the standard field `class_hours`) is
    /// one of the pack's fields becomes that field (yes/no fields as booleans, others as whole
    /// numbers kept as bytes); a column named like one of the pack's tags becomes that tag's
    /// flags; other columns are left out.
    pub fn to_batch(&self, policy: &Policy, threads: usize) -> Result<Batch, Error> {
        let schema = policy.input_schema();
        let mut batch = Batch::new(self.n);
        for (name, col) in &self.columns {
            let field_name = match *name {
                "class_hours_attended" => "class_hours",
                other => other,
            };
            if let Some(f) = schema.fields.iter().find(|f| f.name == field_name) {
                let c = if f.ty == huimin_core::model::FieldType::Boolean {
                    Column::bool(map_column(col, threads, |b| b != 0))
                } else {
                    Column::int(map_column(col, threads, |b| b))
                };
                batch = batch.column(field_name, c)?;
            } else if schema.tags.iter().any(|t| t.id == *name) {
                batch = batch.tag_flags(*name, map_column(col, threads, |b| b != 0))?;
            }
        }
        Ok(batch)
    }
}

/// `f` of each byte of `col`, as a new column, on up to `threads` threads: each writes its own
/// range of rows, so the new column's fresh pages are faulted in on all of them.
fn map_column<T, F>(col: &[u8], threads: usize, f: F) -> Vec<T>
where
    T: Copy + Default + Send,
    F: Fn(u8) -> T + Copy + Send + Sync,
{
    let mut out = vec![T::default(); col.len()];
    let fill = |out: &mut [T], col: &[u8]| {
        for (o, b) in out.iter_mut().zip(col) {
            *o = f(*b);
        }
    };
    if threads <= 1 {
        fill(&mut out, col);
        return out;
    }
    let per = col.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        for (o, c) in out.chunks_mut(per).zip(col.chunks(per)) {
            s.spawn(move || fill(o, c));
        }
    });
    out
}

/// Every pack id in `fixtures/policies/`, sorted.
pub fn pack_ids() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(fixtures().join("policies"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

/// Of a pack's conformance cases, the participant and date whose successful decision has the
/// most explanation steps (the heaviest ordinary evaluation the fixtures hold).
pub fn heaviest_case(
    policy: &Policy,
) -> Option<(String, huimin_core::Participant, chrono::NaiveDate, usize)> {
    let dir = fixtures().join("cases").join(policy.id());
    let mut best: Option<(String, huimin_core::Participant, chrono::NaiveDate, usize)> = None;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(case) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let Some(as_of) = case
            .get("as_of")
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse::<chrono::NaiveDate>().ok())
        else {
            continue;
        };
        let Some(Ok(p)) = case
            .get("participant")
            .map(huimin_core::Participant::from_json_value)
        else {
            continue;
        };
        if let Ok(d) = policy.evaluate(&p, as_of) {
            let steps = d.steps.len();
            if best.as_ref().is_none_or(|b| steps > b.3) {
                let name = file
                    .file_name()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                best = Some((name, p, as_of, steps));
            }
        }
    }
    best
}
