//! Fixes are data a finding carries: byte edits plus how sure we are they keep the code right.
//! Renderers print them (rustc-json suggestions, SARIF `fixes`), `check --fix` and the
//! language server apply them; none of them computes an edit of its own.

use serde::Serialize;

use super::Location;
use crate::input::source::{ByteSpan, SourceFile};

/// Whether a fix may be applied without review (Ruff's and rustc's applicability).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the program's meaning and compiles as before: `check --fix` applies it.
    Safe,
    /// Changes types or behaviour (a resolver call for an env read): applied only with
    /// `--unsafe-fixes`, offered as a code action.
    Unsafe,
}

impl Applicability {
    /// As JSON and SARIF write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace `location`'s bytes by `replacement` (insert when empty, delete when empty text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub location: Location,
    pub replacement: String,
}

impl Edit {
    pub fn new(source: &SourceFile, span: ByteSpan, replacement: impl Into<String>) -> Self {
        Edit {
            location: Location::of(source, span),
            replacement: replacement.into(),
        }
    }

    pub fn span(&self) -> ByteSpan {
        self.location.span
    }
}

/// The edits that make one finding go away, in one file (the finding's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, imperative: "rename to `OPENAI_API_KEY`".
    pub message: String,
    pub applicability: Applicability,
    /// Sorted by position, none overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(
        message: impl Into<String>,
        applicability: Applicability,
        mut edits: Vec<Edit>,
    ) -> Self {
        edits.sort_by_key(|e| (e.span().start, e.span().end));
        edits.dedup();
        Fix {
            message: message.into(),
            applicability,
            edits,
        }
    }

    /// True when no two edits of `self` and `other` touch the same bytes. Two insertions at
    /// one offset overlap too: their order would be a guess.
    pub fn overlaps(&self, other: &Fix) -> bool {
        self.edits.iter().any(|a| {
            other.edits.iter().any(|b| {
                let (a, b) = (a.span(), b.span());
                a.start < b.end && b.start < a.end || a.start == b.start
            })
        })
    }
}

/// Applies `fixes` to `text`, skipping any fix that overlaps one taken before it or that
/// points outside the text or inside a character; returns the new text and how many fixes
/// were applied. The fixes are taken in the order given.
pub fn apply<'f>(text: &str, fixes: impl IntoIterator<Item = &'f Fix>) -> (String, usize) {
    let mut taken: Vec<&Fix> = Vec::new();
    for fix in fixes {
        let fits = fix.edits.iter().all(|e| {
            let s = e.span();
            s.start <= s.end && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
        });
        let internal = fix
            .edits
            .windows(2)
            .any(|w| w[0].span().end > w[1].span().start);
        if fits && !internal && !taken.iter().any(|t| t.overlaps(fix)) {
            taken.push(fix);
        }
    }
    let mut edits: Vec<&Edit> = taken.iter().flat_map(|f| &f.edits).collect();
    edits.sort_by_key(|e| (e.span().start, e.span().end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.span().start]);
        out.push_str(&e.replacement);
        at = e.span().end;
    }
    out.push_str(&text[at..]);
    (out, taken.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(text: &str, edits: &[(usize, usize, &str)]) -> Fix {
        let source = SourceFile::new("a.rs".into(), "a.rs".into(), text.to_owned());
        let edits = edits
            .iter()
            .map(|&(start, end, r)| Edit::new(&source, ByteSpan { start, end }, r))
            .collect();
        Fix::new("f", Applicability::Safe, edits)
    }

    #[test]
    fn applies_edits_back_to_front_of_each_other() {
        let text = "let a = \"OLD\"; let b = \"OLD\";";
        let f = fix(text, &[(24, 27, "NEW"), (9, 12, "NEW")]);
        assert_eq!(
            apply(text, [&f]),
            ("let a = \"NEW\"; let b = \"NEW\";".to_owned(), 1)
        );
    }

    #[test]
    fn an_overlapping_fix_waits_for_the_next_round() {
        let text = "abcdef";
        let first = fix(text, &[(1, 3, "X")]);
        let second = fix(text, &[(2, 4, "Y")]);
        let apart = fix(text, &[(4, 5, "Z")]);
        assert_eq!(
            apply(text, [&first, &second, &apart]),
            ("aXdZf".to_owned(), 2)
        );
    }

    #[test]
    fn two_insertions_at_one_place_overlap() {
        let text = "ab";
        let a = fix(text, &[(1, 1, "X")]);
        let b = fix(text, &[(1, 1, "Y")]);
        assert_eq!(apply(text, [&a, &b]), ("aXb".to_owned(), 1));
    }

    #[test]
    fn an_edit_inside_a_character_is_refused() {
        let text = "é";
        let f = fix(text, &[(1, 2, "e")]);
        assert_eq!(apply(text, [&f]), ("é".to_owned(), 0));
    }
}
