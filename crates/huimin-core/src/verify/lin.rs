//! The amount `verify` runs the rules over: an affine form `c + Σ aₖ·tₖ + e` whose terms are
//! the box's numeric inputs and one noise term in `[-1, 1]` per rounding (so that the same
//! rounding cancels out of a difference), plus an interval `e` for what the form cannot follow.
//! Each value also keeps bounds known besides the form (rounding is monotone) and the grid its
//! values lie on (a value already in fen is not rounded again).
//!
//! The rules compare amounts through `PartialOrd` and `Ord`; a comparison the box does not
//! decide is noted in the box ([`Region::note`]) and that run's results are thrown away: the
//! box is split and each part run again.
#![warn(clippy::arithmetic_side_effects)]

use crate::money::{Rounding, RoundingMode};
use crate::rules::Amount;
use rust_decimal::Decimal;
use std::cell::Cell;
use std::cmp::Ordering;

/// The most numeric inputs one property may read.
pub(crate) const VARS: usize = 6;
/// Roundings followed as their own terms in one run; later ones join the interval.
const NOISE: usize = 10;
const TERMS: usize = VARS + NOISE;

/// One box of the numeric inputs: each variable's smallest and largest value and the step of
/// its lattice; the first comparison a run could not decide on it; the roundings numbered.
#[derive(Debug)]
pub(crate) struct Region {
    pub lo: [Decimal; VARS],
    pub hi: [Decimal; VARS],
    pub steps: [Decimal; VARS],
    /// The difference whose sign the box does not decide, when a comparison met one.
    pub undecided: Cell<Option<Lin<'static>>>,
    /// Noise terms handed out.
    pub noise: Cell<usize>,
    /// The first `min` or `max` the box did not decide (its result was bounded instead): where
    /// to split when the property is not decided and says nothing better.
    pub hint: Cell<Option<Lin<'static>>>,
    /// Every output the property reads is decided: later comparisons no longer matter.
    pub settled: Cell<bool>,
    /// Variables `(x, y)` known to satisfy `x ≤ y` (an input and its increase).
    pub pair: Option<(usize, usize)>,
}

impl Region {
    /// A box with nothing noted yet.
    pub(crate) fn new(lo: [Decimal; VARS], hi: [Decimal; VARS], steps: [Decimal; VARS]) -> Region {
        Region {
            lo,
            hi,
            steps,
            undecided: Cell::new(None),
            hint: Cell::new(None),
            noise: Cell::new(0),
            settled: Cell::new(false),
            pair: None,
        }
    }

    /// Notes an undecided difference (the first one is kept: it is the one the run met).
    fn note(&self, d: Lin<'_>) {
        if self.undecided.get().is_none() && !self.settled.get() {
            self.undecided.set(Some(d.detached()));
        }
    }

    /// The range of term `k`: an input's, or `[-1, 1]` for a noise term.
    fn term(&self, k: usize) -> Option<(Decimal, Decimal)> {
        if k < VARS {
            Some((*self.lo.get(k)?, *self.hi.get(k)?))
        } else {
            Some((-Decimal::ONE, Decimal::ONE))
        }
    }
}

/// A value over a box (see the module's documentation).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lin<'a> {
    region: Option<&'a Region>,
    c: Decimal,
    a: [Decimal; TERMS],
    e: (Decimal, Decimal),
    /// The range, narrowed to these when known.
    bounds: Option<(Decimal, Decimal)>,
    /// Every value is a whole multiple of this, when known (zero: the value is zero).
    grid: Option<Decimal>,
}

/// The coarsest grid both `x` and `y` lie on.
fn common(x: Option<Decimal>, y: Option<Decimal>) -> Option<Decimal> {
    let (x, y) = (x?, y?);
    // Whether `b` is a whole multiple of `a`.
    let divides = |a: Decimal, b: Decimal| b.checked_rem(a).is_some_and(|r| r.is_zero());
    Some(if x.is_zero() {
        y
    } else if y.is_zero() || divides(x, y) {
        x
    } else if divides(y, x) {
        y
    } else {
        Decimal::new(1, x.scale().max(y.scale()))
    })
}

impl<'a> Lin<'a> {
    /// A constant, with nothing known of its grid.
    const fn bare(c: Decimal) -> Lin<'a> {
        Lin {
            region: None,
            c,
            a: [Decimal::ZERO; TERMS],
            e: (Decimal::ZERO, Decimal::ZERO),
            bounds: None,
            grid: None,
        }
    }

    /// A constant.
    pub(crate) fn point(c: Decimal) -> Lin<'a> {
        Lin {
            grid: Some(if c.is_zero() {
                Decimal::ZERO
            } else {
                Decimal::new(1, c.scale())
            }),
            ..Lin::bare(c)
        }
    }

    /// Input `i` of `region`.
    pub(crate) fn var(region: &'a Region, i: usize) -> Lin<'a> {
        let mut x = Lin {
            region: Some(region),
            grid: region.steps.get(i).copied(),
            ..Lin::bare(Decimal::ZERO)
        };
        if let Some(slot) = x.a.get_mut(i) {
            *slot = Decimal::ONE;
        }
        x
    }

    /// The input this difference depends on: its coefficient for input `i`.
    pub(crate) fn input(&self, i: usize) -> Decimal {
        if i < VARS {
            self.a.get(i).copied().unwrap_or_default()
        } else {
            Decimal::ZERO
        }
    }

    /// The constant and whether the form is exact in the inputs (no noise, no interval):
    /// then its zero is where the sign changes.
    pub(crate) fn linear(&self) -> Option<Decimal> {
        let noiseless = self.a.iter().skip(VARS).all(Decimal::is_zero);
        (noiseless && self.e.0.is_zero() && self.e.1.is_zero()).then_some(self.c)
    }

    fn detached(self) -> Lin<'static> {
        Lin {
            region: None,
            c: self.c,
            a: self.a,
            e: self.e,
            bounds: self.bounds,
            grid: self.grid,
        }
    }

    fn within(mut self, b: Option<(Decimal, Decimal)>) -> Lin<'a> {
        if let Some((l, h)) = b {
            self.bounds = Some(match self.bounds {
                Some((x, y)) => (x.max(l), y.min(h)),
                None => (l, h),
            });
        }
        self
    }

    /// The smallest and largest value over the box (`None` past `Decimal`'s range).
    pub(crate) fn range(&self) -> Option<(Decimal, Decimal)> {
        let (mut lo, mut hi) = (self.c.checked_add(self.e.0)?, self.c.checked_add(self.e.1)?);
        for (k, a) in self.a.iter().enumerate() {
            if a.is_zero() {
                continue;
            }
            let (l, h) = self.region?.term(k)?;
            let (x, y) = (a.checked_mul(l)?, a.checked_mul(h)?);
            lo = lo.checked_add(x.min(y))?;
            hi = hi.checked_add(x.max(y))?;
        }
        if let Some((l, h)) = self.bounds {
            lo = lo.max(l);
            hi = hi.min(h);
        }
        if let Some((l, h)) = self.paired() {
            lo = lo.max(l);
            hi = hi.min(h);
        }
        Some((lo, hi))
    }

    /// The range again with `y = x + δ`, `δ ≥ 0`, when the box has such a pair: `3y − 3x` is
    /// then `3δ`, never below zero.
    fn paired(&self) -> Option<(Decimal, Decimal)> {
        let r = self.region?;
        let (x, y) = r.pair?;
        let (ax, ay) = (*self.a.get(x)?, *self.a.get(y)?);
        if ay.is_zero() {
            return None;
        }
        let ((xl, xh), (yl, yh)) = (r.term(x)?, r.term(y)?);
        let (dl, dh) = (yl.checked_sub(xh)?.max(Decimal::ZERO), yh.checked_sub(xl)?);
        let (mut lo, mut hi) = (self.c.checked_add(self.e.0)?, self.c.checked_add(self.e.1)?);
        let mut add = |a: Decimal, l: Decimal, h: Decimal| -> Option<()> {
            let (p, q) = (a.checked_mul(l)?, a.checked_mul(h)?);
            lo = lo.checked_add(p.min(q))?;
            hi = hi.checked_add(p.max(q))?;
            Some(())
        };
        add(ax.checked_add(ay)?, xl, xh)?;
        add(ay, dl, dh)?;
        for (k, a) in self.a.iter().enumerate() {
            if k != x && k != y && !a.is_zero() {
                let (l, h) = r.term(k)?;
                add(*a, l, h)?;
            }
        }
        Some((lo, hi))
    }

    /// The value when it is one number over the box.
    pub(crate) fn exact(&self) -> Option<Decimal> {
        self.range().and_then(|(l, h)| (l == h).then_some(l))
    }

    /// `self + sign·o`, term by term, with bounds from the ranges.
    fn plus(self, o: Lin<'a>, negate: bool) -> Option<Lin<'a>> {
        let f = |x: Decimal, y: Decimal| {
            if negate {
                x.checked_sub(y)
            } else {
                x.checked_add(y)
            }
        };
        let mut a = self.a;
        for (x, y) in a.iter_mut().zip(o.a) {
            *x = f(*x, y)?;
        }
        let e = if negate {
            (self.e.0.checked_sub(o.e.1)?, self.e.1.checked_sub(o.e.0)?)
        } else {
            (self.e.0.checked_add(o.e.0)?, self.e.1.checked_add(o.e.1)?)
        };
        let ((p, q), (r, s)) = (self.range()?, o.range()?);
        let bounds = if negate {
            (p.checked_sub(s)?, q.checked_sub(r)?)
        } else {
            (p.checked_add(r)?, q.checked_add(s)?)
        };
        Some(
            Lin {
                region: self.region.or(o.region),
                c: f(self.c, o.c)?,
                a,
                e,
                bounds: None,
                grid: common(self.grid, o.grid),
            }
            .within(Some(bounds)),
        )
    }

    /// `self` times the constant `k`.
    pub(crate) fn scale(self, k: Decimal) -> Option<Lin<'a>> {
        let mut a = self.a;
        for x in &mut a {
            *x = x.checked_mul(k)?;
        }
        let both = |(l, h): (Decimal, Decimal)| -> Option<(Decimal, Decimal)> {
            let (p, q) = (l.checked_mul(k)?, h.checked_mul(k)?);
            Some((p.min(q), p.max(q)))
        };
        Some(Lin {
            region: self.region,
            c: self.c.checked_mul(k)?,
            a,
            e: both(self.e)?,
            bounds: match self.bounds {
                Some(b) => Some(both(b)?),
                None => None,
            },
            grid: self.grid.and_then(|g| g.checked_mul(k.abs())),
        })
    }

    /// `self ÷ k` for a constant `k`: term by term when every term divides exactly; otherwise
    /// the quotient's range, widened by a unit in the 20th place for the division's rounding.
    pub(crate) fn divide(self, k: Decimal) -> Option<Lin<'a>> {
        if k.is_zero() {
            return None;
        }
        let exact = |x: Decimal| x.checked_div(k).filter(|q| q.checked_mul(k) == Some(x));
        let (l, h) = self.range()?;
        let (x, y) = (l.checked_div(k)?, h.checked_div(k)?);
        let ulp = Decimal::new(1, 20);
        let range = (x.min(y).checked_sub(ulp)?, x.max(y).checked_add(ulp)?);
        let mut a = self.a;
        let mut terms = true;
        for x in &mut a {
            match exact(*x) {
                Some(q) => *x = q,
                None => terms = false,
            }
        }
        let grid = self.grid.and_then(|g| exact(g.abs()));
        if let (true, Some(c), Some(p), Some(q)) =
            (terms, exact(self.c), exact(self.e.0), exact(self.e.1))
        {
            return Some(
                Lin {
                    region: self.region,
                    c,
                    a,
                    e: (p.min(q), p.max(q)),
                    bounds: None,
                    grid,
                }
                .within(Some(range)),
            );
        }
        Some(Lin {
            grid,
            ..self.interval(range)
        })
    }

    /// A form holding every value in `range`, and nothing more known.
    fn interval(self, range: (Decimal, Decimal)) -> Lin<'a> {
        Lin {
            region: self.region,
            c: Decimal::ZERO,
            a: [Decimal::ZERO; TERMS],
            e: range,
            bounds: None,
            grid: None,
        }
    }

    /// `self × o`: exact when one side is a constant; otherwise the product of the ranges.
    pub(crate) fn times(self, o: Lin<'a>) -> Option<Lin<'a>> {
        if let Some(k) = o.exact() {
            return self.scale(k);
        }
        if let Some(k) = self.exact() {
            return o.scale(k);
        }
        let ((a, b), (c, d)) = (self.range()?, o.range()?);
        let ps = [
            a.checked_mul(c)?,
            a.checked_mul(d)?,
            b.checked_mul(c)?,
            b.checked_mul(d)?,
        ];
        let (lo, hi) = (ps.iter().copied().min()?, ps.iter().copied().max()?);
        let region = self.region.or(o.region);
        Some(Lin {
            region,
            ..Lin::bare(Decimal::ZERO).interval((lo, hi))
        })
    }

    /// `self` rounded to whole multiples of `unit` by `round`, which is monotone and moves a
    /// value by at most `slack`: itself when already on that grid; a constant when the whole
    /// range rounds to one value; else the form plus a fresh noise term of `slack`.
    pub(crate) fn rounded(
        self,
        round: impl Fn(Decimal) -> Decimal,
        unit: Decimal,
        slack: Decimal,
    ) -> Option<Lin<'a>> {
        if self
            .grid
            .is_some_and(|g| g.checked_rem(unit).is_some_and(|r| r.is_zero()))
        {
            return Some(self);
        }
        let (l, h) = self.range()?;
        let (rl, rh) = (round(l), round(h));
        if rl == rh {
            return Some(Lin {
                region: self.region,
                ..Lin::point(rl)
            });
        }
        let mut out = Lin {
            bounds: None,
            grid: Some(unit),
            ..self
        };
        let fresh = self.region.map(|r| {
            let k = r.noise.get();
            r.noise.set(k.saturating_add(1));
            k.saturating_add(VARS)
        });
        match fresh.and_then(|k| out.a.get_mut(k)) {
            Some(slot) => *slot = slack,
            None => out.e = (out.e.0.checked_sub(slack)?, out.e.1.checked_add(slack)?),
        }
        Some(out.within(Some((rl, rh))))
    }

    /// Whether `self op o` over the box, where `op` is given by which signs of `self − o`
    /// make it true (`neg`, `zero`, `pos`); a relation the box does not decide is noted in it
    /// (and `false` returned, to be thrown away).
    pub(crate) fn relation(self, o: Lin<'a>, neg: bool, zero: bool, pos: bool) -> Option<bool> {
        let d = self.plus(o, true)?;
        let decided = d.sign_test(neg, zero, pos);
        if decided.is_none() {
            if let Some(r) = d.region {
                r.note(d);
            }
        }
        decided
    }

    /// Whether the signs this value takes on the box all give the same answer.
    fn sign_test(&self, neg: bool, zero: bool, pos: bool) -> Option<bool> {
        let d = self;
        let (l, h) = d.range()?;
        let z = Decimal::ZERO;
        // The signs the difference takes somewhere on the box.
        let signs = [(l < z, neg), (l <= z && h >= z, zero), (h > z, pos)];
        let mut possible = signs.iter().filter(|(can, _)| *can).map(|(_, t)| *t);
        let first = possible.next()?;
        possible.all(|t| t == first).then_some(first)
    }

    /// The smaller (`less`) or larger of two values: one of them when the box decides which,
    /// else a value bounding both (the difference kept as a hint for splitting).
    pub(crate) fn extreme(self, o: Lin<'a>, less: bool) -> Option<Lin<'a>> {
        let d = self.plus(o, true)?;
        match d.sign_test(less, true, !less) {
            Some(true) => return Some(self),
            Some(false) => return Some(o),
            None => {}
        }
        if let Some(r) = d.region {
            if r.hint.get().is_none() {
                r.hint.set(Some(d.detached()));
            }
        }
        let ((a, b), (c, e)) = (self.range()?, o.range()?);
        let range = if less {
            (a.min(c), b.min(e))
        } else {
            (a.max(c), b.max(e))
        };
        Some(Lin {
            grid: common(self.grid, o.grid),
            ..self.interval(range)
        })
    }

    /// [`Lin::relation`] for the rules' comparisons: undecided (or past the range) notes the
    /// box and answers `false`.
    fn holds(self, o: Lin<'a>, neg: bool, zero: bool, pos: bool) -> bool {
        match self.relation(o, neg, zero, pos) {
            Some(b) => b,
            None => {
                if let Some(r) = self.region.or(o.region) {
                    r.note(Lin::bare(Decimal::ZERO).interval((-Decimal::ONE, Decimal::ONE)));
                }
                false
            }
        }
    }
}

impl PartialEq for Lin<'_> {
    fn eq(&self, o: &Self) -> bool {
        self.holds(*o, false, true, false)
    }
}
impl Eq for Lin<'_> {}
impl PartialOrd for Lin<'_> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
    fn lt(&self, o: &Self) -> bool {
        self.holds(*o, true, false, false)
    }
    fn le(&self, o: &Self) -> bool {
        self.holds(*o, true, true, false)
    }
    fn gt(&self, o: &Self) -> bool {
        self.holds(*o, false, false, true)
    }
    fn ge(&self, o: &Self) -> bool {
        self.holds(*o, false, true, true)
    }
}
impl Ord for Lin<'_> {
    fn cmp(&self, o: &Self) -> Ordering {
        if self.lt(o) {
            Ordering::Less
        } else if self.gt(o) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }
    fn min(self, o: Self) -> Self {
        self.extreme(o, true).unwrap_or_else(|| {
            self.holds(o, true, true, false);
            o
        })
    }
    fn max(self, o: Self) -> Self {
        self.extreme(o, false).unwrap_or_else(|| {
            self.holds(o, false, true, true);
            o
        })
    }
}

/// How far rounding by `mode` to units of `unit` may move a value.
pub(crate) fn slack(unit: Decimal, mode: RoundingMode) -> Decimal {
    match mode {
        RoundingMode::HalfUp | RoundingMode::HalfEven => {
            unit.checked_div(Decimal::TWO).unwrap_or(unit)
        }
        RoundingMode::Down | RoundingMode::Up => unit,
    }
}

impl Amount for Lin<'_> {
    const ZERO: Self = Lin {
        grid: Some(Decimal::ZERO),
        ..Lin::bare(Decimal::ZERO)
    };
    fn add(self, o: Self) -> Option<Self> {
        self.plus(o, false)
    }
    fn sub(self, o: Self) -> Option<Self> {
        self.plus(o, true)
    }
    fn mul(self, o: Self) -> Option<Self> {
        self.times(o)
    }
    fn percent(self, o: Self) -> Option<Self> {
        self.times(o)?.divide(Decimal::ONE_HUNDRED)
    }
    fn uplift(self, o: Self) -> Option<Self> {
        self.times(o.add(Lin::point(Decimal::ONE_HUNDRED))?)?
            .divide(Decimal::ONE_HUNDRED)
    }
    fn money(self, r: Rounding) -> Option<Self> {
        let unit = Decimal::new(1, r.scale);
        self.rounded(|d| r.round(d).amount(), unit, slack(unit, r.mode))
    }
    /// A split needs whole units: exact for a constant. For an amount that varies over the box
    /// the parts are not verified (no property reads them), and it is split as zero.
    fn units(self, scale: u32) -> Option<i128> {
        match self.exact() {
            Some(d) => crate::money::units(d, scale),
            None => Some(0),
        }
    }
    fn from_units(units: i128, scale: u32) -> Option<Self> {
        Decimal::try_from_i128_with_scale(units, scale)
            .ok()
            .map(Lin::point)
    }
    fn decimal(self) -> Decimal {
        self.range().map_or(self.c, |(l, _)| l)
    }
}
