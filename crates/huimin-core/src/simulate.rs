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
