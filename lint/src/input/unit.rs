//! Which crate a file belongs to and its module path inside it, so that `crate::`, `super::`
//! and constants defined in other files resolve across the whole crate.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A file's place in its crate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleUnit {
    /// Identifies the crate: its `Cargo.toml` directory, or the file itself for a file that
    /// is its own crate root (tests, examples, benches, binaries, loose files).
    pub crate_key: String,
    /// `["crate", "config", "names"]` for `src/config/names.rs`.
    pub module: Vec<String>,
    /// Under a `tests/` or `benches/` directory of a package.
    pub in_test_dir: bool,
}

/// Finds packages (directories holding a `Cargo.toml`) with a cache, since many files share one.
#[derive(Debug, Default)]
pub struct UnitFinder {
    package_of_dir: HashMap<PathBuf, Option<PathBuf>>,
}

impl UnitFinder {
    pub fn unit(&mut self, abs_path: &Path) -> ModuleUnit {
        let own = |in_test_dir| ModuleUnit {
            crate_key: abs_path.display().to_string(),
            module: vec!["crate".to_owned()],
            in_test_dir,
        };
        let Some(package) = abs_path.parent().and_then(|d| self.package(d)) else {
            return own(false);
        };
        let rel = abs_path.strip_prefix(&package).unwrap_or(abs_path);
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match parts.first().map(String::as_str) {
            Some("src") if parts.get(1).map(String::as_str) != Some("bin") => {
                let mut module = vec!["crate".to_owned()];
                let inner = &parts[1..];
                for (i, part) in inner.iter().enumerate() {
                    let last = i + 1 == inner.len();
                    let stem = if last {
                        part.strip_suffix(".rs").unwrap_or(part)
                    } else {
                        part
                    };
                    let root_file = last && inner.len() == 1 && (stem == "lib" || stem == "main");
                    if !(root_file || (last && stem == "mod")) {
                        module.push(stem.to_owned());
                    }
                }
                ModuleUnit {
                    crate_key: package.display().to_string(),
                    module,
                    in_test_dir: false,
                }
            }
            Some("tests" | "benches") => own(true),
            _ => own(false),
        }
    }

    fn package(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(known) = self.package_of_dir.get(dir) {
            return known.clone();
        }
        let found = if dir.join("Cargo.toml").is_file() {
            Some(dir.to_path_buf())
        } else {
            dir.parent().and_then(|p| self.package(p))
        };
        self.package_of_dir.insert(dir.to_path_buf(), found.clone());
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_follow_the_file_layout() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("Cargo.toml"), "[package]").unwrap();
        let mut f = UnitFinder::default();
        let module = |p: &str, f: &mut UnitFinder| f.unit(&root.join(p)).module.join("::");
        assert_eq!(module("src/lib.rs", &mut f), "crate");
        assert_eq!(module("src/a/mod.rs", &mut f), "crate::a");
        assert_eq!(module("src/a/b.rs", &mut f), "crate::a::b");
        assert_eq!(module("src/bin/tool.rs", &mut f), "crate");
        assert!(f.unit(&root.join("tests/it.rs")).in_test_dir);
        assert_ne!(
            f.unit(&root.join("tests/it.rs")).crate_key,
            f.unit(&root.join("src/lib.rs")).crate_key
        );
    }
}
