//! A values file: the numbers a pack leaves to an authority (`set_by`), as one deployment
//! sets them. A pack says *who* sets a value; a values file says *what* it is, and is applied
//! to the pack before it compiles. A values file marked `example: true` holds illustrative
//! numbers, and every answer that rests on one says it is an example.

use super::{Assumed, DatedValue, Dec, Pack, Pos};
use crate::error::{PackErrors, Severity};
use crate::limits::Limits;
use crate::text::Text;
use chrono::NaiveDate;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A values file, as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValuesFile {
    /// The id of the pack it is for.
    #[schemars(with = "String")]
    pub pack: Spanned<String>,
    /// Who set these values, or what the file is (`{zh, en}`).
    pub name: Text,
    /// The values are illustrations, not set by any authority: answers say so.
    #[serde(default)]
    pub example: bool,
    /// By parameter id: its values, each in force from its date until the next one starts.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, Vec<SetValue>>")]
    pub values: IndexMap<String, Spanned<Vec<SetValue>>>,
    /// By input id (inputs the pack marks `set_by`): the value this deployment gives a
    /// participant who comes without one, in place of the pack's default.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, super::Source>")]
    pub inputs: IndexMap<String, Spanned<super::Source>>,
}

/// One value an authority set, and when it starts.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetValue {
    /// First day in force.
    pub from: NaiveDate,
    /// The value.
    pub value: Dec,
    /// The document that sets it (文号), if any.
    #[serde(default)]
    pub document: Option<String>,
}

/// Parses a YAML (or JSON) values file within `limits`. `file` names it in error messages.
pub fn parse_values(text: &str, file: &str, limits: &Limits) -> Result<ValuesFile, PackErrors> {
    super::load::parse_file(text, file, limits)
}

impl Pack {
    /// Gives the pack's `set_by` parameters the values of `v` (read from `file`). Every value
    /// must be for a parameter of this pack that an authority sets; nothing is applied unless
    /// all of it can be.
    pub fn apply_values(&mut self, v: &ValuesFile, file: &str) -> Result<(), PackErrors> {
        let mut errors = Vec::new();
        let mut error = |pos: Pos, message: String| {
            errors.push(pos.problem(file, Severity::Error, "values", message));
        };
        if v.pack.value != self.id.value {
            error(
                Pos::of(&v.pack),
                format!(
                    "these values are for pack `{}`, not `{}`",
                    v.pack.value, self.id.value
                ),
            );
        }
        for (name, values) in &v.values {
            match self.parameters.get(name) {
                None => error(
                    Pos::of(values),
                    format!("pack `{}` has no parameter `{name}`", self.id.value),
                ),
                Some(p) if p.set_by.is_none() => error(
                    Pos::of(values),
                    format!(
                        "parameter `{name}` is stated by the pack's source, not set by an \
                         authority: a values file cannot change it"
                    ),
                ),
                Some(_) if values.value.is_empty() => {
                    error(Pos::of(values), format!("no values for `{name}`"));
                }
                Some(_) => {
                    let mut dates: Vec<NaiveDate> = values.value.iter().map(|x| x.from).collect();
                    dates.sort_unstable();
                    if let Some(w) = dates.windows(2).find(|w| w.first() == w.get(1)) {
                        let day = w.first().map(ToString::to_string).unwrap_or_default();
                        error(
                            Pos::of(values),
                            format!("`{name}` has two values starting {day}"),
                        );
                    }
                }
            }
        }
        for (name, value) in &v.inputs {
            match self.inputs.get(name) {
                None => error(
                    Pos::of(value),
                    format!("pack `{}` has no input `{name}`", self.id.value),
                ),
                Some(d) if d.set_by.is_none() => error(
                    Pos::of(value),
                    format!(
                        "input `{name}` is the applicant's, not set by an authority: a values \
                         file cannot give it"
                    ),
                ),
                Some(_) => {}
            }
        }
        if !errors.is_empty() {
            return Err(PackErrors(errors));
        }
        for (name, value) in &v.inputs {
            if let Some(d) = self.inputs.get_mut(name) {
                d.default = Some(value.clone());
                d.default_by = Some(super::DefaultBy {
                    name: v.name.clone(),
                    example: v.example,
                    file: Some(file.to_owned()),
                });
            }
        }
        for (name, values) in &v.values {
            let Some(p) = self.parameters.get_mut(name) else {
                continue;
            };
            let by = p.set_by.clone().unwrap_or_else(|| Text::new("", ""));
            if v.example {
                p.assumed = Some(Assumed::Because(Text::new(
                    format!(
                        "{}：示例数值，并非主管部门核定；此值由{}确定",
                        v.name.zh, by.zh
                    ),
                    format!(
                        "{}: an example value, not one the authority set (set by {})",
                        v.name.en, by.en
                    ),
                )));
            }
            let set = values
                .value
                .iter()
                .map(|x| DatedValue {
                    from: x.from,
                    value: x.value,
                    cite: None,
                })
                .collect();
            p.values = Spanned::new(set, values.referenced, values.defined);
        }
        Ok(())
    }
}

/// The JSON Schema of a values file.
pub fn values_schema() -> serde_json::Value {
    super::bilingual(
        serde_json::to_value(schemars::schema_for!(ValuesFile)).unwrap_or(serde_json::Value::Null),
    )
}
