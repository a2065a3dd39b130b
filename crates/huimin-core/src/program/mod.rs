//! Programs as a whole: a school's or a bureau's roster, timetable and money, audited against
//! the pack it runs under.
//!
//! A **program file** (YAML or JSON; schema [`json_schema`], committed as
//! `fixtures/program.schema.json`) names its pack, the term, the groups with their
//! participants, the weekly sessions, the staff, the funds received by payer, other costs and
//! the fees collected. [`audit`] evaluates every participant with the ordinary
//! [`Policy::evaluate_with`](crate::Policy::evaluate_with), computes staff stipends by the pack's
//! formula, totals the money exactly and splits it between payers to the fen, and checks the
//! pack's `schedule`, `staffing`, `workflow` and `earmarks` rules, reporting each breach as a
//! [`Finding`] with its citation.
//!
//! In brief (see `fixtures/programs/` for one example per seed city):
//!
//! ```yaml
//! id: wanzhou-demo
//! pack: ../policies/chongqing-wanzhou-2020.yaml    # relative to this file
//! term: { from: 2021-03-01, to: 2021-06-30, periods: 4, closed: [ { from: 2021-04-05 } ] }
//! enrolled: 40                                     # for the participation rate
//! local: { not_before_off_work: "17:30" }          # values a pack rule leaves to the locality
//! groups:                                          # participants as `Policy::evaluate` takes them,
//!   - id: g3a                                      # with an optional `count` of alike ones
//!     stage: primary
//!     grades: [3]
//!     participants: [ { id: s1, stage: primary, grade: 3, class_hours: 40 }, { count: 30, … } ]
//! sessions:                                        # the weekly timetable
//!   - { id: mon-1, group: g3a, weekday: mon, start: "16:40", end: "17:20", activity: homework,
//!       periods: 1, written_homework: false, staff: [t1] }
//! staff:                                           # paid by the pack's hourly stipend, or `pay`
//!   - { id: t1, role: school_teacher, qualified: true, contract: true, bad_record: false }
//! funds: [ { payer: city, amount: 25860000 } ]     # received, by payer
//! matching: { split: city_district, anchor: city } # what the split makes the others owe
//! costs: [ { id: materials, amount: 1500, for_use: materials } ]
//! uses: { after_school_service: [staff, materials] }   # for earmarks
//! earmarked: { subsidy_to_staff: [county] }        # the payers an earmark covers
//! collections: [ { participant: s1, fee: service_fee, amount: 120, date: 2021-03-05,
//!                  covers: { from: 2021-03-01, to: 2021-03-31 } } ]
//! satisfaction: 0.96                               # for reward thresholds
//! ```

mod accounts;
mod audit;
mod averages;
mod calendar;
mod context;
mod fees;
pub mod figures;
mod load;
mod report;
mod schedule;
mod staffing;

pub use audit::audit;
pub use calendar::{Clock, Weekday};
pub use load::{load, parse_json, parse_yaml};
pub use report::{
    EarmarkLine, Finding, FindingSeverity, FundLine, MoneyReport, Participation, Report,
    RewardLine, StaffLine, Subject,
};

use crate::model::Participant;
use crate::pack::{Dec, Id};
use crate::text::Text;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// A program file: one school's (or service organisation's) program for one term.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgramFile {
    /// Program id.
    #[schemars(with = "String")]
    pub id: Id,
    /// Its name.
    #[serde(default)]
    pub name: Option<Text>,
    /// The pack it runs under: a path relative to this file.
    #[schemars(with = "String")]
    pub pack: Id,
    /// The values file of the deployment, for the values the pack leaves to an authority
    /// (`set_by`): a path relative to this file.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub values: Option<Id>,
    /// The term audited.
    pub term: Term,
    /// Students (or people) on the roll, for the participation rate.
    #[serde(default)]
    pub enrolled: Option<u64>,
    /// School teachers on the roll, for the teachers' participation rate.
    #[serde(default)]
    pub teachers_on_roll: Option<u64>,
    /// Values a pack rule leaves to the locality, by rule id: a clock time (`"17:30"` for
    /// "not before normal off-work time") or a count.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub local: BTreeMap<String, Spanned<String>>,
    /// Groups (classes, temporary classes, care beds) with their participants.
    pub groups: Vec<Group>,
    /// The weekly timetable.
    #[serde(default)]
    pub sessions: Vec<Session>,
    /// The staff.
    #[serde(default)]
    pub staff: Vec<Staff>,
    /// Funds received, by payer.
    #[serde(default)]
    pub funds: Vec<Fund>,
    /// Matching funds a pack split requires of the other payers, given one payer's amount.
    #[serde(default)]
    pub matching: Option<Matching>,
    /// Costs other than staff pay.
    #[serde(default)]
    pub costs: Vec<Cost>,
    /// The payers whose money an earmark covers, by earmark id (default: all income):
    /// `subsidy_to_staff: [county]` when the pack earmarks the county's subsidy only.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Vec<String>>")]
    pub earmarked: BTreeMap<String, Vec<Id>>,
    /// Uses made of other uses, for earmarks: `after_school_service: [staff, materials]`.
    /// Staff pay is the use `staff`.
    #[serde(default)]
    pub uses: BTreeMap<String, Vec<String>>,
    /// Fees actually collected.
    #[serde(default)]
    pub collections: Vec<Collection>,
    /// Satisfaction survey result as a fraction (0.96), for reward thresholds.
    #[serde(default)]
    #[schemars(with = "Option<Dec>")]
    pub satisfaction: Option<Spanned<Dec>>,
}

/// The term: its dates, closed days, and how many of the pack's periods it covers.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// Its name (`2021年春季学期`).
    #[serde(default)]
    pub name: Option<Text>,
    /// First day; participants are evaluated as of this date.
    pub from: NaiveDate,
    /// Last day (at most 400 days after `from`).
    pub to: NaiveDate,
    /// How many of the pack's periods the term covers (4 for a monthly pack over four months,
    /// 1 for a semester pack): each participant's decision counts this many times.
    pub periods: u32,
    /// Days without service (holidays), single days or ranges.
    #[serde(default)]
    pub closed: Vec<DateRange>,
}

/// A day or a range of days.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DateRange {
    /// First day.
    pub from: NaiveDate,
    /// Last day (default: `from`).
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

impl DateRange {
    /// The last day.
    pub fn last(&self) -> NaiveDate {
        self.to.unwrap_or(self.from)
    }
    /// Whether `d` falls inside.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.last()
    }
}

/// A group of participants that meets together.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Group id.
    #[schemars(with = "String")]
    pub id: Id,
    /// Its name.
    #[serde(default)]
    pub label: Option<Text>,
    /// School stage (`primary`, `junior`), for stage rules.
    #[serde(default)]
    pub stage: Option<String>,
    /// Grades in the group, for grade rules.
    #[serde(default)]
    pub grades: Vec<u8>,
    /// For family care beds: whether the beds are built (each participant of a built group
    /// has one; reward thresholds count them).
    #[serde(default)]
    pub built: Option<bool>,
    /// The participants.
    #[serde(default)]
    pub participants: Vec<Member>,
}

/// A participant in a group, or `count` participants alike (a flat participant object with an
/// optional `count`, e.g. `{count: 20, grade: 3, class_hours: 40}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// How many participants this entry stands for (at least 1).
    pub count: u32,
    /// The participant, as `Policy::evaluate` takes it.
    pub participant: Participant,
}

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut v = serde_json::Value::deserialize(d)?;
        let count = match v.as_object_mut().and_then(|o| o.remove("count")) {
            None => 1,
            Some(c) => c
                .as_u64()
                .or_else(|| c.as_str().and_then(|s| s.trim().parse().ok()))
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n >= 1)
                .ok_or_else(|| D::Error::custom("`count` must be a whole number ≥ 1"))?,
        };
        let participant = Participant::from_json_value(&v).map_err(|errs| {
            let msg: Vec<String> = errs
                .iter()
                .map(|e| format!("{}: {}", e.path, e.message.en))
                .collect();
            D::Error::custom(msg.join("; "))
        })?;
        Ok(Member { count, participant })
    }
}

impl JsonSchema for Member {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Member".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "A participant as the pack reads it (`id`, `tags`, input fields), with an optional `count` of participants alike.",
            "properties": {
                "id": {"type": "string"},
                "count": {"type": "integer", "minimum": 1},
                "tags": {"type": "array", "items": {"type": "string"}}
            },
            "additionalProperties": true
        })
    }
}

/// One weekly session of one group.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Session id.
    #[schemars(with = "String")]
    pub id: Id,
    /// The group served.
    #[schemars(with = "String")]
    pub group: Id,
    /// The weekday it meets.
    pub weekday: Weekday,
    /// Start time.
    pub start: Clock,
    /// End time (after `start`).
    pub end: Clock,
    /// What is done: `homework`, `club`, `reading`, `care`, `evening_study`, `visit`…
    pub activity: String,
    /// Class periods (课时) it counts for.
    #[serde(default = "one")]
    pub periods: u32,
    /// Whether written homework is set in it.
    #[serde(default)]
    pub written_homework: bool,
    /// Whether subject homework (学科作业) is added in it, beyond the day's own.
    #[serde(default)]
    pub subject_homework: bool,
    /// The service items provided (meals, bathing, cleaning…), for rules on how many kinds a
    /// program offers.
    #[serde(default)]
    pub items: Vec<String>,
    /// The staff on duty, by id.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub staff: Vec<Id>,
}

fn one() -> u32 {
    1
}

/// A staff member, or `count` alike.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Staff {
    /// Staff id.
    #[schemars(with = "String")]
    pub id: Id,
    /// Name or description.
    #[serde(default)]
    pub name: Option<String>,
    /// Role.
    pub role: Role,
    /// How many people this entry stands for.
    #[serde(default = "one")]
    pub count: u32,
    /// Holds the qualification the work needs.
    #[serde(default)]
    pub qualified: bool,
    /// Works under a labour or service contract.
    #[serde(default)]
    pub contract: bool,
    /// Has a bad record (不良记录).
    #[serde(default)]
    pub bad_record: bool,
    /// Hours worked per session (default: the session's length).
    #[serde(default)]
    #[schemars(with = "Option<Dec>")]
    pub hours_per_session: Option<Spanned<Dec>>,
    /// Agreed pay per person for the term, when the pack states no hourly stipend.
    #[serde(default)]
    #[schemars(with = "Option<Dec>")]
    pub pay: Option<Spanned<Dec>>,
    /// Whether they took part by their own choice (教师志愿), where a pack requires it.
    #[serde(default)]
    pub volunteered: Option<bool>,
}

/// Staff roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A teacher of the school (在校教师).
    SchoolTeacher,
    /// Other school staff (教职工).
    SchoolStaff,
    /// A retired teacher hired for the service.
    RetiredTeacher,
    /// An external professional hired (外聘).
    ExternalHire,
    /// A care worker of a service organisation.
    CareWorker,
    /// A parent volunteer (家长志愿者), unpaid.
    ParentVolunteer,
    /// Another volunteer, unpaid.
    Volunteer,
    /// An off-campus training institution (校外培训机构).
    TrainingInstitution,
}

impl Role {
    /// The school's own staff.
    pub fn is_school(self) -> bool {
        matches!(self, Role::SchoolTeacher | Role::SchoolStaff)
    }
    /// Volunteers, who are not paid.
    pub fn is_volunteer(self) -> bool {
        matches!(self, Role::ParentVolunteer | Role::Volunteer)
    }
    /// Hired from outside: needs a qualification and a contract where the pack says so.
    pub fn is_external(self) -> bool {
        !self.is_school() && !self.is_volunteer()
    }
    /// The role's label.
    pub fn label(self) -> Text {
        match self {
            Role::SchoolTeacher => Text::new("在校教师", "school teacher"),
            Role::SchoolStaff => Text::new("学校教职工", "school staff"),
            Role::RetiredTeacher => Text::new("退休教师", "retired teacher"),
            Role::ExternalHire => Text::new("外聘人员", "external hire"),
            Role::CareWorker => Text::new("护理员", "care worker"),
            Role::ParentVolunteer => Text::new("家长志愿者", "parent volunteer"),
            Role::Volunteer => Text::new("志愿者", "volunteer"),
            Role::TrainingInstitution => Text::new("校外培训机构", "training institution"),
        }
    }
}

/// Money received from one payer.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fund {
    /// The payer, by the pack's payer id.
    #[schemars(with = "String")]
    pub payer: Id,
    /// The amount received.
    #[schemars(with = "Dec")]
    pub amount: Spanned<Dec>,
}

/// Matching required by a pack split: given the `anchor` payer's funds, each other payer of
/// the split owes `anchor amount × its share ÷ the anchor's share`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Matching {
    /// The pack's split id.
    #[schemars(with = "String")]
    pub split: Id,
    /// The payer whose funds are matched.
    #[schemars(with = "String")]
    pub anchor: Id,
}

/// A cost other than staff pay.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cost {
    /// Cost id.
    #[schemars(with = "String")]
    pub id: Id,
    /// What it is.
    #[serde(default)]
    pub label: Option<Text>,
    /// The amount.
    #[schemars(with = "Dec")]
    pub amount: Spanned<Dec>,
    /// Its use, for earmarks (`materials`, `utilities`…).
    pub for_use: String,
}

/// A fee collected from a participant.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Collection {
    /// The participant's id.
    #[schemars(with = "String")]
    pub participant: Id,
    /// The pack's fee rule id.
    #[schemars(with = "String")]
    pub fee: Id,
    /// The amount collected.
    #[schemars(with = "Dec")]
    pub amount: Spanned<Dec>,
    /// The day collected. (`on:` is read too, as earlier files wrote it, but a YAML 1.1 reader
    /// such as PyYAML or an editor takes the key `on` for the boolean true: write `date`.)
    #[serde(alias = "on")]
    pub date: NaiveDate,
    /// The days the fee pays for.
    pub covers: DateRange,
}

/// The JSON Schema of the program file.
pub fn json_schema() -> serde_json::Value {
    crate::pack::bilingual(
        serde_json::to_value(schemars::schema_for!(ProgramFile)).unwrap_or(serde_json::Value::Null),
    )
}
