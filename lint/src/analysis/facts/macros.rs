//! `macro_rules!` handling: the macros a file defines, the expansion of their invocations
//! (walked like written code, every fact pointing at the invocation) and, for a macro defined
//! in another file, the invocation recorded for the join and expanded there
//! ([`expand_elsewhere`]).

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::{Collector, FileFacts, MacroCall, MacroDefFact};
use crate::analysis::depth::Depth;
use crate::analysis::macro_budget;
use crate::analysis::scope::Scopes;
use crate::config::Settings;
use crate::finding::Location;
use crate::input::source::SourceFile;

/// Std and logging macros, never looked up among the crate's own definitions.
const KNOWN_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "cfg",
    "column",
    "compile_error",
    "concat",
    "dbg",
    "debug",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "env",
    "eprint",
    "eprintln",
    "error",
    "file",
    "format",
    "format_args",
    "include",
    "include_bytes",
    "include_str",
    "info",
    "line",
    "macro_rules",
    "matches",
    "module_path",
    "option_env",
    "panic",
    "paste",
    "print",
    "println",
    "stringify",
    "thread_local",
    "todo",
    "trace",
    "unimplemented",
    "unreachable",
    "vec",
    "warn",
    "write",
    "writeln",
];

/// Expanded tokens one file (or one [`expand_elsewhere`] call) may walk, about what a 1 MB
/// file holds. The depth limit alone does not bound the work: a macro whose expansion invokes
/// itself `k` times is walked `k^8` times (`() => { m!(); m!(); ... }` with 8 calls: 16.7
/// million walks, minutes for 77 bytes; found by fuzzing, lint/tests/data/hostile/macro_fanout).
/// Past the budget an invocation is not expanded, as if its macro were unknown, and the
/// file is reported ([`macro_budget::ran_out_elsewhere`]).
const MAX_EXPANDED_TOKENS: usize = 250_000;

thread_local! {
    /// What is left of [`MAX_EXPANDED_TOKENS`] for the file this thread is collecting: reset
    /// where a file's collection starts ([`Collector::collect_macro_defs`],
    /// [`expand_elsewhere`]), as one thread collects one file at a time. (A field of
    /// [`Collector`] would do the same, in a second file.)
    static TOKENS_LEFT: Cell<usize> = const { Cell::new(MAX_EXPANDED_TOKENS) };
}

/// The tokens of `tokens`, groups and their contents, counted without recursion.
fn token_count(tokens: &TokenStream) -> usize {
    let mut n = 0;
    let mut pending = vec![tokens.clone()];
    while let Some(stream) = pending.pop() {
        for tree in stream {
            n += 1;
            if let TokenTree::Group(g) = tree {
                pending.push(g.stream());
            }
        }
    }
    n
}

/// The facts of one invocation of a macro defined in another file of the crate, every fact
/// pointing at the invocation. `defs` holds the definition (first) and the crate's other
/// macros it may invoke, as `(name, tokens)`. Functions the expansion declares are not added
/// to the crate's (an approximation: their reads are still seen, at the invocation).
pub fn expand_elsewhere(
    settings: &Settings,
    display: &str,
    call: &MacroCall,
    defs: &[(&str, &str)],
) -> FileFacts {
    TOKENS_LEFT.set(MAX_EXPANDED_TOKENS);
    // A budget of its own: what the thread's previous file left must not decide what this
    // expansion reads, or the findings would depend on which thread ran it.
    let len = call.tokens.len() + defs.iter().map(|(_, t)| t.len()).sum::<usize>();
    macro_budget::start(len);
    let source = SourceFile::new(display.into(), display.to_owned(), String::new());
    let parsed = |t: &str| {
        let tokens: TokenStream = t.parse().ok()?;
        crate::analysis::macro_rules::MacroDef::parse(&tokens).map(Rc::new)
    };
    let mut c = Collector {
        source: &source,
        settings,
        out: FileFacts::empty(display),
        scopes: Scopes::default(),
        module: call.module.clone(),
        item_base: vec![call.base.clone()],
        self_type: call.self_type.iter().cloned().collect(),
        pending_vars: Vec::new(),
        override_loc: None,
        macro_defs: defs
            .iter()
            .filter_map(|(n, t)| Some(((*n).to_owned(), parsed(t)?)))
            .collect(),
        macro_bodies: Vec::new(),
        expanding: 0,
        expanding_name: None,
        evaluating: Depth::default(),
    };
    let (Some(def), Ok(tokens)) = (
        c.macro_defs.get(&call.name).cloned(),
        call.tokens.parse::<TokenStream>(),
    ) else {
        return c.out;
    };
    c.scopes.push(true);
    c.expand_with(&def, &call.name, &tokens, call.location);
    c.scopes.pop();
    c.flush_vars(0, Vec::new());
    c.out
}

impl Collector<'_> {
    /// Records the `macro_rules!` macros this file defines (textual scope is not modelled:
    /// a name means the last definition of that name in the file).
    pub(super) fn collect_macro_defs(&mut self, file: &syn::File) {
        TOKENS_LEFT.set(MAX_EXPANDED_TOKENS);
        struct Defs<'s> {
            source: &'s SourceFile,
            defs: HashMap<String, Rc<crate::analysis::macro_rules::MacroDef>>,
            bodies: Vec<crate::input::source::ByteSpan>,
            facts: Vec<MacroDefFact>,
        }
        impl<'ast> Visit<'ast> for Defs<'_> {
            fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
                if m.mac.path.is_ident("macro_rules") {
                    self.bodies
                        .push(self.source.byte_span(m.mac.delimiter.span().join()));
                    if let (Some(ident), Some(def)) = (
                        &m.ident,
                        crate::analysis::macro_rules::MacroDef::parse(&m.mac.tokens),
                    ) {
                        self.defs.insert(ident.to_string(), Rc::new(def));
                        self.facts.push(MacroDefFact {
                            name: ident.to_string(),
                            tokens: m.mac.tokens.to_string(),
                        });
                    }
                }
            }
        }
        let mut d = Defs {
            source: self.source,
            defs: HashMap::new(),
            bodies: Vec::new(),
            facts: Vec::new(),
        };
        d.visit_file(file);
        self.macro_defs = d.defs;
        self.macro_bodies = d.bodies;
        self.out.macro_defs = d.facts;
    }

    /// Expands an invocation of a `macro_rules!` macro of this file and walks the expansion,
    /// every fact pointing at the invocation. `false` when it is not one or does not expand;
    /// a macro this file does not define is recorded for the join (see [`expand_elsewhere`]).
    pub(super) fn expand_macro(&mut self, mac: &syn::Macro) -> bool {
        const MAX_EXPANSION_DEPTH: usize = 8;
        let segs: Vec<String> = mac
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let name = match segs.as_slice() {
            [n] => n,
            [k, n] if k == "crate" || k == "self" => n,
            _ => return false,
        };
        if self.expanding >= MAX_EXPANSION_DEPTH {
            return false;
        }
        let Some(def) = self.macro_defs.get(name).cloned() else {
            if !KNOWN_MACROS.contains(&name.as_str()) {
                // Printing a token stream is slow (every `quote!` of a derive crate is one);
                // the source text between the delimiters is the same tokens, when there is one.
                let tokens = if self.expanding == 0 {
                    let group = self
                        .source
                        .slice(self.source.byte_span(mac.delimiter.span().join()));
                    group
                        .get(1..group.len().saturating_sub(1))
                        .unwrap_or("")
                        .to_owned()
                } else {
                    mac.tokens.to_string()
                };
                self.out.macro_calls.push(MacroCall {
                    name: name.clone(),
                    tokens,
                    module: self.module.clone(),
                    base: self.base().to_owned(),
                    self_type: self.self_type.last().cloned(),
                    location: self.loc(mac.span()),
                });
            }
            return false;
        };
        let at = Location::from_syn(self.source, mac.span());
        self.expand_with(&def, name, &mac.tokens, at)
    }

    /// Walks the expansion of `name!` (defined by `def`) with `input`, every fact at `at`
    /// unless an outer expansion already pins them.
    fn expand_with(
        &mut self,
        def: &crate::analysis::macro_rules::MacroDef,
        name: &str,
        input: &TokenStream,
        at: Location,
    ) -> bool {
        let Some(tokens) = def.expand(input) else {
            return false;
        };
        // An empty expansion costs a walk too.
        let cost = token_count(&tokens) + 1;
        let Some(left) = TOKENS_LEFT.get().checked_sub(cost) else {
            TOKENS_LEFT.set(0);
            macro_budget::ran_out_elsewhere();
            return false;
        };
        TOKENS_LEFT.set(left);
        let outer = self.override_loc;
        if outer.is_none() {
            self.override_loc = Some(at);
            self.expanding_name = Some(format!("{name}!"));
        }
        self.expanding += 1;
        self.walk_expansion(tokens);
        self.expanding -= 1;
        self.override_loc = outer;
        if outer.is_none() {
            self.expanding_name = None;
        }
        true
    }

    /// Walks expanded tokens as items, statements or an expression, whichever they parse as.
    pub(super) fn walk_expansion(&mut self, tokens: TokenStream) {
        if let Ok(file) = syn::parse2::<syn::File>(tokens.clone()) {
            self.declare_items(&file.items);
            for item in &file.items {
                self.visit_item(item);
            }
            return;
        }
        if let Some(items) = impl_items(&tokens) {
            let ty_path = self
                .self_type
                .last()
                .cloned()
                .unwrap_or_else(|| format!("{}::_", self.base()));
            self.impl_items(&ty_path, &items);
            return;
        }
        if let Ok(stmts) = syn::parse::Parser::parse2(syn::Block::parse_within, tokens) {
            for s in &stmts {
                self.visit_stmt(s);
            }
        }
    }
}

/// Tokens that parse as the items of an `impl` block (`fn`s with `self`, associated consts).
fn impl_items(tokens: &TokenStream) -> Option<Vec<syn::ImplItem>> {
    let wrapped: TokenStream = [
        TokenTree::Ident(proc_macro2::Ident::new(
            "impl",
            proc_macro2::Span::call_site(),
        )),
        TokenTree::Ident(proc_macro2::Ident::new(
            "__X",
            proc_macro2::Span::call_site(),
        )),
        TokenTree::Group(proc_macro2::Group::new(Delimiter::Brace, tokens.clone())),
    ]
    .into_iter()
    .collect();
    syn::parse2::<syn::ItemImpl>(wrapped).ok().map(|i| i.items)
}
