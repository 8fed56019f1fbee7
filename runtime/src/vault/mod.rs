//! The vault: a local, encrypted secret store in a single file (the "cloudless" option).
//!
//! Guarantees, each shown by a test in `tests/vault*.rs`:
//!
//! - **Nothing in plaintext.** Each value is sealed with its own data key, each data key is
//!   wrapped by the key-encryption key (KEK), and the KEK comes from a [`KeyProvider`], never
//!   from the file.
//! - **Tampering is detected.** A changed ciphertext fails its tag; a record moved to another id,
//!   or an old record replayed in place of a newer one, fails the associated data (id and
//!   version) or the manifest MAC (which ids exist at which versions, and their digests).
//! - **Writes are atomic and durable.** Temporary file, fsync, rename, fsync of the directory:
//!   a crash at any point leaves the previous state or the new one. A call that returned `Ok` is
//!   on disk.
//! - **Writers are serialized** across threads and processes by a lock file, and each write
//!   re-reads the file under the lock, so concurrent writers lose nothing.
//! - **KEK rotation never strands the vault.** Data keys are first wrapped under both KEKs, then
//!   the new KEK is installed, then the old wrapping is dropped; a crash between any two steps
//!   leaves a vault that opens with the old key or the new one, and the next write finishes (or
//!   rolls back) the rotation towards whichever key the provider gives. A provider that cannot
//!   store the new key is refused; it rotates in two phases that hand the key back
//!   (`stage_rotation`, `commit_rotation`).
//! - **No key copy outlives a crash.** Temporary files are 0600, removed on every error path,
//!   and removed by the next open or write after a process was killed.
//!
//! A whole file replaced by an older copy of itself is, alone, indistinguishable from the
//! original. A vault on a keyed audit log refuses it ([`Error::Rollback`]): the log's
//! authenticated head keeps the highest generation of each vault. Without one, keep
//! [`VerifyReport::generation`] elsewhere.

mod backup;
pub(crate) mod crypto;
mod format;
mod health;
mod key;
#[cfg(feature = "keyring")]
mod keyring;
#[cfg(feature = "libsql")]
mod libsql_store;
mod rotate;
pub(crate) mod store;
mod transfer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::audit::{Action, AuditEvent, AuditSink, Auditor, Outcome};
use crate::error::Error;
use crate::secret::secret_from_string;
use crypto::{DerivedKeys, KEY_LEN};
use format::{Record, VaultFile, WrappedKey, b64, unb64};

pub use health::KeyIdentity;
pub use key::{DEFAULT_KEK_VAR, EnvKey, Kek, KeyFile, KeyProvider, StaticKey};
#[cfg(feature = "keyring")]
pub use keyring::KeyringKey;
pub use rotate::{Rotation, StagedRotation};
pub use store::FaultPoint;
pub use transfer::EnvEntry;
/// A vault file and the key provider that opens it.
pub struct Vault {
    path: PathBuf,
    keys: Box<dyn KeyProvider>,
    audit: Auditor,
    faults: store::Faults,
    /// The generation last read or written, stamped on audit events: a keyed log's head keeps
    /// the highest, which is what catches a rollback of the whole file.
    generation: AtomicU64,
    /// Where the records are: the JSON file at `path`, or a libSQL database there.
    backing: Backing,
}

/// The storage under a vault. Everything above reads and writes whole [`VaultFile`]s, so the
/// encryption, the manifest and the rotation steps are the same on both.
enum Backing {
    File,
    #[cfg(feature = "libsql")]
    Libsql(libsql_store::LibsqlStore),
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("keys", &self.keys.describe())
            .finish()
    }
}

/// What [`Vault::verify`] checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// How many records decrypted.
    pub records: usize,
    /// The vault's write counter: it only grows, so a smaller one than last seen is a rollback.
    pub generation: u64,
    /// The public id of the key that opened it.
    pub key_id: String,
    /// Whether a key rotation was interrupted (the next write finishes it).
    pub rotation_pending: bool,
}

/// What a snapshot holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    /// SHA-256 of the vault bytes in the snapshot: record it to check the snapshot later.
    pub sha256: String,
    /// The vault's generation when the snapshot was taken.
    pub generation: u64,
    /// How many records it holds.
    pub records: usize,
    /// The public id of the key that opens it.
    pub key_id: String,
}

/// What [`Vault::reset`] replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetInfo {
    /// The version that was dropped from the file, with its data key.
    pub old_version: u64,
    /// The version of the new value.
    pub new_version: u64,
}

impl Vault {
    /// A handle on the vault at `path`; touches nothing until used.
    pub fn new(path: impl Into<PathBuf>, keys: impl KeyProvider + 'static) -> Self {
        Vault {
            path: path.into(),
            keys: Box::new(keys),
            audit: Auditor::default(),
            faults: store::Faults::none(),
            generation: AtomicU64::new(0),
            backing: Backing::File,
        }
    }

    /// A handle on a vault kept in the libSQL database at `path` (created if absent, empty
    /// until [`Vault::init`]): the same records as the JSON file, one row each.
    #[cfg(feature = "libsql")]
    pub fn new_libsql(
        path: impl Into<PathBuf>,
        keys: impl KeyProvider + 'static,
    ) -> Result<Self, Error> {
        let path = path.into();
        let store = libsql_store::LibsqlStore::open(&path)
            .map_err(|e| Error::io("open the libSQL vault", &path, e))?;
        let mut vault = Vault::new(path, keys);
        vault.backing = Backing::Libsql(store);
        Ok(vault)
    }

    /// Whether the storage holds a vault already (the file exists, or the database has one).
    pub fn exists(&self) -> Result<bool, Error> {
        match &self.backing {
            Backing::File => Ok(self.path.exists()),
            #[cfg(feature = "libsql")]
            Backing::Libsql(store) => Ok(store.read().map_err(|e| self.io_error(e))?.is_some()),
        }
    }

    /// Creates an empty vault in this handle's storage, sealed with the provider's key. Fails
    /// if one exists.
    pub fn init(self) -> Result<Self, Error> {
        let lock = self.lock()?;
        if self.exists()? {
            return Err(Error::io(
                "create the vault",
                &self.path,
                std::io::ErrorKind::AlreadyExists.into(),
            ));
        }
        let derived = self.derived()?;
        let mut file = VaultFile::empty();
        reseal(&mut file, &[&derived]);
        self.write(&file)?;
        drop(lock);
        Ok(self)
    }

    /// Creates an empty vault at `path`, sealed with the provider's key. Fails if it exists.
    pub fn create(
        path: impl Into<PathBuf>,
        keys: impl KeyProvider + 'static,
    ) -> Result<Self, Error> {
        Vault::new(path, keys).init()
    }

    /// Opens the vault at `path`, checking that the provider's key opens it.
    pub fn open(path: impl Into<PathBuf>, keys: impl KeyProvider + 'static) -> Result<Self, Error> {
        Vault::new(path, keys).opened()
    }

    /// Checks that the provider's key opens this handle's vault, after cleaning up what a
    /// killed writer left.
    pub fn opened(self) -> Result<Self, Error> {
        let vault = self;
        // Clean up after a writer or a rotation killed half-way, unless another writer is at
        // work (it cleans up itself).
        if let Some(_lock) = store::try_lock(&vault.path) {
            vault.keys.recover()?;
            store::remove_stale_temps(&vault.path).map_err(|e| vault.io_error(e))?;
        }
        let derived = vault.derived()?;
        vault.load(&derived)?;
        Ok(vault)
    }

    /// Sends an audit event for every access, mutation and rotation to `sink`.
    pub fn with_audit(mut self, sink: Arc<dyn AuditSink>) -> Self {
        self.audit.sink = Some(sink);
        self
    }

    /// Names who acts in the audit events.
    pub fn with_actor(mut self, actor: impl Into<String>) -> Self {
        self.audit.actor = Some(actor.into());
        self
    }

    /// Says why in every audit event of this handle (a ticket, a job name).
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.audit.reason = Some(reason.into());
        self
    }

    /// Calls `hook` at each [`FaultPoint`]; an error aborts the operation there (as an I/O
    /// error would: nothing already written is undone), and a hook that blocks lets a test kill
    /// the process there. For tests only.
    #[cfg(feature = "fault-injection")]
    pub fn with_fault_hook(
        mut self,
        hook: impl Fn(FaultPoint) -> std::io::Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.faults.hook = Some(Arc::new(hook));
        self
    }

    /// The vault file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stores `value` under `id`, replacing any previous value. Returns the record's version.
    pub fn put(&self, id: &str, value: &SecretString) -> Result<u64, Error> {
        check_id(id)?;
        let version = self.mutate(|file, derived| {
            let version = file.generation;
            let record = seal_record(id, version, value.expose_secret().as_bytes(), &[derived]);
            file.records.insert(id.to_owned(), record);
            Ok(version)
        })?;
        self.emit_after_write(
            "put",
            AuditEvent::new(Action::VaultPut, Outcome::Ok)
                .id(id)
                .source("vault"),
        )?;
        Ok(version)
    }

    /// Replaces the value of `id`, which must exist, after an incident: the old version's
    /// ciphertext and wrapped data key leave the file in the same atomic write (the data key
    /// itself was only ever in memory), and the audit event names both versions. Snapshots
    /// taken before still hold the old version: rotate the credential at its provider too.
    pub fn reset(&self, id: &str, value: &SecretString) -> Result<ResetInfo, Error> {
        check_id(id)?;
        let info = self.mutate(|file, derived| {
            let old_version = file
                .records
                .get(id)
                .map(|r| r.version)
                .ok_or_else(|| Error::NotStored(id.to_owned()))?;
            let new_version = file.generation;
            let record = seal_record(
                id,
                new_version,
                value.expose_secret().as_bytes(),
                &[derived],
            );
            file.records.insert(id.to_owned(), record);
            Ok(ResetInfo {
                old_version,
                new_version,
            })
        })?;
        self.emit_after_write(
            "reset",
            AuditEvent::new(Action::Reset, Outcome::Ok)
                .id(id)
                .source("vault")
                .detail(format!(
                    "version {} shredded, new version {}",
                    info.old_version, info.new_version
                )),
        )?;
        Ok(info)
    }

    /// The value stored under `id`, if any.
    pub fn get(&self, id: &str) -> Result<Option<SecretString>, Error> {
        let value = self.fetch(id)?;
        let outcome = if value.is_some() {
            Outcome::Ok
        } else {
            Outcome::Missing
        };
        self.emit(
            AuditEvent::new(Action::VaultGet, outcome)
                .id(id)
                .source("vault"),
        )?;
        Ok(value)
    }

    /// Deletes `id`. Returns whether it existed.
    pub fn delete(&self, id: &str) -> Result<bool, Error> {
        let existed = self.mutate(|file, _| Ok(file.records.remove(id).is_some()))?;
        let outcome = if existed {
            Outcome::Ok
        } else {
            Outcome::Missing
        };
        self.emit_after_write(
            "delete",
            AuditEvent::new(Action::VaultDelete, outcome)
                .id(id)
                .source("vault"),
        )?;
        Ok(existed)
    }

    /// The ids stored, sorted. Never values.
    pub fn list(&self) -> Result<Vec<String>, Error> {
        let derived = self.derived()?;
        let ids: Vec<String> = self.load(&derived)?.records.into_keys().collect();
        self.emit(
            AuditEvent::new(Action::VaultList, Outcome::Ok)
                .source("vault")
                .detail(format!("{} ids", ids.len())),
        )?;
        Ok(ids)
    }

    /// Whether `id` is stored, without decrypting it.
    pub fn contains(&self, id: &str) -> Result<bool, Error> {
        let derived = self.derived()?;
        let found = self.load(&derived)?.records.contains_key(id);
        let outcome = if found { Outcome::Ok } else { Outcome::Missing };
        self.emit(
            AuditEvent::new(Action::VaultContains, outcome)
                .id(id)
                .source("vault"),
        )?;
        Ok(found)
    }

    /// Decrypts every record: proves the whole vault opens with the provider's key.
    pub fn verify(&self) -> Result<VerifyReport, Error> {
        let derived = self.derived()?;
        let file = self.load(&derived)?;
        for (id, record) in &file.records {
            self.open_record(id, record, &derived)?;
        }
        self.emit(
            AuditEvent::new(Action::VaultVerify, Outcome::Ok)
                .source("vault")
                .detail(format!("{} records decrypt", file.records.len())),
        )?;
        Ok(VerifyReport {
            records: file.records.len(),
            generation: file.generation,
            key_id: derived.id.clone(),
            rotation_pending: file.seals.len() > 1,
        })
    }

    /// The value of `id` without an audit event: the resolver records its own.
    pub(crate) fn fetch(&self, id: &str) -> Result<Option<SecretString>, Error> {
        let derived = self.derived()?;
        let file = self.load(&derived)?;
        if file.staged {
            return Err(Error::RestoreStaged {
                path: self.path.clone(),
            });
        }
        file.records
            .get(id)
            .map(|record| self.open_record(id, record, &derived))
            .transpose()
    }

    // ---- internals ----

    fn derived(&self) -> Result<DerivedKeys, Error> {
        Ok(crypto::derive(self.keys.load()?.bytes()))
    }

    fn lock(&self) -> Result<store::WriteLock, Error> {
        store::lock(&self.path).map_err(|e| Error::io("lock the vault", &self.path, e))
    }

    fn io_error(&self, e: std::io::Error) -> Error {
        Error::io("write the vault", &self.path, e)
    }

    fn emit(&self, event: AuditEvent) -> Result<(), Error> {
        let event = event.vault(self.audit_name(), self.generation.load(Ordering::SeqCst));
        self.audit.emit(event).map_err(Error::Audit)
    }

    /// Records the event of a change that is already durable: a failure says so, so the caller
    /// neither retries the change nor believes it did not happen.
    fn emit_after_write(&self, action: &'static str, event: AuditEvent) -> Result<(), Error> {
        self.emit(event).map_err(|e| match e {
            Error::Audit(source) => Error::AuditAfterWrite { action, source },
            other => other,
        })
    }

    /// The highest generation the audit sink recorded, if it keeps one.
    fn recorded_generation(&self) -> Result<Option<u64>, Error> {
        match &self.audit.sink {
            Some(sink) => sink
                .vault_generation(&self.audit_name())
                .map_err(Error::Audit),
            None => Ok(None),
        }
    }

    /// The vault as audit events and a keyed log's head name it: its canonical path, so two
    /// handles on one file agree however they spelled it.
    fn audit_name(&self) -> String {
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        match (std::fs::canonicalize(dir), self.path.file_name()) {
            (Ok(dir), Some(name)) => dir.join(name).display().to_string(),
            _ => self.path.display().to_string(),
        }
    }

    /// The vault as the JSON file's bytes, whatever the storage (a libSQL vault's rows are
    /// laid out as the file would be, so snapshots of both are alike).
    fn read_bytes(&self) -> Result<Vec<u8>, Error> {
        match &self.backing {
            Backing::File => {
                std::fs::read(&self.path).map_err(|e| Error::io("read the vault", &self.path, e))
            }
            #[cfg(feature = "libsql")]
            Backing::Libsql(store) => match store.read() {
                Ok(Some(file)) => Ok(file.to_bytes()),
                Ok(None) => Err(Error::io(
                    "read the vault",
                    &self.path,
                    std::io::ErrorKind::NotFound.into(),
                )),
                Err(e) => Err(Error::io("read the vault", &self.path, e)),
            },
        }
    }

    /// Reads, parses and authenticates the manifest under `derived`.
    fn load(&self, derived: &DerivedKeys) -> Result<VaultFile, Error> {
        let file = parse(&self.path, &self.read_bytes()?)?;
        self.check(&file, derived)?;
        if let Some(recorded) = self.recorded_generation()?
            && file.generation < recorded
        {
            return Err(Error::Rollback {
                path: self.path.clone(),
                found: file.generation,
                recorded,
            });
        }
        self.generation.store(file.generation, Ordering::SeqCst);
        Ok(file)
    }

    fn check(&self, file: &VaultFile, derived: &DerivedKeys) -> Result<(), Error> {
        self.check_at(&self.path, file, derived)
    }

    /// Authenticates the manifest, and checks that every record is wrapped for every key.
    fn check_at(&self, path: &Path, file: &VaultFile, derived: &DerivedKeys) -> Result<(), Error> {
        let Some(tag) = file.seals.get(&derived.id) else {
            return Err(Error::WrongKey {
                path: path.to_owned(),
                provider: self.keys.describe(),
                key_id: derived.id.clone(),
                sealed_with: file.seals.keys().cloned().collect(),
            });
        };
        let tag = unb64(tag).ok_or_else(|| Error::format(path, "a seal is not base64"))?;
        crypto::mac_verify(&derived.mac, &file.manifest(), &tag).map_err(|_| {
            Error::tampered(
                path,
                "the manifest does not match the records (a record was changed, swapped, \
                 replayed, added or removed)",
            )
        })?;
        for (id, record) in &file.records {
            if !record.keys.keys().eq(file.seals.keys()) {
                return Err(Error::tampered(
                    path,
                    format!("record `{id}` is not wrapped for every key"),
                ));
            }
        }
        Ok(())
    }

    /// Takes the writers' lock, loads the current state, applies `change` with a new generation
    /// and writes the result atomically.
    fn mutate<T>(
        &self,
        change: impl FnOnce(&mut VaultFile, &DerivedKeys) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let _lock = self.lock()?;
        let derived = self.derived()?;
        let mut file = self.load(&derived)?;
        self.faults
            .at(FaultPoint::Locked)
            .map_err(|e| self.io_error(e))?;
        let settled = self.settle(&mut file, &derived);
        file.generation += 1;
        let out = change(&mut file, &derived)?;
        reseal(&mut file, &[&derived]);
        self.write(&file)?;
        if let Some(event) = settled {
            self.emit_after_write("settle a rotation", event)?;
        }
        Ok(out)
    }

    fn write(&self, file: &VaultFile) -> Result<(), Error> {
        self.keys.recover()?;
        store::remove_stale_temps(&self.path).map_err(|e| self.io_error(e))?;
        match &self.backing {
            Backing::File => store::write_atomic(&self.path, &file.to_bytes(), &self.faults),
            #[cfg(feature = "libsql")]
            Backing::Libsql(db) => db.write(file),
        }
        .map_err(|e| self.io_error(e))?;
        self.generation.store(file.generation, Ordering::SeqCst);
        Ok(())
    }

    fn unwrap_key(
        &self,
        id: &str,
        record: &Record,
        derived: &DerivedKeys,
    ) -> Result<Zeroizing<[u8; KEY_LEN]>, Error> {
        unwrap_key(&self.path, id, record, derived)
    }

    fn open_record(
        &self,
        id: &str,
        record: &Record,
        derived: &DerivedKeys,
    ) -> Result<SecretString, Error> {
        self.open_record_at(&self.path, id, record, derived)
    }

    fn open_record_at(
        &self,
        path: &Path,
        id: &str,
        record: &Record,
        derived: &DerivedKeys,
    ) -> Result<SecretString, Error> {
        let data_key = unwrap_key(path, id, record, derived)?;
        let tampered =
            || Error::tampered(path, format!("the value of `{id}` failed authentication"));
        let nonce = unb64(&record.nonce).ok_or_else(tampered)?;
        let ciphertext = unb64(&record.ciphertext).ok_or_else(tampered)?;
        let mut plain = crypto::open(
            &data_key,
            &nonce,
            &ciphertext,
            &format::value_aad(id, record.version),
        )
        .map_err(|_| tampered())?;
        let bytes = std::mem::take(&mut *plain);
        match String::from_utf8(bytes) {
            Ok(text) => Ok(secret_from_string(text)),
            Err(e) => {
                drop(Zeroizing::new(e.into_bytes()));
                Err(Error::format(
                    path,
                    format!("the value of `{id}` is not UTF-8"),
                ))
            }
        }
    }
}

fn check_id(id: &str) -> Result<(), Error> {
    if format::valid_id(id) {
        Ok(())
    } else {
        Err(Error::InvalidId(id.to_owned()))
    }
}

fn parse(path: &Path, bytes: &[u8]) -> Result<VaultFile, Error> {
    let file: VaultFile =
        serde_json::from_slice(bytes).map_err(|e| Error::format(path, e.to_string()))?;
    if file.format != format::FORMAT {
        return Err(Error::format(
            path,
            format!("its format is `{}`", file.format),
        ));
    }
    if file.version != format::VERSION {
        return Err(Error::format(
            path,
            format!(
                "layout version {} is not supported (this build reads {})",
                file.version,
                format::VERSION
            ),
        ));
    }
    if let Some(id) = file.records.keys().find(|id| !format::valid_id(id)) {
        return Err(Error::format(path, format!("invalid record id `{id}`")));
    }
    Ok(file)
}

/// Seals `value` with a fresh data key, wrapped under each of `keks`.
fn seal_record(id: &str, version: u64, value: &[u8], keks: &[&DerivedKeys]) -> Record {
    let data_key = crypto::random_key();
    let sealed = crypto::seal(&data_key, value, &format::value_aad(id, version));
    Record {
        version,
        nonce: b64(&sealed.nonce),
        ciphertext: b64(&sealed.ciphertext),
        keys: keks
            .iter()
            .map(|kek| (kek.id.clone(), wrap_key(id, version, &data_key, kek)))
            .collect(),
    }
}

fn wrap_key(id: &str, version: u64, data_key: &[u8; KEY_LEN], kek: &DerivedKeys) -> WrappedKey {
    let sealed = crypto::seal(&kek.wrap, data_key, &format::key_aad(id, version, &kek.id));
    WrappedKey {
        nonce: b64(&sealed.nonce),
        key: b64(&sealed.ciphertext),
    }
}

fn unwrap_key(
    path: &Path,
    id: &str,
    record: &Record,
    derived: &DerivedKeys,
) -> Result<Zeroizing<[u8; KEY_LEN]>, Error> {
    let tampered = || {
        Error::tampered(
            path,
            format!("the data key of `{id}` failed authentication"),
        )
    };
    let wrapped = record.keys.get(&derived.id).ok_or_else(tampered)?;
    let nonce = unb64(&wrapped.nonce).ok_or_else(tampered)?;
    let key = unb64(&wrapped.key).ok_or_else(tampered)?;
    let plain = crypto::open(
        &derived.wrap,
        &nonce,
        &key,
        &format::key_aad(id, record.version, &derived.id),
    )
    .map_err(|_| tampered())?;
    let bytes: [u8; KEY_LEN] = plain.as_slice().try_into().map_err(|_| tampered())?;
    Ok(Zeroizing::new(bytes))
}

/// Replaces the seals with MACs of the manifest under each of `keks`.
fn reseal(file: &mut VaultFile, keks: &[&DerivedKeys]) {
    // The manifest names the sealing keys, so set them before computing it.
    file.seals = keks.iter().map(|k| (k.id.clone(), String::new())).collect();
    let manifest = file.manifest();
    for kek in keks {
        file.seals
            .insert(kek.id.clone(), b64(&crypto::mac(&kek.mac, &manifest)));
    }
}
