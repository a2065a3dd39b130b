//! Evaluating a compiled expression tree. Bounded by construction: no loops, bounded depth.

use super::parse::BinOp;
use super::Node;
use crate::model::Scalar;
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

/// What an expression reads at evaluation time.
#[derive(Clone, Copy)]
pub(crate) struct Env<'a> {
    pub fields: &'a [Scalar],
    pub tags: &'a super::TagSet,
    pub params: &'a [Option<Decimal>],
    pub as_of: NaiveDate,
    pub category: Option<&'a str>,
}

/// A value produced while evaluating.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum V<'a> {
    Num(Decimal),
    Bool(bool),
    Text(&'a str),
    Date(NaiveDate),
}

/// Why an expression could not produce a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    Overflow,
    DivisionByZero,
    /// A parameter with no value in force on the evaluation date.
    NoValue(usize),
    /// A type the checker should have ruled out; reported, never panicked on.
    Internal,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fault::Overflow => "arithmetic overflow",
            Fault::DivisionByZero => "division by zero",
            Fault::NoValue(_) => "parameter has no value in force",
            Fault::Internal => "internal type error",
        })
    }
}

impl Node {
    /// A leaf's value: a literal, an input, a parameter, the date, the category or a tag test;
    /// `None` for an operator. Inlined where an operator reads its operands, so that a leaf
    /// (most operands: `age >= 60`, `has(dibao) and local_hukou`) costs no call.
    // Inlined on native targets, where a leaf then costs no call; the browser's module is
    // built for size.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn leaf<'a>(&'a self, env: &Env<'a>) -> Option<Result<V<'a>, Fault>> {
        Some(Ok(match self {
            Node::Num(d) => V::Num(*d),
            Node::Bool(b) => V::Bool(*b),
            Node::Text(s) => V::Text(s),
            Node::Date(d) => V::Date(*d),
            Node::Field(i) => match env.fields.get(*i) {
                Some(Scalar::Num(d)) => V::Num(*d),
                Some(Scalar::Bool(b)) => V::Bool(*b),
                Some(Scalar::Text(s)) => V::Text(s),
                Some(Scalar::Date(d)) => V::Date(*d),
                None => return Some(Err(Fault::Internal)),
            },
            Node::Param(i) => match env.params.get(*i) {
                Some(Some(d)) => V::Num(*d),
                Some(None) => return Some(Err(Fault::NoValue(*i))),
                None => return Some(Err(Fault::Internal)),
            },
            Node::AsOf => V::Date(env.as_of),
            Node::Category => V::Text(env.category.unwrap_or("")),
            Node::HasAny(tags) => V::Bool(tags.iter().any(|t| env.tags.contains(*t))),
            Node::HasAll(tags) => V::Bool(tags.iter().all(|t| env.tags.contains(*t))),
            _ => return None,
        }))
    }

    /// The expression's value.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(crate) fn eval<'a>(&'a self, env: &Env<'a>) -> Result<V<'a>, Fault> {
        match self.leaf(env) {
            Some(v) => v,
            None => self.operator(env),
        }
    }

    /// An operator's value, its operands evaluated first (leaves in place).
    fn operator<'a>(&'a self, env: &Env<'a>) -> Result<V<'a>, Fault> {
        Ok(match self {
            Node::Neg(e) => V::Num(-e.num(env)?),
            Node::Not(e) => V::Bool(!e.truth(env)?),
            Node::And(a, b) => V::Bool(a.truth(env)? && b.truth(env)?),
            Node::Or(a, b) => V::Bool(a.truth(env)? || b.truth(env)?),
            Node::Arith(op, a, b) => {
                let (x, y) = (a.num(env)?, b.num(env)?);
                V::Num(match op {
                    BinOp::Add => x.checked_add(y).ok_or(Fault::Overflow)?,
                    BinOp::Sub => x.checked_sub(y).ok_or(Fault::Overflow)?,
                    BinOp::Mul => x.checked_mul(y).ok_or(Fault::Overflow)?,
                    BinOp::Div if y.is_zero() => return Err(Fault::DivisionByZero),
                    BinOp::Div => x.checked_div(y).ok_or(Fault::Overflow)?,
                    _ => return Err(Fault::Internal),
                })
            }
            Node::Cmp(op, a, b) => {
                let ord = match (a.eval(env)?, b.eval(env)?) {
                    (V::Num(x), V::Num(y)) => x.cmp(&y),
                    (V::Date(x), V::Date(y)) => x.cmp(&y),
                    (V::Text(x), V::Text(y)) => x.cmp(y),
                    (V::Bool(x), V::Bool(y)) => x.cmp(&y),
                    _ => return Err(Fault::Internal),
                };
                V::Bool(op.compares(ord).ok_or(Fault::Internal)?)
            }
            Node::In(v, set) => {
                let v = v.eval(env)?;
                let mut found = false;
                for item in set {
                    if item.eval(env)? == v {
                        found = true;
                        break;
                    }
                }
                V::Bool(found)
            }
            Node::If(c, a, b) => {
                if c.truth(env)? {
                    a.eval(env)?
                } else {
                    b.eval(env)?
                }
            }
            Node::Min(xs) | Node::Max(xs) => {
                let mut best: Option<Decimal> = None;
                for x in xs {
                    let x = x.num(env)?;
                    best = Some(match (best, self) {
                        (None, _) => x,
                        (Some(b), Node::Min(_)) => b.min(x),
                        (Some(b), _) => b.max(x),
                    });
                }
                V::Num(best.ok_or(Fault::Internal)?)
            }
            Node::Round(x, places) => V::Num(
                x.num(env)?
                    .round_dp_with_strategy(*places, RoundingStrategy::MidpointAwayFromZero),
            ),
            Node::Floor(x) => V::Num(x.num(env)?.floor()),
            Node::Ceil(x) => V::Num(x.num(env)?.ceil()),
            Node::Abs(x) => V::Num(x.num(env)?.abs()),
            Node::YearsBetween(a, b) => {
                let (V::Date(from), V::Date(to)) = (a.eval(env)?, b.eval(env)?) else {
                    return Err(Fault::Internal);
                };
                V::Num(Decimal::from(full_years(from, to)))
            }
            // Answered by `leaf`, which `eval` asks first.
            Node::Num(_)
            | Node::Bool(_)
            | Node::Text(_)
            | Node::Date(_)
            | Node::Field(_)
            | Node::Param(_)
            | Node::AsOf
            | Node::Category
            | Node::HasAny(_)
            | Node::HasAll(_) => return self.leaf(env).unwrap_or(Err(Fault::Internal)),
        })
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(crate) fn num(&self, env: &Env<'_>) -> Result<Decimal, Fault> {
        match self.eval(env)? {
            V::Num(d) => Ok(d),
            _ => Err(Fault::Internal),
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(crate) fn truth(&self, env: &Env<'_>) -> Result<bool, Fault> {
        match self.eval(env)? {
            V::Bool(b) => Ok(b),
            _ => Err(Fault::Internal),
        }
    }
}

/// Whole years from `from` to `to` (an age on a date); negative when `to` is earlier.
pub(crate) fn full_years(from: NaiveDate, to: NaiveDate) -> i32 {
    if to < from {
        return -full_years(to, from);
    }
    let mut years = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years
}
