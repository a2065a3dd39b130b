//! The what-if's answers in plain zh/en sentences, for a parent rather than a pack author.

use super::{Goal, Outcome, Span, Suggestion, WhatIf};
use crate::decision::Decision;
use crate::model::{Acts, FieldType, Scalar};
use crate::policy::{Field, Policy};
use crate::text::Text;
use rust_decimal::Decimal;

/// "56 or fewer", "60 or more", "60 to 70", joined by "or".
pub(super) fn ranges(spans: &[Span], lo: Decimal, hi: Decimal) -> Text {
    let one = |s: &Span| {
        let (a, b) = (s.min.normalize(), s.max.normalize());
        match (s.min <= lo, s.max >= hi) {
            (true, true) => Text::new("任意值", "any value"),
            _ if a == b => Text::new(a.to_string(), a.to_string()),
            (true, false) => Text::new(format!("{b} 或以下"), format!("{b} or fewer")),
            (false, true) => Text::new(format!("{a} 或以上"), format!("{a} or more")),
            (false, false) => Text::new(format!("{a} 至 {b}"), format!("{a} to {b}")),
        }
    };
    join(spans.iter().map(one), "或", " or ")
}

/// A choice's or a yes/no input's new value.
pub(super) fn value(f: Option<&Field>, v: Option<&Scalar>) -> Text {
    match (f, v) {
        (Some(f), Some(Scalar::Text(id))) if f.ty == FieldType::Choice => f
            .choices
            .iter()
            .find(|(c, _)| c == id)
            .map_or_else(|| Text::new(id.clone(), id.clone()), |(_, l)| l.clone()),
        (_, Some(Scalar::Bool(true))) => Text::new("是", "yes"),
        (_, Some(Scalar::Bool(false))) => Text::new("否", "no"),
        (_, Some(Scalar::Num(d))) => Text::new(d.to_string(), d.to_string()),
        (_, Some(Scalar::Text(t))) => Text::new(t.clone(), t.clone()),
        (_, Some(Scalar::Date(d))) => Text::new(d.to_string(), d.to_string()),
        (_, None) => Text::default(),
    }
}

/// A status taken on or given up.
pub(super) fn tag(label: &Text, add: bool) -> Text {
    if add {
        Text::new(
            format!("具有「{}」身份", label.zh),
            format!("holding the status “{}”", label.en),
        )
    } else {
        Text::new(
            format!("不具有「{}」身份", label.zh),
            format!("without the status “{}”", label.en),
        )
    }
}

fn goal_words(p: &Policy, goal: &Goal) -> Text {
    match goal {
        Goal::Eligible => Text::new("符合条件", "become eligible"),
        Goal::PayLess => Text::new("少交费用", "pay less"),
        Goal::ReceiveMore => Text::new("多得补贴", "receive more"),
        Goal::Group(g) => {
            let label = p.priority.iter().find(|c| c.head.id == **g).map_or_else(
                || Text::new(g.clone(), g.clone()),
                |c| Text::clone(&c.head.label),
            );
            Text::new(
                format!("进入「{}」", label.zh),
                format!("enter “{}”", label.en),
            )
        }
    }
}

fn outcome(p: &Policy, goal: &Goal, then: &Outcome, now: &Decision) -> Text {
    let per = p.period.label();
    match goal {
        Goal::PayLess => Text::new(
            format!(
                "{}缴费 {} 元（现为 {} 元）",
                per.zh, then.net_fee, now.net_fee
            ),
            format!("pays {} {} (now {})", then.net_fee, per.en, now.net_fee),
        ),
        Goal::ReceiveMore => Text::new(
            format!(
                "{}补贴 {} 元（现为 {} 元）",
                per.zh, then.subsidy_total, now.subsidy_total
            ),
            format!(
                "receives {} {} (now {})",
                then.subsidy_total, per.en, now.subsidy_total
            ),
        ),
        Goal::Eligible => Text::new(
            format!(
                "符合条件，{}缴费 {} 元，补贴 {} 元",
                per.zh, then.net_fee, then.subsidy_total
            ),
            format!(
                "eligible, pays {} {} and receives {}",
                then.net_fee, per.en, then.subsidy_total
            ),
        ),
        Goal::Group(_) => {
            let g = goal_words(p, goal);
            Text::new(g.zh, format!("would {}", g.en))
        }
    }
}

/// One suggestion: its changes, what they give, and the clause that says so.
pub(super) fn suggestion(p: &Policy, goal: &Goal, s: &Suggestion, now: &Decision) -> Text {
    let changes = join(s.changes.iter().map(|c| c.says.clone()), "，并且", ", and ");
    let then = outcome(p, goal, &s.then, now);
    let cite = s.cite.as_ref().map(|c| {
        Text::new(
            format!("（依据 {} {}）", c.document, c.clause),
            format!(" (by {} {})", c.document, c.clause),
        )
    });
    let cite = cite.unwrap_or_default();
    match s.acts {
        Acts::Action => Text::new(
            format!("{} → {}{}", changes.zh, then.zh, cite.zh),
            format!("{} → {}{}", changes.en, then.en, cite.en),
        ),
        Acts::Fact => Text::new(
            format!("如果{}：{}{}", changes.zh, then.zh, cite.zh),
            format!("Would apply if {}: {}{}", changes.en, then.en, cite.en),
        ),
    }
}

/// An input's label with its new value: "Class-hours a month: 56 or fewer".
pub(super) fn labelled(label: &Text, v: Text) -> Text {
    Text::new(
        format!("{}：{}", label.zh, v.zh),
        format!("{}: {}", label.en, v.en),
    )
}

/// The whole answer in a sentence or two.
pub(super) fn summary(p: &Policy, goal: &Goal, w: &WhatIf) -> Text {
    let goal = goal_words(p, goal);
    if w.met {
        return Text::new(
            format!("已经{}，无需改变。", goal.zh),
            format!("Already there ({}): nothing needs to change.", goal.en),
        );
    }
    if w.suggestions.is_empty() {
        let k = w.options.max_changes;
        return if w.complete {
            Text::new(
                format!("改变不超过 {k} 项输入都不能{}。", goal.zh),
                format!("No change of at most {k} inputs would {}.", goal.en),
            )
        } else {
            let why = join(w.notes.iter().cloned(), "；", "; ");
            Text::new(
                format!(
                    "没有找到能{}的改变，但并非所有组合都已判定：{}。",
                    goal.zh, why.zh
                ),
                format!(
                    "No change that would {} was found, but not every combination was decided: {}.",
                    goal.en, why.en
                ),
            )
        };
    }
    let list = join(w.suggestions.iter().map(|s| s.says.clone()), "；", "; ");
    Text::new(
        format!("怎样可以{}：{}。", goal.zh, list.zh),
        format!("To {}: {}.", goal.en, list.en),
    )
}

fn join(items: impl Iterator<Item = Text>, zh: &str, en: &str) -> Text {
    let (a, b): (Vec<String>, Vec<String>) = items.map(|t| (t.zh, t.en)).unzip();
    Text::new(a.join(zh), b.join(en))
}
