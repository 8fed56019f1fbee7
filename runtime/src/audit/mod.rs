//! Audit events: a record of every resolve, vault access and key rotation, for whoever has to
//! answer "which process read the production key, from where, and when".
//!
//! An event names the action, the secret's id, the source and the actor; it has no field that
//! could hold a value, so a sink cannot leak one. Sinks are pluggable ([`AuditSink`]); the
//! [`JsonlSink`] chains each line to the previous one, keyed with an HMAC and an authenticated
//! head so that whoever can write the file still cannot rewrite it unnoticed ([`verify_keyed`]).

mod jsonl;
mod time;

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

pub use jsonl::{ChainError, ChainSummary, JsonlSink, verify_chain, verify_keyed};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// A secret was resolved (or the attempt failed: see the outcome).
    Resolve,
    /// A vault record was read.
    VaultGet,
    /// A vault record was written.
    VaultPut,
    /// A vault record was deleted.
    VaultDelete,
    /// The vault's ids were listed.
    VaultList,
    /// Whether the vault holds an id was asked.
    VaultContains,
    /// Every record of the vault was decrypted to check it.
    VaultVerify,
    /// The vault's key-encryption key was rotated.
    RotateKek,
    /// An interrupted key rotation was finished or rolled back.
    RecoverRotation,
    /// A snapshot of the vault was written.
    Snapshot,
    /// The vault was restored from a snapshot.
    Restore,
    /// A staged restore was completed: reads are enabled.
    RestoreComplete,
    /// A vault record was replaced after an incident, its old version dropped.
    Reset,
    /// The vault was created.
    VaultInit,
    /// The key-encryption key was exported (to a file or, with consent, standard output).
    ExportKek,
    /// A key-encryption key was installed with the key provider.
    ImportKek,
    /// Vault values were exported as an encrypted environment payload.
    ExportEnv,
    /// An encrypted environment payload was imported into the vault.
    ImportEnv,
    /// An operator listed the inventory's status.
    Status,
    /// An operator ran the health checks.
    Doctor,
    /// An operator asked which backends are compiled in, configured and reachable.
    BackendStatus,
    /// An operator verified the audit log.
    AuditVerify,
}

/// How it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// It succeeded.
    Ok,
    /// It succeeded with a warning (a deprecated alias under the `Dev` profile).
    Warning,
    /// The profile refused it (a deprecated alias under `Strict`).
    Denied,
    /// The secret was not found.
    Missing,
    /// It failed.
    Error,
}

/// One audited action. Never holds a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    /// When, as RFC 3339 UTC with milliseconds.
    pub time: String,
    /// What happened.
    pub action: Action,
    /// How it ended.
    pub outcome: Outcome,
    /// The secret's id, if the action concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where the value came from or went (`env `OPENAI_API_KEY` (canonical)`, `vault`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Who did it, if the program said (`Resolver::builder().actor(..)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// More context: the remediation of a warning, the key ids of a rotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Why, if the program said (`with_reason`, `resolve_with_reason`): a ticket, a job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The vault file of a vault action (its canonical path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<String>,
    /// The vault's generation after a vault action: a keyed log's head keeps the highest of
    /// each vault, so an older copy of the vault file is refused later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<u64>,
}

impl AuditEvent {
    /// An event for `action` ending in `outcome`, stamped now.
    pub fn new(action: Action, outcome: Outcome) -> Self {
        AuditEvent {
            time: time::now_rfc3339(),
            action,
            outcome,
            id: None,
            source: None,
            actor: None,
            detail: None,
            reason: None,
            vault: None,
            generation: None,
        }
    }

    /// Sets the secret's id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the source.
    pub fn source(mut self, source: impl ToString) -> Self {
        self.source = Some(source.to_string());
        self
    }

    /// Sets the actor.
    pub fn actor(mut self, actor: Option<&str>) -> Self {
        self.actor = actor.map(str::to_owned);
        self
    }

    /// Sets the detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Sets the reason.
    pub fn reason(mut self, reason: Option<&str>) -> Self {
        self.reason = reason.map(str::to_owned);
        self
    }

    /// Sets the vault file and its generation.
    pub fn vault(mut self, vault: impl Into<String>, generation: u64) -> Self {
        self.vault = Some(vault.into());
        self.generation = Some(generation);
        self
    }
}

/// Where audit events go.
pub trait AuditSink: Send + Sync {
    /// Records one event. An error means the event was not recorded.
    fn record(&self, event: &AuditEvent) -> std::io::Result<()>;

    /// The highest generation of the vault file `vault` (as [`AuditEvent::vault`] names it)
    /// that this sink has recorded where the vault file's holder cannot reset it (a keyed
    /// log's head), or `None` if it keeps none. A vault with this sink refuses a file older
    /// than that: a rollback.
    fn vault_generation(&self, vault: &str) -> std::io::Result<Option<u64>> {
        let _ = vault;
        Ok(None)
    }
}

/// Keeps events in memory: for tests, and for programs that forward them elsewhere.
#[derive(Debug, Default, Clone)]
pub struct MemorySink(Arc<Mutex<Vec<AuditEvent>>>);

impl MemorySink {
    /// An empty sink. Clones share the same events.
    pub fn new() -> Self {
        MemorySink::default()
    }

    /// The events recorded so far.
    pub fn events(&self) -> Vec<AuditEvent> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl AuditSink for MemorySink {
    fn record(&self, event: &AuditEvent) -> std::io::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event.clone());
        Ok(())
    }
}

/// The sink, actor and default reason a resolver or vault reports with.
#[derive(Clone, Default)]
pub(crate) struct Auditor {
    pub sink: Option<Arc<dyn AuditSink>>,
    pub actor: Option<String>,
    pub reason: Option<String>,
}

impl Auditor {
    /// Stamps the actor (and the default reason, unless the event has one) on `event` and
    /// records it.
    pub fn emit(&self, mut event: AuditEvent) -> std::io::Result<()> {
        if event.reason.is_none() {
            event.reason = self.reason.clone();
        }
        match &self.sink {
            Some(sink) => sink.record(&event.actor(self.actor.as_deref())),
            None => Ok(()),
        }
    }
}
