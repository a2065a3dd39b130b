//! Eligibility requirements, categories and priority groups: named conditions.

use super::Compiler;
use crate::expr::Type;
use crate::pack;
use crate::policy::{Cond, PackScope};

/// A list of conditions (`what` names the list in errors).
pub(super) fn compile(
    c: &mut Compiler,
    scope: &PackScope,
    list: &[pack::Condition],
    what: &str,
) -> Vec<Cond> {
    c.unique_ids(what, list.iter().map(|x| &x.id));
    list.iter()
        .filter_map(|x| {
            let when = c.expr(&x.when, Type::Bool, scope)?;
            let head = c.head(&x.id, &x.label, &x.cite, &[Some(&when)]);
            Some(Cond {
                head,
                when,
                reason: x.reason.clone(),
            })
        })
        .collect()
}
