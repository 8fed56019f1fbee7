//! `[[overrides]]`: rule levels for the files whose paths match some globs.
//!
//! A team rarely wants one policy for the whole tree: tests and examples may read a fake key
//! from the environment, generated code may need a rule off. Overrides apply in file order
//! after the `[rules.<rule>]` tables, so a later entry wins over an earlier one and over the
//! rule's own table. Globs are relative to the config file's directory, like `[scan] exclude`.

use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};
use toml::Spanned;

use super::RuleOptions;
use super::error::{ConfigProblem, ProblemKind};
use super::options::{Level, OverrideOptions, rule_name};
use crate::finding::{RuleMeta, Severity};

/// Rules that report files the linter could not check: never off, anywhere.
pub(crate) const NEVER_OFF: &[&str] = &["internal-error", "unparsable-file"];

/// One validated `[[overrides]]` entry.
#[derive(Clone, Debug)]
pub struct Override {
    /// The globs as written, for messages.
    pub paths: Vec<String>,
    set: GlobSet,
    /// Rule name -> level (`None`: off).
    pub levels: Vec<(&'static str, Option<Severity>)>,
}

impl Override {
    /// Whether the override applies to `rel`, a path relative to the config file's directory
    /// with `/` separators.
    pub fn matches(&self, rel: &Path) -> bool {
        self.set.is_match(rel)
    }
}

/// The override levels that apply to one file, folded in order. Empty for most files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathLevels {
    levels: Vec<(&'static str, Option<Severity>)>,
}

impl PathLevels {
    /// The levels of `overrides` that match `rel`, later entries winning.
    pub fn new(overrides: &[Override], rel: &Path) -> Self {
        let mut levels: Vec<(&'static str, Option<Severity>)> = Vec::new();
        for o in overrides.iter().filter(|o| o.matches(rel)) {
            for &(name, level) in &o.levels {
                match levels.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = level,
                    None => levels.push((name, level)),
                }
            }
        }
        PathLevels { levels }
    }

    /// The severity `rule` runs with in this file (`None`: off): the last matching override,
    /// else the rule's `[rules.<rule>]` table, else its default.
    pub fn severity(&self, base: &RuleOptions, rule: &RuleMeta) -> Option<Severity> {
        if !base.selected.contains(rule.name) {
            return None;
        }
        match self.levels.iter().find(|(n, _)| *n == rule.name) {
            Some(&(_, level)) => level,
            None => base.severity(rule),
        }
    }
}

/// Checks every `[[overrides]]` entry, collecting problems with their spans.
pub(crate) fn validate(
    entries: &[OverrideOptions],
    problems: &mut Vec<ConfigProblem>,
) -> Vec<Override> {
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let before = problems.len();
        if entry.paths.get_ref().is_empty() {
            problems.push(
                ConfigProblem::new(
                    ProblemKind::InvalidValue,
                    "`overrides.paths` is empty, so the override applies to no file",
                    entry.paths.span(),
                    "no globs",
                )
                .with_help("list globs relative to the config file, e.g. `paths = [\"tests/**\"]`"),
            );
        }
        let mut builder = GlobSetBuilder::new();
        for glob in entry.paths.get_ref() {
            add_glob(&mut builder, glob, problems);
        }
        let mut levels = Vec::new();
        for (name, level) in &entry.rules {
            let Some(name) = rule_name(name.get_ref()) else {
                problems.push(unknown_rule(name));
                continue;
            };
            let severity = match level.get_ref() {
                Level::Error => Some(Severity::Error),
                Level::Warning => Some(Severity::Warning),
                Level::Off if NEVER_OFF.contains(&name) => {
                    problems.push(
                        ConfigProblem::new(
                            ProblemKind::InvalidValue,
                            format!("`{name}` cannot be turned off"),
                            level.span(),
                            "not allowed here",
                        )
                        .with_help(
                            "a file the linter cannot check must never pass silently; use \
                             \"warning\" to keep it from failing the run, or `[scan] exclude`",
                        ),
                    );
                    continue;
                }
                Level::Off => None,
            };
            levels.push((name, severity));
        }
        if problems.len() > before {
            continue;
        }
        match builder.build() {
            Ok(set) => out.push(Override {
                paths: entry
                    .paths
                    .get_ref()
                    .iter()
                    .map(|p| p.get_ref().clone())
                    .collect(),
                set,
                levels,
            }),
            Err(e) => problems.push(ConfigProblem::new(
                ProblemKind::InvalidGlob,
                e.to_string(),
                entry.paths.span(),
                "in these globs",
            )),
        }
    }
    out
}

/// Adds `glob`, and `glob/**` so a directory covers everything below it (as in `exclude`).
fn add_glob(
    builder: &mut GlobSetBuilder,
    glob: &Spanned<String>,
    problems: &mut Vec<ConfigProblem>,
) {
    let text = glob.get_ref().trim_start_matches("./");
    match Glob::new(text) {
        Ok(g) => {
            builder.add(g);
            if let Ok(under) = Glob::new(&format!("{}/**", text.trim_end_matches('/'))) {
                builder.add(under);
            }
        }
        Err(e) => problems.push(
            ConfigProblem::new(
                ProblemKind::InvalidGlob,
                format!("invalid glob `{}` in `overrides.paths`", glob.get_ref()),
                glob.span(),
                e.kind().to_string(),
            )
            .with_help(
                "globs use `*`, `?`, `[...]`, `{a,b}` and `**`; escape a literal with `[*]`",
            ),
        ),
    }
}

fn unknown_rule(name: &Spanned<String>) -> ConfigProblem {
    let written = name.get_ref();
    let help = match crate::finding::closest(written, super::options::RULE_NAMES) {
        Some(name) => format!("did you mean `{name}`?"),
        None => "`vox-clavis-lint rules` lists the rule names".to_owned(),
    };
    ConfigProblem::new(
        ProblemKind::UnknownRule,
        format!("unknown rule `{written}` in `overrides.rules`"),
        name.span(),
        "no rule has this name",
    )
    .with_help(help)
}
