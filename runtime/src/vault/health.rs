//! What an operator asks of a vault's key beyond reading records: which key it is, whether the
//! cipher works on this machine, and moving the key itself (export for a backup, import on a
//! new machine). Kept apart from the record operations because each of these touches the KEK.

use std::path::Path;

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::{Kek, Vault, crypto, format, parse, store};
use crate::audit::{Action, AuditEvent, Outcome};
use crate::error::Error;

/// Which key a vault's provider gives, by its public id: never the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyIdentity {
    /// The key's public id, as the vault file and errors name it.
    pub key_id: String,
    /// Where it comes from (`key file /etc/vox/kek`).
    pub provider: String,
    /// Whether the provider can store a new key (a one-step rotation) or needs two phases.
    pub can_store: bool,
}

impl Vault {
    /// Loads the key from the provider (proving it reachable) and names it.
    pub fn key_identity(&self) -> Result<KeyIdentity, Error> {
        let kek = self.keys.load()?;
        Ok(KeyIdentity {
            key_id: kek.id(),
            provider: self.keys.describe(),
            can_store: self.keys.can_store(),
        })
    }

    /// Seals a random value under a random data key wrapped by the provider's key, and opens it
    /// again, in memory: the cipher and the key work here, whatever the file holds.
    pub fn self_test(&self) -> Result<(), Error> {
        let derived = self.derived()?;
        let probe = Zeroizing::new(format::b64(&crypto::random_bytes::<32>()));
        let record = super::seal_record("vox-clavis-self-test", 1, probe.as_bytes(), &[&derived]);
        let opened = self.open_record("vox-clavis-self-test", &record, &derived)?;
        if opened.expose_secret() != probe.as_str() {
            return Err(Error::format(
                &self.path,
                "the encryption self-test did not give back what it sealed",
            ));
        }
        Ok(())
    }

    /// Writes the provider's key to `to` (base64, mode 0600), after checking that it opens the
    /// vault. Refuses to overwrite an existing file.
    pub fn export_kek(&self, to: &Path) -> Result<KeyIdentity, Error> {
        let kek = self.kek_that_opens()?;
        if to.exists() {
            return Err(Error::io(
                "export the key to",
                to,
                std::io::ErrorKind::AlreadyExists.into(),
            ));
        }
        let mut text = Zeroizing::new(kek.to_base64().expose_secret().to_owned());
        text.push('\n');
        store::write_atomic(to, text.as_bytes(), &store::Faults::none())
            .map_err(|e| Error::io("write the exported key", to, e))?;
        self.emit_after_write(
            "export the key",
            AuditEvent::new(Action::ExportKek, Outcome::Ok)
                .source("vault")
                .detail(format!("key id {} to {}", kek.id(), to.display())),
        )?;
        self.key_identity()
    }

    /// The provider's key, for an operator who consented to see it (standard output), after
    /// checking that it opens the vault; the export is audited before the key is handed out.
    pub fn export_kek_in_clear(&self) -> Result<Kek, Error> {
        let kek = self.kek_that_opens()?;
        self.emit(
            AuditEvent::new(Action::ExportKek, Outcome::Ok)
                .source("vault")
                .detail(format!("key id {} to standard output", kek.id())),
        )?;
        Ok(kek)
    }

    /// Installs `kek` with the provider, after checking that it opens the vault as it is
    /// (nothing is written otherwise): a vault and its key exported from another machine.
    pub fn import_kek(&self, kek: &Kek) -> Result<KeyIdentity, Error> {
        let _lock = self.lock()?;
        let derived = crypto::derive(kek.bytes());
        let file = parse(&self.path, &self.read_bytes()?)?;
        self.check(&file, &derived).map_err(|e| match e {
            Error::WrongKey { sealed_with, .. } => Error::Key {
                provider: self.keys.describe(),
                reason: format!(
                    "the imported key (key id {}) does not open the vault `{}`, sealed with key \
                     id {}: nothing was installed",
                    derived.id,
                    self.path.display(),
                    sealed_with.join(" and ")
                ),
            },
            other => other,
        })?;
        if !self.keys.can_store() {
            return Err(Error::Key {
                provider: self.keys.describe(),
                reason: "this provider cannot store a key: install it where the provider reads \
                         it (the CI secret)"
                    .to_owned(),
            });
        }
        self.keys.store(kek)?;
        self.emit_after_write(
            "import the key",
            AuditEvent::new(Action::ImportKek, Outcome::Ok)
                .source("vault")
                .detail(format!("key id {}", derived.id)),
        )?;
        self.key_identity()
    }

    /// The provider's key, checked against the vault file.
    fn kek_that_opens(&self) -> Result<Kek, Error> {
        let kek = self.keys.load()?;
        let derived = crypto::derive(kek.bytes());
        self.load(&derived)?;
        Ok(kek)
    }
}
