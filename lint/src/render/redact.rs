//! Masks credentials in a file's text before any renderer sees it.
//!
//! [`file`] runs where the engine keeps the text of a file with findings
//! ([`crate::verdict::report::Report::sources`], the only source text any format prints), so snippets
//! of every format are drawn from the masked copy. Each byte of a credential becomes `*`:
//! lengths, line breaks and therefore every span and position stay valid.
//!
//! What is masked:
//! - every credential of a known format anywhere in the text ([`credentials::find`]), in
//!   code, comments or anything else;
//! - the literal of every `hardcoded-secret` finding of the file (high-entropy values the
//!   rule judged to be credentials);
//! - high-entropy values written right after a credential's name (`api_key = ".."`,
//!   `password: ".."`), so they stay hidden when the rule is turned off or the file does not
//!   parse.
//!
//! The findings' own texts (message, label, help, related labels) are masked for known
//! formats too, as a safety net: rules never put a value there.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::credentials;
use crate::analysis::matchers::names_credential;
use crate::finding::Finding;

/// The rule whose findings' spans are credentials.
const HARDCODED_SECRET: &str = "hardcoded-secret";

/// The masked copy of `text`, the text of the file `findings` point into; masks the
/// findings' texts in place.
pub fn file(text: &str, findings: &mut [Finding]) -> String {
    let mut ranges: Vec<Range<usize>> = credentials::find(text)
        .into_iter()
        .map(|m| m.range)
        .collect();
    for f in findings.iter() {
        if f.rule == HARDCODED_SECRET {
            let span = f.location.span;
            ranges.push(literal_contents(text, span.start..span.end));
        }
    }
    ranges.extend(assigned_values(text));
    for f in findings.iter_mut() {
        mask_known(&mut f.message);
        if let Some(label) = &mut f.label {
            mask_known(label);
        }
        if let Some(help) = &mut f.help {
            mask_known(help);
        }
        for (_, label) in &mut f.related {
            mask_known(label);
        }
    }
    mask(text, &ranges)
}

/// `text` with every byte in `ranges` but line breaks replaced by `*`. Ranges are widened to
/// character boundaries, so the result is valid UTF-8 of the same length.
pub fn mask(text: &str, ranges: &[Range<usize>]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for r in ranges {
        let start = floor(text, r.start);
        let end = ceil(text, r.end.max(start));
        for b in &mut bytes[start..end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    // Whole characters were replaced by ASCII, so this cannot fail; if it somehow did,
    // nothing of the text is shown rather than a partly masked copy.
    String::from_utf8(bytes).unwrap_or_else(|e| "*".repeat(e.as_bytes().len()))
}

/// Masks known-format credentials in a short text (a message).
fn mask_known(s: &mut String) {
    let found = credentials::find(s);
    if !found.is_empty() {
        let ranges: Vec<Range<usize>> = found.into_iter().map(|m| m.range).collect();
        *s = mask(s, &ranges);
    }
}

fn floor(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The inside of a literal or doc comment at `span`: `".."` without its quotes, `r#".."#`
/// without `r#"` and `"#`, `/// ..` without `///`. The whole span when it is none of these.
fn literal_contents(text: &str, span: Range<usize>) -> Range<usize> {
    let (start, end) = (floor(text, span.start), floor(text, span.end));
    let Some(s) = text.get(start..end.max(start)) else {
        return start..start;
    };
    let quoted = s.find('"').filter(|&q| {
        s[..q]
            .bytes()
            .all(|b| matches!(b, b'r' | b'#' | b'b' | b'c'))
    });
    let (open, close) = match quoted {
        Some(q) => (q + 1, s.rfind('"').unwrap_or(s.len())),
        None if ["///", "//!", "/**", "/*!"]
            .iter()
            .any(|p| s.starts_with(p)) =>
        {
            (3, s.strip_suffix("*/").map_or(s.len(), str::len))
        }
        None => (0, s.len()),
    };
    start + open..start + close.max(open)
}

/// `name = "value"`, `name: "value"`, `"name": "value"` where the name names a credential
/// and the value is high-entropy: the ranges of the values.
fn assigned_values(text: &str) -> Vec<Range<usize>> {
    static ASSIGNED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?x-u)
              ([A-Za-z_][A-Za-z0-9_]*)"?    # name, or a quoted key
              (?:\s*:\s*&?\s*(?:'static\s+)?str)?  # `: &str` of a const
              \s*[:=]\s*&?\s*
              "([A-Za-z0-9+/=_-]{16,256})"   # the value
            "#,
        )
        .expect("the assignment pattern compiles")
    });
    ASSIGNED
        .captures_iter(text)
        .filter_map(|c| {
            let (name, value) = (c.get(1)?, c.get(2)?);
            (names_credential(name.as_str()) && credentials::is_high_entropy(value.as_str()))
                .then(|| value.range())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Location, Severity};
    use crate::input::source::{ByteSpan, SourceFile};

    fn ghp() -> String {
        format!("{}{}", "ghp_", "Q7wE2rT9yU4iO1pA6sD3fG8hJ5kL0zX7cV2b")
    }

    #[test]
    fn known_formats_anywhere_are_masked_byte_for_byte() {
        let key = ghp();
        let text = format!("// {key}\nlet t = \"Bearer {key}\";\nlet é = 1;\n");
        let masked = file(&text, &mut []);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked.lines().count(), text.lines().count());
        assert!(!masked.contains(&key), "{masked}");
        assert!(masked.contains("let t = \"Bearer ****"), "{masked}");
        assert!(masked.contains("let é = 1;"), "{masked}");
    }

    #[test]
    fn finding_spans_and_assignments_are_masked() {
        let value = "q7Wm2xLr9Tz4Kp8N";
        let text = format!(
            "fn f() {{\n    let db = Db {{ user: \"bot\", password: \"{value}\" }};\n    let x = r#\"{value}\"#;\n}}\n"
        );
        let source = SourceFile::new("a.rs".into(), "a.rs".into(), text.clone());
        let at = text.find("r#\"").unwrap();
        let span = ByteSpan {
            start: at,
            end: at + value.len() + 5,
        };
        let mut findings = [Finding::new(
            HARDCODED_SECRET,
            Severity::Error,
            "a.rs",
            Location::of(&source, span),
            format!("leaked {}", ghp()),
        )];
        let masked = file(&text, &mut findings);
        assert!(!masked.contains(value), "{masked}");
        assert!(masked.contains("user: \"bot\""), "{masked}");
        assert!(
            masked.contains("let x = r#\"****************\"#;"),
            "{masked}"
        );
        assert!(!findings[0].message.contains(&ghp()));
        assert!(findings[0].message.starts_with("leaked ****"));
    }

    #[test]
    fn contents_of_literals_and_comments() {
        let t = "a \"abc\" r#\"xy\"# /// doc\n";
        let range = |s: &str| {
            let at = t.find(s).unwrap();
            let r = literal_contents(t, at..at + s.len());
            &t[r]
        };
        assert_eq!(range("\"abc\""), "abc");
        assert_eq!(range("r#\"xy\"#"), "xy");
        assert_eq!(range("/// doc"), " doc");
        assert_eq!(literal_contents(t, 100..200), t.len()..t.len());
    }

    #[test]
    fn masking_respects_char_boundaries() {
        let text = "aé€b";
        // A range that starts and ends inside multi-byte characters.
        let masked = mask(text, &[Range { start: 2, end: 5 }]);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked, "a*****b");
        assert_eq!(mask(text, &[Range { start: 5, end: 100 }]), "a\u{e9}****");
        assert_eq!(mask("a\nb", &[Range { start: 0, end: 3 }]), "*\n*");
    }
}
