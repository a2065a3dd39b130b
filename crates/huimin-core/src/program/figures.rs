//! Aggregate figures as the seeds report them: shares in percent, and the whole a reported
//! share implies.

use rust_decimal::{Decimal, RoundingStrategy};

/// `part ÷ whole` in percent, rounded half up to `places` decimals; `None` when `whole` is 0.
///
/// Seed 000: 38037 of 50549 pupils → `75.2` (38037 ÷ 50549 = 0.75248 → 75.2%).
pub fn percent(part: Decimal, whole: Decimal, places: u32) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    let p = part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)?;
    Some(p.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero))
}

/// The wholes that a reported share implies: every `whole` for which `part ÷ whole`, in
/// percent rounded half up to as many decimals as `reported` has, gives `reported`. Returns
/// the least and the greatest such whole, or `None` when there is none.
///
/// Seed 000: 10411 teachers are 80.56% of the teachers → 12923 or 12924 teachers.
pub fn implied_whole(part: u64, reported: Decimal) -> Option<(u64, u64)> {
    if reported <= Decimal::ZERO || part == 0 {
        return None;
    }
    let places = reported.scale();
    if places >= 27 {
        return None;
    }
    let half = Decimal::new(5, places + 1);
    let part_d = Decimal::from(part);
    let scaled = part_d.checked_mul(Decimal::ONE_HUNDRED)?;
    // part × 100 ÷ (reported + half) < whole ≤ part × 100 ÷ (reported − half): scan that window
    // (one unit wider on each side) and keep the wholes that really round to `reported`.
    let lo = scaled.checked_div(reported.checked_add(half)?)?.floor();
    let hi = match reported.checked_sub(half)? {
        d if d > Decimal::ZERO => scaled.checked_div(d)?.ceil(),
        _ => return None,
    };
    let lo = u64::try_from(lo).ok()?.saturating_sub(1).max(1);
    let hi = u64::try_from(hi).ok()?.saturating_add(1);
    if hi.saturating_sub(lo) > 1_000_000 {
        return None;
    }
    let fits: Vec<u64> = (lo..=hi)
        .filter(|w| percent(part_d, Decimal::from(*w), places) == Some(reported))
        .collect();
    Some((*fits.first()?, *fits.last()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pilot_participation_is_75_2_percent() {
        assert_eq!(
            percent(38037.into(), 50549.into(), 1),
            Some(Decimal::new(752, 1))
        );
    }

    #[test]
    fn teachers_at_80_56_percent_imply_12923_or_12924() {
        // 10411 ÷ 12923 = 80.5618% and 10411 ÷ 12924 = 80.5555% both round to 80.56;
        // 10411 ÷ 12922 = 80.5680% (80.57) and 10411 ÷ 12925 = 80.5493% (80.55) do not.
        assert_eq!(
            implied_whole(10411, Decimal::new(8056, 2)),
            Some((12923, 12924))
        );
        assert_eq!(implied_whole(0, Decimal::new(8056, 2)), None);
        assert_eq!(percent(1.into(), 0.into(), 1), None);
    }
}
