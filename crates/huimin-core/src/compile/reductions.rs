//! Reductions: waivers, percentages and amounts off the fees, their stacking and ceiling,
//! and who bears them.

use super::Compiler;
use crate::expr::{did_you_mean, Type};
use crate::pack::{Expr, Id, Pack, Pos, Stacking};
use crate::policy::{Cut, Group, PackScope, Reduction, Split};
use rust_decimal::Decimal;

/// The pack's reduction group.
pub(super) fn compile(
    pack: &Pack,
    c: &mut Compiler,
    scope: &PackScope,
    splits: &[Split],
) -> Group<Reduction> {
    let mut reductions = Group {
        stacking: Stacking::Add,
        ceiling: None,
        rules: Vec::new(),
    };
    if let Some(g) = &pack.reductions {
        reductions.stacking = g.stacking;
        reductions.ceiling = c.opt(&g.ceiling, Type::Num, scope).ok().flatten();
        c.unique_ids("reduction", g.rules.iter().map(|r| &r.id));
        for r in &g.rules {
            let when = c.expr(&r.when, Type::Bool, scope);
            let cut = match (r.waive, &r.percent, &r.amount) {
                (true, None, None) => Some(Cut::Waive),
                (false, Some(p), None) => c.expr(p, Type::Num, scope).map(Cut::Percent),
                (false, None, Some(a)) => c.expr(a, Type::Num, scope).map(Cut::Amount),
                _ => {
                    c.error_at(Pos::of(&r.id), "invalid", format!("reduction `{}` needs exactly one of `waive: true`, `percent`, `amount`", r.id.value), None);
                    None
                }
            };
            if let Some(Cut::Percent(p)) = &cut {
                if p.constant()
                    .is_some_and(|v| v < Decimal::ZERO || v > Decimal::ONE_HUNDRED)
                {
                    c.error_at(
                        Pos::of(r.percent.as_ref().unwrap_or(&r.id.clone().map_source())),
                        "invalid",
                        format!(
                            "reduction `{}`: a percentage must be between 0 and 100",
                            r.id.value
                        ),
                        None,
                    );
                }
            }
            let applies_to: Vec<usize> = r
                .applies_to
                .iter()
                .flatten()
                .filter_map(|id| fee_index(pack, c, id))
                .collect();
            let borne_by = r.borne_by.as_ref().and_then(|s| c.split(splits, s));
            let cap = c.opt(&r.cap, Type::Num, scope);
            if let (Some(when), Some(cut), Ok(cap)) = (when, cut, cap) {
                let cut_expr = match &cut {
                    Cut::Waive => None,
                    Cut::Percent(e) | Cut::Amount(e) => Some(e),
                };
                let exprs = [Some(&when), cut_expr, cap.as_ref()];
                let head = c.head(&r.id, &r.label, &r.cite, &exprs);
                reductions.rules.push(Reduction {
                    head,
                    when,
                    cut,
                    cap,
                    applies_to,
                    borne_by,
                });
            }
        }
    }

    reductions
}

/// The index of a fee a reduction applies to.
fn fee_index(pack: &Pack, c: &mut Compiler, id: &Id) -> Option<usize> {
    let i = pack.fees.iter().position(|f| f.id.value == id.value);
    if i.is_none() {
        let hint = did_you_mean(&id.value, pack.fees.iter().map(|f| f.id.value.as_str()));
        c.error_at(
            Pos::of(id),
            "unknown_name",
            format!("`{}` is not a fee rule", id.value),
            hint,
        );
    }
    i
}

trait MapSource {
    fn map_source(self) -> Expr;
}
impl MapSource for Id {
    fn map_source(self) -> Expr {
        Expr {
            value: crate::pack::Source(self.value),
            referenced: self.referenced,
            defined: self.defined,
        }
    }
}
