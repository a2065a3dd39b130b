//! Static checks of a compiled pack (`huimin check`): contradictions an author must fix before
//! a citizen is affected, and rules that can never apply.
//!
//! Bounds are compared on every date a parameter changes inside the pack's validity, wherever
//! both sides read only parameters and constants. Reachability is decided by a search over
//! participants built from the constants the conditions compare against (each value, its
//! neighbours and the midpoints between them, every choice, each tag present and absent):
//! when every condition involved compares single fields with such constants, that search
//! covers every case, and only then is a rule reported as unreachable. Overlapping
//! reductions are reported with the participant found, so that report is never a guess.

mod search;

use crate::error::{PackError, PackErrors, Severity};
use crate::expr::eval::Env;
use crate::expr::{Binding, Expression, TagSet, Type};
use crate::pack::{self, Expr, Id, Pos, SplitForm, Stacking};
use crate::policy::{Cut, PackScope, Policy};
use crate::text::excerpt;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use search::Search;
use std::collections::BTreeSet;

/// Every lint, on a policy that compiled: its errors, which refuse it, or its warnings, in
/// source order.
pub(crate) fn check(file: &str, policy: &Policy) -> Result<Vec<PackError>, PackErrors> {
    let mut l = Lints {
        file,
        found: Vec::new(),
    };
    let dates = l.dates(policy);
    l.split_shares(policy);
    l.yaml11(policy);
    l.vocabulary(policy);
    l.uncited_values(policy);
    l.bounds(policy, &dates);
    l.uplift_bounds(policy, &dates);
    l.subsidy_ceilings(policy, &dates);
    let search = Search::new(policy, &dates);
    l.overlapping_reductions(policy, &search);
    l.reachability(policy, &search);
    if search.over_budget() {
        l.push(
            Severity::Warning,
            Pos::of(&policy.pack.id),
            "not_checked",
            format!(
                "not every rule was checked for overlaps and reachability: the search stops after {} condition tests so that loading stays fast",
                search::BUDGET
            ),
        );
    }
    let (mut errors, mut warnings): (Vec<_>, Vec<_>) = l
        .found
        .into_iter()
        .partition(|e| e.severity == Severity::Error);
    if !errors.is_empty() {
        crate::error::in_source_order(&mut errors);
        return Err(PackErrors(errors));
    }
    crate::error::in_source_order(&mut warnings);
    Ok(warnings)
}

struct Lints<'a> {
    file: &'a str,
    found: Vec<PackError>,
}

/// A date on which parameters are compared, with their values in force.
struct DatePoint {
    date: NaiveDate,
    params: Vec<Option<Decimal>>,
}

impl Lints<'_> {
    fn push(&mut self, severity: Severity, pos: Pos, code: &'static str, message: String) {
        self.found
            .push(pos.problem(self.file, severity, code, message));
    }

    /// The pack's first day and every day inside its validity on which a parameter changes.
    fn dates(&self, p: &Policy) -> Vec<DatePoint> {
        let mut days: BTreeSet<NaiveDate> = BTreeSet::from([p.valid_from]);
        for param in &p.params {
            for from in param.values.iter().map(|v| v.from) {
                if from > p.valid_from && p.valid_until.is_none_or(|u| from <= u) {
                    days.insert(from);
                }
            }
        }
        days.into_iter()
            .filter_map(|date| {
                Some(DatePoint {
                    date,
                    params: p.params_at(date).ok()?.to_vec(),
                })
            })
            .collect()
    }

    /// `shares` must add up to exactly 1.
    fn split_shares(&mut self, p: &Policy) {
        for (id, s) in &p.pack.splits {
            if s.form != SplitForm::Shares {
                continue;
            }
            let total: Decimal = s.parts.value.values().map(|d| d.0).sum();
            if total != Decimal::ONE {
                self.push(
                    Severity::Error,
                    Pos::of(&s.parts),
                    "split_sum",
                    format!(
                        "split `{id}`: the shares add up to {}, not 1 (write ratios under `parts` instead of `shares` if they need not)",
                        total.normalize()
                    ),
                );
            }
        }
    }

    /// A local tag or input that is a term of the shared vocabulary under another name: a
    /// household record written in the vocabulary would not fit this pack.
    fn vocabulary(&mut self, p: &Policy) {
        use crate::model::{
            field_named, standard_field, standard_tag, tag_named, STANDARD_FIELDS, STANDARD_TAGS,
        };
        for (id, label) in &p.tags {
            if standard_tag(id).is_some() {
                continue;
            }
            let same = tag_named(id).or_else(|| {
                STANDARD_TAGS
                    .iter()
                    .find(|t| t.zh == label.zh || t.aliases.contains(&label.zh.as_str()))
            });
            if let Some(t) = same {
                self.push(
                    Severity::Warning,
                    Pos::of(&p.pack.id),
                    "vocabulary",
                    format!(
                        "tag `{id}` ({}) is the shared vocabulary's `{}` ({}): name it `{}` so that one household record fits every pack",
                        label.zh, t.id, t.zh, t.id
                    ),
                );
            }
        }
        let period = serde_json::to_value(p.period)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        for f in &p.fields {
            if let Some(per) = standard_field(&f.name).and_then(|s| s.per) {
                if per != period {
                    self.push(
                        Severity::Warning,
                        Pos::of(&p.pack.id),
                        "period",
                        format!(
                            "input `{}` counts a {per} and the pack's period is a {period}: read the quantity of the pack's period, or convert with a number the pack states",
                            f.name
                        ),
                    );
                }
            }
            if standard_field(&f.name).is_some() {
                continue;
            }
            let same = field_named(&f.name)
                .or_else(|| STANDARD_FIELDS.iter().find(|s| s.zh == f.label.zh));
            if let Some(s) = same {
                self.push(
                    Severity::Warning,
                    Pos::of(&p.pack.id),
                    "vocabulary",
                    format!(
                        "input `{}` ({}) is the shared vocabulary's `{}` ({}): name it `{}` so that one household record fits every pack",
                        f.name, f.label.zh, s.name, s.zh, s.name
                    ),
                );
            }
        }
    }

    /// A dated value should cite the clause that sets it (a value an authority sets comes from
    /// the deployment's values file instead).
    /// Keys and values a YAML 1.1 reader (PyYAML, many editors) reads otherwise than huimin.
    fn yaml11(&mut self, p: &Policy) {
        for (line, column, message) in pack::yaml11_traps(&p.origin.text) {
            self.push(Severity::Warning, Pos { line, column }, "yaml11", message);
        }
    }

    fn uncited_values(&mut self, p: &Policy) {
        for (name, decl) in p.pack.parameters.iter().filter(|(_, d)| d.set_by.is_none()) {
            for v in decl.values.value.iter().filter(|v| v.cite.is_none()) {
                self.push(
                    Severity::Warning,
                    Pos::of(&decl.values),
                    "no_citation",
                    format!(
                        "parameter `{name}`: the value from {} cites no clause",
                        v.from
                    ),
                );
            }
        }
    }

    /// A floor above its cap or ceiling, on some date.
    fn bounds(&mut self, p: &Policy, dates: &[DatePoint]) {
        for (fee, src) in p.fees.iter().zip(&p.pack.fees) {
            if let (Some(cap), Some(floor), Some(at)) = (&fee.cap, &fee.floor, &src.floor) {
                self.floor_above(
                    dates,
                    cap,
                    floor,
                    at,
                    &format!("fee `{}`", fee.head.id),
                    "cap",
                );
            }
        }
        for (s, src) in p.subsidies.rules.iter().zip(subsidy_sources(p)) {
            if let (Some(ceiling), Some(floor), Some(at)) = (&s.ceiling, &s.floor, &src.floor) {
                let what = format!("subsidy `{}`", s.head.id);
                self.floor_above(dates, ceiling, floor, at, &what, "ceiling");
            }
        }
    }

    fn floor_above(
        &mut self,
        dates: &[DatePoint],
        top: &Expression,
        floor: &Expression,
        at: &Expr,
        what: &str,
        top_word: &str,
    ) {
        for d in dates {
            if let (Some(t), Some(f)) = (fixed(top, d), fixed(floor, d)) {
                if f > t {
                    let message = format!(
                        "{what}: floor {} is above {top_word} {} from {} (`{}` vs `{}`)",
                        f.normalize(),
                        t.normalize(),
                        d.date,
                        excerpt(&floor.source, 120),
                        excerpt(&top.source, 120)
                    );
                    self.push(Severity::Error, Pos::of(at), "bounds", message);
                    return;
                }
            }
        }
    }

    /// An uplift above the bound its document states (`max_percent`).
    fn uplift_bounds(&mut self, p: &Policy, dates: &[DatePoint]) {
        let choice_ids = p
            .fields
            .iter()
            .map(|f| f.choices.iter().map(|(id, _)| id.clone()).collect())
            .collect();
        let scope = PackScope {
            fields: &p.fields,
            tags: &p.tags,
            params: &p.params,
            choice_ids,
        };
        for (s, src) in p.subsidies.rules.iter().zip(subsidy_sources(p)) {
            let (Some((_, percent)), Some(u)) = (&s.uplift, &src.uplift) else {
                continue;
            };
            let Some(max_src) = &u.max_percent else {
                continue;
            };
            let max = match Expression::compile_with(&max_src.value.0, Type::Num, &scope, &p.limits)
            {
                Ok(m) => m,
                Err(e) => {
                    let message = format!("in `{}`: {}", max_src.value.0, e.message);
                    self.push(Severity::Error, Pos::of(max_src), e.code, message);
                    continue;
                }
            };
            for d in dates {
                if let (Some(pc), Some(m)) = (fixed(percent, d), fixed(&max, d)) {
                    if pc > m {
                        let message = format!(
                            "subsidy `{}`: uplift {}% is above its bound {}% (`max_percent`) from {}",
                            s.head.id,
                            pc.normalize(),
                            m.normalize(),
                            d.date
                        );
                        self.push(
                            Severity::Error,
                            Pos::of(&u.percent),
                            "uplift_bound",
                            message,
                        );
                        break;
                    }
                }
            }
        }
    }

    /// A subsidy that always gives more than its own ceiling, or can give more than the
    /// subsidies' ceiling, so the rule's amount is never what it says.
    fn subsidy_ceilings(&mut self, p: &Policy, dates: &[DatePoint]) {
        for (s, src) in p.subsidies.rules.iter().zip(subsidy_sources(p)) {
            let Some(amount_src) = &src.amount else {
                continue;
            };
            for d in dates {
                let Some(amount) = s.amount.as_ref().and_then(|a| fixed(a, d)) else {
                    break;
                };
                if let Some(own) = s.ceiling.as_ref().and_then(|c| fixed(c, d)) {
                    if amount > own {
                        let message = format!(
                            "subsidy `{}`: amount {} is above its own ceiling {} from {}, so it is never paid as written",
                            s.head.id,
                            amount.normalize(),
                            own.normalize(),
                            d.date
                        );
                        self.push(
                            Severity::Error,
                            Pos::of(amount_src),
                            "above_ceiling",
                            message,
                        );
                        break;
                    }
                }
                let group = p.subsidies.ceiling.as_ref().and_then(|c| fixed(c, d));
                let at_least = s
                    .floor
                    .as_ref()
                    .and_then(|f| fixed(f, d))
                    .map_or(amount, |f| f.max(amount));
                let capped = s
                    .ceiling
                    .as_ref()
                    .and_then(|c| fixed(c, d))
                    .map_or(at_least, |c| c.min(at_least));
                if let Some(g) = group.filter(|g| capped > *g) {
                    let message = format!(
                        "subsidy `{}` gives {} from {}, above the subsidies' ceiling {}",
                        s.head.id,
                        capped.normalize(),
                        d.date,
                        g.normalize()
                    );
                    self.push(
                        Severity::Error,
                        Pos::of(amount_src),
                        "above_ceiling",
                        message,
                    );
                    break;
                }
            }
        }
    }

    /// Under `add` stacking, reductions one participant gets together that take more than
    /// the whole fee: the sum would put the fee below zero and is cut at the fee instead.
    fn overlapping_reductions(&mut self, p: &Policy, search: &Search) {
        let g = &p.reductions;
        if g.stacking != Stacking::Add || g.ceiling.is_some() || g.rules.len() < 2 {
            return;
        }
        let conds: Vec<&Expression> = g.rules.iter().map(|r| &r.when).collect();
        let found = search.find(p, &conds, |d, holds| {
            // Percent of the fee each matching rule takes, in order, where it is fixed. A
            // waiver that comes last takes what is left, as intended; one that comes before
            // another matching rule leaves it nothing.
            let mut total = Decimal::ZERO;
            let mut taken: Vec<&str> = Vec::new();
            let mut waived_by: Option<&str> = None;
            for (r, on) in g.rules.iter().zip(holds) {
                if !on {
                    continue;
                }
                if let Some(w) = waived_by {
                    return Some(format!(
                        "`{w}` waives the whole fee before `{}` applies",
                        r.head.id
                    ));
                }
                match &r.cut {
                    Cut::Waive => waived_by = Some(&r.head.id),
                    Cut::Percent(e) => {
                        if let Some(s) = fixed(e, d).filter(|s| *s > Decimal::ZERO) {
                            total = total.saturating_add(s);
                            taken.push(&r.head.id);
                        }
                    }
                    Cut::Amount(_) => {}
                }
            }
            (total > Decimal::ONE_HUNDRED).then(|| {
                format!(
                    "`{}` together take {}% of the fee",
                    taken.join("` and `"),
                    total.normalize()
                )
            })
        });
        if let (Some((what, witness)), Some(src)) = (found, &p.pack.reductions) {
            let message = format!(
                "reductions stack by `add` and overlap: for {witness}, {what}; the fee would go below zero (use `stacking: highest`, a `ceiling`, or conditions that exclude each other)"
            );
            let pos = src
                .rules
                .first()
                .map_or_else(Pos::default, |r| Pos::of(&r.id));
            self.push(Severity::Error, pos, "reductions_overlap", message);
        }
    }

    /// Categories that can never match and rules that can never apply.
    fn reachability(&mut self, p: &Policy, search: &Search) {
        let mut earlier: Vec<&Expression> = Vec::new();
        for (c, src) in p.categories.iter().zip(&p.pack.categories) {
            if search.never(p, &earlier, &c.when) {
                let message = if earlier.is_empty() {
                    format!(
                        "category `{}` can never match: no eligible participant meets `{}`",
                        c.head.id,
                        excerpt(&c.when.source, 120)
                    )
                } else {
                    format!("category `{}` can never match: every eligible participant who meets `{}` matches an earlier category", c.head.id, excerpt(&c.when.source, 120))
                };
                self.push(
                    Severity::Warning,
                    Pos::of(&src.when),
                    "never_matches",
                    message,
                );
            }
            earlier.push(&c.when);
        }
        let mut rules: Vec<(&str, &Id, &Expr, &Expression, Vec<&Expression>)> = Vec::new();
        for (c, src) in p.priority.iter().zip(&p.pack.priority) {
            rules.push(("priority group", &src.id, &src.when, &c.when, Vec::new()));
        }
        for (f, src) in p.fees.iter().zip(&p.pack.fees) {
            if let (Some(w), Some(at)) = (&f.when, &src.when) {
                rules.push(("fee", &src.id, at, w, Vec::new()));
            }
        }
        if let Some(g) = &p.pack.reductions {
            let mut before = Vec::new();
            for (r, src) in p.reductions.rules.iter().zip(&g.rules) {
                let shadow = if p.reductions.stacking == Stacking::First {
                    before.clone()
                } else {
                    Vec::new()
                };
                rules.push(("reduction", &src.id, &src.when, &r.when, shadow));
                before.push(&r.when);
            }
        }
        for (s, src) in p.subsidies.rules.iter().zip(subsidy_sources(p)) {
            if let (Some(w), Some(at)) = (&s.when, &src.when) {
                let mut shadow: Vec<&Expression> = s.unless.iter().collect();
                if p.subsidies.stacking == Stacking::First {
                    let i = p
                        .subsidies
                        .rules
                        .iter()
                        .take_while(|x| x.head.id != s.head.id);
                    shadow.extend(i.filter_map(|x| x.when.as_ref()));
                }
                rules.push(("subsidy", &src.id, at, w, shadow));
            }
        }
        for (e, src) in p.entitlements.iter().zip(&p.pack.entitlements) {
            if let (Some(w), Some(at)) = (&e.when, &src.when) {
                rules.push(("entitlement", &src.id, at, w, Vec::new()));
            }
        }
        for (d, src) in p.documents.iter().zip(&p.pack.documents) {
            if let (Some(w), Some(at)) = (&d.when, &src.when) {
                rules.push(("document", &src.id, at, w, Vec::new()));
            }
        }
        for (what, id, at, when, shadow) in rules {
            if search.never(p, &shadow, when) {
                let message = if shadow.is_empty() {
                    format!(
                        "{what} `{}` can never apply: no eligible participant meets `{}`",
                        id.value,
                        excerpt(&when.source, 120)
                    )
                } else {
                    format!("{what} `{}` can never apply: every eligible participant who meets `{}` is taken by an earlier rule or its `unless`", id.value, excerpt(&when.source, 120))
                };
                self.push(Severity::Warning, Pos::of(at), "unreachable", message);
            }
        }
    }
}

fn subsidy_sources(p: &Policy) -> &[pack::SubsidyRule] {
    p.pack
        .subsidies
        .as_ref()
        .map_or(&[], |g| g.rules.as_slice())
}

/// The value of an expression that reads only parameters and constants, on a date.
fn fixed(e: &Expression, d: &DatePoint) -> Option<Decimal> {
    if !e.reads.iter().all(|b| matches!(b, Binding::Param(_))) {
        return None;
    }
    let env = Env {
        fields: &[],
        tags: &TagSet::default(),
        params: &d.params,
        as_of: d.date,
        category: None,
    };
    e.node.num(&env).ok()
}
