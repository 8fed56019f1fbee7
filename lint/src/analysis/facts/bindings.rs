//! What local names hold while a function is walked: parameters (owned by the function, so a
//! read of one becomes a sink of that function), names bound by `let`, patterns, loops and
//! closures, and the functions and let-bound closures whose parameters are tracked.

use syn::visit::{self, Visit};
use syn::{Expr, Pat};

use super::names::is_wrapping_constructor;
use super::slots::constructor_slot;
use super::{Collector, FnFact, Value};
use crate::analysis::reads::NameExpr;
use crate::analysis::scope::{Binding, Resolved};

impl Collector<'_> {
    /// What a loop variable or iterator-closure parameter over `expr` is bound to.
    pub(super) fn element_binding(&self, mut expr: &Expr) -> Option<Binding> {
        loop {
            match expr {
                Expr::MethodCall(m) => expr = &m.receiver,
                Expr::Reference(r) => expr = &r.expr,
                Expr::Paren(p) => expr = &p.expr,
                _ => break,
            }
        }
        match self.eval(expr) {
            Value::Param {
                owner,
                index,
                each: false,
            } => Some(Binding::Param {
                owner,
                index,
                each: true,
            }),
            Value::Name(e @ (NameExpr::List(_) | NameExpr::Const(_))) => {
                Some(Binding::Name(NameExpr::Element(Box::new(e))))
            }
            _ => None,
        }
    }

    pub(super) fn bind_pat(&mut self, pat: &Pat, binding: Option<Binding>) {
        match pat {
            Pat::Ident(p) if p.subpat.is_none() => self
                .scopes
                .bind(p.ident.to_string(), binding.unwrap_or(Binding::Opaque)),
            Pat::Type(t) => self.bind_pat(&t.pat, binding),
            Pat::Reference(r) => self.bind_pat(&r.pat, binding),
            Pat::Paren(p) => self.bind_pat(&p.pat, binding),
            // `Some(name)`, `Ok(name)`: what the scrutinee holds.
            Pat::TupleStruct(t) if t.elems.len() == 1 && is_wrapping_constructor(&t.path) => {
                self.bind_pat(&t.elems[0], binding)
            }
            // `AuthData::FromEnv(name)`: what the crate stored in that slot.
            Pat::TupleStruct(t) => {
                let candidates = match self.resolve(&t.path) {
                    Resolved::Paths(c) => c,
                    Resolved::Local(_) => Vec::new(),
                };
                for (i, elem) in t.elems.iter().enumerate() {
                    let slot = constructor_slot(&candidates, &t.path, i);
                    let b = slot.map(|s| Binding::Name(NameExpr::Slot(s)));
                    self.bind_pat(elem, b);
                }
            }
            Pat::Struct(s) => {
                let ty = self.struct_key(&s.path);
                for f in &s.fields {
                    let b = match &f.member {
                        syn::Member::Named(m) => {
                            Some(Binding::Name(NameExpr::Slot(format!("{ty}.{m}"))))
                        }
                        syn::Member::Unnamed(_) => None,
                    };
                    self.bind_pat(&f.pat, b);
                }
            }
            other => {
                let mut idents = Vec::new();
                pat_idents(other, &mut idents);
                for i in idents {
                    self.scopes.bind(i, Binding::Opaque);
                }
            }
        }
    }

    /// A function, method or let-bound closure: its parameters become bindings owned by it.
    pub(super) fn function(
        &mut self,
        path: String,
        name: String,
        is_method: bool,
        params: Vec<&Pat>,
        body: impl FnOnce(&mut Self),
    ) {
        let owner = self.out.fns.len();
        self.out.fns.push(FnFact {
            path: path.clone(),
            name,
            is_method,
            sinks: Vec::new(),
        });
        self.scopes.push(false);
        for (index, pat) in params.into_iter().enumerate() {
            self.bind_pat(
                pat,
                Some(Binding::Param {
                    owner,
                    index,
                    each: false,
                }),
            );
        }
        self.item_base.push(path);
        body(self);
        self.item_base.pop();
        self.scopes.pop();
    }

    pub(super) fn closure(&mut self, c: &syn::ExprClosure, first: Option<Binding>) {
        self.scopes.push(false);
        let mut first = first;
        for pat in &c.inputs {
            self.bind_pat(pat, first.take());
        }
        self.visit_expr(&c.body);
        self.scopes.pop();
    }

    /// What a pattern matched against `e` is bound to.
    pub(super) fn binding_of(&self, e: &Expr) -> Binding {
        match self.eval(e) {
            Value::Param { owner, index, each } => Binding::Param { owner, index, each },
            Value::Name(n) => Binding::Name(n),
        }
    }

    /// An `if`/`while` condition: `let` patterns bind for the body.
    pub(super) fn condition(&mut self, e: &Expr) {
        match e {
            Expr::Let(l) => {
                self.visit_expr(&l.expr);
                let b = self.binding_of(&l.expr);
                self.bind_pat(&l.pat, Some(b));
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                self.condition(&b.left);
                self.condition(&b.right);
            }
            other => self.visit_expr(other),
        }
    }
}

pub(super) fn typed_params(sig: &syn::Signature) -> Vec<&Pat> {
    sig.inputs
        .iter()
        .filter_map(|a| match a {
            syn::FnArg::Typed(t) => Some(&*t.pat),
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

pub(super) fn pat_ident(p: &Pat) -> Option<String> {
    match p {
        Pat::Ident(i) => Some(i.ident.to_string()),
        Pat::Type(t) => pat_ident(&t.pat),
        _ => None,
    }
}

fn pat_idents(p: &Pat, out: &mut Vec<String>) {
    struct Idents<'o>(&'o mut Vec<String>);
    impl<'ast> Visit<'ast> for Idents<'_> {
        fn visit_pat_ident(&mut self, i: &'ast syn::PatIdent) {
            self.0.push(i.ident.to_string());
            visit::visit_pat_ident(self, i);
        }
    }
    Idents(out).visit_pat(p);
}
