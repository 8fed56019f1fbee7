//! The `git` command line, for new-code gating: the merge base of a revision, the lines a diff
//! adds, and the content of files in the index.
//!
//! The real `git` binary is used rather than a library so that every repository feature the
//! user's git understands (worktrees, sparse checkouts, alternates, `safe.directory`) works the
//! same here. Every command pins the options that user configuration could change (colours,
//! external diff drivers, prefixes, path quoting), and a failure becomes a [`GitError`] with
//! git's own message, never a panic.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::input::changes::Changes;

/// Why a git command could not give an answer (the run fails, exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run `git`: {0} (is git installed and on PATH?)")]
    Spawn(std::io::Error),
    #[error("`git {args}` failed: {message}")]
    Failed { args: String, message: String },
}

/// A git work tree, found from a directory inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repo {
    /// The top of the work tree, absolute.
    pub root: PathBuf,
}

impl Repo {
    /// The repository holding `dir`.
    pub fn discover(dir: &Path) -> Result<Self, GitError> {
        let out = run(dir, &["rev-parse", "--show-toplevel"], None)?;
        let root = String::from_utf8_lossy(&out)
            .trim_end_matches(['\n', '\r'])
            .to_owned();
        Ok(Repo {
            root: PathBuf::from(root),
        })
    }

    /// The best common ancestor of `rev` and `HEAD`, as `git diff REV...` uses it.
    pub fn merge_base(&self, rev: &str) -> Result<String, GitError> {
        // Resolved first: a clear error for a wrong name, and an object id (which cannot be
        // read as an option) for merge-base.
        let commit = format!("{rev}^{{commit}}");
        let resolved = run(
            &self.root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &commit,
            ],
            None,
        )
        .map_err(|_| GitError::Failed {
            args: format!("rev-parse {rev}"),
            message: format!("`{rev}` is not a commit of this repository"),
        })?;
        let oid = String::from_utf8_lossy(&resolved).trim().to_owned();
        let out = run(&self.root, &["merge-base", &oid, "HEAD"], None)?;
        Ok(String::from_utf8_lossy(&out).trim().to_owned())
    }

    /// The lines added or changed: since `base` (or `HEAD` when `None`) in the work tree, or
    /// in the index when `staged`. Files git does not track count as entirely new, unless
    /// `staged` (they are not part of the next commit).
    pub fn changes(&self, base: Option<&str>, staged: bool) -> Result<Changes, GitError> {
        let mut args = vec![
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--no-relative",
            "--unified=0",
            "--find-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
        ];
        if staged {
            args.push("--cached");
        }
        if let Some(base) = base {
            args.push(base);
        }
        args.push("--");
        let diff = run(&self.root, &args, None)?;
        let mut changes = Changes::from_unified_diff(&String::from_utf8_lossy(&diff), &self.root);
        if !staged {
            let untracked = run(
                &self.root,
                &["ls-files", "--others", "--exclude-standard", "-z"],
                None,
            )?;
            for name in untracked.split(|&b| b == 0).filter(|n| !n.is_empty()) {
                changes.add_whole_file(&self.root.join(String::from_utf8_lossy(name).as_ref()));
            }
        }
        Ok(changes)
    }

    /// The index's content of each of `files` (absolute paths inside the work tree); files
    /// the index does not hold are absent from the map.
    pub fn index_blobs(&self, files: &[PathBuf]) -> Result<HashMap<PathBuf, Vec<u8>>, GitError> {
        let mut requests = Vec::new();
        let mut asked = Vec::new();
        for file in files {
            let Ok(rel) = file.strip_prefix(&self.root) else {
                continue;
            };
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if rel.contains('\n') {
                continue; // cannot be named on a `cat-file --batch` line
            }
            requests.extend_from_slice(format!(":{rel}\n").as_bytes());
            asked.push(file.clone());
        }
        if asked.is_empty() {
            return Ok(HashMap::new());
        }
        let out = run(&self.root, &["cat-file", "--batch"], Some(requests))?;
        parse_batch(&out, asked)
    }
}

/// Reads `cat-file --batch` output: per request either `<oid> <type> <size>\n<content>\n` or
/// `<name> missing\n` (also `ambiguous`).
fn parse_batch(out: &[u8], asked: Vec<PathBuf>) -> Result<HashMap<PathBuf, Vec<u8>>, GitError> {
    let mut reader = BufReader::new(out);
    let mut blobs = HashMap::new();
    let malformed = || GitError::Failed {
        args: "cat-file --batch".to_owned(),
        message: "unexpected output".to_owned(),
    };
    for file in asked {
        let mut header = String::new();
        if reader.read_line(&mut header).map_err(|_| malformed())? == 0 {
            return Err(malformed());
        }
        let fields: Vec<&str> = header.trim_end().split(' ').collect();
        let size = match fields.as_slice() {
            [_, "blob", size] => size.parse::<usize>().map_err(|_| malformed())?,
            [_, _, size] if size.parse::<usize>().is_ok() => {
                // Not a blob (a submodule's commit): skip its content.
                let n = size.parse::<usize>().map_err(|_| malformed())?;
                let mut skip = vec![0; n + 1];
                reader.read_exact(&mut skip).map_err(|_| malformed())?;
                continue;
            }
            _ => continue, // `missing` or `ambiguous`: not in the index
        };
        let mut content = vec![0; size];
        reader.read_exact(&mut content).map_err(|_| malformed())?;
        let mut newline = [0; 1];
        reader.read_exact(&mut newline).map_err(|_| malformed())?;
        blobs.insert(file, content);
    }
    Ok(blobs)
}

/// Runs `git -C dir <args>` with configuration that would change the output pinned, feeding
/// `stdin` when given, and returns its standard output.
fn run(dir: &Path, args: &[&str], stdin: Option<Vec<u8>>) -> Result<Vec<u8>, GitError> {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotePath=false", "-c", "color.ui=false"])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(GitError::Spawn)?;
    // Feed stdin from another thread so a large request cannot deadlock on a full pipe.
    let feeder = match (stdin, child.stdin.take()) {
        (Some(data), Some(mut pipe)) => Some(std::thread::spawn(move || {
            let _ = pipe.write_all(&data);
        })),
        _ => None,
    };
    let output = child.wait_with_output().map_err(GitError::Spawn)?;
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let message = String::from_utf8_lossy(&output.stderr)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        Err(GitError::Failed {
            args: args.join(" "),
            message: if message.is_empty() {
                format!("exit status {}", output.status)
            } else {
                message
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_output_is_parsed() {
        let out = b"abc blob 3\nfoo\n:b.rs missing\ndef blob 0\n\n";
        let asked = vec![
            PathBuf::from("/r/a.rs"),
            PathBuf::from("/r/b.rs"),
            PathBuf::from("/r/c.rs"),
        ];
        let blobs = parse_batch(out, asked).unwrap();
        assert_eq!(blobs[Path::new("/r/a.rs")], b"foo");
        assert!(!blobs.contains_key(Path::new("/r/b.rs")));
        assert_eq!(blobs[Path::new("/r/c.rs")], b"");
        assert!(parse_batch(b"abc blob 9\nshort", vec![PathBuf::from("/x")]).is_err());
    }
}
