//! The money: participants' decisions totalled over the term, funds and matching, costs,
//! earmarks, and the split of every total between payers.

use super::context::{overflow, severity, total, Ctx};
use super::report::{EarmarkLine, FundLine, MoneyReport, Subject};
use super::staffing::Staffing;
use super::Member;
use crate::decision::Decision;
use crate::error::{Error, InputError};
use crate::money::Money;
use crate::pack::Pos;
use crate::policy::EvalOptions;
use crate::text::Text;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The participants evaluated, and their money over the term.
pub(crate) struct People {
    pub participants: u64,
    pub eligible: u64,
    pub gross_fee: Money,
    pub reduction_total: Money,
    pub net_fee: Money,
    pub subsidy_total: Money,
    pub unassigned: Money,
    pub payers: BTreeMap<String, Money>,
    /// Each decision by participant id (for fee collections).
    pub by_id: BTreeMap<String, Decision>,
}

/// `total + m × times`, exactly.
fn add_times(total: &mut Money, m: Money, times: u64) -> Result<(), Error> {
    let scale = total.amount().scale().max(m.amount().scale());
    let v = m
        .amount()
        .checked_mul(Decimal::from(times))
        .and_then(|x| total.amount().checked_add(x))
        .ok_or_else(|| overflow("program totals"))?;
    *total = Money::at_scale(v, scale);
    Ok(())
}

fn member_key(group: &str, i: usize, m: &Member) -> String {
    m.participant
        .id
        .clone()
        .unwrap_or_else(|| format!("groups[{group}].participants[{i}]"))
}

/// Evaluates every participant as of the term's first day, without explanations.
pub(crate) fn evaluate(cx: &mut Ctx) -> Result<People, Error> {
    let zero = cx.zero();
    let mut p = People {
        participants: 0,
        eligible: 0,
        gross_fee: zero,
        reduction_total: zero,
        net_fee: zero,
        subsidy_total: zero,
        unassigned: zero,
        payers: cx
            .policy
            .payers()
            .iter()
            .map(|(id, _)| (id.to_string(), zero))
            .collect(),
        by_id: BTreeMap::new(),
    };
    let periods = u64::from(cx.program.term.periods);
    let mut input_errors: Vec<InputError> = Vec::new();
    let options = EvalOptions { explain: false };
    for g in &cx.program.groups {
        for (i, m) in g.participants.iter().enumerate() {
            let d = match cx.policy.evaluate_with(&m.participant, cx.as_of, options) {
                Ok(d) => d,
                Err(Error::Input { errors }) => {
                    input_errors.extend(errors.into_iter().map(|mut e| {
                        e.path = format!("groups[{}].participants[{i}].{}", g.id.value, e.path);
                        e
                    }));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let count = u64::from(m.count);
            p.participants += count;
            let key = member_key(&g.id.value, i, m);
            if d.eligible {
                p.eligible += count;
                let times = count
                    .checked_mul(periods)
                    .ok_or_else(|| overflow("program totals"))?;
                add_times(&mut p.gross_fee, d.gross_fee, times)?;
                add_times(&mut p.reduction_total, d.reduction_total, times)?;
                add_times(&mut p.net_fee, d.net_fee, times)?;
                add_times(&mut p.subsidy_total, d.subsidy_total, times)?;
                let assigned = total(
                    d.splits
                        .iter()
                        .filter(|a| d.subsidies.iter().any(|l| l.rule == a.rule))
                        .map(|a| a.amount),
                    zero,
                )?;
                let unassigned = d
                    .subsidy_total
                    .checked_sub(assigned)
                    .ok_or_else(|| overflow("program totals"))?
                    .max(zero);
                add_times(&mut p.unassigned, unassigned, times)?;
                for (payer, amount) in &d.payers {
                    add_times(
                        p.payers.entry(payer.to_string()).or_insert(zero),
                        *amount,
                        times,
                    )?;
                }
                over_limit(cx, &key, m.count, &d);
            } else {
                not_eligible(cx, &key, m.count, &d);
            }
            if m.participant.id.is_some() {
                p.by_id.insert(key, d);
            }
        }
    }
    if input_errors.is_empty() {
        Ok(p)
    } else {
        Err(Error::Input {
            errors: input_errors,
        })
    }
}

/// A fee priced above the limit its source sets: a violation (the decision charges the limit).
fn over_limit(cx: &mut Ctx, key: &str, count: u32, d: &Decision) {
    let many = if count > 1 {
        format!(" (×{count})")
    } else {
        String::new()
    };
    let pack = cx.policy.pack();
    for line in &d.fees {
        let Some(asked) = line.over_limit else {
            continue;
        };
        let cite = pack
            .fees
            .iter()
            .find(|f| f.id.value == line.rule)
            .and_then(|f| f.cite.clone());
        cx.find(
            "fee_limit",
            &line.rule,
            severity(false),
            Subject::Participant(key.to_owned()),
            Text::new(
                format!(
                    "{}定价{asked}元{many}，超过政策规定的上限，按{}元计",
                    line.label.zh, line.amount
                ),
                format!(
                    "{} priced {asked}{many}, above the limit the source sets; charged {}",
                    line.label.en, line.amount
                ),
            ),
            &cite,
        );
    }
}

fn not_eligible(cx: &mut Ctx, key: &str, count: u32, d: &Decision) {
    let many = if count > 1 {
        format!(" (×{count})")
    } else {
        String::new()
    };
    let zh: Vec<&str> = d.reasons.iter().map(|r| r.message.zh.as_str()).collect();
    let en: Vec<&str> = d.reasons.iter().map(|r| r.message.en.as_str()).collect();
    let first = d.reasons.first();
    cx.findings.push(super::Finding {
        check: "not_eligible".into(),
        rule: first.map(|r| r.rule.to_string()).unwrap_or_default(),
        severity: severity(false),
        subject: Subject::Participant(key.to_owned()),
        message: Text::new(
            format!("不符合服务条件{many}：{}", zh.join("；")),
            format!("not eligible{many}: {}", en.join("; ")),
        ),
        cite: first.and_then(|r| r.cite.clone()),
    });
}

/// Totals the money of the term and checks funds and earmarks.
pub(crate) fn money(cx: &mut Ctx, people: &People, staff: &Staffing) -> Result<MoneyReport, Error> {
    let zero = cx.zero();
    let rounding = cx.policy.rounding();
    let program = cx.program;
    let other: Vec<(String, Money)> = program
        .costs
        .iter()
        .map(|c| (c.for_use.clone(), cx.money(&c.amount, "cost")))
        .collect();
    let other_costs = total(other.iter().map(|(_, m)| *m), zero)?;
    let total_cost = total([staff.pay, other_costs], zero)?;

    let fees_collected = if program.collections.is_empty() {
        None
    } else {
        let amounts: Vec<Money> = program
            .collections
            .iter()
            .map(|c| cx.money(&c.amount, "collection"))
            .collect();
        Some(total(amounts, zero)?)
    };

    let funds = funds(cx)?;
    let mut income_by: BTreeMap<String, Money> = people.payers.clone();
    for f in &funds {
        if let Some(m) = f.received.or(f.due) {
            income_by.insert(f.payer.clone(), m);
        }
    }
    if !people.unassigned.amount().is_zero() {
        income_by.insert("unassigned".to_owned(), people.unassigned);
    }
    let income = total(income_by.values().copied(), zero)?;
    let balance = income
        .checked_sub(total_cost)
        .ok_or_else(|| overflow("program balance"))?;

    let earmarks = earmarks(cx, &income_by, staff.pay, &other)?;

    // The costs split in proportion to who funds the program.
    let payers: Vec<&String> = income_by.keys().collect();
    let weights: Vec<Decimal> = income_by.values().map(|m| m.amount()).collect();
    let mut split = BTreeMap::new();
    let parts = |total: Money| -> Option<BTreeMap<String, Money>> {
        let v = rounding.allocate(total, &weights)?;
        Some(payers.iter().map(|p| (*p).clone()).zip(v).collect())
    };
    if let (Some(s), Some(o)) = (parts(staff.pay), parts(other_costs)) {
        let total: BTreeMap<String, Money> = s
            .iter()
            .map(|(p, m)| {
                Ok((
                    p.clone(),
                    total([*m, o.get(p).copied().unwrap_or(zero)], zero)?,
                ))
            })
            .collect::<Result<_, Error>>()?;
        split.insert("staff_pay".to_owned(), s);
        split.insert("other_costs".to_owned(), o);
        split.insert("total_cost".to_owned(), total);
    }

    let per = |m: Money| -> Option<Money> {
        (people.eligible > 0 && !m.amount().is_zero())
            .then(|| m.amount().checked_div(Decimal::from(people.eligible)))
            .flatten()
            .map(|d| rounding.round(d))
    };
    Ok(MoneyReport {
        gross_fee: people.gross_fee,
        reduction_total: people.reduction_total,
        net_fee: people.net_fee,
        fees_collected,
        subsidy_total: people.subsidy_total,
        subsidy_unassigned: people.unassigned,
        participant_payers: people.payers.clone(),
        staff_pay: staff.pay,
        staff_pay_inside_performance_pay: staff.inside_performance_pay,
        other_costs,
        total_cost,
        funds,
        income,
        income_by_payer: income_by.clone(),
        balance,
        earmarks,
        split,
        per_student_cost: per(total_cost),
        per_student_income: per(income),
    })
}

/// Funds received by payer, and what matching makes due.
fn funds(cx: &mut Ctx) -> Result<Vec<FundLine>, Error> {
    let zero = cx.zero();
    let payers = cx.policy.payers().to_vec();
    let program = cx.program;
    let policy = cx.policy;
    let mut received: BTreeMap<String, Money> = BTreeMap::new();
    for f in &program.funds {
        if !payers.iter().any(|(p, _)| *p == f.payer.value) {
            cx.error(
                Pos::of(&f.payer),
                format!("fund: `{}` is not a payer of the pack", f.payer.value),
            );
            continue;
        }
        let m = cx.money(&f.amount, "fund");
        let t = received.entry(f.payer.value.clone()).or_insert(zero);
        *t = total([*t, m], zero)?;
    }
    let mut due: BTreeMap<String, Money> = BTreeMap::new();
    let mut split_cite = None;
    if let Some(m) = &program.matching {
        let pack = policy.pack();
        match pack.splits.get(&m.split.value) {
            None => cx.error(
                Pos::of(&m.split),
                format!("matching: `{}` is not a split of the pack", m.split.value),
            ),
            Some(s) => {
                split_cite = s.cite.clone();
                let parts = &s.parts.value;
                let anchor = parts.get(&m.anchor.value).map(|w| w.0);
                match (anchor, received.get(&m.anchor.value).copied()) {
                    (None, _) => cx.error(
                        Pos::of(&m.anchor),
                        format!(
                            "matching: `{}` has no share in split `{}`",
                            m.anchor.value, m.split.value
                        ),
                    ),
                    (Some(w), _) if w <= Decimal::ZERO => cx.error(
                        Pos::of(&m.anchor),
                        format!("matching: `{}` has a zero share", m.anchor.value),
                    ),
                    (_, None) => cx.error(
                        Pos::of(&m.anchor),
                        format!("matching: no funds listed for `{}`", m.anchor.value),
                    ),
                    (Some(w), Some(base)) => {
                        for (p, wp) in parts.iter().filter(|(p, _)| **p != m.anchor.value) {
                            match base
                                .amount()
                                .checked_mul(wp.0)
                                .and_then(|x| x.checked_div(w))
                            {
                                Some(x) => {
                                    due.insert(p.clone(), cx.policy.rounding().round(x));
                                }
                                None => cx.error(
                                    Pos::of(&m.split),
                                    "matching: the amount is out of range".into(),
                                ),
                            }
                        }
                    }
                }
            }
        }
    }
    let mut lines = Vec::new();
    for (p, label) in &payers {
        let r = received.get(p.as_str()).copied();
        let d = due.get(p.as_str()).copied();
        if let (Some(r), Some(d)) = (r, d) {
            if r < d {
                let short = Money::at_scale(d.amount() - r.amount(), d.amount().scale());
                let rule = cx
                    .program
                    .matching
                    .as_ref()
                    .map(|m| m.split.value.clone())
                    .unwrap_or_default();
                cx.find(
                    "matching",
                    &rule,
                    severity(false),
                    Subject::Payer(p.to_string()),
                    Text::new(
                        format!("{}应配套{d}元，到位{r}元，差{short}元", label.zh),
                        format!(
                            "{} owes {d} in matching funds, received {r}: {short} short",
                            label.en
                        ),
                    ),
                    &split_cite,
                );
            }
        }
        if r.is_some() || d.is_some() {
            lines.push(FundLine {
                payer: p.to_string(),
                label: label.clone(),
                received: r,
                due: d,
            });
        }
    }
    Ok(lines)
}

fn earmarks(
    cx: &mut Ctx,
    income_by: &BTreeMap<String, Money>,
    staff_pay: Money,
    other: &[(String, Money)],
) -> Result<Vec<EarmarkLine>, Error> {
    let zero = cx.zero();
    let rounding = cx.policy.rounding();
    let unit = Decimal::new(1, rounding.scale);
    let policy = cx.policy;
    let program = cx.program;
    let mut lines = Vec::new();
    for (id, payers) in &program.earmarked {
        if !policy.pack().earmarks.iter().any(|e| e.id.value == *id) {
            let pos = payers.first().map(Pos::of).unwrap_or_default();
            cx.error(
                pos,
                format!("earmarked: `{id}` is not an earmark of the pack"),
            );
        }
        for p in payers {
            if !policy.payers().iter().any(|(x, _)| *x == p.value) {
                cx.error(
                    Pos::of(p),
                    format!("earmarked: `{}` is not a payer of the pack", p.value),
                );
            }
        }
    }
    for e in &policy.pack().earmarks {
        let income = match program.earmarked.get(&e.id.value) {
            Some(payers) => total(
                payers
                    .iter()
                    .filter_map(|p| income_by.get(&p.value).copied()),
                zero,
            )?,
            None => total(income_by.values().copied(), zero)?,
        };
        let uses: Vec<String> = cx
            .program
            .uses
            .get(&e.for_use)
            .cloned()
            .unwrap_or_else(|| vec![e.for_use.clone()]);
        let mut spent = total(
            other
                .iter()
                .filter(|(u, _)| uses.contains(u))
                .map(|(_, m)| *m),
            zero,
        )?;
        if uses.iter().any(|u| u == "staff") {
            spent = total([spent, staff_pay], zero)?;
        }
        // A pack that loads has exactly one of min_share and share.
        let (fraction, exact) = e.fraction().unwrap_or((Decimal::ONE, false));
        let need = income.amount().checked_mul(fraction);
        let required = need
            .and_then(|n| n.checked_div(unit))
            .map(|u| {
                let units = if exact {
                    u.round_dp_with_strategy(
                        0,
                        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                    )
                } else {
                    u.ceil()
                };
                Money::at_scale(units * unit, rounding.scale)
            })
            .unwrap_or(income);
        let met = if exact {
            spent.amount() == required.amount()
        } else {
            need.is_none_or(|n| spent.amount() >= n)
        };
        let share_percent = super::figures::percent(spent.amount(), income.amount(), 2);
        let percent = (fraction * Decimal::ONE_HUNDRED).normalize();
        let used = share_percent.unwrap_or_default();
        if !met {
            let message = if exact {
                Text::new(
                    format!(
                        "用于{}的{spent}元占经费{income}元的{used}%，不是规定的{percent}%（应为{required}元）",
                        e.for_use
                    ),
                    format!(
                        "{spent} spent on {} is {used}% of the fund {income}, not exactly {percent}% ({required})",
                        e.for_use
                    ),
                )
            } else {
                Text::new(
                    format!(
                        "用于{}的{spent}元占经费{income}元的{used}%，不足{percent}%（至少{required}元）",
                        e.for_use
                    ),
                    format!(
                        "{spent} spent on {} is {used}% of the fund {income}, under {percent}% (at least {required})",
                        e.for_use
                    ),
                )
            };
            cx.find(
                "earmark",
                &e.id.value,
                severity(false),
                Subject::Program,
                message,
                &e.cite,
            );
        }
        lines.push(EarmarkLine {
            id: e.id.value.clone(),
            label: e.label.clone(),
            for_use: e.for_use.clone(),
            fund: income,
            share: fraction,
            exact,
            spent,
            required,
            share_percent,
            met,
        });
    }
    Ok(lines)
}
