//! The suppression directive language: `vox-clavis-lint: allow(rule, ...) -- reason` at the
//! start of a comment's text.
//!
//! Parsing is separate from where a directive applies ([`crate::verdict::suppress`]) so the grammar and
//! its error messages can be read and tested on their own. A comment that merely mentions the
//! tool is not a directive: the marker must open the comment. Messages never quote the
//! comment's text: findings reach JSON and SARIF, which carry no source text.

use crate::input::source::ByteSpan;

/// What starts a directive, after the comment opener and optional whitespace.
pub const MARKER: &str = "vox-clavis-lint:";

/// A well-formed directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Each rule name as written, with its place in the file.
    pub rules: Vec<(String, ByteSpan)>,
    /// The text after `--`, whitespace collapsed; `None` when absent or empty.
    pub reason: Option<String>,
}

/// What a comment's text is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// Not a directive at all.
    None,
    Directive(Directive),
    /// Starts with the marker but does not follow the grammar: `message` says how.
    Malformed(String),
}

/// Parses a comment's text (`body`, which starts at byte `offset` of the file).
pub fn parse(body: &str, offset: usize) -> Parsed {
    let trimmed = body.trim_start();
    let Some(after_marker) = trimmed.strip_prefix(MARKER) else {
        return Parsed::None;
    };
    // Byte offset in the file of a suffix of `body`.
    let at = |rest: &str| offset + (body.len() - rest.len());
    let rest = after_marker.trim_start();
    let Some(rest) = rest.strip_prefix("allow") else {
        return Parsed::Malformed(format!("expected `allow(rule, ...)` after `{MARKER}`"));
    };
    let Some(rest) = rest.trim_start().strip_prefix('(') else {
        return Parsed::Malformed("expected `(` after `allow`".to_owned());
    };
    let Some(close) = rest.find(')') else {
        return Parsed::Malformed("`allow(` is not closed by `)`".to_owned());
    };
    let mut rules = Vec::new();
    let mut part_start = rest;
    for part in rest[..close].split(',') {
        let name = part.trim();
        let lead = part.len() - part.trim_start().len();
        let start = at(part_start) + lead;
        part_start = &part_start[(part.len() + 1).min(part_start.len())..];
        if name.is_empty() {
            continue;
        }
        rules.push((
            name.to_owned(),
            ByteSpan {
                start,
                end: start + name.len(),
            },
        ));
    }
    if rules.is_empty() {
        return Parsed::Malformed("`allow()` names no rule".to_owned());
    }
    let tail = rest[close + 1..].trim();
    let reason = if tail.is_empty() {
        None
    } else if let Some(text) = tail.strip_prefix("--") {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        (!text.is_empty()).then_some(text)
    } else {
        return Parsed::Malformed("expected `-- reason` after `allow(..)`".to_owned());
    };
    Parsed::Directive(Directive { rules, reason })
}

/// Whether `name` may be quoted in a message: it looks like a (misspelt) rule name, lowercase
/// letters, `-` and `_` only, so it cannot be a pasted credential.
pub fn quotable(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 48
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive(body: &str) -> Directive {
        match parse(body, 100) {
            Parsed::Directive(d) => d,
            other => panic!("{body:?}: {other:?}"),
        }
    }

    #[test]
    fn rules_and_reason() {
        let body = " vox-clavis-lint: allow(secret-env-read, secret-in-log) -- test   key only";
        let d = directive(body);
        let names: Vec<&str> = d.rules.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["secret-env-read", "secret-in-log"]);
        for (name, span) in &d.rules {
            assert_eq!(&body[span.start - 100..span.end - 100], name);
        }
        assert_eq!(d.reason.as_deref(), Some("test key only"));
        let d = directive("vox-clavis-lint:allow( a ,b, )--r");
        assert_eq!(d.rules.len(), 2);
        assert_eq!(d.reason.as_deref(), Some("r"));
    }

    #[test]
    fn missing_reason_is_still_a_directive() {
        assert_eq!(directive(" vox-clavis-lint: allow(x)").reason, None);
        assert_eq!(directive(" vox-clavis-lint: allow(x) --  ").reason, None);
    }

    #[test]
    fn malformed_and_not_directives() {
        assert_eq!(parse(" see vox-clavis-lint: docs", 0), Parsed::None);
        assert_eq!(parse(" plain comment", 0), Parsed::None);
        assert!(quotable("secret-env-raed") && quotable("secret_env_read"));
        assert!(!quotable("sk-Live-123") && !quotable("") && !quotable(&"a".repeat(49)));
        for bad in [
            " vox-clavis-lint: deny(x) -- r",
            " vox-clavis-lint: allow x",
            " vox-clavis-lint: allow(x -- r",
            " vox-clavis-lint: allow() -- r",
            " vox-clavis-lint: allow(x) because",
            " vox-clavis-lint:",
        ] {
            assert!(matches!(parse(bad, 0), Parsed::Malformed(_)), "{bad}");
        }
    }
}
