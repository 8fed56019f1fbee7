//! The places in the code that say a string literal is a credential ([`Contexts`]): assigned to
//! a binding, field, constant or static named for one, passed to a method or constructor named
//! like one (`.api_key(..)`, `ApiKey::new(..)`, `.bearer_auth(..)`), paired with such a key
//! (`("token", ..)`, `.header("X-Api-Key", ..)`, `json!({"password": ..})`), compared with such
//! a variable or returned by a function named like one. Each literal is keyed by its position
//! ([`position`]) and remembers the name it sits under, never its value ([`Place`]).
//!
//! Used by `hardcoded-secret`, which tests a high-entropy literal only in such a place. Finding
//! the places is a walk over syntax, not reporting, so it lives in the analysis and the rule keeps
//! only its findings.

use std::collections::HashMap;

use proc_macro2::{Spacing, TokenStream, TokenTree};
use syn::visit::{self, Visit};
use syn::{Expr, Lit, Member, Pat};

use crate::analysis::secret_value_names::names_secret_value;

/// Where a literal sits when the code says it is a credential.
#[derive(Clone, Debug)]
pub struct Place {
    /// The binding, field, method, key or function name (never the value).
    pub name: String,
    how: How,
}

#[derive(Clone, Copy, Debug)]
enum How {
    Binding,
    Field,
    Item,
    Argument,
    Pair,
    Comparison,
    Returned,
}

impl Place {
    /// `is assigned to `api_key``.
    pub fn phrase(&self) -> String {
        let name = &self.name;
        match self.how {
            How::Binding => format!("is assigned to `{name}`"),
            How::Field => format!("is assigned to the field `{name}`"),
            How::Item => format!("is the value of `{name}`"),
            How::Argument => format!("is passed to `{name}`"),
            How::Pair => format!("is the value for the key \"{name}\""),
            How::Comparison => format!("is compared with `{name}`"),
            How::Returned => format!("is returned by `{name}()`"),
        }
    }
}

/// A literal's key in [`Contexts::places`]: its start, as syn reports it.
pub fn position(span: proc_macro2::Span) -> (usize, usize) {
    let s = span.start();
    (s.line, s.column)
}

/// Method and constructor names that wrap a value without changing it.
const WRAPPERS: &[&str] = &[
    "from",
    "new",
    "Some",
    "Ok",
    "Borrowed",
    "Owned",
    "from_static",
    "from_str",
    "into",
];

/// Collects the string literals that sit in a credential's place, by position.
#[derive(Default)]
pub struct Contexts {
    pub places: HashMap<(usize, usize), Place>,
}

impl Contexts {
    /// Records the literals `expr` evaluates to, if `name` names a credential value.
    fn add(&mut self, expr: &Expr, name: &str, how: How) {
        if !names_secret_value(name) {
            return;
        }
        let mut spans = Vec::new();
        value_literals(expr, &mut spans, 0);
        for span in spans {
            self.insert(span, name, how);
        }
    }

    fn insert(&mut self, span: proc_macro2::Span, name: &str, how: How) {
        self.places.entry(position(span)).or_insert_with(|| Place {
            name: name.to_owned(),
            how,
        });
    }

    /// `("token", "..")`, `f("X-Api-Key", "..")`: a key literal followed by a value.
    fn pairs<'a>(&mut self, exprs: impl IntoIterator<Item = &'a Expr>) {
        let exprs: Vec<&Expr> = exprs.into_iter().collect();
        for w in exprs.windows(2) {
            if let Some(key) = str_lit(w[0]) {
                let key = key.value();
                if is_key_like(&key) {
                    self.add(w[1], &key, How::Pair);
                }
            }
        }
    }

    /// Macro bodies are tokens: `name = ".."`, `name: ".."`, `"key": ".."`, `"key", ".."`,
    /// `"key" => ".."`, at any depth.
    fn tokens(&mut self, tokens: TokenStream) {
        let tts: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tt) in tts.iter().enumerate() {
            match tt {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(ident) => {
                    if let (Some(sep), Some(TokenTree::Literal(value))) =
                        (tts.get(i + 1), tts.get(i + 2))
                    {
                        let name = ident.to_string();
                        let name = name.strip_prefix("r#").unwrap_or(&name);
                        if is_punct(sep, &['=', ':']) && !follows_colon(&tts, i) {
                            self.token_value(value, name, How::Binding);
                        }
                    }
                }
                TokenTree::Literal(key) => {
                    let value = match (tts.get(i + 1), tts.get(i + 2), tts.get(i + 3)) {
                        (Some(p), Some(TokenTree::Literal(v)), _) if is_punct(p, &[':', ',']) => v,
                        (Some(a), Some(b), Some(TokenTree::Literal(v)))
                            if is_punct(a, &['=']) && is_punct(b, &['>']) =>
                        {
                            v
                        }
                        _ => continue,
                    };
                    // Parsed only now: most literals are not followed by another.
                    if let Some(key) = lit_str_value(key).filter(|k| is_key_like(k)) {
                        self.token_value(value, &key, How::Pair);
                    }
                }
                TokenTree::Punct(_) => {}
            }
        }
    }

    fn token_value(&mut self, value: &proc_macro2::Literal, name: &str, how: How) {
        if names_secret_value(name) && lit_str_value(value).is_some() {
            self.insert(value.span(), name, how);
        }
    }
}

/// Whether the token before `i` is a `:` (so `i` is a path segment after `::`).
fn follows_colon(tts: &[TokenTree], i: usize) -> bool {
    i > 0 && is_punct(&tts[i - 1], &[':'])
}

fn is_punct(tt: &TokenTree, chars: &[char]) -> bool {
    matches!(tt, TokenTree::Punct(p) if chars.contains(&p.as_char())
        && (p.spacing() == Spacing::Alone || p.as_char() == '='))
}

/// The value of a string literal token, or `None` for any other literal.
fn lit_str_value(lit: &proc_macro2::Literal) -> Option<String> {
    let repr = lit.to_string();
    if !(repr.starts_with('"') || repr.starts_with("r\"") || repr.starts_with("r#")) {
        return None;
    }
    syn::parse_str::<syn::LitStr>(&repr).ok().map(|s| s.value())
}

/// A string that reads as a key or header name: `token`, `X-Api-Key`, `client_secret`.
fn is_key_like(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

fn str_lit(expr: &Expr) -> Option<&syn::LitStr> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(s),
            _ => None,
        },
        Expr::Paren(p) => str_lit(&p.expr),
        Expr::Group(g) => str_lit(&g.expr),
        Expr::Reference(r) => str_lit(&r.expr),
        _ => None,
    }
}

/// The spans of the string literals an expression evaluates to, through wrappers that keep
/// the value (`"..".to_string()`, `String::from("..")`, `Some("..")`, `.unwrap_or("..")`,
/// blocks and `if` branches).
fn value_literals(expr: &Expr, out: &mut Vec<proc_macro2::Span>, depth: usize) {
    if depth > 16 {
        return;
    }
    let d = depth + 1;
    match expr {
        Expr::Lit(l) => {
            if let Lit::Str(s) = &l.lit {
                out.push(s.span());
            }
        }
        Expr::Paren(p) => value_literals(&p.expr, out, d),
        Expr::Group(g) => value_literals(&g.expr, out, d),
        Expr::Reference(r) => value_literals(&r.expr, out, d),
        Expr::Cast(c) => value_literals(&c.expr, out, d),
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            match method.as_str() {
                "unwrap_or" | "or" | "unwrap_or_else" | "or_else" => {
                    value_literals(&m.receiver, out, d);
                    if let Some(arg) = m.args.first() {
                        match arg {
                            Expr::Closure(c) => value_literals(&c.body, out, d),
                            other => value_literals(other, out, d),
                        }
                    }
                }
                _ if m.args.is_empty() => value_literals(&m.receiver, out, d),
                _ => {}
            }
        }
        Expr::Call(c) => {
            let wraps = match &*c.func {
                Expr::Path(p) => p
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| WRAPPERS.contains(&s.ident.to_string().as_str())),
                _ => false,
            };
            if wraps && c.args.len() == 1 {
                value_literals(&c.args[0], out, d);
            }
        }
        Expr::Block(b) => block_tail(&b.block, out, d),
        Expr::Unsafe(b) => block_tail(&b.block, out, d),
        Expr::If(i) => {
            block_tail(&i.then_branch, out, d);
            if let Some((_, e)) = &i.else_branch {
                value_literals(e, out, d);
            }
        }
        _ => {}
    }
}

fn block_tail(block: &syn::Block, out: &mut Vec<proc_macro2::Span>, depth: usize) {
    if let Some(syn::Stmt::Expr(e, None)) = block.stmts.last() {
        value_literals(e, out, depth);
    }
}

/// The name an assignment target or compared operand goes by: `api_key`, `self.token`,
/// `cfg.password()`.
fn target_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Expr::Field(f) => match &f.member {
            Member::Named(n) => Some(n.to_string()),
            Member::Unnamed(_) => None,
        },
        Expr::MethodCall(m) if m.args.is_empty() => Some(m.method.to_string()),
        Expr::Paren(p) => target_name(&p.expr),
        Expr::Reference(r) => target_name(&r.expr),
        Expr::Unary(u) => target_name(&u.expr),
        _ => None,
    }
}

fn pat_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(i) => Some(i.ident.to_string()),
        Pat::Type(t) => pat_name(&t.pat),
        Pat::Reference(r) => pat_name(&r.pat),
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Contexts {
    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let (Some(name), Some(init)) = (pat_name(&local.pat), &local.init) {
            self.add(&init.expr, &name, How::Binding);
        }
        visit::visit_local(self, local);
    }

    fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
        for field in &s.fields {
            if let Member::Named(name) = &field.member {
                self.add(&field.expr, &name.to_string(), How::Field);
            }
        }
        visit::visit_expr_struct(self, s);
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        self.add(&item.expr, &item.ident.to_string(), How::Item);
        visit::visit_item_const(self, item);
    }

    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        self.add(&item.expr, &item.ident.to_string(), How::Item);
        visit::visit_item_static(self, item);
    }

    fn visit_impl_item_const(&mut self, item: &'ast syn::ImplItemConst) {
        self.add(&item.expr, &item.ident.to_string(), How::Item);
        visit::visit_impl_item_const(self, item);
    }

    fn visit_trait_item_const(&mut self, item: &'ast syn::TraitItemConst) {
        if let Some((_, expr)) = &item.default {
            self.add(expr, &item.ident.to_string(), How::Item);
        }
        visit::visit_trait_item_const(self, item);
    }

    fn visit_expr_assign(&mut self, e: &'ast syn::ExprAssign) {
        if let Some(name) = target_name(&e.left) {
            self.add(&e.right, &name, How::Binding);
        }
        visit::visit_expr_assign(self, e);
    }

    fn visit_expr_binary(&mut self, e: &'ast syn::ExprBinary) {
        if matches!(e.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
            for (a, b) in [(&e.left, &e.right), (&e.right, &e.left)] {
                if let (Some(name), Some(_)) = (target_name(a), str_lit(b)) {
                    self.add(b, &name, How::Comparison);
                }
            }
        }
        visit::visit_expr_binary(self, e);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let method = m.method.to_string();
        let shown = format!(".{method}()");
        match method.as_str() {
            "bearer_auth" => {
                if let Some(arg) = m.args.first() {
                    self.add(arg, "token", How::Argument);
                    self.retag(arg, &shown);
                }
            }
            "basic_auth" => {
                if let Some(arg) = m.args.iter().nth(1) {
                    self.add(arg, "password", How::Argument);
                    self.retag(arg, &shown);
                }
            }
            _ if names_secret_value(&method) => {
                for arg in &m.args {
                    self.add(arg, &method, How::Argument);
                    self.retag(arg, &shown);
                }
            }
            _ => {}
        }
        self.pairs(&m.args);
        visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func {
            let segs: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let shown = segs.join("::");
            let named = match segs.as_slice() {
                [.., ty, f] if WRAPPERS.contains(&f.as_str()) => names_secret_value(ty),
                [.., f] => names_secret_value(f),
                [] => false,
            };
            if named {
                for arg in &c.args {
                    self.add(arg, "credential", How::Argument);
                    self.retag(arg, &shown);
                }
            }
        }
        self.pairs(&c.args);
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_tuple(&mut self, t: &'ast syn::ExprTuple) {
        self.pairs(&t.elems);
        visit::visit_expr_tuple(self, t);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.returned(&f.sig, &f.block);
        visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.returned(&f.sig, &f.block);
        visit::visit_impl_item_fn(self, f);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        visit::visit_macro(self, mac);
    }
}

impl Contexts {
    /// `fn api_token() -> &'static str { ".." }`.
    fn returned(&mut self, sig: &syn::Signature, block: &syn::Block) {
        let name = sig.ident.to_string();
        if !names_secret_value(&name) {
            return;
        }
        let mut spans = Vec::new();
        block_tail(block, &mut spans, 0);
        for span in spans {
            self.insert(span, &name, How::Returned);
        }
    }

    /// Names an argument's place by the callee (`.api_key()`, `ApiKey::new`), which reads
    /// better than the parameter it stands for.
    fn retag(&mut self, arg: &Expr, callee: &str) {
        let mut spans = Vec::new();
        value_literals(arg, &mut spans, 0);
        for span in spans {
            if let Some(place) = self.places.get_mut(&position(span))
                && matches!(place.how, How::Argument)
            {
                place.name = callee.to_owned();
            }
        }
    }
}
