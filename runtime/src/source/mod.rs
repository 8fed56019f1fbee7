//! Where values come from, besides the environment: the trait custom sources implement.
//!
//! The resolver consults the environment first (see `env`), then each configured source in
//! order: the vault, or anything implementing [`SecretSource`] (a keyring, a remote secret
//! manager).

pub mod env;

use secrecy::SecretString;

use crate::spec::SecretSpec;

/// A place secrets can be looked up, after the environment.
///
/// ```
/// use secrecy::SecretString;
/// use vox_clavis::{SecretSource, SecretSpec};
///
/// /// Secrets handed over by a parent process on start-up.
/// struct Handover(std::collections::HashMap<&'static str, String>);
///
/// impl SecretSource for Handover {
///     fn name(&self) -> &'static str {
///         "handover"
///     }
///     fn fetch(&self, spec: &SecretSpec) -> Result<Option<SecretString>, String> {
///         Ok(self.0.get(spec.id).map(|v| SecretString::from(v.as_str())))
///     }
/// }
/// ```
pub trait SecretSource: Send + Sync {
    /// The source's name, shown as `Source::Custom(name)` and in audit events.
    fn name(&self) -> &'static str;

    /// The secret's value, or `None` if this source does not have it. An `Err` is a failure of
    /// the source itself (unreachable, locked). Its text should never contain a value; if it
    /// does (a client that echoes the request), the resolver masks every value it knows (those
    /// it resolved and those in the inventory's variables) before the text goes anywhere. A
    /// value it has never seen it cannot recognize.
    fn fetch(&self, spec: &SecretSpec) -> Result<Option<SecretString>, String>;

    /// Whether the source has the secret, without handing out the value. The default fetches
    /// and drops it; override it where the source can answer more cheaply.
    fn contains(&self, spec: &SecretSpec) -> Result<bool, String> {
        self.fetch(spec).map(|value| value.is_some())
    }
}
