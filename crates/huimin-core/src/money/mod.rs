//! Exact money: decimal amounts, the pack's rounding rule, exact allocation between payers,
//! and the fixed-point form ([`fixed`]) the columnar engine computes in.
#![warn(clippy::arithmetic_side_effects)]

pub(crate) mod fixed;

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An amount of money in yuan, held exactly at the pack's scale (2 = to the fen).
///
/// Serialises as a string with exactly `scale` decimals (`"170.00"`), never as a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    /// Zero at the given scale.
    pub fn zero(scale: u32) -> Money {
        let mut d = Decimal::ZERO;
        d.rescale(scale);
        Money(d)
    }

    /// The exact decimal value.
    pub fn amount(self) -> Decimal {
        self.0
    }

    /// Wraps an amount that is already rounded to `scale`, padding it to exactly that scale.
    pub(crate) fn at_scale(mut d: Decimal, scale: u32) -> Money {
        if d.scale() != scale {
            d.rescale(scale);
        }
        Money(d)
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let v: Decimal = s.parse().map_err(serde::de::Error::custom)?;
        Ok(Money(v))
    }
}

impl JsonSchema for Money {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Money".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
            "description": "An exact amount in yuan, as a decimal string such as \"170.00\"."
        })
    }
}

/// How an exact intermediate result is brought to the pack's scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Half away from zero (四舍五入): 0.125 → 0.13. The default.
    #[default]
    HalfUp,
    /// Half to even (banker's rounding): 0.125 → 0.12.
    HalfEven,
    /// Toward zero (truncate): 0.129 → 0.12.
    Down,
    /// Away from zero: 0.121 → 0.13.
    Up,
}

/// The rounding rule a pack states: to how many decimals (2 = fen), and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rounding {
    /// Decimal places of every money result; 2 rounds to the fen, 0 to the yuan.
    #[serde(default = "default_scale")]
    pub scale: u32,
    /// Rounding mode.
    #[serde(default)]
    pub mode: RoundingMode,
}

fn default_scale() -> u32 {
    2
}

impl Default for Rounding {
    fn default() -> Self {
        Rounding {
            scale: 2,
            mode: RoundingMode::HalfUp,
        }
    }
}

impl Rounding {
    /// The largest scale a pack may state.
    pub const MAX_SCALE: u32 = 8;

    /// Rounds an exact value to money by this rule.
    pub fn round(self, d: Decimal) -> Money {
        // Already at this scale (most amounts, which come from money already): as it is.
        if d.scale() == self.scale {
            return Money(d);
        }
        let strategy = match self.mode {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
        };
        Money::at_scale(d.round_dp_with_strategy(self.scale, strategy), self.scale)
    }

    /// Splits `total` between parts in proportion to `weights`, so that the parts are whole
    /// units at this scale and **sum exactly to `total`** (see [`Shares::split`]). Weights
    /// must be non-negative with a positive sum, and `total` must already be at this scale;
    /// otherwise `None`.
    pub fn allocate(self, total: Money, weights: &[Decimal]) -> Option<Vec<Money>> {
        let shares = Shares::new(weights)?;
        let units = total.units(self.scale)?;
        let mut parts = vec![0i128; weights.len()];
        shares.split(units, &mut parts)?;
        parts
            .into_iter()
            .map(|u| Money::from_units(u, self.scale))
            .collect()
    }
}

impl Money {
    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        let scale = self.0.scale().max(other.0.scale());
        Some(Money::at_scale(self.0.checked_add(other.0)?, scale))
    }

    /// `self - other`, or `None` on overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        let scale = self.0.scale().max(other.0.scale());
        Some(Money::at_scale(self.0.checked_sub(other.0)?, scale))
    }

    /// The amount as a whole number of units at `scale` (fen at 2), when it is one.
    pub fn units(self, scale: u32) -> Option<i128> {
        units(self.0, scale)
    }

    /// A whole number of units at `scale` as money, when it fits.
    pub fn from_units(units: i128, scale: u32) -> Option<Money> {
        Decimal::try_from_i128_with_scale(units, scale)
            .ok()
            .map(Money)
    }
}

/// `d` as a whole number of units at `scale` (fen at 2), when it is one exactly.
pub(crate) fn units(d: Decimal, scale: u32) -> Option<i128> {
    let mut x = d;
    x.rescale(scale);
    (x.scale() == scale && x == d).then(|| x.mantissa())
}

/// The exact sum of `items` from `zero`, or `None` past `Decimal`'s range.
pub(crate) fn sum(items: impl IntoIterator<Item = Money>, zero: Money) -> Option<Money> {
    items.into_iter().try_fold(zero, Money::checked_add)
}

/// A decimal read exactly from text, in plain (`12.50`) or scientific (`5e28`, `1.5E-3`)
/// notation; `None` when the text is no number or names one that `Decimal` cannot hold without
/// rounding (more than 28 decimal places, or beyond about ±7.9e28). The one decimal reader of
/// packs, expressions and participants: a reader that rounded would turn an exact fee of 0.00
/// into 0.01 without a word.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let Some((mantissa, exp)) = text.split_once(['e', 'E']) else {
        return Decimal::from_str_exact(text).ok();
    };
    let m = Decimal::from_str_exact(mantissa).ok()?;
    let exp: i64 = exp.strip_prefix('+').unwrap_or(exp).parse().ok()?;
    if exp >= 0 {
        let pow = 10i128.checked_pow(u32::try_from(exp).ok()?)?;
        m.checked_mul(Decimal::try_from_i128_with_scale(pow, 0).ok()?)
    } else {
        let scale = i64::from(m.scale()).checked_sub(exp)?;
        Decimal::try_from_i128_with_scale(m.mantissa(), u32::try_from(scale).ok()?).ok()
    }
}

/// Split weights as whole numbers (each decimal weight scaled by one power of ten), ready to
/// divide amounts exactly. The one home of allocation: the exact and the columnar engines
/// and the program accounts all split through [`Shares::split`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shares {
    weights: Vec<i128>,
    total: i128,
    /// The largest amount (in units) whose products with every weight fit in an `i64`: up to
    /// it, [`Shares::split`] divides in 64 bits, which is several times faster.
    narrow: i128,
}

impl Shares {
    /// Whole-number weights for decimal ones: non-negative, with a positive sum.
    pub(crate) fn new(weights: &[Decimal]) -> Option<Shares> {
        let scale = weights.iter().map(|w| w.scale()).max().unwrap_or(0);
        let mut whole = Vec::with_capacity(weights.len());
        let mut total = 0i128;
        for w in weights {
            let mut x = *w;
            x.rescale(scale);
            if x.scale() != scale || x != *w || x.is_sign_negative() {
                return None;
            }
            total = total.checked_add(x.mantissa())?;
            whole.push(x.mantissa());
        }
        (total > 0).then(|| Shares::with(whole, total))
    }

    fn with(weights: Vec<i128>, total: i128) -> Shares {
        let top = weights.iter().copied().max().unwrap_or(1).max(1);
        let narrow = if i64::try_from(total).is_ok() {
            i128::from(i64::MAX).checked_div(top).unwrap_or(0)
        } else {
            0
        };
        Shares {
            weights,
            total,
            narrow,
        }
    }

    /// The shares of one payer who takes the whole amount.
    pub(crate) fn whole() -> Shares {
        Shares::with(vec![1], 1)
    }

    /// How many parts.
    pub(crate) fn len(&self) -> usize {
        self.weights.len()
    }

    /// Splits `units` (a whole number of money units) into the first [`Shares::len`] places
    /// of `out`: each part first gets its proportional share rounded toward zero; the units
    /// left over go one each to the parts with the largest remainders (ties to the earlier
    /// part) — the largest-remainder (Hamilton) method. The parts sum exactly to `units`.
    /// `None` on overflow or when `out` is too short.
    #[inline]
    pub(crate) fn split(&self, units: i128, out: &mut [i128]) -> Option<()> {
        let n = self.weights.len();
        let out = out.get_mut(..n)?;
        let (sign, abs) = (units.signum(), units.checked_abs()?);
        match (self.weights.as_slice(), &mut *out) {
            ([w], [o]) if *w == self.total => {
                *o = units;
                return Some(());
            }
            ([w0, w1], [o0, o1]) if abs <= self.narrow => {
                // Two parts in 64 bits: the one unit left, if any, goes to the larger
                // remainder, the first on a tie.
                let (total, a) = (i64::try_from(self.total).ok()?, i64::try_from(abs).ok()?);
                let p0 = a.checked_mul(i64::try_from(*w0).ok()?)?;
                let p1 = a.checked_mul(i64::try_from(*w1).ok()?)?;
                let (mut q0, mut q1) = (p0.checked_div(total)?, p1.checked_div(total)?);
                if q0.checked_add(q1)? < a {
                    if p1.checked_rem(total)? > p0.checked_rem(total)? {
                        q1 = q1.checked_add(1)?;
                    } else {
                        q0 = q0.checked_add(1)?;
                    }
                }
                *o0 = sign.checked_mul(i128::from(q0))?;
                *o1 = sign.checked_mul(i128::from(q1))?;
                return Some(());
            }
            _ => {}
        }
        let mut small = [0i128; 8];
        let mut large = Vec::new();
        let rems: &mut [i128] = if n <= small.len() {
            small.get_mut(..n)?
        } else {
            large.resize(n, 0);
            &mut large
        };
        let mut given = 0i128;
        for ((o, r), w) in out.iter_mut().zip(rems.iter_mut()).zip(&self.weights) {
            let (q, rem) = if abs <= self.narrow {
                // The product fits in 64 bits (see `narrow`), where dividing is faster.
                let total = i64::try_from(self.total).ok()?;
                let p = i64::try_from(abs)
                    .ok()?
                    .checked_mul(i64::try_from(*w).ok()?)?;
                (
                    i128::from(p.checked_div(total)?),
                    i128::from(p.checked_rem(total)?),
                )
            } else {
                let p = abs.checked_mul(*w)?;
                (p.checked_div(self.total)?, p.checked_rem(self.total)?)
            };
            *o = q;
            *r = rem;
            given = given.checked_add(q)?;
        }
        // Fewer units are left than there are parts: each goes to the largest remainder not
        // yet served, the earlier part on a tie.
        for _ in 0..abs.checked_sub(given)? {
            let mut best: Option<(usize, i128)> = None;
            for (k, r) in rems.iter().enumerate() {
                if *r >= 0 && best.is_none_or(|(_, b)| *r > b) {
                    best = Some((k, *r));
                }
            }
            let (k, _) = best?;
            *rems.get_mut(k)? = -1;
            let o = out.get_mut(k)?;
            *o = o.checked_add(1)?;
        }
        for o in out.iter_mut() {
            *o = o.checked_mul(sign)?;
        }
        Some(())
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn half_up_rounds_midpoints_away_from_zero() {
        let r = Rounding::default();
        assert_eq!(r.round(d("0.125")).to_string(), "0.13");
        assert_eq!(r.round(d("170")).to_string(), "170.00");
        let even = Rounding {
            scale: 2,
            mode: RoundingMode::HalfEven,
        };
        assert_eq!(even.round(d("0.125")).to_string(), "0.12");
        let down = Rounding {
            scale: 2,
            mode: RoundingMode::Down,
        };
        assert_eq!(down.round(d("0.129")).to_string(), "0.12");
        let yuan = Rounding {
            scale: 0,
            mode: RoundingMode::Up,
        };
        assert_eq!(yuan.round(d("10.01")).to_string(), "11");
    }

    #[test]
    fn an_amount_at_the_scale_is_kept_one_below_is_padded_one_above_is_rounded() {
        let r = Rounding::default();
        for (x, want) in [
            ("170.00", "170.00"),
            ("-0.50", "-0.50"),
            ("170.0", "170.00"),
            ("170.005", "170.01"),
            ("-170.005", "-170.01"),
        ] {
            assert_eq!(r.round(d(x)).to_string(), want, "{x}");
        }
    }

    #[test]
    fn six_four_split_of_an_odd_amount_sums_to_the_whole() {
        // 60.01 × 6/10 = 36.006 → 36.00 (remainder .6 unit); × 4/10 = 24.004 → 24.00 (.4).
        // One fen left goes to the larger remainder, the city: 36.01 + 24.00 = 60.01.
        let r = Rounding::default();
        let parts = r.allocate(r.round(d("60.01")), &[d("6"), d("4")]).unwrap();
        assert_eq!(parts[0].to_string(), "36.01");
        assert_eq!(parts[1].to_string(), "24.00");
    }

    #[test]
    fn three_equal_parts_give_the_leftover_fen_to_the_first() {
        let r = Rounding::default();
        let parts = r
            .allocate(r.round(d("100")), &[d("1"), d("1"), d("1")])
            .unwrap();
        let s: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        assert_eq!(s, ["33.34", "33.33", "33.33"]);
    }

    #[test]
    fn bad_weights_are_refused() {
        let r = Rounding::default();
        assert!(r.allocate(r.round(d("1")), &[d("0"), d("0")]).is_none());
        assert!(r.allocate(r.round(d("1")), &[d("2"), d("-1")]).is_none());
        assert!(r.allocate(Money(d("1.005")), &[d("1")]).is_none());
    }

    proptest! {
        #[test]
        fn the_64_bit_splits_give_what_the_128_bit_split_gives(
            units in -1_000_000_000_000i128..1_000_000_000_000i128,
            weights in proptest::collection::vec(0u32..1000, 1..5),
        ) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let ws: Vec<Decimal> = weights.iter().map(|w| Decimal::new(i64::from(*w), 1)).collect();
            let fast = Shares::new(&ws).unwrap();
            let wide = Shares { narrow: 0, ..fast.clone() };
            let (mut a, mut b) = (vec![0; ws.len()], vec![0; ws.len()]);
            fast.split(units, &mut a).unwrap();
            wide.split(units, &mut b).unwrap();
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(a.iter().sum::<i128>(), units);
        }
    }

    #[test]
    fn decimals_are_read_exactly_or_not_at_all() {
        assert_eq!(parse_decimal("12.50"), Some(d("12.50")));
        assert_eq!(
            parse_decimal("5e28"),
            Some(d("50000000000000000000000000000"))
        );
        assert_eq!(parse_decimal("1.5E-3"), Some(d("0.0015")));
        assert_eq!(parse_decimal("-2e+2"), Some(d("-200")));
        // 29 decimal places would round (to 0.0050…0 here): refused.
        assert_eq!(parse_decimal("0.00500000000000000000000000001"), None);
        assert_eq!(parse_decimal("1e-29"), None);
        assert_eq!(parse_decimal("8e28"), None);
        assert_eq!(parse_decimal("12.5.0"), None);
    }

    proptest! {
        #[test]
        fn split_parts_sum_to_the_whole(fen in -10_000_000_000i64..10_000_000_000i64,
                                        weights in proptest::collection::vec(0u32..1000, 1..6)) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let r = Rounding::default();
            let total = Money::at_scale(Decimal::new(fen, 2), 2);
            let ws: Vec<Decimal> = weights.iter().map(|w| Decimal::from(*w)).collect();
            let parts = r.allocate(total, &ws).unwrap();
            let sum: Decimal = parts.iter().map(|p| p.amount()).sum();
            prop_assert_eq!(sum, total.amount());
            // No part strays more than one fen from its exact share.
            let wsum: Decimal = ws.iter().sum();
            for (p, w) in parts.iter().zip(&ws) {
                let exact = total.amount() * w / wsum;
                prop_assert!((p.amount() - exact).abs() < Decimal::new(1, 2));
            }
        }
    }
}
