//! The analysis stage: what the syntax of a file means for secrets, computed once and read by
//! every rule. Per-file [`facts`] (constants, environment reads, calls), the read types they
//! share with name resolution ([`scope`]) and value flow ([`taint`]) in [`reads`], the
//! crate-wide [`join`] that answers what one file cannot, `macro_rules!` expansion, literal
//! and credential recognition, inventories declared in code ([`derived`]) and the
//! [`prefilter`] that decides which files need how much of it.
//!
//! Analysis reads the settings and the input; it knows no rule. Rules hand in what they need
//! (their triggers, their questions), so a new rule never changes this folder's imports.

pub mod credentials;
pub mod derived;
pub mod facts;
pub mod join;
pub mod literals;
pub mod macro_rules;
pub mod matchers;
pub mod prefilter;
pub mod reads;
pub mod scope;
pub mod taint;
