//! Fingerprints: what keeps a finding recognisable across unrelated edits, for baselines and
//! SARIF `partialFingerprints`.
//!
//! A fingerprint hashes the rule, the file's display path, the finding's identity and an
//! occurrence index. The identity is what the rule says identifies the finding (the secret's
//! name and the normalised flagged expression; never a value), or, when a rule sets none, the
//! flagged source text with whitespace, comments and literal contents left out. No line or
//! column enters the hash, so lines shifting, code reformatted elsewhere and other files
//! renamed leave it unchanged. The occurrence index tells apart equal identities in one file,
//! in file order; it counts suppressed findings too, so adding or removing a suppression
//! comment does not renumber the others.

use std::collections::HashMap;

use crate::finding::Finding;
use crate::input::source::ByteSpan;
use crate::verdict::comments;

/// Marks identities made here, so they never equal an identity a rule wrote.
const FALLBACK_PREFIX: &str = "~src:";

/// The identity of a finding whose rule set none: a hash of the flagged text with whitespace,
/// comments and the contents of literals removed (a flagged literal may be a credential, and
/// its hash must not let anyone confirm a guess). Empty for an empty span.
pub fn fallback_identity(text: &str, span: ByteSpan) -> String {
    let Some(flagged) = text.get(span.start..span.end) else {
        return String::new();
    };
    if flagged.is_empty() {
        return String::new();
    }
    format!(
        "{FALLBACK_PREFIX}{:016x}",
        fnv1a([normalised(flagged).as_str()])
    )
}

/// `flagged` without whitespace or comments, each literal replaced by `""`, and a single space
/// kept only where two words would otherwise merge (`pub fn`).
fn normalised(flagged: &str) -> String {
    let (comments, literals) = comments::lex(flagged);
    let mut skips: Vec<(ByteSpan, bool)> = comments
        .iter()
        .map(|c| (c.span, false))
        .chain(literals.iter().map(|l| (*l, true)))
        .collect();
    skips.sort_by_key(|(s, _)| s.start);
    let mut out = String::with_capacity(flagged.len());
    let mut gap = false;
    let mut pos = 0;
    let mut next_skip = skips.iter().peekable();
    let is_word = |c: char| c == '_' || c.is_alphanumeric();
    while pos < flagged.len() {
        if let Some(&&(skip, literal)) = next_skip.peek()
            && skip.start <= pos
        {
            next_skip.next();
            if skip.end > pos {
                if literal {
                    out.push_str("\"\"");
                    gap = false;
                } else {
                    gap = true;
                }
                pos = skip.end;
            }
            continue;
        }
        let Some(c) = flagged[pos..].chars().next() else {
            break;
        };
        pos += c.len_utf8();
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        if gap && is_word(c) && out.chars().next_back().is_some_and(is_word) {
            out.push(' ');
        }
        gap = false;
        out.push(c);
    }
    out
}

/// Sets the fingerprint of every finding. Both lists must be sorted in report order; the
/// occurrence index counts over the two together.
pub fn assign(findings: &mut [Finding], suppressed: &mut [Finding]) {
    let mut all: Vec<&mut Finding> = findings.iter_mut().chain(suppressed.iter_mut()).collect();
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut occurrences: HashMap<(String, &'static str, String), usize> = HashMap::new();
    for f in all {
        let n = occurrences
            .entry((f.path.clone(), f.rule, f.identity.clone()))
            .or_insert(0);
        f.fingerprint = fingerprint(f.rule, &f.path, &f.identity, *n);
        *n += 1;
    }
}

/// FNV-1a (64-bit): stable across platforms and compiler versions, unlike `DefaultHasher`.
fn fingerprint(rule: &str, path: &str, identity: &str, occurrence: usize) -> String {
    format!(
        "{:016x}",
        fnv1a([rule, path, identity, &occurrence.to_string()])
    )
}

/// FNV-1a over the parts, each followed by a 0xff byte (which UTF-8 never contains), so
/// `("ab", "c")` and `("a", "bc")` differ.
fn fnv1a<'a>(parts: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Location, Severity};

    fn identity(text: &str) -> String {
        fallback_identity(
            text,
            ByteSpan {
                start: 0,
                end: text.len(),
            },
        )
    }

    #[test]
    fn normalisation_ignores_layout_comments_and_literal_contents() {
        assert_eq!(
            normalised("log::info!(\n    \"key {}\", /* c */ key ) // x\n"),
            "log::info!(\"\",key)"
        );
        assert_eq!(normalised("pub  fn\tf()"), "pub fn f()");
        assert_eq!(identity("f( a,b )"), identity("f(a, b)"));
        assert_ne!(identity("f(a)"), identity("f(b)"));
        assert_eq!(identity("k(\"sk-live-1\")"), identity("k(\"sk-live-2\")"));
        assert_eq!(identity(""), "");
    }

    #[test]
    fn fingerprints_count_occurrences_across_suppressed_findings() {
        let f = |line: usize| {
            let mut f = Finding::new("r", Severity::Error, "a.rs", Location::file_start(), "m");
            f.location.start.line = line;
            f.identity = "same".into();
            f
        };
        let mut all = vec![f(1), f(2), f(3)];
        assign(&mut all, &mut []);
        let fps: Vec<String> = all.iter().map(|f| f.fingerprint.clone()).collect();
        // The second is suppressed now: the third keeps its fingerprint.
        let mut findings = vec![f(1), f(3)];
        let mut suppressed = vec![f(2)];
        assign(&mut findings, &mut suppressed);
        assert_eq!(findings[1].fingerprint, fps[2]);
        assert_eq!(suppressed[0].fingerprint, fps[1]);
        assert_eq!(fps[0].len(), 16);
    }
}
