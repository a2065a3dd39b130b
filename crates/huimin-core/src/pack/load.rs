//! Reading pack files: YAML through `serde-saphyr` (panic-free, with input budgets and source
//! spans) and JSON, which is checked as JSON first and then read by the same YAML reader, so
//! that both formats give line and column for every value.
//!
//! Without the `yaml` feature (the browser build, where the YAML reader would be half the
//! module) every text is read as JSON by `serde_json` instead: its own errors have a line and
//! column, but the values it reads do not, so later problems name the rule and field only.
//! YAML text is then refused with a `yaml` error that says how to convert it.

use super::Pack;
use crate::error::{PackError, PackErrors, Severity};
use crate::limits::Limits;
use serde_saphyr::{Location, Spanned};

/// The largest pack text accepted by default, in bytes.
pub use crate::limits::DEFAULT_MAX_PACK_BYTES;

/// A place in a pack file: line and column, 1-based (0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    /// A problem of `severity` at this place in `file`, without a hint.
    pub(crate) fn problem(
        self,
        file: &str,
        severity: Severity,
        code: &'static str,
        message: String,
    ) -> PackError {
        PackError {
            file: file.to_owned(),
            line: self.line,
            column: self.column,
            severity,
            code,
            message,
            hint: None,
        }
    }

    pub(crate) fn of<T>(s: &Spanned<T>) -> Pos {
        Pos::from_location(&s.referenced)
    }

    fn from_location(l: &Location) -> Pos {
        Pos {
            line: u32::try_from(l.line()).unwrap_or(u32::MAX),
            column: u32::try_from(l.column()).unwrap_or(u32::MAX),
        }
    }

    /// The position of the `offset`-th character inside the scalar written at `self`, skipping
    /// an opening quote when the scalar is quoted in `text`.
    pub(crate) fn inside(self, text: &str, offset: u32) -> Pos {
        if self.line == 0 {
            return self;
        }
        let quoted = text
            .lines()
            .nth(self.line as usize - 1)
            .and_then(|l| l.chars().nth(self.column as usize - 1))
            .is_some_and(|c| c == '"' || c == '\'');
        Pos {
            line: self.line,
            column: self.column + offset + u32::from(quoted),
        }
    }
}

/// Parses a YAML pack within the default [`Limits`]. `file` names the source in error messages.
pub fn parse_yaml(text: &str, file: &str) -> Result<Pack, PackErrors> {
    parse_yaml_with(text, file, &Limits::default())
}

/// Parses a JSON pack within the default [`Limits`]. `file` names the source in error messages.
pub fn parse_json(text: &str, file: &str) -> Result<Pack, PackErrors> {
    parse_json_with(text, file, &Limits::default())
}

/// Parses a YAML pack within `limits` (size, nesting, nodes, rules).
pub fn parse_yaml_with(text: &str, file: &str, limits: &Limits) -> Result<Pack, PackErrors> {
    read(text, file, limits, "yaml")
}

/// Parses a JSON pack within `limits` (size, nesting, nodes, rules).
pub fn parse_json_with(text: &str, file: &str, limits: &Limits) -> Result<Pack, PackErrors> {
    check_size(text, file, limits)?;
    // Without the YAML reader, `read` is serde_json: it checks the syntax itself, and says so
    // when the text is YAML.
    #[cfg(feature = "yaml")]
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err(PackErrors(vec![PackError {
            file: file.to_owned(),
            line: u32::try_from(e.line()).unwrap_or(u32::MAX),
            column: u32::try_from(e.column()).unwrap_or(u32::MAX),
            severity: Severity::Error,
            code: "json",
            message: reader_message(&e.to_string()),
            hint: None,
        }]));
    }
    read(text, file, limits, "schema")
}

/// Reads YAML (JSON is YAML) into a pack under the reader's budget, then counts its rules.
fn read(text: &str, file: &str, limits: &Limits, code: &'static str) -> Result<Pack, PackErrors> {
    check_size(text, file, limits)?;
    let pack = read_text::<Pack>(text, file, limits, code)?;
    check_rules(&pack, limits, file)?;
    Ok(pack)
}

/// Reads a YAML (or JSON) file of another shape than a pack — a values file, a reform —
/// within `limits`. `file` names it in error messages.
pub(super) fn parse_file<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
    limits: &Limits,
) -> Result<T, PackErrors> {
    check_size(text, file, limits)?;
    read_text(text, file, limits, "yaml")
}

/// The one place a text becomes a value: the YAML reader, under its budget.
#[cfg(feature = "yaml")]
fn read_text<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
    limits: &Limits,
    code: &'static str,
) -> Result<T, PackErrors> {
    serde_saphyr::from_str_with_options::<T>(text, reader_budget(limits))
        .map_err(|e| PackErrors(vec![from_saphyr(&e, file, code, limits)]))
}

/// The one place a text becomes a value: `serde_json` (nesting is bounded by its recursion
/// limit of 128, below [`Limits::max_pack_depth`]'s default); YAML text is refused.
#[cfg(not(feature = "yaml"))]
fn read_text<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
    _limits: &Limits,
    _code: &'static str,
) -> Result<T, PackErrors> {
    let at = |line: usize, column: usize| Pos {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    };
    let start = text.len() - text.trim_start().len();
    if !text.trim_start().starts_with(['{', '[']) {
        // Where the text starts (a reform is read after its base's lines).
        let before = text.get(..start).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        return Err(PackErrors(vec![PackError {
            hint: Some(
                "`huimin compile <pack.yaml> -o <pack.json>` writes a pack, with its values and reforms, as the JSON this build reads"
                    .to_owned(),
            ),
            ..at(line, column).problem(
                file,
                Severity::Error,
                "yaml",
                "this build of huimin reads JSON only (it was built without the `yaml` feature); the text is not JSON".to_owned(),
            )
        }]));
    }
    let problem = |e: serde_json::Error, code| {
        let message = reader_message(&e.to_string());
        PackErrors(vec![at(e.line(), e.column()).problem(
            file,
            Severity::Error,
            code,
            message,
        )])
    };
    // Syntax first, as with the YAML reader: a typed read stops at the first wrong type.
    serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| problem(e, "json"))?;
    // serde_json keeps the last of two equal keys of a map (two parameters of one id): refused,
    // as the YAML reader refuses them.
    if let Some(path) = duplicate_key(text) {
        return Err(PackErrors(vec![at(0, 0).problem(
            file,
            Severity::Error,
            "json",
            format!("`{path}` is given twice"),
        )]));
    }
    serde_json::from_str::<T>(text).map_err(|e| problem(e, "schema"))
}

/// The YAML reader's budget under `limits`: nesting, nodes and scalar bytes.
#[cfg(feature = "yaml")]
pub(super) fn reader_budget(limits: &Limits) -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: limits.max_pack_depth,
            max_nodes: limits.max_pack_nodes,
            flow_nesting_limit: limits.max_pack_depth,
            max_total_scalar_bytes: limits.max_pack_bytes,
        },
    }
}

fn check_size(text: &str, file: &str, limits: &Limits) -> Result<(), PackErrors> {
    if text.len() > limits.max_pack_bytes {
        return Err(too_big(&text.len().to_string(), limits, file));
    }
    Ok(())
}

#[cfg(feature = "yaml")]
pub(super) fn from_saphyr(
    e: &serde_saphyr::Error,
    file: &str,
    code: &'static str,
    limits: &Limits,
) -> PackError {
    let pos = e
        .location()
        .map(|l| Pos::from_location(&l))
        .unwrap_or_default();
    let message = reader_message(&e.without_snippet().to_string());
    if message.starts_with("budget breached") {
        return PackError {
            file: file.to_owned(),
            line: pos.line,
            column: pos.column,
            severity: Severity::Error,
            code: "limit",
            message: format!(
                "{message}: the pack nests deeper or has more parts than its limits allow (Limits::max_pack_depth {}, max_pack_nodes {})",
                limits.max_pack_depth, limits.max_pack_nodes
            ),
            hint: None,
        };
    }
    let code = if message.contains("unknown field")
        || message.contains("missing field")
        || message.contains("unknown variant")
        || message.contains("invalid type")
        || message.contains("exactly one of")
    {
        "schema"
    } else {
        code
    };
    let hint = if message.contains("unknown field") {
        Some("see fixtures/pack.schema.json for the fields a pack may have".to_owned())
    } else {
        None
    };
    PackError {
        hint,
        ..pos.problem(file, Severity::Error, code, message)
    }
}

/// A reader's message in this project's words: drops a trailing " at line L column C" that
/// the parsers append (the position is reported in its own fields), and puts what the YAML and
/// date libraries say in their own terms (their option names, Rust types) plainly.
pub(crate) fn reader_message(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or(msg);
    let first = match first.rfind(" at line ") {
        Some(i) => first.get(..i).unwrap_or(first).trim_end_matches(','),
        None => first,
    };
    plain(first)
}

/// What the libraries say, in words a pack author can act on.
fn plain(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return format!("`{key}` is given twice in this mapping; which value is meant?");
    }
    if msg.starts_with("multiple YAML documents detected") {
        return "the file holds more than one YAML document (a `---` line after the first part); \
                a pack or a program is one document"
            .to_owned();
    }
    if msg == "data did not match any variant of untagged enum Assumed" {
        return "`assumed` is true, false, or why, in both languages: {zh: …, en: …}".to_owned();
    }
    // chrono's date parsing errors.
    match msg {
        "input is out of range" | "no possible date and time matching input" => {
            return "no such date: the month or the day is out of range (a date is YYYY-MM-DD)"
                .to_owned()
        }
        "premature end of input"
        | "input contains invalid characters"
        | "trailing input"
        | "input is not enough for unique date and time"
        | "bad or unsupported format string" => {
            return "not a date: a date is written YYYY-MM-DD, e.g. 2021-09-01".to_owned()
        }
        _ => {}
    }
    // serde's "expected <Rust type>".
    match msg.split_once("expected ") {
        Some((before, ty)) => {
            let words = match ty.trim() {
                "Option<String>" | "String" | "a string" => "text",
                "string scalar" => "text, not a list or a mapping",
                "Option<NaiveDate>" | "NaiveDate" => "a date, YYYY-MM-DD",
                "Decimal" | "Option<Decimal>" => "a number",
                "u8" | "u16" | "u32" | "u64" | "usize" | "Option<u32>" | "Option<usize>" => {
                    "a whole number, 0 or more"
                }
                "i32" | "i64" => "a whole number",
                "bool" | "a boolean" => "true or false",
                other => other,
            };
            format!("{before}expected {words}")
        }
        None => msg.to_owned(),
    }
}

/// A pack `len` bytes long (a number, or "more than N" for a stream) is over the limit.
pub(crate) fn too_big(len: &str, limits: &Limits, file: &str) -> PackErrors {
    limit_error(
        file,
        Pos { line: 1, column: 1 },
        format!(
            "pack is {len} bytes; the limit is {} (Limits::max_pack_bytes)",
            limits.max_pack_bytes
        ),
    )
}

/// Refuses a pack with more rules than `max_rules`.
pub(super) fn check_rules(pack: &Pack, limits: &Limits, file: &str) -> Result<(), PackErrors> {
    let groups = |g: Option<usize>| g.unwrap_or(0);
    let n = pack.eligibility.len()
        + pack.categories.len()
        + pack.priority.len()
        + pack.fees.len()
        + groups(pack.reductions.as_ref().map(|g| g.rules.len()))
        + groups(
            pack.subsidies
                .as_ref()
                .map(|g| g.rules.iter().map(|r| 1 + r.components.len()).sum()),
        )
        + pack.entitlements.len()
        + pack.earmarks.len()
        + pack.schedule.len()
        + pack.staffing.len()
        + pack.workflow.len()
        + pack
            .parameters
            .values()
            .map(|p| p.values.value.len())
            .sum::<usize>();
    if n > limits.max_rules {
        return Err(limit_error(
            file,
            Pos::of(&pack.id),
            format!(
                "pack has {n} rules and parameter values; the limit is {} (Limits::max_rules)",
                limits.max_rules
            ),
        ));
    }
    Ok(())
}

fn limit_error(file: &str, pos: Pos, message: String) -> PackErrors {
    PackErrors(vec![PackError {
        file: file.to_owned(),
        line: pos.line,
        column: pos.column,
        severity: Severity::Error,
        code: "limit",
        message,
        hint: None,
    }])
}

/// The path of the first key that appears twice in one object of `json` (`[2].stage` for
/// the `stage` of the third element of an array), if any. Text that is not JSON has none.
pub fn duplicate_key(json: &str) -> Option<String> {
    use serde::de::DeserializeSeed;
    let mut d = serde_json::Deserializer::from_str(json);
    match (Keys {
        path: String::new(),
    })
    .deserialize(&mut d)
    {
        Err(e) if e.is_data() => e
            .to_string()
            .split(DUPLICATE)
            .nth(1)
            .map(|rest| rest.split(DUPLICATE).next().unwrap_or_default().to_owned()),
        _ => None,
    }
}

/// Marks the path in the error that [`Keys`] raises for a duplicate key.
const DUPLICATE: &str = "\u{1}";

/// Walks a JSON document checking that no object names a key twice; `path` is where it is.
struct Keys {
    path: String,
}

impl<'de> serde::de::DeserializeSeed<'de> for Keys {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Keys {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        while seq
            .next_element_seed(Keys {
                path: format!("{}[{i}]", self.path),
            })?
            .is_some()
        {
            i = i.saturating_add(1);
        }
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            if !seen.insert(key) {
                return Err(serde::de::Error::custom(format!(
                    "{DUPLICATE}{path}{DUPLICATE}"
                )));
            }
            map.next_value_seed(Keys { path })?;
        }
        Ok(())
    }
}
