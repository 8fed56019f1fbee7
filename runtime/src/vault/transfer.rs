//! The encrypted environment payload: vault values with their variable names, sealed for the
//! runbook's secure channel (a CI job, another node) with a key the other end already holds,
//! so what travels is ciphertext only. Importing puts every value in the vault in one write.

use std::path::Path;

use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::format::{b64, unb64};
use super::{Kek, Vault, check_id, crypto, seal_record, store};
use crate::audit::{Action, AuditEvent, Outcome};
use crate::error::Error;

const PAYLOAD_FORMAT: &str = "vox-clavis-env-payload";
const PAYLOAD_VERSION: u32 = 1;

/// One variable of a payload, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvEntry {
    /// The vault id.
    pub id: String,
    /// The environment variable it is set as.
    pub env: String,
}

/// The file: everything but the format and the key id is ciphertext.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PayloadFile {
    format: String,
    version: u32,
    key_id: String,
    nonce: String,
    ciphertext: String,
}

/// The plaintext inside, wiped after use.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Plain {
    entries: Vec<PlainEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlainEntry {
    id: String,
    env: String,
    value: String,
}

impl Drop for PlainEntry {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.value);
    }
}

fn aad(key_id: &str) -> Vec<u8> {
    let mut aad = format!("{PAYLOAD_FORMAT} v{PAYLOAD_VERSION}\0").into_bytes();
    aad.extend_from_slice(key_id.as_bytes());
    aad
}

impl Vault {
    /// Seals the values of `entries` (vault id and variable name; all records, named by their
    /// id, when empty) into a payload at `to`, mode 0600, under `key` or else the vault's own
    /// key. Refuses an existing `to`, and an id the vault does not hold.
    pub fn export_env(
        &self,
        entries: &[EnvEntry],
        to: &Path,
        key: Option<&Kek>,
    ) -> Result<Vec<EnvEntry>, Error> {
        if to.exists() {
            return Err(Error::io(
                "write the payload",
                to,
                std::io::ErrorKind::AlreadyExists.into(),
            ));
        }
        let entries = if entries.is_empty() {
            self.list_quiet()?
                .into_iter()
                .map(|id| EnvEntry {
                    env: id.clone(),
                    id,
                })
                .collect()
        } else {
            entries.to_vec()
        };
        let mut plain = Plain {
            entries: Vec::new(),
        };
        for entry in &entries {
            let value = self
                .fetch(&entry.id)?
                .ok_or_else(|| Error::NotStored(entry.id.clone()))?;
            plain.entries.push(PlainEntry {
                id: entry.id.clone(),
                env: entry.env.clone(),
                value: value.expose_secret().to_owned(),
            });
        }
        let kek = match key {
            Some(kek) => kek.clone(),
            None => self.keys.load()?,
        };
        let key_id = kek.id();
        // vox-clavis-lint: allow(secret-serialization) -- the plaintext is sealed on the next line; only ciphertext is written
        let text = Zeroizing::new(serde_json::to_vec(&plain).expect("a payload serializes"));
        let sealed = crypto::seal(&crypto::payload_key(kek.bytes()), &text, &aad(&key_id));
        let file = PayloadFile {
            format: PAYLOAD_FORMAT.to_owned(),
            version: PAYLOAD_VERSION,
            key_id: key_id.clone(),
            nonce: b64(&sealed.nonce),
            ciphertext: b64(&sealed.ciphertext),
        };
        let mut bytes = serde_json::to_vec_pretty(&file).expect("a payload serializes");
        bytes.push(b'\n');
        store::write_atomic(to, &bytes, &store::Faults::none())
            .map_err(|e| Error::io("write the payload", to, e))?;
        self.emit_after_write(
            "export the environment",
            AuditEvent::new(Action::ExportEnv, Outcome::Ok)
                .source("vault")
                .detail(format!(
                    "{} values to {} under key id {key_id}: {}",
                    entries.len(),
                    to.display(),
                    ids(&entries)
                )),
        )?;
        Ok(entries)
    }

    /// Opens the payload at `from` with `key` (or the vault's key) and stores every value in
    /// the vault, in one atomic write: a payload that fails to open changes nothing.
    pub fn import_env(&self, from: &Path, key: Option<&Kek>) -> Result<Vec<EnvEntry>, Error> {
        let text = std::fs::read(from).map_err(|e| Error::io("read the payload", from, e))?;
        let file: PayloadFile = serde_json::from_slice(&text)
            .map_err(|e| Error::format(from, format!("not an environment payload: {e}")))?;
        if file.format != PAYLOAD_FORMAT || file.version != PAYLOAD_VERSION {
            return Err(Error::format(
                from,
                "not a vox-clavis environment payload of a known version",
            ));
        }
        let kek = match key {
            Some(kek) => kek.clone(),
            None => self.keys.load()?,
        };
        if kek.id() != file.key_id {
            return Err(Error::Key {
                provider: self.keys.describe(),
                reason: format!(
                    "the payload `{}` is sealed for key id {}, not key id {}: use the key it \
                     was exported for",
                    from.display(),
                    file.key_id,
                    kek.id()
                ),
            });
        }
        let tampered = || Error::tampered(from, "the payload failed authentication");
        let nonce = unb64(&file.nonce).ok_or_else(tampered)?;
        let ciphertext = unb64(&file.ciphertext).ok_or_else(tampered)?;
        let text = crypto::open(
            &crypto::payload_key(kek.bytes()),
            &nonce,
            &ciphertext,
            &aad(&file.key_id),
        )
        .map_err(|_| tampered())?;
        let plain: Plain = serde_json::from_slice(&text).map_err(|_| tampered())?;
        for entry in &plain.entries {
            check_id(&entry.id)?;
        }
        self.mutate(|vault, derived| {
            for entry in &plain.entries {
                let version = vault.generation;
                let record = seal_record(&entry.id, version, entry.value.as_bytes(), &[derived]);
                vault.records.insert(entry.id.clone(), record);
            }
            Ok(())
        })?;
        let entries: Vec<EnvEntry> = plain
            .entries
            .iter()
            .map(|e| EnvEntry {
                id: e.id.clone(),
                env: e.env.clone(),
            })
            .collect();
        self.emit_after_write(
            "import the environment",
            AuditEvent::new(Action::ImportEnv, Outcome::Ok)
                .source("vault")
                .detail(format!(
                    "{} values from {}: {}",
                    entries.len(),
                    from.display(),
                    ids(&entries)
                )),
        )?;
        Ok(entries)
    }

    /// The ids stored, without an audit event (the caller records its own).
    fn list_quiet(&self) -> Result<Vec<String>, Error> {
        let derived = self.derived()?;
        Ok(self.load(&derived)?.records.into_keys().collect())
    }
}

fn ids(entries: &[EnvEntry]) -> String {
    entries
        .iter()
        .map(|e| e.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
