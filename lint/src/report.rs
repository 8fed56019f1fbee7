//! The result of a run: sorted findings plus what the renderers need around them.

use std::collections::BTreeMap;

use crate::finding::{Finding, Severity};

/// Sorted findings and the text of the files they point into (only those files).
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// How many `.rs` files were checked (including those reported as unparsable).
    pub files_checked: usize,
    /// Source text by display path, for files that have findings (snippets in `human`).
    pub sources: BTreeMap<String, String>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Findings per rule, alphabetical by rule name.
    pub fn per_rule(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for f in &self.findings {
            *counts.entry(f.rule).or_insert(0) += 1;
        }
        counts
    }

    /// `3 findings (2 errors, 1 warning) in 41 files`.
    pub fn summary_line(&self) -> String {
        let n = self.findings.len();
        let files = self.files_checked;
        let (e, w) = (self.count(Severity::Error), self.count(Severity::Warning));
        if n == 0 {
            return format!("no findings in {files} {}", plural(files, "file"));
        }
        format!(
            "{n} {} ({e} {}, {w} {}) in {files} {}",
            plural(n, "finding"),
            plural(e, "error"),
            plural(w, "warning"),
            plural(files, "file"),
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}
