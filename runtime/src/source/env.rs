//! Reading environment variables: the one sanctioned place a program reads a secret from its
//! environment.
//!
//! The resolver reads through the [`Environment`] trait rather than `std::env` directly, so tests
//! (and programs that receive their configuration another way) can hand it a map instead of
//! mutating the process environment, which is `unsafe` in edition 2024.

use std::collections::HashMap;
use std::ffi::OsString;

/// A set of environment variables.
pub trait Environment: Send + Sync {
    /// The variable's value, if set.
    fn var(&self, name: &str) -> Option<OsString>;
}

/// The process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Environment for ProcessEnv {
    fn var(&self, name: &str) -> Option<OsString> {
        std::env::var_os(name)
    }
}

/// A fixed set of variables, for tests and for configuration that does not come from the
/// process environment. Its `Debug` lists the names only.
#[derive(Clone, Default)]
pub struct MapEnv(HashMap<String, OsString>);

impl MapEnv {
    /// An empty environment.
    pub fn new() -> Self {
        MapEnv::default()
    }

    /// Sets a variable.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<OsString>) -> &mut Self {
        self.0.insert(name.into(), value.into());
        self
    }
}

impl<const N: usize, K: Into<String>, V: Into<OsString>> From<[(K, V); N]> for MapEnv {
    fn from(vars: [(K, V); N]) -> Self {
        MapEnv(
            vars.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl std::fmt::Debug for MapEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&str> = self.0.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_tuple("MapEnv").field(&names).finish()
    }
}

impl Environment for MapEnv {
    fn var(&self, name: &str) -> Option<OsString> {
        self.0.get(name).cloned()
    }
}
