//! The lane form of expression evaluation, beside the scalar form in `eval.rs`: a tree over a
//! chunk of rows at once, numbers as fixed-point millionths.
//!
//! Values are columns of the chunk (or constants). A row whose value cannot be computed
//! exactly here is marked in `bad` and later evaluated by the exact engine instead.

use crate::expr::eval::full_years;
use crate::expr::BinOp;
use crate::expr::{Node, TagSet};
use crate::money::fixed;
use std::borrow::Cow;

/// One chunk's inputs, sliced from the prepared columns.
pub(crate) struct Chunk<'c> {
    pub n: usize,
    pub fields: Vec<FieldSlice<'c>>,
    pub tags: &'c [TagSet],
    /// Parameter values as millionths (`None`: not in force, or not exact at 6 places).
    pub params: &'c [Option<i64>],
    pub as_of: i32,
    /// Category of each row (index into `categories`, or `u32::MAX` for none).
    pub category: Cow<'c, [u32]>,
    pub categories: &'c [String],
}

/// A field's values for the rows of one chunk.
#[derive(Clone, Copy)]
pub(crate) enum FieldSlice<'c> {
    Num(&'c [i64]),
    Bool(&'c [bool]),
    Text(&'c [u32], &'c [String]),
    Date(&'c [i64]),
    /// The same value in every row (a default for an absent column).
    ConstNum(i64),
    ConstBool(bool),
    ConstText(&'c str),
    ConstDate(i32),
}

/// A value over the rows of a chunk.
pub(crate) enum V<'c> {
    Num(Cow<'c, [i64]>),
    KNum(i64),
    Bool(Cow<'c, [bool]>),
    KBool(bool),
    Date(Cow<'c, [i32]>),
    KDate(i32),
    Text(Cow<'c, [u32]>, &'c [String]),
    KText(&'c str),
}

impl<'c> V<'c> {
    pub(crate) fn num_at(&self, i: usize) -> i64 {
        match self {
            V::Num(v) => v.get(i).copied().unwrap_or(0),
            V::KNum(k) => *k,
            _ => 0,
        }
    }
    pub(crate) fn bool_at(&self, i: usize) -> bool {
        match self {
            V::Bool(v) => v.get(i).copied().unwrap_or(false),
            V::KBool(k) => *k,
            _ => false,
        }
    }
    fn date_at(&self, i: usize) -> i32 {
        match self {
            V::Date(v) => v.get(i).copied().unwrap_or(0),
            V::KDate(k) => *k,
            _ => 0,
        }
    }
    fn text_at(&self, i: usize) -> &str {
        match self {
            V::Text(codes, dict) => codes
                .get(i)
                .and_then(|c| dict.get(*c as usize))
                .map_or("", String::as_str),
            V::KText(s) => s,
            _ => "",
        }
    }
}

fn nums(f: impl Fn(usize) -> Option<i64>, n: usize, bad: &mut [bool]) -> V<'static> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        match f(i) {
            Some(v) => out.push(v),
            None => {
                if let Some(b) = bad.get_mut(i) {
                    *b = true;
                }
                out.push(0);
            }
        }
    }
    V::Num(Cow::Owned(out))
}

/// Collects an exact-or-not column computed element by element over the chunk.
fn zip_num(it: impl Iterator<Item = Option<i64>>, n: usize, bad: &mut [bool]) -> V<'static> {
    let mut out = Vec::with_capacity(n);
    for (v, b) in it.zip(bad.iter_mut()) {
        out.push(v.unwrap_or_else(|| {
            *b = true;
            0
        }));
    }
    V::Num(Cow::Owned(out))
}

fn bools(f: impl Fn(usize) -> bool, n: usize) -> V<'static> {
    V::Bool(Cow::Owned((0..n).map(f).collect()))
}

/// Why a tree has no lane form, if it has none: text is read only in comparisons and
/// membership tests, and the lists of `in` hold constants.
pub(crate) fn blocker(node: &Node) -> Option<&'static str> {
    match node {
        Node::If(_, a, _) if is_text(a) => Some("an `if … then … else` that yields text"),
        Node::If(c, a, b) => blocker(c).or_else(|| blocker(a)).or_else(|| blocker(b)),
        Node::In(_, set)
            if !set
                .iter()
                .all(|s| matches!(s, Node::Text(_) | Node::Num(_))) =>
        {
            Some("an `in [...]` list that is not all constants")
        }
        Node::In(v, _)
        | Node::Neg(v)
        | Node::Not(v)
        | Node::Round(v, _)
        | Node::Floor(v)
        | Node::Ceil(v)
        | Node::Abs(v) => blocker(v),
        Node::Cmp(_, a, b)
        | Node::And(a, b)
        | Node::Or(a, b)
        | Node::Arith(_, a, b)
        | Node::YearsBetween(a, b) => blocker(a).or_else(|| blocker(b)),
        Node::Min(xs) | Node::Max(xs) => xs.iter().find_map(blocker),
        _ => None,
    }
}

fn is_text(node: &Node) -> bool {
    matches!(node, Node::Text(_) | Node::Category)
        || matches!(node, Node::If(_, a, _) if is_text(a))
}

pub(crate) fn eval<'c>(node: &'c Node, c: &Chunk<'c>, bad: &mut [bool]) -> V<'c> {
    let n = c.n;
    match node {
        Node::Num(d) => match fixed::from_decimal(*d) {
            Some(v) => V::KNum(v),
            None => {
                bad.iter_mut().for_each(|b| *b = true);
                V::KNum(0)
            }
        },
        Node::Bool(b) => V::KBool(*b),
        Node::Text(s) => V::KText(s),
        Node::Date(d) => V::KDate(days(*d)),
        Node::AsOf => V::KDate(c.as_of),
        Node::Param(i) => match c.params.get(*i).copied().flatten() {
            Some(v) => V::KNum(v),
            None => {
                bad.iter_mut().for_each(|b| *b = true);
                V::KNum(0)
            }
        },
        Node::Field(i) => match c.fields.get(*i) {
            Some(FieldSlice::Num(v)) => V::Num(Cow::Borrowed(v)),
            Some(FieldSlice::Bool(v)) => V::Bool(Cow::Borrowed(v)),
            Some(FieldSlice::Text(codes, dict)) => V::Text(Cow::Borrowed(codes), dict),
            Some(FieldSlice::Date(v)) => V::Date(Cow::Owned(
                v.iter()
                    .map(|d| i32::try_from(*d).unwrap_or(i32::MAX))
                    .collect(),
            )),
            Some(FieldSlice::ConstNum(k)) => V::KNum(*k),
            Some(FieldSlice::ConstBool(k)) => V::KBool(*k),
            Some(FieldSlice::ConstText(k)) => V::KText(k),
            Some(FieldSlice::ConstDate(k)) => V::KDate(*k),
            None => {
                bad.iter_mut().for_each(|b| *b = true);
                V::KBool(false)
            }
        },
        Node::Category => V::Text(Cow::Owned(c.category.to_vec()), c.categories),
        Node::HasAny(tags) => {
            let mut mask = TagSet::default();
            tags.iter().for_each(|t| mask.insert(*t));
            bools(|i| c.tags.get(i).is_some_and(|s| s.intersects(mask)), n)
        }
        Node::HasAll(tags) => {
            let mut mask = TagSet::default();
            tags.iter().for_each(|t| mask.insert(*t));
            bools(|i| c.tags.get(i).is_some_and(|s| s.contains_all(mask)), n)
        }
        Node::Neg(x) => {
            let x = eval(x, c, bad);
            match x {
                V::KNum(k) => V::KNum(-k),
                x => nums(|i| x.num_at(i).checked_neg(), n, bad),
            }
        }
        Node::Not(x) => match eval(x, c, bad) {
            V::KBool(k) => V::KBool(!k),
            x => bools(|i| !x.bool_at(i), n),
        },
        Node::And(a, b) | Node::Or(a, b) => {
            let and = matches!(node, Node::And(..));
            let (a, b) = (eval(a, c, bad), eval(b, c, bad));
            match (&a, &b) {
                (V::Bool(x), V::Bool(y)) => V::Bool(Cow::Owned(
                    x.iter()
                        .zip(y.iter())
                        .map(|(x, y)| if and { *x && *y } else { *x || *y })
                        .collect(),
                )),
                _ => bools(
                    |i| {
                        if and {
                            a.bool_at(i) && b.bool_at(i)
                        } else {
                            a.bool_at(i) || b.bool_at(i)
                        }
                    },
                    n,
                ),
            }
        }
        Node::Arith(op, a, b) => {
            let (a, b) = (eval(a, c, bad), eval(b, c, bad));
            let f: fn(i64, i64) -> Option<i64> = match op {
                BinOp::Add => i64::checked_add,
                BinOp::Sub => i64::checked_sub,
                BinOp::Mul => fixed::mul,
                _ => fixed::div,
            };
            match (&a, &b) {
                (V::KNum(x), V::KNum(y)) => match f(*x, *y) {
                    Some(v) => V::KNum(v),
                    None => nums(|_| None, n, bad),
                },
                (V::Num(x), V::Num(y)) => {
                    zip_num(x.iter().zip(y.iter()).map(|(x, y)| f(*x, *y)), n, bad)
                }
                (V::Num(x), V::KNum(k)) => zip_num(x.iter().map(|x| f(*x, *k)), n, bad),
                (V::KNum(k), V::Num(y)) => zip_num(y.iter().map(|y| f(*k, *y)), n, bad),
                _ => nums(|i| f(a.num_at(i), b.num_at(i)), n, bad),
            }
        }
        Node::Cmp(op, a, b) => {
            let (a, b) = (eval(a, c, bad), eval(b, c, bad));
            let test = |o: std::cmp::Ordering| match op {
                BinOp::Eq => o.is_eq(),
                BinOp::Ne => o.is_ne(),
                BinOp::Lt => o.is_lt(),
                BinOp::Le => o.is_le(),
                BinOp::Gt => o.is_gt(),
                _ => o.is_ge(),
            };
            match (&a, &b) {
                (V::Num(x), V::KNum(k)) => {
                    V::Bool(Cow::Owned(x.iter().map(|x| test(x.cmp(k))).collect()))
                }
                (V::Num(x), V::Num(y)) => V::Bool(Cow::Owned(
                    x.iter()
                        .zip(y.iter())
                        .map(|(x, y)| test(x.cmp(y)))
                        .collect(),
                )),
                (V::Num(_) | V::KNum(_), _) => bools(|i| test(a.num_at(i).cmp(&b.num_at(i))), n),
                (V::Date(_) | V::KDate(_), _) => {
                    bools(|i| test(a.date_at(i).cmp(&b.date_at(i))), n)
                }
                (V::Bool(_) | V::KBool(_), _) => {
                    bools(|i| test(a.bool_at(i).cmp(&b.bool_at(i))), n)
                }
                (V::Text(codes, dict), V::KText(k)) | (V::KText(k), V::Text(codes, dict)) => {
                    let swap = matches!(a, V::KText(_));
                    let code = dict
                        .iter()
                        .position(|s| s == k)
                        .and_then(|p| u32::try_from(p).ok());
                    bools(
                        |i| {
                            let x = codes.get(i).copied().unwrap_or(u32::MAX);
                            let o = match code {
                                Some(k) if x == k => std::cmp::Ordering::Equal,
                                _ => {
                                    let s = dict.get(x as usize).map_or("", String::as_str);
                                    if swap {
                                        (*k).cmp(s)
                                    } else {
                                        s.cmp(k)
                                    }
                                }
                            };
                            test(o)
                        },
                        n,
                    )
                }
                _ => bools(|i| test(a.text_at(i).cmp(b.text_at(i))), n),
            }
        }
        Node::In(v, set) => {
            let v = eval(v, c, bad);
            match &v {
                V::Text(codes, dict) => {
                    let member: Vec<bool> = dict
                        .iter()
                        .map(|s| set.iter().any(|x| matches!(x, Node::Text(t) if t == s)))
                        .collect();
                    bools(
                        |i| {
                            codes
                                .get(i)
                                .and_then(|k| member.get(*k as usize))
                                .copied()
                                .unwrap_or(false)
                        },
                        n,
                    )
                }
                V::KText(s) => V::KBool(set.iter().any(|x| matches!(x, Node::Text(t) if t == s))),
                _ => {
                    let ks: Vec<i64> = set
                        .iter()
                        .filter_map(|x| {
                            if let Node::Num(d) = x {
                                fixed::from_decimal(*d)
                            } else {
                                None
                            }
                        })
                        .collect();
                    if ks.len() != set.len() {
                        bad.iter_mut().for_each(|b| *b = true);
                    }
                    bools(|i| ks.contains(&v.num_at(i)), n)
                }
            }
        }
        Node::If(cond, a, b) => {
            let (cv, a, b) = (eval(cond, c, bad), eval(a, c, bad), eval(b, c, bad));
            match (&a, &b) {
                (V::Num(_) | V::KNum(_), _) => nums(
                    |i| {
                        Some(if cv.bool_at(i) {
                            a.num_at(i)
                        } else {
                            b.num_at(i)
                        })
                    },
                    n,
                    bad,
                ),
                (V::Date(_) | V::KDate(_), _) => V::Date(Cow::Owned(
                    (0..n)
                        .map(|i| {
                            if cv.bool_at(i) {
                                a.date_at(i)
                            } else {
                                b.date_at(i)
                            }
                        })
                        .collect(),
                )),
                _ => bools(
                    |i| {
                        if cv.bool_at(i) {
                            a.bool_at(i)
                        } else {
                            b.bool_at(i)
                        }
                    },
                    n,
                ),
            }
        }
        Node::Min(xs) | Node::Max(xs) => {
            let vs: Vec<V> = xs.iter().map(|x| eval(x, c, bad)).collect();
            let is_min = matches!(node, Node::Min(_));
            nums(
                |i| {
                    let it = vs.iter().map(|v| v.num_at(i));
                    if is_min {
                        it.min()
                    } else {
                        it.max()
                    }
                },
                n,
                bad,
            )
        }
        Node::Round(x, places) => {
            let x = eval(x, c, bad);
            nums(
                |i| fixed::round(x.num_at(i), *places, crate::money::RoundingMode::HalfUp),
                n,
                bad,
            )
        }
        Node::Floor(x) => {
            let x = eval(x, c, bad);
            nums(|i| fixed::floor(x.num_at(i)), n, bad)
        }
        Node::Ceil(x) => {
            let x = eval(x, c, bad);
            nums(|i| fixed::ceil(x.num_at(i)), n, bad)
        }
        Node::Abs(x) => {
            let x = eval(x, c, bad);
            nums(|i| x.num_at(i).checked_abs(), n, bad)
        }
        Node::YearsBetween(a, b) => {
            let (a, b) = (eval(a, c, bad), eval(b, c, bad));
            nums(
                |i| {
                    i64::from(full_years(from_days(a.date_at(i)), from_days(b.date_at(i))))
                        .checked_mul(fixed::ONE)
                },
                n,
                bad,
            )
        }
    }
}

/// Days since 1970-01-01.
pub(crate) fn days(d: chrono::NaiveDate) -> i32 {
    i32::try_from((d - chrono::NaiveDate::default()).num_days()).unwrap_or(i32::MAX)
}

fn from_days(d: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::default() + chrono::Duration::days(i64::from(d))
}
