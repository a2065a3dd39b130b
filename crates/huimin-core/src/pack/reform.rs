//! A reform: a named change to a base pack — parameter values, rules switched off, rules
//! added or replaced, labels — with its own id and citations (the reform's own document),
//! applied to the base before it compiles. An analyst's "what if" or a draft policy, written
//! as data rather than as an edited copy of the pack.

use super::load::{check_rules, parse_file};
use super::{
    Clause, Condition, DatedValue, Dec, Document, EntitlementRule, FeeRule, Group, Id, Pack,
    ParamDecl, Pos, ReductionRule, SourceDoc, SubsidyRule,
};
use crate::error::{PackErrors, Severity};
use crate::limits::Limits;
use crate::text::Text;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// A reform file, as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reform {
    /// The reformed policy's own id (`wanzhou-2021-cap150`).
    #[schemars(with = "String")]
    pub id: Id,
    /// The id of the pack it changes.
    #[schemars(with = "String")]
    pub base: Id,
    /// The reform's name (`{zh, en}`).
    pub name: Text,
    /// What it changes and why.
    #[serde(default)]
    pub description: Option<Text>,
    /// The reform's own documents, by id (added to the base's).
    #[serde(default)]
    pub sources: BTreeMap<String, SourceDoc>,
    /// The reform's own clauses, by id; an id the base already uses is an error.
    #[serde(default)]
    pub clauses: BTreeMap<String, Clause>,
    /// Parameters changed or added, by id.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, ParamChange>")]
    pub parameters: IndexMap<String, Spanned<ParamChange>>,
    /// Rules switched off, by id.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub off: Vec<Id>,
    /// Rules added, or replacing the base's rule of the same id and stage.
    #[serde(default)]
    pub rules: RuleChanges,
    /// New labels for rules, parameters, payers or tags, by id.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, Text>")]
    pub labels: IndexMap<String, Spanned<Text>>,
}

/// A parameter's new values: `value` for every date, or dated `values` replacing the base's
/// from the first of their dates on. A parameter the base lacks is added when it has a `label`
/// (without one, a name the base lacks is taken for a misspelling and refused).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamChange {
    /// The one value, in force on every date.
    #[serde(default)]
    pub value: Option<Dec>,
    /// Values each in force from its date; the base's values from the first date on give way.
    #[serde(default)]
    pub values: Option<Vec<DatedValue>>,
    /// The clause of the reform that sets `value`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
    /// A new label.
    #[serde(default)]
    pub label: Option<Text>,
    /// A new unit.
    #[serde(default)]
    pub unit: Option<String>,
}

/// Rules a reform adds or replaces, by stage; each is written as in a pack.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleChanges {
    /// Eligibility requirements.
    #[serde(default)]
    pub eligibility: Vec<Condition>,
    /// Categories.
    #[serde(default)]
    pub categories: Vec<Condition>,
    /// Priority groups.
    #[serde(default)]
    pub priority: Vec<Condition>,
    /// Fees.
    #[serde(default)]
    pub fees: Vec<FeeRule>,
    /// Reductions (the base's stacking holds).
    #[serde(default)]
    pub reductions: Vec<ReductionRule>,
    /// Subsidies (the base's stacking holds).
    #[serde(default)]
    pub subsidies: Vec<SubsidyRule>,
    /// Entitlements.
    #[serde(default)]
    pub entitlements: Vec<EntitlementRule>,
    /// Documents to bring.
    #[serde(default)]
    pub documents: Vec<Document>,
}

/// Parses a YAML (or JSON) reform within `limits`. `file` names it in error messages.
pub fn parse_reform(text: &str, file: &str, limits: &Limits) -> Result<Reform, PackErrors> {
    parse_file(text, file, limits)
}

/// The base a YAML or JSON text names when it is a reform rather than a pack (it has a
/// top-level `base`).
pub fn reform_base(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        base: Option<String>,
    }
    #[cfg(feature = "yaml")]
    let probe = serde_saphyr::from_str::<Probe>(text);
    #[cfg(not(feature = "yaml"))]
    let probe = serde_json::from_str::<Probe>(text);
    probe.ok()?.base
}

/// A rule of some stage: its id and its label.
trait Rule {
    fn id(&self) -> &Id;
    fn label_mut(&mut self) -> &mut Text;
}

macro_rules! rule {
    ($($t:ty => $label:ident),*) => {$(
        impl Rule for $t {
            fn id(&self) -> &Id {
                &self.id
            }
            fn label_mut(&mut self) -> &mut Text {
                &mut self.$label
            }
        }
    )*};
}
rule!(Condition => label, FeeRule => label, ReductionRule => label, SubsidyRule => label,
      EntitlementRule => label, Document => name);

/// The rules of one stage that a reform can switch off, replace or relabel.
enum Stage<'a> {
    Conditions(&'static str, &'a mut Vec<Condition>),
    Fees(&'a mut Vec<FeeRule>),
    Reductions(&'a mut Vec<ReductionRule>),
    Subsidies(&'a mut Vec<SubsidyRule>),
    Entitlements(&'a mut Vec<EntitlementRule>),
    Documents(&'a mut Vec<Document>),
}

impl Stage<'_> {
    /// Removes the rule `id`; whether there was one.
    fn remove(&mut self, id: &str) -> bool {
        fn rm<R: Rule>(v: &mut Vec<R>, id: &str) -> bool {
            let n = v.len();
            v.retain(|r| r.id().value != id);
            v.len() != n
        }
        match self {
            Stage::Conditions(_, v) => rm(v, id),
            Stage::Fees(v) => rm(v, id),
            Stage::Reductions(v) => rm(v, id),
            Stage::Subsidies(v) => rm(v, id),
            Stage::Entitlements(v) => rm(v, id),
            Stage::Documents(v) => rm(v, id),
        }
    }

    /// The label of the rule `id`, when this stage has it.
    fn label(&mut self, id: &str) -> Option<&mut Text> {
        fn find<'v, R: Rule>(v: &'v mut [R], id: &str) -> Option<&'v mut Text> {
            v.iter_mut()
                .find(|r| r.id().value == id)
                .map(Rule::label_mut)
        }
        match self {
            Stage::Conditions(_, v) => find(v, id),
            Stage::Fees(v) => find(v, id),
            Stage::Reductions(v) => find(v, id),
            Stage::Subsidies(v) => find(v, id),
            Stage::Entitlements(v) => find(v, id),
            Stage::Documents(v) => find(v, id),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Stage::Conditions(n, _) => n,
            Stage::Fees(_) => "fees",
            Stage::Reductions(_) => "reductions",
            Stage::Subsidies(_) => "subsidies",
            Stage::Entitlements(_) => "entitlements",
            Stage::Documents(_) => "documents",
        }
    }
}

impl Pack {
    fn stages(&mut self) -> [Stage<'_>; 8] {
        let reductions = &mut self.reductions.get_or_insert_with(empty_group).rules;
        let subsidies = &mut self.subsidies.get_or_insert_with(empty_group).rules;
        [
            Stage::Conditions("eligibility", &mut self.eligibility),
            Stage::Conditions("categories", &mut self.categories),
            Stage::Conditions("priority", &mut self.priority),
            Stage::Fees(&mut self.fees),
            Stage::Reductions(reductions),
            Stage::Subsidies(subsidies),
            Stage::Entitlements(&mut self.entitlements),
            Stage::Documents(&mut self.documents),
        ]
    }

    /// The stage holding the rule `id`, if any.
    fn stage_of(&mut self, id: &str) -> Option<&'static str> {
        self.stages()
            .into_iter()
            .find_map(|mut s| s.label(id).is_some().then(|| s.name()))
    }

    /// Applies reform `r` (read from `file`): the pack becomes the reformed pack, with the
    /// reform's id, name and citations. Nothing is applied unless all of it can be.
    pub fn apply_reform(
        &mut self,
        r: &Reform,
        file: &str,
        limits: &Limits,
    ) -> Result<(), PackErrors> {
        let mut errors = Vec::new();
        let mut error = |pos: Pos, message: String| {
            errors.push(pos.problem(file, Severity::Error, "reform", message));
        };
        let mut p = self.clone();
        if r.base.value != p.id.value {
            error(
                Pos::of(&r.base),
                format!(
                    "this reform is of pack `{}`, not `{}`",
                    r.base.value, p.id.value
                ),
            );
        }
        for (id, doc) in &r.sources {
            if p.sources.insert(id.clone(), doc.clone()).is_some() {
                error(
                    Pos::of(&r.id),
                    format!("source `{id}` is the base's; name the reform's own documents anew"),
                );
            }
        }
        for (id, clause) in &r.clauses {
            if p.clauses.insert(id.clone(), clause.clone()).is_some() {
                error(
                    Pos::of(&r.id),
                    format!("clause `{id}` is the base's; name the reform's own clauses anew"),
                );
            }
        }
        for (name, change) in &r.parameters {
            let at = Pos::of(change);
            let c = &change.value;
            let (values, exists) = (c.value.is_some(), c.values.is_some());
            if values == exists {
                error(
                    at,
                    format!(
                        "`{name}` needs exactly one of `value` (every date) and `values` (dated)"
                    ),
                );
                continue;
            }
            if c.values.as_ref().is_some_and(Vec::is_empty) {
                error(at, format!("no values for `{name}`"));
                continue;
            }
            if !p.parameters.contains_key(name) && c.label.is_none() {
                error(
                    at,
                    format!(
                        "pack `{}` has no parameter `{name}`; to add one, give it a `label`",
                        self.id.value
                    ),
                );
                continue;
            }
            let param = p
                .parameters
                .entry(name.clone())
                .or_insert_with(|| ParamDecl {
                    label: None,
                    unit: None,
                    assumed: None,
                    set_by: None,
                    values: Spanned::new(Vec::new(), change.referenced, change.defined),
                });
            let mut dated = match (&c.value, &c.values) {
                (Some(v), _) => vec![DatedValue {
                    from: self.valid_from,
                    value: *v,
                    cite: c.cite.clone(),
                }],
                (None, Some(vs)) => vs.clone(),
                (None, None) => Vec::new(),
            };
            dated.sort_by_key(|d| d.from);
            let first = dated.first().map(|d| d.from);
            let mut kept: Vec<DatedValue> = param
                .values
                .value
                .iter()
                .filter(|d| first.is_some_and(|f| d.from < f))
                .cloned()
                .collect();
            if kept.is_empty() {
                // No value of the base remains: the base's assumption no longer holds.
                param.assumed = None;
            }
            kept.extend(dated);
            param.values = Spanned::new(kept, change.referenced, change.defined);
            if let Some(l) = &c.label {
                param.label = Some(l.clone());
            }
            if let Some(u) = &c.unit {
                param.unit = Some(u.clone());
            }
        }
        for id in &r.off {
            // A rule switched off takes its plain sentence with it.
            p.plain.shift_remove(&id.value);
            let removed = p.stages().iter_mut().any(|s| s.remove(&id.value));
            if !removed {
                error(
                    Pos::of(id),
                    format!(
                        "pack `{}` has no rule `{}` to switch off",
                        self.id.value, id.value
                    ),
                );
            }
        }
        let mut place = |p: &mut Pack, stage: &'static str, id: &Id| -> bool {
            match p.stage_of(&id.value) {
                Some(s) if s != stage => {
                    error(
                        Pos::of(id),
                        format!(
                            "rule `{}` is one of the base's {s}, not its {stage}",
                            id.value
                        ),
                    );
                    false
                }
                _ => true,
            }
        };
        macro_rules! put {
            ($stage:literal, $list:expr, $new:expr) => {
                for rule in $new {
                    if place(&mut p, $stage, &rule.id) {
                        let list = &mut $list;
                        match list.iter_mut().find(|x| x.id.value == rule.id.value) {
                            Some(old) => *old = rule.clone(),
                            None => list.push(rule.clone()),
                        }
                    }
                }
            };
        }
        put!("eligibility", p.eligibility, &r.rules.eligibility);
        put!("categories", p.categories, &r.rules.categories);
        put!("priority", p.priority, &r.rules.priority);
        put!("fees", p.fees, &r.rules.fees);
        put!(
            "reductions",
            p.reductions.get_or_insert_with(empty_group).rules,
            &r.rules.reductions
        );
        put!(
            "subsidies",
            p.subsidies.get_or_insert_with(empty_group).rules,
            &r.rules.subsidies
        );
        put!("entitlements", p.entitlements, &r.rules.entitlements);
        put!("documents", p.documents, &r.rules.documents);
        for (id, label) in &r.labels {
            let rule = p.stages().into_iter().find_map(|mut s| {
                s.label(id).map(|l| {
                    *l = label.value.clone();
                })
            });
            let done = rule.is_some()
                || p.parameters
                    .get_mut(id)
                    .map(|x| x.label = Some(label.value.clone()))
                    .is_some()
                || p.payers
                    .get_mut(id)
                    .map(|x| *x = label.value.clone())
                    .is_some()
                || p.tags
                    .get_mut(id)
                    .map(|x| *x = label.value.clone())
                    .is_some();
            if !done {
                error(
                    Pos::of(label),
                    format!(
                        "pack `{}` has no rule, parameter, payer or tag `{id}`",
                        self.id.value
                    ),
                );
            }
        }
        if p.reductions
            .as_ref()
            .is_some_and(|g| g.rules.is_empty() && g.ceiling.is_none())
        {
            p.reductions = None;
        }
        if p.subsidies
            .as_ref()
            .is_some_and(|g| g.rules.is_empty() && g.ceiling.is_none())
        {
            p.subsidies = None;
        }
        if !errors.is_empty() {
            return Err(PackErrors(errors));
        }
        p.description = Some(r.description.clone().unwrap_or_else(|| {
            Text::new(
                format!("{}（{}的改革方案）", r.name.zh, self.name.zh),
                format!("{} (a reform of {})", r.name.en, self.name.en),
            )
        }));
        p.id = r.id.clone();
        p.name = r.name.clone();
        check_rules(&p, limits, file)?;
        *self = p;
        Ok(())
    }
}

fn empty_group<R>() -> Group<R> {
    Group {
        stacking: super::Stacking::default(),
        ceiling: None,
        rules: Vec::new(),
    }
}

/// The JSON Schema of a reform file.
pub fn reform_schema() -> serde_json::Value {
    super::bilingual(
        serde_json::to_value(schemars::schema_for!(Reform)).unwrap_or(serde_json::Value::Null),
    )
}
