//! The `#[secret]` helper attribute and doc comments.
//!
//! Both derives register `#[secret]`: on a `SecretInventory` variant it carries the secret's
//! names and flags (`#[secret(env = "NAME", ...)]`), on a `Redact` field or variant it is a bare
//! marker. Parsing lives here, apart from the input's shape (`ast`) and from checks that need
//! the whole inventory (`valid`), so each grammar is read in one place. An unknown key is
//! recorded and skipped, so one typo does not hide the next error.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Lit, LitBool, LitStr, Meta, Token};

use crate::ctxt::Ctxt;

/// The helper attribute's name.
const SECRET: &str = "secret";

/// The keys of `#[secret(...)]` on an inventory variant, for the unknown-key message.
const KEYS: &str = "`env`, `aliases`, `deprecated`, `sensitive`, `required` or `description`";

/// Whether `attr` is `#[secret ...]`.
pub(crate) fn is_secret(attr: &Attribute) -> bool {
    attr.path().is_ident(SECRET)
}

/// What the `#[secret(...)]` attributes of one inventory variant say.
pub(crate) struct VariantAttr<'a> {
    /// The first `#[secret]` attribute, where a missing key is reported.
    pub(crate) attr: &'a Attribute,
    pub(crate) env: Option<LitStr>,
    pub(crate) aliases: Vec<LitStr>,
    pub(crate) deprecated: Vec<LitStr>,
    pub(crate) sensitive: Option<bool>,
    pub(crate) required: Option<bool>,
    pub(crate) description: Option<LitStr>,
    /// Whether every attribute parsed to the end: after a syntax error, a key that seems
    /// missing may just not have been reached, so it is not reported as missing.
    pub(crate) complete: bool,
}

/// Reads the `#[secret(...)]` attributes of an inventory variant (several are merged); `None`
/// if it has none.
pub(crate) fn variant_attr<'a>(cx: &Ctxt, attrs: &'a [Attribute]) -> Option<VariantAttr<'a>> {
    let mut secret_attrs = attrs.iter().filter(|attr| is_secret(attr));
    let first = secret_attrs.next()?;
    let mut out = VariantAttr {
        attr: first,
        env: None,
        aliases: Vec::new(),
        deprecated: Vec::new(),
        sensitive: None,
        required: None,
        description: None,
        complete: true,
    };
    let mut seen: Vec<String> = Vec::new();
    for attr in std::iter::once(first).chain(secret_attrs) {
        match &attr.meta {
            // `#[secret]`: no keys, so `env` is missing.
            Meta::Path(_) => {}
            Meta::List(_) => {
                if let Err(error) = attr.parse_nested_meta(|meta| {
                    let key = path_name(&meta);
                    if seen.contains(&key) {
                        cx.error_spanned_by(&meta.path, format!("duplicate key `{key}`"));
                        return skip_value(&meta);
                    }
                    seen.push(key.clone());
                    match key.as_str() {
                        "env" => out.env = Some(meta.value()?.parse()?),
                        "aliases" => out.aliases = names(&meta, "aliases")?,
                        "deprecated" => out.deprecated = names(&meta, "deprecated")?,
                        "sensitive" => out.sensitive = Some(flag(&meta)?),
                        "required" => out.required = Some(flag(&meta)?),
                        "description" => out.description = Some(meta.value()?.parse()?),
                        _ => {
                            cx.error_spanned_by(
                                &meta.path,
                                format!("unknown key `{key}` in `#[secret(...)]`, expected {KEYS}"),
                            );
                            return skip_value(&meta);
                        }
                    }
                    Ok(())
                }) {
                    cx.syn_error(error);
                    out.complete = false;
                }
            }
            Meta::NameValue(_) => {
                cx.error_spanned_by(
                    attr,
                    "expected `#[secret(env = \"NAME\", ...)]`, the names go inside parentheses",
                );
                out.complete = false;
            }
        }
    }
    Some(out)
}

/// The key as written (`env`, or a path such as `a::b`).
fn path_name(meta: &ParseNestedMeta) -> String {
    meta.path.to_token_stream().to_string().replace(' ', "")
}

/// `("A", "B")` after a key.
fn names(meta: &ParseNestedMeta, key: &str) -> syn::Result<Vec<LitStr>> {
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!(
            "expected a parenthesized list of names: `{key}(\"NAME\", ...)`"
        )));
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let names = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
    Ok(names.into_iter().collect())
}

/// `key` alone (true) or `key = bool`.
fn flag(meta: &ParseNestedMeta) -> syn::Result<bool> {
    if meta.input.peek(Token![=]) {
        Ok(meta.value()?.parse::<LitBool>()?.value)
    } else {
        Ok(true)
    }
}

/// Consumes the value of a key that is not used: `= expr` or `(...)`.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}

/// The `#[secret]` marker of a `Redact` field or variant, if any. It takes no arguments: any
/// are reported (`what` is "field" or "variant").
pub(crate) fn marker<'a>(cx: &Ctxt, attrs: &'a [Attribute], what: &str) -> Option<&'a Attribute> {
    let mut found = None;
    for attr in attrs.iter().filter(|attr| is_secret(attr)) {
        let arguments: Option<&dyn ToTokens> = match &attr.meta {
            Meta::Path(_) => None,
            Meta::List(list) if list.tokens.is_empty() => None,
            Meta::List(list) => Some(&list.tokens),
            Meta::NameValue(name_value) => Some(&name_value.value),
        };
        if let Some(arguments) = arguments {
            cx.error_spanned_by(
                arguments,
                format!(
                    "`#[secret]` on a {what} takes no arguments: it marks the {what} as secret"
                ),
            );
        }
        found.get_or_insert(attr);
    }
    found
}

/// The `#[not_secret]` of a `Redact` field, if any: the author's word that a field named like
/// a secret holds none. It takes no arguments.
pub(crate) fn not_secret<'a>(cx: &Ctxt, attrs: &'a [Attribute]) -> Option<&'a Attribute> {
    let found = attrs
        .iter()
        .find(|attr| attr.path().is_ident("not_secret"))?;
    if !matches!(found.meta, Meta::Path(_)) {
        cx.error_spanned_by(found, "`#[not_secret]` takes no arguments");
    }
    Some(found)
}

/// The doc comment: lines trimmed, the lines of a paragraph joined with a space, paragraphs
/// with a blank line. `#[doc = ...]` attributes whose value is not a string literal
/// (`include_str!`) are skipped.
pub(crate) fn doc(attrs: &[Attribute]) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("doc")) {
        let Meta::NameValue(name_value) = &attr.meta else {
            continue;
        };
        let Expr::Lit(syn::ExprLit {
            lit: Lit::Str(text),
            ..
        }) = &name_value.value
        else {
            continue;
        };
        // `split`, not `lines`: an empty `///` line is `#[doc = ""]`, a paragraph break.
        for line in text.value().split('\n') {
            let line = line.trim();
            if line.is_empty() {
                if !current.is_empty() {
                    paragraphs.push(std::mem::take(&mut current));
                }
            } else {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(line);
            }
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs.join("\n\n")
}
