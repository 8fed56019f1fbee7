//! `unused-suppression`: a suppression comment that silences nothing (Ruff's RUF100).
//!
//! Findings are made by [`crate::verdict::suppress`], which knows which comments were used; the rule
//! itself checks nothing.

use crate::analysis::prefilter::{Needs, Triggers};
use crate::config::Settings;
use crate::declare_rule;
use crate::finding::RuleMeta;
use crate::rules::rule::Rule;
use crate::verdict::directives;

declare_rule! {
    /// ## What it does
    /// Flags a rule named in a suppression comment (`// vox-clavis-lint: allow(..) -- reason`)
    /// when no finding of that rule is silenced by it: the code it excused was fixed, moved,
    /// or never triggered the rule.
    ///
    /// A rule that is turned off for the file (by `[rules.<rule>] severity = "off"` or an
    /// `[[overrides]]` entry) is not reported: its suppression may be needed again when the
    /// rule is turned back on.
    ///
    /// ## Why is this bad?
    /// A stale suppression is a hole kept open for nothing: the next secret read written on
    /// that line or inside that item is silenced without review, under a reason that was
    /// written for other code.
    ///
    /// ## Example
    /// ```rust
    /// fn home() -> Option<String> {
    ///     // vox-clavis-lint: allow(secret-env-read) -- the test key is public
    ///     std::env::var("HOME").ok()
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust
    /// fn home() -> Option<String> {
    ///     std::env::var("HOME").ok()
    /// }
    /// ```
    ///
    /// ## Fix
    /// Safe: the comment is deleted (with its line when it stands alone, with the blanks
    /// before it when it follows code), or, when its other rules still silence something, only
    /// the unused rule's name and its comma.
    ///
    /// ## Options
    /// Only `severity`. This rule's own findings cannot be silenced by a comment; turn it off
    /// for some paths with `[[overrides]]` instead.
    pub struct UnusedSuppression {
        name: "unused-suppression",
        severity: Warning,
        summary: "a suppression comment silences nothing",
    }
}

impl Rule for UnusedSuppression {
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
