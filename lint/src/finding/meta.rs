//! What a rule is, as data: its name, default severity, summary and documentation. Findings
//! name their rule; configuration, suppressions and renderers look its metadata up here
//! without depending on the rules themselves.

use super::Severity;

/// Where the documentation is published, for messages an installed user reads (the
/// repository's `docs/` folder is not installed with the binary).
pub const DOCS_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/");

/// `markdown` with the links of a page under `docs/rules/` made absolute: `../x.md` to
/// [`DOCS_URL`], a sibling `x.md` to [`DOCS_BASE_URL`]. For text shown outside the repository
/// (`explain`, SARIF help).
pub fn absolute_links(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = rest.find("](") {
        out.push_str(&rest[..at + 2]);
        rest = &rest[at + 2..];
        let target_end = rest.find(')').unwrap_or(rest.len());
        let target = &rest[..target_end];
        if let Some(up) = target.strip_prefix("../") {
            out.push_str(DOCS_URL);
            out.push_str(up);
            rest = &rest[target_end..];
        } else if !target.contains("://") && !target.starts_with('#') && target.contains(".md") {
            out.push_str(DOCS_BASE_URL);
            out.push_str(target);
            rest = &rest[target_end..];
        }
    }
    out.push_str(rest);
    out
}

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
    fn relative_links_become_published_urls() {
        let page = "See [configuration](../configuration.md#x), [log](secret-in-log.md), \
                    [web](https://example.invalid/a.md) and [here](#options).";
        let out = super::absolute_links(page);
        assert!(
            out.contains(&format!("]({}configuration.md#x)", super::DOCS_URL)),
            "{out}"
        );
        assert!(
            out.contains(&format!("]({}secret-in-log.md)", super::DOCS_BASE_URL)),
            "{out}"
        );
        assert!(out.contains("](https://example.invalid/a.md)"), "{out}");
        assert!(out.contains("](#options)"), "{out}");
        assert!(!out.contains("](.."), "{out}");
    }

    #[test]
    fn far_names_find_none() {
        assert_eq!(closest("hardcoded-secret", NAMES), None);
        assert_eq!(closest("x", NAMES), None);
        assert_eq!(closest("", NAMES), None);
    }
}
