//! The Clavis runtime: the sanctioned way for a program to get a secret.
//!
//! Every finding of `vox-clavis-lint` points here. Instead of reading `OPENAI_API_KEY` from the
//! environment, a program resolves `SecretId::OpenAiApiKey`:
//!
//! ```
//! use vox_clavis::SecretInventory;
//!
//! #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, SecretInventory)]
//! enum SecretId {
//!     #[secret(env = "OPENAI_API_KEY", deprecated("OAI_API_KEY"), required)]
//!     OpenAiApiKey,
//! }
//!
//! fn authorization() -> Result<String, vox_clavis::Error> {
//!     let key = vox_clavis::resolve(SecretId::OpenAiApiKey)?;
//!     Ok(format!("Bearer {}", key.expose_secret()))
//! }
//! # let _ = authorization;
//! ```
//!
//! The derive writes the inventory from one enum (doc comments become descriptions); a
//! hand-written one looks specs up by id and is checked by [`check_inventory`] in a test (see
//! [`SecretInventory`]). `Redact` derives a `Debug` that masks secret fields. Both are
//! re-exported here, so one `use vox_clavis::{Redact, SecretInventory};` brings the trait and
//! the derives, as serde's `Serialize` does:
//!
//! ```
//! use vox_clavis::secrecy::SecretString;
//! use vox_clavis::{EnvKind, Redact, SecretInventory};
//!
//! #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, SecretInventory)]
//! pub enum SecretId {
//!     /// OpenAI API key for the chat client.
//!     #[secret(env = "OPENAI_API_KEY", aliases("OPENAI_KEY"), deprecated("OAI_API_KEY"))]
//!     OpenAiApiKey,
//!     #[secret(env = "VOX_DB_URL", sensitive = false)]
//!     DatabaseUrl,
//! }
//!
//! let spec = SecretId::OpenAiApiKey.spec();
//! assert_eq!(spec.description, "OpenAI API key for the chat client.");
//! assert_eq!(
//!     SecretId::from_env_name("OAI_API_KEY"),
//!     Some((SecretId::OpenAiApiKey, EnvKind::Deprecated)),
//! );
//! assert_eq!(SecretId::ALL, [SecretId::OpenAiApiKey, SecretId::DatabaseUrl]);
//! assert_eq!(SecretId::DatabaseUrl.to_string(), "VOX_DB_URL");
//!
//! #[derive(Redact)]
//! struct ChatClient {
//!     base_url: String,
//!     api_key: SecretString, // by its type
//!     #[secret]
//!     session_cookie: String, // by the mark
//! }
//!
//! let client = ChatClient {
//!     base_url: "https://api.example.com".into(),
//!     api_key: SecretString::from("sk-example"),
//!     session_cookie: "cookie-example".into(),
//! };
//! let debug = format!("{client:?}");
//! assert!(debug.contains(r#"base_url: "https://api.example.com""#));
//! assert!(debug.contains("api_key: [REDACTED], session_cookie: [REDACTED]"));
//! assert!(!debug.contains("sk-example") && !debug.contains("cookie-example"));
//! ```
//!
//! `docs/inventory.md` describes every attribute and every compile error of the derives.
//!
//! What the resolver guarantees:
//!
//! - a documented precedence (canonical name, aliases, deprecated aliases, then the vault and
//!   custom sources) and the [`Source`] of every value;
//! - fail-closed [`Profile`]s: `Strict` rejects deprecated aliases and missing required secrets,
//!   and its `check()` refuses to run without an audit sink; the hard cut
//!   ([`ResolverBuilder::hard_cut`]) rejects any deprecated alias that is set at all;
//! - an [`AuditEvent`] for every resolve, vault access and key rotation, never with a value,
//!   and a keyed log ([`JsonlSink::open_keyed`]) that whoever can write the file cannot rewrite
//!   unnoticed;
//! - a [`ResolvedSecret`] that has no `Display` and no `Serialize`, and whose `Debug` hides the
//!   value; a source's error text masked with every value the resolver knows;
//! - a [`Vault`] that keeps secrets encrypted at rest with atomic, locked writes, rotates its key
//!   without ever stranding a record, and refuses a rolled-back file when on a keyed log;
//! - a [`Redactor`] for the last mile, covering the common encodings of a value.
//!
//! `docs/runtime.md` states what is guaranteed and what is not, each guarantee with the test
//! that proves it.
//!
//! `docs/runtime.md` shows each lint finding next to its fix.
//!
//! With the default `cli` feature, the `cli` module is the `vox-clavis` operator command
//! (status, doctor, the vault, key rotation, backups, the audit log); `docs/operations.md` runs
//! the runbook's procedures with it.

pub mod audit;
mod cache;
#[cfg(feature = "cli")]
pub mod cli;
mod error;
mod global;
mod redact;
mod resolver;
mod secret;
mod source;
mod spec;
pub mod vault;

pub use audit::{Action, AuditEvent, AuditSink, JsonlSink, MemorySink, Outcome};
pub use error::Error;
pub use global::{
    AUDIT_KEY_FILE_VAR, AUDIT_LOG_VAR, HARD_CUT_VAR, KEK_FILE_VAR, PROFILE_VAR, VAULT_VAR,
    default_resolver, resolve, resolve_optional, set_default,
};
pub use redact::{MASK, Redactor};
pub use resolver::{Profile, Resolver, ResolverBuilder, SecretStatus, State};
pub use secret::{EnvKind, ResolvedSecret, Source};
pub use source::SecretSource;
pub use source::env::{Environment, MapEnv, ProcessEnv};
pub use spec::{SecretInventory, SecretSpec, check_inventory};
#[cfg(feature = "keyring")]
pub use vault::KeyringKey;
pub use vault::{EnvKey, Kek, KeyFile, KeyProvider, StaticKey, Vault};
/// The derives: `SecretInventory` shares its name with the trait (macros live in their own
/// namespace), so the one import brings both.
pub use vox_clavis_macros::{Redact, SecretInventory};

/// The `secrecy` crate, whose `SecretString` the API takes and returns.
pub use secrecy;
