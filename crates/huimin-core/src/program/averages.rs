//! Floors on averages over the participants (平均每生每年不少于500元): a payer's funds ÷ the
//! eligible participants ÷ the term's periods, against the pack's floor per period.

use super::context::{severity, Ctx};
use super::report::{MoneyReport, Subject};
use crate::error::Error;
use crate::text::Text;
use rust_decimal::Decimal;

/// Checks each average rule of the pack on the program's money.
pub(crate) fn check(cx: &mut Ctx, money: &MoneyReport, eligible: u64) -> Result<(), Error> {
    let policy = cx.policy;
    for r in &policy.pack().averages {
        let floor = cx.param_expr(&r.id.value, &r.at_least)?;
        let funds = money
            .income_by_payer
            .get(&r.payer.value)
            .map_or(Decimal::ZERO, |m| m.amount());
        let per = u64::from(cx.program.term.periods).checked_mul(eligible);
        let Some(per) = per.filter(|n| *n > 0) else {
            continue;
        };
        let Some(average) = funds.checked_div(Decimal::from(per)) else {
            continue;
        };
        if average >= floor {
            continue;
        }
        let shown = average.round_dp(2).normalize();
        let floor = floor.round_dp(2).normalize();
        let periods = cx.program.term.periods;
        cx.find(
            "average",
            &r.id.value,
            severity(r.in_principle),
            Subject::Program,
            Text::new(
                format!(
                    "{}经费{funds}元 ÷ {eligible}名学生 ÷ {periods}个期间 = 平均{shown}元，低于{floor}元",
                    r.payer.value
                ),
                format!(
                    "{} funds {funds} ÷ {eligible} participants ÷ {periods} periods = {shown} on average, under {floor}",
                    r.payer.value
                ),
            ),
            &r.cite,
        );
    }
    Ok(())
}
