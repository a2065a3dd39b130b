//! Compiling a read pack into a [`Policy`]: names resolved, expressions parsed, type-checked
//! and given their lane slots, every problem reported at its line and column. One file per
//! kind of rule; nothing is evaluated here.

mod conditions;
mod documents;
mod entitlements;
mod fees;
mod inputs;
mod program;
mod reductions;
mod splits;
mod subsidies;

use crate::error::{PackError, PackErrors, Severity};
use crate::expr::{did_you_mean, Binding, Expression, TagSet, Type};
use crate::limits::Limits;
use crate::money::Rounding;
use crate::pack::{Expr, Id, Pack, Pos};
use crate::policy::{paid_by, payer_name, Head, PackScope, Policy, Split};
use crate::text::{excerpt, Label, Name, Text};

pub(crate) struct Compiler<'a> {
    file: &'a str,
    text: &'a str,
    limits: &'a Limits,
    errors: Vec<PackError>,
    warnings: Vec<PackError>,
    clause_ids: Vec<String>,
    /// The next expression slot (see [`Expression::slot`]).
    slots: u32,
    /// Whether each parameter's value is assumed, once the parameters are compiled.
    assumed: Vec<bool>,
}

impl Compiler<'_> {
    pub(super) fn error_at(
        &mut self,
        pos: Pos,
        code: &'static str,
        message: String,
        hint: Option<String>,
    ) {
        self.errors.push(PackError {
            hint,
            ..pos.problem(self.file, Severity::Error, code, message)
        });
    }

    /// An error in another file than the pack's (a values file), at `pos` there.
    pub(super) fn error_in(&mut self, file: &str, pos: Pos, code: &'static str, message: String) {
        self.errors
            .push(pos.problem(file, Severity::Error, code, message));
    }

    pub(super) fn warn_at(&mut self, pos: Pos, code: &'static str, message: String) {
        self.warnings
            .push(pos.problem(self.file, Severity::Warning, code, message));
    }

    pub(super) fn expr(&mut self, e: &Expr, want: Type, scope: &PackScope) -> Option<Expression> {
        match Expression::compile_with(&e.value.0, want, scope, self.limits) {
            Ok(mut x) => {
                x.slot = self.slots;
                self.slots = self.slots.saturating_add(1);
                Some(x)
            }
            Err(err) => {
                let pos = Pos::of(e).inside(self.text, err.offset);
                self.error_at(
                    pos,
                    err.code,
                    format!("in `{}`: {}", excerpt(&e.value.0, 120), err.message),
                    err.hint,
                );
                None
            }
        }
    }

    pub(super) fn opt(
        &mut self,
        e: &Option<Expr>,
        want: Type,
        scope: &PackScope,
    ) -> Result<Option<Expression>, ()> {
        match e {
            None => Ok(None),
            Some(e) => self.expr(e, want, scope).map(Some).ok_or(()),
        }
    }

    pub(super) fn cite(&mut self, c: &Option<Id>) -> Option<usize> {
        let c = c.as_ref()?;
        match self.clause_ids.iter().position(|k| *k == c.value) {
            Some(i) => Some(i),
            None => {
                let hint = did_you_mean(&c.value, self.clause_ids.iter().map(String::as_str));
                self.error_at(
                    Pos::of(c),
                    "unknown_name",
                    format!("`cite: {}` names no clause in `clauses`", c.value),
                    hint,
                );
                None
            }
        }
    }

    pub(super) fn head(
        &mut self,
        id: &Id,
        label: &Text,
        cite: &Option<Id>,
        exprs: &[Option<&Expression>],
    ) -> Head {
        let mut reads = Vec::new();
        for e in exprs.iter().flatten() {
            for r in &e.reads {
                if !reads.contains(r) {
                    reads.push(*r);
                }
            }
        }
        if cite.is_none() {
            self.warn_at(
                Pos::of(id),
                "no_citation",
                format!("rule `{}` cites no clause", id.value),
            );
        }
        let assumed = reads
            .iter()
            .filter_map(|r| match r {
                Binding::Param(i) if self.assumed.get(*i) == Some(&true) => Some(*i),
                _ => None,
            })
            .collect();
        Head {
            id: id.value.as_str().into(),
            label: Label::from(label.clone()),
            cite: self.cite(cite),
            reads,
            assumed,
        }
    }

    /// Refuses an id with a character outside ASCII letters, digits, `_`, `-` and `.`: a
    /// letter that only looks Latin (Cyrillic а) or an invisible one (a zero-width space)
    /// would make an id that no participant's `dibao` ever matches.
    pub(super) fn ascii_id(&mut self, pos: Pos, what: &str, id: &str) {
        let odd = id
            .chars()
            .find(|x| !(x.is_ascii_alphanumeric() || matches!(x, '_' | '-' | '.')));
        if id.is_empty() || odd.is_some() {
            let why = odd.map_or_else(
                || "it is empty".to_owned(),
                |x| format!("`{x}` (U+{:04X}) is not", u32::from(x)),
            );
            self.error_at(
                pos,
                "invalid",
                format!("{what} id `{id}`: ids are ASCII letters, digits, `_`, `-` and `.`; {why}"),
                Some("a letter that only looks Latin, or an invisible character, would make an id that never matches".into()),
            );
        }
    }

    pub(super) fn unique_ids<'b>(&mut self, what: &str, ids: impl IntoIterator<Item = &'b Id>) {
        let mut seen: Vec<&str> = Vec::new();
        for id in ids {
            self.ascii_id(Pos::of(id), what, &id.value);
            if seen.contains(&id.value.as_str()) {
                self.error_at(
                    Pos::of(id),
                    "invalid",
                    format!("duplicate {what} id `{}`", id.value),
                    None,
                );
            }
            seen.push(&id.value);
        }
    }

    /// The index of a payer named by a rule.
    fn payer(&mut self, payers: &[(Name, Text)], id: &Id) -> Option<usize> {
        let i = payers.iter().position(|(p, _)| *p == id.value);
        if i.is_none() {
            let hint = did_you_mean(&id.value, payers.iter().map(|(p, _)| p.as_str()));
            self.error_at(
                Pos::of(id),
                "unknown_name",
                format!("`{}` is not a payer in `payers`", id.value),
                hint,
            );
        }
        i
    }

    /// The index of a split named by a rule.
    fn split(&mut self, splits: &[Split], id: &Id) -> Option<usize> {
        let i = splits.iter().position(|s| s.id == id.value);
        if i.is_none() {
            let hint = did_you_mean(&id.value, splits.iter().map(|s| s.id.as_str()));
            self.error_at(
                Pos::of(id),
                "unknown_name",
                format!("`{}` is not a split in `splits`", id.value),
                hint,
            );
        }
        i
    }
}

/// Compiles a pack read from `text` (named `file` in errors) within `limits`.
pub(crate) fn compile(
    pack: Pack,
    text: &str,
    file: &str,
    limits: &Limits,
) -> Result<Policy, PackErrors> {
    let mut c = Compiler {
        file,
        text,
        limits,
        errors: Vec::new(),
        warnings: Vec::new(),
        clause_ids: pack.clauses.keys().cloned().collect(),
        slots: 0,
        assumed: Vec::new(),
    };
    let citations = inputs::citations(&pack, &mut c);
    if pack.rounding.scale > Rounding::MAX_SCALE {
        c.error_at(
            Pos::default(),
            "invalid",
            format!(
                "rounding scale {} is above the limit {}",
                pack.rounding.scale,
                Rounding::MAX_SCALE
            ),
            None,
        );
    }
    if pack.valid_until.is_some_and(|u| u < pack.valid_from) {
        c.error_at(
            Pos::of(&pack.id),
            "invalid",
            "valid_until is before valid_from".into(),
            None,
        );
    }
    let at = Pos::of(&pack.id);
    let names = [
        ("input", pack.inputs.keys().collect::<Vec<_>>()),
        ("tag", pack.tags.keys().collect()),
        ("parameter", pack.parameters.keys().collect()),
        ("payer", pack.payers.keys().collect()),
        ("split", pack.splits.keys().collect()),
        ("clause", pack.clauses.keys().collect()),
    ];
    for (what, ids) in names {
        for id in ids {
            c.ascii_id(at, what, id);
        }
    }
    for decl in pack.inputs.values() {
        for choice in decl.choices.iter().flatten() {
            c.ascii_id(at, "choice", choice);
        }
    }
    let fields = inputs::fields(&pack, &mut c);
    let tags: Vec<(String, Text)> = pack
        .tags
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if tags.len() > TagSet::CAPACITY {
        c.error_at(
            Pos::of(&pack.id),
            "limit",
            format!(
                "{} tags; a pack may have at most {}",
                tags.len(),
                TagSet::CAPACITY
            ),
            None,
        );
    }
    for name in pack.acts.keys() {
        if !fields.iter().any(|f| &f.name == name) && !tags.iter().any(|(t, _)| t == name) {
            c.error_at(
                Pos::of(&pack.id),
                "unknown_name",
                format!(
                    "`acts`: `{name}` is neither an input nor a tag of the pack \
                     `acts` 中的 `{name}` 不是本规则包的输入或标签"
                ),
                None,
            );
        }
    }
    let params = inputs::params(&pack, &mut c, &fields);
    c.assumed = params.iter().map(|p| p.assumed.is_some()).collect();
    let choice_ids = fields
        .iter()
        .map(|f| f.choices.iter().map(|(id, _)| id.clone()).collect())
        .collect();
    let scope = PackScope {
        fields: &fields,
        tags: &tags,
        params: &params,
        choice_ids,
    };

    let payers: Vec<(Name, Text)> = pack
        .payers
        .iter()
        .map(|(k, v)| (k.into(), v.clone()))
        .collect();
    let fee_payer = pack.fee_payer.as_ref().and_then(|p| c.payer(&payers, p));
    if fee_payer.is_none() && pack.fee_payer.is_none() && !pack.fees.is_empty() {
        c.error_at(
            Pos::of(&pack.id),
            "invalid",
            "a pack with fees must name its `fee_payer`".into(),
            None,
        );
    }

    let splits = splits::compile(&pack, &mut c, &payers);
    let eligibility = conditions::compile(&mut c, &scope, &pack.eligibility, "eligibility");
    let categories = conditions::compile(&mut c, &scope, &pack.categories, "category");
    let priority = conditions::compile(&mut c, &scope, &pack.priority, "priority");
    let fees = fees::compile(&pack, &mut c, &scope);
    let reductions = reductions::compile(&pack, &mut c, &scope, &splits);
    let subsidies = subsidies::compile(&pack, &mut c, &scope, &payers, &splits);
    let entitlements = entitlements::compile(&pack, &mut c, &scope);
    let documents = documents::compile(&pack, &mut c, &scope);
    program::check(&pack, &mut c, &params);
    check_plain(&pack, &mut c, &fields, &params);

    if !c.errors.is_empty() {
        crate::error::in_source_order(&mut c.errors);
        return Err(PackErrors(c.errors));
    }
    let read_names = crate::policy::ReadNames::new(&fields, &tags);
    let estimable = crate::decision::ESTIMABLE
        .iter()
        .map(|f| Name::from(*f))
        .chain(
            payers
                .iter()
                .map(|(id, _)| Name::from(format!("payers.{id}"))),
        )
        .collect();
    // A split step's header for each split (its label, else the payer of that id's name, else
    // the id) and each other payer.
    let split_headers = pack
        .splits
        .iter()
        .map(|(id, d)| {
            let name = match &d.label {
                Some(l) => (l.zh.as_str(), l.en.as_str()),
                None => payer_name(&payers, id),
            };
            (Name::from(id), paid_by(name))
        })
        .chain(
            payers
                .iter()
                .filter(|(id, _)| !pack.splits.contains_key(id.as_str()))
                .map(|(id, _)| (id.clone(), paid_by(payer_name(&payers, id)))),
        )
        .collect();
    let entailed = crate::model::STANDARD_TAGS
        .iter()
        .map(|t| {
            t.implies
                .iter()
                .filter_map(|i| crate::record::tag_slot(&tags, i))
                .collect()
        })
        .collect();
    Ok(Policy {
        paid_by: split_headers,
        entailed,
        eras: crate::policy::Era::of(&params),
        read_names,
        estimable,
        limits: *limits,
        origin: std::sync::Arc::new(crate::policy::Origin::new(text, file)),
        id: pack.id.value.as_str().into(),
        name: pack.name.clone(),
        kind: pack.kind,
        jurisdiction: pack.jurisdiction.clone(),
        valid_from: pack.valid_from,
        valid_until: pack.valid_until,
        period: pack.period,
        rounding: pack.rounding,
        fields,
        tags,
        params,
        citations,
        payers,
        fee_payer,
        eligibility,
        categories,
        priority,
        fees,
        reductions,
        subsidies,
        splits,
        entitlements,
        documents,
        warnings: c.warnings,
        slots: c.slots as usize,
        fingerprint: std::sync::OnceLock::new(),
        pack,
    })
}

/// A pack's plain sentences (`plain`) name a fee, reduction or subsidy rule, and use only
/// `{amount}` and the names of its inputs and parameters.
fn check_plain(
    pack: &Pack,
    c: &mut Compiler,
    fields: &[crate::policy::Field],
    params: &[crate::policy::Param],
) {
    let rules: Vec<&str> = pack
        .fees
        .iter()
        .map(|r| r.id.value.as_str())
        .chain(
            pack.reductions
                .iter()
                .flat_map(|g| &g.rules)
                .map(|r| r.id.value.as_str()),
        )
        .chain(
            pack.subsidies
                .iter()
                .flat_map(|g| &g.rules)
                .map(|r| r.id.value.as_str()),
        )
        .collect();
    for (rule, text) in &pack.plain {
        if !rules.contains(&rule.as_str()) {
            let hint = did_you_mean(rule, rules.iter().copied());
            c.error_at(
                Pos::of(&pack.id),
                "invalid",
                format!("plain: `{rule}` is not a fee, reduction or subsidy rule of this pack"),
                hint,
            );
        }
        for name in crate::text::placeholders(&text.zh).chain(crate::text::placeholders(&text.en)) {
            let known = name == "amount"
                || fields.iter().any(|f| f.name == name)
                || params.iter().any(|p| p.head.id == name);
            if !known {
                c.error_at(
                    Pos::of(&pack.id),
                    "invalid",
                    format!("plain.{rule}: `{{{name}}}` is not `amount` or an input or parameter of this pack"),
                    None,
                );
            }
        }
    }
}
