//! The serde mirror of the TOML file, exactly as written: unknown keys are rejected everywhere
//! and values that validation may complain about keep their spans. Validation turns
//! it into [`super::Settings`].

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// The whole file (`vox-clavis-lint.toml`), or the `vox-clavis-lint` metadata table of a
/// `Cargo.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// `[[secret]]` entries, in file order.
    #[serde(default)]
    pub secret: Vec<Spanned<SecretOptions>>,
    #[serde(default)]
    pub inventory: InventoryOptions,
    #[serde(default)]
    pub names: NamesOptions,
    #[serde(default)]
    pub scan: ScanOptions,
    #[serde(default)]
    pub taint: TaintOptions,
    #[serde(default)]
    pub rules: RulesOptions,
    #[serde(default)]
    pub suppressions: SuppressionsOptions,
    /// `[[overrides]]`, in file order (later entries win).
    #[serde(default)]
    pub overrides: Vec<OverrideOptions>,
    /// `[[readers]]`: library entry points that read secrets from the environment, added to
    /// the built-in catalog.
    #[serde(default)]
    pub readers: Vec<ReaderOptions>,
}

/// One `[[readers]]` entry (also the format of the built-in catalog, `lint/src/config/readers.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReaderOptions {
    /// `teloxide::Bot::from_env`, or a macro: `sqlx::query!`.
    pub path: Spanned<String>,
    /// The variables it reads.
    pub reads: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub note: Option<String>,
    /// The explicit constructor to use instead, for the help.
    #[serde(default)]
    pub instead: Option<String>,
    /// Which releases were checked.
    #[serde(default)]
    pub versions: Option<String>,
    /// Where the read happens in the crate's source.
    #[serde(default)]
    pub source: Option<String>,
}

/// `[suppressions]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SuppressionsOptions {
    #[serde(default)]
    pub require_reason: Option<bool>,
}

/// One `[[overrides]]`: rule levels for the files matching `paths`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OverrideOptions {
    /// Globs relative to the config file's directory.
    pub paths: Spanned<Vec<Spanned<String>>>,
    /// Rule name -> level; names are checked by validation, so they keep their spans.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Spanned<Level>>,
}

/// One `[[secret]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretOptions {
    pub id: Spanned<String>,
    pub env: Spanned<String>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub deprecated: Vec<Spanned<String>>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "yes")]
    pub sensitive: bool,
}

/// `[inventory]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct InventoryOptions {
    /// JSON contracts, relative to the config file's directory.
    #[serde(default)]
    pub include: Vec<Spanned<String>>,
}

/// `[names]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NamesOptions {
    /// Replaces the built-in secret patterns.
    #[serde(default)]
    pub secret_patterns: Option<Vec<Spanned<String>>>,
    /// Extends the secret patterns (built-in or replaced).
    #[serde(default)]
    pub extra_secret_patterns: Vec<Spanned<String>>,
    /// Extra exclusions, added to the built-in ones.
    #[serde(default)]
    pub not_secret: Vec<Spanned<String>>,
}

/// `[scan]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScanOptions {
    /// Globs relative to the config file's directory.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub tests: Option<bool>,
    /// Baseline file, relative to the config file's directory.
    #[serde(default)]
    pub baseline: Option<Spanned<String>>,
}

/// `[taint]`: what makes a value a secret for the flow rules.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TaintOptions {
    /// Extra methods that expose a secret's value (built in: `expose_secret`, `expose`).
    #[serde(default)]
    pub expose_methods: Vec<Spanned<String>>,
}

/// `severity = ".."` in a rule's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Off,
}

/// The rules this configuration has a table for: every rule of the registry
/// (`crate::rules` checks the two lists agree). Configuration validates rule names against
/// this list so that it needs no rule to be compiled in.
pub const RULE_NAMES: [&str; 13] = [
    "deprecated-secret-alias",
    "hardcoded-secret",
    "internal-error",
    "invalid-suppression",
    "inventory-conflict",
    "secret-debug-derive",
    "secret-env-read",
    "secret-env-write",
    "secret-in-log",
    "secret-in-url",
    "secret-serialization",
    "unparsable-file",
    "unused-suppression",
];

/// The name in [`RULE_NAMES`] that `name` spells, as a `'static` string.
pub fn rule_name(name: &str) -> Option<&'static str> {
    RULE_NAMES.iter().copied().find(|n| *n == name)
}

/// `[rules]`: one table per rule. Every table takes `severity`; some take options.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesOptions {
    /// Run only these rules (Ruff's `select`).
    pub select: Option<Vec<Spanned<String>>>,
    /// Also run these rules.
    #[serde(default)]
    pub extend_select: Vec<Spanned<String>>,
    /// Do not run these rules.
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    #[serde(default)]
    pub deprecated_secret_alias: LevelOnly,
    #[serde(default)]
    pub hardcoded_secret: LevelOnly,
    #[serde(default)]
    pub internal_error: LevelOnly,
    #[serde(default)]
    pub invalid_suppression: LevelOnly,
    #[serde(default)]
    pub inventory_conflict: LevelOnly,
    #[serde(default)]
    pub secret_debug_derive: LevelOnly,
    #[serde(default)]
    pub secret_env_read: SecretEnvReadRuleOptions,
    #[serde(default)]
    pub secret_env_write: LevelOnly,
    #[serde(default)]
    pub secret_in_log: SecretInLogRuleOptions,
    #[serde(default)]
    pub secret_in_url: LevelOnly,
    #[serde(default)]
    pub secret_serialization: SecretSerializationRuleOptions,
    #[serde(default)]
    pub unparsable_file: LevelOnly,
    #[serde(default)]
    pub unused_suppression: LevelOnly,
}

/// A rule table with no options besides `severity`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LevelOnly {
    #[serde(default)]
    pub severity: Option<Spanned<Level>>,
}

/// `[rules.secret-env-read]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretEnvReadRuleOptions {
    #[serde(default)]
    pub severity: Option<Spanned<Level>>,
    #[serde(default)]
    pub flag_all_vars: bool,
    /// Globs of function and method names that read the variable their argument names
    /// (`from_env`, `*_env`); replaces the built-in list.
    #[serde(default)]
    pub env_reader_names: Option<Vec<Spanned<String>>>,
}

/// `[rules.secret-in-log]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretInLogRuleOptions {
    #[serde(default)]
    pub severity: Option<Spanned<Level>>,
    /// Extra sinks: `name!` for a macro, a path (`mcp::tool_output`) for a function, a bare
    /// name (`push_str`) for a method.
    #[serde(default)]
    pub sinks: Vec<Spanned<String>>,
}

/// `[rules.secret-serialization]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretSerializationRuleOptions {
    #[serde(default)]
    pub severity: Option<Spanned<Level>>,
    /// Extra type names that hold a secret (matched on the last path segment).
    #[serde(default)]
    pub secret_types: Vec<Spanned<String>>,
    /// Extra serializer functions (paths) or methods (bare names).
    #[serde(default)]
    pub serializers: Vec<Spanned<String>>,
}

/// A `Cargo.toml`, reduced to the two places our table may live. Other keys are ignored:
/// the manifest belongs to Cargo.
#[derive(Debug, Deserialize)]
pub(crate) struct CargoManifest<T> {
    pub workspace: Option<CargoSection<T>>,
    pub package: Option<CargoSection<T>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CargoSection<T> {
    pub metadata: Option<CargoMetadata<T>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CargoMetadata<T> {
    #[serde(rename = "vox-clavis-lint")]
    pub lint: Option<T>,
}

impl<T> CargoManifest<T> {
    pub fn workspace_table(self) -> Option<T> {
        self.workspace?.metadata?.lint
    }

    pub fn package_table(self) -> Option<T> {
        self.package?.metadata?.lint
    }

    pub fn has_workspace_table(&self) -> bool {
        matches!(
            &self.workspace,
            Some(CargoSection {
                metadata: Some(CargoMetadata { lint: Some(_) })
            })
        )
    }

    pub fn has_package_table(&self) -> bool {
        matches!(
            &self.package,
            Some(CargoSection {
                metadata: Some(CargoMetadata { lint: Some(_) })
            })
        )
    }
}

fn yes() -> bool {
    true
}
