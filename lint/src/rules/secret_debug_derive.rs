//! `secret-debug-derive`: a type deriving `Debug` holds a secret in a plain field.
//!
//! Purely syntactic and per file: a struct or enum whose derives include `Debug` (also through
//! `cfg_attr`, a path such as `derive_more::Debug`, or `#[derivative(Debug)]`/`#[educe(Debug)]`)
//! and a field whose *name* says it holds a credential ([`secret_field_name`]) and whose *type*
//! prints its contents ([`plain_type`]).

use std::collections::HashMap;

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use crate::analysis::matchers;
use crate::analysis::prefilter::{Needs, Triggers};
use crate::config::Settings;
use crate::declare_rule;
use crate::finding::Location;
use crate::finding::RuleMeta;
use crate::input::source::ByteSpan;
use crate::rules::context::FileContext;
use crate::rules::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a field of a struct or enum variant that derives `Debug` when the field's name
    /// says it holds a credential (`api_key`, `token`, `access_token`, `client_secret`,
    /// `password`, `private_key`, `authorization`, `credentials`, `database_url`, ...) and its
    /// type prints its contents: `String`, `&str`, `Box<str>`, `Arc<str>`, `Cow<str>`,
    /// `OsString`, `Vec<u8>`, `[u8; N]`, `Zeroizing<String>`, and `Option`, `Box`, `Rc`,
    /// `Arc`, `RefCell`, `Mutex`, `Vec`, tuples or map values of those (also through a
    /// `type` alias declared in the same file). A field named like a sensitive secret of the inventory
    /// (`vox_db_password` for `VOX_DB_PASSWORD`) counts too. A tuple struct or variant is
    /// judged by its own name: `struct ApiKey(String)`, `Auth::Bearer(String)`. Shared and
    /// small-string types count as strings: `Arc<str>`, `Rc<str>`, `Box<str>`, `Cow<'_, str>`,
    /// `SmolStr`, `CompactString`, `EcoString`, `ArcStr`, `KString`, `FlexStr`, `HipStr`,
    /// `ImString`, `SharedString`. Types declared inside macro
    /// invocations are checked, and so are those a `macro_rules!` body declares (each
    /// `$name` read as the identifier `name`), whatever the macro is invoked with.
    ///
    /// Names are split into words (`apiKey`, `API_KEY`, `api_key` alike) and judged by their
    /// last word, the thing the field *is*: `token_count`, `max_tokens`, `token_url`,
    /// `auth_url`, `key_id`, `secret_name`, `token_env`, `api_key_var`, `password_file` name a
    /// number, a URL, an identifier, the name of a variable or a path, not a credential, and
    /// are not flagged. Neither are `public_key`, `hashed_password`, pagination and tokenizer
    /// tokens (`next_page_token`, `eos_token`), a bare `key`, a bare `token` in a parser's
    /// type (`ParseError::Unexpected { token: &str }`), nor a tuple struct named just
    /// `Token`.
    ///
    /// Not flagged: types that derive `vox_clavis::Redact` (which prints `#[secret]` fields as
    /// `[REDACTED]`), fields whose type already redacts itself (`SecretString`,
    /// `Secret<..>`, `ResolvedSecret`, or any type not listed above), fields with a
    /// field-level `Debug` customisation (`#[debug(skip)]` of derive_more,
    /// `#[derivative(Debug = "ignore")]`, `#[educe(Debug(ignore))]`), types that derive
    /// `Debug` only in test builds (`#[cfg_attr(test, derive(Debug))]`), and, with
    /// `[scan] tests = false`, test code.
    ///
    /// ## Why is this bad?
    /// A derived `Debug` prints every field verbatim. Debug output is what ends up in logs
    /// (`tracing::debug!(?config)`), panic and error messages (`unwrap()` on a `Result`
    /// whose error holds the struct), crash dumps and telemetry, test failure output, and,
    /// when an agent or an MCP server formats a value for a model's context, in a
    /// transcript that leaves the process. One `{:?}` of a configuration struct publishes
    /// every key it holds.
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[derive(Debug, Clone)]
    /// pub struct OpenAiConfig {
    ///     pub base_url: String,
    ///     pub api_key: String,
    ///     pub max_tokens: u32,
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// #[derive(Debug, Clone)]
    /// pub struct OpenAiConfig {
    ///     pub base_url: String,
    ///     /// From `vox_clavis::resolve(SecretId::OpenAiApiKey)?`; `Debug` prints `[REDACTED]`,
    ///     /// the value is only reachable through `.expose_secret()`.
    ///     pub api_key: vox_clavis::ResolvedSecret,
    ///     pub max_tokens: u32,
    /// }
    /// ```
    ///
    /// Or derive the redacting `Debug` and mark the field:
    /// ```rust,ignore
    /// #[derive(vox_clavis::Redact, Clone)]
    /// pub struct OpenAiConfig {
    ///     pub base_url: String,
    ///     #[secret]
    ///     pub api_key: String,
    /// }
    /// ```
    ///
    /// ## Options
    /// The rule has no options of its own; set its severity in `[rules.secret-debug-derive]` (see
    /// Configuration below).
    pub struct SecretDebugDerive {
        name: "secret-debug-derive",
        severity: Warning,
        summary: "a type deriving `Debug` holds a secret in a plain field",
    }
}

const META: &RuleMeta = &SecretDebugDerive::META;

/// How deep `type` aliases and wrappers are followed.
const MAX_DEPTH: usize = 8;

impl Rule for SecretDebugDerive {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn needs(&self) -> Needs {
        Needs::Tree
    }

    /// `Debug`, and a name whose last word (before [`VALUE_SUFFIXES`] and digits) is a head
    /// noun, after one of its qualifiers where it needs one ([`secret_words`]), or an
    /// inventory name.
    fn triggers(&self, settings: &Settings) -> Triggers {
        let debug = || vec!["Debug".to_owned()];
        let alt = |list: &[&str]| list.join("|");
        // What may follow the head within the identifier (`token_value`, `apiKey2`), and
        // after it: a field's `:`, a tuple struct's or variant's `(` or `<`.
        let tail = format!(
            r"(?:_?(?:{}|[0-9]+))*\b\s*(?::(?:[^:]|$)|[(<])",
            alt(VALUE_SUFFIXES)
        );
        let qualified = |head: &[&str], qualifiers: &[&str]| {
            Triggers::all([debug(), head.iter().map(|h| (*h).to_owned()).collect()]).matching(
                &format!(r"(?i)(?:{})[0-9_]*(?:{}){tail}", alt(qualifiers), alt(head)),
            )
        };
        let inventory: Vec<String> = settings
            .inventory
            .specs()
            .iter()
            .flat_map(|s| s.names())
            .map(|(n, _)| n.to_owned())
            .collect();
        Triggers::all([
            debug(),
            SECRET_HEADS.iter().map(|h| (*h).to_owned()).collect(),
        ])
        .matching(&format!(r"(?i)(?:{}){tail}", alt(SECRET_HEADS)))
        .or(Triggers::all([debug(), inventory]))
        .or(qualified(&["key", "keys"], KEY_QUALIFIERS))
        .or(qualified(&["tokens"], TOKENS_QUALIFIERS))
        .or(qualified(&["header"], &["auth", "authorization"]))
        .or(qualified(&["url", "uri"], &["database", "webhook"]))
        .or(qualified(&["string"], &["connection"]))
    }

    fn check(&self, cx: &mut FileContext<'_>, file: &syn::File) {
        let mut aliases = Aliases::default();
        aliases.visit_file(file);
        let mut walker = Walker {
            cx,
            aliases: aliases.0,
            depth: 0,
        };
        walker.visit_file(file);
    }
}

/// `type Name = Ty;` declared anywhere in the file (without generics).
#[derive(Default)]
struct Aliases(HashMap<String, syn::Type>);

impl<'ast> Visit<'ast> for Aliases {
    fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
        if t.generics.params.is_empty() {
            self.0.insert(t.ident.to_string(), (*t.ty).clone());
        }
    }
}

struct Walker<'c, 'a> {
    cx: &'c mut FileContext<'a>,
    aliases: HashMap<String, syn::Type>,
    /// Nesting of macro bodies parsed as items.
    depth: usize,
}

impl<'ast> Visit<'ast> for Walker<'_, '_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            _ => &[],
        };
        if !self.cx.settings.scan.tests && attrs.iter().any(matchers::is_test_attr) {
            return;
        }
        visit::visit_item(self, item);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !self.cx.settings.scan.tests && f.attrs.iter().any(matchers::is_test_attr) {
            return;
        }
        visit::visit_impl_item_fn(self, f);
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        if let Some(derive) = debug_derive(&s.attrs) {
            let owner = s.ident.to_string();
            self.fields(&owner, None, &s.fields, derive);
        }
        visit::visit_item_struct(self, s);
    }

    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        if let Some(derive) = debug_derive(&e.attrs) {
            let owner = e.ident.to_string();
            for v in &e.variants {
                if custom_format(&v.attrs) {
                    continue;
                }
                self.fields(&owner, Some(&v.ident.to_string()), &v.fields, derive);
            }
        }
        visit::visit_item_enum(self, e);
    }

    /// Items written inside macro invocations (`cfg_if!`, `bitflags!`-style wrappers) and
    /// declared by `macro_rules!` bodies (with each `$name` read as the identifier `name`).
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        if mac.path.is_ident("macro_rules") {
            for body in crate::analysis::macro_rules::bodies(&mac.tokens) {
                if let Ok(file) = syn::parse2::<syn::File>(body) {
                    self.depth += 1;
                    for item in &file.items {
                        self.visit_item(item);
                    }
                    self.depth -= 1;
                }
            }
            return;
        }
        // Only bodies that declare a type are worth parsing as items.
        let declares = mac
            .tokens
            .clone()
            .into_iter()
            .any(|t| matches!(&t, TokenTree::Ident(i) if i == "struct" || i == "enum"));
        if !declares {
            return;
        }
        if let Ok(file) = syn::parse2::<syn::File>(mac.tokens.clone()) {
            if file.items.is_empty() {
                return;
            }
            self.depth += 1;
            for item in &file.items {
                self.visit_item(item);
            }
            self.depth -= 1;
        }
    }
}

impl Walker<'_, '_> {
    /// Checks the fields of a struct (`variant` `None`) or of one enum variant.
    fn fields(
        &mut self,
        owner: &str,
        variant: Option<&str>,
        fields: &syn::Fields,
        derive: proc_macro2::Span,
    ) {
        let tuple_secret = match fields {
            syn::Fields::Unnamed(_) => match variant {
                Some(v) => secret_variant_name(owner, v),
                None => secret_type_name(owner),
            },
            _ => false,
        };
        let shown_owner = match variant {
            Some(v) => format!("{owner}::{v}"),
            None => owner.to_owned(),
        };
        for (index, field) in fields.iter().enumerate() {
            if customises_debug(&field.attrs) {
                continue;
            }
            let (name, secret) = match &field.ident {
                Some(ident) => {
                    let name = ident.to_string();
                    let name = name.trim_start_matches("r#").to_owned();
                    let secret = (secret_field_name(&name) && !lexer_token(&name, owner, variant))
                        || self.inventory_name(&name);
                    (name, secret)
                }
                None => (index.to_string(), tuple_secret),
            };
            if !secret || !plain_type(&field.ty, &self.aliases, 0) {
                continue;
            }
            self.report(&shown_owner, &name, field, derive);
        }
    }

    /// A field named like a sensitive inventory entry (`vox_db_password` for
    /// `VOX_DB_PASSWORD`).
    fn inventory_name(&self, name: &str) -> bool {
        // Multi-word names only: a one-word field (`path`, `debug`) says too little.
        name.contains('_')
            && self
                .cx
                .settings
                .inventory
                .lookup(&name.to_ascii_uppercase())
                .is_some_and(|(spec, _)| spec.sensitive)
    }

    fn report(&mut self, owner: &str, name: &str, field: &syn::Field, derive: proc_macro2::Span) {
        let source = self.cx.source;
        let ty_span = source.byte_span(field.ty.span());
        let start = match &field.ident {
            Some(ident) => source.byte_span(ident.span()).start,
            None => ty_span.start,
        };
        let span = ByteSpan {
            start: start.min(ty_span.end),
            end: ty_span.end,
        };
        let ty = source
            .slice(ty_span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let ty = if ty.is_empty() {
            "plain".to_owned()
        } else {
            ty
        };
        let what = match &field.ident {
            Some(_) => format!("the secret-looking field `{name}`"),
            None => "its secret-looking value".to_owned(),
        };
        let message = format!(
            "`{owner}` derives `Debug` and holds {what} as a plain `{ty}`: `{{:?}}` prints it in full"
        );
        let finding = self
            .cx
            .finding(META, Location::of(source, span), message)
            .with_label(format!("printed verbatim by the derived `Debug` (`{ty}`)"))
            .with_related(self.cx.location(derive), "`Debug` derived here")
            .with_help(
                "hold the value as `secrecy::SecretString` or `vox_clavis::ResolvedSecret` \
                 (their `Debug` prints `[REDACTED]`, the value is read with `.expose_secret()`), \
                 or derive `vox_clavis::Redact` instead of `Debug` and mark the field `#[secret]`",
            )
            .with_identity(format!("{owner}.{name}"));
        self.cx.report(finding);
    }
}

/// The span of the attribute that derives `Debug`, unless the type redacts its output.
fn debug_derive(attrs: &[syn::Attribute]) -> Option<proc_macro2::Span> {
    if matchers::derives(attrs, "Redact") || custom_format(attrs) {
        return None;
    }
    attrs
        .iter()
        .filter(|a| !test_only(a))
        .find(|a| {
            matchers::derives(std::slice::from_ref(a), "Debug")
                || ["derivative", "educe"].iter().any(|helper| {
                    matchers::attr_lists(std::slice::from_ref(a), helper)
                        .iter()
                        .any(|m| meta_mentions(m, "Debug"))
                })
        })
        .map(|a| a.span())
}

/// `#[cfg_attr(test, ..)]`: what it derives exists only in test builds.
fn test_only(attr: &syn::Attribute) -> bool {
    if !attr.path().is_ident("cfg_attr") {
        return false;
    }
    let Ok(metas) = attr.parse_args_with(
        syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
    ) else {
        return false;
    };
    match metas.first() {
        Some(syn::Meta::Path(p)) => p.is_ident("test"),
        Some(syn::Meta::List(l)) if l.path.is_ident("all") => tokens_mention(&l.tokens, "test"),
        _ => false,
    }
}

/// derive_more's `#[debug("format", ..)]` on a type or variant: its output is written by hand.
fn custom_format(attrs: &[syn::Attribute]) -> bool {
    matchers::attr_lists(attrs, "debug")
        .iter()
        .any(|m| match m {
            syn::Meta::List(list) => {
                matches!(
                    list.tokens.clone().into_iter().next(),
                    Some(TokenTree::Literal(_))
                )
            }
            _ => false,
        })
}

/// A field-level `Debug` customisation: derive_more's `#[debug(skip)]`, `#[debug(ignore)]`,
/// `#[debug("..")]`, `#[derivative(Debug = "ignore")]`, `#[derivative(Debug(format_with =
/// ..))]`, `#[educe(Debug(ignore))]`.
fn customises_debug(attrs: &[syn::Attribute]) -> bool {
    if !matchers::attr_lists(attrs, "debug").is_empty() {
        return true;
    }
    ["derivative", "educe"].iter().any(|helper| {
        matchers::attr_lists(attrs, helper).iter().any(|m| {
            let syn::Meta::List(list) = m else {
                return false;
            };
            // `Debug = "ignore"`, `Debug(ignore)`, `Debug(format_with = ..)`, not `Debug`.
            let tts: Vec<TokenTree> = list.tokens.clone().into_iter().collect();
            tts.windows(2).any(|w| {
                matches!(&w[0], TokenTree::Ident(i) if i == "Debug")
                    && match &w[1] {
                        TokenTree::Punct(p) => p.as_char() == '=',
                        TokenTree::Group(g) => !g.stream().is_empty(),
                        _ => false,
                    }
            })
        })
    })
}

fn meta_mentions(meta: &syn::Meta, ident: &str) -> bool {
    match meta {
        syn::Meta::List(list) => tokens_mention(&list.tokens, ident),
        _ => false,
    }
}

fn tokens_mention(tokens: &TokenStream, ident: &str) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == ident,
        TokenTree::Group(g) => tokens_mention(&g.stream(), ident),
        _ => false,
    })
}

/// The words of an identifier, lowercase: `apiKey`, `API_KEY`, `api_key` -> `api`, `key`.
/// Numbers are dropped (`api_key_2`, `token2` -> `token`).
fn words(ident: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    let mut flush = |cur: &mut String| {
        let w = cur.trim_end_matches(|c: char| c.is_ascii_digit());
        if !w.is_empty() {
            words.push(w.to_owned());
        }
        cur.clear();
    };
    for c in ident.chars() {
        if !c.is_alphanumeric() {
            flush(&mut cur);
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            flush(&mut cur);
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    flush(&mut cur);
    words
}

/// Words after the head noun that still mean "the value itself": `token_value`,
/// `private_key_pem`, `password_confirmation`.
const VALUE_SUFFIXES: &[&str] = &[
    "value",
    "raw",
    "plain",
    "plaintext",
    "str",
    "bytes",
    "b",
    "base",
    "hex",
    "pem",
    "der",
    "confirmation",
    "confirm",
    "override",
    "fallback",
];

/// Head nouns that are a credential on their own.
const SECRET_HEADS: &[&str] = &[
    "token",
    "secret",
    "secrets",
    "password",
    "passwords",
    "passwd",
    "passphrase",
    "apikey",
    "credential",
    "credentials",
    "creds",
    "bearer",
    "auth",
    "authorization",
    "dsn",
    "privkey",
];

/// `<qualifier>_key`: keys that are credentials (`idempotency_key`, `sort_key` are not).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "secret",
    "private",
    "access",
    "signing",
    "encryption",
    "master",
    "hmac",
    "auth",
    "session",
    "ssh",
    "deploy",
    "license",
    "client",
    "webhook",
    "service",
];

/// `<qualifier>_tokens`: lists of credentials (`max_tokens`, `stop_tokens` are not).
const TOKENS_QUALIFIERS: &[&str] = &[
    "access", "api", "auth", "bearer", "refresh", "session", "oauth", "id",
];

/// A word before the head noun that makes it something else: `public_key`,
/// `hashed_password`, `next_page_token`, tokenizer special tokens (`eos_token`).
const NEGATING_QUALIFIERS: &[&str] = &[
    "not",
    "non",
    "public",
    "hashed",
    "hash",
    "encrypted",
    "masked",
    "redacted",
    "obfuscated",
    "page",
    "pagination",
    "continuation",
    "cursor",
    "next",
    "sync",
    "cancel",
    "cancellation",
    "bos",
    "eos",
    "pad",
    "unk",
    "sep",
    "cls",
    "mask",
    "special",
    "stop",
    "eot",
    "sot",
    "max",
    "min",
    "num",
];

/// Whether a field name says the field holds a credential's value (see the rule's docs).
fn secret_field_name(ident: &str) -> bool {
    secret_words(&words(ident))
}

fn secret_words(words: &[String]) -> bool {
    let mut w: Vec<&str> = words.iter().map(String::as_str).collect();
    while w.len() > 1 && w.last().is_some_and(|l| VALUE_SUFFIXES.contains(l)) {
        w.pop();
    }
    let Some((&head, before)) = w.split_last() else {
        return false;
    };
    let prev = before.last().copied();
    if prev.is_some_and(|p| NEGATING_QUALIFIERS.contains(&p)) {
        return false;
    }
    let prev_is = |set: &[&str]| prev.is_some_and(|p| set.contains(&p));
    match head {
        h if SECRET_HEADS.contains(&h) => true,
        "key" | "keys" => prev_is(KEY_QUALIFIERS),
        "tokens" => prev_is(TOKENS_QUALIFIERS),
        "header" => prev_is(&["auth", "authorization"]),
        "url" | "uri" => prev_is(&["database", "webhook"]),
        "string" => prev_is(&["connection"]),
        _ => false,
    }
}

/// Words of a type or variant name that place a bare `token` field in a parser: the
/// `token` of `ParseError::Unexpected { token: &str }` is a lexeme, not a credential.
const PARSER_WORDS: &[&str] = &[
    "lexer",
    "lex",
    "lexeme",
    "parser",
    "parse",
    "syntax",
    "grammar",
    "tokenizer",
    "unexpected",
    "expected",
];

/// A bare `token` field of a parser's type or error.
fn lexer_token(field: &str, owner: &str, variant: Option<&str>) -> bool {
    if words(field) != ["token"] {
        return false;
    }
    let mut names = words(owner);
    names.extend(variant.map(words).unwrap_or_default());
    names.iter().any(|w| PARSER_WORDS.contains(&w.as_str()))
}

/// A tuple struct named for a credential: `ApiKey(String)`, `BearerToken(String)`. A bare
/// `Token` is not enough (lexers have those).
fn secret_type_name(name: &str) -> bool {
    let w = words(name);
    secret_words(&w) && w != ["token"]
}

/// A tuple variant named for a credential: `Auth::Bearer(String)`, `Credential::ApiKey(..)`;
/// a bare `Token` variant only in an enum whose own name is about credentials.
fn secret_variant_name(owner: &str, variant: &str) -> bool {
    let w = words(variant);
    if w == ["token"] {
        return words(owner).iter().any(|o| {
            matches!(
                o.as_str(),
                "auth" | "authorization" | "credential" | "credentials" | "secret" | "secrets"
            )
        });
    }
    secret_words(&w)
}

/// Types whose `Debug` prints a string or bytes as they are.
const PLAIN_LEAVES: &[&str] = &[
    "String",
    "str",
    "OsString",
    "OsStr",
    "SmolStr",
    "CompactString",
    "EcoString",
    "ArcStr",
    "KString",
    "FlexStr",
    "HipStr",
    "ImString",
    "SharedString",
    "Bytes",
    "BytesMut",
    "Url",
    "Uri",
];

/// Types whose `Debug` prints their (first) type argument.
const TRANSPARENT_WRAPPERS: &[&str] = &[
    "Option",
    "Box",
    "Rc",
    "Arc",
    "Cow",
    "RefCell",
    "Cell",
    "Mutex",
    "RwLock",
    "OnceCell",
    "OnceLock",
    "Zeroizing",
    "ManuallyDrop",
    "Pin",
];

/// Collections whose `Debug` prints their elements.
const SEQUENCES: &[&str] = &[
    "Vec", "VecDeque", "HashSet", "BTreeSet", "IndexSet", "SmallVec",
];

/// Maps whose `Debug` prints their values.
const MAPS: &[&str] = &["HashMap", "BTreeMap", "IndexMap"];

/// Whether `ty` prints its contents with `Debug`: a string or byte type, or one of those in a
/// transparent wrapper or collection.
fn plain_type(ty: &syn::Type, aliases: &HashMap<String, syn::Type>, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let next = |t: &syn::Type| plain_type(t, aliases, depth + 1);
    match ty {
        syn::Type::Reference(r) => next(&r.elem),
        syn::Type::Paren(p) => next(&p.elem),
        syn::Type::Group(g) => next(&g.elem),
        syn::Type::Slice(s) => is_u8(&s.elem) || next(&s.elem),
        syn::Type::Array(a) => is_u8(&a.elem) || next(&a.elem),
        syn::Type::Tuple(t) => t.elems.iter().any(next),
        syn::Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            let name = last.ident.to_string();
            let args: Vec<&syn::Type> = match &last.arguments {
                syn::PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|a| match a {
                        syn::GenericArgument::Type(t) => Some(t),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            if p.path.segments.len() == 1
                && args.is_empty()
                && let Some(aliased) = aliases.get(&name)
            {
                return next(aliased);
            }
            let n = name.as_str();
            if PLAIN_LEAVES.contains(&n) {
                return true;
            }
            if n == "Value" {
                let segs = &p.path.segments;
                return segs.len() >= 2 && segs[segs.len() - 2].ident == "serde_json";
            }
            if TRANSPARENT_WRAPPERS.contains(&n) {
                return args.first().is_some_and(|t| next(t));
            }
            if SEQUENCES.contains(&n) {
                return args.first().is_some_and(|t| is_u8(t) || next(t));
            }
            if MAPS.contains(&n) {
                return args.get(1).is_some_and(|t| next(t));
            }
            false
        }
        _ => false,
    }
}

fn is_u8(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("u8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_every_case() {
        assert_eq!(words("apiKey"), ["api", "key"]);
        assert_eq!(words("API_KEY"), ["api", "key"]);
        assert_eq!(words("api_key_2"), ["api", "key"]);
        assert_eq!(words("token2"), ["token"]);
        assert_eq!(words("OAuthToken"), ["oauth", "token"]);
        assert_eq!(words("private_key_b64"), ["private", "key", "b"]);
        assert!(words("").is_empty());
        assert!(words("__").is_empty());
    }

    #[test]
    fn secret_field_names() {
        for yes in [
            "api_key",
            "apiKey",
            "apikey",
            "token",
            "access_token",
            "refresh_token",
            "id_token",
            "auth_token",
            "secret",
            "client_secret",
            "webhook_secret",
            "token_secret",
            "password",
            "db_password",
            "new_password",
            "password_confirmation",
            "passwd",
            "passphrase",
            "private_key",
            "private_key_pem",
            "secret_key",
            "aws_secret_access_key",
            "signing_key",
            "auth",
            "basic_auth",
            "authorization",
            "auth_header",
            "credentials",
            "credential",
            "bearer",
            "dsn",
            "sentry_dsn",
            "database_url",
            "webhook_url",
            "connection_string",
            "api_keys",
            "access_tokens",
            "token_value",
            "raw_token",
            "api_key_2",
            "Token",
            "GITHUB_TOKEN",
        ] {
            assert!(secret_field_name(yes), "{yes} should be secret");
        }
        for no in [
            "max_tokens",
            "tokens",
            "stop_tokens",
            "token_budget",
            "token_count",
            "token_limit",
            "token_type",
            "token_url",
            "token_endpoint",
            "token_expires_at",
            "token_path",
            "token_file",
            "token_env",
            "token_var",
            "api_key_env",
            "api_key_var",
            "apiKeyEnv",
            "key_id",
            "access_key_id",
            "api_key_id",
            "auth_url",
            "auth_type",
            "auth_method",
            "secret_name",
            "secret_id",
            "secret_ref",
            "secret_arn",
            "password_hash",
            "password_file",
            "password_hint",
            "hashed_password",
            "not_secret",
            "non_secret",
            "encrypted_token",
            "public_key",
            "public_token",
            "next_page_token",
            "page_token",
            "continuation_token",
            "eos_token",
            "bos_token",
            "pad_token",
            "key",
            "sort_key",
            "cache_key",
            "idempotency_key",
            "primary_key",
            "keyboard",
            "tokenizer",
            "author",
            "authority",
            "oauth",
            "base_url",
            "url",
            "name",
            "",
        ] {
            assert!(!secret_field_name(no), "{no} should not be secret");
        }
    }

    #[test]
    fn derives_debug_outside_tests_only() {
        let item: syn::ItemStruct = syn::parse_quote! {
            #[cfg_attr(test, derive(Debug))]
            #[cfg_attr(all(test, feature = "x"), derive(Debug))]
            struct A;
        };
        assert!(debug_derive(&item.attrs).is_none());
        let item: syn::ItemStruct = syn::parse_quote! {
            #[cfg_attr(feature = "debug", derive(Debug))]
            struct A;
        };
        assert!(debug_derive(&item.attrs).is_some());
        let item: syn::ItemStruct = syn::parse_quote! {
            #[derive(Debug, vox_clavis::Redact)]
            struct A;
        };
        assert!(debug_derive(&item.attrs).is_none());
        let item: syn::ItemStruct = syn::parse_quote! {
            #[derive(derivative::Derivative)]
            #[derivative(Debug)]
            struct A;
        };
        assert!(debug_derive(&item.attrs).is_some());
    }

    #[test]
    fn bare_tokens_of_parsers() {
        assert!(lexer_token("token", "ErrorKind", Some("Unexpected")));
        assert!(lexer_token("token", "ParseError", None));
        assert!(lexer_token("token", "Lexer", None));
        assert!(!lexer_token("token", "Client", None));
        assert!(!lexer_token("access_token", "ParseError", None));
        assert!(!lexer_token("token", "Auth", Some("Bearer")));
    }

    #[test]
    fn secret_type_and_variant_names() {
        assert!(secret_type_name("ApiKey"));
        assert!(secret_type_name("BearerToken"));
        assert!(secret_type_name("ClientSecret"));
        assert!(secret_type_name("Password"));
        assert!(!secret_type_name("Token"));
        assert!(!secret_type_name("TokenCount"));
        assert!(!secret_type_name("KeyId"));
        assert!(secret_variant_name("Auth", "Bearer"));
        assert!(secret_variant_name("Credential", "Token"));
        assert!(secret_variant_name("Lexeme", "ApiKey"));
        assert!(!secret_variant_name("Lexeme", "Token"));
        assert!(!secret_variant_name("Event", "TokenRefreshed"));
        assert!(!secret_variant_name("Auth", "None"));
    }

    fn plain(src: &str) -> bool {
        let ty: syn::Type = syn::parse_str(src).expect("type");
        plain_type(&ty, &HashMap::new(), 0)
    }

    #[test]
    fn plain_types() {
        for yes in [
            "String",
            "std::string::String",
            "&str",
            "&'a str",
            "&'static str",
            "Box<str>",
            "Arc<str>",
            "std::sync::Arc<str>",
            "Rc<str>",
            "Cow<'a, str>",
            "Cow<'static, str>",
            "Vec<u8>",
            "&[u8]",
            "[u8; 32]",
            "Box<[u8]>",
            "Option<String>",
            "Option<&'a str>",
            "Option<Box<str>>",
            "Option<Vec<u8>>",
            "SmolStr",
            "compact_str::CompactString",
            "ecow::EcoString",
            "kstring::KString",
            "Rc<str>",
            "zeroize::Zeroizing<String>",
            "Mutex<Option<String>>",
            "OsString",
            "Vec<String>",
            "HashMap<String, String>",
            "serde_json::Value",
            "bytes::Bytes",
            "(String, String)",
            "Option<(u64, String)>",
        ] {
            assert!(plain(yes), "{yes} should be plain");
        }
        for no in [
            "SecretString",
            "secrecy::SecretString",
            "Secret<String>",
            "SecretBox<str>",
            "vox_clavis::ResolvedSecret",
            "Option<SecretString>",
            "Arc<ResolvedSecret>",
            "u32",
            "usize",
            "bool",
            "PathBuf",
            "Option<PathBuf>",
            "T",
            "Vec<u32>",
            "HashMap<String, SecretString>",
            "Value",
            "HeaderValue",
            "fn() -> String",
            "impl Fn() -> String",
            "<T as Trait>::Output",
            "()",
            "(u8, u16)",
        ] {
            assert!(!plain(no), "{no} should not be plain");
        }
    }

    #[test]
    fn aliases_are_followed() {
        let mut aliases = HashMap::new();
        aliases.insert("Key".to_owned(), syn::parse_str("String").unwrap());
        aliases.insert("Loop".to_owned(), syn::parse_str("Loop").unwrap());
        let ty: syn::Type = syn::parse_str("Option<Key>").unwrap();
        assert!(plain_type(&ty, &aliases, 0));
        let ty: syn::Type = syn::parse_str("Loop").unwrap();
        assert!(!plain_type(&ty, &aliases, 0));
    }
}
