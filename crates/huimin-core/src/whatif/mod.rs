//! "What would change my result?": the fewest changes of a participant's inputs that reach a
//! goal ([`Policy::what_would_change`]), and the range of answers a half-filled form can still
//! have ([`Policy::evaluate_partial`]).
//!
//! Both are exact, not searched: the inputs that change are the variables of the property
//! search ([`crate::verify`]), every other input held at the participant's value, and the
//! rules run over boxes of the variables split at the thresholds the expressions state. A
//! change is *minimal*: no suggestion changes a superset of the inputs of another. Work is
//! bounded by [`WhatIfOptions`], and an answer cut short by a bound says so.

mod partial;
mod words;

pub use partial::{Eligibility, Partial, Range};

use crate::decision::{Citation, Decision, StepKind};
use crate::error::{Error, InputError};
use crate::model::{Acts, FieldType, Participant, Scalar};
use crate::money::Money;
use crate::policy::Policy;
use crate::text::{Name, Text};
use crate::verify::search::{value, Case, Flow, Leaf, Pins, Run};
use crate::verify::{compile, Compiled, Options, PropertySource, VARS};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a participant wants to reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goal {
    /// Become eligible.
    Eligible,
    /// Pay a lower net fee (staying eligible).
    PayLess,
    /// Receive a larger subsidy (staying eligible).
    ReceiveMore,
    /// Enter this priority group (staying eligible).
    Group(String),
}

impl Goal {
    /// A goal from its name: `eligible`, `pay_less`, `receive_more` or `group:ID`.
    pub fn parse(text: &str) -> Result<Goal, Error> {
        match text {
            "eligible" => Ok(Goal::Eligible),
            "pay_less" => Ok(Goal::PayLess),
            "receive_more" => Ok(Goal::ReceiveMore),
            g => match g.strip_prefix("group:") {
                Some(id) if !id.is_empty() => Ok(Goal::Group(id.to_owned())),
                _ => Err(unknown_goal(g)),
            },
        }
    }
}

impl std::fmt::Display for Goal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Goal::Eligible => f.write_str("eligible"),
            Goal::PayLess => f.write_str("pay_less"),
            Goal::ReceiveMore => f.write_str("receive_more"),
            Goal::Group(g) => write!(f, "group:{g}"),
        }
    }
}

fn unknown_goal(g: &str) -> Error {
    Error::Input {
        errors: vec![InputError {
            path: "goal".into(),
            code: "unknown_goal",
            message: Text::new(
                format!("未知的目标 `{g}`：应为 eligible、pay_less、receive_more 或 group:优先组"),
                format!(
                    "unknown goal `{g}`: expected eligible, pay_less, receive_more or group:ID"
                ),
            ),
        }],
    }
}

/// Bounds on the work of one what-if.
#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
pub struct WhatIfOptions {
    /// The most inputs one suggestion changes.
    pub max_changes: usize,
    /// The most sets of inputs tried.
    pub max_sets: usize,
    /// The most boxes run, over all the sets.
    pub max_boxes: usize,
}

impl Default for WhatIfOptions {
    fn default() -> Self {
        WhatIfOptions {
            max_changes: 2,
            max_sets: 400,
            max_boxes: 20_000,
        }
    }
}

/// The answer to "what would change my result?".
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WhatIf {
    /// The goal: `eligible`, `pay_less`, `receive_more` or `group:ID`.
    pub goal: String,
    /// The date.
    pub as_of: NaiveDate,
    /// The outcome now.
    pub now: Outcome,
    /// Whether the goal is met already.
    pub met: bool,
    /// The minimal changes that reach the goal: fewest inputs first, then in the pack's order
    /// of inputs.
    pub suggestions: Vec<Suggestion>,
    /// Whether every set of at most `max_changes` inputs was tried to the end.
    pub complete: bool,
    /// Why not, or what else the answer rests on.
    pub notes: Vec<Text>,
    /// The answer in a sentence or two.
    pub says: Text,
    /// The bounds it ran under.
    pub options: WhatIfOptions,
}

/// The outcome of one participant.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(rename = "WhatIfOutcome")]
pub struct Outcome {
    /// Eligible or not.
    pub eligible: bool,
    /// The net fee.
    pub net_fee: Money,
    /// The subsidies due.
    pub subsidy_total: Money,
    /// The priority groups entered.
    pub priority_groups: Vec<Name>,
}

impl Outcome {
    fn of(d: &Decision) -> Outcome {
        Outcome {
            eligible: d.eligible,
            net_fee: d.net_fee,
            subsidy_total: d.subsidy_total,
            priority_groups: d.priority_groups.clone(),
        }
    }
}

/// One way to reach the goal.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Suggestion {
    /// The inputs it changes.
    pub changes: Vec<Change>,
    /// `action` when the person can make every change; `fact` when one is a fact about them
    /// (the result "would apply if" it were so).
    pub acts: Acts,
    /// The outcome with the changes, at the values nearest the participant's.
    pub then: Outcome,
    /// The rules whose result changes, with the clauses they cite.
    pub rules: Vec<RuleChange>,
    /// The clause of the rule the goal turns on (the fee's, the waiver's, the subsidy's).
    pub cite: Option<Arc<Citation>>,
    /// In a sentence.
    pub says: Text,
}

/// One input changed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(rename = "InputChange")]
pub struct Change {
    /// The input or tag.
    pub input: String,
    /// Its label.
    pub label: Text,
    /// Whether the person can act on it.
    pub acts: Acts,
    /// Its value now (`true`/`false` for a tag).
    pub from: String,
    /// The value nearest the participant's that reaches the goal.
    pub to: String,
    /// For a number: every value that reaches the goal (with the other changes), as ranges.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Span>,
    /// In words: "56 or fewer".
    pub says: Text,
}

/// A range of values of a numeric input, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Span {
    /// Its least value.
    pub min: Decimal,
    /// Its greatest value.
    pub max: Decimal,
}

/// A rule whose result differs with the changes.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RuleChange {
    /// The rule's id.
    pub rule: String,
    /// What kind of rule it is.
    pub kind: StepKind,
    /// Its name.
    pub label: Text,
    /// Its result now.
    pub from: String,
    /// Its result with the changes.
    pub to: String,
    /// The clause it cites.
    pub cite: Option<Arc<Citation>>,
}

/// An input a what-if may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Input {
    Field(usize),
    Tag(u32),
}

impl Policy {
    /// The minimal changes of at most `opts.max_changes` inputs that take `person` to `goal`
    /// on `as_of`, each with its outcome, the rules it changes and their clauses.
    pub fn what_would_change(
        &self,
        person: &Participant,
        as_of: NaiveDate,
        goal: &Goal,
        opts: WhatIfOptions,
    ) -> Result<WhatIf, Error> {
        let now = self.evaluate(person, as_of)?;
        let record = self
            .record(person)
            .map_err(|errors| Error::Input { errors })?;
        let (text, met) = match goal {
            Goal::Eligible => ("eligible".to_owned(), now.eligible),
            Goal::PayLess => (
                format!("eligible and net_fee < {}", now.net_fee.amount()),
                false,
            ),
            Goal::ReceiveMore => (
                format!(
                    "eligible and subsidy_total > {}",
                    now.subsidy_total.amount()
                ),
                false,
            ),
            Goal::Group(g) => {
                let c = self
                    .priority
                    .iter()
                    .find(|c| c.head.id == **g)
                    .ok_or_else(|| unknown_group(self, g))?;
                (
                    format!("eligible and ({})", c.when.source),
                    now.priority_groups.iter().any(|x| x == g),
                )
            }
        };
        let src = PropertySource {
            id: "goal".into(),
            says: None,
            given: None,
            holds: text,
            reform: None,
            increase: None,
        };
        let prop = compile(self, &src, false).map_err(|e| Error::internal(&e))?;
        let mut answer = WhatIf {
            goal: goal.to_string(),
            as_of,
            now: Outcome::of(&now),
            met,
            suggestions: Vec::new(),
            complete: true,
            notes: Vec::new(),
            says: Text::default(),
            options: opts,
        };
        if !met {
            let search = Search {
                policy: self,
                prop: &prop,
                values: &record.fields,
                tags: record.tags,
                as_of,
                now: &now,
                goal,
            };
            search.run(opts, &mut answer);
        }
        answer.says = words::summary(self, goal, &answer);
        Ok(answer)
    }
}

fn unknown_group(p: &Policy, g: &str) -> Error {
    let known: Vec<&str> = p.priority.iter().map(|c| c.head.id.as_str()).collect();
    Error::Input {
        errors: vec![InputError {
            path: "goal".into(),
            code: "unknown_goal",
            message: Text::new(
                format!("本规则包没有优先组 `{g}`（有：{}）", known.join("、")),
                format!(
                    "the pack has no priority group `{g}` (it has: {})",
                    known.join(", ")
                ),
            ),
        }],
    }
}

/// One what-if in progress.
struct Search<'a> {
    policy: &'a Policy,
    prop: &'a Compiled,
    values: &'a [Scalar],
    tags: crate::expr::TagSet,
    as_of: NaiveDate,
    now: &'a Decision,
    goal: &'a Goal,
}

/// A region of the changed inputs where the goal is met: the discrete values, the box.
struct Found {
    case: Case,
    lo: [Decimal; VARS],
    hi: [Decimal; VARS],
}

impl Search<'_> {
    /// The inputs the rules read that a what-if may change, in the pack's order.
    fn inputs(&self, notes: &mut Vec<Text>) -> Vec<Input> {
        let mut read = std::collections::BTreeSet::new();
        for (_, e) in self.policy.expressions() {
            read.extend(e.reads.iter().filter_map(|b| match b {
                crate::expr::Binding::Field(i, _) => Some(Input::Field(*i)),
                crate::expr::Binding::Tag(t) => Some(Input::Tag(*t)),
                _ => None,
            }));
        }
        let mut out = Vec::new();
        for input in read {
            if let Input::Field(i) = input {
                let Some(f) = self.policy.fields.get(i) else {
                    continue;
                };
                if let Some(by) = &f.set_by {
                    notes.push(Text::new(
                        format!(
                            "未考虑改变「{}」（由{}确定，不由申请人填写）",
                            f.label.zh, by.zh
                        ),
                        format!(
                            "{} is not changed (set by {}, not by the applicant)",
                            f.label.en, by.en
                        ),
                    ));
                    continue;
                }
                if matches!(f.ty, FieldType::Text | FieldType::Date) {
                    notes.push(Text::new(
                        format!("未考虑改变「{}」（文本或日期）", f.label.zh),
                        format!("{} (text or a date) is not changed", f.label.en),
                    ));
                    continue;
                }
            }
            out.push(input);
        }
        out
    }

    fn run(&self, opts: WhatIfOptions, answer: &mut WhatIf) {
        let inputs = self.inputs(&mut answer.notes);
        let mut reaching: Vec<Vec<Input>> = Vec::new();
        let mut boxes = (0usize, 0usize);
        let mut sets = 0usize;
        // The sets not decided, and why: each is said in the answer.
        let mut undecided: Vec<String> = Vec::new();
        'sizes: for size in 1..=opts.max_changes.min(VARS) {
            for set in subsets(&inputs, size) {
                // Minimal: a superset of a set that reaches the goal is not tried.
                if reaching.iter().any(|r| r.iter().all(|i| set.contains(i))) {
                    continue;
                }
                sets = sets.saturating_add(1);
                if sets > opts.max_sets || boxes.0 >= opts.max_boxes {
                    undecided.push(format!(
                        "stopped after {} sets of inputs and {} boxes 尝试了 {} 组输入、{} 个区域后停止",
                        sets.saturating_sub(1),
                        boxes.0,
                        sets.saturating_sub(1),
                        boxes.0
                    ));
                    break 'sizes;
                }
                match self.regions(&set, opts, &mut boxes) {
                    Ok(found) if found.is_empty() => {}
                    Ok(found) => {
                        answer.suggestions.extend(self.suggest(&set, &found));
                        reaching.push(set);
                    }
                    Err(why) => undecided.push(why),
                }
            }
        }
        if !undecided.is_empty() {
            answer.complete = false;
            let why = undecided.join("; ");
            answer.notes.push(Text::new(
                format!("未能判定全部组合：{why}"),
                format!("not every combination was decided: {why}"),
            ));
        }
    }

    /// Every region of the inputs of `set` (the others held) where the goal is met.
    fn regions(
        &self,
        set: &[Input],
        opts: WhatIfOptions,
        boxes: &mut (usize, usize),
    ) -> Result<Vec<Found>, String> {
        let p = self.policy;
        let mut pins = Pins {
            fields: self.values.iter().map(|v| Some(vec![v.clone()])).collect(),
            tags: (0..p.tags.len())
                .map(|t| Some(u32::try_from(t).is_ok_and(|t| self.tags.contains(t))))
                .collect(),
            date: Some(self.as_of),
            steps: (0..p.fields.len()).map(|i| self.step(i)).collect(),
        };
        for input in set {
            match *input {
                Input::Field(i) => {
                    let (Some(f), Some(now)) = (p.fields.get(i), self.values.get(i)) else {
                        continue;
                    };
                    let pin = match f.ty {
                        FieldType::Integer | FieldType::Decimal => None,
                        FieldType::Boolean => Some(vec![Scalar::Bool(now != &Scalar::Bool(true))]),
                        _ => Some(
                            f.choices
                                .iter()
                                .map(|(id, _)| Scalar::Text(id.clone()))
                                .filter(|c| c != now)
                                .collect(),
                        ),
                    };
                    if let Some(slot) = pins.fields.get_mut(i) {
                        *slot = pin;
                    }
                }
                Input::Tag(t) => {
                    if let Some(slot) = pins.tags.get_mut(t as usize) {
                        *slot = Some(!self.tags.contains(t));
                    }
                }
            }
        }
        let options = Options {
            places: p.rounding.scale.min(crate::Rounding::MAX_SCALE),
            max_boxes: opts.max_boxes,
            from: None,
        };
        let run = Run::new(p, None, self.prop, None, &pins, options)?;
        let mut found = Vec::new();
        let mut failed: Option<Error> = None;
        let left = opts.max_boxes.saturating_sub(boxes.0);
        let mut count = (0, 0);
        let walked = run.walk(left, &mut count, |case, lo, hi, leaf| match leaf {
            Leaf::True => {
                found.push(Found {
                    case: case.clone(),
                    lo: *lo,
                    hi: *hi,
                });
                Flow::Next
            }
            Leaf::False => Flow::Next,
            Leaf::Error => match run.holds_at(case, lo) {
                // A number the deployment has not set: no change through it can be priced.
                Err(e) if unset(&e) => {
                    failed.get_or_insert(e);
                    Flow::Stop
                }
                _ if lo != hi => Flow::Split,
                Ok(Some(true)) => {
                    found.push(Found {
                        case: case.clone(),
                        lo: *lo,
                        hi: *hi,
                    });
                    Flow::Next
                }
                Ok(_) => Flow::Next,
                Err(e) => {
                    failed.get_or_insert(e);
                    Flow::Next
                }
            },
        });
        boxes.0 = boxes.0.saturating_add(count.0);
        let names = || {
            let n: Vec<String> = set.iter().map(|i| name(self.policy, *i)).collect();
            n.join(" + ")
        };
        if let Some(e) = failed {
            return Err(format!("{}: {e}", names()));
        }
        walked
            .map(|()| found)
            .map_err(|why| format!("{} ({why})", names()))
    }

    /// The step a numeric input changes in: 1 for an integer; for a decimal, the finest place
    /// of the value given (60 hours: whole hours; 60.5: tenths).
    fn step(&self, i: usize) -> Option<Decimal> {
        let f = self.policy.fields.get(i)?;
        match (f.ty, self.values.get(i)?) {
            (FieldType::Integer, _) => Some(Decimal::ONE),
            (FieldType::Decimal, Scalar::Num(d)) => Some(Decimal::new(
                1,
                d.normalize().scale().min(crate::Rounding::MAX_SCALE),
            )),
            _ => None,
        }
    }

    /// The suggestions of one set of inputs: one for each combination of the discrete values
    /// that reaches the goal, at the numbers nearest the participant's.
    fn suggest(&self, set: &[Input], found: &[Found]) -> Vec<Suggestion> {
        let p = self.policy;
        // The numeric fields that vary, with their variables, and the discrete ones.
        let mut numeric: Vec<(usize, usize)> = Vec::new();
        let mut k = 0usize;
        for (i, f) in p.fields.iter().enumerate() {
            if set.contains(&Input::Field(i))
                && matches!(f.ty, FieldType::Integer | FieldType::Decimal)
            {
                numeric.push((i, k));
                k = k.saturating_add(1);
            }
        }
        let key = |c: &Case| -> Vec<Option<Scalar>> {
            set.iter()
                .filter_map(|input| match input {
                    Input::Field(i) if !numeric.iter().any(|(j, _)| j == i) => {
                        Some(c.fields.get(*i).cloned().flatten())
                    }
                    _ => None,
                })
                .collect()
        };
        // In the order the cases come: the choices as the pack declares them.
        let mut groups: Vec<(Vec<Option<Scalar>>, Vec<&Found>)> = Vec::new();
        for f in found {
            let k = key(&f.case);
            match groups.iter_mut().find(|(g, _)| *g == k) {
                Some((_, v)) => v.push(f),
                None => groups.push((k, vec![f])),
            }
        }
        let mut out = Vec::new();
        for (_, boxes) in &groups {
            let Some(first) = boxes.first() else { continue };
            // The point nearest the participant's values, in steps of each input.
            let mut best: Option<(Decimal, [Decimal; VARS])> = None;
            for b in boxes {
                let mut point = b.lo;
                let mut dist = Decimal::ZERO;
                for (i, k) in &numeric {
                    let now = match self.values.get(*i) {
                        Some(Scalar::Num(d)) => *d,
                        _ => Decimal::ZERO,
                    };
                    let (lo, hi) = (
                        b.lo.get(*k).copied().unwrap_or_default(),
                        b.hi.get(*k).copied().unwrap_or_default(),
                    );
                    let x = now.max(lo).min(hi);
                    if let Some(slot) = point.get_mut(*k) {
                        *slot = x;
                    }
                    dist = dist.saturating_add(x.checked_sub(now).unwrap_or_default().abs());
                }
                if best.as_ref().is_none_or(|(d, _)| dist < *d) {
                    best = Some((dist, point));
                }
            }
            let Some((_, point)) = best else { continue };
            let run_person = self.changed(&first.case, &numeric, &point, set);
            let Ok(then) = p.evaluate(&run_person, self.as_of) else {
                continue;
            };
            let changes = set
                .iter()
                .map(|input| self.change(*input, &first.case, &numeric, &point, boxes))
                .collect::<Vec<_>>();
            let acts = if changes.iter().all(|c| c.acts == Acts::Action) {
                Acts::Action
            } else {
                Acts::Fact
            };
            let rules = rule_changes(self.now, &then);
            let mut s = Suggestion {
                changes,
                acts,
                then: Outcome::of(&then),
                cite: cited(self.goal, &rules),
                rules,
                says: Text::default(),
            };
            s.says = words::suggestion(p, self.goal, &s, self.now);
            out.push(s);
        }
        out
    }

    /// The participant with the changes of a set at a point.
    fn changed(
        &self,
        case: &Case,
        numeric: &[(usize, usize)],
        point: &[Decimal; VARS],
        set: &[Input],
    ) -> Participant {
        let p = self.policy;
        let mut person = Participant::new();
        for (i, f) in p.fields.iter().enumerate() {
            let v = match numeric.iter().find(|(j, _)| *j == i) {
                Some((_, k)) => Scalar::Num(point.get(*k).copied().unwrap_or_default()),
                None if set.contains(&Input::Field(i)) => {
                    match case.fields.get(i).cloned().flatten() {
                        Some(v) => v,
                        None => continue,
                    }
                }
                None => match self.values.get(i) {
                    Some(v) => v.clone(),
                    None => continue,
                },
            };
            person = person.with(f.name.clone(), value(&v));
        }
        for (t, (id, _)) in p.tags.iter().enumerate() {
            if u32::try_from(t).is_ok_and(|t| case.tags.contains(t)) {
                person = person.tag(id.clone());
            }
        }
        person
    }

    fn change(
        &self,
        input: Input,
        case: &Case,
        numeric: &[(usize, usize)],
        point: &[Decimal; VARS],
        boxes: &[&Found],
    ) -> Change {
        let p = self.policy;
        let acts = acts_of(p, input);
        match input {
            Input::Tag(t) => {
                let (id, label) = p.tags.get(t as usize).cloned().unwrap_or_default();
                let now = self.tags.contains(t);
                Change {
                    says: words::tag(&label, !now),
                    input: id,
                    label,
                    acts,
                    from: now.to_string(),
                    to: (!now).to_string(),
                    ranges: Vec::new(),
                }
            }
            Input::Field(i) => {
                let f = p.fields.get(i);
                let label = f.map(|f| Text::clone(&f.label)).unwrap_or_default();
                let name = f.map(|f| f.name.clone()).unwrap_or_default();
                let from = self.values.get(i).map(shown).unwrap_or_default();
                match numeric.iter().find(|(j, _)| *j == i) {
                    Some((_, k)) => {
                        let step = self.step(i).unwrap_or(Decimal::ONE);
                        let ranges = spans(boxes, *k, step);
                        let to = point.get(*k).copied().unwrap_or_default();
                        let (lo, hi) = f.map(|f| domain_of(f, step)).unwrap_or_default();
                        Change {
                            says: words::labelled(&label, words::ranges(&ranges, lo, hi)),
                            input: name,
                            label,
                            acts,
                            from,
                            to: to.normalize().to_string(),
                            ranges,
                        }
                    }
                    None => {
                        let v = case.fields.get(i).cloned().flatten();
                        let to = v.as_ref().map(shown).unwrap_or_default();
                        Change {
                            says: words::labelled(&label, words::value(f, v.as_ref())),
                            input: name,
                            label,
                            acts,
                            from,
                            to,
                            ranges: Vec::new(),
                        }
                    }
                }
            }
        }
    }
}

/// Whether an error is a number the deployment has not set (a values file would give it).
pub(crate) fn unset(e: &Error) -> bool {
    matches!(
        e,
        Error::Eval(crate::EvalError::NotSet { .. } | crate::EvalError::NoValueInForce { .. })
    )
}

/// Every subset of `items` of `size` elements, in lexicographic order.
fn subsets(items: &[Input], size: usize) -> Vec<Vec<Input>> {
    let mut out = Vec::new();
    let mut pick: Vec<usize> = (0..size).collect();
    if size == 0 || size > items.len() {
        return out;
    }
    loop {
        out.push(pick.iter().filter_map(|i| items.get(*i).copied()).collect());
        // The rightmost index that can still move right.
        let Some(j) = (0..size).rev().find(|j| {
            pick.get(*j)
                .is_some_and(|x| *x < items.len().saturating_sub(size).saturating_add(*j))
        }) else {
            return out;
        };
        let base = pick.get(j).copied().unwrap_or_default().saturating_add(1);
        for (n, slot) in pick.iter_mut().enumerate().skip(j) {
            *slot = base.saturating_add(n.saturating_sub(j));
        }
    }
}

/// An input's or a tag's id.
pub(crate) fn name(p: &Policy, input: Input) -> String {
    match input {
        Input::Field(i) => p.fields.get(i).map(|f| f.name.clone()),
        Input::Tag(t) => p.tags.get(t as usize).map(|(id, _)| id.clone()),
    }
    .unwrap_or_default()
}

/// Whether a person can act on an input: the pack's `acts`, else the vocabulary's, else a fact.
pub(crate) fn acts_of(p: &Policy, input: Input) -> Acts {
    let id = name(p, input);
    if let Some(a) = p.pack.acts.get(&id) {
        return *a;
    }
    match input {
        Input::Field(_) => crate::model::standard_field(&id).map(|f| f.acts),
        Input::Tag(_) => crate::model::standard_tag(&id).map(|t| t.acts),
    }
    .unwrap_or_default()
}

/// The ranges of variable `k` over the boxes, adjacent ones (a `step` apart) merged.
fn spans(boxes: &[&Found], k: usize, step: Decimal) -> Vec<Span> {
    let mut v: Vec<Span> = boxes
        .iter()
        .filter_map(|b| {
            Some(Span {
                min: b.lo.get(k)?.normalize(),
                max: b.hi.get(k)?.normalize(),
            })
        })
        .collect();
    v.sort_by_key(|s| s.min);
    let mut out: Vec<Span> = Vec::new();
    for s in v {
        match out.last_mut() {
            Some(last) if s.min <= last.max.saturating_add(step) => {
                last.max = last.max.max(s.max);
            }
            _ => out.push(s),
        }
    }
    out
}

/// An input's declared range on the lattice of `step` (as the search takes it).
fn domain_of(f: &crate::policy::Field, step: Decimal) -> (Decimal, Decimal) {
    crate::verify::search::domain(f.min, f.max, step)
}

fn shown(v: &Scalar) -> String {
    match v {
        Scalar::Num(d) => d.normalize().to_string(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Text(t) => t.clone(),
        Scalar::Date(d) => d.to_string(),
    }
}

/// The clause of the changed rule the goal is about, else of the first changed rule citing one.
fn cited(goal: &Goal, rules: &[RuleChange]) -> Option<Arc<Citation>> {
    let about: &[StepKind] = match goal {
        Goal::Eligible => &[StepKind::Eligibility],
        Goal::PayLess => &[StepKind::Reduction, StepKind::Fee],
        Goal::ReceiveMore => &[StepKind::Subsidy],
        Goal::Group(_) => &[StepKind::Priority],
    };
    let first = |r: &&RuleChange| about.contains(&r.kind) && r.cite.is_some();
    rules
        .iter()
        .find(first)
        .or_else(|| rules.iter().find(|r| r.cite.is_some()))
        .and_then(|r| r.cite.clone())
}

/// The rules whose result differs between two decisions of one participant.
fn rule_changes(before: &Decision, after: &Decision) -> Vec<RuleChange> {
    let kinds = [
        StepKind::Eligibility,
        StepKind::Category,
        StepKind::Priority,
        StepKind::Fee,
        StepKind::Reduction,
        StepKind::Subsidy,
    ];
    fn results<'d>(
        d: &'d Decision,
        kinds: &[StepKind],
    ) -> BTreeMap<&'d str, (String, &'d crate::decision::Step)> {
        d.steps
            .iter()
            .filter(|s| kinds.contains(&s.kind))
            .map(|s| (s.rule.as_str(), (s.value.clone(), s)))
            .collect()
    }
    let (a, b) = (results(before, &kinds), results(after, &kinds));
    let mut ids: Vec<&str> = a.keys().chain(b.keys()).copied().collect();
    ids.sort_by_key(|id| {
        after
            .steps
            .iter()
            .chain(&before.steps)
            .position(|s| s.rule.as_str() == *id)
    });
    ids.dedup();
    let absent = || "—".to_owned();
    ids.into_iter()
        .filter_map(|id| {
            let (x, y) = (a.get(id), b.get(id));
            let from = x.map_or_else(absent, |(v, _)| v.clone());
            let to = y.map_or_else(absent, |(v, _)| v.clone());
            let step = y.or(x).map(|(_, s)| *s)?;
            (from != to).then(|| RuleChange {
                rule: id.to_owned(),
                kind: step.kind,
                label: Text::clone(&step.label),
                from,
                to,
                cite: step.cite.clone(),
            })
        })
        .collect()
}
