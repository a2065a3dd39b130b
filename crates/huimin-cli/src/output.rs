//! Rendering decisions and budgets as tables, JSON or CSV.

use crate::input::Record;
use crate::{Fail, Format};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use huimin_core::decision::{Assumption, Step};
use huimin_core::ffi::RowColumn;
use huimin_core::text::excerpt;
use huimin_core::{Budget, Decision, Error, Money, Policy};
use rust_decimal::Decimal;
use std::io::Write;

fn table(header: Vec<String>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(header);
    t
}

/// A table cell of text that came from a pack or a participants file: control characters
/// (newlines, ANSI escapes) escaped so that no value can forge a row, and cut at 500 characters.
fn text_cell(s: &str) -> Cell {
    Cell::new(huimin_core::text::excerpt(s, 500))
}

fn right(s: impl ToString) -> Cell {
    Cell::new(s.to_string()).set_alignment(CellAlignment::Right)
}

fn payer_name(policy: &Policy, id: &str) -> String {
    policy
        .payers()
        .iter()
        .find(|(p, _)| p == id)
        .map(|(_, t)| format!("{} {}", t.zh, t.en))
        .unwrap_or_else(|| id.to_owned())
}

/// An error as printed, led by where its record is (unless the error already says: a record
/// that could not be read carries its place in its paths).
fn error_text(rec: &Record, e: &Error) -> String {
    let text = e.to_string();
    if text.contains(&rec.at) {
        text
    } else {
        format!("{}: {text}", rec.at)
    }
}

/// Decisions written as they come, one slice of records at a time: JSON as one array, CSV as
/// one file, a table per slice (so a table of a million rows is a thousand tables of at most a
/// slice each, never a million rows held for their widths).
pub(crate) struct Decisions<'p> {
    policy: &'p Policy,
    format: Format,
    explain: bool,
    columns: Vec<RowColumn>,
    out: std::io::BufWriter<std::io::Stdout>,
    written: u64,
}

/// An output write that failed: exit 3.
fn written(r: std::io::Result<()>) -> Result<(), Fail> {
    r.map_err(|e| Fail::io("output", e))
}

impl<'p> Decisions<'p> {
    /// Writes what comes before the first decision (a JSON array's bracket, a CSV header, a
    /// table's title).
    pub(crate) fn start(policy: &'p Policy, format: Format, explain: bool) -> Result<Self, Fail> {
        let mut d = Decisions {
            policy,
            format,
            explain,
            // The flat output row defined once in the core (the same columns as the Arrow
            // frames of the Python binding).
            columns: huimin_core::ffi::row_columns(policy),
            out: std::io::BufWriter::new(std::io::stdout()),
            written: 0,
        };
        match format {
            Format::Json => written(write!(d.out, "["))?,
            Format::Csv => {
                let header: Vec<String> = d.columns.iter().map(RowColumn::name).collect();
                d.csv_rows([header])?;
            }
            Format::Table => written(writeln!(
                d.out,
                "{} — {}  ({}, {})",
                policy.id(),
                policy.name(),
                policy.jurisdiction(),
                policy.period().label()
            ))?,
        }
        Ok(d)
    }

    /// Writes CSV rows.
    fn csv_rows(&mut self, rows: impl IntoIterator<Item = Vec<String>>) -> Result<(), Fail> {
        let mut w = csv::Writer::from_writer(&mut self.out);
        for row in rows {
            w.write_record(&row).map_err(|e| Fail::io("output", e))?;
        }
        written(w.flush())
    }

    /// Writes the decisions of one slice of records.
    pub(crate) fn write(
        &mut self,
        records: &[Record],
        results: &[Result<Decision, Error>],
    ) -> Result<(), Fail> {
        match self.format {
            Format::Json => {
                for (rec, r) in records.iter().zip(results) {
                    let v = match r {
                        Ok(d) => {
                            let mut v = d.to_json();
                            if !self.explain {
                                if let Some(o) = v.as_object_mut() {
                                    o.remove("steps");
                                }
                            }
                            v
                        }
                        Err(e) => {
                            serde_json::json!({ "participant": rec.id, "at": rec.at, "error": e })
                        }
                    };
                    let lead = if self.written == 0 { "\n" } else { ",\n" };
                    let s = serde_json::to_string_pretty(&v).map_err(|e| Fail::io("output", e))?;
                    written(write!(self.out, "{lead}{s}"))?;
                    self.written += 1;
                }
            }
            Format::Csv => {
                let columns = &self.columns;
                let rows: Vec<Vec<String>> = records
                    .iter()
                    .zip(results)
                    .map(|(rec, r)| {
                        columns
                            .iter()
                            .map(|c| match (c, r) {
                                (RowColumn::Id, Ok(d)) => d
                                    .participant
                                    .clone()
                                    .unwrap_or_else(|| rec.name().to_owned()),
                                (RowColumn::Id, Err(_)) => rec.name().to_owned(),
                                (RowColumn::Error, Err(e)) => error_text(rec, e),
                                (c, Ok(d)) => c.text(d),
                                (_, Err(_)) => String::new(),
                            })
                            .collect()
                    })
                    .collect();
                self.written += rows.len() as u64;
                self.csv_rows(rows)?;
            }
            Format::Table => {
                self.table(records, results)?;
                self.written += records.len() as u64;
            }
        }
        written(self.out.flush())
    }

    fn table(
        &mut self,
        records: &[Record],
        results: &[Result<Decision, Error>],
    ) -> Result<(), Fail> {
        let policy = self.policy;
        let mut header = vec![
            "participant".to_owned(),
            "eligible 资格".into(),
            "priority 优先".into(),
            "gross 应收".into(),
            "reductions 减免".into(),
            "net 实收".into(),
            "subsidy 补助".into(),
        ];
        header.extend(policy.payers().iter().map(|(p, t)| format!("{p} {}", t.zh)));
        let mut t = table(header);
        let mut assumed = Vec::new();
        for (rec, r) in records.iter().zip(results) {
            match r {
                Ok(d) => {
                    let mut row = vec![
                        text_cell(d.participant.as_deref().unwrap_or(rec.name())),
                        text_cell(&if d.eligible {
                            "yes 是".to_owned()
                        } else {
                            format!(
                                "no 否: {}",
                                d.reasons
                                    .iter()
                                    .map(|r| r.message.to_string())
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            )
                        }),
                        text_cell(&marked(d, "priority_groups", d.priority_groups.join(", "))),
                        right(marked(d, "gross_fee", d.gross_fee)),
                        right(marked(d, "reduction_total", d.reduction_total)),
                        right(marked(d, "net_fee", d.net_fee)),
                        right(marked(d, "subsidy_total", d.subsidy_total)),
                    ];
                    row.extend(policy.payers().iter().map(|(p, _)| {
                        let m = d.payers.get(p).map(Money::to_string).unwrap_or_default();
                        right(marked(d, &format!("payers.{p}"), m))
                    }));
                    t.add_row(row);
                    for a in &d.assumptions {
                        if !assumed
                            .iter()
                            .any(|b: &&Assumption| b.parameter == a.parameter)
                        {
                            assumed.push(a);
                        }
                    }
                }
                Err(e) => {
                    t.add_row(vec![
                        text_cell(rec.name()),
                        text_cell(&format!("error: {}", error_text(rec, e))),
                    ]);
                }
            }
        }
        written(writeln!(self.out, "{t}"))?;
        for line in footnotes(&assumed) {
            written(writeln!(self.out, "{line}"))?;
        }
        for (rec, d) in records
            .iter()
            .zip(results)
            .filter_map(|(rec, r)| Some((rec, r.as_ref().ok()?)))
        {
            if d.documents.is_empty() {
                continue;
            }
            let who = d.participant.as_deref().unwrap_or(rec.name());
            let who = huimin_core::text::excerpt(who, 500);
            written(writeln!(self.out, "\n{who} — to bring 申请材料:"))?;
            for doc in &d.documents {
                let cite = doc
                    .cite
                    .as_ref()
                    .map(|c| format!("  [{} {}]", c.document, c.clause))
                    .unwrap_or_default();
                written(writeln!(
                    self.out,
                    "  - {} / {}{cite}",
                    doc.name.zh, doc.name.en
                ))?;
            }
        }
        if self.explain {
            for (rec, r) in records.iter().zip(results) {
                if let Ok(d) = r {
                    let who = d.participant.as_deref().unwrap_or(rec.name());
                    let who = huimin_core::text::excerpt(who, 500);
                    written(writeln!(self.out, "\n{who} — why 依据:"))?;
                    for (k, s) in d.steps.iter().enumerate() {
                        written(writeln!(self.out, "{}", step_text(k + 1, s)))?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Writes what comes after the last decision, and flushes.
    pub(crate) fn finish(mut self) -> Result<(), Fail> {
        match self.format {
            Format::Json if self.written == 0 => written(writeln!(self.out, "]"))?,
            Format::Json => written(writeln!(self.out, "\n]"))?,
            Format::Csv | Format::Table => {}
        }
        written(self.out.flush())
    }
}

/// A table cell's text, with `*` when the decision's field is an estimate.
fn marked(d: &Decision, field: &str, value: impl ToString) -> String {
    let value = value.to_string();
    if d.estimated.iter().any(|f| f == field) {
        format!("{value}*")
    } else {
        value
    }
}

/// The footnotes under a table whose amounts rest on assumed values: each value and why.
pub(crate) fn footnotes(assumed: &[&Assumption]) -> Vec<String> {
    if assumed.is_empty() {
        return Vec::new();
    }
    let mut out =
        vec!["* 估算 estimate — rests on values the source document does not state:".to_owned()];
    for a in assumed {
        out.push(format!(
            "  {} = {}  {} / {}  ({}; {})",
            a.parameter,
            if a.value.is_empty() { "—" } else { &a.value },
            excerpt(&a.label.zh, 200),
            excerpt(&a.label.en, 200),
            excerpt(&a.reason.zh, 300),
            excerpt(&a.reason.en, 300),
        ));
    }
    out
}

/// One explanation step as readable text, with its citation.
pub(crate) fn step_text(n: usize, s: &Step) -> String {
    let kind = serde_json::to_value(s.kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let mut line = format!(
        "{n:>3}. [{kind}] {} {} = {}",
        s.label.zh, s.label.en, s.value
    );
    if let Some(d) = &s.detail {
        line.push_str(&format!("   ({d})"));
    }
    if !s.inputs.is_empty() {
        let ins: Vec<String> = s.inputs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        line.push_str(&format!("\n       inputs: {}", ins.join(", ")));
    }
    if !s.assumed.is_empty() {
        line.push_str(&format!(
            "\n       估算 estimate: rests on {}",
            s.assumed.join(", ")
        ));
    }
    if let Some(c) = &s.cite {
        line.push_str(&format!(
            "\n       cite: {} {}「{}」",
            c.document, c.clause, c.text
        ));
    }
    line
}

fn diff(a: Money, b: Money) -> String {
    let d: Decimal = b.amount() - a.amount();
    if d.is_sign_positive() && !d.is_zero() {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

/// A measure of a budget: its CSV key, its table label, and how to read it.
type Measure<T> = (&'static str, &'static str, fn(&Budget) -> T);

/// One line of a budget: a key for CSV, a label for the table, the baseline's value, and with
/// a reform its value and the difference.
struct Line {
    key: String,
    label: String,
    base: String,
    reform: Option<(String, String)>,
    /// Whether the baseline's and the reform's values are estimates.
    estimate: (bool, bool),
}

/// Whether a budget's measure (a CSV key) rests on an assumed value.
fn estimate(b: &Budget, key: &str) -> bool {
    let rests = |rule: &str| {
        b.estimated.iter().any(|f| f == "eligible")
            || b.assumptions
                .iter()
                .any(|a| a.rules.iter().any(|r| r == rule))
    };
    match key.split_once(':') {
        Some(("payer", p)) => b.estimated.contains(&format!("payers.{p}")),
        // A group's or a category's count rests on an assumption when its own rule reads one.
        Some(("priority" | "category", rule)) => rests(rule),
        _ => b.estimated.iter().any(|f| f == key),
    }
}

/// The lines of a budget, with a reform's beside it when given.
fn lines(policy: &Policy, base: &Budget, reform: Option<&Budget>) -> Vec<Line> {
    let mut lines = Vec::new();
    let count = |a: u64, b: u64| {
        (
            b.to_string(),
            format!("{:+}", i128::from(b) - i128::from(a)),
        )
    };
    let counts: [Measure<u64>; 3] = [
        ("participants", "participants 人数", |b| b.participants),
        ("eligible", "eligible 符合条件", |b| b.eligible),
        ("errors", "errors 错误", |b| b.errors),
    ];
    for (key, label, f) in counts {
        lines.push(Line {
            key: key.into(),
            label: label.into(),
            base: f(base).to_string(),
            reform: reform.map(|r| count(f(base), f(r))),
            estimate: (false, false),
        });
    }
    let money: [Measure<Money>; 4] = [
        ("gross_fee", "gross fees 应收费用", |b| b.gross_fee),
        ("reduction_total", "reductions 减免", |b| {
            b.reduction_total
        }),
        ("net_fee", "net fees 实收费用", |b| b.net_fee),
        ("subsidy_total", "subsidies 补助", |b| b.subsidy_total),
    ];
    for (key, label, f) in money {
        lines.push(Line {
            key: key.into(),
            label: label.into(),
            base: f(base).to_string(),
            reform: reform.map(|r| (f(r).to_string(), diff(f(base), f(r)))),
            estimate: (false, false),
        });
    }
    for (p, m) in &base.payers {
        let r = reform.map(|r| r.payers.get(p).copied());
        lines.push(Line {
            key: format!("payer:{p}"),
            label: format!("payer: {}", payer_name(policy, p)),
            base: m.to_string(),
            reform: r.map(|x| {
                x.map_or((String::new(), String::new()), |x| {
                    (x.to_string(), diff(*m, x))
                })
            }),
            estimate: (false, false),
        });
    }
    let groups = [
        (
            "priority",
            &base.priority_groups,
            reform.map(|r| &r.priority_groups),
        ),
        ("category", &base.categories, reform.map(|r| &r.categories)),
    ];
    for (what, mine, theirs) in groups {
        for (g, n) in mine {
            lines.push(Line {
                key: format!("{what}:{g}"),
                label: format!("{what}: {g}"),
                base: n.to_string(),
                reform: theirs.map(|t| count(*n, t.get(g).copied().unwrap_or(0))),
                estimate: (false, false),
            });
        }
    }
    for l in &mut lines {
        l.estimate = (
            estimate(base, &l.key),
            reform.is_some_and(|r| estimate(r, &l.key)),
        );
    }
    lines
}

/// A budget value with `*` when it is an estimate.
fn star(value: String, estimate: bool) -> String {
    if estimate {
        format!("{value}*")
    } else {
        value
    }
}

/// Prints a budget, with a reform column and the difference when given: a table, JSON, or CSV
/// (`measure,baseline[,reform,difference],estimate`, errors on standard error; `estimate` names
/// which values rest on assumed values).
pub(crate) fn budget(
    policy: &Policy,
    base: &Budget,
    reform: Option<&Budget>,
    format: Format,
) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    let errors = std::iter::once(("", base))
        .chain(reform.map(|r| ("reform: ", r)))
        .flat_map(|(what, b)| b.first_errors.iter().map(move |e| format!("{what}{e}")));
    match format {
        Format::Json => {
            let v = match reform {
                Some(r) => serde_json::json!({ "baseline": base, "reform": r }),
                None => serde_json::json!({ "baseline": base }),
            };
            let s = serde_json::to_string_pretty(&v).map_err(|e| Fail::io("output", e))?;
            written(writeln!(out, "{s}"))
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let mut header = vec!["measure", "baseline"];
            if reform.is_some() {
                header.extend(["reform", "difference"]);
            }
            header.push("estimate");
            w.write_record(&header).map_err(|e| Fail::io("output", e))?;
            for l in lines(policy, base, reform) {
                let mut r = vec![l.key, l.base];
                if let Some((b, d)) = l.reform {
                    r.extend([b, d]);
                }
                let which = match l.estimate {
                    (true, true) => "baseline;reform",
                    (true, false) => "baseline",
                    (false, true) => "reform",
                    (false, false) => "",
                };
                r.push(which.to_owned());
                w.write_record(&r).map_err(|e| Fail::io("output", e))?;
            }
            written(w.flush())?;
            for e in errors {
                eprintln!("error: {e}");
            }
            Ok(())
        }
        Format::Table => {
            let mut header = vec!["".to_owned(), "baseline 现行".to_owned()];
            if reform.is_some() {
                header.extend(["reform 改革".to_owned(), "difference 差额".to_owned()]);
            }
            let mut t = table(header);
            for l in lines(policy, base, reform) {
                let mut r = vec![text_cell(&l.label), right(star(l.base, l.estimate.0))];
                if let Some((b, d)) = l.reform {
                    r.extend([right(star(b, l.estimate.1)), right(d)]);
                }
                t.add_row(r);
            }
            written(writeln!(
                out,
                "{} — {}  (as of {}, amounts {})",
                policy.id(),
                policy.name(),
                base.as_of,
                policy.period().label()
            ))?;
            written(writeln!(out, "{t}"))?;
            let mut assumed: Vec<&Assumption> = base.assumptions.iter().collect();
            for a in reform.map_or(&[][..], |r| &r.assumptions[..]) {
                if !assumed.iter().any(|b| b.parameter == a.parameter) {
                    assumed.push(a);
                }
            }
            for line in footnotes(&assumed) {
                written(writeln!(out, "{line}"))?;
            }
            for e in errors {
                written(writeln!(
                    out,
                    "  error: {}",
                    huimin_core::text::excerpt(&e, 2000)
                ))?;
            }
            Ok(())
        }
    }
}
