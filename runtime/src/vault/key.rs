//! Key-encryption keys and where they come from.
//!
//! The KEK never touches the vault file: it comes from a [`KeyProvider`] each time the vault is
//! used (an environment variable for CI, a 0600 key file on a workstation, the OS keyring with
//! the `keyring` feature, or memory), so the file alone is useless to whoever copies it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::crypto::{self, KEY_LEN, KeyBytes};
use super::store;
use crate::error::Error;

/// The environment variable [`EnvKey::default`] reads.
pub const DEFAULT_KEK_VAR: &str = "VOX_CLAVIS_KEK";

/// A 256-bit key-encryption key. Wiped on drop; its `Debug` shows the public key id only.
#[derive(Clone)]
pub struct Kek(KeyBytes);

impl Kek {
    /// A fresh random key.
    pub fn generate() -> Self {
        Kek(crypto::random_key())
    }

    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Kek(Zeroizing::new(bytes))
    }

    /// A key from its base64 text (44 characters, as [`Kek::to_base64`] writes it).
    pub fn from_base64(text: &str) -> Result<Self, String> {
        let bytes = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|_| "the key is not valid base64".to_owned())?,
        );
        let bytes: [u8; KEY_LEN] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| format!("the key must be {KEY_LEN} bytes, base64-encoded"))?;
        Ok(Kek::from_bytes(bytes))
    }

    /// The key as base64, to hand to the place that will provide it (a CI secret, a key file).
    pub fn to_base64(&self) -> SecretString {
        SecretString::from(STANDARD.encode(self.0.as_slice()))
    }

    /// The key's public id: names it in the vault and in errors without revealing it.
    pub fn id(&self) -> String {
        crypto::derive(&self.0).id
    }

    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kek").field("id", &self.id()).finish()
    }
}

/// Where the vault's key-encryption key comes from.
pub trait KeyProvider: Send + Sync {
    /// Names the provider in errors: `environment variable VOX_CLAVIS_KEK`, `key file /path`.
    fn describe(&self) -> String;

    /// The current key.
    fn load(&self) -> Result<Kek, Error>;

    /// Whether [`KeyProvider::store`] can keep a new key (a rotation then installs it).
    fn can_store(&self) -> bool {
        false
    }

    /// Replaces the key, durably: after it returns, `load` gives the new key, also in other
    /// processes and after a crash.
    fn store(&self, _kek: &Kek) -> Result<(), Error> {
        Err(Error::Key {
            provider: self.describe(),
            reason: "this provider cannot store a new key; install it yourself".to_owned(),
        })
    }

    /// Removes what a `store` killed half-way left behind (a key file's temporary copy, which
    /// holds a valid key). The vault calls it with its writers' lock held, when it opens and
    /// before each write, so no live `store` of a rotation is running.
    fn recover(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// The key from an environment variable holding its base64 (for CI, where the key is a
/// masked pipeline secret). Read-only: after a rotation, install the new key there.
#[derive(Debug, Clone)]
pub struct EnvKey {
    name: String,
}

impl EnvKey {
    /// Reads the key from the variable `name`.
    pub fn new(name: impl Into<String>) -> Self {
        EnvKey { name: name.into() }
    }
}

impl Default for EnvKey {
    /// Reads the key from `VOX_CLAVIS_KEK`.
    fn default() -> Self {
        EnvKey::new(DEFAULT_KEK_VAR)
    }
}

impl KeyProvider for EnvKey {
    fn describe(&self) -> String {
        format!("environment variable {}", self.name)
    }

    fn load(&self) -> Result<Kek, Error> {
        let error = |reason: String| Error::Key {
            provider: self.describe(),
            reason,
        };
        let value = std::env::var_os(&self.name).ok_or_else(|| error("it is not set".into()))?;
        let text = Zeroizing::new(
            value
                .into_string()
                .map_err(|_| error("it is not valid UTF-8".into()))?,
        );
        Kek::from_base64(&text).map_err(error)
    }
}

/// The key in a file holding its base64, readable by its owner only (mode 0600, checked on
/// every load on Unix).
#[derive(Clone)]
pub struct KeyFile {
    path: PathBuf,
    faults: store::Faults,
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyFile").field("path", &self.path).finish()
    }
}

impl KeyFile {
    /// Uses the key file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        KeyFile {
            path: path.into(),
            faults: store::Faults::none(),
        }
    }

    /// Calls `hook` at each [`super::FaultPoint`] of writing the key file; an error aborts
    /// the write there. For tests only.
    #[cfg(feature = "fault-injection")]
    pub fn with_fault_hook(
        mut self,
        hook: impl Fn(super::FaultPoint) -> std::io::Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.faults.hook = Some(std::sync::Arc::new(hook));
        self
    }

    /// Creates the key file at `path` with a fresh key, mode 0600. Fails if it exists.
    pub fn create(path: impl Into<PathBuf>) -> Result<Self, Error> {
        let file = KeyFile::new(path);
        if file.path.exists() {
            return Err(Error::io(
                "create the key file",
                &file.path,
                std::io::ErrorKind::AlreadyExists.into(),
            ));
        }
        file.store(&Kek::generate())?;
        Ok(file)
    }

    /// The key file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl KeyProvider for KeyFile {
    fn describe(&self) -> String {
        format!("key file {}", self.path.display())
    }

    fn load(&self) -> Result<Kek, Error> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(&self.path)
                .map_err(|e| Error::io("read the key file", &self.path, e))?;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(Error::KeyFilePermissions {
                    path: self.path.clone(),
                    mode,
                });
            }
        }
        let text = Zeroizing::new(
            std::fs::read_to_string(&self.path)
                .map_err(|e| Error::io("read the key file", &self.path, e))?,
        );
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
        let mut text = Zeroizing::new(encoded.expose_secret().to_owned());
        text.push('\n');
        store::write_atomic(&self.path, text.as_bytes(), &self.faults)
            .map_err(|e| Error::io("write the key file", &self.path, e))
    }

    fn recover(&self) -> Result<(), Error> {
        store::remove_stale_temps(&self.path)
            .map_err(|e| Error::io("remove a stale temporary key file beside", &self.path, e))
    }
}

/// A key held in memory: for tests, and for programs that obtain the key some other way.
/// `store` replaces it.
#[derive(Debug)]
pub struct StaticKey(Mutex<Kek>);

impl StaticKey {
    /// Provides `kek`.
    pub fn new(kek: Kek) -> Self {
        StaticKey(Mutex::new(kek))
    }
}

impl KeyProvider for StaticKey {
    fn describe(&self) -> String {
        "in-memory key".to_owned()
    }

    fn load(&self) -> Result<Kek, Error> {
        Ok(self.0.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }

    fn can_store(&self) -> bool {
        true
    }

    fn store(&self, kek: &Kek) -> Result<(), Error> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = kek.clone();
        Ok(())
    }
}

impl<P: KeyProvider + ?Sized> KeyProvider for std::sync::Arc<P> {
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn load(&self) -> Result<Kek, Error> {
        (**self).load()
    }
    fn can_store(&self) -> bool {
        (**self).can_store()
    }
    fn store(&self, kek: &Kek) -> Result<(), Error> {
        (**self).store(kek)
    }
    fn recover(&self) -> Result<(), Error> {
        (**self).recover()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip_and_errors() {
        let kek = Kek::generate();
        let back = Kek::from_base64(kek.to_base64().expose_secret()).unwrap();
        assert_eq!(kek.id(), back.id());
        assert!(Kek::from_base64("not base64!").is_err());
        assert!(Kek::from_base64(&STANDARD.encode([0u8; 16])).is_err());
    }

    #[test]
    fn debug_shows_only_the_id() {
        let kek = Kek::generate();
        let debug = format!("{kek:?}");
        assert!(debug.contains(&kek.id()));
        assert!(!debug.contains(kek.to_base64().expose_secret()));
    }

    #[cfg(unix)]
    #[test]
    fn key_file_is_created_0600_and_refused_when_readable_by_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kek");
        let file = KeyFile::create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let kek = file.load().unwrap();
        assert!(
            KeyFile::create(&path).is_err(),
            "create never overwrites a key"
        );

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = file.load().unwrap_err();
        assert!(
            matches!(err, Error::KeyFilePermissions { mode: 0o644, .. }),
            "{err}"
        );
        assert!(!err.to_string().contains(kek.to_base64().expose_secret()));
    }
}
