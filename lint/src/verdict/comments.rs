//! Comments (and, as a by-product, literals) lexed from raw text.
//!
//! syn drops ordinary comments, so suppression directives cannot come from the syntax tree.
//! This lexer knows just enough Rust to tell a comment from text that merely looks like one:
//! string, byte, C and raw string literals, character literals versus lifetimes, and nested
//! block comments. It never fails; unterminated constructs run to the end of the text. The
//! literal spans it finds on the way let fingerprints leave literal contents out.

use crate::input::source::ByteSpan;

/// What kind of comment, as Rust distinguishes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `// ..` or `/* .. */`.
    Plain,
    /// `/// ..` or `/** .. */`: documents the next item (and is part of its span).
    OuterDoc,
    /// `//! ..` or `/*! .. */`: documents the enclosing module, block or file.
    InnerDoc,
}

/// One comment of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    pub kind: CommentKind,
    /// The whole comment, delimiters included (a line comment stops before its newline).
    pub span: ByteSpan,
    /// The text inside the delimiters (`//`, `///`, `//!`, `/*`, `*/`, ...).
    pub body: ByteSpan,
    /// Only whitespace precedes the comment on its line.
    pub own_line: bool,
}

impl Comment {
    pub fn body<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.body.start..self.body.end).unwrap_or("")
    }
}

/// Every comment of `text`, in order.
pub fn comments(text: &str) -> Vec<Comment> {
    lex(text).0
}

/// Every comment and every string, byte-string, raw-string and character literal of `text`,
/// each in order.
pub fn lex(text: &str) -> (Vec<Comment>, Vec<ByteSpan>) {
    let mut lexer = Lexer {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        out: Vec::new(),
        literals: Vec::new(),
    };
    lexer.run();
    (lexer.out, lexer.literals)
}

/// The start of the first token at or after `from`: whitespace and plain comments are
/// skipped, doc comments count as tokens (they are attributes, part of the item they
/// document). `None` at the end of the text.
pub fn next_token(text: &str, comments: &[Comment], from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = from;
    // Comments are sorted; find the first that does not end before `from`.
    let mut next = comments.partition_point(|c| c.span.end <= from);
    loop {
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        match comments.get(next) {
            Some(c) if c.span.start == pos && c.kind == CommentKind::Plain => {
                pos = c.span.end;
                next += 1;
            }
            _ => return Some(pos),
        }
    }
}

struct Lexer<'t> {
    bytes: &'t [u8],
    text: &'t str,
    pos: usize,
    out: Vec<Comment>,
    literals: Vec<ByteSpan>,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn run(&mut self) {
        while let Some(b) = self.peek(0) {
            match b {
                b'/' if self.peek(1) == Some(b'/') => self.line_comment(),
                b'/' if self.peek(1) == Some(b'*') => self.block_comment(),
                b'"' => {
                    let start = self.pos;
                    self.pos += 1;
                    self.quoted(b'"');
                    self.literal(start);
                }
                b'\'' => self.quote(),
                b if b == b'_' || b.is_ascii_alphabetic() || b >= 0x80 => self.word(),
                _ => self.pos += 1,
            }
        }
    }

    fn literal(&mut self, start: usize) {
        self.literals.push(ByteSpan {
            start,
            end: self.pos.min(self.bytes.len()),
        });
    }

    fn own_line(&self, start: usize) -> bool {
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        self.text[line_start..start]
            .bytes()
            .all(|b| b == b' ' || b == b'\t' || b == b'\r')
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        let end = self.text[start..]
            .find('\n')
            .map_or(self.bytes.len(), |i| start + i);
        let rest = &self.bytes[start + 2..end];
        let (kind, opener) = match rest.first() {
            Some(b'/') if rest.get(1) != Some(&b'/') => (CommentKind::OuterDoc, 3),
            Some(b'!') => (CommentKind::InnerDoc, 3),
            _ => (CommentKind::Plain, 2),
        };
        self.out.push(Comment {
            kind,
            span: ByteSpan { start, end },
            body: ByteSpan {
                start: start + opener,
                end,
            },
            own_line: self.own_line(start),
        });
        self.pos = end;
    }

    fn block_comment(&mut self) {
        let start = self.pos;
        let mut depth = 0usize;
        let mut i = start;
        let end = loop {
            match (self.bytes.get(i), self.bytes.get(i + 1)) {
                (None, _) => break self.bytes.len(),
                (Some(b'/'), Some(b'*')) => {
                    depth += 1;
                    i += 2;
                }
                (Some(b'*'), Some(b'/')) => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break i;
                    }
                }
                _ => i += 1,
            }
        };
        let inner = &self.bytes[start + 2..];
        // `/**/` and `/***` are plain comments, as in rustc.
        let kind = match (inner.first(), inner.get(1)) {
            (Some(b'*'), Some(b'*' | b'/')) => CommentKind::Plain,
            (Some(b'*'), _) => CommentKind::OuterDoc,
            (Some(b'!'), _) => CommentKind::InnerDoc,
            _ => CommentKind::Plain,
        };
        let opener = if kind == CommentKind::Plain { 2 } else { 3 };
        let closed = end >= start + 4 && self.bytes.get(end - 2..end) == Some(b"*/");
        let body_end = if closed { end - 2 } else { end };
        self.out.push(Comment {
            kind,
            span: ByteSpan { start, end },
            body: ByteSpan {
                start: (start + opener).min(body_end),
                end: body_end,
            },
            own_line: self.own_line(start),
        });
        self.pos = end;
    }

    /// Skips to just after the closing `close`, honouring backslash escapes.
    fn quoted(&mut self, close: u8) {
        while let Some(b) = self.peek(0) {
            self.pos += 1;
            if b == b'\\' {
                self.pos += 1;
            } else if b == close {
                return;
            }
        }
        self.pos = self.pos.min(self.bytes.len());
    }

    /// A character literal (`'a'`, `'\n'`, `'é'`), or a lifetime or label (`'a`, `'outer:`).
    fn quote(&mut self) {
        let start = self.pos;
        self.pos += 1;
        if self.peek(0) == Some(b'\\') {
            self.quoted(b'\'');
            self.literal(start);
            return;
        }
        // One character (however many bytes) followed by a quote is a character literal.
        let Some(c) = self.text[self.pos..].chars().next() else {
            return;
        };
        if self.bytes.get(self.pos + c.len_utf8()) == Some(&b'\'') {
            self.pos += c.len_utf8() + 1;
            self.literal(start);
        }
    }

    /// An identifier or keyword, which may prefix a literal (`r"..."`, `br#"..."#`, `b'x'`).
    fn word(&mut self) {
        let start = self.pos;
        let len = self.text[start..]
            .find(|c: char| !(c == '_' || c.is_alphanumeric()))
            .unwrap_or(self.text.len() - start);
        if len == 0 {
            // A non-ASCII character that is not part of an identifier (`→`, an emoji).
            self.pos += self.text[start..].chars().next().map_or(1, char::len_utf8);
            return;
        }
        self.pos = start + len;
        let word = &self.text[start..self.pos];
        match (word, self.peek(0)) {
            ("r" | "br" | "cr", Some(b'"' | b'#')) => self.raw_string(start),
            ("b" | "c", Some(b'"')) => {
                self.pos += 1;
                self.quoted(b'"');
                self.literal(start);
            }
            ("b", Some(b'\'')) => {
                self.pos += 1;
                self.quoted(b'\'');
                self.literal(start);
            }
            _ => {}
        }
    }

    /// `r#"..."#` after its prefix (which began at `start`); `r#ident` (a raw identifier) is
    /// left alone.
    fn raw_string(&mut self, start: usize) {
        let hashes = self.bytes[self.pos..]
            .iter()
            .take_while(|&&b| b == b'#')
            .count();
        if self.peek(hashes) != Some(b'"') {
            return;
        }
        self.pos += hashes + 1;
        let mut closing = vec![b'"'];
        closing.extend(std::iter::repeat_n(b'#', hashes));
        match self.bytes[self.pos..]
            .windows(closing.len())
            .position(|w| w == closing.as_slice())
        {
            Some(i) => self.pos += i + closing.len(),
            None => self.pos = self.bytes.len(),
        }
        self.literal(start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(text: &str) -> Vec<(CommentKind, &str, bool)> {
        comments(text)
            .iter()
            .map(|c| (c.kind, c.body(text), c.own_line))
            .collect()
    }

    #[test]
    fn line_and_block_comments() {
        let text = "// a\nlet x = 1; // b\n/* c /* nested */ still */ x\n/// d\n//! e\n//// f\n";
        use CommentKind::*;
        assert_eq!(
            bodies(text),
            [
                (Plain, " a", true),
                (Plain, " b", false),
                (Plain, " c /* nested */ still ", true),
                (OuterDoc, " d", true),
                (InnerDoc, " e", true),
                (Plain, "// f", true),
            ]
        );
        assert_eq!(
            bodies("/** o */ /*! i */ /**/ /***/"),
            [
                (OuterDoc, " o ", true),
                (InnerDoc, " i ", false),
                (Plain, "", false),
                (Plain, "*", false),
            ]
        );
    }

    #[test]
    fn markers_inside_literals_are_not_comments() {
        let text = r####"
let a = "// not";
let b = r#"/* not "# // yes1
let c = br##"// "# still not"##;
let d = b"//";
let e = '"'; // yes2
let f = '\''; // yes3
fn g<'a>(x: &'a str) -> &'a str { x } // yes4
let h = 'é'; let i = b'"'; // yes5
let j = "esc \" // not";
let r#type = 1; // yes6
'outer: loop { break 'outer; } // yes7
"####;
        let found: Vec<&str> = bodies(text).into_iter().map(|(_, b, _)| b).collect();
        assert_eq!(
            found,
            [
                " yes1", " yes2", " yes3", " yes4", " yes5", " yes6", " yes7"
            ]
        );
    }

    #[test]
    fn literals_are_found() {
        let text = r##"a("x", r#"y"#, b'z', 'w', c"v", 'l: loop {}, br"u", '\n')"##;
        let (_, literals) = lex(text);
        let found: Vec<&str> = literals.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(
            found,
            [
                r#""x""#,
                r##"r#"y"#"##,
                "b'z'",
                "'w'",
                r#"c"v""#,
                r#"br"u""#,
                r"'\n'"
            ]
        );
    }

    #[test]
    fn unterminated_constructs_do_not_panic() {
        for text in [
            "\"open", "r#\"open", "/* open", "'", "b'", "r#", "/*/", "'\\", "é'", "//", "→ x",
        ] {
            let _ = comments(text);
        }
        assert_eq!(comments("/* a").first().map(|c| c.body("/* a")), Some(" a"));
    }

    #[test]
    fn next_token_skips_plain_comments_only() {
        let text = "// a\n  /* b */ // c\n  /// doc\nfn f() {}";
        let cs = comments(text);
        let after_first = cs[0].span.end;
        let at = next_token(text, &cs, after_first).unwrap();
        assert!(text[at..].starts_with("/// doc"));
        let text = "// a\n\n fn f() {}";
        let cs = comments(text);
        let at = next_token(text, &cs, cs[0].span.end).unwrap();
        assert!(text[at..].starts_with("fn f"));
        assert_eq!(next_token("  // x", &comments("  // x"), 0), None);
    }
}
