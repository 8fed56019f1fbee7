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

/// The name among `names` that `written` most likely means: the same name in another case or
/// with `_` or spaces for `-`, else the closest by edit distance when it is close enough to be
/// a typo (at most a third of the name's length, and at most 3 edits).
pub fn closest<'a>(written: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let normalised = written.trim().to_lowercase().replace(['_', ' '], "-");
    let mut best: Option<(usize, &'a str)> = None;
    for name in names {
        if name == normalised {
            return Some(name);
        }
        let distance = strsim::levenshtein(&normalised, name);
        if distance <= 3 && distance * 3 <= name.len() && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, name));
        }
    }
    best.map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::closest;

    const NAMES: [&str; 3] = ["secret-env-read", "secret-in-log", "secret-in-url"];

    #[test]
    fn near_spellings_find_their_rule() {
        assert_eq!(closest("SECRET_ENV_READ", NAMES), Some("secret-env-read"));
        assert_eq!(closest("secret-env-red", NAMES), Some("secret-env-read"));
        assert_eq!(closest("secret-in-lgo", NAMES), Some("secret-in-log"));
        assert_eq!(closest("secrets-in-url", NAMES), Some("secret-in-url"));
    }

    #[test]
    fn far_names_find_none() {
        assert_eq!(closest("hardcoded-secret", NAMES), None);
        assert_eq!(closest("x", NAMES), None);
        assert_eq!(closest("", NAMES), None);
    }
}
