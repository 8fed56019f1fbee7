//! New-code gating: only the findings on lines that changed (`--diff REV`, `--staged`), with
//! the changed lines read by [`crate::input::changes`].

use std::path::Path;

use crate::finding::Finding;
use crate::input::changes::Changes;
use crate::verdict::report::Report;

/// Keeps in `report` only the findings (and suppressed findings) on changed lines.
pub fn retain_changed(report: &mut Report, changes: &Changes) {
    report.findings.retain(|f| covers(changes, f));
    report.suppressed.retain(|f| covers(changes, f));
}

/// Whether a finding is about new code: its first line changed. Findings about a whole file
/// that could not be checked count when the file changed at all.
fn covers(changes: &Changes, finding: &Finding) -> bool {
    let path = crate::input::walk::absolute(Path::new(&finding.path));
    match finding.rule {
        "unparsable-file" | "internal-error" => changes.file_changed(&path),
        _ => changes.line_changed(&path, finding.location.start.line.max(1)),
    }
}
