//! Type-checking a syntax tree against a pack's names and compiling it to an evaluable tree.

use super::parse::{parse_date, Ast, AstKind, BinOp, UnOp};
use super::{Binding, Node, Scope, Type};
use rust_decimal::Decimal;

/// A type or name error at a character offset in the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    /// Offset in characters from the start of the expression.
    pub offset: u32,
    /// What was wrong and what was expected.
    pub message: String,
    /// A suggestion, such as "did you mean `class_hours`?".
    pub hint: Option<String>,
}

fn err(at: &Ast, message: impl Into<String>) -> TypeError {
    TypeError {
        offset: at.offset,
        message: message.into(),
        hint: None,
    }
}

/// "did you mean `x`?" for the closest of `candidates`, if any is close.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(d, c)| *d <= 2.max(name.chars().count() / 3) && *d < c.chars().count())
        .min()
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

pub(crate) fn compile(
    ast: &Ast,
    scope: &dyn Scope,
    reads: &mut Vec<Binding>,
) -> Result<(Node, Type), TypeError> {
    match &ast.kind {
        AstKind::Num(d) => Ok((Node::Num(*d), Type::Num)),
        AstKind::Bool(b) => Ok((Node::Bool(*b), Type::Bool)),
        AstKind::Str(s) => Ok((Node::Text(s.clone()), Type::Text)),
        AstKind::Ident(name) => {
            let b = scope
                .lookup(name)
                .ok_or_else(|| unknown_name(ast, name, scope))?;
            if !reads.contains(&b) {
                reads.push(b);
            }
            Ok(match b {
                Binding::Field(i, t) => (Node::Field(i), t),
                Binding::Param(i) => (Node::Param(i), Type::Num),
                Binding::Tag(_) => {
                    return Err(err(
                        ast,
                        format!("`{name}` is a tag: test it with `has({name})`"),
                    ))
                }
                Binding::AsOf => (Node::AsOf, Type::Date),
                Binding::Category => (Node::Category, Type::Text),
            })
        }
        AstKind::Unary(UnOp::Neg, e) => {
            let n = expect(e, Type::Num, scope, reads, "`-` needs a number")?;
            Ok((Node::Neg(Box::new(n)), Type::Num))
        }
        AstKind::Unary(UnOp::Not, e) => {
            let n = expect(e, Type::Bool, scope, reads, "`not` needs a condition")?;
            Ok((Node::Not(Box::new(n)), Type::Bool))
        }
        AstKind::Binary(op, l, r) => binary(ast, *op, l, r, scope, reads),
        AstKind::In {
            value,
            set,
            negated,
        } => {
            let (v, vt) = compile(value, scope, reads)?;
            if !matches!(vt, Type::Num | Type::Text) {
                return Err(err(
                    value,
                    format!("`in` needs a number or text on its left, found {vt}"),
                ));
            }
            let mut items = Vec::with_capacity(set.len());
            for item in set {
                let (n, t) = compile(item, scope, reads)?;
                if t != vt {
                    return Err(err(
                        item,
                        format!(
                            "every item of the list must be {vt} like the left side, found {t}"
                        ),
                    ));
                }
                check_choice(value, item, scope)?;
                items.push(n);
            }
            let node = Node::In(Box::new(v), items);
            Ok((
                if *negated {
                    Node::Not(Box::new(node))
                } else {
                    node
                },
                Type::Bool,
            ))
        }
        AstKind::If(c, a, b) => {
            let c = expect(c, Type::Bool, scope, reads, "`if` needs a condition")?;
            let (a_n, a_t) = compile(a, scope, reads)?;
            let (b_n, b_t) = compile(b, scope, reads)?;
            if a_t != b_t {
                return Err(err(b, format!("both branches of `if` must have the same type: `then` is {a_t}, `else` is {b_t}")));
            }
            Ok((Node::If(Box::new(c), Box::new(a_n), Box::new(b_n)), a_t))
        }
        AstKind::Call(name, args) => call(ast, name, args, scope, reads),
    }
}

fn unknown_name(at: &Ast, name: &str, scope: &dyn Scope) -> TypeError {
    let names = scope.names();
    let mut e = err(
        at,
        format!("unknown name `{name}`: not an input, parameter or built-in"),
    );
    e.hint = did_you_mean(name, names.iter().map(String::as_str));
    if e.hint.is_none() && scope.tag(name).is_some() {
        e.hint = Some(format!("`{name}` is a tag: test it with `has({name})`"));
    }
    e
}

fn expect(
    ast: &Ast,
    want: Type,
    scope: &dyn Scope,
    reads: &mut Vec<Binding>,
    what: &str,
) -> Result<Node, TypeError> {
    let (n, t) = compile(ast, scope, reads)?;
    if t != want {
        return Err(err(ast, format!("{what}, found {t}")));
    }
    Ok(n)
}

/// A text literal compared with a choice field must be one of its choices.
fn check_choice(field: &Ast, lit: &Ast, scope: &dyn Scope) -> Result<(), TypeError> {
    let (AstKind::Ident(name), AstKind::Str(s)) = (&field.kind, &lit.kind) else {
        return Ok(());
    };
    let Some(choices) = scope.choices(name) else {
        return Ok(());
    };
    if choices.iter().any(|c| c == s) {
        return Ok(());
    }
    let mut e = err(
        lit,
        format!(
            "'{s}' is not a choice of `{name}` (choices: {})",
            choices.join(", ")
        ),
    );
    e.hint = did_you_mean(s, choices.iter().map(String::as_str));
    Err(e)
}

fn binary(
    at: &Ast,
    op: BinOp,
    l: &Ast,
    r: &Ast,
    scope: &dyn Scope,
    reads: &mut Vec<Binding>,
) -> Result<(Node, Type), TypeError> {
    let (ln, lt) = compile(l, scope, reads)?;
    let (rn, rt) = compile(r, scope, reads)?;
    let sym = op.symbol();
    let (l, r) = (Box::new(ln), Box::new(rn));
    match op {
        BinOp::And | BinOp::Or => {
            if lt != Type::Bool || rt != Type::Bool {
                return Err(err(
                    at,
                    format!("`{sym}` joins two conditions, found {lt} {sym} {rt}"),
                ));
            }
            Ok((
                if op == BinOp::And {
                    Node::And(l, r)
                } else {
                    Node::Or(l, r)
                },
                Type::Bool,
            ))
        }
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
            if lt != Type::Num || rt != Type::Num {
                return Err(err(
                    at,
                    format!("`{sym}` needs two numbers, found {lt} {sym} {rt}"),
                ));
            }
            Ok((Node::Arith(op, l, r), Type::Num))
        }
        BinOp::Eq | BinOp::Ne => {
            if lt != rt {
                return Err(err(at, format!("cannot compare {lt} with {rt}")));
            }
            check_choice(at_child(at, 0), at_child(at, 1), scope)?;
            Ok((Node::Cmp(op, l, r), Type::Bool))
        }
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            if lt != rt || !matches!(lt, Type::Num | Type::Date) {
                return Err(err(
                    at,
                    format!("`{sym}` orders two numbers or two dates, found {lt} {sym} {rt}"),
                ));
            }
            Ok((Node::Cmp(op, l, r), Type::Bool))
        }
    }
}

fn at_child(ast: &Ast, i: usize) -> &Ast {
    match (&ast.kind, i) {
        (AstKind::Binary(_, l, _), 0) => l,
        (AstKind::Binary(_, _, r), _) => r,
        _ => ast,
    }
}

fn call(
    at: &Ast,
    name: &str,
    args: &[Ast],
    scope: &dyn Scope,
    reads: &mut Vec<Binding>,
) -> Result<(Node, Type), TypeError> {
    let arity = |n: usize| -> Result<(), TypeError> {
        if args.len() == n {
            Ok(())
        } else {
            Err(err(
                at,
                format!(
                    "`{name}` takes {n} argument{}, found {}",
                    if n == 1 { "" } else { "s" },
                    args.len()
                ),
            ))
        }
    };
    let nums = |scope: &dyn Scope, reads: &mut Vec<Binding>| -> Result<Vec<Node>, TypeError> {
        args.iter()
            .map(|a| {
                expect(
                    a,
                    Type::Num,
                    scope,
                    reads,
                    &format!("`{name}` needs numbers"),
                )
            })
            .collect()
    };
    match name {
        "min" | "max" => {
            if args.len() < 2 {
                return Err(err(at, format!("`{name}` takes two or more numbers")));
            }
            let ns = nums(scope, reads)?;
            Ok((
                if name == "min" {
                    Node::Min(ns)
                } else {
                    Node::Max(ns)
                },
                Type::Num,
            ))
        }
        "round" => {
            arity(2)?;
            let x = expect(
                args.first().unwrap_or(at),
                Type::Num,
                scope,
                reads,
                "`round` needs a number",
            )?;
            let places = match args.get(1).map(|a| &a.kind) {
                Some(AstKind::Num(d))
                    if d.fract().is_zero() && *d >= Decimal::ZERO && *d <= Decimal::from(8) =>
                {
                    u32::try_from(d.mantissa()).unwrap_or(0) / 10u32.pow(d.scale())
                }
                _ => {
                    return Err(err(
                        args.get(1).unwrap_or(at),
                        "`round`'s second argument is a whole number of decimal places, 0 to 8",
                    ))
                }
            };
            Ok((Node::Round(Box::new(x), places), Type::Num))
        }
        "floor" | "ceil" | "abs" => {
            arity(1)?;
            let x = expect(
                args.first().unwrap_or(at),
                Type::Num,
                scope,
                reads,
                &format!("`{name}` needs a number"),
            )?;
            let x = Box::new(x);
            Ok((
                match name {
                    "floor" => Node::Floor(x),
                    "ceil" => Node::Ceil(x),
                    _ => Node::Abs(x),
                },
                Type::Num,
            ))
        }
        "has" | "has_any" | "has_all" => {
            if args.is_empty() || (name == "has" && args.len() != 1) {
                return Err(err(
                    at,
                    format!(
                        "`{name}` takes {}",
                        if name == "has" {
                            "one tag"
                        } else {
                            "one or more tags"
                        }
                    ),
                ));
            }
            let mut tags = Vec::with_capacity(args.len());
            for a in args {
                let (AstKind::Ident(t) | AstKind::Str(t)) = &a.kind else {
                    return Err(err(
                        a,
                        format!("`{name}` takes tag ids, such as `{name}(dibao)`"),
                    ));
                };
                let Some(i) = scope.tag(t) else {
                    let mut e = err(a, format!("unknown tag `{t}`: not in the pack's `tags`"));
                    e.hint = did_you_mean(t, scope.tag_names());
                    return Err(e);
                };
                tags.push(i);
                if !reads.contains(&Binding::Tag(i)) {
                    reads.push(Binding::Tag(i));
                }
            }
            Ok((
                if name == "has_all" {
                    Node::HasAll(tags)
                } else {
                    Node::HasAny(tags)
                },
                Type::Bool,
            ))
        }
        "date" => {
            arity(1)?;
            match args.first().map(|a| &a.kind) {
                Some(AstKind::Str(s)) => match parse_date(s) {
                    Some(d) => Ok((Node::Date(d), Type::Date)),
                    None => Err(err(at, format!("`{s}` is not a date: expected YYYY-MM-DD"))),
                },
                _ => Err(err(
                    at,
                    "`date` takes a text literal such as date('2021-09-01')",
                )),
            }
        }
        "years_between" => {
            arity(2)?;
            let a = expect(
                args.first().unwrap_or(at),
                Type::Date,
                scope,
                reads,
                "`years_between` needs two dates",
            )?;
            let b = expect(
                args.get(1).unwrap_or(at),
                Type::Date,
                scope,
                reads,
                "`years_between` needs two dates",
            )?;
            Ok((Node::YearsBetween(Box::new(a), Box::new(b)), Type::Num))
        }
        _ => {
            let mut e = err(at, format!("unknown function `{name}`"));
            e.hint = did_you_mean(name, super::FUNCTIONS.iter().copied());
            Err(e)
        }
    }
}
