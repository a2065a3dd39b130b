//! Program rules — schedule, staffing, workflow — and earmarks: checked when the pack loads,
//! applied by a program audit (`program/`).

use super::Compiler;
use crate::expr::Type;
use crate::pack::{Id, Pack, Pos};
use crate::policy::{PackScope, Param};
use rust_decimal::Decimal;

/// The program rules (schedule, staffing, workflow) and earmarks: checked here, applied by a
/// program audit.
pub(super) fn check(pack: &Pack, c: &mut Compiler, params: &[Param]) {
    for m in &pack.earmarks {
        c.cite(&m.cite);
        match m.fraction() {
            None => c.error_at(
                Pos::of(&m.id),
                "invalid",
                format!(
                    "earmark `{}`: give exactly one of min_share (at least) and share (exactly)",
                    m.id.value
                ),
                None,
            ),
            Some((f, _)) if f < Decimal::ZERO || f > Decimal::ONE => c.error_at(
                Pos::of(&m.id),
                "invalid",
                format!(
                    "earmark `{}`: share {f} must be a fraction between 0 and 1",
                    m.id.value
                ),
                None,
            ),
            Some(_) => {}
        }
    }
    use crate::pack::{ScheduleKind as K, StaffingKind as S, WorkflowKind as W};
    let invalid = |c: &mut Compiler, id: &Id, what: &str, msg: String| {
        c.error_at(
            Pos::of(id),
            "invalid",
            format!("{what} rule `{}`: {msg}", id.value),
            None,
        );
    };
    c.unique_ids("schedule", pack.schedule.iter().map(|r| &r.id));
    for r in &pack.schedule {
        c.cite(&r.cite);
        if let Some(t) = &r.time {
            if chrono::NaiveTime::parse_from_str(t, "%H:%M").is_err() {
                invalid(c, &r.id, "schedule", format!("time `{t}` is not HH:MM"));
            }
        }
        for d in r.weekdays.iter().flatten() {
            if !["mon", "tue", "wed", "thu", "fri", "sat", "sun"].contains(&d.as_str()) {
                invalid(
                    c,
                    &r.id,
                    "schedule",
                    format!("`{d}` is not a weekday (mon … sun)"),
                );
            }
        }
        if r.count.is_some_and(|n| n.0 < Decimal::ZERO) {
            invalid(c, &r.id, "schedule", "`count` must not be negative".into());
        }
        if r.kind == K::MinItems && (r.count.is_none() || r.activity.is_none()) {
            invalid(
                c,
                &r.id,
                "schedule",
                "`min_items` needs `count` and `activity`".into(),
            );
        }
        if r.kind == K::OnlyOn && r.weekdays.is_none() {
            invalid(c, &r.id, "schedule", "`only_on` needs `weekdays`".into());
        }
        if r.may && r.in_principle {
            invalid(
                c,
                &r.id,
                "schedule",
                "a rule is either `may` (allowed) or `in_principle` (required in principle), not both".into(),
            );
        }
        if let Some(months) = &r.months {
            if !matches!(r.kind, K::EndBy | K::EndNotBefore | K::StartNotBefore) {
                invalid(
                    c,
                    &r.id,
                    "schedule",
                    "`months` is for clock-time rules (end_by, end_not_before, start_not_before)"
                        .into(),
                );
            }
            if months.is_empty() || months.iter().any(|m| !(1..=12).contains(m)) {
                invalid(c, &r.id, "schedule", "`months` are 1 to 12".into());
            }
        }
    }
    c.unique_ids("staffing", pack.staffing.iter().map(|r| &r.id));
    for r in &pack.staffing {
        c.cite(&r.cite);
        if r.may && r.in_principle {
            invalid(
                c,
                &r.id,
                "staffing",
                "a rule is either `may` (allowed) or `in_principle` (required in principle), not both".into(),
            );
        }
        match r.kind {
            S::MinParentVolunteers | S::MaxGroupSize if r.count.is_none() => {
                invalid(c, &r.id, "staffing", "this kind needs `count`".into());
            }
            S::InsidePerformancePay if r.value.is_none() => {
                invalid(
                    c,
                    &r.id,
                    "staffing",
                    "this kind needs `value: true|false`".into(),
                );
            }
            S::StipendPerHour => match &r.rate {
                None => invalid(c, &r.id, "staffing", "this kind needs `rate`".into()),
                Some(e) => {
                    // A stipend rate reads parameters only: it is not about one participant.
                    let scope = PackScope {
                        fields: &[],
                        tags: &[],
                        params,
                        choice_ids: Vec::new(),
                    };
                    c.expr(e, Type::Num, &scope);
                }
            },
            _ => {}
        }
    }
    c.unique_ids("workflow", pack.workflow.iter().map(|r| &r.id));
    for r in &pack.workflow {
        c.cite(&r.cite);
        if r.kind == W::PublicNotice && r.months.is_none() {
            invalid(
                c,
                &r.id,
                "workflow",
                "`public_notice` needs `months`".into(),
            );
        }
        if r.kind == W::RewardThreshold && (r.count.is_none() || r.share.is_none()) {
            invalid(
                c,
                &r.id,
                "workflow",
                "`reward_threshold` needs `count` and `share`".into(),
            );
        }
    }
    c.unique_ids("average", pack.averages.iter().map(|r| &r.id));
    for r in &pack.averages {
        c.cite(&r.cite);
        if !pack.payers.contains_key(&r.payer.value) {
            c.error_at(
                Pos::of(&r.payer),
                "unknown",
                format!(
                    "average rule `{}`: payer `{}` is not one of the pack's payers",
                    r.id.value, r.payer.value
                ),
                None,
            );
        }
        // An average's floor reads parameters only: it is about a program, not a participant.
        let scope = PackScope {
            fields: &[],
            tags: &[],
            params,
            choice_ids: Vec::new(),
        };
        c.expr(&r.at_least, Type::Num, &scope);
    }
}
