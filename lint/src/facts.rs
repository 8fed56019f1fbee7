//! Per-file facts, computed in one walk of the syntax tree and shared by the rules and the
//! crate-wide join: string constants, functions that read the environment through a
//! parameter, direct environment reads, and calls that may reach such functions.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

use crate::config::Settings;
use crate::finding::Location;
use crate::matchers::{self, EnvFn};
use crate::scope::{Binding, Resolved, Scopes};
use crate::source::SourceFile;
use crate::taint::{self, Flow};
use crate::unit::ModuleUnit;

/// What an expression used as an environment variable name stands for, as far as one file can
/// tell. Constants and lists are resolved by the join.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameExpr {
    /// A literal name (also `concat!`, `String::from`, `.to_string()` of one).
    Lit(String),
    /// A path to a constant or static: candidate absolute paths, first match wins.
    Const(Vec<String>),
    /// Parts joined at compile time (`concat!`) or through constants.
    Concat(Vec<NameExpr>),
    /// A `format!` template with its placeholders replaced by `X`: `X_API_KEY`.
    Format(String),
    /// An array, slice or `vec!` of names.
    List(Vec<Arg>),
    /// One element of a list (a loop variable or closure parameter over it).
    Element(Box<NameExpr>),
    /// Not a constant, but the expression names a credential (`cfg.token_env`).
    Dynamic(String),
    Unknown,
}

/// An argument expression with where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    pub expr: NameExpr,
    pub location: Location,
}

/// A direct read of the environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvRead {
    /// How it is read, for messages: `std::env::var`, `env!`, clap's `#[arg(env)]`.
    pub reader: String,
    pub name: Arg,
    /// The whole call.
    pub call: Location,
    /// `std::env::vars()`-style iteration: `name` lists the literals the statement compares.
    pub iterates_all: bool,
}

/// Which function a call goes to, as far as one file can tell.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Callee {
    /// Absolute paths this call may resolve to, most likely first.
    pub candidates: Vec<String>,
    /// The last path segment or method name.
    pub name: String,
    pub is_method: bool,
}

/// A call with at least one argument that may be a secret name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallSite {
    pub callee: Callee,
    pub args: Vec<Arg>,
    pub location: Location,
}

/// How a function's parameter reaches an environment read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowSink {
    /// Read directly; `each`: an element of the parameter is read.
    Read { param: usize, each: bool },
    /// Passed on as argument `arg` of another call.
    Forward {
        callee: Callee,
        arg: usize,
        param: usize,
        each: bool,
    },
}

/// A function or let-bound closure whose parameters reach the environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnFact {
    pub path: String,
    pub name: String,
    pub is_method: bool,
    pub sinks: Vec<FlowSink>,
}

/// A string constant (or list of them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstFact {
    pub path: String,
    pub value: NameExpr,
}

/// Everything one file contributes.
#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    pub display: String,
    pub consts: Vec<ConstFact>,
    pub fns: Vec<FnFact>,
    pub reads: Vec<EnvRead>,
    pub calls: Vec<CallSite>,
    /// Module paths declared by `#[cfg(test)] mod x;` in this file.
    pub test_modules: Vec<String>,
    /// Secret values reaching sinks (see [`crate::taint`]).
    pub flows: Vec<Flow>,
}

impl FileFacts {
    pub fn empty(display: &str) -> Self {
        FileFacts {
            display: display.to_owned(),
            ..FileFacts::default()
        }
    }
}

/// Walks `file` once and collects its facts.
pub fn collect(
    source: &SourceFile,
    settings: &Settings,
    unit: &ModuleUnit,
    file: &syn::File,
) -> FileFacts {
    let mut c = Collector {
        source,
        settings,
        out: FileFacts::empty(&source.display),
        scopes: Scopes::default(),
        module: unit.module.clone(),
        item_base: vec![unit.module.join("::")],
        self_type: Vec::new(),
        pending_vars: Vec::new(),
    };
    c.scopes.push(true);
    c.declare_items(&file.items);
    for item in &file.items {
        c.visit_item(item);
    }
    c.scopes.pop();
    c.flush_vars(0, Vec::new());
    let mut out = c.out;
    out.flows = taint::flows(source, settings, unit, file, &out.reads);
    out
}

/// What an expression evaluates to while walking one function.
#[derive(Clone, Debug)]
enum Value {
    Name(NameExpr),
    Param {
        owner: usize,
        index: usize,
        each: bool,
    },
}

const CONVERSIONS: &[&str] = &[
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

struct Collector<'a> {
    source: &'a SourceFile,
    settings: &'a Settings,
    out: FileFacts,
    scopes: Scopes,
    module: Vec<String>,
    /// Path prefix of items declared where we are (a module, or a function body).
    item_base: Vec<String>,
    self_type: Vec<String>,
    /// `std::env::vars()` calls in the current statement, answered when it ends.
    pending_vars: Vec<Location>,
}

impl Collector<'_> {
    fn loc(&self, span: proc_macro2::Span) -> Location {
        Location::from_syn(self.source, span)
    }

    fn base(&self) -> &str {
        self.item_base.last().map_or("crate", String::as_str)
    }

    fn skip(&self, attrs: &[syn::Attribute]) -> bool {
        !self.settings.scan.tests && attrs.iter().any(matchers::is_test_attr)
    }

    /// Declares the items of a module or block in the innermost scope, then its `use`s.
    fn declare_items(&mut self, items: &[syn::Item]) {
        let base = self.base().to_owned();
        for item in items {
            let ident = match item {
                syn::Item::Fn(i) => Some(&i.sig.ident),
                syn::Item::Const(i) => Some(&i.ident),
                syn::Item::Static(i) => Some(&i.ident),
                syn::Item::Mod(i) => Some(&i.ident),
                syn::Item::Struct(i) => Some(&i.ident),
                syn::Item::Enum(i) => Some(&i.ident),
                syn::Item::Union(i) => Some(&i.ident),
                syn::Item::Trait(i) => Some(&i.ident),
                syn::Item::Type(i) => Some(&i.ident),
                _ => None,
            };
            if let Some(ident) = ident {
                self.scopes
                    .add_item(ident.to_string(), format!("{base}::{ident}"));
            }
        }
        // Twice: `use` order does not matter in Rust, so a `use` may rely on a later one.
        for _ in 0..2 {
            for item in items {
                if let syn::Item::Use(u) = item {
                    self.scopes
                        .add_use(&u.tree, u.leading_colon.is_some(), &self.module);
                }
            }
        }
    }

    fn resolve(&self, path: &syn::Path) -> Resolved {
        self.scopes.resolve(
            path,
            &self.module,
            self.self_type.last().map(String::as_str),
        )
    }

    /// Evaluates an expression used as an environment variable name.
    fn eval(&self, expr: &Expr) -> Value {
        let unknown = Value::Name(NameExpr::Unknown);
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
            Expr::MethodCall(m) => dynamic(&m.method.to_string()),
            Expr::Call(c) if c.args.len() == 1 => match &*c.func {
                Expr::Path(p) if is_wrapping_constructor(&p.path) => self.eval(&c.args[0]),
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
                        Some(pattern) => NameExpr::Format(pattern),
                        None => NameExpr::Lit(template.replace("{{", "{").replace("}}", "}")),
                    }
                }
                _ => NameExpr::Unknown,
            },
            "vec" => NameExpr::List(self.args(args.iter())),
            _ => NameExpr::Unknown,
        }
    }

    /// Whether a call argument may matter to the join (a secret name, a constant, a list).
    fn interesting(&self, e: &NameExpr) -> bool {
        match e {
            NameExpr::Lit(s) | NameExpr::Format(s) => self.settings.classify(s).is_some(),
            NameExpr::Const(_) | NameExpr::Concat(_) | NameExpr::Element(_) => true,
            NameExpr::List(items) => items.iter().any(|a| self.interesting(&a.expr)),
            NameExpr::Dynamic(_) | NameExpr::Unknown => false,
        }
    }

    fn read(&mut self, reader: &str, name: &Expr, call: Location) {
        match self.eval(name) {
            Value::Param { owner, index, each } => self.out.fns[owner]
                .sinks
                .push(FlowSink::Read { param: index, each }),
            Value::Name(NameExpr::Unknown) => {}
            Value::Name(expr) => {
                let location = self.loc(name.span());
                self.out.reads.push(EnvRead {
                    reader: reader.to_owned(),
                    name: Arg { expr, location },
                    call,
                    iterates_all: false,
                });
            }
        }
    }

    fn call<'e>(
        &mut self,
        callee: Callee,
        args: impl Iterator<Item = &'e Expr>,
        location: Location,
    ) {
        let mut out = Vec::new();
        let mut keep = false;
        for (j, a) in args.enumerate() {
            let expr = match self.eval(a) {
                Value::Param { owner, index, each } => {
                    self.out.fns[owner].sinks.push(FlowSink::Forward {
                        callee: callee.clone(),
                        arg: j,
                        param: index,
                        each,
                    });
                    NameExpr::Unknown
                }
                Value::Name(n) => n,
            };
            keep |= self.interesting(&expr);
            out.push(Arg {
                expr,
                location: self.loc(a.span()),
            });
        }
        if keep {
            self.out.calls.push(CallSite {
                callee,
                args: out,
                location,
            });
        }
    }

    /// The reader a path names, if it is a function reading one variable (`std::env::var`).
    fn env_var_fn(&self, path: &syn::Path) -> Option<String> {
        match self.resolve(path) {
            Resolved::Paths(c) => c
                .into_iter()
                .find(|p| matchers::env_fn(p) == Some(EnvFn::Var)),
            Resolved::Local(_) => None,
        }
    }

    /// A read of each element an iterator yields, the element being `element`.
    fn read_element(&mut self, reader: String, element: Option<Binding>, call: Location) {
        match element {
            Some(Binding::Param { owner, index, each }) => self.out.fns[owner]
                .sinks
                .push(FlowSink::Read { param: index, each }),
            Some(Binding::Name(expr)) => self.out.reads.push(EnvRead {
                reader,
                name: Arg {
                    expr,
                    location: call,
                },
                call,
                iterates_all: false,
            }),
            _ => {}
        }
    }

    /// What a loop variable or iterator-closure parameter over `expr` is bound to.
    fn element_binding(&self, mut expr: &Expr) -> Option<Binding> {
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

    fn bind_pat(&mut self, pat: &Pat, binding: Option<Binding>) {
        match pat {
            Pat::Ident(p) if p.subpat.is_none() => self
                .scopes
                .bind(p.ident.to_string(), binding.unwrap_or(Binding::Opaque)),
            Pat::Type(t) => self.bind_pat(&t.pat, binding),
            Pat::Reference(r) => self.bind_pat(&r.pat, binding),
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
    fn function(
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

    fn closure(&mut self, c: &syn::ExprClosure, first: Option<Binding>) {
        self.scopes.push(false);
        let mut first = first;
        for pat in &c.inputs {
            self.bind_pat(pat, first.take());
        }
        self.visit_expr(&c.body);
        self.scopes.pop();
    }

    fn flush_vars(&mut self, from: usize, lits: Vec<Arg>) {
        for call in self.pending_vars.split_off(from) {
            self.out.reads.push(EnvRead {
                reader: "std::env::vars".to_owned(),
                name: Arg {
                    expr: NameExpr::List(lits.clone()),
                    location: call,
                },
                call,
                iterates_all: true,
            });
        }
    }

    fn clap_fields(&mut self, attrs: &[syn::Attribute], fields: &syn::Fields) {
        let derives_clap = attrs.iter().any(|a| {
            a.path().is_ident("derive")
                && a.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|paths| {
                    paths.iter().any(|p| {
                        p.segments.last().is_some_and(|s| {
                            matches!(
                                s.ident.to_string().as_str(),
                                "Parser" | "Args" | "Subcommand" | "StructOpt"
                            )
                        })
                    })
                })
        });
        if !derives_clap {
            return;
        }
        for field in fields {
            for attr in &field.attrs {
                if !["arg", "clap", "structopt"]
                    .iter()
                    .any(|n| attr.path().is_ident(n))
                {
                    continue;
                }
                let Ok(metas) = attr.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                ) else {
                    continue;
                };
                for meta in metas {
                    match &meta {
                        syn::Meta::NameValue(nv) if nv.path.is_ident("env") => {
                            let call = self.loc(meta.span());
                            self.read("clap's `env` attribute", &nv.value, call);
                        }
                        syn::Meta::Path(p) if p.is_ident("env") => {
                            let Some(ident) = &field.ident else { continue };
                            let name = ident
                                .to_string()
                                .trim_start_matches("r#")
                                .to_ascii_uppercase();
                            let location = self.loc(p.span());
                            self.out.reads.push(EnvRead {
                                reader: "clap's `env` attribute".to_owned(),
                                name: Arg {
                                    expr: NameExpr::Lit(name),
                                    location,
                                },
                                call: location,
                                iterates_all: false,
                            });
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// Last resort for macro bodies that are not Rust syntax: finds `env!("..")`,
    /// `option_env!("..")` and `path::to::var("..")` token patterns.
    fn scan_tokens(&mut self, tokens: &TokenStream) {
        let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
        let mut i = 0;
        while i < tts.len() {
            match &tts[i] {
                TokenTree::Group(g) => {
                    self.scan_tokens(&g.stream());
                    i += 1;
                }
                TokenTree::Ident(id) => {
                    let is_bang =
                        matches!(tts.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                    if (id == "env" || id == "option_env") && is_bang {
                        if let Some(TokenTree::Group(g)) = tts.get(i + 2) {
                            if let Some(lit) = first_str_literal(&g.stream()) {
                                let location = self.loc(lit.span());
                                self.out.reads.push(EnvRead {
                                    reader: format!("{id}!"),
                                    name: Arg {
                                        expr: NameExpr::Lit(lit.value()),
                                        location,
                                    },
                                    call: location,
                                    iterates_all: false,
                                });
                            }
                        }
                        i += 3;
                        continue;
                    }
                    let (segs, next) = read_path(&tts, i);
                    if let Some(TokenTree::Group(g)) = tts.get(next) {
                        if g.delimiter() == Delimiter::Parenthesis {
                            let (first, rest) = segs.split_first().expect("path has a segment");
                            let is_var =
                                match self
                                    .scopes
                                    .resolve_segments(first, rest, &self.module, None)
                                {
                                    Resolved::Paths(c) => {
                                        c.iter().any(|p| matchers::env_fn(p) == Some(EnvFn::Var))
                                    }
                                    Resolved::Local(_) => false,
                                };
                            if is_var {
                                if let Some(lit) = first_str_literal(&g.stream()) {
                                    let location = self.loc(lit.span());
                                    self.out.reads.push(EnvRead {
                                        reader: segs.join("::"),
                                        name: Arg {
                                            expr: NameExpr::Lit(lit.value()),
                                            location,
                                        },
                                        call: location,
                                        iterates_all: false,
                                    });
                                }
                            }
                        }
                    }
                    i = next;
                }
                _ => i += 1,
            }
        }
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            _ => &[],
        };
        if attrs.iter().any(matchers::is_test_attr) {
            if let syn::Item::Mod(m) = item {
                if m.content.is_none() {
                    let mut path = self.module.clone();
                    path.push(m.ident.to_string());
                    self.out.test_modules.push(path.join("::"));
                }
            }
            if self.skip(attrs) {
                return;
            }
        }
        visit::visit_item(self, item);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let Some((_, items)) = &m.content else {
            return;
        };
        self.module.push(m.ident.to_string());
        self.item_base.push(self.module.join("::"));
        self.scopes.push(true);
        self.declare_items(items);
        for item in items {
            self.visit_item(item);
        }
        self.scopes.pop();
        self.item_base.pop();
        self.module.pop();
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let name = f.sig.ident.to_string();
        let path = format!("{}::{name}", self.base());
        let params = typed_params(&f.sig);
        self.function(path, name, false, params, |c| c.visit_block(&f.block));
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let ty = match &*i.self_ty {
            syn::Type::Path(p) => p
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default(),
            _ => String::from("_"),
        };
        let ty_path = format!("{}::{ty}", self.base());
        self.self_type.push(ty_path.clone());
        for item in &i.items {
            match item {
                syn::ImplItem::Fn(f) if !self.skip(&f.attrs) => {
                    let name = f.sig.ident.to_string();
                    let params = typed_params(&f.sig);
                    self.function(format!("{ty_path}::{name}"), name, true, params, |c| {
                        c.visit_block(&f.block)
                    });
                }
                syn::ImplItem::Const(k) => {
                    self.constant(format!("{ty_path}::{}", k.ident), &k.expr);
                }
                syn::ImplItem::Macro(m) => self.visit_macro(&m.mac),
                _ => {}
            }
        }
        self.self_type.pop();
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        let ty_path = format!("{}::{}", self.base(), t.ident);
        self.self_type.push(ty_path.clone());
        for item in &t.items {
            match item {
                syn::TraitItem::Fn(f) => {
                    if let Some(block) = &f.default {
                        let name = f.sig.ident.to_string();
                        let params = typed_params(&f.sig);
                        self.function(format!("{ty_path}::{name}"), name, true, params, |c| {
                            c.visit_block(block)
                        });
                    }
                }
                syn::TraitItem::Const(k) => {
                    if let Some((_, e)) = &k.default {
                        self.constant(format!("{ty_path}::{}", k.ident), e);
                    }
                }
                _ => {}
            }
        }
        self.self_type.pop();
    }

    fn visit_item_const(&mut self, k: &'ast syn::ItemConst) {
        self.constant(format!("{}::{}", self.base(), k.ident), &k.expr);
    }

    fn visit_item_static(&mut self, k: &'ast syn::ItemStatic) {
        self.constant(format!("{}::{}", self.base(), k.ident), &k.expr);
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        self.clap_fields(&s.attrs, &s.fields);
        visit::visit_item_struct(self, s);
    }

    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        for v in &e.variants {
            self.clap_fields(&e.attrs, &v.fields);
        }
        visit::visit_item_enum(self, e);
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.scopes.push(false);
        let items: Vec<syn::Item> = b
            .stmts
            .iter()
            .filter_map(|s| match s {
                syn::Stmt::Item(i) => Some(i.clone()),
                _ => None,
            })
            .collect();
        self.declare_items(&items);
        for s in &b.stmts {
            self.visit_stmt(s);
        }
        self.scopes.pop();
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        let before = self.pending_vars.len();
        visit::visit_stmt(self, s);
        if self.pending_vars.len() > before {
            let mut lits = LitCollector {
                source: self.source,
                out: Vec::new(),
            };
            lits.visit_stmt(s);
            self.flush_vars(before, lits.out);
        }
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        let Some(init) = &l.init else {
            self.bind_pat(&l.pat, None);
            return;
        };
        if let (Expr::Closure(c), Some(ident)) = (&*init.expr, pat_ident(&l.pat)) {
            let path = format!("{}::{{closure}}::{ident}", self.base());
            let params: Vec<&Pat> = c.inputs.iter().collect();
            self.function(path.clone(), ident.clone(), false, params, |this| {
                this.visit_expr(&c.body)
            });
            self.scopes.bind(ident, Binding::Closure(path));
            return;
        }
        self.visit_expr(&init.expr);
        if let Some((_, diverge)) = &init.diverge {
            self.visit_expr(diverge);
        }
        let binding = match self.eval(&init.expr) {
            Value::Param { owner, index, each } => Binding::Param { owner, index, each },
            Value::Name(n) => Binding::Name(n),
        };
        self.bind_pat(&l.pat, Some(binding));
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*call.func {
            let location = self.loc(call.span());
            let name = last_segment(&p.path);
            match self.resolve(&p.path) {
                Resolved::Local(Binding::Closure(path)) => {
                    let callee = Callee {
                        candidates: vec![path],
                        name,
                        is_method: false,
                    };
                    self.call(callee, call.args.iter(), location);
                }
                Resolved::Local(_) => {}
                Resolved::Paths(candidates) => {
                    match candidates
                        .iter()
                        .find_map(|c| matchers::env_fn(c).map(|k| (c, k)))
                    {
                        Some((reader, EnvFn::Var)) => {
                            if let Some(arg) = call.args.first() {
                                let reader = reader.clone();
                                self.read(&reader, arg, location);
                            }
                        }
                        Some((_, EnvFn::All)) => self.pending_vars.push(location),
                        None => {
                            let segs = &p.path.segments;
                            let is_method = segs.len() >= 2
                                && segs[segs.len() - 2]
                                    .ident
                                    .to_string()
                                    .starts_with(|c: char| c.is_ascii_uppercase());
                            let callee = Callee {
                                candidates,
                                name,
                                is_method,
                            };
                            self.call(callee, call.args.iter(), location);
                        }
                    }
                }
            }
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let callee = Callee {
            candidates: Vec::new(),
            name: m.method.to_string(),
            is_method: true,
        };
        let location = self.loc(m.span());
        self.call(callee, m.args.iter(), location);
        self.visit_expr(&m.receiver);
        let element = self.element_binding(&m.receiver);
        for arg in &m.args {
            match arg {
                Expr::Closure(c) => self.closure(c, element.clone()),
                Expr::Path(p) => {
                    // Point-free: `names.iter().map(std::env::var)` reads each element.
                    if let Some(reader) = self.env_var_fn(&p.path) {
                        self.read_element(reader, element.clone(), self.loc(p.span()));
                    }
                }
                other => self.visit_expr(other),
            }
        }
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.closure(c, None);
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        let element = self.element_binding(&f.expr);
        self.scopes.push(false);
        self.bind_pat(&f.pat, element);
        self.visit_block(&f.body);
        self.scopes.pop();
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(reader) = matchers::env_macro(&mac.path) {
            if let Some(first) =
                matchers::macro_exprs(&mac.tokens).and_then(|a| a.into_iter().next())
            {
                let call = self.loc(mac.span());
                self.read(reader, &first, call);
            }
            return;
        }
        if mac.path.is_ident("macro_rules") {
            self.scan_tokens(&mac.tokens);
            return;
        }
        if let Some(args) = matchers::macro_exprs(&mac.tokens) {
            for e in &args {
                self.visit_expr(e);
            }
            return;
        }
        for tokens in [mac.tokens.clone(), matchers::strip_static_ref(&mac.tokens)] {
            if let Ok(file) = syn::parse2::<syn::File>(tokens) {
                self.declare_items(&file.items);
                for item in &file.items {
                    self.visit_item(item);
                }
                return;
            }
        }
        if let Ok(stmts) = syn::parse::Parser::parse2(syn::Block::parse_within, mac.tokens.clone())
        {
            self.scopes.push(false);
            for s in &stmts {
                self.visit_stmt(s);
            }
            self.scopes.pop();
            return;
        }
        for chunk in matchers::split_chunks(&mac.tokens) {
            match syn::parse2::<Expr>(chunk.clone()) {
                Ok(e) => self.visit_expr(&e),
                Err(_) => self.scan_tokens(&chunk),
            }
        }
    }
}

impl Collector<'_> {
    fn constant(&mut self, path: String, expr: &Expr) {
        if let Value::Name(value) = self.eval(expr) {
            if !matches!(value, NameExpr::Unknown | NameExpr::Dynamic(_)) {
                self.out.consts.push(ConstFact { path, value });
            }
        }
        self.visit_expr(expr);
    }
}

/// Collects the string literals of a statement (what an `env::vars()` scan compares against).
struct LitCollector<'a> {
    source: &'a SourceFile,
    out: Vec<Arg>,
}

impl<'ast> Visit<'ast> for LitCollector<'_> {
    fn visit_lit_str(&mut self, s: &'ast syn::LitStr) {
        self.out.push(Arg {
            expr: NameExpr::Lit(s.value()),
            location: Location::from_syn(self.source, s.span()),
        });
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(args) = matchers::macro_exprs(&mac.tokens) {
            for e in &args {
                self.visit_expr(e);
            }
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

fn is_wrapping_constructor(path: &syn::Path) -> bool {
    let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segs.len() >= 2 && WRAPPING_CONSTRUCTORS.contains(&segs[segs.len() - 2..].join("::").as_str())
}

fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

fn typed_params(sig: &syn::Signature) -> Vec<&Pat> {
    sig.inputs
        .iter()
        .filter_map(|a| match a {
            syn::FnArg::Typed(t) => Some(&*t.pat),
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

fn pat_ident(p: &Pat) -> Option<String> {
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

fn read_path(tts: &[TokenTree], start: usize) -> (Vec<String>, usize) {
    let mut segs = Vec::new();
    let mut i = start;
    while let Some(TokenTree::Ident(id)) = tts.get(i) {
        segs.push(id.to_string());
        i += 1;
        match (tts.get(i), tts.get(i + 1)) {
            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':' =>
            {
                i += 2;
            }
            _ => break,
        }
    }
    (segs, i.max(start + 1))
}

fn first_str_literal(tokens: &TokenStream) -> Option<syn::LitStr> {
    let first = tokens.clone().into_iter().next()?;
    syn::parse2::<syn::LitStr>(TokenStream::from(first)).ok()
}
