//! Every string literal of a file, wherever it is written: expressions, patterns, constants,
//! macro bodies (which syn leaves as tokens) and attributes. Rules that look for a value
//! spelled in source (a deprecated alias, a pasted credential) need all of them, not only those
//! syn happens to parse.

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};

/// A string literal with its decoded value.
#[derive(Clone, Debug)]
pub struct StrLit {
    pub value: String,
    pub span: proc_macro2::Span,
    /// The outermost attribute the literal is written in (`doc`, `secret`, `serde`), if any;
    /// inside `#[cfg_attr(pred, attr(..))]`, the attribute it applies (`attr`).
    pub attr: Option<String>,
}

/// The string literals of `file`, in source order.
pub fn string_literals(file: &syn::File) -> Vec<StrLit> {
    let mut c = Collector {
        out: Vec::new(),
        attr: None,
    };
    c.visit_file(file);
    c.out.sort_by_key(|l| {
        let s = l.span.start();
        (s.line, s.column)
    });
    c.out
}

struct Collector {
    out: Vec<StrLit>,
    attr: Option<String>,
}

impl Collector {
    fn tokens(&mut self, tokens: &TokenStream) {
        for tt in tokens.clone() {
            match tt {
                TokenTree::Group(g) => self.tokens(&g.stream()),
                TokenTree::Literal(lit) => {
                    if let Ok(s) = syn::parse2::<syn::LitStr>(TokenTree::Literal(lit).into()) {
                        self.push(&s);
                    }
                }
                _ => {}
            }
        }
    }

    /// The literals of one attribute, under its name; `cfg_attr`'s predicate is under
    /// `cfg_attr`, each attribute it applies under that attribute's name.
    fn meta(&mut self, meta: &syn::Meta) {
        let name = meta
            .path()
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let outer = self.attr.replace(name);
        match meta {
            syn::Meta::List(l) if l.path.is_ident("cfg_attr") => {
                let parsed = l.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                );
                match parsed {
                    Ok(metas) => {
                        let mut metas = metas.iter();
                        if let Some(predicate) = metas.next() {
                            self.arguments(predicate);
                        }
                        for applied in metas {
                            self.meta(applied);
                        }
                    }
                    Err(_) => self.tokens(&l.tokens),
                }
            }
            _ => self.arguments(meta),
        }
        self.attr = outer;
    }

    /// The literals of a meta's arguments, under the current attribute name.
    fn arguments(&mut self, meta: &syn::Meta) {
        match meta {
            syn::Meta::Path(_) => {}
            syn::Meta::List(l) => self.tokens(&l.tokens),
            syn::Meta::NameValue(nv) => self.visit_expr(&nv.value),
        }
    }

    fn push(&mut self, s: &syn::LitStr) {
        self.out.push(StrLit {
            value: s.value(),
            span: s.span(),
            attr: self.attr.clone(),
        });
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_lit_str(&mut self, s: &'ast syn::LitStr) {
        self.push(s);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        visit::visit_path(self, &mac.path);
        self.tokens(&mac.tokens);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        self.meta(&attr.meta);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_literals_in_code_macros_and_attributes() {
        let file: syn::File = syn::parse_str(
            r###"
            /// doc "text"
            #[secret(env = "A_KEY", deprecated("OLD_KEY"))]
            #[cfg_attr(feature = "f", secret(deprecated("GONE_KEY")), doc = "d")]
            const X: &str = "x";
            fn f() {
                match s { "arm" => {}, _ => {} }
                println!("{} {}", r#"raw"#, "esc\n");
                tracing::info!(key = "field", "msg");
            }
            "###,
        )
        .unwrap();
        let lits: Vec<(String, Option<String>)> = string_literals(&file)
            .into_iter()
            .map(|l| (l.value, l.attr))
            .collect();
        let doc = Some("doc".to_owned());
        let secret = Some("secret".to_owned());
        assert_eq!(
            lits,
            [
                (" doc \"text\"".to_owned(), doc.clone()),
                ("A_KEY".to_owned(), secret.clone()),
                ("OLD_KEY".to_owned(), secret.clone()),
                ("f".to_owned(), Some("cfg_attr".to_owned())),
                ("GONE_KEY".to_owned(), secret),
                ("d".to_owned(), doc.clone()),
                ("x".to_owned(), None),
                ("arm".to_owned(), None),
                ("{} {}".to_owned(), None),
                ("raw".to_owned(), None),
                ("esc\n".to_owned(), None),
                ("field".to_owned(), None),
                ("msg".to_owned(), None),
            ]
        );
    }
}
