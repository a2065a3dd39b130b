//! The semantic difference between two policies (a pack and its reform, or two versions of a
//! pack): which parameters, rules and settings were added, removed or changed, with both
//! values and the clauses they cite — compared as written, not as text, so moving a rule or
//! re-quoting a number is no change.

use crate::policy::Policy;
use crate::text::Text;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// What two policies differ in.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Diff {
    /// The first policy's id.
    pub from: String,
    /// The second policy's id.
    pub to: String,
    /// Every difference: parameters first, then rules in stage order, then the rest.
    pub changes: Vec<Change>,
    /// Every clause a change cites, as `《title》clause: text`, by clause id.
    pub clauses: BTreeMap<String, String>,
}

/// One parameter, rule or setting that differs.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Change {
    /// Where it is: `parameters`, a rule stage (`fees`, `reductions`…), or a setting's section.
    pub section: String,
    /// Its id or key.
    pub id: String,
    /// Added, removed or changed.
    pub change: ChangeKind,
    /// Its label, as the second policy gives it (the first's when removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    /// The fields that differ, for a change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// As the first policy writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// As the second policy writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// How an item differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only the second policy has it.
    Added,
    /// Only the first policy has it.
    Removed,
    /// Both have it, written differently.
    Changed,
}

/// Sections holding rules with ids, in stage order (reductions and subsidies hold theirs in
/// `rules`).
const RULES: [&str; 13] = [
    "eligibility",
    "categories",
    "priority",
    "fees",
    "reductions",
    "subsidies",
    "entitlements",
    "documents",
    "earmarks",
    "schedule",
    "staffing",
    "workflow",
    "averages",
];
/// Sections that map keys to items.
const MAPS: [&str; 8] = [
    "parameters",
    "inputs",
    "tags",
    "payers",
    "splits",
    "sources",
    "clauses",
    "rounding",
];
/// Settings whose difference is the policy's identity, shown in the header instead.
const IDENTITY: [&str; 3] = ["id", "name", "description"];

impl Policy {
    /// What `other` changes of this policy.
    pub fn diff(&self, other: &Policy) -> Diff {
        let (a, b) = (as_object(self), as_object(other));
        let mut changes = Vec::new();
        let mut rest: Vec<&String> = a
            .keys()
            .chain(b.keys().filter(|k| !a.contains_key(*k)))
            .collect();
        rest.sort_by_key(|k| {
            let at = |list: &[&str]| list.iter().position(|x| x == k);
            (
                at(&["parameters"]).map_or(1, |_| 0),
                at(&RULES).unwrap_or(usize::MAX),
            )
        });
        for key in rest {
            if IDENTITY.contains(&key.as_str()) {
                continue;
            }
            let (x, y) = (a.get(key), b.get(key));
            if RULES.contains(&key.as_str()) {
                let rules = |v: Option<&Value>| -> Vec<Value> {
                    let list = match v {
                        Some(Value::Object(g)) => g.get("rules"),
                        other => other,
                    };
                    list.and_then(Value::as_array).cloned().unwrap_or_default()
                };
                if [x, y].iter().any(|v| matches!(v, Some(Value::Object(_)))) {
                    for field in ["stacking", "ceiling"] {
                        let get = |v: Option<&Value>| v.and_then(|v| v.get(field)).cloned();
                        item(&mut changes, key, field, get(x), get(y));
                    }
                }
                let keyed = |list: Vec<Value>| -> Vec<(String, Value)> {
                    list.into_iter()
                        .map(|r| {
                            (
                                r.get("id").and_then(Value::as_str).unwrap_or("").to_owned(),
                                r,
                            )
                        })
                        .collect()
                };
                keyed_items(&mut changes, key, keyed(rules(x)), keyed(rules(y)));
            } else if MAPS.contains(&key.as_str()) {
                let entries = |v: Option<&Value>| -> Vec<(String, Value)> {
                    v.and_then(Value::as_object)
                        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                        .unwrap_or_default()
                };
                keyed_items(&mut changes, key, entries(x), entries(y));
            } else {
                item(&mut changes, "pack", key, x.cloned(), y.cloned());
            }
        }
        let mut clauses = BTreeMap::new();
        for c in &changes {
            for v in [&c.before, &c.after].into_iter().flatten() {
                cites(v, &mut |id| {
                    let text = other.clause_text(id).or_else(|| self.clause_text(id));
                    if let Some(t) = text {
                        clauses.insert(id.to_owned(), t);
                    }
                });
            }
        }
        Diff {
            from: self.id.to_string(),
            to: other.id.to_string(),
            changes,
            clauses,
        }
    }

    /// `《title》clause: text` of clause `id`.
    fn clause_text(&self, id: &str) -> Option<String> {
        let c = self.pack.clauses.get(id)?;
        let title = self
            .pack
            .sources
            .get(&c.source.value)
            .map_or(c.source.value.as_str(), |s| s.title.as_str());
        Some(format!("《{title}》{}: {}", c.clause, c.text))
    }
}

/// A policy's pack as written ([`Policy::canonical`]), without the fields it leaves out
/// (`null`). Read back from the canonical text rather than serialised to a `Value`: one
/// serialiser of the pack's types fewer in the browser's module.
fn as_object(policy: &Policy) -> Map<String, Value> {
    fn written(v: Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .filter(|(_, x)| !x.is_null())
                    .map(|(k, x)| (k, written(x)))
                    .collect(),
            ),
            Value::Array(xs) => Value::Array(xs.into_iter().map(written).collect()),
            other => other,
        }
    }
    match serde_json::from_str(&policy.canonical()).map(written) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// Compares items matched by key, in the first's order then the second's new ones.
fn keyed_items(
    changes: &mut Vec<Change>,
    section: &str,
    before: Vec<(String, Value)>,
    after: Vec<(String, Value)>,
) {
    let find = |list: &[(String, Value)], k: &str| {
        list.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone())
    };
    for (k, v) in &before {
        item(changes, section, k, Some(v.clone()), find(&after, k));
    }
    for (k, v) in &after {
        if find(&before, k).is_none() {
            item(changes, section, k, None, Some(v.clone()));
        }
    }
}

/// Records one item's difference, if any. `null` is the same as absent.
fn item(changes: &mut Vec<Change>, section: &str, id: &str, x: Option<Value>, y: Option<Value>) {
    let present = |v: Option<Value>| v.filter(|v| !v.is_null());
    let (x, y) = (present(x), present(y));
    let change = match (&x, &y) {
        (None, None) => return,
        (Some(a), Some(b)) if a == b => return,
        (Some(_), Some(_)) => ChangeKind::Changed,
        (None, Some(_)) => ChangeKind::Added,
        (Some(_), None) => ChangeKind::Removed,
    };
    let fields = match (&x, &y) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.dedup();
            let mut f: Vec<String> = keys
                .into_iter()
                .filter(|k| {
                    a.get(*k).filter(|v| !v.is_null()) != b.get(*k).filter(|v| !v.is_null())
                })
                .cloned()
                .collect();
            f.sort();
            f.dedup();
            f
        }
        _ => Vec::new(),
    };
    let label = y
        .as_ref()
        .or(x.as_ref())
        .and_then(|v| v.get("label").or_else(|| v.get("name")))
        .and_then(|l| serde_json::from_value::<Text>(l.clone()).ok());
    changes.push(Change {
        section: section.to_owned(),
        id: id.to_owned(),
        change,
        label,
        fields,
        before: x,
        after: y,
    });
}

/// Calls `f` with every clause id a written item cites (`cite` fields, at any depth).
fn cites(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("cite", Value::String(id)) => f(id),
                    _ => cites(x, f),
                }
            }
        }
        Value::Array(xs) => xs.iter().for_each(|x| cites(x, f)),
        _ => {}
    }
}

/// A written value on one line: strings bare, objects and lists as compact JSON.
fn brief(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl fmt::Display for Diff {
    /// The difference as a reader wants it: one line per change, the changed fields with both
    /// values, then the clauses cited.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} → {}", self.from, self.to)?;
        if self.changes.is_empty() {
            return writeln!(f, "  no difference in parameters, rules or settings");
        }
        for c in &self.changes {
            let sign = match c.change {
                ChangeKind::Added => '+',
                ChangeKind::Removed => '-',
                ChangeKind::Changed => '~',
            };
            let label = c
                .label
                .as_ref()
                .map(|l| format!(" {} / {}", l.zh, l.en))
                .unwrap_or_default();
            writeln!(f, "{sign} {}.{}{label}", c.section, c.id)?;
            match (&c.before, &c.after) {
                (Some(a), Some(b)) if !c.fields.is_empty() => {
                    for k in &c.fields {
                        let show = |v: &Value| v.get(k).map_or("(none)".to_owned(), brief);
                        writeln!(f, "    {k}: {} → {}", show(a), show(b))?;
                    }
                }
                (Some(a), Some(b)) => writeln!(f, "    {} → {}", brief(a), brief(b))?,
                (Some(v), None) | (None, Some(v)) => writeln!(f, "    {}", brief(v))?,
                (None, None) => {}
            }
        }
        if !self.clauses.is_empty() {
            writeln!(f, "clauses cited")?;
            for (id, t) in &self.clauses {
                writeln!(f, "  [{id}] {t}")?;
            }
        }
        Ok(())
    }
}
