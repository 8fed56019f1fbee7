//! `gitlab`: a GitLab Code Quality report, so merge requests show new and fixed findings in
//! their widget and beside the diff from an `artifacts:reports:codequality` file.
//!
//! GitLab reads a subset of the Code Climate issue format and validates each entry against
//! its `codeclimate.json` schema, dropping the rest of the report at the first invalid entry.
//! Entries are keyed by `fingerprint` (a repeated one replaces the earlier entry), so it is
//! the finding's baseline fingerprint, unique per finding. Severity: `error` is `critical`
//! (a secret leaving the boundary is as serious as the leaks GitLab's own secret detection
//! reports), `warning` is `minor`. Suppressed findings are left out: GitLab has no notion of
//! them. No source text is included.

use serde::Serialize;

use super::one_based;
use crate::finding::{Finding, Severity};
use crate::verdict::report::Report;

#[derive(Serialize)]
struct Issue<'a> {
    /// Code Climate's issue type; GitLab ignores it, other Code Climate readers need it.
    r#type: &'static str,
    check_name: &'static str,
    description: String,
    fingerprint: &'a str,
    severity: &'static str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// The GitLab severity of a finding's severity.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
    }
}

fn issue(f: &Finding) -> Issue<'_> {
    let begin = one_based(f.location.start.line);
    Issue {
        r#type: "issue",
        check_name: f.rule,
        // One line in the widget: the rule, what is wrong and how to fix it.
        description: match &f.help {
            Some(help) => format!("{}: {} (help: {help})", f.rule, f.message),
            None => format!("{}: {}", f.rule, f.message),
        },
        fingerprint: &f.fingerprint,
        severity: severity(f.severity),
        location: IssueLocation {
            path: &f.path,
            lines: Lines {
                begin,
                end: one_based(f.location.end.line).max(begin),
            },
        },
    }
}

pub(super) fn render(report: &Report) -> String {
    let issues: Vec<Issue<'_>> = report.findings.iter().map(issue).collect();
    let mut out = serde_json::to_string_pretty(&issues)
        .expect("serializing plain structs with string keys cannot fail");
    out.push('\n');
    out
}
