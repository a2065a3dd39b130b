//! Explanation recording: the [`Step`]s of a decision, each with the inputs its rule read and
//! the clause it cites, and the bilingual "how" of an amount. Built only when asked for.

use crate::decision::{Sentence, Step, StepKind};
use crate::expr::eval::Env;
use crate::expr::Binding;
use crate::policy::{Head, Policy};
use crate::text::Text;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The steps of one decision, in the order the rules were considered.
pub(crate) struct Trace<'p> {
    pub steps: Vec<Step>,
    policy: &'p Policy,
}

impl<'p> Trace<'p> {
    pub(crate) fn new(policy: &'p Policy) -> Trace<'p> {
        Trace {
            steps: Vec::new(),
            policy,
        }
    }

    /// Records a rule's step with the values of what it read; `estimated` are the inputs whose
    /// defaults stand in as estimates ([`crate::policy::Record::estimated`]).
    pub(crate) fn push(
        &mut self,
        kind: StepKind,
        head: &Head,
        env: &Env,
        estimated: &[usize],
        value: String,
        detail: Option<Arc<Text>>,
    ) {
        let mut inputs = BTreeMap::new();
        for r in &head.reads {
            let value = match *r {
                Binding::Field(i, _) => env.fields.get(i).map(|v| v.to_string()),
                Binding::Param(i) => env.params.get(i).copied().flatten().map(|v| v.to_string()),
                Binding::Tag(t) => Some(env.tags.contains(t).to_string()),
                Binding::AsOf => Some(env.as_of.to_string()),
                Binding::Category => Some(env.category.unwrap_or("").to_owned()),
            };
            if let (Some(name), Some(value)) = (self.policy.read_name(*r), value) {
                inputs.insert(name.clone(), value);
            }
        }
        let cite = head
            .cite
            .and_then(|i| self.policy.citations.get(i))
            .cloned();
        let estimated_inputs = head.reads.iter().filter_map(|b| match b {
            Binding::Field(i, _) if estimated.contains(i) => self.policy.read_name(*b).cloned(),
            _ => None,
        });
        let assumed = self
            .policy
            .assumed_reads(head)
            .map(|(_, p)| p.head.id.clone())
            .chain(estimated_inputs)
            .collect();
        self.steps.push(Step {
            rule: head.id.clone(),
            kind,
            label: head.label.clone(),
            inputs,
            value,
            detail,
            cite,
            assumed,
        });
    }
}

/// A step's "how", in both languages; built only when explaining (otherwise it holds
/// nothing and costs nothing).
pub(crate) struct Detail {
    parts: Option<(Vec<String>, Vec<String>)>,
}

impl Detail {
    #[inline(always)]
    pub(crate) fn new(on: bool) -> Detail {
        Detail {
            parts: on.then(|| (Vec::new(), Vec::new())),
        }
    }

    /// Whether explaining (parts are kept).
    #[inline(always)]
    pub(crate) fn on(&self) -> bool {
        self.parts.is_some()
    }

    /// Adds a part; `f` gives (Chinese, English) and runs only when explaining.
    #[inline(always)]
    pub(crate) fn add(&mut self, f: impl FnOnce() -> (String, String)) {
        if let Some((zh, en)) = self.parts.as_mut() {
            let (z, e) = f();
            zh.push(z);
            en.push(e);
        }
    }

    #[inline(always)]
    pub(crate) fn text(self) -> Option<Text> {
        let (zh, en) = self.parts?;
        joined(zh, en)
    }
}

fn joined(zh: Vec<String>, en: Vec<String>) -> Option<Text> {
    (!en.is_empty()).then(|| Text::new(zh.join("；"), en.join("; ")))
}

/// A one-part detail, when explaining.
pub(crate) fn said(
    on: bool,
    zh: impl FnOnce() -> String,
    en: impl FnOnce() -> String,
) -> Option<Text> {
    on.then(|| Text::new(zh(), en()))
}

/// The parent view of the steps ([`crate::Decision::plain`]): a requirement not met, and each
/// fee, reduction and subsidy that is not zero, in the pack's plain words when it gives them
/// (`plain`), else the rule's name and how its amount came about; each clause quoted once.
pub(crate) fn plain(
    policy: &Policy,
    env: &Env,
    steps: &[Step],
    reasons: &[crate::decision::Reason],
) -> Vec<Sentence> {
    let mut cited: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for s in steps {
        let money = matches!(
            s.kind,
            StepKind::Fee | StepKind::Reduction | StepKind::Subsidy
        );
        let shown = match s.kind {
            StepKind::Eligibility => s.value == "false",
            _ if money => crate::money::parse_decimal(&s.value).is_some_and(|v| !v.is_zero()),
            _ => false,
        };
        if !shown {
            continue;
        }
        // The pack's words, unless one they name has no value on the date (a parameter not
        // yet or no longer in force): then the rule's name and how, rather than a gap.
        let words = policy.pack.plain.get(s.rule.as_str()).and_then(|t| {
            Some(Text::new(
                filled(&t.zh, policy, env, &s.value)?,
                filled(&t.en, policy, env, &s.value)?,
            ))
        });
        let text = match words {
            Some(t) => t,
            None if money => {
                let how = |d: Option<&str>| d.map(|d| format!("{d} → ")).unwrap_or_default();
                Text::new(
                    format!(
                        "{}：{}{} 元",
                        s.label.zh,
                        how(s.detail.as_ref().map(|d| d.zh.as_str())),
                        s.value
                    ),
                    format!(
                        "{}: {}{} yuan",
                        s.label.en,
                        how(s.detail.as_ref().map(|d| d.en.as_str())),
                        s.value
                    ),
                )
            }
            // A requirement not met: its reason, as the decision gives it.
            None => match reasons.iter().find(|r| r.rule == s.rule) {
                Some(r) => r.message.clone(),
                None => continue,
            },
        };
        let cite = s.cite.as_ref().filter(|c| !cited.contains(&c.id.as_str()));
        if let Some(c) = cite {
            cited.push(&c.id);
        }
        out.push(Sentence {
            rule: s.rule.clone(),
            kind: s.kind,
            text,
            amount: money.then(|| s.value.clone()),
            estimate: !s.assumed.is_empty(),
            cite: cite.cloned(),
        });
    }
    out
}

/// A pack's plain sentence with its `{name}`s replaced by the values in `env` and `{amount}`
/// by `amount` (names are checked when the pack is compiled); `None` when a name has no value.
fn filled(template: &str, policy: &Policy, env: &Env, amount: &str) -> Option<String> {
    let mut parts = template.split('{');
    let mut out = parts.next().unwrap_or_default().to_owned();
    for p in parts {
        match p.split_once('}') {
            Some((name, rest)) => {
                out.push_str(&value_of(name, policy, env, amount)?);
                out.push_str(rest);
            }
            None => {
                out.push('{');
                out.push_str(p);
            }
        }
    }
    Some(out)
}

fn value_of(name: &str, policy: &Policy, env: &Env, amount: &str) -> Option<String> {
    if name == "amount" {
        return Some(amount.to_owned());
    }
    if let Some(v) = policy
        .fields
        .iter()
        .position(|f| f.name == name)
        .and_then(|i| env.fields.get(i))
    {
        return Some(v.to_string());
    }
    policy
        .params
        .iter()
        .position(|p| p.head.id == name)
        .and_then(|i| env.params.get(i).copied().flatten())
        .map(|v| v.to_string())
}
