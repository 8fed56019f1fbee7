//! The crate-wide join: facts from every file of a crate (string constants, functions that
//! read the environment through a parameter) answer the questions rules could not settle
//! while looking at one file.

use std::collections::{HashMap, HashSet};

use crate::facts::{Arg, Callee, ConstFact, FileFacts, FlowSink, FnFact, NameExpr};
use crate::finding::Location;
use crate::taint::Flow;

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
        let mut facts = CrateFacts::default();
        for file in files {
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
        }
        facts.readers = vec![HashSet::new(); facts.fns.len()];
        loop {
            let mut changed = false;
            for i in 0..facts.fns.len() {
                for sink in &facts.fns[i].sinks {
                    let gained = match sink {
                        FlowSink::Read { param, each } => Some((*param, mode(*each))),
                        FlowSink::Forward {
                            callee,
                            arg,
                            param,
                            each,
                        } => facts.callee_fn(callee).and_then(|target| {
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
        facts
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
                if let Some(s) = self.concat(parts, depth) {
                    out.push(ResolvedName {
                        name: s,
                        location,
                        template,
                    });
                }
            }
            NameExpr::Element(list) => self.elements(list, location, out, depth + 1),
            NameExpr::List(_) | NameExpr::Dynamic(_) | NameExpr::Unknown => {}
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

    fn concat(&self, parts: &[NameExpr], depth: usize) -> Option<String> {
        let mut s = String::new();
        for p in parts {
            let mut one = Vec::new();
            self.names_of(p, Location::default(), &mut one, depth + 1, false);
            match one.as_slice() {
                [r] if !r.template => s.push_str(&r.name),
                _ => return None,
            }
        }
        Some(s)
    }
}

fn mode(each: bool) -> ParamMode {
    if each {
        ParamMode::EachName
    } else {
        ParamMode::Name
    }
}
