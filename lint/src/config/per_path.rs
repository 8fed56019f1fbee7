//! Each file under its closest configuration, as Ruff does: `check crateA crateB` reads
//! crateA's own `Cargo.toml` metadata for crateA's files, and a directory below a checked path
//! that holds its own configuration is checked with that one.
//!
//! The paths of a run are grouped by the configuration that governs them: each path's own
//! (discovered from it upward), and for a directory, every directory below it that holds a
//! configuration file (`vox-clavis-lint.toml`, `.vox-clavis-lint.toml`, or a `Cargo.toml` with
//! our table), unless the governing configuration or `--exclude` excludes it. A group walks its
//! paths but not the directories of the groups nested in them. `--config` and `--no-config`
//! make one group of everything, as before.

use std::path::{Path, PathBuf};

use super::discover::discover_until;
use super::{ConfigError, Settings, load};
use crate::input::walk::{self, Excludes};

/// The paths one configuration governs.
#[derive(Debug)]
pub struct Group {
    pub settings: Settings,
    pub paths: Vec<PathBuf>,
    /// Directories inside `paths` that another group governs: not walked by this one.
    pub skip: Vec<PathBuf>,
}

/// `paths` grouped by their closest configuration, in the order they are first met. `exclude`
/// is `--exclude` (relative to the working directory); `cwd` the working directory.
pub fn groups(
    paths: &[PathBuf],
    exclude: &[String],
    cwd: &Path,
) -> Result<Vec<Group>, ConfigError> {
    let mut groups: Vec<Group> = Vec::new();
    for path in paths {
        let settings = load(None, false, path)?;
        let nested = if path.is_dir() {
            nested_configs(path, &settings, exclude, cwd)?
        } else {
            Vec::new()
        };
        add(&mut groups, settings, path.clone());
        for (settings, dir) in nested {
            add(&mut groups, settings, dir);
        }
    }
    let roots: Vec<(usize, PathBuf)> = groups
        .iter()
        .enumerate()
        .flat_map(|(i, g)| g.paths.iter().map(move |p| (i, walk::absolute(p))))
        .collect();
    for (i, group) in groups.iter_mut().enumerate() {
        for path in &group.paths {
            let outer = walk::absolute(path);
            group.skip.extend(
                roots
                    .iter()
                    .filter(|(j, inner)| *j != i && inner != &outer && inner.starts_with(&outer))
                    .map(|(_, inner)| inner.clone()),
            );
        }
        group.skip.sort();
        group.skip.dedup();
    }
    Ok(groups)
}

/// Adds `path` to the group of its configuration, or starts one.
fn add(groups: &mut Vec<Group>, settings: Settings, path: PathBuf) {
    match groups
        .iter_mut()
        .find(|g| g.settings.config_file == settings.config_file)
    {
        Some(group) => {
            if !group.paths.contains(&path) {
                group.paths.push(path);
            }
        }
        None => groups.push(Group {
            settings,
            paths: vec![path],
            skip: Vec::new(),
        }),
    }
}

/// The directories below `root` with a configuration of their own (other than `governing`'s),
/// each with its settings.
fn nested_configs(
    root: &Path,
    governing: &Settings,
    exclude: &[String],
    cwd: &Path,
) -> Result<Vec<(Settings, PathBuf)>, ConfigError> {
    let mut excludes = Excludes::default();
    // A glob that does not compile fails the run later, with the walk's own message.
    let _ = excludes.add(cwd, exclude);
    let _ = excludes.add(&governing.base_dir, &governing.scan.exclude);
    let mut out = Vec::new();
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    for dir in walk::dirs(root, &excludes) {
        let abs = walk::absolute(&dir);
        let mut warnings = Vec::new();
        // This directory only: `ceiling` is the directory itself.
        let Some(found) = discover_until(&abs, Some(&abs), &mut warnings)? else {
            continue;
        };
        if !governing
            .config_file
            .as_deref()
            .is_some_and(|g| same(g, &found.path))
        {
            out.push((load(None, false, &dir)?, dir));
        }
    }
    Ok(out)
}
