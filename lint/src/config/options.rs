//! The serde mirror of the TOML file, exactly as written: unknown keys are rejected everywhere
//! and values that validation may complain about keep their spans. Validation turns
//! it into [`super::Settings`].

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
    pub rules: RulesOptions,
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
}

/// `[rules]`: one table per rule that has options.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesOptions {
    #[serde(default)]
    pub secret_env_read: SecretEnvReadRuleOptions,
}

/// `[rules.secret-env-read]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretEnvReadRuleOptions {
    #[serde(default)]
    pub flag_all_vars: bool,
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
