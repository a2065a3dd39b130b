//! Fixed-point numbers for the batch path: `i64` millionths (6 decimal places).
//!
//! Every operation is exact or reports that it is not (`None`): a row that meets an inexact or
//! overflowing step leaves the fast path and is evaluated by the scalar `Decimal` engine, so
//! the batch path never gives a different answer, only a faster one.

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
    let scale = d.scale();
    let m = d.mantissa();
    let v = if scale <= PLACES {
        m.checked_mul(10i128.pow(PLACES - scale))?
    } else {
        let div = 10i128.checked_pow(scale - PLACES)?;
        if m % div != 0 {
            return None;
        }
        m / div
    };
    i64::try_from(v).ok()
}

/// An integer with `scale` decimal places (Arrow's Decimal128 layout) as millionths.
pub(crate) fn from_units(units: i128, scale: u32) -> Option<i64> {
    if scale <= PLACES {
        return i64::try_from(units.checked_mul(10i128.pow(PLACES - scale))?).ok();
    }
    let div = 10i128.checked_pow(scale - PLACES)?;
    if units % div != 0 {
        return None;
    }
    i64::try_from(units / div).ok()
}

/// `a × b`, exact.
#[inline]
pub(crate) fn mul(a: i64, b: i64) -> Option<i64> {
    match a.checked_mul(b) {
        Some(p) if p % ONE == 0 => Some(p / ONE),
        Some(_) => None,
        None => {
            let p = i128::from(a) * i128::from(b);
            if p % i128::from(ONE) != 0 {
                return None;
            }
            i64::try_from(p / i128::from(ONE)).ok()
        }
    }
}

/// `a ÷ b`, exact (a remainder means the fast path cannot represent the quotient).
#[inline]
pub(crate) fn div(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let n = i128::from(a) * i128::from(ONE);
    let b = i128::from(b);
    if n % b != 0 {
        return None;
    }
    i64::try_from(n / b).ok()
}

/// Rounds to `places` decimals with `mode`, staying in millionths.
#[inline(always)]
pub(crate) fn round(v: i64, places: u32, mode: RoundingMode) -> i64 {
    // The common scales get a constant divisor, which compiles to a multiply.
    match places {
        2 => round_to::<10_000>(v, mode),
        0 => round_to::<1_000_000>(v, mode),
        1 => round_to::<100_000>(v, mode),
        p if p >= PLACES => v,
        p => round_by(v, 10i64.pow(PLACES - p), mode),
    }
}

#[inline]
fn round_to<const UNIT: i64>(v: i64, mode: RoundingMode) -> i64 {
    round_by(v, UNIT, mode)
}

#[inline(always)]
fn round_by(v: i64, unit: i64, mode: RoundingMode) -> i64 {
    let q = v / unit;
    let r = v % unit;
    if r == 0 {
        return v;
    }
    let away = match mode {
        RoundingMode::Down => false,
        RoundingMode::Up => true,
        RoundingMode::HalfUp => 2 * r.abs() >= unit,
        RoundingMode::HalfEven => 2 * r.abs() > unit || (2 * r.abs() == unit && q % 2 != 0),
    };
    let q = if away { q + v.signum() } else { q };
    q * unit
}

/// Turns millionths into units of `places` decimals, in place.
pub(crate) fn to_units(col: &mut [i64], places: u32) {
    match places {
        2 => col.iter_mut().for_each(|v| *v /= 10_000),
        0 => col.iter_mut().for_each(|v| *v /= ONE),
        p if p >= PLACES => {}
        p => {
            let unit = 10i64.pow(PLACES - p);
            col.iter_mut().for_each(|v| *v /= unit);
        }
    }
}

/// Rounds as the pack's money rule does.
#[inline(always)]
pub(crate) fn money(v: i64, r: Rounding) -> i64 {
    round(v, r.scale, r.mode)
}

/// Whole-number floor and ceiling.
pub(crate) fn floor(v: i64) -> i64 {
    v.div_euclid(ONE) * ONE
}
pub(crate) fn ceil(v: i64) -> i64 {
    -floor(-v)
}

#[cfg(test)]
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
                to_decimal(money(from_decimal(d(v)).unwrap(), r)).normalize(),
                want.normalize(),
                "{v} {mode:?}"
            );
        }
        assert_eq!(floor(-1_500_000), -2 * ONE);
        assert_eq!(ceil(1_000_001), 2 * ONE);
    }
}
