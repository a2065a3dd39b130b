//! Rendering decisions and population totals as tables, JSON or CSV.

use crate::input::Record;
use crate::{Fail, Format};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use huimin_core::decision::{Assumption, Step};
use huimin_core::ffi::RowColumn;
use huimin_core::tally::{GroupTotals, Report, ScenarioTotals};
use huimin_core::text::excerpt;
use huimin_core::{Decision, Error, Money, Policy};
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
    /// CSV: the assumed values the rows rest on, and the rows that do (a count and the first
    /// ten), said on standard error at the end — a CSV cell holds a number, not a mark.
    assumed: Vec<Assumption>,
    estimates: (u64, Vec<String>),
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
            assumed: Vec::new(),
            estimates: (0, Vec::new()),
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
                for (rec, d) in records.iter().zip(results).filter_map(|(rec, r)| {
                    r.as_ref()
                        .ok()
                        .filter(|d| !d.estimated.is_empty())
                        .map(|d| (rec, d))
                }) {
                    self.estimates.0 += 1;
                    if self.estimates.1.len() < 10 {
                        let who = d.participant.as_deref().unwrap_or(rec.name());
                        let fields = d.estimated.join(", ");
                        self.estimates
                            .1
                            .push(format!("{} ({fields})", excerpt(who, 200)));
                    }
                    for a in &d.assumptions {
                        Assumption::add_once(&mut self.assumed, a);
                    }
                }
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
        written(self.out.flush())?;
        let (count, first) = &self.estimates;
        if *count > 0 {
            let assumed: Vec<&Assumption> = self.assumed.iter().collect();
            let mut err = std::io::stderr().lock();
            written(writeln!(
                err,
                "note: estimates 估算 in {count} row(s), the fields named: {}{}",
                first.join("; "),
                if *count > 10 { "; …" } else { "" }
            ))?;
            for line in footnotes(&assumed) {
                written(writeln!(err, "{line}"))?;
            }
        }
        Ok(())
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

/// `b − a`, signed (`—` past the decimal range, never a panic).
fn diff(a: Decimal, b: Decimal) -> String {
    let Some(d) = b.checked_sub(a) else {
        return "—".to_owned();
    };
    if d.is_sign_positive() && !d.is_zero() {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

/// One line of a group's totals: a key for CSV, a label for the table, each scenario's value
/// (the baseline first) with whether it is an estimate, and each reform's difference.
struct Line {
    key: String,
    label: String,
    values: Vec<(Decimal, bool)>,
    diffs: Vec<String>,
}

/// What a scenario's estimates rest on: its estimated measures and its assumed values.
struct Basis {
    estimated: Vec<huimin_core::Name>,
    assumptions: Vec<Assumption>,
}

/// Whether a scenario's measure (a CSV key) rests on an assumed value.
fn estimate(b: &Basis, key: &str) -> bool {
    let rests = |rule: &str| {
        b.estimated.iter().any(|f| f == "eligible")
            || b.assumptions
                .iter()
                .any(|a| a.rules.iter().any(|r| r == rule))
    };
    match key.split_once(':') {
        Some(("payer", p)) => b.estimated.iter().any(|f| *f == format!("payers.{p}")),
        // A group's or a category's count rests on an assumption when its own rule reads one.
        Some(("priority" | "category", rule)) => rests(rule),
        _ => b.estimated.iter().any(|f| f == key),
    }
}

/// The lines of one group's totals, every scenario side by side.
fn lines(policies: &[&Policy], g: &GroupTotals, basis: &[Basis]) -> Vec<Line> {
    let runs = &g.scenarios;
    let mut keys: Vec<(String, String)> = vec![
        ("rows".into(), "rows 行数".into()),
        ("errors".into(), "errors 错误".into()),
        ("participants".into(), "participants 人数".into()),
        ("eligible".into(), "eligible 符合条件".into()),
        ("gross_fee".into(), "gross fees 应收费用".into()),
        ("reduction_total".into(), "reductions 减免".into()),
        ("net_fee".into(), "net fees 实收费用".into()),
        ("subsidy_total".into(), "subsidies 补助".into()),
    ];
    let mut add = |key: String, label: String| {
        if !keys.iter().any(|(k, _)| *k == key) {
            keys.push((key, label));
        }
    };
    for r in runs {
        for p in r.payers.keys() {
            let name = policies.iter().map(|x| payer_name(x, p)).find(|n| n != p);
            add(
                format!("payer:{p}"),
                format!("payer: {}", name.unwrap_or_else(|| p.clone())),
            );
        }
    }
    for r in runs {
        for k in r.priority_groups.keys() {
            add(format!("priority:{k}"), format!("priority: {k}"));
        }
    }
    for r in runs {
        for k in r.categories.keys() {
            add(format!("category:{k}"), format!("category: {k}"));
        }
    }
    let value = |t: &ScenarioTotals, key: &str| -> Decimal {
        let get = |m: &std::collections::BTreeMap<String, Decimal>, k: &str| {
            m.get(k).copied().unwrap_or_default()
        };
        match key.split_once(':') {
            Some(("payer", p)) => get(&t.payers, p),
            Some(("priority", k)) => get(&t.priority_groups, k),
            Some(("category", k)) => get(&t.categories, k),
            _ => match key {
                "rows" => Decimal::from(g.rows),
                "errors" => Decimal::from(g.errors),
                "participants" => t.participants,
                "eligible" => t.eligible,
                "gross_fee" => t.gross_fee,
                "reduction_total" => t.reduction_total,
                "net_fee" => t.net_fee,
                "subsidy_total" => t.subsidy_total,
                _ => Decimal::ZERO,
            },
        }
    };
    keys.into_iter()
        .map(|(key, label)| {
            let values: Vec<(Decimal, bool)> = runs
                .iter()
                .zip(basis)
                .map(|(t, b)| (value(t, &key), estimate(b, &key)))
                .collect();
            let base = values.first().map_or(Decimal::ZERO, |v| v.0);
            let diffs = values.iter().skip(1).map(|(v, _)| diff(base, *v)).collect();
            Line {
                key,
                label,
                values,
                diffs,
            }
        })
        .collect()
}

/// A value with `*` when it is an estimate.
fn star(value: Decimal, estimate: bool) -> String {
    if estimate {
        format!("{value}*")
    } else {
        value.to_string()
    }
}

/// A group's name: `district=东区, school=…`, or `all 全部` for the whole.
fn group_name(by: &[String], g: &GroupTotals) -> String {
    match &g.key {
        None => "all 全部".into(),
        Some(k) => by
            .iter()
            .zip(k)
            .map(|(b, v)| format!("{b}={}", v.as_deref().unwrap_or("(none 无)")))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Prints a population run's report: per group (the whole first) a table of every scenario
/// and each reform's difference, then who wins and who loses; JSON (the report); or tidy CSV
/// (`<by columns>,scenario,measure,value,difference,estimate`, with each reform's winners and
/// losers as measures). Errors go to standard error in CSV, under the tables otherwise.
pub(crate) fn report(policies: &[&Policy], r: &Report, format: Format) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    let basis: Vec<Basis> = r
        .scenarios
        .iter()
        .map(|s| Basis {
            estimated: s.estimated.clone(),
            assumptions: s.assumptions.clone(),
        })
        .collect();
    let groups: Vec<&GroupTotals> = if r.by.is_empty() {
        vec![&r.total]
    } else {
        std::iter::once(&r.total).chain(&r.groups).collect()
    };
    let ids: Vec<&str> = r.scenarios.iter().map(|s| s.pack.as_str()).collect();
    match format {
        Format::Json => {
            let s = serde_json::to_string_pretty(r).map_err(|e| Fail::io("output", e))?;
            written(writeln!(out, "{s}"))
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let mut header: Vec<&str> = r.by.iter().map(String::as_str).collect();
            header.extend(["scenario", "measure", "value", "difference", "estimate"]);
            w.write_record(&header).map_err(|e| Fail::io("output", e))?;
            for g in groups.iter().skip(usize::from(!r.by.is_empty())) {
                let key: Vec<String> = match &g.key {
                    Some(k) => k.iter().map(|v| v.clone().unwrap_or_default()).collect(),
                    None => Vec::new(),
                };
                let mut row =
                    |scenario: &str, measure: &str, value: String, d: String, est: bool| {
                        let mut rec = key.clone();
                        rec.extend([
                            scenario.to_owned(),
                            measure.to_owned(),
                            value,
                            d,
                            if est {
                                "estimate".into()
                            } else {
                                String::new()
                            },
                        ]);
                        w.write_record(&rec).map_err(|e| Fail::io("output", e))
                    };
                for l in lines(policies, g, &basis) {
                    for (k, (v, est)) in l.values.iter().enumerate() {
                        let d = k.checked_sub(1).and_then(|k| l.diffs.get(k)).cloned();
                        row(
                            ids.get(k).copied().unwrap_or(""),
                            &l.key,
                            v.to_string(),
                            d.unwrap_or_default(),
                            *est,
                        )?;
                    }
                }
                for c in &g.changes {
                    for (m, v) in [
                        ("winners", Some(c.winners)),
                        ("losers", Some(c.losers)),
                        ("unchanged", Some(c.unchanged)),
                        ("gained", Some(c.gained)),
                        ("lost", Some(c.lost)),
                        ("net_fee_change", Some(c.net_fee_change)),
                        ("mean_net_fee_change", c.mean_net_fee_change),
                    ] {
                        row(
                            &c.reform,
                            m,
                            v.map(|v| v.to_string()).unwrap_or_default(),
                            String::new(),
                            false,
                        )?;
                    }
                }
            }
            written(w.flush())?;
            for e in &r.first_errors {
                eprintln!("error: {e}");
            }
            Ok(())
        }
        Format::Table => {
            let base = policies.first().copied();
            if let Some(p) = base {
                written(writeln!(
                    out,
                    "{} — {}  (as of {}, amounts {}; {} rows, {} in error{})",
                    p.id(),
                    p.name(),
                    r.as_of,
                    p.period().label(),
                    r.rows,
                    r.errors,
                    if r.by.is_empty() {
                        String::new()
                    } else {
                        format!("; by {}", r.by.join(", "))
                    }
                ))?;
            }
            let mut header = vec![String::new(), "baseline 现行".to_owned()];
            match ids.len() {
                0 | 1 => {}
                2 => header.extend(["reform 改革".to_owned(), "difference 差额".to_owned()]),
                _ => {
                    for id in ids.iter().skip(1) {
                        header.push(format!("reform {id}"));
                    }
                    for id in ids.iter().skip(1) {
                        header.push(format!("Δ {id}"));
                    }
                }
            }
            for g in &groups {
                let mut t = table(header.clone());
                for l in lines(policies, g, &basis) {
                    let mut row = vec![text_cell(&l.label)];
                    row.extend(l.values.iter().map(|(v, e)| right(star(*v, *e))));
                    row.extend(l.diffs.iter().map(right));
                    t.add_row(row);
                }
                if !r.by.is_empty() {
                    written(writeln!(
                        out,
                        "{}",
                        text_cell(&group_name(&r.by, g)).content()
                    ))?;
                }
                written(writeln!(out, "{t}"))?;
            }
            if ids.len() > 1 {
                let mut t = table(
                    [
                        "group 组",
                        "reform 改革",
                        "winners 少付",
                        "losers 多付",
                        "unchanged 不变",
                        "gained 新纳入",
                        "lost 不再符合",
                        "net fee change 实收变化",
                        "mean 人均",
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                );
                for g in &groups {
                    for c in &g.changes {
                        t.add_row(vec![
                            text_cell(&group_name(&r.by, g)),
                            text_cell(&c.reform),
                            right(c.winners),
                            right(c.losers),
                            right(c.unchanged),
                            right(c.gained),
                            right(c.lost),
                            right(c.net_fee_change),
                            right(
                                c.mean_net_fee_change
                                    .map_or("—".to_owned(), |m| m.to_string()),
                            ),
                        ]);
                    }
                }
                written(writeln!(out, "winners and losers 受益与受损 (those eligible under both; net fee = what the participant pays)\n{t}"))?;
            }
            let mut assumed: Vec<&Assumption> = Vec::new();
            for s in &r.scenarios {
                for a in &s.assumptions {
                    if !assumed.iter().any(|b| b.parameter == a.parameter) {
                        assumed.push(a);
                    }
                }
            }
            for line in footnotes(&assumed) {
                written(writeln!(out, "{line}"))?;
            }
            for s in &r.scenarios {
                for d in &s.defaulted {
                    written(writeln!(
                        out,
                        "  {}: {} 行未给出，按默认值估算 / {} rows without it, the default stood in ({})",
                        d.input, d.rows, d.rows, s.pack
                    ))?;
                }
            }
            if !r.unused.is_empty() {
                written(writeln!(
                    out,
                    "note: columns the packs do not read, left unread: {}",
                    excerpt(&r.unused.join(", "), 500)
                ))?;
            }
            for e in &r.first_errors {
                written(writeln!(out, "  error: {}", excerpt(e, 2000)))?;
            }
            Ok(())
        }
    }
}
