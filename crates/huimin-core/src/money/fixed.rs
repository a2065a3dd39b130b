//! Fixed-point numbers for the batch path: `i64` millionths (6 decimal places).
//!
//! Every operation is exact or reports that it is not (`None`): a row that meets an inexact or
//! overflowing step leaves the fast path and is evaluated by the scalar `Decimal` engine, so
//! the batch path never gives a different answer, only a faster one.
#![warn(clippy::arithmetic_side_effects)]

use crate::money::{Rounding, RoundingMode};
use rust_decimal::Decimal;

/// Decimal places of the fixed-point representation.
pub(crate) const PLACES: u32 = 6;
/// One unit: 10^PLACES.
pub(crate) const ONE: i64 = 1_000_000;
/// Millionths in one money unit at each scale up to `PLACES` (10 000 at 2 decimals: the fen).
pub(crate) const UNITS: [i64; 7] = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

/// An exact decimal as millionths, if it fits.
pub(crate) fn from_decimal(d: Decimal) -> Option<i64> {
    from_units(d.mantissa(), d.scale())
}

/// An integer with `scale` decimal places (Arrow's Decimal128 layout) as millionths, if it is
/// exact at six places and fits.
pub(crate) fn from_units(units: i128, scale: u32) -> Option<i64> {
    let v = match PLACES.checked_sub(scale) {
        Some(up) => units.checked_mul(10i128.checked_pow(up)?)?,
        None => {
            let div = 10i128.checked_pow(scale.checked_sub(PLACES)?)?;
            if units.checked_rem(div)? != 0 {
                return None;
            }
            units.checked_div(div)?
        }
    };
    i64::try_from(v).ok()
}

/// `a × b`, exact.
#[inline]
pub(crate) fn mul(a: i64, b: i64) -> Option<i64> {
    match a.checked_mul(b) {
        Some(p) if p.checked_rem(ONE) == Some(0) => p.checked_div(ONE),
        Some(_) => None,
        None => {
            let p = i128::from(a).checked_mul(i128::from(b))?;
            if p.checked_rem(i128::from(ONE))? != 0 {
                return None;
            }
            i64::try_from(p.checked_div(i128::from(ONE))?).ok()
        }
    }
}

/// `a ÷ b`, exact (a remainder means the fast path cannot represent the quotient).
#[inline]
pub(crate) fn div(a: i64, b: i64) -> Option<i64> {
    let n = i128::from(a).checked_mul(i128::from(ONE))?;
    let b = i128::from(b);
    if n.checked_rem(b)? != 0 {
        return None;
    }
    i64::try_from(n.checked_div(b)?).ok()
}

/// Rounds to `places` decimals with `mode`, staying in millionths; `None` when the rounded
/// value does not fit.
#[inline(always)]
pub(crate) fn round(v: i64, places: u32, mode: RoundingMode) -> Option<i64> {
    // The common scales get a constant divisor, which compiles to a multiply.
    match places {
        2 => round_by(v, 10_000, mode),
        0 => round_by(v, ONE, mode),
        1 => round_by(v, 100_000, mode),
        p => match UNITS.get(p as usize) {
            Some(unit) => round_by(v, *unit, mode),
            None => Some(v),
        },
    }
}

#[inline(always)]
fn round_by(v: i64, unit: i64, mode: RoundingMode) -> Option<i64> {
    let (q, r) = (v.checked_div(unit)?, v.checked_rem(unit)?);
    if r == 0 {
        return Some(v);
    }
    // |r| < unit ≤ 10^6, so twice it fits.
    let twice = r.checked_abs()?.checked_mul(2)?;
    let away = match mode {
        RoundingMode::Down => false,
        RoundingMode::Up => true,
        RoundingMode::HalfUp => twice >= unit,
        RoundingMode::HalfEven => twice > unit || (twice == unit && q.checked_rem(2)? != 0),
    };
    let q = if away { q.checked_add(v.signum())? } else { q };
    q.checked_mul(unit)
}

/// Turns millionths that are whole money units at `places` decimals into unit counts, in
/// place (the division is exact).
pub(crate) fn to_units(col: &mut [i64], places: u32) {
    // A constant divisor in each arm: the compiler multiplies instead of dividing.
    fn by<const UNIT: i64>(col: &mut [i64]) {
        for v in col.iter_mut() {
            *v = v.checked_div(UNIT).unwrap_or(*v);
        }
    }
    match places {
        0 => by::<1_000_000>(col),
        1 => by::<100_000>(col),
        2 => by::<10_000>(col),
        3 => by::<1_000>(col),
        4 => by::<100>(col),
        5 => by::<10>(col),
        _ => {}
    }
}

/// Rounds as the pack's money rule does.
#[inline(always)]
pub(crate) fn money(v: i64, r: Rounding) -> Option<i64> {
    round(v, r.scale, r.mode)
}

/// Whole-number floor, if it fits.
pub(crate) fn floor(v: i64) -> Option<i64> {
    v.checked_div_euclid(ONE)?.checked_mul(ONE)
}

/// Whole-number ceiling, if it fits.
pub(crate) fn ceil(v: i64) -> Option<i64> {
    floor(v.checked_neg()?)?.checked_neg()
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn to_decimal(v: i64) -> Decimal {
        Decimal::new(v, PLACES)
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn exact_operations_match_decimal_and_inexact_ones_say_so() {
        let x = from_decimal(d("3.00")).unwrap();
        let h = from_decimal(d("12.5")).unwrap();
        assert_eq!(to_decimal(mul(x, h).unwrap()), d("37.5"));
        assert_eq!(
            div(
                from_decimal(d("500")).unwrap(),
                from_decimal(d("10")).unwrap()
            ),
            Some(50 * ONE)
        );
        assert_eq!(div(ONE, 3 * ONE), None);
        assert_eq!(mul(1, 1), None, "1e-12 is below a millionth");
        assert_eq!(from_decimal(d("0.0000001")), None);
        assert_eq!(from_decimal(d("1.2345600")), Some(1_234_560));
    }

    #[test]
    fn rounding_agrees_with_the_money_rule() {
        for (v, mode) in [
            ("0.125", RoundingMode::HalfUp),
            ("0.125", RoundingMode::HalfEven),
            ("-0.125", RoundingMode::HalfUp),
            ("0.121", RoundingMode::Up),
            ("-0.129", RoundingMode::Down),
            ("0.135", RoundingMode::HalfEven),
        ] {
            let r = Rounding { scale: 2, mode };
            let want = r.round(d(v)).amount();
            assert_eq!(
                to_decimal(money(from_decimal(d(v)).unwrap(), r).unwrap()).normalize(),
                want.normalize(),
                "{v} {mode:?}"
            );
        }
        assert_eq!(floor(-1_500_000), Some(-2 * ONE));
        assert_eq!(ceil(1_000_001), Some(2 * ONE));
        assert_eq!(ceil(i64::MIN), None);
        assert_eq!(round(i64::MAX, 2, RoundingMode::Up), None);
    }
}
