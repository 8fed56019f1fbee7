//! Long lines cut down to the part around a span before a snippet shows them: a finding's
//! in the `human` format, a configuration error's on standard error.
//!
//! A minified or generated line can be megabytes long. miette pads with `format!` widths,
//! which panic past 65,535 columns, and a reader gains nothing from a screen of one line:
//! every line longer than [`MAX_LINE`] bytes keeps only [`CONTEXT`] bytes either side of the
//! spans on it (a span longer than [`MAX_SPAN`] keeps its two ends), and each cut part
//! becomes `…`. The spans are moved to where their text is in the cut copy.

use std::ops::Range;

/// Lines up to this many bytes are drawn whole.
pub const MAX_LINE: usize = 400;
/// Bytes kept either side of a span on a long line.
const CONTEXT: usize = 60;
/// A longer span on a long line keeps this many bytes at each end.
const MAX_SPAN: usize = 120;
const CUT: &str = "…";

/// Characters of a message kept before it is cut: a parser's message can quote the value
/// it rejected, whole.
const MAX_MESSAGE: usize = 300;

/// `message`, cut after [`MAX_MESSAGE`] characters.
pub fn message(message: &str) -> String {
    match message.char_indices().nth(MAX_MESSAGE) {
        Some((at, _)) => format!("{}{CUT}", &message[..at]),
        None => message.to_owned(),
    }
}

/// One kept piece: where it was and where it is now.
struct Piece {
    from: Range<usize>,
    to: usize,
}

/// `text` with its long lines cut around `spans`, and the spans in it; `None` when no line
/// is long, so the text is drawn as it is.
pub fn around(text: &str, spans: &[Range<usize>]) -> Option<(String, Vec<Range<usize>>)> {
    if !text.split('\n').any(|line| line.len() > MAX_LINE) {
        return None;
    }
    let mut out = String::with_capacity(text.len().min(1 << 16));
    let mut pieces: Vec<Piece> = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let kept = if line.len() > MAX_LINE {
            kept_ranges(text, start..end, spans)
        } else {
            std::iter::once(start..end).collect()
        };
        let mut at = start;
        for range in kept {
            if range.start > at {
                out.push_str(CUT);
            }
            pieces.push(Piece {
                from: range.clone(),
                to: out.len(),
            });
            out.push_str(&text[range.clone()]);
            at = range.end;
        }
        if at < end {
            out.push_str(CUT);
        }
        start = end;
    }
    let moved = spans
        .iter()
        .map(|s| {
            let start = moved_to(&pieces, s.start);
            start..moved_to(&pieces, s.end).max(start)
        })
        .collect();
    Some((out, moved))
}

/// The byte ranges of the line `line` to keep: around every span that touches it, or its
/// start when none does. Sorted, disjoint, on character boundaries.
fn kept_ranges(text: &str, line: Range<usize>, spans: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut wanted: Vec<Range<usize>> = Vec::new();
    for s in spans {
        if s.end < line.start || s.start > line.end {
            continue;
        }
        let (start, end) = (s.start.max(line.start), s.end.min(line.end));
        if end - start > MAX_SPAN {
            wanted.push(start.saturating_sub(CONTEXT)..start + MAX_SPAN / 2);
            wanted.push(end - MAX_SPAN / 2..end + CONTEXT);
        } else {
            wanted.push(start.saturating_sub(CONTEXT)..end + CONTEXT);
        }
    }
    if wanted.is_empty() {
        wanted.push(line.start..line.start + CONTEXT);
    }
    // The line break stays, so lines keep their numbers.
    if text[line.clone()].ends_with('\n') {
        wanted.push(line.end - 1..line.end);
    }
    let mut ranges: Vec<Range<usize>> = wanted
        .into_iter()
        .map(|r| {
            text.floor_char_boundary(r.start.max(line.start))
                ..text.floor_char_boundary(r.end.min(line.end))
        })
        .filter(|r| !r.is_empty())
        .collect();
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Where the byte `offset` of the original is in the cut copy: its place in its piece, or
/// the start of the next piece when it was cut.
fn moved_to(pieces: &[Piece], offset: usize) -> usize {
    let after = pieces.partition_point(|p| p.from.end < offset);
    match pieces.get(after) {
        Some(p) if offset >= p.from.start => p.to + (offset - p.from.start),
        Some(p) => p.to,
        None => pieces.last().map_or(0, |p| p.to + p.from.len()),
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // One span, as a finding without related places.
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut() {
        assert_eq!(message("short"), "short");
        let long = message(&"é".repeat(10_000));
        assert_eq!(long.chars().count(), MAX_MESSAGE + 1);
    }

    #[test]
    fn short_lines_are_left_alone() {
        assert!(around("fn main() {}\n", &[0..2]).is_none());
    }

    #[test]
    fn a_long_line_keeps_the_span_and_its_surroundings() {
        let text = format!(
            "fn a() {{}}\nlet s = \"{}\"; let k = KEY;\n",
            "x".repeat(70_000)
        );
        let at = text.find("KEY").unwrap();
        let (cut, spans) = around(&text, &[at..at + 3]).unwrap();
        assert!(cut.len() < 1_000, "{}", cut.len());
        assert_eq!(&cut[spans[0].clone()], "KEY");
        assert!(cut.starts_with("fn a() {}\n"), "short lines stay whole");
        assert_eq!(cut.lines().count(), 2, "lines keep their numbers");
        assert!(cut.contains(CUT));
    }

    #[test]
    fn a_long_span_keeps_its_ends() {
        let text = format!("let s = \"{}\";\n", "é".repeat(50_000));
        let span = 8..text.len() - 2;
        let (cut, spans) = around(&text, &[span]).unwrap();
        assert!(cut.len() < 1_000);
        let shown = &cut[spans[0].clone()];
        assert!(shown.starts_with('"') && shown.ends_with('"'), "{shown}");
        assert!(shown.contains(CUT));
    }

    #[test]
    fn a_span_on_another_line_is_moved_with_the_cut() {
        let text = format!("{}\nlet k = KEY;\n", "y".repeat(10_000));
        let at = text.find("KEY").unwrap();
        let (cut, spans) = around(&text, &[at..at + 3]).unwrap();
        assert_eq!(&cut[spans[0].clone()], "KEY");
    }
}
