//! Which files a run checks: `.rs` files under the given paths, honouring `.gitignore`,
//! `.ignore` and excludes, in a sorted order. Explicit file arguments are always checked.
//!
//! Symbolic links are followed (the `ignore` walker detects loops, reported as errors), and
//! a file reached by several paths is checked once, under the first. Nothing is skipped
//! silently: a `.rs` entry that is not a regular file (a FIFO, a socket, a device) is
//! reported, and a path argument that is neither a file nor a directory stops the run.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

/// A file to check.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkedFile {
    pub path: PathBuf,
    /// Relative to the working directory, `/` separators.
    pub display: String,
}

/// A path the walker could not enter (permission denied, broken link): reported as a finding.
#[derive(Clone, Debug)]
pub struct WalkError {
    pub display: String,
    pub message: String,
}

/// Why a run cannot start.
#[derive(Debug, thiserror::Error)]
pub enum WalkSetupError {
    #[error("path `{0}` does not exist")]
    Missing(String),
    #[error("path `{0}` is not a regular file or a directory (a FIFO, a socket or a device)")]
    NotFileOrDir(String),
    #[error("invalid exclude pattern `{pattern}`: {message}")]
    BadGlob { pattern: String, message: String },
}

/// Exclude globs: CLI ones relative to the working directory, config ones relative to the
/// config file's directory. A glob matches a file or any of its parent directories.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    sets: Vec<(PathBuf, GlobSet)>,
}

impl Excludes {
    pub fn add(&mut self, base: &Path, patterns: &[String]) -> Result<(), WalkSetupError> {
        if patterns.is_empty() {
            return Ok(());
        }
        let mut b = GlobSetBuilder::new();
        for p in patterns {
            let p = p.trim_start_matches("./");
            let glob = Glob::new(p).map_err(|e| WalkSetupError::BadGlob {
                pattern: p.to_owned(),
                message: e.kind().to_string(),
            })?;
            b.add(glob);
            // `dir` and `dir/` exclude everything below too, as in .gitignore.
            let under = format!("{}/**", p.trim_end_matches('/'));
            if let Ok(g) = Glob::new(&under) {
                b.add(g);
            }
        }
        let set = b.build().map_err(|e| WalkSetupError::BadGlob {
            pattern: patterns.join(", "),
            message: e.to_string(),
        })?;
        self.sets.push((absolute(base), set));
        Ok(())
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        let abs = absolute(path);
        self.sets.iter().any(|(base, set)| {
            abs.strip_prefix(base)
                .is_ok_and(|rel| !rel.as_os_str().is_empty() && set.is_match(rel))
        })
    }
}

/// The walk of one directory: `.gitignore`, `.ignore` and excludes honoured, hidden entries
/// skipped, excluded directories pruned, in a sorted order.
fn walker(root: &Path, excludes: &Excludes) -> ignore::Walk {
    WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .follow_links(true)
        .filter_entry({
            // Prune excluded directories instead of walking into them.
            let excludes = excludes.clone();
            move |e| e.depth() == 0 || !excludes.is_excluded(e.path())
        })
        .build()
}

/// The directories below `root` (not `root` itself) that a walk of it enters, sorted; those
/// that cannot be read are left out (the file walk reports them).
pub fn dirs(root: &Path, excludes: &Excludes) -> Vec<PathBuf> {
    walker(root, excludes)
        .filter_map(Result::ok)
        .filter(|e| e.depth() > 0 && e.file_type().is_some_and(|t| t.is_dir()))
        .map(|e| e.into_path())
        .collect()
}

/// Walks `roots` and returns the `.rs` files to check (sorted, deduplicated) plus entries that
/// could not be read.
pub fn walk(
    roots: &[PathBuf],
    excludes: &Excludes,
    cwd: &Path,
) -> Result<(Vec<WalkedFile>, Vec<WalkError>), WalkSetupError> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    // Whether a link was followed: only then can two paths be one file.
    let mut linked = false;
    for root in roots {
        linked |= std::fs::symlink_metadata(root).is_ok_and(|m| m.is_symlink());
        let meta = std::fs::metadata(root)
            .map_err(|_| WalkSetupError::Missing(root.display().to_string()))?;
        if meta.is_file() {
            // Explicit files are checked whatever their name or ignore status.
            files.push(walked(root, cwd));
            continue;
        }
        if !meta.is_dir() {
            return Err(WalkSetupError::NotFileOrDir(root.display().to_string()));
        }
        for entry in walker(root, excludes) {
            match entry {
                Ok(e) => {
                    linked |= e.path_is_symlink();
                    let p = e.path();
                    let Some(kind) = e.file_type() else { continue };
                    if kind.is_dir() || p.extension().is_none_or(|x| x != "rs") {
                        continue;
                    }
                    if kind.is_file() {
                        files.push(walked(p, cwd));
                    } else {
                        errors.push(WalkError {
                            display: display_path(p, cwd),
                            message: "not a regular file (a FIFO, a socket or a device), \
                                      so it was not checked"
                                .to_owned(),
                        });
                    }
                }
                Err(err) => errors.push(WalkError {
                    display: error_path(&err)
                        .map_or_else(|| root.display().to_string(), |p| display_path(p, cwd)),
                    message: err.to_string(),
                }),
            }
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.display == b.display);
    // One check per real file, however many links lead to it: the first path in order.
    if linked {
        let mut seen = std::collections::HashSet::new();
        files.retain(|f| seen.insert(std::fs::canonicalize(&f.path).unwrap_or(f.path.clone())));
    }
    Ok((files, errors))
}

fn walked(path: &Path, cwd: &Path) -> WalkedFile {
    WalkedFile {
        path: path.to_path_buf(),
        display: display_path(path, cwd),
    }
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// `path` relative to `cwd` when below it, with `/` separators.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let abs = absolute(path);
    let Ok(rel) = abs.strip_prefix(cwd) else {
        return abs.to_string_lossy().replace('\\', "/");
    };
    let s = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if s.is_empty() { ".".to_owned() } else { s }
}

/// An absolute, lexically normalised path (no `.`/`..`), without touching symlinks.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
