//! The resolver's optional cache of values from its sources.
//!
//! Without it every resolve re-reads and decrypts the vault file and asks the key provider
//! again (with `KeyringKey`, one OS keyring access per read): right at start-up, too slow per
//! request. With it, a value fetched from the vault or a custom source is reused until its
//! time to live runs out. The environment is never cached: it comes first in precedence and is
//! cheap to read.
//!
//! The cache is off unless the program asks for it (`ResolverBuilder::cache`), under every
//! profile: a cached value outlives a rotation or a revocation by up to its TTL, and keeps a
//! copy of the value in memory for as long, so it is a choice to make, not a default. Values
//! are `SecretString`s, wiped when an entry expires, is cleared or the resolver is dropped.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};

use crate::secret::Source;

/// Values by secret id, each with where it came from and when.
pub(crate) struct Cache {
    ttl: Duration,
    entries: Mutex<HashMap<&'static str, Entry>>,
}

struct Entry {
    source: Source,
    value: SecretString,
    stored: Instant,
}

impl Cache {
    pub fn new(ttl: Duration) -> Self {
        Cache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// A copy of the cached value of `id`, if it is younger than the TTL. An expired entry is
    /// dropped (and wiped) on the way.
    pub fn get(&self, id: &'static str) -> Option<(Source, SecretString)> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(id) {
            Some(entry) if entry.stored.elapsed() < self.ttl => Some((
                entry.source,
                SecretString::from(entry.value.expose_secret()),
            )),
            Some(_) => {
                entries.remove(id);
                None
            }
            None => None,
        }
    }

    pub fn put(&self, id: &'static str, source: Source, value: &SecretString) {
        let entry = Entry {
            source,
            value: SecretString::from(value.expose_secret()),
            stored: Instant::now(),
        };
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, entry);
    }

    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }
}
