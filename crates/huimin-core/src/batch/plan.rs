//! The columnar plan of a policy: which expressions the lanes evaluate before the rows are
//! decided, and whether the policy can run on lanes at all — a verdict that says why not.

use crate::decision::StepKind;
use crate::expr::{lane, Binding, Expression};
use crate::money::fixed;
use crate::policy::Policy;
use serde::Serialize;

/// Whether the columnar engine runs a policy on fixed-point lanes, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Rows go through the lanes. A row that a lane cannot finish exactly (a quotient that
    /// does not terminate within six decimals, an overflow, a bad input) still goes to the
    /// exact engine, alone.
    pub columnar: bool,
    /// What keeps the policy off the lanes; empty when `columnar`.
    pub reasons: Vec<String>,
}

/// The expressions the lanes evaluate for each chunk, in two passes.
pub(crate) struct Plan<'p> {
    /// Evaluated first: everything that does not need the participant's category.
    pub first: Vec<&'p Expression>,
    /// Evaluated once each row's category is known: rules after the category stage that
    /// read `category`.
    pub after_category: Vec<&'p Expression>,
}

impl Policy {
    /// How the columnar engine ([`Policy::evaluate_batch`]) will run this policy.
    pub fn verdict(&self) -> Verdict {
        match self.plan() {
            Ok(_) => Verdict {
                columnar: true,
                reasons: Vec::new(),
            },
            Err(reasons) => Verdict {
                columnar: false,
                reasons,
            },
        }
    }

    /// The lane plan, or the reasons there is none.
    pub(crate) fn plan(&self) -> Result<Plan<'_>, Vec<String>> {
        let mut reasons = Vec::new();
        if self.rounding.scale > fixed::PLACES {
            reasons.push(format!(
                "money is rounded to {} decimals; the lanes hold {}",
                self.rounding.scale,
                fixed::PLACES
            ));
        }
        let mut plan = Plan {
            first: Vec::new(),
            after_category: Vec::new(),
        };
        for (site, e) in self.expressions() {
            if let Some(why) = lane::blocker(&e.node) {
                reasons.push(format!(
                    "{} `{}`, {}: `{}` has {why}",
                    stage_name(site.stage),
                    site.rule,
                    site.part,
                    e.source
                ));
            }
            if e.slot as usize >= self.slots {
                reasons.push(format!("`{}` has no lane slot", e.source));
            }
            let before = matches!(site.stage, StepKind::Eligibility | StepKind::Category);
            if !before && e.reads.contains(&Binding::Category) {
                plan.after_category.push(e);
            } else {
                plan.first.push(e);
            }
        }
        if reasons.is_empty() {
            Ok(plan)
        } else {
            Err(reasons)
        }
    }
}

fn stage_name(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Parameter => "parameter",
        StepKind::Eligibility => "eligibility",
        StepKind::Category => "category",
        StepKind::Priority => "priority",
        StepKind::Fee => "fee",
        StepKind::Reduction => "reduction",
        StepKind::Subsidy => "subsidy",
        StepKind::Split => "split",
        StepKind::Entitlement => "entitlement",
    }
}
