//! Population runs: a population evaluated in slices on the columnar engine, totalled into a
//! [`Budget`] — all at once ([`Policy::simulate`], with progress and a chance to stop between
//! slices) or fed slice by slice as a file streams ([`Simulation`]), in memory that does not
//! grow with the population.

use crate::batch::Batch;
use crate::budget::Budget;
use crate::error::Error;
use crate::model::Participant;
use crate::policy::Policy;
use chrono::NaiveDate;

/// Participants evaluated together: large enough for the lanes and all cores, small enough to
/// keep a streaming run's memory flat.
pub const SLICE: usize = 1 << 16;

impl Policy {
    /// Evaluates a population without explanations and totals it: slices of the population
    /// go through the batch path (all cores, exact), and `progress` is called after each slice
    /// with the number of participants done so far. An error names its row as
    /// `participant N` (from 0).
    pub fn simulate(
        &self,
        people: &[Participant],
        as_of: NaiveDate,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Budget {
        let mut run = Simulation::new(self, as_of);
        run.add_all(people, &|done| {
            progress(done);
            true
        });
        run.finish()
    }

    /// [`Policy::simulate`], asking `go_on` after each slice (on the calling thread, with the
    /// number of participants done so far) whether to go on: `None` once it says no.
    pub fn simulate_while(
        &self,
        people: &[Participant],
        as_of: NaiveDate,
        go_on: &dyn Fn(usize) -> bool,
    ) -> Option<Budget> {
        let mut run = Simulation::new(self, as_of);
        run.add_all(people, go_on).then(|| run.finish())
    }
}

/// A population run fed slice by slice. Errors name the participant by its id and by the place
/// the caller gives (a file's line, a frame's row).
#[derive(Debug)]
pub struct Simulation<'p> {
    policy: &'p Policy,
    as_of: NaiveDate,
    total: Budget,
}

impl<'p> Simulation<'p> {
    /// An empty run of `policy` on `as_of`.
    pub fn new(policy: &'p Policy, as_of: NaiveDate) -> Self {
        Simulation {
            policy,
            as_of,
            total: Budget::new(policy, as_of),
        }
    }

    /// Participants counted so far, in error or not.
    pub fn participants(&self) -> usize {
        usize::try_from(self.total.participants).unwrap_or(usize::MAX)
    }

    /// Adds a whole population slice by slice, naming each by its position, and asks `go_on`
    /// after each slice; `false` when it said stop.
    fn add_all(&mut self, people: &[Participant], go_on: &dyn Fn(usize) -> bool) -> bool {
        for part in people.chunks(SLICE) {
            let first = self.participants();
            self.add(part, &|i| {
                format!("participant {}", first.saturating_add(i))
            });
            if !go_on(self.participants()) {
                return false;
            }
        }
        true
    }

    /// Evaluates a slice of participants (best up to [`SLICE`] at a time) and adds it to the
    /// totals; `place(i)` says where the slice's `i`-th participant came from.
    pub fn add(&mut self, people: &[Participant], place: &dyn Fn(usize) -> String) {
        let name = |i: usize| match people.get(i).and_then(|p| p.id.as_deref()) {
            Some(id) => format!("{} ({})", crate::text::excerpt(id, 80), place(i)),
            None => place(i),
        };
        match self
            .policy
            .evaluate_batch(&Batch::from_participants(people), self.as_of)
        {
            Ok(out) => self
                .total
                .merge(out.budget_named(self.policy, self.as_of, &name)),
            Err(e) => {
                for i in 0..people.len() {
                    self.total.add_error(&name(i), &e);
                }
            }
        }
    }

    /// Counts a participant whose record could not be read; `name` says which.
    pub fn add_unread(&mut self, name: &str, e: &Error) {
        self.total.add_error(name, e);
    }

    /// The totals.
    pub fn finish(self) -> Budget {
        self.total
    }
}
