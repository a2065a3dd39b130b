//! The participants the reachability lints try: built from the constants each condition
//! compares a field with, so that when every condition is made of such comparisons the
//! search covers every case.

use super::DatePoint;
use crate::expr::eval::{Env, V};
use crate::expr::{Binding, Expression, Node, TagSet};
use crate::model::{FieldType, Scalar};
use crate::policy::{Field, Policy};
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};

/// The most participants the search tries for one question.
const MAX_CASES: usize = 20_000;
/// Condition tests all searches of one pack may make together: loading stays within tens of
/// milliseconds however many rules a pack has (1 000 categories took 11 s before). Past it, a
/// search answers "cannot tell", and the pack gets one `not_checked` warning.
pub(super) const BUDGET: usize = 4_000_000;

/// The participants the reachability search tries: for each field a condition reads, the
/// values that decide it; for each tag, present and absent. Every case is tried once, when the
/// search is built, against every condition: the questions then read the table.
pub(super) struct Search<'a> {
    dates: &'a [DatePoint],
    /// Candidate values of every field (a placeholder for fields no condition reads).
    values: Vec<Vec<Scalar>>,
    /// Fields whose candidates matter.
    read_fields: Vec<usize>,
    /// Tags a condition tests.
    read_tags: Vec<u32>,
    /// Every rule's `when` and `unless` and every document's `when`, in the order of the
    /// table's bits.
    conds: Vec<&'a Expression>,
    /// Each condition's bit, by the condition's address.
    bit: HashMap<usize, usize>,
    /// The eligible cases, in case order: each with which conditions hold; built by the
    /// first question that can use it.
    table: OnceCell<Table>,
    /// Whether the candidates cover every case of every condition and there are at most
    /// [`MAX_CASES`] cases.
    complete: bool,
}

/// The eligible cases of a search and which conditions hold for each.
struct Table {
    /// Case number (see [`Search::case`]) and date index of each eligible case.
    cases: Vec<(usize, usize)>,
    /// `words` words of condition bits per case.
    bits: Vec<u64>,
    words: usize,
    /// Whether building the table stopped at the [`BUDGET`].
    stopped: bool,
}

impl Table {
    fn row(&self, row: usize) -> &[u64] {
        let at = row.saturating_mul(self.words);
        self.bits
            .get(at..at.saturating_add(self.words))
            .unwrap_or_default()
    }

    fn holds(&self, row: usize, cond: usize) -> bool {
        self.bits
            .get(row.saturating_mul(self.words).saturating_add(cond / 64))
            .is_some_and(|w| (w >> (cond % 64)) & 1 == 1)
    }
}

impl<'a> Search<'a> {
    pub(super) fn new(p: &'a Policy, dates: &'a [DatePoint]) -> Search<'a> {
        // Every rule's `when` and `unless`: the conditions whose outcomes the search covers.
        let conds: Vec<&Expression> = p
            .expressions()
            .into_iter()
            .filter(|(site, _)| matches!(site.part, "when" | "unless"))
            .map(|(_, e)| e)
            .collect();
        let mut cuts: Vec<Vec<Scalar>> = vec![Vec::new(); p.fields.len()];
        let mut read_tags = BTreeSet::new();
        let mut complete = true;
        for e in &conds {
            complete &= atoms(&e.node, dates, &mut cuts, &mut read_tags);
        }
        let read_fields: Vec<usize> = conds
            .iter()
            .flat_map(|e| e.reads.iter())
            .filter_map(|b| match b {
                Binding::Field(i, _) => Some(*i),
                _ => None,
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let values = p
            .fields
            .iter()
            .zip(cuts)
            .enumerate()
            .map(|(i, (f, cuts))| candidates(f, cuts, read_fields.contains(&i), &mut complete))
            .collect();
        // Documents' conditions are tried too (their cuts are not taken, as before).
        let mut conds = conds;
        conds.extend(p.documents.iter().filter_map(|d| d.when.as_ref()));
        let mut search = Search {
            dates,
            values,
            read_fields,
            read_tags: read_tags.into_iter().collect(),
            bit: conds
                .iter()
                .enumerate()
                .map(|(k, e)| (address(e), k))
                .collect(),
            conds,
            table: OnceCell::new(),
            complete,
        };
        search.complete &= search.total() <= MAX_CASES;
        search
    }

    /// Whether the search stopped at the [`BUDGET`].
    pub(super) fn over_budget(&self) -> bool {
        self.table.get().is_some_and(|t| t.stopped)
    }

    /// Whether no eligible participant meets `when` without meeting one of `shadow`, when the
    /// search covers every case (false when it cannot tell).
    pub(super) fn never(&self, p: &Policy, shadow: &[&Expression], when: &Expression) -> bool {
        if !self.complete {
            return false;
        }
        let table = self.table(p);
        let (Some(when), Some(shadow)) = (self.index(when), self.mask(shadow, table.words)) else {
            return false;
        };
        !table.stopped
            && (0..table.cases.len()).all(|row| {
                !table.holds(row, when)
                    || table
                        .row(row)
                        .iter()
                        .zip(&shadow)
                        .any(|(bits, m)| bits & m != 0)
            })
    }

    /// The first eligible participant (on some date) for which `test`, given which of
    /// `conds` hold, says something; with that participant described.
    pub(super) fn find<T>(
        &self,
        p: &Policy,
        conds: &[&Expression],
        mut test: impl FnMut(&DatePoint, &[bool]) -> Option<T>,
    ) -> Option<(T, String)> {
        let mut out = None;
        let (case, _) = self.run(p, conds, |d, holds| {
            out = test(d, holds);
            out.is_some()
        });
        Some((out?, self.describe(p, &case?)))
    }

    /// The table, built on first use.
    fn table(&self, p: &Policy) -> &Table {
        self.table.get_or_init(|| self.tabulate(p))
    }

    /// A condition's bit in the table (`None` for one the table does not hold).
    fn index(&self, e: &Expression) -> Option<usize> {
        self.bit.get(&address(e)).copied()
    }

    /// The bits of `conds` as a row mask.
    fn mask(&self, conds: &[&Expression], words: usize) -> Option<Vec<u64>> {
        let mut mask = vec![0u64; words];
        for c in conds {
            let k = self.index(c)?;
            *mask.get_mut(k / 64)? |= 1 << (k % 64);
        }
        Some(mask)
    }

    /// How many cases the candidates make (saturating).
    fn total(&self) -> usize {
        let tag_bits = u32::try_from(self.read_tags.len()).unwrap_or(u32::MAX);
        self.read_fields
            .iter()
            .map(|i| self.radix(*i))
            .try_fold(
                1usize.checked_shl(tag_bits).unwrap_or(usize::MAX),
                |n, r| n.checked_mul(r),
            )
            .and_then(|n| n.checked_mul(self.dates.len()))
            .unwrap_or(usize::MAX)
    }

    /// Case number `case`: a mixed-radix number over the read fields' candidates, then one
    /// bit per read tag, then the date.
    fn case(&self, case: usize) -> Case {
        let mut c = Case {
            date: 0,
            fields: self
                .values
                .iter()
                .map(|v| v.first().cloned().unwrap_or(Scalar::Bool(false)))
                .collect(),
            tags: TagSet::default(),
            digits: vec![0; self.read_fields.len()],
            tag_bits: 0,
        };
        self.set(case, &mut c);
        c
    }

    /// Makes `c` case number `case`, assigning only the fields that change.
    fn set(&self, case: usize, c: &mut Case) {
        let mut k = case;
        for (j, i) in self.read_fields.iter().enumerate() {
            let r = self.radix(*i);
            let d = k % r;
            if let Some(held) = c.digits.get_mut(j) {
                if *held != d {
                    if let (Some(slot), Some(v)) = (
                        c.fields.get_mut(*i),
                        self.values.get(*i).and_then(|v| v.get(d)),
                    ) {
                        slot.clone_from(v);
                    }
                    *held = d;
                }
            }
            k /= r;
        }
        let tag_bits = u32::try_from(self.read_tags.len()).unwrap_or(u32::MAX);
        c.tag_bits = k & 1usize
            .checked_shl(tag_bits)
            .map_or(usize::MAX, |m| m.wrapping_sub(1));
        c.tags = self.tags(c.tag_bits);
        k = k.checked_shr(tag_bits).unwrap_or(0);
        c.date = k % self.dates.len().max(1);
    }

    /// Makes `c`, case number `n`, case number `n + 1` (as [`Search::set`] would, counting up
    /// the read fields' candidates, then the tags, then the date).
    fn step(&self, c: &mut Case) {
        for (j, i) in self.read_fields.iter().enumerate() {
            let r = self.radix(*i);
            let Some(held) = c.digits.get_mut(j) else {
                continue;
            };
            let next = held.saturating_add(1);
            *held = if next == r { 0 } else { next };
            if let (Some(slot), Some(v)) = (
                c.fields.get_mut(*i),
                self.values.get(*i).and_then(|v| v.get(*held)),
            ) {
                slot.clone_from(v);
            }
            if *held != 0 {
                return;
            }
        }
        let tag_bits = u32::try_from(self.read_tags.len()).unwrap_or(u32::MAX);
        let all = 1usize.checked_shl(tag_bits).unwrap_or(usize::MAX);
        c.tag_bits = c.tag_bits.saturating_add(1);
        if c.tag_bits >= all {
            c.tag_bits = 0;
            c.date = c.date.saturating_add(1);
        }
        c.tags = self.tags(c.tag_bits);
    }

    /// How many candidates field `i` has (at least one).
    fn radix(&self, i: usize) -> usize {
        self.values.get(i).map_or(1, Vec::len).max(1)
    }

    /// The read tags whose bits are set in `bits`.
    fn tags(&self, bits: usize) -> TagSet {
        let mut tags = TagSet::default();
        for (bit, t) in self.read_tags.iter().enumerate() {
            if bits
                .checked_shr(u32::try_from(bit).unwrap_or(u32::MAX))
                .unwrap_or(0)
                & 1
                == 1
            {
                tags.insert(*t);
            }
        }
        tags
    }

    /// Tries every case (at most [`MAX_CASES`], within the [`BUDGET`]) against every
    /// condition, keeping the eligible ones.
    fn tabulate(&self, p: &Policy) -> Table {
        let total = self.total();
        let per_case = p
            .eligibility
            .len()
            .saturating_add(p.categories.len())
            .saturating_add(self.conds.len());
        let mut spent = 0usize;
        let mut table = Table {
            cases: Vec::new(),
            bits: Vec::new(),
            words: self.conds.len().div_ceil(64),
            stopped: false,
        };
        let mut c = self.case(0);
        // The outcome tables cost at most a quarter of the budget more; past that, conditions
        // are evaluated case by case, within the budget, as without them.
        let mut left = BUDGET / 4;
        let outcomes: Vec<Option<Outcomes>> = self
            .conds
            .iter()
            .map(|e| self.outcomes(e, &c, total.min(MAX_CASES), &mut left))
            .collect();
        let known = |e: &Expression| self.index(e).and_then(|k| outcomes.get(k)?.as_ref());
        let eligibility: Vec<_> = p
            .eligibility
            .iter()
            .map(|e| (&e.when, known(&e.when)))
            .collect();
        let categories: Vec<_> = p
            .categories
            .iter()
            .map(|e| (e.head.id.as_str(), &e.when, known(&e.when)))
            .collect();
        for case in 0..total.min(MAX_CASES) {
            spent = spent.saturating_add(per_case);
            if spent > BUDGET {
                table.stopped = true;
                break;
            }
            if case > 0 {
                self.step(&mut c);
            }
            let Some(d) = self.dates.get(c.date) else {
                break;
            };
            let mut env = Env {
                fields: &c.fields,
                tags: &c.tags,
                params: &d.params,
                as_of: d.date,
                category: None,
            };
            let holds = |e: &Expression, o: Option<&Outcomes>, env: &Env| match o {
                Some(o) => o.at(&c),
                None => e.node.truth(env) == Ok(true),
            };
            if !eligibility.iter().all(|(e, o)| holds(e, *o, &env)) {
                continue;
            }
            env.category = categories
                .iter()
                .find(|(_, e, o)| holds(e, *o, &env))
                .map(|(id, _, _)| *id);
            table.cases.push((case, c.date));
            let at = table.bits.len();
            table.bits.resize(at.saturating_add(table.words), 0);
            for (k, (e, o)) in self.conds.iter().zip(&outcomes).enumerate() {
                if holds(e, o.as_ref(), &env) {
                    if let Some(w) = table.bits.get_mut(at.saturating_add(k / 64)) {
                        *w |= 1 << (k % 64);
                    }
                }
            }
        }
        table
    }

    /// `e`'s outcome for every combination of the candidates it reads, when it does not read
    /// the category and has fewer combinations than `cases` and than the evaluations `left`
    /// (else it is evaluated per case). `base` gives the fields it does not read.
    fn outcomes(
        &self,
        e: &Expression,
        base: &Case,
        cases: usize,
        left: &mut usize,
    ) -> Option<Outcomes> {
        let mut read: Vec<(Dim, usize)> = Vec::new();
        for b in &e.reads {
            match *b {
                Binding::Field(i, _) => {
                    if let Some(j) = self.read_fields.iter().position(|f| *f == i) {
                        read.push((Dim::Field(j, i), self.radix(i)));
                    }
                }
                Binding::Tag(t) => {
                    if let Some(bit) = self.read_tags.iter().position(|r| *r == t) {
                        read.push((Dim::Tag(bit, t), 2));
                    }
                }
                Binding::Param(_) | Binding::AsOf => {
                    if !read.iter().any(|(d, _)| matches!(d, Dim::Date)) {
                        read.push((Dim::Date, self.dates.len()));
                    }
                }
                Binding::Category => return None,
            }
        }
        // Strides: the first thing read varies fastest.
        let mut size = 1usize;
        let dims: Vec<(Dim, usize, usize)> = read
            .into_iter()
            .map(|(dim, radix)| {
                let radix = radix.max(1);
                let stride = size;
                size = size.saturating_mul(radix);
                (dim, stride, radix)
            })
            .collect();
        if size >= cases || size > *left {
            return None;
        }
        *left -= size;
        let mut fields = base.fields.clone();
        let mut truth = Vec::with_capacity(size);
        for combo in 0..size {
            let (mut tags, mut date) = (TagSet::default(), 0);
            for (dim, stride, radix) in &dims {
                let digit = combo / stride % radix;
                match dim {
                    Dim::Field(_, i) => {
                        if let (Some(slot), Some(v)) = (
                            fields.get_mut(*i),
                            self.values.get(*i).and_then(|v| v.get(digit)),
                        ) {
                            slot.clone_from(v);
                        }
                    }
                    Dim::Tag(_, t) if digit == 1 => tags.insert(*t),
                    Dim::Tag(..) => {}
                    Dim::Date => date = digit,
                }
            }
            let d = self.dates.get(date)?;
            let env = Env {
                fields: &fields,
                tags: &tags,
                params: &d.params,
                as_of: d.date,
                category: None,
            };
            truth.push(e.node.truth(&env) == Ok(true));
        }
        Some(Outcomes { dims, truth })
    }

    /// Goes through the eligible cases in order until `stop`, given which of `conds` hold;
    /// also says whether every case was seen. A condition not in the table cannot be told.
    fn run(
        &self,
        p: &Policy,
        conds: &[&Expression],
        mut stop: impl FnMut(&DatePoint, &[bool]) -> bool,
    ) -> (Option<Case>, bool) {
        let Some(index) = conds
            .iter()
            .map(|c| self.index(c))
            .collect::<Option<Vec<usize>>>()
        else {
            return (None, false);
        };
        let table = self.table(p);
        let mut holds = vec![false; conds.len()];
        for (row, (case, date)) in table.cases.iter().enumerate() {
            for (h, k) in holds.iter_mut().zip(&index) {
                *h = table.holds(row, *k);
            }
            let Some(d) = self.dates.get(*date) else {
                continue;
            };
            if stop(d, &holds) {
                return (Some(self.case(*case)), true);
            }
        }
        (None, self.complete && !table.stopped)
    }

    /// A case as text: the fields the conditions read, the tags it carries, and the date.
    fn describe(&self, p: &Policy, c: &Case) -> String {
        let mut parts: Vec<String> = self
            .read_fields
            .iter()
            .filter_map(|i| {
                let name = &p.fields.get(*i)?.name;
                let v = match c.fields.get(*i)? {
                    Scalar::Text(t) if t == OTHER => "another value".to_owned(),
                    Scalar::Text(t) => format!("'{t}'"),
                    v => v.to_string(),
                };
                Some(format!("{name} {v}"))
            })
            .collect();
        let tags: Vec<&str> = self
            .read_tags
            .iter()
            .filter(|t| c.tags.contains(**t))
            .filter_map(|t| p.tags.get(*t as usize).map(|(id, _)| id.as_str()))
            .collect();
        parts.push(if tags.is_empty() {
            "no tags".to_owned()
        } else {
            format!("tags {}", tags.join(", "))
        });
        let date = self.dates.get(c.date).map(|d| d.date.to_string());
        format!(
            "a participant with {} on {}",
            parts.join(", "),
            date.unwrap_or_default()
        )
    }
}

/// An expression's address: the identity of a condition in the table.
fn address(e: &Expression) -> usize {
    std::ptr::from_ref(e) as usize
}

/// One participant of the search, on a date (an index into the search's dates).
struct Case {
    date: usize,
    fields: Vec<Scalar>,
    tags: TagSet,
    /// The candidate each read field has (by position in `read_fields`), and the read tags
    /// as bits: the case's coordinates in a condition's [`Outcomes`].
    digits: Vec<usize>,
    tag_bits: usize,
}

/// A condition's outcome for each combination of the candidates it reads, tabulated once so
/// that the search's cases look it up rather than evaluate the condition again.
struct Outcomes {
    /// What the condition reads, each with its stride in `truth` and its number of values.
    dims: Vec<(Dim, usize, usize)>,
    truth: Vec<bool>,
}

/// One thing a condition reads: a field (its position in `read_fields`, its index), a tag
/// (its bit among the read tags, its index), or the date (parameters and `as_of`).
enum Dim {
    Field(usize, usize),
    Tag(usize, u32),
    Date,
}

impl Outcomes {
    /// The condition's outcome for case `c`.
    fn at(&self, c: &Case) -> bool {
        let at = self.dims.iter().fold(0usize, |at, (dim, stride, _)| {
            let digit = match dim {
                Dim::Field(j, _) => c.digits.get(*j).copied().unwrap_or(0),
                Dim::Tag(bit, _) => (c.tag_bits >> bit) & 1,
                Dim::Date => c.date,
            };
            at.saturating_add(digit.saturating_mul(*stride))
        });
        self.truth.get(at).copied().unwrap_or(false)
    }
}

/// A text that no condition compares against.
const OTHER: &str = "\u{1}other";

/// Collects what decides a condition: the constants each field is compared with, and the
/// tags tested. Returns whether the condition is made only of such tests.
fn atoms(
    n: &Node,
    dates: &[DatePoint],
    cuts: &mut [Vec<Scalar>],
    tags: &mut BTreeSet<u32>,
) -> bool {
    match n {
        Node::Bool(_) | Node::Field(_) => true,
        Node::Not(a) => atoms(a, dates, cuts, tags),
        Node::And(a, b) | Node::Or(a, b) => {
            atoms(a, dates, cuts, tags) & atoms(b, dates, cuts, tags)
        }
        Node::If(c, a, b) => {
            atoms(c, dates, cuts, tags) & atoms(a, dates, cuts, tags) & atoms(b, dates, cuts, tags)
        }
        Node::HasAny(t) | Node::HasAll(t) => {
            tags.extend(t);
            true
        }
        Node::Cmp(_, a, b) => match (&**a, &**b) {
            (Node::Field(i), x) | (x, Node::Field(i)) if is_fixed(x) => {
                add_cuts(cuts, *i, x, dates);
                true
            }
            (Node::Category, x) | (x, Node::Category) => is_fixed(x),
            _ => false,
        },
        Node::In(a, items) if items.iter().all(is_fixed) => match &**a {
            Node::Field(i) => {
                for x in items {
                    add_cuts(cuts, *i, x, dates);
                }
                true
            }
            Node::Category => true,
            _ => false,
        },
        _ => false,
    }
}

/// Whether a node reads nothing about the participant or the date.
fn is_fixed(n: &Node) -> bool {
    match n {
        Node::Num(_) | Node::Bool(_) | Node::Text(_) | Node::Date(_) | Node::Param(_) => true,
        Node::Field(_) | Node::AsOf | Node::Category | Node::HasAny(_) | Node::HasAll(_) => false,
        Node::Neg(a)
        | Node::Not(a)
        | Node::Round(a, _)
        | Node::Floor(a)
        | Node::Ceil(a)
        | Node::Abs(a) => is_fixed(a),
        Node::And(a, b)
        | Node::Or(a, b)
        | Node::Arith(_, a, b)
        | Node::Cmp(_, a, b)
        | Node::YearsBetween(a, b) => is_fixed(a) && is_fixed(b),
        Node::In(a, v) => is_fixed(a) && v.iter().all(is_fixed),
        Node::If(c, a, b) => is_fixed(c) && is_fixed(a) && is_fixed(b),
        Node::Min(v) | Node::Max(v) => v.iter().all(is_fixed),
    }
}

fn add_cuts(cuts: &mut [Vec<Scalar>], field: usize, x: &Node, dates: &[DatePoint]) {
    let Some(into) = cuts.get_mut(field) else {
        return;
    };
    for d in dates {
        let env = Env {
            fields: &[],
            tags: &TagSet::default(),
            params: &d.params,
            as_of: d.date,
            category: None,
        };
        let v = match x.eval(&env) {
            Ok(V::Num(n)) => Scalar::Num(n),
            Ok(V::Text(t)) => Scalar::Text(t.to_owned()),
            Ok(V::Date(t)) => Scalar::Date(t),
            Ok(V::Bool(b)) => Scalar::Bool(b),
            Err(_) => continue,
        };
        if !into.contains(&v) {
            into.push(v);
        }
    }
}

/// The values of a field worth trying: each constant it is compared with, its neighbours
/// and the midpoints between them, inside the field's range; every choice; both booleans.
/// The values worth trying for a field: each side of every constant it is compared with.
/// Clears `complete` when one cannot be formed.
fn candidates(f: &Field, cuts: Vec<Scalar>, read: bool, complete: &mut bool) -> Vec<Scalar> {
    let any_date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    if !read {
        return vec![match f.ty {
            FieldType::Boolean => Scalar::Bool(false),
            FieldType::Integer | FieldType::Decimal => Scalar::Num(f.min.unwrap_or_default()),
            FieldType::Text | FieldType::Choice => Scalar::Text(
                f.choices
                    .first()
                    .map(|(id, _)| id.clone())
                    .unwrap_or_default(),
            ),
            FieldType::Date => Scalar::Date(any_date),
        }];
    }
    match f.ty {
        FieldType::Boolean => vec![Scalar::Bool(false), Scalar::Bool(true)],
        FieldType::Choice => f
            .choices
            .iter()
            .map(|(id, _)| Scalar::Text(id.clone()))
            .collect(),
        FieldType::Text => {
            let mut v: Vec<Scalar> = cuts
                .into_iter()
                .filter(|c| matches!(c, Scalar::Text(_)))
                .collect();
            v.push(Scalar::Text(OTHER.to_owned()));
            v
        }
        FieldType::Date => {
            let mut v = BTreeSet::from([any_date]);
            for c in cuts {
                if let Scalar::Date(d) = c {
                    v.extend(
                        [
                            d.checked_sub_days(Days::new(1)),
                            Some(d),
                            d.checked_add_days(Days::new(1)),
                        ]
                        .into_iter()
                        .flatten(),
                    );
                }
            }
            v.into_iter().map(Scalar::Date).collect()
        }
        FieldType::Integer | FieldType::Decimal => {
            let cs: BTreeSet<Decimal> = cuts
                .into_iter()
                .filter_map(|c| match c {
                    Scalar::Num(n) => Some(n),
                    _ => None,
                })
                .collect();
            let mut v: BTreeSet<Decimal> = f.min.iter().chain(&f.max).copied().collect();
            let sorted: Vec<Decimal> = cs.iter().copied().collect();
            // A value beside a constant at the edge of the decimal range cannot be formed: the
            // search then covers fewer cases than it needs and says it cannot decide.
            let mut add = |x: Option<Decimal>| match x {
                Some(x) => {
                    v.insert(x);
                }
                None => *complete = false,
            };
            for c in &sorted {
                if f.ty == FieldType::Integer {
                    add(c.floor().checked_sub(Decimal::ONE));
                    add(Some(c.floor()));
                    add(Some(c.ceil()));
                    add(c.ceil().checked_add(Decimal::ONE));
                } else {
                    add(c.checked_sub(Decimal::ONE));
                    add(Some(*c));
                    add(c.checked_add(Decimal::ONE));
                }
            }
            if f.ty == FieldType::Decimal {
                for w in sorted.windows(2) {
                    if let [a, b] = w {
                        // The midpoint, as a + (b − a) / 2 (a < b), which cannot overflow past b.
                        add(b
                            .checked_sub(*a)
                            .and_then(|d| d.checked_div(Decimal::TWO))
                            .and_then(|h| a.checked_add(h)));
                    }
                }
            }
            if v.is_empty() {
                v.insert(Decimal::ZERO);
            }
            v.into_iter()
                .filter(|n| f.min.is_none_or(|m| *n >= m) && f.max.is_none_or(|m| *n <= m))
                .map(Scalar::Num)
                .collect()
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    /// Over every seed pack's search: counting up ([`Search::step`]) reaches the same case as
    /// numbering it ([`Search::set`]), and each tabulated outcome is the condition's own.
    #[test]
    fn stepping_and_tabulated_outcomes_agree_with_evaluation() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/policies");
        let (mut packs, mut looked_up) = (0, 0);
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let Ok(p) = Policy::from_path(&path) else {
                continue; // a pack that needs a values file
            };
            packs += 1;
            let lints = super::super::Lints {
                file: "",
                found: Vec::new(),
            };
            let dates = lints.dates(&p);
            let s = Search::new(&p, &dates);
            let n = s.total().min(MAX_CASES);
            let mut c = s.case(0);
            let mut left = BUDGET;
            let outcomes: Vec<_> = s
                .conds
                .iter()
                .map(|e| s.outcomes(e, &c, n, &mut left))
                .collect();
            for case in 0..n {
                if case > 0 {
                    s.step(&mut c);
                }
                let fresh = s.case(case);
                let at = format!("{}, case {case}", path.display());
                assert_eq!(
                    (&c.fields, c.tags, c.date, &c.digits, c.tag_bits),
                    (
                        &fresh.fields,
                        fresh.tags,
                        fresh.date,
                        &fresh.digits,
                        fresh.tag_bits
                    ),
                    "{at}"
                );
                let Some(d) = dates.get(c.date) else {
                    panic!("{at}: no date {}", c.date)
                };
                let env = Env {
                    fields: &c.fields,
                    tags: &c.tags,
                    params: &d.params,
                    as_of: d.date,
                    category: None,
                };
                for (e, o) in s.conds.iter().zip(&outcomes) {
                    if let Some(o) = o {
                        looked_up += 1;
                        assert_eq!(
                            o.at(&c),
                            e.node.truth(&env) == Ok(true),
                            "{at}: {}",
                            e.source
                        );
                    }
                }
            }
        }
        assert!(
            packs >= 10 && looked_up > 1000,
            "{packs} packs, {looked_up} outcomes looked up"
        );
    }
}
