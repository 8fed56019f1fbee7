//! KEK rotation, in the steps that keep every record readable: wrap each data key under both
//! keys, install the new key (or hand it back to a caller whose provider cannot store it),
//! and only then drop the old wrapping. Each step is one atomic write, so a crash between any
//! two leaves a vault that opens with the old key or the new one.

use super::crypto::{self, DerivedKeys};
use super::format::VaultFile;
use super::store::FaultPoint;
use super::{Kek, Vault, parse, reseal, wrap_key};
use crate::audit::{Action, AuditEvent, Outcome};
use crate::error::Error;

/// A rotation whose first phase is done ([`Vault::stage_rotation`]): both keys open the vault.
/// Holds the new key; its `Debug` shows key ids only.
#[derive(Debug)]
pub struct StagedRotation {
    /// The public id of the current key.
    pub from: String,
    /// The public id of the new key.
    pub to: String,
    /// How many data keys are wrapped under both.
    pub records: usize,
    kek: Kek,
}

impl StagedRotation {
    /// The new key, to install where the provider will find it (a CI secret).
    pub fn kek(&self) -> &Kek {
        &self.kek
    }

    /// The new key, for [`Vault::commit_rotation`] once it is installed.
    pub fn into_kek(self) -> Kek {
        self.kek
    }
}

/// A key rotation that completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    /// The public id of the old key.
    pub from: String,
    /// The public id of the new key.
    pub to: String,
    /// How many data keys were re-wrapped.
    pub records: usize,
}

impl Vault {
    /// Re-wraps every data key under `new` and installs it with the key provider.
    ///
    /// Three durable steps, under the writers' lock: wrap every data key under both keys;
    /// [`KeyProvider::store`](crate::KeyProvider::store) the new key; drop the old wrapping.
    /// Interrupted at any point, the vault opens with the old key or the new one, and the next
    /// write settles it on whichever key the provider then gives.
    ///
    /// A provider that cannot store a key (such as [`EnvKey`](crate::EnvKey)) is refused before
    /// anything is written: dropping the old wrapping would leave a vault that only a key nobody
    /// kept opens. Rotate those in two phases with [`Vault::stage_rotation`] and
    /// [`Vault::commit_rotation`].
    pub fn rotate_kek(&self, new: Kek) -> Result<Rotation, Error> {
        if !self.keys.can_store() {
            self.emit(
                AuditEvent::new(Action::RotateKek, Outcome::Denied)
                    .source("vault")
                    .detail("refused: the key provider cannot store the new key"),
            )?;
            return Err(Error::Key {
                provider: self.keys.describe(),
                reason: "this provider cannot store the new key, so rotating would lock the \
                         vault to a key nobody keeps: use `stage_rotation`, install the key it \
                         hands back, then `commit_rotation`"
                    .to_owned(),
            });
        }
        let _lock = self.lock()?;
        let (old, new_derived) = self.stage_locked(&new)?;
        self.keys.store(&new)?;
        self.faults
            .at(FaultPoint::RotationKeyStored)
            .map_err(|e| self.io_error(e))?;
        self.commit_locked(&new_derived, &old.id)
    }

    /// The first phase of a rotation for a provider that cannot store keys: every data key is
    /// wrapped under both the current key and `new`, durably, and `new` is handed back. Until
    /// [`Vault::commit_rotation`], both keys open the vault; a write through the old key before
    /// then settles the rotation back (nothing is lost, the rotation is undone).
    pub fn stage_rotation(&self, new: Kek) -> Result<StagedRotation, Error> {
        let _lock = self.lock()?;
        let (old, new_derived) = self.stage_locked(&new)?;
        let records = self.load(&new_derived)?.records.len();
        self.emit_after_write(
            "stage a rotation",
            AuditEvent::new(Action::RotateKek, Outcome::Ok)
                .source("vault")
                .detail(format!("staged key id {} -> {}", old.id, new_derived.id)),
        )?;
        Ok(StagedRotation {
            from: old.id.clone(),
            to: new_derived.id.clone(),
            records,
            kek: new,
        })
    }

    /// The second phase: `new`, the key [`Vault::stage_rotation`] handed back, is the only one
    /// that opens the vault from now on. Giving it back is the caller's confirmation that it is
    /// installed where the provider will find it.
    pub fn commit_rotation(&self, new: &Kek) -> Result<Rotation, Error> {
        let _lock = self.lock()?;
        let new_derived = crypto::derive(new.bytes());
        let file = parse(&self.path, &self.read_bytes()?)?;
        let Some(from) = file.seals.keys().find(|id| **id != new_derived.id).cloned() else {
            return Err(self.no_staged(&new_derived));
        };
        if !file.seals.contains_key(&new_derived.id) {
            return Err(self.no_staged(&new_derived));
        }
        self.check(&file, &new_derived)?;
        self.commit_locked(&new_derived, &from)
    }

    fn no_staged(&self, new: &DerivedKeys) -> Error {
        Error::Key {
            provider: self.keys.describe(),
            reason: format!(
                "no rotation to key id {} is staged in `{}`: stage it with `stage_rotation` first",
                new.id,
                self.path.display()
            ),
        }
    }

    /// Step 1 of a rotation, with the lock held: every data key wrapped under both keys.
    fn stage_locked(&self, new: &Kek) -> Result<(DerivedKeys, DerivedKeys), Error> {
        let old = self.derived()?;
        let new_derived = crypto::derive(new.bytes());
        if new_derived.id == old.id {
            return Err(Error::Key {
                provider: self.keys.describe(),
                reason: "the new key is the current key".to_owned(),
            });
        }
        let mut file = self.load(&old)?;
        self.faults
            .at(FaultPoint::Locked)
            .map_err(|e| self.io_error(e))?;
        let settled = self.settle(&mut file, &old);
        for (id, record) in file.records.iter_mut() {
            let data_key = self.unwrap_key(id, record, &old)?;
            record.keys.insert(
                new_derived.id.clone(),
                wrap_key(id, record.version, &data_key, &new_derived),
            );
        }
        file.generation += 1;
        reseal(&mut file, &[&old, &new_derived]);
        self.write(&file)?;
        if let Some(event) = settled {
            self.emit_after_write("settle a rotation", event)?;
        }
        self.faults
            .at(FaultPoint::RotationStaged)
            .map_err(|e| self.io_error(e))?;
        Ok((old, new_derived))
    }

    /// The last step, with the lock held: only `new` opens the vault.
    fn commit_locked(&self, new: &DerivedKeys, from: &str) -> Result<Rotation, Error> {
        let mut file = self.load(new)?;
        for record in file.records.values_mut() {
            record.keys.retain(|kek_id, _| *kek_id == new.id);
        }
        file.generation += 1;
        reseal(&mut file, &[new]);
        self.write(&file)?;
        let rotation = Rotation {
            from: from.to_owned(),
            to: new.id.clone(),
            records: file.records.len(),
        };
        self.emit_after_write(
            "rotate",
            AuditEvent::new(Action::RotateKek, Outcome::Ok)
                .source("vault")
                .detail(format!("key id {} -> {}", rotation.from, rotation.to)),
        )?;
        Ok(rotation)
    }

    /// Finishes (or rolls back) an interrupted rotation in memory: keeps only the wrapping of
    /// the key the provider gives now, which is the key every later reader will use. Returns
    /// the audit event to record once the result is written.
    pub(super) fn settle(&self, file: &mut VaultFile, derived: &DerivedKeys) -> Option<AuditEvent> {
        if file.seals.len() <= 1 {
            return None;
        }
        let dropped: Vec<String> = file
            .seals
            .keys()
            .filter(|id| **id != derived.id)
            .cloned()
            .collect();
        for record in file.records.values_mut() {
            record.keys.retain(|kek_id, _| *kek_id == derived.id);
        }
        file.seals.retain(|kek_id, _| *kek_id == derived.id);
        Some(
            AuditEvent::new(Action::RecoverRotation, Outcome::Ok)
                .source("vault")
                .detail(format!(
                    "interrupted rotation settled on key id {}; dropped key id {}",
                    derived.id,
                    dropped.join(", ")
                )),
        )
    }
}
