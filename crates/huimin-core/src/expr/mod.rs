//! huimin's expression language: small, typed, loop-free.
//!
//! Conditions and formulas that the structured parts of a pack don't cover are written as
//! expressions: decimals (`3.00`), booleans, text (`'primary'`), dates (`date('2021-09-01')`),
//! arithmetic `+ - * /`, comparisons `== != < <= > >=`, `and or not`, `if … then … else …`,
//! membership `x in [a, b]`, and the functions `min max round floor ceil abs has has_any
//! has_all date years_between`. Names are the pack's inputs and parameters, plus `as_of` (the
//! evaluation date) and `category` (the participant's category id).
//!
//! An expression is parsed and type-checked once, when its pack loads; errors carry the
//! character offset, which the pack loader turns into line and column. Depth and size are
//! bounded ([`MAX_DEPTH`], [`MAX_NODES`]).

mod check;
pub(crate) mod eval;
pub(crate) mod lane;
mod parse;

pub(crate) use check::did_you_mean;
pub use check::TypeError;
pub(crate) use parse::parse_date;
pub(crate) use parse::BinOp;
pub use parse::{SyntaxError, MAX_DEPTH, MAX_NODES};

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The built-in functions.
pub const FUNCTIONS: &[&str] = &[
    "min",
    "max",
    "round",
    "floor",
    "ceil",
    "abs",
    "has",
    "has_any",
    "has_all",
    "date",
    "years_between",
];

/// The type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// An exact decimal number.
    Num,
    /// A condition.
    Bool,
    /// Text (choice ids, districts).
    Text,
    /// A calendar date.
    Date,
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Type::Num => "a number",
            Type::Bool => "a condition",
            Type::Text => "text",
            Type::Date => "a date",
        })
    }
}

/// What a name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binding {
    Field(usize, Type),
    Param(usize),
    Tag(u32),
    AsOf,
    Category,
}

/// The names an expression may use.
pub(crate) trait Scope {
    fn lookup(&self, name: &str) -> Option<Binding>;
    fn tag(&self, name: &str) -> Option<u32>;
    fn choices(&self, field: &str) -> Option<&[String]>;
    fn names(&self) -> Vec<String>;
    fn tag_names(&self) -> Vec<&str>;
}

/// A set of tag indices (a pack has at most [`TagSet::CAPACITY`] tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct TagSet(u128);

impl TagSet {
    pub const CAPACITY: usize = 128;
    pub fn insert(&mut self, i: u32) {
        if (i as usize) < Self::CAPACITY {
            self.0 |= 1u128 << i;
        }
    }
    pub fn remove(&mut self, i: u32) {
        if (i as usize) < Self::CAPACITY {
            self.0 &= !(1u128 << i);
        }
    }
    pub fn contains(&self, i: u32) -> bool {
        (i as usize) < Self::CAPACITY && self.0 & (1u128 << i) != 0
    }
    /// Adds `other`'s tags when `on` (without a branch: the batch adds a flag column so).
    #[inline]
    pub fn add_if(&mut self, on: bool, other: TagSet) {
        self.0 |= other.0 & 0u128.wrapping_sub(u128::from(on));
    }
    pub fn intersects(&self, other: TagSet) -> bool {
        self.0 & other.0 != 0
    }
    pub fn contains_all(&self, other: TagSet) -> bool {
        self.0 & other.0 == other.0
    }
}

/// An evaluable tree, with names resolved to slots.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Num(Decimal),
    Bool(bool),
    Text(String),
    Date(NaiveDate),
    Field(usize),
    Param(usize),
    AsOf,
    Category,
    HasAny(Vec<u32>),
    HasAll(Vec<u32>),
    Neg(Box<Node>),
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Arith(BinOp, Box<Node>, Box<Node>),
    Cmp(BinOp, Box<Node>, Box<Node>),
    In(Box<Node>, Vec<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
    Min(Vec<Node>),
    Max(Vec<Node>),
    Round(Box<Node>, u32),
    Floor(Box<Node>),
    Ceil(Box<Node>),
    Abs(Box<Node>),
    YearsBetween(Box<Node>, Box<Node>),
}

/// A compiled expression: its tree, its type, its source text and the names it reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expression {
    pub node: Node,
    pub ty: Type,
    pub source: String,
    pub reads: Vec<Binding>,
    /// Its place among the policy's expressions, where the columnar engine keeps its values.
    pub slot: u32,
}

/// An expression that failed to compile, at a character offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExprError {
    pub offset: u32,
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl Expression {
    /// Parses and type-checks `source`, which must have type `want`, within the default limits.
    pub(crate) fn compile(
        source: &str,
        want: Type,
        scope: &dyn Scope,
    ) -> Result<Expression, ExprError> {
        Expression::compile_with(source, want, scope, &crate::Limits::default())
    }

    /// Parses and type-checks `source`, which must have type `want`, within `limits`.
    pub(crate) fn compile_with(
        source: &str,
        want: Type,
        scope: &dyn Scope,
        limits: &crate::Limits,
    ) -> Result<Expression, ExprError> {
        let ast = parse::parse_with(source, limits.max_expr_depth, limits.max_expr_nodes).map_err(
            |e| ExprError {
                offset: e.offset,
                code: if e.message.starts_with("expression ") {
                    "limit"
                } else {
                    "expr_syntax"
                },
                message: e.message,
                hint: None,
            },
        )?;
        let mut reads = Vec::new();
        let (node, ty) = check::compile(&ast, scope, &mut reads).map_err(|e| ExprError {
            offset: e.offset,
            code: if e.message.starts_with("unknown") {
                "unknown_name"
            } else {
                "expr_type"
            },
            message: e.message,
            hint: e.hint,
        })?;
        if ty != want {
            return Err(ExprError {
                offset: 0,
                code: "expr_type",
                message: format!("expected {want}, but `{source}` is {ty}"),
                hint: None,
            });
        }
        Ok(Expression {
            node,
            ty,
            source: source.to_owned(),
            reads,
            slot: 0,
        })
    }

    /// The expression's value as a constant, when it reads nothing.
    pub(crate) fn constant(&self) -> Option<Decimal> {
        match self.node {
            Node::Num(d) => Some(d),
            Node::Neg(ref n) => match **n {
                Node::Num(d) => Some(-d),
                _ => None,
            },
            _ => None,
        }
    }
}
