//! Fees collected against what the pack allows: per period and never in advance for a later
//! one, at most once a period where the fee says so, and never above what the participant's
//! decision makes due (the capped fee, less the reductions granted).

use super::accounts::People;
use super::context::{severity, total, Ctx};
use super::report::Subject;
use super::Collection;
use crate::error::Error;
use crate::money::Money;
use crate::pack::{Charging, Period, Pos, WorkflowKind};
use crate::text::Text;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// A pack period, as a sortable key: (year, month / ISO week / day of year, 0).
type PeriodKey = (i32, u32, u32);

/// The pack period a collection pays for (the one its first day falls in).
fn period_key(period: Period, c: &Collection, term_from: NaiveDate) -> PeriodKey {
    let d = c.covers.from;
    match period {
        Period::Day => (d.year(), d.ordinal(), 0),
        Period::Week => (d.iso_week().year(), d.iso_week().week(), 0),
        Period::Month => (d.year(), d.month(), 0),
        Period::Semester | Period::Year | Period::Once => (term_from.year(), 0, 0),
    }
}

fn label(key: PeriodKey, period: Period) -> String {
    match period {
        Period::Month => format!("{}-{:02}", key.0, key.1),
        Period::Week => format!("{}-W{:02}", key.0, key.1),
        Period::Day => format!("{} day {}", key.0, key.1),
        _ => "the term".into(),
    }
}

/// Checks every collection.
pub(crate) fn check(cx: &mut Ctx, people: &People) -> Result<(), Error> {
    let policy = cx.policy;
    let program = cx.program;
    let pack = policy.pack();
    let zero = cx.zero();
    let period = policy.period();
    let term = &program.term;
    // (participant, fee, period) → amounts; (participant, period) → total.
    let mut per_fee: BTreeMap<(String, String, PeriodKey), Vec<Money>> = BTreeMap::new();
    let mut per_period: BTreeMap<(String, PeriodKey), Money> = BTreeMap::new();
    for c in &program.collections {
        if !pack.fees.iter().any(|f| f.id.value == c.fee.value) {
            cx.error(
                Pos::of(&c.fee),
                format!("collection: `{}` is not a fee of the pack", c.fee.value),
            );
            continue;
        }
        let amount = cx.money(&c.amount, "collection");
        for r in pack
            .workflow
            .iter()
            .filter(|r| r.kind == WorkflowKind::CollectPerPeriod)
        {
            if c.covers.from < term.from || c.covers.last() > term.to {
                cx.find(
                    "collect_per_period",
                    &r.id.value,
                    severity(false),
                    Subject::Participant(c.participant.value.clone()),
                    Text::new(
                        format!(
                            "{}收取{amount}元，用于{}至{}，超出本学期{}至{}",
                            c.date,
                            c.covers.from,
                            c.covers.last(),
                            term.from,
                            term.to
                        ),
                        format!(
                            "{amount} collected {} for {} to {}, beyond the term {} to {}",
                            c.date,
                            c.covers.from,
                            c.covers.last(),
                            term.from,
                            term.to
                        ),
                    ),
                    &r.cite,
                );
            }
        }
        let key = period_key(period, c, term.from);
        per_fee
            .entry((c.participant.value.clone(), c.fee.value.clone(), key))
            .or_default()
            .push(amount);
        let t = per_period
            .entry((c.participant.value.clone(), key))
            .or_insert(zero);
        *t = total([*t, amount], zero)?;
    }
    let mut over_a_fee: Vec<(String, PeriodKey)> = Vec::new();
    for ((who, fee, key), amounts) in &per_fee {
        let Some(rule) = pack.fees.iter().find(|f| f.id.value == *fee) else {
            continue;
        };
        let when = label(*key, period);
        if rule.charged == Some(Charging::OncePerPeriod) && amounts.len() > 1 {
            cx.find(
                "once_per_period",
                fee,
                severity(false),
                Subject::Participant(who.clone()),
                Text::new(
                    format!("{when}收取{}次，每期只能收取一次", amounts.len()),
                    format!(
                        "collected {} times for {when}; once a period at most",
                        amounts.len()
                    ),
                ),
                &rule.cite,
            );
        }
        let collected = total(amounts.iter().copied(), zero)?;
        let decision = people.by_id.get(who);
        let due = decision
            .and_then(|d| d.fees.iter().find(|l| l.rule == *fee))
            .map_or(zero, |l| l.amount);
        if collected > due {
            over_a_fee.push((who.clone(), *key));
            cx.find(
                "fee_above_due",
                fee,
                severity(false),
                Subject::Participant(who.clone()),
                Text::new(
                    format!("{when}收取{collected}元，高于应收{due}元"),
                    format!("{collected} collected for {when}, above the {due} due"),
                ),
                &rule.cite,
            );
        }
    }
    for ((who, key), collected) in &per_period {
        let Some(d) = people.by_id.get(who) else {
            continue;
        };
        if *collected > d.net_fee && !over_a_fee.contains(&(who.clone(), *key)) {
            let first = d
                .reductions
                .first()
                .map(|l| l.rule.clone())
                .unwrap_or_default();
            let cite = pack
                .reductions
                .as_ref()
                .and_then(|g| g.rules.iter().find(|r| r.id.value == first))
                .and_then(|r| r.cite.clone());
            let when = label(*key, period);
            cx.find(
                "reduction_not_granted",
                &first,
                severity(false),
                Subject::Participant(who.clone()),
                Text::new(
                    format!("{when}收取{collected}元，减免后应收{}元", d.net_fee),
                    format!(
                        "{collected} collected for {when}; {} due after reductions",
                        d.net_fee
                    ),
                ),
                &cite,
            );
        }
    }
    Ok(())
}
