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
//!
//! # Stages and their modules
//!
//! Data flows one way: text → pack → compiled policy → rules over amounts → decision or
//! columns → population totals and reports. Each stage has one module, named for it; a module uses only
//! the modules above it in this table (`tests/layout.rs` keeps the table and the tree in step,
//! and refuses an import that points down the table or a loop between submodules).
//!
//! | stage | module | what it holds |
//! |---|---|---|
//! | text | `text` | bilingual [`Text`] |
//! | errors | `error` | [`Error`]: pack, input, evaluation and internal errors with codes, paths, zh/en messages |
//! | limits | `limits` | [`Limits`], a plain value: the bounds on packs and batches |
//! | money | `money` | [`Money`] (checked arithmetic, units), [`Rounding`], the one allocation (Hamilton), fixed-point millionths |
//! | participants | `model` | [`Participant`], [`Value`], the standard fields |
//! | authored format | `pack` | the pack as written: serde structs, YAML/JSON reading with spans and limits |
//! | expressions | `expr` | parse, type-check; scalar evaluation (`eval`) beside lane evaluation (`lane`) |
//! | outputs | `decision` | [`Decision`], its lines, allocations, steps and citations |
//! | compiled policy | `policy` | [`Policy`]: inputs, parameters, rules with resolved expressions; the one walk over them |
//! | input checking | `record` | a participant checked against a policy's inputs |
//! | compile | `compile` | pack → policy, one file per kind of rule |
//! | lint | `lint` | static checks over a compiled policy (a bounded search that says when it cannot decide) |
//! | load | `load` | every `Policy::from_*`: read within limits → compile → lint; [`Policy::reformed`], a reform applied and compiled afresh |
//! | difference | `diff` | [`Policy::diff`]: the parameters, rules and settings two policies differ in, with both values and the clauses cited |
//! | explain | `explain` | recording explanation steps and the zh/en "how" of an amount |
//! | rules | `rules` | the decision stages, written once over an amount type (exact `Decimal` or fixed-point) |
//! | one participant | `evaluate` | [`Policy::evaluate`]: the rules over `Decimal`, recording a [`Decision`] |
//! | columns | `batch` | [`Policy::evaluate_batch`]: lanes, the rules row by row over fixed-point, fall-back rows, the plan's verdict |
//! | group totals | `tally` | [`Tally`]: a population's totals by group under a baseline and reforms at once, exact weights, winners and losers |
//! | population runs | `simulate` | [`Policy::simulate`], [`tally_people`]: participants in slices on the columnar engine into a tally |
//! | synthetic populations | `population` | reproducible populations for demos and benchmarks |
//! | registry | `registry` | [`Registry`]: a deployment's packs loaded once, with their values, selected by date and kind |
//! | conformance cases | `cases` | a case file (participant, date, values, expected decision or error) run and matched, and the rules no case exercises |
//! | properties | `verify` | a property over every participant (bounds, comparisons with a reform) checked by splitting the input space into boxes and running the rules over affine amounts; counterexamples confirmed by the exact engine |
//! | what would change | `whatif` | [`Policy::what_would_change`]: the minimal changes of inputs that reach a goal, cited; [`Policy::evaluate_partial`]: a half-filled form's range of answers and the inputs still worth asking |
//! | household screening | `screen` | [`Registry::screen`]: every program in force for every member of a household, with yearly totals |
//! | program audit | `program` | a program's accounts, fees, schedule, staffing and averages under its pack; workflow it cannot see as notes |
//! | bindings | `ffi` | JSON in / JSON out for Python, WASM and the CLI: participants, `as_of`, evaluate, validate, info, input schema, error JSON, the flat output row |
//!
//! The rules are generic rather than the exact path being the columnar path over a batch of
//! one: explanation needs exact intermediate values, and a batch of one would pay the lanes'
//! set-up for every participant; the columnar path instead runs the same `rules` functions
//! row by row over fixed-point amounts, after evaluating every expression a column at a time.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]
#![warn(clippy::cast_possible_truncation)]
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
pub mod cases;
mod compile;
pub mod decision;
pub mod diff;
pub mod error;
mod evaluate;
mod explain;
pub mod expr;
pub mod ffi;
pub mod limits;
#[cfg(feature = "lint")]
mod lint;
pub mod load;
pub mod model;
pub mod money;
pub mod pack;
mod policy;
pub mod population;
pub mod program;
mod record;
pub mod registry;
mod rules;
pub mod screen;
mod simulate;
pub mod tally;
pub mod text;
pub mod verify;
pub mod whatif;

/// This engine's version (the crate's): the `engine` of every decision's receipt.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use decision::Decision;
pub use diff::Diff;
pub use error::{Error, EvalError, InputError, PackError};
pub use limits::Limits;
pub use model::{Participant, Value};
pub use money::{Money, Rounding, RoundingMode};
pub use policy::{EvalOptions, FieldInfo, InputSchema, Policy, TagInfo};
pub use registry::Registry;
pub use screen::{Household, Screening};
pub use simulate::{tally_people, SLICE};
pub use tally::Tally;
pub use text::{Label, Name, Text};
pub use whatif::{Goal, Partial, WhatIf, WhatIfOptions};
