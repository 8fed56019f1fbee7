//! Durable, atomic file replacement and the writers' lock.
//!
//! A write goes to a fresh temporary file in the same directory, is flushed to disk, renamed over
//! the target (atomic on POSIX file systems) and the directory is flushed so the rename itself
//! survives a power loss. A crash at any point leaves either the old file or the new one, never a
//! mix; a leftover temporary file is garbage that the next writer removes.
//!
//! Writers take an exclusive lock on a `.lock` file beside the target (the target itself is
//! replaced by each write, so a lock on it would lock a file that is about to be unlinked). The
//! operating system drops the lock when the holder dies, so a crashed writer never blocks others.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A named step of a write or a rotation where a test can stop or fail the operation
/// (feature `fault-injection`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FaultPoint {
    /// The writers' lock is held and the current state has been read; nothing written yet.
    Locked,
    /// Half of the new content is in the temporary file.
    PartlyWritten,
    /// The temporary file is complete and flushed; the rename has not happened.
    BeforeRename,
    /// The rename happened; the directory has not been flushed.
    BeforeDirSync,
    /// A rotation wrote the vault with every data key wrapped under both KEKs.
    RotationStaged,
    /// A rotation stored the new KEK with the key provider.
    RotationKeyStored,
}

/// The fault hook, if any. Without the feature this is an empty type and every check is a no-op.
#[derive(Clone, Default)]
pub(crate) struct Faults {
    #[cfg(feature = "fault-injection")]
    pub hook: Option<std::sync::Arc<dyn Fn(FaultPoint) -> io::Result<()> + Send + Sync>>,
}

impl Faults {
    pub fn none() -> Self {
        Faults::default()
    }

    /// Runs the hook at `point`: an error aborts the operation there as an I/O error would (a
    /// write's temporary file is removed, nothing else is undone), and a hook that blocks lets
    /// a test kill the process at that point, leaving everything as a crash does.
    #[cfg_attr(not(feature = "fault-injection"), inline(always))]
    pub fn at(&self, point: FaultPoint) -> io::Result<()> {
        #[cfg(feature = "fault-injection")]
        if let Some(hook) = &self.hook {
            return hook(point);
        }
        let _ = point;
        Ok(())
    }
}

/// The exclusive writers' lock; released when dropped (or when the process dies).
pub(crate) struct WriteLock {
    _file: File,
}

/// The lock file of `target`.
pub(crate) fn lock_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    target.with_file_name(name)
}

/// The writers' lock of `target` if nobody holds it now; `None` if someone does or the lock
/// file cannot be created (a read-only directory: then nothing can be cleaned up anyway).
pub(crate) fn try_lock(target: &Path) -> Option<WriteLock> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(lock_path(target)).ok()?;
    file.try_lock().ok()?;
    Some(WriteLock { _file: file })
}

/// Blocks until this process holds the writers' lock of `target`.
pub(crate) fn lock(target: &Path) -> io::Result<WriteLock> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(lock_path(target))?;
    file.lock()?;
    Ok(WriteLock { _file: file })
}

/// The prefix of `target`'s temporary files.
fn temp_prefix(target: &Path) -> String {
    format!(
        ".{}.tmp.",
        target.file_name().unwrap_or_default().to_string_lossy()
    )
}

/// Removes temporary files left by writers that crashed. Call with the lock held: then no live
/// writer has one.
pub(crate) fn remove_stale_temps(target: &Path) -> io::Result<()> {
    let dir = parent(target);
    let prefix = temp_prefix(target);
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

fn parent(target: &Path) -> &Path {
    match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Replaces `target` with `bytes` atomically and durably (mode 0600 on Unix).
pub(crate) fn write_atomic(target: &Path, bytes: &[u8], faults: &Faults) -> io::Result<()> {
    let dir = parent(target);
    let nonce: [u8; 6] = super::crypto::random_bytes();
    let temp = dir.join(format!(
        "{}{}.{}",
        temp_prefix(target),
        std::process::id(),
        super::crypto::hex(&nonce)
    ));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temp)?;
    let written = (|| {
        let half = bytes.len() / 2;
        file.write_all(&bytes[..half])?;
        file.flush()?;
        faults.at(FaultPoint::PartlyWritten)?;
        file.write_all(&bytes[half..])?;
        file.sync_all()?;
        faults.at(FaultPoint::BeforeRename)
    })();
    drop(file);
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, target)) {
        // A key file's temporary holds a valid key: never leave one behind on a path that
        // returns. (A process killed here leaves it; the next writer or open removes it.)
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    faults.at(FaultPoint::BeforeDirSync)?;
    sync_dir(dir)
}

/// Flushes a directory's entries, so a rename in it is durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        // Windows cannot open a directory as a file; its rename is durable once it returns
        // on NTFS with default settings.
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temp_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("vault.json");
        write_atomic(&target, b"one", &Faults::none()).unwrap();
        write_atomic(&target, b"two", &Faults::none()).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["vault.json"]);
    }

    #[test]
    fn stale_temps_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("vault.json");
        std::fs::write(dir.path().join(".vault.json.tmp.1.ab"), b"x").unwrap();
        std::fs::write(dir.path().join("other"), b"x").unwrap();
        remove_stale_temps(&target).unwrap();
        assert!(!dir.path().join(".vault.json.tmp.1.ab").exists());
        assert!(dir.path().join("other").exists());
    }

    #[test]
    fn lock_path_sits_beside_the_target() {
        assert_eq!(lock_path(Path::new("a/v.json")), Path::new("a/v.json.lock"));
    }
}
