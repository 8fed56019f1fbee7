//! Small shared syntax helpers: which paths read the environment, which identifiers name a
//! credential, and how macro bodies are parsed into something rules can walk.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Token};

/// How a resolved path reads the environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvFn {
    /// Reads one variable whose name is the first argument.
    Var,
    /// Iterates every variable (`std::env::vars()`).
    All,
}

/// Whether an absolute path is a function that reads the environment.
pub fn env_fn(path: &str) -> Option<EnvFn> {
    match path {
        "std::env::var" | "std::env::var_os" | "dotenvy::var" | "dotenv::var" => Some(EnvFn::Var),
        "std::env::vars" | "std::env::vars_os" | "dotenvy::vars" | "dotenv::vars" => {
            Some(EnvFn::All)
        }
        _ => None,
    }
}

/// The names of a path's segments: `std::env::var` is `["std", "env", "var"]`.
pub fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// `env!`/`option_env!`, also `std::`/`core::` prefixed.
pub fn env_macro(path: &syn::Path) -> Option<&'static str> {
    let segs = path_segments(path);
    let (last, prefix) = segs.split_last()?;
    if !(prefix.is_empty() || prefix == ["std"] || prefix == ["core"]) {
        return None;
    }
    match last.as_str() {
        "env" => Some("env!"),
        "option_env" => Some("option_env!"),
        _ => None,
    }
}

/// The words of an identifier (`apiKeyEnv`, `API_KEY_ENV` -> `api`, `key`, `env`).
fn words(ident: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in ident.chars() {
        if c == '_' || c == '-' {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Whether an identifier names a credential: `token`, `api_key`, `apikey`, `secret`,
/// `password`, `passwd`, `credential(s)` as whole words (`max_tokens` is not one).
pub fn names_credential(ident: &str) -> bool {
    let w = words(ident);
    w.iter().enumerate().any(|(i, word)| {
        CREDENTIAL_WORDS.contains(&word.as_str())
            || (word == "api" && w.get(i + 1).is_some_and(|n| n == "key"))
    })
}

/// Words that make a name a credential's on their own (see [`names_credential`]).
pub const CREDENTIAL_WORDS: &[&str] = &[
    "token",
    "apikey",
    "secret",
    "password",
    "passwd",
    "credential",
    "credentials",
];

/// Whether `attrs` derive a trait whose path ends in `name` (`Serialize`, `serde::Serialize`),
/// directly or through `#[cfg_attr(.., derive(..))]`.
pub fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| meta_derives(&a.meta, name))
}

fn meta_derives(meta: &syn::Meta, name: &str) -> bool {
    let syn::Meta::List(list) = meta else {
        return false;
    };
    if list.path.is_ident("derive") {
        return list
            .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            .is_ok_and(|paths| {
                paths
                    .iter()
                    .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
            });
    }
    if list.path.is_ident("cfg_attr") {
        return list
            .parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)
            .is_ok_and(|metas| metas.iter().skip(1).any(|m| meta_derives(m, name)));
    }
    false
}

/// Every `#[name]`/`#[name(..)]`/`#[name = ..]` in `attrs`, also inside `cfg_attr`
/// (`#[secret]`, `#[serde(..)]` are looked up this way).
pub fn attr_lists(attrs: &[syn::Attribute], name: &str) -> Vec<syn::Meta> {
    let mut out = Vec::new();
    for a in attrs {
        collect_attr(&a.meta, name, &mut out);
    }
    out
}

fn collect_attr(meta: &syn::Meta, name: &str, out: &mut Vec<syn::Meta>) {
    if meta.path().is_ident(name) {
        out.push(meta.clone());
        return;
    }
    if let syn::Meta::List(list) = meta
        && list.path.is_ident("cfg_attr")
        && let Ok(metas) =
            list.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)
    {
        for m in metas.iter().skip(1) {
            collect_attr(m, name, out);
        }
    }
}

/// Whether `attrs` carry `#[serde(skip)]` or `#[serde(skip_serializing)]` (not
/// `skip_serializing_if`, which still serializes the value sometimes).
pub fn serde_skips_serializing(attrs: &[syn::Attribute]) -> bool {
    serde_names(attrs, &["skip", "skip_serializing"])
}

/// `#[serde(serialize_with = "..")]` or `#[serde(with = "..")]`: the field names the code that
/// writes it, an explicit choice of how (and whether) its value is serialized.
pub fn serde_serializes_by_hand(attrs: &[syn::Attribute]) -> bool {
    serde_names(attrs, &["serialize_with", "with"])
}

/// Whether a `#[serde(..)]` attribute holds one of `keys` (`skip`, `with = ".."`).
fn serde_names(attrs: &[syn::Attribute], keys: &[&str]) -> bool {
    attr_lists(attrs, "serde").iter().any(|m| match m {
        syn::Meta::List(list) => list
            .parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)
            .is_ok_and(|metas| {
                metas
                    .iter()
                    .any(|m| keys.iter().any(|k| m.path().is_ident(k)))
            }),
        _ => false,
    })
}

/// The arguments of a macro that takes comma-separated expressions (`format!`, `vec!`, ...).
pub fn macro_exprs(tokens: &TokenStream) -> Option<Punctuated<Expr, Token![,]>> {
    Punctuated::<Expr, Token![,]>::parse_terminated
        .parse2(tokens.clone())
        .ok()
}

/// A `format!` template with every placeholder replaced by `X`, so the fixed part can be
/// matched against name patterns: `"{}_API_KEY"` -> `X_API_KEY`. `None` if there is no
/// placeholder.
pub fn format_template(template: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    let mut placeholders = 0;
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                placeholders += 1;
                out.push('X');
            }
            c => out.push(c),
        }
    }
    (placeholders > 0).then_some(out)
}

/// Splits a token stream at top-level `,` and `;`, dropping tracing's `%`/`?` sigils and
/// `field =` prefixes, so each piece can be parsed as an expression on its own.
pub fn split_chunks(tokens: &TokenStream) -> Vec<TokenStream> {
    let mut chunks = Vec::new();
    let mut cur: Vec<TokenTree> = Vec::new();
    let mut flush = |cur: &mut Vec<TokenTree>| {
        let mut start = 0;
        // `name = value`, `name.sub = value`: keep the value.
        if let Some(eq) = cur.iter().position(|t| {
            matches!(t, TokenTree::Punct(p) if p.as_char() == '=' && p.spacing() == proc_macro2::Spacing::Alone)
        })
            && cur[..eq]
                .iter()
                .all(|t| matches!(t, TokenTree::Ident(_)) || matches!(t, TokenTree::Punct(p) if p.as_char() == '.'))
            {
                start = eq + 1;
            }
        while matches!(cur.get(start), Some(TokenTree::Punct(p)) if p.as_char() == '%' || p.as_char() == '?')
        {
            start += 1;
        }
        if start < cur.len() {
            chunks.push(cur[start..].iter().cloned().collect());
        }
        cur.clear();
    };
    for t in tokens.clone() {
        match &t {
            TokenTree::Punct(p) if p.as_char() == ',' || p.as_char() == ';' => flush(&mut cur),
            _ => cur.push(t),
        }
    }
    flush(&mut cur);
    chunks
}

/// `lazy_static!` bodies (`static ref X: T = e;`) without `ref`, so they parse as items.
pub fn strip_static_ref(tokens: &TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut prev_static = false;
    for t in tokens.clone() {
        let is_ref = matches!(&t, TokenTree::Ident(i) if i == "ref");
        if !(prev_static && is_ref) {
            out.push(t.clone());
        }
        prev_static = matches!(&t, TokenTree::Ident(i) if i == "static");
    }
    out.into_iter().collect()
}

/// Whether a group is parenthesised.
pub fn is_paren(g: &proc_macro2::Group) -> bool {
    g.delimiter() == Delimiter::Parenthesis
}

/// `#[cfg(test)]`, `#[cfg(all(test, ..))]`, `#[test]`, `#[tokio::test]` and the like.
pub fn is_test_attr(attr: &syn::Attribute) -> bool {
    let path = attr.path();
    if path.segments.last().is_some_and(|s| s.ident == "test") {
        return true;
    }
    if !path.is_ident("cfg") {
        return false;
    }
    let Ok(meta) = attr.parse_args::<syn::Meta>() else {
        return false;
    };
    match meta {
        syn::Meta::Path(p) => p.is_ident("test"),
        syn::Meta::List(l) if l.path.is_ident("all") => l
            .parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)
            .is_ok_and(|items| items.iter().any(|m| m.path().is_ident("test"))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_through_paths_and_cfg_attr() {
        let item: syn::ItemStruct = syn::parse_quote! {
            #[derive(Debug)]
            #[cfg_attr(feature = "serde", derive(serde::Serialize, Clone))]
            struct A { #[cfg_attr(feature = "serde", serde(skip))] a: u8, #[serde(skip_serializing_if = "x")] b: u8 }
        };
        assert!(derives(&item.attrs, "Debug"));
        assert!(derives(&item.attrs, "Serialize"));
        assert!(derives(&item.attrs, "Clone"));
        assert!(!derives(&item.attrs, "Deserialize"));
        let fields: Vec<_> = item.fields.iter().collect();
        assert!(serde_skips_serializing(&fields[0].attrs));
        assert!(!serde_skips_serializing(&fields[1].attrs));
        let item: syn::ItemStruct = syn::parse_quote! {
            struct B { #[serde(default, with = "secret")] a: u8, #[serde(serialize_with = "f")] b: u8, #[serde(deserialize_with = "g")] c: u8 }
        };
        let fields: Vec<_> = item.fields.iter().collect();
        assert!(serde_serializes_by_hand(&fields[0].attrs));
        assert!(serde_serializes_by_hand(&fields[1].attrs));
        assert!(!serde_serializes_by_hand(&fields[2].attrs));
        assert!(!serde_skips_serializing(&fields[0].attrs));
    }

    #[test]
    fn credential_words() {
        for yes in [
            "token_env",
            "api_key_env",
            "apiKeyVar",
            "TOKEN",
            "db_password",
            "secret",
        ] {
            assert!(names_credential(yes), "{yes}");
        }
        for no in [
            "max_tokens_env",
            "keyboard",
            "home",
            "tokenizer",
            "api_base",
        ] {
            assert!(!names_credential(no), "{no}");
        }
    }

    #[test]
    fn templates() {
        assert_eq!(format_template("{}_API_KEY").as_deref(), Some("X_API_KEY"));
        assert_eq!(format_template("{p}_{{x}}").as_deref(), Some("X_{x}"));
        assert_eq!(format_template("PLAIN"), None);
    }
}
