//! Lexing and parsing expressions into an untyped syntax tree with character offsets.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The deepest nesting an expression may have, by default (see [`crate::Limits`]).
pub const MAX_DEPTH: usize = crate::limits::DEFAULT_MAX_EXPR_DEPTH;
/// The most syntax nodes one expression may have, by default (see [`crate::Limits`]).
pub const MAX_NODES: usize = crate::limits::DEFAULT_MAX_EXPR_NODES;

/// A syntax error or limit, at a character offset in the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Offset in characters from the start of the expression.
    pub offset: u32,
    /// What was wrong and what was expected.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ast {
    pub kind: AstKind,
    pub offset: u32,
    /// Levels of the tree below and including this node.
    pub height: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AstKind {
    Num(Decimal),
    Bool(bool),
    Str(String),
    Ident(String),
    Call(String, Vec<Ast>),
    Unary(UnOp, Box<Ast>),
    Binary(BinOp, Box<Ast>, Box<Ast>),
    In {
        value: Box<Ast>,
        set: Vec<Ast>,
        negated: bool,
    },
    If(Box<Ast>, Box<Ast>, Box<Ast>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    /// Whether a comparison holds for operands in `ord`; `None` for an operator that is not
    /// a comparison.
    pub(crate) fn compares(self, ord: std::cmp::Ordering) -> Option<bool> {
        Some(match self {
            BinOp::Eq => ord.is_eq(),
            BinOp::Ne => ord.is_ne(),
            BinOp::Lt => ord.is_lt(),
            BinOp::Le => ord.is_le(),
            BinOp::Gt => ord.is_gt(),
            BinOp::Ge => ord.is_ge(),
            _ => return None,
        })
    }

    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal),
    Str(String),
    Ident(String),
    Sym(&'static str),
    End,
}

fn lex(src: &str) -> Result<Vec<(Tok, u32)>, SyntaxError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0usize;
    let at = |i: usize| chars.get(i).copied();
    let off = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    while let Some(c) = at(i) {
        let start = i;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            while at(i).is_some_and(|c| c.is_ascii_digit() || c == '.' || c == '_') {
                i += 1;
            }
            let text: String = chars
                .get(start..i)
                .unwrap_or_default()
                .iter()
                .filter(|c| **c != '_')
                .collect();
            let d = crate::money::parse_decimal(&text).ok_or_else(|| SyntaxError {
                offset: off(start),
                message: format!(
                    "`{text}` is not a number huimin holds exactly (at most 28 decimal places)"
                ),
            })?;
            out.push((Tok::Num(d), off(start)));
        } else if c == '"' || c == '\'' {
            i += 1;
            let mut s = String::new();
            loop {
                match at(i) {
                    None => {
                        return Err(SyntaxError {
                            offset: off(start),
                            message: "unterminated text: expected a closing quote".into(),
                        })
                    }
                    Some(q) if q == c => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            out.push((Tok::Str(s), off(start)));
        } else if c.is_ascii_alphabetic() || c == '_' {
            while at(i).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                i += 1;
            }
            // A name runs into a letter that only looks Latin (Cyrillic а, a zero-width space…):
            // refused, or `dibаo` would be another name than `dibao`.
            if let Some(x) = at(i).filter(|x| x.is_alphanumeric() || !x.is_ascii()) {
                if !x.is_whitespace() {
                    return Err(SyntaxError {
                        offset: off(i),
                        message: format!(
                            "names are ASCII letters, digits and `_`; `{x}` (U+{:04X}) is not",
                            u32::from(x)
                        ),
                    });
                }
            }
            out.push((
                Tok::Ident(chars.get(start..i).unwrap_or_default().iter().collect()),
                off(start),
            ));
        } else {
            let two: String = chars
                .get(i..i + 2)
                .map(|s| s.iter().collect())
                .unwrap_or_default();
            let sym = ["==", "!=", "<=", ">=", "&&", "||"]
                .into_iter()
                .find(|s| *s == two);
            if let Some(s) = sym {
                let s = match s {
                    "&&" => "and",
                    "||" => "or",
                    other => other,
                };
                out.push((Tok::Sym(s), off(start)));
                i += 2;
            } else {
                let one = ["+", "-", "*", "/", "<", ">", "(", ")", "[", "]", ",", "!"]
                    .into_iter()
                    .find(|s| s.starts_with(c));
                match one {
                    Some("!") => out.push((Tok::Sym("not"), off(start))),
                    Some(s) => out.push((Tok::Sym(s), off(start))),
                    None if c.is_alphabetic() => {
                        return Err(SyntaxError {
                            offset: off(start),
                            message: format!(
                                "names are ASCII letters, digits and `_`; `{c}` (U+{:04X}) is not",
                                u32::from(c)
                            ),
                        })
                    }
                    None => {
                        return Err(SyntaxError {
                            offset: off(start),
                            message: if c.is_ascii() {
                                format!("unexpected character `{c}`")
                            } else {
                                format!("unexpected character `{c}` (U+{:04X})", u32::from(c))
                            },
                        })
                    }
                }
                i += 1;
            }
        }
    }
    out.push((Tok::End, off(chars.len())));
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, u32)>,
    pos: usize,
    nodes: usize,
    depth: usize,
    max_nodes: usize,
    max_depth: usize,
}

/// Parses an expression's text within the default limits.
#[cfg(test)]
pub(crate) fn parse(src: &str) -> Result<Ast, SyntaxError> {
    parse_with(src, MAX_DEPTH, MAX_NODES)
}

/// Parses an expression's text, at most `max_depth` deep (capped at
/// [`crate::Limits::EXPR_DEPTH_CEILING`]) and `max_nodes` large.
pub(crate) fn parse_with(
    src: &str,
    max_depth: usize,
    max_nodes: usize,
) -> Result<Ast, SyntaxError> {
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        nodes: 0,
        depth: 0,
        max_nodes,
        max_depth: max_depth.min(crate::Limits::EXPR_DEPTH_CEILING),
    };
    let e = p.expr()?;
    match p.peek() {
        Tok::End => Ok(e),
        t => Err(p.err(format!(
            "expected an operator or the end of the expression, found {}",
            describe(t)
        ))),
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(d) => format!("number `{d}`"),
        Tok::Str(s) => format!("text '{s}'"),
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Sym(s) => format!("`{s}`"),
        Tok::End => "the end".into(),
    }
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map(|t| &t.0).unwrap_or(&Tok::End)
    }
    fn offset(&self) -> u32 {
        self.toks.get(self.pos).map(|t| t.1).unwrap_or(0)
    }
    fn err(&self, message: String) -> SyntaxError {
        SyntaxError {
            offset: self.offset(),
            message,
        }
    }
    fn bump(&mut self) -> Tok {
        let t = self.peek().clone();
        self.pos += 1;
        t
    }
    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Tok::Sym(x) if *x == s)
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(x) if x == w)
    }
    fn expect_sym(&mut self, s: &str) -> Result<(), SyntaxError> {
        if self.is_sym(s) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(format!("expected `{s}`, found {}", describe(self.peek()))))
        }
    }
    fn node(&mut self, kind: AstKind, offset: u32) -> Result<Ast, SyntaxError> {
        self.nodes += 1;
        if self.nodes > self.max_nodes {
            return Err(SyntaxError {
                offset,
                message: format!("expression too large: more than {} parts", self.max_nodes),
            });
        }
        // A chain `a + b + c …` parses without recursion but builds a tree as tall as it is
        // long; checking and evaluating recurse over that height, so it is bounded too.
        let children: Vec<&Ast> = match &kind {
            AstKind::Num(_) | AstKind::Bool(_) | AstKind::Str(_) | AstKind::Ident(_) => Vec::new(),
            AstKind::Call(_, args) => args.iter().collect(),
            AstKind::Unary(_, a) => vec![a],
            AstKind::Binary(_, a, b) => vec![a, b],
            AstKind::In { value, set, .. } => std::iter::once(&**value).chain(set).collect(),
            AstKind::If(c, a, b) => vec![c, a, b],
        };
        let height = 1 + children.iter().map(|c| c.height).max().unwrap_or(0);
        if height > self.max_depth {
            return Err(SyntaxError {
                offset,
                message: format!(
                    "expression nested too deeply: more than {} levels (each operator of a chain is a level; use `has_any`, `min` or `max` for long lists)",
                    self.max_depth
                ),
            });
        }
        Ok(Ast {
            kind,
            offset,
            height,
        })
    }
    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(self.err(format!(
                "expression nested too deeply: more than {} levels",
                self.max_depth
            )));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Ast, SyntaxError> {
        self.enter()?;
        let r = if self.is_word("if") {
            self.if_expr()
        } else {
            self.or()
        };
        self.depth -= 1;
        r
    }

    fn if_expr(&mut self) -> Result<Ast, SyntaxError> {
        let at = self.offset();
        self.bump();
        let c = self.expr()?;
        if !self.is_word("then") {
            return Err(self.err(format!("expected `then`, found {}", describe(self.peek()))));
        }
        self.bump();
        let a = self.expr()?;
        if !self.is_word("else") {
            return Err(self.err(format!(
                "expected `else` (every `if` needs one), found {}",
                describe(self.peek())
            )));
        }
        self.bump();
        let b = self.expr()?;
        self.node(AstKind::If(Box::new(c), Box::new(a), Box::new(b)), at)
    }

    fn binary_chain(
        &mut self,
        ops: &[(&str, BinOp)],
        next: fn(&mut Self) -> Result<Ast, SyntaxError>,
    ) -> Result<Ast, SyntaxError> {
        let mut left = next(self)?;
        loop {
            let found = ops
                .iter()
                .find(|(s, _)| self.is_sym(s) || self.is_word(s))
                .map(|(_, op)| *op);
            let Some(op) = found else { return Ok(left) };
            let at = self.offset();
            self.bump();
            let right = next(self)?;
            left = self.node(AstKind::Binary(op, Box::new(left), Box::new(right)), at)?;
        }
    }

    fn or(&mut self) -> Result<Ast, SyntaxError> {
        self.binary_chain(&[("or", BinOp::Or)], Self::and)
    }
    fn and(&mut self) -> Result<Ast, SyntaxError> {
        self.binary_chain(&[("and", BinOp::And)], Self::not)
    }
    fn not(&mut self) -> Result<Ast, SyntaxError> {
        if self.is_word("not") || self.is_sym("not") {
            let at = self.offset();
            self.bump();
            self.enter()?;
            let e = self.not()?;
            self.depth -= 1;
            return self.node(AstKind::Unary(UnOp::Not, Box::new(e)), at);
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Ast, SyntaxError> {
        let left = self.add()?;
        const OPS: [(&str, BinOp); 6] = [
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
        ];
        if let Some((_, op)) = OPS.iter().find(|(s, _)| self.is_sym(s)) {
            let at = self.offset();
            self.bump();
            let right = self.add()?;
            if OPS.iter().any(|(s, _)| self.is_sym(s)) {
                return Err(self.err("comparisons do not chain: write `a < b and b < c`".into()));
            }
            return self.node(AstKind::Binary(*op, Box::new(left), Box::new(right)), at);
        }
        let negated = self.is_word("not")
            && matches!(self.toks.get(self.pos + 1), Some((Tok::Ident(w), _)) if w == "in");
        if self.is_word("in") || negated {
            let at = self.offset();
            self.bump();
            if negated {
                self.bump();
            }
            self.expect_sym("[")?;
            let mut set = Vec::new();
            if !self.is_sym("]") {
                loop {
                    set.push(self.add()?);
                    if self.is_sym(",") {
                        self.bump();
                    } else {
                        break;
                    }
                }
            }
            self.expect_sym("]")?;
            return self.node(
                AstKind::In {
                    value: Box::new(left),
                    set,
                    negated,
                },
                at,
            );
        }
        Ok(left)
    }
    fn add(&mut self) -> Result<Ast, SyntaxError> {
        self.binary_chain(&[("+", BinOp::Add), ("-", BinOp::Sub)], Self::mul)
    }
    fn mul(&mut self) -> Result<Ast, SyntaxError> {
        self.binary_chain(&[("*", BinOp::Mul), ("/", BinOp::Div)], Self::unary)
    }
    fn unary(&mut self) -> Result<Ast, SyntaxError> {
        if self.is_sym("-") {
            let at = self.offset();
            self.bump();
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return self.node(AstKind::Unary(UnOp::Neg, Box::new(e)), at);
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<Ast, SyntaxError> {
        let at = self.offset();
        match self.bump() {
            Tok::Num(d) => self.node(AstKind::Num(d), at),
            Tok::Str(s) => self.node(AstKind::Str(s), at),
            Tok::Ident(w) if w == "true" => self.node(AstKind::Bool(true), at),
            Tok::Ident(w) if w == "false" => self.node(AstKind::Bool(false), at),
            Tok::Ident(w)
                if ["and", "or", "not", "in", "then", "else", "if"].contains(&w.as_str()) =>
            {
                Err(SyntaxError {
                    offset: at,
                    message: format!("expected a value, found keyword `{w}`"),
                })
            }
            Tok::Ident(name) => {
                if self.is_sym("(") {
                    self.bump();
                    let mut args = Vec::new();
                    if !self.is_sym(")") {
                        loop {
                            args.push(self.expr()?);
                            if self.is_sym(",") {
                                self.bump();
                            } else {
                                break;
                            }
                        }
                    }
                    self.expect_sym(")")?;
                    self.node(AstKind::Call(name, args), at)
                } else {
                    self.node(AstKind::Ident(name), at)
                }
            }
            Tok::Sym("(") => {
                let e = self.expr()?;
                self.expect_sym(")")?;
                Ok(e)
            }
            t => Err(SyntaxError {
                offset: at,
                message: format!("expected a value, found {}", describe(&t)),
            }),
        }
    }
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    use chrono::format::{parse, Item, Numeric, Pad, Parsed};
    // What chrono makes of "%Y-%m-%d", written out once: every call then skips scanning the
    // format text (`parse_from_str` does, each time), and accepts exactly what it accepts.
    const YMD: [Item<'static>; 5] = [
        Item::Numeric(Numeric::Year, Pad::Zero),
        Item::Literal("-"),
        Item::Numeric(Numeric::Month, Pad::Zero),
        Item::Literal("-"),
        Item::Numeric(Numeric::Day, Pad::Zero),
    ];
    let mut parsed = Parsed::new();
    parse(&mut parsed, s, YMD.iter()).ok()?;
    parsed.to_naive_date().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_reads_as_chrono_reads_the_format_text() {
        let texts = [
            "2021-03-01",
            "2024-02-29",
            "2023-02-29",
            "2021-13-01",
            "2021-3-1",
            "+2021-03-01",
            "-0001-12-31",
            "0000-01-01",
            "99999-01-01",
            " 2021-03-01",
            "2021-03-01 ",
            "2021 -03-01",
            "2021/03/01",
            "20210301",
            "2021-03-01T00:00",
            "2021-03-1x",
            "２０２１-03-01",
            "",
        ];
        for t in texts {
            assert_eq!(
                parse_date(t),
                NaiveDate::parse_from_str(t, "%Y-%m-%d").ok(),
                "{t:?}"
            );
        }
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(parse_date("2023-02-29"), None);
    }

    #[test]
    fn precedence_binds_multiplication_tighter_than_comparison_and_logic() {
        let ast = parse("a + b * 2 >= 3 and not c").unwrap();
        let AstKind::Binary(BinOp::And, l, r) = ast.kind else {
            panic!("{ast:?}")
        };
        assert!(matches!(r.kind, AstKind::Unary(UnOp::Not, _)));
        let AstKind::Binary(BinOp::Ge, sum, _) = l.kind else {
            panic!()
        };
        let AstKind::Binary(BinOp::Add, _, prod) = sum.kind else {
            panic!()
        };
        assert!(matches!(prod.kind, AstKind::Binary(BinOp::Mul, _, _)));
    }

    #[test]
    fn errors_carry_the_offset_of_the_offending_token() {
        let e = parse("rate * (class_hours").unwrap_err();
        assert_eq!(e.offset, 19);
        assert!(e.message.contains("expected `)`"), "{}", e.message);
        let e = parse("a < b < c").unwrap_err();
        assert_eq!(e.offset, 6);
        let e = parse("1 # 2").unwrap_err();
        assert_eq!(
            (e.offset, e.message.as_str()),
            (2, "unexpected character `#`")
        );
    }

    #[test]
    fn depth_and_size_are_bounded() {
        let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
        assert!(parse(&deep)
            .unwrap_err()
            .message
            .contains("nested too deeply"));
        let wide = format!("min({})", vec!["1"; 3000].join(", "));
        assert!(parse(&wide).unwrap_err().message.contains("too large"));
        let chain = vec!["1"; 100].join(" + ");
        assert!(parse(&chain)
            .unwrap_err()
            .message
            .contains("nested too deeply"));
    }

    #[test]
    fn membership_and_if_parse() {
        assert!(matches!(
            parse("stage not in ['primary', 'junior']").unwrap().kind,
            AstKind::In { negated: true, .. }
        ));
        assert!(matches!(
            parse("if remote then 1.2 else 1").unwrap().kind,
            AstKind::If(..)
        ));
        assert!(parse("if remote then 1.2")
            .unwrap_err()
            .message
            .contains("else"));
    }
}
