//! What an evaluation returns: a [`Decision`], serialised to JSON in a stable shape (amounts as
//! strings such as `"170.00"`). The bindings pass exactly this shape.

use crate::money::Money;
use crate::pack::Period;
use crate::text::{Label, Name, Text};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The decision for one participant as of one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Decision {
    /// The pack's id.
    pub pack: Name,
    /// The participant's id, if given.
    pub participant: Option<String>,
    /// The evaluation date.
    pub as_of: NaiveDate,
    /// The SHA-256 of the pack's canonical text (`Policy::fingerprint`): with `pack`,
    /// `as_of` and `engine`, the receipt from which the answer can be reproduced exactly.
    #[serde(default)]
    pub fingerprint: Name,
    /// The huimin version that decided.
    #[serde(default)]
    pub engine: Name,
    /// The period the amounts are for.
    pub period: Period,
    /// Whether the participant is served.
    pub eligible: bool,
    /// The unmet requirements, when not eligible.
    pub reasons: Vec<Reason>,
    /// The matched category, if the pack has categories.
    pub category: Option<Name>,
    /// The priority groups matched, in the pack's order.
    pub priority_groups: Vec<Name>,
    /// Each charge.
    pub fees: Vec<Line>,
    /// The sum of the charges.
    pub gross_fee: Money,
    /// Each reduction applied.
    pub reductions: Vec<Line>,
    /// The sum of the reductions applied.
    pub reduction_total: Money,
    /// What the fee payer pays: gross fee less reductions.
    pub net_fee: Money,
    /// Each subsidy due.
    pub subsidies: Vec<Line>,
    /// The sum of the subsidies due.
    pub subsidy_total: Money,
    /// What each payer pays for this participant (every payer of the pack, zero included).
    pub payers: BTreeMap<Name, Money>,
    /// How each amount splits between payers.
    pub splits: Vec<Allocation>,
    /// Counted entitlements (services, not money).
    pub entitlements: Vec<Entitlement>,
    /// The values this decision rests on that the source document does not state: every
    /// assumed parameter a rule it went through reads. Empty when it rests on none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<Assumption>,
    /// The fields of this decision that rest on [`Decision::assumptions`], and so are
    /// estimates: any of `eligible`, `category`, `priority_groups`, `gross_fee`,
    /// `reduction_total`, `net_fee`, `subsidy_total`, `entitlements` and `payers.<id>`. A form
    /// marks exactly these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub estimated: Vec<Name>,
    /// Terms of the shared vocabulary given that this pack does not read (a status or a
    /// standard field another program uses): reported, never silently used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unused: Vec<String>,
    /// What an eligible participant brings or submits to apply, in the pack's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    /// The explanation: every rule considered, in order.
    pub steps: Vec<Step>,
    /// The explanation for the applicant: only what changed the answer (a requirement not
    /// met, each amount charged, taken off or paid), in plain sentences, each clause quoted
    /// once. With `steps`, when explaining.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plain: Vec<Sentence>,
}

/// One sentence of [`Decision::plain`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Sentence {
    /// The rule it is about.
    pub rule: Name,
    /// What kind of rule.
    pub kind: StepKind,
    /// The sentence.
    pub text: Text,
    /// The amount, for money rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// It rests on a value the source does not state.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
    /// The clause, the first time the answer cites it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cite: Option<Arc<Citation>>,
}

/// A document to bring or submit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Document {
    /// The document's id.
    pub document: Name,
    /// The document as the source names it.
    pub name: Label,
    /// Where the requirement comes from.
    pub cite: Option<Arc<Citation>>,
}

/// A value an answer rests on that the source document does not state (an estimate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Assumption {
    /// The parameter's id.
    pub parameter: Name,
    /// What it is.
    pub label: Label,
    /// Its value in force on the date (empty when none is).
    pub value: Name,
    /// Why the pack assumes it.
    pub reason: Label,
    /// The rules that read it, in the order they were gone through.
    // Inline for one or two, as it mostly is: noting an assumption then allocates nothing.
    pub rules: SmallVec<[Name; 2]>,
}

impl Assumption {
    /// Adds `a` to `list` unless an assumption about the same value is there already.
    pub fn add_once(list: &mut Vec<Assumption>, a: &Assumption) {
        if !list.iter().any(|b| b.parameter == a.parameter) {
            list.push(a.clone());
        }
    }
}

/// The fields of a decision that can rest on an assumed value, in the order
/// [`Decision::estimated`] lists them (then `payers.<id>`, in the pack's order of payers).
pub(crate) const ESTIMABLE: [&str; 8] = [
    "eligible",
    "category",
    "priority_groups",
    "gross_fee",
    "reduction_total",
    "net_fee",
    "subsidy_total",
    "entitlements",
];

/// An amount produced by a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Line {
    /// The rule's id.
    pub rule: Name,
    /// The rule's name.
    pub label: Label,
    /// The amount.
    pub amount: Money,
    /// The assumed parameters the rule reads ([`Decision::assumptions`]): the amount is an
    /// estimate when this is not empty.
    // Inline for one or two, as it mostly is: an estimated line then allocates nothing more.
    #[serde(default, skip_serializing_if = "SmallVec::is_empty")]
    pub assumed: SmallVec<[Name; 2]>,
    /// For a fee: the price asked, when it was above the limit the source sets (the fee is
    /// charged at the limit). A program audit reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_limit: Option<Money>,
}

/// An unmet eligibility requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Reason {
    /// The requirement's id.
    pub rule: Name,
    /// Why the participant is not served.
    pub message: Text,
    /// Where the requirement comes from.
    pub cite: Option<Arc<Citation>>,
}

/// The split of one amount between payers; the parts sum exactly to the amount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Allocation {
    /// The rule whose amount is split (`fee` for the net fee).
    pub rule: Name,
    /// The split arrangement's id (or the single payer's).
    pub split: Name,
    /// The amount split.
    pub amount: Money,
    /// Each payer's part.
    #[schemars(with = "BTreeMap<Name, Money>")]
    pub parts: Parts,
}

/// Each payer's part of an amount, in the order of the payers' ids: a map in JSON
/// (`{"city": "60.00", "district": "40.00"}`).
// Inline for one or two payers, as most splits have: a split then allocates nothing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parts(SmallVec<[(Name, Money); 2]>);

impl Parts {
    /// `payer`'s part, if it has one.
    pub fn get(&self, payer: &str) -> Option<&Money> {
        self.iter()
            .find(|(p, _)| p.as_str() == payer)
            .map(|(_, m)| m)
    }

    /// Sets `payer`'s part; its former part, if it had one.
    pub fn insert(&mut self, payer: Name, part: Money) -> Option<Money> {
        match self.0.binary_search_by(|(p, _)| p.cmp(&payer)) {
            Ok(i) => self.0.get_mut(i).map(|(_, m)| std::mem::replace(m, part)),
            Err(i) => {
                self.0.insert(i, (payer, part));
                None
            }
        }
    }

    /// Each payer and its part, in the order of the payers' ids.
    pub fn iter(&self) -> impl Iterator<Item = (&Name, &Money)> {
        self.0.iter().map(|(p, m)| (p, m))
    }

    /// The parts, in the order of the payers' ids.
    pub fn values(&self) -> impl Iterator<Item = &Money> {
        self.0.iter().map(|(_, m)| m)
    }

    /// How many payers have a part.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no payer has a part.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Parts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// Read as a map; a payer given twice is an error, not a part silently dropped.
impl<'de> Deserialize<'de> for Parts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Parts, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Parts;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of payer ids to amounts")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut map: M,
            ) -> Result<Parts, M::Error> {
                let mut parts = Parts::default();
                while let Some((payer, part)) = map.next_entry::<Name, Money>()? {
                    if parts.insert(payer.clone(), part).is_some() {
                        return Err(serde::de::Error::custom(format_args!(
                            "payer `{payer}` given twice"
                        )));
                    }
                }
                Ok(parts)
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// A counted entitlement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Entitlement {
    /// The rule's id.
    pub rule: Name,
    /// The service.
    pub label: Label,
    /// How many.
    #[schemars(with = "String")]
    #[serde(with = "rust_decimal::serde::str")]
    pub count: rust_decimal::Decimal,
    /// Whether the count is a minimum.
    pub at_least: bool,
    /// Per what period.
    pub per: Period,
}

/// One step of the explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Step {
    /// The rule's id (or the parameter's).
    pub rule: Name,
    /// What kind of rule it is.
    pub kind: StepKind,
    /// The rule's name.
    pub label: Label,
    /// The inputs and parameters it read, with their values.
    pub inputs: BTreeMap<Name, String>,
    /// What it produced: `true`/`false` for conditions, an amount for money rules.
    pub value: String,
    /// How the value came about, e.g. `3.00 × 60 = 180.00; capped at 170`, in both languages.
    pub detail: Option<Arc<Text>>,
    /// Where the rule comes from.
    pub cite: Option<Arc<Citation>>,
    /// The assumed parameters it read ([`Decision::assumptions`]): its value is an estimate
    /// when this is not empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumed: Vec<Name>,
}

/// Kinds of explanation step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// A parameter's value in force on the date.
    Parameter,
    /// An eligibility requirement.
    Eligibility,
    /// A category test.
    Category,
    /// A priority-group test.
    Priority,
    /// A charge.
    Fee,
    /// A reduction.
    Reduction,
    /// A subsidy.
    Subsidy,
    /// A split between payers.
    Split,
    /// An entitlement.
    Entitlement,
}

/// A cited clause of a source document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Citation {
    /// The clause's id in the pack.
    pub id: String,
    /// The document: title and number (文号).
    pub document: String,
    /// The clause as numbered in the document.
    pub clause: String,
    /// The source text, verbatim.
    pub text: String,
    /// An English gloss.
    pub en: Option<String>,
}

impl std::fmt::Display for Citation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}：「{}」", self.document, self.clause, self.text)
    }
}

impl Decision {
    /// The decision as JSON, in the documented shape.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(fen: i128) -> Money {
        Money::from_units(fen, 2).unwrap_or(Money::zero(2))
    }

    /// Parts are kept in the payers' text order whatever order they are set in, and read and
    /// write as the JSON map a `BTreeMap` made.
    #[test]
    fn parts_are_a_map_in_payer_order() {
        let mut parts = Parts::default();
        assert_eq!(parts.insert(Name::from("district"), yuan(4000)), None);
        assert_eq!(parts.insert(Name::from("city"), yuan(6000)), None);
        assert_eq!(parts.insert(Name::from("county"), yuan(1)), None);
        // Setting a part again replaces it.
        assert_eq!(parts.insert(Name::from("county"), yuan(0)), Some(yuan(1)));
        let json = serde_json::to_string(&parts).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"city":"60.00","county":"0.00","district":"40.00"}"#
        );
        assert_eq!(parts.get("district"), Some(&yuan(4000)));
        assert_eq!(parts.get("province"), None);
        assert_eq!(parts.len(), 3);
        let back: Parts =
            serde_json::from_str(r#"{"district":"40.00","city":"60.00"}"#).unwrap_or_default();
        let ids: Vec<&str> = back.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(ids, ["city", "district"]);
        // A payer given twice is refused, not half-read.
        let twice = serde_json::from_str::<Parts>(r#"{"city":"60.00","city":"40.00"}"#);
        let err = twice.map(|_| ()).map_err(|e| e.to_string());
        assert!(
            err.as_ref()
                .is_err_and(|e| e.contains("payer `city` given twice")),
            "{err:?}"
        );
    }
}
