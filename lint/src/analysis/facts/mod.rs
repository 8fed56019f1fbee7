//! Per-file facts, computed in one walk of the syntax tree and shared by the rules and the
//! crate-wide join: string constants, functions that read the environment through a
//! parameter, direct environment reads, and calls that may reach such functions.
//!
//! One `Collector` walks the file (`walk`) and hands each kind of syntax to the file that
//! collects its fact: `names` evaluates what an expression names, `bindings` tracks what local
//! names and parameters hold, `env_reads` records reads of the environment, `calls` calls
//! that may reach one, `slots` names stored in and read from fields, `items` declarations,
//! `use`s (re-exports) and constants, `macros` the expansion of `macro_rules!`. What is
//! collected is described in `file_facts`; the read types themselves live in
//! [`crate::analysis::reads`], which name resolution and taint share without this walk.

mod bindings;
mod calls;
mod env_reads;
mod file_facts;
#[cfg(test)]
mod flow_tests;
mod items;
mod macros;
mod names;
mod slots;
mod walk;

pub use file_facts::{
    CallSite, Callee, ConstFact, FileFacts, FlowSink, FnFact, LibraryCall, MacroCall, MacroDefFact,
    PathCall, Reexport, SlotRead, SlotStore,
};
pub use macros::expand_elsewhere;
pub use names::local_template;

use std::collections::HashMap;
use std::rc::Rc;

use syn::visit::Visit;

use crate::analysis::depth::Depth;
use crate::analysis::matchers;
use crate::analysis::reads::NameExpr;
use crate::analysis::scope::{Resolved, Scopes};
use crate::analysis::taint;
use crate::config::Settings;
use crate::finding::Location;
use crate::input::source::SourceFile;
use crate::input::unit::ModuleUnit;

/// Walks `file` once and collects its facts; with `flows`, also the flows of secret values
/// into sinks (a second walk, see [`crate::analysis::taint`]).
pub fn collect(
    source: &SourceFile,
    settings: &Settings,
    unit: &ModuleUnit,
    file: &syn::File,
    flows: bool,
) -> FileFacts {
    let mut c = Collector {
        source,
        settings,
        out: FileFacts::empty(&source.display),
        scopes: Scopes::default(),
        module: unit.module.clone(),
        item_base: vec![unit.module.join("::")],
        self_type: Vec::new(),
        pending_vars: Vec::new(),
        override_loc: None,
        macro_defs: HashMap::new(),
        macro_bodies: Vec::new(),
        expanding: 0,
        expanding_name: None,
        evaluating: Depth::default(),
    };
    c.collect_macro_defs(file);
    c.scopes.push(true);
    c.declare_items(&file.items);
    for item in &file.items {
        c.visit_item(item);
    }
    c.scopes.pop();
    c.flush_vars(0, Vec::new());
    let mut out = c.out;
    if flows {
        out.flows = taint::flows(source, settings, unit, file, &out.reads);
    }
    out
}

/// What an expression evaluates to while walking one function.
#[derive(Clone, Debug)]
enum Value {
    Name(NameExpr),
    Param {
        owner: usize,
        index: usize,
        each: bool,
    },
}

/// The state of the one walk, shared by the collector files (each adds an `impl Collector`
/// block): where the walk is, what names mean there, and the facts found so far.
struct Collector<'a> {
    source: &'a SourceFile,
    settings: &'a Settings,
    out: FileFacts,
    scopes: Scopes,
    module: Vec<String>,
    /// Path prefix of items declared where we are (a module, or a function body).
    item_base: Vec<String>,
    self_type: Vec<String>,
    /// `std::env::vars()` calls in the current statement, answered when it ends.
    pending_vars: Vec<Location>,
    /// While walking a `macro_rules!` expansion: every fact points at the invocation.
    override_loc: Option<Location>,
    /// `macro_rules!` macros defined in this file, by name.
    macro_defs: HashMap<String, Rc<crate::analysis::macro_rules::MacroDef>>,
    /// Byte ranges of the `macro_rules!` definitions of this file.
    macro_bodies: Vec<crate::input::source::ByteSpan>,
    /// Nesting of macro expansions being walked.
    expanding: usize,
    /// The outermost macro being expanded, for messages.
    expanding_name: Option<String>,
    /// How deep [`Collector::eval`] has descended into the expression it evaluates.
    evaluating: Depth,
}

impl Collector<'_> {
    fn loc(&self, span: proc_macro2::Span) -> Location {
        self.override_loc
            .unwrap_or_else(|| Location::from_syn(self.source, span))
    }

    fn base(&self) -> &str {
        self.item_base.last().map_or("crate", String::as_str)
    }

    fn skip(&self, attrs: &[syn::Attribute]) -> bool {
        !self.settings.scan.tests && attrs.iter().any(matchers::is_test_attr)
    }

    fn resolve(&self, path: &syn::Path) -> Resolved {
        self.scopes.resolve(
            path,
            &self.module,
            self.self_type.last().map(String::as_str),
        )
    }
}
