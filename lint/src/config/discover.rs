//! Finding the config file: from the start directory upward, in each directory
//! `vox-clavis-lint.toml`, then `.vox-clavis-lint.toml`, then a `Cargo.toml` with a
//! `[workspace.metadata.vox-clavis-lint]` or `[package.metadata.vox-clavis-lint]` table.
//! The first hit wins; a `Cargo.toml` without the table does not count.

use std::path::{Path, PathBuf};

use serde::de::IgnoredAny;

use super::ConfigError;
use super::options::CargoManifest;

/// The dedicated config file names, in the order they are tried.
pub const CONFIG_FILE_NAMES: [&str; 2] = ["vox-clavis-lint.toml", ".vox-clavis-lint.toml"];

/// Where in its file the configuration lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigKind {
    /// `vox-clavis-lint.toml` or `.vox-clavis-lint.toml` (or any file given with `--config`):
    /// the whole file is the configuration.
    Standalone,
    /// `[workspace.metadata.vox-clavis-lint]` in a `Cargo.toml`.
    CargoWorkspace,
    /// `[package.metadata.vox-clavis-lint]` in a `Cargo.toml`.
    CargoPackage,
}

/// A config file found by [`discover`].
#[derive(Clone, Debug)]
pub struct Discovered {
    /// Absolute path of the file.
    pub path: PathBuf,
    pub kind: ConfigKind,
    /// The file's text, already read.
    pub text: String,
}

/// Searches from `start` (a file means its directory) upward. `Ok(None)`: no config anywhere.
/// Non-fatal observations (a `Cargo.toml` that could not be read or parsed and was skipped)
/// go to `warnings`.
pub fn discover(
    start: &Path,
    warnings: &mut Vec<String>,
) -> Result<Option<Discovered>, ConfigError> {
    discover_until(&start_dir(start), None, warnings)
}

/// The absolute directory the search starts in.
pub(crate) fn start_dir(start: &Path) -> PathBuf {
    let abs = start
        .canonicalize()
        .or_else(|_| std::path::absolute(start))
        .unwrap_or_else(|_| start.to_path_buf());
    if abs.is_file() {
        abs.parent().map(Path::to_path_buf).unwrap_or(abs)
    } else {
        abs
    }
}

/// [`discover`] from the absolute directory `dir`, not looking above `ceiling` (tests use it
/// to stay inside a temporary directory).
pub(crate) fn discover_until(
    dir: &Path,
    ceiling: Option<&Path>,
    warnings: &mut Vec<String>,
) -> Result<Option<Discovered>, ConfigError> {
    for dir in dir.ancestors() {
        for name in CONFIG_FILE_NAMES {
            let path = dir.join(name);
            if path.is_file() {
                let text = read(&path)?;
                return Ok(Some(Discovered {
                    path,
                    kind: ConfigKind::Standalone,
                    text,
                }));
            }
        }
        let manifest = dir.join("Cargo.toml");
        if manifest.is_file()
            && let Some(found) = cargo_manifest(&manifest, warnings)
        {
            return Ok(Some(found));
        }
        if Some(dir) == ceiling {
            break;
        }
    }
    Ok(None)
}

/// The manifest if it carries our table; `None` (with a warning if it is broken) otherwise.
fn cargo_manifest(path: &Path, warnings: &mut Vec<String>) -> Option<Discovered> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            warnings.push(format!(
                "skipped `{}` during config discovery: {e}",
                path.display()
            ));
            return None;
        }
    };
    let (workspace, package) = match cargo_tables(&text) {
        Ok(tables) => tables,
        Err(e) => {
            warnings.push(format!(
                "skipped `{}` during config discovery: not valid TOML: {}",
                path.display(),
                e.message().trim()
            ));
            return None;
        }
    };
    let kind = match (workspace, package) {
        (false, false) => return None,
        (true, true) => {
            warnings.push(format!(
                "`{}` has both `[workspace.metadata.vox-clavis-lint]` and `[package.metadata.vox-clavis-lint]`; using the workspace table",
                path.display()
            ));
            ConfigKind::CargoWorkspace
        }
        (true, false) => ConfigKind::CargoWorkspace,
        (false, true) => ConfigKind::CargoPackage,
    };
    Some(Discovered {
        path: path.to_path_buf(),
        kind,
        text,
    })
}

/// Which of our tables a manifest has (the workspace table wins when both are present).
pub(crate) fn cargo_table_kind(text: &str) -> Result<Option<ConfigKind>, toml::de::Error> {
    Ok(match cargo_tables(text)? {
        (true, _) => Some(ConfigKind::CargoWorkspace),
        (false, true) => Some(ConfigKind::CargoPackage),
        (false, false) => None,
    })
}

/// Whether the manifest has (the workspace table, the package table).
fn cargo_tables(text: &str) -> Result<(bool, bool), toml::de::Error> {
    let manifest: CargoManifest<IgnoredAny> = toml::from_str(text)?;
    Ok((manifest.has_workspace_table(), manifest.has_package_table()))
}

pub(crate) fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn root() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    fn find(dir: &Path, ceiling: &Path) -> Option<Discovered> {
        let mut warnings = Vec::new();
        let found =
            discover_until(&start_dir(dir), Some(&start_dir(ceiling)), &mut warnings).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        found
    }

    const WORKSPACE: &str =
        "[workspace]\nmembers = []\n\n[workspace.metadata.vox-clavis-lint]\nscan.tests = false\n";
    const PACKAGE: &str = "[package]\nname = \"p\"\nversion = \"0.1.0\"\n\n[package.metadata.vox-clavis-lint]\nscan.tests = false\n";
    const PLAIN: &str =
        "[package]\nname = \"p\"\nversion = \"0.1.0\"\n\n[package.metadata.other]\nx = 1\n";

    #[test]
    fn toml_beats_dotfile_beats_cargo_manifest() {
        let tmp = root();
        let d = tmp.path();
        fs::write(d.join("Cargo.toml"), WORKSPACE).unwrap();
        let found = find(d, d).unwrap();
        assert_eq!(found.kind, ConfigKind::CargoWorkspace);
        assert_eq!(found.path, start_dir(d).join("Cargo.toml"));

        fs::write(d.join(".vox-clavis-lint.toml"), "").unwrap();
        let found = find(d, d).unwrap();
        assert_eq!(found.kind, ConfigKind::Standalone);
        assert_eq!(found.path.file_name().unwrap(), ".vox-clavis-lint.toml");

        fs::write(d.join("vox-clavis-lint.toml"), "").unwrap();
        let found = find(d, d).unwrap();
        assert_eq!(found.path.file_name().unwrap(), "vox-clavis-lint.toml");
    }

    #[test]
    fn package_metadata_counts() {
        let tmp = root();
        fs::write(tmp.path().join("Cargo.toml"), PACKAGE).unwrap();
        let found = find(tmp.path(), tmp.path()).unwrap();
        assert_eq!(found.kind, ConfigKind::CargoPackage);
        assert_eq!(found.text, PACKAGE);
    }

    #[test]
    fn manifest_without_table_is_skipped_and_search_goes_up() {
        let tmp = root();
        let member = tmp.path().join("crates/member");
        fs::create_dir_all(member.join("src")).unwrap();
        fs::write(member.join("Cargo.toml"), PLAIN).unwrap();
        fs::write(member.join("src/lib.rs"), "").unwrap();
        fs::write(tmp.path().join("Cargo.toml"), WORKSPACE).unwrap();
        // Starting from a file searches from its directory.
        let found = find(&member.join("src/lib.rs"), tmp.path()).unwrap();
        assert_eq!(found.path, start_dir(tmp.path()).join("Cargo.toml"));
        assert_eq!(found.kind, ConfigKind::CargoWorkspace);
    }

    #[test]
    fn nearest_directory_wins() {
        let tmp = root();
        let sub = tmp.path().join("a/b");
        fs::create_dir_all(&sub).unwrap();
        fs::write(tmp.path().join("vox-clavis-lint.toml"), "").unwrap();
        fs::write(tmp.path().join("a/.vox-clavis-lint.toml"), "").unwrap();
        let found = find(&sub, tmp.path()).unwrap();
        assert_eq!(
            found.path,
            start_dir(tmp.path()).join("a/.vox-clavis-lint.toml")
        );
    }

    #[test]
    fn nothing_found() {
        let tmp = root();
        let sub = tmp.path().join("a");
        fs::create_dir_all(&sub).unwrap();
        fs::write(sub.join("Cargo.toml"), PLAIN).unwrap();
        assert!(find(&sub, tmp.path()).is_none());
    }

    #[test]
    fn broken_manifest_is_skipped_with_a_warning() {
        let tmp = root();
        fs::write(tmp.path().join("Cargo.toml"), "[package\n").unwrap();
        let mut warnings = Vec::new();
        let dir = start_dir(tmp.path());
        assert!(
            discover_until(&dir, Some(&dir), &mut warnings)
                .unwrap()
                .is_none()
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("Cargo.toml"));
    }

    #[test]
    fn both_tables_use_workspace_with_a_warning() {
        let tmp = root();
        let both = format!("{WORKSPACE}\n{PACKAGE}");
        fs::write(tmp.path().join("Cargo.toml"), both).unwrap();
        let mut warnings = Vec::new();
        let dir = start_dir(tmp.path());
        let found = discover_until(&dir, Some(&dir), &mut warnings)
            .unwrap()
            .unwrap();
        assert_eq!(found.kind, ConfigKind::CargoWorkspace);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }
}
