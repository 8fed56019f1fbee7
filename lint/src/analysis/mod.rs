//! The analysis stage: what the syntax of a file means for secrets, computed once and read by
//! every rule. Per-file [`facts`] (constants, environment reads, calls), the read types they
//! share with name resolution ([`scope`]) and value flow ([`taint`]) in [`reads`], the
//! crate-wide [`join`] that answers what one file cannot, `macro_rules!` expansion, literal
//! and credential recognition, inventories declared in code ([`derived`]) the
//! [`prefilter`] that decides which files need how much of it, the [`depth`] bound that
//! keeps the questions they ask of a sub-tree linear, and the [`macro_budget`] that keeps the
//! parsing of nested macro arguments linear.
//!
//! The matching helpers of a rule live here too, beside the shared [`matchers`], so a rule file
//! holds its documentation, its walk and its findings: which field and type names say they hold
//! a secret ([`secret_field_names`]), which types print their contents with `Debug`
//! ([`printed_types`]), what a type's attributes say about its `Debug` output
//! ([`debug_attrs`]), which names hold a credential's value ([`secret_value_names`]), the places
//! in the code that say a literal is a credential ([`credential_places`]) and `Bearer`/`Basic`
//! authorization header values ([`auth_headers`]).
//!
//! Analysis reads the settings and the input; it knows no rule. Rules hand in what they need
//! (their triggers, their questions), so a new rule never changes this folder's imports.

pub mod assembled;
pub mod auth_headers;
pub mod credential_places;
pub mod credentials;
pub mod debug_attrs;
pub mod depth;
pub mod derived;
pub mod embedded;
pub mod facts;
pub mod join;
pub mod literals;
pub mod macro_budget;
pub mod macro_rules;
pub mod matchers;
pub mod prefilter;
pub mod printed_types;
pub mod reads;
pub mod resolver_fix;
pub mod scope;
pub mod secret_field_names;
pub mod secret_value_names;
pub mod taint;
