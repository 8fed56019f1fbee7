//! vox-clavis-lint keeps secrets inside the Clavis boundary.
//!
//! The pipeline, one plain function per arrow (see [`engine`]):
//! walk -> read -> parse (syn) -> facts -> rules -> crate-wide join -> sort -> render.
//! Rules produce [`Finding`]s, plain data; only [`render`] turns them into text and only
//! [`cli`] knows arguments and exit codes.

pub mod baseline;
pub mod changes;
pub mod cli;
pub mod comments;
pub mod config;
pub mod context;
pub mod credentials;
pub mod derived;
pub mod directives;
pub mod docs;
pub mod engine;
pub mod extents;
pub mod facts;
pub mod finding;
pub mod fingerprint;
pub mod git;
pub mod join;
pub mod literals;
pub mod macro_rules;
pub mod matchers;
pub mod prefilter;
pub mod readers;
pub mod render;
pub mod report;
pub mod rule;
pub mod rules;
pub mod scope;
pub mod source;
pub mod suppress;
pub mod syntax;
pub mod taint;
pub mod unit;
pub mod walk;

pub use config::Settings;
pub use engine::{CheckOptions, RunError, check};
pub use finding::{Finding, Severity};
pub use report::Report;
