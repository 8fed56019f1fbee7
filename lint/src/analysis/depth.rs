//! A bound on the helper evaluations that look down into an expression.
//!
//! The walks visit each node once, but at some nodes they ask a question of the whole
//! sub-tree: which name does this argument spell, which text does this sum build. Asked at
//! every level of a chain or a nested array, an unbounded question costs the square of the
//! depth (a 8,000-deep array took 11 s). Past [`LIMIT`] levels the answer is "unknown", as it
//! is for any value the analysis cannot see through, and the cost stays linear.

use std::cell::Cell;

/// How many levels one question may descend. Names and texts built by hand are a few
/// levels deep.
pub const LIMIT: usize = 64;

/// The depth of the question being answered.
#[derive(Debug, Default)]
pub struct Depth(Cell<usize>);

/// One level of a question; leaving it (dropping the guard) goes back up.
#[derive(Debug)]
pub struct Level<'a>(&'a Cell<usize>);

impl Depth {
    /// One level down, or `None` when the question is already [`LIMIT`] levels deep.
    pub fn enter(&self) -> Option<Level<'_>> {
        let now = self.0.get();
        if now >= LIMIT {
            return None;
        }
        self.0.set(now + 1);
        Some(Level(&self.0))
    }
}

impl Drop for Level<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::{Depth, LIMIT};

    fn descend(depth: &Depth, n: usize) -> usize {
        match depth.enter() {
            Some(_level) if n > 0 => 1 + descend(depth, n - 1),
            _ => 0,
        }
    }

    #[test]
    fn stops_at_the_limit_and_comes_back_up() {
        let depth = Depth::default();
        assert_eq!(descend(&depth, 10), 10);
        assert_eq!(descend(&depth, LIMIT * 2), LIMIT);
        assert_eq!(descend(&depth, 10), 10, "every level was left");
    }
}
