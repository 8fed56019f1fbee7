//! The verdict stage: what turns the findings the rules produced into the findings that are
//! reported. Suppression comments ([`comments`], [`directives`], [`extents`], [`suppress`]),
//! baselines and the fingerprints they match on ([`baseline`], [`fingerprint`]), and the
//! filter to changed lines ([`diff`]); what is left is the run's [`report::Report`], which the
//! renderers turn into text.
//!
//! A verdict depends on findings and the source text, never on a rule's internals: the rule
//! names and metadata it checks suppressions against are handed in by the engine.

pub mod add_suppression;
pub mod baseline;
pub mod comments;
pub mod diff;
pub mod directives;
pub mod extents;
pub mod fingerprint;
pub mod report;
pub mod same_place;
pub mod suppress;
