//! The rule contract: the per-file check, the crate-wide answer, and the macro that captures a
//! rule's doc comment as its [`RuleMeta`].

use crate::analysis::join::{CrateFacts, Question};
use crate::analysis::prefilter::{Needs, Triggers};
use crate::config::Settings;
use crate::finding::{Finding, RuleMeta};
use crate::rules::context::FileContext;

/// A lint rule. `check` runs once per parsed file; rules that need crate-wide facts push
/// [`Question`]s that `answer` resolves after every file was seen.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;

    fn check(&self, _cx: &mut FileContext<'_>, _file: &syn::File) {}

    /// The strings a file must contain for this rule to fire in it; files no rule (and no
    /// crate-wide fact) needs are parsed but not walked ([`crate::analysis::prefilter`]). The default
    /// sends every file to every rule; `prefilter::tests` requires each rule to declare its
    /// own, and `lint/tests/fixtures.rs` runs every fixture with and without them.
    fn triggers(&self, _settings: &Settings) -> Triggers {
        Triggers::always()
    }

    /// What the rule reads besides the tree: a file whose triggers are all of rules that
    /// need less is spared the facts walk, or the taint walk ([`Needs`]). A rule that needs
    /// less than it says sees empty facts in such a file and misses what it should find; the
    /// fixture test runs every case with and without the prefilter to catch that.
    fn needs(&self) -> Needs {
        Needs::Flows
    }

    fn answer(
        &self,
        _settings: &Settings,
        _facts: &CrateFacts,
        _question: &Question,
        _out: &mut Vec<Finding>,
    ) {
    }
}

/// Declares a rule type and its [`RuleMeta`] from its doc comment (as clippy's
/// `declare_clippy_lint!`), so code and documentation cannot drift.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $ty:ident {
            name: $name:literal,
            severity: $sev:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $ty;

        impl $ty {
            pub const META: $crate::finding::RuleMeta = $crate::finding::RuleMeta {
                name: $name,
                default_severity: $crate::finding::Severity::$sev,
                summary: $summary,
                raw_docs: concat!($($doc, "\n"),*),
            };
        }
    };
}
