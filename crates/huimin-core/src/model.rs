//! The domain model: participants, their input values, and the standard fields every pack
//! may read (age, grade, school stage, household statuses as tags, hukou district, disability,
//! living situation, quantities used in the period).

use crate::error::InputError;
use crate::money::parse_decimal;
use crate::text::Text;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One participant: an optional id, household-status tags (e.g. `dibao` for 低保), and named
/// field values. Which fields and tags are allowed is the pack's input schema.
///
/// In JSON a participant is a flat object: `{"id": "s1", "grade": 3, "tags": ["dibao"],
/// "class_hours": 60}`. Numbers may be JSON numbers or decimal strings; both are read exactly.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Participant {
    /// Caller's identifier, echoed in the decision.
    pub id: Option<String>,
    /// Household statuses and other categorical facts, by the pack's tag ids.
    pub tags: Vec<String>,
    /// Field values by field name.
    pub fields: BTreeMap<String, Value>,
}

/// A field value as given by the caller, before it is checked against the pack's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A number, exact.
    Number(Decimal),
    /// A yes/no fact.
    Bool(bool),
    /// Text: a choice id, a district, or a date as `YYYY-MM-DD`.
    Text(String),
}

impl From<Decimal> for Value {
    fn from(d: Decimal) -> Self {
        Value::Number(d)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Number(Decimal::from(v))
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Number(Decimal::from(v))
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Number(Decimal::from(v))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl Participant {
    /// An empty participant.
    pub fn new() -> Self {
        Participant::default()
    }

    /// Sets the caller's identifier.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets a field.
    pub fn with(mut self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.insert(field.into(), value.into());
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Reads a participant from a JSON object, reporting every bad entry by its path.
    pub fn from_json_value(v: &serde_json::Value) -> Result<Participant, Vec<InputError>> {
        let serde_json::Value::Object(map) = v else {
            return Err(vec![input_error(
                "",
                "wrong_type",
                "应为对象",
                "expected a JSON object",
            )]);
        };
        let mut p = Participant::default();
        let mut errors = Vec::new();
        for (key, val) in map {
            match (key.as_str(), val) {
                (_, serde_json::Value::Null) => {}
                ("id", serde_json::Value::String(s)) => p.id = Some(s.clone()),
                ("id", serde_json::Value::Number(n)) => p.id = Some(n.to_string()),
                ("tags", serde_json::Value::Array(items)) => {
                    for (i, t) in items.iter().enumerate() {
                        match t {
                            serde_json::Value::String(s) => p.tags.push(s.clone()),
                            _ => errors.push(input_error(
                                &format!("tags[{i}]"),
                                "wrong_type",
                                "标签应为文字",
                                "a tag must be a string",
                            )),
                        }
                    }
                }
                ("tags", serde_json::Value::String(s)) => {
                    // A delimited list, as CSV cells and form fields give it.
                    p.tags.extend(
                        s.split([';', ',', '|'])
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                            .map(String::from),
                    );
                }
                ("id", _) => errors.push(input_error(
                    key,
                    "wrong_type",
                    "编号应为文字或数字",
                    "an id is text or a number",
                )),
                ("tags", _) => errors.push(input_error(
                    key,
                    "wrong_type",
                    "标签应为文字列表，或用 ; 分隔的文字",
                    "tags are a list of texts, or one text separated by ;",
                )),
                (_, serde_json::Value::Bool(b)) => {
                    p.fields.insert(key.clone(), Value::Bool(*b));
                }
                (_, serde_json::Value::String(s)) => {
                    p.fields.insert(key.clone(), Value::Text(s.clone()));
                }
                (_, serde_json::Value::Number(n)) => match parse_decimal(&n.to_string()) {
                    Some(d) => {
                        p.fields.insert(key.clone(), Value::Number(d));
                    }
                    None => errors.push(input_error(
                        key,
                        "out_of_range",
                        "数值超出精确范围（最多 28 位小数，绝对值约小于 7.9e28）",
                        "number out of the exact range (at most 28 decimal places, magnitude below about 7.9e28)",
                    )),
                },
                (_, _) => errors.push(input_error(
                    key,
                    "wrong_type",
                    "应为数字、文字或是非值",
                    "expected a number, text or boolean",
                )),
            }
        }
        if errors.is_empty() {
            Ok(p)
        } else {
            Err(errors)
        }
    }

    /// The participant as a JSON object (numbers as decimal strings).
    pub fn to_json_value(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        if let Some(id) = &self.id {
            m.insert("id".into(), id.clone().into());
        }
        m.insert("tags".into(), self.tags.clone().into());
        for (k, v) in &self.fields {
            let j = match v {
                Value::Number(d) => serde_json::Value::String(d.to_string()),
                Value::Bool(b) => serde_json::Value::Bool(*b),
                Value::Text(s) => serde_json::Value::String(s.clone()),
            };
            m.insert(k.clone(), j);
        }
        serde_json::Value::Object(m)
    }
}

impl<'de> Deserialize<'de> for Participant {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Participant::from_json_value(&v).map_err(|errs| {
            let msg: Vec<String> = errs
                .iter()
                .map(|e| format!("{}: {}", e.path, e.message.en))
                .collect();
            serde::de::Error::custom(msg.join("; "))
        })
    }
}

impl Serialize for Participant {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json_value().serialize(s)
    }
}

pub(crate) fn input_error(path: &str, code: &'static str, zh: &str, en: &str) -> InputError {
    InputError {
        path: path.to_owned(),
        code,
        message: Text::new(zh, en),
    }
}

/// The type of an input field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// A whole number (grade, age).
    Integer,
    /// An exact decimal (class-hours, income).
    Decimal,
    /// Yes or no.
    Boolean,
    /// Free text (a district name).
    Text,
    /// One of a fixed list of ids (school stage).
    Choice,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
}

/// Whether a person can act on an input (hours chosen, an application made, a certification
/// obtained) or it is a fact about them (age, hukou): a what-if suggests the first and says
/// what "would apply if" of the second.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Acts {
    /// Something the person can do.
    Action,
    /// A fact about the person.
    #[default]
    Fact,
}

/// A field every pack may read without declaring its type: the standard vocabulary.
#[derive(Debug, Clone, Copy)]
pub struct StandardField {
    /// Field name.
    pub name: &'static str,
    /// Its type.
    pub ty: FieldType,
    /// Chinese label.
    pub zh: &'static str,
    /// English label.
    pub en: &'static str,
    /// Smallest allowed value, for numbers.
    pub min: Option<i64>,
    /// Largest allowed value, for numbers.
    pub max: Option<i64>,
    /// Allowed ids with their labels, for choices.
    pub choices: &'static [(&'static str, &'static str, &'static str)],
    /// For a quantity used over time, the period it counts, as a pack's `period` id
    /// (`month`: class-hours a month): a pack of another period must not read it as its own.
    pub per: Option<&'static str>,
    /// Whether a person can act on it.
    pub acts: Acts,
}

const fn num(
    name: &'static str,
    ty: FieldType,
    zh: &'static str,
    en: &'static str,
    min: i64,
    max: Option<i64>,
) -> StandardField {
    StandardField {
        name,
        ty,
        zh,
        en,
        min: Some(min),
        max,
        choices: &[],
        per: None,
        acts: Acts::Fact,
    }
}

/// A field a person can act on.
const fn action(f: StandardField) -> StandardField {
    StandardField {
        acts: Acts::Action,
        ..f
    }
}

const fn per(f: StandardField, period: &'static str) -> StandardField {
    StandardField {
        per: Some(period),
        ..f
    }
}

/// The standard fields: name, type, labels, bounds.
pub const STANDARD_FIELDS: &[StandardField] = &[
    num("age", FieldType::Integer, "年龄", "Age", 0, Some(150)),
    num("grade", FieldType::Integer, "年级", "Grade", 1, Some(12)),
    StandardField {
        name: "stage",
        ty: FieldType::Choice,
        zh: "学段",
        en: "School stage",
        min: None,
        max: None,
        choices: &[
            ("preschool", "学前", "Preschool"),
            ("primary", "小学", "Primary"),
            ("junior", "初中", "Junior secondary"),
            ("senior", "高中", "Senior secondary"),
        ],
        per: None,
        acts: Acts::Fact,
    },
    StandardField {
        name: "hukou_district",
        ty: FieldType::Text,
        zh: "户籍所在区",
        en: "Hukou district",
        min: None,
        max: None,
        choices: &[],
        per: None,
        acts: Acts::Fact,
    },
    StandardField {
        name: "residence_district",
        ty: FieldType::Text,
        zh: "居住区",
        en: "District of residence",
        min: None,
        max: None,
        choices: &[],
        per: None,
        acts: Acts::Fact,
    },
    num(
        "disability_grade",
        FieldType::Integer,
        "残疾等级（一级最重）",
        "Disability grade (1 most severe)",
        1,
        Some(4),
    ),
    StandardField {
        name: "self_care",
        ty: FieldType::Choice,
        zh: "自理能力",
        en: "Self-care ability",
        min: None,
        max: None,
        choices: &[
            ("able", "能自理", "Self-reliant"),
            ("partly_disabled", "部分失能", "Partly disabled"),
            ("fully_disabled", "完全失能", "Fully disabled"),
        ],
        per: None,
        acts: Acts::Fact,
    },
    StandardField {
        name: "living_situation",
        ty: FieldType::Choice,
        zh: "居住状况",
        en: "Living situation",
        min: None,
        max: None,
        choices: &[
            ("alone", "独居", "Lives alone"),
            ("with_family", "与家人同住", "Lives with family"),
            (
                "with_disabled_children",
                "仅与残疾子女同住",
                "Lives only with disabled children",
            ),
            ("institution", "住养老机构", "Lives in an institution"),
        ],
        per: None,
        acts: Acts::Fact,
    },
    action(per(
        num(
            "class_hours",
            FieldType::Decimal,
            "每月课时数",
            "Class-hours a month",
            0,
            Some(10_000),
        ),
        "month",
    )),
    action(per(
        num(
            "class_hours_semester",
            FieldType::Decimal,
            "本学期课时数",
            "Class-hours this semester",
            0,
            Some(10_000),
        ),
        "semester",
    )),
    action(per(
        num(
            "days",
            FieldType::Decimal,
            "本月天数",
            "Days this month",
            0,
            Some(31),
        ),
        "month",
    )),
    action(per(
        num(
            "months",
            FieldType::Decimal,
            "本年度月数",
            "Months this year",
            0,
            Some(12),
        ),
        "year",
    )),
    action(per(
        num(
            "service_hours",
            FieldType::Decimal,
            "每月服务时长（小时）",
            "Service hours a month",
            0,
            Some(10_000),
        ),
        "month",
    )),
    num(
        "monthly_income",
        FieldType::Decimal,
        "家庭人均月收入（元）",
        "Household monthly income per head (yuan)",
        0,
        None,
    ),
    StandardField {
        name: "birth_date",
        ty: FieldType::Date,
        zh: "出生日期",
        en: "Date of birth",
        min: None,
        max: None,
        choices: &[],
        per: None,
        acts: Acts::Fact,
    },
    StandardField {
        name: "local_hukou",
        ty: FieldType::Boolean,
        zh: "本地户籍",
        en: "Local hukou",
        min: None,
        max: None,
        choices: &[],
        per: None,
        acts: Acts::Fact,
    },
    StandardField {
        name: "local_residence",
        ty: FieldType::Boolean,
        zh: "在本地居住",
        en: "Lives locally",
        min: None,
        max: None,
        choices: &[],
        per: None,
        acts: Acts::Fact,
    },
    StandardField {
        name: "applied",
        ty: FieldType::Boolean,
        zh: "已提出申请",
        en: "Has applied",
        min: None,
        max: None,
        choices: &[],
        per: None,
        acts: Acts::Action,
    },
];

/// Looks up a standard field by name.
pub fn standard_field(name: &str) -> Option<&'static StandardField> {
    STANDARD_FIELDS.iter().find(|f| f.name == name)
}

/// A field value checked against its declared type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Scalar {
    Num(Decimal),
    Bool(bool),
    Text(String),
    Date(NaiveDate),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Num(d) => d.normalize().fmt(f),
            Scalar::Bool(b) => b.fmt(f),
            Scalar::Text(s) => s.fmt(f),
            Scalar::Date(d) => d.fmt(f),
        }
    }
}

/// A yes/no value as registries write it: `true`/`false`, `yes`/`no`, `是`/`否`, `1`/`0`
/// (an empty text is no); anything else is not one.
pub fn yes_no(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "是" => Some(true),
            "false" | "no" | "0" | "否" | "" => Some(false),
            _ => None,
        },
        Value::Number(d) if *d == Decimal::ZERO || *d == Decimal::ONE => Some(*d == Decimal::ONE),
        Value::Number(_) => None,
    }
}

/// A household status every pack may name by the same id: the shared vocabulary of tags.
#[derive(Debug, Clone, Copy)]
pub struct StandardTag {
    /// Tag id.
    pub id: &'static str,
    /// Chinese label.
    pub zh: &'static str,
    /// English label.
    pub en: &'static str,
    /// Other names for it, as registries, forms and earlier packs write them: a key or column
    /// of one of these names is this tag.
    pub aliases: &'static [&'static str],
    /// Statuses it entails (低保 is 家庭经济困难): a pack that reads one of those and not this
    /// one reads it as given.
    pub implies: &'static [&'static str],
    /// Whether a person can act on it (a certification one applies for) or it is a fact.
    pub acts: Acts,
}

const fn tag(
    id: &'static str,
    zh: &'static str,
    en: &'static str,
    aliases: &'static [&'static str],
    implies: &'static [&'static str],
) -> StandardTag {
    StandardTag {
        id,
        zh,
        en,
        aliases,
        implies,
        acts: Acts::Fact,
    }
}

/// A status a person obtains by applying for its certification.
const fn certified(t: StandardTag) -> StandardTag {
    StandardTag {
        acts: Acts::Action,
        ..t
    }
}

/// The statuses of the shared vocabulary. `hardship` is any economically difficult household,
/// as certified; 低保, 特困 and 建档立卡 entail it, so a pack that names "other" difficult
/// households beside 建档立卡 and 低保 (Nanjing's 等, Jilin's 其他贫困家庭) and one that
/// names all of them read one record alike.
pub const STANDARD_TAGS: &[StandardTag] = &[
    certified(tag(
        "dibao",
        "低保",
        "Minimum living allowance (低保)",
        &[
            "低保",
            "低保户",
            "低保家庭",
            "低保对象",
            "享受低保",
            "是否低保",
        ],
        &["hardship"],
    )),
    certified(tag(
        "tekun",
        "特困人员",
        "Extreme poverty (特困)",
        &["特困", "特困供养", "特困供养人员", "是否特困"],
        &["hardship"],
    )),
    certified(tag(
        "jianka",
        "建档立卡贫困户",
        "Registered poverty (建档立卡)",
        &[
            "建档立卡",
            "建档立卡户",
            "建档立卡家庭",
            "建档立卡贫困户",
            "是否建档立卡",
            "jiandang_lika",
        ],
        &["hardship"],
    )),
    certified(tag(
        "low_income",
        "低收入家庭",
        "Low-income household (低收入)",
        &["低收入", "低收入户", "低收入家庭", "是否低收入"],
        &[],
    )),
    certified(tag(
        "hardship",
        "家庭经济困难",
        "Economically difficult household",
        &[
            "家庭经济困难",
            "经济困难",
            "困难家庭",
            "家庭困难",
            "是否家庭经济困难",
        ],
        &[],
    )),
    tag(
        "sanwu",
        "“三无”人员",
        "三无 (no income, no working ability, no supporter)",
        &["三无", "三无人员", "“三无”人员", "三无老人", "“三无”老人"],
        &[],
    ),
    tag(
        "disabled",
        "残疾",
        "Disabled",
        &["残疾", "残疾人", "残疾儿童", "是否残疾"],
        &[],
    ),
    tag(
        "left_behind",
        "留守儿童",
        "Left-behind child",
        &["留守", "留守儿童", "留守学生", "是否留守"],
        &[],
    ),
    tag(
        "migrant",
        "进城务工人员随迁子女",
        "Child of migrant workers",
        &[
            "随迁子女",
            "进城务工人员随迁子女",
            "外来务工",
            "外来务工家庭",
            "是否随迁子女",
            "migrant_child",
            "migrant_worker",
        ],
        &[],
    ),
    tag(
        "dual_worker",
        "双职工家庭",
        "Dual-worker household",
        &["双职工", "双职工家庭", "是否双职工"],
        &[],
    ),
    certified(tag(
        "low_middle_income",
        "中低收入家庭",
        "Low- or middle-income household",
        &["中低收入", "中低收入家庭"],
        &[],
    )),
    tag(
        "youfu",
        "重点优抚对象",
        "Key special-care recipient (重点优抚)",
        &["重点优抚", "优抚对象", "重点优抚对象"],
        &[],
    ),
    tag(
        "disability_nursing_subsidy",
        "已享受残疾人护理补贴",
        "Already receives the disabled persons' nursing subsidy",
        &["残疾人护理补贴", "享受残疾人护理补贴"],
        &[],
    ),
    tag(
        "severe_mental_illness",
        "严重精神障碍患者",
        "Severe mental illness",
        &["严重精神障碍", "重症精神病"],
        &[],
    ),
    tag(
        "hypertension",
        "高血压患者",
        "Hypertension",
        &["高血压", "原发性高血压"],
        &[],
    ),
];

/// Looks up a vocabulary status by its id.
pub fn standard_tag(id: &str) -> Option<&'static StandardTag> {
    STANDARD_TAGS.iter().find(|t| t.id == id)
}

/// The vocabulary status a name stands for: its id, or one of its aliases.
pub fn tag_named(name: &str) -> Option<&'static StandardTag> {
    tag_place(name).and_then(|i| STANDARD_TAGS.get(i))
}

/// The place in [`STANDARD_TAGS`] of the status a name stands for.
pub(crate) fn tag_place(name: &str) -> Option<usize> {
    let name = name.trim();
    STANDARD_TAGS
        .iter()
        .position(|t| t.id == name || t.aliases.contains(&name))
}

/// Vocabulary statuses, one bit per place in [`STANDARD_TAGS`]: a set with no allocation.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Statuses(u64);

const _: () = assert!(STANDARD_TAGS.len() <= 64, "Statuses holds 64 statuses");

impl Statuses {
    /// Adds the status `name` stands for, if it is one; whether it is.
    pub(crate) fn add(&mut self, name: &str) -> bool {
        let Some(i) = tag_place(name) else {
            return false;
        };
        self.0 |= 1 << i;
        true
    }

    /// The statuses in the set with their places, in vocabulary order.
    pub(crate) fn iter(self) -> impl Iterator<Item = (usize, &'static StandardTag)> {
        STANDARD_TAGS
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 >> i & 1 == 1)
    }
}

/// Registry names of the standard fields (列名 as exports write them): name → field.
pub const FIELD_ALIASES: &[(&str, &str)] = &[
    ("年龄", "age"),
    ("年级", "grade"),
    ("学段", "stage"),
    ("户籍所在区", "hukou_district"),
    ("居住区", "residence_district"),
    ("残疾等级", "disability_grade"),
    ("自理能力", "self_care"),
    ("居住状况", "living_situation"),
    ("课时数", "class_hours"),
    ("每月课时数", "class_hours"),
    ("本学期课时数", "class_hours_semester"),
    ("天数", "days"),
    ("月数", "months"),
    ("服务时长", "service_hours"),
    ("家庭人均月收入", "monthly_income"),
    ("出生日期", "birth_date"),
    ("本地户籍", "local_hukou"),
    ("是否本地户籍", "local_hukou"),
    ("已申请", "applied"),
    ("是否申请", "applied"),
];

/// The standard field a name stands for: its own name or a registry alias.
pub fn field_named(name: &str) -> Option<&'static StandardField> {
    let name = name.trim();
    standard_field(name).or_else(|| {
        FIELD_ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .and_then(|(_, f)| standard_field(f))
    })
}
