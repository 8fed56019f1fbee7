//! What every command needs from the global options: the vault handle with its key provider,
//! the audit sink stamped with the operator, and the inventory. Opening is ordered so that a
//! failure (no vault, a wrong key, a tampered file) is reported before anything is written:
//! the vault is opened and checked before the audit log is created beside it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::Failure;
use super::args::{Global, Store};
use super::inventory::{self, Loaded};
use crate::audit::{AuditEvent, AuditSink, JsonlSink};
use crate::spec::SecretSpec;
use crate::vault::{EnvKey, KeyFile, KeyProvider, Vault};

pub(crate) struct Context {
    pub global: Global,
    compiled: Option<&'static [SecretSpec]>,
    inventory: OnceLock<Result<Option<Loaded>, String>>,
    sink: OnceLock<Result<Option<Arc<dyn AuditSink>>, String>>,
    pub actor: String,
}

impl Context {
    pub fn new(global: Global, compiled: Option<&'static [SecretSpec]>) -> Self {
        let actor = global.actor.clone().unwrap_or_else(os_user);
        Context {
            global,
            compiled,
            inventory: OnceLock::new(),
            sink: OnceLock::new(),
            actor,
        }
    }

    /// The inventory: `--inventory`, else the compiled-in one, else ./vox-clavis-lint.toml.
    pub fn inventory(&self) -> Result<Option<&Loaded>, Failure> {
        self.inventory
            .get_or_init(|| inventory::load(self.global.inventory.as_deref(), self.compiled))
            .as_ref()
            .map(Option::as_ref)
            .map_err(|e| Failure::Run(e.clone()))
    }

    /// The inventory's specs, empty without one.
    pub fn specs(&self) -> Result<&'static [SecretSpec], Failure> {
        Ok(self.inventory()?.map_or(&[][..], |i| i.specs))
    }

    /// The vault file, required by most commands.
    pub fn vault_path(&self) -> Result<&Path, Failure> {
        self.global.vault.as_deref().ok_or_else(|| {
            Failure::Run(
                "no vault configured: pass `--vault PATH` or set `VOX_CLAVIS_VAULT`".to_owned(),
            )
        })
    }

    /// The key provider the global options name.
    pub fn key_provider(&self) -> Arc<dyn KeyProvider> {
        match &self.global.kek_file {
            Some(path) => Arc::new(KeyFile::new(path)),
            None => Arc::new(EnvKey::default()),
        }
    }

    /// The audit log: `--audit-log`, else beside the vault, else none.
    pub fn audit_path(&self) -> Option<PathBuf> {
        self.global.audit_log.clone().or_else(|| {
            self.global.vault.as_ref().map(|vault| {
                let mut name = vault.as_os_str().to_owned();
                name.push(".audit.jsonl");
                PathBuf::from(name)
            })
        })
    }

    /// The audit sink, opened (and created) on first use.
    pub fn sink(&self) -> Result<Option<Arc<dyn AuditSink>>, Failure> {
        self.sink
            .get_or_init(|| self.open_sink())
            .clone()
            .map_err(Failure::Run)
    }

    fn open_sink(&self) -> Result<Option<Arc<dyn AuditSink>>, String> {
        let Some(path) = self.audit_path() else {
            return Ok(None);
        };
        let sink = match &self.global.audit_key_file {
            Some(key) => {
                let kek = KeyFile::new(key).load().map_err(|e| e.to_string())?;
                JsonlSink::open_keyed(&path, &kek)
            }
            None => JsonlSink::open(&path),
        }
        .map_err(|e| format!("cannot open the audit log `{}`: {e}", path.display()))?;
        Ok(Some(Arc::new(sink)))
    }

    /// Records a command's own event, with the operator and the reason. Beside a vault that
    /// does not exist (yet), no log is created: a failed check writes nothing.
    pub fn record(&self, event: AuditEvent) -> Result<(), Failure> {
        let vault_missing = self.global.vault.as_ref().is_some_and(|v| !v.exists());
        let log_missing = self.audit_path().is_some_and(|l| !l.exists());
        if vault_missing && log_missing {
            return Ok(());
        }
        if let Some(sink) = self.sink()? {
            let event = event
                .actor(Some(&self.actor))
                .reason(self.global.reason.as_deref());
            sink.record(&event)
                .map_err(|e| Failure::Run(format!("cannot write the audit event: {e}")))?;
        }
        Ok(())
    }

    /// A handle on the vault that touches nothing yet (for `init`, `restore`, `import-kek`),
    /// audited once the sink is attached with [`Context::audited`].
    pub fn vault_handle(&self) -> Result<Vault, Failure> {
        let path = self.vault_path()?;
        match self.global.store {
            Store::Json => Ok(Vault::new(path, self.key_provider())),
            #[cfg(feature = "libsql")]
            Store::Libsql => Ok(Vault::new_libsql(path, self.key_provider())?),
            #[cfg(not(feature = "libsql"))]
            Store::Libsql => Err(Failure::Run(
                "this build has no libSQL store: build vox-clavis with `--features libsql`"
                    .to_owned(),
            )),
        }
    }

    /// Attaches the audit sink, the operator and the reason to `vault`.
    pub fn audited(&self, vault: Vault) -> Result<Vault, Failure> {
        let mut vault = vault.with_actor(self.actor.clone());
        if let Some(reason) = &self.global.reason {
            vault = vault.with_reason(reason.clone());
        }
        Ok(match self.sink()? {
            Some(sink) => vault.with_audit(sink),
            None => vault,
        })
    }

    /// Opens the existing vault (its key must open it), then attaches the audit sink.
    pub fn open_vault(&self) -> Result<Vault, Failure> {
        let path = self.vault_path()?;
        if !path.exists() {
            return Err(Failure::Run(format!(
                "no vault at `{}`: create it with `vox-clavis vault init`, or restore a snapshot",
                path.display()
            )));
        }
        let vault = self.vault_handle()?.opened()?;
        self.audited(vault)
    }
}

/// The operator's OS user name, for the audit events; configuration, not a secret.
fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// This machine's name, as the node identity in `status`.
pub(crate) fn node_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|v| !v.is_empty()))
        .or_else(|| std::env::var("COMPUTERNAME").ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}
