//! Entitlements: counted services, not money.

use super::Compiler;
use crate::expr::Type;
use crate::pack::Pack;
use crate::policy::{Entitlement, PackScope};

/// Each entitlement rule of the pack.
pub(super) fn compile(pack: &Pack, c: &mut Compiler, scope: &PackScope) -> Vec<Entitlement> {
    c.unique_ids("entitlement", pack.entitlements.iter().map(|e| &e.id));
    let mut entitlements = Vec::new();
    for e in &pack.entitlements {
        let when = c.opt(&e.when, Type::Bool, scope);
        let count = c.expr(&e.count, Type::Num, scope);
        if let (Ok(when), Some(count)) = (when, count) {
            let head = c.head(&e.id, &e.label, &e.cite, &[when.as_ref(), Some(&count)]);
            entitlements.push(Entitlement {
                head,
                when,
                count,
                at_least: e.at_least,
                per: e.per,
            });
        }
    }

    entitlements
}
