//! Fees: an amount, or rate × quantity, with a cap, a limit and a floor.

use super::Compiler;
use crate::expr::{Expression, Type};
use crate::pack::{Pack, Pos};
use crate::policy::{Fee, FeeBase, PackScope};

/// Each fee rule of the pack.
pub(super) fn compile(pack: &Pack, c: &mut Compiler, scope: &PackScope) -> Vec<Fee> {
    c.unique_ids("fee", pack.fees.iter().map(|f| &f.id));
    let mut fees = Vec::new();
    for f in &pack.fees {
        let when = c.opt(&f.when, Type::Bool, scope);
        let base = match (&f.amount, &f.rate, &f.quantity) {
            (Some(a), None, None) => c.expr(a, Type::Num, scope).map(FeeBase::Amount),
            (None, Some(r), Some(q)) => {
                match (c.expr(r, Type::Num, scope), c.expr(q, Type::Num, scope)) {
                    (Some(rate), Some(quantity)) => Some(FeeBase::Rate { rate, quantity }),
                    _ => None,
                }
            }
            _ => {
                c.error_at(
                    Pos::of(&f.id),
                    "invalid",
                    format!(
                        "fee `{}` needs either `amount`, or `rate` and `quantity`",
                        f.id.value
                    ),
                    None,
                );
                None
            }
        };
        let cap = c.opt(&f.cap, Type::Num, scope);
        let limit = c.opt(&f.limit, Type::Num, scope);
        let floor = c.opt(&f.floor, Type::Num, scope);
        if let (Some(b), Ok(when), Ok(cap), Ok(limit), Ok(floor)) = (base, when, cap, limit, floor)
        {
            if let (Some(cv), Some(fv)) = (
                cap.as_ref().and_then(Expression::constant),
                floor.as_ref().and_then(Expression::constant),
            ) {
                if fv > cv {
                    c.error_at(
                        Pos::of(&f.id),
                        "invalid",
                        format!("fee `{}`: floor {fv} is above cap {cv}", f.id.value),
                        None,
                    );
                }
            }
            let (e1, e2) = match &b {
                FeeBase::Amount(a) => (Some(a), None),
                FeeBase::Rate { rate, quantity } => (Some(rate), Some(quantity)),
            };
            let head = c.head(
                &f.id,
                &f.label,
                &f.cite,
                &[
                    when.as_ref(),
                    e1,
                    e2,
                    cap.as_ref(),
                    limit.as_ref(),
                    floor.as_ref(),
                ],
            );
            fees.push(Fee {
                head,
                when,
                base: b,
                cap,
                limit,
                floor,
            });
        }
    }

    fees
}
