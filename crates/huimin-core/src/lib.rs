//! huimin-core: an exact, explainable rules engine for subsidised public-service programs.
//!
//! A city writes its policy as a **policy pack** (YAML or JSON, see [`pack`]); huimin compiles
//! it once into a [`Policy`] and evaluates participants against it as of a date, producing a
//! [`Decision`]: eligibility and priority groups, fees, reductions, subsidies, the split of every
//! amount between payers, and the explanation steps with the clause each came from.
//!
//! ```
//! use huimin_core::{Participant, Policy};
//! let policy = Policy::from_yaml(r#"
//! id: demo
//! name: { zh: 示例, en: Demo }
//! kind: after_school
//! jurisdiction: { zh: 某市, en: Some city }
//! valid_from: 2020-09-01
//! period: month
//! payers: { parents: { zh: 家长, en: Parents } }
//! fee_payer: parents
//! inputs: { class_hours: {} }
//! parameters:
//!   rate: { values: [ { from: 2020-09-01, value: 3.00 } ] }
//! fees:
//!   - { id: service, label: { zh: 服务费, en: Service fee }, rate: rate, quantity: class_hours, cap: "170" }
//! "#, "demo.yaml").unwrap();
//! let kid = Participant::new().with("class_hours", 60);
//! let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
//! let d = policy.evaluate(&kid, as_of).unwrap();
//! assert_eq!(d.net_fee.to_string(), "170.00");
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod batch;
pub mod budget;
pub mod decision;
pub mod error;
mod evaluate;
pub mod expr;
pub mod ffi;
pub mod limits;
mod lint;
pub mod model;
pub mod money;
pub mod pack;
mod policy;
pub mod population;
pub mod program;
pub mod text;

pub use budget::Budget;
pub use decision::Decision;
pub use error::{Error, EvalError, InputError, PackError};
pub use limits::Limits;
pub use model::{Participant, Value};
pub use money::{Money, Rounding, RoundingMode};
pub use policy::{EvalOptions, FieldInfo, InputSchema, Policy, TagInfo};
pub use text::Text;
