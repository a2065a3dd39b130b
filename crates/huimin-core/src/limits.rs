//! Limits for untrusted packs and inputs: every resource a pack or a batch can make huimin
//! spend is bounded, and going over a bound is a clear error, never a crash or a hang.
//!
//! [`Limits::default`] suits packs written by bureau staff and loaded in a browser from
//! anywhere; an embedding application may tighten or relax any of them and load with
//! `Policy::from_yaml_with_limits`, `Policy::from_json_with_limits` or
//! `Policy::from_path_with_limits`. Evaluation itself needs no limit: the expression
//! language has no loops or recursion, so one evaluation does work proportional to the
//! size of the pack, which these limits bound.

/// The default largest pack text, in bytes (4 MiB).
pub const DEFAULT_MAX_PACK_BYTES: usize = 4 * 1024 * 1024;
/// The default deepest nesting of one expression.
pub const DEFAULT_MAX_EXPR_DEPTH: usize = 48;
/// The default most syntax nodes in one expression.
pub const DEFAULT_MAX_EXPR_NODES: usize = 2_000;

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
    /// Most participants in one `Policy::evaluate_batch` call (default 10 000 000).
    pub max_batch_participants: usize,
}

impl Limits {
    /// The deepest expression nesting any setting allows.
    pub const EXPR_DEPTH_CEILING: usize = 128;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pack_bytes: DEFAULT_MAX_PACK_BYTES,
            max_pack_depth: 32,
            max_pack_nodes: 200_000,
            max_expr_depth: DEFAULT_MAX_EXPR_DEPTH,
            max_expr_nodes: DEFAULT_MAX_EXPR_NODES,
            max_rules: 10_000,
            max_batch_participants: 10_000_000,
        }
    }
}
