//! Where a new suppression comment goes, as a fix: `--add-suppressions` writes one for every
//! finding, the language server offers one per finding as a code action.
//!
//! A comment after the code of a line silences what starts on that line, whatever the syntax
//! around it ([`crate::verdict::suppress`]), so that is the first choice. It is not possible
//! when the line already ends in a comment (the new one would be read as part of it) or ends
//! inside a string; then the comment goes on a line of its own above the statement.

use crate::finding::{Applicability, Edit, Fix, Location};
use crate::input::source::{ByteSpan, SourceFile};
use crate::verdict::comments::{self, Comment};
use crate::verdict::directives::{self, Parsed};
use crate::verdict::suppress::UNSUPPRESSIBLE;

/// The reason a code action writes, for the author to replace.
pub const REASON_PLACEHOLDER: &str = "TODO: say why this is safe";

/// A fix that silences findings of `rules` starting at `at` with a comment giving `reason`;
/// `None` when no comment can (an unsuppressible rule, a line inside a string with no
/// statement to hang a comment on).
pub fn suppression_fix(
    source: &SourceFile,
    at: &Location,
    rules: &[&str],
    reason: &str,
) -> Option<Fix> {
    if rules.is_empty() || rules.iter().any(|r| UNSUPPRESSIBLE.contains(r)) {
        return None;
    }
    let text = &source.text;
    let (all, literals) = comments::lex(text);
    let inside = |offset: usize| {
        literals
            .iter()
            .copied()
            .chain(all.iter().map(|c| c.span))
            .any(|s| s.start < offset && offset < s.end)
    };
    let first = line_start(text, at.span.start.min(text.len()));
    let last = line_end(text, first);
    let list = rules.join(", ");
    let reason = one_line(reason);
    let message = format!("suppress `{list}` with a comment");
    let fix = |span: ByteSpan, replacement: String| {
        Some(Fix::new(
            message.clone(),
            Applicability::Unsafe,
            vec![Edit::new(source, span, replacement)],
        ))
    };

    let on_line: Vec<&Comment> = all
        .iter()
        .filter(|c| c.span.start >= first && c.span.start <= last)
        .collect();
    // A directive already ends the line: name the rules in it.
    if let Some(last) = on_line.last()
        && !last.own_line
        && let Parsed::Directive(d) = directives::parse(last.body(text), last.body.start)
    {
        let missing: Vec<&str> = rules
            .iter()
            .copied()
            .filter(|r| !d.rules.iter().any(|(n, _)| n == r))
            .collect();
        let end = d.rules.last()?.1.end;
        if missing.is_empty() {
            return None;
        }
        return fix(
            ByteSpan { start: end, end },
            missing.iter().map(|r| format!(", {r}")).collect(),
        );
    }
    let ends_in_comment = on_line.last().is_some_and(|c| c.span.end >= last);
    let code = text[first..last].trim();
    if !ends_in_comment && !code.is_empty() && !inside(last) {
        let trimmed = first + text[first..last].trim_end().len();
        return fix(
            ByteSpan {
                start: trimmed,
                end: trimmed,
            },
            format!("  // {} allow({list}) -- {reason}", directives::MARKER),
        );
    }
    // On a line of its own above the line, or above the line the enclosing string starts on.
    let mut start = first;
    while let Some(s) = literals.iter().find(|s| s.start < start && start < s.end) {
        start = line_start(text, s.start);
    }
    if inside(start) {
        return None;
    }
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let newline = if text[start..line_end(text, start)].ends_with('\r') {
        "\r\n"
    } else {
        "\n"
    };
    fix(
        ByteSpan { start, end: start },
        format!(
            "{indent}// {} allow({list}) -- {reason}{newline}",
            directives::MARKER
        ),
    )
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line starting at `start`, before its `\n`.
fn line_end(text: &str, start: usize) -> usize {
    text[start..].find('\n').map_or(text.len(), |i| start + i)
}

/// A reason is written on one line: a newline in it would end the comment.
fn one_line(reason: &str) -> String {
    let r = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if r.is_empty() {
        REASON_PLACEHOLDER.to_owned()
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::apply;

    /// The text after suppressing `rule` at the first occurrence of `at`.
    fn suppressed(text: &str, at: &str, rules: &[&str]) -> Option<String> {
        let source = SourceFile::new("a.rs".into(), "a.rs".into(), text.to_owned());
        let start = text.find(at).expect("marker in text");
        let location = Location::of(&source, ByteSpan { start, end: start });
        let fix = suppression_fix(&source, &location, rules, "why")?;
        Some(apply(text, [&fix]).0)
    }

    #[test]
    fn after_the_code_of_the_line() {
        assert_eq!(
            suppressed("fn f() {\n    read(\"K\");\n}\n", "read", &["secret-env-read"]),
            Some(
                "fn f() {\n    read(\"K\");  // vox-clavis-lint: allow(secret-env-read) -- why\n}\n"
                    .to_owned()
            )
        );
    }

    #[test]
    fn into_the_directive_that_ends_the_line() {
        let text = "read(\"K\"); // vox-clavis-lint: allow(secret-in-log) -- old\n";
        assert_eq!(
            suppressed(text, "read", &["secret-env-read"]).as_deref(),
            Some("read(\"K\"); // vox-clavis-lint: allow(secret-in-log, secret-env-read) -- old\n")
        );
        assert_eq!(suppressed(text, "read", &["secret-in-log"]), None);
    }

    #[test]
    fn above_a_line_that_ends_in_a_comment_or_a_string() {
        assert_eq!(
            suppressed("    read(\"K\"); // note\n", "read", &["r"]).as_deref(),
            Some("    // vox-clavis-lint: allow(r) -- why\n    read(\"K\"); // note\n")
        );
        let text = "    let s = r#\"\n  key = abc\n\"#;\n";
        assert_eq!(
            suppressed(text, "key", &["hardcoded-secret"]).as_deref(),
            Some(
                "    // vox-clavis-lint: allow(hardcoded-secret) -- why\n    let s = r#\"\n  key = abc\n\"#;\n"
            )
        );
    }

    #[test]
    fn a_reason_stays_on_one_line_and_some_rules_cannot_be_silenced() {
        assert_eq!(
            suppressed("read();\n", "read", &["r"]).map(|t| t.contains("-- why")),
            Some(true)
        );
        let source = SourceFile::new("a.rs".into(), "a.rs".into(), "x();\n".to_owned());
        let at = Location::of(&source, ByteSpan { start: 0, end: 0 });
        let fix = suppression_fix(&source, &at, &["r"], "two\nlines").unwrap();
        assert!(fix.edits[0].replacement.ends_with("-- two lines"));
        assert!(suppression_fix(&source, &at, &["unparsable-file"], "x").is_none());
    }
}
