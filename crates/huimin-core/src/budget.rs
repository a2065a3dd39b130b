//! Population runs: evaluate many participants and total the money — a budget.

use crate::decision::Decision;
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
        }
    }

    /// Adds one decision.
    pub fn add(&mut self, d: &Decision) {
        self.participants += 1;
        if !d.eligible {
            return;
        }
        self.eligible += 1;
        add_money(&mut self.gross_fee, d.gross_fee);
        add_money(&mut self.reduction_total, d.reduction_total);
        add_money(&mut self.net_fee, d.net_fee);
        add_money(&mut self.subsidy_total, d.subsidy_total);
        for (p, m) in &d.payers {
            add_money(
                self.payers
                    .entry(p.clone())
                    .or_insert(Money::zero(m.amount().scale())),
                *m,
            );
        }
        for g in &d.priority_groups {
            *self.priority_groups.entry(g.clone()).or_insert(0) += 1;
        }
        if let Some(c) = &d.category {
            *self.categories.entry(c.clone()).or_insert(0) += 1;
        }
    }

    /// Counts a participant that could not be evaluated.
    pub fn add_error(&mut self, index: usize, e: &Error) {
        self.participants += 1;
        self.errors += 1;
        if self.first_errors.len() < 10 {
            self.first_errors.push(format!("participant {index}: {e}"));
        }
    }

    /// Adds another budget of the same policy and date (from another thread's chunk).
    pub fn merge(&mut self, o: Budget) {
        self.participants += o.participants;
        self.eligible += o.eligible;
        self.errors += o.errors;
        for e in o.first_errors {
            if self.first_errors.len() < 10 {
                self.first_errors.push(e);
            }
        }
        add_money(&mut self.gross_fee, o.gross_fee);
        add_money(&mut self.reduction_total, o.reduction_total);
        add_money(&mut self.net_fee, o.net_fee);
        add_money(&mut self.subsidy_total, o.subsidy_total);
        for (k, m) in o.payers {
            add_money(
                self.payers
                    .entry(k)
                    .or_insert(Money::zero(m.amount().scale())),
                m,
            );
        }
        for (k, n) in o.priority_groups {
            *self.priority_groups.entry(k).or_insert(0) += n;
        }
        for (k, n) in o.categories {
            *self.categories.entry(k).or_insert(0) += n;
        }
    }
}

/// Money totals stay far inside `Decimal`'s range (about 7.9e28); an overflow would need more
/// than 10^16 participants at the largest amounts a pack can produce, so saturating is moot —
/// but it is still checked, never wrapped.
fn add_money(total: &mut Money, m: Money) {
    let scale = total.amount().scale().max(m.amount().scale());
    if let Some(s) = total.amount().checked_add(m.amount()) {
        *total = Money::at_scale(s, scale);
    }
}
