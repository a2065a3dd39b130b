//! The rules' expressions over a box: numbers as [`Lin`] forms, everything else as the one
//! value the case fixes. A comparison the box does not decide stops the run (noted in the
//! box, which is then split); what the method cannot follow stops it with a reason.

use super::lin::{Lin, Region};
use crate::decision::StepKind;
use crate::error::EvalError;
use crate::expr::eval::full_years;
use crate::expr::{BinOp, Expression, Node, TagSet};
use crate::policy::Payment;
use crate::rules::{Amount, Fail, Ledger, Values};
use crate::text::Text;
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use std::cell::Cell;
use std::cmp::Ordering;

/// A value over the box. Numbers are the common case and live on the stack for one
/// evaluation: boxing them would allocate for every node.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Av<'a> {
    Num(Lin<'a>),
    Bool(bool),
    Text(String),
    Date(NaiveDate),
}

/// Why an evaluation over the box stopped.
#[derive(Debug)]
pub(crate) enum Stop {
    /// A comparison the box does not decide (noted in the box).
    Undecided,
    /// Something the method does not follow.
    Unsupported(&'static str),
    /// Arithmetic that fails (overflow, division by zero, a parameter without a value).
    Fault,
}

/// The expressions' inputs over one box on one date.
pub(crate) struct Abstract<'a> {
    /// Each field's value, then the outputs a property reads.
    pub fields: Vec<Av<'a>>,
    pub tags: TagSet,
    pub params: &'a [Option<Decimal>],
    pub as_of: NaiveDate,
    pub category: Option<String>,
    /// The categories' ids, to enter one.
    pub categories: Vec<&'a str>,
    /// What stopped a run, when it was not an undecided comparison.
    pub unsupported: Cell<Option<&'static str>>,
}

impl<'a> Abstract<'a> {
    fn num(&self, n: &Node) -> Result<Lin<'a>, Stop> {
        match self.eval(n)? {
            Av::Num(x) => Ok(x),
            _ => Err(Stop::Fault),
        }
    }

    pub(crate) fn truth(&self, n: &Node) -> Result<bool, Stop> {
        match self.eval(n)? {
            Av::Bool(b) => Ok(b),
            _ => Err(Stop::Fault),
        }
    }

    /// `op` between two numbers, when the box decides it (an undecided one is noted).
    fn compare(&self, op: BinOp, x: Lin<'a>, y: Lin<'a>) -> Result<bool, Stop> {
        let (neg, zero, pos) = match op {
            BinOp::Lt => (true, false, false),
            BinOp::Le => (true, true, false),
            BinOp::Gt => (false, false, true),
            BinOp::Ge => (false, true, true),
            BinOp::Eq => (false, true, false),
            BinOp::Ne => (true, false, true),
            _ => return Err(Stop::Fault),
        };
        x.relation(y, neg, zero, pos).ok_or(Stop::Undecided)
    }

    fn equal(&self, x: Av<'a>, y: Av<'a>) -> Result<bool, Stop> {
        Ok(match (x, y) {
            (Av::Num(a), Av::Num(b)) => self.compare(BinOp::Eq, a, b)?,
            (Av::Bool(a), Av::Bool(b)) => a == b,
            (Av::Text(a), Av::Text(b)) => a == b,
            (Av::Date(a), Av::Date(b)) => a == b,
            _ => return Err(Stop::Fault),
        })
    }

    fn round(x: Lin<'a>, strategy: RoundingStrategy, places: u32) -> Result<Lin<'a>, Stop> {
        let unit = Decimal::new(1, places);
        let s = match strategy {
            RoundingStrategy::MidpointAwayFromZero => unit / Decimal::TWO,
            _ => unit,
        };
        x.rounded(|d| d.round_dp_with_strategy(places, strategy), unit, s)
            .ok_or(Stop::Fault)
    }

    pub(crate) fn eval(&self, n: &Node) -> Result<Av<'a>, Stop> {
        Ok(match n {
            Node::Num(d) => Av::Num(Lin::point(*d)),
            Node::Bool(b) => Av::Bool(*b),
            Node::Text(s) => Av::Text(s.clone()),
            Node::Date(d) => Av::Date(*d),
            Node::Field(i) => self.fields.get(*i).cloned().ok_or(Stop::Fault)?,
            Node::Param(i) => Av::Num(Lin::point(
                self.params.get(*i).copied().flatten().ok_or(Stop::Fault)?,
            )),
            Node::AsOf => Av::Date(self.as_of),
            Node::Category => Av::Text(self.category.clone().unwrap_or_default()),
            Node::HasAny(t) => Av::Bool(t.iter().any(|t| self.tags.contains(*t))),
            Node::HasAll(t) => Av::Bool(t.iter().all(|t| self.tags.contains(*t))),
            Node::Neg(a) => Av::Num(self.num(a)?.scale(-Decimal::ONE).ok_or(Stop::Fault)?),
            Node::Not(a) => Av::Bool(!self.truth(a)?),
            Node::And(a, b) => Av::Bool(self.truth(a)? && self.truth(b)?),
            Node::Or(a, b) => Av::Bool(self.truth(a)? || self.truth(b)?),
            Node::Arith(op, a, b) => {
                let (x, y) = (self.num(a)?, self.num(b)?);
                Av::Num(
                    match op {
                        BinOp::Add => x.add(y),
                        BinOp::Sub => x.sub(y),
                        BinOp::Mul => x.times(y),
                        BinOp::Div => match y.exact() {
                            Some(k) if !k.is_zero() => x.divide(k),
                            Some(_) => return Err(Stop::Fault),
                            None => return Err(Stop::Unsupported("division by an input")),
                        },
                        _ => None,
                    }
                    .ok_or(Stop::Fault)?,
                )
            }
            Node::Cmp(op, a, b) => {
                let ord = match (self.eval(a)?, self.eval(b)?) {
                    (Av::Num(x), Av::Num(y)) => return Ok(Av::Bool(self.compare(*op, x, y)?)),
                    (Av::Date(x), Av::Date(y)) => x.cmp(&y),
                    (Av::Text(x), Av::Text(y)) => x.cmp(&y),
                    (Av::Bool(x), Av::Bool(y)) => x.cmp(&y),
                    _ => return Err(Stop::Fault),
                };
                Av::Bool(op.compares(ord).ok_or(Stop::Fault)?)
            }
            Node::In(v, set) => {
                let v = self.eval(v)?;
                let mut found = false;
                for item in set {
                    if self.equal(self.eval(item)?, v.clone())? {
                        found = true;
                        break;
                    }
                }
                Av::Bool(found)
            }
            Node::If(c, a, b) => {
                if self.truth(c)? {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            Node::Min(xs) | Node::Max(xs) => {
                let want = if matches!(n, Node::Min(_)) {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                let mut best: Option<Lin<'a>> = None;
                for x in xs {
                    let x = self.num(x)?;
                    best = Some(match best {
                        None => x,
                        Some(b) => b.extreme(x, want == Ordering::Less).ok_or(Stop::Fault)?,
                    });
                }
                Av::Num(best.ok_or(Stop::Fault)?)
            }
            Node::Round(x, places) => Av::Num(Self::round(
                self.num(x)?,
                RoundingStrategy::MidpointAwayFromZero,
                *places,
            )?),
            Node::Floor(x) => Av::Num(Self::round(
                self.num(x)?,
                RoundingStrategy::ToNegativeInfinity,
                0,
            )?),
            Node::Ceil(x) => Av::Num(Self::round(
                self.num(x)?,
                RoundingStrategy::ToPositiveInfinity,
                0,
            )?),
            Node::Abs(x) => {
                let x = self.num(x)?;
                if self.compare(BinOp::Lt, x, Lin::point(Decimal::ZERO))? {
                    Av::Num(x.scale(-Decimal::ONE).ok_or(Stop::Fault)?)
                } else {
                    Av::Num(x)
                }
            }
            Node::YearsBetween(a, b) => match (self.eval(a)?, self.eval(b)?) {
                (Av::Date(from), Av::Date(to)) => {
                    Av::Num(Lin::point(Decimal::from(full_years(from, to))))
                }
                _ => return Err(Stop::Fault),
            },
        })
    }

    fn stop(&self, rule: &str, s: Stop) -> Fail {
        if let Stop::Unsupported(why) = s {
            self.unsupported.set(Some(why));
        }
        Box::new(EvalError::Arithmetic {
            rule: rule.to_owned(),
            what: "not decided over this box".into(),
        })
    }
}

impl<'a> Values<Lin<'a>> for Abstract<'a> {
    fn num(&self, rule: &str, e: &Expression) -> Result<Lin<'a>, Fail> {
        Abstract::num(self, &e.node).map_err(|s| self.stop(rule, s))
    }
    fn truth(&self, rule: &str, e: &Expression) -> Result<bool, Fail> {
        Abstract::truth(self, &e.node).map_err(|s| self.stop(rule, s))
    }
    fn enter_category(&mut self, category: Option<usize>) {
        self.category = category.and_then(|k| self.categories.get(k).map(|c| (*c).to_owned()));
    }
}

/// Which outputs a property reads, by stage: the run is settled once the last of them is
/// decided, and what later stages compare no longer splits the box.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Needs {
    pub net: bool,
    pub subsidy: bool,
}

/// What one run over a box decided: the outputs a property reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outputs<'a> {
    pub eligible: bool,
    pub gross_fee: Lin<'a>,
    pub reduction_total: Lin<'a>,
    pub net_fee: Lin<'a>,
    pub subsidy_total: Lin<'a>,
    needs: Needs,
    region: &'a Region,
}

impl<'a> Outputs<'a> {
    /// Nothing decided yet (the outputs of an ineligible participant).
    pub(crate) fn new(needs: Needs, region: &'a Region) -> Outputs<'a> {
        region.settled.set(false);
        Outputs {
            eligible: false,
            gross_fee: Lin::ZERO,
            reduction_total: Lin::ZERO,
            net_fee: Lin::ZERO,
            subsidy_total: Lin::ZERO,
            needs,
            region,
        }
    }
}

impl<'a> Ledger<Lin<'a>> for Outputs<'a> {
    fn explaining(&self) -> bool {
        false
    }
    fn condition(&mut self, _: StepKind, _: usize, _: bool, _: Option<Text>) {}
    fn eligibility(&mut self, eligible: bool) {
        self.eligible = eligible;
    }
    fn fee(&mut self, _: usize, _: Option<Lin<'a>>, _: Option<Text>) {}
    fn gross_fee(&mut self, gross: Lin<'a>) {
        self.gross_fee = gross;
        if !self.needs.net && !self.needs.subsidy {
            self.region.settled.set(true);
        }
    }
    fn reduction(&mut self, _: usize, _: Option<Lin<'a>>, _: Option<Text>) {}
    fn reduction_applied(&mut self, _: usize, _: Lin<'a>) {}
    fn net_fee(&mut self, reductions: Lin<'a>, net: Lin<'a>) {
        self.reduction_total = reductions;
        self.net_fee = net;
        if !self.needs.subsidy {
            self.region.settled.set(true);
        }
    }
    fn subsidy(&mut self, _: usize, _: Option<Lin<'a>>, _: Option<Text>) {}
    fn subsidy_applied(&mut self, _: usize, _: Lin<'a>) {}
    fn subsidy_total(&mut self, total: Lin<'a>) {
        self.subsidy_total = total;
    }
    fn allocation(
        &mut self,
        _: &crate::text::Name,
        _: &Payment,
        _: Lin<'a>,
        _: &[usize],
        _: &[Lin<'a>],
    ) -> Result<(), Fail> {
        Ok(())
    }
    fn entitlement(&mut self, _: usize, _: Option<Lin<'a>>, _: Option<Text>) {}
}
