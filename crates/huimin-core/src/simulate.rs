//! Population runs: a population evaluated in slices on the columnar engine, totalled into a
//! [`Budget`], with progress (and a chance to stop) between slices.

use crate::batch::Batch;
use crate::budget::Budget;
use crate::model::Participant;
use crate::policy::Policy;
use chrono::NaiveDate;

/// Participants per slice of a population run.
const SLICE: usize = 1 << 16;

impl Policy {
    /// Evaluates a population without explanations and totals it: slices of the population
    /// go through the batch path (all cores, exact), and `progress` is called after each slice
    /// with the number of participants done so far.
    pub fn simulate(
        &self,
        people: &[Participant],
        as_of: NaiveDate,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Budget {
        let mut total = Budget::new(self, as_of);
        self.simulate_into(&mut total, people, as_of, &|done| {
            progress(done);
            true
        });
        total
    }

    /// [`Policy::simulate`], asking `go_on` after each slice (on the calling thread, with the
    /// number of participants done so far) whether to go on: `None` once it says no.
    pub fn simulate_while(
        &self,
        people: &[Participant],
        as_of: NaiveDate,
        go_on: &dyn Fn(usize) -> bool,
    ) -> Option<Budget> {
        let mut total = Budget::new(self, as_of);
        self.simulate_into(&mut total, people, as_of, go_on)
            .then_some(total)
    }

    /// Adds the population to `total` slice by slice; `false` when `go_on` stopped it.
    fn simulate_into(
        &self,
        total: &mut Budget,
        people: &[Participant],
        as_of: NaiveDate,
        go_on: &dyn Fn(usize) -> bool,
    ) -> bool {
        let mut done = 0;
        for part in people.chunks(SLICE) {
            match self.evaluate_batch(&Batch::from_participants(part), as_of) {
                Ok(out) => total.merge(out.budget_from(self, as_of, done)),
                Err(e) => {
                    for i in 0..part.len() {
                        total.add_error(done + i, &e);
                    }
                }
            }
            done += part.len();
            if !go_on(done) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn a_run_stops_between_slices_when_asked() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/policies/chongqing-wanzhou-2020.yaml"
        );
        let policy = Policy::from_path(path).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
        // three slices: 65 536, 65 536 and 1
        let people = crate::population::synthetic(&policy, 2 * SLICE + 1, 5);
        let seen = RefCell::new(Vec::new());
        let stopped = policy.simulate_while(&people, as_of, &|done| {
            seen.borrow_mut().push(done);
            false
        });
        assert!(stopped.is_none());
        assert_eq!(*seen.borrow(), [SLICE]);
        seen.borrow_mut().clear();
        let whole = policy.simulate_while(&people, as_of, &|done| {
            seen.borrow_mut().push(done);
            true
        });
        assert_eq!(*seen.borrow(), [SLICE, 2 * SLICE, 2 * SLICE + 1]);
        assert_eq!(whole, Some(policy.simulate(&people, as_of, &|_| {})));
    }
}
