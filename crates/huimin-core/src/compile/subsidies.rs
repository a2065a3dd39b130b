//! Subsidies: an amount or capped components, an uplift, a floor and a ceiling, their
//! stacking and group ceiling, and who pays them.

use super::Compiler;
use crate::expr::{Expression, Type};
use crate::pack::{Pack, Pos, Stacking};
use crate::policy::{Component, Group, PackScope, Payment, Split, Subsidy};
use crate::text::{Name, Text};

/// The pack's subsidy group.
pub(super) fn compile(
    pack: &Pack,
    c: &mut Compiler,
    scope: &PackScope,
    payers: &[(Name, Text)],
    splits: &[Split],
) -> Group<Subsidy> {
    let mut subsidies = Group {
        stacking: Stacking::Add,
        ceiling: None,
        rules: Vec::new(),
    };
    if let Some(g) = &pack.subsidies {
        subsidies.stacking = g.stacking;
        subsidies.ceiling = c.opt(&g.ceiling, Type::Num, scope).ok().flatten();
        c.unique_ids("subsidy", g.rules.iter().map(|r| &r.id));
        for s in &g.rules {
            let when = c.opt(&s.when, Type::Bool, scope);
            let unless = c.opt(&s.unless, Type::Bool, scope);
            let amount = c.opt(&s.amount, Type::Num, scope);
            if s.amount.is_some() != s.components.is_empty() {
                c.error_at(
                    Pos::of(&s.id),
                    "invalid",
                    format!(
                        "subsidy `{}` needs either `amount` or `components`",
                        s.id.value
                    ),
                    None,
                );
            }
            let mut components = Vec::new();
            for comp in &s.components {
                let a = c.expr(&comp.amount, Type::Num, scope);
                let cap = c.opt(&comp.cap, Type::Num, scope);
                c.cite(&comp.cite);
                if let (Some(amount), Ok(cap)) = (a, cap) {
                    components.push(Component {
                        id: comp.id.value.clone(),
                        amount,
                        cap,
                    });
                }
            }
            let uplift = s.uplift.as_ref().and_then(|u| {
                c.cite(&u.cite);
                Some((
                    c.expr(&u.when, Type::Bool, scope)?,
                    c.expr(&u.percent, Type::Num, scope)?,
                ))
            });
            let floor = c.opt(&s.floor, Type::Num, scope);
            let ceiling = c.opt(&s.ceiling, Type::Num, scope);
            let payment = match (&s.split, &s.payer) {
                (Some(sp), None) => c.split(splits, sp).map(Payment::Split),
                (None, Some(p)) => c.payer(payers, p).map(Payment::Payer),
                (None, None) => Some(Payment::Unassigned),
                (Some(_), Some(_)) => {
                    c.error_at(
                        Pos::of(&s.id),
                        "invalid",
                        format!(
                            "subsidy `{}` has both `split` and `payer`: give one",
                            s.id.value
                        ),
                        None,
                    );
                    None
                }
            };
            if let (Ok(when), Ok(unless), Ok(amount), Ok(floor), Ok(ceiling), Some(payment)) =
                (when, unless, amount, floor, ceiling, payment)
            {
                if let (Some(f), Some(cl)) = (
                    floor.as_ref().and_then(Expression::constant),
                    ceiling.as_ref().and_then(Expression::constant),
                ) {
                    if f > cl {
                        c.error_at(
                            Pos::of(&s.id),
                            "invalid",
                            format!("subsidy `{}`: floor {f} is above ceiling {cl}", s.id.value),
                            None,
                        );
                    }
                }
                let mut exprs: Vec<Option<&Expression>> = vec![
                    when.as_ref(),
                    unless.as_ref(),
                    amount.as_ref(),
                    floor.as_ref(),
                    ceiling.as_ref(),
                ];
                exprs.extend(uplift.iter().flat_map(|(a, b)| [Some(a), Some(b)]));
                exprs.extend(
                    components
                        .iter()
                        .flat_map(|k| [Some(&k.amount), k.cap.as_ref()]),
                );
                let head = c.head(&s.id, &s.label, &s.cite, &exprs);
                subsidies.rules.push(Subsidy {
                    head,
                    when,
                    unless,
                    amount,
                    components,
                    uplift,
                    floor,
                    ceiling,
                    payment,
                });
            }
        }
    }

    subsidies
}
