//! `json`: one pretty-printed document, described field by field in `docs/output.md`.
//!
//! The shape is a promise to scripts: fields are only added, and any breaking change bumps
//! [`VERSION`]. No source text is ever included.

use std::collections::BTreeMap;

use serde::Serialize;

use super::one_based;
use crate::finding::{Applicability, Finding, Severity};
use crate::verdict::baseline::Entry;
use crate::verdict::report::Report;

/// The document's `version`; bumped on any breaking change to its shape.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    /// Findings silenced by suppression comments, each with its `suppression`.
    suppressed: Vec<JsonFinding<'a>>,
    summary: Summary<'a>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    /// Secondary places in the same file (where a leaked value came from).
    related: Vec<Related<'a>>,
    fingerprint: &'a str,
    /// The edits that fix it, `null` when the rule knows none.
    fix: Option<JsonFix<'a>>,
    /// Only on suppressed findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    /// `safe` (`--fix` applies it) or `unsafe` (`--unsafe-fixes`).
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
}

/// Replace the characters from (line, column) up to (end_line, end_column), exclusive, by
/// `content`; an empty range is an insertion.
#[derive(Serialize)]
struct JsonEdit<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    /// `null` when the comment gave none.
    reason: Option<&'a str>,
    /// Where the comment is.
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Related<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary<'a> {
    findings: usize,
    errors: usize,
    warnings: usize,
    files: usize,
    by_rule: BTreeMap<&'static str, usize>,
    suppressed: usize,
    /// `null` without a baseline.
    baseline: Option<JsonBaseline<'a>>,
}

#[derive(Serialize)]
struct JsonBaseline<'a> {
    file: &'a str,
    /// Findings the baseline accepted, left out of `findings`.
    matched: usize,
    /// Entries that matched no finding: the baseline can shrink.
    stale: &'a [Entry],
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonFinding {
            rule: f.rule,
            severity: f.severity,
            path: &f.path,
            line: one_based(f.location.start.line),
            column: one_based(f.location.start.column),
            end_line: one_based(f.location.end.line),
            end_column: one_based(f.location.end.column),
            message: &f.message,
            help: f.help.as_deref(),
            related: f
                .related
                .iter()
                .map(|(l, message)| Related {
                    line: one_based(l.start.line),
                    column: one_based(l.start.column),
                    end_line: one_based(l.end.line),
                    end_column: one_based(l.end.column),
                    message,
                })
                .collect(),
            fingerprint: &f.fingerprint,
            fix: f.fix.as_ref().map(|fix| JsonFix {
                message: &fix.message,
                applicability: fix.applicability,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| JsonEdit {
                        line: one_based(e.location.start.line),
                        column: one_based(e.location.start.column),
                        end_line: one_based(e.location.end.line),
                        end_column: one_based(e.location.end.column),
                        content: &e.replacement,
                    })
                    .collect(),
            }),
            suppression: f.suppression.as_ref().map(|s| JsonSuppression {
                reason: s.reason.as_deref(),
                line: one_based(s.location.start.line),
                column: one_based(s.location.start.column),
            }),
        }
    }
}

pub(super) fn render(report: &Report) -> String {
    let document = Document {
        version: VERSION,
        findings: report.findings.iter().map(JsonFinding::from).collect(),
        suppressed: report.suppressed.iter().map(JsonFinding::from).collect(),
        summary: Summary {
            findings: report.findings.len(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            files: report.files_checked,
            by_rule: report.per_rule(),
            suppressed: report.suppressed.len(),
            baseline: report.baseline.as_ref().map(|b| JsonBaseline {
                file: &b.path,
                matched: b.matched,
                stale: &b.stale,
            }),
        },
    };
    let mut out = serde_json::to_string_pretty(&document)
        .expect("serializing plain structs with string keys cannot fail");
    out.push('\n');
    out
}
