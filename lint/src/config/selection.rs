//! Which rules run: `select`, `extend-select` and `ignore`, as in Ruff, from `[rules]` and
//! from the command line (`--select`, `--extend-select`, `--ignore`).
//!
//! The configuration's keys are applied first, then the command line's: `--select` replaces
//! the selected set, `--extend-select` adds to it, `--ignore` removes from it. A rule the
//! command line names explicitly runs even when its `[rules.<rule>]` table turns it off: the
//! command line is the more specific wish. The rules that report a file the linter could not
//! check (`unparsable-file`, `internal-error`) always run and cannot be ignored.

use std::collections::BTreeSet;

use super::options::{RULE_NAMES, rule_name};
use super::overrides::NEVER_OFF;
use crate::finding::closest;

/// The rules that run, by name. Every rule by default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selected(BTreeSet<&'static str>);

impl Default for Selected {
    fn default() -> Self {
        Selected(RULE_NAMES.iter().copied().collect())
    }
}

/// One selection: what replaces the set (`select`), what is added and what is removed.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
}

/// A rule name in a selection that no rule has, or a rule that cannot be ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectionError {
    Unknown {
        name: String,
        near: Option<&'static str>,
    },
    NeverOff(&'static str),
}

impl std::fmt::Display for SelectionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SelectionError::Unknown { name, near } => {
                write!(f, "unknown rule `{name}`")?;
                match near {
                    Some(near) => write!(f, " (did you mean `{near}`?)"),
                    None => write!(f, "; `vox-clavis-lint rules` lists the rule names"),
                }
            }
            SelectionError::NeverOff(name) => write!(
                f,
                "`{name}` cannot be ignored: a file the linter could not check must never pass \
                 silently"
            ),
        }
    }
}

/// The `'static` name of a rule, or why `written` is none.
pub fn known(written: &str) -> Result<&'static str, SelectionError> {
    rule_name(written.trim()).ok_or_else(|| SelectionError::Unknown {
        name: written.to_owned(),
        near: closest(written, RULE_NAMES),
    })
}

impl Selected {
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    /// Applies `selection`; returns the rules it names explicitly as selected (which run even
    /// when a table turns them off, when the selection comes from the command line).
    pub fn apply(
        &mut self,
        selection: &Selection,
    ) -> Result<BTreeSet<&'static str>, SelectionError> {
        let names = |list: &[String]| -> Result<Vec<&'static str>, SelectionError> {
            list.iter().map(|n| known(n)).collect()
        };
        let mut named = BTreeSet::new();
        let mut set = self.0.clone();
        if let Some(select) = &selection.select {
            let select = names(select)?;
            named.extend(&select);
            set = select
                .into_iter()
                .chain(NEVER_OFF.iter().copied())
                .collect();
        }
        for name in names(&selection.extend_select)? {
            named.insert(name);
            set.insert(name);
        }
        for name in names(&selection.ignore)? {
            if NEVER_OFF.contains(&name) {
                return Err(SelectionError::NeverOff(name));
            }
            named.remove(name);
            set.remove(name);
        }
        self.0 = set;
        Ok(named)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selection(select: Option<&[&str]>, extend: &[&str], ignore: &[&str]) -> Selection {
        let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Selection {
            select: select.map(owned),
            extend_select: owned(extend),
            ignore: owned(ignore),
        }
    }

    #[test]
    fn select_replaces_extend_adds_ignore_removes() {
        let mut s = Selected::default();
        s.apply(&selection(
            Some(&["secret-env-read"]),
            &["secret-in-log"],
            &[],
        ))
        .unwrap();
        assert!(s.contains("secret-env-read") && s.contains("secret-in-log"));
        assert!(!s.contains("hardcoded-secret"));
        // The rules about unchecked files always run.
        assert!(s.contains("unparsable-file") && s.contains("internal-error"));
        s.apply(&selection(None, &[], &["secret-in-log"])).unwrap();
        assert!(!s.contains("secret-in-log"));
    }

    #[test]
    fn unknown_names_suggest_and_never_off_rules_stay() {
        let mut s = Selected::default();
        let err = s
            .apply(&selection(None, &[], &["secret-env-red"]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown rule `secret-env-red` (did you mean `secret-env-read`?)"
        );
        let err = s
            .apply(&selection(None, &[], &["unparsable-file"]))
            .unwrap_err();
        assert_eq!(err, SelectionError::NeverOff("unparsable-file"));
        assert_eq!(s, Selected::default(), "a failed selection changes nothing");
    }
}
