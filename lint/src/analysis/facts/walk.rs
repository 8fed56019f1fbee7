//! The one walk of a file's syntax tree: which syntax goes to which collector, and the scopes
//! pushed and popped on the way (modules, functions, blocks, arms, loops).

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

use super::bindings::{pat_ident, typed_params};
use super::env_reads::LitCollector;
use super::names::last_segment;
use super::slots::constructor_slot;
use super::{Callee, Collector, Value};
use crate::analysis::macro_budget;
use crate::analysis::matchers::{self, EnvFn};
use crate::analysis::scope::{Binding, Resolved};

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            _ => &[],
        };
        if attrs.iter().any(matchers::is_test_attr) {
            if let syn::Item::Mod(m) = item
                && m.content.is_none()
            {
                let mut path = self.module.clone();
                path.push(m.ident.to_string());
                self.out.test_modules.push(path.join("::"));
            }
            if self.skip(attrs) {
                return;
            }
        }
        visit::visit_item(self, item);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let Some((_, items)) = &m.content else {
            return;
        };
        self.module.push(m.ident.to_string());
        self.item_base.push(self.module.join("::"));
        self.scopes.push(true);
        self.declare_items(items);
        for item in items {
            self.visit_item(item);
        }
        self.scopes.pop();
        self.item_base.pop();
        self.module.pop();
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let name = f.sig.ident.to_string();
        let path = format!("{}::{name}", self.base());
        let params = typed_params(&f.sig);
        self.function(path, name, false, params, |c| c.visit_block(&f.block));
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let ty = match &*i.self_ty {
            syn::Type::Path(p) => p
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default(),
            _ => String::from("_"),
        };
        let ty_path = format!("{}::{ty}", self.base());
        self.self_type.push(ty_path.clone());
        self.impl_items(&ty_path, &i.items);
        self.self_type.pop();
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        let ty_path = format!("{}::{}", self.base(), t.ident);
        self.self_type.push(ty_path.clone());
        for item in &t.items {
            match item {
                syn::TraitItem::Fn(f) => {
                    if let Some(block) = &f.default {
                        let name = f.sig.ident.to_string();
                        let params = typed_params(&f.sig);
                        self.function(format!("{ty_path}::{name}"), name, true, params, |c| {
                            c.visit_block(block)
                        });
                    }
                }
                syn::TraitItem::Const(k) => {
                    if let Some((_, e)) = &k.default {
                        self.constant(format!("{ty_path}::{}", k.ident), e);
                    }
                }
                _ => {}
            }
        }
        self.self_type.pop();
    }

    fn visit_item_const(&mut self, k: &'ast syn::ItemConst) {
        self.constant(format!("{}::{}", self.base(), k.ident), &k.expr);
    }

    fn visit_item_static(&mut self, k: &'ast syn::ItemStatic) {
        self.constant(format!("{}::{}", self.base(), k.ident), &k.expr);
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        self.clap_fields(&s.attrs, &s.fields);
        visit::visit_item_struct(self, s);
    }

    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        for v in &e.variants {
            self.clap_fields(&e.attrs, &v.fields);
        }
        visit::visit_item_enum(self, e);
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.scopes.push(false);
        let items: Vec<syn::Item> = b
            .stmts
            .iter()
            .filter_map(|s| match s {
                syn::Stmt::Item(i) => Some(i.clone()),
                _ => None,
            })
            .collect();
        self.declare_items(&items);
        for s in &b.stmts {
            self.visit_stmt(s);
        }
        self.scopes.pop();
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        let before = self.pending_vars.len();
        visit::visit_stmt(self, s);
        if self.pending_vars.len() > before {
            let mut lits = LitCollector {
                source: self.source,
                out: Vec::new(),
            };
            lits.visit_stmt(s);
            self.flush_vars(before, lits.out);
        }
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        let Some(init) = &l.init else {
            self.bind_pat(&l.pat, None);
            return;
        };
        if let (Expr::Closure(c), Some(ident)) = (&*init.expr, pat_ident(&l.pat)) {
            let path = format!("{}::{{closure}}::{ident}", self.base());
            let params: Vec<&Pat> = c.inputs.iter().collect();
            self.function(path.clone(), ident.clone(), false, params, |this| {
                this.visit_expr(&c.body)
            });
            self.scopes.bind(ident, Binding::Closure(path));
            return;
        }
        self.visit_expr(&init.expr);
        if let Some((_, diverge)) = &init.diverge {
            self.visit_expr(diverge);
        }
        let binding = match self.eval(&init.expr) {
            Value::Param { owner, index, each } => Binding::Param { owner, index, each },
            Value::Name(n) => Binding::Name(n),
        };
        self.bind_pat(&l.pat, Some(binding));
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*call.func {
            // A call's span is printed from its whole token tree: taken only when used, or
            // nested calls `f(f(f(..)))` cost the square of their depth.
            let location = |c: &Self| c.loc(call.span());
            let name = last_segment(&p.path);
            match self.resolve(&p.path) {
                Resolved::Local(Binding::Closure(path)) => {
                    let callee = Callee {
                        candidates: vec![path],
                        name,
                        is_method: false,
                    };
                    self.call(callee, call.args.iter(), call);
                }
                Resolved::Local(_) => {}
                Resolved::Paths(candidates) => {
                    match candidates
                        .iter()
                        .find_map(|c| matchers::env_fn(c).map(|k| (c, k)))
                    {
                        Some((reader, EnvFn::Var)) => {
                            if let Some(arg) = call.args.first() {
                                let reader = reader.clone();
                                let location = location(self);
                                self.read(&reader, arg, location);
                            }
                        }
                        Some((_, EnvFn::All)) => {
                            let location = location(self);
                            self.pending_vars.push(location);
                        }
                        None if self.library_call(&candidates, p.span()) => {}
                        None if !call.args.is_empty()
                            && constructor_slot(&candidates, &p.path, 0).is_some() =>
                        {
                            for (i, a) in call.args.iter().enumerate() {
                                if let Some(slot) = constructor_slot(&candidates, &p.path, i) {
                                    self.store(slot, a);
                                }
                            }
                        }
                        None => {
                            let segs = &p.path.segments;
                            let is_method = segs.len() >= 2
                                && segs[segs.len() - 2]
                                    .ident
                                    .to_string()
                                    .starts_with(|c: char| c.is_ascii_uppercase());
                            let callee = Callee {
                                candidates,
                                name,
                                is_method,
                            };
                            self.call(callee, call.args.iter(), call);
                        }
                    }
                }
            }
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let callee = Callee {
            candidates: Vec::new(),
            name: m.method.to_string(),
            is_method: true,
        };
        self.call(callee, m.args.iter(), m);
        self.visit_expr(&m.receiver);
        let element = self.element_binding(&m.receiver);
        for arg in &m.args {
            match arg {
                Expr::Closure(c) => self.closure(c, element.clone()),
                Expr::Path(p) => {
                    // Point-free: `names.iter().map(std::env::var)` reads each element.
                    if let Some(reader) = self.env_var_fn(&p.path) {
                        self.read_element(reader, element.clone(), self.loc(p.span()));
                    }
                }
                other => self.visit_expr(other),
            }
        }
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.closure(c, None);
    }

    fn visit_expr_struct(&mut self, e: &'ast syn::ExprStruct) {
        let ty = self.struct_key(&e.path);
        for f in &e.fields {
            if let syn::Member::Named(m) = &f.member {
                self.store(format!("{ty}.{m}"), &f.expr);
            }
        }
        visit::visit_expr_struct(self, e);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        self.visit_expr(&m.expr);
        let binding = self.binding_of(&m.expr);
        for arm in &m.arms {
            self.scopes.push(false);
            self.bind_pat(&arm.pat, Some(binding.clone()));
            if let Some((_, guard)) = &arm.guard {
                self.visit_expr(guard);
            }
            self.visit_expr(&arm.body);
            self.scopes.pop();
        }
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.scopes.push(false);
        self.condition(&i.cond);
        self.visit_block(&i.then_branch);
        self.scopes.pop();
        if let Some((_, e)) = &i.else_branch {
            self.visit_expr(e);
        }
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.scopes.push(false);
        self.condition(&w.cond);
        self.visit_block(&w.body);
        self.scopes.pop();
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        let element = self.element_binding(&f.expr);
        self.scopes.push(false);
        self.bind_pat(&f.pat, element);
        self.visit_block(&f.body);
        self.scopes.pop();
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Resolved::Paths(c) = self.resolve(&mac.path) {
            let c: Vec<String> = c.into_iter().map(|p| p + "!").collect();
            self.library_call(&c, mac.path.span());
        }
        if !macro_budget::allow(&mac.tokens) {
            return;
        }
        if self.expand_macro(mac) {
            return;
        }
        if mac.path.segments.last().is_some_and(|s| s.ident == "paste") {
            self.walk_expansion(crate::analysis::macro_rules::paste(&mac.tokens));
            return;
        }
        if let Some(reader) = matchers::env_macro(&mac.path) {
            if let Some(first) =
                matchers::macro_exprs(&mac.tokens).and_then(|a| a.into_iter().next())
            {
                let call = self.loc(mac.span());
                self.read(reader, &first, call);
            }
            return;
        }
        if mac.path.is_ident("macro_rules") {
            self.scan_tokens(&mac.tokens);
            return;
        }
        if let Some(args) = matchers::macro_exprs(&mac.tokens) {
            for e in &args {
                self.visit_expr(e);
            }
            return;
        }
        for tokens in [mac.tokens.clone(), matchers::strip_static_ref(&mac.tokens)] {
            if let Ok(file) = syn::parse2::<syn::File>(tokens) {
                self.declare_items(&file.items);
                for item in &file.items {
                    self.visit_item(item);
                }
                return;
            }
        }
        if let Ok(stmts) = syn::parse::Parser::parse2(syn::Block::parse_within, mac.tokens.clone())
        {
            self.scopes.push(false);
            for s in &stmts {
                self.visit_stmt(s);
            }
            self.scopes.pop();
            return;
        }
        for chunk in matchers::split_chunks(&mac.tokens) {
            match syn::parse2::<Expr>(chunk.clone()) {
                Ok(e) => self.visit_expr(&e),
                Err(_) => self.scan_tokens(&chunk),
            }
        }
    }
}
