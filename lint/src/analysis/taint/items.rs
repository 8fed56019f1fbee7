//! The items of a file as the walk meets them: modules, impls, traits, item macros and
//! initializers, each body walked with fresh locals; and the names `use`s and local items bring
//! into scope, so a sink called by a short or renamed path is still recognized.

use super::locals::Local;
use super::syntax::*;
use super::value::{Taint, Text};
use super::walk::Walker;
use crate::analysis::matchers;
use crate::analysis::scope::Resolved;

impl Walker<'_> {
    fn skip(&self, attrs: &[syn::Attribute]) -> bool {
        !self.settings.scan.tests && attrs.iter().any(matchers::is_test_attr)
    }

    /// Declares the items and `use`s of a module or block, for resolving sink functions.
    pub(super) fn declare_items<'i>(&mut self, items: impl Iterator<Item = &'i syn::Item> + Clone) {
        let base = self.module.join("::");
        for item in items.clone() {
            let ident = match item {
                syn::Item::Fn(i) => Some(&i.sig.ident),
                syn::Item::Const(i) => Some(&i.ident),
                syn::Item::Static(i) => Some(&i.ident),
                syn::Item::Mod(i) => Some(&i.ident),
                syn::Item::Struct(i) => Some(&i.ident),
                syn::Item::Enum(i) => Some(&i.ident),
                _ => None,
            };
            if let Some(ident) = ident {
                self.scopes
                    .add_item(ident.to_string(), format!("{base}::{ident}"));
            }
        }
        // Twice: a `use` may rely on a later one.
        for _ in 0..2 {
            for item in items.clone() {
                if let syn::Item::Use(u) = item {
                    self.scopes
                        .add_use(&u.tree, u.leading_colon.is_some(), &self.module);
                }
            }
        }
    }

    pub(super) fn candidates(&self, path: &syn::Path) -> Vec<String> {
        match self.scopes.resolve(
            path,
            &self.module,
            self.self_type.last().map(String::as_str),
        ) {
            Resolved::Paths(p) => p,
            Resolved::Local(_) => Vec::new(),
        }
    }

    pub(super) fn item(&mut self, item: &syn::Item) {
        let attrs = item_attrs(item);
        if self.skip(attrs) {
            return;
        }
        let test = usize::from(attrs.iter().any(matchers::is_test_attr));
        self.in_test += test;
        self.item_body(item);
        self.in_test -= test;
    }

    fn item_body(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Fn(f) => self.function(Some(&f.sig), |w| {
                w.eval_block(&f.block, false);
            }),
            syn::Item::Impl(i) if implements_serialize(i) => {
                self.in_serializer += 1;
                self.impl_items(i);
                self.in_serializer -= 1;
            }
            syn::Item::Impl(i) => self.impl_items(i),
            syn::Item::Trait(t) => {
                for it in &t.items {
                    match it {
                        syn::TraitItem::Fn(f) if !self.skip(&f.attrs) => {
                            if let Some(block) = &f.default {
                                self.function(Some(&f.sig), |w| {
                                    w.eval_block(block, false);
                                });
                            }
                        }
                        syn::TraitItem::Const(c) => {
                            if let Some((_, e)) = &c.default {
                                self.function(None, |w| {
                                    w.eval(e);
                                });
                            }
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    self.module.push(m.ident.to_string());
                    self.scopes.push(true);
                    self.declare_items(items.iter());
                    for i in items {
                        self.item(i);
                    }
                    self.scopes.pop();
                    self.module.pop();
                }
            }
            syn::Item::Const(c) => self.function(None, |w| {
                w.eval(&c.expr);
            }),
            syn::Item::Static(s) => self.function(None, |w| {
                w.eval(&s.expr);
            }),
            syn::Item::Macro(m) => self.item_macro(&m.mac),
            _ => {}
        }
    }

    fn impl_items(&mut self, i: &syn::ItemImpl) {
        let ty = match &*i.self_ty {
            syn::Type::Path(p) => p
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default(),
            _ => String::from("_"),
        };
        self.self_type
            .push(format!("{}::{ty}", self.module.join("::")));
        for it in &i.items {
            match it {
                syn::ImplItem::Fn(f) if !self.skip(&f.attrs) => {
                    let test = usize::from(f.attrs.iter().any(matchers::is_test_attr));
                    self.in_test += test;
                    self.function(Some(&f.sig), |w| {
                        w.eval_block(&f.block, false);
                    });
                    self.in_test -= test;
                }
                syn::ImplItem::Const(c) => self.function(None, |w| {
                    w.eval(&c.expr);
                }),
                syn::ImplItem::Macro(m) => self.item_macro(&m.mac),
                _ => {}
            }
        }
        self.self_type.pop();
    }

    /// A macro in item position: its body as items (`thread_local!`, `lazy_static!`) or code.
    fn item_macro(&mut self, mac: &syn::Macro) {
        if mac.path.is_ident("macro_rules") {
            return;
        }
        for tokens in [mac.tokens.clone(), matchers::strip_static_ref(&mac.tokens)] {
            if let Ok(file) = syn::parse2::<syn::File>(tokens) {
                self.declare_items(file.items.iter());
                for item in &file.items {
                    self.item(item);
                }
                return;
            }
        }
        self.function(None, |w| {
            w.eval_macro(mac);
        });
    }

    /// Walks a function, method or initializer body with fresh locals.
    fn function(&mut self, sig: Option<&syn::Signature>, body: impl FnOnce(&mut Self)) {
        let frames = std::mem::take(&mut self.frames);
        let returns = std::mem::take(&mut self.returns);
        let loops = std::mem::replace(&mut self.loops, 0);
        self.push(false);
        self.returns.push(Taint::default());
        let serializer = usize::from(sig.is_some_and(takes_serializer));
        self.in_serializer += serializer;
        if let Some(sig) = sig {
            for input in &sig.inputs {
                match input {
                    syn::FnArg::Typed(t) => {
                        let buffer = is_string_type(&t.ty);
                        self.bind_pat(&t.pat, &Taint::default(), Some((Text::default(), buffer)));
                    }
                    syn::FnArg::Receiver(_) => self.bind("self".to_owned(), Local::default()),
                }
            }
        }
        body(self);
        self.in_serializer -= serializer;
        self.frames = frames;
        self.returns = returns;
        self.loops = loops;
    }
}

/// `impl Serialize for T` (`serde::Serialize`, `ser::Serialize`).
fn implements_serialize(i: &syn::ItemImpl) -> bool {
    i.trait_
        .as_ref()
        .and_then(|(_, path, _)| path.segments.last())
        .is_some_and(|s| s.ident == "Serialize")
}

/// A serde `serialize_with` helper or `with` module's `serialize`: a function bounded by or
/// taking a `Serializer` (`fn ser<S: Serializer>(v: &T, s: S)`).
fn takes_serializer(sig: &syn::Signature) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_path_segment(&mut self, s: &'ast syn::PathSegment) {
            self.0 |= s.ident == "Serializer";
            syn::visit::visit_path_segment(self, s);
        }
    }
    let mut f = Find(false);
    syn::visit::Visit::visit_signature(&mut f, sig);
    f.0
}
