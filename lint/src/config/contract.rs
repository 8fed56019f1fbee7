//! JSON secret contracts pulled in by `[inventory] include`, such as Vox's
//! `contracts/secrets/managed-env-names.v1.json`:
//!
//! ```json
//! {"secrets": [{"id": "OpenAiApiKey", "canonical_env": "OPENAI_API_KEY",
//!               "aliases": ["OPENAI_KEY"], "deprecated_aliases": [],
//!               "sensitive": true, "description": "OpenAI API key"}]}
//! ```
//!
//! Keys other than these are ignored (generators add their own); `aliases`,
//! `deprecated_aliases` and `description` are optional, `sensitive` defaults to true.

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use super::SecretSpec;

#[derive(Debug, Deserialize)]
struct Contract {
    secrets: Vec<ContractSecret>,
}

#[derive(Debug, Deserialize)]
struct ContractSecret {
    id: String,
    canonical_env: String,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    deprecated_aliases: Option<Vec<String>>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    sensitive: Option<bool>,
}

/// Why a contract could not be read.
#[derive(Debug)]
pub enum ContractError {
    Io(std::io::Error),
    Json(serde_json::Error),
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContractError::Io(e) => e.fmt(f),
            // serde_json's message ends with "at line L column C".
            ContractError::Json(e) => e.fmt(f),
        }
    }
}

/// Reads the contract at `path`; every spec gets `origin` as its origin.
pub fn read_contract(path: &Path, origin: &str) -> Result<Vec<SecretSpec>, ContractError> {
    let bytes = std::fs::read(path).map_err(ContractError::Io)?;
    parse_contract(&bytes, origin).map_err(ContractError::Json)
}

/// Parses contract JSON text.
pub fn parse_contract(json: &[u8], origin: &str) -> Result<Vec<SecretSpec>, serde_json::Error> {
    let contract: Contract = serde_json::from_slice(json)?;
    Ok(contract
        .secrets
        .into_iter()
        .map(|s| SecretSpec {
            id: s.id,
            env: s.canonical_env,
            aliases: s.aliases.unwrap_or_default(),
            deprecated: s.deprecated_aliases.unwrap_or_default(),
            description: s.description,
            sensitive: s.sensitive.unwrap_or(true),
            origin: origin.to_owned(),
            declared_in: None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_keys_default_and_extra_keys_are_ignored() {
        let json = br#"{"schema": "x", "secrets": [
            {"id": "A", "canonical_env": "A_TOKEN", "class": "Integration"},
            {"id": "B", "canonical_env": "B_KEY", "aliases": ["B_K"], "deprecated_aliases": null,
             "sensitive": false, "description": "b"}
        ]}"#;
        let specs = parse_contract(json, "c.json").unwrap();
        assert_eq!(specs.len(), 2);
        assert!(specs[0].aliases.is_empty() && specs[0].deprecated.is_empty());
        assert!(specs[0].sensitive);
        assert_eq!(specs[0].origin, "c.json");
        assert_eq!(specs[1].aliases, ["B_K"]);
        assert!(!specs[1].sensitive);
        assert_eq!(specs[1].description.as_deref(), Some("b"));
    }

    #[test]
    fn missing_required_key_reports_line_and_column() {
        let err = parse_contract(b"{\"secrets\": [\n  {\"id\": \"A\"}\n]}", "c.json").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("canonical_env"), "{msg}");
        assert!(msg.contains("line 2"), "{msg}");
    }
}
