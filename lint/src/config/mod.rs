//! Configuration: discovery, the TOML format, validation, and the resolved [`Settings`] the
//! engine runs with. Only this module knows the file format; everything downstream sees
//! `Settings`.

pub mod contract;
pub mod discover;
mod error;
pub mod inventory;
mod load;
pub mod names;
pub mod options;
pub mod overrides;
pub mod per_path;
pub mod readers;
pub mod selection;
mod validate;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::finding::RuleMeta;
use crate::finding::Severity;

pub use discover::{CONFIG_FILE_NAMES, ConfigKind, Discovered, discover};
pub use error::{ConfigError, ConfigProblem, ProblemKind};
pub use inventory::{Inventory, NameKind, SecretSpec};
pub use load::{from_toml_str, load, load_file};
pub use names::{NamePatterns, is_screaming_snake, suggested_id};
pub use overrides::{Override, PathLevels};

/// Everything a run needs to know from configuration, validated.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The config file the settings came from, if any.
    pub config_file: Option<PathBuf>,
    /// Directory relative globs (`[scan] exclude`) are resolved against: the config file's
    /// directory, or the working directory without a config.
    pub base_dir: PathBuf,
    pub inventory: Inventory,
    pub names: NamePatterns,
    pub scan: ScanSettings,
    pub taint: TaintSettings,
    pub rules: RuleOptions,
    /// `[suppressions]`.
    pub suppressions: SuppressionSettings,
    /// `[[overrides]]`, in file order.
    pub overrides: Vec<Override>,
    /// Library entry points that read secrets: the built-in catalog plus `[[readers]]`.
    pub readers: crate::config::readers::Readers,
    /// Non-fatal configuration problems (a name claimed twice in an included contract, a
    /// `Cargo.toml` skipped during discovery, ...), for the CLI to print.
    pub warnings: Vec<String>,
}

/// `[scan]`.
#[derive(Clone, Debug)]
pub struct ScanSettings {
    /// Globs relative to `base_dir`.
    pub exclude: Vec<String>,
    /// False: skip `#[cfg(test)]` items, `#[test]` fns and `tests/`/`benches/` directories.
    pub tests: bool,
    /// `[scan] baseline`, resolved against `base_dir`.
    pub baseline: Option<PathBuf>,
}

impl Default for ScanSettings {
    fn default() -> Self {
        ScanSettings {
            exclude: Vec::new(),
            tests: true,
            baseline: None,
        }
    }
}

/// `[suppressions]`.
#[derive(Clone, Debug)]
pub struct SuppressionSettings {
    /// A suppression comment without `-- reason` is an `invalid-suppression` finding.
    pub require_reason: bool,
}

impl Default for SuppressionSettings {
    fn default() -> Self {
        SuppressionSettings {
            require_reason: true,
        }
    }
}

/// `[rules.<name>]` tables: severity overrides and each rule's options.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    /// Rule name -> configured severity; `None` turns the rule off. Rules not listed keep
    /// their default severity.
    pub levels: BTreeMap<&'static str, Option<Severity>>,
    /// `select`, `extend-select` and `ignore`: a rule not selected is off everywhere.
    pub selected: selection::Selected,
    pub secret_env_read: SecretEnvReadOptions,
    pub secret_in_log: SecretInLogOptions,
    pub secret_serialization: SecretSerializationOptions,
}

impl RuleOptions {
    /// The severity `rule` runs with, `None` when it is turned off.
    pub fn severity(&self, rule: &RuleMeta) -> Option<Severity> {
        if !self.selected.contains(rule.name) {
            return None;
        }
        match self.levels.get(rule.name) {
            Some(level) => *level,
            None => Some(rule.default_severity),
        }
    }
}

/// `[rules.secret-env-read]`.
#[derive(Clone, Debug, Default)]
pub struct SecretEnvReadOptions {
    /// Flag every `std::env::vars()`/`vars_os()` call, not only those compared against a
    /// secret name.
    pub flag_all_vars: bool,
    /// Function and method names that read the variable their argument names.
    pub env_reader_names: EnvReaderNames,
}

/// Globs of function and method names whose call reads the variable an argument names
/// (`AuthData::from_env("OPENAI_API_KEY")` in a library the linter cannot see).
#[derive(Clone, Debug)]
pub struct EnvReaderNames {
    set: globset::GlobSet,
    /// As configured, for messages and docs.
    pub patterns: Vec<String>,
}

/// The built-in `env-reader-names`.
pub const BUILTIN_ENV_READER_NAMES: &[&str] = &[
    "from_env",
    "from_env_var",
    "from_env_or",
    "from_env_or_*",
    "*_from_env",
    "get_env",
    "get_env_var",
    "getenv",
    "env_var",
    "env_var_or",
    "env_var_or_*",
    "*_env_var",
    "read_env",
    "read_env_var",
    "*_env",
];

/// Verbs that write, export or remove a variable rather than read it (`set_env`,
/// `with_env`): never a reader, whatever the patterns say.
const WRITING_PREFIXES: &[&str] = &[
    "set_", "with_", "remove_", "unset_", "clear_", "add_", "put_", "insert_", "export_",
];

impl Default for EnvReaderNames {
    fn default() -> Self {
        EnvReaderNames::new(BUILTIN_ENV_READER_NAMES.iter().map(|s| (*s).to_owned()))
            .expect("built-in env-reader-names compile")
    }
}

impl EnvReaderNames {
    /// Compiles the globs (each was checked on its own by validation).
    pub fn new(patterns: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let patterns: Vec<String> = patterns.into_iter().collect();
        let mut b = globset::GlobSetBuilder::new();
        for p in &patterns {
            b.add(globset::Glob::new(p).map_err(|e| e.to_string())?);
        }
        let set = b.build().map_err(|e| e.to_string())?;
        Ok(EnvReaderNames { set, patterns })
    }

    /// Whether a function or method of this name reads the variable its argument names.
    pub fn matches(&self, name: &str) -> bool {
        !WRITING_PREFIXES.iter().any(|p| name.starts_with(p)) && self.set.is_match(name)
    }
}

/// `[rules.secret-in-log]`.
#[derive(Clone, Debug, Default)]
pub struct SecretInLogOptions {
    /// Extra sinks, as written: `name!` (a macro), `a::path` (a function, matched on its
    /// trailing segments), or `name` (a method or function of that name).
    pub sinks: Vec<String>,
}

/// `[rules.secret-serialization]`.
#[derive(Clone, Debug, Default)]
pub struct SecretSerializationOptions {
    /// Extra secret type names, matched on a type path's last segment.
    pub secret_types: Vec<String>,
    /// Extra serializers, written as for [`SecretInLogOptions::sinks`].
    pub serializers: Vec<String>,
}

/// `[taint]`: what exposes a secret value.
#[derive(Clone, Debug)]
pub struct TaintSettings {
    /// Method names whose result is a secret's plain value.
    pub expose_methods: Vec<String>,
}

impl Default for TaintSettings {
    fn default() -> Self {
        TaintSettings {
            expose_methods: vec!["expose_secret".to_owned(), "expose".to_owned()],
        }
    }
}

/// Why a name counts as a secret.
#[derive(Clone, Copy, Debug)]
pub enum SecretName<'a> {
    Inventory {
        spec: &'a SecretSpec,
        kind: NameKind,
    },
    Pattern {
        pattern: &'a str,
    },
}

impl Settings {
    /// The rule levels for the file at `path` after `[[overrides]]` (absolute, or relative
    /// to the working directory).
    pub fn levels_at(&self, path: &std::path::Path) -> PathLevels {
        if self.overrides.is_empty() {
            return PathLevels::default();
        }
        let abs = crate::input::walk::absolute(path);
        let rel = abs.strip_prefix(&self.base_dir).unwrap_or(&abs);
        PathLevels::new(&self.overrides, rel)
    }

    /// Whether `rule` runs on some file: on by default or configuration, or turned on for some
    /// paths by an `[[overrides]]` entry.
    pub fn enabled_anywhere(&self, rule: &RuleMeta) -> bool {
        if !self.rules.selected.contains(rule.name) {
            return false;
        }
        self.rules.severity(rule).is_some()
            || self
                .overrides
                .iter()
                .flat_map(|o| &o.levels)
                .any(|(name, level)| *name == rule.name && level.is_some())
    }

    /// Applies a selection from the command line after the configuration's own: a rule it
    /// names explicitly runs even when its `[rules.<rule>]` table turns it off.
    pub fn select(
        &mut self,
        selection: &selection::Selection,
    ) -> Result<(), selection::SelectionError> {
        for name in self.rules.selected.apply(selection)? {
            if self.rules.levels.get(name) == Some(&None) {
                self.rules.levels.remove(name);
            }
        }
        Ok(())
    }

    /// Whether `name` is a secret: inventory first (exact), then the name patterns.
    pub fn classify(&self, name: &str) -> Option<SecretName<'_>> {
        if let Some((spec, kind)) = self.inventory.lookup(name) {
            return Some(SecretName::Inventory { spec, kind });
        }
        self.names
            .matching(name)
            .map(|pattern| SecretName::Pattern { pattern })
    }
}
