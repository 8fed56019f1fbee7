//! What an environment read names, as far as one file can tell: the name expression
//! ([`NameExpr`]), an argument with where it is written ([`Arg`]) and a direct read
//! ([`EnvRead`]).
//!
//! Plain data, kept out of [`super::facts`] (the walk that finds them): name resolution
//! ([`super::scope`]) binds names to these expressions and value flow ([`super::taint`]) starts
//! at these reads, and both must be usable without importing the walk that calls them.

use crate::finding::Location;

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
    /// Whatever the crate stores in a slot: a field of a tuple struct or enum variant
    /// (`AuthData::FromEnv.0`) or a named field (`.token_env`), bound by a pattern.
    Slot(String),
    /// Upper- (`true`) or lower-cased at run time (`.to_ascii_uppercase()`).
    Case(Box<NameExpr>, bool),
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
