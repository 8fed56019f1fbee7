//! The result of a run: sorted findings plus what the renderers need around them.

use std::collections::BTreeMap;

use crate::finding::{Finding, Severity};
use crate::verdict::baseline::BaselineOutcome;

/// Sorted findings and the text of the files they point into (only those files).
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// How many `.rs` files were checked (including those reported as unparsable).
    pub files_checked: usize,
    /// Source text by display path, for files that have findings (snippets in `human`).
    pub sources: BTreeMap<String, String>,
    /// Findings silenced by suppression comments, sorted like `findings`, each with its
    /// [`Finding::suppression`]. They do not count anywhere else.
    pub suppressed: Vec<Finding>,
    /// What the baseline did, when one was used.
    pub baseline: Option<BaselineOutcome>,
}

impl Report {
    /// Findings and suppressed findings in report order, each once.
    pub fn sort(&mut self) {
        for list in [&mut self.findings, &mut self.suppressed] {
            list.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            list.dedup();
        }
    }

    /// One report of several runs over disjoint files (one per configuration), sorted as one
    /// run sorts. Fingerprints are per file, so they stay as each run assigned them; a stale
    /// baseline entry that several runs saw (a deleted file) counts once.
    pub fn merge(reports: Vec<Report>) -> Report {
        let mut out = Report::default();
        for r in reports {
            out.findings.extend(r.findings);
            out.suppressed.extend(r.suppressed);
            out.files_checked += r.files_checked;
            out.sources.extend(r.sources);
            if let Some(b) = r.baseline {
                match &mut out.baseline {
                    None => out.baseline = Some(b),
                    Some(acc) => {
                        acc.matched += b.matched;
                        for entry in b.stale {
                            if !acc.stale.contains(&entry) {
                                acc.stale.push(entry);
                            }
                        }
                    }
                }
            }
        }
        out.sort();
        if let Some(b) = &mut out.baseline {
            b.stale.sort();
        }
        out
    }

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

    /// `3 findings (2 errors, 1 warning) in 41 files`, then what suppressions and the
    /// baseline left out: `, 2 suppressed, 5 in the baseline (1 stale entry)`.
    pub fn summary_line(&self) -> String {
        let n = self.findings.len();
        let files = self.files_checked;
        let (e, w) = (self.count(Severity::Error), self.count(Severity::Warning));
        let mut line = if n == 0 {
            format!("no findings in {files} {}", plural(files, "file"))
        } else {
            format!(
                "{n} {} ({e} {}, {w} {}) in {files} {}",
                plural(n, "finding"),
                plural(e, "error"),
                plural(w, "warning"),
                plural(files, "file"),
            )
        };
        if !self.suppressed.is_empty() {
            line.push_str(&format!(", {} suppressed", self.suppressed.len()));
        }
        if let Some(b) = &self.baseline {
            line.push_str(&format!(", {} in the baseline", b.matched));
            if !b.stale.is_empty() {
                let s = b.stale.len();
                line.push_str(&format!(" ({s} stale {})", plural(s, "entry")));
            }
        }
        line
    }
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => word.to_owned(),
        (_, "entry") => "entries".to_owned(),
        _ => format!("{word}s"),
    }
}
