//! `hardcoded-secret`: a credential is written in the source.
//!
//! Two tests, both over the decoded value of every string literal of the file (code, macro
//! bodies, attributes, doc comments; see [`crate::analysis::literals`]):
//! - a credential of a known format anywhere in the value ([`credentials::find`]);
//! - a high-entropy value ([`credentials::is_high_entropy`]) where the code says it is a
//!   credential: the places collected by [`Contexts`], and `Bearer`/`Basic` header values.
//!
//! Nothing of the value reaches a message, a label or an identity: only its kind and length.

use std::collections::HashMap;

use proc_macro2::{Spacing, TokenStream, TokenTree};
use syn::visit::{self, Visit};
use syn::{Expr, Lit, Member, Pat};

use crate::analysis::credentials;
use crate::analysis::literals::{self, StrLit};
use crate::analysis::matchers::{self, names_credential};
use crate::analysis::prefilter::{Needs, Triggers};
use crate::config::Settings;
use crate::declare_rule;
use crate::finding::RuleMeta;
use crate::rules::context::FileContext;
use crate::rules::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags credentials written in string literals, wherever the literal is (code, macro
    /// bodies, attributes, doc comments):
    ///
    /// - a key of a known format anywhere in a literal (`"Bearer sk-.."` too): OpenAI (`sk-`,
    ///   `sk-proj-`, `sk-svcacct-`, `sk-admin-`), Anthropic (`sk-ant-`), GitHub (`ghp_`, `gho_`,
    ///   `ghu_`, `ghs_`, `ghr_`, `github_pat_`), AWS access key IDs (`AKIA`, `ASIA`), Slack
    ///   (`xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `xoxs-`), Stripe secret and restricted keys in
    ///   live and test mode (`sk_live_`, `rk_live_`, `sk_test_`, `rk_test_`: a test-mode key
    ///   still opens the account's test data and settings), Google API keys (`AIza`), PEM
    ///   private keys with their body, and JSON Web Tokens;
    /// - a high-entropy string (16 to 256 characters of a token alphabet, letters and digits
    ///   mixed, not words, a path, a URL or a variable name) where the code says it is a
    ///   credential: assigned to a binding, field, constant or static whose name names one
    ///   (`api_key`, `token`, `password`, `client_secret`, but not `token_url` or
    ///   `secret_name`), passed to a method or constructor named like one (`.api_key(..)`,
    ///   `ApiKey::new(..)`, `.bearer_auth(..)`), paired with such a key (`("token", ..)`,
    ///   `.header("X-Api-Key", ..)`, `.env("API_TOKEN", ..)`, `json!({"password": ..})`),
    ///   compared with such a variable, or returned by a function named like one; and the
    ///   value of a `Bearer` or `Basic` authorization header anywhere.
    ///
    /// Placeholders are not findings: `sk-...`, `ghp_xxxx`, `<token>`, `your-api-key`,
    /// `changeme`, `${VAR}` and `{}` templates, values containing `EXAMPLE`, `dummy`, `fake`,
    /// `test` or `sample`, runs of one character and counting sequences (`12345678`).
    ///
    /// The message names the kind of credential and its length, never the value; every
    /// output format masks the value (and any other known-format key) in the source it shows.
    ///
    /// ## Why is this bad?
    /// A credential in the source is in every clone, fork, package, build cache and CI log of
    /// the repository, and in its history for good: deleting the line later does not take it
    /// back. Anyone who can read the code can use the key, and it cannot be rotated without a
    /// new release. Keys pasted "just for a quick test" are among the most common leaks, and
    /// scanners of public repositories find them within minutes.
    ///
    /// ## Example
    /// ```rust,ignore
    /// const OPENAI_API_KEY: &str = "sk-proj-\
    ///     Vox0Clavis1Docs2Only3Not4A5Real6Key7Qz8Wx9";
    ///
    /// fn client() -> Client {
    ///     Client::new(OPENAI_API_KEY)
    /// }
    /// ```
    ///
    /// ```rust,ignore
    /// fn database() -> DbConfig {
    ///     DbConfig { user: "bot", password: "q7Wm2xLr9Tz4Kp8N" }
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// fn client() -> Result<Client, vox_clavis::Error> {
    ///     let key = vox_clavis::resolve(SecretId::OpenAiApiKey)?;
    ///     Ok(Client::new(key.expose_secret()))
    /// }
    /// ```
    ///
    /// Then rotate the key at its provider: the old one is in the history, and must be
    /// considered public.
    ///
    /// ## Options
    /// The rule has no options of its own; set its severity in `[rules.hardcoded-secret]` (see
    /// Configuration below). Fixtures with deliberate fake keys are best left out with
    /// `[scan] exclude`; a single public test key can be allowed where it is written with
    /// `// vox-clavis-lint: allow(hardcoded-secret) -- reason`.
    pub struct HardcodedSecret {
        name: "hardcoded-secret",
        severity: Error,
        summary: "a credential is written in the source",
    }
}

const META: &RuleMeta = &HardcodedSecret::META;

const HELP: &str = "move it to the secret store and resolve it at run time with \
     `vox_clavis::resolve(SecretId::..)`; it is in the version history now, so rotate it too";

const DOC_HELP: &str = "remove it from the comment; it is in the version history (and any \
     published documentation) now, so rotate it";

impl Rule for HardcodedSecret {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn needs(&self) -> Needs {
        Needs::Tree
    }

    /// A known format's prefix; or a word that makes a name a credential's with a literal
    /// that starts with 16 characters of the token alphabet; or an authorization header value.
    fn triggers(&self, _settings: &Settings) -> Triggers {
        let words = matchers::CREDENTIAL_WORDS
            .iter()
            .chain(&["api", "bearer", "auth"]);
        Triggers::any(credentials::PREFIXES)
            .matching(credentials::KNOWN_PATTERN)
            // A whole literal in the alphabet `credentials::is_high_entropy` accepts, with the
            // digit it requires (a literal of 16 with a digit has 8 before or after the first
            // one); a header's scheme and a token (or Basic's base64) of the minimum length.
            .or(Triggers::any(words).matching(
                r#""(?:[A-Za-z0-9+/=_-]{8,}[0-9][A-Za-z0-9+/=_-]*|[A-Za-z+/=_-]*[0-9][A-Za-z0-9+/=_-]{8,})""#,
            ))
            .or(Triggers::any(["bearer", "basic"])
                .matching(r"Bearer [A-Za-z0-9+/=_-]{16}|Basic [A-Za-z0-9+/=]{16}"))
    }

    fn check(&self, cx: &mut FileContext<'_>, file: &syn::File) {
        let mut contexts = Contexts::default();
        contexts.visit_file(file);
        for lit in literals::string_literals(file) {
            let context = contexts.places.get(&position(lit.span));
            for f in findings(cx, &lit, context) {
                cx.report(f);
            }
        }
    }
}

/// Where a literal sits when the code says it is a credential.
#[derive(Clone, Debug)]
struct Place {
    /// The binding, field, method, key or function name (never the value).
    name: String,
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
    fn phrase(&self) -> String {
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

/// The findings for one literal: every known-format credential in it, or else one for a
/// high-entropy value in an authorization header or in a credential's place.
fn findings(
    cx: &FileContext<'_>,
    lit: &StrLit,
    place: Option<&Place>,
) -> Vec<crate::finding::Finding> {
    let in_doc = lit.attr.as_deref() == Some("doc");
    let location = cx.location(lit.span);
    let name = place.map_or("", |p| p.name.as_str());
    let finding = |what: &str, id: &str, len: usize| {
        let how = match place {
            Some(p) => p.phrase(),
            None if in_doc => "is written in a doc comment".to_owned(),
            None => "is written in the source".to_owned(),
        };
        cx.finding(META, location, format!("{what} ({len} characters) {how}"))
            .with_label(format!("{what}, {len} characters"))
            .with_help(if in_doc { DOC_HELP } else { HELP })
            .with_identity(format!("{id}|{name}"))
    };
    let known = credentials::find(&lit.value);
    if !known.is_empty() {
        return known
            .into_iter()
            .map(|m| {
                let len = lit.value[m.range].chars().count();
                finding(m.kind.describe(), m.kind.id(), len)
            })
            .collect();
    }
    if let Some((what, id, len)) = authorization(&lit.value) {
        return vec![finding(what, id, len)];
    }
    if place.is_some() && credentials::is_high_entropy(&lit.value) {
        let len = lit.value.chars().count();
        return vec![finding("a high-entropy string", "high-entropy", len)];
    }
    Vec::new()
}

/// A `Bearer <token>` or `Basic <credentials>` value anywhere in the literal, with a
/// high-entropy token or a strong password: (description, identity kind, length of the
/// token).
fn authorization(value: &str) -> Option<(&'static str, &'static str, usize)> {
    let token_after = |at: usize| {
        value[at..]
            .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ','))
            .next()
            .unwrap_or("")
    };
    for (at, scheme) in value.match_indices("Bearer ") {
        let token = token_after(at + scheme.len());
        if credentials::is_high_entropy(token) {
            return Some(("a bearer token", "bearer", token.len()));
        }
    }
    for (at, scheme) in value.match_indices("Basic ") {
        let token = token_after(at + scheme.len());
        let decoded = base64_decode(token).and_then(|b| String::from_utf8(b).ok());
        let password = decoded
            .as_deref()
            .and_then(|d| d.split_once(':'))
            .map(|(_, p)| p);
        if password.is_some_and(is_strong_password) {
            return Some(("HTTP Basic credentials", "basic", token.len()));
        }
    }
    None
}

/// A password that is not an example: 10 or more characters, no whitespace, three of lower
/// case, upper case, digits and symbols, not a placeholder (`Aladdin:open sesame`, RFC 7617's
/// example, is not one).
fn is_strong_password(p: &str) -> bool {
    let classes = [
        p.chars().any(char::is_lowercase),
        p.chars().any(char::is_uppercase),
        p.chars().any(|c| c.is_ascii_digit()),
        p.chars().any(|c| !c.is_alphanumeric()),
    ];
    p.chars().count() >= 10
        && !p.chars().any(char::is_whitespace)
        && classes.iter().filter(|&&c| c).count() >= 3
        && !credentials::is_placeholder(p)
}

/// Standard base64 (padding optional), or `None` if `s` is not base64.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A literal's key in [`Contexts::places`]: its start, as syn reports it.
fn position(span: proc_macro2::Span) -> (usize, usize) {
    let s = span.start();
    (s.line, s.column)
}

/// Last words of names that hold something about a credential rather than the credential
/// itself: `token_url`, `secret_name`, `api_key_env`, `password_hash`.
const NOT_A_VALUE: &[&str] = &[
    "env",
    "var",
    "vars",
    "name",
    "names",
    "id",
    "ids",
    "url",
    "urls",
    "uri",
    "endpoint",
    "path",
    "paths",
    "file",
    "files",
    "dir",
    "header",
    "headers",
    "field",
    "fields",
    "len",
    "length",
    "size",
    "prefix",
    "suffix",
    "type",
    "kind",
    "count",
    "hash",
    "digest",
    "regex",
    "pattern",
    "label",
    "format",
    "template",
    "hint",
    "help",
    "description",
    "message",
    "msg",
    "error",
    "arg",
    "flag",
    "option",
    "source",
    "provider",
    "store",
    "manager",
    "client",
    "service",
    "cache",
    "limit",
    "timeout",
    "ttl",
    "expiry",
    "version",
    "policy",
    "mode",
    "scope",
    "scopes",
    "mask",
    "index",
    "offset",
];

/// Whether a binding, field, key or function name holds a credential's value: it names a
/// credential ([`names_credential`]) and does not end in a word such as `url` or `name`.
fn names_secret_value(name: &str) -> bool {
    if name.is_empty() || name.len() > 64 || !names_credential(name) {
        return false;
    }
    let last = last_word(name);
    !NOT_A_VALUE.contains(&last.as_str())
}

/// The last word of `apiKeyEnv`, `API_KEY_ENV`, `x-api-key`, lower-cased.
fn last_word(name: &str) -> String {
    let name = name.trim_end_matches(['_', '-']);
    let mut start = 0;
    let mut prev_lower = false;
    for (i, c) in name.char_indices() {
        if c == '_' || c == '-' {
            start = i + 1;
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            start = i;
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    name[start..].to_ascii_lowercase()
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
struct Contexts {
    places: HashMap<(usize, usize), Place>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_names() {
        for yes in [
            "api_key",
            "token",
            "API_TOKEN",
            "client_secret",
            "password",
            "accessToken",
            "X-Api-Key",
            "with_api_key",
        ] {
            assert!(names_secret_value(yes), "{yes}");
        }
        for no in [
            "token_url",
            "secret_name",
            "api_key_env",
            "password_hash",
            "tokenType",
            "max_tokens",
            "key",
            "",
        ] {
            assert!(!names_secret_value(no), "{no}");
        }
    }

    #[test]
    fn last_words() {
        assert_eq!(last_word("apiKeyEnv"), "env");
        assert_eq!(last_word("API_KEY_ENV"), "env");
        assert_eq!(last_word("x-api-key"), "key");
        assert_eq!(last_word("token_"), "token");
        assert_eq!(last_word("tökenName"), "name");
    }

    #[test]
    fn authorization_values() {
        // Not named like a credential, so the linter does not flag this test.
        let random = "Q7wE2rT9yU4iO1pA6sD3";
        assert_eq!(
            authorization(&format!("Bearer {random}")),
            Some(("a bearer token", "bearer", 20))
        );
        assert_eq!(
            authorization(&format!("Authorization: Bearer {random}, x")).map(|a| a.2),
            Some(20)
        );
        assert_eq!(authorization("Bearer {token}"), None);
        assert_eq!(authorization("Bearer "), None);
        // `user:pass`, and RFC 7617's `Aladdin:open sesame`: examples.
        assert_eq!(authorization("Basic dXNlcjpwYXNz"), None);
        assert_eq!(authorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), None);
        // `deploy:Xk7#mQ2vLp9w`, glued so that this file holds no such header literal.
        let strong = format!("{} {}{}", "Basic", "ZGVwbG95Olhr", "NyNtUTJ2THA5dw==");
        assert_eq!(authorization(&strong).map(|a| a.1), Some("basic"));
        assert_eq!(base64_decode("ZGVwbG95"), Some(b"deploy".to_vec()));
        assert_eq!(base64_decode("a b"), None);
    }
}
