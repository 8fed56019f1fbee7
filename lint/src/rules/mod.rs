//! The rule registry: one line per rule, alphabetical.

pub mod internal_error;
mod secret_env_read;
pub mod unparsable_file;

pub use internal_error::InternalError;
pub use secret_env_read::SecretEnvRead;
pub use unparsable_file::UnparsableFile;

use crate::rule::{Rule, RuleMeta};

/// Every rule, alphabetical by name.
pub fn all() -> &'static [&'static dyn Rule] {
    &[&InternalError, &SecretEnvRead, &UnparsableFile]
}

/// Looks a rule up by its kebab-case name.
pub fn by_name(name: &str) -> Option<&'static dyn Rule> {
    all().iter().copied().find(|r| r.meta().name == name)
}

/// Metadata of every rule, alphabetical.
pub fn metas() -> impl Iterator<Item = &'static RuleMeta> {
    all().iter().map(|r| r.meta())
}
