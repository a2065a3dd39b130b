//! Weekdays, clock times and the days of a term.

use super::Term;
use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A day of the week.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// The weekday of a date.
    pub fn of(d: NaiveDate) -> Weekday {
        match d.weekday() {
            chrono::Weekday::Mon => Weekday::Mon,
            chrono::Weekday::Tue => Weekday::Tue,
            chrono::Weekday::Wed => Weekday::Wed,
            chrono::Weekday::Thu => Weekday::Thu,
            chrono::Weekday::Fri => Weekday::Fri,
            chrono::Weekday::Sat => Weekday::Sat,
            chrono::Weekday::Sun => Weekday::Sun,
        }
    }
    /// Its short id, `mon` … `sun`.
    pub fn id(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }
    /// Its Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Weekday::Mon => "周一",
            Weekday::Tue => "周二",
            Weekday::Wed => "周三",
            Weekday::Thu => "周四",
            Weekday::Fri => "周五",
            Weekday::Sat => "周六",
            Weekday::Sun => "周日",
        }
    }
}

/// A clock time of day, `HH:MM`, held as minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Clock(u16);

impl Clock {
    /// Parses `HH:MM` (00:00 … 24:00).
    pub fn parse(s: &str) -> Option<Clock> {
        let (h, m) = s.trim().split_once(':')?;
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then(|| Clock(h * 60 + m))
    }
    /// Minutes after midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl std::fmt::Display for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for Clock {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Clock::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("`{s}` is not a clock time HH:MM (00:00–24:00)"))
        })
    }
}

impl JsonSchema for Clock {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Clock".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": "^[0-9]{1,2}:[0-9]{2}$", "description": "A clock time, HH:MM."})
    }
}

/// The longest term accepted, in days.
pub const MAX_TERM_DAYS: i64 = 400;

/// The days of a term on which the program is open (closed days left out), in order.
pub(crate) fn open_days(term: &Term) -> Vec<NaiveDate> {
    term.from
        .iter_days()
        .take_while(|d| *d <= term.to)
        .take(usize::try_from(MAX_TERM_DAYS).unwrap_or(0) + 1)
        .filter(|d| !term.closed.iter().any(|c| c.contains(*d)))
        .collect()
}

/// How many open days of the term fall on each weekday.
pub(crate) fn weekday_counts(days: &[NaiveDate]) -> std::collections::BTreeMap<Weekday, u32> {
    let mut m = std::collections::BTreeMap::new();
    for d in days {
        *m.entry(Weekday::of(*d)).or_insert(0) += 1;
    }
    m
}

/// The calendar months lying wholly inside the term, as (year, month).
pub(crate) fn whole_months(term: &Term) -> Vec<(i32, u32)> {
    let mut out = Vec::new();
    let mut d = term.from;
    while d <= term.to {
        let first = d.with_day(1);
        let next = first.and_then(|f| f.checked_add_months(chrono::Months::new(1)));
        match (first, next) {
            (Some(first), Some(next)) => {
                if first >= term.from && next.pred_opt().is_some_and(|l| l <= term.to) {
                    out.push((first.year(), first.month()));
                }
                d = next;
            }
            _ => break,
        }
    }
    out
}
