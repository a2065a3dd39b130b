//! The audit: evaluate the participants, pay the staff, total the money, check every rule.

use super::context::Ctx;
use super::report::{FindingSeverity, Participation, Report, RewardLine, Subject};
use super::{
    accounts, averages, calendar, fees, figures, load, schedule, staffing, ProgramFile, Role,
};
use crate::error::{Error, PackErrors};
use crate::pack::{Pos, WorkflowKind};
use crate::policy::Policy;
use crate::text::Text;
use rust_decimal::Decimal;

/// Audits a program under its pack. `file` names the program file in error messages.
///
/// Errors: the program file does not fit the pack (an unknown payer, fee or split; an amount
/// finer than the pack's scale) — each at its line and column; a participant does not fit the
/// pack's inputs — each at its path `groups[g].participants[i].field`; or a participant
/// cannot be decided (e.g. the term starts outside the pack's validity).
pub fn audit(program: &ProgramFile, file: &str, policy: &Policy) -> Result<Report, Error> {
    let days = (program.term.to - program.term.from).num_days();
    if !(0..=calendar::MAX_TERM_DAYS).contains(&days) || program.term.periods == 0 {
        return Err(load::one(
            file,
            Pos::of(&program.id),
            "invalid",
            format!(
                "term: {} to {} with {} periods; a term lasts 0–{} days and covers at least one period",
                program.term.from,
                program.term.to,
                program.term.periods,
                calendar::MAX_TERM_DAYS
            ),
        ));
    }
    let mut cx = Ctx {
        program,
        policy,
        file,
        as_of: program.term.from,
        days: calendar::open_days(&program.term),
        findings: Vec::new(),
        errors: Vec::new(),
    };
    let people = accounts::evaluate(&mut cx)?;
    schedule::check(&mut cx);
    let staff = staffing::check(&mut cx)?;
    let money = accounts::money(&mut cx, &people, &staff)?;
    averages::check(&mut cx, &money, people.eligible)?;
    fees::check(&mut cx, &people)?;
    let rewards = rewards(&mut cx);
    unchecked_workflow(&mut cx);
    if !cx.errors.is_empty() {
        crate::error::in_source_order(&mut cx.errors);
        return Err(Error::Pack(PackErrors(cx.errors)));
    }
    let school_teachers: u64 = program
        .staff
        .iter()
        .filter(|s| s.role == Role::SchoolTeacher)
        .map(|s| u64::from(s.count))
        .sum();
    Ok(Report {
        program: program.id.value.clone(),
        name: program.name.clone(),
        pack: policy.id().to_owned(),
        kind: policy.kind(),
        from: program.term.from,
        to: program.term.to,
        periods: program.term.periods,
        open_days: u32::try_from(cx.days.len()).unwrap_or(u32::MAX),
        participation: Participation {
            groups: program.groups.len() as u64,
            participants: people.participants,
            eligible: people.eligible,
            enrolled: program.enrolled,
            rate_percent: program
                .enrolled
                .and_then(|e| figures::percent(people.participants.into(), e.into(), 1)),
            school_teachers,
            teachers_on_roll: program.teachers_on_roll,
            teacher_rate_percent: program
                .teachers_on_roll
                .and_then(|t| figures::percent(school_teachers.into(), t.into(), 2)),
        },
        staff: staff.lines,
        money,
        rewards,
        findings: cx.findings,
        assumptions: policy.assumptions(program.term.from),
    })
}

/// Workflow rules about case handling (review deadlines, response times, audit samples, fraud,
/// notices) concern events a program file does not record: each is a note saying it was not
/// checked, never a silent pass.
fn unchecked_workflow(cx: &mut Ctx) {
    use WorkflowKind as W;
    let policy = cx.policy;
    for r in &policy.pack().workflow {
        let (zh, en) = match r.kind {
            W::CollectPerPeriod | W::RewardThreshold => continue,
            W::ReviewDeadline => ("各申请的审核日期", "each application's review dates"),
            W::ResponseTime => ("每次服务响应的时间", "each call-out's response time"),
            W::AuditSample => ("每期回访抽查的记录", "each period's spot-check records"),
            W::RecoverOnFraud => (
                "骗取补助的案件及其处理",
                "cases of fraud and how they were handled",
            ),
            W::PublicNotice => ("政策变更的公告日期", "the date the change was made public"),
        };
        let check = serde_json::to_value(r.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        cx.find(
            &check,
            &r.id.value,
            FindingSeverity::Note,
            Subject::Program,
            Text::new(
                format!("未核查：项目文件不记录{zh}"),
                format!("not checked: a program file does not record {en}"),
            ),
            &r.cite,
        );
    }
}

fn rewards(cx: &mut Ctx) -> Vec<RewardLine> {
    // Every participant of a built group has a bed.
    let built: u64 = cx
        .program
        .groups
        .iter()
        .filter(|g| g.built == Some(true))
        .flat_map(|g| &g.participants)
        .map(|m| u64::from(m.count))
        .sum();
    let satisfaction: Option<Decimal> = cx.program.satisfaction.as_ref().map(|s| s.value.0);
    if let Some(s) = &cx.program.satisfaction {
        if s.value.0 < Decimal::ZERO || s.value.0 > Decimal::ONE {
            cx.error(
                Pos::of(s),
                format!(
                    "satisfaction {} must be a fraction between 0 and 1",
                    s.value.0
                ),
            );
        }
    }
    cx.policy
        .pack()
        .workflow
        .iter()
        .filter(|r| r.kind == WorkflowKind::RewardThreshold)
        .map(|r| {
            let count = r.count.unwrap_or(0);
            let share = r.share.map(|s| s.0);
            RewardLine {
                id: r.id.value.clone(),
                label: r.label.clone(),
                count,
                have: built,
                share,
                satisfaction,
                reached: built >= u64::from(count)
                    && share.is_none_or(|need| satisfaction.is_some_and(|s| s >= need)),
                cite: cx.cite(&r.cite),
            }
        })
        .collect()
}
