//! Baselines: the findings a project has accepted for now, so a team can turn the linter on
//! in an existing codebase and fail only on new findings.
//!
//! A baseline file records each finding by rule, path and fingerprint (see
//! [`crate::verdict::fingerprint`]): no message, line or source text, so it holds no secret value and
//! does not change when code moves. Entries are sorted and the JSON is pretty-printed one
//! entry per block, so a rewrite shows as a small diff in review. Findings that report a file
//! the linter could not check are never recorded: such a file must not pass silently.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::verdict::report::Report;

/// The `version` of the file's shape.
pub const VERSION: u32 = 1;

/// Rules whose findings are never baselined (nor filtered by a baseline).
pub const NEVER_BASELINED: &[&str] = &["internal-error", "unparsable-file"];

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
}

/// The file as written.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u32,
    findings: Vec<Entry>,
}

/// A baseline: its entries, sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    /// Where it was read from or will be written to, as given.
    pub path: PathBuf,
    pub entries: Vec<Entry>,
}

/// Why a baseline could not be read or written (the run fails, exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("baseline `{path}` is not a valid baseline file: {message}")]
    Invalid { path: String, message: String },
    #[error("cannot write baseline `{path}`: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// What applying a baseline did, for the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BaselineOutcome {
    /// The baseline file, as given.
    pub path: String,
    /// Findings the baseline accepted (left out of the report).
    pub matched: usize,
    /// Entries of checked (or deleted) files that matched no finding: the baseline can shrink.
    pub stale: Vec<Entry>,
}

impl Baseline {
    /// The baseline of `findings` (suppressed findings are not in that list, and need none).
    pub fn from_findings(path: &Path, findings: &[Finding]) -> Self {
        let mut entries: Vec<Entry> = findings
            .iter()
            .filter(|f| !NEVER_BASELINED.contains(&f.rule))
            .map(|f| Entry {
                path: f.path.clone(),
                rule: f.rule.to_owned(),
                fingerprint: f.fingerprint.clone(),
            })
            .collect();
        entries.sort();
        Baseline {
            path: path.to_path_buf(),
            entries,
        }
    }

    pub fn read(path: &Path) -> Result<Self, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: shown.clone(),
            source,
        })?;
        let invalid = |message: String| BaselineError::Invalid {
            path: shown.clone(),
            message,
        };
        let doc: Document = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        if doc.version != VERSION {
            return Err(invalid(format!(
                "version {} is not supported (this linter reads version {VERSION}); rewrite it \
                 with `--write-baseline`",
                doc.version
            )));
        }
        let mut entries = doc.findings;
        entries.sort();
        Ok(Baseline {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// The file's text: pretty JSON, entries sorted by path, rule and fingerprint.
    pub fn to_json(&self) -> String {
        let doc = Document {
            version: VERSION,
            findings: self.entries.clone(),
        };
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn write(&self) -> Result<(), BaselineError> {
        std::fs::write(&self.path, self.to_json()).map_err(|source| BaselineError::Write {
            path: self.path.display().to_string(),
            source,
        })
    }
}

/// Leaves out of `report` the findings `baseline` accepts and records the outcome.
/// `checked(path)` says whether a display path was checked in this run: entries of files that
/// were not are neither matched nor stale, unless the file no longer exists.
pub fn apply(report: &mut Report, baseline: &Baseline, checked: &dyn Fn(&str) -> bool) {
    let mut remaining: HashMap<&str, usize> = HashMap::new();
    for e in &baseline.entries {
        *remaining.entry(e.fingerprint.as_str()).or_default() += 1;
    }
    let before = report.findings.len();
    report.findings.retain(|f| {
        if NEVER_BASELINED.contains(&f.rule) {
            return true;
        }
        match remaining.get_mut(f.fingerprint.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        }
    });
    let matched = before - report.findings.len();
    // Unmatched entries, counted per fingerprint, in the file's order.
    let mut stale = Vec::new();
    let mut left: BTreeMap<&str, usize> = remaining.into_iter().collect();
    for e in baseline.entries.iter().rev() {
        let Some(n) = left.get_mut(e.fingerprint.as_str()) else {
            continue;
        };
        if *n == 0 {
            continue;
        }
        *n -= 1;
        if checked(&e.path) || !Path::new(&e.path).exists() {
            stale.push(e.clone());
        }
    }
    stale.reverse();
    let cwd = std::env::current_dir().unwrap_or_default();
    report.baseline = Some(BaselineOutcome {
        path: crate::input::walk::display_path(&baseline.path, &cwd),
        matched,
        stale,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Location, Severity};

    fn finding(rule: &'static str, path: &str, fp: &str) -> Finding {
        let mut f = Finding::new(rule, Severity::Error, path, Location::file_start(), "m");
        f.fingerprint = fp.to_owned();
        f
    }

    #[test]
    fn round_trip_is_sorted_and_stable() {
        let findings = [
            finding("secret-env-read", "src/b.rs", "2"),
            finding("secret-env-read", "src/a.rs", "1"),
            finding("unparsable-file", "src/c.rs", "3"),
        ];
        let b = Baseline::from_findings(Path::new("base.json"), &findings);
        let text = b.to_json();
        assert_eq!(
            text,
            "{\n  \"version\": 1,\n  \"findings\": [\n    {\n      \"path\": \"src/a.rs\",\n      \
             \"rule\": \"secret-env-read\",\n      \"fingerprint\": \"1\"\n    },\n    {\n      \
             \"path\": \"src/b.rs\",\n      \"rule\": \"secret-env-read\",\n      \
             \"fingerprint\": \"2\"\n    }\n  ]\n}\n"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, &text).unwrap();
        assert_eq!(Baseline::read(&path).unwrap().entries, b.entries);
        std::fs::write(&path, "{\"version\": 2, \"findings\": []}").unwrap();
        assert!(
            Baseline::read(&path)
                .unwrap_err()
                .to_string()
                .contains("version 2")
        );
        std::fs::write(&path, "[").unwrap();
        assert!(matches!(
            Baseline::read(&path),
            Err(BaselineError::Invalid { .. })
        ));
    }

    #[test]
    fn apply_filters_and_reports_stale_entries() {
        let old = [
            finding("secret-env-read", "src/a.rs", "1"),
            finding("secret-env-read", "src/a.rs", "gone"),
            finding("secret-env-read", "src/unchecked.rs", "9"),
        ];
        let b = Baseline::from_findings(Path::new("b.json"), &old);
        let mut report = Report {
            findings: vec![
                finding("secret-env-read", "src/a.rs", "1"),
                finding("secret-env-read", "src/a.rs", "new"),
                finding("unparsable-file", "src/a.rs", "1"),
            ],
            ..Report::default()
        };
        // `src/unchecked.rs` was not checked; it does not exist either, so it is stale too.
        apply(&mut report, &b, &|p| p == "src/a.rs");
        let left: Vec<&str> = report
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        assert_eq!(left, ["new", "1"]);
        let outcome = report.baseline.unwrap();
        assert_eq!(outcome.matched, 1);
        let stale: Vec<&str> = outcome
            .stale
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        assert_eq!(stale, ["gone", "9"]);
    }
}
