//! The walk: every function, method, closure and initializer body in statement order, with
//! the taint of each local binding, recording a [`Flow`] wherever a secret value reaches a
//! sink.
//!
//! This file holds the walker's state, statements, control flow and the dispatch on
//! expressions, the order every other part is called in. The rest is split by job, each an
//! `impl Walker` of its own: `items` (modules, impls, the names in scope), `locals` (bindings
//! and patterns), `propagate` (what operators and calls carry, and where a secret value
//! starts), `sinks` (where a call publishes a value) and `macros` (format strings, printing
//! and logging macros).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use syn::{Expr, Stmt};

use super::locals::Frame;
use super::syntax::*;
use super::value::{Closure, Taint};
use super::{Flow, SinkKind};
use crate::analysis::depth::Depth;
use crate::analysis::reads::EnvRead;
use crate::analysis::scope::Scopes;
use crate::config::Settings;
use crate::finding::Location;
use crate::input::source::{ByteSpan, SourceFile};
use crate::input::unit::ModuleUnit;

/// Loops nested deeper than this are walked once instead of twice.
const MAX_LOOP_REPASS: usize = 3;
/// How deep calls of local closures are walked again with the taint of their arguments.
const MAX_CLOSURE_CALLS: usize = 4;
/// Expressions evaluated per file before the repeated walks (second loop pass, closure calls)
/// stop; every body is still walked once.
const FUEL: usize = 2_000_000;

/// Walks one file; see the module documentation.
pub(super) struct Walker<'a> {
    pub(super) source: &'a SourceFile,
    pub(super) settings: &'a Settings,
    /// The file's environment reads by the byte range of their call.
    pub(super) reads: HashMap<ByteSpan, &'a EnvRead>,
    pub(super) log_sinks: Vec<SinkSpec>,
    pub(super) serializers: Vec<SinkSpec>,
    pub(super) scopes: Scopes,
    pub(super) module: Vec<String>,
    pub(super) self_type: Vec<String>,
    pub(super) frames: Vec<Frame>,
    /// What `return` gives in the closures (and functions) being walked.
    pub(super) returns: Vec<Taint>,
    pub(super) loops: usize,
    calls: usize,
    fuel: usize,
    /// How deep [`Walker::text_of`] has descended into the expression it reads.
    pub(super) reading_text: Depth,
    pub(super) flows: Vec<Flow>,
    pub(super) seen: HashSet<(SinkKind, ByteSpan, ByteSpan, String)>,
    /// Inside test code (`#[cfg(test)]` items, `#[test]` functions, `tests/`), where an
    /// exposed secret was built from a fixture: only environment reads bring real secrets.
    pub(super) in_test: usize,
    /// Inside a serializer implementation (`impl Serialize`, a `serialize_with` helper): the
    /// type that names it opted in, and `secret-serialization` judges that type's field.
    pub(super) in_serializer: usize,
}

impl<'a> Walker<'a> {
    pub(super) fn new(
        source: &'a SourceFile,
        settings: &'a Settings,
        unit: &ModuleUnit,
        reads: &'a [EnvRead],
    ) -> Self {
        let mut by_call = HashMap::new();
        for r in reads {
            by_call.entry(r.call.span).or_insert(r);
        }
        let specs = |v: &[String]| v.iter().filter_map(|s| SinkSpec::parse(s)).collect();
        Walker {
            source,
            settings,
            reads: by_call,
            log_sinks: specs(&settings.rules.secret_in_log.sinks),
            serializers: specs(&settings.rules.secret_serialization.serializers),
            scopes: Scopes::default(),
            module: unit.module.clone(),
            self_type: Vec::new(),
            frames: Vec::new(),
            returns: Vec::new(),
            loops: 0,
            calls: 0,
            fuel: FUEL,
            reading_text: Depth::default(),
            flows: Vec::new(),
            seen: HashSet::new(),
            in_test: usize::from(unit.in_test_dir),
            in_serializer: 0,
        }
    }

    /// The flows of a whole file.
    pub(super) fn file(mut self, file: &syn::File) -> Vec<Flow> {
        self.scopes.push(true);
        self.declare_items(file.items.iter());
        for item in &file.items {
            self.item(item);
        }
        self.scopes.pop();
        self.flows
    }

    pub(super) fn loc(&self, span: proc_macro2::Span) -> Location {
        Location::from_syn(self.source, span)
    }

    pub(super) fn secret_types(&self) -> &[String] {
        &self.settings.rules.secret_serialization.secret_types
    }

    // --- Statements and control flow ---

    pub(super) fn eval_block(&mut self, b: &syn::Block, conditional: bool) -> Taint {
        self.push(conditional);
        self.scopes.push(false);
        self.declare_items(b.stmts.iter().filter_map(|s| match s {
            Stmt::Item(i) => Some(i),
            _ => None,
        }));
        let last = self.eval_stmts(&b.stmts);
        self.scopes.pop();
        self.pop();
        last
    }

    /// Walks statements; the value of the last one if it is a tail expression.
    pub(super) fn eval_stmts(&mut self, stmts: &[Stmt]) -> Taint {
        let mut last = Taint::default();
        for (i, s) in stmts.iter().enumerate() {
            let t = self.eval_stmt(s);
            let tail = matches!(s, Stmt::Expr(_, None))
                || matches!(s, Stmt::Macro(m) if m.semi_token.is_none());
            last = if i + 1 == stmts.len() && tail {
                t
            } else {
                Taint::default()
            };
        }
        last
    }

    fn eval_stmt(&mut self, s: &Stmt) -> Taint {
        match s {
            Stmt::Local(l) => {
                self.eval_local(l);
                Taint::default()
            }
            Stmt::Item(i) => {
                self.item(i);
                Taint::default()
            }
            Stmt::Expr(e, _) => self.eval(e),
            Stmt::Macro(m) => self.eval_macro(&m.mac),
        }
    }

    fn eval_local(&mut self, l: &syn::Local) {
        let Some(init) = &l.init else {
            self.bind_pat(&l.pat, &Taint::default(), None);
            return;
        };
        let value = match strip_parens(&init.expr) {
            // Kept so that calling it with a secret walks its body again.
            Expr::Closure(c) => {
                let ret = self.run_closure(c, &[]);
                Taint {
                    closure: Some(Rc::new(Closure {
                        body: Some(Rc::new(c.clone())),
                        ret,
                    })),
                    ..Taint::default()
                }
            }
            e => self.eval(e),
        };
        if let Some((_, diverge)) = &init.diverge {
            self.eval(diverge);
        }
        let text = self.text_of(&init.expr);
        let buffer = is_string_init(&init.expr);
        self.bind_pat(&l.pat, &value, Some((text, buffer)));
    }

    /// Walks a loop body twice (taint added late in one iteration is seen by the next), once
    /// when loops nest deep or the budget is spent.
    fn repeat(&mut self, mut body: impl FnMut(&mut Self)) {
        let passes = if self.loops < MAX_LOOP_REPASS && self.fuel > 0 {
            2
        } else {
            1
        };
        self.loops += 1;
        for _ in 0..passes {
            body(self);
        }
        self.loops -= 1;
    }

    pub(super) fn run_closure(&mut self, c: &syn::ExprClosure, params: &[Taint]) -> Taint {
        self.push(true);
        self.returns.push(Taint::default());
        for (i, p) in c.inputs.iter().enumerate() {
            let t = params.get(i).cloned().unwrap_or_default();
            self.bind_pat(p, &t, None);
        }
        let body = self.eval(&c.body);
        let returned = self.returns.pop().unwrap_or_default();
        self.pop();
        body.joined(&returned)
    }

    pub(super) fn call_closure(&mut self, closure: &Closure, args: &[Taint]) -> Taint {
        let mut ret = closure.ret.clone();
        if let Some(body) = &closure.body
            && args.iter().any(Taint::is_tainted)
            && self.calls < MAX_CLOSURE_CALLS
            && self.fuel > 0
        {
            self.calls += 1;
            let again = self.run_closure(body, args);
            self.calls -= 1;
            ret.join(&again);
        }
        ret
    }

    // --- Expressions ---

    pub(super) fn eval(&mut self, e: &Expr) -> Taint {
        self.fuel = self.fuel.saturating_sub(1);
        match e {
            Expr::Path(p) => match p.path.get_ident() {
                Some(i) if p.qself.is_none() => self
                    .lookup(&i.to_string())
                    .map(|l| l.taint.clone())
                    .unwrap_or_default(),
                _ => Taint::default(),
            },
            Expr::Paren(p) => self.eval(&p.expr),
            Expr::Group(g) => self.eval(&g.expr),
            Expr::Reference(r) => self.eval(&r.expr),
            Expr::Unary(u) => {
                let t = self.eval(&u.expr);
                if matches!(u.op, syn::UnOp::Deref(_)) {
                    t
                } else {
                    Taint::default()
                }
            }
            Expr::Try(t) => self.eval(&t.expr).unwrapped(),
            Expr::Binary(b) => self.eval_binary(b),
            Expr::Assign(a) => {
                let t = self.eval(&a.right);
                match &*a.left {
                    Expr::Tuple(tuple) => {
                        for (i, place) in tuple.elems.iter().enumerate() {
                            self.assign_place(place, &t.part(&i.to_string()), true);
                        }
                    }
                    place => {
                        self.assign_place(place, &t, true);
                        if let Expr::Path(p) = place
                            && let Some(i) = p.path.get_ident()
                        {
                            let text = self.text_of(&a.right);
                            self.set_text(&i.to_string(), text);
                        }
                    }
                }
                Taint::default()
            }
            Expr::Block(b) => self.eval_block(&b.block, false),
            Expr::Unsafe(b) => self.eval_block(&b.block, false),
            Expr::Const(b) => self.eval_block(&b.block, false),
            Expr::TryBlock(b) => self.eval_block(&b.block, false),
            Expr::Async(b) => {
                self.eval_block(&b.block, true);
                Taint::default()
            }
            Expr::If(i) => {
                self.push(true);
                self.eval(&i.cond);
                let mut t = self.eval_block(&i.then_branch, true);
                self.pop();
                if let Some((_, e)) = &i.else_branch {
                    self.push(true);
                    t.join(&self.eval(e));
                    self.pop();
                }
                t
            }
            Expr::Match(m) => {
                let scrutinee = self.eval(&m.expr);
                let mut out = Taint::default();
                for arm in &m.arms {
                    self.push(true);
                    self.bind_pat(&arm.pat, &scrutinee, None);
                    if let Some((_, g)) = &arm.guard {
                        self.eval(g);
                    }
                    out.join(&self.eval(&arm.body));
                    self.pop();
                }
                out
            }
            Expr::Let(l) => {
                // Binds in the frame of the `if`/`while` being evaluated.
                let t = self.eval(&l.expr);
                self.bind_pat(&l.pat, &t, None);
                Taint::default()
            }
            Expr::ForLoop(f) => {
                let element = self.eval(&f.expr).whole();
                self.repeat(|w| {
                    w.push(true);
                    w.bind_pat(&f.pat, &element, None);
                    w.eval_block(&f.body, true);
                    w.pop();
                });
                Taint::default()
            }
            Expr::While(wh) => {
                self.repeat(|w| {
                    w.push(true);
                    w.eval(&wh.cond);
                    w.eval_block(&wh.body, true);
                    w.pop();
                });
                Taint::default()
            }
            Expr::Loop(l) => {
                self.repeat(|w| {
                    w.eval_block(&l.body, true);
                });
                Taint::default()
            }
            Expr::Closure(c) => {
                let ret = self.run_closure(c, &[]);
                Taint {
                    closure: Some(Rc::new(Closure { body: None, ret })),
                    ..Taint::default()
                }
            }
            Expr::Call(c) => self.eval_call(c),
            Expr::MethodCall(m) => self.eval_method(m),
            Expr::Macro(m) => self.eval_macro(&m.mac),
            Expr::Field(f) => {
                let base = self.eval(&f.base);
                base.part(&member_key(&f.member))
            }
            Expr::Index(i) => {
                let base = self.eval(&i.expr);
                self.eval(&i.index);
                // `&key[..4]`: a prefix shown on purpose, not the secret.
                if is_range(&i.index) {
                    Taint::default()
                } else {
                    base.whole()
                }
            }
            Expr::Struct(s) => self.eval_struct(s),
            Expr::Tuple(t) => {
                let mut fields = BTreeMap::new();
                for (i, e) in t.elems.iter().enumerate() {
                    let v = self.eval(e);
                    if v.is_tainted() {
                        fields.insert(i.to_string(), v);
                    }
                }
                Taint::aggregate(fields, Vec::new())
            }
            Expr::Array(a) => {
                let mut t = Taint::default();
                for e in &a.elems {
                    t.join(&self.eval(e).whole());
                }
                t
            }
            Expr::Repeat(r) => {
                self.eval(&r.len);
                self.eval(&r.expr).whole()
            }
            Expr::Return(r) => {
                if let Some(e) = &r.expr {
                    let t = self.eval(e);
                    if let Some(top) = self.returns.last_mut() {
                        top.join(&t);
                    }
                }
                Taint::default()
            }
            Expr::Break(b) => {
                if let Some(e) = &b.expr {
                    self.eval(e);
                }
                Taint::default()
            }
            Expr::Yield(y) => {
                if let Some(e) = &y.expr {
                    self.eval(e);
                }
                Taint::default()
            }
            Expr::Range(r) => {
                if let Some(s) = &r.start {
                    self.eval(s);
                }
                if let Some(e) = &r.end {
                    self.eval(e);
                }
                Taint::default()
            }
            Expr::Cast(c) => {
                self.eval(&c.expr);
                Taint::default()
            }
            Expr::Await(a) => {
                self.eval(&a.base);
                Taint::default()
            }
            _ => Taint::default(),
        }
    }
}
