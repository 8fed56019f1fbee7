//! Direct reads of the environment: `std::env::var` and friends, `env!`, clap's
//! `#[arg(env)]`, `std::env::vars()` scans (answered with the literals their statement
//! compares), and the token scan for macro bodies that are not Rust syntax. A read of a
//! parameter becomes a sink of its function instead (see `bindings`).

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use syn::Expr;
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::{Collector, FlowSink, SlotRead, Value};
use crate::analysis::matchers::{self, EnvFn};
use crate::analysis::reads::{Arg, EnvRead, NameExpr};
use crate::analysis::scope::{Binding, Resolved};
use crate::finding::Location;
use crate::input::source::SourceFile;

impl Collector<'_> {
    /// Inside an expansion, whether `e` is a literal written in a `macro_rules!` body (the
    /// body scan reports reads of those where they are written).
    fn written_in_macro_body(&self, e: &Expr) -> bool {
        if self.expanding == 0 {
            return false;
        }
        let Expr::Lit(l) = e else {
            return false;
        };
        let at = self.source.byte_span(l.span());
        at.end > at.start
            && self
                .macro_bodies
                .iter()
                .any(|b| b.start <= at.start && at.end <= b.end)
    }

    pub(super) fn read(&mut self, reader: &str, name: &Expr, call: Location) {
        let expanded;
        let reader = match &self.expanding_name {
            Some(m) => {
                expanded = format!("`{reader}` in the expansion of `{m}`");
                expanded.as_str()
            }
            None => reader,
        };
        if let Some(slot) = self.field_slot(name) {
            self.out.slot_reads.push(SlotRead {
                slot,
                reader: reader.to_owned(),
                call,
            });
        }
        if self.written_in_macro_body(name) {
            // A literal read written in a `macro_rules!` body is reported there.
            return;
        }
        match self.eval(name) {
            Value::Name(NameExpr::Slot(slot)) => self.out.slot_reads.push(SlotRead {
                slot,
                reader: reader.to_owned(),
                call,
            }),
            Value::Param { owner, index, each } => self.out.fns[owner]
                .sinks
                .push(FlowSink::Read { param: index, each }),
            Value::Name(NameExpr::Unknown) => {}
            Value::Name(expr) => {
                let location = self.loc(name.span());
                self.out.reads.push(EnvRead {
                    reader: reader.to_owned(),
                    name: Arg { expr, location },
                    call,
                    iterates_all: false,
                });
            }
        }
    }

    /// The reader a path names, if it is a function reading one variable (`std::env::var`).
    pub(super) fn env_var_fn(&self, path: &syn::Path) -> Option<String> {
        match self.resolve(path) {
            Resolved::Paths(c) => c
                .into_iter()
                .find(|p| matchers::env_fn(p) == Some(EnvFn::Var)),
            Resolved::Local(_) => None,
        }
    }

    /// A read of each element an iterator yields, the element being `element`.
    pub(super) fn read_element(
        &mut self,
        reader: String,
        element: Option<Binding>,
        call: Location,
    ) {
        match element {
            Some(Binding::Param { owner, index, each }) => self.out.fns[owner]
                .sinks
                .push(FlowSink::Read { param: index, each }),
            Some(Binding::Name(expr)) => self.out.reads.push(EnvRead {
                reader,
                name: Arg {
                    expr,
                    location: call,
                },
                call,
                iterates_all: false,
            }),
            _ => {}
        }
    }

    pub(super) fn flush_vars(&mut self, from: usize, lits: Vec<Arg>) {
        for call in self.pending_vars.split_off(from) {
            self.out.reads.push(EnvRead {
                reader: "std::env::vars".to_owned(),
                name: Arg {
                    expr: NameExpr::List(lits.clone()),
                    location: call,
                },
                call,
                iterates_all: true,
            });
        }
    }

    pub(super) fn clap_fields(&mut self, attrs: &[syn::Attribute], fields: &syn::Fields) {
        let derives_clap = attrs.iter().any(|a| {
            a.path().is_ident("derive")
                && a.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|paths| {
                    paths.iter().any(|p| {
                        p.segments.last().is_some_and(|s| {
                            matches!(
                                s.ident.to_string().as_str(),
                                "Parser" | "Args" | "Subcommand" | "StructOpt"
                            )
                        })
                    })
                })
        });
        if !derives_clap {
            return;
        }
        for field in fields {
            for attr in &field.attrs {
                if !["arg", "clap", "structopt"]
                    .iter()
                    .any(|n| attr.path().is_ident(n))
                {
                    continue;
                }
                let Ok(metas) = attr.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                ) else {
                    continue;
                };
                for meta in metas {
                    match &meta {
                        syn::Meta::NameValue(nv) if nv.path.is_ident("env") => {
                            let call = self.loc(meta.span());
                            self.read("clap's `env` attribute", &nv.value, call);
                        }
                        syn::Meta::Path(p) if p.is_ident("env") => {
                            let Some(ident) = &field.ident else { continue };
                            let name = ident
                                .to_string()
                                .trim_start_matches("r#")
                                .to_ascii_uppercase();
                            let location = self.loc(p.span());
                            self.out.reads.push(EnvRead {
                                reader: "clap's `env` attribute".to_owned(),
                                name: Arg {
                                    expr: NameExpr::Lit(name),
                                    location,
                                },
                                call: location,
                                iterates_all: false,
                            });
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// Last resort for macro bodies that are not Rust syntax: finds `env!("..")`,
    /// `option_env!("..")` and `path::to::var("..")` token patterns.
    pub(super) fn scan_tokens(&mut self, tokens: &TokenStream) {
        let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
        let mut i = 0;
        while i < tts.len() {
            match &tts[i] {
                TokenTree::Group(g) => {
                    self.scan_tokens(&g.stream());
                    i += 1;
                }
                TokenTree::Ident(id) => {
                    let is_bang =
                        matches!(tts.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                    if (id == "env" || id == "option_env") && is_bang {
                        if let Some(TokenTree::Group(g)) = tts.get(i + 2)
                            && let Some(lit) = first_str_literal(&g.stream())
                        {
                            let location = self.loc(lit.span());
                            self.out.reads.push(EnvRead {
                                reader: format!("{id}!"),
                                name: Arg {
                                    expr: NameExpr::Lit(lit.value()),
                                    location,
                                },
                                call: location,
                                iterates_all: false,
                            });
                        }
                        i += 3;
                        continue;
                    }
                    let (segs, next) = read_path(&tts, i);
                    if let Some(TokenTree::Group(g)) = tts.get(next)
                        && g.delimiter() == Delimiter::Parenthesis
                    {
                        let (first, rest) = segs.split_first().expect("path has a segment");
                        let is_var =
                            match self
                                .scopes
                                .resolve_segments(first, rest, &self.module, None)
                            {
                                Resolved::Paths(c) => {
                                    c.iter().any(|p| matchers::env_fn(p) == Some(EnvFn::Var))
                                }
                                Resolved::Local(_) => false,
                            };
                        if is_var && let Some(lit) = first_str_literal(&g.stream()) {
                            let location = self.loc(lit.span());
                            self.out.reads.push(EnvRead {
                                reader: segs.join("::"),
                                name: Arg {
                                    expr: NameExpr::Lit(lit.value()),
                                    location,
                                },
                                call: location,
                                iterates_all: false,
                            });
                        }
                    }
                    i = next;
                }
                _ => i += 1,
            }
        }
    }
}

/// Collects the string literals of a statement (what an `env::vars()` scan compares against).
pub(super) struct LitCollector<'a> {
    pub(super) source: &'a SourceFile,
    pub(super) out: Vec<Arg>,
}

impl<'ast> Visit<'ast> for LitCollector<'_> {
    fn visit_lit_str(&mut self, s: &'ast syn::LitStr) {
        self.out.push(Arg {
            expr: NameExpr::Lit(s.value()),
            location: Location::from_syn(self.source, s.span()),
        });
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(args) = matchers::macro_exprs(&mac.tokens) {
            for e in &args {
                self.visit_expr(e);
            }
        }
    }
}

fn read_path(tts: &[TokenTree], start: usize) -> (Vec<String>, usize) {
    let mut segs = Vec::new();
    let mut i = start;
    while let Some(TokenTree::Ident(id)) = tts.get(i) {
        segs.push(id.to_string());
        i += 1;
        match (tts.get(i), tts.get(i + 1)) {
            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':' =>
            {
                i += 2;
            }
            _ => break,
        }
    }
    (segs, i.max(start + 1))
}

fn first_str_literal(tokens: &TokenStream) -> Option<syn::LitStr> {
    let first = tokens.clone().into_iter().next()?;
    syn::parse2::<syn::LitStr>(TokenStream::from(first)).ok()
}
