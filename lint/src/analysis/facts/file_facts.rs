//! What one file contributes ([`FileFacts`]) and the kinds of fact it holds besides the
//! environment reads of [`crate::analysis::reads`]: functions whose parameters reach a read,
//! calls, library calls, re-exports, slot stores and reads, constants and macros.
//!
//! The shapes only, in one place: the join and the rules read these, the collectors in the
//! sibling files fill them.

use crate::analysis::reads::{Arg, EnvRead, NameExpr};
use crate::analysis::taint::Flow;
use crate::finding::Location;

/// Which function a call goes to, as far as one file can tell.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Callee {
    /// Absolute paths this call may resolve to, most likely first.
    pub candidates: Vec<String>,
    /// The last path segment or method name.
    pub name: String,
    pub is_method: bool,
}

/// A call with at least one argument that may be a secret name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallSite {
    pub callee: Callee,
    pub args: Vec<Arg>,
    pub location: Location,
}

/// How a function's parameter reaches an environment read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowSink {
    /// Read directly; `each`: an element of the parameter is read.
    Read { param: usize, each: bool },
    /// Stored in a slot (a tuple field or a named field).
    Store {
        slot: String,
        param: usize,
        each: bool,
    },
    /// Passed on as argument `arg` of another call.
    Forward {
        callee: Callee,
        arg: usize,
        param: usize,
        each: bool,
    },
}

/// A function or let-bound closure whose parameters reach the environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnFact {
    pub path: String,
    pub name: String,
    pub is_method: bool,
    pub sinks: Vec<FlowSink>,
}

/// A call of a catalogued library entry point (`teloxide::Bot::from_env()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LibraryCall {
    /// Index into the run's [`crate::config::readers::Readers`].
    pub entry: usize,
    pub location: Location,
}

/// A call of a path of this crate whose last segment is catalogued: a re-export of a library
/// entry point (`crate::tg::Bot::from_env`) is only known crate-wide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathCall {
    pub candidates: Vec<String>,
    pub location: Location,
}

/// A module-level `use`: `path` (`crate::tg::Bot`) stands for `target` (`teloxide::Bot`); a
/// glob (`path` is then the module) brings in everything under `target`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reexport {
    pub path: String,
    pub target: String,
    pub glob: bool,
}

/// A name stored in a slot (`AuthData::FromEnv("OPENAI_API_KEY".into())`,
/// `Provider { key_env: "GROQ_API_KEY" }`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotStore {
    pub slot: String,
    pub name: Arg,
}

/// An environment read of whatever a slot holds (`AuthData::FromEnv(n) => env::var(n)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotRead {
    pub slot: String,
    pub reader: String,
    pub call: Location,
}

/// A string constant (or list of them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstFact {
    pub path: String,
    pub value: NameExpr,
}

/// Everything one file contributes.
#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    pub display: String,
    pub consts: Vec<ConstFact>,
    pub fns: Vec<FnFact>,
    pub reads: Vec<EnvRead>,
    pub calls: Vec<CallSite>,
    /// Module paths declared by `#[cfg(test)] mod x;` in this file.
    pub test_modules: Vec<String>,
    /// Secret values reaching sinks (see [`crate::analysis::taint`]).
    pub flows: Vec<Flow>,
    pub library_calls: Vec<LibraryCall>,
    pub path_calls: Vec<PathCall>,
    pub reexports: Vec<Reexport>,
    pub stores: Vec<SlotStore>,
    pub slot_reads: Vec<SlotRead>,
    /// The `macro_rules!` macros this file defines, for invocations in other files.
    pub macro_defs: Vec<MacroDefFact>,
    /// Invocations of macros this file does not define, expanded by the join.
    pub macro_calls: Vec<MacroCall>,
}

/// A `macro_rules!` definition, as text: token streams cannot cross threads.
#[derive(Clone, Debug)]
pub struct MacroDefFact {
    pub name: String,
    pub tokens: String,
}

/// An invocation of a macro the file does not define (`impl_adapter!(..)` with the macro in
/// another file of the crate): the join expands it when the crate defines the name once.
#[derive(Clone, Debug)]
pub struct MacroCall {
    pub name: String,
    /// What is between the delimiters, as text.
    pub tokens: String,
    /// The module and item path prefix where it is invoked, and the `Self` type if any.
    pub module: Vec<String>,
    pub base: String,
    pub self_type: Option<String>,
    pub location: Location,
}

impl FileFacts {
    pub fn empty(display: &str) -> Self {
        FileFacts {
            display: display.to_owned(),
            ..FileFacts::default()
        }
    }
}
