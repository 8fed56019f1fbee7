//! The input stage: which files a run checks and what they hold, before any rule looks at
//! them. Walking the tree, reading a file into a line-indexed [`source::SourceFile`], placing
//! it in its crate and module ([`unit`]), the cheap syntax check for files no rule needs
//! ([`syntax`]), the nesting measure that keeps deep files from every recursive stage
//! ([`nesting`]), what git says changed ([`git`], [`changes`]), and long lines cut around a span before
//! any snippet shows them ([`clip`]).
//!
//! Nothing here knows about rules, settings or findings: it is the bottom of the pipeline.

pub mod changes;
pub mod clip;
pub mod git;
pub mod nesting;
pub mod source;
pub mod syntax;
pub mod unit;
pub mod walk;
