//! A resolved secret: the value, sealed in a type that cannot leak it by accident, and where it
//! came from.
//!
//! `ResolvedSecret` implements neither `Display` nor `Serialize`, so it cannot reach a format
//! string or a serializer (compile-fail tests in `tests/ui/` keep it so); its `Debug` shows the id
//! and the source only. The value lives in a `secrecy::SecretString`, wiped from memory on drop,
//! and is reached only through `expose_secret()`, a call the linter and reviewers can see.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroize;

/// Which of a spec's names an environment variable was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnvKind {
    /// The canonical name.
    Canonical,
    /// An accepted alias.
    Alias,
    /// A deprecated alias.
    Deprecated,
}

/// Where a secret's value came from. Holds names only, never a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// An environment variable.
    Env {
        /// The variable's name.
        name: &'static str,
        /// Which of the spec's names it is.
        kind: EnvKind,
    },
    /// The encrypted local vault.
    Vault,
    /// A custom source (a keyring, a remote secret manager), by its name.
    Custom(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Env { name, kind } => {
                let kind = match kind {
                    EnvKind::Canonical => "canonical",
                    EnvKind::Alias => "alias",
                    EnvKind::Deprecated => "deprecated alias",
                };
                write!(f, "env `{name}` ({kind})")
            }
            Source::Vault => f.write_str("vault"),
            Source::Custom(name) => write!(f, "{name}"),
        }
    }
}

/// A secret value with its id and source.
///
/// ```
/// # use vox_clavis::{MapEnv, Resolver, SecretSpec};
/// # static KEY: SecretSpec = SecretSpec::new("OpenAiApiKey", "OPENAI_API_KEY");
/// # let resolver = Resolver::builder().env(MapEnv::from([("OPENAI_API_KEY", "sk-example")])).build();
/// let key = resolver.resolve_spec(&KEY)?;
/// assert_eq!(key.id(), "OpenAiApiKey");
/// // Debug names the secret and where it came from, never the value.
/// assert!(!format!("{key:?}").contains("sk-example"));
/// let header = format!("Bearer {}", key.expose_secret());
/// # assert!(header.ends_with("sk-example"));
/// # Ok::<(), vox_clavis::Error>(())
/// ```
pub struct ResolvedSecret {
    id: &'static str,
    source: Source,
    value: SecretString,
}

impl ResolvedSecret {
    pub(crate) fn new(id: &'static str, source: Source, value: SecretString) -> Self {
        ResolvedSecret { id, source, value }
    }

    /// The secret's id.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// Where the value came from.
    pub fn source(&self) -> Source {
        self.source
    }

    /// The value. Every use is a place where the secret leaves the boundary: pass it straight to
    /// the call that needs it (a header, a connection string), never to a log or a serializer.
    pub fn expose_secret(&self) -> &str {
        self.value.expose_secret()
    }

    /// The value as a `SecretString`, for APIs that take one.
    pub fn into_secret(self) -> SecretString {
        self.value
    }
}

impl ExposeSecret<str> for ResolvedSecret {
    fn expose_secret(&self) -> &str {
        self.value.expose_secret()
    }
}

impl fmt::Debug for ResolvedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedSecret")
            .field("id", &self.id)
            .field("source", &self.source)
            .field("value", &format_args!("[REDACTED]"))
            .finish()
    }
}

/// Moves a `String` into a `SecretString` without leaving a copy behind: `String` to `Box<str>`
/// may reallocate and free the old buffer unwiped, so copy into an exact-size box and wipe the
/// original.
pub(crate) fn secret_from_string(mut value: String) -> SecretString {
    let boxed: Box<str> = Box::from(value.as_str());
    value.zeroize();
    SecretString::from(boxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_id_and_source_but_not_the_value() {
        let secret = ResolvedSecret::new(
            "OpenAiApiKey",
            Source::Env {
                name: "OPENAI_API_KEY",
                kind: EnvKind::Alias,
            },
            secret_from_string("canary-value-0001".to_owned()),
        );
        let debug = format!("{secret:?} {secret:#?}");
        assert!(!debug.contains("canary-value-0001"), "{debug}");
        assert!(debug.contains("OpenAiApiKey") && debug.contains("OPENAI_API_KEY"));
        assert!(secret.expose_secret() == "canary-value-0001");
    }

    #[test]
    fn source_display_names_the_variable() {
        let source = Source::Env {
            name: "OAI_API_KEY",
            kind: EnvKind::Deprecated,
        };
        assert_eq!(source.to_string(), "env `OAI_API_KEY` (deprecated alias)");
        assert_eq!(Source::Custom("keyring").to_string(), "keyring");
    }
}
