//! `sarif`: SARIF 2.1.0 for code scanning services (GitHub, GitLab, Azure DevOps).
//!
//! One run; the driver lists every rule (not only those with findings) so services can show
//! rule help; each result points at its rule by id and index. Paths are relative to
//! `%SRCROOT%`, the repository root, whatever directory the check ran in (the caller hands in
//! the working directory's place in the repository, [`RenderOptions::repo_prefix`]), so code
//! scanning maps them to the repository's files; the root itself is left for the consumer to
//! resolve (no absolute path of the machine that ran the check is written, so output is
//! reproducible). Columns count Unicode code points, as
//! `columnKind` declares. No source text is included.
//!
//! The rules about secrets carry a `security` tag and a `security-severity` (GitHub's score,
//! 0.0 to 10.0) derived from their default severity, so code scanning files their results
//! as security alerts; the rules about the linter itself ([`TOOL_RULES`]) carry neither.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{RenderOptions, doc_url, one_based};
use crate::finding::RuleMeta;
use crate::finding::{Finding, Severity};
use crate::verdict::report::Report;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const TOOL_NAME: &str = "vox-clavis-lint";
/// The workspace's `repository`, so the URL is written in one place.
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");
const SRCROOT: &str = "%SRCROOT%";
/// Key of the fingerprint in `partialFingerprints`; the suffix versions the fingerprint scheme.
const FINGERPRINT_KEY: &str = "voxClavisLint/v1";
/// Rules about the run itself (a file not checked, a malformed suppression), not about
/// secrets: not security alerts.
pub const TOOL_RULES: [&str; 4] = [
    "internal-error",
    "invalid-suppression",
    "unparsable-file",
    "unused-suppression",
];

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    original_uri_base_ids: BTreeMap<&'static str, BaseId>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

/// `%SRCROOT%` without a `uri`: the consumer (code scanning's checkout) supplies it.
#[derive(Serialize)]
struct BaseId {
    description: Text,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RuleProperties>,
}

/// GitHub code scanning reads these (SARIF property bag, 3.8).
#[derive(Serialize)]
struct RuleProperties {
    tags: [&'static str; 1],
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    /// Where a leaked value came from, and other secondary places (SARIF 3.27.22).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    /// Present on findings silenced by a suppression comment (SARIF 3.27.23, 3.35).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
    /// The finding's fix (SARIF 3.27.30, 3.55): the edits as replacements of regions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: [ArtifactChange; 1],
    /// `safe` or `unsafe`: SARIF has no applicability of its own.
    properties: BTreeMap<&'static str, &'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    /// An empty region (start = end) is an insertion point (SARIF 3.57.3).
    deleted_region: Region,
    inserted_content: Text,
}

#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
    /// The suppression comment.
    location: Location,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

pub(super) fn render(report: &Report, options: &RenderOptions) -> String {
    let metas = &options.rules[..];
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: TOOL_NAME,
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: metas.iter().map(|m| descriptor(m)).collect(),
                },
            },
            // Suppressed findings too, marked with `suppressions`, so services show them
            // as suppressed in source rather than as fixed.
            results: report
                .findings
                .iter()
                .chain(&report.suppressed)
                .map(|f| result(f, metas, &options.repo_prefix))
                .collect(),
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseId {
                    description: Text {
                        text: "The root of the repository the checked files belong to".to_owned(),
                    },
                },
            )]),
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut out = serde_json::to_string_pretty(&log)
        .expect("serializing plain structs with string keys cannot fail");
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn descriptor(meta: &'static RuleMeta) -> ReportingDescriptor {
    let docs = meta.docs();
    ReportingDescriptor {
        id: meta.name,
        short_description: Text {
            text: meta.summary.to_owned(),
        },
        full_description: Text {
            text: what_it_does(&docs).unwrap_or_else(|| docs.trim().to_owned()),
        },
        help: Help {
            text: crate::finding::absolute_links(&docs),
            markdown: crate::finding::absolute_links(&docs),
        },
        help_uri: doc_url(meta.name),
        default_configuration: Configuration {
            level: level(meta.default_severity),
        },
        properties: (!TOOL_RULES.contains(&meta.name)).then(|| RuleProperties {
            tags: ["security"],
            security_severity: security_severity(meta.default_severity),
        }),
    }
}

/// GitHub's bands: 7.0 to 8.9 is high, 4.0 to 6.9 medium.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
    }
}

/// The `## What it does` section of a rule's docs as plain paragraphs (wrapped lines joined),
/// or `None` when the docs have no such section.
fn what_it_does(docs: &str) -> Option<String> {
    let mut lines = docs.lines().skip_while(|l| l.trim() != "## What it does");
    lines.next()?;
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in lines.take_while(|l| !l.trim_start().starts_with('#')) {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
}

fn result(f: &Finding, metas: &[&'static RuleMeta], prefix: &str) -> SarifResult {
    let text = match &f.help {
        Some(help) => format!("{}\n{help}", f.message),
        None => f.message.clone(),
    };
    let artifact = || {
        let (uri, uri_base_id) = artifact_uri(prefix, &f.path);
        ArtifactLocation { uri, uri_base_id }
    };
    let region = |l: &crate::finding::Location| Region {
        start_line: one_based(l.start.line),
        start_column: one_based(l.start.column),
        end_line: one_based(l.end.line),
        end_column: one_based(l.end.column),
    };
    let location =
        |l: &crate::finding::Location, id: Option<usize>, message: Option<Text>| Location {
            id,
            physical_location: PhysicalLocation {
                artifact_location: artifact(),
                region: region(l),
            },
            message,
        };
    SarifResult {
        rule_id: f.rule,
        rule_index: metas.iter().position(|m| m.name == f.rule),
        level: level(f.severity),
        message: Text { text },
        locations: [location(&f.location, None, None)],
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(i, (l, label))| {
                location(
                    l,
                    Some(i),
                    Some(Text {
                        text: label.clone(),
                    }),
                )
            })
            .collect(),
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.clone())]),
        suppressions: f
            .suppression
            .iter()
            .map(|s| SarifSuppression {
                kind: "inSource",
                justification: s.reason.clone(),
                location: location(&s.location, None, None),
            })
            .collect(),
        fixes: f
            .fix
            .iter()
            .map(|fix| SarifFix {
                description: Text {
                    text: fix.message.clone(),
                },
                artifact_changes: [ArtifactChange {
                    artifact_location: artifact(),
                    replacements: fix
                        .edits
                        .iter()
                        .map(|e| Replacement {
                            deleted_region: region(&e.location),
                            inserted_content: Text {
                                text: e.replacement.clone(),
                            },
                        })
                        .collect(),
                }],
                properties: BTreeMap::from([("applicability", fix.applicability.as_str())]),
            })
            .collect(),
    }
}

/// The `artifactLocation` of a display path: relative paths, joined to `prefix` (the working
/// directory relative to the repository root), are relative references against `%SRCROOT%`;
/// absolute paths and paths that leave the repository become `file:` URIs.
fn artifact_uri(prefix: &str, path: &str) -> (String, Option<&'static str>) {
    let mut path = path.replace('\\', "/");
    if !path.starts_with('/') && path.get(1..3).is_none_or(|s| s != ":/") {
        match under_root(prefix, &path) {
            Some(joined) => path = joined,
            None => {
                let cwd = std::env::current_dir().unwrap_or_default();
                path = cwd.join(&path).to_string_lossy().replace('\\', "/");
            }
        }
    }
    let bytes = path.as_bytes();
    if path.starts_with('/') {
        (format!("file://{}", encode_path(&path)), None)
    } else if bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && &bytes[1..3] == b":/" {
        // A Windows drive path: `C:/x` -> `file:///C:/x` (the drive colon stays literal).
        (
            format!("file:///{}{}", &path[..2], encode_path(&path[2..])),
            None,
        )
    } else {
        (encode_path(&path), Some(SRCROOT))
    }
}

/// `prefix` + `path` with `.` and `..` segments resolved, or `None` when `..` climbs above the
/// repository root.
fn under_root(prefix: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for segment in prefix.split('/').chain(path.split('/')) {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Percent-encodes every byte but RFC 3986 unreserved characters and `/`. Conservative: a
/// `:` in a first segment would otherwise read as a scheme.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_repository_root() {
        let uri = |prefix, path| artifact_uri(prefix, path).0;
        assert_eq!(uri("crates/a/", "src/x.rs"), "crates/a/src/x.rs");
        assert_eq!(uri("crates/a", "./src/x.rs"), "crates/a/src/x.rs");
        assert_eq!(uri("crates/a/", "../b/src/y.rs"), "crates/b/src/y.rs");
        assert_eq!(artifact_uri("crates/a/", "src/x.rs").1, Some(SRCROOT));
        // Above the root: an absolute `file:` URI, not a reference out of `%SRCROOT%`.
        let (above, base) = artifact_uri("", "../outside.rs");
        assert!(
            above.starts_with("file:///") && above.ends_with("/outside.rs"),
            "{above}"
        );
        assert_eq!(base, None);
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            artifact_uri("", "src/my file#1.rs"),
            ("src/my%20file%231.rs".to_owned(), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri("", "src/é:x.rs"),
            ("src/%C3%A9%3Ax.rs".to_owned(), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri("", "/tmp/a b.rs"),
            ("file:///tmp/a%20b.rs".to_owned(), None)
        );
        assert_eq!(
            artifact_uri("", "C:/x/a.rs"),
            ("file:///C:/x/a.rs".to_owned(), None)
        );
    }

    #[test]
    fn full_description_is_the_what_it_does_section() {
        let docs =
            "## What it does\nFlags reads\nof secrets.\n\nSecond.\n## Why is this bad?\nNo.\n";
        assert_eq!(
            what_it_does(docs).as_deref(),
            Some("Flags reads of secrets.\n\nSecond.")
        );
        assert_eq!(what_it_does("no sections"), None);
    }
}
