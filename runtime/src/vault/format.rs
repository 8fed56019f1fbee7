//! The vault file's layout and the exact bytes that are authenticated.
//!
//! The file is JSON so an operator can see what it holds (ids, versions, key ids) without being
//! able to read a value. Nothing in it is plaintext: values and data keys are ciphertext, and the
//! rest is covered by the manifest's MAC or bound as associated data.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::crypto::sha256_hex;

/// The `format` field of a vault file.
pub(crate) const FORMAT: &str = "vox-clavis-vault";
/// The `format` field of a snapshot file.
pub(crate) const SNAPSHOT_FORMAT: &str = "vox-clavis-vault-snapshot";
/// The layout version this code reads and writes.
pub(crate) const VERSION: u32 = 1;

/// The whole vault file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VaultFile {
    pub format: String,
    pub version: u32,
    /// Incremented by every write; record versions are taken from it, so a version is never
    /// reused, even after a delete.
    pub generation: u64,
    /// By id.
    pub records: BTreeMap<String, Record>,
    /// The manifest's MAC under each KEK the vault is sealed with, by key id (two during a
    /// rotation).
    pub seals: BTreeMap<String, String>,
    /// Restored in staged mode: reads are refused until the restore is completed. Absent (and
    /// so readable by older builds' files) unless set.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub staged: bool,
}

/// One secret, sealed with its own data key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Record {
    pub version: u64,
    /// Base64 nonce of the value's encryption.
    pub nonce: String,
    /// Base64 ciphertext and tag of the value.
    pub ciphertext: String,
    /// The data key wrapped under each KEK, by key id.
    pub keys: BTreeMap<String, WrappedKey>,
}

/// A data key wrapped under one KEK.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WrappedKey {
    pub nonce: String,
    pub key: String,
}

/// A snapshot: the vault file's exact bytes and their SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SnapshotFile {
    pub format: String,
    pub version: u32,
    pub sha256: String,
    pub vault: String,
    /// Which key opens it (informational: the embedded vault's seals are what is checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyReference>,
}

/// The key-reference metadata of a snapshot: the key's public id and where it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KeyReference {
    pub key_id: String,
    pub provider: String,
}

impl VaultFile {
    pub fn empty() -> Self {
        VaultFile {
            format: FORMAT.to_owned(),
            version: VERSION,
            generation: 0,
            records: BTreeMap::new(),
            seals: BTreeMap::new(),
            staged: false,
        }
    }

    /// The bytes the seals authenticate: the generation, the KEKs, and every record's id,
    /// version and ciphertext digest. A record swapped, replayed, removed or added changes them.
    pub fn manifest(&self) -> Vec<u8> {
        let mut out = format!(
            "vox-clavis vault manifest v{VERSION}\ngeneration {}\nkeys {}\n",
            self.generation,
            self.seals.keys().cloned().collect::<Vec<_>>().join(",")
        );
        // Only when set, so the manifests of existing vaults are unchanged.
        if self.staged {
            out.push_str("staged\n");
        }
        for (id, record) in &self.records {
            out.push_str(&format!(
                "record {id} {} {}\n",
                record.version,
                sha256_hex(format!("{}.{}", record.nonce, record.ciphertext).as_bytes())
            ));
        }
        out.into_bytes()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("the vault serializes");
        bytes.push(b'\n');
        bytes
    }
}

/// The associated data of a value: its id and version.
pub(crate) fn value_aad(id: &str, version: u64) -> Vec<u8> {
    let mut aad = b"vox-clavis v1 value\0".to_vec();
    aad.extend_from_slice(id.as_bytes());
    aad.push(0);
    aad.extend_from_slice(&version.to_be_bytes());
    aad
}

/// The associated data of a wrapped data key: its record's id and version, and the KEK's id.
pub(crate) fn key_aad(id: &str, version: u64, kek_id: &str) -> Vec<u8> {
    let mut aad = b"vox-clavis v1 data key\0".to_vec();
    aad.extend_from_slice(id.as_bytes());
    aad.push(0);
    aad.extend_from_slice(&version.to_be_bytes());
    aad.push(0);
    aad.extend_from_slice(kek_id.as_bytes());
    aad
}

/// Checks a vault id: short, printable, and free of the manifest's separators.
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.:".contains(&b))
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

pub(crate) fn unb64(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok()
}
