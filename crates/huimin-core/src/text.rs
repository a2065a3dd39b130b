//! Bilingual labels.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A label in Chinese and English: every name a citizen or an author sees is given in both.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
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
