//! `huimin audit PROGRAM_FILE`: a program's staff, money and compliance findings.

use crate::{Fail, Format};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use huimin_core::program::{self, Report};
use huimin_core::{Money, Policy};
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(header.to_vec());
    t
}

fn right(s: impl ToString) -> Cell {
    Cell::new(s.to_string()).set_alignment(CellAlignment::Right)
}

fn opt(m: Option<Money>) -> String {
    m.map(|m| m.to_string()).unwrap_or_else(|| "—".into())
}

/// Audits a program file and prints the report. Exit code 0 when the audit ran (findings or
/// not); errors in the program file or its pack exit 1 with every problem at its place.
pub(crate) fn run(path: &Path, format: Format) -> Result<u8, Fail> {
    let (spec, policy) = program::load(path).map_err(Fail::pack)?;
    let report = program::audit(&spec, &path.display().to_string(), &policy).map_err(Fail::pack)?;
    let text = match format {
        Format::Json => {
            serde_json::to_string_pretty(&report.to_json()).map_err(|e| Fail::io("output", e))?
        }
        Format::Csv => findings_csv(&report)?,
        Format::Table => readable(&report, &policy),
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| Fail::io("output", e))?;
    Ok(0)
}

fn findings_csv(r: &Report) -> Result<String, Fail> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Fail::io("output", e);
    w.write_record(["check", "rule", "severity", "subject", "message", "cite"])
        .map_err(io)?;
    for f in &r.findings {
        let severity = serde_json::to_value(f.severity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        w.write_record([
            f.check.clone(),
            f.rule.clone(),
            severity,
            f.subject.to_string(),
            f.message.to_string(),
            f.cite.as_ref().map(|c| c.to_string()).unwrap_or_default(),
        ])
        .map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| Fail::io("output", e))?;
    Ok(String::from_utf8_lossy(&bytes).trim_end().to_owned())
}

fn payer(policy: &Policy, id: &str) -> String {
    policy
        .payers()
        .iter()
        .find(|(p, _)| p == id)
        .map(|(_, t)| format!("{id} {}", t.zh))
        .unwrap_or_else(|| id.to_owned())
}

fn readable(r: &Report, policy: &Policy) -> String {
    let mut s = String::new();
    let name = r.name.as_ref().map(|n| n.to_string()).unwrap_or_default();
    let _ = writeln!(s, "{} {name}", r.program);
    let _ = writeln!(
        s,
        "pack 政策: {} — {}  term 学期: {} to {} ({} open days 开放日, {} × {})",
        r.pack,
        policy.name(),
        r.from,
        r.to,
        r.open_days,
        r.periods,
        policy.period().label()
    );
    let p = &r.participation;
    let _ = write!(
        s,
        "participants 参加: {} in {} groups, {} eligible",
        p.participants, p.groups, p.eligible
    );
    if let (Some(e), Some(rate)) = (p.enrolled, p.rate_percent) {
        let _ = write!(s, "; {rate}% of {e} enrolled 在籍");
    }
    if let (Some(t), Some(rate)) = (p.teachers_on_roll, p.teacher_rate_percent) {
        let _ = write!(s, "; teachers {rate}% of {t}");
    }
    let _ = writeln!(s);

    if !r.staff.is_empty() {
        let mut t = table(&[
            "staff 人员",
            "role 身份",
            "×",
            "hours 小时",
            "rate 元/时",
            "pay 报酬",
            "in perf. pay 计入绩效",
        ]);
        for l in &r.staff {
            let role = serde_json::to_value(l.role)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            t.add_row(vec![
                Cell::new(&l.id),
                Cell::new(role),
                right(l.count),
                right(l.hours),
                right(opt(l.rate)),
                right(l.pay),
                Cell::new(match l.inside_performance_pay {
                    Some(true) => "yes 是",
                    Some(false) => "no 否",
                    None => "",
                }),
            ]);
        }
        let _ = writeln!(s, "\n{t}");
    }

    let m = &r.money;
    let mut t = table(&["money 资金", "元"]);
    let rows: Vec<(&str, String)> = vec![
        ("fees charged 应收费用", m.gross_fee.to_string()),
        ("reductions 减免", m.reduction_total.to_string()),
        ("fees due 减免后应收", m.net_fee.to_string()),
        ("fees collected 实收", opt(m.fees_collected)),
        ("subsidies due 补助", m.subsidy_total.to_string()),
        ("staff pay 人员报酬", m.staff_pay.to_string()),
        (
            "  inside performance pay 计入绩效",
            m.staff_pay_inside_performance_pay.to_string(),
        ),
        ("other costs 其他支出", m.other_costs.to_string()),
        ("total cost 总支出", m.total_cost.to_string()),
        ("income 经费", m.income.to_string()),
        ("balance 结余", m.balance.to_string()),
        ("per student cost 生均支出", opt(m.per_student_cost)),
        ("per student income 生均经费", opt(m.per_student_income)),
    ];
    for (k, v) in rows {
        t.add_row(vec![Cell::new(k), right(v)]);
    }
    let _ = writeln!(s, "\n{t}");

    if !m.funds.is_empty() {
        let mut t = table(&["payer 出资方", "received 到位", "due 应配套"]);
        for f in &m.funds {
            t.add_row(vec![
                Cell::new(payer(policy, &f.payer)),
                right(opt(f.received)),
                right(opt(f.due)),
            ]);
        }
        let _ = writeln!(s, "\n{t}");
    }
    if !m.split.is_empty() {
        let payers: Vec<&String> =
            m.split
                .values()
                .flat_map(|v| v.keys())
                .fold(Vec::new(), |mut acc, k| {
                    if !acc.contains(&k) {
                        acc.push(k);
                    }
                    acc
                });
        let mut header = vec!["split 分担".to_owned()];
        header.extend(payers.iter().map(|p| payer(policy, p)));
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED);
        t.set_header(header);
        for (total, parts) in &m.split {
            let mut row = vec![Cell::new(total)];
            row.extend(
                payers
                    .iter()
                    .map(|p| right(parts.get(*p).map(Money::to_string).unwrap_or_default())),
            );
            t.add_row(row);
        }
        let _ = writeln!(s, "\n{t}");
    }
    for e in &m.earmarks {
        let _ = writeln!(
            s,
            "earmark 专款 {}: {} spent on {} = {}% of {} (needs {} {}%, {} {}) — {}",
            e.id,
            e.spent,
            e.for_use,
            e.share_percent
                .map(|p| p.to_string())
                .unwrap_or_else(|| "—".into()),
            m.income,
            if e.exact { "exactly" } else { "≥" },
            (e.share * rust_decimal::Decimal::ONE_HUNDRED).normalize(),
            if e.exact { "that is" } else { "at least" },
            e.required,
            if e.met {
                "met 达标"
            } else {
                "NOT MET 未达标"
            }
        );
    }
    for w in &r.rewards {
        let _ = writeln!(
            s,
            "reward 奖励 {}: {} of {} built, satisfaction {} (needs {}) — {}",
            w.id,
            w.have,
            w.count,
            w.satisfaction
                .map(|x| x.to_string())
                .unwrap_or_else(|| "—".into()),
            w.share.map(|x| x.to_string()).unwrap_or_else(|| "—".into()),
            if w.reached {
                "reached 达到"
            } else {
                "not reached 未达到"
            }
        );
    }

    let assumed: Vec<_> = r.assumptions.iter().collect();
    for line in crate::output::footnotes(&assumed) {
        let _ = writeln!(s, "{line}");
    }

    if r.findings.is_empty() {
        let _ = writeln!(
            s,
            "\nfindings 问题: none 无 — every rule of the pack is kept"
        );
    } else {
        let _ = writeln!(s, "\nfindings 问题: {}", r.findings.len());
        for (i, f) in r.findings.iter().enumerate() {
            let severity = serde_json::to_value(f.severity)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "{:>3}. [{severity}] {} ({} / {}): {}",
                i + 1,
                f.subject,
                f.check,
                f.rule,
                f.message
            );
            if let Some(c) = &f.cite {
                let _ = writeln!(s, "     {c}");
            }
        }
    }
    s.trim_end().to_owned()
}
