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
//!   rule judged to be credentials), and the pieces of a key it assembled;
//! - high-entropy values written right after a credential's name (`api_key = ".."`,
//!   `password: ".."`), so they stay hidden when the rule is turned off or the file does not
//!   parse;
//! - every other occurrence of a flagged literal's value (the password repeated in a
//!   comment or in another literal);
//! - every high-entropy token of the text, in code, comments and doc comments alike, the
//!   token after `Bearer` or `Basic`, and the password of every URL with userinfo
//!   (`postgres://user:PASSWORD@host`);
//! - the pieces of a credential built by `concat!("sk_live_", "..")`;
//! - the secrets a structure names ([`embedded::find`]): a value under a secret's key in
//!   configuration text or code (`DB_PASSWORD=..`, `password = ".."`, `AccountKey=..;`).
//!
//! Every line any format shows is output, so the whole text is masked, not just the flagged
//! spans. Masking a hash or a test vector that was no secret costs a reader a few
//! characters of context; showing a key cannot be taken back.
//!
//! The findings' own texts (message, label, help, related labels) are masked for known
//! formats too, as a safety net: rules never put a value there.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::analysis::credentials;
use crate::analysis::embedded;
use crate::analysis::matchers::names_credential;
use crate::finding::Finding;

/// The rule whose findings' spans are credentials.
const HARDCODED_SECRET: &str = "hardcoded-secret";
/// Flagged values at least this long are masked wherever else they occur; shorter ones
/// would mask ordinary words.
const MIN_REPEATED: usize = 8;

/// The masked copy of `text`, the text of the file `findings` point into; masks the
/// findings' texts in place.
pub fn file(text: &str, findings: &mut [Finding]) -> String {
    let mut ranges = shapes(text);
    for f in findings.iter() {
        if f.rule == HARDCODED_SECRET {
            // The flagged literal, and the pieces of an assembled key declared elsewhere.
            for location in std::iter::once(&f.location).chain(f.related.iter().map(|(l, _)| l)) {
                let span = location.span;
                ranges.extend(literal_contents(text, span.start..span.end));
            }
        }
    }
    // The same value elsewhere: in a comment, a log line, another literal.
    let values: BTreeSet<&str> = ranges
        .iter()
        .map(|r| {
            &text[text.floor_char_boundary(r.start)..text.floor_char_boundary(r.end.max(r.start))]
        })
        .filter(|v| v.len() >= MIN_REPEATED)
        .collect();
    if let Ok(repeated) = AhoCorasick::new(&values) {
        ranges.extend(repeated.find_iter(text).map(|m| m.range()));
    }
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
        let start = text.floor_char_boundary(r.start);
        let end = text.ceil_char_boundary(r.end.max(start));
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

/// `text` with every credential-shaped part masked: for texts no finding points into, such
/// as a configuration error's rendering. Not the high-entropy test: such texts name files,
/// and a path of a temporary directory (`/tmp/.tmpQ7x2Lm/crate/Cargo.toml`) is a token of
/// mixed letters and digits too.
pub fn text(text: &str) -> String {
    let mut ranges: Vec<Range<usize>> = credentials::find(text)
        .into_iter()
        .map(|m| m.range)
        .collect();
    ranges.extend(assigned_values(text));
    ranges.extend(embedded::find(text).into_iter().map(|e| e.range));
    ranges.extend(url_passwords(text));
    ranges.extend(authorization_tokens(text));
    ranges.extend(concat_pieces(text));
    mask(text, &ranges)
}

/// Every part of `text` that has the shape of a credential, wherever it is.
fn shapes(text: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = credentials::find(text)
        .into_iter()
        .map(|m| m.range)
        .collect();
    ranges.extend(assigned_values(text));
    ranges.extend(embedded::find(text).into_iter().map(|e| e.range));
    ranges.extend(high_entropy_tokens(text));
    ranges.extend(url_passwords(text));
    ranges.extend(authorization_tokens(text));
    ranges.extend(concat_pieces(text));
    ranges
}

/// Masks known-format credentials in a short text (a message).
fn mask_known(s: &mut String) {
    let found = credentials::find(s);
    if !found.is_empty() {
        let ranges: Vec<Range<usize>> = found.into_iter().map(|m| m.range).collect();
        *s = mask(s, &ranges);
    }
}

/// The inside of a literal or doc comment at `span`: `".."` without its quotes, `r#".."#`
/// without `r#"` and `"#`, `/// ..` without `///`. For an expression that joins literals
/// (`concat!("sk_live_", "..")`), the inside of each; the whole span when it is none of these.
fn literal_contents(text: &str, span: Range<usize>) -> Vec<Range<usize>> {
    let (start, end) = (
        text.floor_char_boundary(span.start),
        text.floor_char_boundary(span.end),
    );
    let Some(s) = text.get(start..end.max(start)) else {
        return Vec::new();
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
        None if s.contains('"') => return quoted_parts(s, start),
        None => (0, s.len()),
    };
    std::iter::once(start + open..start + close.max(open)).collect()
}

/// The inside of each `".."` in `s` (which begins at `offset`), escaped quotes skipped.
fn quoted_parts(s: &str, offset: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut escaped = false;
    for (i, b) in s.bytes().enumerate() {
        match (b, open) {
            _ if escaped => escaped = false,
            (b'\\', Some(_)) => escaped = true,
            (b'"', None) => open = Some(i + 1),
            (b'"', Some(o)) => {
                out.push(offset + o..offset + i);
                open = None;
            }
            _ => {}
        }
    }
    out
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

/// Every run of the token alphabet that [`credentials::is_high_entropy`] accepts.
fn high_entropy_tokens(text: &str) -> Vec<Range<usize>> {
    static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?-u)[A-Za-z0-9+/=_-]{16,}").expect("the token pattern compiles")
    });
    TOKEN
        .find_iter(text)
        .filter(|m| credentials::is_high_entropy(m.as_str()))
        .map(|m| m.range())
        .collect()
}

/// The password of each URL with userinfo: `scheme://user:PASSWORD@host`.
fn url_passwords(text: &str) -> Vec<Range<usize>> {
    static USERINFO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)[a-z][a-z0-9+.-]*://[^\s/?#@:"'<>]*:([^\s/?#@"'<>]+)@"#)
            .expect("the userinfo pattern compiles")
    });
    USERINFO
        .captures_iter(text)
        .filter_map(|c| c.get(1).map(|m| m.range()))
        .collect()
}

/// The token of each `Bearer ..` or `Basic ..` written out, when it mixes letters and
/// digits (prose such as "basic configuration" does not).
fn authorization_tokens(text: &str) -> Vec<Range<usize>> {
    static SCHEME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i-u)\b(?:bearer|basic)\s+([A-Za-z0-9._~+/=-]{12,})")
            .expect("the authorization pattern compiles")
    });
    SCHEME
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .filter(|m| {
            let t = m.as_str().as_bytes();
            t.iter().any(u8::is_ascii_digit) && t.iter().any(u8::is_ascii_alphabetic)
        })
        .map(|m| m.range())
        .collect()
}

/// The string pieces of every `concat!(..)` whose joined text is a credential: a known
/// format or a high-entropy value.
fn concat_pieces(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("concat!") {
        let pieces = concat_literals(text, at + "concat!".len());
        let joined: String = pieces.iter().map(|r| &text[r.clone()]).collect();
        if credentials::contains_known(&joined) || credentials::is_high_entropy(&joined) {
            out.extend(pieces);
        }
    }
    out
}

/// The contents of the string literals of the macro arguments that start at `from` (just
/// after `concat!`), up to its closing delimiter.
fn concat_literals(text: &str, from: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    if !matches!(bytes.get(i), Some(b'(' | b'[' | b'{')) {
        return Vec::new();
    }
    let (mut depth, mut pieces) = (0usize, Vec::new());
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b'"' => {
                let start = i + 1;
                i = start;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                pieces.push(start..i.min(bytes.len()));
            }
            _ => {}
        }
        i += 1;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Location, Severity};
    use crate::input::source::{ByteSpan, SourceFile};

    /// A GitHub token: 30 characters and their checksum.
    fn ghp() -> String {
        let random = "Q7wE2rT9yU4iO1pA6sD3fG8hJ5kL0z";
        let check = credentials::catalog::base62_6(crc32fast::hash(random.as_bytes()));
        format!("{}{random}{check}", "ghp_")
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

    /// Each value of the hostile file is shown nowhere, while the code around stays.
    #[test]
    fn every_occurrence_and_every_shape_is_masked() {
        let value = "q7Wm2xLr9Tz4Kp8N";
        let piece = "Zk3Qw9Er2Ty7Ui4Op1As6Df";
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl";
        // vox-clavis-lint: allow(hardcoded-secret) -- the shapes this test masks, all fake
        let text = format!(
            "let p = \"{value}\"; // the password is {value}\n\
             /// Send `Authorization: Bearer {token}`.\n\
             const K: &str = concat!(\"sk_live_\", \"{piece}\");\n\
             let url = \"postgres://app:hunter2hunter@db:5432/x\";\n\
             let t = \"basic configuration\";\n"
        );
        let source = SourceFile::new("a.rs".into(), "a.rs".into(), text.clone());
        let at = text.find('"').unwrap();
        let span = ByteSpan {
            start: at,
            end: at + value.len() + 2,
        };
        let mut findings = [Finding::new(
            HARDCODED_SECRET,
            Severity::Error,
            "a.rs",
            Location::of(&source, span),
            "a password",
        )];
        let masked = file(&text, &mut findings);
        for secret in [value, piece, token, "hunter2hunter"] {
            assert!(!masked.contains(secret), "{secret} shown in\n{masked}");
        }
        assert!(masked.contains("the password is ****"), "{masked}");
        assert!(masked.contains("concat!(\"********\", \"****"), "{masked}");
        assert!(
            masked.contains("postgres://app:*************@db"),
            "{masked}"
        );
        assert!(masked.contains("basic configuration"), "{masked}");
        assert_eq!(masked.len(), text.len());
    }

    #[test]
    fn error_texts_keep_their_paths_and_lose_their_keys() {
        let path = "error: `/tmp/.tmpQ7x2LmZ9kW/crateB/Cargo.toml` has no table";
        assert_eq!(text(path), path);
        let key = ghp();
        assert!(!text(&format!("exclude = \"{key}\"")).contains(&key));
    }

    #[test]
    fn contents_of_literals_and_comments() {
        let t = "a \"abc\" r#\"xy\"# /// doc\n";
        let range = |s: &str| {
            let at = t.find(s).unwrap();
            let r = literal_contents(t, at..at + s.len());
            assert_eq!(r.len(), 1);
            &t[r[0].clone()]
        };
        assert_eq!(range("\"abc\""), "abc");
        assert_eq!(range("r#\"xy\"#"), "xy");
        assert_eq!(range("/// doc"), " doc");
        assert_eq!(literal_contents(t, 100..200), vec![t.len()..t.len()]);
        // An expression joining literals: the inside of each, not the code around them.
        let joined = "concat!(\"ab\", \"c\\\"d\")";
        let parts: Vec<&str> = literal_contents(joined, 0..joined.len())
            .into_iter()
            .map(|r| &joined[r])
            .collect();
        assert_eq!(parts, ["ab", "c\\\"d"]);
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
