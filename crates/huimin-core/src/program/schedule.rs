//! The timetable against the pack's schedule rules.
//!
//! A rule concerns a session when its `stage`, `grades` and `activity` (those it gives) match
//! the session's group and activity. Among the rules of one kind that concern a session, only
//! the most specific govern it: a junior evening-study rule "ends by 20:30" replaces the
//! general "ends by 18:00" for evening study, and leaves it in force for everything else.
//! Per-session rules look at each session; per-day rules add up a group's governed sessions on
//! each weekday; per-month rules add them up over the open days of each whole month.

use super::calendar::{whole_months, Clock, Weekday};
use super::context::{rule_severity, Ctx};
use super::report::{FindingSeverity, Subject};
use super::{Group, Session};
use crate::pack::{Pos, ScheduleKind as K, ScheduleRule};
use crate::text::Text;
use chrono::Datelike;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn matches_group(r: &ScheduleRule, g: &Group) -> bool {
    r.stage
        .as_ref()
        .is_none_or(|st| g.stage.as_ref() == Some(st))
        && r.grades
            .as_ref()
            .is_none_or(|gr| g.grades.iter().any(|x| gr.contains(x)))
}

fn concerns(r: &ScheduleRule, g: &Group, s: &Session) -> bool {
    matches_group(r, g) && r.activity.as_ref().is_none_or(|a| *a == s.activity)
}

fn specificity(r: &ScheduleRule) -> u8 {
    u8::from(r.stage.is_some())
        + u8::from(r.grades.is_some())
        + u8::from(r.activity.is_some())
        + u8::from(r.months.is_some())
}

/// Whether `r` is in force in `month` (a rule without months is in force all year).
fn in_month(r: &ScheduleRule, month: u32) -> bool {
    r.months.as_ref().is_none_or(|m| m.contains(&month))
}

/// Whether `r` governs session `s` of group `g` in `month`: it concerns it then, and no rule
/// of its kind that also does is more specific.
fn governs_in(
    rules: &[ScheduleRule],
    r: &ScheduleRule,
    g: &Group,
    s: &Session,
    month: u32,
) -> bool {
    let applies = |o: &ScheduleRule| concerns(o, g, s) && in_month(o, month);
    applies(r)
        && !rules
            .iter()
            .any(|o| o.kind == r.kind && applies(o) && specificity(o) > specificity(r))
}

/// Whether `r` governs session `s` of group `g` on some day of the term: in some month of
/// the open days on its weekday (of every day of the term, if none is open on it).
fn governs(cx: &Ctx, rules: &[ScheduleRule], r: &ScheduleRule, g: &Group, s: &Session) -> bool {
    let on_weekday: Vec<u32> = cx
        .days
        .iter()
        .filter(|d| Weekday::of(**d) == s.weekday)
        .map(Datelike::month)
        .collect();
    let term = &cx.program.term;
    let mut months: Vec<u32> = if on_weekday.is_empty() {
        term.from
            .iter_days()
            .take_while(|d| *d <= term.to)
            .map(|d| d.month())
            .collect()
    } else {
        on_weekday
    };
    months.sort_unstable();
    months.dedup();
    months.into_iter().any(|m| governs_in(rules, r, g, s, m))
}

/// The rule's clock time, or the program's local value for it.
fn time(cx: &mut Ctx, r: &ScheduleRule) -> Option<Clock> {
    if let Some(t) = &r.time {
        return Clock::parse(t);
    }
    let local = cx.program.local.get(&r.id.value)?;
    let c = Clock::parse(&local.value);
    if c.is_none() {
        cx.error(
            Pos::of(local),
            format!(
                "local `{}`: `{}` is not a clock time HH:MM",
                r.id.value, local.value
            ),
        );
    }
    c
}

/// The rule's count, or the program's local value for it.
fn count(cx: &mut Ctx, r: &ScheduleRule) -> Option<Decimal> {
    if let Some(c) = r.count {
        return Some(c.0);
    }
    let local = cx.program.local.get(&r.id.value)?;
    let c = crate::money::parse_decimal(local.value.trim());
    if c.is_none() {
        cx.error(
            Pos::of(local),
            format!("local `{}`: `{}` is not a number", r.id.value, local.value),
        );
    }
    c
}

fn unchecked(cx: &mut Ctx, r: &ScheduleRule, what: &str) {
    cx.find(
        &kind_id(r.kind),
        &r.id.value,
        FindingSeverity::Note,
        Subject::Program,
        Text::new(
            format!(
                "未核查：政策包未给出{what}，可在项目文件 local.{} 中填写当地标准",
                r.id.value
            ),
            format!(
                "not checked: the pack gives no {what}; state the local value as `local.{}`",
                r.id.value
            ),
        ),
        &r.cite,
    );
}

/// A rule for a stage or for grades cannot be applied to a group whose stage or grades the
/// program does not give: a note for each such group with sessions the rule could concern,
/// never a silent pass.
fn undecided(cx: &mut Ctx, r: &ScheduleRule) {
    let program = cx.program;
    for g in &program.groups {
        let stage_unknown = r.stage.is_some() && g.stage.is_none();
        let grades_unknown = r.grades.is_some()
            && g.grades.is_empty()
            && r.stage
                .as_ref()
                .is_none_or(|st| g.stage.as_ref().is_none_or(|gs| gs == st));
        let concerned = program.sessions.iter().any(|s| {
            s.group.value == g.id.value && r.activity.as_ref().is_none_or(|a| *a == s.activity)
        });
        if !(stage_unknown || grades_unknown) || !concerned {
            continue;
        }
        let (zh, en) = if stage_unknown {
            ("学段", "stage")
        } else {
            ("年级", "grades")
        };
        cx.find(
            &kind_id(r.kind),
            &r.id.value,
            FindingSeverity::Note,
            Subject::Group(g.id.value.clone()),
            Text::new(
                format!("未核查：本组未写明{zh}（groups[].{en}），无法判断此规则是否适用"),
                format!(
                    "not checked: the group does not give its {en} (groups[].{en}), so whether \
                     this rule applies to it cannot be told"
                ),
            ),
            &r.cite,
        );
    }
}

/// The snake-case id of a kind, as findings report it.
fn kind_id(k: K) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Checks every schedule rule of the pack.
pub(crate) fn check(cx: &mut Ctx) {
    let policy = cx.policy;
    let rules = &policy.pack().schedule;
    for r in rules {
        undecided(cx, r);
        match r.kind {
            K::EndBy | K::StartNotBefore | K::EndNotBefore => match time(cx, r) {
                Some(t) => clock_rule(cx, rules, r, t),
                None => unchecked(cx, r, "时刻 (a clock time)"),
            },
            K::OnlyOn | K::NoWrittenHomework | K::NoSubjectHomework => session_rule(cx, rules, r),
            K::MinItems => match count(cx, r) {
                Some(n) => items_rule(cx, rules, r, n),
                None => unchecked(cx, r, "数量 (a count)"),
            },
            K::MaxMinutesPerDay
            | K::MinMinutesPerDay
            | K::MaxClassHoursPerDay
            | K::MaxPeriodsOfActivity
            | K::MinDaysPerWeek
            | K::MinMinutesPerMonth => match count(cx, r) {
                Some(n) => count_rule(cx, rules, r, n),
                None => unchecked(cx, r, "数量 (a count)"),
            },
        }
    }
}

/// The sessions `r` governs, group by group.
fn governed<'p>(
    cx: &Ctx<'p>,
    rules: &[ScheduleRule],
    r: &ScheduleRule,
) -> Vec<(&'p Group, Vec<&'p Session>)> {
    let program = cx.program;
    program
        .groups
        .iter()
        .filter(|g| matches_group(r, g))
        .map(|g| {
            let sessions = program
                .sessions
                .iter()
                .filter(|s| s.group.value == g.id.value && governs(cx, rules, r, g, s))
                .collect();
            (g, sessions)
        })
        .collect()
}

fn clock_rule(cx: &mut Ctx, rules: &[ScheduleRule], r: &ScheduleRule, t: Clock) {
    let sev = rule_severity(r.in_principle, r.may);
    let check = kind_id(r.kind);
    for (g, sessions) in governed(cx, rules, r) {
        match r.kind {
            K::EndBy => {
                for s in sessions.iter().filter(|s| s.end > t) {
                    cx.find(
                        &check,
                        &r.id.value,
                        sev,
                        Subject::Session(s.id.value.clone()),
                        Text::new(
                            format!("{}{}结束，晚于{t}", s.weekday.zh(), s.end),
                            format!("ends {} {}, after {t}", s.weekday.id(), s.end),
                        ),
                        &r.cite,
                    );
                }
            }
            K::StartNotBefore => {
                for s in sessions.iter().filter(|s| s.start < t) {
                    cx.find(
                        &check,
                        &r.id.value,
                        sev,
                        Subject::Session(s.id.value.clone()),
                        Text::new(
                            format!("{}{}开始，早于{t}", s.weekday.zh(), s.start),
                            format!("starts {} {}, before {t}", s.weekday.id(), s.start),
                        ),
                        &r.cite,
                    );
                }
            }
            _ => {
                // Ends not before: the last session of each day.
                let mut last: BTreeMap<Weekday, Clock> = BTreeMap::new();
                for s in &sessions {
                    let e = last.entry(s.weekday).or_insert(s.end);
                    *e = (*e).max(s.end);
                }
                for (day, end) in last.into_iter().filter(|(_, e)| *e < t) {
                    cx.find(
                        &check,
                        &r.id.value,
                        sev,
                        Subject::Group(g.id.value.clone()),
                        Text::new(
                            format!("{}{end}结束，早于{t}", day.zh()),
                            format!("ends {} {end}, before {t}", day.id()),
                        ),
                        &r.cite,
                    );
                }
            }
        }
    }
}

fn session_rule(cx: &mut Ctx, rules: &[ScheduleRule], r: &ScheduleRule) {
    let sev = rule_severity(r.in_principle, r.may);
    let check = kind_id(r.kind);
    let allowed: Vec<&str> = r.weekdays.iter().flatten().map(String::as_str).collect();
    for (_, sessions) in governed(cx, rules, r) {
        for s in sessions {
            let msg = match r.kind {
                K::OnlyOn if !allowed.contains(&s.weekday.id()) => Text::new(
                    format!("{}开展，只应在{}", s.weekday.zh(), allowed.join("、")),
                    format!(
                        "held on {}, allowed only {}",
                        s.weekday.id(),
                        allowed.join(", ")
                    ),
                ),
                K::NoWrittenHomework if s.written_homework => {
                    Text::new("布置了书面作业", "written homework is set")
                }
                K::NoSubjectHomework if s.subject_homework => {
                    Text::new("加留了学科作业", "subject homework is added")
                }
                _ => continue,
            };
            cx.find(
                &check,
                &r.id.value,
                sev,
                Subject::Session(s.id.value.clone()),
                msg,
                &r.cite,
            );
        }
    }
}

/// Each group with participants offers at least `n` distinct items in the sessions the rule
/// governs.
fn items_rule(cx: &mut Ctx, rules: &[ScheduleRule], r: &ScheduleRule, n: Decimal) {
    let sev = rule_severity(r.in_principle, r.may);
    let check = kind_id(r.kind);
    for (g, sessions) in governed(cx, rules, r) {
        if g.participants.is_empty() {
            continue;
        }
        let items: std::collections::BTreeSet<&str> = sessions
            .iter()
            .flat_map(|s| s.items.iter().map(String::as_str))
            .collect();
        let have = Decimal::from(items.len());
        if have < n {
            let list = items.into_iter().collect::<Vec<_>>();
            cx.find(
                &check,
                &r.id.value,
                sev,
                Subject::Group(g.id.value.clone()),
                Text::new(
                    format!("提供{have}种（{}），少于{n}种", list.join("、")),
                    format!("{have} kinds offered ({}), fewer than {n}", list.join(", ")),
                ),
                &r.cite,
            );
        }
    }
}

fn count_rule(cx: &mut Ctx, rules: &[ScheduleRule], r: &ScheduleRule, n: Decimal) {
    let sev = rule_severity(r.in_principle, r.may);
    let check = kind_id(r.kind);
    let minutes = |s: &Session| Decimal::from(s.end.minutes().saturating_sub(s.start.minutes()));
    for (g, sessions) in governed(cx, rules, r) {
        if sessions.is_empty() && (r.activity.is_some() || g.participants.is_empty()) {
            continue;
        }
        let subject = || Subject::Group(g.id.value.clone());
        let mut by_day: BTreeMap<Weekday, (Decimal, Decimal)> = BTreeMap::new();
        for s in &sessions {
            let e = by_day.entry(s.weekday).or_default();
            e.0 = e.0.saturating_add(minutes(s));
            e.1 = e.1.saturating_add(Decimal::from(s.periods));
        }
        match r.kind {
            K::MinDaysPerWeek => {
                let days = Decimal::from(by_day.len());
                if days < n {
                    cx.find(
                        &check,
                        &r.id.value,
                        sev,
                        subject(),
                        Text::new(
                            format!("每周开展{days}天，少于{n}天"),
                            format!("{days} days a week, fewer than {n}"),
                        ),
                        &r.cite,
                    );
                }
            }
            K::MinMinutesPerMonth => {
                let days = cx.days.clone();
                for (y, m) in whole_months(&cx.program.term) {
                    let total: Decimal = days
                        .iter()
                        .filter(|d| d.year() == y && d.month() == m)
                        .filter_map(|d| by_day.get(&Weekday::of(*d)))
                        .map(|v| v.0)
                        .sum();
                    if total < n {
                        cx.find(
                            &check,
                            &r.id.value,
                            sev,
                            subject(),
                            Text::new(
                                format!("{y}年{m}月服务{}小时，少于{}小时", hours(total), hours(n)),
                                format!(
                                    "{y}-{m:02}: {} h of service, under {} h",
                                    hours(total),
                                    hours(n)
                                ),
                            ),
                            &r.cite,
                        );
                    }
                }
            }
            _ => {
                for (day, (mins, periods)) in &by_day {
                    let msg = match r.kind {
                        K::MaxMinutesPerDay if *mins > n => Text::new(
                            format!("{}共{mins}分钟，超过{n}分钟", day.zh()),
                            format!("{}: {mins} minutes, over {n}", day.id()),
                        ),
                        K::MinMinutesPerDay if *mins < n => Text::new(
                            format!("{}共{mins}分钟，不足{n}分钟", day.zh()),
                            format!("{}: {mins} minutes, under {n}", day.id()),
                        ),
                        K::MaxClassHoursPerDay if *periods > n => Text::new(
                            format!("{}共{periods}课时，超过{n}课时", day.zh()),
                            format!("{}: {periods} class-hours, over {n}", day.id()),
                        ),
                        K::MaxPeriodsOfActivity if *periods > n => Text::new(
                            format!(
                                "{}{}共{periods}课时，超过{n}课时",
                                day.zh(),
                                r.activity.as_deref().unwrap_or("")
                            ),
                            format!(
                                "{}: {periods} periods of {}, over {n}",
                                day.id(),
                                r.activity.as_deref().unwrap_or("the activity")
                            ),
                        ),
                        _ => continue,
                    };
                    cx.find(&check, &r.id.value, sev, subject(), msg, &r.cite);
                }
            }
        }
    }
}

fn hours(minutes: Decimal) -> Decimal {
    (minutes / Decimal::from(60)).round_dp(2).normalize()
}
