//! What an expression used as an environment variable name evaluates to: a literal, a
//! constant, a template, a list, a parameter of the function being walked. Every collector
//! asks this before it records a fact, so the evaluation is one shared piece.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::Expr;
use syn::spanned::Spanned;

use super::{Collector, Value};
use crate::analysis::matchers;
use crate::analysis::reads::{Arg, NameExpr};
use crate::analysis::scope::{Binding, Resolved};

pub(super) const CONVERSIONS: &[&str] = &[
    "to_string",
    "to_owned",
    "into",
    "as_str",
    "as_ref",
    "clone",
    "to_os_string",
    "as_os_str",
    "borrow",
    "deref",
    "as_slice",
    "iter",
    "into_iter",
    "to_vec",
];

const WRAPPING_CONSTRUCTORS: &[&str] = &[
    "String::from",
    "OsString::from",
    "OsStr::new",
    "Cow::from",
    "Cow::Borrowed",
    "String::from_str",
];

impl Collector<'_> {
    /// Evaluates an expression used as an environment variable name.
    pub(super) fn eval(&self, expr: &Expr) -> Value {
        let unknown = Value::Name(NameExpr::Unknown);
        let Some(_level) = self.evaluating.enter() else {
            return unknown;
        };
        match expr {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Value::Name(NameExpr::Lit(s.value())),
            Expr::Paren(e) => self.eval(&e.expr),
            Expr::Group(e) => self.eval(&e.expr),
            Expr::Reference(e) => self.eval(&e.expr),
            Expr::Unary(e) if matches!(e.op, syn::UnOp::Deref(_)) => self.eval(&e.expr),
            Expr::MethodCall(m)
                if m.args.is_empty() && CONVERSIONS.contains(&&*m.method.to_string()) =>
            {
                self.eval(&m.receiver)
            }
            Expr::MethodCall(m) if m.args.is_empty() && case_conversion(&m.method).is_some() => {
                let upper = case_conversion(&m.method) == Some(true);
                match self.eval(&m.receiver) {
                    Value::Name(n) => Value::Name(convert_case(n, upper)),
                    param => param,
                }
            }
            Expr::MethodCall(m) => dynamic(&m.method.to_string()),
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
                let parts = vec![self.name_expr(&b.left), self.name_expr(&b.right)];
                Value::Name(concat_or_unknown(parts))
            }
            Expr::Call(c) if c.args.len() == 1 => match &*c.func {
                Expr::Path(p) if is_wrapping_constructor(&p.path) => self.eval(&c.args[0]),
                _ => unknown,
            },
            Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
                syn::Stmt::Expr(e, None) => self.eval(e),
                _ => unknown,
            },
            Expr::Macro(m) => Value::Name(self.eval_macro(&m.mac)),
            Expr::Array(a) => Value::Name(NameExpr::List(self.args(a.elems.iter()))),
            Expr::Path(p) if p.qself.is_none() => {
                let last = last_segment(&p.path);
                match self.resolve(&p.path) {
                    Resolved::Local(Binding::Param { owner, index, each }) => {
                        Value::Param { owner, index, each }
                    }
                    Resolved::Local(Binding::Name(NameExpr::Unknown) | Binding::Opaque) => {
                        dynamic(&last)
                    }
                    Resolved::Local(Binding::Name(e)) => Value::Name(e),
                    Resolved::Local(Binding::Closure(_)) => unknown,
                    Resolved::Paths(candidates) if is_const_name(&last) => {
                        Value::Name(NameExpr::Const(candidates))
                    }
                    Resolved::Paths(_) => dynamic(&last),
                }
            }
            Expr::Field(f) => match &f.member {
                syn::Member::Named(m) => dynamic(&m.to_string()),
                syn::Member::Unnamed(_) => unknown,
            },
            _ => unknown,
        }
    }

    /// The name expression of `expr`, where a parameter counts as unknown.
    fn name_expr(&self, expr: &Expr) -> NameExpr {
        match self.eval(expr) {
            Value::Name(n) => n,
            Value::Param { .. } => NameExpr::Unknown,
        }
    }

    fn args<'e>(&self, exprs: impl Iterator<Item = &'e Expr>) -> Vec<Arg> {
        exprs
            .map(|e| Arg {
                expr: self.name_expr(e),
                location: self.loc(e.span()),
            })
            .collect()
    }

    fn eval_macro(&self, mac: &syn::Macro) -> NameExpr {
        let name = last_segment(&mac.path);
        let Some(args) = matchers::macro_exprs(&mac.tokens) else {
            return NameExpr::Unknown;
        };
        match name.as_str() {
            "concat" => NameExpr::Concat(args.iter().map(|e| self.name_expr(e)).collect()),
            "format" => match args.first() {
                Some(Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(t),
                    ..
                })) => {
                    let template = t.value();
                    match matchers::format_template(&template) {
                        Some(pattern) => self
                            .format_parts(&template, &args)
                            .unwrap_or(NameExpr::Format(pattern)),
                        None => NameExpr::Lit(template.replace("{{", "{").replace("}}", "}")),
                    }
                }
                _ => NameExpr::Unknown,
            },
            "stringify" => NameExpr::Lit(stringify(&mac.tokens)),
            "vec" => NameExpr::List(self.args(args.iter())),
            _ => NameExpr::Unknown,
        }
    }

    /// `format!("{}_{}", prefix, stringify!(api_key))`: the template's pieces with the
    /// arguments' names, when at least one argument is known (`None`: only the template's
    /// fixed part is).
    fn format_parts(
        &self,
        template: &str,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
    ) -> Option<NameExpr> {
        let positional: Vec<&Expr> = args
            .iter()
            .skip(1)
            .filter(|e| !matches!(e, Expr::Assign(_)))
            .collect();
        let named = |name: &str| {
            args.iter().find_map(|e| match e {
                Expr::Assign(a) => match &*a.left {
                    Expr::Path(p) if p.path.is_ident(name) => Some(&*a.right),
                    _ => None,
                },
                _ => None,
            })
        };
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut next = 0;
        let mut known = false;
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let mut spec = String::new();
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                        spec.push(c);
                    }
                    let arg = spec.split(':').next().unwrap_or("").trim().to_owned();
                    let value = if arg.is_empty() {
                        next += 1;
                        positional.get(next - 1).map(|e| self.name_expr(e))
                    } else if let Ok(i) = arg.parse::<usize>() {
                        positional.get(i).map(|e| self.name_expr(e))
                    } else if let Some(e) = named(&arg) {
                        Some(self.name_expr(e))
                    } else {
                        let path: syn::Path = syn::parse_str(&arg).ok()?;
                        Some(self.name_expr(&Expr::Path(syn::ExprPath {
                            attrs: Vec::new(),
                            qself: None,
                            path,
                        })))
                    };
                    let value = value.unwrap_or(NameExpr::Unknown);
                    known |= !matches!(value, NameExpr::Unknown | NameExpr::Dynamic(_));
                    if !lit.is_empty() {
                        parts.push(NameExpr::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(value);
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            parts.push(NameExpr::Lit(lit));
        }
        known.then(|| concat_or_unknown(parts))
    }

    /// Whether a call argument may matter to the join (a secret name, a constant, a list).
    pub(super) fn interesting(&self, e: &NameExpr) -> bool {
        match e {
            NameExpr::Lit(s) | NameExpr::Format(s) => self.settings.classify(s).is_some(),
            NameExpr::Concat(_) | NameExpr::Case(..) => match local_template(e) {
                Some(t) => self.settings.classify(&t).is_some(),
                None => true,
            },
            NameExpr::Const(_) | NameExpr::Element(_) | NameExpr::Slot(_) => true,
            NameExpr::List(items) => items.iter().any(|a| self.interesting(&a.expr)),
            NameExpr::Dynamic(_) | NameExpr::Unknown => false,
        }
    }
}

fn dynamic(ident: &str) -> Value {
    Value::Name(if matchers::names_credential(ident) {
        NameExpr::Dynamic(ident.to_owned())
    } else {
        NameExpr::Unknown
    })
}

/// `SCREAMING_CASE`: how constants and statics are named.
fn is_const_name(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_uppercase()) && !s.chars().any(|c| c.is_ascii_lowercase())
}

pub(super) fn is_wrapping_constructor(path: &syn::Path) -> bool {
    let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    if matches!(segs.last().map(String::as_str), Some("Some" | "Ok")) {
        return true;
    }
    segs.len() >= 2 && WRAPPING_CONSTRUCTORS.contains(&segs[segs.len() - 2..].join("::").as_str())
}

/// `Some(true)` for an upper-casing method, `Some(false)` for a lower-casing one.
fn case_conversion(method: &syn::Ident) -> Option<bool> {
    match method.to_string().as_str() {
        "to_uppercase" | "to_ascii_uppercase" => Some(true),
        "to_lowercase" | "to_ascii_lowercase" => Some(false),
        _ => None,
    }
}

fn convert_case(n: NameExpr, upper: bool) -> NameExpr {
    let conv = |s: &str| {
        if upper {
            s.to_uppercase()
        } else {
            s.to_lowercase()
        }
    };
    match n {
        NameExpr::Lit(s) => NameExpr::Lit(conv(&s)),
        // A template's placeholders stay `X`: patterns are matched upper-cased anyway.
        NameExpr::Format(t) if upper => NameExpr::Format(t.to_uppercase()),
        NameExpr::Unknown => NameExpr::Unknown,
        other => NameExpr::Case(Box::new(other), upper),
    }
}

/// Parts joined at run time: one literal when every part is one.
fn concat_or_unknown(parts: Vec<NameExpr>) -> NameExpr {
    if parts.iter().all(|p| matches!(p, NameExpr::Lit(_))) {
        let mut s = String::new();
        for p in &parts {
            if let NameExpr::Lit(l) = p {
                s.push_str(l);
            }
        }
        return NameExpr::Lit(s);
    }
    NameExpr::Concat(parts)
}

/// The name as far as this file knows it, with `X` for what only run time knows; `None` when
/// a constant or slot needs the crate-wide join.
pub fn local_template(e: &NameExpr) -> Option<String> {
    match e {
        NameExpr::Lit(s) | NameExpr::Format(s) => Some(s.clone()),
        NameExpr::Unknown | NameExpr::Dynamic(_) => Some("X".to_owned()),
        NameExpr::Concat(parts) => parts.iter().map(local_template).collect(),
        NameExpr::Case(inner, upper) => local_template(inner).map(|t| {
            if *upper {
                t.to_uppercase()
            } else {
                t.to_lowercase()
            }
        }),
        NameExpr::Const(_) | NameExpr::Element(_) | NameExpr::List(_) | NameExpr::Slot(_) => None,
    }
}

/// What `stringify!` makes of its tokens (identifiers and literals, as written).
fn stringify(tokens: &TokenStream) -> String {
    let mut out = String::new();
    for t in tokens.clone() {
        let piece = match &t {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                format!("{open}{}{close}", stringify(&g.stream()))
            }
            other => other.to_string(),
        };
        let joins = matches!(&t, TokenTree::Punct(_))
            || out.ends_with(|c: char| !(c.is_alphanumeric() || c == '_' || c == '"'));
        if !out.is_empty() && !joins {
            out.push(' ');
        }
        out.push_str(&piece);
    }
    out
}

pub(super) fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}
