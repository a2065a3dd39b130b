//! "What can this family get?": every pack of a registry in force on a date, for every member
//! of a household: eligible (with what the family pays, what is paid for it, per period and
//! per year), not eligible (why, with the clause), or what the record still lacks.

use crate::decision::{Document, Entitlement, Reason};
use crate::error::{Error, EvalError, InputError};
use crate::model::{field_named, input_error, tag_named, Participant};
use crate::money::Money;
use crate::pack::{Period, ProgramKind};
use crate::policy::Policy;
use crate::registry::Registry;
use crate::text::{Name, Text};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// A household: an id and its members, each a participant in the shared vocabulary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Household {
    /// The caller's id for the household.
    pub id: Option<String>,
    /// The members.
    pub members: Vec<Participant>,
}

impl Household {
    /// A household from JSON: `{"id": "h1", "members": [{participant}, …]}`; every problem by
    /// path (`members[1].age`).
    pub fn from_json_value(v: &serde_json::Value) -> Result<Household, Vec<InputError>> {
        let serde_json::Value::Object(map) = v else {
            return Err(vec![input_error(
                "",
                "wrong_type",
                "户应为对象：{\"members\": [...]}",
                "a household is an object: {\"members\": [...]}",
            )]);
        };
        let mut errors = Vec::new();
        let id = match map.get("id") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(_) => {
                errors.push(input_error(
                    "id",
                    "wrong_type",
                    "“id”应为文字",
                    "`id` must be text",
                ));
                None
            }
        };
        for k in map.keys().filter(|k| *k != "id" && *k != "members") {
            errors.push(input_error(
                k,
                "unknown_field",
                &format!("户只有“id”和“members”，没有“{k}”"),
                &format!("a household has `id` and `members`, not `{k}`"),
            ));
        }
        let mut members = Vec::new();
        match map.get("members") {
            Some(serde_json::Value::Array(list)) if !list.is_empty() => {
                for (i, m) in list.iter().enumerate() {
                    match Participant::from_json_value(m) {
                        Ok(p) => members.push(p),
                        Err(es) => errors.extend(es.into_iter().map(|mut e| {
                            e.path = if e.path.is_empty() {
                                format!("members[{i}]")
                            } else {
                                format!("members[{i}].{}", e.path)
                            };
                            e
                        })),
                    }
                }
            }
            _ => errors.push(input_error(
                "members",
                "missing",
                "请列出家庭成员（members）",
                "`members` must list at least one member",
            )),
        }
        if errors.is_empty() {
            Ok(Household { id, members })
        } else {
            Err(errors)
        }
    }
}

/// The screening of a household: one line per member and program that concerns them, and
/// the yearly totals.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Screening {
    /// The household's id, if given.
    pub household: Option<String>,
    /// The date screened.
    pub as_of: NaiveDate,
    /// Each member × program, in member order, then the registry's order.
    pub lines: Vec<ScreenLine>,
    /// What the family pays a year across the programs it is eligible for (the fee payer's
    /// net fees), for the lines whose period converts to a year.
    pub family_pays_per_year: Money,
    /// What each payer pays a year across those lines, by `pack.payer`; the fee payer's part
    /// included.
    pub per_year_by_payer: BTreeMap<String, Money>,
    /// Eligible lines whose period does not convert to a year (a day, a week, once): not in
    /// the yearly totals, by `member pack`.
    pub not_annualised: Vec<String>,
}

/// One member under one program.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ScreenLine {
    /// The member's id, or `members[i]`.
    pub member: String,
    /// The pack's id.
    pub pack: String,
    /// The program's name.
    pub name: Text,
    /// The kind of program.
    pub kind: ProgramKind,
    /// The period the amounts are for.
    pub period: Period,
    /// What the member gets.
    pub outcome: Outcome,
}

/// What a member gets under a program.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Served.
    Eligible {
        /// The priority groups matched.
        priority_groups: Vec<Name>,
        /// What the fee payer (the family) pays per period.
        net_fee: Money,
        /// Subsidies due for the member per period.
        subsidy_total: Money,
        /// What each payer pays per period.
        payers: BTreeMap<Name, Money>,
        /// Periods in a year (12 months, 2 semesters of a school year, 1 year), when the
        /// period converts.
        periods_per_year: Option<u32>,
        /// What the family pays in a year (`net_fee` × `periods_per_year`), when the period
        /// converts.
        net_fee_per_year: Option<Money>,
        /// The fields that rest on values the source does not state (see the decision).
        estimated: Vec<Name>,
        /// Counted services (a free check-up a year).
        entitlements: Vec<Entitlement>,
        /// What to bring to apply.
        documents: Vec<Document>,
    },
    /// Not served, with each unmet requirement and its clause.
    NotEligible {
        /// Why.
        reasons: Vec<Reason>,
    },
    /// The record lacks facts the program needs, or a value its authority sets is not given.
    Needs {
        /// The inputs to add, with their labels.
        inputs: Vec<Need>,
    },
    /// The record does not fit the program (a wrong value): the errors, as evaluation gives them.
    Invalid {
        /// Each problem.
        errors: Vec<InputError>,
    },
}

/// A fact or value a program needs to decide.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Need {
    /// The input or parameter.
    pub name: String,
    /// What it is, or who sets it.
    pub label: Text,
}

impl Registry {
    /// Screens every member of `household` under every household program in force on `as_of`
    /// (programs of kind `other`, whose participants may be towns or schools, are not
    /// screened). A member is screened under a program when the record gives at least one of
    /// its inputs (by name or registry alias): a child is not asked for an elder's pension.
    /// Each program sees the record's vocabulary terms and its own inputs; another program's
    /// local fact (Hefei's `basic_care`) is not shown to it. A key no program reads and no
    /// vocabulary term names is an input error, by its path.
    pub fn screen(&self, household: &Household, as_of: NaiveDate) -> Result<Screening, Error> {
        self.screen_within(household, as_of, None)
    }

    /// [`Registry::screen`] over the programs of one place: those whose jurisdiction (zh or
    /// en) contains `place`, e.g. `万州` or `Nanjing`.
    pub fn screen_within(
        &self,
        household: &Household,
        as_of: NaiveDate,
        place: Option<&str>,
    ) -> Result<Screening, Error> {
        let mut lines = Vec::new();
        let mut family = Decimal::ZERO;
        let mut by_payer: BTreeMap<String, Decimal> = BTreeMap::new();
        let mut not_annualised = Vec::new();
        let mut scale = 2;
        let overflow = || {
            Error::Eval(EvalError::Arithmetic {
                rule: "screen".into(),
                what: "arithmetic overflow in the yearly totals".into(),
            })
        };
        let programs: Vec<&Policy> = self
            .in_force(as_of, None)
            .filter(|p| p.kind() != ProgramKind::Other)
            .filter(|p| {
                place.is_none_or(|w| {
                    p.jurisdiction().zh.contains(w)
                        || p.jurisdiction()
                            .en
                            .to_lowercase()
                            .contains(&w.to_lowercase())
                })
            })
            .collect();
        // A household record carries facts for several programs: a key that is some program's
        // input or a vocabulary term is shown to the programs that read it; any other key is
        // an error for the whole household, by its path.
        let mut unknown = Vec::new();
        for (i, m) in household.members.iter().enumerate() {
            for k in m.fields.keys() {
                let known = field_named(k).is_some()
                    || tag_named(k).is_some()
                    || self.packs().iter().any(|p| p.reads(k));
                if !known {
                    unknown.push(input_error(
                        &format!("members[{i}].{k}"),
                        "unknown_field",
                        &format!("没有项目读取“{k}”，它也不是共享词汇中的词"),
                        &format!(
                            "no program reads `{k}`, and it is no term of the shared vocabulary"
                        ),
                    ));
                }
            }
        }
        if !unknown.is_empty() {
            return Err(Error::Input { errors: unknown });
        }
        for (i, m) in household.members.iter().enumerate() {
            let member = m.id.clone().unwrap_or_else(|| format!("members[{i}]"));
            for p in programs.iter().copied().filter(|p| concerns(p, m)) {
                let mut own = m.clone();
                own.fields.retain(|k, _| {
                    p.reads(k) || field_named(k).is_some() || tag_named(k).is_some()
                });
                let outcome = outcome(p, &own, as_of);
                if let Outcome::Eligible {
                    net_fee,
                    payers,
                    periods_per_year,
                    ..
                } = &outcome
                {
                    scale = scale.max(p.rounding().scale);
                    match periods_per_year {
                        Some(n) => {
                            let n = Decimal::from(*n);
                            let year = |m: &Money| m.amount().checked_mul(n).ok_or_else(overflow);
                            family = family.checked_add(year(net_fee)?).ok_or_else(overflow)?;
                            for (payer, amount) in payers {
                                let e = by_payer.entry(format!("{}.{payer}", p.id())).or_default();
                                *e = e.checked_add(year(amount)?).ok_or_else(overflow)?;
                            }
                        }
                        None => not_annualised.push(format!("{member} {}", p.id())),
                    }
                }
                lines.push(ScreenLine {
                    member: member.clone(),
                    pack: p.id().to_owned(),
                    name: p.name().clone(),
                    kind: p.kind(),
                    period: p.period(),
                    outcome,
                });
            }
        }
        Ok(Screening {
            household: household.id.clone(),
            as_of,
            lines,
            family_pays_per_year: Money::at_scale(family, scale),
            per_year_by_payer: by_payer
                .into_iter()
                .map(|(k, v)| (k, Money::at_scale(v, scale)))
                .collect(),
            not_annualised,
        })
    }
}

/// Whether the record gives at least one of the pack's inputs.
fn concerns(p: &Policy, m: &Participant) -> bool {
    let inputs = p.input_schema().fields;
    m.fields.keys().any(|k| {
        inputs
            .iter()
            .any(|f| f.name == *k || field_named(k).is_some_and(|s| s.name == f.name))
    })
}

/// Periods of `period` in a year, where the conversion is a fact: 12 months, the two semesters
/// of a school year (autumn and spring), one year.
fn periods_per_year(period: Period) -> Option<u32> {
    match period {
        Period::Month => Some(12),
        Period::Semester => Some(2),
        Period::Year => Some(1),
        Period::Day | Period::Week | Period::Once => None,
    }
}

fn outcome(p: &Policy, m: &Participant, as_of: NaiveDate) -> Outcome {
    match p.evaluate(m, as_of) {
        Ok(d) if d.eligible => Outcome::Eligible {
            net_fee_per_year: periods_per_year(d.period)
                .and_then(|n| d.net_fee.amount().checked_mul(Decimal::from(n)))
                .map(|y| Money::at_scale(y, p.rounding().scale)),
            priority_groups: d.priority_groups,
            net_fee: d.net_fee,
            subsidy_total: d.subsidy_total,
            payers: d.payers,
            periods_per_year: periods_per_year(d.period),
            estimated: d.estimated,
            entitlements: d.entitlements,
            documents: d.documents,
        },
        Ok(d) => Outcome::NotEligible { reasons: d.reasons },
        Err(Error::Input { errors }) if errors.iter().all(|e| e.code == "missing") => {
            let schema = p.input_schema();
            Outcome::Needs {
                inputs: errors
                    .iter()
                    .map(|e| Need {
                        name: e.path.clone(),
                        label: schema
                            .fields
                            .iter()
                            .find(|f| f.name == e.path)
                            .map_or_else(|| e.message.clone(), |f| f.label.clone()),
                    })
                    .collect(),
            }
        }
        Err(Error::Input { errors }) => Outcome::Invalid { errors },
        Err(Error::Eval(EvalError::NotSet {
            parameter, set_by, ..
        })) => Outcome::Needs {
            inputs: vec![Need {
                name: parameter,
                label: Text::new(
                    format!("由{}确定", set_by.zh),
                    format!("set by {}", set_by.en),
                ),
            }],
        },
        Err(e) => Outcome::Invalid {
            errors: vec![input_error(
                "",
                "cannot_decide",
                &e.to_string(),
                &e.to_string(),
            )],
        },
    }
}
