//! Rendering decisions and budgets as tables, JSON or CSV.

use crate::input::Record;
use crate::{Fail, Format};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use huimin_core::decision::Step;
use huimin_core::ffi::RowColumn;
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

/// Prints one decision per participant record; an error names the participant's id and where
/// its record is.
pub(crate) fn decisions(
    policy: &Policy,
    records: &[Record],
    results: &[Result<Decision, Error>],
    format: Format,
    explain: bool,
) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let items: Vec<serde_json::Value> = records
                .iter()
                .zip(results)
                .map(|(rec, r)| match r {
                    Ok(d) => {
                        let mut v = d.to_json();
                        if !explain {
                            if let Some(o) = v.as_object_mut() {
                                o.remove("steps");
                            }
                        }
                        v
                    }
                    Err(e) => {
                        serde_json::json!({ "participant": rec.id, "at": rec.at, "error": e })
                    }
                })
                .collect();
            let s = serde_json::to_string_pretty(&items).map_err(|e| Fail::io("output", e))?;
            writeln!(out, "{s}").map_err(|e| Fail::io("output", e))?;
        }
        Format::Csv => {
            // The flat output row defined once in the core (the same columns as the Arrow
            // frames of the Python binding).
            let columns = huimin_core::ffi::row_columns(policy);
            let mut w = csv::Writer::from_writer(out);
            let header: Vec<String> = columns.iter().map(RowColumn::name).collect();
            w.write_record(&header).map_err(|e| Fail::io("output", e))?;
            for (rec, r) in records.iter().zip(results) {
                let row: Vec<String> = columns
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
                    .collect();
                w.write_record(&row).map_err(|e| Fail::io("output", e))?;
            }
            w.flush().map_err(|e| Fail::io("output", e))?;
        }
        Format::Table => {
            writeln!(
                out,
                "{} — {}  ({}, {})",
                policy.id(),
                policy.name(),
                policy.jurisdiction(),
                policy.period().label()
            )
            .map_err(|e| Fail::io("output", e))?;
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
                            text_cell(&d.priority_groups.join(", ")),
                            right(d.gross_fee),
                            right(d.reduction_total),
                            right(d.net_fee),
                            right(d.subsidy_total),
                        ];
                        row.extend(policy.payers().iter().map(|(p, _)| {
                            right(d.payers.get(p).map(Money::to_string).unwrap_or_default())
                        }));
                        t.add_row(row);
                    }
                    Err(e) => {
                        t.add_row(vec![
                            text_cell(rec.name()),
                            text_cell(&format!("error: {}", error_text(rec, e))),
                        ]);
                    }
                }
            }
            writeln!(out, "{t}").map_err(|e| Fail::io("output", e))?;
            if explain {
                for (rec, r) in records.iter().zip(results) {
                    if let Ok(d) = r {
                        writeln!(
                            out,
                            "\n{} — why 依据:",
                            huimin_core::text::excerpt(
                                d.participant.as_deref().unwrap_or(rec.name()),
                                500
                            )
                        )
                        .map_err(|e| Fail::io("output", e))?;
                        for (k, s) in d.steps.iter().enumerate() {
                            writeln!(out, "{}", step_text(k + 1, s))
                                .map_err(|e| Fail::io("output", e))?;
                        }
                    }
                }
            }
        }
    }
    Ok(())
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

/// A money row of the budget table: its label and how to read it.
type MoneyRow = (&'static str, fn(&Budget) -> Money);

/// Prints a budget, with a reform column and the difference when given.
pub(crate) fn budget(
    policy: &Policy,
    base: &Budget,
    reform: Option<&Budget>,
    format: Format,
) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    if format == Format::Json {
        let v = match reform {
            Some(r) => serde_json::json!({ "baseline": base, "reform": r }),
            None => serde_json::json!({ "baseline": base }),
        };
        let s = serde_json::to_string_pretty(&v).map_err(|e| Fail::io("output", e))?;
        return writeln!(out, "{s}").map_err(|e| Fail::io("output", e));
    }
    let mut header = vec!["".to_owned(), "baseline 现行".to_owned()];
    if reform.is_some() {
        header.extend(["reform 改革".to_owned(), "difference 差额".to_owned()]);
    }
    let mut t = table(header);
    let mut row = |label: String, a: String, b: Option<String>, d: Option<String>| {
        let mut r = vec![Cell::new(label), right(a)];
        if let (Some(b), Some(d)) = (b, d) {
            r.extend([right(b), right(d)]);
        }
        t.add_row(r);
    };
    let count =
        |label: &str, f: fn(&Budget) -> u64| -> (String, String, Option<String>, Option<String>) {
            let a = f(base);
            let b = reform.map(f);
            (
                label.to_owned(),
                a.to_string(),
                b.map(|b| b.to_string()),
                b.map(|b| format!("{:+}", b as i128 - a as i128)),
            )
        };
    for (label, f) in [
        (
            "participants 人数",
            (|b: &Budget| b.participants) as fn(&Budget) -> u64,
        ),
        ("eligible 符合条件", |b| b.eligible),
        ("errors 错误", |b| b.errors),
    ] {
        let (l, a, b, d) = count(label, f);
        row(l, a, b, d);
    }
    let money: [MoneyRow; 4] = [
        ("gross fees 应收费用", |b| b.gross_fee),
        ("reductions 减免", |b| b.reduction_total),
        ("net fees 实收费用", |b| b.net_fee),
        ("subsidies 补助", |b| b.subsidy_total),
    ];
    for (label, f) in money {
        row(
            label.to_owned(),
            f(base).to_string(),
            reform.map(|r| f(r).to_string()),
            reform.map(|r| diff(f(base), f(r))),
        );
    }
    for (p, m) in &base.payers {
        let r = reform.and_then(|r| r.payers.get(p)).copied();
        row(
            format!("payer: {}", payer_name(policy, p)),
            m.to_string(),
            reform.map(|_| r.map(|x| x.to_string()).unwrap_or_default()),
            r.map(|x| diff(*m, x)),
        );
    }
    for (g, n) in &base.priority_groups {
        let r = reform.map(|r| r.priority_groups.get(g).copied().unwrap_or(0));
        row(
            format!("priority: {g}"),
            n.to_string(),
            r.map(|x| x.to_string()),
            r.map(|x| format!("{:+}", x as i128 - *n as i128)),
        );
    }
    for (c, n) in &base.categories {
        let r = reform.map(|r| r.categories.get(c).copied().unwrap_or(0));
        row(
            format!("category: {c}"),
            n.to_string(),
            r.map(|x| x.to_string()),
            r.map(|x| format!("{:+}", x as i128 - *n as i128)),
        );
    }
    writeln!(
        out,
        "{} — {}  (as of {}, amounts {})",
        policy.id(),
        policy.name(),
        base.as_of,
        policy.period().label()
    )
    .map_err(|e| Fail::io("output", e))?;
    writeln!(out, "{t}").map_err(|e| Fail::io("output", e))?;
    for e in &base.first_errors {
        writeln!(out, "  error: {e}").map_err(|e| Fail::io("output", e))?;
    }
    Ok(())
}
