//! Population totals by group, under a baseline and any number of reforms at once, with exact
//! weights: what each group pays and receives in each scenario, by payer and priority group,
//! and who wins and who loses under each reform. Fed one columnar batch output per scenario
//! at a time, so a run of any size holds only its groups; every group's sums are kept as
//! integers (money units × weight units), so the groups add up exactly to the whole.

use crate::batch::{BatchOutput, Defaulted};
use crate::decision::Assumption;
use crate::error::Error;
use crate::policy::Policy;
use crate::text::Name;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Decimal places a weight may have: weights are held as whole millionths.
pub const WEIGHT_SCALE: u32 = 6;

/// A weight as whole millionths: an exact non-negative decimal of at most [`WEIGHT_SCALE`]
/// places, or why it is not one (`name` is the weight's column).
pub fn weight_units(d: Decimal, name: &str) -> Result<i128, String> {
    if d.is_sign_negative() && !d.is_zero() {
        return Err(format!("weight `{name}` is negative ({d})"));
    }
    let mut m = d.normalize();
    if m.scale() > WEIGHT_SCALE {
        return Err(format!(
            "weight `{name}` has more than {WEIGHT_SCALE} decimal places ({m})"
        ));
    }
    m.rescale(WEIGHT_SCALE);
    Ok(m.mantissa())
}

/// A weight written as text (a CSV cell, a float's shortest text), or why it is none.
pub fn weight_text(t: &str, name: &str) -> Result<i128, String> {
    let t = t.trim();
    if t.is_empty() {
        return Err(format!("no weight (`{name}` is empty)"));
    }
    crate::money::parse_decimal(t)
        .ok_or_else(|| format!("weight `{name}` is not a number ({t})"))
        .and_then(|d| weight_units(d, name))
}

/// A weight as a record gives it (`None`: the record has none), or why it is none.
pub fn weight_value(v: Option<&crate::model::Value>, name: &str) -> Result<i128, String> {
    use crate::model::Value;
    match v {
        None => weight_text("", name),
        Some(Value::Number(d)) => weight_units(*d, name),
        Some(Value::Text(t)) => weight_text(t, name),
        Some(Value::Bool(b)) => Err(format!("weight `{name}` is not a number ({b})")),
    }
}

/// A group's key: one value per `by` column (`None` where the row has none).
pub type Key = Vec<Option<String>>;

/// `by` names that group by an outcome under the baseline rather than by a column: the
/// participant's category, and the first of its priority groups in the pack's order (so that
/// the groups still share the population out, each participant in one).
pub const BY_OUTCOME: [&str; 2] = ["@category", "@priority"];

/// One scenario's sums in one group, in weight units (money in money units × weight units).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Sums {
    participants: i128,
    eligible: i128,
    gross_fee: i128,
    reduction_total: i128,
    net_fee: i128,
    subsidy_total: i128,
    payers: Vec<i128>,
    priority: Vec<i128>,
    categories: Vec<i128>,
}

/// One reform's change against the baseline in one group (weight units).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Shift {
    /// Eligible in both and paying less, more, or the same.
    winners: i128,
    losers: i128,
    unchanged: i128,
    /// Eligible only under the reform, or only under the baseline.
    gained: i128,
    lost: i128,
    /// Σ weight × (reform's net fee − baseline's), over rows eligible in both.
    net_fee_change: i128,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Group {
    rows: u64,
    errors: u64,
    sums: Vec<Sums>,
    shifts: Vec<Shift>,
}

/// `a += b`, checked; `false` on overflow.
fn plus(a: &mut i128, b: i128) -> bool {
    a.checked_add(b).map(|x| *a = x).is_some()
}

impl Group {
    fn empty(scenarios: &[Scenario]) -> Group {
        Group {
            rows: 0,
            errors: 0,
            sums: scenarios
                .iter()
                .map(|s| Sums {
                    payers: vec![0; s.payers.len()],
                    priority: vec![0; s.priority_groups.len()],
                    categories: vec![0; s.categories.len()],
                    ..Sums::default()
                })
                .collect(),
            shifts: vec![Shift::default(); scenarios.len().saturating_sub(1)],
        }
    }

    /// Adds row `i` of every scenario's outputs with weight `w`; `false` on overflow.
    fn add_row(&mut self, outs: &[BatchOutput], i: usize, w: i128) -> bool {
        let at = |v: &[i64]| i128::from(v.get(i).copied().unwrap_or(0));
        let served = |o: &BatchOutput| o.eligible.get(i).copied().unwrap_or(false);
        let mut ok = true;
        let mut add = |acc: &mut i128, units: i128| {
            ok &= units.checked_mul(w).is_some_and(|x| plus(acc, x));
        };
        for (s, out) in self.sums.iter_mut().zip(outs) {
            add(&mut s.participants, 1);
            if !served(out) {
                continue;
            }
            add(&mut s.eligible, 1);
            add(&mut s.gross_fee, at(&out.gross_fee));
            add(&mut s.reduction_total, at(&out.reduction_total));
            add(&mut s.net_fee, at(&out.net_fee));
            add(&mut s.subsidy_total, at(&out.subsidy_total));
            for (acc, (_, col)) in s.payers.iter_mut().zip(&out.payers) {
                add(acc, at(col));
            }
            for (acc, (_, col)) in s.priority.iter_mut().zip(&out.priority) {
                if col.get(i).copied().unwrap_or(false) {
                    add(acc, 1);
                }
            }
            let category = out.category.get(i).copied().flatten();
            if let Some(acc) = category.and_then(|c| s.categories.get_mut(c as usize)) {
                add(acc, 1);
            }
        }
        if let Some((base, reforms)) = outs.split_first() {
            for (shift, r) in self.shifts.iter_mut().zip(reforms) {
                match (served(base), served(r)) {
                    (true, true) => {
                        let d = at(&r.net_fee) - at(&base.net_fee);
                        add(&mut shift.net_fee_change, d);
                        let bucket = match d.signum() {
                            -1 => &mut shift.winners,
                            1 => &mut shift.losers,
                            _ => &mut shift.unchanged,
                        };
                        add(bucket, 1);
                    }
                    (false, true) => add(&mut shift.gained, 1),
                    (true, false) => add(&mut shift.lost, 1),
                    (false, false) => {}
                }
            }
        }
        ok
    }

    /// Adds another group's sums; `false` on overflow.
    fn absorb(&mut self, o: &Group) -> bool {
        let mut ok = true;
        self.rows += o.rows;
        self.errors += o.errors;
        for (s, t) in self.sums.iter_mut().zip(&o.sums) {
            ok &= plus(&mut s.participants, t.participants)
                & plus(&mut s.eligible, t.eligible)
                & plus(&mut s.gross_fee, t.gross_fee)
                & plus(&mut s.reduction_total, t.reduction_total)
                & plus(&mut s.net_fee, t.net_fee)
                & plus(&mut s.subsidy_total, t.subsidy_total);
            for (a, b) in s.payers.iter_mut().zip(&t.payers) {
                ok &= plus(a, *b);
            }
            for (a, b) in s.priority.iter_mut().zip(&t.priority) {
                ok &= plus(a, *b);
            }
            for (a, b) in s.categories.iter_mut().zip(&t.categories) {
                ok &= plus(a, *b);
            }
        }
        for (s, t) in self.shifts.iter_mut().zip(&o.shifts) {
            ok &= plus(&mut s.winners, t.winners)
                & plus(&mut s.losers, t.losers)
                & plus(&mut s.unchanged, t.unchanged)
                & plus(&mut s.gained, t.gained)
                & plus(&mut s.lost, t.lost)
                & plus(&mut s.net_fee_change, t.net_fee_change);
        }
        ok
    }
}

/// Totals of a population run by group, under a baseline (scenario 0) and reforms. Its JSON
/// (serde) is exact, so that tallies of parts of a population made apart (on a cluster's
/// workers) can be sent back and [merged](Tally::merge).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tally {
    as_of: NaiveDate,
    by: Vec<String>,
    scale: u32,
    scenarios: Vec<Scenario>,
    #[serde(with = "pairs")]
    groups: BTreeMap<Key, Group>,
    rows: u64,
    errors: u64,
    first_errors: Vec<String>,
    /// A sum passed the range of `i128` (never for populations of this world).
    overflow: bool,
    /// Columns of the shared vocabulary the packs do not read.
    unused: Vec<String>,
    /// Per scenario: the inputs an authority sets whose default stood in for some rows.
    #[serde(default)]
    defaulted: Vec<Vec<Defaulted>>,
}

/// A map whose keys are not text, in JSON as a list of `[key, value]` pairs.
mod pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        m: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(m.iter())
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

/// What a scenario is: its pack, payers, priority groups and assumptions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scenario {
    /// The pack's (or reform's) id.
    pub pack: String,
    /// Its payer ids.
    pub payers: Vec<String>,
    /// Its priority group ids.
    pub priority_groups: Vec<String>,
    /// Its category ids.
    pub categories: Vec<String>,
    /// The values its totals rest on that no source document states.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<Assumption>,
    /// The measures that are estimates because of them ([`Policy::estimated`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub estimated: Vec<Name>,
    /// Inputs an authority sets that rows came without, so that the pack's default stood in
    /// (each is among `assumptions`), and how many rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defaulted: Vec<DefaultedRows>,
}

/// How many rows of a run came without an input an authority sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DefaultedRows {
    /// The input.
    pub input: String,
    /// The rows without it, in error or not.
    pub rows: u64,
}

impl Scenario {
    /// This scenario with what the defaults that stood in add to its assumptions.
    fn with_defaults(&self, defaulted: &[Defaulted]) -> Scenario {
        let mut s = self.clone();
        Defaulted::add_to(
            defaulted,
            &mut s.assumptions,
            &mut s.estimated,
            &self.payers,
        );
        s.defaulted = defaulted
            .iter()
            .map(|d| DefaultedRows {
                input: d.assumption.parameter.to_string(),
                rows: d.rows,
            })
            .collect();
        s
    }
}

impl Tally {
    /// An empty tally of `policies` (the baseline first, then each reform) on `as_of`, grouped
    /// by the columns `by` (none: one group, the whole). The policies must round money to the
    /// same number of decimals.
    pub fn new(policies: &[&Policy], as_of: NaiveDate, by: &[String]) -> Result<Tally, Error> {
        let scale = policies.first().map_or(2, |p| p.rounding().scale);
        if let Some(p) = policies.iter().find(|p| p.rounding().scale != scale) {
            return Err(refused(
                &format!(
                    "“{}”的金额保留{}位小数，基准保留{scale}位：比较的方案须一致",
                    p.id(),
                    p.rounding().scale
                ),
                &format!(
                    "`{}` rounds money to {} decimals and the baseline to {scale}: scenarios \
                     compared must round alike",
                    p.id(),
                    p.rounding().scale
                ),
            ));
        }
        Ok(Tally::build(policies, as_of, by, scale))
    }

    /// An empty tally of one policy, ungrouped.
    pub fn single(policy: &Policy, as_of: NaiveDate) -> Tally {
        Tally::build(&[policy], as_of, &[], policy.rounding().scale)
    }

    fn build(policies: &[&Policy], as_of: NaiveDate, by: &[String], scale: u32) -> Tally {
        Tally {
            as_of,
            by: by.to_vec(),
            scale,
            scenarios: policies
                .iter()
                .map(|p| Scenario {
                    pack: p.id().to_owned(),
                    payers: p.payers().iter().map(|(id, _)| id.to_string()).collect(),
                    priority_groups: p.priority_groups().map(|(id, _)| id.to_owned()).collect(),
                    categories: p.categories().map(|(id, _)| id.to_owned()).collect(),
                    assumptions: p.assumptions(as_of),
                    estimated: p.estimated(),
                    defaulted: Vec::new(),
                })
                .collect(),
            groups: BTreeMap::new(),
            rows: 0,
            errors: 0,
            first_errors: Vec::new(),
            overflow: false,
            unused: Vec::new(),
            defaulted: policies.iter().map(|_| Vec::new()).collect(),
        }
    }

    /// Notes the defaults that stood in for inputs of scenario `k`'s rows.
    fn note_defaulted(&mut self, k: usize, defaulted: &[Defaulted]) {
        // A tally read from JSON written before this list existed has none yet.
        if self.defaulted.len() < self.scenarios.len() {
            self.defaulted.resize(self.scenarios.len(), Vec::new());
        }
        if let Some(mine) = self.defaulted.get_mut(k) {
            Defaulted::merge(mine, defaulted);
        }
    }

    /// The scenarios, baseline first.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// Rows counted so far, in error or not.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Rows in error so far (in any scenario, or with a bad weight).
    pub fn errors(&self) -> u64 {
        self.errors
    }

    /// Adds a group's sums to the group of `key`.
    fn absorb(&mut self, key: &Key, g: Group) {
        match self.groups.get_mut(key) {
            Some(mine) => self.overflow |= !mine.absorb(&g),
            None => {
                self.groups.insert(key.clone(), g);
            }
        }
    }

    fn note_error(&mut self, name: &str, e: &dyn std::fmt::Display) {
        self.errors += 1;
        if self.first_errors.len() < 10 {
            self.first_errors.push(format!("{name}: {e}"));
        }
    }

    /// Notes columns of the shared vocabulary that a scenario's pack does not read (they are
    /// left unread, and the report names them).
    pub fn note_unused(&mut self, names: impl IntoIterator<Item = String>) {
        for n in names {
            if !self.unused.contains(&n) {
                self.unused.push(n);
            }
        }
    }

    /// Counts a row of group `key` that could not be read or weighed; `name` says which.
    pub fn add_error(&mut self, key: &Key, name: &str, e: &dyn std::fmt::Display) {
        self.rows += 1;
        self.note_error(name, e);
        let mut g = Group::empty(&self.scenarios);
        g.rows = 1;
        g.errors = 1;
        self.absorb(key, g);
    }

    /// Adds a slice of rows: `outs` holds each scenario's outputs for the same rows, `keys`
    /// the slice's groups and `group[i]` row `i`'s index into them, `weights` each row's weight
    /// in millionths ([`WEIGHT_SCALE`]) or why it has none (`None`: every row weighs 1),
    /// `name(i)` names row `i` in an error. A row in error in any scenario, or without a
    /// weight, is counted as an error and in no total.
    pub fn add(
        &mut self,
        outs: &[BatchOutput],
        keys: &[Key],
        group: &[usize],
        weights: Option<&[Result<i128, String>]>,
        name: &dyn Fn(usize) -> String,
    ) {
        for (k, out) in outs.iter().enumerate() {
            self.note_defaulted(k, &out.defaulted);
        }
        let one = 10_i128.pow(WEIGHT_SCALE);
        let bad = row_errors(outs, None);
        let regrouped = self.by_outcome(outs.first(), keys, group);
        let (keys, group) = match &regrouped {
            Some((k, g)) => (&k[..], &g[..]),
            None => (keys, group),
        };
        let mut local: Vec<Group> = keys.iter().map(|_| Group::empty(&self.scenarios)).collect();
        for (i, k) in group.iter().enumerate() {
            let Some(g) = local.get_mut(*k) else {
                continue;
            };
            g.rows += 1;
            self.rows += 1;
            if let Some(e) = bad.get(&i) {
                g.errors += 1;
                self.note_error(&name(i), e);
                continue;
            }
            let w = match weights.and_then(|w| w.get(i)) {
                None => one,
                Some(Ok(w)) => *w,
                Some(Err(e)) => {
                    g.errors += 1;
                    self.note_error(&name(i), e);
                    continue;
                }
            };
            self.overflow |= !g.add_row(outs, i, w);
        }
        for (key, g) in keys.iter().zip(local) {
            if g.rows > 0 {
                self.absorb(key, g);
            }
        }
    }

    /// The slice's groups with the `@category` and `@priority` parts of each row's key filled
    /// from the baseline's outcome; `None` when the grouping has no such part.
    fn by_outcome(
        &self,
        base: Option<&BatchOutput>,
        keys: &[Key],
        group: &[usize],
    ) -> Option<(Vec<Key>, Vec<usize>)> {
        let parts: Vec<(usize, &str)> = self
            .by
            .iter()
            .enumerate()
            .filter(|(_, b)| BY_OUTCOME.contains(&b.as_str()))
            .map(|(i, b)| (i, b.as_str()))
            .collect();
        if parts.is_empty() {
            return None;
        }
        let base = base?;
        let mut index: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
        let (mut out_keys, mut out_group) = (Vec::new(), Vec::with_capacity(group.len()));
        for (i, k) in group.iter().enumerate() {
            let mut key = keys.get(*k).cloned().unwrap_or_default();
            key.resize(self.by.len(), None);
            for (at, what) in &parts {
                let value = if *what == "@category" {
                    base.category
                        .get(i)
                        .copied()
                        .flatten()
                        .and_then(|c| base.categories.get(c as usize))
                        .cloned()
                } else {
                    base.priority
                        .iter()
                        .find(|(_, col)| col.get(i).copied().unwrap_or(false))
                        .map(|(g, _)| g.clone())
                };
                if let Some(slot) = key.get_mut(*at) {
                    *slot = value;
                }
            }
            let next = out_keys.len();
            let g = *index.entry(key.clone()).or_insert_with(|| {
                out_keys.push(key);
                next
            });
            out_group.push(g);
        }
        Some((out_keys, out_group))
    }

    /// Evaluates participants under every scenario (`policies`, the ones the tally was made
    /// for, in order) on the columnar engine and adds them: `keys`, `group`, `weights` and
    /// `name` as for [`Tally::add`]. Each scenario's outputs, or `None` when a scenario
    /// refused the slice whole (then every row is counted in error).
    #[allow(clippy::too_many_arguments)]
    pub fn add_people(
        &mut self,
        policies: &[&Policy],
        people: &[crate::model::Participant],
        as_of: NaiveDate,
        keys: &[Key],
        group: &[usize],
        weights: Option<&[Result<i128, String>]>,
        name: &dyn Fn(usize) -> String,
    ) -> Option<Vec<BatchOutput>> {
        let batch = crate::batch::Batch::from_participants(people);
        let mut outs = Vec::with_capacity(policies.len());
        for p in policies {
            match p.evaluate_batch(&batch, as_of) {
                Ok(o) => outs.push(o),
                Err(e) => {
                    for (i, k) in group.iter().enumerate() {
                        let key = keys.get(*k).cloned().unwrap_or_default();
                        self.add_error(&key, &name(i), &e);
                    }
                    return None;
                }
            }
        }
        self.add(&outs, keys, group, weights, name);
        Some(outs)
    }

    /// Adds another tally of the same scenarios and grouping (another part of the population).
    pub fn merge(&mut self, other: Tally) -> Result<(), Error> {
        if other.by != self.by || other.scenarios != self.scenarios || other.scale != self.scale {
            return Err(refused(
                "不同方案或分组的汇总不能合并",
                "tallies of different scenarios or groupings cannot be merged",
            ));
        }
        self.rows += other.rows;
        self.errors += other.errors;
        self.overflow |= other.overflow;
        self.note_unused(other.unused);
        for (k, d) in other.defaulted.iter().enumerate() {
            self.note_defaulted(k, d);
        }
        for e in other.first_errors {
            if self.first_errors.len() < 10 {
                self.first_errors.push(e);
            }
        }
        for (key, g) in other.groups {
            self.absorb(&key, g);
        }
        Ok(())
    }

    /// The totals: every group, and the whole (the exact sum of the groups).
    pub fn report(&self) -> Report {
        let mut whole = Group::empty(&self.scenarios);
        let mut overflow = self.overflow;
        for g in self.groups.values() {
            overflow |= !whole.absorb(g) || !self.fits(g);
        }
        overflow |= !self.fits(&whole);
        Report {
            as_of: self.as_of,
            by: self.by.clone(),
            scenarios: self
                .scenarios
                .iter()
                .enumerate()
                .map(|(k, s)| s.with_defaults(self.defaulted.get(k).map_or(&[], |d| &d[..])))
                .collect(),
            rows: self.rows,
            errors: self.errors,
            first_errors: self.first_errors.clone(),
            unused: self.unused.clone(),
            overflow,
            total: self.group_report(None, &whole),
            groups: self
                .groups
                .iter()
                .map(|(k, g)| self.group_report(Some(k.clone()), g))
                .collect(),
        }
    }

    /// Whether every sum of a group is a `Decimal` at its scale (about 7.9e28).
    fn fits(&self, g: &Group) -> bool {
        let ok = |units: i128, scale: u32| Decimal::try_from_i128_with_scale(units, scale).is_ok();
        let money = WEIGHT_SCALE + self.scale;
        g.sums.iter().all(|s| {
            [s.participants, s.eligible]
                .iter()
                .all(|u| ok(*u, WEIGHT_SCALE))
                && s.priority
                    .iter()
                    .chain(&s.categories)
                    .all(|u| ok(*u, WEIGHT_SCALE))
                && [s.gross_fee, s.reduction_total, s.net_fee, s.subsidy_total]
                    .iter()
                    .chain(&s.payers)
                    .all(|u| ok(*u, money))
        }) && g.shifts.iter().all(|s| {
            [s.winners, s.losers, s.unchanged, s.gained, s.lost]
                .iter()
                .all(|u| ok(*u, WEIGHT_SCALE))
                && ok(s.net_fee_change, money)
        })
    }

    fn group_report(&self, key: Option<Key>, g: &Group) -> GroupTotals {
        let count = |units: i128| weighted(units, WEIGHT_SCALE).normalize();
        // Money × weight has `scale + 6` decimals; shown exactly, then at least to the fen.
        let exact = |units: i128| {
            let mut d = weighted(units, WEIGHT_SCALE + self.scale).normalize();
            if d.scale() < self.scale {
                d.rescale(self.scale);
            }
            d
        };
        GroupTotals {
            key,
            rows: g.rows,
            errors: g.errors,
            scenarios: g
                .sums
                .iter()
                .zip(&self.scenarios)
                .map(|(s, sc)| ScenarioTotals {
                    pack: sc.pack.clone(),
                    participants: count(s.participants),
                    eligible: count(s.eligible),
                    gross_fee: exact(s.gross_fee),
                    reduction_total: exact(s.reduction_total),
                    net_fee: exact(s.net_fee),
                    subsidy_total: exact(s.subsidy_total),
                    payers: sc
                        .payers
                        .iter()
                        .cloned()
                        .zip(s.payers.iter().map(|u| exact(*u)))
                        .collect(),
                    priority_groups: sc
                        .priority_groups
                        .iter()
                        .cloned()
                        .zip(s.priority.iter().map(|u| count(*u)))
                        .collect(),
                    categories: sc
                        .categories
                        .iter()
                        .cloned()
                        .zip(s.categories.iter().map(|u| count(*u)))
                        .collect(),
                })
                .collect(),
            changes: g
                .shifts
                .iter()
                .zip(self.scenarios.iter().skip(1))
                .map(|(s, sc)| {
                    let both = s
                        .winners
                        .checked_add(s.losers)
                        .and_then(|x| x.checked_add(s.unchanged))
                        .unwrap_or(0);
                    let total = exact(s.net_fee_change);
                    let mean = (both != 0)
                        .then(|| total.checked_div(count(both)))
                        .flatten()
                        .map(|m| {
                            let mut m = m.round_dp_with_strategy(
                                self.scale,
                                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                            );
                            m.rescale(self.scale);
                            m
                        });
                    Change {
                        reform: sc.pack.clone(),
                        winners: count(s.winners),
                        losers: count(s.losers),
                        unchanged: count(s.unchanged),
                        gained: count(s.gained),
                        lost: count(s.lost),
                        net_fee_change: total,
                        mean_net_fee_change: mean,
                    }
                })
                .collect(),
        }
    }
}

/// The rows of a slice in error, with the message: a scenario could not evaluate the row (the
/// first scenario's message), or — with `weights` — the row has no valid weight.
pub fn row_errors(
    outs: &[BatchOutput],
    weights: Option<&[Result<i128, String>]>,
) -> BTreeMap<usize, String> {
    let mut bad = BTreeMap::new();
    for out in outs {
        for (i, e) in &out.errors {
            bad.entry(*i).or_insert_with(|| e.to_string());
        }
    }
    for (i, w) in weights.into_iter().flatten().enumerate() {
        if let Err(e) = w {
            bad.entry(i).or_insert_with(|| e.clone());
        }
    }
    bad
}

fn refused(zh: &str, en: &str) -> Error {
    Error::Input {
        errors: vec![crate::model::input_error("", "scenarios", zh, en)],
    }
}

/// `units` at `scale` decimals as a decimal, saturating at `Decimal`'s range: a report whose
/// sums do not all fit ([`Tally::fits`]) is marked `overflow`, never shown as exact.
fn weighted(units: i128, scale: u32) -> Decimal {
    Decimal::try_from_i128_with_scale(units, scale).unwrap_or(if units < 0 {
        Decimal::MIN
    } else {
        Decimal::MAX
    })
}

/// A tally's totals, ready to print or serialise.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// The evaluation date.
    pub as_of: NaiveDate,
    /// The grouping columns.
    pub by: Vec<String>,
    /// The scenarios, baseline first.
    pub scenarios: Vec<Scenario>,
    /// Rows read, in error or not.
    pub rows: u64,
    /// Rows in error (in any scenario, or with a bad weight): in no total.
    pub errors: u64,
    /// Up to ten of them, naming the row.
    pub first_errors: Vec<String>,
    /// Columns of the shared vocabulary a pack does not read: left unread.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unused: Vec<String>,
    /// Whether the whole passed the range of the totals (then `total` is not to be trusted:
    /// never for populations of this world).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub overflow: bool,
    /// The whole population: the exact sum of the groups.
    pub total: GroupTotals,
    /// Each group, in key order.
    pub groups: Vec<GroupTotals>,
}

/// One group's totals in every scenario, and each reform's winners and losers.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct GroupTotals {
    /// The group's values of the `by` columns (`None` for the whole).
    pub key: Option<Key>,
    /// Rows in the group, in error or not.
    pub rows: u64,
    /// Rows in error.
    pub errors: u64,
    /// Per scenario, baseline first.
    pub scenarios: Vec<ScenarioTotals>,
    /// Per reform, against the baseline.
    pub changes: Vec<Change>,
}

/// A group's totals under one scenario (weighted: counts are sums of weights).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ScenarioTotals {
    /// The scenario's pack id.
    pub pack: String,
    /// Participants evaluated (rows in error are in no scenario's count).
    pub participants: Decimal,
    /// Participants found eligible.
    pub eligible: Decimal,
    /// Gross fees.
    pub gross_fee: Decimal,
    /// Reductions.
    pub reduction_total: Decimal,
    /// Net fees.
    pub net_fee: Decimal,
    /// Subsidies.
    pub subsidy_total: Decimal,
    /// What each payer pays.
    pub payers: BTreeMap<String, Decimal>,
    /// Eligible participants in each priority group.
    pub priority_groups: BTreeMap<String, Decimal>,
    /// Eligible participants in each category.
    pub categories: BTreeMap<String, Decimal>,
}

/// Who wins and who loses under a reform, in one group.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Change {
    /// The reform's pack id.
    pub reform: String,
    /// Eligible under both and paying less under the reform.
    pub winners: Decimal,
    /// Eligible under both and paying more.
    pub losers: Decimal,
    /// Eligible under both and paying the same.
    pub unchanged: Decimal,
    /// Eligible only under the reform.
    pub gained: Decimal,
    /// Eligible only under the baseline.
    pub lost: Decimal,
    /// The change in net fees of those eligible under both (reform − baseline).
    pub net_fee_change: Decimal,
    /// That change per participant eligible under both, rounded half away from zero to the
    /// pack's decimals (`None` when there is none).
    pub mean_net_fee_change: Option<Decimal>,
}
