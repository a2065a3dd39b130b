//! A pack's inputs, tags, parameters and citations.

use super::Compiler;
use crate::decision::Citation;
use crate::expr::did_you_mean;
use crate::model::{standard_field, FieldType, Value};
use crate::money::parse_decimal;
use crate::pack::{Pack, Pos};
use crate::policy::{Dated, Estimate, Field, Head, Param};
use crate::record::coerce;
use crate::text::{Label, Text};
use rust_decimal::Decimal;
use std::sync::Arc;

pub(super) fn citations(pack: &Pack, c: &mut Compiler) -> Vec<Arc<Citation>> {
    pack.clauses
        .iter()
        .map(|(id, cl)| {
            let doc = match pack.sources.get(&cl.source.value) {
                Some(s) => match &s.document {
                    Some(n) => format!("{}（{}）", s.title, n),
                    None => s.title.clone(),
                },
                None => {
                    let hint =
                        did_you_mean(&cl.source.value, pack.sources.keys().map(String::as_str));
                    c.error_at(
                        Pos::of(&cl.source),
                        "unknown_name",
                        format!(
                            "clause `{id}`: `{}` is not a document in `sources`",
                            cl.source.value
                        ),
                        hint,
                    );
                    String::new()
                }
            };
            Arc::new(Citation {
                id: id.clone(),
                document: doc,
                clause: cl.clause.clone(),
                text: cl.text.clone(),
                en: cl.en.clone(),
            })
        })
        .collect()
}

pub(super) fn fields(pack: &Pack, c: &mut Compiler) -> Vec<Field> {
    let mut fields = Vec::new();
    for (name, decl) in &pack.inputs {
        let std = standard_field(name);
        let ty = match (decl.ty, std) {
            (Some(t), Some(s)) if t != s.ty => {
                c.error_at(Pos::of(&pack.id), "invalid", format!("input `{name}` is a standard field of type {:?}; it cannot be redeclared as {t:?}", s.ty), None);
                continue;
            }
            (Some(t), _) => t,
            (None, Some(s)) => s.ty,
            (None, None) => {
                let hint = did_you_mean(name, crate::model::STANDARD_FIELDS.iter().map(|f| f.name));
                c.error_at(
                    Pos::of(&pack.id),
                    "invalid",
                    format!("input `{name}` is not a standard field, so it needs a `type`"),
                    hint,
                );
                continue;
            }
        };
        let label = decl
            .label
            .clone()
            .or_else(|| std.map(|s| Text::new(s.zh, s.en)))
            .unwrap_or_else(|| Text::new(name.clone(), name.clone()));
        let min = decl
            .min
            .map(|d| d.0)
            .or_else(|| std.and_then(|s| s.min).map(Decimal::from));
        let max = decl
            .max
            .map(|d| d.0)
            .or_else(|| std.and_then(|s| s.max).map(Decimal::from));
        let std_choices: Vec<(String, Text)> = std
            .map(|s| {
                s.choices
                    .iter()
                    .map(|(id, zh, en)| ((*id).to_owned(), Text::new(*zh, *en)))
                    .collect()
            })
            .unwrap_or_default();
        let choices: Vec<(String, Text)> = match &decl.choices {
            Some(ids) => ids
                .iter()
                .map(|id| {
                    let label = decl.choice_labels.get(id).cloned().or_else(|| {
                        std_choices
                            .iter()
                            .find(|(s, _)| s == id)
                            .map(|(_, l)| l.clone())
                    });
                    (
                        id.clone(),
                        label.unwrap_or_else(|| Text::new(id.clone(), id.clone())),
                    )
                })
                .collect(),
            None => std_choices,
        };
        if ty == FieldType::Choice && choices.is_empty() {
            c.error_at(
                Pos::of(&pack.id),
                "invalid",
                format!("input `{name}` is a choice but lists no `choices`"),
                None,
            );
        }
        let mut field = Field {
            name: name.clone(),
            ty,
            label: Label::from(label),
            min,
            max,
            choices,
            default: None,
            set_by: decl.set_by.clone(),
            estimate: None,
        };
        if let Some(d) = &decl.default {
            let v = match ty {
                FieldType::Boolean => match d.value.0.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    other => Value::Text(other.to_owned()),
                },
                FieldType::Integer | FieldType::Decimal => match parse_decimal(&d.value.0) {
                    Some(n) => Value::Number(n),
                    None => Value::Text(d.value.0.clone()),
                },
                _ => Value::Text(d.value.0.clone()),
            };
            match coerce(&field, &v) {
                Ok(s) => {
                    field.estimate = estimate(decl).map(|reason| Estimate {
                        reason: Label::from(reason),
                        shown: crate::Name::from(s.to_string()),
                    });
                    field.default = Some(s);
                }
                Err(e) => {
                    let message = format!("default of `{name}`: {}", e.message.en);
                    // A default a values file gave is that file's error, at its line.
                    match decl.default_by.as_ref().and_then(|b| b.file.as_deref()) {
                        Some(file) => c.error_in(file, Pos::of(d), "invalid", message),
                        None => c.error_at(Pos::of(d), "invalid", message, None),
                    }
                }
            }
        }
        fields.push(field);
    }
    fields
}

pub(super) fn params(pack: &Pack, c: &mut Compiler, fields: &[Field]) -> Vec<Param> {
    let mut params = Vec::new();
    for (name, p) in &pack.parameters {
        if fields.iter().any(|f| &f.name == name) || name == "as_of" || name == "category" {
            c.error_at(
                Pos::of(&p.values),
                "invalid",
                format!("parameter `{name}` has the name of an input or built-in"),
                None,
            );
        }
        let assumed = p
            .assumed
            .as_ref()
            .and_then(crate::pack::Assumed::reason)
            .map(Label::from);
        let estimate = |zh: bool| match &assumed {
            Some(r) if zh => format!("；估算：{}", r.zh),
            Some(r) => format!("; estimate: {}", r.en),
            None => String::new(),
        };
        let mut values = Vec::new();
        for v in &p.values.value {
            values.push(Dated {
                from: v.from,
                value: v.value.0,
                cite: c.cite(&v.cite),
                shown: crate::Name::from(v.value.0.to_string()),
                said: Arc::new(Text::new(
                    format!("自 {} 起施行{}", v.from, estimate(true)),
                    format!("in force from {}{}", v.from, estimate(false)),
                )),
            });
        }
        if values.is_empty() && p.set_by.is_none() {
            c.error_at(
                Pos::of(&p.values),
                "invalid",
                format!("parameter `{name}` has no values"),
                None,
            );
        }
        values.sort_by_key(|v| v.from);
        for w in values.windows(2) {
            if let [a, b] = w {
                if a.from == b.from {
                    c.error_at(
                        Pos::of(&p.values),
                        "invalid",
                        format!("parameter `{name}` has two values starting {}", a.from),
                        None,
                    );
                }
            }
        }
        if values.first().is_some_and(|v| v.from > pack.valid_from) {
            c.warn_at(
                Pos::of(&p.values),
                "gap",
                format!(
                    "parameter `{name}` has no value from the pack's start {} until {}",
                    pack.valid_from,
                    values
                        .first()
                        .map(|v| v.from.to_string())
                        .unwrap_or_default()
                ),
            );
        }
        let label = p
            .label
            .clone()
            .unwrap_or_else(|| Text::new(name.clone(), name.clone()));
        params.push(Param {
            head: Head {
                id: name.as_str().into(),
                label: Label::from(label),
                cite: None,
                reads: Vec::new(),
                assumed: Vec::new(),
            },
            assumed,
            set_by: p.set_by.clone(),
            values,
        });
    }
    params
}

/// Why a `set_by` input's default is an estimate: the pack's own default always is; one a
/// deployment's values file gave is only when the file's numbers are examples.
fn estimate(decl: &crate::pack::FieldDecl) -> Option<Text> {
    let by = decl.set_by.as_ref()?;
    match &decl.default_by {
        None => Some(Text::new(
            format!("此数值由{}确定，未给出，按本包的默认值估算", by.zh),
            format!(
                "set by {}; not given, so the pack's default stands in as an estimate",
                by.en
            ),
        )),
        Some(d) if d.example => Some(Text::new(
            format!(
                "{}：示例数值，并非主管部门核定；此值由{}确定",
                d.name.zh, by.zh
            ),
            format!(
                "{}: an example value, not one the authority set (set by {})",
                d.name.en, by.en
            ),
        )),
        Some(_) => None,
    }
}
