//! Which files the facts and rules walk, and how far: the first pass goes by every rule's
//! triggers, the passes after it by what other files of the crate declared. Kept apart from
//! the engine's loop because the two passes must agree on one rule: a later pass walks a file
//! again only when it needs more of it than it got.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::FileResult;
use crate::analysis::facts::FileFacts;
use crate::analysis::join::CrateFacts;
use crate::analysis::prefilter::{Declared, Needs, Prefilter};
use crate::config::Settings;
use crate::input::unit::ModuleUnit;

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

/// The passes after the first: files skipped for want of a trigger (or walked for a rule that
/// needs only their syntax) may still call a function or name a constant that another file
/// declared: walk those too, until no file adds anything. Per crate: what a crate declares can
/// only be reached from its own files. `declared` is what earlier passes saw (empty for a new
/// run; kept by an editor session, where it only grows: walking a file further than needed
/// changes no finding). `only`: the one crate that may have changed (an editor's edit).
pub(super) fn rounds(
    pool: &rayon::ThreadPool,
    settings: &Settings,
    units: &[ModuleUnit],
    results: &mut [FileResult],
    declared: &mut HashMap<String, Declared>,
    only: Option<&str>,
    check_one: &(dyn Fn(usize, Gate<'_>) -> FileResult + Sync),
) {
    loop {
        let mut by_crate: BTreeMap<&str, Vec<&FileFacts>> = BTreeMap::new();
        let wanted = |r: &&FileResult| only.is_none_or(|key| r.unit.crate_key == key);
        for r in results.iter().filter(|r| r.walked.is_some()).filter(wanted) {
            by_crate
                .entry(&r.unit.crate_key)
                .or_default()
                .push(&r.facts);
        }
        let crates: Vec<(&str, Vec<&FileFacts>, Vec<String>)> = pool.install(|| {
            by_crate
                .into_par_iter()
                .map(|(key, files)| {
                    let krate = CrateFacts::build(files.iter().copied());
                    let fns = krate.reading_fns().map(str::to_owned).collect();
                    (key, files, fns)
                })
                .collect()
        });
        let mut gates: HashMap<String, Prefilter> = HashMap::new();
        for (key, files, reading_fns) in crates {
            let d = declared.entry(key.to_owned()).or_default();
            if d.add(files.iter().copied(), reading_fns, settings) {
                gates.insert(key.to_owned(), d.prefilter());
            }
        }
        let again: Vec<usize> = (0..results.len())
            // A file walked for its facts already names what it calls; one walked for its
            // syntax tree alone (or not at all) does not.
            .filter(|&i| results[i].walked < Some(Needs::Facts))
            .filter(|&i| gates.contains_key(&units[i].crate_key))
            .collect();
        let round: Vec<(usize, FileResult)> = pool.install(|| {
            again
                .into_par_iter()
                .map(|i| {
                    let gate = Gate::Declared {
                        prefilter: &gates[&units[i].crate_key],
                        walked: results[i].walked,
                    };
                    (i, check_one(i, gate))
                })
                .filter(|(_, r)| !r.unchanged)
                .collect()
        });
        if round.is_empty() {
            break;
        }
        for (i, r) in round {
            results[i] = r;
        }
    }
}
