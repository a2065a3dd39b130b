//! Documents to submit: which applicants bring which certificate.

use super::Compiler;
use crate::expr::Type;
use crate::pack::Pack;
use crate::policy::{Document, PackScope};

/// Each document of the pack.
pub(super) fn compile(pack: &Pack, c: &mut Compiler, scope: &PackScope) -> Vec<Document> {
    c.unique_ids("document", pack.documents.iter().map(|d| &d.id));
    pack.documents
        .iter()
        .filter_map(|d| {
            let when = c.opt(&d.when, Type::Bool, scope).ok()?;
            let head = c.head(&d.id, &d.name, &d.cite, &[when.as_ref()]);
            Some(Document { head, when })
        })
        .collect()
}
