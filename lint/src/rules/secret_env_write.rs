//! `secret-env-write`: a secret is exported into a process environment.
//!
//! `std::env::set_var` and `.env(name, value)` calls come from [`crate::analysis::facts`] (which resolves
//! imports, renames, local bindings and constants); `.envs(..)` pairs are collected here, with
//! the file's `use` declarations resolved by [`Scopes`]. Names held in constants are settled by
//! the crate-wide join, so a constant in another file counts.

use std::collections::HashMap;

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

use crate::analysis::facts::Callee;
use crate::analysis::join::{CrateFacts, ParamMode, Question, QuestionKind};
use crate::analysis::matchers;
use crate::analysis::prefilter::{Needs, Triggers};
use crate::analysis::reads::{Arg, NameExpr};
use crate::analysis::scope::{Resolved, Scopes};
use crate::config::{NameKind, SecretName, Settings};
use crate::declare_rule;
use crate::finding::RuleMeta;
use crate::finding::{Finding, Location};
use crate::rules::context::FileContext;
use crate::rules::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a secret name exported into a process environment:
    /// `std::env::set_var(NAME, value)` (through any import or rename, also inside
    /// `unsafe { .. }` as edition 2024 requires), `Command::env(NAME, value)` (the method
    /// `.env` with two arguments, on `std::process::Command`, `tokio::process::Command` and
    /// look-alikes such as duct's and `assert_cmd`'s; clap's one-argument `Arg::env` is a
    /// read, not a write), `.envs(..)` over pairs whose names are visible (an array, slice,
    /// `vec!`, `HashMap::from([..])`, or a local collection filled with `insert`/`push`), and
    /// xshell's `Shell::set_var(NAME, value)`.
    ///
    /// A name is a secret when the inventory lists it as a sensitive secret (canonical name,
    /// alias or deprecated alias) or when it matches a secret name pattern (`*_API_KEY`,
    /// `*_TOKEN`, ...). Names are resolved through literals, `concat!`, local bindings and
    /// constants anywhere in the crate; a `format!` name is matched on its fixed part.
    /// Removing a variable (`remove_var`, `env_remove`, `env_clear`) is not flagged, nor is a
    /// non-sensitive managed setting of the inventory, nor a string literal written as the
    /// value (a test's placeholder; a real key pasted there is `hardcoded-secret`'s finding).
    ///
    /// ## Why is this bad?
    /// A process environment is not private to the code that wrote it. Every child process
    /// inherits it, including the ones that are not supposed to see that key: agent tools,
    /// MCP servers, shells, build scripts and plugins spawned later. It is readable from
    /// `/proc/<pid>/environ` by the same user, dumped by crash reporters and CI debug
    /// output, copied into telemetry and support bundles, and a child that logs or prints
    /// its environment (or hands it to a model as context) publishes the secret. Once
    /// exported, the value has left the resolver's boundary: no audit, no rotation, no
    /// redaction.
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn run_indexer(key: &str) -> std::io::Result<std::process::ExitStatus> {
    ///     std::process::Command::new("vox-indexer")
    ///         .env("OPENAI_API_KEY", key)
    ///         .status()
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// use std::io::Write;
    /// use std::process::{Command, Stdio};
    ///
    /// fn run_indexer() -> Result<std::process::ExitStatus, Box<dyn std::error::Error>> {
    ///     let key = vox_clavis::resolve(SecretId::OpenAiApiKey)?;
    ///     let mut child = Command::new("vox-indexer")
    ///         .arg("--api-key-stdin")
    ///         .stdin(Stdio::piped())
    ///         .spawn()?;
    ///     // The child reads the key from a pipe only it holds, once.
    ///     if let Some(mut stdin) = child.stdin.take() {
    ///         stdin.write_all(key.expose_secret().as_bytes())?;
    ///     }
    ///     Ok(child.wait()?)
    /// }
    /// ```
    ///
    /// A short-lived token scoped to the child's task, or a file descriptor passed to it,
    /// work as well. A name that is not a secret can be excluded with
    /// `[names] not-secret = ["NAME"]`.
    ///
    /// ## Options
    /// The rule has no options of its own; set its severity in `[rules.secret-env-write]` (see
    /// Configuration below).
    pub struct SecretEnvWrite {
        name: "secret-env-write",
        severity: Warning,
        summary: "a secret is exported into a process environment",
    }
}

const META: &RuleMeta = &SecretEnvWrite::META;

/// How deep local bindings and collection expressions are followed.
const MAX_DEPTH: usize = 8;

// How the writers are named in messages and identities.
const SET_VAR: &str = "std::env::set_var";
const SHELL_SET_VAR: &str = "Shell::set_var";
const COMMAND_ENV: &str = "Command::env";
const COMMAND_ENVS: &str = "Command::envs";

/// Which call writes an environment, and which of its arguments is the variable name.
fn writer(callee: &Callee, nargs: usize) -> Option<(&'static str, usize)> {
    if callee
        .candidates
        .iter()
        .any(|c| c == "std::env::set_var" || c == "core::env::set_var")
    {
        return Some((SET_VAR, 0));
    }
    if !callee.is_method {
        return None;
    }
    if callee.candidates.is_empty() {
        // A method call: `.env(name, value)`; one argument is clap's `Arg::env(name)`.
        return match (callee.name.as_str(), nargs) {
            ("env", 2) => Some((COMMAND_ENV, 0)),
            ("set_var", 2) => Some((SHELL_SET_VAR, 0)),
            _ => None,
        };
    }
    // `Command::env(&mut cmd, name, value)`.
    let command = callee
        .candidates
        .iter()
        .any(|c| c.ends_with("Command::env"));
    (command && nargs == 3).then_some((COMMAND_ENV, 1))
}

/// Where the writer puts the variable, for the message.
fn target(writer: &str) -> &'static str {
    if writer == SET_VAR || writer == SHELL_SET_VAR {
        "the environment every child process spawned later inherits"
    } else {
        "a child process's environment"
    }
}

/// The finding for exporting `name`, or `None` if it is not a secret.
fn finding(
    settings: &Settings,
    path: &str,
    location: Location,
    name: &str,
    template: bool,
    writer: &str,
) -> Option<Finding> {
    let into = target(writer);
    let (message, resolve) = if template {
        let pattern = settings.names.matching(name)?;
        (
            format!(
                "a secret-looking variable name built as `{name}` (matches `{pattern}`) is exported by `{writer}` into {into}"
            ),
            "resolve the secret with `vox_clavis::resolve(SecretId::..)` in the process that needs it".to_owned(),
        )
    } else {
        match settings.classify(name)? {
            SecretName::Inventory { spec, kind } => {
                if !spec.sensitive {
                    return None;
                }
                let named = match kind {
                    NameKind::Canonical => format!("secret `{name}`"),
                    other => format!(
                        "secret `{}` (as its {} `{name}`)",
                        spec.env,
                        other.describe()
                    ),
                };
                (
                    format!("{named} is exported by `{writer}` into {into}"),
                    format!(
                        "resolve it with `vox_clavis::resolve(SecretId::{})?` in the process that needs it",
                        spec.id
                    ),
                )
            }
            SecretName::Pattern { pattern } => (
                format!(
                    "`{name}` looks like a secret (matches `{pattern}`) and is exported by `{writer}` into {into}"
                ),
                "resolve it with `vox_clavis::resolve(SecretId::..)` in the process that needs it \
                 (if it is not a secret, list it in `[names] not-secret`)"
                    .to_owned(),
            ),
        }
    };
    Some(
        Finding::new(META.name, META.default_severity, path, location, message)
            .with_label(format!("exports `{name}`"))
            .with_help(format!(
                "hand the child the value through a resolver-scoped path instead of its \
                 environment (its stdin or a pipe, a file descriptor, a short-lived token scoped \
                 to its task): every child, `/proc/<pid>/environ` and crash reporters can read \
                 an environment; {resolve}"
            ))
            .with_identity(format!("{name}|{writer}")),
    )
}

/// Reports `arg` now if its name is known in this file, or asks the join.
fn settle(cx: &mut FileContext<'_>, writer: &'static str, arg: &Arg) {
    let path = &cx.source.display;
    match &arg.expr {
        NameExpr::Lit(name) => {
            if let Some(f) = finding(cx.settings, path, arg.location, name, false, writer) {
                cx.report(f);
            }
        }
        NameExpr::Format(t) => {
            if let Some(f) = finding(cx.settings, path, arg.location, t, true, writer) {
                cx.report(f);
            }
        }
        NameExpr::Const(_) | NameExpr::Concat(_) | NameExpr::Element(_) | NameExpr::Case(..) => {
            let q = Question {
                rule: META.name,
                path: path.clone(),
                location: arg.location,
                kind: QuestionKind::EnvRead {
                    reader: writer.to_owned(),
                    name: arg.clone(),
                },
            };
            cx.ask(q);
        }
        NameExpr::List(_) | NameExpr::Dynamic(_) | NameExpr::Slot(_) | NameExpr::Unknown => {}
    }
}

impl Rule for SecretEnvWrite {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn needs(&self) -> Needs {
        Needs::Facts
    }

    /// Exports spell `env` or `envs` as a word (`std::env::set_var`, `.env(..)`,
    /// `.envs(..)`), or xshell's `set_var`.
    fn triggers(&self, _settings: &Settings) -> Triggers {
        Triggers::any(["env"])
            .matching(r"(?i)\benvs?\b")
            .or(Triggers::any(["set_var"]))
    }

    fn check(&self, cx: &mut FileContext<'_>, file: &syn::File) {
        let facts = cx.facts;
        for call in &facts.calls {
            if let Some((writer, index)) = writer(&call.callee, call.args.len())
                && let Some(arg) = call.args.get(index)
                // A literal value is a placeholder, or a pasted key (`hardcoded-secret`'s).
                && !matches!(call.args.get(index + 1).map(|v| &v.expr), Some(NameExpr::Lit(_)))
            {
                settle(cx, writer, arg);
            }
        }
        if !cx.source.text.contains("envs") {
            return;
        }
        let module = infer_module(file, cx);
        let mut walker = EnvsWalker {
            cx,
            scopes: Scopes::default(),
            module,
            self_type: Vec::new(),
            frames: vec![HashMap::new()],
        };
        walker.scopes.push(true);
        walker.declare_items(&file.items);
        for item in &file.items {
            walker.visit_item(item);
        }
    }

    fn answer(
        &self,
        settings: &Settings,
        facts: &CrateFacts,
        q: &Question,
        out: &mut Vec<Finding>,
    ) {
        let QuestionKind::EnvRead { reader, name } = &q.kind else {
            return;
        };
        for r in facts.names(name, ParamMode::Name) {
            out.extend(finding(
                settings, &q.path, r.location, &r.name, r.template, reader,
            ));
        }
    }
}

/// The module path of the file (`crate::providers::github`), from where [`crate::analysis::facts`] put
/// its top-level functions and constants. `crate` when the file declares none.
fn infer_module(file: &syn::File, cx: &FileContext<'_>) -> Vec<String> {
    let mut paths: Vec<(&str, String)> = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Fn(f) => {
                let name = f.sig.ident.to_string();
                for fact in cx.facts.fns.iter().filter(|f| !f.is_method) {
                    paths.push((&fact.path, name.clone()));
                }
            }
            syn::Item::Const(syn::ItemConst { ident, .. })
            | syn::Item::Static(syn::ItemStatic { ident, .. }) => {
                for fact in &cx.facts.consts {
                    paths.push((&fact.path, ident.to_string()));
                }
            }
            syn::Item::Impl(i) => {
                let syn::Type::Path(ty) = &*i.self_ty else {
                    continue;
                };
                let Some(ty) = ty.path.segments.last() else {
                    continue;
                };
                let Some(method) = i.items.iter().find_map(|m| match m {
                    syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                    _ => None,
                }) else {
                    continue;
                };
                let name = format!("{}::{method}", ty.ident);
                for fact in cx.facts.fns.iter().filter(|f| f.is_method) {
                    paths.push((&fact.path, name.clone()));
                }
            }
            _ => {}
        }
    }
    paths
        .iter()
        .filter_map(|(path, name)| path.strip_suffix(name.as_str())?.strip_suffix("::"))
        .min_by_key(|m| m.len())
        .map_or_else(
            || vec!["crate".to_owned()],
            |m| m.split("::").map(str::to_owned).collect(),
        )
}

/// What a local variable was given, as far as `.envs(..)` is concerned.
#[derive(Clone, Copy)]
enum Bound<'ast> {
    /// `let x = <value>;` (a collection of pairs, or a name), `x.extend(<collection>)`.
    Value(&'ast Expr),
    /// `vars.push((name, value))`.
    Pair(&'ast Expr),
    /// `vars.insert(name, value)`.
    Key(&'ast Expr),
}

/// Finds `.envs(..)` calls and the names of the pairs they export.
struct EnvsWalker<'c, 'a, 'ast> {
    cx: &'c mut FileContext<'a>,
    scopes: Scopes,
    module: Vec<String>,
    self_type: Vec<String>,
    /// Local variables of each function being walked, innermost last.
    frames: Vec<HashMap<String, Vec<Bound<'ast>>>>,
}

impl<'ast> EnvsWalker<'_, '_, 'ast> {
    fn skip(&self, attrs: &[syn::Attribute]) -> bool {
        !self.cx.settings.scan.tests && attrs.iter().any(matchers::is_test_attr)
    }

    fn declare_items(&mut self, items: &[syn::Item]) {
        let base = self.module.join("::");
        for item in items {
            let ident = match item {
                syn::Item::Const(i) => &i.ident,
                syn::Item::Static(i) => &i.ident,
                syn::Item::Mod(i) => &i.ident,
                syn::Item::Struct(i) => &i.ident,
                syn::Item::Enum(i) => &i.ident,
                syn::Item::Trait(i) => &i.ident,
                syn::Item::Fn(i) => &i.sig.ident,
                _ => continue,
            };
            self.scopes
                .add_item(ident.to_string(), format!("{base}::{ident}"));
        }
        for _ in 0..2 {
            for item in items {
                if let syn::Item::Use(u) = item {
                    self.scopes
                        .add_use(&u.tree, u.leading_colon.is_some(), &self.module);
                }
            }
        }
    }

    fn frame(&mut self) -> &mut HashMap<String, Vec<Bound<'ast>>> {
        if self.frames.is_empty() {
            self.frames.push(HashMap::new());
        }
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    fn bound(&self, name: &str) -> Vec<Bound<'ast>> {
        self.frames
            .iter()
            .rev()
            .find_map(|f| f.get(name))
            .cloned()
            .unwrap_or_default()
    }

    fn function(&mut self, body: impl FnOnce(&mut Self)) {
        self.frames.push(HashMap::new());
        body(self);
        self.frames.pop();
    }

    /// The names of the pairs a collection expression yields.
    fn pairs(&self, expr: &Expr, out: &mut Vec<Arg>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let next = depth + 1;
        match expr {
            Expr::Reference(r) => self.pairs(&r.expr, out, next),
            Expr::Paren(p) => self.pairs(&p.expr, out, next),
            Expr::Group(g) => self.pairs(&g.expr, out, next),
            Expr::Array(a) => {
                for e in &a.elems {
                    self.pair(e, out, next);
                }
            }
            Expr::Macro(m) if m.mac.path.is_ident("vec") => {
                if let Some(elems) = matchers::macro_exprs(&m.mac.tokens) {
                    for e in &elems {
                        self.pair(e, out, next);
                    }
                }
            }
            Expr::MethodCall(m) => match m.method.to_string().as_str() {
                "iter" | "into_iter" | "clone" | "cloned" | "copied" | "to_vec" | "to_owned"
                | "collect" | "into" | "as_slice" | "as_ref" | "drain" => {
                    self.pairs(&m.receiver, out, next);
                }
                "chain" => {
                    self.pairs(&m.receiver, out, next);
                    for a in &m.args {
                        self.pairs(a, out, next);
                    }
                }
                _ => {}
            },
            // `HashMap::from([..])`, `BTreeMap::from_iter(..)`, `Vec::from(..)`,
            // `std::iter::once((name, value))`.
            Expr::Call(c) if c.args.len() == 1 => {
                let Expr::Path(p) = &*c.func else { return };
                let last = p.path.segments.last().map(|s| s.ident.to_string());
                match last.as_deref() {
                    Some("from" | "from_iter") => self.pairs(&c.args[0], out, next),
                    Some("once") => self.pair(&c.args[0], out, next),
                    _ => {}
                }
            }
            Expr::Path(p) if p.qself.is_none() => {
                let Some(ident) = p.path.get_ident() else {
                    return;
                };
                for b in self.bound(&ident.to_string()) {
                    match b {
                        Bound::Value(e) => self.pairs(e, out, next),
                        Bound::Pair(e) => self.pair(e, out, next),
                        Bound::Key(e) => out.extend(self.name(e, next)),
                    }
                }
            }
            _ => {}
        }
    }

    /// The name of one `(name, value)` pair.
    fn pair(&self, expr: &Expr, out: &mut Vec<Arg>, depth: usize) {
        match expr {
            Expr::Tuple(t) if t.elems.len() == 2 => out.extend(self.name(&t.elems[0], depth + 1)),
            Expr::Reference(r) => self.pair(&r.expr, out, depth + 1),
            Expr::Paren(p) => self.pair(&p.expr, out, depth + 1),
            _ => {}
        }
    }

    /// What a name expression stands for: a literal, `concat!` of literals, a local binding
    /// of one, or a constant (resolved by the join).
    fn name(&self, expr: &Expr, depth: usize) -> Option<Arg> {
        if depth > MAX_DEPTH {
            return None;
        }
        let location = self.cx.location(expr.span());
        let lit = |s: String| {
            Some(Arg {
                expr: NameExpr::Lit(s),
                location,
            })
        };
        match expr {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => lit(s.value()),
            Expr::Reference(r) => self.name(&r.expr, depth + 1),
            Expr::Paren(p) => self.name(&p.expr, depth + 1),
            Expr::Group(g) => self.name(&g.expr, depth + 1),
            Expr::MethodCall(m)
                if m.args.is_empty()
                    && matches!(
                        m.method.to_string().as_str(),
                        "to_string" | "to_owned" | "into" | "as_str" | "as_ref" | "clone"
                    ) =>
            {
                self.name(&m.receiver, depth + 1)
            }
            Expr::Call(c) if c.args.len() == 1 => {
                let Expr::Path(p) = &*c.func else { return None };
                let segs: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let wraps = segs.len() >= 2
                    && matches!(
                        (segs[segs.len() - 2].as_str(), segs[segs.len() - 1].as_str()),
                        ("String" | "OsString" | "Cow", "from") | ("OsStr", "new")
                    );
                if wraps {
                    self.name(&c.args[0], depth + 1)
                } else {
                    None
                }
            }
            Expr::Macro(m) if m.mac.path.is_ident("concat") => concat_literal(&m.mac).and_then(lit),
            Expr::Path(p) if p.qself.is_none() => {
                if let Some(ident) = p.path.get_ident() {
                    let bound = self.bound(&ident.to_string());
                    if let Some(Bound::Value(init)) = bound.last() {
                        return self.name(init, depth + 1);
                    }
                }
                let last = p.path.segments.last()?.ident.to_string();
                if !is_const_name(&last) {
                    return None;
                }
                let mut candidates = match self.scopes.resolve(
                    &p.path,
                    &self.module,
                    self.self_type.last().map(String::as_str),
                ) {
                    Resolved::Paths(c) => c,
                    Resolved::Local(_) => Vec::new(),
                };
                // Constants of this file, whatever module inference said.
                let written: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let suffix = format!("::{}", written.join("::"));
                for c in &self.cx.facts.consts {
                    if c.path.ends_with(&suffix) && !candidates.contains(&c.path) {
                        candidates.push(c.path.clone());
                    }
                }
                Some(Arg {
                    expr: NameExpr::Const(candidates),
                    location,
                })
            }
            _ => None,
        }
    }
}

impl<'ast> Visit<'ast> for EnvsWalker<'_, '_, 'ast> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            _ => &[],
        };
        if self.skip(attrs) {
            return;
        }
        visit::visit_item(self, item);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let Some((_, items)) = &m.content else {
            return;
        };
        self.module.push(m.ident.to_string());
        self.scopes.push(true);
        self.declare_items(items);
        for item in items {
            self.visit_item(item);
        }
        self.scopes.pop();
        self.module.pop();
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let ty = match &*i.self_ty {
            syn::Type::Path(p) => p
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default(),
            _ => "_".to_owned(),
        };
        self.self_type
            .push(format!("{}::{ty}", self.module.join("::")));
        for item in &i.items {
            if let syn::ImplItem::Fn(f) = item
                && !self.skip(&f.attrs)
            {
                self.function(|w| w.visit_block(&f.block));
            }
        }
        self.self_type.pop();
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function(|w| w.visit_block(&f.block));
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        let items: Vec<syn::Item> = b
            .stmts
            .iter()
            .filter_map(|s| match s {
                syn::Stmt::Item(i) => Some(i.clone()),
                _ => None,
            })
            .collect();
        self.scopes.push(false);
        self.declare_items(&items);
        for s in &b.stmts {
            self.visit_stmt(s);
        }
        self.scopes.pop();
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(init) = &l.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        let mut pat = &l.pat;
        while let Pat::Type(t) = pat {
            pat = &t.pat;
        }
        if let Pat::Ident(p) = pat {
            let bound = l
                .init
                .as_ref()
                .map(|i| vec![Bound::Value(&i.expr)])
                .unwrap_or_default();
            self.frame().insert(p.ident.to_string(), bound);
        }
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let method = m.method.to_string();
        let receiver = match &*m.receiver {
            Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
            _ => None,
        };
        if let Some(var) = receiver {
            let args: Vec<&'ast Expr> = m.args.iter().collect();
            let bound = match (method.as_str(), args.as_slice()) {
                ("insert", [k, _]) => Some(Bound::Key(k)),
                ("push" | "push_back", [pair]) => Some(Bound::Pair(pair)),
                ("extend", [collection]) => Some(Bound::Value(collection)),
                _ => None,
            };
            if let Some(b) = bound
                && let Some(list) = self.frames.iter_mut().rev().find_map(|f| f.get_mut(&var))
            {
                list.push(b);
            }
        }
        if method == "envs" && m.args.len() == 1 {
            let mut names = Vec::new();
            self.pairs(&m.args[0], &mut names, 0);
            for arg in &names {
                settle(self.cx, COMMAND_ENVS, arg);
            }
        }
        visit::visit_expr_method_call(self, m);
    }
}

/// `concat!` of literals (strings, characters, numbers, booleans, nested `concat!`).
fn concat_literal(mac: &syn::Macro) -> Option<String> {
    let args = matchers::macro_exprs(&mac.tokens)?;
    let mut s = String::new();
    for a in &args {
        match a {
            Expr::Lit(l) => match &l.lit {
                syn::Lit::Str(v) => s.push_str(&v.value()),
                syn::Lit::Char(c) => s.push(c.value()),
                syn::Lit::Int(i) => s.push_str(i.base10_digits()),
                syn::Lit::Bool(b) => s.push_str(if b.value { "true" } else { "false" }),
                _ => return None,
            },
            Expr::Macro(m) if m.mac.path.is_ident("concat") => s.push_str(&concat_literal(&m.mac)?),
            _ => return None,
        }
    }
    Some(s)
}

/// `SCREAMING_CASE`: how constants and statics are named.
fn is_const_name(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_uppercase()) && !s.chars().any(|c| c.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callee(candidates: &[&str], name: &str, is_method: bool) -> Callee {
        Callee {
            candidates: candidates.iter().map(|s| (*s).to_owned()).collect(),
            name: name.to_owned(),
            is_method,
        }
    }

    #[test]
    fn writers_and_their_name_argument() {
        assert_eq!(
            writer(&callee(&["std::env::set_var"], "set_var", false), 2),
            Some((SET_VAR, 0))
        );
        let either = callee(
            &["crate::util::set_var", "std::env::set_var"],
            "set_var",
            false,
        );
        assert_eq!(writer(&either, 2), Some((SET_VAR, 0)));
        assert_eq!(writer(&callee(&[], "env", true), 2), Some((COMMAND_ENV, 0)));
        // clap's `Arg::env(name)` reads.
        assert_eq!(writer(&callee(&[], "env", true), 1), None);
        assert_eq!(
            writer(&callee(&["std::process::Command::env"], "env", true), 3),
            Some((COMMAND_ENV, 1))
        );
        assert_eq!(
            writer(&callee(&[], "set_var", true), 2),
            Some((SHELL_SET_VAR, 0))
        );
        assert_eq!(
            writer(&callee(&["std::env::remove_var"], "remove_var", false), 1),
            None
        );
        assert_eq!(writer(&callee(&[], "env_remove", true), 1), None);
        assert_eq!(
            writer(&callee(&["crate::set_var"], "set_var", false), 2),
            None
        );
    }

    #[test]
    fn concat_of_literals() {
        let m: syn::Macro = syn::parse_quote!(concat!("GITHUB", "_", "TOKEN", 2, 'x', true));
        assert_eq!(concat_literal(&m).as_deref(), Some("GITHUB_TOKEN2xtrue"));
        let m: syn::Macro = syn::parse_quote!(concat!("A_", concat!("B", "_TOKEN")));
        assert_eq!(concat_literal(&m).as_deref(), Some("A_B_TOKEN"));
        let m: syn::Macro = syn::parse_quote!(concat!("A_", PREFIX));
        assert_eq!(concat_literal(&m), None);
    }
}
