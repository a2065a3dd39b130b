//! Population runs: evaluate many participants and total the money — a budget.

use crate::decision::{Assumption, Decision};
use crate::error::Error;
use crate::money::Money;
use crate::policy::Policy;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// The totals of a population run under one policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    /// The pack's id.
    pub pack: String,
    /// The evaluation date.
    pub as_of: NaiveDate,
    /// Participants evaluated (including those in error).
    pub participants: u64,
    /// Participants found eligible.
    pub eligible: u64,
    /// Participants that could not be evaluated (bad input); see `first_errors`.
    pub errors: u64,
    /// Up to ten of those errors, with the participant's position.
    pub first_errors: Vec<String>,
    /// Total of gross fees.
    pub gross_fee: Money,
    /// Total of reductions granted.
    pub reduction_total: Money,
    /// Total of net fees.
    pub net_fee: Money,
    /// Total of subsidies due.
    pub subsidy_total: Money,
    /// What each payer pays in total.
    pub payers: BTreeMap<String, Money>,
    /// Eligible participants in each priority group.
    pub priority_groups: BTreeMap<String, u64>,
    /// Eligible participants in each category.
    pub categories: BTreeMap<String, u64>,
    /// The values the totals rest on that the source document does not state
    /// ([`Policy::assumptions`]); empty when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<Assumption>,
    /// The measures that are estimates because of them ([`Policy::estimated`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub estimated: Vec<String>,
}

impl Budget {
    /// An empty budget for a policy.
    pub fn new(policy: &Policy, as_of: NaiveDate) -> Budget {
        let zero = Money::zero(policy.rounding().scale);
        Budget {
            pack: policy.id().to_owned(),
            as_of,
            participants: 0,
            eligible: 0,
            errors: 0,
            first_errors: Vec::new(),
            gross_fee: zero,
            reduction_total: zero,
            net_fee: zero,
            subsidy_total: zero,
            payers: policy
                .payers()
                .iter()
                .map(|(id, _)| (id.clone(), zero))
                .collect(),
            priority_groups: policy
                .priority_groups()
                .map(|(id, _)| (id.to_owned(), 0))
                .collect(),
            categories: BTreeMap::new(),
            assumptions: policy.assumptions(as_of),
            estimated: policy.estimated(),
        }
    }

    /// Adds one decision. A decision whose amounts would take a total past `Decimal`'s range
    /// (about 7.9e28) is counted as an error, not added: a total is never left short silently.
    pub fn add(&mut self, d: &Decision) {
        self.participants += 1;
        if !d.eligible {
            return;
        }
        let amounts = [d.gross_fee, d.reduction_total, d.net_fee, d.subsidy_total];
        if !self.add_money(amounts, &d.payers) {
            self.overflowed(format!("participant {}", self.participants - 1));
            return;
        }
        self.eligible += 1;
        for g in &d.priority_groups {
            *self.priority_groups.entry(g.clone()).or_insert(0) += 1;
        }
        if let Some(c) = &d.category {
            *self.categories.entry(c.clone()).or_insert(0) += 1;
        }
    }

    /// Counts a participant that could not be evaluated; `name` says which (its id, where its
    /// record is).
    pub fn add_error(&mut self, name: &str, e: &Error) {
        self.participants += 1;
        self.errors += 1;
        if self.first_errors.len() < 10 {
            self.first_errors.push(format!("{name}: {e}"));
        }
    }

    /// Adds another budget of the same policy and date (from another slice). One whose totals
    /// would pass `Decimal`'s range is counted as errors, not added.
    pub fn merge(&mut self, o: Budget) {
        self.participants += o.participants;
        let amounts = [o.gross_fee, o.reduction_total, o.net_fee, o.subsidy_total];
        if !self.add_money(amounts, &o.payers) {
            self.errors += o.participants.saturating_sub(1);
            self.overflowed(format!("{} participants", o.participants));
            return;
        }
        self.eligible += o.eligible;
        self.errors += o.errors;
        for e in o.first_errors {
            if self.first_errors.len() < 10 {
                self.first_errors.push(e);
            }
        }
        for (k, n) in o.priority_groups {
            *self.priority_groups.entry(k).or_insert(0) += n;
        }
        for (k, n) in o.categories {
            *self.categories.entry(k).or_insert(0) += n;
        }
    }

    /// Adds the four totals and each payer's, all or none; `false` when one would overflow.
    fn add_money(&mut self, amounts: [Money; 4], payers: &BTreeMap<String, Money>) -> bool {
        let mine = [
            self.gross_fee,
            self.reduction_total,
            self.net_fee,
            self.subsidy_total,
        ];
        let mut sums = [Money::default(); 4];
        for ((s, a), b) in sums.iter_mut().zip(mine).zip(amounts) {
            match a.checked_add(b) {
                Some(x) => *s = x,
                None => return false,
            }
        }
        let mut by_payer = self.payers.clone();
        for (p, m) in payers {
            let zero = Money::zero(m.amount().scale());
            match by_payer.get(p).copied().unwrap_or(zero).checked_add(*m) {
                Some(x) => {
                    by_payer.insert(p.clone(), x);
                }
                None => return false,
            }
        }
        [
            self.gross_fee,
            self.reduction_total,
            self.net_fee,
            self.subsidy_total,
        ] = sums;
        self.payers = by_payer;
        true
    }

    /// Counts what could not be added because a total would pass the decimal range.
    fn overflowed(&mut self, what: String) {
        self.errors += 1;
        if self.first_errors.len() < 10 {
            self.first_errors.push(format!(
                "{what}: amounts that take a total past the decimal range (about 7.9e28); not counted"
            ));
        }
    }
}
