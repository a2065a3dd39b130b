//! Program-level rules a pack states: schedules, staffing and workflow. They are checked
//! against a program's roster and timetable, not against one participant.

use super::{Dec, Expr, Id, Period, Source};
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A time window or duration a program's sessions must keep.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRule {
    /// Rule id.
    #[schemars(with = "String")]
    pub id: Id,
    /// What it requires.
    pub label: Text,
    /// The kind of requirement.
    pub kind: ScheduleKind,
    /// Only for this school stage (`primary`, `junior`).
    #[serde(default)]
    pub stage: Option<String>,
    /// Only for these grades.
    #[serde(default)]
    pub grades: Option<Vec<u8>>,
    /// Only for this activity (`homework`, `evening_study`, `club`…).
    #[serde(default)]
    pub activity: Option<String>,
    /// Only in these months of the year (1–12), for seasonal times (夏季 5:30, 冬季 5:00): on the
    /// term's days in these months it replaces a rule of its kind without months. The pack
    /// states which months a season is. Clock-time rules only (`end_by`, `end_not_before`,
    /// `start_not_before`).
    #[serde(default)]
    pub months: Option<Vec<u32>>,
    /// A clock time, `HH:MM`.
    #[serde(default)]
    pub time: Option<String>,
    /// A number of minutes, days, class-hours or periods, by kind.
    #[serde(default)]
    pub count: Option<Dec>,
    /// Weekdays, `mon`…`sun`.
    #[serde(default)]
    pub weekdays: Option<Vec<String>>,
    /// The source says "in principle" (原则上, 一般): a breach is a warning, not a violation.
    #[serde(default)]
    pub in_principle: bool,
    /// The source allows it rather than requires it ("may", 可): a program that does not keep
    /// it gets a note, never a violation. Not together with `in_principle`.
    #[serde(default)]
    pub may: bool,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

/// Kinds of schedule requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleKind {
    /// Sessions end no later than `time`.
    EndBy,
    /// Sessions end no earlier than `time` (normal off-work time).
    EndNotBefore,
    /// Sessions start no earlier than `time`.
    StartNotBefore,
    /// A day's service lasts at most `count` minutes.
    MaxMinutesPerDay,
    /// A day's service lasts at least `count` minutes.
    MinMinutesPerDay,
    /// Each calendar month of the term has at least `count` minutes of service.
    MinMinutesPerMonth,
    /// At most `count` class-hours a day.
    MaxClassHoursPerDay,
    /// Service on at least `count` days a week.
    MinDaysPerWeek,
    /// Service only on `weekdays`.
    OnlyOn,
    /// An activity lasts at most `count` class periods.
    MaxPeriodsOfActivity,
    /// No written homework for `grades`.
    NoWrittenHomework,
    /// No subject homework added in the service time (不允许加留学科作业).
    NoSubjectHomework,
    /// The sessions of `activity` offer at least `count` distinct items (生活照料至少提供3种).
    MinItems,
}

/// A rule on who may staff a program and how they are paid.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffingRule {
    /// Rule id.
    #[schemars(with = "String")]
    pub id: Id,
    /// What it requires.
    pub label: Text,
    /// The kind of rule.
    pub kind: StaffingKind,
    /// A count (volunteers per session, students per group).
    #[serde(default)]
    pub count: Option<u32>,
    /// A rate (yuan per person per hour).
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub rate: Option<Expr>,
    /// A yes/no setting (stipend inside the performance-pay total).
    #[serde(default)]
    pub value: Option<bool>,
    /// Only for sessions of this activity (`club`…), for per-session rules.
    #[serde(default)]
    pub activity: Option<String>,
    /// The source says "in principle" (原则上, 一般): a breach is a warning, not a violation.
    #[serde(default)]
    pub in_principle: bool,
    /// The source allows it rather than requires it ("may", 可): a program that does not keep
    /// it gets a note, never a violation. Not together with `in_principle`.
    #[serde(default)]
    pub may: bool,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

/// Kinds of staffing rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffingKind {
    /// School teachers are the main staff.
    TeachersFirst,
    /// External hires need a qualification.
    ExternalQualified,
    /// External hires need a labour or service contract.
    ExternalContracted,
    /// Nobody with a bad record.
    NoBadRecord,
    /// No off-campus training institutions.
    NoTrainingInstitutions,
    /// At least `count` parent volunteers per class per session.
    MinParentVolunteers,
    /// Groups of at most `count` students.
    MaxGroupSize,
    /// Staff stipend at `rate` yuan per person per hour.
    StipendPerHour,
    /// Whether stipends count inside the performance-pay total (`value`).
    InsidePerformancePay,
    /// School teachers take part by their own choice (教师志愿): each says `volunteered`.
    TeachersVolunteer,
}

/// A workflow deadline or audit.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowRule {
    /// Rule id.
    #[schemars(with = "String")]
    pub id: Id,
    /// The step.
    pub label: Text,
    /// The kind of rule.
    pub kind: WorkflowKind,
    /// Working days allowed, for deadlines.
    #[serde(default)]
    pub working_days: Option<u32>,
    /// Minutes allowed, for response times.
    #[serde(default)]
    pub minutes: Option<u32>,
    /// A share, for audit samples (0.05 = 5%).
    #[serde(default)]
    pub share: Option<Dec>,
    /// How often, for audits.
    #[serde(default)]
    pub every: Option<Period>,
    /// A count, for reward thresholds (beds built and run).
    #[serde(default)]
    pub count: Option<u32>,
    /// Months allowed, for public notices (一个月内).
    #[serde(default)]
    pub months: Option<u32>,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

/// Kinds of workflow rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowKind {
    /// A review step finishes within `working_days`.
    ReviewDeadline,
    /// At least `share` of cases audited `every` period.
    AuditSample,
    /// A service responds within `minutes`.
    ResponseTime,
    /// Fees are collected period by period, never in advance for a later one (不得跨学期预收).
    CollectPerPeriod,
    /// A reward is due at `count` units built (beds) with satisfaction at least `share`.
    RewardThreshold,
    /// What was obtained by fraud is returned, the loss compensated and the right withdrawn.
    RecoverOnFraud,
    /// The public is told of a change within `months` of publication.
    PublicNotice,
}

/// A floor on an average over a program's participants (平均每生每年不少于500元): checked on
/// the program's totals, never applied to one participant.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AverageRule {
    /// Rule id.
    #[schemars(with = "String")]
    pub id: Id,
    /// What it requires.
    pub label: Text,
    /// The payer whose funds are averaged.
    #[schemars(with = "String")]
    pub payer: Id,
    /// The least average per eligible participant per period of the pack, over the pack's
    /// parameters (`district_floor_per_year / semesters_per_year`).
    #[schemars(with = "Source")]
    pub at_least: Expr,
    /// The source says "in principle" (原则上, 一般): a breach is a warning, not a violation.
    #[serde(default)]
    pub in_principle: bool,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}
