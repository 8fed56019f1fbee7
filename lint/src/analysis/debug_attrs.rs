//! What a type's attributes say about its `Debug` output: whether it derives `Debug` outside
//! test builds and without redaction, directly or through `cfg_attr`, a path such as
//! `derive_more::Debug`, or `#[derivative(Debug)]`/`#[educe(Debug)]` ([`debug_derive`]), and
//! whether a variant or a field writes its own output or leaves itself out ([`custom_format`],
//! [`customises_debug`]).
//!
//! Used by `secret-debug-derive`. Reading attributes is matching on syntax, not reporting, so it
//! lives here beside [`super::matchers`], which it builds on, and the rule keeps only its walk and
//! its findings.

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;

use crate::analysis::matchers;

/// The span of the attribute that derives `Debug`, unless the type redacts its output.
pub fn debug_derive(attrs: &[syn::Attribute]) -> Option<proc_macro2::Span> {
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

/// The span of the attribute that derives `vox_clavis::Redact` (outside test builds), whose
/// `Debug` prints only the fields marked `#[secret]` as `[REDACTED]`.
pub fn redact_derive(attrs: &[syn::Attribute]) -> Option<proc_macro2::Span> {
    attrs
        .iter()
        .filter(|a| !test_only(a))
        .find(|a| matchers::derives(std::slice::from_ref(a), "Redact"))
        .map(|a| a.span())
}

/// `#[secret]` or `#[not_secret]`: the author of a `Redact` type said what the field (or
/// variant) holds. veil's derive of the same name marks with `#[redact]`, on a field or on the
/// whole type.
pub fn redact_marked(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        ["secret", "not_secret", "redact"]
            .iter()
            .any(|n| a.path().is_ident(n))
    })
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
pub fn custom_format(attrs: &[syn::Attribute]) -> bool {
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
pub fn customises_debug(attrs: &[syn::Attribute]) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
