//! Population runs: a population evaluated in slices on the columnar engine, totalled into a
//! [`Budget`], with progress between slices.

use crate::batch::Batch;
use crate::budget::Budget;
use crate::model::Participant;
use crate::policy::Policy;
use chrono::NaiveDate;

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
        const SLICE: usize = 1 << 16;
        let mut total = Budget::new(self, as_of);
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
            progress(done);
        }
        total
    }
}
