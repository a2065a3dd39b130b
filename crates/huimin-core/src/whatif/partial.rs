//! A half-filled form: the answers still possible over the inputs not yet given, and which of
//! those inputs can still change it (so that a form can stop asking the others).

use super::{name, unset, Input};
use crate::error::{Error, InputError};
use crate::model::{FieldType, Participant, Scalar, Value};
use crate::money::Money;
use crate::policy::Policy;
use crate::text::Text;
use crate::verify::search::{Confirmed, Flow, Leaf, Other, Pins, Run};
use crate::verify::{compile, Options, Outcome as Verdict, PropertySource, VARS};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// The answers a half-filled form can still have.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(rename = "PartialAnswer")]
pub struct Partial {
    /// The date.
    pub as_of: NaiveDate,
    /// The inputs and tags not yet known.
    pub unknown: Vec<String>,
    /// Eligible: yes, no, or depends on `depends_on`.
    pub eligible: Eligibility,
    /// The unknown inputs eligibility depends on.
    pub depends_on: Vec<String>,
    /// The least and greatest net fee over every completion.
    pub net_fee: Range,
    /// The least and greatest subsidies due over every completion.
    pub subsidy_total: Range,
    /// The unknown inputs that can still change the answer: ask them.
    pub still_matter: Vec<String>,
    /// The unknown inputs that cannot change it any more: stop asking.
    pub settled: Vec<String>,
    /// Whether the ranges and the lists are proved over every completion; when not, `notes`
    /// say why and the ranges are those of the completions run.
    pub proven: bool,
    /// What else the answer rests on.
    pub notes: Vec<Text>,
    /// The answer in a sentence or two.
    pub says: Text,
}

/// Eligibility over the completions of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    /// Eligible, whatever the unknown inputs are.
    Yes,
    /// Not eligible, whatever they are.
    No,
    /// Eligible for some values of them.
    Depends,
}

/// The least and greatest of an amount, each reached by some completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Range {
    /// The least.
    pub min: Money,
    /// The greatest.
    pub max: Money,
}

impl Range {
    fn with(self, m: Money) -> Range {
        Range {
            min: self.min.min(m),
            max: self.max.max(m),
        }
    }
}

/// The most rounds of widening a range by a counterexample before giving up the proof.
const ROUNDS: usize = 4;

/// The most boxes one partial evaluation runs, over all its searches.
const MAX_BOXES: usize = 20_000;

impl Policy {
    /// The answers `person` can still get on `as_of` over every value of the `unknown` inputs
    /// and tags (when empty: the required inputs `person` does not give).
    pub fn evaluate_partial(
        &self,
        person: &Participant,
        as_of: NaiveDate,
        unknown: &[String],
    ) -> Result<Partial, Error> {
        let unknowns = self.unknowns(person, unknown)?;
        // The known inputs, checked, with a stand-in for each unknown one.
        let mut filled = person.clone();
        for u in &unknowns {
            match *u {
                Input::Field(i) => {
                    if let Some(f) = self.fields.get(i) {
                        filled.fields.insert(f.name.clone(), stand_in(f));
                    }
                }
                Input::Tag(t) => {
                    if let Some((id, _)) = self.tags.get(t as usize) {
                        filled.tags.retain(|x| x != id);
                    }
                }
            }
        }
        let record = self
            .record(&filled)
            .map_err(|errors| Error::Input { errors })?;
        // A tag the statuses given entail (低保 is 家庭经济困难) is known, not unknown.
        let asked: Vec<String> = unknowns.iter().map(|u| name(self, *u)).collect();
        let (entailed, unknowns): (Vec<Input>, Vec<Input>) = unknowns
            .into_iter()
            .partition(|u| matches!(u, Input::Tag(t) if record.tags.contains(*t)));
        let mut pins = Pins {
            fields: record
                .fields
                .iter()
                .map(|v| Some(vec![v.clone()]))
                .collect(),
            tags: (0..self.tags.len())
                .map(|t| Some(u32::try_from(t).is_ok_and(|t| record.tags.contains(t))))
                .collect(),
            date: Some(as_of),
            steps: Vec::new(),
        };
        for u in &unknowns {
            match *u {
                Input::Field(i) => {
                    if let Some(slot) = pins.fields.get_mut(i) {
                        *slot = None;
                    }
                }
                Input::Tag(t) => {
                    if let Some(slot) = pins.tags.get_mut(t as usize) {
                        *slot = None;
                    }
                }
            }
        }
        let mut part = Partial {
            as_of,
            unknown: asked,
            eligible: Eligibility::No,
            depends_on: Vec::new(),
            net_fee: Range {
                min: Money::zero(self.rounding.scale),
                max: Money::zero(self.rounding.scale),
            },
            subsidy_total: Range {
                min: Money::zero(self.rounding.scale),
                max: Money::zero(self.rounding.scale),
            },
            still_matter: Vec::new(),
            settled: Vec::new(),
            proven: true,
            notes: Vec::new(),
            says: Text::default(),
        };
        let ctx = Ctx {
            policy: self,
            pins: &pins,
            opts: Options {
                places: self.rounding.scale.min(crate::Rounding::MAX_SCALE),
                max_boxes: MAX_BOXES,
                from: None,
            },
            used: std::cell::Cell::new(0),
        };
        let (yes, no) = ctx.ranges(&mut part)?;
        part.eligible = match (yes, no) {
            (true, false) => Eligibility::Yes,
            (false, _) => Eligibility::No,
            (true, true) => Eligibility::Depends,
        };
        let fixed = part.net_fee.min == part.net_fee.max
            && part.subsidy_total.min == part.subsidy_total.max
            && part.eligible != Eligibility::Depends;
        for u in &unknowns {
            let matters = !fixed && ctx.matters(*u, ALL, &mut part);
            let n = name(self, *u);
            if matters {
                if part.eligible == Eligibility::Depends && ctx.matters(*u, ELIGIBLE, &mut part) {
                    part.depends_on.push(n.clone());
                }
                part.still_matter.push(n);
            } else {
                part.settled.push(n);
            }
        }
        part.settled.extend(entailed.iter().map(|u| name(self, *u)));
        part.says = says(self, &part);
        Ok(part)
    }

    /// The unknown inputs: those named, else the required ones `person` does not give.
    fn unknowns(&self, person: &Participant, names: &[String]) -> Result<Vec<Input>, Error> {
        if names.is_empty() {
            return Ok(self
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| f.default.is_none() && !person.fields.contains_key(&f.name))
                .map(|(i, _)| Input::Field(i))
                .collect());
        }
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for (k, n) in names.iter().enumerate() {
            let field = self
                .fields
                .iter()
                .position(|f| &f.name == n)
                .map(Input::Field);
            let tag = self
                .tags
                .iter()
                .position(|(t, _)| t == n)
                .and_then(|t| u32::try_from(t).ok())
                .map(Input::Tag);
            match field.or(tag) {
                Some(u) if !out.contains(&u) => out.push(u),
                Some(_) => {}
                None => errors.push(InputError {
                    path: format!("unknown[{k}]"),
                    code: "unknown_field",
                    message: Text::new(
                        format!("`{n}` 不是本规则包的输入或标签"),
                        format!("`{n}` is neither an input nor a tag of the pack"),
                    ),
                }),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(Error::Input { errors })
        }
    }
}

/// A value of the field's type inside its range, to check the known inputs with.
fn stand_in(f: &crate::policy::Field) -> Value {
    match f.ty {
        FieldType::Integer | FieldType::Decimal => Value::Number(
            f.min.unwrap_or(Decimal::ZERO).max(Decimal::ZERO).min(
                f.max
                    .unwrap_or(Decimal::ZERO)
                    .max(f.min.unwrap_or(Decimal::ZERO)),
            ),
        ),
        FieldType::Boolean => Value::Bool(false),
        FieldType::Choice => Value::Text(
            f.choices
                .first()
                .map(|(c, _)| c.clone())
                .unwrap_or_default(),
        ),
        FieldType::Text => Value::Text("other".into()),
        FieldType::Date => Value::Text("2000-01-01".into()),
    }
}

/// The outputs compared when asking whether an input can change the answer.
const ALL: &str =
    "eligible == new_eligible and net_fee == new_net_fee and subsidy_total == new_subsidy_total";
/// … whether it can change eligibility.
const ELIGIBLE: &str = "eligible == new_eligible";

struct Ctx<'a> {
    policy: &'a Policy,
    pins: &'a Pins,
    opts: Options,
    /// The boxes run so far, over every search of this evaluation.
    used: std::cell::Cell<usize>,
}

impl Ctx<'_> {
    /// The boxes left of the evaluation's budget.
    fn left(&self) -> usize {
        self.opts.max_boxes.saturating_sub(self.used.get())
    }

    fn spent(&self, boxes: usize) {
        self.used.set(self.used.get().saturating_add(boxes));
    }

    /// The ranges of the net fee and the subsidies, and whether some completion is eligible
    /// and some is not: the extremes of each box's corners, then proved over every completion.
    fn ranges(&self, part: &mut Partial) -> Result<(bool, bool), Error> {
        let p = self.policy;
        let mut seen: Option<(Range, Range)> = None;
        let (mut yes, mut no) = (false, false);
        let mut add = |d: &crate::Decision| {
            yes |= d.eligible;
            no |= !d.eligible;
            seen = Some(match seen {
                None => (
                    Range {
                        min: d.net_fee,
                        max: d.net_fee,
                    },
                    Range {
                        min: d.subsidy_total,
                        max: d.subsidy_total,
                    },
                ),
                Some((n, s)) => (n.with(d.net_fee), s.with(d.subsidy_total)),
            });
        };
        let truth = prop(p, "true", false)?;
        let run =
            Run::new(p, None, &truth, None, self.pins, self.opts).map_err(|why| internal(&why))?;
        let mut count = (0, 0);
        let mut failed: Option<Error> = None;
        let walked = run.walk(self.left(), &mut count, |case, lo, hi, leaf| {
            let points = if leaf == Leaf::Error {
                vec![*lo]
            } else {
                corners(&run, lo, hi)
            };
            for point in points {
                let person = run.person(case, &point, |_| None);
                match p.evaluate_with(&person, case.date, crate::EvalOptions { explain: false }) {
                    Ok(d) => add(&d),
                    // A number the deployment has not set: the form cannot be priced.
                    Err(e) if unset(&e) => {
                        failed = Some(e);
                        return Flow::Stop;
                    }
                    Err(e) => {
                        failed.get_or_insert(e);
                    }
                }
            }
            if leaf == Leaf::Error && lo != hi {
                Flow::Split
            } else {
                Flow::Next
            }
        });
        self.spent(count.0);
        if let Err(why) = walked {
            part.proven = false;
            part.notes.push(Text::new(
                format!("未能覆盖全部取值：{why}"),
                format!("not every value was covered: {why}"),
            ));
        }
        if let Some(e) = failed {
            if unset(&e) {
                return Err(e);
            }
            part.proven = false;
            part.notes.push(Text::new(
                format!("有些取值会使规则包报错：{e}"),
                format!("some values make the pack give an error: {e}"),
            ));
        }
        let Some((mut net, mut sub)) = seen else {
            return Err(internal("no completion of the form could be evaluated"));
        };
        // The proof: every completion inside the ranges, else widen by the counterexample.
        for round in 0..=ROUNDS {
            let text = format!(
                "net_fee >= {} and net_fee <= {} and subsidy_total >= {} and subsidy_total <= {}",
                net.min, net.max, sub.min, sub.max
            );
            match self.check(&text, None)? {
                Verdict::Holds => break,
                Verdict::Fails(cx) if round < ROUNDS && cx.error.is_none() => {
                    let out = |k: &str| {
                        cx.outputs
                            .iter()
                            .find(|(n, _)| n == k)
                            .and_then(|(_, v)| v.parse::<Decimal>().ok())
                            .map(|d| Money::at_scale(d, p.rounding.scale))
                    };
                    if let (Some(n), Some(s)) = (out("net_fee"), out("subsidy_total")) {
                        net = net.with(n);
                        sub = sub.with(s);
                    }
                    yes |= cx
                        .outputs
                        .iter()
                        .any(|(n, v)| n == "eligible" && v == "true");
                    no |= cx
                        .outputs
                        .iter()
                        .any(|(n, v)| n == "eligible" && v == "false");
                }
                Verdict::Fails(_) => {
                    part.proven = false;
                    part.notes
                        .push(Text::new("金额范围未经证明", "the ranges are not proved"));
                    break;
                }
                Verdict::NotDecided { why } => {
                    part.proven = false;
                    part.notes.push(Text::new(
                        format!("金额范围未经证明：{why}"),
                        format!("the ranges are not proved: {why}"),
                    ));
                    break;
                }
            }
        }
        part.net_fee = net;
        part.subsidy_total = sub;
        Ok((yes, no))
    }

    /// Whether unknown `u` can change the outputs `holds` compares (two completions that
    /// differ only in `u`).
    fn matters(&self, u: Input, holds: &str, part: &mut Partial) -> bool {
        let p = self.policy;
        let others: Vec<Other> = match u {
            Input::Tag(t) => vec![Other::Flip(t)],
            Input::Field(i) => match p.fields.get(i).map(|f| f.ty) {
                Some(FieldType::Integer | FieldType::Decimal) => {
                    if !reads(p, i) {
                        return false;
                    }
                    vec![Other::Increase(i)]
                }
                Some(FieldType::Boolean) => vec![Other::Set(i, Scalar::Bool(true))],
                Some(FieldType::Choice) => p
                    .fields
                    .get(i)
                    .map(|f| {
                        f.choices
                            .iter()
                            .map(|(c, _)| Other::Set(i, Scalar::Text(c.clone())))
                            .collect()
                    })
                    .unwrap_or_default(),
                _ => {
                    if !reads(p, i) {
                        return false;
                    }
                    part.proven = false;
                    part.notes.push(Text::new(
                        format!("「{}」可能影响结果（文本或日期，未作判断）", name(p, u)),
                        format!(
                            "{} may change the answer (text or a date: not decided)",
                            name(p, u)
                        ),
                    ));
                    return true;
                }
            },
        };
        for other in others {
            match self.check(holds, Some(other)) {
                Ok(Verdict::Holds) => {}
                Ok(Verdict::Fails(_)) => return true,
                Ok(Verdict::NotDecided { why }) => {
                    part.proven = false;
                    part.notes.push(Text::new(
                        format!("「{}」可能影响结果（未能判定：{why}）", name(p, u)),
                        format!("{} may change the answer (not decided: {why})", name(p, u)),
                    ));
                    return true;
                }
                Err(_) => return true,
            }
        }
        false
    }

    /// Checks `holds` over every completion (against a second one differing as `other` says).
    fn check(&self, holds: &str, other: Option<Other>) -> Result<Verdict, Error> {
        let p = self.policy;
        let compiled = prop(p, holds, other.is_some())?;
        let run = match Run::new(p, None, &compiled, other, self.pins, self.opts) {
            Ok(r) => r,
            Err(why) => return Ok(Verdict::NotDecided { why }),
        };
        let mut outcome = Verdict::Holds;
        let mut count = (0, 0);
        let walked = run.walk(self.left(), &mut count, |case, lo, hi, leaf| {
            if leaf == Leaf::True {
                return Flow::Next;
            }
            match run.confirm(case, lo, hi, leaf == Leaf::Error) {
                Confirmed::Fails(cx) => {
                    outcome = Verdict::Fails(cx);
                    Flow::Stop
                }
                Confirmed::Split => Flow::Split,
                Confirmed::Stopped(why) => {
                    outcome = Verdict::NotDecided { why };
                    Flow::Stop
                }
            }
        });
        self.spent(count.0);
        Ok(match walked {
            Ok(()) => outcome,
            Err(why) => Verdict::NotDecided { why },
        })
    }
}

fn prop(p: &Policy, holds: &str, pair: bool) -> Result<crate::verify::Compiled, Error> {
    let src = PropertySource {
        id: "partial".into(),
        says: None,
        given: None,
        holds: holds.into(),
        reform: None,
        increase: None,
    };
    compile(p, &src, pair).map_err(|e| internal(&e))
}

fn internal(why: &str) -> Error {
    Error::internal(why)
}

fn reads(p: &Policy, i: usize) -> bool {
    p.expressions().iter().any(|(_, e)| {
        e.reads
            .iter()
            .any(|b| matches!(b, crate::expr::Binding::Field(j, _) if *j == i))
    })
}

/// The corners of a box (its two ends, when more than three inputs vary).
fn corners(run: &Run<'_>, lo: &[Decimal; VARS], hi: &[Decimal; VARS]) -> Vec<[Decimal; VARS]> {
    let ks: Vec<usize> = run
        .vars
        .iter()
        .map(|(_, k)| *k)
        .filter(|k| lo.get(*k) != hi.get(*k))
        .collect();
    if ks.len() > 3 {
        return vec![*lo, *hi];
    }
    let mut out = Vec::new();
    for mask in 0..(1usize << ks.len()) {
        let mut c = *lo;
        for (bit, k) in ks.iter().enumerate() {
            if (mask >> bit) & 1 == 1 {
                if let (Some(slot), Some(h)) = (c.get_mut(*k), hi.get(*k)) {
                    *slot = *h;
                }
            }
        }
        out.push(c);
    }
    out
}

fn says(p: &Policy, part: &Partial) -> Text {
    let per = p.period.label();
    let amount = |r: &Range, zh: &str, en: &str, per: &str| {
        if r.min == r.max {
            Text::new(format!("{zh} {} 元", r.min), format!("{en} {}{per}", r.min))
        } else {
            Text::new(
                format!("{zh}在 {} 至 {} 元之间", r.min, r.max),
                format!("{en} between {} and {}{per}", r.min, r.max),
            )
        }
    };
    let labels = |names: &[String]| -> (String, String) {
        let (zh, en): (Vec<String>, Vec<String>) = names
            .iter()
            .map(|n| {
                let l = p
                    .fields
                    .iter()
                    .find(|f| &f.name == n)
                    .map(|f| Text::clone(&f.label))
                    .or_else(|| p.tags.iter().find(|(t, _)| t == n).map(|(_, l)| l.clone()))
                    .unwrap_or_else(|| Text::new(n.clone(), n.clone()));
                (l.zh, l.en)
            })
            .unzip();
        (zh.join("、"), en.join(", "))
    };
    let eligible = match part.eligible {
        Eligibility::Yes => Text::new("符合条件", "Eligible"),
        Eligibility::No => Text::new("不符合条件", "Not eligible"),
        Eligibility::Depends => {
            let (zh, en) = labels(&part.depends_on);
            Text::new(
                format!("是否符合条件取决于{zh}"),
                format!("Eligibility depends on {en}"),
            )
        }
    };
    let fee = amount(
        &part.net_fee,
        &format!("{}缴费", per.zh),
        "pays",
        &format!(" {}", per.en),
    );
    let sub = amount(&part.subsidy_total, "补贴", "subsidy", "");
    let ask = if part.still_matter.is_empty() {
        Text::new("无需再填写其他信息", "nothing else needs to be filled in")
    } else {
        let (zh, en) = labels(&part.still_matter);
        Text::new(format!("还需要填写：{zh}"), format!("still needed: {en}"))
    };
    Text::new(
        format!("{}；{}，{}；{}。", eligible.zh, fee.zh, sub.zh, ask.zh),
        format!("{}; {}, {}; {}.", eligible.en, fee.en, sub.en, ask.en),
    )
}
