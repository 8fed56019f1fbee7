//! One file's text plus the line index every span conversion needs.
//!
//! syn reports positions as (line, column-in-chars); findings need byte ranges for miette and
//! (line, column-in-chars) for JSON/SARIF. Both conversions live here so no rule does its own.

use std::path::PathBuf;

/// A 1-based line and a 1-based column counted in characters, as editors and SARIF expect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A half-open byte range into a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSpan {
    pub start: usize,
    pub end: usize,
}

/// A file that was read successfully as UTF-8.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the walker found it (used to open the file).
    pub path: PathBuf,
    /// The path as reports print it: relative to the working directory, `/` separators.
    pub display: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            display,
            text,
            line_starts,
        }
    }

    /// Byte offset of a proc-macro2 location (1-based line, 0-based char column).
    pub fn offset_of(&self, line: usize, char_column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let line_text = &self.text[start..end];
        start
            + line_text
                .char_indices()
                .nth(char_column)
                .map_or(line_text.len(), |(i, _)| i)
    }

    /// Byte range of a syn/proc-macro2 span in this file.
    pub fn byte_span(&self, span: proc_macro2::Span) -> ByteSpan {
        let (s, e) = (span.start(), span.end());
        let start = self.offset_of(s.line, s.column);
        let end = self.offset_of(e.line, e.column).max(start);
        ByteSpan { start, end }
    }

    /// 1-based line and character column of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.text.floor_char_boundary(offset);
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        Position {
            line,
            column: self.text[start..offset].chars().count() + 1,
        }
    }

    /// The source text of a span, for fingerprints (never rendered).
    pub fn slice(&self, span: ByteSpan) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let f = SourceFile::new(
            "a.rs".into(),
            "a.rs".into(),
            "é = 1;\nlet x = \"ü\";\n".into(),
        );
        let off = f.offset_of(2, 9);
        assert_eq!(&f.text[off..off + 2], "ü");
        assert_eq!(
            f.position(off),
            Position {
                line: 2,
                column: 10
            }
        );
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(f.text.len()), Position { line: 3, column: 1 });
    }
}
