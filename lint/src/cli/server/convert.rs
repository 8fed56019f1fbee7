//! Findings into the protocol's terms: byte spans into 0-based lines and UTF-16 columns of the
//! text the finding was made on, rules into diagnostic codes with their page, fixes into
//! workspace edits, paths into `file:` URIs and back.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString,
    Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use crate::finding::{DOCS_URL, Finding, Fix, Severity};
use crate::input::source::ByteSpan;

/// What diagnostics name as their source.
pub const SOURCE: &str = "vox-clavis-lint";

/// Line starts of one text, for converting byte offsets to protocol positions and back.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The position of byte `offset` (clamped to the text, and back to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.text.floor_char_boundary(offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.starts[line]..offset].encode_utf16().count();
        Position::new(to_u32(line), to_u32(column))
    }

    pub fn range(&self, span: ByteSpan) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of `position` (clamped to its line, and to the text).
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |next| next - 1);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The page of rule `name`.
pub fn rule_url(name: &str) -> Option<Uri> {
    Uri::from_str(&format!("{DOCS_URL}rules/{name}.md")).ok()
}

/// One finding as a diagnostic of the file at `uri`, whose text is `lines`.
pub fn diagnostic(finding: &Finding, uri: &Uri, lines: &Lines<'_>) -> Diagnostic {
    let related = finding
        .related
        .iter()
        .map(|(location, label)| DiagnosticRelatedInformation {
            location: lsp_types::Location::new(uri.clone(), lines.range(location.span)),
            message: label.clone(),
        })
        .collect::<Vec<_>>();
    Diagnostic {
        range: lines.range(finding.location.span),
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(finding.rule.to_owned())),
        code_description: rule_url(finding.rule).map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

/// `fix`'s edits to the file at `uri`, whose text is `lines`.
pub fn workspace_edit(fix: &Fix, uri: &Uri, lines: &Lines<'_>) -> WorkspaceEdit {
    let edits = fix
        .edits
        .iter()
        .map(|e| TextEdit::new(lines.range(e.span()), e.replacement.clone()))
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// Whether two ranges share a position (touching counts: a cursor at a diagnostic's end).
pub fn overlap(a: &Range, b: &Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The `file:` URI of an absolute path.
pub fn file_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        // A Windows path: `file:///C:/...`.
        out.push('/');
    }
    for b in text.bytes() {
        match b {
            b'\\' => out.push('/'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    Uri::from_str(&out).ok()
}

/// The path of a `file:` URI; `None` for other schemes.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file://host/path`: only the local host.
    let rest = &rest[rest.find('/')?..];
    let mut bytes = Vec::with_capacity(rest.len());
    let raw = rest.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = |c: u8| char::from(c).to_digit(16);
        match (raw[i], raw.get(i + 1).copied(), raw.get(i + 2).copied()) {
            (b'%', Some(h), Some(l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                bytes.push(u8::try_from(value).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    let path = String::from_utf8(bytes).ok()?;
    // `/C:/x` on Windows.
    let path = match path.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => path[1..].to_owned(),
        _ => path,
    };
    Some(crate::input::walk::absolute(Path::new(&path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        let text = "ab\n\u{e9}\u{1f600}x\nlast";
        let lines = Lines::new(text);
        let x = text.find('x').unwrap_or(0);
        assert_eq!(lines.position(x), Position::new(1, 3));
        assert_eq!(lines.offset(Position::new(1, 3)), x);
        assert_eq!(lines.position(text.len()), Position::new(2, 4));
        assert_eq!(lines.position(0), Position::new(0, 0));
        // Inside a character: back to its start.
        assert_eq!(lines.position(x - 1), Position::new(1, 1));
        assert_eq!(lines.offset(Position::new(9, 0)), text.len());
        assert_eq!(lines.offset(Position::new(0, 99)), 2);
    }

    #[test]
    fn uris_round_trip() {
        let path = Path::new("/tmp/a b/é.rs");
        let uri = file_uri(path).map(|u| u.as_str().to_owned());
        assert_eq!(uri.as_deref(), Some("file:///tmp/a%20b/%C3%A9.rs"));
        let back = file_uri(path).and_then(|u| uri_path(&u));
        assert_eq!(back.as_deref(), Some(path));
    }
}
