//! Population runs over participants already read: slices of at most [`SLICE`] on the
//! columnar engine, totalled into a [`Tally`] — with progress, and a chance to stop between
//! slices. (Record batches stream through `huimin_arrow::tally`, into the same tally.)

use crate::error::Error;
use crate::model::Participant;
use crate::policy::Policy;
use crate::tally::{Key, Report, Tally};
use chrono::NaiveDate;

/// Participants evaluated together: large enough for the lanes and all cores, small enough to
/// keep a streaming run's memory flat.
pub const SLICE: usize = 1 << 16;

impl Policy {
    /// Evaluates a population without explanations and totals it: slices of the population
    /// go through the batch path (all cores, exact), and `progress` is called after each slice
    /// with the number of participants done so far. A row in error is counted and named
    /// `participant N` (from 0), with its id when it has one.
    pub fn simulate(
        &self,
        people: &[Participant],
        as_of: NaiveDate,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Report {
        let mut t = Tally::single(self, as_of);
        fill(&mut t, &[self], people, as_of, &|done| {
            progress(done);
            true
        });
        t.report()
    }

    /// [`Policy::simulate`], asking `go_on` after each slice (on the calling thread, with the
    /// number of participants done so far) whether to go on: `None` once it says no.
    pub fn simulate_while(
        &self,
        people: &[Participant],
        as_of: NaiveDate,
        go_on: &dyn Fn(usize) -> bool,
    ) -> Option<Report> {
        let mut t = Tally::single(self, as_of);
        fill(&mut t, &[self], people, as_of, go_on).then(|| t.report())
    }
}

/// Totals participants under `policies` (the baseline first, then each reform) in slices,
/// asking `go_on` after each: `None` once it says no; an error when the policies cannot be
/// compared ([`Tally::new`]).
pub fn tally_people(
    policies: &[&Policy],
    people: &[Participant],
    as_of: NaiveDate,
    go_on: &dyn Fn(usize) -> bool,
) -> Result<Option<Tally>, Error> {
    let mut t = Tally::new(policies, as_of, &[])?;
    Ok(fill(&mut t, policies, people, as_of, go_on).then_some(t))
}

/// Adds `people` to `t` slice by slice; `false` when `go_on` said stop.
fn fill(
    t: &mut Tally,
    policies: &[&Policy],
    people: &[Participant],
    as_of: NaiveDate,
    go_on: &dyn Fn(usize) -> bool,
) -> bool {
    let keys = [Key::new()];
    for (k, part) in people.chunks(SLICE).enumerate() {
        let first = k.saturating_mul(SLICE);
        let name = |i: usize| {
            let place = format!("participant {}", first.saturating_add(i));
            match part.get(i).and_then(|p| p.id.as_deref()) {
                Some(id) => format!("{} ({place})", crate::text::excerpt(id, 80)),
                None => place,
            }
        };
        t.add_people(
            policies,
            part,
            as_of,
            &keys,
            &vec![0; part.len()],
            None,
            &name,
        );
        if !go_on(first.saturating_add(part.len())) {
            return false;
        }
    }
    true
}
