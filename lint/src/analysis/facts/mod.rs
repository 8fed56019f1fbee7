//! Per-file facts, computed in one walk of the syntax tree and shared by the rules and the
//! crate-wide join: string constants, functions that read the environment through a
//! parameter, direct environment reads, and calls that may reach such functions. The types
//! of a read itself live in [`crate::analysis::reads`], shared with `scope` and `taint`.

mod file_facts;

pub use file_facts::{
    CallSite, Callee, ConstFact, FileFacts, FlowSink, FnFact, LibraryCall, MacroCall, MacroDefFact,
    PathCall, Reexport, SlotRead, SlotStore,
};

use std::collections::HashMap;
use std::rc::Rc;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

use crate::analysis::matchers::{self, EnvFn};
use crate::analysis::reads::{Arg, EnvRead, NameExpr};
use crate::analysis::scope::{Binding, Resolved, Scopes};
use crate::analysis::taint;
use crate::config::Settings;
use crate::finding::Location;
use crate::input::source::SourceFile;
use crate::input::unit::ModuleUnit;

/// Walks `file` once and collects its facts; with `flows`, also the flows of secret values
/// into sinks (a second walk, see [`crate::analysis::taint`]).
pub fn collect(
    source: &SourceFile,
    settings: &Settings,
    unit: &ModuleUnit,
    file: &syn::File,
    flows: bool,
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
        override_loc: None,
        macro_defs: HashMap::new(),
        macro_bodies: Vec::new(),
        expanding: 0,
        expanding_name: None,
    };
    c.collect_macro_defs(file);
    c.scopes.push(true);
    c.declare_items(&file.items);
    for item in &file.items {
        c.visit_item(item);
    }
    c.scopes.pop();
    c.flush_vars(0, Vec::new());
    let mut out = c.out;
    if flows {
        out.flows = taint::flows(source, settings, unit, file, &out.reads);
    }
    out
}

/// Std and logging macros, never looked up among the crate's own definitions.
const KNOWN_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "cfg",
    "column",
    "compile_error",
    "concat",
    "dbg",
    "debug",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "env",
    "eprint",
    "eprintln",
    "error",
    "file",
    "format",
    "format_args",
    "include",
    "include_bytes",
    "include_str",
    "info",
    "line",
    "macro_rules",
    "matches",
    "module_path",
    "option_env",
    "panic",
    "paste",
    "print",
    "println",
    "stringify",
    "thread_local",
    "todo",
    "trace",
    "unimplemented",
    "unreachable",
    "vec",
    "warn",
    "write",
    "writeln",
];

/// The facts of one invocation of a macro defined in another file of the crate, every fact
/// pointing at the invocation. `defs` holds the definition (first) and the crate's other
/// macros it may invoke, as `(name, tokens)`. Functions the expansion declares are not added
/// to the crate's (an approximation: their reads are still seen, at the invocation).
pub fn expand_elsewhere(
    settings: &Settings,
    display: &str,
    call: &MacroCall,
    defs: &[(&str, &str)],
) -> FileFacts {
    let source = SourceFile::new(display.into(), display.to_owned(), String::new());
    let parsed = |t: &str| {
        let tokens: TokenStream = t.parse().ok()?;
        crate::analysis::macro_rules::MacroDef::parse(&tokens).map(Rc::new)
    };
    let mut c = Collector {
        source: &source,
        settings,
        out: FileFacts::empty(display),
        scopes: Scopes::default(),
        module: call.module.clone(),
        item_base: vec![call.base.clone()],
        self_type: call.self_type.iter().cloned().collect(),
        pending_vars: Vec::new(),
        override_loc: None,
        macro_defs: defs
            .iter()
            .filter_map(|(n, t)| Some(((*n).to_owned(), parsed(t)?)))
            .collect(),
        macro_bodies: Vec::new(),
        expanding: 0,
        expanding_name: None,
    };
    let (Some(def), Ok(tokens)) = (
        c.macro_defs.get(&call.name).cloned(),
        call.tokens.parse::<TokenStream>(),
    ) else {
        return c.out;
    };
    c.scopes.push(true);
    c.expand_with(&def, &call.name, &tokens, call.location);
    c.scopes.pop();
    c.flush_vars(0, Vec::new());
    c.out
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
    /// While walking a `macro_rules!` expansion: every fact points at the invocation.
    override_loc: Option<Location>,
    /// `macro_rules!` macros defined in this file, by name.
    macro_defs: HashMap<String, Rc<crate::analysis::macro_rules::MacroDef>>,
    /// Byte ranges of the `macro_rules!` definitions of this file.
    macro_bodies: Vec<crate::input::source::ByteSpan>,
    /// Nesting of macro expansions being walked.
    expanding: usize,
    /// The outermost macro being expanded, for messages.
    expanding_name: Option<String>,
}

impl Collector<'_> {
    fn loc(&self, span: proc_macro2::Span) -> Location {
        self.override_loc
            .unwrap_or_else(|| Location::from_syn(self.source, span))
    }

    /// Inside an expansion, whether `e` is a literal written in a `macro_rules!` body (the
    /// body scan reports reads of those where they are written).
    fn written_in_macro_body(&self, e: &Expr) -> bool {
        if self.expanding == 0 {
            return false;
        }
        let Expr::Lit(l) = e else {
            return false;
        };
        let at = self.source.byte_span(l.span());
        at.end > at.start
            && self
                .macro_bodies
                .iter()
                .any(|b| b.start <= at.start && at.end <= b.end)
    }

    /// A call of a catalogued library entry point (`Bot::from_env()`, `sqlx::query!`), or of a
    /// crate path that may re-export one.
    fn library_call(&mut self, candidates: &[String], span: proc_macro2::Span) -> bool {
        let readers = &self.settings.readers;
        if let Some(entry) = readers.find(candidates) {
            let location = self.loc(span);
            self.out.library_calls.push(LibraryCall { entry, location });
            return true;
        }
        if let Some(first) = candidates.first() {
            let last = first.rsplit("::").next().unwrap_or(first);
            if first.starts_with("crate::") && readers.has_last_segment(last) {
                let location = self.loc(span);
                self.out.path_calls.push(PathCall {
                    candidates: candidates.to_vec(),
                    location,
                });
            }
        }
        false
    }

    /// The type part of a named-field slot: `KeySpec`, `Source::Env` for a struct variant.
    fn struct_key(&self, path: &syn::Path) -> String {
        let candidates = match self.resolve(path) {
            Resolved::Paths(c) => c,
            Resolved::Local(_) => Vec::new(),
        };
        constructor_slot(&candidates, path, 0)
            .and_then(|s| s.strip_suffix(".0").map(str::to_owned))
            .unwrap_or_else(|| "?".to_owned())
    }

    /// The slot a field access reads: `T.field` for `self.field` in an `impl T`, `?.field`
    /// when the type is not known here.
    fn field_slot(&self, e: &Expr) -> Option<String> {
        let (base, field) = field_of(e)?;
        let ty = match base {
            Expr::Path(p) if p.path.is_ident("self") => self
                .self_type
                .last()
                .and_then(|t| t.rsplit("::").next())
                .unwrap_or("?"),
            _ => "?",
        };
        Some(format!("{ty}.{field}"))
    }

    /// `AuthData::FromEnv(name)`: a name or parameter stored in a tuple slot.
    fn store(&mut self, slot: String, value: &Expr) {
        match self.eval(value) {
            Value::Param { owner, index, each } => {
                self.out.fns[owner].sinks.push(FlowSink::Store {
                    slot,
                    param: index,
                    each,
                })
            }
            Value::Name(n) if self.interesting(&n) => {
                let location = self.loc(value.span());
                self.out.stores.push(SlotStore {
                    slot,
                    name: Arg { expr: n, location },
                });
            }
            Value::Name(_) => {}
        }
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
        let module_level = self.base() == self.module.join("::");
        for round in 0..2 {
            for item in items {
                if let syn::Item::Use(u) = item {
                    let declared =
                        self.scopes
                            .add_use(&u.tree, u.leading_colon.is_some(), &self.module);
                    if round == 1 && module_level {
                        let here = self.module.join("::");
                        for (alias, target) in declared {
                            self.out.reexports.push(match alias {
                                Some(a) => Reexport {
                                    path: format!("{here}::{a}"),
                                    target,
                                    glob: false,
                                },
                                None => Reexport {
                                    path: here.clone(),
                                    target,
                                    glob: true,
                                },
                            });
                        }
                    }
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
    fn interesting(&self, e: &NameExpr) -> bool {
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

    fn read(&mut self, reader: &str, name: &Expr, call: Location) {
        let expanded;
        let reader = match &self.expanding_name {
            Some(m) => {
                expanded = format!("`{reader}` in the expansion of `{m}`");
                expanded.as_str()
            }
            None => reader,
        };
        if let Some(slot) = self.field_slot(name) {
            self.out.slot_reads.push(SlotRead {
                slot,
                reader: reader.to_owned(),
                call,
            });
        }
        if self.written_in_macro_body(name) {
            // A literal read written in a `macro_rules!` body is reported there.
            return;
        }
        match self.eval(name) {
            Value::Name(NameExpr::Slot(slot)) => self.out.slot_reads.push(SlotRead {
                slot,
                reader: reader.to_owned(),
                call,
            }),
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
                        if let Some(TokenTree::Group(g)) = tts.get(i + 2)
                            && let Some(lit) = first_str_literal(&g.stream())
                        {
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
                        i += 3;
                        continue;
                    }
                    let (segs, next) = read_path(&tts, i);
                    if let Some(TokenTree::Group(g)) = tts.get(next)
                        && g.delimiter() == Delimiter::Parenthesis
                    {
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
                        if is_var && let Some(lit) = first_str_literal(&g.stream()) {
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
            if let syn::Item::Mod(m) = item
                && m.content.is_none()
            {
                let mut path = self.module.clone();
                path.push(m.ident.to_string());
                self.out.test_modules.push(path.join("::"));
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
        self.impl_items(&ty_path, &i.items);
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
                        None if self.library_call(&candidates, p.span()) => {}
                        None if !call.args.is_empty()
                            && constructor_slot(&candidates, &p.path, 0).is_some() =>
                        {
                            for (i, a) in call.args.iter().enumerate() {
                                if let Some(slot) = constructor_slot(&candidates, &p.path, i) {
                                    self.store(slot, a);
                                }
                            }
                        }
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

    fn visit_expr_struct(&mut self, e: &'ast syn::ExprStruct) {
        let ty = self.struct_key(&e.path);
        for f in &e.fields {
            if let syn::Member::Named(m) = &f.member {
                self.store(format!("{ty}.{m}"), &f.expr);
            }
        }
        visit::visit_expr_struct(self, e);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        self.visit_expr(&m.expr);
        let binding = self.binding_of(&m.expr);
        for arm in &m.arms {
            self.scopes.push(false);
            self.bind_pat(&arm.pat, Some(binding.clone()));
            if let Some((_, guard)) = &arm.guard {
                self.visit_expr(guard);
            }
            self.visit_expr(&arm.body);
            self.scopes.pop();
        }
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.scopes.push(false);
        self.condition(&i.cond);
        self.visit_block(&i.then_branch);
        self.scopes.pop();
        if let Some((_, e)) = &i.else_branch {
            self.visit_expr(e);
        }
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.scopes.push(false);
        self.condition(&w.cond);
        self.visit_block(&w.body);
        self.scopes.pop();
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
        if let Resolved::Paths(c) = self.resolve(&mac.path) {
            let c: Vec<String> = c.into_iter().map(|p| p + "!").collect();
            self.library_call(&c, mac.path.span());
        }
        if self.expand_macro(mac) {
            return;
        }
        if mac.path.segments.last().is_some_and(|s| s.ident == "paste") {
            self.walk_expansion(crate::analysis::macro_rules::paste(&mac.tokens));
            return;
        }
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
    /// What a pattern matched against `e` is bound to.
    fn binding_of(&self, e: &Expr) -> Binding {
        match self.eval(e) {
            Value::Param { owner, index, each } => Binding::Param { owner, index, each },
            Value::Name(n) => Binding::Name(n),
        }
    }

    /// An `if`/`while` condition: `let` patterns bind for the body.
    fn condition(&mut self, e: &Expr) {
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

    /// Records the `macro_rules!` macros this file defines (textual scope is not modelled:
    /// a name means the last definition of that name in the file).
    fn collect_macro_defs(&mut self, file: &syn::File) {
        struct Defs<'s> {
            source: &'s SourceFile,
            defs: HashMap<String, Rc<crate::analysis::macro_rules::MacroDef>>,
            bodies: Vec<crate::input::source::ByteSpan>,
            facts: Vec<MacroDefFact>,
        }
        impl<'ast> Visit<'ast> for Defs<'_> {
            fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
                if m.mac.path.is_ident("macro_rules") {
                    self.bodies
                        .push(self.source.byte_span(m.mac.delimiter.span().join()));
                    if let (Some(ident), Some(def)) = (
                        &m.ident,
                        crate::analysis::macro_rules::MacroDef::parse(&m.mac.tokens),
                    ) {
                        self.defs.insert(ident.to_string(), Rc::new(def));
                        self.facts.push(MacroDefFact {
                            name: ident.to_string(),
                            tokens: m.mac.tokens.to_string(),
                        });
                    }
                }
            }
        }
        let mut d = Defs {
            source: self.source,
            defs: HashMap::new(),
            bodies: Vec::new(),
            facts: Vec::new(),
        };
        d.visit_file(file);
        self.macro_defs = d.defs;
        self.macro_bodies = d.bodies;
        self.out.macro_defs = d.facts;
    }

    /// Expands an invocation of a `macro_rules!` macro of this file and walks the expansion,
    /// every fact pointing at the invocation. `false` when it is not one or does not expand;
    /// a macro this file does not define is recorded for the join (see [`expand_elsewhere`]).
    fn expand_macro(&mut self, mac: &syn::Macro) -> bool {
        const MAX_EXPANSION_DEPTH: usize = 8;
        let segs: Vec<String> = mac
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let name = match segs.as_slice() {
            [n] => n,
            [k, n] if k == "crate" || k == "self" => n,
            _ => return false,
        };
        if self.expanding >= MAX_EXPANSION_DEPTH {
            return false;
        }
        let Some(def) = self.macro_defs.get(name).cloned() else {
            if !KNOWN_MACROS.contains(&name.as_str()) {
                // Printing a token stream is slow (every `quote!` of a derive crate is one);
                // the source text between the delimiters is the same tokens, when there is one.
                let tokens = if self.expanding == 0 {
                    let group = self
                        .source
                        .slice(self.source.byte_span(mac.delimiter.span().join()));
                    group
                        .get(1..group.len().saturating_sub(1))
                        .unwrap_or("")
                        .to_owned()
                } else {
                    mac.tokens.to_string()
                };
                self.out.macro_calls.push(MacroCall {
                    name: name.clone(),
                    tokens,
                    module: self.module.clone(),
                    base: self.base().to_owned(),
                    self_type: self.self_type.last().cloned(),
                    location: self.loc(mac.span()),
                });
            }
            return false;
        };
        let at = Location::from_syn(self.source, mac.span());
        self.expand_with(&def, name, &mac.tokens, at)
    }

    /// Walks the expansion of `name!` (defined by `def`) with `input`, every fact at `at`
    /// unless an outer expansion already pins them.
    fn expand_with(
        &mut self,
        def: &crate::analysis::macro_rules::MacroDef,
        name: &str,
        input: &TokenStream,
        at: Location,
    ) -> bool {
        let Some(tokens) = def.expand(input) else {
            return false;
        };
        let outer = self.override_loc;
        if outer.is_none() {
            self.override_loc = Some(at);
            self.expanding_name = Some(format!("{name}!"));
        }
        self.expanding += 1;
        self.walk_expansion(tokens);
        self.expanding -= 1;
        self.override_loc = outer;
        if outer.is_none() {
            self.expanding_name = None;
        }
        true
    }

    /// Walks expanded tokens as items, statements or an expression, whichever they parse as.
    fn walk_expansion(&mut self, tokens: TokenStream) {
        if let Ok(file) = syn::parse2::<syn::File>(tokens.clone()) {
            self.declare_items(&file.items);
            for item in &file.items {
                self.visit_item(item);
            }
            return;
        }
        if let Some(items) = impl_items(&tokens) {
            let ty_path = self
                .self_type
                .last()
                .cloned()
                .unwrap_or_else(|| format!("{}::_", self.base()));
            self.impl_items(&ty_path, &items);
            return;
        }
        if let Ok(stmts) = syn::parse::Parser::parse2(syn::Block::parse_within, tokens) {
            for s in &stmts {
                self.visit_stmt(s);
            }
        }
    }

    fn constant(&mut self, path: String, expr: &Expr) {
        if let Value::Name(value) = self.eval(expr)
            && !matches!(
                value,
                NameExpr::Unknown | NameExpr::Dynamic(_) | NameExpr::Slot(_)
            )
        {
            self.out.consts.push(ConstFact { path, value });
        }
        self.visit_expr(expr);
    }
}

impl Collector<'_> {
    /// The items of an `impl` block of the type at `ty_path` (already the current self type).
    fn impl_items(&mut self, ty_path: &str, items: &[syn::ImplItem]) {
        for item in items {
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
    }
}

/// Tokens that parse as the items of an `impl` block (`fn`s with `self`, associated consts).
fn impl_items(tokens: &TokenStream) -> Option<Vec<syn::ImplItem>> {
    let wrapped: TokenStream = [
        TokenTree::Ident(proc_macro2::Ident::new(
            "impl",
            proc_macro2::Span::call_site(),
        )),
        TokenTree::Ident(proc_macro2::Ident::new(
            "__X",
            proc_macro2::Span::call_site(),
        )),
        TokenTree::Group(proc_macro2::Group::new(Delimiter::Brace, tokens.clone())),
    ]
    .into_iter()
    .collect();
    syn::parse2::<syn::ItemImpl>(wrapped).ok().map(|i| i.items)
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

/// The slot a tuple constructor or pattern path names: `AuthData::FromEnv.0`, `Wrapper.0`;
/// `None` for a path that is not a constructor (`Some` and `Ok` unwrap instead).
fn constructor_slot(candidates: &[String], written: &syn::Path, index: usize) -> Option<String> {
    let last = written.segments.last()?.ident.to_string();
    let is_type = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().any(|c| c.is_ascii_lowercase())
    };
    if !(is_type(&last) || last == "Self") || matches!(last.as_str(), "Some" | "Ok" | "Err") {
        return None;
    }
    let full = candidates.first()?;
    let segs: Vec<&str> = full.split("::").collect();
    let key = match segs.as_slice() {
        [.., ty, variant] if is_type(ty) => format!("{ty}::{variant}"),
        [.., last] => (*last).to_owned(),
        [] => return None,
    };
    Some(format!("{key}.{index}"))
}

/// The named field an expression reads (`cfg.token_env`, `&self.key_env`): the expression
/// it is read from, and the field.
fn field_of(mut e: &Expr) -> Option<(&Expr, String)> {
    loop {
        match e {
            Expr::Reference(r) => e = &r.expr,
            Expr::Paren(p) => e = &p.expr,
            Expr::MethodCall(m)
                if m.args.is_empty() && CONVERSIONS.contains(&&*m.method.to_string()) =>
            {
                e = &m.receiver
            }
            Expr::Field(f) => {
                return match &f.member {
                    syn::Member::Named(m) => Some((&*f.base, m.to_string())),
                    syn::Member::Unnamed(_) => None,
                };
            }
            _ => return None,
        }
    }
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
