//! The vault's cryptography, and the only module that names a cipher.
//!
//! Envelope encryption: each record's value is sealed with its own random data key (AES-256-GCM,
//! random 96-bit nonce), and each data key is wrapped (AES-256-GCM again) by a key derived from the
//! key-encryption key (KEK). The associated data binds what a ciphertext belongs to, so a record
//! moved to another id, another version or another KEK slot fails to open. The manifest (which ids
//! exist at which versions, with a digest of each record) is authenticated with HMAC-SHA-256 under
//! a second key derived from the KEK, which is what catches a replayed or deleted record.
//!
//! Keeping every primitive here means a change of algorithm is one file and one format version.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Length of every key here (data keys, KEKs, derived keys): AES-256.
pub(crate) const KEY_LEN: usize = 32;
/// AES-GCM's standard nonce length; random nonces of this size are safe for far more
/// encryptions per key than a vault will ever make.
pub(crate) const NONCE_LEN: usize = 12;

/// A 256-bit key that is wiped from memory when dropped.
pub(crate) type KeyBytes = Zeroizing<[u8; KEY_LEN]>;

/// Why a cryptographic operation failed. Deliberately carries nothing else: the caller knows
/// which record and which key it was using and says so in its own error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unauthentic;

/// Fills a buffer from the operating system's random source.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    // The OS generator failing is unrecoverable and rare (early boot); never fall back to a
    // weaker source for key material.
    getrandom::fill(&mut out).expect("the operating system's random number generator failed");
    out
}

/// A fresh random 256-bit key.
pub(crate) fn random_key() -> KeyBytes {
    Zeroizing::new(random_bytes::<KEY_LEN>())
}

/// A sealed message: a random nonce and the ciphertext with its tag.
pub(crate) struct Sealed {
    pub nonce: [u8; NONCE_LEN],
    pub ciphertext: Vec<u8>,
}

/// Encrypts `plaintext` under `key` with a fresh random nonce, authenticating `aad`.
pub(crate) fn seal(key: &[u8; KEY_LEN], plaintext: &[u8], aad: &[u8]) -> Sealed {
    let cipher = Aes256Gcm::new_from_slice(key).expect("a 32-byte key is a valid AES-256 key");
    let nonce = random_bytes::<NONCE_LEN>();
    let ciphertext = cipher
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("AES-GCM encryption cannot fail for inputs of this size");
    Sealed { nonce, ciphertext }
}

/// Decrypts and authenticates; fails if the key, the nonce, the ciphertext or `aad` differ from
/// what was sealed. The plaintext is wiped when dropped.
pub(crate) fn open(
    key: &[u8; KEY_LEN],
    nonce: &[u8],
    ciphertext: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Unauthentic> {
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| Unauthentic)?;
    let cipher = Aes256Gcm::new_from_slice(key).expect("a 32-byte key is a valid AES-256 key");
    cipher
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| Unauthentic)
}

/// The keys derived from one KEK. Deriving separate keys keeps wrapping and manifest
/// authentication from ever using the same key for two purposes.
pub(crate) struct DerivedKeys {
    /// Wraps (encrypts) data keys.
    pub wrap: KeyBytes,
    /// Authenticates the manifest.
    pub mac: KeyBytes,
    /// A public, stable name for the KEK: which slot of a record a key opens.
    pub id: String,
}

/// Derives the wrapping key, the manifest key and the public key id from a KEK (HKDF-SHA-256
/// with distinct labels). The id reveals nothing usable about a 256-bit random key.
pub(crate) fn derive(kek: &[u8; KEY_LEN]) -> DerivedKeys {
    let hkdf = Hkdf::<Sha256>::new(Some(b"vox-clavis vault v1"), kek);
    let mut wrap = Zeroizing::new([0u8; KEY_LEN]);
    let mut mac = Zeroizing::new([0u8; KEY_LEN]);
    let mut id = [0u8; 8];
    hkdf.expand(b"data-key wrapping", wrap.as_mut())
        .expect("32 bytes is a valid HKDF-SHA-256 output length");
    hkdf.expand(b"manifest authentication", mac.as_mut())
        .expect("32 bytes is a valid HKDF-SHA-256 output length");
    hkdf.expand(b"key id", &mut id)
        .expect("8 bytes is a valid HKDF-SHA-256 output length");
    DerivedKeys {
        wrap,
        mac,
        id: hex(&id),
    }
}

/// The audit chain's MAC key from a KEK (HKDF-SHA-256 under its own salt, so it never equals
/// a vault key derived from the same KEK).
pub(crate) fn audit_key(kek: &[u8; KEY_LEN]) -> KeyBytes {
    let hkdf = Hkdf::<Sha256>::new(Some(b"vox-clavis audit v1"), kek);
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    hkdf.expand(b"audit chain mac", key.as_mut())
        .expect("32 bytes is a valid HKDF-SHA-256 output length");
    key
}

/// The key of an exported environment payload from a KEK (its own salt: a payload key never
/// equals a vault or audit key derived from the same KEK).
pub(crate) fn payload_key(kek: &[u8; KEY_LEN]) -> KeyBytes {
    let hkdf = Hkdf::<Sha256>::new(Some(b"vox-clavis env payload v1"), kek);
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    hkdf.expand(b"env payload encryption", key.as_mut())
        .expect("32 bytes is a valid HKDF-SHA-256 output length");
    key
}

/// HMAC-SHA-256 of `message` under `key`.
pub(crate) fn mac(key: &[u8; KEY_LEN], message: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Checks an HMAC-SHA-256 tag in constant time.
pub(crate) fn mac_verify(
    key: &[u8; KEY_LEN],
    message: &[u8],
    tag: &[u8],
) -> Result<(), Unauthentic> {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.verify_slice(tag).map_err(|_| Unauthentic)
}

/// SHA-256, as lowercase hex.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Lowercase hex encoding.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_binding() {
        let key = random_key();
        let sealed = seal(&key, b"value", b"aad");
        let opened = open(&key, &sealed.nonce, &sealed.ciphertext, b"aad").unwrap();
        assert_eq!(opened.as_slice(), b"value");
        assert!(open(&key, &sealed.nonce, &sealed.ciphertext, b"other").is_err());
        assert!(open(&random_key(), &sealed.nonce, &sealed.ciphertext, b"aad").is_err());
    }

    #[test]
    fn nonces_are_fresh() {
        let key = random_key();
        assert_ne!(seal(&key, b"v", b"").nonce, seal(&key, b"v", b"").nonce);
    }

    #[test]
    fn derived_keys_differ_and_are_stable() {
        let kek = random_key();
        let a = derive(&kek);
        let b = derive(&kek);
        assert_eq!(a.id, b.id);
        assert_eq!(a.id.len(), 16);
        assert_ne!(*a.wrap, *a.mac);
        assert_ne!(a.id, derive(&random_key()).id);
    }

    #[test]
    fn mac_verifies_only_its_message() {
        let key = random_key();
        let tag = mac(&key, b"m");
        assert!(mac_verify(&key, b"m", &tag).is_ok());
        assert!(mac_verify(&key, b"n", &tag).is_err());
    }
}
