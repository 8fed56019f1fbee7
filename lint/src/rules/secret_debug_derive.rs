//! `secret-debug-derive`: a type deriving `Debug` holds a secret in a plain field.
//!
//! Purely syntactic and per file: a struct or enum whose derives include `Debug` (also through
//! `cfg_attr`, a path such as `derive_more::Debug`, or `#[derivative(Debug)]`/`#[educe(Debug)]`)
//! and a field whose *name* says it holds a credential ([`secret_field_name`]) and whose *type*
//! prints its contents ([`plain_type`]).

use std::collections::HashMap;

use proc_macro2::TokenTree;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use crate::analysis::debug_attrs::{
    custom_format, customises_debug, debug_derive, redact_derive, redact_marked,
};
use crate::analysis::matchers;
use crate::analysis::prefilter::{Needs, Triggers};
use crate::analysis::printed_types::{Aliases, MAX_DEPTH, plain_type};
use crate::analysis::secret_field_names::{
    KEY_QUALIFIERS, SECRET_HEADS, TOKENS_QUALIFIERS, VALUE_SUFFIXES, access_levels, key_id_half,
    lexer_token, secret_field_name, secret_type_name, secret_variant_name,
};
use crate::config::Settings;
use crate::declare_rule;
use crate::finding::RuleMeta;
use crate::finding::{Applicability, Edit, Fix, Location};
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
    /// judged by its own name: `struct ApiKey(String)`, `Auth::Bearer(String)`,
    /// `Credentials::Basic(String, String)`; a tuple of several parts is one credential, one
    /// finding at its last plain part (`ApiKey(id, secret)`). Shared and
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
    /// type (`ParseError::Unexpected { token: &str }`) or in a language model's output (a
    /// type named for log probabilities, or with a `logprob` field beside the `token`), nor
    /// a tuple struct named just `Token`. Nor the id half of a key pair (`access_key` beside
    /// a `secret_key`), a field documented as a path (`/// Path to a client key file`), or
    /// the fields of a type of access levels (`Permissions { secrets: Option<String> }`).
    ///
    /// A type that derives `vox_clavis::Redact` prints its `#[secret]` fields (and every field
    /// of a `#[secret]` variant) as `[REDACTED]` and the others verbatim, so its unmarked
    /// secret-looking fields are flagged the same way; a field marked `#[not_secret]` is the
    /// author saying it holds none. (The derive itself refuses to compile an unmarked field
    /// named like a secret.)
    ///
    /// Not flagged: `#[secret]` and `#[not_secret]` fields of `Redact` types, fields whose type already redacts itself (`SecretString`,
    /// `Secret<..>`, `ResolvedSecret`, or any type not listed above), fields with a
    /// field-level `Debug` customisation (`#[debug(skip)]` of derive_more,
    /// `#[derivative(Debug = "ignore")]`, `#[educe(Debug(ignore))]`), types that derive
    /// `Debug` only in test builds (`#[cfg_attr(test, derive(Debug))]`), and types in test
    /// code (`#[cfg(test)]` items, `tests/`, benches): they hold fixture values.
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
    /// ## Fix
    /// Unsafe: a `String` or `Option<String>` field becomes `vox_clavis::secrecy::SecretString`
    /// (`Debug` prints `[REDACTED]`; it is built from a `String` with `.into()`, and code that
    /// reads the field calls `.expose_secret()`). Fields clap or serde fill are left to the
    /// author: `SecretString` implements neither `FromStr` nor, without `secrecy`'s `serde`
    /// feature, `Deserialize`. In a `Redact` type the fix is safe: the field is marked
    /// `#[secret]`, which changes only what `Debug` prints.
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

impl Rule for SecretDebugDerive {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn needs(&self) -> Needs {
        Needs::Tree
    }

    /// `Debug`, and a name whose last word (before [`VALUE_SUFFIXES`] and digits) is a head
    /// noun, after one of its qualifiers where it needs one
    /// ([`secret_words`](crate::analysis::secret_field_names::secret_words)), or an
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
            filled: false,
            redact: false,
        };
        walker.visit_file(file);
    }
}

struct Walker<'c, 'a> {
    cx: &'c mut FileContext<'a>,
    aliases: HashMap<String, syn::Type>,
    /// Nesting of macro bodies parsed as items.
    depth: usize,
    /// The type being checked is filled by clap or serde, which cannot build a
    /// `SecretString`: its fields get no fix.
    filled: bool,
    /// The type derives `Redact`: only its unmarked fields can print a secret.
    redact: bool,
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
        // Test code's types hold fixtures (`ABOUT_FIXTURES` drops those of test files).
        if attrs.iter().any(matchers::is_test_attr) {
            return;
        }
        visit::visit_item(self, item);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if f.attrs.iter().any(matchers::is_test_attr) {
            return;
        }
        visit::visit_impl_item_fn(self, f);
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let derived = debug_derive(&s.attrs).map(|d| (d, false));
        if let Some((derive, redact)) = derived.or(redact_derive(&s.attrs).map(|d| (d, true))) {
            let owner = s.ident.to_string();
            self.filled = filled_by_library(&s.attrs);
            self.redact = redact;
            if !(redact && redact_marked(&s.attrs)) {
                self.fields(&owner, None, &s.fields, derive);
            }
        }
        visit::visit_item_struct(self, s);
    }

    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        let derived = debug_derive(&e.attrs).map(|d| (d, false));
        if let Some((derive, redact)) = derived.or(redact_derive(&e.attrs).map(|d| (d, true))) {
            let owner = e.ident.to_string();
            self.filled = filled_by_library(&e.attrs);
            self.redact = redact;
            for v in &e.variants {
                let marked = redact && (redact_marked(&v.attrs) || redact_marked(&e.attrs));
                if custom_format(&v.attrs) || marked {
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
        if access_levels(owner) {
            return;
        }
        let shown_owner = match variant {
            Some(v) => format!("{owner}::{v}"),
            None => owner.to_owned(),
        };
        let siblings: Vec<String> = fields
            .iter()
            .filter_map(|f| f.ident.as_ref().map(|i| i.to_string()))
            .collect();
        // A tuple named for a credential is one credential however many parts it has
        // (`ApiKey(id, secret)`, `Basic(user, password)`): one finding, at the last part,
        // where the secret half goes by convention (and none when that part redacts itself:
        // `Basic(String, SecretString)`).
        let tuple_part = tuple_secret.then(|| fields.len().saturating_sub(1));
        for (index, field) in fields.iter().enumerate() {
            if customises_debug(&field.attrs) || (self.redact && redact_marked(&field.attrs)) {
                continue;
            }
            let (name, secret) = match &field.ident {
                Some(ident) => {
                    let name = ident.to_string();
                    let name = name.trim_start_matches("r#").to_owned();
                    let secret = (secret_field_name(&name)
                        && !lexer_token(&name, owner, variant, &siblings)
                        && !key_id_half(&name, &siblings)
                        && !doc_says_path(&field.attrs))
                        || self.inventory_name(&name);
                    (name, secret)
                }
                None => (index.to_string(), tuple_part == Some(index)),
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
        if self.redact {
            return self.report_unmarked(owner, name, &what, field, span, derive);
        }
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
        let by_hand = !self.filled && !filled_by_library(&field.attrs);
        let finding = match plain_string(&field.ty).filter(|_| by_hand) {
            Some(string) => finding.with_fix(Fix::new(
                "hold it as `SecretString`",
                Applicability::Unsafe,
                vec![Edit::new(
                    source,
                    source.byte_span(string.span()),
                    "vox_clavis::secrecy::SecretString",
                )],
            )),
            None => finding,
        };
        self.cx.report(finding);
    }

    /// A `Redact` type prints what is not marked `#[secret]` as `Debug` does: the fix is the
    /// mark (safe: only the `Debug` output changes).
    fn report_unmarked(
        &mut self,
        owner: &str,
        name: &str,
        what: &str,
        field: &syn::Field,
        span: ByteSpan,
        derive: proc_macro2::Span,
    ) {
        let source = self.cx.source;
        let first = match (&field.vis, &field.ident) {
            (syn::Visibility::Inherited, Some(ident)) => ident.span(),
            (syn::Visibility::Inherited, None) => field.ty.span(),
            (vis, _) => vis.span(),
        };
        let at = source.byte_span(first).start;
        // On a line of its own when the field starts its line, as rustfmt writes attributes.
        let line = &source.text[source.text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
        let mark = if line.trim().is_empty() {
            format!("#[secret]\n{line}")
        } else {
            "#[secret] ".to_owned()
        };
        let finding = self
            .cx
            .finding(
                META,
                Location::of(source, span),
                format!(
                    "`{owner}` derives `Redact` but does not mark {what} `#[secret]`: `{{:?}}` prints it in full"
                ),
            )
            .with_label("not marked `#[secret]`: printed verbatim")
            .with_related(self.cx.location(derive), "`Redact` derived here")
            .with_help(
                "mark the field `#[secret]` so `Debug` prints `[REDACTED]`; if it holds no \
                 secret, mark it `#[not_secret]`",
            )
            .with_identity(format!("{owner}.{name}"))
            .with_fix(Fix::new(
                "mark it `#[secret]`",
                Applicability::Safe,
                vec![Edit::new(
                    source,
                    ByteSpan { start: at, end: at },
                    mark,
                )],
            ));
        self.cx.report(finding);
    }
}

/// Attributes that make clap or serde build the value (`#[derive(Deserialize)]`,
/// `#[arg(..)]`): they need `FromStr` or `Deserialize`, which `SecretString` lacks.
fn filled_by_library(attrs: &[syn::Attribute]) -> bool {
    ["Deserialize", "Parser", "Args", "Subcommand"]
        .iter()
        .any(|d| matchers::derives(attrs, d))
        || attrs.iter().any(|a| {
            ["arg", "clap", "serde", "command"]
                .iter()
                .any(|n| a.path().is_ident(n))
        })
}

/// The `String` of a `String` or `Option<String>` field: what `SecretString` can replace
/// (it is built from a `String` with `.into()` and prints `[REDACTED]`).
fn plain_string(ty: &syn::Type) -> Option<&syn::TypePath> {
    let syn::Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    match &last.arguments {
        syn::PathArguments::None if last.ident == "String" => Some(p),
        syn::PathArguments::AngleBracketed(args)
            if last.ident == "Option" && args.args.len() == 1 =>
        {
            match args.args.first()? {
                syn::GenericArgument::Type(inner) => plain_string(inner),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A field documented as a path (`/// Path to a client key file for TLS.`): the key is in the
/// file, not in the field.
fn doc_says_path(attrs: &[syn::Attribute]) -> bool {
    let first = matchers::attr_lists(attrs, "doc")
        .into_iter()
        .find_map(|meta| match meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }),
                ..
            }) => Some(text.value().trim().to_ascii_lowercase()),
            _ => None,
        });
    first.is_some_and(|line| {
        [
            "path ",
            "a path ",
            "the path ",
            "file path",
            "filename",
            "the file ",
            "a file ",
        ]
        .iter()
        .any(|p| line.starts_with(p))
    })
}
