//! Funding splits: each payer's share, as exact whole-number weights.

use super::Compiler;
use crate::money::Shares;
use crate::pack::{Id, Pack, Pos};
use crate::policy::Split;
use crate::text::{Name, Text};
use rust_decimal::Decimal;

/// Each split of the pack, its payers resolved and its weights made whole numbers.
pub(super) fn compile(pack: &Pack, c: &mut Compiler, payers: &[(Name, Text)]) -> Vec<Split> {
    let mut splits = Vec::new();
    for (id, s) in &pack.splits {
        let mut parts = Vec::new();
        let mut total = Decimal::ZERO;
        for (payer, w) in &s.parts.value {
            let pid = Id {
                value: payer.clone(),
                referenced: s.parts.referenced,
                defined: s.parts.defined,
            };
            if let Some(i) = c.payer(payers, &pid) {
                if w.0.is_sign_negative() {
                    c.error_at(
                        Pos::of(&s.parts),
                        "invalid",
                        format!("split `{id}`: payer `{payer}` has a negative share {}", w.0),
                        None,
                    );
                }
                match total.checked_add(w.0) {
                    Some(t) => total = t,
                    None => c.error_at(
                        Pos::of(&s.parts),
                        "limit",
                        format!("split `{id}`: the shares add up beyond the decimal range"),
                        None,
                    ),
                }
                parts.push((i, w.0));
            }
        }
        if total <= Decimal::ZERO {
            c.error_at(
                Pos::of(&s.parts),
                "invalid",
                format!("split `{id}`: the shares must add up to more than zero"),
                None,
            );
        }
        let cite = c.cite(&s.cite);
        let weights: Vec<Decimal> = parts.iter().map(|(_, w)| *w).collect();
        let shares = Shares::new(&weights);
        if shares.is_none() && total > Decimal::ZERO {
            c.error_at(
                Pos::of(&s.parts),
                "invalid",
                format!("split `{id}`: the shares cannot be used to divide money exactly"),
                None,
            );
        }
        splits.push(Split {
            id: id.into(),
            payers: parts.iter().map(|(p, _)| *p).collect(),
            shares: shares.unwrap_or_else(Shares::whole),
            cite,
        });
    }
    splits
}
