//! Reading participants from JSON (an object or an array), JSON lines, or CSV.

use crate::Fail;
use huimin_core::{Error, Participant};
use std::io::Read;
use std::path::Path;

/// One participant per record, or the error in that record (named by its line or index).
pub(crate) fn read(path: &Path) -> Result<Vec<Result<Participant, Error>>, Fail> {
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
            .map(
                |(i, l)| match serde_json::from_str::<serde_json::Value>(l) {
                    Ok(v) => from_value(&v, &format!("{name}:{}", i + 1)),
                    Err(e) => Err(at(
                        &format!("{name}:{}", i + 1),
                        vec![huimin_core::ffi::not_json(&e)],
                    )),
                },
            )
            .collect());
    }
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| Fail {
        code: 1,
        message: format!("{name}:{}:{}: {e}", e.line(), e.column()),
    })?;
    Ok(match v {
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| from_value(v, &format!("{name}[{i}]")))
            .collect(),
        other => vec![from_value(&other, &name)],
    })
}

fn from_value(v: &serde_json::Value, place: &str) -> Result<Participant, Error> {
    Participant::from_json_value(v).map_err(|errors| at(place, errors))
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

/// CSV with a header row; empty cells are absent fields; `tags` is a `;`-separated list.
fn csv_rows(text: &str, name: &str) -> Result<Vec<Result<Participant, Error>>, Fail> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Fail {
            code: 1,
            message: format!("{name}: {e}"),
        })?
        .clone();
    Ok(reader
        .records()
        .enumerate()
        .map(|(i, rec)| {
            let at = format!("{name}:{}", i + 2);
            let rec = rec.map_err(|e| bad(&at, &e.to_string()))?;
            let mut obj = serde_json::Map::new();
            for (h, cell) in headers.iter().zip(rec.iter()) {
                if !cell.is_empty() {
                    obj.insert(h.to_owned(), serde_json::Value::String(cell.to_owned()));
                }
            }
            from_value(&serde_json::Value::Object(obj), &at)
        })
        .collect())
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

    /// Writes `text` to a fresh file named `name`, reads it as participants, and returns how
    /// many have a `stage`.
    fn read_text(name: &str, text: &str) -> usize {
        let dir = std::env::temp_dir().join(format!("huimin-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let rows = read(&path).unwrap_or_else(|e| panic!("{}", e.message));
        std::fs::remove_file(&path).unwrap();
        rows.iter()
            .filter(|r| r.as_ref().is_ok_and(|p| p.fields.contains_key("stage")))
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
}
