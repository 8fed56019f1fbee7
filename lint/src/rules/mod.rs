//! The rule registry: one line per rule, alphabetical.

mod deprecated_secret_alias;
mod hardcoded_secret;
pub mod internal_error;
pub mod invalid_suppression;
mod inventory_conflict;
mod secret_debug_derive;
mod secret_env_read;
mod secret_env_write;
mod secret_in_log;
mod secret_in_url;
mod secret_serialization;
pub mod unparsable_file;
pub mod unused_suppression;

pub use deprecated_secret_alias::DeprecatedSecretAlias;
pub use hardcoded_secret::HardcodedSecret;
pub use internal_error::InternalError;
pub use invalid_suppression::InvalidSuppression;
pub use inventory_conflict::InventoryConflict;
pub use secret_debug_derive::SecretDebugDerive;
pub use secret_env_read::SecretEnvRead;
pub use secret_env_write::SecretEnvWrite;
pub use secret_in_log::SecretInLog;
pub use secret_in_url::SecretInUrl;
pub use secret_serialization::SecretSerialization;
pub use unparsable_file::UnparsableFile;
pub use unused_suppression::UnusedSuppression;

use crate::rule::{Rule, RuleMeta};

/// Every rule, alphabetical by name.
pub fn all() -> &'static [&'static dyn Rule] {
    &[
        &DeprecatedSecretAlias,
        &HardcodedSecret,
        &InternalError,
        &InvalidSuppression,
        &InventoryConflict,
        &SecretDebugDerive,
        &SecretEnvRead,
        &SecretEnvWrite,
        &SecretInLog,
        &SecretInUrl,
        &SecretSerialization,
        &UnparsableFile,
        &UnusedSuppression,
    ]
}

/// Looks a rule up by its kebab-case name.
pub fn by_name(name: &str) -> Option<&'static dyn Rule> {
    all().iter().copied().find(|r| r.meta().name == name)
}

/// Metadata of every rule, alphabetical.
pub fn metas() -> impl Iterator<Item = &'static RuleMeta> {
    all().iter().map(|r| r.meta())
}
