//! The search over the input space: the cases of choices, yes/no inputs, tags and dates, and
//! for the numeric inputs boxes, each run through the rules over affine forms and judged; a box
//! a comparison does not decide is split at its threshold.
//!
//! Two callers walk it: a property ([`super::verify`]) stops at the first box that is false,
//! confirmed by the exact engine; a what-if (`crate::whatif`) keeps every decided box. Some
//! inputs and the date may be pinned to given values (a participant's, a form's).

use super::lin::{Lin, Region, VARS};
use super::values::{Abstract, Av, Needs, Outputs, Stop};
use super::{Compiled, Counterexample, One, Options, OUTPUTS};
use crate::expr::eval::Env;
use crate::expr::{Binding, Expression, Node, TagSet};
use crate::model::{FieldType, Participant, Scalar, Value};
use crate::policy::Policy;
use crate::rules::{self, Scratch};
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use std::cell::Cell;
use std::collections::BTreeSet;

/// The largest value an input without a declared maximum is checked up to (and the smallest,
/// negated, without a declared minimum).
pub const NO_MAX: i64 = 1_000_000_000;

/// Values some inputs are held to; the rest range over their domains.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pins {
    /// By field: the values it takes (one, for a given input); `None`, its whole domain.
    pub fields: Vec<Option<Vec<Scalar>>>,
    /// By tag: held present or absent; `None`, both.
    pub tags: Vec<Option<bool>>,
    /// The one date, when held.
    pub date: Option<NaiveDate>,
    /// By numeric field: the step its values are taken in, instead of the options' places.
    pub steps: Vec<Option<Decimal>>,
}

/// The second participant a property compares the first with, beside a reform's.
#[derive(Debug, Clone)]
pub(crate) enum Other {
    /// The same with a larger value of a numeric input.
    Increase(usize),
    /// The same with this input set to this value.
    Set(usize, Scalar),
    /// The same with this tag added or taken away.
    Flip(u32),
}

/// Resolved: the increase as the pair of variables it compares.
#[derive(Debug, Clone)]
enum Second {
    Increase { field: usize, x: usize, y: usize },
    Set(usize, Scalar),
    Flip(u32),
}

/// How one field takes its values in the search.
enum Slot {
    Var { k: usize, step: Decimal },
    Cases(Vec<Scalar>),
}

/// One case: the fields' values (`None` for a variable), the tags, the date.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub fields: Vec<Option<Scalar>>,
    pub tags: TagSet,
    pub date: NaiveDate,
}

/// How a box was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leaf {
    /// True for every participant of the box.
    True,
    /// False for every participant of the box.
    False,
    /// The rules (or the property) fail with an error somewhere in the box.
    Error,
}

/// What the walk does next.
pub(crate) enum Flow {
    Next,
    Split,
    Stop,
}

enum Judged {
    Leaf(Leaf),
    Split(Option<Box<Lin<'static>>>),
    Stopped(String),
}

/// A point of the space confirmed by the exact engine.
pub(crate) enum Confirmed {
    /// The property is false there (or the pack gives an error).
    Fails(Box<Counterexample>),
    /// The box holds more than one participant and its first is not a counterexample.
    Split,
    /// Why the method stops.
    Stopped(String),
}

/// The space of one property, ready to walk.
pub(crate) struct Run<'p> {
    base: &'p Policy,
    reformed: Option<&'p Policy>,
    second: Option<Second>,
    prop: &'p Compiled,
    slots: Vec<Slot>,
    radix: Vec<usize>,
    total: usize,
    /// The tags that vary, and those held present.
    tags: Vec<u32>,
    held: TagSet,
    dates: Vec<NaiveDate>,
    lo0: [Decimal; VARS],
    hi0: [Decimal; VARS],
    steps: Vec<Decimal>,
    needs: [Needs; 2],
    /// The numeric domains, in words.
    pub domains: Vec<String>,
    /// The variable of each numeric field that varies.
    pub vars: Vec<(usize, usize)>,
}

impl<'p> Run<'p> {
    /// The space of `prop` over `base` (and `reformed`), with `pins` held; `Err` says why the
    /// method cannot take it on.
    pub(crate) fn new(
        base: &'p Policy,
        reformed: Option<&'p Policy>,
        prop: &'p Compiled,
        other: Option<Other>,
        pins: &Pins,
        opts: Options,
    ) -> Result<Run<'p>, String> {
        let pinned = |i: usize| pins.fields.get(i).and_then(Option::as_ref);
        let mut exprs: Vec<&Expression> = base.expressions().into_iter().map(|(_, e)| e).collect();
        if let Some(r) = reformed {
            exprs.extend(r.expressions().into_iter().map(|(_, e)| e));
        }
        exprs.extend(prop.given.iter());
        exprs.push(&prop.holds);

        // What the expressions read, and the values that tell the cases apart.
        let mut read = BTreeSet::new();
        let mut tags = BTreeSet::new();
        let mut cuts: Vec<BTreeSet<Scalar>> = vec![BTreeSet::new(); base.fields.len()];
        let mut day_cuts = BTreeSet::new();
        for e in &exprs {
            for b in &e.reads {
                match b {
                    Binding::Field(i, _) if *i < base.fields.len() => {
                        read.insert(*i);
                    }
                    Binding::Tag(t) => {
                        tags.insert(*t);
                    }
                    _ => {}
                }
            }
            // Free text and dates are tried only at the values they are compared with.
            let loose = |i: usize| {
                pinned(i).is_none()
                    && base
                        .fields
                        .get(i)
                        .is_some_and(|f| matches!(f.ty, FieldType::Text | FieldType::Date))
            };
            let dated = pins.date.is_some();
            collect(&e.node, &loose, dated, &mut cuts, &mut day_cuts, &mut tags)?;
        }
        let increase = match &other {
            Some(Other::Increase(i)) => Some(*i),
            _ => None,
        };
        read.extend(increase);
        let mut slots = Vec::new();
        let mut domains = Vec::new();
        let mut vars = Vec::new();
        let mut lo0 = [Decimal::ZERO; VARS];
        let mut hi0 = [Decimal::ZERO; VARS];
        let mut steps = Vec::new();
        let too_many =
            || format!("more than {VARS} numeric inputs are read 读取的数值输入超过 {VARS} 个");
        for (i, f) in base.fields.iter().enumerate() {
            let numeric = matches!(f.ty, FieldType::Integer | FieldType::Decimal);
            let slot = if let Some(values) = pinned(i) {
                Slot::Cases(values.clone())
            } else if numeric && read.contains(&i) {
                let k = steps.len();
                if k >= VARS {
                    return Err(too_many());
                }
                let step = match pins.steps.get(i).copied().flatten() {
                    Some(step) => step,
                    None if f.ty == FieldType::Integer => Decimal::ONE,
                    None => Decimal::new(1, opts.places),
                };
                let (lo, hi) = domain(f.min, f.max, step);
                if let (Some(l), Some(h)) = (lo0.get_mut(k), hi0.get_mut(k)) {
                    (*l, *h) = (lo, hi);
                }
                steps.push(step);
                domains.push(format!(
                    "{}: {} … {}{}{}",
                    f.name,
                    lo.normalize(),
                    hi.normalize(),
                    if f.ty == FieldType::Decimal {
                        format!(", in steps of {}", step.normalize())
                    } else {
                        String::new()
                    },
                    if f.max.is_none() {
                        " (no maximum declared 未声明上限)"
                    } else {
                        ""
                    }
                ));
                vars.push((i, k));
                Slot::Var { k, step }
            } else {
                let taken = cuts.get(i).cloned().unwrap_or_default();
                Slot::Cases(cases_of(f, taken, read.contains(&i)))
            };
            slots.push(slot);
        }
        let mut dates = match pins.date {
            Some(d) => vec![d],
            None => dates_of(base, &day_cuts),
        };
        if let (Some(from), None) = (opts.from, pins.date) {
            dates.retain(|d| *d >= from);
            if base.params_at(from).is_ok() && !dates.contains(&from) {
                dates.insert(0, from);
            }
        }
        if dates.is_empty() {
            return Err(
                "no date to check: the first date is after the pack's validity 起始日期晚于规则包有效期"
                    .into(),
            );
        }
        let mut held = TagSet::default();
        let mut free = Vec::new();
        for t in tags {
            match pins.tags.get(t as usize).copied().flatten() {
                Some(true) => held.insert(t),
                Some(false) => {}
                None => free.push(t),
            }
        }
        for (t, pin) in pins.tags.iter().enumerate() {
            if let (Some(true), Ok(t)) = (pin, u32::try_from(t)) {
                held.insert(t);
            }
        }

        // The mixed-radix count over the fields' cases, the tags and the dates.
        let radix: Vec<usize> = slots
            .iter()
            .map(|s| match s {
                Slot::Cases(c) => c.len().max(1),
                Slot::Var { .. } => 1,
            })
            .collect();
        let total = 1usize
            .checked_shl(u32::try_from(free.len()).unwrap_or(u32::MAX))
            .and_then(|t| radix.iter().try_fold(t, |n, r| n.checked_mul(*r)))
            .and_then(|n| n.checked_mul(dates.len()))
            .filter(|t| *t <= opts.max_boxes)
            .ok_or_else(|| {
                format!(
                    "more than {} cases of choices, tags and dates 选项、标签和日期的组合超过 {} 种",
                    opts.max_boxes, opts.max_boxes
                )
            })?;
        let second = match other {
            None => None,
            Some(Other::Set(i, v)) => Some(Second::Set(i, v)),
            Some(Other::Flip(t)) => Some(Second::Flip(t)),
            // One more variable: the second participant's value of the input.
            Some(Other::Increase(i)) => {
                let (Some(Slot::Var { k: x, step }), Some(f)) = (slots.get(i), base.fields.get(i))
                else {
                    return Err("the increased input is held to a value 增加的输入已固定".into());
                };
                let y = steps.len();
                if y >= VARS {
                    return Err(too_many());
                }
                let (lo, hi) = domain(f.min, f.max, *step);
                if let (Some(l), Some(h)) = (lo0.get_mut(y), hi0.get_mut(y)) {
                    (*l, *h) = (lo, hi);
                }
                steps.push(*step);
                domains.push(format!(
                    "{} increased: any value of its range at least the first",
                    f.name
                ));
                Some(Second::Increase { field: i, x: *x, y })
            }
        };
        Ok(Run {
            base,
            reformed,
            second,
            prop,
            slots,
            radix,
            total,
            tags: free,
            held,
            dates,
            lo0,
            hi0,
            steps,
            needs: needs(prop, base.fields.len()),
            domains,
            vars,
        })
    }

    /// The policy of the second participant, when there is one.
    fn second(&self) -> Option<&Policy> {
        self.reformed.or(self.second.as_ref().map(|_| self.base))
    }

    /// Walks every case and box, handing each decided box to `leaf`; counts the boxes and
    /// cases run into `count`. `Err` says why it stopped before the end.
    pub(crate) fn walk(
        &self,
        max_boxes: usize,
        count: &mut (usize, usize),
        mut leaf: impl FnMut(&Case, &[Decimal; VARS], &[Decimal; VARS], Leaf) -> Flow,
    ) -> Result<(), String> {
        for case in 0..self.total {
            count.1 = count.1.saturating_add(1);
            let mut n = case;
            let mut fields = Vec::with_capacity(self.slots.len());
            for (s, r) in self.slots.iter().zip(&self.radix) {
                fields.push(match s {
                    Slot::Cases(c) => c.get(n % r).cloned(),
                    Slot::Var { .. } => None,
                });
                n /= r;
            }
            let mut set = self.held;
            for (bit, t) in self.tags.iter().enumerate() {
                if (n >> bit) & 1 == 1 {
                    set.insert(*t);
                }
            }
            n = n
                .checked_shr(u32::try_from(self.tags.len()).unwrap_or(u32::MAX))
                .unwrap_or(0);
            let Some(date) = self.dates.get(n % self.dates.len().max(1)) else {
                continue;
            };
            let case = Case {
                fields,
                tags: set,
                date: *date,
            };
            let mut work = vec![(self.lo0, self.hi0)];
            while let Some((lo, hi)) = work.pop() {
                count.0 = count.0.saturating_add(1);
                if count.0 > max_boxes {
                    return Err(format!(
                        "stopped after {max_boxes} boxes 检查了 {max_boxes} 个区域后停止"
                    ));
                }
                let hint = match self.judge(&case, lo, hi) {
                    Judged::Leaf(l) => match leaf(&case, &lo, &hi, l) {
                        Flow::Next => continue,
                        Flow::Stop => return Ok(()),
                        Flow::Split => None,
                    },
                    Judged::Split(d) => d,
                    Judged::Stopped(why) => return Err(why),
                };
                match split(&lo, &hi, &self.steps, hint.as_deref()) {
                    // The lower parts first: a counterexample is then a small one.
                    Some(parts) => work.extend(parts.into_iter().rev()),
                    None => {
                        return Err(
                            "a single participant the method cannot decide 有一个参与者无法判定"
                                .into(),
                        )
                    }
                }
            }
        }
        Ok(())
    }

    /// The inputs of the second participant: the first's with its difference.
    fn other_tags(&self, tags: TagSet) -> TagSet {
        let mut t = tags;
        if let Some(Second::Flip(f)) = self.second {
            if t.contains(f) {
                t.remove(f);
            } else {
                t.insert(f);
            }
        }
        t
    }

    fn judge(&self, case: &Case, lo: [Decimal; VARS], hi: [Decimal; VARS]) -> Judged {
        let (tags, date) = (case.tags, case.date);
        let mut params = Vec::new();
        for p in std::iter::once(self.base).chain(self.second()) {
            match p.params_at(date) {
                Ok(x) => params.push(x),
                Err(_) => return Judged::Stopped(format!("no parameters in force on {date}")),
            }
        }
        let mut steps = [Decimal::ONE; VARS];
        for (slot, s) in steps.iter_mut().zip(&self.steps) {
            *slot = *s;
        }
        let mut region = Region::new(lo, hi, steps);
        if let Some(Second::Increase { x, y, .. }) = self.second {
            // No pair in a box where every `y` is below every `x`.
            if hi.get(y) < lo.get(x) {
                return Judged::Leaf(Leaf::True);
            }
            region.pair = Some((x, y));
        }
        let mut values: Vec<Av<'_>> = Vec::with_capacity(case.fields.len().saturating_add(10));
        for (s, f) in self.slots.iter().zip(&case.fields) {
            values.push(match (s, f) {
                (Slot::Var { k, .. }, _) => Av::Num(Lin::var(&region, *k)),
                (_, Some(v)) => av(v),
                (_, None) => Av::Bool(false),
            });
        }
        // The second participant.
        let mut raised = values.clone();
        match &self.second {
            Some(Second::Increase { field, y, .. }) => {
                if let Some(slot) = raised.get_mut(*field) {
                    *slot = Av::Num(Lin::var(&region, *y));
                }
            }
            Some(Second::Set(field, v)) => {
                if let Some(slot) = raised.get_mut(*field) {
                    *slot = av(v);
                }
            }
            _ => {}
        }
        let mut outs = Vec::new();
        let mut category = None;
        let runs = std::iter::once((self.base, &values, tags))
            .chain(self.second().map(|p| (p, &raised, self.other_tags(tags))));
        for (((p, inputs, tags), params), needs) in runs.zip(&params).zip(&self.needs) {
            let mut env = Abstract {
                fields: inputs.clone(),
                tags,
                params,
                as_of: date,
                category: None,
                categories: p.categories.iter().map(|c| c.head.id.as_str()).collect(),
                unsupported: Cell::new(None),
            };
            let mut out = Outputs::new(*needs, &region);
            let done = rules::decide(p, &mut env, &mut out, &mut Scratch::default());
            let done = if region.settled.get() { Ok(()) } else { done };
            if let Some(d) = region.undecided.get() {
                return Judged::Split(Some(Box::new(d)));
            }
            if let Some(why) = env.unsupported.get().filter(|_| !region.settled.get()) {
                return Judged::Stopped(format!("{why} (not followed 不支持)"));
            }
            if done.is_err() {
                return Judged::Leaf(Leaf::Error);
            }
            if outs.is_empty() {
                category = env.category.clone();
            }
            outs.push(out);
        }
        for o in &outs {
            values.push(Av::Bool(o.eligible));
            for x in [o.gross_fee, o.reduction_total, o.net_fee, o.subsidy_total] {
                values.push(Av::Num(x));
            }
        }
        let env = Abstract {
            fields: values,
            tags,
            params: params.first().copied().unwrap_or_default(),
            as_of: date,
            category,
            categories: Vec::new(),
            unsupported: Cell::new(None),
        };
        let given = match &self.prop.given {
            Some(g) => env.truth(&g.node),
            None => Ok(true),
        };
        let holds = match given {
            Ok(false) => return Judged::Leaf(Leaf::True),
            Ok(true) => env.truth(&self.prop.holds.node),
            Err(e) => Err(e),
        };
        match holds {
            Ok(true) => Judged::Leaf(Leaf::True),
            Ok(false) => Judged::Leaf(Leaf::False),
            Err(Stop::Undecided) => {
                // The property's own difference when it names an input; else the first
                // `min` or `max` the rules bounded instead of deciding.
                let own = region.undecided.get();
                let names = |d: &Lin<'_>| (0..VARS).any(|i| !d.input(i).is_zero());
                Judged::Split(
                    own.filter(names)
                        .or(region.hint.get())
                        .or(own)
                        .map(Box::new),
                )
            }
            Err(Stop::Unsupported(why)) => Judged::Stopped(why.into()),
            Err(Stop::Fault) => Judged::Leaf(Leaf::Error),
        }
    }

    /// The participants of a case at the box's first point: the first, and the second.
    pub(crate) fn people(
        &self,
        case: &Case,
        lo: &[Decimal; VARS],
    ) -> (Participant, Option<Participant>) {
        let person = self.person(case, lo, |_| None);
        let second = self.second.as_ref().map(|s| match s {
            Second::Increase { field, x, y } => {
                // A pair of the box with `x ≤ y` (the box has one: not every `y` is below `x`).
                let x = lo.get(*x).copied().unwrap_or_default();
                let y = lo.get(*y).copied().unwrap_or_default().max(x);
                self.person(case, lo, |i| (i == *field).then_some(Value::Number(y)))
            }
            Second::Set(field, v) => self.person(case, lo, |i| (i == *field).then(|| value(v))),
            Second::Flip(_) => {
                let tags = self.other_tags(case.tags);
                self.person(
                    &Case {
                        tags,
                        ..case.clone()
                    },
                    lo,
                    |_| None,
                )
            }
        });
        (person, second)
    }

    /// The participant of a case at a point, with `instead` for some fields.
    pub(crate) fn person(
        &self,
        case: &Case,
        lo: &[Decimal; VARS],
        instead: impl Fn(usize) -> Option<Value>,
    ) -> Participant {
        let mut person = Participant::new();
        for (i, ((f, s), given)) in self
            .base
            .fields
            .iter()
            .zip(&self.slots)
            .zip(&case.fields)
            .enumerate()
        {
            let x = match (instead(i), s, given) {
                (Some(x), _, _) => x,
                (None, Slot::Var { k, .. }, _) => {
                    Value::Number(lo.get(*k).copied().unwrap_or_default())
                }
                (None, _, Some(v)) => value(v),
                (None, _, None) => continue,
            };
            person = person.with(f.name.clone(), x);
        }
        for (t, (id, _)) in self.base.tags.iter().enumerate() {
            if u32::try_from(t).is_ok_and(|t| case.tags.contains(t)) {
                person = person.tag(id.clone());
            }
        }
        person
    }

    /// Whether the property holds at the box's first point, by the exact engine, or the
    /// error the pack gives there.
    pub(crate) fn holds_at(
        &self,
        case: &Case,
        lo: &[Decimal; VARS],
    ) -> Result<Option<bool>, crate::Error> {
        let (person, raised) = self.people(case, lo);
        let second = self
            .second()
            .map(|p| (p, raised.as_ref().unwrap_or(&person)));
        exact(self.base, second, self.prop, &person, case.date).map(|one| one.holds)
    }

    /// The box's first point run by the exact engine: a counterexample when the property is
    /// false there or the pack gives an error (`error`: the box was judged to have one).
    pub(crate) fn confirm(
        &self,
        case: &Case,
        lo: &[Decimal; VARS],
        hi: &[Decimal; VARS],
        error: bool,
    ) -> Confirmed {
        let (person, raised) = self.people(case, lo);
        let mut cx = Counterexample {
            as_of: case.date,
            participant: person.to_json_value(),
            increased: match self.second {
                Some(Second::Increase { .. }) => raised.as_ref().map(Participant::to_json_value),
                _ => None,
            },
            outputs: Vec::new(),
            error: None,
        };
        let second = self
            .second()
            .map(|p| (p, raised.as_ref().unwrap_or(&person)));
        match exact(self.base, second, self.prop, &person, case.date) {
            Ok(one) => {
                cx.outputs = one.outputs;
                match one.holds {
                    Some(false) if !error => Confirmed::Fails(Box::new(cx)),
                    _ if lo != hi => Confirmed::Split,
                    _ => Confirmed::Stopped(
                        "the exact engine disagrees with the method on a single participant 精确引擎与区域计算不一致"
                            .into(),
                    ),
                }
            }
            Err(
                e @ crate::Error::Eval(
                    crate::EvalError::NotSet { .. } | crate::EvalError::NoValueInForce { .. },
                ),
            ) => Confirmed::Stopped(format!("{e} 参数未设定")),
            Err(e) => {
                cx.error = Some(e.to_string());
                Confirmed::Fails(Box::new(cx))
            }
        }
    }
}

fn av(v: &Scalar) -> Av<'static> {
    match v {
        Scalar::Num(d) => Av::Num(Lin::point(*d)),
        Scalar::Bool(b) => Av::Bool(*b),
        Scalar::Text(t) => Av::Text(t.clone()),
        Scalar::Date(d) => Av::Date(*d),
    }
}

/// A checked value as a participant gives it.
pub(crate) fn value(v: &Scalar) -> Value {
    match v {
        Scalar::Num(d) => Value::Number(*d),
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Text(t) => Value::Text(t.clone()),
        Scalar::Date(d) => Value::Text(d.to_string()),
    }
}

fn needs(prop: &Compiled, fields: usize) -> [Needs; 2] {
    let mut n = [Needs::default(); 2];
    let reads = prop
        .given
        .iter()
        .chain([&prop.holds])
        .flat_map(|e| &e.reads);
    for b in reads {
        let Binding::Field(i, _) = b else { continue };
        let Some(k) = i.checked_sub(fields) else {
            continue;
        };
        let Some(slot) = n.get_mut(k / OUTPUTS.len()) else {
            continue;
        };
        match OUTPUTS.get(k % OUTPUTS.len()) {
            Some(&"reduction_total" | &"net_fee") => slot.net = true,
            Some(&"subsidy_total") => slot.subsidy = true,
            _ => {}
        }
    }
    n
}

/// The range a numeric input is checked over, on its lattice.
pub(crate) fn domain(
    min: Option<Decimal>,
    max: Option<Decimal>,
    step: Decimal,
) -> (Decimal, Decimal) {
    let big = Decimal::from(NO_MAX);
    let lo = on_lattice(min.unwrap_or(-big), step, true);
    let hi = on_lattice(max.unwrap_or(big), step, false);
    (lo, hi.max(lo))
}

/// `x` moved onto the lattice of `step`: up (`up`) or down.
fn on_lattice(x: Decimal, step: Decimal, up: bool) -> Decimal {
    let q = x.checked_div(step).unwrap_or(x);
    let q = if up { q.ceil() } else { q.floor() };
    q.checked_mul(step).unwrap_or(x)
}

/// The values of a non-numeric field worth trying: every choice, both yes and no, each text
/// and date it is compared with (and the days beside), and one text compared with nothing.
fn cases_of(f: &crate::policy::Field, cuts: BTreeSet<Scalar>, read: bool) -> Vec<Scalar> {
    let fallback = || match f.ty {
        FieldType::Boolean => Scalar::Bool(false),
        FieldType::Integer | FieldType::Decimal => {
            let zero = Decimal::ZERO;
            Scalar::Num(
                f.min
                    .map_or(zero, |m| m.max(zero))
                    .min(f.max.unwrap_or(zero.max(f.min.unwrap_or(zero)))),
            )
        }
        FieldType::Text | FieldType::Choice => Scalar::Text(
            f.choices
                .first()
                .map_or_else(|| "other".to_owned(), |(id, _)| id.clone()),
        ),
        FieldType::Date => Scalar::Date(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()),
    };
    if !read {
        return vec![f.default.clone().unwrap_or_else(fallback)];
    }
    match f.ty {
        FieldType::Boolean => vec![Scalar::Bool(false), Scalar::Bool(true)],
        FieldType::Choice => f
            .choices
            .iter()
            .map(|(id, _)| Scalar::Text(id.clone()))
            .collect(),
        FieldType::Text => {
            let mut v: Vec<Scalar> = cuts.into_iter().collect();
            let mut other = "other".to_owned();
            while v.contains(&Scalar::Text(other.clone())) {
                other.push('_');
            }
            v.push(Scalar::Text(other));
            v
        }
        FieldType::Date => {
            let mut v = BTreeSet::from([fallback()]);
            for c in cuts {
                if let Scalar::Date(d) = c {
                    v.extend(
                        [
                            d.checked_sub_days(Days::new(1)),
                            Some(d),
                            d.checked_add_days(Days::new(1)),
                        ]
                        .into_iter()
                        .flatten()
                        .map(Scalar::Date),
                    );
                }
            }
            v.into_iter().collect()
        }
        FieldType::Integer | FieldType::Decimal => vec![fallback()],
    }
}

/// The pack's first day, every day a parameter changes, and each side of every date `as_of`
/// is compared with, inside the pack's validity.
fn dates_of(p: &Policy, cuts: &BTreeSet<NaiveDate>) -> Vec<NaiveDate> {
    let inside = |d: &NaiveDate| *d >= p.valid_from && p.valid_until.is_none_or(|u| *d <= u);
    let mut days = BTreeSet::from([p.valid_from]);
    for param in &p.params {
        days.extend(param.values.iter().map(|v| v.from).filter(inside));
    }
    for d in cuts {
        days.extend(
            [d.checked_sub_days(Days::new(1)), Some(*d)]
                .into_iter()
                .flatten()
                .filter(inside),
        );
    }
    days.into_iter().collect()
}

/// Collects the texts and dates fields are compared with, the dates `as_of` is compared with
/// and the tags tested; refuses a text, date or `as_of` used any other way.
fn collect(
    n: &Node,
    loose: &dyn Fn(usize) -> bool,
    dated: bool,
    cuts: &mut [BTreeSet<Scalar>],
    days: &mut BTreeSet<NaiveDate>,
    tags: &mut BTreeSet<u32>,
) -> Result<(), String> {
    let literal = |x: &Node| match x {
        Node::Text(t) => Some(Scalar::Text(t.clone())),
        Node::Date(d) => Some(Scalar::Date(*d)),
        _ => None,
    };
    let mut put = |a: &Node, x: &Node| -> bool {
        match (a, literal(x)) {
            (Node::Field(i), Some(s)) => {
                if let Some(c) = cuts.get_mut(*i) {
                    c.insert(s);
                }
                true
            }
            (Node::AsOf, Some(Scalar::Date(d))) => {
                days.insert(d);
                true
            }
            _ => false,
        }
    };
    match n {
        Node::Cmp(_, a, b) if put(a, b) || put(b, a) => Ok(()),
        Node::In(a, items) if items.iter().all(|x| put(a, x)) => Ok(()),
        Node::AsOf | Node::YearsBetween(..) if !dated => Err(
            "a date compared other than with a fixed date (an age from a birth date) 日期的用法暂不支持"
                .into(),
        ),
        Node::Field(i) if loose(*i) => Err(
            "a text or date input used other than compared with a fixed value 文本或日期输入的用法暂不支持"
                .into(),
        ),
        Node::HasAny(t) | Node::HasAll(t) => {
            tags.extend(t);
            Ok(())
        }
        Node::Neg(a) | Node::Not(a) | Node::Round(a, _) | Node::Floor(a) | Node::Ceil(a) | Node::Abs(a) => {
            collect(a, loose, dated, cuts, days, tags)
        }
        Node::And(a, b)
        | Node::Or(a, b)
        | Node::Arith(_, a, b)
        | Node::Cmp(_, a, b)
        | Node::YearsBetween(a, b) => {
            collect(a, loose, dated, cuts, days, tags)?;
            collect(b, loose, dated, cuts, days, tags)
        }
        Node::In(a, xs) => {
            collect(a, loose, dated, cuts, days, tags)?;
            xs.iter().try_for_each(|x| collect(x, loose, dated, cuts, days, tags))
        }
        Node::If(c, a, b) => {
            collect(c, loose, dated, cuts, days, tags)?;
            collect(a, loose, dated, cuts, days, tags)?;
            collect(b, loose, dated, cuts, days, tags)
        }
        Node::Min(xs) | Node::Max(xs) => xs.iter().try_for_each(|x| collect(x, loose, dated, cuts, days, tags)),
        Node::Num(_) | Node::Bool(_) | Node::Text(_) | Node::Date(_) | Node::Field(_) | Node::Param(_) | Node::Category | Node::AsOf => Ok(()),
    }
}

/// The property for `person` by the exact engine, with `second` (a policy and participant)
/// giving the `new_` outputs.
pub(crate) fn exact(
    base: &Policy,
    second: Option<(&Policy, &Participant)>,
    prop: &Compiled,
    person: &Participant,
    date: NaiveDate,
) -> Result<One, crate::Error> {
    let record = base
        .record(person)
        .map_err(|errors| crate::Error::Input { errors })?;
    let mut scalars = record.fields;
    let mut outputs = Vec::new();
    let mut category = None;
    let runs = std::iter::once((base, person, "")).chain(second.map(|(p, who)| (p, who, "new_")));
    for (p, who, prefix) in runs {
        let d = p.evaluate(who, date)?;
        if prefix.is_empty() {
            category = d.category.clone();
        }
        scalars.push(Scalar::Bool(d.eligible));
        outputs.push((format!("{prefix}eligible"), d.eligible.to_string()));
        for (name, m) in [
            ("gross_fee", d.gross_fee),
            ("reduction_total", d.reduction_total),
            ("net_fee", d.net_fee),
            ("subsidy_total", d.subsidy_total),
        ] {
            scalars.push(Scalar::Num(m.amount()));
            outputs.push((format!("{prefix}{name}"), m.amount().to_string()));
        }
    }
    let params = base.params_at(date).map_err(crate::Error::Eval)?;
    let env = Env {
        fields: &scalars,
        tags: &record.tags,
        params,
        as_of: date,
        category: category.as_deref(),
    };
    let fault = |f: crate::expr::eval::Fault| {
        crate::Error::Eval(crate::EvalError::Arithmetic {
            rule: "property".into(),
            what: f.to_string(),
        })
    };
    let given = match &prop.given {
        Some(g) => g.node.truth(&env).map_err(fault)?,
        None => true,
    };
    let holds = if given {
        Some(prop.holds.node.truth(&env).map_err(fault)?)
    } else {
        None
    };
    Ok(One { holds, outputs })
}

/// The parts a box is split into: at the threshold where difference `d` changes sign when one
/// input decides it, else in halves of the input that moves `d` (or the box) the most.
/// `None` when the box is a single participant.
fn split(
    lo: &[Decimal; VARS],
    hi: &[Decimal; VARS],
    steps: &[Decimal],
    d: Option<&Lin<'static>>,
) -> Option<Vec<([Decimal; VARS], [Decimal; VARS])>> {
    let width = |i: usize| -> Decimal {
        hi.get(i)
            .zip(lo.get(i))
            .and_then(|(h, l)| h.checked_sub(*l))
            .unwrap_or_default()
    };
    // How much input `i` moves `d` over the box; without `d`, how many values it takes.
    let weight = |i: usize| -> Decimal {
        match d {
            Some(d) => d.input(i).abs().checked_mul(width(i)),
            None => steps.get(i).and_then(|s| width(i).checked_div(*s)),
        }
        .unwrap_or(Decimal::MAX)
    };
    let i = (0..steps.len())
        .filter(|i| !width(*i).is_zero())
        .max_by_key(|i| (weight(*i), std::cmp::Reverse(*i)))?;
    let (l, h, step) = (*lo.get(i)?, *hi.get(i)?, *steps.get(i)?);
    // The threshold: where `d` is zero, when only input `i` varies in it and it has no error.
    let root = d.and_then(|d| {
        let others_fixed =
            (0..steps.len()).all(|j| j == i || d.input(j).is_zero() || width(j).is_zero());
        let mut c = d.linear().filter(|_| others_fixed)?;
        for j in (0..steps.len()).filter(|j| *j != i) {
            c = c.checked_add(d.input(j).checked_mul(*lo.get(j)?)?)?;
        }
        let a = d.input(i);
        (!a.is_zero())
            .then(|| c.checked_div(a).map(|q| -q))
            .flatten()
    });
    let with = |a: Decimal, b: Decimal| {
        let (mut x, mut y) = (*lo, *hi);
        if let (Some(x), Some(y)) = (x.get_mut(i), y.get_mut(i)) {
            (*x, *y) = (a, b);
        }
        (x, y)
    };
    let mut parts = Vec::new();
    if let Some(r) = root.filter(|r| *r > l && *r < h) {
        let (down, up) = (on_lattice(r, step, false), on_lattice(r, step, true));
        if down == up {
            parts.push(with(l, down.checked_sub(step)?));
            parts.push(with(down, down));
            parts.push(with(down.checked_add(step)?, h));
        } else {
            parts.push(with(l, down));
            parts.push(with(up, h));
        }
        parts.retain(|(x, y)| x.get(i) <= y.get(i));
    }
    if parts.len() < 2 {
        let mid = on_lattice(l.checked_add(h)?.checked_div(Decimal::TWO)?, step, false);
        parts = vec![with(l, mid), with(mid.checked_add(step)?, h)];
    }
    Some(parts)
}
