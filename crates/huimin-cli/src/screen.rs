//! `huimin screen HOUSEHOLD --as-of DATE`: every program in force for every member of a
//! household — what the family pays, what is paid for it, why not, or what is still needed.

use crate::{demo, say, Fail, Format};
use chrono::NaiveDate;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use huimin_core::screen::{Outcome, Screening};
use huimin_core::{Household, Registry};
use std::path::Path;

/// Screens the household in `file` under the packs of `packs` (with the values of `values`),
/// or under the embedded seed packs and their example values.
pub(crate) fn run(
    file: &Path,
    as_of: NaiveDate,
    packs: Option<&Path>,
    values: Option<&Path>,
    place: Option<&str>,
    format: Format,
) -> Result<u8, Fail> {
    let registry = match packs {
        Some(dir) => Registry::from_dir(dir, values).map_err(Fail::pack)?,
        None => Registry::new(demo::seed_policies()?),
    };
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|e| Fail::io(&name, e))?;
    // A household that is not JSON is named by line and column; one whose fields are wrong,
    // by each field's path (`members[1].age`).
    let household = serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| Fail {
            code: 1,
            message: format!("{name}:{}:{}: not JSON: {e}", e.line(), e.column()),
        })
        .and_then(|v| {
            Household::from_json_value(&v).map_err(|errors| Fail {
                code: 1,
                message: format!("{name}: {}", huimin_core::Error::Input { errors }),
            })
        })?;
    let s = registry
        .screen_within(&household, as_of, place)
        .map_err(Fail::pack)?;
    match format {
        Format::Json => {
            let json = serde_json::to_string_pretty(&s).map_err(|e| Fail::io("output", e))?;
            say!("{json}")?;
        }
        Format::Table | Format::Csv => say!("{}", table(&s))?,
    }
    Ok(0)
}

fn right(s: impl ToString) -> Cell {
    Cell::new(s.to_string()).set_alignment(CellAlignment::Right)
}

/// The screening as a table, one row per member and program, then the yearly totals.
pub(crate) fn table(s: &Screening) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header([
        "member 成员",
        "program 项目",
        "family pays 家庭支付",
        "a year 每年",
        "paid for them 补助",
        "why or what is needed 说明",
    ]);
    for l in &s.lines {
        let per = l.period.label();
        let (pays, year, subsidy, note) = match &l.outcome {
            Outcome::Eligible {
                net_fee,
                subsidy_total,
                net_fee_per_year,
                estimated,
                priority_groups,
                entitlements,
                ..
            } => {
                let star = |f: &str| {
                    if estimated.iter().any(|e| e == f) {
                        "*"
                    } else {
                        ""
                    }
                };
                let year = net_fee_per_year.map_or_else(|| "—".to_owned(), |y| y.to_string());
                let groups = if priority_groups.is_empty() {
                    String::new()
                } else {
                    format!("priority 优先: {}", priority_groups.join(", "))
                };
                (
                    format!("{net_fee}{} /{}", star("net_fee"), per.zh),
                    year,
                    format!("{subsidy_total}{}", star("subsidy_total")),
                    format!(
                        "eligible 符合 {groups}{}",
                        entitlements
                            .iter()
                            .map(|e| format!(
                                "\n{} {}{} /{}",
                                e.label.zh,
                                if e.at_least { "≥" } else { "" },
                                e.count,
                                e.per.label().zh
                            ))
                            .collect::<String>()
                    ),
                )
            }
            Outcome::NotEligible { reasons } => (
                "—".into(),
                "—".into(),
                "—".into(),
                format!(
                    "not eligible 不符合: {}",
                    reasons
                        .iter()
                        .map(|r| r.message.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ),
            Outcome::Needs { inputs } => (
                "?".into(),
                "?".into(),
                "?".into(),
                format!(
                    "needs 需要: {}",
                    inputs
                        .iter()
                        .map(|n| format!("{} ({})", n.name, n.label))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ),
            Outcome::Invalid { errors } => (
                "!".into(),
                "!".into(),
                "!".into(),
                format!(
                    "invalid 有误: {}",
                    errors
                        .iter()
                        .map(|e| format!("{}: {}", e.path, e.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ),
        };
        t.add_row(vec![
            Cell::new(&l.member),
            Cell::new(format!("{}\n{}", l.name.zh, l.pack)),
            right(pays),
            right(year),
            right(subsidy),
            Cell::new(note),
        ]);
    }
    let mut out = format!(
        "{t}\nacross these programs, the family pays a year 以上项目家庭每年支付: {}",
        s.family_pays_per_year
    );
    for (payer, m) in &s.per_year_by_payer {
        out.push_str(&format!("\n  {payer}: {m} a year 每年"));
    }
    if !s.not_annualised.is_empty() {
        out.push_str(&format!(
            "\n  not in the yearly totals (no yearly conversion) 未计入年度合计: {}",
            s.not_annualised.join(", ")
        ));
    }
    out
}
