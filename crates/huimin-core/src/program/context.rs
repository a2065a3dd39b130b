//! What every check of a program audit shares: the program, its pack, the open days, and
//! what was found — the context the accounts, fees, schedule and staffing checks write to.

use super::report::{Finding, FindingSeverity, Subject};
use super::{load, ProgramFile};
use crate::decision::Citation;
use crate::error::{Error, EvalError, PackError};
use crate::expr::eval::Env;
use crate::expr::{Binding, Expression, Scope, TagSet, Type};
use crate::money::Money;
use crate::pack::{Dec, Expr, Id, Pos};
use crate::policy::Param;
use crate::policy::Policy;
use crate::text::Text;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_saphyr::Spanned;
use std::sync::Arc;

/// What every check shares: the program, its pack, the open days, and what was found.
pub(crate) struct Ctx<'a> {
    pub program: &'a ProgramFile,
    pub policy: &'a Policy,
    pub file: &'a str,
    pub as_of: NaiveDate,
    pub days: Vec<NaiveDate>,
    pub findings: Vec<Finding>,
    pub errors: Vec<PackError>,
}

impl Ctx<'_> {
    /// The citation of a clause id.
    pub fn cite(&self, c: &Option<Id>) -> Option<Arc<Citation>> {
        let c = c.as_ref()?;
        self.policy
            .citations
            .iter()
            .find(|x| x.id == c.value)
            .cloned()
    }

    /// Records a finding.
    pub fn find(
        &mut self,
        check: &str,
        rule: &str,
        severity: FindingSeverity,
        subject: Subject,
        message: Text,
        cite: &Option<Id>,
    ) {
        let cite = self.cite(cite);
        self.findings.push(Finding {
            check: check.to_owned(),
            rule: rule.to_owned(),
            severity,
            subject,
            message,
            cite,
        });
    }

    /// The value, as of the term's first day, of a program rule's expression over the pack's
    /// parameters (a stipend rate, an average's floor). The pack's check compiled it already.
    pub fn param_expr(&self, rule: &str, src: &Expr) -> Result<Decimal, Error> {
        let fail = |what: String| {
            Error::Eval(EvalError::Arithmetic {
                rule: rule.to_owned(),
                what,
            })
        };
        let policy = self.policy;
        let scope = ParamScope(&policy.params);
        let expr =
            Expression::compile(&src.value.0, Type::Num, &scope).map_err(|e| fail(e.message))?;
        let params = policy.params_at(self.as_of)?;
        let env = Env {
            fields: &[],
            tags: &TagSet::default(),
            params,
            as_of: self.as_of,
            category: None,
        };
        expr.node.num(&env).map_err(|f| fail(f.to_string()))
    }

    /// Records an error in the program file.
    pub fn error(&mut self, pos: Pos, message: String) {
        self.errors
            .push(load::error_at(self.file, pos, "invalid", message));
    }

    /// An amount of the program file as money at the pack's scale; more decimals than the
    /// scale, or a negative amount, is an error.
    pub fn money(&mut self, d: &Spanned<Dec>, what: &str) -> Money {
        let r = self.policy.rounding();
        let m = r.round(d.value.0);
        if m.amount() != d.value.0 || d.value.0.is_sign_negative() {
            self.error(
                Pos::of(d),
                format!(
                    "{what}: {} is not a non-negative amount with at most {} decimals",
                    d.value.0, r.scale
                ),
            );
        }
        m
    }

    /// A zero amount at the pack's scale.
    pub fn zero(&self) -> Money {
        Money::zero(self.policy.rounding().scale)
    }
}

/// Names a program rule's amount may read: the pack's parameters and `as_of`.
struct ParamScope<'a>(&'a [Param]);

impl Scope for ParamScope<'_> {
    fn lookup(&self, name: &str) -> Option<Binding> {
        match name {
            "as_of" => Some(Binding::AsOf),
            "category" => Some(Binding::Category),
            _ => self
                .0
                .iter()
                .position(|p| p.head.id == name)
                .map(Binding::Param),
        }
    }
    fn tag(&self, _: &str) -> Option<u32> {
        None
    }
    fn choices(&self, _: &str) -> Option<&[String]> {
        None
    }
    fn names(&self) -> Vec<String> {
        self.0.iter().map(|p| p.head.id.to_string()).collect()
    }
    fn tag_names(&self) -> Vec<&str> {
        Vec::new()
    }
}

/// The severity of a breach of a rule the source states firmly (a violation), "in principle"
/// (a warning), or as something a program may do (a note).
pub(crate) fn severity(in_principle: bool) -> FindingSeverity {
    if in_principle {
        FindingSeverity::Warning
    } else {
        FindingSeverity::Violation
    }
}

/// The severity of not keeping a program rule: a note when the source only allows it.
pub(crate) fn rule_severity(in_principle: bool, may: bool) -> FindingSeverity {
    if may {
        FindingSeverity::Note
    } else {
        severity(in_principle)
    }
}

/// The error for a program total past `Decimal`'s range (about 7.9e28).
pub(crate) fn overflow(what: &str) -> Error {
    Error::Eval(EvalError::Arithmetic {
        rule: what.to_owned(),
        what: "arithmetic overflow in the program's totals".into(),
    })
}

/// The exact sum of program amounts; past the decimal range, an error, never a short total.
pub(crate) fn total(items: impl IntoIterator<Item = Money>, zero: Money) -> Result<Money, Error> {
    crate::money::sum(items, zero).ok_or_else(|| overflow("program totals"))
}
