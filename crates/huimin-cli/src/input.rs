//! Reading participants from JSON (an object or an array), JSON lines, or CSV, as the file
//! streams: records reach the caller in slices, so memory does not grow with the file.
//! Text is UTF-8 (a byte-order mark is skipped, UTF-16 with a mark is decoded) unless
//! `--encoding` names another; a file that looks GBK or UTF-16 without it is refused with a hint.

use crate::Fail;
use encoding_rs::Encoding;
use encoding_rs_io::DecodeReaderBytesBuilder;
use huimin_core::{ffi, Error, InputError, Participant, Text};
use rayon::prelude::*;
use serde::de::{Deserializer as _, SeqAccess, Visitor};
use std::io::{BufRead, BufReader, Read};
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

/// The largest single record (a JSON line, or a file holding one JSON object).
const MAX_RECORD: u64 = 64 << 20;

/// At most how much of the file is looked at to tell its format and encoding.
const HEAD: usize = 1 << 20;

/// A participants file, opened and sniffed, ready to be read record by record.
pub(crate) struct Source {
    name: String,
    format: FileFormat,
    reader: Box<dyn BufRead>,
    /// Said with an error about bytes that are not UTF-8.
    hint: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileFormat {
    Csv,
    Lines,
    /// A JSON array, read element by element.
    Array,
    /// One JSON object (a participant), or — when it does not read as one — JSON lines.
    Object,
}

/// The encoding `--encoding` names (any WHATWG label: `gbk`, `gb18030`, `utf-16le`, `big5`…).
pub(crate) fn encoding(label: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        format!("不认识的编码 unknown encoding `{label}` (try gbk, gb18030, utf-16le, utf-16be)")
    })
}

/// Opens a participants file (`-` is standard input) and tells its format and encoding from
/// its extension and first bytes.
pub(crate) fn open(path: &Path, encoding: Option<&'static Encoding>) -> Result<Source, Fail> {
    let name = path.display().to_string();
    let raw: Box<dyn Read> = if name == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(|e| Fail::io(&name, e))?)
    };
    // With an encoding, every byte is decoded from it; without one, a UTF-8 or UTF-16
    // byte-order mark is honoured and dropped, and other bytes pass through unchanged.
    let decoded = DecodeReaderBytesBuilder::new()
        .encoding(encoding)
        .strip_bom(true)
        .build(raw);
    let mut decoded = BufReader::with_capacity(1 << 16, decoded);
    let head = sniffed(&mut decoded).map_err(|e| Fail::io(&name, e))?;
    if encoding.is_none() {
        if let Some(hint) = foreign(&head) {
            return Err(Fail {
                code: 1,
                message: format!("{name}: {hint}"),
            });
        }
    }
    let ext = path
        .extension()
        .and_then(|x| x.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let format = match (ext.as_str(), first) {
        ("csv", _) => FileFormat::Csv,
        ("jsonl" | "ndjson", _) => FileFormat::Lines,
        (_, Some(b'[')) => FileFormat::Array,
        (_, Some(b'{')) if first_line_is_json(&head) => FileFormat::Lines,
        (_, Some(b'{')) => FileFormat::Object,
        _ => FileFormat::Csv,
    };
    Ok(Source {
        name,
        format,
        reader: Box::new(BufReader::new(std::io::Cursor::new(head).chain(decoded))),
        hint: if encoding.is_some() {
            ""
        } else {
            "; if the file is GBK-encoded (an Excel export), save it as UTF-8 or pass --encoding gbk"
        },
    })
}

/// The first bytes of a file, to tell its format and encoding from: what the first reads give,
/// up to the end of the first line that holds more than spaces (or [`HEAD`] bytes). A pipe is
/// not waited on for more, so the first answers can come out while it is still being written.
fn sniffed(reader: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut chunk = vec![0_u8; 1 << 16];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        head.extend_from_slice(chunk.get(..n).unwrap_or_default());
        let content = head.iter().position(|b| !b.is_ascii_whitespace());
        let first_line = content.is_some_and(|k| head.iter().skip(k).any(|b| *b == b'\n'));
        if n == 0 || first_line || head.len() >= HEAD {
            return Ok(head);
        }
    }
}

/// Why the first bytes of a file are not UTF-8 text, with what to do, if they are not.
fn foreign(head: &[u8]) -> Option<String> {
    let nuls = head.iter().filter(|b| **b == 0).count();
    if nuls > 0 {
        let le = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        let which = if le * 2 >= nuls {
            "utf-16le"
        } else {
            "utf-16be"
        };
        return Some(format!(
            "此文件看起来是 UTF-16 编码；请另存为 UTF-8，或加 --encoding {which} / this file looks \
             UTF-16-encoded (it holds NUL bytes); save it as UTF-8 or pass --encoding {which}"
        ));
    }
    let bad = match std::str::from_utf8(head) {
        Ok(_) => return None,
        // A character cut at the end of the head is not an error.
        Err(e) if e.error_len().is_none() => return None,
        Err(e) => e.valid_up_to(),
    };
    let (_, _, gbk_errors) = encoding_rs::GBK.decode(head);
    Some(if gbk_errors {
        format!(
            "文件不是 UTF-8 编码（第 {} 字节）；请另存为 UTF-8，或用 --encoding 指明编码 / this \
             file is not UTF-8 (byte {}); save it as UTF-8 or name its encoding with --encoding",
            bad + 1,
            bad + 1
        )
    } else {
        "此文件看起来是 GBK 编码；请另存为 UTF-8，或加 --encoding gbk / this file looks \
         GBK-encoded; save it as UTF-8 or pass --encoding gbk"
            .to_owned()
    })
}

/// Whether the first line of `head` is a whole JSON value (then the file is JSON lines).
fn first_line_is_json(head: &[u8]) -> bool {
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok()
}

/// Where the records go: slices of at most `slice` records, in file order.
pub(crate) type Sink<'a> = dyn FnMut(Vec<Record>) -> Result<(), Fail> + 'a;

impl Source {
    /// Reads every record and hands them on in slices: the first of `first` records, each
    /// next one twice as large up to `max` (a small first slice lets the first answers come out
    /// while a slow pipe is still writing). A fault that stops
    /// the reading (a JSON array that breaks off, a CSV quote never closed) is an error that
    /// says how many records were read before it; a bad record is an error in that record and
    /// the rest go on.
    pub(crate) fn each(self, first: usize, max: usize, sink: &mut Sink<'_>) -> Result<u64, Fail> {
        let mut batch = Batcher {
            slice: first.clamp(1, max.max(1)),
            max: max.max(1),
            records: Vec::new(),
            read: 0,
            sink,
        };
        let stopped = match self.format {
            FileFormat::Csv => csv_rows(self.reader, &self.name, self.hint, &mut batch),
            FileFormat::Lines => lines(self.reader, &self.name, self.hint, &mut batch),
            FileFormat::Array => array(self.reader, &self.name, &mut batch),
            FileFormat::Object => object(self.reader, &self.name, self.hint, &mut batch),
        };
        let flushed = batch.flush();
        let read = batch.read;
        stopped.and(flushed).map(|()| read).map_err(|mut f| {
            if f.code == 1 && read > 0 {
                f.message.push_str(&format!(
                    " ({read} record{} before it were read; none after it)",
                    if read == 1 { "" } else { "s" }
                ));
            }
            f
        })
    }
}

/// A record as read: done, or JSON text still to be read as a participant (on all cores, a
/// slice at a time).
enum Pending {
    Done(Record),
    Json {
        text: String,
        place: String,
    },
    /// A CSV row's cells as an object of texts.
    Cells {
        cells: serde_json::Value,
        place: String,
        id: Option<String>,
    },
}

/// Gathers records into slices for the sink.
struct Batcher<'s, 'a> {
    /// The size of the next slice, doubling up to `max`.
    slice: usize,
    max: usize,
    records: Vec<Pending>,
    read: u64,
    sink: &'s mut Sink<'a>,
}

impl Batcher<'_, '_> {
    fn push(&mut self, r: Pending) -> Result<(), Fail> {
        self.records.push(r);
        self.read += 1;
        if self.records.len() >= self.slice {
            self.flush()?;
            self.slice = self.slice.saturating_mul(2).min(self.max);
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Fail> {
        if self.records.is_empty() {
            return Ok(());
        }
        let records = std::mem::take(&mut self.records)
            .into_par_iter()
            .map(|r| match r {
                Pending::Done(r) => r,
                Pending::Json { text, place } => json_record(&text, place),
                Pending::Cells { cells, place, id } => Record {
                    participant: Participant::from_json_value(&cells)
                        .map_err(|errors| located(&place, errors)),
                    id,
                    at: place,
                },
            })
            .collect();
        (self.sink)(records)
    }
}

/// A file that cannot be read on: exit 1, located.
fn stop(name: &str, line: u64, message: impl std::fmt::Display) -> Fail {
    Fail {
        code: 1,
        message: format!("{name}:{line}: {message}"),
    }
}

/// The `id` a JSON record gives, if any.
fn json_id(v: &serde_json::Value) -> Option<String> {
    match v.get("id")? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One JSON record from its text.
fn json_record(text: &str, place: String) -> Record {
    let participant = if text.contains('\u{fffd}') {
        Err(vec![lost_character()])
    } else {
        ffi::participant(text)
    };
    let id = match &participant {
        Ok(p) => p.id.clone(),
        Err(_) => serde_json::from_str(text).ok().as_ref().and_then(json_id),
    };
    Record {
        participant: participant.map_err(|errors| located(&place, errors)),
        id,
        at: place,
    }
}

/// A record holding U+FFFD: a character lost when the file was converted or decoded.
fn lost_character() -> InputError {
    InputError {
        path: String::new(),
        code: "wrong_encoding",
        message: Text::new(
            "记录中有无法解码的字符（U+FFFD）；请检查文件编码，或用 --encoding 指明",
            "the record holds a character that could not be decoded (U+FFFD); check the \
             file's encoding, or name it with --encoding",
        ),
    }
}

/// A record whose bytes are not UTF-8.
fn not_utf8(place: &str, hint: &str) -> Error {
    located(
        place,
        vec![InputError {
            path: String::new(),
            code: "wrong_encoding",
            message: Text::new(
                "记录不是 UTF-8 编码；请另存为 UTF-8，或用 --encoding 指明编码",
                format!("the record is not UTF-8{hint}"),
            ),
        }],
    )
}

/// JSON lines: one participant per line; blank lines are skipped.
fn lines(
    mut reader: Box<dyn BufRead>,
    name: &str,
    hint: &str,
    out: &mut Batcher<'_, '_>,
) -> Result<(), Fail> {
    let mut line = Vec::new();
    for n in 1.. {
        line.clear();
        let got = (&mut reader)
            .take(MAX_RECORD + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| Fail::io(name, e))?;
        if got == 0 {
            break;
        }
        if u64::try_from(line.len()).unwrap_or(u64::MAX) > MAX_RECORD {
            return Err(stop(
                name,
                n,
                "a line longer than 64 MiB; one participant per line is expected",
            ));
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let place = format!("{name}:{n}");
        out.push(match String::from_utf8(std::mem::take(&mut line)) {
            Ok(text) => Pending::Json { text, place },
            Err(_) => Pending::Done(Record {
                participant: Err(not_utf8(&place, hint)),
                at: place,
                id: None,
            }),
        })?;
    }
    Ok(())
}

/// A JSON array, element by element, without holding the array.
fn array(reader: Box<dyn BufRead>, name: &str, out: &mut Batcher<'_, '_>) -> Result<(), Fail> {
    struct Elements<'o, 's, 'a> {
        name: &'o str,
        out: &'o mut Batcher<'s, 'a>,
        stopped: &'o mut Option<Fail>,
    }
    impl<'de> Visitor<'de> for Elements<'_, '_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of participants")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut i = 0_usize;
            while let Some(raw) = seq.next_element::<Box<serde_json::value::RawValue>>()? {
                let record = Pending::Json {
                    text: String::from(Box::<str>::from(raw)),
                    place: format!("{}[{i}]", self.name),
                };
                if let Err(f) = self.out.push(record) {
                    *self.stopped = Some(f);
                    return Err(serde::de::Error::custom("stopped"));
                }
                i += 1;
            }
            Ok(())
        }
    }
    let mut stopped = None;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let read = de
        .deserialize_seq(Elements {
            name,
            out,
            stopped: &mut stopped,
        })
        .and_then(|()| de.end());
    match (stopped, read) {
        (Some(f), _) => Err(f),
        (None, Err(e)) if e.is_io() => Err(Fail::io(name, e)),
        (None, Err(e)) => Err(Fail {
            code: 1,
            message: format!("{name}:{}:{}: {}", e.line(), e.column(), json_fault(&e)),
        }),
        (None, Ok(())) => Ok(()),
    }
}

/// A JSON syntax error in words, without the reader's own position (the message leads with it).
fn json_fault(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(k) => text.get(..k).unwrap_or(&text).to_owned(),
        None => text,
    }
}

/// One JSON object, the whole file; if it does not read as one value, JSON lines after all.
fn object(
    mut reader: Box<dyn BufRead>,
    name: &str,
    hint: &str,
    out: &mut Batcher<'_, '_>,
) -> Result<(), Fail> {
    let mut text = Vec::new();
    (&mut reader)
        .take(MAX_RECORD + 1)
        .read_to_end(&mut text)
        .map_err(|e| Fail::io(name, e))?;
    if u64::try_from(text.len()).unwrap_or(u64::MAX) > MAX_RECORD {
        return Err(stop(
            name,
            1,
            "a JSON object longer than 64 MiB; give a JSON array, or one participant per line",
        ));
    }
    match std::str::from_utf8(&text) {
        Ok(s) if serde_json::from_str::<serde::de::IgnoredAny>(s).is_ok() => {
            out.push(Pending::Json {
                text: s.to_owned(),
                place: name.to_owned(),
            })
        }
        _ => lines(Box::new(std::io::Cursor::new(text)), name, hint, out),
    }
}

/// The input errors of one record, their paths prefixed with where the record is.
fn located(place: &str, errors: Vec<InputError>) -> Error {
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

fn bad(at: &str, zh: &str, en: &str) -> Error {
    Error::Input {
        errors: vec![InputError {
            path: at.to_owned(),
            code: "wrong_type",
            message: Text::new(zh, en),
        }],
    }
}

/// CSV with a header row; empty cells are absent fields; `tags` is a `;`-separated list. A
/// column named twice refuses the file; a quoted cell that runs over lines (a closing quote is
/// missing, and every row after it would vanish into that cell) stops the reading there.
fn csv_rows(
    reader: Box<dyn BufRead>,
    name: &str,
    hint: &str,
    out: &mut Batcher<'_, '_>,
) -> Result<(), Fail> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(reader);
    let headers = reader
        .headers()
        .map_err(|e| stop(name, 1, csv_fault(&e, hint)))?
        .clone();
    for (k, h) in headers.iter().enumerate() {
        if let Some(j) = headers.iter().take(k).position(|x| x == h) {
            return Err(stop(
                name,
                1,
                format!(
                    "{} (columns {} and {})",
                    ffi::duplicate(h).message.en,
                    j + 1,
                    k + 1
                ),
            ));
        }
    }
    let id_column = headers.iter().position(|h| h == "id");
    let mut rec = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut rec) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                return Err(Fail::io(name, e));
            }
            Err(e) => {
                let at = format!("{name}:{}", e.position().map_or(line, csv::Position::line));
                out.push(Pending::Done(Record {
                    participant: Err(bad(&at, "无法读取", &csv_fault(&e, hint))),
                    at,
                    id: None,
                }))?;
                continue;
            }
        }
        let line = rec.position().map_or(line, csv::Position::line);
        if rec
            .iter()
            .any(|cell| cell.contains(&b'\n') || cell.contains(&b'\r'))
        {
            return Err(stop(
                name,
                line,
                "a quoted cell runs over several lines: a closing quote is missing, and the rows \
                 after it would be read into that cell",
            ));
        }
        let at = format!("{name}:{line}");
        let Ok(cells) = rec
            .iter()
            .map(std::str::from_utf8)
            .collect::<Result<Vec<&str>, _>>()
        else {
            out.push(Pending::Done(Record {
                participant: Err(not_utf8(&at, hint)),
                at,
                id: None,
            }))?;
            continue;
        };
        let id = id_column
            .and_then(|k| cells.get(k))
            .filter(|c| !c.is_empty())
            .map(|c| (*c).to_owned());
        if cells.len() != headers.len() {
            let (n, want) = (cells.len(), headers.len());
            out.push(Pending::Done(Record {
                participant: Err(bad(
                    &at,
                    &format!("本行有 {n} 个单元格，表头有 {want} 个"),
                    &format!("{n} cells where the header has {want}"),
                )),
                at,
                id,
            }))?;
            continue;
        }
        if cells.iter().any(|c| c.contains('\u{fffd}')) {
            out.push(Pending::Done(Record {
                participant: Err(located(&at, vec![lost_character()])),
                at,
                id,
            }))?;
            continue;
        }
        let mut obj = serde_json::Map::new();
        for (h, cell) in headers.iter().zip(&cells) {
            if !cell.is_empty() {
                obj.insert(h.to_owned(), serde_json::Value::String((*cell).to_owned()));
            }
        }
        out.push(Pending::Cells {
            cells: serde_json::Value::Object(obj),
            place: at,
            id,
        })?;
    }
}

/// A CSV reader's error in words (an encoding problem gets the hint).
fn csv_fault(e: &csv::Error, hint: &str) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => format!("not UTF-8{hint}"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]
    use super::{encoding, open, Record};
    use crate::Fail;

    /// Writes `bytes` to a fresh file named `name` (the tests run in parallel and reuse names).
    fn file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("huimin-input-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Reads a file through `open` and `each` in slices of at most two: the records, the sizes
    /// of the slices, and how the reading ended.
    fn read_with(
        path: &std::path::Path,
        enc: Option<&str>,
    ) -> (Vec<Record>, Vec<usize>, Result<u64, Fail>) {
        let enc = enc.map(|e| encoding(e).unwrap());
        let mut rows = Vec::new();
        let mut slices = Vec::new();
        let end = open(path, enc).and_then(|src| {
            src.each(1, 2, &mut |slice| {
                slices.push(slice.len());
                rows.extend(slice);
                Ok(())
            })
        });
        (rows, slices, end)
    }

    fn read(name: &str, text: &str) -> (Vec<Record>, Result<u64, Fail>) {
        let path = file(name, text.as_bytes());
        let (rows, _, end) = read_with(&path, None);
        (rows, end)
    }

    /// The `stage` of each record that read well (`-` for one in error).
    fn stages(rows: &[Record]) -> Vec<String> {
        rows.iter()
            .map(|r| match &r.participant {
                Ok(p) => p
                    .fields
                    .get("stage")
                    .map_or("?".into(), |v| format!("{v:?}")),
                Err(_) => "-".into(),
            })
            .collect()
    }

    fn refused(name: &str, bytes: &[u8]) -> String {
        let path = file(name, bytes);
        match read_with(&path, None).2 {
            Err(f) => {
                assert_eq!(f.code, 1);
                f.message
            }
            Ok(n) => panic!("read {n} records"),
        }
    }

    #[test]
    fn a_byte_order_mark_before_json_json_lines_or_csv_is_not_data() {
        for (name, text) in [
            (
                "people.json",
                "\u{feff}[{\"stage\": \"primary\"}, {\"stage\": \"junior\"}]",
            ),
            (
                "people.jsonl",
                "\u{feff}{\"stage\": \"primary\"}\n{\"stage\": \"junior\"}\n",
            ),
            (
                "people.txt",
                "\u{feff}{\"stage\": \"primary\"}\n{\"stage\": \"junior\"}\n",
            ),
            (
                "people.csv",
                "\u{feff}stage,class_hours\nprimary,10\njunior,20\n",
            ),
        ] {
            let (rows, end) = read(name, text);
            assert_eq!(end.ok(), Some(2), "{name}");
            assert_eq!(
                stages(&rows),
                ["Text(\"primary\")", "Text(\"junior\")"],
                "{name}"
            );
        }
    }

    #[test]
    fn records_arrive_in_slices_in_file_order() {
        let text = "stage\nprimary\njunior\nsenior\nprimary\njunior\n";
        let path = file("people.csv", text.as_bytes());
        let (rows, slices, end) = read_with(&path, None);
        assert_eq!(end.ok(), Some(5));
        assert_eq!(slices, [1, 2, 2]);
        let at: Vec<String> = rows.iter().map(|r| r.at.clone()).collect();
        let f = path.display();
        assert_eq!(at, (2..=6).map(|n| format!("{f}:{n}")).collect::<Vec<_>>());
    }

    #[test]
    fn a_pretty_printed_object_is_one_participant_and_an_array_streams() {
        let (rows, end) = read(
            "one.json",
            "{\n  \"id\": \"A\",\n  \"stage\": \"junior\"\n}\n",
        );
        assert_eq!(end.ok(), Some(1));
        assert_eq!(rows[0].id.as_deref(), Some("A"));
        let (rows, end) = read(
            "many.json",
            "[\n {\"id\": \"A\", \"stage\": \"junior\"},\n {\"id\": 7, \"tags\": 5},\n {\"stage\": \"senior\"}\n]",
        );
        assert_eq!(end.ok(), Some(3));
        assert_eq!(stages(&rows), ["Text(\"junior\")", "-", "Text(\"senior\")"]);
        assert_eq!(rows[1].id.as_deref(), Some("7"));
        assert!(rows[1].at.ends_with("many.json[1]"), "{}", rows[1].at);
    }

    #[test]
    fn an_array_that_breaks_off_says_where_and_how_much_was_read() {
        let path = file(
            "people.json",
            b"[{\"stage\": \"primary\"},\n {\"stage\": \"junior\"},\n {\"stage\": \"senior\" \n]",
        );
        let (rows, _, end) = read_with(&path, None);
        assert_eq!(stages(&rows), ["Text(\"primary\")", "Text(\"junior\")"]);
        let msg = end.err().unwrap().message;
        assert!(
            msg.starts_with(&format!("{}:4:1: ", path.display())),
            "{msg}"
        );
        assert!(
            msg.ends_with("(2 records before it were read; none after it)"),
            "{msg}"
        );
    }

    #[test]
    fn an_unterminated_quote_stops_the_file_at_its_line() {
        // Row 3 opens a quote it never closes: rows 3–5 used to become one cell, 2 rows lost.
        let msg = refused(
            "people.csv",
            b"stage,class_hours\nprimary,10\n\"junior,20\nprimary,30\nprimary,40\n",
        );
        assert!(
            msg.ends_with("people.csv:3: a quoted cell runs over several lines: a closing quote is missing, and the rows after it would be read into that cell (1 record before it were read; none after it)"),
            "{msg}"
        );
    }

    #[test]
    fn a_key_given_twice_is_refused_not_overwritten() {
        let (rows, end) = read(
            "people.json",
            "[{\"stage\": \"primary\"}, {\"stage\": \"junior\", \"stage\": \"senior\"}]",
        );
        assert_eq!(end.ok(), Some(2));
        let err = rows[1].participant.as_ref().unwrap_err().to_string();
        assert!(
            err.contains("people.json[1]: stage") && err.contains("given twice"),
            "{err}"
        );
        let (rows, _) = read(
            "people.jsonl",
            "{\"stage\": \"primary\"}\n{\"class_hours\": 1, \"class_hours\": 2}\n",
        );
        assert!(rows[0].participant.is_ok());
        let err = rows[1].participant.as_ref().unwrap_err().to_string();
        assert!(err.contains("people.jsonl:2: class_hours"), "{err}");
    }

    #[test]
    fn a_column_named_twice_refuses_the_file() {
        let msg = refused(
            "people.csv",
            b"stage,class_hours,stage\nprimary,10,junior\n",
        );
        assert!(
            msg.ends_with(
                "people.csv:1: `stage` is given twice; which value is meant? (columns 1 and 3)"
            ),
            "{msg}"
        );
    }

    /// `id,stage` rows `张三,primary` and `李四,junior` in GBK: 张 is D5 C5, 三 C8 FD, 李 C0 EE,
    /// 四 CB C4.
    const GBK: &[u8] = b"id,stage\n\xd5\xc5\xc8\xfd,primary\n\xc0\xee\xcb\xc4,junior\n";

    #[test]
    fn a_gbk_file_is_refused_with_a_hint_and_read_with_its_encoding() {
        let msg = refused("people.csv", GBK);
        assert!(
            msg.ends_with("this file looks GBK-encoded; save it as UTF-8 or pass --encoding gbk"),
            "{msg}"
        );
        let path = file("people.csv", GBK);
        let (rows, _, end) = read_with(&path, Some("gbk"));
        assert_eq!(end.ok(), Some(2));
        let ids: Vec<_> = rows.iter().map(|r| r.id.clone().unwrap()).collect();
        assert_eq!(ids, ["张三", "李四"]);
        assert_eq!(stages(&rows), ["Text(\"primary\")", "Text(\"junior\")"]);
    }

    #[test]
    fn a_byte_that_is_not_gbk_is_an_error_in_its_row_and_the_rest_go_on() {
        // 0x81 0x2C is not a GBK character: the decoder puts U+FFFD in row 3's id.
        let bytes = b"id,stage\nA,primary\n\x81,junior\nC,senior\n";
        let path = file("people.csv", bytes);
        let (rows, _, end) = read_with(&path, Some("gbk"));
        assert_eq!(end.ok(), Some(3));
        assert_eq!(
            stages(&rows),
            ["Text(\"primary\")", "-", "Text(\"senior\")"]
        );
        let err = rows[1].participant.as_ref().unwrap_err().to_string();
        assert!(
            err.contains("people.csv:3") && err.contains("U+FFFD"),
            "{err}"
        );
    }

    #[test]
    fn utf16_is_read_with_its_byte_order_mark_and_refused_with_a_hint_without() {
        let text = "stage\nprimary\njunior\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let with_mark = [&[0xff, 0xfe][..], &le].concat();
        let path = file("people.csv", &with_mark);
        let (rows, _, end) = read_with(&path, None);
        assert_eq!(end.ok(), Some(2));
        assert_eq!(stages(&rows), ["Text(\"primary\")", "Text(\"junior\")"]);
        let msg = refused("people.csv", &le);
        assert!(
            msg.ends_with("save it as UTF-8 or pass --encoding utf-16le"),
            "{msg}"
        );
        let path = file("people.csv", &le);
        let (rows, _, end) = read_with(&path, Some("utf-16le"));
        assert_eq!((end.ok(), rows.len()), (Some(2), 2));
    }

    #[test]
    fn a_row_that_is_not_utf8_past_the_sniffed_head_is_an_error_in_that_row() {
        let mut bytes = b"id,stage\n".to_vec();
        for k in 0..100_000 {
            bytes.extend_from_slice(format!("P{k},primary\n").as_bytes());
        }
        bytes.extend_from_slice(b"X,\xd5\xc5\nY,junior\n");
        let path = file("people.csv", &bytes);
        let (rows, _, end) = read_with(&path, None);
        let end = end.map_err(|f| f.message);
        assert_eq!(end, Ok(100_002));
        let bad = &rows[100_000];
        assert_eq!(bad.id.as_deref(), None);
        let err = bad.participant.as_ref().unwrap_err().to_string();
        assert!(
            err.contains(":100002") && err.contains("pass --encoding gbk"),
            "{err}"
        );
        assert!(rows[100_001].participant.is_ok());
    }

    #[test]
    fn a_bad_record_keeps_its_id_and_its_line() {
        let path = file(
            "people.csv",
            b"id,stage,class_hours\nA1,primary,10\nB2,primary,ten\n,junior,5,9\n",
        );
        let (rows, _, end) = read_with(&path, None);
        assert_eq!(end.ok(), Some(3));
        let names: Vec<&str> = rows.iter().map(Record::name).collect();
        let f = path.display().to_string();
        assert_eq!(names, ["A1", "B2", &format!("{f}:4")]);
        let at: Vec<&str> = rows.iter().map(|r| r.at.as_str()).collect();
        assert_eq!(at, [format!("{f}:2"), format!("{f}:3"), format!("{f}:4")]);
        assert!(rows[2].participant.is_err());
    }
}
