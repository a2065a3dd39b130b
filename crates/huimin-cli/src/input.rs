//! Reading participants from JSON (an object or an array), JSON lines, or CSV.

use crate::Fail;
use huimin_core::{Error, Participant};
use std::io::Read;
use std::path::Path;

/// One record of a participants file: where it is (`file:line` or `file[index]`), the
/// participant's `id` when it gave one (even if the rest of the record is bad), and the
/// participant or the error in it — so that every error names both.
#[derive(Debug)]
pub(crate) struct Record {
    pub at: String,
    pub id: Option<String>,
    pub participant: Result<Participant, Error>,
}

impl Record {
    /// How outputs name the record: its id, else where it is.
    pub(crate) fn name(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.at)
    }
}

/// One record per participant, in file order.
pub(crate) fn read(path: &Path) -> Result<Vec<Record>, Fail> {
    let mut text = String::new();
    let name = path.display().to_string();
    if name == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Fail::io("standard input", e))?;
    } else {
        text = std::fs::read_to_string(path).map_err(|e| Fail::io(&name, e))?;
    }
    // A byte-order mark (Excel and Notepad write one) is not part of the data: left in, it hid
    // a JSON file's first brace and every participant was lost as "CSV".
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_owned();
    }
    let ext = path
        .extension()
        .and_then(|x| x.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let trimmed = text.trim_start();
    if ext == "csv" || (!trimmed.starts_with('{') && !trimmed.starts_with('[')) {
        return csv_rows(&text, &name);
    }
    if ext == "jsonl"
        || ext == "ndjson"
        || (trimmed.starts_with('{') && serde_json::from_str::<serde_json::Value>(&text).is_err())
    {
        return Ok(text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                let place = format!("{name}:{}", i + 1);
                match serde_json::from_str::<serde_json::Value>(l) {
                    Err(e) => Record {
                        participant: Err(at(&place, vec![huimin_core::ffi::not_json(&e)])),
                        at: place,
                        id: None,
                    },
                    Ok(v) => match huimin_core::ffi::duplicate_key(l) {
                        Some(key) => Record {
                            participant: Err(at(&place, vec![huimin_core::ffi::duplicate(&key)])),
                            id: json_id(&v),
                            at: place,
                        },
                        None => from_value(&v, place),
                    },
                }
            })
            .collect());
    }
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| Fail {
        code: 1,
        message: format!("{name}:{}:{}: {e}", e.line(), e.column()),
    })?;
    if let Some(key) = huimin_core::ffi::duplicate_key(&text) {
        return Err(Fail {
            code: 1,
            message: format!("{name}: {}", huimin_core::ffi::duplicate(&key).message.en),
        });
    }
    Ok(match v {
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| from_value(v, format!("{name}[{i}]")))
            .collect(),
        other => vec![from_value(&other, name)],
    })
}

/// The `id` a JSON record gives, if any.
fn json_id(v: &serde_json::Value) -> Option<String> {
    match v.get("id")? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn from_value(v: &serde_json::Value, place: String) -> Record {
    Record {
        participant: Participant::from_json_value(v).map_err(|errors| at(&place, errors)),
        id: json_id(v),
        at: place,
    }
}

/// The input errors of one record, their paths prefixed with where the record is.
fn at(place: &str, errors: Vec<huimin_core::InputError>) -> Error {
    Error::Input {
        errors: errors
            .into_iter()
            .map(|mut e| {
                e.path = if e.path.is_empty() {
                    place.to_owned()
                } else {
                    format!("{place}: {}", e.path)
                };
                e
            })
            .collect(),
    }
}

fn bad(at: &str, message: &str) -> Error {
    Error::Input {
        errors: vec![huimin_core::InputError {
            path: at.to_owned(),
            code: "wrong_type",
            message: huimin_core::Text::new("无法读取", message),
        }],
    }
}

/// CSV with a header row; empty cells are absent fields; `tags` is a `;`-separated list. A
/// column named twice, or a quoted cell that runs over lines (a closing quote is missing, and
/// every row after it would vanish into that cell), refuses the file.
fn csv_rows(text: &str, name: &str) -> Result<Vec<Record>, Fail> {
    let refuse = |line: u64, message: String| Fail {
        code: 1,
        message: format!("{name}:{line}: {message}"),
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| refuse(1, e.to_string()))?
        .clone();
    for (k, h) in headers.iter().enumerate() {
        if let Some(j) = headers.iter().take(k).position(|x| x == h) {
            return Err(refuse(
                1,
                format!(
                    "{} (columns {} and {})",
                    huimin_core::ffi::duplicate(h).message.en,
                    j + 1,
                    k + 1
                ),
            ));
        }
    }
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                let at = format!("{name}:{line}");
                rows.push(Record {
                    participant: Err(bad(&at, &e.to_string())),
                    at,
                    id: None,
                });
                continue;
            }
        };
        let line = rec.position().map_or(0, csv::Position::line);
        if rec.iter().any(|cell| cell.contains(['\n', '\r'])) {
            return Err(refuse(
                line,
                "a quoted cell runs over several lines: a closing quote is missing, and the rows \
                 after it would be read into that cell; nothing was evaluated"
                    .to_owned(),
            ));
        }
        let at = format!("{name}:{line}");
        let id = headers
            .iter()
            .position(|h| h == "id")
            .and_then(|k| rec.get(k))
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        if rec.len() != headers.len() {
            let message = format!("{} cells where the header has {}", rec.len(), headers.len());
            rows.push(Record {
                participant: Err(bad(&at, &message)),
                at,
                id,
            });
            continue;
        }
        let mut obj = serde_json::Map::new();
        for (h, cell) in headers.iter().zip(rec.iter()) {
            if !cell.is_empty() {
                obj.insert(h.to_owned(), serde_json::Value::String(cell.to_owned()));
            }
        }
        rows.push(from_value(&serde_json::Value::Object(obj), at));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]
    use super::read;

    /// A folder of its own for each use (the tests run in parallel and reuse file names).
    pub(super) fn fresh_dir() -> std::path::PathBuf {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let pid = std::process::id();
        std::env::temp_dir().join(format!("huimin-input-{pid}-{n}"))
    }

    /// Writes `text` to a fresh file named `name`, reads it as participants, and returns how
    /// many have a `stage`.
    fn read_text(name: &str, text: &str) -> usize {
        let dir = fresh_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let rows = read(&path).unwrap_or_else(|e| panic!("{}", e.message));
        std::fs::remove_file(&path).unwrap();
        rows.iter()
            .filter(|r| {
                r.participant
                    .as_ref()
                    .is_ok_and(|p| p.fields.contains_key("stage"))
            })
            .count()
    }

    #[test]
    fn a_byte_order_mark_before_json_json_lines_or_csv_is_not_data() {
        let json = "\u{feff}[{\"stage\": \"primary\"}, {\"stage\": \"junior\"}]";
        assert_eq!(read_text("people.json", json), 2);
        let lines = "\u{feff}{\"stage\": \"primary\"}\n{\"stage\": \"junior\"}\n";
        assert_eq!(read_text("people.jsonl", lines), 2);
        assert_eq!(read_text("people.txt", lines), 2);
        let csv = "\u{feff}stage,class_hours\nprimary,10\njunior,20\n";
        assert_eq!(read_text("people.csv", csv), 2);
    }

    fn refused(name: &str, text: &str) -> String {
        let dir = fresh_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let r = read(&path);
        std::fs::remove_file(&path).unwrap();
        match r {
            Err(f) => {
                assert_eq!(f.code, 1);
                f.message
            }
            Ok(rows) => panic!("read {} rows", rows.len()),
        }
    }

    #[test]
    fn an_unterminated_quote_refuses_the_file_at_its_line() {
        // Row 3 opens a quote it never closes: rows 3–5 used to become one cell, 2 rows lost.
        let csv = "stage,class_hours\nprimary,10\n\"junior,20\nprimary,30\nprimary,40\n";
        let msg = refused("people.csv", csv);
        assert!(
            msg.ends_with("people.csv:3: a quoted cell runs over several lines: a closing quote is missing, and the rows after it would be read into that cell; nothing was evaluated"),
            "{msg}"
        );
    }

    #[test]
    fn a_key_given_twice_is_refused_not_overwritten() {
        let msg = refused(
            "people.json",
            "[{\"stage\": \"primary\"}, {\"stage\": \"junior\", \"stage\": \"senior\"}]",
        );
        assert!(
            msg.ends_with("people.json: `[1].stage` is given twice; which value is meant?"),
            "{msg}"
        );
        let dir = fresh_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("people.jsonl");
        std::fs::write(
            &path,
            "{\"stage\": \"primary\"}\n{\"class_hours\": 1, \"class_hours\": 2}\n",
        )
        .unwrap();
        let rows = read(&path).unwrap_or_else(|f| panic!("{}", f.message));
        std::fs::remove_file(&path).unwrap();
        assert!(rows[0].participant.is_ok());
        let err = rows[1].participant.as_ref().unwrap_err().to_string();
        assert!(err.contains("people.jsonl:2: class_hours"), "{err}");
    }

    #[test]
    fn a_column_named_twice_refuses_the_file() {
        let msg = refused("people.csv", "stage,class_hours,stage\nprimary,10,junior\n");
        assert!(
            msg.ends_with(
                "people.csv:1: `stage` is given twice; which value is meant? (columns 1 and 3)"
            ),
            "{msg}"
        );
    }
}

#[cfg(test)]
mod records {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

    #[test]
    fn a_bad_record_keeps_its_id_and_its_line() {
        let dir = super::tests::fresh_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("people.csv");
        std::fs::write(
            &path,
            "id,stage,class_hours\nA1,primary,10\nB2,primary,ten\n,junior,5,9\n",
        )
        .unwrap();
        let rows = super::read(&path).unwrap_or_else(|f| panic!("{}", f.message));
        std::fs::remove_file(&path).unwrap();
        let names: Vec<&str> = rows.iter().map(super::Record::name).collect();
        let file = path.display().to_string();
        assert_eq!(names, ["A1", "B2", &format!("{file}:4")]);
        let at: Vec<&str> = rows.iter().map(|r| r.at.as_str()).collect();
        assert_eq!(
            at,
            [
                format!("{file}:2"),
                format!("{file}:3"),
                format!("{file}:4")
            ]
        );
        assert!(rows[2].participant.is_err());
    }
}
