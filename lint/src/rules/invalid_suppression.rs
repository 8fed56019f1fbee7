//! `invalid-suppression`: a suppression comment that is malformed, names an unknown rule, or
//! gives no reason.
//!
//! Findings are made by [`crate::verdict::suppress`] while it reads the comments; the rule itself
//! checks nothing.

use crate::analysis::prefilter::{Needs, Triggers};
use crate::config::Settings;
use crate::declare_rule;
use crate::finding::RuleMeta;
use crate::rules::rule::Rule;
use crate::verdict::directives;

declare_rule! {
    /// ## What it does
    /// Flags suppression comments that cannot be trusted as written:
    ///
    /// - no reason after `--`, while `[suppressions] require-reason` is `true` (the default);
    ///   the finding it names is still suppressed, and this finding takes its place;
    /// - a rule name that no rule has (a typo silences nothing, so the finding it meant to
    ///   silence is still reported too);
    /// - a rule that cannot be silenced by a comment (`unparsable-file`, `internal-error`,
    ///   and the suppression rules themselves);
    /// - a comment that starts with `vox-clavis-lint:` but does not follow
    ///   `allow(rule, ...) -- reason`; it suppresses nothing.
    ///
    /// ## Why is this bad?
    /// A suppression is an exception to a security check that reviewers must be able to
    /// audit. Without a reason they cannot tell a justified case (a public test key) from a
    /// silenced leak, and a misspelt rule name looks like a suppression but does nothing.
    ///
    /// ## Example
    /// ```rust
    /// fn client_key() -> Option<String> {
    ///     std::env::var("OPENAI_API_KEY").ok() // vox-clavis-lint: allow(secret-env-read)
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust
    /// fn client_key() -> Option<String> {
    ///     // vox-clavis-lint: allow(secret-env-read) -- bootstrap before the resolver exists
    ///     std::env::var("OPENAI_API_KEY").ok()
    /// }
    /// ```
    ///
    /// ## Options
    /// `[suppressions] require-reason = false` accepts comments without a reason. The rule
    /// takes only `severity` in its own table.
    pub struct InvalidSuppression {
        name: "invalid-suppression",
        severity: Error,
        summary: "a suppression comment is malformed, names an unknown rule or gives no reason",
    }
}

impl Rule for InvalidSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn needs(&self) -> Needs {
        Needs::Tree
    }

    fn triggers(&self, _settings: &Settings) -> Triggers {
        Triggers::any([directives::MARKER])
    }
}
