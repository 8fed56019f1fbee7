//! Which files the facts and rules walk, and how far: the first pass goes by every rule's
//! triggers, the passes after it by what other files of the crate declared. Kept apart from
//! the engine's loop because the two passes must agree on one rule: a later pass walks a file
//! again only when it needs more of it than it got.

use crate::analysis::prefilter::{Needs, Prefilter};

/// Which files the facts and rules walk: those with a rule's or a fact's trigger (the first
/// pass, which syntax-checks every file), or those naming something declared elsewhere (the
/// passes after it).
#[derive(Clone, Copy)]
pub enum Gate<'a> {
    /// `walk_all`: walk every file, needed or not (`--no-prefilter`).
    Triggers {
        prefilter: &'a Prefilter,
        walk_all: bool,
    },
    /// `walked`: how far an earlier pass walked the file (`None`: only syntax-checked). A
    /// file one rule's trigger got walked for its syntax tree may still call a reading
    /// macro declared elsewhere.
    Declared {
        prefilter: &'a Prefilter,
        walked: Option<Needs>,
    },
}

/// What one file gets.
#[derive(Clone, Copy)]
pub struct Plan {
    /// How far the facts and the rules walk it; `None`: only its syntax is checked.
    pub walk: Option<Needs>,
    /// Its text holds a trigger of some rule: it is reported when syn cannot parse it, even
    /// where rust-analyzer's grammar accepts it (see [`crate::input::syntax`]).
    pub needed: bool,
}

impl Gate<'_> {
    /// The plan for a file's text; `None` from a later pass when it needs no more than it got.
    pub fn plan(self, text: &str) -> Option<Plan> {
        match self {
            Gate::Triggers {
                prefilter,
                walk_all,
            } => {
                let needs = prefilter.needs(text.as_bytes());
                Some(Plan {
                    walk: if walk_all { Some(Needs::Flows) } else { needs },
                    needed: needs.is_some(),
                })
            }
            // Syntax-checked in the first pass, by its own triggers: whether the file must
            // parse with syn does not depend on what other files declare (nor, then, on
            // which of them the first pass walked).
            Gate::Declared { prefilter, walked } => {
                let needs = prefilter.needs(text.as_bytes());
                (needs > walked).then_some(Plan {
                    walk: needs,
                    needed: false,
                })
            }
        }
    }
}
