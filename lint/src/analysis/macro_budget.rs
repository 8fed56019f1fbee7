//! A bound on how much macro input a file's analysis parses.
//!
//! syn leaves a macro's arguments as tokens; the walks parse them to look inside, and what
//! they parse holds the next macro, parsed again: `m!(m!(m!(..)))` parses its innermost
//! tokens once per level, the square of the depth in all (8,000 levels took 63 s). Each
//! file gets a budget of [`PER_BYTE`] times its length; every macro a walk looks into
//! spends the length of its tokens, and a macro past the budget is left unread, as an
//! unknown macro is. The engine reports a file whose budget ran out, so the gap is visible.
//!
//! The budget is per thread because a file is analysed on one thread, start to end, by
//! walks that would otherwise all have to carry it; [`start`] resets it for each file.

use std::cell::Cell;

use proc_macro2::TokenStream;

/// Bytes of macro input parsed per byte of the file, at most. Real files parse each macro
/// body a few times (once per walk); nesting depth is what multiplies it.
const PER_BYTE: usize = 64;
/// Every file may parse this much, however short it is.
const FLOOR: usize = 4 << 20;

thread_local! {
    static LEFT: Cell<usize> = const { Cell::new(usize::MAX) };
    static RAN_OUT: Cell<bool> = const { Cell::new(false) };
}

/// A new budget for a file of `len` bytes, analysed next on this thread.
pub fn start(len: usize) {
    LEFT.set(len.saturating_mul(PER_BYTE).saturating_add(FLOOR));
    RAN_OUT.set(false);
}

/// Whether a walk may parse `tokens`; spends their length when it may.
pub fn allow(tokens: &TokenStream) -> bool {
    let cost = length(tokens);
    let left = LEFT.get();
    if cost > left {
        RAN_OUT.set(true);
        return false;
    }
    LEFT.set(left - cost);
    true
}

/// Records that a macro was left unread by another bound (the expansion budget of
/// `macro_rules!` macros), so the file is reported the same way.
pub fn ran_out_elsewhere() {
    RAN_OUT.set(true);
}

/// Whether some macro was left unread since [`start`].
pub fn ran_out() -> bool {
    RAN_OUT.get()
}

/// The bytes `tokens` span in the file (their count, for tokens that were not read from it).
fn length(tokens: &TokenStream) -> usize {
    let mut trees = tokens.clone().into_iter();
    let Some(first) = trees.next() else {
        return 0;
    };
    let start = first.span().byte_range().start;
    let end = trees
        .last()
        .map_or(first.span().byte_range().end, |t| t.span().byte_range().end);
    end.saturating_sub(start).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_spends_its_budget_and_the_next_starts_afresh() {
        let tokens: TokenStream = "a, b, c".parse().unwrap();
        start(0);
        assert!(allow(&tokens));
        assert!(!ran_out());
        LEFT.set(1);
        assert!(!allow(&tokens));
        assert!(ran_out());
        start(10);
        assert!(allow(&tokens) && !ran_out());
    }
}
