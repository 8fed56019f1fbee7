//! The secret inventory: every known secret with its canonical name, aliases and deprecations.

use std::collections::HashMap;

/// How a name relates to the secret it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    Canonical,
    Alias,
    Deprecated,
}

impl NameKind {
    pub fn describe(self) -> &'static str {
        match self {
            NameKind::Canonical => "canonical name",
            NameKind::Alias => "alias",
            NameKind::Deprecated => "deprecated alias",
        }
    }
}

/// One inventory entry, from the TOML config or an included JSON contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretSpec {
    pub id: String,
    pub env: String,
    pub aliases: Vec<String>,
    pub deprecated: Vec<String>,
    pub description: Option<String>,
    /// False for managed configuration that is not a credential.
    pub sensitive: bool,
    /// Where the entry was declared, for messages (`vox-clavis-lint.toml`, a JSON file).
    pub origin: String,
    /// The enum deriving `SecretInventory` that declares the entry: its file (as reports
    /// print it) and its name. `None` for entries of the TOML config or a contract.
    pub declared_in: Option<(String, String)>,
}

impl SecretSpec {
    /// Every name of this secret with its kind, canonical first.
    pub fn names(&self) -> impl Iterator<Item = (&str, NameKind)> {
        std::iter::once((self.env.as_str(), NameKind::Canonical))
            .chain(self.aliases.iter().map(|a| (a.as_str(), NameKind::Alias)))
            .chain(
                self.deprecated
                    .iter()
                    .map(|a| (a.as_str(), NameKind::Deprecated)),
            )
    }
}

/// A name claimed by two entries; the first keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameConflict {
    pub name: String,
    pub first: usize,
    pub second: usize,
}

/// The specs plus an index from every name to its spec.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    specs: Vec<SecretSpec>,
    by_name: HashMap<String, (usize, NameKind)>,
}

impl Inventory {
    /// Indexes `specs`; names claimed twice are returned as conflicts (the first claim wins).
    pub fn new(specs: Vec<SecretSpec>) -> (Self, Vec<NameConflict>) {
        let mut by_name = HashMap::new();
        let mut conflicts = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            for (name, kind) in spec.names() {
                match by_name.get(name) {
                    Some(&(first, _)) => conflicts.push(NameConflict {
                        name: name.to_owned(),
                        first,
                        second: i,
                    }),
                    None => {
                        by_name.insert(name.to_owned(), (i, kind));
                    }
                }
            }
        }
        (Inventory { specs, by_name }, conflicts)
    }

    pub fn lookup(&self, name: &str) -> Option<(&SecretSpec, NameKind)> {
        self.by_name
            .get(name)
            .map(|&(i, kind)| (&self.specs[i], kind))
    }

    pub fn specs(&self) -> &[SecretSpec] {
        &self.specs
    }

    pub fn len(&self) -> usize {
        self.specs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }
}
