//! Properties of a pack, checked for every participant: `huimin verify`.
//!
//! A property says that `holds` is true for every participant (on every date the pack is in
//! force) for whom `given` is true; both are expressions over the pack's inputs, tags and
//! parameters and the decision's outputs (`eligible`, `gross_fee`, `reduction_total`,
//! `net_fee`, `subsidy_total`, and with a `reform` the same under it as `new_net_fee` …; with
//! `increase: FIELD`, the same for the participant with a larger value of that input, so that
//! `new_net_fee >= net_fee` says the fee never falls as it grows).
//!
//! It is checked by case-splitting, not sampling: every combination of the choices, yes/no
//! inputs, tags and dates the rules can tell apart, and for the numeric inputs a box of their
//! declared range, run through the rules themselves ([`crate::rules::decide`]) over affine
//! forms ([`lin`]). A box on which some comparison is not decided is split there (at the
//! threshold, when one input decides it) and each part run again, down to single values if
//! need be. A property holds when every box decides it true; a box that decides it false gives
//! a counterexample, confirmed by the exact engine; past a stated number of boxes, or on an
//! expression the method cannot follow, the answer is "not decided", with the reason.
//!
//! Decimal inputs are checked at a stated number of decimal places (two unless asked), and an
//! input without a declared maximum up to [`NO_MAX`]: both are said in every answer.

mod lin;
mod values;

use crate::expr::eval::Env;
use crate::expr::{Binding, Expression, Node, Scope, TagSet, Type};
use crate::model::{FieldType, Participant, Scalar, Value};
use crate::policy::{PackScope, Policy};
use crate::rules::{self, Scratch};
use crate::text::Text;
use chrono::{Days, NaiveDate};
use lin::{Lin, Region, VARS};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::collections::BTreeSet;
use values::{Abstract, Av, Needs, Outputs, Stop};

/// The largest value an input without a declared maximum is checked up to (and the smallest,
/// negated, without a declared minimum).
pub const NO_MAX: i64 = 1_000_000_000;

/// The outputs a property may read, in the order their slots follow the pack's fields.
const OUTPUTS: [&str; 5] = [
    "eligible",
    "gross_fee",
    "reduction_total",
    "net_fee",
    "subsidy_total",
];

/// A properties file: `properties:`, a list.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyFile {
    /// The first date the properties are checked on (default: the pack's first day).
    pub from: Option<NaiveDate>,
    /// The values file of the deployment the properties are checked for (relative to the
    /// properties file), when the pack leaves values to an authority.
    pub values: Option<String>,
    /// The properties, checked in order.
    pub properties: Vec<PropertySource>,
}

/// One property as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertySource {
    /// Its name.
    pub id: String,
    /// What it says, in words.
    pub says: Option<Text>,
    /// For whom it must hold (default: everyone).
    pub given: Option<String>,
    /// What must hold.
    pub holds: String,
    /// A reform file (relative to the properties file): its outputs are `new_net_fee` ….
    pub reform: Option<String>,
    /// A numeric input: the property compares each participant with the same participant
    /// with more of it (any larger value in range), whose outputs are `new_net_fee` ….
    pub increase: Option<String>,
}

/// The JSON Schema of a properties file.
pub fn properties_schema() -> serde_json::Value {
    crate::pack::bilingual(
        serde_json::to_value(schemars::schema_for!(PropertyFile))
            .unwrap_or(serde_json::Value::Null),
    )
}

impl PropertyFile {
    /// A properties file from YAML or JSON text; `name` names it in errors.
    pub fn parse(text: &str, name: &str) -> Result<PropertyFile, String> {
        if name.ends_with(".json") {
            serde_json::from_str(text)
                .map_err(|e| format!("{name}:{}:{}: {e}", e.line(), e.column()))
        } else {
            serde_saphyr::from_str(text).map_err(|e| format!("{name}: {e}"))
        }
    }
}

/// How far to go.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Decimal places decimal inputs are checked at.
    pub places: u32,
    /// The most boxes one property may run before answering "not decided".
    pub max_boxes: usize,
    /// The first date checked (default: the pack's first day).
    pub from: Option<NaiveDate>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            places: 2,
            max_boxes: 200_000,
            from: None,
        }
    }
}

/// What checking one property found.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The property's id.
    pub id: String,
    /// The outcome.
    pub outcome: Outcome,
    /// Boxes run (each a set of participants decided at once).
    pub boxes: usize,
    /// The cases of choices, tags and dates gone through.
    pub cases: usize,
    /// The domains the numeric inputs were checked over, in words.
    pub domains: Vec<String>,
}

/// Whether a property holds.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// True for every participant on every date.
    Holds,
    /// False for this participant (or the pack gives this participant an error).
    Fails(Box<Counterexample>),
    /// The method stopped before deciding.
    NotDecided {
        /// Why, in English and Chinese.
        why: String,
    },
}

/// A participant for whom a property fails: a case, ready to save.
#[derive(Debug, Clone, Serialize)]
pub struct Counterexample {
    /// The date.
    pub as_of: NaiveDate,
    /// The participant, as a case file writes it.
    pub participant: serde_json::Value,
    /// For an `increase` property, the same participant with more of the input.
    pub increased: Option<serde_json::Value>,
    /// The outputs the property reads, as the exact engine gives them.
    pub outputs: Vec<(String, String)>,
    /// The error the pack gives this participant, when it gives one.
    pub error: Option<String>,
}

/// A property compiled against a pack (and its reform).
struct Compiled {
    given: Option<Expression>,
    holds: Expression,
}

/// The names a property reads: the pack's, then the outputs (and the reform's).
struct PropScope<'a> {
    pack: PackScope<'a>,
    outputs: Vec<String>,
}

impl Scope for PropScope<'_> {
    fn lookup(&self, name: &str) -> Option<Binding> {
        if let Some(k) = self.outputs.iter().position(|o| o == name) {
            let ty = if name.ends_with("eligible") {
                Type::Bool
            } else {
                Type::Num
            };
            return Some(Binding::Field(self.pack.fields.len().checked_add(k)?, ty));
        }
        self.pack.lookup(name)
    }
    fn tag(&self, name: &str) -> Option<u32> {
        self.pack.tag(name)
    }
    fn choices(&self, field: &str) -> Option<&[String]> {
        self.pack.choices(field)
    }
    fn names(&self) -> Vec<String> {
        let mut v = self.pack.names();
        v.extend(self.outputs.iter().cloned());
        v
    }
    fn tag_names(&self) -> Vec<&str> {
        self.pack.tag_names()
    }
}

fn output_names(reform: bool) -> Vec<String> {
    let mut v: Vec<String> = OUTPUTS.iter().map(|o| (*o).to_owned()).collect();
    if reform {
        v.extend(OUTPUTS.iter().map(|o| format!("new_{o}")));
    }
    v
}

fn compile(p: &Policy, src: &PropertySource, reform: bool) -> Result<Compiled, String> {
    let scope = PropScope {
        pack: PackScope {
            fields: &p.fields,
            tags: &p.tags,
            params: &p.params,
            choice_ids: p
                .fields
                .iter()
                .map(|f| f.choices.iter().map(|(id, _)| id.clone()).collect())
                .collect(),
        },
        outputs: output_names(reform),
    };
    let one = |part: &str, text: &str| {
        Expression::compile_with(text, Type::Bool, &scope, &p.limits).map_err(|e| {
            let hint = e.hint.map(|h| format!(" ({h})")).unwrap_or_default();
            format!(
                "属性 property `{}`, `{part}` at character {}: {}{hint}",
                src.id, e.offset, e.message
            )
        })
    };
    Ok(Compiled {
        given: src.given.as_deref().map(|g| one("given", g)).transpose()?,
        holds: one("holds", &src.holds)?,
    })
}

/// How one field takes its values in the search.
enum Slot {
    /// A numeric input: variable `k` of the box, on a lattice of `step`.
    Var { k: usize, step: Decimal },
    /// One of these values, case by case.
    Cases(Vec<Scalar>),
}

/// Checks `src` against `base` (and `reformed`, when the property names a reform) for every
/// participant; `Err` when the property does not compile.
pub fn verify(
    base: &Policy,
    reformed: Option<&Policy>,
    src: &PropertySource,
    opts: Options,
) -> Result<Verdict, String> {
    if reformed.is_some() && src.increase.is_some() {
        return Err(format!(
            "属性 property `{}`: `reform` and `increase` cannot be combined (each gives the `new_` outputs)",
            src.id
        ));
    }
    let increase = match &src.increase {
        None => None,
        Some(name) => Some(
            base.fields
                .iter()
                .position(|f| {
                    &f.name == name && matches!(f.ty, FieldType::Integer | FieldType::Decimal)
                })
                .ok_or_else(|| {
                    format!(
                        "属性 property `{}`: `increase: {name}` names no numeric input of the pack",
                        src.id
                    )
                })?,
        ),
    };
    if opts.places > crate::Rounding::MAX_SCALE {
        return Err(format!(
            "--places {}: at most {} decimal places 小数位数最多 {}",
            opts.places,
            crate::Rounding::MAX_SCALE,
            crate::Rounding::MAX_SCALE
        ));
    }
    let prop = compile(base, src, reformed.is_some() || increase.is_some())?;
    let mut exprs: Vec<&Expression> = base.expressions().into_iter().map(|(_, e)| e).collect();
    if let Some(r) = reformed {
        exprs.extend(r.expressions().into_iter().map(|(_, e)| e));
    }
    exprs.extend(prop.given.iter());
    exprs.push(&prop.holds);
    let mut v = Verdict {
        id: src.id.clone(),
        outcome: Outcome::Holds,
        boxes: 0,
        cases: 0,
        domains: Vec::new(),
    };
    let not = |why: String| Outcome::NotDecided { why };

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
            base.fields
                .get(i)
                .is_some_and(|f| matches!(f.ty, FieldType::Text | FieldType::Date))
        };
        if let Err(why) = collect(&e.node, &loose, &mut cuts, &mut day_cuts, &mut tags) {
            v.outcome = not(why);
            return Ok(v);
        }
    }
    read.extend(increase);
    let mut slots = Vec::new();
    let mut k = 0usize;
    for (i, f) in base.fields.iter().enumerate() {
        let numeric = matches!(f.ty, FieldType::Integer | FieldType::Decimal);
        let slot = if numeric && read.contains(&i) {
            if k >= VARS {
                v.outcome = not(format!(
                    "more than {VARS} numeric inputs are read 读取的数值输入超过 {VARS} 个"
                ));
                return Ok(v);
            }
            let step = if f.ty == FieldType::Integer {
                Decimal::ONE
            } else {
                Decimal::new(1, opts.places)
            };
            let (lo, hi) = domain(f.min, f.max, step);
            v.domains.push(format!(
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
            k = k.saturating_add(1);
            Slot::Var {
                k: k.saturating_sub(1),
                step,
            }
        } else {
            let taken = cuts.get(i).cloned().unwrap_or_default();
            Slot::Cases(cases_of(f, taken, read.contains(&i)))
        };
        slots.push(slot);
    }
    let mut dates = dates_of(base, &day_cuts);
    if let Some(from) = opts.from {
        dates.retain(|d| *d >= from);
        if base.params_at(from).is_ok() && !dates.contains(&from) {
            dates.insert(0, from);
        }
    }
    if dates.is_empty() {
        v.outcome = not(
            "no date to check: the first date is after the pack's validity 起始日期晚于规则包有效期"
                .into(),
        );
        return Ok(v);
    }
    let tags: Vec<u32> = tags.into_iter().collect();

    // The mixed-radix count over the fields' cases, the tags and the dates.
    let radix: Vec<usize> = slots
        .iter()
        .map(|s| match s {
            Slot::Cases(c) => c.len().max(1),
            Slot::Var { .. } => 1,
        })
        .collect();
    let total = 1usize
        .checked_shl(u32::try_from(tags.len()).unwrap_or(u32::MAX))
        .and_then(|t| radix.iter().try_fold(t, |n, r| n.checked_mul(*r)))
        .and_then(|n| n.checked_mul(dates.len()));
    let Some(total) = total.filter(|t| *t <= opts.max_boxes) else {
        v.outcome = not(format!(
            "more than {} cases of choices, tags and dates 选项、标签和日期的组合超过 {} 种",
            opts.max_boxes, opts.max_boxes
        ));
        return Ok(v);
    };
    let mut lo0 = [Decimal::ZERO; VARS];
    let mut hi0 = [Decimal::ZERO; VARS];
    for (f, s) in base.fields.iter().zip(&slots) {
        if let Slot::Var { k, step } = s {
            let (lo, hi) = domain(f.min, f.max, *step);
            if let (Some(l), Some(h)) = (lo0.get_mut(*k), hi0.get_mut(*k)) {
                (*l, *h) = (lo, hi);
            }
        }
    }
    let mut steps: Vec<Decimal> = slots
        .iter()
        .filter_map(|s| match s {
            Slot::Var { step, .. } => Some(*step),
            Slot::Cases(_) => None,
        })
        .collect();
    // The increase: one more variable, how much larger the second participant's input is.
    let mut more = None;
    if let Some(i) = increase {
        if let (Some(Slot::Var { k: x, step }), Some(f)) = (slots.get(i), base.fields.get(i)) {
            let d = steps.len();
            let (lo, hi) = domain(f.min, f.max, *step);
            if d >= VARS {
                v.outcome = not(format!(
                    "more than {VARS} numeric inputs are read 读取的数值输入超过 {VARS} 个"
                ));
                return Ok(v);
            }
            if let (Some(l), Some(h)) = (lo0.get_mut(d), hi0.get_mut(d)) {
                (*l, *h) = (lo, hi);
            }
            steps.push(*step);
            v.domains.push(format!(
                "{} increased: any value of its range at least the first",
                f.name
            ));
            more = Some(Increase {
                field: i,
                x: *x,
                y: d,
            });
        }
    }
    let run = Run {
        increase: more,
        base,
        reformed,
        prop: &prop,
        slots: &slots,
        steps: {
            let mut a = [Decimal::ONE; VARS];
            for (slot, s) in a.iter_mut().zip(&steps) {
                *slot = *s;
            }
            a
        },
        tags: &tags,
        needs: needs(&prop, base.fields.len()),
    };
    for case in 0..total {
        v.cases = v.cases.saturating_add(1);
        let mut n = case;
        let mut fields = Vec::with_capacity(slots.len());
        for (s, r) in slots.iter().zip(&radix) {
            fields.push(match s {
                Slot::Cases(c) => c.get(n % r).cloned(),
                Slot::Var { .. } => None,
            });
            n /= r;
        }
        let mut set = TagSet::default();
        for (bit, t) in tags.iter().enumerate() {
            if (n >> bit) & 1 == 1 {
                set.insert(*t);
            }
        }
        n = n
            .checked_shr(u32::try_from(tags.len()).unwrap_or(u32::MAX))
            .unwrap_or(0);
        let Some(date) = dates.get(n % dates.len().max(1)) else {
            continue;
        };
        let mut work = vec![(lo0, hi0)];
        while let Some((lo, hi)) = work.pop() {
            v.boxes = v.boxes.saturating_add(1);
            if v.boxes > opts.max_boxes {
                v.outcome = not(format!(
                    "stopped after {} boxes 检查了 {} 个区域后停止",
                    opts.max_boxes, opts.max_boxes
                ));
                return Ok(v);
            }
            match run.check(&fields, set, *date, lo, hi) {
                Checked::True => {}
                Checked::Split(d) => match split(&lo, &hi, &steps, d.as_deref()) {
                    // The lower parts first: a counterexample is then a small one.
                    Some(parts) => work.extend(parts.into_iter().rev()),
                    None => {
                        v.outcome = not(
                            "a single participant the method cannot decide 有一个参与者无法判定"
                                .into(),
                        );
                        return Ok(v);
                    }
                },
                Checked::False(c) => {
                    v.outcome = Outcome::Fails(c);
                    return Ok(v);
                }
                Checked::Stopped(why) => {
                    v.outcome = not(why);
                    return Ok(v);
                }
            }
        }
    }
    Ok(v)
}

/// Which outputs the property reads, of the pack and of the reform.
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
fn domain(min: Option<Decimal>, max: Option<Decimal>, step: Decimal) -> (Decimal, Decimal) {
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
        days.extend(param.values.iter().map(|(from, _, _)| *from).filter(inside));
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
        Node::AsOf | Node::YearsBetween(..) => Err(
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
            collect(a, loose, cuts, days, tags)
        }
        Node::And(a, b) | Node::Or(a, b) | Node::Arith(_, a, b) | Node::Cmp(_, a, b) => {
            collect(a, loose, cuts, days, tags)?;
            collect(b, loose, cuts, days, tags)
        }
        Node::In(a, xs) => {
            collect(a, loose, cuts, days, tags)?;
            xs.iter().try_for_each(|x| collect(x, loose, cuts, days, tags))
        }
        Node::If(c, a, b) => {
            collect(c, loose, cuts, days, tags)?;
            collect(a, loose, cuts, days, tags)?;
            collect(b, loose, cuts, days, tags)
        }
        Node::Min(xs) | Node::Max(xs) => xs.iter().try_for_each(|x| collect(x, loose, cuts, days, tags)),
        Node::Num(_) | Node::Bool(_) | Node::Text(_) | Node::Date(_) | Node::Field(_) | Node::Param(_) | Node::Category => Ok(()),
    }
}

/// What one box gave.
enum Checked {
    /// The property holds on the whole box.
    True,
    /// Split the box: at the sign of this difference, when one is known.
    Split(Option<Box<Lin<'static>>>),
    /// A participant for whom it fails.
    False(Box<Counterexample>),
    /// The method stops.
    Stopped(String),
}

/// The second participant of an `increase` property: field `field` (variable `x`) at
/// variable `y`, where `x ≤ y`.
#[derive(Debug, Clone, Copy)]
struct Increase {
    field: usize,
    x: usize,
    y: usize,
}

/// What every box of one property shares.
struct Run<'p> {
    base: &'p Policy,
    reformed: Option<&'p Policy>,
    increase: Option<Increase>,
    prop: &'p Compiled,
    slots: &'p [Slot],
    /// Each input's lattice step.
    steps: [Decimal; VARS],
    /// The outputs the property reads, of the pack and of the reform.
    needs: [Needs; 2],
    tags: &'p [u32],
}

impl Run<'_> {
    /// The policy of the `new_` outputs: the reform's, or the pack's for an increase.
    fn second(&self) -> Option<&Policy> {
        self.reformed.or(self.increase.map(|_| self.base))
    }

    /// Runs the rules (and the reform's) over one box and tests the property there.
    fn check(
        &self,
        fields: &[Option<Scalar>],
        tags: TagSet,
        date: NaiveDate,
        lo: [Decimal; VARS],
        hi: [Decimal; VARS],
    ) -> Checked {
        let mut params = Vec::new();
        for p in std::iter::once(self.base).chain(self.second()) {
            match p.params_at(date) {
                Ok(x) => params.push(x),
                Err(_) => return Checked::Stopped(format!("no parameters in force on {date}")),
            }
        }
        let mut region = Region::new(lo, hi, self.steps);
        if let Some(inc) = self.increase {
            // No pair in a box where every `y` is below every `x`.
            if hi.get(inc.y) < lo.get(inc.x) {
                return Checked::True;
            }
            region.pair = Some((inc.x, inc.y));
        }
        let mut values: Vec<Av<'_>> = Vec::with_capacity(fields.len().saturating_add(10));
        for (s, f) in self.slots.iter().zip(fields) {
            values.push(match (s, f) {
                (Slot::Var { k, .. }, _) => Av::Num(Lin::var(&region, *k)),
                (_, Some(Scalar::Num(d))) => Av::Num(Lin::point(*d)),
                (_, Some(Scalar::Bool(b))) => Av::Bool(*b),
                (_, Some(Scalar::Text(t))) => Av::Text(t.clone()),
                (_, Some(Scalar::Date(d))) => Av::Date(*d),
                (_, None) => Av::Bool(false),
            });
        }
        // The second participant of an `increase` property, when inside the input's range.
        let mut raised = values.clone();
        if let Some(inc) = self.increase {
            if let Some(slot) = raised.get_mut(inc.field) {
                *slot = Av::Num(Lin::var(&region, inc.y));
            }
        }
        let mut outs = Vec::new();
        let mut category = None;
        let runs = std::iter::once((self.base, &values)).chain(self.second().map(|p| (p, &raised)));
        for (((p, inputs), params), needs) in runs.zip(&params).zip(&self.needs) {
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
                return Checked::Split(Some(Box::new(d)));
            }
            if let Some(why) = env.unsupported.get().filter(|_| !region.settled.get()) {
                return Checked::Stopped(format!("{why} (not followed 不支持)"));
            }
            if done.is_err() {
                return self.confirm(fields, tags, date, &lo, &hi, true);
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
            params: params.first().map_or(&[][..], Vec::as_slice),
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
            Ok(false) => return Checked::True,
            Ok(true) => env.truth(&self.prop.holds.node),
            Err(e) => Err(e),
        };
        match holds {
            Ok(true) => Checked::True,
            Ok(false) => self.confirm(fields, tags, date, &lo, &hi, false),
            Err(Stop::Undecided) => {
                // The property's own difference when it names an input; else the first
                // `min` or `max` the rules bounded instead of deciding.
                let own = region.undecided.get();
                let names = |d: &Lin<'_>| (0..VARS).any(|i| !d.input(i).is_zero());
                Checked::Split(
                    own.filter(names)
                        .or(region.hint.get())
                        .or(own)
                        .map(Box::new),
                )
            }
            Err(Stop::Unsupported(why)) => Checked::Stopped(why.into()),
            Err(Stop::Fault) => self.confirm(fields, tags, date, &lo, &hi, true),
        }
    }

    /// Runs the exact engine on the box's first corner: a counterexample when the property
    /// fails there (or the pack gives an error); otherwise the box is split (`error`: the run
    /// over the box stopped on arithmetic, which the corner does not confirm).
    #[allow(clippy::too_many_arguments)]
    fn confirm(
        &self,
        fields: &[Option<Scalar>],
        tags: TagSet,
        date: NaiveDate,
        lo: &[Decimal; VARS],
        hi: &[Decimal; VARS],
        error: bool,
    ) -> Checked {
        let mut person = Participant::new();
        for ((f, s), given) in self.base.fields.iter().zip(self.slots).zip(fields) {
            let x = match (s, given) {
                (Slot::Var { k, .. }, _) => Value::Number(lo.get(*k).copied().unwrap_or_default()),
                (_, Some(Scalar::Num(d))) => Value::Number(*d),
                (_, Some(Scalar::Bool(b))) => Value::Bool(*b),
                (_, Some(Scalar::Text(t))) => Value::Text(t.clone()),
                (_, Some(Scalar::Date(d))) => Value::Text(d.to_string()),
                (_, None) => continue,
            };
            person = person.with(f.name.clone(), x);
        }
        for t in self.tags.iter().filter(|t| tags.contains(**t)) {
            if let Some((id, _)) = self.base.tags.get(*t as usize) {
                person = person.tag(id.clone());
            }
        }
        let raised = self.increase.map(|inc| {
            // A pair of the box with `x ≤ y` (the box has one: not every `y` is below `x`).
            let x = lo.get(inc.x).copied().unwrap_or_default();
            let y = lo.get(inc.y).copied().unwrap_or_default().max(x);
            let name = self.base.fields.get(inc.field).map(|f| f.name.clone());
            person
                .clone()
                .with(name.unwrap_or_default(), Value::Number(y))
        });
        let mut cx = Counterexample {
            as_of: date,
            participant: person.to_json_value(),
            increased: raised.as_ref().map(Participant::to_json_value),
            outputs: Vec::new(),
            error: None,
        };
        let second = self
            .second()
            .map(|p| (p, raised.as_ref().unwrap_or(&person)));
        match exact(self.base, second, self.prop, &person, date) {
            Ok(one) => {
                cx.outputs = one.outputs;
                match one.holds {
                    Some(false) if !error => Checked::False(Box::new(cx)),
                    _ if lo != hi => Checked::Split(None),
                    _ => Checked::Stopped(
                        "the exact engine disagrees with the method on a single participant 精确引擎与区域计算不一致"
                            .into(),
                    ),
                }
            }
            Err(
                e @ crate::Error::Eval(
                    crate::EvalError::NotSet { .. } | crate::EvalError::NoValueInForce { .. },
                ),
            ) => Checked::Stopped(format!("{e} 参数未设定")),
            Err(e) => {
                cx.error = Some(e.to_string());
                Checked::False(Box::new(cx))
            }
        }
    }
}

/// A property checked for one participant by the exact engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct One {
    /// Whether it holds; `None` when `given` leaves the participant out.
    pub holds: Option<bool>,
    /// The outputs a property may read, as the engine gives them.
    pub outputs: Vec<(String, String)>,
}

/// Checks `src` for one participant as of a date with the exact engine (what `verify` claims
/// for all of them, for one): `Err` when the property does not compile, the participant does
/// not fit the pack, or the pack gives them an error.
pub fn check_one(
    base: &Policy,
    reformed: Option<&Policy>,
    src: &PropertySource,
    person: &Participant,
    as_of: NaiveDate,
) -> Result<One, String> {
    if src.increase.is_some() {
        return Err(format!(
            "属性 property `{}` compares two participants (`increase`): check it with `verify`",
            src.id
        ));
    }
    let prop = compile(base, src, reformed.is_some())?;
    exact(base, reformed.map(|r| (r, person)), &prop, person, as_of).map_err(|e| e.to_string())
}

/// The property for `person` by the exact engine, with `second` (a policy and participant)
/// giving the `new_` outputs.
fn exact(
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
        params: &params,
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
