//! Declarations: every item and `use` of a module or block is declared before its bodies are
//! walked, since Rust code may name an item declared further down. Module-level `use`s are
//! also the file's re-exports, which only the join can follow; the items of `impl` blocks and
//! string constants are collected here too.

use syn::Expr;
use syn::visit::Visit;

use super::bindings::typed_params;
use super::{Collector, ConstFact, Reexport, Value};
use crate::analysis::reads::NameExpr;

impl Collector<'_> {
    /// Declares the items of a module or block in the innermost scope, then its `use`s.
    pub(super) fn declare_items(&mut self, items: &[syn::Item]) {
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

    pub(super) fn constant(&mut self, path: String, expr: &Expr) {
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

    /// The items of an `impl` block of the type at `ty_path` (already the current self type).
    pub(super) fn impl_items(&mut self, ty_path: &str, items: &[syn::ImplItem]) {
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
