//! Strings the code assembles from pieces it spells out: `concat!("sk-", "..")`,
//! `format!("{}{}", "..", "..")`, `"..".to_owned() + ".."`, `[A, B].concat()`, and constants
//! built from constants (`concatcp!(A, B)`, `format!("{A}{B}")`). A key split this way is in
//! the source as surely as a whole one, and no single literal of it looks like a key.
//!
//! Used by `hardcoded-secret`, which tests each assembled value like a literal and reports only
//! a credential that crosses a join (one inside a single piece is that piece's finding).

use std::collections::HashMap;

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{BinOp, Expr, Lit, Token};

use crate::analysis::matchers::path_segments;

/// The longest value assembled; beyond it a string is data, and a hostile file cannot make
/// the walk build gigabytes.
const MAX_LEN: usize = 4096;

/// A string assembled from two or more pieces.
#[derive(Clone, Debug)]
pub struct Assembled {
    pub value: String,
    /// Where the joins are in `value` (byte offsets).
    pub joins: Vec<usize>,
    /// The whole expression.
    pub span: Span,
    /// The literals the pieces are spelled in, constants declared elsewhere included: each
    /// holds part of the value, so each is masked wherever it is shown.
    pub pieces: Vec<Span>,
}

/// A value being evaluated: its text, its joins, the literals it came from.
#[derive(Clone, Debug, Default)]
struct Built {
    value: String,
    joins: Vec<usize>,
    spans: Vec<Span>,
}

impl Built {
    fn literal(s: &syn::LitStr) -> Self {
        Built {
            value: s.value(),
            joins: Vec::new(),
            spans: vec![s.span()],
        }
    }

    fn text(s: &str) -> Self {
        Built {
            value: s.to_owned(),
            ..Built::default()
        }
    }
}

impl Assembled {
    /// Whether `range` of the value spans a join.
    pub fn crosses_join(&self, range: &std::ops::Range<usize>) -> bool {
        self.joins.iter().any(|&j| range.start < j && j < range.end)
    }
}

/// Every assembled string of `file`, in source order; constants are resolved within the file.
pub fn assembled(file: &syn::File) -> Vec<Assembled> {
    let mut consts = Consts::default();
    // Constants may be built from constants declared later: a few passes settle them.
    for _ in 0..3 {
        let before = consts.values.len();
        consts.visit_file(file);
        if consts.values.len() == before {
            break;
        }
    }
    let mut c = Collector {
        consts: &consts.values,
        out: Vec::new(),
    };
    c.visit_file(file);
    c.out.sort_by_key(|a| {
        let s = a.span.start();
        (s.line, s.column)
    });
    c.out
}

/// `const`/`static` string values, by name.
#[derive(Default)]
struct Consts {
    values: HashMap<String, Built>,
}

impl Consts {
    fn declare(&mut self, name: &syn::Ident, expr: &Expr) {
        let name = name.to_string();
        if !self.values.contains_key(&name)
            && let Some(v) = eval(&self.values, expr)
        {
            self.values.insert(name, v);
        }
    }
}

impl<'ast> Visit<'ast> for Consts {
    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        self.declare(&i.ident, &i.expr);
        visit::visit_item_const(self, i);
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        self.declare(&i.ident, &i.expr);
        visit::visit_item_static(self, i);
    }
}

struct Collector<'a> {
    consts: &'a HashMap<String, Built>,
    out: Vec<Assembled>,
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        if is_assembly(e)
            && let Some(b) = eval(self.consts, e)
        {
            if !b.joins.is_empty() {
                self.out.push(Assembled {
                    value: b.value,
                    joins: b.joins,
                    span: e.span(),
                    pieces: b.spans,
                });
            }
            return;
        }
        visit::visit_expr(self, e);
    }
}

/// An expression that joins strings: `+`, a joining macro, `.concat()` / `.join("")`.
fn is_assembly(e: &Expr) -> bool {
    match e {
        Expr::Binary(b) => matches!(b.op, BinOp::Add(_)),
        Expr::Macro(m) => joining_macro(&m.mac).is_some(),
        Expr::MethodCall(m) => m.method == "concat" || m.method == "join",
        _ => false,
    }
}

#[derive(Clone, Copy)]
enum Joining {
    /// `concat!`, `concatcp!`: the arguments, one after another.
    Concat,
    /// `format!`, `formatcp!`: a format string and its arguments.
    Format,
}

fn joining_macro(mac: &syn::Macro) -> Option<Joining> {
    let name = mac.path.segments.last()?.ident.to_string();
    match name.as_str() {
        "concat" | "concatcp" => Some(Joining::Concat),
        "format" | "formatcp" => Some(Joining::Format),
        _ => None,
    }
}

/// The string `e` evaluates to, with the offsets where its pieces join, when every piece is a
/// literal or a known constant.
fn eval(consts: &HashMap<String, Built>, e: &Expr) -> Option<Built> {
    let v = match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Built::literal(s),
            _ => return None,
        },
        Expr::Path(p) => consts.get(&p.path.get_ident()?.to_string())?.clone(),
        Expr::Reference(r) => eval(consts, &r.expr)?,
        Expr::Paren(p) => eval(consts, &p.expr)?,
        Expr::Group(g) => eval(consts, &g.expr)?,
        Expr::MethodCall(m)
            if m.args.is_empty()
                && ["to_owned", "to_string", "into", "clone", "as_str"]
                    .iter()
                    .any(|n| m.method == n) =>
        {
            eval(consts, &m.receiver)?
        }
        Expr::Call(c) if c.args.len() == 1 && is_string_from(&c.func) => eval(consts, &c.args[0])?,
        Expr::Binary(b) if matches!(b.op, BinOp::Add(_)) => {
            join([eval(consts, &b.left)?, eval(consts, &b.right)?])?
        }
        Expr::MethodCall(m) if m.method == "concat" || m.method == "join" => {
            if m.method == "join"
                && !matches!(m.args.first(), Some(Expr::Lit(l)) if matches!(&l.lit, Lit::Str(s) if s.value().is_empty()))
            {
                return None;
            }
            let Expr::Array(a) = strip(&m.receiver) else {
                return None;
            };
            join(
                a.elems
                    .iter()
                    .map(|x| eval(consts, x))
                    .collect::<Option<Vec<_>>>()?,
            )?
        }
        Expr::Macro(m) => eval_macro(consts, &m.mac)?,
        _ => return None,
    };
    (v.value.len() <= MAX_LEN).then_some(v)
}

fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Reference(r) => strip(&r.expr),
        Expr::Paren(p) => strip(&p.expr),
        _ => e,
    }
}

/// `String::from`, `Cow::from`, `String::from_str`.
fn is_string_from(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    let names = path_segments(&p.path);
    matches!(
        names.iter().map(String::as_str).collect::<Vec<_>>()[..],
        [.., "String" | "Cow", "from" | "from_str"]
    )
}

fn eval_macro(consts: &HashMap<String, Built>, mac: &syn::Macro) -> Option<Built> {
    let joining = joining_macro(mac)?;
    let args = mac
        .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        .ok()?;
    match joining {
        Joining::Concat => join(
            args.iter()
                .map(|a| eval(consts, a))
                .collect::<Option<Vec<_>>>()?,
        ),
        Joining::Format => {
            let mut args = args.iter();
            let Some(Expr::Lit(l)) = args.next() else {
                return None;
            };
            let Lit::Str(fmt) = &l.lit else { return None };
            let positional: Vec<&Expr> = args.collect();
            let mut b = format_pieces(consts, &fmt.value(), &positional)?;
            b.spans.push(fmt.span());
            Some(b)
        }
    }
}

/// The pieces of a format string: its literal text and each `{}` / `{0}` / `{NAME}` filled
/// from the arguments or constants. `None` for anything else (a spec, a named argument).
fn format_pieces(consts: &HashMap<String, Built>, fmt: &str, args: &[&Expr]) -> Option<Built> {
    let mut pieces: Vec<Built> = Vec::new();
    let mut next = 0;
    let mut rest = fmt;
    while let Some(open) = rest.find(['{', '}']) {
        let (text, tail) = rest.split_at(open);
        if !text.is_empty() {
            pieces.push(Built::text(text));
        }
        if let Some(t) = tail.strip_prefix("{{").or_else(|| tail.strip_prefix("}}")) {
            pieces.push(Built::text(&tail[..1]));
            rest = t;
            continue;
        }
        let close = tail.find('}')?;
        let inner = &tail[1..close];
        let value = if inner.is_empty() {
            next += 1;
            eval(consts, args.get(next - 1)?)?
        } else if let Ok(n) = inner.parse::<usize>() {
            eval(consts, args.get(n)?)?
        } else if inner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            consts.get(inner)?.clone()
        } else {
            return None;
        };
        pieces.push(value);
        rest = &tail[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Built::text(rest));
    }
    join(pieces)
}

/// The pieces one after another, with a join between each two (and the pieces' own joins).
fn join(pieces: impl IntoIterator<Item = Built>) -> Option<Built> {
    let mut out = Built::default();
    for (i, piece) in pieces.into_iter().enumerate() {
        if i > 0 && !piece.value.is_empty() && !out.value.is_empty() {
            out.joins.push(out.value.len());
        }
        let at = out.value.len();
        out.joins.extend(piece.joins.iter().map(|j| at + j));
        out.value.push_str(&piece.value);
        out.spans.extend(piece.spans);
        if out.value.len() > MAX_LEN {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(src: &str) -> Vec<(String, usize)> {
        let file = syn::parse_file(src).expect("test source parses");
        assembled(&file)
            .into_iter()
            .map(|a| (a.value, a.joins.len()))
            .collect()
    }

    #[test]
    fn joins_of_literals_and_constants() {
        let src = r#"
            const A: &str = "ab";
            const B: &str = "cd";
            const C: &str = concatcp!(A, B);
            fn f() {
                let x = concat!("ab", "cd", "ef");
                let y = format!("{}{}", "ab", "cd");
                let z = "ab".to_owned() + "cd" + &B;
                let w = [A, B].concat();
                let v = format!("{A}{B}");
                let u = String::from(C) + "x";
                let n = format!("{}", 1);
            }
        "#;
        assert_eq!(
            values(src),
            [
                ("abcd".to_owned(), 1),
                ("abcdef".to_owned(), 2),
                ("abcd".to_owned(), 1),
                ("abcdcd".to_owned(), 2),
                ("abcd".to_owned(), 1),
                ("abcd".to_owned(), 1),
                ("abcdx".to_owned(), 2),
            ]
        );
    }

    #[test]
    fn pieces_are_the_literals_wherever_declared() {
        let src = "const A: &str = \"ab\";\nfn f() {\n    let x = format!(\"{A}{}\", \"cd\");\n}\n";
        let file = syn::parse_file(src).expect("test source parses");
        let found = assembled(&file);
        assert_eq!(found.len(), 1);
        let mut lines: Vec<usize> = found[0].pieces.iter().map(|s| s.start().line).collect();
        lines.sort_unstable();
        assert_eq!(lines, [1, 3, 3]);
    }

    #[test]
    fn unknown_pieces_assemble_nothing() {
        let src = r#"
            fn f(name: &str) {
                let a = format!("{name}-{}", "x");
                let b = concat!(env!("HOME"), "x");
                let c = "a".to_owned() + name;
                let d = format!("{:>8}", "x");
                let e = ["a", "b"].join(",");
            }
        "#;
        assert!(values(src).is_empty());
    }

    #[test]
    fn crossing() {
        let a = Assembled {
            value: "abcdef".into(),
            joins: vec![2, 4],
            span: Span::call_site(),
            pieces: Vec::new(),
        };
        assert!(a.crosses_join(&(1..3)));
        assert!(!a.crosses_join(&(0..2)));
        assert!(!a.crosses_join(&(2..4)));
    }
}
