//! Which files the rules need to walk, and how far. Beyond parsing, a file costs a facts walk,
//! a taint walk and every rule's visit; yet most files of a large tree cannot hold a finding:
//! a rule about environment reads has nothing to say about a file that never spells `env`.
//! Each rule declares the strings without which it cannot fire ([`Triggers`]) and what it
//! reads beyond the tree ([`Needs`]); one Aho-Corasick automaton over all of them, built once
//! per run, tells per file the most any rule (or the crate-wide facts other files rely on)
//! needs of it. Files no rule needs are only syntax-checked ([`crate::input::syntax`]), so that a
//! file that does not parse is still reported, never skipped.
//!
//! The strings are matched ASCII case-insensitively and anywhere; a trigger's regular
//! expression then narrows them (`env` as a word, a reader's name followed by `(`). Both are
//! over the raw text, so a trigger can only send a file to rules that did not need it, never
//! the reverse, except for text the source spells differently from its value: a literal
//! written with escapes (`"sk\x2d.."`) or split by a line continuation, a library reader
//! reached through `extern crate x as y`. `lint/tests/fixtures.rs` runs every fixture with
//! and without the prefilter.

use std::collections::{BTreeSet, HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::bytes::{Regex, RegexBuilder};

use crate::analysis::facts::FileFacts;
use crate::analysis::reads::NameExpr;
use crate::config::Settings;
use crate::config::readers::Readers;

/// What a rule needs to see in a file before it can fire: any one of the alternatives, each
/// satisfied when every one of its groups has at least one of its strings in the file (and
/// its pattern, if it has one, matches the file).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Triggers {
    alternatives: Vec<Alternative>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Alternative {
    groups: Vec<Vec<String>>,
    /// A regular expression over the file's bytes, tried only once the groups are satisfied.
    pattern: Option<String>,
}

impl Triggers {
    /// The rule may fire on any file: every file goes to the rules.
    pub fn always() -> Self {
        Triggers {
            alternatives: vec![Alternative::default()],
        }
    }

    /// The rule needs no file of its own (it reports on reading or parsing itself).
    pub fn never() -> Self {
        Triggers::default()
    }

    /// Any one of `strings` in the file.
    pub fn any<S: AsRef<str>>(strings: impl IntoIterator<Item = S>) -> Self {
        Triggers::all([strings])
    }

    /// For each group, one of its strings in the file.
    pub fn all<S: AsRef<str>, G: IntoIterator<Item = S>>(
        groups: impl IntoIterator<Item = G>,
    ) -> Self {
        let groups: Vec<Vec<String>> = groups
            .into_iter()
            .map(|g| g.into_iter().map(|s| s.as_ref().to_owned()).collect())
            .collect();
        // A group without strings can never be satisfied.
        if groups.iter().any(Vec::is_empty) {
            return Triggers::never();
        }
        Triggers {
            alternatives: vec![Alternative {
                groups,
                pattern: None,
            }],
        }
    }

    /// These triggers, each alternative also needing `regex` to match the file.
    pub fn matching(mut self, regex: &str) -> Self {
        for a in &mut self.alternatives {
            a.pattern = Some(regex.to_owned());
        }
        self
    }

    /// Either these triggers or `other`.
    pub fn or(mut self, other: Triggers) -> Self {
        self.alternatives.extend(other.alternatives);
        self
    }

    pub fn is_always(&self) -> bool {
        self.alternatives
            .iter()
            .any(|a| a.groups.is_empty() && a.pattern.is_none())
    }
}

/// An environment read: `std::env`, `env!`, `option_env!`, clap's `#[arg(env)]`, `dotenvy`,
/// `envy`, figment's `Env::`. Matched as a word: the `env` in `Environment`, `envelope` or
/// `EnvFilter` reads nothing. Library readers are the catalog's own triggers
/// ([`crate::config::readers`]).
const ENV_WORDS: &str = r"(?i)\benv\b|option_env|dotenv|\benvy\b";

/// The triggers of an environment read: [`ENV_WORDS`], or a call of a function named by
/// `env-reader-names` (`from_env(..)`, `token_env(..)`).
pub fn env_reads(settings: &Settings) -> Triggers {
    let patterns = &settings.rules.secret_env_read.env_reader_names.patterns;
    Triggers::any(["env"]).matching(ENV_WORDS).or(patterns
        .iter()
        .fold(Triggers::never(), |t, p| t.or(glob_call(p))))
}

/// A call of a function whose name matches the glob `pattern`: its longest literal part, and
/// the name followed by `(` (or a turbofish).
fn glob_call(pattern: &str) -> Triggers {
    let special = ['*', '?', '[', ']', '{', '}'];
    let Some(part) = pattern
        .split(special)
        .max_by_key(|part| part.len())
        .filter(|part| !part.is_empty())
    else {
        return Triggers::always();
    };
    let any = Triggers::any([part]);
    if pattern.contains(['[', ']', '{', '}']) {
        return any;
    }
    let name: String = pattern
        .split_inclusive(special)
        .map(|piece| match piece.strip_suffix(special) {
            Some(literal) => {
                let wildcard = if piece.ends_with('*') { r"\w*" } else { r"\w" };
                format!("{}{wildcard}", regex::escape(literal))
            }
            None => regex::escape(piece),
        })
        .collect();
    any.matching(&format!(r"\b{name}\s*{CALL}"))
}

/// What follows a function's name in a call: `(`, or a turbofish and `(`.
const CALL: &str = r"(?:::\s*<[^;{}]*>\s*)?\(";

/// A method call of one of `names`: `.name(`, or `.name::<T>(`.
fn method_calls<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Triggers {
    let names: Vec<String> = names.into_iter().map(|w| w.as_ref().to_owned()).collect();
    let alternation: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    Triggers::any(&names).matching(&format!(r"\.\s*(?:{})\s*{CALL}", alternation.join("|")))
}

/// The triggers of a secret's plain value appearing in a file: an expose method called (the
/// taint walk knows them as method calls only) or an environment read. The rules that
/// follow values (logs, URLs, serializers) share them.
pub fn secret_values(settings: &Settings) -> Triggers {
    env_reads(settings).or(method_calls(&settings.taint.expose_methods))
}

/// The literal parts of the secret-name patterns and the inventory's names, for macro bodies:
/// for a pattern such as `*_API_KEY`, its longest literal part `_API_KEY` (every match
/// contains all of them).
fn secret_names(settings: &Settings) -> Vec<String> {
    let mut out: BTreeSet<String> = settings
        .names
        .secret_patterns()
        .iter()
        .filter_map(|p| p.split('*').max_by_key(|part| part.len()))
        .map(str::to_owned)
        .collect();
    out.extend(
        settings
            .inventory
            .specs()
            .iter()
            .flat_map(|s| s.names())
            .map(|(n, _)| n.to_owned()),
    );
    // A name built by `concat!` from pieces spells none of them whole.
    out.insert("concat!".to_owned());
    out.retain(|s| !s.is_empty());
    out.into_iter().collect()
}

/// Where a file spells a secret's name: a pattern's final part (`*_API_KEY`: `_API_KEY`) at
/// the end of a literal, in any case (`"OPENAI_API_KEY"`, `"{}_api_key"`: names are matched
/// case-insensitively), or at the end of an upper-case identifier (`stringify!(OPENAI_API_KEY)`,
/// paste's `[<$p _API_KEY>]`); an inventory name, or the longest part of a pattern ending in a
/// wildcard, anywhere; and `concat!`, whose pieces may split a name.
fn secret_name_spellings(settings: &Settings) -> Triggers {
    let wildcards = ['*', '?', '[', ']', '{', '}'];
    let mut ends: BTreeSet<String> = BTreeSet::new();
    let mut anywhere: BTreeSet<String> = BTreeSet::new();
    for p in settings.names.secret_patterns() {
        match p.rsplit(wildcards).next() {
            Some(last) if !last.is_empty() => ends.insert(last.to_owned()),
            _ => match p.split(wildcards).max_by_key(|part| part.len()) {
                Some(part) if !part.is_empty() => anywhere.insert(part.to_owned()),
                _ => return Triggers::always(),
            },
        };
    }
    // Whole names are rare enough as they are, and hundreds of them in a regex cost a
    // pre-commit run more to compile than they save.
    let inventory: Vec<&str> = settings
        .inventory
        .specs()
        .iter()
        .flat_map(|s| s.names())
        .map(|(n, _)| n)
        .collect();
    let alternation: Vec<String> = ends.iter().map(|n| regex::escape(n)).collect();
    let alternation = alternation.join("|");
    Triggers::any(&ends)
        .matching(&format!(r#"(?i:{alternation})"|(?:{alternation})\b"#))
        .or(Triggers::any(inventory))
        .or(Triggers::any(&anywhere))
        .or(Triggers::any(["concat!"]))
}

/// The triggers of the facts other files of a crate can rely on: constants holding secret
/// names, functions that read the environment, `#[cfg(test)] mod x;` (whose file is test code:
/// skipped without tests, and its types hold fixtures either way).
fn fact_triggers(settings: &Settings) -> Triggers {
    // A module in a file of its own is declared `mod name;`.
    env_reads(settings)
        .or(secret_name_spellings(settings))
        .or(Triggers::any(["test"]).matching(r"\bmod\s+[^\s;]+\s*;"))
}

/// How much of a file's analysis a rule reads beyond the syntax tree: the facts walk and the
/// taint walk cost more than most rules, so a file gets them only when a rule that reads them
/// (or the crate-wide join) has a trigger in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Needs {
    /// The syntax tree alone.
    Tree,
    /// The file's facts ([`crate::analysis::facts`]): environment reads, calls, constants.
    Facts,
    /// The facts and the flows of secret values into sinks ([`crate::analysis::taint`]).
    Flows,
}

/// Up to how many strings the automaton is a full DFA.
const DFA_STRINGS: usize = 400;

/// The per-run automaton: every enabled rule's triggers and the facts' triggers, each
/// alternative tagged with what its rule [`Needs`].
#[derive(Debug)]
pub struct Prefilter {
    /// `None`: every file needs everything (some enabled rule may fire anywhere).
    matcher: Option<Matcher>,
}

#[derive(Debug)]
struct Matcher {
    automaton: AhoCorasick,
    /// Alternatives as groups of pattern ids, their regular expressions, and what a file
    /// satisfying them needs.
    alternatives: Vec<(Vec<Vec<usize>>, Option<Regex>, Needs)>,
    /// For each pattern id, the alternatives that mention it: the only ones a new match can
    /// satisfy.
    by_pattern: Vec<Vec<usize>>,
}

impl Prefilter {
    /// Built from what each rule enabled anywhere declares: its needs and its triggers
    /// (`crate::rules::prefilter` hands them in).
    pub fn new(settings: &Settings, rules: impl IntoIterator<Item = (Needs, Triggers)>) -> Self {
        let mut all = vec![(Needs::Facts, fact_triggers(settings))];
        all.extend(rules);
        Prefilter::build(&all)
    }

    /// Whether every file is walked in full (a rule that needs the taint walk declared no
    /// triggers).
    pub fn is_off(&self) -> bool {
        self.matcher.is_none()
    }

    fn build(levels: &[(Needs, Triggers)]) -> Self {
        if levels
            .iter()
            .any(|(needs, t)| *needs == Needs::Flows && t.is_always())
        {
            return Prefilter::off();
        }
        Prefilter {
            matcher: Matcher::build(levels),
        }
    }

    /// Every file needs everything (for tests comparing runs with and without the prefilter).
    pub fn off() -> Self {
        Prefilter { matcher: None }
    }

    /// Whether the rules may find something in `text`.
    pub fn wants(&self, text: &[u8]) -> bool {
        self.needs(text).is_some()
    }

    /// The most any rule (or the crate-wide join) needs of `text`; `None` when no rule can
    /// fire in it.
    pub fn needs(&self, text: &[u8]) -> Option<Needs> {
        match &self.matcher {
            Some(m) => m.needs(text),
            None => Some(Needs::Flows),
        }
    }
}

impl Matcher {
    /// `None` when an automaton or a pattern cannot be built (over the builder's limits):
    /// every file needs everything then.
    fn build(levels: &[(Needs, Triggers)]) -> Option<Self> {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut strings: Vec<String> = Vec::new();
        // Rules share triggers (every value-following rule has the environment's): each
        // alternative once, at the most any of them needs.
        let mut unique: Vec<(Vec<Vec<usize>>, Option<String>, Needs)> = Vec::new();
        for (needs, triggers) in levels {
            for a in &triggers.alternatives {
                let mut groups: Vec<Vec<usize>> = a
                    .groups
                    .iter()
                    .map(|group| {
                        let mut ids: Vec<usize> = group
                            .iter()
                            .map(|s| {
                                let s = s.to_ascii_lowercase();
                                *ids.entry(s.clone()).or_insert_with(|| {
                                    strings.push(s);
                                    strings.len() - 1
                                })
                            })
                            .collect();
                        ids.sort_unstable();
                        ids.dedup();
                        ids
                    })
                    .collect();
                groups.sort();
                match unique
                    .iter_mut()
                    .find(|(g, p, _)| *g == groups && *p == a.pattern)
                {
                    Some((_, _, most)) => *most = (*most).max(*needs),
                    None => unique.push((groups, a.pattern.clone(), *needs)),
                }
            }
        }
        let mut alternatives = Vec::new();
        let mut by_pattern = vec![Vec::new(); strings.len()];
        for (i, (groups, pattern, needs)) in unique.into_iter().enumerate() {
            for &id in groups.iter().flatten() {
                if by_pattern[id].last() != Some(&i) {
                    by_pattern[id].push(i);
                }
            }
            // ASCII classes and word boundaries: the lazy DFA handles them, while a
            // Unicode `\b` would fall back to the far slower PikeVM on every file.
            let regex = match pattern {
                Some(p) => Some(RegexBuilder::new(&p).unicode(false).build().ok()?),
                None => None,
            };
            alternatives.push((groups, regex, needs));
        }
        // A full DFA scans every file fastest, but takes long to build for the thousands of
        // strings a large inventory brings (a pre-commit run pays that on ten files).
        let kind = (strings.len() <= DFA_STRINGS).then_some(AhoCorasickKind::DFA);
        let automaton = AhoCorasickBuilder::new()
            .kind(kind)
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&strings)
            .ok()?;
        Some(Matcher {
            automaton,
            alternatives,
            by_pattern,
        })
    }

    fn needs(&self, text: &[u8]) -> Option<Needs> {
        let mut seen = vec![false; self.automaton.patterns_len()];
        // Each alternative is satisfied (and its regex tried) at most once per file.
        let mut done = vec![false; self.alternatives.len()];
        let mut best: Option<Needs> = None;
        let mut settle = |candidates: &mut dyn Iterator<Item = usize>, seen: &[bool]| {
            for i in candidates {
                let (groups, regex, needs) = &self.alternatives[i];
                if done[i]
                    || Some(*needs) <= best
                    || !groups.iter().all(|g| g.iter().any(|&id| seen[id]))
                {
                    continue;
                }
                done[i] = true;
                if regex.as_ref().is_none_or(|r| r.is_match(text)) {
                    best = Some(*needs);
                }
            }
            best == Some(Needs::Flows)
        };
        // Alternatives without strings hold in every file.
        let mut unconditional =
            (0..self.alternatives.len()).filter(|&i| self.alternatives[i].0.is_empty());
        if settle(&mut unconditional, &seen) {
            return best;
        }
        for m in self.automaton.find_overlapping_iter(text) {
            let id = m.pattern().as_usize();
            if !seen[id] {
                seen[id] = true;
                if settle(&mut self.by_pattern[id].iter().copied(), &seen) {
                    break;
                }
            }
        }
        best
    }
}

/// An environment read in a macro body's tokens (printed with spaces: `std :: env :: var`).
static ENV_IN_MACRO: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\benv\s*(::|!)|dotenv|\w_env\b").expect("the pattern compiles")
});

/// What the files walked so far declare that can make a call in a skipped file a finding:
/// a function that reads the environment through a parameter called with a constant that
/// holds a secret's name (`lookup(keys::SEARCH)`: neither spells `env` nor a secret's name),
/// or a re-export of a catalogued library reader (`crate::Client::new()`), or an invocation of
/// a macro whose body reads the environment or builds a secret's name
/// (`provider_key!(openai)` with `stringify!($p)` in another file spells neither).
#[derive(Debug, Default)]
pub struct Declared {
    /// Functions that read through a parameter, and renaming re-exports of them.
    readers: BTreeSet<String>,
    /// Constants that hold a secret's name, directly or through other constants.
    consts: BTreeSet<String>,
    /// Re-exports of a catalogued library's items.
    library: BTreeSet<String>,
    /// `name!` of the `macro_rules!` macros whose bodies spell a trigger of the first pass.
    macros: BTreeSet<String>,
}

impl Declared {
    /// Adds what `files` declare, `reading_fns` being the names of their crates' functions
    /// that read through a parameter. Returns whether anything was new.
    pub fn add<'a>(
        &mut self,
        files: impl Iterator<Item = &'a FileFacts> + Clone,
        reading_fns: impl IntoIterator<Item = String>,
        settings: &Settings,
    ) -> bool {
        let before =
            self.readers.len() + self.consts.len() + self.library.len() + self.macros.len();
        self.readers.extend(reading_fns);
        // A body that reads the environment (`env::var`, `env!`, `dotenvy`, `from_env`) or
        // spells a secret name's part as the patterns and the inventory do (`_API_KEY`: names
        // are upper case; matched exactly, or every macro naming a `to_tokens` would count).
        let names = secret_names(settings);
        for def in files.clone().flat_map(|f| &f.macro_defs) {
            if ENV_IN_MACRO.is_match(&def.tokens)
                || names.iter().any(|n| def.tokens.contains(n.as_str()))
            {
                self.macros.insert(format!("{}!", def.name));
            }
        }
        let last = |path: &str| path.rsplit("::").next().unwrap_or(path).to_owned();
        // To a fixpoint: a constant or a re-export counts once what it passes on does.
        loop {
            let size = self.readers.len() + self.consts.len() + self.library.len();
            for facts in files.clone() {
                for c in &facts.consts {
                    if may_name_secret(settings, &c.value, &|n| self.consts.contains(n)) {
                        self.consts.insert(last(&c.path));
                    }
                }
                for r in &facts.reexports {
                    let krate = r.target.split("::").next().unwrap_or_default();
                    if settings
                        .readers
                        .entries()
                        .iter()
                        .any(|e| e.krate() == krate)
                    {
                        self.library.insert(last(&r.path));
                    } else if self.readers.contains(&last(&r.target)) {
                        self.readers.insert(last(&r.path));
                    } else if self.consts.contains(&last(&r.target)) {
                        self.consts.insert(last(&r.path));
                    }
                }
            }
            if self.readers.len() + self.consts.len() + self.library.len() == size {
                break;
            }
        }
        self.readers.len() + self.consts.len() + self.library.len() + self.macros.len() > before
    }

    /// A skipped file needs the facts when it calls a reader: the call may pass a constant
    /// that holds a secret's name (`lookup(keys::SEARCH)`), or forward a parameter, which
    /// makes its function a reader too (found by the next round). It needs the rules when
    /// it names a library re-export, or a macro that may read a secret.
    pub fn prefilter(&self) -> Prefilter {
        let call = |names: &BTreeSet<String>| {
            let alternation: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
            // `name(`, `name::<T>(`, `.name(`.
            Triggers::any(names).matching(&format!(r"\b(?:{})\s*{CALL}", alternation.join("|")))
        };
        let rules = Triggers::any(&self.library).or(Triggers::any(&self.macros));
        Prefilter::build(&[(Needs::Facts, call(&self.readers)), (Needs::Flows, rules)])
    }
}

/// Whether a constant's value may be (or hold) a secret's name: a literal the inventory or the
/// patterns know, or a constant already `known` to.
fn may_name_secret(settings: &Settings, value: &NameExpr, known: &dyn Fn(&str) -> bool) -> bool {
    let last = |path: &str| path.rsplit("::").next().unwrap_or(path).to_owned();
    match value {
        NameExpr::Lit(name) => settings.classify(name).is_some(),
        NameExpr::Format(template) => settings.names.matching(template).is_some(),
        NameExpr::List(items) => items
            .iter()
            .any(|a| may_name_secret(settings, &a.expr, known)),
        NameExpr::Concat(parts) => {
            let literal: Option<String> = parts
                .iter()
                .map(|p| match p {
                    NameExpr::Lit(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect();
            match literal {
                Some(name) => settings.classify(&name).is_some(),
                None => parts.iter().any(|p| may_name_secret(settings, p, known)),
            }
        }
        NameExpr::Const(paths) => paths.iter().any(|p| known(&last(p))),
        NameExpr::Element(inner) | NameExpr::Case(inner, _) => {
            may_name_secret(settings, inner, known)
        }
        NameExpr::Dynamic(_) | NameExpr::Slot(_) | NameExpr::Unknown => false,
    }
}

/// What a file that calls a catalogued entry point spells, for the prefilter: the path
/// into the crate (`teloxide::`, in the call or in its `use`), or for a macro the crate's
/// name and the macro's (`#[macro_use] extern crate sqlx;` then `query!`). A call through
/// the scanned crate's own re-export is found by the re-export's name, which the prefilter
/// learns from the file that declares it.
pub fn reader_triggers(readers: &Readers) -> Triggers {
    let mut out = Triggers::never();
    let mut seen: HashSet<String> = HashSet::new();
    for r in readers.entries() {
        if seen.insert(format!("{}::", r.krate())) {
            out = out.or(Triggers::any([format!("{}::", r.krate())]));
        }
        if let Some(name) = r.path.strip_suffix('!').and_then(|p| p.rsplit("::").next()) {
            out = out.or(Triggers::all([[r.krate()], [name]]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(t: Triggers) -> Prefilter {
        Prefilter::build(&[(Needs::Flows, t)])
    }

    #[test]
    fn groups_need_all_and_alternatives_need_one() {
        let p = matcher(
            Triggers::all([["Debug"].as_slice(), &["token", "secret"]]).or(Triggers::any(["env"])),
        );
        assert!(p.wants(b"#[derive(Debug)] struct A { api_token: String }"));
        assert!(p.wants(b"#[derive(debug)] struct A { SECRET: String }"));
        assert!(!p.wants(b"#[derive(Debug)] struct A { count: u32 }"));
        assert!(!p.wants(b"struct A { token: String }"));
        assert!(p.wants(b"let x = std::env::var(\"X\");"));
        assert!(!p.wants(b""));
    }

    #[test]
    fn a_regex_narrows_its_alternative() {
        let p = matcher(Triggers::any(["token"]).matching(r#""[0-9a-f]{8}""#));
        assert!(p.wants(br#"let token = "deadbeef";"#));
        assert!(!p.wants(br#"let token = "x";"#));
        assert!(!p.wants(br#"let x = "deadbeef";"#));
    }

    #[test]
    fn overlapping_strings_are_all_seen() {
        let p = matcher(Triggers::all([["tokens"], ["ken"]]));
        assert!(p.wants(b"max_tokens"));
    }

    #[test]
    fn always_and_never() {
        assert!(Triggers::always().is_always());
        assert!(!Triggers::never().is_always());
        assert!(Triggers::never().or(Triggers::always()).is_always());
        let empty: [&str; 0] = [];
        assert_eq!(Triggers::any(empty), Triggers::never());
        assert!(Prefilter::off().wants(b""));
    }
}
