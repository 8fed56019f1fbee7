//! The process-wide default resolver, for code that has no resolver to hand:
//! `vox_clavis::resolve(SecretId::OpenAiApiKey)`.
//!
//! A program installs its configured resolver once at start-up with [`set_default`]. Without
//! that, the first use builds one from the process environment (see [`default_resolver`]), so
//! a library call works in a plain binary and still fails closed.

use std::sync::{Arc, OnceLock};

use crate::audit::{AuditEvent, AuditSink, JsonlSink};
use crate::error::Error;
use crate::resolver::{Profile, Resolver};
use crate::secret::ResolvedSecret;
use crate::spec::SecretInventory;
use crate::vault::{EnvKey, KeyFile, KeyProvider, Vault};

/// Selects the default resolver's profile: `dev` or `strict` (the default; any other value is
/// `strict` too, failing closed).
pub const PROFILE_VAR: &str = "VOX_CLAVIS_PROFILE";
/// The default resolver's vault file, if any.
pub const VAULT_VAR: &str = "VOX_CLAVIS_VAULT";
/// The vault's key file; without it the key is read from `VOX_CLAVIS_KEK`.
pub const KEK_FILE_VAR: &str = "VOX_CLAVIS_KEK_FILE";
/// The default resolver's audit log (chained JSON Lines), if any.
pub const AUDIT_LOG_VAR: &str = "VOX_CLAVIS_AUDIT_LOG";
/// A key file (as for the vault, mode 0600) that makes the audit log keyed: HMAC-chained with an
/// authenticated head, which the default vault also checks its generation against.
pub const AUDIT_KEY_FILE_VAR: &str = "VOX_CLAVIS_AUDIT_KEY_FILE";
/// `1` or `true` turns the hard cut on: any deprecated alias set fails (see
/// `ResolverBuilder::hard_cut`).
pub const HARD_CUT_VAR: &str = "VOX_CLAVIS_HARD_CUT";

static DEFAULT: OnceLock<Resolver> = OnceLock::new();

/// Installs the process-wide resolver. Fails, handing it back, if one is already installed or
/// the default was already used.
pub fn set_default(resolver: Resolver) -> Result<(), Resolver> {
    DEFAULT.set(resolver)
}

/// The process-wide resolver: the one given to [`set_default`], or else one built on first use
/// from the process environment: profile from `VOX_CLAVIS_PROFILE` (default `strict`), the hard
/// cut from `VOX_CLAVIS_HARD_CUT`, the vault at `VOX_CLAVIS_VAULT` if set (key from
/// `VOX_CLAVIS_KEK_FILE`, else `VOX_CLAVIS_KEK`), audit to `VOX_CLAVIS_AUDIT_LOG` if set, keyed
/// with the key in `VOX_CLAVIS_AUDIT_KEY_FILE` if set.
pub fn default_resolver() -> &'static Resolver {
    DEFAULT.get_or_init(from_process_env)
}

/// Resolves `id` with the process-wide resolver.
pub fn resolve<I: SecretInventory>(id: I) -> Result<ResolvedSecret, Error> {
    default_resolver().resolve(id)
}

/// Resolves `id`, which may be absent, with the process-wide resolver.
pub fn resolve_optional<I: SecretInventory>(id: I) -> Result<Option<ResolvedSecret>, Error> {
    default_resolver().resolve_optional(id)
}

fn from_process_env() -> Resolver {
    // Configuration names, not secrets: read directly, the resolver is not built yet.
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    let profile = var(PROFILE_VAR)
        .and_then(|v| v.to_str().and_then(Profile::from_name))
        .unwrap_or(Profile::Strict);
    let hard_cut = var(HARD_CUT_VAR)
        .is_some_and(|v| matches!(v.to_str(), Some("1" | "true" | "TRUE" | "yes")));
    let mut builder = Resolver::builder().profile(profile).hard_cut(hard_cut);
    let sink: Option<Arc<dyn AuditSink>> = var(AUDIT_LOG_VAR).map(|path| {
        let opened = match var(AUDIT_KEY_FILE_VAR) {
            Some(key) => KeyFile::new(key)
                .load()
                .map_err(|e| e.to_string())
                .and_then(|kek| JsonlSink::open_keyed(&path, &kek).map_err(|e| e.to_string())),
            None => JsonlSink::open(&path).map_err(|e| e.to_string()),
        };
        match opened {
            Ok(sink) => Arc::new(sink) as Arc<dyn AuditSink>,
            // Keep the failure: every resolve then reports it (and `Strict` fails).
            Err(e) => Arc::new(Broken(e)),
        }
    });
    if let Some(path) = var(VAULT_VAR) {
        let mut vault = match var(KEK_FILE_VAR) {
            Some(key_file) => Vault::new(path, KeyFile::new(key_file)),
            None => Vault::new(path, EnvKey::default()),
        };
        if let Some(sink) = &sink {
            // So the vault checks its generation against a keyed log's head.
            vault = vault.with_audit(sink.clone());
        }
        builder = builder.vault(vault);
    }
    if let Some(sink) = sink {
        builder = builder.audit(sink);
    }
    builder.build()
}

/// An audit sink that could not be opened.
struct Broken(String);

impl AuditSink for Broken {
    fn record(&self, _: &AuditEvent) -> std::io::Result<()> {
        Err(self.error())
    }

    fn vault_generation(&self, _: &str) -> std::io::Result<Option<u64>> {
        // No head to compare with. `Strict` fails on `record` anyway; `Dev` ignores a broken
        // sink, and a vault read failing here would undo that.
        Ok(None)
    }
}

impl Broken {
    fn error(&self) -> std::io::Error {
        std::io::Error::other(format!("the audit log could not be opened: {}", self.0))
    }
}
