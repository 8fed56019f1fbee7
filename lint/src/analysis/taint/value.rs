//! What a value may carry while a function is walked: the places a secret was exposed or read
//! (with the parts of aggregates kept apart, so `cfg.model` is not tainted by `cfg.key`), and
//! the fixed end of a string being built, which tells whether the next piece lands in a URL.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::TaintSource;
use crate::finding::Location;

/// Most sources one value carries; more add nothing to a finding.
pub(super) const MAX_SOURCES: usize = 8;
/// Stands for a part of a string that is not a literal, in [`Text`].
pub(super) const UNKNOWN: char = '\u{1}';

/// One place a value was exposed or read.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Src {
    pub(super) source: TaintSource,
    pub(super) location: Location,
}

/// What a value may carry.
#[derive(Clone, Debug, Default)]
pub(super) struct Taint {
    /// Sources anywhere in the value.
    pub(super) srcs: Vec<Rc<Src>>,
    /// Known parts of an aggregate (struct fields by name, tuple elements by index), so that
    /// `cfg.model` is not tainted because `cfg.key` is.
    pub(super) parts: Option<Rc<Parts>>,
    /// The value is a local closure: what calling it returns.
    pub(super) closure: Option<Rc<Closure>>,
    /// The value is (or wraps, in a `Result` or `Option`) the `ResolvedSecret` of this
    /// inventory id, from `resolve(SecretId::X)`: exposing it is as sensitive as that entry.
    /// `None` when unknown, which counts as sensitive.
    pub(super) resolved: Option<Rc<str>>,
}

#[derive(Debug, Default)]
pub(super) struct Parts {
    pub(super) fields: BTreeMap<String, Taint>,
    /// The sources of the parts not listed.
    pub(super) rest: Vec<Rc<Src>>,
}

#[derive(Debug)]
pub(super) struct Closure {
    /// Kept for let-bound closures, which are walked again when called with secrets.
    pub(super) body: Option<Rc<syn::ExprClosure>>,
    pub(super) ret: Taint,
}

pub(super) fn add_srcs(into: &mut Vec<Rc<Src>>, from: &[Rc<Src>]) {
    for s in from {
        if into.len() >= MAX_SOURCES {
            return;
        }
        if !into.iter().any(|x| Rc::ptr_eq(x, s) || **x == **s) {
            into.push(s.clone());
        }
    }
}

impl Taint {
    pub(super) fn source(source: TaintSource, location: Location) -> Taint {
        Taint {
            srcs: vec![Rc::new(Src { source, location })],
            ..Taint::default()
        }
    }

    pub(super) fn of(srcs: &[Rc<Src>]) -> Taint {
        Taint {
            srcs: srcs.to_vec(),
            ..Taint::default()
        }
    }

    pub(super) fn is_tainted(&self) -> bool {
        !self.srcs.is_empty()
    }

    /// The value as one: parts and closure forgotten.
    pub(super) fn whole(&self) -> Taint {
        Taint {
            resolved: self.resolved.clone(),
            ..Taint::of(&self.srcs)
        }
    }

    pub(super) fn resolved(id: &str) -> Taint {
        Taint {
            resolved: Some(Rc::from(id)),
            ..Taint::default()
        }
    }

    pub(super) fn part(&self, key: &str) -> Taint {
        match &self.parts {
            Some(p) => p
                .fields
                .get(key)
                .cloned()
                .unwrap_or_else(|| Taint::of(&p.rest)),
            None => self.whole(),
        }
    }

    /// What `?`/`.unwrap()` give: the content of `Some(..)`/`Ok(..)` when it is known.
    pub(super) fn unwrapped(&self) -> Taint {
        match &self.parts {
            Some(p) if p.fields.contains_key("0") => self.part("0"),
            _ => self.whole(),
        }
    }

    pub(super) fn join(&mut self, other: &Taint) {
        self.parts = match (&self.parts, &other.parts) {
            (Some(a), Some(b)) => Some(Rc::new(a.merged(b))),
            (Some(a), None) if !other.is_tainted() => Some(a.clone()),
            (None, Some(b)) if !self.is_tainted() => Some(b.clone()),
            _ => None,
        };
        add_srcs(&mut self.srcs, &other.srcs);
        if self.closure.is_none() {
            self.closure = other.closure.clone();
        }
        if self.resolved != other.resolved {
            self.resolved = None;
        }
    }

    pub(super) fn joined(mut self, other: &Taint) -> Taint {
        self.join(other);
        self
    }

    pub(super) fn aggregate(fields: BTreeMap<String, Taint>, rest: Vec<Rc<Src>>) -> Taint {
        let mut srcs = rest.clone();
        for t in fields.values() {
            add_srcs(&mut srcs, &t.srcs);
        }
        if srcs.is_empty() {
            return Taint::default();
        }
        Taint {
            srcs,
            parts: Some(Rc::new(Parts { fields, rest })),
            closure: None,
            resolved: None,
        }
    }

    /// This value with `value` stored at the field path `path`.
    pub(super) fn with_part(&self, path: &[String], value: &Taint, replace: bool) -> Taint {
        let Some((first, rest)) = path.split_first() else {
            return if replace {
                value.clone()
            } else {
                self.clone().joined(value)
            };
        };
        let (mut fields, base) = match &self.parts {
            Some(p) => (p.fields.clone(), p.rest.clone()),
            None => (BTreeMap::new(), self.srcs.clone()),
        };
        let current = fields
            .get(first)
            .cloned()
            .unwrap_or_else(|| Taint::of(&base));
        fields.insert(first.clone(), current.with_part(rest, value, replace));
        let mut t = Taint::aggregate(fields, base);
        t.closure = self.closure.clone();
        t
    }
}

impl Parts {
    pub(super) fn merged(&self, other: &Parts) -> Parts {
        let mut fields = BTreeMap::new();
        for key in self.fields.keys().chain(other.fields.keys()) {
            if fields.contains_key(key) {
                continue;
            }
            let a = self
                .fields
                .get(key)
                .cloned()
                .unwrap_or_else(|| Taint::of(&self.rest));
            let b = other
                .fields
                .get(key)
                .cloned()
                .unwrap_or_else(|| Taint::of(&other.rest));
            fields.insert(key.clone(), a.joined(&b));
        }
        let mut rest = self.rest.clone();
        add_srcs(&mut rest, &other.rest);
        Parts { fields, rest }
    }
}

/// The end of a string being built, as far as it is fixed: its last word (the text after the
/// last whitespace), [`UNKNOWN`] standing for pieces that are not literals. Enough to tell
/// whether the next piece lands inside a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Text {
    pub(super) word: String,
    /// The piece contains whitespace: appending it starts a new word.
    pub(super) cut: bool,
}

impl Default for Text {
    fn default() -> Self {
        Text::unknown()
    }
}

impl Text {
    pub(super) fn unknown() -> Text {
        Text {
            word: UNKNOWN.to_string(),
            cut: false,
        }
    }

    pub(super) fn empty() -> Text {
        Text {
            word: String::new(),
            cut: false,
        }
    }

    pub(super) fn literal(s: &str) -> Text {
        Text {
            word: s
                .rsplit(char::is_whitespace)
                .next()
                .unwrap_or("")
                .to_owned(),
            cut: s.contains(char::is_whitespace),
        }
    }

    pub(super) fn then(&self, piece: &Text) -> Text {
        if piece.cut {
            return piece.clone();
        }
        let mut word = format!("{}{}", self.word, piece.word);
        if word.len() > 1024 {
            // Keep what `in_url` looks at: whether there is a scheme, and the end.
            let keep = word.len() - 256;
            let cut = (keep..word.len())
                .find(|&i| word.is_char_boundary(i))
                .unwrap_or(word.len());
            let scheme = if word.contains("://") { "://" } else { "" };
            word = format!("{scheme}{UNKNOWN}{}", &word[cut..]);
        }
        Text {
            word,
            cut: self.cut,
        }
    }

    /// Whether a piece appended now is part of a URL: the word has a scheme
    /// (`https://host/`, `postgres://user:`) or ends in a query parameter (`?key=`, `&token=`).
    pub(super) fn in_url(&self) -> bool {
        self.word.contains("://") || query_param_tail(&self.word)
    }
}

/// `..?name=`, `..&name=`: the text ends where a query parameter's value goes.
pub(super) fn query_param_tail(word: &str) -> bool {
    let Some(rest) = word.strip_suffix('=') else {
        return false;
    };
    // A placeholder may be the parameter's name (`?{param}={key}`).
    let is_name =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | UNKNOWN);
    let Some(i) = rest.rfind(|c: char| !is_name(c)) else {
        return false;
    };
    let name_len = rest.len() - i - 1;
    rest[i..].starts_with(['?', '&']) && name_len > 0
}
