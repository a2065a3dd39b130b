//! Staff: hours worked over the term, stipends by the pack's formula, and the staffing rules
//! (qualified and contracted hires, no bad records, no training institutions, volunteers per
//! session, group sizes, school teachers first).

use super::calendar::weekday_counts;
use super::context::{rule_severity, total, Ctx};
use super::report::{FindingSeverity, StaffLine, Subject};
use super::{Role, Staff};
use crate::error::Error;
use crate::money::Money;
use crate::pack::{Pos, StaffingKind as K};
use crate::text::Text;
use rust_decimal::Decimal;

/// Staff lines and pay totals.
pub(crate) struct Staffing {
    pub lines: Vec<StaffLine>,
    pub pay: Money,
    pub inside_performance_pay: Money,
}

/// The pack's hourly stipend as of the term's first day, if it states one.
fn stipend_rate(cx: &mut Ctx) -> Result<Option<Money>, Error> {
    let policy = cx.policy;
    let Some(rule) = policy
        .pack()
        .staffing
        .iter()
        .find(|r| r.kind == K::StipendPerHour)
    else {
        return Ok(None);
    };
    let Some(src) = &rule.rate else {
        return Ok(None);
    };
    let v = cx.param_expr(&rule.id.value, src)?;
    Ok(Some(policy.rounding().round(v)))
}

/// Minutes one person of `s` works in the term: each session they staff, on every open day of
/// its weekday, for `hours_per_session` or the session's length (`None` on overflow).
fn minutes_worked(cx: &Ctx, s: &Staff) -> Option<Decimal> {
    let days = weekday_counts(&cx.days);
    cx.program
        .sessions
        .iter()
        .filter(|x| x.staff.iter().any(|id| id.value == s.id.value))
        .try_fold(Decimal::ZERO, |total, x| {
            let per = match &s.hours_per_session {
                Some(h) => h.value.0.checked_mul(Decimal::from(60))?,
                None => Decimal::from(x.end.minutes().saturating_sub(x.start.minutes())),
            };
            let n = Decimal::from(days.get(&x.weekday).copied().unwrap_or(0));
            total.checked_add(per.checked_mul(n)?)
        })
}

/// Pays the staff and checks the staffing rules.
pub(crate) fn check(cx: &mut Ctx) -> Result<Staffing, Error> {
    let zero = cx.zero();
    let rounding = cx.policy.rounding();
    let rate = stipend_rate(cx)?;
    let policy = cx.policy;
    let program = cx.program;
    let inside = policy
        .pack()
        .staffing
        .iter()
        .find(|r| r.kind == K::InsidePerformancePay)
        .and_then(|r| r.value);
    let mut lines = Vec::new();
    let mut pay_total = zero;
    let mut inside_total = zero;
    for s in &program.staff {
        let Some(minutes) = minutes_worked(cx, s) else {
            let pos = s.hours_per_session.as_ref().map_or(Pos::of(&s.id), Pos::of);
            cx.error(pos, format!("staff `{}`: hours out of range", s.id.value));
            continue;
        };
        let paid_by_rate = rate.filter(|_| !s.role.is_volunteer());
        let each = match (&s.pay, paid_by_rate) {
            (Some(p), Some(r)) => {
                cx.error(
                    Pos::of(p),
                    format!(
                        "staff `{}`: the pack fixes the stipend at {r} an hour; remove `pay`",
                        s.id.value
                    ),
                );
                zero
            }
            (Some(p), None) if s.role.is_volunteer() => {
                cx.error(
                    Pos::of(p),
                    format!(
                        "staff `{}`: volunteers are unpaid; remove `pay`",
                        s.id.value
                    ),
                );
                zero
            }
            (Some(p), None) => cx.money(p, "pay"),
            (None, Some(r)) => r
                .amount()
                .checked_mul(minutes)
                .and_then(|x| x.checked_div(Decimal::from(60)))
                .map_or(zero, |x| rounding.round(x)),
            (None, None) => zero,
        };
        let pay = each
            .amount()
            .checked_mul(Decimal::from(s.count))
            .map_or(zero, |x| Money::at_scale(x, rounding.scale));
        pay_total = total([pay_total, pay], zero)?;
        let in_pp = inside.filter(|_| s.role.is_school());
        if in_pp == Some(true) {
            inside_total = total([inside_total, pay], zero)?;
        }
        lines.push(StaffLine {
            id: s.id.value.clone(),
            role: s.role,
            count: s.count,
            hours: (minutes / Decimal::from(60)).round_dp(2).normalize(),
            rate: paid_by_rate,
            pay,
            inside_performance_pay: in_pp,
        });
    }
    rules(cx);
    Ok(Staffing {
        lines,
        pay: pay_total,
        inside_performance_pay: inside_total,
    })
}

fn rules(cx: &mut Ctx) {
    let policy = cx.policy;
    let program = cx.program;
    for r in &policy.pack().staffing {
        let sev = rule_severity(r.in_principle, r.may);
        let rule = r.id.value.as_str();
        let each_staff = |want: fn(&Staff) -> bool| program.staff.iter().filter(move |s| want(s));
        match r.kind {
            K::TeachersFirst => {
                let school: u64 = program
                    .staff
                    .iter()
                    .filter(|s| s.role.is_school())
                    .map(|s| u64::from(s.count))
                    .sum();
                let outside: u64 = program
                    .staff
                    .iter()
                    .filter(|s| s.role.is_external())
                    .map(|s| u64::from(s.count))
                    .sum();
                if school < outside {
                    cx.find(
                        "teachers_first",
                        rule,
                        sev,
                        Subject::Program,
                        Text::new(
                            format!("本校教职工{school}人，少于校外人员{outside}人"),
                            format!("{school} school staff, fewer than {outside} from outside"),
                        ),
                        &r.cite,
                    );
                }
            }
            K::ExternalQualified => {
                for s in each_staff(|s| s.role.is_external() && !s.qualified) {
                    cx.find(
                        "external_qualified",
                        rule,
                        sev,
                        Subject::Staff(s.id.value.clone()),
                        Text::new(
                            format!("{}不具备相应资格", s.role.label().zh),
                            format!("{} without the qualification", s.role.label().en),
                        ),
                        &r.cite,
                    );
                }
            }
            K::ExternalContracted => {
                for s in each_staff(|s| s.role.is_external() && !s.contract) {
                    cx.find(
                        "external_contracted",
                        rule,
                        sev,
                        Subject::Staff(s.id.value.clone()),
                        Text::new(
                            format!("{}未签订劳动合同或劳务协议", s.role.label().zh),
                            format!("{} without a labour or service contract", s.role.label().en),
                        ),
                        &r.cite,
                    );
                }
            }
            K::TeachersVolunteer => {
                for s in each_staff(|s| s.role == Role::SchoolTeacher) {
                    let (severity, zh, en) = match s.volunteered {
                        Some(true) => continue,
                        Some(false) => (sev, "教师不是自愿参加", "a teacher who did not volunteer"),
                        None => (
                            FindingSeverity::Note,
                            "未核查：项目文件未写明教师是否自愿（volunteered）",
                            "not checked: the program does not say whether this teacher volunteered (volunteered)",
                        ),
                    };
                    cx.find(
                        "teachers_volunteer",
                        rule,
                        severity,
                        Subject::Staff(s.id.value.clone()),
                        Text::new(zh, en),
                        &r.cite,
                    );
                }
            }
            K::NoBadRecord => {
                for s in each_staff(|s| s.bad_record) {
                    cx.find(
                        "no_bad_record",
                        rule,
                        sev,
                        Subject::Staff(s.id.value.clone()),
                        Text::new(
                            format!("{}有不良记录", s.role.label().zh),
                            format!("{} with a bad record", s.role.label().en),
                        ),
                        &r.cite,
                    );
                }
            }
            K::NoTrainingInstitutions => {
                for s in each_staff(|s| s.role == Role::TrainingInstitution) {
                    cx.find(
                        "no_training_institutions",
                        rule,
                        sev,
                        Subject::Staff(s.id.value.clone()),
                        Text::new(
                            "校外培训机构参与课后服务",
                            "an off-campus training institution takes part",
                        ),
                        &r.cite,
                    );
                }
            }
            K::MinParentVolunteers => {
                let need = r.count.unwrap_or(0);
                for x in program
                    .sessions
                    .iter()
                    .filter(|x| r.activity.as_ref().is_none_or(|a| *a == x.activity))
                {
                    let have: u32 = x
                        .staff
                        .iter()
                        .filter_map(|id| program.staff.iter().find(|s| s.id.value == id.value))
                        .filter(|s| s.role == Role::ParentVolunteer)
                        .map(|s| s.count)
                        .fold(0u32, u32::saturating_add);
                    if have < need {
                        cx.find(
                            "min_parent_volunteers",
                            rule,
                            sev,
                            Subject::Session(x.id.value.clone()),
                            Text::new(
                                format!("家长志愿者{have}人，少于每班每次{need}人"),
                                format!("{have} parent volunteers, fewer than {need} per class per session"),
                            ),
                            &r.cite,
                        );
                    }
                }
            }
            K::MaxGroupSize => {
                let most = u64::from(r.count.unwrap_or(u32::MAX));
                for g in &program.groups {
                    let size: u64 = g.participants.iter().map(|m| u64::from(m.count)).sum();
                    if size > most {
                        cx.find(
                            "max_group_size",
                            rule,
                            sev,
                            Subject::Group(g.id.value.clone()),
                            Text::new(
                                format!("{size}人，超过{most}人"),
                                format!("{size} participants, over {most}"),
                            ),
                            &r.cite,
                        );
                    }
                }
            }
            K::StipendPerHour | K::InsidePerformancePay => {}
        }
    }
}
