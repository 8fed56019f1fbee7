//! The vault's KEK in the operating system's credential store (feature `keyring`).
//!
//! Built on keyring-core, the API crate of the keyring ecosystem: the program chooses the
//! platform store (macOS Keychain, Windows Credential Manager, the Linux kernel keyring or
//! Secret Service) and installs it with `keyring_core::set_default_store`, or hands it over
//! with [`KeyringKey::in_store`]. The key is stored as base64 text.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};
use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::key::{Kek, KeyProvider};
use crate::error::Error;

/// The KEK in a credential store entry (service and user name it).
pub struct KeyringKey {
    service: String,
    user: String,
    store: Option<Arc<CredentialStore>>,
}

impl std::fmt::Debug for KeyringKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyringKey")
            .field("service", &self.service)
            .field("user", &self.user)
            .finish()
    }
}

impl KeyringKey {
    /// The entry `service`/`user` in keyring-core's default store.
    pub fn new(service: impl Into<String>, user: impl Into<String>) -> Self {
        KeyringKey {
            service: service.into(),
            user: user.into(),
            store: None,
        }
    }

    /// The entry `service`/`user` in `store`.
    pub fn in_store(
        store: Arc<CredentialStore>,
        service: impl Into<String>,
        user: impl Into<String>,
    ) -> Self {
        KeyringKey {
            store: Some(store),
            ..KeyringKey::new(service, user)
        }
    }

    fn entry(&self) -> Result<Entry, Error> {
        match &self.store {
            Some(store) => Entry::new_in_store(store, &self.service, &self.user),
            None => Entry::new(&self.service, &self.user),
        }
        .map_err(|e| self.error(&e))
    }

    /// Describes a keyring error without formatting it: some variants carry the stored bytes.
    fn error(&self, error: &keyring_core::Error) -> Error {
        use keyring_core::Error as E;
        let reason = match error {
            E::NoEntry => "no key is stored in this entry".to_owned(),
            E::NoDefaultStore => {
                "no credential store is installed (keyring_core::set_default_store)".to_owned()
            }
            E::NoStorageAccess(_) => "the credential store is locked or not accessible".to_owned(),
            E::PlatformFailure(_) => "the credential store failed".to_owned(),
            E::BadEncoding(_) | E::BadDataFormat(..) => "the stored key is not text".to_owned(),
            _ => "the credential store refused the request".to_owned(),
        };
        Error::Key {
            provider: self.describe(),
            reason,
        }
    }
}

impl KeyProvider for KeyringKey {
    fn describe(&self) -> String {
        format!("keyring entry {}/{}", self.service, self.user)
    }

    fn load(&self) -> Result<Kek, Error> {
        let text = Zeroizing::new(self.entry()?.get_password().map_err(|e| self.error(&e))?);
        Kek::from_base64(&text).map_err(|reason| Error::Key {
            provider: self.describe(),
            reason,
        })
    }

    fn can_store(&self) -> bool {
        true
    }

    fn store(&self, kek: &Kek) -> Result<(), Error> {
        let encoded = kek.to_base64();
        self.entry()?
            .set_password(encoded.expose_secret())
            .map_err(|e| self.error(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_and_loads_through_a_credential_store() {
        let store: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
        let provider = KeyringKey::in_store(store.clone(), "vox-clavis", "vault");
        let err = provider.load().unwrap_err();
        assert!(err.to_string().contains("no key is stored"), "{err}");
        let kek = Kek::generate();
        provider.store(&kek).unwrap();
        let again = KeyringKey::in_store(store.clone(), "vox-clavis", "vault");
        assert_eq!(again.load().unwrap().id(), kek.id());

        // A vault whose KEK lives there; rotation installs the new key in the entry.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.json");
        let vault = crate::Vault::create(&path, again).unwrap();
        vault
            .put("OpenAiApiKey", &secrecy::SecretString::from("value"))
            .unwrap();
        let new = Kek::generate();
        vault.rotate_kek(new.clone()).unwrap();
        assert_eq!(provider.load().unwrap().id(), new.id());
        let reopened =
            crate::Vault::open(&path, KeyringKey::in_store(store, "vox-clavis", "vault"));
        assert_eq!(reopened.unwrap().verify().unwrap().records, 1);
    }
}
