//! Reads the inventory the linter reads, so one file serves both tools: `[[secret]]` tables and
//! `[inventory] include` JSON contracts in a `vox-clavis-lint.toml` (or under
//! `[workspace.metadata.vox-clavis-lint]` / `[package.metadata.vox-clavis-lint]` of a
//! `Cargo.toml`), or a JSON contract on its own. Its own small reader: the runtime does not
//! depend on the linter. Like the linter, the first declaration of an id or a name wins, and a
//! later claim is a warning (`doctor` shows them), never a silent merge.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::spec::SecretSpec;

/// The inventory file the linter finds by default in the working directory.
pub(crate) const DEFAULT_FILE: &str = "vox-clavis-lint.toml";

/// A loaded inventory. Specs live for the whole process (the resolver takes `'static` ones).
#[derive(Debug)]
pub(crate) struct Loaded {
    pub specs: &'static [SecretSpec],
    /// Where it came from: a path, or `compiled in`.
    pub origin: String,
    /// Ids and names declared twice (the first declaration kept them).
    pub warnings: Vec<String>,
}

/// A `[[secret]]` table, as the linter reads it. The linter rejects unknown keys there, so
/// `required` (the runtime's own) is read from contracts only, whose extra keys it ignores.
#[derive(Debug, Deserialize)]
struct TomlSecret {
    id: String,
    env: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    deprecated: Vec<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    sensitive: Option<bool>,
}

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
    #[serde(default)]
    required: Option<bool>,
}

/// One declaration before it is made `'static`.
struct Declared {
    id: String,
    env: String,
    aliases: Vec<String>,
    deprecated: Vec<String>,
    description: String,
    sensitive: bool,
    required: bool,
}

/// Loads `path`, else the compiled-in specs, else ./vox-clavis-lint.toml if present.
pub(crate) fn load(
    path: Option<&Path>,
    compiled: Option<&'static [SecretSpec]>,
) -> Result<Option<Loaded>, String> {
    let path = match (path, compiled) {
        (Some(path), _) => path.to_owned(),
        (None, Some(specs)) => {
            return Ok(Some(Loaded {
                specs,
                origin: "compiled in".to_owned(),
                warnings: Vec::new(),
            }));
        }
        (None, None) if Path::new(DEFAULT_FILE).exists() => PathBuf::from(DEFAULT_FILE),
        (None, None) => return Ok(None),
    };
    let declared = read_file(&path)?;
    let (specs, warnings) = dedupe(declared);
    Ok(Some(Loaded {
        specs: Box::leak(specs.into_boxed_slice()),
        origin: path.display().to_string(),
        warnings,
    }))
}

fn read_file(path: &Path) -> Result<Vec<Declared>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the inventory `{}`: {e}", path.display()))?;
    if path.extension().is_some_and(|e| e == "json") {
        return parse_contract(&text)
            .map_err(|e| format!("the contract `{}` is not valid: {e}", path.display()));
    }
    let table: toml::Table = toml::from_str(&text)
        .map_err(|e| format!("the inventory `{}` is not valid TOML: {e}", path.display()))?;
    let config = if path.file_name().is_some_and(|n| n == "Cargo.toml") {
        ["workspace", "package"]
            .iter()
            .find_map(|key| {
                table
                    .get(*key)?
                    .get("metadata")?
                    .get("vox-clavis-lint")
                    .cloned()
            })
            .and_then(|v| v.as_table().cloned())
            .unwrap_or_default()
    } else {
        table
    };
    let mut declared = Vec::new();
    if let Some(secrets) = config.get("secret") {
        let secrets: Vec<TomlSecret> = secrets
            .clone()
            .try_into()
            .map_err(|e| format!("`[[secret]]` in `{}`: {e}", path.display()))?;
        declared.extend(secrets.into_iter().map(|s| Declared {
            id: s.id,
            env: s.env,
            aliases: s.aliases,
            deprecated: s.deprecated,
            description: s.description.unwrap_or_default(),
            sensitive: s.sensitive.unwrap_or(true),
            required: false,
        }));
    }
    let includes = config
        .get("inventory")
        .and_then(|i| i.get("include"))
        .and_then(|i| i.as_array())
        .cloned()
        .unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new("."));
    for include in includes {
        let include = include
            .as_str()
            .ok_or_else(|| format!("`[inventory] include` in `{}`: not a path", path.display()))?;
        let contract = dir.join(include);
        let text = std::fs::read_to_string(&contract).map_err(|e| {
            format!(
                "cannot read the contract `{include}` included by `{}`: {e}",
                path.display()
            )
        })?;
        declared.extend(parse_contract(&text).map_err(|e| {
            format!(
                "the contract `{include}` included by `{}` is not valid: {e}",
                path.display()
            )
        })?);
    }
    Ok(declared)
}

fn parse_contract(text: &str) -> Result<Vec<Declared>, serde_json::Error> {
    let contract: Contract = serde_json::from_str(text)?;
    Ok(contract
        .secrets
        .into_iter()
        .map(|s| Declared {
            id: s.id,
            env: s.canonical_env,
            aliases: s.aliases.unwrap_or_default(),
            deprecated: s.deprecated_aliases.unwrap_or_default(),
            description: s.description.unwrap_or_default(),
            sensitive: s.sensitive.unwrap_or(true),
            required: s.required.unwrap_or(false),
        })
        .collect())
}

/// Keeps the first declaration of each id and of each name; warns about the others. A later
/// secret whose canonical name is taken keeps it (a spec needs one) but the warning says so.
fn dedupe(declared: Vec<Declared>) -> (Vec<SecretSpec>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut ids: HashMap<String, ()> = HashMap::new();
    let mut owners: HashMap<String, String> = HashMap::new();
    let mut specs = Vec::new();
    for mut d in declared {
        if ids.insert(d.id.clone(), ()).is_some() {
            warnings.push(format!(
                "secret `{}` is declared twice: the first declaration is used",
                d.id
            ));
            continue;
        }
        if let Some(owner) = owners.get(&d.env) {
            warnings.push(format!(
                "`{}` is the canonical name of both `{owner}` and `{}`: `status` shows both, \
                 the resolver reads the same variable for each",
                d.env, d.id
            ));
        } else {
            owners.insert(d.env.clone(), d.id.clone());
        }
        for list in [&mut d.aliases, &mut d.deprecated] {
            list.retain(|name| match owners.get(name) {
                Some(owner) => {
                    warnings.push(format!(
                        "`{name}` is claimed by `{owner}` and `{}`: it stays with `{owner}`",
                        d.id
                    ));
                    false
                }
                None => {
                    owners.insert(name.clone(), d.id.clone());
                    true
                }
            });
        }
        specs.push(SecretSpec {
            id: leak(d.id),
            env: leak(d.env),
            aliases: leak_all(d.aliases),
            deprecated: leak_all(d.deprecated),
            sensitive: d.sensitive,
            required: d.required,
            description: leak(d.description),
        });
    }
    (specs, warnings)
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn leak_all(names: Vec<String>) -> &'static [&'static str] {
    Box::leak(
        names
            .into_iter()
            .map(leak)
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_contract_loads_with_its_duplicate_name_reported() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data/vox-managed-env-names.v1.json");
        if !path.exists() {
            return; // shared/ is beside the repository in CI and on developer machines
        }
        let loaded = load(Some(&path), None).unwrap().unwrap();
        assert_eq!(loaded.specs.len(), 488);
        assert!(
            loaded
                .warnings
                .iter()
                .any(|w| w.contains("VOX_SYNDICATION_TEMPLATE_PROFILE")),
            "{:?}",
            loaded.warnings
        );
    }

    #[test]
    fn toml_tables_come_first_and_keep_their_names() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("c.json"),
            r#"{"secrets": [{"id": "B", "canonical_env": "B_KEY", "aliases": ["A_OLD"],
                "required": true}, {"id": "A", "canonical_env": "OTHER"}]}"#,
        )
        .unwrap();
        let toml = dir.path().join("vox-clavis-lint.toml");
        std::fs::write(
            &toml,
            "[[secret]]\nid = \"A\"\nenv = \"A_KEY\"\ndeprecated = [\"A_OLD\"]\n\
             [inventory]\ninclude = [\"c.json\"]\n[scan]\nexclude = []\n",
        )
        .unwrap();
        let loaded = load(Some(&toml), None).unwrap().unwrap();
        let ids: Vec<_> = loaded.specs.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["A", "B"]);
        assert_eq!(loaded.specs[0].deprecated, ["A_OLD"]);
        assert!(loaded.specs[1].aliases.is_empty() && loaded.specs[1].required);
        assert_eq!(loaded.warnings.len(), 2, "{:?}", loaded.warnings);
    }
}
