//! Limits for untrusted packs and inputs: every resource a pack or a batch can make huimin
//! spend is bounded, and going over a bound is a clear error, never a crash or a hang.
//!
//! [`Limits::default`] suits packs written by bureau staff and loaded in a browser from
//! anywhere; an embedding application may tighten or relax any of them and load with
//! [`Policy::from_yaml_with_limits`], [`Policy::from_json_with_limits`] or
//! [`Policy::from_path_with_limits`]. Evaluation itself needs no limit: the expression
//! language has no loops or recursion, so one evaluation does work proportional to the
//! size of the pack, which these limits bound.

use crate::error::{Error, InputError, PackError, PackErrors, Severity};
use crate::model::input_error;
use crate::pack::{self, Pack, Pos};
use crate::policy::Policy;
use std::path::Path;

/// The bounds huimin enforces on a pack and on a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest pack text, in bytes (default 4 MiB).
    pub max_pack_bytes: usize,
    /// Deepest nesting of mappings and lists in a pack's YAML or JSON (default 32; the seed
    /// packs nest at most 7 deep).
    pub max_pack_depth: usize,
    /// Most YAML/JSON nodes (mappings, lists and scalars) in a pack (default 200 000).
    pub max_pack_nodes: usize,
    /// Deepest nesting of one expression (default 48). Values above
    /// [`Limits::EXPR_DEPTH_CEILING`] are treated as that ceiling, which keeps parsing and
    /// evaluation well inside a 1 MiB stack (a browser's WebAssembly stack).
    pub max_expr_depth: usize,
    /// Most syntax nodes (numbers, names, operators, calls) in one expression (default 2 000).
    pub max_expr_nodes: usize,
    /// Most rules in a pack, counting every entry of `eligibility`, `categories`,
    /// `priority`, `fees`, `reductions`, `subsidies` (and their components), `entitlements`,
    /// `earmarks`, `schedule`, `staffing` and `workflow`, and every parameter value
    /// (default 10 000).
    pub max_rules: usize,
    /// Most participants in one [`Policy::evaluate_batch`] call (default 10 000 000).
    pub max_batch_participants: usize,
}

impl Limits {
    /// The deepest expression nesting any setting allows.
    pub const EXPR_DEPTH_CEILING: usize = 128;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pack_bytes: pack::DEFAULT_MAX_PACK_BYTES,
            max_pack_depth: 32,
            max_pack_nodes: 200_000,
            max_expr_depth: crate::expr::MAX_DEPTH,
            max_expr_nodes: crate::expr::MAX_NODES,
            max_rules: 10_000,
            max_batch_participants: 10_000_000,
        }
    }
}

impl Policy {
    /// Compiles a YAML pack within `limits`. `file` names it in error messages.
    pub fn from_yaml_with_limits(text: &str, file: &str, limits: &Limits) -> Result<Policy, Error> {
        let pack = pack::parse_yaml_with(text, file, limits)?;
        Ok(Policy::compile(pack, text, file, limits)?)
    }

    /// Compiles a JSON pack within `limits`. `file` names it in error messages.
    pub fn from_json_with_limits(text: &str, file: &str, limits: &Limits) -> Result<Policy, Error> {
        let pack = pack::parse_json_with(text, file, limits)?;
        Ok(Policy::compile(pack, text, file, limits)?)
    }

    /// Reads and compiles a pack file within `limits`; `.json` files are read as JSON,
    /// others as YAML. A file larger than `max_pack_bytes` is not read.
    pub fn from_path_with_limits(path: impl AsRef<Path>, limits: &Limits) -> Result<Policy, Error> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let io = |message: String| {
            Error::Pack(PackErrors(vec![PackError {
                file: file.clone(),
                line: 0,
                column: 0,
                severity: Severity::Error,
                code: "io",
                message,
                hint: None,
            }]))
        };
        let len = std::fs::metadata(path)
            .map_err(|e| io(e.to_string()))?
            .len();
        if usize::try_from(len).map_or(true, |n| n > limits.max_pack_bytes) {
            return Err(too_big(len, limits, &file).into());
        }
        let text = std::fs::read_to_string(path).map_err(|e| io(e.to_string()))?;
        if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        {
            Policy::from_json_with_limits(&text, &file, limits)
        } else {
            Policy::from_yaml_with_limits(&text, &file, limits)
        }
    }

    /// The limits the pack was loaded with (they also bound its batches).
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Refuses a batch larger than `max_batch_participants`.
    pub(crate) fn check_batch_size(&self, n: usize) -> Result<(), Error> {
        let max = self.limits.max_batch_participants;
        if n <= max {
            return Ok(());
        }
        let e: InputError = input_error(
            "",
            "limit",
            &format!("一批最多 {max} 名参与者，本批有 {n} 名"),
            &format!("a batch may have at most {max} participants; this one has {n}"),
        );
        Err(Error::Input { errors: vec![e] })
    }
}

pub(crate) fn too_big(len: u64, limits: &Limits, file: &str) -> PackErrors {
    limit_error(
        file,
        Pos { line: 1, column: 1 },
        format!(
            "pack is {len} bytes; the limit is {} (Limits::max_pack_bytes)",
            limits.max_pack_bytes
        ),
    )
}

/// Refuses a pack with more rules than `max_rules`.
pub(crate) fn check_rules(pack: &Pack, limits: &Limits, file: &str) -> Result<(), PackErrors> {
    let groups = |g: Option<usize>| g.unwrap_or(0);
    let n = pack.eligibility.len()
        + pack.categories.len()
        + pack.priority.len()
        + pack.fees.len()
        + groups(pack.reductions.as_ref().map(|g| g.rules.len()))
        + groups(
            pack.subsidies
                .as_ref()
                .map(|g| g.rules.iter().map(|r| 1 + r.components.len()).sum()),
        )
        + pack.entitlements.len()
        + pack.earmarks.len()
        + pack.schedule.len()
        + pack.staffing.len()
        + pack.workflow.len()
        + pack
            .parameters
            .values()
            .map(|p| p.values.value.len())
            .sum::<usize>();
    if n > limits.max_rules {
        return Err(limit_error(
            file,
            Pos::of(&pack.id),
            format!(
                "pack has {n} rules and parameter values; the limit is {} (Limits::max_rules)",
                limits.max_rules
            ),
        ));
    }
    Ok(())
}

fn limit_error(file: &str, pos: Pos, message: String) -> PackErrors {
    PackErrors(vec![PackError {
        file: file.to_owned(),
        line: pos.line,
        column: pos.column,
        severity: Severity::Error,
        code: "limit",
        message,
        hint: None,
    }])
}
