//! What a rule is, as data: its name, default severity, summary and documentation. Findings
//! name their rule; configuration, suppressions and renderers look its metadata up here
//! without depending on the rules themselves.

use super::Severity;

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
