//! Backup and restore: a snapshot is the vault file's exact (encrypted) bytes, the key
//! reference that opens them and their SHA-256, so a backup can be checked before it replaces
//! anything. A staged restore puts the records back with reads refused until the operator has
//! validated them and completes it, the runbook's "enable reads staged, then fully".

use std::path::Path;

use super::format::{self, KeyReference, SnapshotFile, b64, unb64};
use super::{SnapshotInfo, Vault, crypto, parse, reseal, store};
use crate::audit::{Action, AuditEvent, Outcome};
use crate::error::Error;

impl Vault {
    /// Writes a copy of the vault (still encrypted) to `to`, after checking that every record
    /// decrypts. The snapshot opens with the key the vault has now.
    pub fn snapshot(&self, to: impl AsRef<Path>) -> Result<SnapshotInfo, Error> {
        let to = to.as_ref();
        let bytes = self.read_bytes()?;
        let derived = self.derived()?;
        let file = parse(&self.path, &bytes)?;
        self.check(&file, &derived)?;
        for (id, record) in &file.records {
            self.open_record(id, record, &derived)?;
        }
        let sha256 = crypto::sha256_hex(&bytes);
        let snapshot = SnapshotFile {
            format: format::SNAPSHOT_FORMAT.to_owned(),
            version: format::VERSION,
            sha256: sha256.clone(),
            vault: b64(&bytes),
            key: Some(KeyReference {
                key_id: derived.id.clone(),
                provider: self.keys.describe(),
            }),
        };
        let mut text = serde_json::to_vec_pretty(&snapshot).expect("a snapshot serializes");
        text.push(b'\n');
        store::write_atomic(to, &text, &store::Faults::none())
            .map_err(|e| Error::io("write the snapshot", to, e))?;
        self.emit_after_write(
            "snapshot",
            AuditEvent::new(Action::Snapshot, Outcome::Ok)
                .source("vault")
                .detail(format!("to {} sha256 {sha256}", to.display())),
        )?;
        Ok(SnapshotInfo {
            sha256,
            generation: file.generation,
            records: file.records.len(),
            key_id: derived.id.clone(),
        })
    }

    /// Replaces the vault's content with the snapshot at `from`, after checking its integrity
    /// hash and that every record in it decrypts with the provider's key. Works on a vault file
    /// that is damaged or missing. The restored vault continues the generation count, so a
    /// later comparison does not mistake it for a rollback.
    pub fn restore(&self, from: impl AsRef<Path>) -> Result<SnapshotInfo, Error> {
        self.restore_as(from.as_ref(), false)
    }

    /// [`Vault::restore`], with reads (`get`, and so every resolve) refused with
    /// [`Error::RestoreStaged`] until [`Vault::complete_restore`]: the records can be listed and
    /// verified first. Writes are allowed and keep the vault staged.
    pub fn restore_staged(&self, from: impl AsRef<Path>) -> Result<SnapshotInfo, Error> {
        self.restore_as(from.as_ref(), true)
    }

    /// Enables reads after [`Vault::restore_staged`]. Returns whether the vault was staged.
    pub fn complete_restore(&self) -> Result<bool, Error> {
        let was = self.mutate(|file, _| Ok(std::mem::take(&mut file.staged)))?;
        let outcome = if was { Outcome::Ok } else { Outcome::Missing };
        let detail = if was {
            "reads enabled"
        } else {
            "no staged restore"
        };
        self.emit_after_write(
            "complete the restore",
            AuditEvent::new(Action::RestoreComplete, outcome)
                .source("vault")
                .detail(detail),
        )?;
        Ok(was)
    }

    /// Whether the vault was restored in staged mode and still refuses reads.
    pub fn is_staged(&self) -> Result<bool, Error> {
        let derived = self.derived()?;
        Ok(self.load(&derived)?.staged)
    }

    /// Checks a snapshot's integrity hash and that every record decrypts, writing nothing.
    pub fn check_snapshot(&self, from: impl AsRef<Path>) -> Result<SnapshotInfo, Error> {
        let from = from.as_ref();
        let (snapshot, file, derived) = self.read_snapshot(from)?;
        Ok(SnapshotInfo {
            sha256: snapshot.sha256,
            generation: file.generation,
            records: file.records.len(),
            key_id: derived.id,
        })
    }

    fn read_snapshot(
        &self,
        from: &Path,
    ) -> Result<(SnapshotFile, format::VaultFile, crypto::DerivedKeys), Error> {
        let text = std::fs::read(from).map_err(|e| Error::io("read the snapshot", from, e))?;
        let snapshot: SnapshotFile = serde_json::from_slice(&text)
            .map_err(|e| Error::format(from, format!("not a snapshot: {e}")))?;
        if snapshot.format != format::SNAPSHOT_FORMAT || snapshot.version != format::VERSION {
            return Err(Error::format(
                from,
                "not a vox-clavis vault snapshot of a known version",
            ));
        }
        let bytes = unb64(&snapshot.vault)
            .ok_or_else(|| Error::format(from, "the snapshot's content is not base64"))?;
        if crypto::sha256_hex(&bytes) != snapshot.sha256 {
            return Err(Error::format(
                from,
                "the snapshot's integrity hash does not match its content: it is damaged",
            ));
        }
        let derived = self.derived()?;
        let file = parse(from, &bytes)?;
        self.check_at(from, &file, &derived)?;
        for (id, record) in &file.records {
            self.open_record_at(from, id, record, &derived)?;
        }
        Ok((snapshot, file, derived))
    }

    fn restore_as(&self, from: &Path, staged: bool) -> Result<SnapshotInfo, Error> {
        let (snapshot, mut file, derived) = self.read_snapshot(from)?;
        let _lock = self.lock()?;
        let current = self
            .read_bytes()
            .ok()
            .and_then(|b| parse(&self.path, &b).ok())
            .map_or(0, |f| f.generation);
        // Past whatever the audit head recorded too: a restore is not a rollback.
        let current = current.max(self.recorded_generation()?.unwrap_or(0));
        let info = SnapshotInfo {
            sha256: snapshot.sha256,
            generation: file.generation,
            records: file.records.len(),
            key_id: derived.id.clone(),
        };
        for record in file.records.values_mut() {
            record.keys.retain(|kek_id, _| *kek_id == derived.id);
        }
        file.generation = current.max(file.generation) + 1;
        file.staged = staged;
        reseal(&mut file, &[&derived]);
        self.write(&file)?;
        let mode = if staged {
            " (staged: reads refused)"
        } else {
            ""
        };
        self.emit_after_write(
            "restore",
            AuditEvent::new(Action::Restore, Outcome::Ok)
                .source("vault")
                .detail(format!(
                    "from {} sha256 {}{mode}",
                    from.display(),
                    info.sha256
                )),
        )?;
        Ok(info)
    }
}
