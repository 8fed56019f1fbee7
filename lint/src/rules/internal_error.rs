//! `internal-error`: a panic while checking one file becomes a finding; the run goes on.

use crate::analysis::prefilter::{Needs, Triggers};
use crate::config::Settings;
use crate::declare_rule;
use crate::finding::RuleMeta;
use crate::finding::{Finding, Location};
use crate::rules::rule::Rule;

/// The finding for a file whose check panicked with `what`.
pub fn finding(path: &str, what: &str) -> Finding {
    let meta = &InternalError::META;
    Finding::new(
        meta.name,
        meta.default_severity,
        path,
        Location::file_start(),
        format!("internal error while checking this file: {what}"),
    )
    .with_help("this is a bug in vox-clavis-lint; please report it with the file")
}

declare_rule! {
    /// ## What it does
    /// Reports a file whose check stopped on an internal error of the linter (a bug). The
    /// other files are still checked.
    ///
    /// ## Why is this bad?
    /// The file was not fully checked, so findings in it may be missing. Please report it with
    /// the file (or a reduced copy) so the bug can be fixed.
    ///
    /// ## Example
    /// Any file that triggers a bug in a rule.
    ///
    /// Use instead:
    /// Exclude the file with `--exclude` until the bug is fixed, and report it.
    pub struct InternalError {
        name: "internal-error",
        severity: Error,
        summary: "the linter failed on this file; it was not fully checked",
    }
}

impl Rule for InternalError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn needs(&self) -> Needs {
        Needs::Tree
    }

    fn triggers(&self, _settings: &Settings) -> Triggers {
        Triggers::never()
    }
}
