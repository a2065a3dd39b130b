//! The two amount types the rules run over: exact [`Decimal`] for one participant, and
//! [`Fixed`] millionths for columns. Every operation is checked: `None` is an overflow or, for
//! `Fixed`, a result that is not exact at six places — which sends that row to the exact path.
#![warn(clippy::arithmetic_side_effects)]

use crate::money::fixed::{self, ONE};
use crate::money::Rounding;
use rust_decimal::Decimal;

/// An amount the decision stages can compute with.
pub(crate) trait Amount: Copy + Ord + std::fmt::Debug {
    /// Zero.
    const ZERO: Self;
    /// `self + o`.
    fn add(self, o: Self) -> Option<Self>;
    /// `self - o`.
    fn sub(self, o: Self) -> Option<Self>;
    /// `self × o`.
    fn mul(self, o: Self) -> Option<Self>;
    /// `self × o ÷ 100`: `o` percent of `self`.
    fn percent(self, o: Self) -> Option<Self>;
    /// `self × (100 + o) ÷ 100`: `self` raised by `o` percent.
    fn uplift(self, o: Self) -> Option<Self>;
    /// Rounded to money by the pack's rule, if the result fits.
    fn money(self, r: Rounding) -> Option<Self>;
    /// A whole number of money units at `scale` (the amount must be rounded to it).
    fn units(self, scale: u32) -> Option<i128>;
    /// Whole money units at `scale` as an amount.
    fn from_units(units: i128, scale: u32) -> Option<Self>;
    /// The exact value, for explanations and errors.
    fn decimal(self) -> Decimal;

    /// Below zero.
    fn is_negative(self) -> bool {
        self < Self::ZERO
    }
}

impl Amount for Decimal {
    const ZERO: Self = Decimal::ZERO;
    fn add(self, o: Self) -> Option<Self> {
        self.checked_add(o)
    }
    fn sub(self, o: Self) -> Option<Self> {
        self.checked_sub(o)
    }
    fn mul(self, o: Self) -> Option<Self> {
        self.checked_mul(o)
    }
    fn percent(self, o: Self) -> Option<Self> {
        self.checked_mul(o)?.checked_div(Decimal::ONE_HUNDRED)
    }
    fn uplift(self, o: Self) -> Option<Self> {
        self.checked_mul(Decimal::ONE_HUNDRED.checked_add(o)?)?
            .checked_div(Decimal::ONE_HUNDRED)
    }
    fn money(self, r: Rounding) -> Option<Self> {
        Some(r.round(self).amount())
    }
    fn units(self, scale: u32) -> Option<i128> {
        crate::money::units(self, scale)
    }
    fn from_units(units: i128, scale: u32) -> Option<Self> {
        Decimal::try_from_i128_with_scale(units, scale).ok()
    }
    fn decimal(self) -> Decimal {
        self
    }
}

/// A number as millionths in an `i64`: the columnar engine's amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Fixed(pub i64);

impl Amount for Fixed {
    const ZERO: Self = Fixed(0);
    #[inline]
    fn add(self, o: Self) -> Option<Self> {
        self.0.checked_add(o.0).map(Fixed)
    }
    #[inline]
    fn sub(self, o: Self) -> Option<Self> {
        self.0.checked_sub(o.0).map(Fixed)
    }
    #[inline]
    fn mul(self, o: Self) -> Option<Self> {
        fixed::mul(self.0, o.0).map(Fixed)
    }
    #[inline]
    fn percent(self, o: Self) -> Option<Self> {
        fixed::div(fixed::mul(self.0, o.0)?, 100 * ONE).map(Fixed)
    }
    #[inline]
    fn uplift(self, o: Self) -> Option<Self> {
        let factor = o.0.checked_add(100 * ONE)?;
        fixed::div(fixed::mul(self.0, factor)?, 100 * ONE).map(Fixed)
    }
    #[inline(always)]
    fn money(self, r: Rounding) -> Option<Self> {
        fixed::money(self.0, r).map(Fixed)
    }
    #[inline]
    fn units(self, scale: u32) -> Option<i128> {
        let unit = *fixed::UNITS.get(scale as usize)?;
        if self.0.checked_rem(unit)? != 0 {
            return None;
        }
        self.0.checked_div(unit).map(i128::from)
    }
    #[inline]
    fn from_units(units: i128, scale: u32) -> Option<Self> {
        let unit = *fixed::UNITS.get(scale as usize)?;
        i64::try_from(units).ok()?.checked_mul(unit).map(Fixed)
    }
    fn decimal(self) -> Decimal {
        Decimal::new(self.0, fixed::PLACES)
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn fx(s: &str) -> Fixed {
        Fixed(fixed::from_decimal(d(s)).unwrap())
    }

    /// Each operation gives the same value in both types, or `Fixed` declines (`None`).
    #[test]
    fn both_types_agree_or_fixed_declines() {
        let cases = [
            ("3.00", "60"),
            ("170", "12.5"),
            ("0.01", "33.333333"),
            ("-5", "7"),
        ];
        for (a, b) in cases {
            let (x, y) = (d(a), d(b));
            let (fa, fb) = (fx(a), fx(b));
            type Op<T> = fn(T, T) -> Option<T>;
            let ops: [(Op<Decimal>, Op<Fixed>); 5] = [
                (Amount::add, Amount::add),
                (Amount::sub, Amount::sub),
                (Amount::mul, Amount::mul),
                (Amount::percent, Amount::percent),
                (Amount::uplift, Amount::uplift),
            ];
            for (k, (exact, lane)) in ops.iter().enumerate() {
                if let Some(v) = lane(fa, fb) {
                    let want = exact(x, y).unwrap();
                    assert_eq!(
                        v.decimal().normalize(),
                        want.normalize(),
                        "op {k} on {a}, {b}"
                    );
                }
            }
        }
        // 0.01 × 33.333333 = 0.33333333: not exact at six places, so Fixed declines.
        assert_eq!(fx("0.01").mul(fx("33.333333")), None);
        assert_eq!(fx("3.00").mul(fx("60")), Some(fx("180")));
        assert_eq!(fx("170").percent(fx("50")), Some(fx("85")));
        assert_eq!(fx("300").uplift(fx("20")), Some(fx("360")));
    }

    #[test]
    fn units_need_an_amount_rounded_to_the_scale() {
        assert_eq!(fx("170.25").units(2), Some(17025));
        assert_eq!(fx("170.255").units(2), None);
        assert_eq!(d("170.25").units(2), Some(17025));
        assert_eq!(d("170.255").units(2), None);
        assert_eq!(Fixed::from_units(17025, 2), Some(fx("170.25")));
    }
}
