//! Bilingual labels.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

/// A label in Chinese and English: every name a citizen or an author sees is given in both.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// A label from its Chinese and English forms.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.zh.is_empty() || self.zh == self.en {
            f.write_str(&self.en)
        } else {
            write!(f, "{} ({})", self.zh, self.en)
        }
    }
}

/// A name many answers share (a rule's, a payer's, an input's): interned, so that a decision,
/// a step or a line holds it by copying one pointer, with no count to raise and lower (on one
/// evaluation those counts cost more than the rules did). Reads, compares and serialises as
/// the plain string.
///
/// Names are made when a policy is compiled (and when an answer is read back from JSON). Each
/// distinct name is stored once for the life of the process, and kept when the policy that
/// made it is dropped: reloading or reforming a pack adds only the names it brings that were
/// not there before (a reform's new rule ids, the new policy's fingerprint).
#[derive(Debug, Clone, Eq, Serialize)]
#[serde(transparent)]
pub struct Name(&'static str);

/// Every name is interned, so two are equal exactly when they are the same string in memory.
impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

/// By text, as `str` orders (a map keyed by names serialises in text order); one name found
/// in a map is equal by address, without its text compared.
impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        if std::ptr::eq(self.0, other.0) {
            return std::cmp::Ordering::Equal;
        }
        self.0.cmp(other.0)
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.hash(h);
    }
}

impl Default for Name {
    fn default() -> Name {
        Name::interned("")
    }
}

/// Every name made so far, each once.
static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// `value` as stored once in `set` for the life of the process (`leak` stores it when it is
/// not there yet).
fn interned<T: Ord + ?Sized>(
    set: &Mutex<BTreeSet<&'static T>>,
    value: &T,
    leak: impl FnOnce() -> &'static T,
) -> &'static T {
    // A panic elsewhere while holding the lock leaves the set whole: every insert is one call
    // that either happened or did not.
    let mut set = set.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(&v) = set.get(value) {
        return v;
    }
    let v = leak();
    set.insert(v);
    v
}

impl Name {
    /// The name whose text is `s`.
    fn interned(s: &str) -> Name {
        Name(interned(&NAMES, s, || Box::leak(Box::from(s))))
    }

    /// The string.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        std::borrow::Cow::<'de, str>::deserialize(d).map(|s| Name::interned(&s))
    }
}

impl JsonSchema for Name {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(g)
    }
    fn inline_schema() -> bool {
        true
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::interned(s)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name::interned(&s)
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Name {
        Name::interned(s)
    }
}

/// A bilingual label many answers share (a rule's name, why a value is assumed): interned
/// like [`Name`], made when a policy is compiled. Reads (`Deref<Target = Text>`), compares
/// and serialises as its [`Text`].
#[derive(Debug, Clone, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Label(&'static Text);

/// Every label made so far, each once.
static LABELS: Mutex<BTreeSet<&'static Text>> = Mutex::new(BTreeSet::new());

/// Every label is interned, so two are equal exactly when they are the same in memory.
impl PartialEq for Label {
    fn eq(&self, other: &Label) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Default for Label {
    fn default() -> Label {
        Label::from(Text::default())
    }
}

impl From<Text> for Label {
    fn from(t: Text) -> Label {
        Label(interned(&LABELS, &t, || Box::leak(Box::new(t.clone()))))
    }
}

impl std::ops::Deref for Label {
    type Target = Text;
    fn deref(&self) -> &Text {
        self.0
    }
}

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Label, D::Error> {
        Text::deserialize(d).map(Label::from)
    }
}

impl JsonSchema for Label {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        Text::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        Text::schema_id()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Text::json_schema(g)
    }
    fn inline_schema() -> bool {
        Text::inline_schema()
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        *self == *other.0
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// `s` as quoted in a message: at most `max` characters (then `…`), with control characters
/// (newlines, ANSI escapes) written as escapes, so that a 200 KB expression or a crafted id
/// cannot flood a terminal or forge a line of output.
pub fn excerpt(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The names a pack's plain sentence uses (`{name}`), to check them against its inputs and
/// parameters.
pub(crate) fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(n, _)| n))
}

#[cfg(test)]
mod tests {
    use super::{excerpt, Label, Name, Text};

    #[test]
    fn a_name_is_stored_once_and_orders_as_its_text() {
        let made = format!("{}-{}", "payers", "family");
        let (a, b) = (Name::from("payers-family"), Name::from(made));
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        let read: Name = serde_json::from_str("\"payers-family\"").unwrap_or_default();
        assert!(std::ptr::eq(a.as_str(), read.as_str()));
        assert_eq!(
            serde_json::to_string(&read).unwrap_or_default(),
            "\"payers-family\""
        );
        // Ordered by text, not by where it is stored: maps keyed by names serialise sorted.
        let mut names = [Name::from("zz"), Name::from("aa"), Name::from("mm")];
        names.sort();
        assert_eq!(names.map(|n| n.as_str()), ["aa", "mm", "zz"]);
        assert_ne!(Name::from("aa"), Name::from("ab"));
        assert_eq!(Name::default(), Name::from(String::new()));
    }

    #[test]
    fn a_label_is_stored_once_and_reads_as_its_text() {
        let (a, b) = (
            Label::from(Text::new("每月最多收", "at most per month")),
            Label::from(Text::new(String::from("每月最多收"), "at most per month")),
        );
        assert!(std::ptr::eq(&*a, &*b));
        assert_ne!(a, Label::from(Text::new("每月最多收", "at most per term")));
        let json = serde_json::to_string(&a).unwrap_or_default();
        assert_eq!(json, r#"{"zh":"每月最多收","en":"at most per month"}"#);
        let read: Label = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(read, a);
        assert_eq!(read.en, "at most per month");
    }

    #[test]
    fn excerpts_are_short_and_cannot_forge_lines() {
        assert_eq!(excerpt("hours >= 3", 80), "hours >= 3");
        assert_eq!(excerpt(&"1 + ".repeat(50_000), 12), "1 + 1 + 1 + …");
        assert_eq!(excerpt("a\nb\u{1b}[31m", 80), "a\\nb\\u{1b}[31m");
    }
}
