//! vox-clavis-lint keeps secrets inside the Clavis boundary.
//!
//! The pipeline, one folder per stage and [`engine`] the one place that knows their order
//! (see `docs/architecture.md`):
//! [`input`] (walk, read, syntax check) -> [`analysis`] (facts, scopes, taint, crate-wide
//! join) -> [`rules`] -> [`verdict`] (suppressions, baselines, changed lines) -> [`render`].
//! [`config`] is the settings every stage reads; [`finding`] the plain data they hand on.
//! Only [`cli`] knows arguments and exit codes. Imports run one way, from `cli` down to
//! `input`; `lint/tests/conventions.rs` fails on an import against that order.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod engine;
pub mod finding;
pub mod input;
pub mod render;
pub mod rules;
pub mod verdict;

pub use config::Settings;
pub use engine::{CheckOptions, RunError, check};
pub use finding::{Finding, Severity};
pub use verdict::report::Report;
