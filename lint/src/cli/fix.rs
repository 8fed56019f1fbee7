//! `check --fix` (`--unsafe-fixes`, `--dry-run`) and `check --add-suppressions`: the edits the
//! findings carry, applied in rounds until none is left, then written or shown as a diff.
//!
//! Rounds, as Ruff does: two fixes that touch the same bytes (two env reads that both import
//! the inventory enum) cannot both apply at once, so the files are checked again with the first
//! round's edits (in memory, as an overlay over the disk) and the rest apply in the next one.
//! Nothing is written until the last round, and then each file at once, atomically.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::CheckArgs;
use super::check::{Failure, report_with};
use crate::finding::{Applicability, Finding, Fix, apply};
use crate::input::source::SourceFile;
use crate::input::walk;
use crate::render::redact;
use crate::verdict::add_suppression::suppression_fix;
use crate::verdict::report::Report;
use crate::verdict::suppress::UNSUPPRESSIBLE;

/// Rounds before giving up on fixes that keep producing fixes (Ruff stops at 100; ours
/// converge in two or three).
const ROUNDS: usize = 10;

/// What the edits did, for the summary and the exit status.
pub(super) struct Outcome {
    /// The report of the fixed code.
    pub report: Report,
    /// Fixes (or suppression comments) applied.
    pub applied: usize,
    /// With `--dry-run`: the unified diff, masked like every snippet.
    pub diff: Option<String>,
    /// Remaining findings whose fix needs `--unsafe-fixes`.
    pub unsafe_left: usize,
}

/// Checks, edits the texts in rounds, and writes them (or diffs them with `--dry-run`).
pub(super) fn run(args: &CheckArgs) -> Result<Outcome, Failure> {
    let allowed = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let reason = args.add_suppressions.as_deref();
    let mut overlay: HashMap<PathBuf, String> = HashMap::new();
    // Every file edited: its display path and text before the first round.
    let mut originals: BTreeMap<PathBuf, (String, String)> = BTreeMap::new();
    let mut report = report_with(args, &overlay)?;
    let first: Vec<Finding> = report
        .findings
        .iter()
        .chain(&report.suppressed)
        .cloned()
        .collect();
    let mut applied = 0;
    // A comment that did not silence its finding would only be written again.
    let rounds = if reason.is_some() { 1 } else { ROUNDS };
    for _ in 0..rounds {
        let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &report.findings {
            by_file.entry(&f.path).or_default().push(f);
        }
        let mut round = 0;
        for (path, findings) in by_file {
            // A file with nothing to edit is not read: it may be the unreadable or non-UTF-8
            // file an `unparsable-file` finding is about.
            let findings: Vec<&Finding> = findings
                .into_iter()
                .filter(|f| match reason {
                    Some(_) => !UNSUPPRESSIBLE.contains(&f.rule),
                    None => f.fix.as_ref().is_some_and(|x| x.applicability <= allowed),
                })
                .collect();
            if findings.is_empty() {
                continue;
            }
            let abs = walk::absolute(Path::new(path));
            let text = match overlay.get(&abs) {
                Some(t) => t.clone(),
                None => std::fs::read_to_string(&abs).map_err(|e| {
                    Failure::Message(format!("cannot read `{path}` to fix it: {e}"))
                })?,
            };
            let fixes = match reason {
                Some(reason) => suppressions(path, &text, &findings, reason),
                None => findings.iter().filter_map(|f| f.fix.clone()).collect(),
            };
            if fixes.is_empty() {
                continue;
            }
            let (fixed, n) = apply(&text, &fixes);
            if n > 0 && fixed != text {
                originals
                    .entry(abs.clone())
                    .or_insert_with(|| (path.to_owned(), text.clone()));
                overlay.insert(abs, fixed);
                round += n;
            }
        }
        if round == 0 {
            break;
        }
        applied += round;
        report = report_with(args, &overlay)?;
    }
    let unsafe_left = report
        .findings
        .iter()
        .filter(|f| f.fix.as_ref().is_some_and(|x| x.applicability > allowed))
        .count();
    let diff = if args.dry_run {
        Some(diff(&originals, &overlay, &first, &report))
    } else {
        for (abs, (path, _)) in &originals {
            write(abs, &overlay[abs])
                .map_err(|e| Failure::Message(format!("cannot write the fixed `{path}`: {e}")))?;
        }
        None
    };
    Ok(Outcome {
        report,
        applied,
        diff,
        unsafe_left,
    })
}

/// One comment per line that has findings (of rules a comment can silence), naming each of
/// their rules once.
fn suppressions(path: &str, text: &str, findings: &[&Finding], reason: &str) -> Vec<Fix> {
    let source = SourceFile::new(path.into(), path.to_owned(), text.to_owned());
    let mut lines: BTreeMap<usize, (usize, Vec<&str>)> = BTreeMap::new();
    for f in findings {
        let (_, rules) = lines
            .entry(f.location.start.line)
            .or_insert((f.location.span.start, Vec::new()));
        if !rules.contains(&f.rule) {
            rules.push(f.rule);
        }
    }
    lines
        .into_values()
        .filter_map(|(at, rules)| {
            let location = crate::finding::Location::of(
                &source,
                crate::input::source::ByteSpan { start: at, end: at },
            );
            suppression_fix(&source, &location, &rules, reason)
        })
        .collect()
}

/// The unified diff of every edited file, masked as every snippet is: the fixes insert names
/// and code, never values, but the lines around them may hold a credential.
fn diff(
    originals: &BTreeMap<PathBuf, (String, String)>,
    overlay: &HashMap<PathBuf, String>,
    first: &[Finding],
    report: &Report,
) -> String {
    let mut out = String::new();
    for (abs, (path, before)) in originals {
        let after = &overlay[abs];
        let mut then = in_file(first, path);
        let mut now = in_file(report.findings.iter().chain(&report.suppressed), path);
        let (before, after) = (
            redact::file(before, &mut then),
            redact::file(after, &mut now),
        );
        let d = similar::TextDiff::from_lines(&before, &after);
        out.push_str(
            &d.unified_diff()
                .context_radius(3)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string(),
        );
    }
    out
}

fn in_file<'f>(findings: impl IntoIterator<Item = &'f Finding>, path: &str) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| f.path == path)
        .cloned()
        .collect()
}

/// Replaces `path`'s contents all at once, keeping its permissions: a crash mid-write
/// leaves the old file, never half of the new one. A link is followed: its target is
/// rewritten, the link stays.
fn write(path: &Path, text: &str) -> std::io::Result<()> {
    let path = &std::fs::canonicalize(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    std::fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
