//! One place, one finding. Two rules may flag the same span for the same reason seen from two
//! sides; a reviewer should read one finding that says both, not two.
//!
//! Today that is a read of a deprecated alias: `deprecated-secret-alias` says the alias "is
//! still read from the environment by `std::env::var`" and its help is the resolver's, so the
//! `secret-env-read` finding of the same literal adds nothing but a second line to fix.

use std::collections::HashMap;

use crate::finding::{Finding, Severity};
use crate::input::source::ByteSpan;

/// Drops each finding of rule `read` at the span of a finding of rule `alias` in the same
/// file's `findings`, keeping the higher of the two severities on the one left. The engine
/// names the rules (`secret-env-read` into `deprecated-secret-alias`).
pub fn merge(findings: &mut Vec<Finding>, alias: &str, read: &str) {
    let mut reads: HashMap<ByteSpan, Severity> = findings
        .iter()
        .filter(|f| f.rule == alias)
        .map(|f| (f.location.span, f.severity))
        .collect();
    if reads.is_empty() {
        return;
    }
    findings.retain(|f| match reads.get_mut(&f.location.span) {
        Some(severity) if f.rule == read => {
            *severity = (*severity).max(f.severity);
            false
        }
        _ => true,
    });
    for f in findings.iter_mut().filter(|f| f.rule == alias) {
        f.severity = reads[&f.location.span];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Location;

    #[test]
    fn the_alias_finding_stays_with_the_higher_severity() {
        let at = |start| Location {
            span: ByteSpan {
                start,
                end: start + 1,
            },
            ..Location::default()
        };
        let f = |rule, severity, start| Finding::new(rule, severity, "a.rs", at(start), "m");
        let mut findings = vec![
            f("read", Severity::Error, 4),
            f("alias", Severity::Warning, 4),
            f("read", Severity::Error, 9),
        ];
        merge(&mut findings, "alias", "read");
        let left: Vec<_> = findings
            .iter()
            .map(|f| (f.rule, f.severity, f.location.span.start))
            .collect();
        assert_eq!(
            left,
            [("alias", Severity::Error, 4), ("read", Severity::Error, 9)]
        );
    }
}
