//! The walk: every function, method, closure and initializer body in statement order, with
//! the taint of each local binding, recording a [`Flow`] wherever a secret value reaches a
//! sink.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Pat, Stmt, Token};

use super::syntax::*;
use super::value::{Closure, Taint, Text};
use super::{Flow, SinkKind, TaintSource, is_secret_type, may_be_secret, secret_type_in};
use crate::config::Settings;
use crate::facts::EnvRead;
use crate::finding::Location;
use crate::matchers;
use crate::scope::{Resolved, Scopes};
use crate::source::{ByteSpan, SourceFile};
use crate::unit::ModuleUnit;

/// Loops nested deeper than this are walked once instead of twice.
const MAX_LOOP_REPASS: usize = 3;
/// How deep calls of local closures are walked again with the taint of their arguments.
const MAX_CLOSURE_CALLS: usize = 4;
/// Expressions evaluated per file before the repeated walks (second loop pass, closure calls)
/// stop; every body is still walked once.
const FUEL: usize = 2_000_000;

/// A local binding.
#[derive(Clone, Debug, Default)]
struct Local {
    taint: Taint,
    /// Its text so far, when it is a string being built.
    text: Text,
    /// A `String` (writing to it with `write!` builds a string, it prints nothing).
    buffer: bool,
}

#[derive(Debug, Default)]
struct Frame {
    vars: HashMap<String, Local>,
    /// Entered only sometimes (a branch, a loop or closure body): assignments join.
    conditional: bool,
}

/// Walks one file; see the module documentation.
pub(super) struct Walker<'a> {
    source: &'a SourceFile,
    settings: &'a Settings,
    /// The file's environment reads by the byte range of their call.
    reads: HashMap<ByteSpan, &'a EnvRead>,
    log_sinks: Vec<SinkSpec>,
    serializers: Vec<SinkSpec>,
    scopes: Scopes,
    module: Vec<String>,
    self_type: Vec<String>,
    frames: Vec<Frame>,
    /// What `return` gives in the closures (and functions) being walked.
    returns: Vec<Taint>,
    loops: usize,
    calls: usize,
    fuel: usize,
    flows: Vec<Flow>,
    seen: HashSet<(SinkKind, ByteSpan, ByteSpan, String)>,
}

/// One value a format string uses.
struct Piece {
    taint: Taint,
    location: Location,
    in_url: bool,
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
            flows: Vec::new(),
            seen: HashSet::new(),
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

    fn loc(&self, span: proc_macro2::Span) -> Location {
        Location::from_syn(self.source, span)
    }

    fn flow(&mut self, kind: SinkKind, sink: &str, location: Location, taint: &Taint) {
        for src in &taint.srcs {
            let key = (kind, location.span, src.location.span, sink.to_owned());
            if self.seen.insert(key) {
                self.flows.push(Flow {
                    kind,
                    sink: sink.to_owned(),
                    location,
                    source: src.source.clone(),
                    source_location: src.location,
                });
            }
        }
    }

    /// The flows of one sink call: each source once, at the first value that carries it
    /// (`println!("{key} {key}")` is one finding).
    fn call_flows(&mut self, kind: SinkKind, sink: &str, values: Vec<(Location, Taint)>) {
        let mut reported: HashSet<ByteSpan> = HashSet::new();
        for (at, t) in values {
            let mut fresh = t.whole();
            fresh.srcs.retain(|s| reported.insert(s.location.span));
            if fresh.is_tainted() {
                self.flow(kind, sink, at, &fresh);
            }
        }
    }

    fn secret_types(&self) -> &[String] {
        &self.settings.rules.secret_serialization.secret_types
    }

    // --- Items and scopes ---

    fn skip(&self, attrs: &[syn::Attribute]) -> bool {
        !self.settings.scan.tests && attrs.iter().any(matchers::is_test_attr)
    }

    /// Declares the items and `use`s of a module or block, for resolving sink functions.
    fn declare_items<'i>(&mut self, items: impl Iterator<Item = &'i syn::Item> + Clone) {
        let base = self.module.join("::");
        for item in items.clone() {
            let ident = match item {
                syn::Item::Fn(i) => Some(&i.sig.ident),
                syn::Item::Const(i) => Some(&i.ident),
                syn::Item::Static(i) => Some(&i.ident),
                syn::Item::Mod(i) => Some(&i.ident),
                syn::Item::Struct(i) => Some(&i.ident),
                syn::Item::Enum(i) => Some(&i.ident),
                _ => None,
            };
            if let Some(ident) = ident {
                self.scopes
                    .add_item(ident.to_string(), format!("{base}::{ident}"));
            }
        }
        // Twice: a `use` may rely on a later one.
        for _ in 0..2 {
            for item in items.clone() {
                if let syn::Item::Use(u) = item {
                    self.scopes
                        .add_use(&u.tree, u.leading_colon.is_some(), &self.module);
                }
            }
        }
    }

    fn candidates(&self, path: &syn::Path) -> Vec<String> {
        match self.scopes.resolve(
            path,
            &self.module,
            self.self_type.last().map(String::as_str),
        ) {
            Resolved::Paths(p) => p,
            Resolved::Local(_) => Vec::new(),
        }
    }

    fn item(&mut self, item: &syn::Item) {
        if self.skip(item_attrs(item)) {
            return;
        }
        match item {
            syn::Item::Fn(f) => self.function(Some(&f.sig), |w| {
                w.eval_block(&f.block, false);
            }),
            syn::Item::Impl(i) => {
                let ty = match &*i.self_ty {
                    syn::Type::Path(p) => p
                        .path
                        .segments
                        .last()
                        .map(|s| s.ident.to_string())
                        .unwrap_or_default(),
                    _ => String::from("_"),
                };
                self.self_type
                    .push(format!("{}::{ty}", self.module.join("::")));
                for it in &i.items {
                    match it {
                        syn::ImplItem::Fn(f) if !self.skip(&f.attrs) => {
                            self.function(Some(&f.sig), |w| {
                                w.eval_block(&f.block, false);
                            })
                        }
                        syn::ImplItem::Const(c) => self.function(None, |w| {
                            w.eval(&c.expr);
                        }),
                        syn::ImplItem::Macro(m) => self.item_macro(&m.mac),
                        _ => {}
                    }
                }
                self.self_type.pop();
            }
            syn::Item::Trait(t) => {
                for it in &t.items {
                    match it {
                        syn::TraitItem::Fn(f) if !self.skip(&f.attrs) => {
                            if let Some(block) = &f.default {
                                self.function(Some(&f.sig), |w| {
                                    w.eval_block(block, false);
                                });
                            }
                        }
                        syn::TraitItem::Const(c) => {
                            if let Some((_, e)) = &c.default {
                                self.function(None, |w| {
                                    w.eval(e);
                                });
                            }
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    self.module.push(m.ident.to_string());
                    self.scopes.push(true);
                    self.declare_items(items.iter());
                    for i in items {
                        self.item(i);
                    }
                    self.scopes.pop();
                    self.module.pop();
                }
            }
            syn::Item::Const(c) => self.function(None, |w| {
                w.eval(&c.expr);
            }),
            syn::Item::Static(s) => self.function(None, |w| {
                w.eval(&s.expr);
            }),
            syn::Item::Macro(m) => self.item_macro(&m.mac),
            _ => {}
        }
    }

    /// A macro in item position: its body as items (`thread_local!`, `lazy_static!`) or code.
    fn item_macro(&mut self, mac: &syn::Macro) {
        if mac.path.is_ident("macro_rules") {
            return;
        }
        for tokens in [mac.tokens.clone(), matchers::strip_static_ref(&mac.tokens)] {
            if let Ok(file) = syn::parse2::<syn::File>(tokens) {
                self.declare_items(file.items.iter());
                for item in &file.items {
                    self.item(item);
                }
                return;
            }
        }
        self.function(None, |w| {
            w.eval_macro(mac);
        });
    }

    /// Walks a function, method or initializer body with fresh locals.
    fn function(&mut self, sig: Option<&syn::Signature>, body: impl FnOnce(&mut Self)) {
        let frames = std::mem::take(&mut self.frames);
        let returns = std::mem::take(&mut self.returns);
        let loops = std::mem::replace(&mut self.loops, 0);
        self.push(false);
        self.returns.push(Taint::default());
        if let Some(sig) = sig {
            for input in &sig.inputs {
                match input {
                    syn::FnArg::Typed(t) => {
                        let buffer = is_string_type(&t.ty);
                        self.bind_pat(&t.pat, &Taint::default(), Some((Text::default(), buffer)));
                    }
                    syn::FnArg::Receiver(_) => self.bind("self".to_owned(), Local::default()),
                }
            }
        }
        body(self);
        self.frames = frames;
        self.returns = returns;
        self.loops = loops;
    }

    // --- Locals ---

    fn push(&mut self, conditional: bool) {
        self.frames.push(Frame {
            vars: HashMap::new(),
            conditional,
        });
    }

    fn pop(&mut self) {
        self.frames.pop();
    }

    fn lookup(&self, name: &str) -> Option<&Local> {
        self.frames.iter().rev().find_map(|f| f.vars.get(name))
    }

    fn bind(&mut self, name: String, local: Local) {
        if let Some(f) = self.frames.last_mut() {
            f.vars.insert(name, local);
        }
    }

    fn local_mut(&mut self, name: &str) -> Option<(&mut Local, bool)> {
        let idx = self
            .frames
            .iter()
            .rposition(|f| f.vars.contains_key(name))?;
        let conditional = self
            .frames
            .get(idx + 1..)
            .is_some_and(|fs| fs.iter().any(|f| f.conditional));
        let local = self.frames.get_mut(idx)?.vars.get_mut(name)?;
        Some((local, conditional))
    }

    /// Stores `value` into a place: replaces when the assignment always happens and the place
    /// is exact, joins otherwise.
    fn assign_place(&mut self, place: &Expr, value: &Taint, replace: bool) {
        let Some((root, fields, exact)) = place_root(place) else {
            return;
        };
        if let Some((local, conditional)) = self.local_mut(&root) {
            let replace = replace && exact && !conditional;
            local.taint = local.taint.with_part(&fields, value, replace);
        }
    }

    fn local_text(&self, name: &str) -> Text {
        self.lookup(name)
            .map(|l| l.text.clone())
            .unwrap_or_default()
    }

    fn set_text(&mut self, name: &str, text: Text) {
        if let Some((local, _)) = self.local_mut(name) {
            local.text = text;
        }
    }

    fn bind_pat(&mut self, pat: &Pat, taint: &Taint, top: Option<(Text, bool)>) {
        match pat {
            Pat::Ident(p) => {
                let name = p.ident.to_string();
                // `None`, `MAX`: a unit variant or a constant, not a binding.
                if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    return;
                }
                let (text, buffer) = top.unwrap_or_default();
                self.bind(
                    name,
                    Local {
                        taint: taint.clone(),
                        text,
                        buffer,
                    },
                );
                if let Some((_, sub)) = &p.subpat {
                    self.bind_pat(sub, taint, None);
                }
            }
            Pat::Type(t) => {
                let (text, buffer) = top.unwrap_or_default();
                let top = Some((text, buffer || is_string_type(&t.ty)));
                // `let k: SecretString = ..`: wrapped again, no longer exposed.
                if secret_type_in(&t.ty, self.secret_types()).is_some() {
                    self.bind_pat(&t.pat, &Taint::default(), top);
                } else {
                    self.bind_pat(&t.pat, taint, top);
                }
            }
            Pat::Reference(r) => self.bind_pat(&r.pat, taint, top),
            Pat::Paren(p) => self.bind_pat(&p.pat, taint, top),
            Pat::Tuple(t) => self.bind_elems(&t.elems, taint),
            Pat::TupleStruct(ts) => {
                let last = ts.path.segments.last().map(|s| s.ident.to_string());
                // The error of a `Result` is not the value it failed to give.
                if last.as_deref() == Some("Err") {
                    self.bind_elems(&ts.elems, &Taint::default());
                } else {
                    self.bind_elems(&ts.elems, taint);
                }
            }
            Pat::Struct(s) => {
                for f in &s.fields {
                    let part = taint.part(&member_key(&f.member));
                    self.bind_pat(&f.pat, &part, None);
                }
            }
            Pat::Slice(s) => {
                let whole = taint.whole();
                for e in &s.elems {
                    self.bind_pat(e, &whole, None);
                }
            }
            Pat::Or(o) => {
                for c in &o.cases {
                    self.bind_pat(c, taint, None);
                }
            }
            _ => {}
        }
    }

    fn bind_elems(&mut self, elems: &Punctuated<Pat, Token![,]>, taint: &Taint) {
        let mut after_rest = false;
        for (i, e) in elems.iter().enumerate() {
            if matches!(e, Pat::Rest(_)) {
                after_rest = true;
                continue;
            }
            let t = if after_rest {
                taint.whole()
            } else {
                taint.part(&i.to_string())
            };
            self.bind_pat(e, &t, None);
        }
    }

    // --- Statements and control flow ---

    fn eval_block(&mut self, b: &syn::Block, conditional: bool) -> Taint {
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
    fn eval_stmts(&mut self, stmts: &[Stmt]) -> Taint {
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

    fn run_closure(&mut self, c: &syn::ExprClosure, params: &[Taint]) -> Taint {
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

    fn call_closure(&mut self, closure: &Closure, args: &[Taint]) -> Taint {
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

    fn eval(&mut self, e: &Expr) -> Taint {
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

    fn eval_binary(&mut self, b: &syn::ExprBinary) -> Taint {
        match b.op {
            syn::BinOp::Add(_) => {
                let left = self.eval(&b.left);
                let right = self.eval(&b.right);
                if right.is_tainted() && self.text_of(&b.left).in_url() {
                    let at = self.loc(b.right.span());
                    self.flow(SinkKind::Url, "`+`", at, &right);
                }
                left.whole().joined(&right.whole())
            }
            syn::BinOp::AddAssign(_) => {
                let right = self.eval(&b.right);
                if let Some((root, fields, _)) = place_root(&b.left)
                    && fields.is_empty()
                {
                    let text = self.local_text(&root);
                    if right.is_tainted() && text.in_url() {
                        let at = self.loc(b.right.span());
                        self.flow(SinkKind::Url, "`+=`", at, &right);
                    }
                    let piece = self.text_of(&b.right);
                    self.set_text(&root, text.then(&piece));
                }
                if right.is_tainted() {
                    self.assign_place(&b.left, &right.whole(), false);
                }
                Taint::default()
            }
            _ => {
                self.eval(&b.left);
                self.eval(&b.right);
                Taint::default()
            }
        }
    }

    fn eval_struct(&mut self, s: &syn::ExprStruct) -> Taint {
        let mut fields = BTreeMap::new();
        for f in &s.fields {
            let t = self.eval(&f.expr);
            fields.insert(member_key(&f.member), t);
        }
        let mut rest = Vec::new();
        if let Some(base) = &s.rest {
            let b = self.eval(base);
            match &b.parts {
                Some(p) => {
                    for (k, v) in &p.fields {
                        fields.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                    rest = p.rest.clone();
                }
                None => rest = b.srcs.clone(),
            }
        }
        let name = s
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if is_secret_type(&name, self.secret_types()) {
            return Taint::default();
        }
        Taint::aggregate(fields, rest)
    }

    /// The source an environment read at `whole` (or, for reads found in unparsed macro
    /// bodies, at its first argument) stands for; empty taint for a read of a non-secret.
    fn env_source(&self, whole: Location, first: Option<Location>) -> Option<Taint> {
        let read = self
            .reads
            .get(&whole.span)
            .or_else(|| first.and_then(|f| self.reads.get(&f.span)))?;
        if read.iterates_all || !may_be_secret(self.settings, &read.name.expr) {
            return Some(Taint::default());
        }
        Some(Taint::source(
            TaintSource::EnvRead {
                reader: read.reader.clone(),
                name: read.name.clone(),
            },
            read.call,
        ))
    }

    fn eval_call(&mut self, c: &syn::ExprCall) -> Taint {
        let whole = self.loc(c.span());
        let first = c.args.first().map(|a| self.loc(a.span()));
        if let Some(t) = self.env_source(whole, first) {
            for a in &c.args {
                self.eval(a);
            }
            return t;
        }
        let Expr::Path(p) = strip_parens(&c.func) else {
            self.eval(&c.func);
            for a in &c.args {
                self.eval(a);
            }
            return Taint::default();
        };
        // A let-bound closure.
        if let Some(ident) = p.path.get_ident().filter(|_| p.qself.is_none()) {
            let closure = self
                .lookup(&ident.to_string())
                .and_then(|l| l.taint.closure.clone());
            if let Some(closure) = closure {
                let args: Vec<Taint> = c.args.iter().map(|a| self.eval(a)).collect();
                return self.call_closure(&closure, &args);
            }
        }
        let args: Vec<Taint> = c.args.iter().map(|a| self.eval(a)).collect();
        let written = path_segments(&p.path);
        let candidates = self.candidates(&p.path);
        self.function_sinks(&written, &candidates, c, &args);
        let Some(last) = written.last() else {
            return Taint::default();
        };
        if last.starts_with(|ch: char| ch.is_ascii_uppercase()) {
            // `Some(k)`, `Ok(k)`, `Creds(k)`, `Provider::OpenAi(k)`: holds its arguments.
            if is_secret_type(last, self.secret_types()) || last == "Secret" {
                return Taint::default();
            }
            let fields = args
                .iter()
                .enumerate()
                .filter(|(_, t)| t.is_tainted())
                .map(|(i, t)| (i.to_string(), t.clone()))
                .collect();
            return Taint::aggregate(fields, Vec::new());
        }
        let tail = written[written.len().saturating_sub(2)..].join("::");
        if TRANSPARENT_FNS.contains(&tail.as_str()) {
            return args.first().map(Taint::whole).unwrap_or_default();
        }
        Taint::default()
    }

    /// Serializers, configured sinks and `Url::parse_with_params` called as functions.
    fn function_sinks(
        &mut self,
        written: &[String],
        candidates: &[String],
        c: &syn::ExprCall,
        args: &[Taint],
    ) {
        let joined = written.join("::");
        let builtin = SERIALIZERS
            .iter()
            .find(|s| **s == joined || candidates.iter().any(|c| c == *s))
            .map(|s| format!("`{s}`"));
        let configured = self
            .serializers
            .iter()
            .find(|s| s.matches_fn(written, candidates))
            .map(SinkSpec::display);
        if let Some(sink) = builtin.or(configured) {
            self.args_flow(SinkKind::Serialize, &sink, c.args.iter(), args);
        }
        if let Some(spec) = self
            .log_sinks
            .iter()
            .find(|s| s.matches_fn(written, candidates))
        {
            let sink = spec.display();
            self.args_flow(SinkKind::Log, &sink, c.args.iter(), args);
        }
        if written.len() >= 2
            && written.last().is_some_and(|l| l == "parse_with_params")
            && let (Some(arg), Some(t)) = (c.args.iter().nth(1), args.get(1))
        {
            self.url_pairs(arg, "`Url::parse_with_params`", t);
        }
    }

    fn args_flow<'e>(
        &mut self,
        kind: SinkKind,
        sink: &str,
        exprs: impl Iterator<Item = &'e Expr>,
        taints: &[Taint],
    ) {
        let values = exprs
            .zip(taints)
            .map(|(e, t)| (self.loc(e.span()), t.clone()))
            .collect();
        self.call_flows(kind, sink, values);
    }

    /// Query pairs (`&[("key", v)]`): a flow at each tainted value, or at the whole argument
    /// when it is not a literal.
    fn url_pairs(&mut self, arg: &Expr, sink: &str, whole: &Taint) {
        let values = pair_values(arg);
        if values.is_empty() {
            if whole.is_tainted() {
                let at = self.loc(arg.span());
                self.flow(SinkKind::Url, sink, at, whole);
            }
            return;
        }
        let values = values
            .iter()
            .map(|v| (self.loc(v.span()), self.eval(v)))
            .collect();
        self.call_flows(SinkKind::Url, sink, values);
    }

    fn eval_method(&mut self, m: &syn::ExprMethodCall) -> Taint {
        let name = m.method.to_string();
        let recv = self.eval(&m.receiver);
        let adapter = PARAM_ADAPTERS.contains(&name.as_str());
        let element = recv.unwrapped();
        let n = m.args.len();
        let mut args = Vec::with_capacity(n);
        // What closure (or function) arguments return.
        let mut rets = Taint::default();
        for (i, a) in m.args.iter().enumerate() {
            let gets_element = adapter && i + 1 == n;
            match strip_parens(a) {
                Expr::Closure(c) => {
                    let params = if gets_element {
                        vec![element.clone()]
                    } else {
                        Vec::new()
                    };
                    rets.join(&self.run_closure(c, &params));
                    args.push(Taint::default());
                }
                Expr::Path(p) => {
                    // Point-free: `names.iter().map(std::env::var)`, `.map(String::from)`, `.map(f)`.
                    let at = self.loc(p.span());
                    if let Some(t) = self.env_source(at, None) {
                        rets.join(&t);
                    } else if gets_element {
                        let closure = p
                            .path
                            .get_ident()
                            .and_then(|i| self.lookup(&i.to_string()))
                            .and_then(|l| l.taint.closure.clone());
                        let last = p
                            .path
                            .segments
                            .last()
                            .map(|s| s.ident.to_string())
                            .unwrap_or_default();
                        if let Some(closure) = closure {
                            let r = self.call_closure(&closure, std::slice::from_ref(&element));
                            rets.join(&r);
                        } else if KEEP_METHODS.contains(&last.as_str())
                            || CONVERT_METHODS.contains(&last.as_str())
                            || last == "from"
                        {
                            rets.join(&element.whole());
                        }
                    }
                    args.push(self.eval(a));
                }
                _ => args.push(self.eval(a)),
            }
        }
        if self.settings.taint.expose_methods.contains(&name) {
            let start = self.loc(m.method.span()).span.start;
            let end = self.loc(m.span()).span.end.max(start);
            let at = Location::of(self.source, ByteSpan { start, end });
            return Taint::source(TaintSource::Expose { method: name }, at);
        }
        self.method_sinks(m, &name, &recv, &args, &rets);
        self.method_result(m, &name, &recv, &args, &rets)
    }

    fn method_sinks(
        &mut self,
        m: &syn::ExprMethodCall,
        name: &str,
        recv: &Taint,
        args: &[Taint],
        rets: &Taint,
    ) {
        let first = m.args.first();
        match name {
            "expect" | "context" | "wrap_err" => {
                if let (Some(e), Some(t)) = (first, args.first())
                    && t.is_tainted()
                {
                    let at = self.loc(e.span());
                    self.flow(SinkKind::Log, &format!("`.{name}(..)`"), at, t);
                }
            }
            "with_context" | "wrap_err_with" => {
                if let Some(e) = first
                    && rets.is_tainted()
                {
                    let at = match strip_parens(e) {
                        Expr::Closure(c) => self.loc(c.body.span()),
                        other => self.loc(other.span()),
                    };
                    self.flow(SinkKind::Log, &format!("`.{name}(..)`"), at, rets);
                }
            }
            "serialize" if recv.is_tainted() => {
                let at = self.loc(m.receiver.span());
                self.flow(SinkKind::Serialize, "`.serialize(..)`", at, recv);
            }
            "append_pair" => {
                if let (Some(e), Some(t)) = (m.args.iter().nth(1), args.get(1))
                    && t.is_tainted()
                {
                    let at = self.loc(e.span());
                    self.flow(SinkKind::Url, "`.append_pair(..)`", at, t);
                }
            }
            "extend_pairs" | "set_query" => {
                if let (Some(e), Some(t)) = (first, args.first())
                    && t.is_tainted()
                {
                    let at = self.loc(e.span());
                    self.flow(SinkKind::Url, &format!("`.{name}(..)`"), at, t);
                }
            }
            // reqwest's `.query(&[("key", v)])`; ureq's `.query("key", v)` (a parameter name, not
            // an SQL statement with its parameters).
            "query" => match (m.args.len(), first, args.first()) {
                (1, Some(e), Some(t)) => self.url_pairs(e, "`.query(..)`", t),
                (2, Some(e), _)
                    if str_lit(e).is_some_and(|s| !s.value().contains(char::is_whitespace)) =>
                {
                    if let (Some(v), Some(t)) = (m.args.iter().nth(1), args.get(1))
                        && t.is_tainted()
                    {
                        let at = self.loc(v.span());
                        self.flow(SinkKind::Url, "`.query(..)`", at, t);
                    }
                }
                _ => {}
            },
            _ => {}
        }
        let as_written = [name.to_owned()];
        if let Some(spec) = self
            .log_sinks
            .iter()
            .find(|s| s.matches_fn(&as_written, &[]) && matches!(s, SinkSpec::Name(_)))
        {
            let sink = spec.display();
            self.args_flow(SinkKind::Log, &sink, m.args.iter(), args);
        }
        if let Some(spec) = self
            .serializers
            .iter()
            .find(|s| s.matches_fn(&as_written, &[]) && matches!(s, SinkSpec::Name(_)))
        {
            // A serializer method serializes its receiver (`value.to_json()`) or its arguments.
            let sink = spec.display();
            if recv.is_tainted() {
                let at = self.loc(m.receiver.span());
                self.flow(SinkKind::Serialize, &sink, at, recv);
            }
            self.args_flow(SinkKind::Serialize, &sink, m.args.iter(), args);
        }
        if MUTATORS.contains(&name) {
            let mut stored = Taint::default();
            for t in args {
                stored.join(&t.whole());
            }
            // String building; `push` only with a literal `char` (`Vec::push` is not).
            let char_push = name == "push"
                && matches!(
                    m.args.first(),
                    Some(Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Char(_),
                        ..
                    }))
                );
            if (matches!(name, "push_str" | "write_str") || char_push)
                && let Some((root, fields, _)) = place_root(&m.receiver)
                && fields.is_empty()
            {
                let text = self.local_text(&root);
                let value = m.args.iter().last();
                if let Some(v) = value {
                    if stored.is_tainted() && text.in_url() {
                        let at = self.loc(v.span());
                        self.flow(SinkKind::Url, &format!("`{name}`"), at, &stored);
                    }
                    let piece = self.text_of(v);
                    self.set_text(&root, text.then(&piece));
                }
            }
            if stored.is_tainted() {
                self.assign_place(&m.receiver, &stored, false);
            }
        }
    }

    fn method_result(
        &mut self,
        m: &syn::ExprMethodCall,
        name: &str,
        recv: &Taint,
        args: &[Taint],
        rets: &Taint,
    ) -> Taint {
        let mut all_args = Taint::default();
        for t in args {
            all_args.join(&t.whole());
        }
        match name {
            n if KEEP_METHODS.contains(&n) => recv.clone(),
            "get" => match m.args.first() {
                Some(i) if is_range(i) => Taint::default(),
                _ => recv.whole(),
            },
            // With a count, an iterator's prefix or suffix: shown on purpose, like `&k[..4]`.
            "take" | "skip" if !m.args.is_empty() => Taint::default(),
            "take" => recv.clone(),
            n if CONVERT_METHODS.contains(&n) => recv.whole(),
            n if UNWRAP_METHODS.contains(&n) => {
                let mut t = recv.unwrapped();
                if matches!(n, "unwrap_or" | "unwrap_or_else") {
                    t.join(&all_args);
                    t.join(&rets.whole());
                }
                t
            }
            n if UNION_METHODS.contains(&n) => recv.whole().joined(&all_args).joined(&rets.whole()),
            n if CLOSURE_METHODS.contains(&n) => {
                let mut t = rets.whole();
                if matches!(n, "map_or" | "fold") {
                    t.join(&all_args);
                }
                t
            }
            "then_some" => all_args,
            _ => Taint::default(),
        }
    }

    // --- Macros ---

    fn eval_macro(&mut self, mac: &syn::Macro) -> Taint {
        let whole = self.loc(mac.span());
        let first_token = mac
            .tokens
            .clone()
            .into_iter()
            .next()
            .map(|t| self.loc(t.span()));
        if let Some(t) = self.env_source(whole, first_token) {
            return t;
        }
        let Some((name, written)) = self.macro_name(&mac.path) else {
            return Taint::default();
        };
        if name == "macro_rules" {
            return Taint::default();
        }
        let configured =
            |specs: &[SinkSpec]| specs.iter().any(|s| *s == SinkSpec::Macro(name.clone()));
        if configured(&self.log_sinks) {
            self.all_args_sink(mac, SinkKind::Log, &written);
            return Taint::default();
        }
        if configured(&self.serializers) {
            self.all_args_sink(mac, SinkKind::Serialize, &written);
            return Taint::default();
        }
        let n = name.as_str();
        if PRINT_MACROS.contains(&n) || ERROR_MACROS.contains(&n) {
            self.format_sink(mac, 0, &written);
        } else if ASSERT_MACROS.contains(&n) {
            self.format_sink(mac, 1, &written);
        } else if ASSERT_CMP_MACROS.contains(&n) {
            self.format_sink(mac, 2, &written);
        } else if LOG_MACROS.contains(&n) {
            self.log_macro(mac, &written);
        } else {
            return match n {
                "write" | "writeln" => self.eval_write(mac, &written, n == "writeln"),
                "format" | "format_args" => self.eval_format(mac, &written),
                "dbg" => {
                    let mut out = Taint::default();
                    let mut values = Vec::new();
                    for e in macro_args(mac) {
                        let t = self.eval(&e);
                        out.join(&t);
                        values.push((self.loc(e.span()), t));
                    }
                    self.call_flows(SinkKind::Log, &written, values);
                    out
                }
                "json" => {
                    let mut values = Vec::new();
                    json_values(&mac.tokens, &mut values);
                    let mut out = Taint::default();
                    let mut located = Vec::new();
                    for v in &values {
                        let t = self.eval(v);
                        out.join(&t.whole());
                        located.push((self.loc(v.span()), t));
                    }
                    self.call_flows(SinkKind::Serialize, &written, located);
                    out
                }
                "vec" => {
                    let mut out = Taint::default();
                    for e in macro_args(mac) {
                        out.join(&self.eval(&e).whole());
                    }
                    out
                }
                "matches" | "assert_matches" => {
                    if let Some(first) = split_top(&mac.tokens, ',').into_iter().next()
                        && let Ok(e) = syn::parse2::<Expr>(first.into_iter().collect())
                    {
                        self.eval(&e);
                    }
                    Taint::default()
                }
                "concat" | "stringify" | "include_str" | "include_bytes" | "line" | "column"
                | "file" | "module_path" | "cfg" | "env" | "option_env" => Taint::default(),
                _ => {
                    self.unknown_macro(mac);
                    Taint::default()
                }
            };
        }
        Taint::default()
    }

    /// The name a macro is known by (the last segment, or what a `use` renamed it from:
    /// `use log::warn as log_warn;`) and how messages name it.
    fn macro_name(&self, path: &syn::Path) -> Option<(String, String)> {
        let written = path.segments.last()?.ident.to_string();
        let display = format!("`{}!`", path_segments(path).join("::"));
        let known = |n: &str| {
            [
                PRINT_MACROS,
                ERROR_MACROS,
                ASSERT_MACROS,
                ASSERT_CMP_MACROS,
                LOG_MACROS,
            ]
            .iter()
            .any(|list| list.contains(&n))
                || matches!(
                    n,
                    "write" | "writeln" | "format" | "format_args" | "dbg" | "json" | "vec"
                )
        };
        if known(&written) {
            return Some((written, display));
        }
        let renamed = self.candidates(path).into_iter().find_map(|c| {
            let last = c.rsplit("::").next().filter(|n| known(n))?.to_owned();
            Some((last, format!("`{c}!`")))
        });
        Some(renamed.unwrap_or((written, display)))
    }

    /// A macro this analysis does not know: walked for the sinks inside, its value unknown.
    fn unknown_macro(&mut self, mac: &syn::Macro) {
        if let Some(args) = matchers::macro_exprs(&mac.tokens) {
            for e in &args {
                self.eval(e);
            }
            return;
        }
        if let Ok(stmts) = syn::parse::Parser::parse2(syn::Block::parse_within, mac.tokens.clone())
        {
            self.push(false);
            self.eval_stmts(&stmts);
            self.pop();
            return;
        }
        for chunk in matchers::split_chunks(&mac.tokens) {
            if let Ok(e) = syn::parse2::<Expr>(chunk) {
                self.eval(&e);
            }
        }
    }

    /// A configured macro sink: every tainted argument.
    fn all_args_sink(&mut self, mac: &syn::Macro, kind: SinkKind, sink: &str) {
        let chunks = log_chunks(&mac.tokens);
        let exprs: Vec<&Expr> = chunks.iter().map(|c| &c.expr).collect();
        let args = FmtArgs::new(&exprs);
        let (pieces, _) = self.format_pieces(&args, Text::unknown());
        self.call_flows(kind, sink, located(pieces));
    }

    /// A format-style sink whose message starts after `skip` arguments (the condition of
    /// `assert!`; the compared values of `assert_eq!`, which are printed too).
    fn format_sink(&mut self, mac: &syn::Macro, skip: usize, sink: &str) {
        let exprs = macro_args(mac);
        let mut values = Vec::new();
        for e in exprs.iter().take(skip) {
            let t = self.eval(e);
            if skip == 2 {
                values.push((self.loc(e.span()), t));
            }
        }
        let rest: Vec<&Expr> = exprs.iter().skip(skip).collect();
        let args = FmtArgs::new(&rest);
        let (pieces, _) = self.format_pieces(&args, Text::unknown());
        values.extend(located(pieces));
        self.call_flows(SinkKind::Log, sink, values);
    }

    /// `tracing`/`log` macros: fields and message arguments are all written to the log.
    fn log_macro(&mut self, mac: &syn::Macro, sink: &str) {
        let chunks = log_chunks(&mac.tokens);
        let template = chunks
            .iter()
            .position(|c| !c.field && c.name.is_none() && str_lit(&c.expr).is_some());
        let (fields, message) = match template {
            Some(t) => chunks.split_at(t),
            None => (chunks.as_slice(), &[][..]),
        };
        let mut values = Vec::new();
        for c in fields {
            let t = self.eval(&c.expr);
            values.push((self.loc(c.expr.span()), t));
        }
        if message.is_empty() {
            self.call_flows(SinkKind::Log, sink, values);
            return;
        }
        let mut args = FmtArgs {
            template: message.first().and_then(|c| str_lit(&c.expr)),
            ..FmtArgs::default()
        };
        for c in message.iter().skip(1) {
            match &c.name {
                Some(n) => args.named.push((n.clone(), &c.expr)),
                None => args.positional.push(&c.expr),
            }
        }
        let (pieces, _) = self.format_pieces(&args, Text::unknown());
        values.extend(located(pieces));
        self.call_flows(SinkKind::Log, sink, values);
    }

    /// `format!`: its value carries every argument; a secret placed in a URL is a flow.
    fn eval_format(&mut self, mac: &syn::Macro, sink: &str) -> Taint {
        let exprs = macro_args(mac);
        let refs: Vec<&Expr> = exprs.iter().collect();
        let args = FmtArgs::new(&refs);
        let (pieces, _) = self.format_pieces(&args, Text::empty());
        let mut out = Taint::default();
        for p in &pieces {
            out.join(&p.taint.whole());
        }
        self.call_flows(SinkKind::Url, sink, url_pieces(pieces));
        out
    }

    /// `write!`: into a `String` it builds a string (maybe a URL); into anything else (a
    /// `Formatter`, stdout, a file) it writes the value out.
    fn eval_write(&mut self, mac: &syn::Macro, sink: &str, newline: bool) -> Taint {
        let exprs = macro_args(mac);
        let Some((dest, rest)) = exprs.split_first() else {
            return Taint::default();
        };
        self.eval(dest);
        let buffer = place_root(dest)
            .filter(|(_, fields, _)| fields.is_empty())
            .and_then(|(root, _, _)| {
                self.lookup(&root)
                    .filter(|l| l.buffer)
                    .map(|l| (root, l.text.clone()))
            });
        let refs: Vec<&Expr> = rest.iter().collect();
        let args = FmtArgs::new(&refs);
        match buffer {
            Some((root, text)) => {
                let (pieces, end) = self.format_pieces(&args, text);
                let mut stored = Taint::default();
                for p in &pieces {
                    stored.join(&p.taint.whole());
                }
                self.call_flows(SinkKind::Url, sink, url_pieces(pieces));
                let end = if newline {
                    end.then(&Text::literal("\n"))
                } else {
                    end
                };
                self.set_text(&root, end);
                if stored.is_tainted() {
                    self.assign_place(dest, &stored, false);
                }
            }
            None => {
                let (pieces, _) = self.format_pieces(&args, Text::unknown());
                self.call_flows(SinkKind::Log, sink, located(pieces));
            }
        }
        Taint::default()
    }

    /// The values a format string uses, each with whether it lands in a URL, and the text at
    /// the end. `start`: the text the formatted string is appended to.
    fn format_pieces(&mut self, args: &FmtArgs<'_>, start: Text) -> (Vec<Piece>, Text) {
        let positional: Vec<(Taint, Location)> = args
            .positional
            .iter()
            .map(|e| (self.eval(e), self.loc(e.span())))
            .collect();
        let named: Vec<(String, Taint, Location)> = args
            .named
            .iter()
            .map(|(n, e)| (n.clone(), self.eval(e), self.loc(e.span())))
            .collect();
        let mut used_pos = vec![false; positional.len()];
        let mut used_named = vec![false; named.len()];
        let mut pieces = Vec::new();
        let mut text = start;
        match args.template {
            Some(lit) => {
                let lit_loc = self.loc(lit.span());
                let (placeholders, trailing) = parse_template(&lit.value());
                let mut next = 0;
                let mut captures: HashMap<String, usize> = HashMap::new();
                let positional_piece = |i: usize, used: &mut Vec<bool>| match positional.get(i) {
                    Some((t, l)) => {
                        if let Some(u) = used.get_mut(i) {
                            *u = true;
                        }
                        (t.clone(), *l)
                    }
                    None => (Taint::default(), lit_loc),
                };
                for ph in &placeholders {
                    text = text.then(&Text::literal(&ph.before));
                    if ph.star {
                        positional_piece(next, &mut used_pos);
                        next += 1;
                    }
                    let (taint, location) = match &ph.arg {
                        ArgRef::Next => {
                            next += 1;
                            positional_piece(next - 1, &mut used_pos)
                        }
                        ArgRef::Index(i) => positional_piece(*i, &mut used_pos),
                        ArgRef::Name(name) => match named.iter().position(|(n, ..)| n == name) {
                            Some(j) => {
                                used_named[j] = true;
                                (named[j].1.clone(), named[j].2)
                            }
                            None => {
                                let nth = captures.entry(name.clone()).or_insert(0);
                                let at = placeholder_location(self.source, lit_loc, name, *nth);
                                *nth += 1;
                                let t = self
                                    .lookup(name)
                                    .map(|l| l.taint.clone())
                                    .unwrap_or_default();
                                (t, at)
                            }
                        },
                    };
                    pieces.push(Piece {
                        in_url: text.in_url(),
                        taint,
                        location,
                    });
                    text = text.then(&Text::unknown());
                }
                text = text.then(&Text::literal(&trailing));
            }
            None => text = text.then(&Text::unknown()),
        }
        for (i, (t, l)) in positional.iter().enumerate() {
            if !used_pos[i] {
                pieces.push(Piece {
                    taint: t.clone(),
                    location: *l,
                    in_url: false,
                });
            }
        }
        for (j, (_, t, l)) in named.iter().enumerate() {
            if !used_named[j] {
                pieces.push(Piece {
                    taint: t.clone(),
                    location: *l,
                    in_url: false,
                });
            }
        }
        (pieces, text)
    }

    /// The fixed end of the string `e` builds, as far as it is written in the code.
    fn text_of(&self, e: &Expr) -> Text {
        match e {
            Expr::Lit(l) => match &l.lit {
                syn::Lit::Str(s) => Text::literal(&s.value()),
                syn::Lit::Char(c) => Text::literal(&c.value().to_string()),
                _ => Text::unknown(),
            },
            Expr::Path(p) => match p.path.get_ident() {
                Some(i) => self.local_text(&i.to_string()),
                None => Text::unknown(),
            },
            Expr::Paren(p) => self.text_of(&p.expr),
            Expr::Group(g) => self.text_of(&g.expr),
            Expr::Reference(r) => self.text_of(&r.expr),
            Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "to_string" | "to_owned" | "into" | "clone" | "as_str" | "as_ref" | "borrow"
                ) =>
            {
                self.text_of(&m.receiver)
            }
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => {
                    let segs = path_segments(&p.path);
                    let tail = segs[segs.len().saturating_sub(2)..].join("::");
                    match tail.as_str() {
                        "String::new" | "String::with_capacity" | "String::default" => {
                            Text::empty()
                        }
                        "String::from" => c
                            .args
                            .first()
                            .map_or_else(Text::unknown, |a| self.text_of(a)),
                        _ => Text::unknown(),
                    }
                }
                _ => Text::unknown(),
            },
            Expr::Macro(m)
                if m.mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "format") =>
            {
                let Some(template) = matchers::macro_exprs(&m.mac.tokens)
                    .and_then(|a| a.into_iter().next())
                    .and_then(|e| str_lit(&e).map(syn::LitStr::value))
                else {
                    return Text::unknown();
                };
                let (placeholders, trailing) = parse_template(&template);
                let mut t = Text::empty();
                for ph in &placeholders {
                    t = t.then(&Text::literal(&ph.before)).then(&Text::unknown());
                }
                t.then(&Text::literal(&trailing))
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
                self.text_of(&b.left).then(&self.text_of(&b.right))
            }
            _ => Text::unknown(),
        }
    }
}

fn located(pieces: Vec<Piece>) -> Vec<(Location, Taint)> {
    pieces.into_iter().map(|p| (p.location, p.taint)).collect()
}

/// The pieces of a format string that land in a URL.
fn url_pieces(pieces: Vec<Piece>) -> Vec<(Location, Taint)> {
    pieces
        .into_iter()
        .filter(|p| p.in_url)
        .map(|p| (p.location, p.taint))
        .collect()
}
