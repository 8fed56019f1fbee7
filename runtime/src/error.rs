//! The one error type of the runtime.
//!
//! Every message names the secret (its id or variable name, which are not secret) and says what
//! to do about it. No variant can hold a secret value: the fields are ids, names, paths and
//! reasons, and the canary tests check every message and `Debug` output.

use std::io;
use std::path::PathBuf;

/// Why a secret could not be resolved, or a vault operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No source had the secret.
    #[error(
        "secret `{id}` is not set: set the environment variable `{env}`{vault_hint}",
        vault_hint = if *.vault { " or store it in the vault" } else { "" }
    )]
    Missing {
        /// The secret's id.
        id: &'static str,
        /// Its canonical environment variable.
        env: &'static str,
        /// Whether a vault was among the sources tried.
        vault: bool,
    },

    /// The strict profile found the secret under a deprecated alias.
    #[error(
        "secret `{id}` was found in the deprecated variable `{name}`, which the strict profile \
         rejects: rename it to `{canonical}`"
    )]
    DeprecatedAlias {
        /// The secret's id.
        id: &'static str,
        /// The deprecated variable that was set.
        name: &'static str,
        /// The canonical variable to use instead.
        canonical: &'static str,
    },

    /// The hard cut found deprecated variables set (whatever else is set beside them).
    #[error(
        "the hard cut rejects deprecated secret variables, and these are set: {}; unset them",
        .names.iter()
            .map(|(id, name, canonical)| format!("`{name}` (secret `{id}`: use `{canonical}`)"))
            .collect::<Vec<_>>()
            .join(", ")
    )]
    LegacyNames {
        /// Each deprecated variable set: the secret's id, the variable, the canonical variable.
        names: Vec<(&'static str, &'static str, &'static str)>,
    },

    /// A variable was set to something that is not valid UTF-8.
    #[error(
        "secret `{id}`: the variable `{name}` is not valid UTF-8; set it to the secret as text"
    )]
    NotUnicode {
        /// The secret's id.
        id: &'static str,
        /// The variable that was set.
        name: &'static str,
    },

    /// The id is not in the resolver's inventory.
    #[error("no secret `{0}` in the inventory: add a `SecretSpec` for it")]
    UnknownId(String),

    /// The strict profile found required secrets missing.
    #[error(
        "required secrets are missing: {}; set their environment variables or store them in the vault",
        .ids.join(", ")
    )]
    RequiredMissing {
        /// The ids of the missing secrets.
        ids: Vec<&'static str>,
    },

    /// A custom source failed (not: did not have the secret).
    #[error("secret `{id}`: the source `{source_name}` failed: {reason}")]
    Source {
        /// The secret's id.
        id: &'static str,
        /// The source's name.
        source_name: &'static str,
        /// What went wrong, in the source's words, with every value the resolver knows masked.
        reason: String,
    },

    /// An id that the vault cannot store.
    #[error(
        "`{0}` is not a valid vault id: use 1 to 128 ASCII letters, digits, `_`, `-`, `.` or `:`"
    )]
    InvalidId(String),

    /// Reading or writing a vault, key or audit file failed.
    #[error("cannot {action} `{}`: {source}", .path.display())]
    Io {
        /// What was being done ("read the vault", ...).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },

    /// The vault or snapshot file is not in the expected format.
    #[error("`{}` is not a valid vox-clavis vault: {reason}", .path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// The KEK does not open the vault.
    #[error(
        "the key from {provider} (key id {key_id}) does not open the vault `{}`, which is sealed with \
         key id {}: use the key it was sealed with",
        .path.display(), .sealed_with.join(" and ")
    )]
    WrongKey {
        /// The vault file.
        path: PathBuf,
        /// Which provider gave the key.
        provider: String,
        /// The public id of the key that was tried.
        key_id: String,
        /// The ids of the keys the vault is sealed with.
        sealed_with: Vec<String>,
    },

    /// A record or the manifest failed authentication.
    #[error(
        "the vault `{}` failed authentication: {what}; it was modified outside vox-clavis \
         (restore a snapshot)",
        .path.display()
    )]
    Tampered {
        /// The vault file.
        path: PathBuf,
        /// Which part failed.
        what: String,
    },

    /// A key provider could not produce or keep a key.
    #[error("key provider {provider}: {reason}")]
    Key {
        /// The provider.
        provider: String,
        /// What went wrong.
        reason: String,
    },

    /// A key file is readable by others than its owner.
    #[error(
        "the key file `{}` has permissions {mode:o}: it must be readable by its owner only (chmod 600)",
        .path.display()
    )]
    KeyFilePermissions {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },

    /// Writing an audit event failed (nothing was changed).
    #[error("cannot write the audit event: {0}")]
    Audit(#[source] io::Error),

    /// The change was made and is durable, but its audit event could not be recorded: do not
    /// retry the change, repair the audit sink.
    #[error(
        "the vault change `{action}` was written, but its audit event could not be recorded: \
         {source}"
    )]
    AuditAfterWrite {
        /// What was written (`put`, `delete`, `rotate`, `restore`).
        action: &'static str,
        /// The sink's error.
        source: io::Error,
    },

    /// The strict profile runs only with an audit sink.
    #[error(
        "the strict profile requires an audit sink: add one with `Resolver::builder().audit(..)` \
         (or set `VOX_CLAVIS_AUDIT_LOG`)"
    )]
    NoAuditSink,

    /// The vault was restored in staged mode: reads wait for the operator to complete it.
    #[error(
        "the vault `{}` was restored in staged mode and refuses reads until the restore is \
         completed (`vox-clavis restore --complete`, or `Vault::complete_restore`)",
        .path.display()
    )]
    RestoreStaged {
        /// The vault file.
        path: PathBuf,
    },

    /// The vault holds no record under this id.
    #[error("the vault holds no record `{0}`: store it first (`vault put`)")]
    NotStored(String),

    /// The vault file is older than the generation its audit head recorded: an older copy of
    /// the whole file was put back.
    #[error(
        "the vault `{}` is at generation {found}, older than generation {recorded} recorded in \
         its audit log's head: an older copy of the file was restored (restore the latest \
         snapshot with `Vault::restore`)",
        .path.display()
    )]
    Rollback {
        /// The vault file.
        path: PathBuf,
        /// Its generation.
        found: u64,
        /// The highest generation the audit head recorded.
        recorded: u64,
    },
}

impl Error {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn format(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Format {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn tampered(path: impl Into<PathBuf>, what: impl Into<String>) -> Self {
        Error::Tampered {
            path: path.into(),
            what: what.into(),
        }
    }
}
