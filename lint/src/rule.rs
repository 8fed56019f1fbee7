//! The rule contract: metadata captured from the rule's doc comment, and the per-file check.

use crate::config::Settings;
use crate::context::FileContext;
use crate::finding::Finding;
use crate::finding::Severity;
use crate::join::{CrateFacts, Question};
use crate::prefilter::{Needs, Triggers};

/// Where rule pages are published: a rule's page is `DOCS_BASE_URL` + name + `.md` (SARIF
/// `helpUri`).
pub const DOCS_BASE_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules/");

/// What every rule declares about itself. `docs` is the rule's doc comment, which is also its
/// documentation page (`explain`, `docs/rules/<name>.md`, SARIF `fullDescription`).
#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub default_severity: Severity,
    /// One line, lowercase, no final period: SARIF `shortDescription`, `rules` listing.
    pub summary: &'static str,
    /// Markdown from the rule's `///` comment, one leading space per line already stripped
    /// by [`RuleMeta::docs`].
    pub raw_docs: &'static str,
}

impl RuleMeta {
    /// The doc comment as Markdown (rustdoc keeps one leading space on each line).
    pub fn docs(&self) -> String {
        let mut out = String::new();
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// Relative link to the rule's page, from the repository root.
    pub fn doc_path(&self) -> String {
        format!("docs/rules/{}.md", self.name)
    }
}

/// A lint rule. `check` runs once per parsed file; rules that need crate-wide facts push
/// [`Question`]s that `answer` resolves after every file was seen.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;

    fn check(&self, _cx: &mut FileContext<'_>, _file: &syn::File) {}

    /// The strings a file must contain for this rule to fire in it; files no rule (and no
    /// crate-wide fact) needs are parsed but not walked ([`crate::prefilter`]). The default
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
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                name: $name,
                default_severity: $crate::finding::Severity::$sev,
                summary: $summary,
                raw_docs: concat!($($doc, "\n"),*),
            };
        }
    };
}
