//! What an audit returns: a [`Report`] with the participation, the staff and their stipends,
//! the money with its split between payers, and the compliance findings. Serialised to JSON in
//! a stable shape (amounts as strings such as `"170.00"`).

use super::Role;
use crate::decision::Citation;
use crate::money::Money;
use crate::pack::ProgramKind;
use crate::text::Text;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The audit of one program for one term.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Report {
    /// The program's id.
    pub program: String,
    /// The program's name.
    pub name: Option<Text>,
    /// The pack's id.
    pub pack: String,
    /// The pack's kind of program.
    pub kind: ProgramKind,
    /// First day of the term (the evaluation date).
    pub from: NaiveDate,
    /// Last day of the term.
    pub to: NaiveDate,
    /// The pack's periods the term covers.
    pub periods: u32,
    /// Open days in the term (closed days left out).
    pub open_days: u32,
    /// Who takes part.
    pub participation: Participation,
    /// Each staff entry with hours and pay.
    pub staff: Vec<StaffLine>,
    /// The money.
    pub money: MoneyReport,
    /// Reward thresholds a pack states, and whether they are reached.
    pub rewards: Vec<RewardLine>,
    /// Every breach found, in the order checked (schedule, staffing, participants, money, fees).
    pub findings: Vec<Finding>,
    /// The values the money rests on that the source does not state (the pack's assumptions
    /// and example values, as of the term's first day); empty when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<crate::decision::Assumption>,
}

/// Participation counts and rates.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Participation {
    /// Groups.
    pub groups: u64,
    /// Participants listed (counts included).
    pub participants: u64,
    /// Of them, found eligible.
    pub eligible: u64,
    /// Students on the roll, if given.
    pub enrolled: Option<u64>,
    /// participants ÷ enrolled, in percent to one decimal.
    #[schemars(with = "Option<String>")]
    #[serde(with = "rust_decimal::serde::str_option")]
    pub rate_percent: Option<Decimal>,
    /// School teachers taking part (counts included).
    pub school_teachers: u64,
    /// School teachers on the roll, if given.
    pub teachers_on_roll: Option<u64>,
    /// school_teachers ÷ teachers_on_roll, in percent to two decimals.
    #[schemars(with = "Option<String>")]
    #[serde(with = "rust_decimal::serde::str_option")]
    pub teacher_rate_percent: Option<Decimal>,
}

/// One staff entry.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct StaffLine {
    /// Staff id.
    pub id: String,
    /// Role.
    pub role: Role,
    /// People the entry stands for.
    pub count: u32,
    /// Hours each worked in the term.
    #[schemars(with = "String")]
    #[serde(with = "rust_decimal::serde::str")]
    pub hours: Decimal,
    /// The hourly stipend applied, if the pack states one and the role is paid by it.
    pub rate: Option<Money>,
    /// Pay for the entry (all `count` people) for the term.
    pub pay: Money,
    /// Whether the pay counts inside the school's performance-pay total (school staff, when
    /// the pack says); `None` when the pack is silent or the person is not school staff.
    pub inside_performance_pay: Option<bool>,
}

/// The money of the term, every total exact at the pack's scale.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct MoneyReport {
    /// Fees charged before reductions.
    pub gross_fee: Money,
    /// Reductions granted.
    pub reduction_total: Money,
    /// Fees due after reductions.
    pub net_fee: Money,
    /// Fees collected, when the program lists collections.
    pub fees_collected: Option<Money>,
    /// Subsidies due for the participants.
    pub subsidy_total: Money,
    /// Of them, booked by the pack to no payer.
    pub subsidy_unassigned: Money,
    /// What each payer pays for the participants (fees and subsidies), from their decisions.
    pub participant_payers: BTreeMap<String, Money>,
    /// Staff pay.
    pub staff_pay: Money,
    /// Of it, counted inside the school's performance-pay total.
    pub staff_pay_inside_performance_pay: Money,
    /// Other costs.
    pub other_costs: Money,
    /// Staff pay plus other costs.
    pub total_cost: Money,
    /// Funds by payer: received and, under matching, due.
    pub funds: Vec<FundLine>,
    /// What the program runs on: each payer's funds as listed (received, or due under
    /// matching), and for payers without listed funds what they pay for the participants
    /// (fees due, reductions they bear, subsidies), plus subsidies booked to no payer.
    pub income: Money,
    /// `income` by payer (`unassigned` for subsidies booked to no payer).
    pub income_by_payer: BTreeMap<String, Money>,
    /// income − total cost.
    pub balance: Money,
    /// Earmarks of the pack, checked.
    pub earmarks: Vec<EarmarkLine>,
    /// The split of the costs between payers, in proportion to `income_by_payer`; each total's
    /// parts sum to it exactly.
    pub split: BTreeMap<String, BTreeMap<String, Money>>,
    /// total cost ÷ eligible participants.
    pub per_student_cost: Option<Money>,
    /// income ÷ eligible participants.
    pub per_student_income: Option<Money>,
}

/// Funds of one payer.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FundLine {
    /// Payer id.
    pub payer: String,
    /// Payer name.
    pub label: Text,
    /// Received, as listed.
    pub received: Option<Money>,
    /// Due under the matching split.
    pub due: Option<Money>,
}

/// One earmark checked.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct EarmarkLine {
    /// The pack's earmark id.
    pub id: String,
    /// What is reserved.
    pub label: Text,
    /// The use.
    pub for_use: String,
    /// The fund it covers: the income of the payers the program names for it, or all income.
    pub fund: Money,
    /// The share, as a fraction: the least, or exactly this when `exact`.
    #[schemars(with = "String")]
    #[serde(with = "rust_decimal::serde::str")]
    pub share: Decimal,
    /// Whether the share is exact (其中百分之九十) rather than a least (不少于).
    pub exact: bool,
    /// Spent on the use.
    pub spent: Money,
    /// What to spend: share × fund, rounded up to the unit for a least, to the nearest unit
    /// (half up) for an exact share.
    pub required: Money,
    /// spent ÷ fund in percent, to two decimals (`None` when the fund is zero).
    #[schemars(with = "Option<String>")]
    #[serde(with = "rust_decimal::serde::str_option")]
    pub share_percent: Option<Decimal>,
    /// Whether spent ≥ share × fund, or for an exact share, spent = `required`.
    pub met: bool,
}

/// A reward threshold.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RewardLine {
    /// The pack's rule id.
    pub id: String,
    /// The reward.
    pub label: Text,
    /// Units needed (beds built and run).
    pub count: u32,
    /// Units the program has.
    pub have: u64,
    /// Least satisfaction, as a fraction.
    #[schemars(with = "Option<String>")]
    #[serde(with = "rust_decimal::serde::str_option")]
    pub share: Option<Decimal>,
    /// The program's satisfaction, as a fraction.
    #[schemars(with = "Option<String>")]
    #[serde(with = "rust_decimal::serde::str_option")]
    pub satisfaction: Option<Decimal>,
    /// Whether both are reached.
    pub reached: bool,
    /// Where the rule comes from.
    pub cite: Option<Arc<Citation>>,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingSeverity {
    /// A rule the source states firmly is broken.
    Violation,
    /// A rule the source states "in principle" (原则上, 一般) is broken.
    Warning,
    /// A rule could not be checked (the pack leaves a value to the locality, or the program
    /// does not give a group's stage or grades that the rule is for).
    Note,
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    /// The program as a whole.
    Program,
    /// A group, by id.
    Group(String),
    /// A session, by id.
    Session(String),
    /// A staff entry, by id.
    Staff(String),
    /// A participant, by id (or position `groups[g].participants[i]`).
    Participant(String),
    /// A payer's funds, by payer id.
    Payer(String),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Program => f.write_str("program"),
            Subject::Group(id) => write!(f, "group {id}"),
            Subject::Session(id) => write!(f, "session {id}"),
            Subject::Staff(id) => write!(f, "staff {id}"),
            Subject::Participant(id) => write!(f, "participant {id}"),
            Subject::Payer(id) => write!(f, "payer {id}"),
        }
    }
}

/// A breach of a pack rule.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Finding {
    /// What was checked: the rule kind (`end_by`, `max_group_size`, `earmark`, `not_eligible`,
    /// `fee_above_due`…).
    pub check: String,
    /// The pack rule's id (the fee, earmark or eligibility rule for money findings).
    pub rule: String,
    /// How serious it is.
    pub severity: FindingSeverity,
    /// What it is about.
    pub subject: Subject,
    /// What is wrong, with the figures.
    pub message: Text,
    /// Where the rule comes from.
    pub cite: Option<Arc<Citation>>,
}

impl Report {
    /// The report as JSON, in the documented shape.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
    /// The findings of one check.
    pub fn findings_of<'a>(&'a self, check: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| f.check == check)
    }
}
