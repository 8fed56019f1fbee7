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
mod validate;

use std::path::PathBuf;

pub use discover::{CONFIG_FILE_NAMES, ConfigKind, Discovered, discover};
pub use error::{ConfigError, ConfigProblem, ProblemKind};
pub use inventory::{Inventory, NameKind, SecretSpec};
pub use load::{from_toml_str, load, load_file};
pub use names::NamePatterns;

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
    pub rules: RuleOptions,
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
}

impl Default for ScanSettings {
    fn default() -> Self {
        ScanSettings {
            exclude: Vec::new(),
            tests: true,
        }
    }
}

/// `[rules.<name>]` option tables.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    pub secret_env_read: SecretEnvReadOptions,
}

/// `[rules.secret-env-read]`.
#[derive(Clone, Debug, Default)]
pub struct SecretEnvReadOptions {
    /// Flag every `std::env::vars()`/`vars_os()` call, not only those compared against a
    /// secret name.
    pub flag_all_vars: bool,
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
