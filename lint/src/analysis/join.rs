//! The crate-wide join: facts from every file of a crate (string constants, functions that
//! read the environment through a parameter) answer the questions rules could not settle
//! while looking at one file.
//!
//! Macros too: a `macro_rules!` macro invoked in one file and defined in another is expanded
//! here. Rust's textual scoping (`#[macro_use]`, definition order, `#[macro_export]` with
//! `$crate::name!`) is approximated by the name alone, and only when the crate defines that
//! name exactly once: two definitions of one name could be either, and the join does not guess.

use std::collections::{HashMap, HashSet};

use crate::analysis::facts::{Callee, ConstFact, FileFacts, FlowSink, FnFact};
use crate::analysis::facts::{MacroCall, Reexport, SlotRead};
use crate::analysis::reads::{Arg, NameExpr};
use crate::analysis::taint::Flow;
use crate::finding::Location;

/// A decision deferred by a rule until the whole crate was seen.
#[derive(Clone, Debug)]
pub struct Question {
    pub rule: &'static str,
    /// Display path of the file the finding would be in.
    pub path: String,
    pub location: Location,
    pub kind: QuestionKind,
}

#[derive(Clone, Debug)]
pub enum QuestionKind {
    /// A direct read whose name needs constants from elsewhere in the crate.
    EnvRead { reader: String, name: Arg },
    /// A call that may be a call to a function of this crate which reads its argument.
    Call { callee: Callee, args: Vec<Arg> },
    /// A flow whose source is an environment read named through a constant: is it a secret?
    Flow(Flow),
    /// A call of a crate path that may re-export a catalogued library entry point.
    LibraryPath { candidates: Vec<String> },
    /// A name stored in a slot: does the crate read the environment through that slot?
    Store { slot: String, name: Arg },
    /// An invocation of a macro defined in another file: what does its expansion read?
    Macro(MacroCall),
}

/// Where the crate reads the environment through a slot.
#[derive(Clone, Debug)]
pub struct SlotSite {
    /// Display path of the file.
    pub path: String,
    pub read: SlotRead,
}

/// How a function parameter reaches an environment read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamMode {
    /// The parameter itself is the variable name.
    Name,
    /// The parameter is a list of names, each of which is read.
    EachName,
}

/// What a crate's files say, merged.
#[derive(Debug, Default)]
pub struct CrateFacts {
    consts: HashMap<String, NameExpr>,
    fns: Vec<FnFact>,
    fn_by_path: HashMap<String, usize>,
    /// For each function, the parameters that are read (directly or transitively).
    readers: Vec<HashSet<(usize, ParamMode)>>,
    /// Module paths declared `#[cfg(test)] mod x;`.
    pub test_modules: HashSet<String>,
    /// Slot -> the first place the crate reads the environment through it.
    slot_reads: HashMap<String, SlotSite>,
    /// For each function, the slot through which its parameter reaches a read, if any.
    via_slot: Vec<Option<String>>,
    /// `crate::m::Alias` -> what it names, from module-level `use`s.
    reexports: HashMap<String, String>,
    /// `crate::m` -> the targets of its glob `use`s.
    glob_reexports: HashMap<String, Vec<String>>,
    /// Macro name -> its definition's tokens; `None` when the crate defines it more than once.
    macros: HashMap<String, Option<String>>,
    /// Field name -> the types whose literals store into it (to pair a read of `x.field`,
    /// whose type is not known, with the one type that stores there).
    field_types: HashMap<String, HashSet<String>>,
}

/// One name a question resolved to, with where it was spelled.
#[derive(Clone, Debug)]
pub struct ResolvedName {
    pub name: String,
    pub location: Location,
    /// The expression came from a `format!` template: only patterns can match.
    pub template: bool,
}

impl CrateFacts {
    /// Merges the facts of every file of one crate and computes which functions read the
    /// environment through their parameters (a fixpoint over forwarding calls).
    pub fn build<'a>(files: impl IntoIterator<Item = &'a FileFacts>) -> Self {
        let files: Vec<&FileFacts> = files.into_iter().collect();
        let mut facts = CrateFacts::default();
        for file in &files {
            for ConstFact { path, value } in &file.consts {
                facts
                    .consts
                    .entry(path.clone())
                    .or_insert_with(|| value.clone());
            }
            for f in &file.fns {
                facts
                    .fn_by_path
                    .entry(f.path.clone())
                    .or_insert(facts.fns.len());
                facts.fns.push(f.clone());
            }
            facts.test_modules.extend(file.test_modules.iter().cloned());
            for read in &file.slot_reads {
                facts
                    .slot_reads
                    .entry(read.slot.clone())
                    .or_insert_with(|| SlotSite {
                        path: file.display.clone(),
                        read: read.clone(),
                    });
            }
            let stored = file.stores.iter().map(|s| &s.slot).chain(
                file.fns
                    .iter()
                    .flat_map(|f| &f.sinks)
                    .filter_map(|s| match s {
                        FlowSink::Store { slot, .. } => Some(slot),
                        _ => None,
                    }),
            );
            for slot in stored {
                if let Some((ty, field)) = named_field(slot) {
                    facts
                        .field_types
                        .entry(field.to_owned())
                        .or_default()
                        .insert(ty.to_owned());
                }
            }
            for def in &file.macro_defs {
                facts
                    .macros
                    .entry(def.name.clone())
                    .and_modify(|d| *d = None)
                    .or_insert_with(|| Some(def.tokens.clone()));
            }
            for Reexport { path, target, glob } in &file.reexports {
                if *glob {
                    facts
                        .glob_reexports
                        .entry(path.clone())
                        .or_default()
                        .push(target.clone());
                } else {
                    facts
                        .reexports
                        .entry(path.clone())
                        .or_insert_with(|| target.clone());
                }
            }
        }
        facts.readers = vec![HashSet::new(); facts.fns.len()];
        facts.via_slot = vec![None; facts.fns.len()];
        // Slots read through a wrapper of this crate (`env_nonempty(name)` with `name` bound
        // by `AuthData::FromEnv(name)`) are only known once the wrappers are; a few rounds
        // settle it.
        for _ in 0..4 {
            facts.fixpoint();
            if !facts.slot_reads_through_wrappers(&files) {
                break;
            }
        }
        facts
    }

    /// Adds the slots passed to a reading wrapper; whether any was new.
    fn slot_reads_through_wrappers(&mut self, files: &[&FileFacts]) -> bool {
        let mut added = false;
        for file in files {
            for call in &file.calls {
                for (param, _) in self.reader_params(&call.callee) {
                    let Some(Arg {
                        expr: NameExpr::Slot(slot),
                        ..
                    }) = call.args.get(param)
                    else {
                        continue;
                    };
                    if self.slot_reads.contains_key(slot) {
                        continue;
                    }
                    let reader = self.fn_name(&call.callee).unwrap_or("").to_owned();
                    self.slot_reads.insert(
                        slot.clone(),
                        SlotSite {
                            path: file.display.clone(),
                            read: SlotRead {
                                slot: slot.clone(),
                                reader,
                                call: call.location,
                            },
                        },
                    );
                    added = true;
                }
            }
        }
        added
    }

    /// Which functions read the environment through their parameters: a fixpoint over
    /// forwarding calls and slots.
    fn fixpoint(&mut self) {
        let facts = self;
        loop {
            let mut changed = false;
            for i in 0..facts.fns.len() {
                for sink in &facts.fns[i].sinks {
                    let gained = match sink {
                        FlowSink::Read { param, each } => Some((*param, mode(*each))),
                        FlowSink::Store { slot, param, each } => {
                            let read = facts.slot_read(slot).is_some();
                            if read && facts.via_slot[i].is_none() {
                                facts.via_slot[i] = Some(slot.clone());
                            }
                            read.then_some((*param, mode(*each)))
                        }
                        FlowSink::Forward {
                            callee,
                            arg,
                            param,
                            each,
                        } => facts.callee_fn(callee).and_then(|target| {
                            if facts.via_slot[i].is_none() && !facts.readers[target].is_empty() {
                                facts.via_slot[i] = facts.via_slot[target].clone();
                            }
                            let accepts = &facts.readers[target];
                            match (*each, accepts.contains(&(*arg, ParamMode::Name))) {
                                // `for n in names { read(n) }`
                                (true, true) => Some((*param, ParamMode::EachName)),
                                (false, true) => Some((*param, ParamMode::Name)),
                                (false, false)
                                    if accepts.contains(&(*arg, ParamMode::EachName)) =>
                                {
                                    Some((*param, ParamMode::EachName))
                                }
                                _ => None,
                            }
                        }),
                    };
                    if let Some(g) = gained {
                        changed |= facts.readers[i].insert(g);
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// The names of the functions that read the environment through a parameter, directly,
    /// through a slot or through other functions (for the prefilter's later passes).
    pub fn reading_fns(&self) -> impl Iterator<Item = &str> {
        self.fns.iter().enumerate().filter_map(|(i, f)| {
            (!self.readers[i].is_empty() || self.via_slot[i].is_some()).then_some(f.name.as_str())
        })
    }

    /// The one definition of macro `name` in the crate, and the crate's other macros (defined
    /// once) its body names, as `(name, tokens)`, the definition first.
    pub fn macro_defs(&self, name: &str) -> Vec<(&str, &str)> {
        let Some((key, Some(def))) = self.macros.get_key_value(name) else {
            return Vec::new();
        };
        let mut out = vec![(key.as_str(), def.as_str())];
        for (n, d) in &self.macros {
            if let (Some(d), true) = (d, n != name && def.contains(n.as_str())) {
                out.push((n.as_str(), d.as_str()));
            }
        }
        out
    }

    /// The paths `path` may stand for through the crate's own `use`s (`crate::tg::Bot::new`
    /// -> `teloxide::Bot::new`), `path` itself first.
    pub fn through_reexports(&self, path: &str) -> Vec<String> {
        let mut out = vec![path.to_owned()];
        let mut i = 0;
        while i < out.len() && out.len() < 16 {
            let p = out[i].clone();
            let segs: Vec<&str> = p.split("::").collect();
            for k in (1..segs.len()).rev() {
                let (head, rest) = (segs[..k].join("::"), &segs[k..]);
                let mut push = |base: &str| {
                    let q = format!("{base}::{}", rest.join("::"));
                    if !out.contains(&q) {
                        out.push(q);
                    }
                };
                if let Some(t) = self.reexports.get(&head) {
                    push(t);
                }
                if let Some(globs) = self.glob_reexports.get(&head) {
                    for g in globs {
                        push(g);
                    }
                }
            }
            i += 1;
        }
        out
    }

    /// Where the crate reads the environment through a slot: `T.field` is also read by a
    /// `x.field` of unknown type when `T` is the only type storing into `field`.
    pub fn slot_read(&self, slot: &str) -> Option<&SlotSite> {
        if let Some(site) = self.slot_reads.get(slot) {
            return Some(site);
        }
        let (ty, field) = named_field(slot)?;
        let types = self.field_types.get(field)?;
        if types.len() == 1 && types.contains(ty) {
            return self.slot_reads.get(&format!("?.{field}"));
        }
        None
    }

    /// The slot through which a resolved callee's parameter reaches a read.
    pub fn callee_slot(&self, callee: &Callee) -> Option<&SlotSite> {
        let i = self.callee_fn(callee)?;
        self.via_slot[i].as_deref().and_then(|s| self.slot_read(s))
    }

    /// The function a call resolves to by path (also through the crate's re-exports), not
    /// by name alone.
    pub fn callee_fn_exact(&self, callee: &Callee) -> Option<usize> {
        callee.candidates.iter().find_map(|c| {
            self.through_reexports(c)
                .iter()
                .find_map(|p| self.fn_by_path.get(p).copied())
        })
    }

    /// The function a call resolves to: an exact path first, then a unique function of the
    /// same name (methods match methods, free functions match free functions).
    pub fn callee_fn(&self, callee: &Callee) -> Option<usize> {
        if let Some(&i) = callee
            .candidates
            .iter()
            .find_map(|c| self.fn_by_path.get(c))
        {
            return Some(i);
        }
        if let Some(i) = self.callee_fn_exact(callee) {
            return Some(i);
        }
        let mut same_name = self
            .fns
            .iter()
            .enumerate()
            .filter(|(_, f)| f.name == callee.name && f.is_method == callee.is_method);
        let (i, _) = same_name.next()?;
        same_name.next().is_none().then_some(i)
    }

    /// The parameters through which a resolved callee reads the environment.
    pub fn reader_params(&self, callee: &Callee) -> Vec<(usize, ParamMode)> {
        let Some(i) = self.callee_fn(callee) else {
            return Vec::new();
        };
        let mut v: Vec<_> = self.readers[i].iter().copied().collect();
        v.sort_by_key(|&(p, m)| (p, m == ParamMode::EachName));
        v
    }

    /// The display name of a function, for messages.
    pub fn fn_name(&self, callee: &Callee) -> Option<&str> {
        self.callee_fn(callee).map(|i| self.fns[i].name.as_str())
    }

    /// The names an argument stands for, resolving constants (also across files).
    pub fn names(&self, arg: &Arg, mode: ParamMode) -> Vec<ResolvedName> {
        let mut out = Vec::new();
        match mode {
            ParamMode::Name => self.names_of(&arg.expr, arg.location, &mut out, 0, false),
            ParamMode::EachName => {
                self.elements(&arg.expr, arg.location, &mut out, 0);
            }
        }
        out
    }

    fn names_of(
        &self,
        expr: &NameExpr,
        location: Location,
        out: &mut Vec<ResolvedName>,
        depth: usize,
        template: bool,
    ) {
        if depth > 16 {
            return;
        }
        match expr {
            NameExpr::Lit(name) => out.push(ResolvedName {
                name: name.clone(),
                location,
                template,
            }),
            NameExpr::Format(t) => out.push(ResolvedName {
                name: t.clone(),
                location,
                template: true,
            }),
            NameExpr::Const(candidates) => {
                if let Some(v) = candidates.iter().find_map(|c| self.consts.get(c)) {
                    self.names_of(v, location, out, depth + 1, template);
                }
            }
            NameExpr::Concat(parts) => {
                if let Some((s, partial)) = self.concat(parts, depth) {
                    out.push(ResolvedName {
                        name: s,
                        location,
                        template: template || partial,
                    });
                }
            }
            NameExpr::Case(inner, upper) => {
                let start = out.len();
                self.names_of(inner, location, out, depth + 1, template);
                for r in &mut out[start..] {
                    r.name = if *upper {
                        r.name.to_uppercase()
                    } else {
                        r.name.to_lowercase()
                    };
                }
            }
            NameExpr::Element(list) => self.elements(list, location, out, depth + 1),
            NameExpr::List(_) | NameExpr::Dynamic(_) | NameExpr::Slot(_) | NameExpr::Unknown => {}
        }
    }

    fn elements(
        &self,
        expr: &NameExpr,
        location: Location,
        out: &mut Vec<ResolvedName>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        match expr {
            NameExpr::List(items) => {
                for a in items {
                    self.names_of(&a.expr, a.location, out, depth + 1, false);
                }
            }
            NameExpr::Const(candidates) => {
                if let Some(v) = candidates.iter().find_map(|c| self.consts.get(c)) {
                    // Elements of a constant defined elsewhere point at the use.
                    let start = out.len();
                    self.elements(v, location, out, depth + 1);
                    for r in &mut out[start..] {
                        r.location = location;
                    }
                }
            }
            _ => {}
        }
    }

    /// The joined parts, and whether a part is only known at run time (then written `X`,
    /// as in a `format!` template).
    fn concat(&self, parts: &[NameExpr], depth: usize) -> Option<(String, bool)> {
        let mut s = String::new();
        let mut partial = false;
        for p in parts {
            if matches!(p, NameExpr::Unknown | NameExpr::Dynamic(_)) {
                s.push('X');
                partial = true;
                continue;
            }
            let mut one = Vec::new();
            self.names_of(p, Location::default(), &mut one, depth + 1, false);
            match one.as_slice() {
                [r] => {
                    s.push_str(&r.name);
                    partial |= r.template;
                }
                _ => return None,
            }
        }
        Some((s, partial))
    }
}

/// `KeySpec.key_env` -> (`KeySpec`, `key_env`); `None` for a tuple slot (`AuthData::FromEnv.0`).
fn named_field(slot: &str) -> Option<(&str, &str)> {
    let (ty, field) = slot.rsplit_once('.')?;
    (!field.chars().all(|c| c.is_ascii_digit())).then_some((ty, field))
}

fn mode(each: bool) -> ParamMode {
    if each {
        ParamMode::EachName
    } else {
        ParamMode::Name
    }
}
