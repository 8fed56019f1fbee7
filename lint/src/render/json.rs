//! `json`: one pretty-printed document, described field by field in `docs/output.md`.
//!
//! The shape is a promise to scripts: fields are only added, and any breaking change bumps
//! [`VERSION`]. No source text is ever included.

use std::collections::BTreeMap;

use serde::Serialize;

use super::one_based;
use crate::finding::{Finding, Severity};
use crate::report::Report;

/// The document's `version`; bumped on any breaking change to its shape.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
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
    fingerprint: &'a str,
}

#[derive(Serialize)]
struct Summary {
    findings: usize,
    errors: usize,
    warnings: usize,
    files: usize,
    by_rule: BTreeMap<&'static str, usize>,
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
            fingerprint: &f.fingerprint,
        }
    }
}

pub(super) fn render(report: &Report) -> String {
    let document = Document {
        version: VERSION,
        findings: report.findings.iter().map(JsonFinding::from).collect(),
        summary: Summary {
            findings: report.findings.len(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            files: report.files_checked,
            by_rule: report.per_rule(),
        },
    };
    let mut out = serde_json::to_string_pretty(&document)
        .expect("serializing plain structs with string keys cannot fail");
    out.push('\n');
    out
}
