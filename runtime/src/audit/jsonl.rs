//! A chained JSON Lines audit log, keyed or not.
//!
//! Each line is one event with a sequence number and a link to the previous line. Unkeyed
//! ([`JsonlSink::open`]), the link is a SHA-256 hash: it catches accidents, not whoever can
//! write the file, who can recompute every hash. Keyed ([`JsonlSink::open_keyed`]), each line
//! carries an HMAC-SHA-256 (`mac`) under a key derived from a KEK, chained through `prev`, and
//! an authenticated head beside the log (`<log>.head`: the count, the last MAC and the highest
//! generation seen of each vault) is rewritten atomically after every append. Without the key
//! nobody can edit, delete, re-chain, reorder or cut off lines unnoticed; [`verify_keyed`] says
//! which.
//!
//! A line torn by a crash (no final newline) is not an entry: verifiers report it as
//! `torn_tail` and the next append cuts it off, so a crash never wedges the log. The head is
//! written after the line, so a crash between the two leaves a log one line ahead of its head,
//! which verifies (the extra line carries a valid MAC).
//!
//! Appends from several threads or processes are serialized with a lock on the file, and each
//! append reads the current last line, so the chain stays linear whoever writes.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{AuditEvent, AuditSink};
use crate::vault::Kek;
use crate::vault::crypto::{self, KeyBytes};
use crate::vault::store;

/// The `prev` of the first line.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The `format` of a head file.
const HEAD_FORMAT: &str = "vox-clavis-audit-head";

/// Appends events to a chained JSON Lines file (created with mode 0600).
pub struct JsonlSink {
    path: PathBuf,
    // flock excludes other processes, not other threads sharing the descriptor.
    file: Mutex<File>,
    key: Option<KeyBytes>,
}

impl std::fmt::Debug for JsonlSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonlSink")
            .field("path", &self.path)
            .finish()
    }
}

impl JsonlSink {
    /// Opens (or creates) the log at `path`, continuing its chain.
    pub fn open(path: impl Into<PathBuf>) -> io::Result<Self> {
        let path = path.into();
        let mut options = OpenOptions::new();
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path)?;
        Ok(JsonlSink {
            path,
            file: Mutex::new(file),
            key: None,
        })
    }

    /// Opens (or creates) a keyed log at `path`: each line authenticated with a key derived
    /// from `kek` (a key of its own, held like the vault's: a key file, a CI secret), and an
    /// authenticated head at [`JsonlSink::head_path`]. A new log gets its head at once, so a
    /// log with entries and no head has been tampered with.
    pub fn open_keyed(path: impl Into<PathBuf>, kek: &Kek) -> io::Result<Self> {
        let mut sink = JsonlSink::open(path)?;
        let key = crypto::audit_key(kek.bytes());
        {
            let mut file = sink.file.lock().unwrap_or_else(|e| e.into_inner());
            file.lock()?;
            let result = (|| {
                let head_path = JsonlSink::head_path(&sink.path);
                if !head_path.exists() && file.seek(SeekFrom::End(0))? == 0 {
                    write_head(&head_path, &key, &Head::genesis())?;
                }
                Ok(())
            })();
            let unlocked = file.unlock();
            result.and(unlocked)?;
        }
        sink.key = Some(key);
        Ok(sink)
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the head of the keyed log at `log` is kept: beside it, `<log>.head`.
    pub fn head_path(log: &Path) -> PathBuf {
        let mut name = log.file_name().unwrap_or_default().to_os_string();
        name.push(".head");
        log.with_file_name(name)
    }
}

/// The head of a keyed log: how many entries it has, the last one's MAC, and the highest
/// generation each vault's entries recorded, under a MAC of their own.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Head {
    format: String,
    entries: u64,
    last: String,
    vault_generations: BTreeMap<String, u64>,
    mac: String,
}

impl Head {
    fn genesis() -> Self {
        Head {
            format: HEAD_FORMAT.to_owned(),
            entries: 0,
            last: GENESIS.to_owned(),
            vault_generations: BTreeMap::new(),
            mac: String::new(),
        }
    }

    fn message(&self) -> Vec<u8> {
        let mut out = format!(
            "vox-clavis audit head v1\n{}\n{}\n",
            self.entries, self.last
        );
        for (vault, generation) in &self.vault_generations {
            // JSON-quoted, so no path can forge a line break.
            let vault = serde_json::to_string(vault).expect("a string serializes");
            out.push_str(&format!("vault {vault} {generation}\n"));
        }
        out.into_bytes()
    }
}

fn invalid(reason: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, reason.into())
}

/// Reads and authenticates the head at `path`.
fn read_head(path: &Path, key: &KeyBytes) -> io::Result<Head> {
    let bytes = std::fs::read(path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            invalid("the audit log's head is missing (deleted, or the log was replaced)")
        } else {
            e
        }
    })?;
    let head: Head =
        serde_json::from_slice(&bytes).map_err(|_| invalid("the audit log's head is not JSON"))?;
    let tag = unhex(&head.mac);
    if head.format != HEAD_FORMAT
        || tag.is_none_or(|tag| crypto::mac_verify(key, &head.message(), &tag).is_err())
    {
        return Err(invalid(
            "the audit log's head failed authentication (edited, or written under another key)",
        ));
    }
    Ok(head)
}

fn write_head(path: &Path, key: &KeyBytes, head: &Head) -> io::Result<()> {
    let mut head = head.clone();
    head.mac = crypto::hex(&crypto::mac(key, &head.message()));
    let mut bytes = serde_json::to_vec(&head)?;
    bytes.push(b'\n');
    store::remove_stale_temps(path)?;
    store::write_atomic(path, &bytes, &store::Faults::none())
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A line's MAC: HMAC-SHA-256 of its JSON without the `mac` field.
fn line_mac(key: &KeyBytes, body: &Value) -> String {
    let text = serde_json::to_string(body).expect("a JSON value serializes");
    let mut message = b"vox-clavis audit line v1\n".to_vec();
    message.extend_from_slice(text.as_bytes());
    crypto::hex(&crypto::mac(key, &message))
}

#[derive(Serialize)]
struct Body<'a> {
    seq: u64,
    prev: &'a str,
    #[serde(flatten)]
    event: &'a AuditEvent,
}

impl AuditSink for JsonlSink {
    fn record(&self, event: &AuditEvent) -> io::Result<()> {
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.lock()?;
        let result = append(&mut file, event, self.key.as_ref(), &self.path);
        let unlocked = file.unlock();
        result.and(unlocked)
    }

    fn vault_generation(&self, vault: &str) -> io::Result<Option<u64>> {
        match &self.key {
            Some(key) => {
                let head = read_head(&JsonlSink::head_path(&self.path), key)?;
                Ok(Some(
                    head.vault_generations.get(vault).copied().unwrap_or(0),
                ))
            }
            None => Ok(None),
        }
    }
}

/// Appends one chained line (and, keyed, rewrites the head); the caller holds the lock.
fn append(
    file: &mut File,
    event: &AuditEvent,
    key: Option<&KeyBytes>,
    path: &Path,
) -> io::Result<()> {
    let link = if key.is_some() { "mac" } else { "hash" };
    let (tail, complete) = last_line(file)?;
    if file.seek(SeekFrom::End(0))? > complete {
        // A crash cut the previous append short: drop the fragment, it was never an entry.
        file.set_len(complete)?;
    }
    let (seq, prev) = match tail {
        Some(line) => {
            let value: Value = serde_json::from_slice(&line)
                .map_err(|_| invalid("the audit log's last line is not JSON"))?;
            match (value["seq"].as_u64(), value[link].as_str()) {
                (Some(seq), Some(hash)) => (seq + 1, hash.to_owned()),
                _ => {
                    return Err(invalid(format!(
                        "the audit log's last line has no `seq` or `{link}`"
                    )));
                }
            }
        }
        None => (1, GENESIS.to_owned()),
    };
    let head = match key {
        Some(key) => Some(read_head(&JsonlSink::head_path(path), key)?),
        None => None,
    };
    let mut value = serde_json::to_value(Body {
        seq,
        prev: &prev,
        event,
    })?;
    let tag = match key {
        Some(key) => line_mac(key, &value),
        None => line_hash(&value),
    };
    value[link] = Value::String(tag.clone());
    let mut line = Vec::new();
    serde_json::to_writer(&mut line, &value)?;
    line.push(b'\n');
    // One write of a short line to an O_APPEND file lands whole or not at all.
    file.write_all(&line)?;
    file.sync_data()?;
    if let (Some(key), Some(mut head)) = (key, head) {
        head.entries = seq;
        head.last = tag;
        if let (Some(vault), Some(generation)) = (&event.vault, event.generation) {
            let recorded = head.vault_generations.entry(vault.clone()).or_default();
            *recorded = (*recorded).max(generation);
        }
        write_head(&JsonlSink::head_path(path), key, &head)?;
    }
    Ok(())
}

/// The hash of a line: SHA-256 of its JSON without the `hash` field.
fn line_hash(body: &Value) -> String {
    let text = serde_json::to_string(body).expect("a JSON value serializes");
    crate::vault::crypto::hex(&Sha256::digest(text.as_bytes()))
}

/// The last complete line of the file, and where the complete lines end (before a torn one).
fn last_line(file: &mut File) -> io::Result<(Option<Vec<u8>>, u64)> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok((None, 0));
    }
    let mut window = 4096u64;
    loop {
        let start = len.saturating_sub(window);
        file.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity((len - start) as usize);
        Read::by_ref(file).take(len - start).read_to_end(&mut buf)?;
        // The last newline ends the complete lines; the last line starts after the one before.
        let end = match buf.iter().rposition(|&b| b == b'\n') {
            Some(end) => end,
            None if start == 0 => return Ok((None, 0)),
            None => {
                window *= 4;
                continue;
            }
        };
        let complete_end = start + end as u64 + 1;
        let complete = &buf[..end];
        match complete.iter().rposition(|&b| b == b'\n') {
            Some(begin) => return Ok((Some(complete[begin + 1..].to_vec()), complete_end)),
            None if start == 0 => return Ok((Some(complete.to_vec()), complete_end)),
            None => window *= 4,
        }
    }
}

/// What a verified chain holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSummary {
    /// The number of entries.
    pub entries: u64,
    /// The last entry's hash or MAC: for an unkeyed log, keep it elsewhere to detect a cut-off
    /// end later (a keyed log keeps it in its head).
    pub head: String,
    /// Whether a line torn by a crash follows the entries (the next append removes it).
    pub torn_tail: bool,
}

/// Where and how an audit chain is broken.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// The log could not be read.
    #[error("cannot read the audit log: {0}")]
    Io(#[from] io::Error),
    /// A line is not a chained audit entry.
    #[error("line {line}: not a chained audit entry")]
    Malformed {
        /// 1-based line number.
        line: u64,
    },
    /// A line's content does not match its hash or MAC: it was edited (or, keyed, written
    /// under another key).
    #[error("line {line}: the entry was edited (its hash or MAC does not match)")]
    Edited {
        /// 1-based line number.
        line: u64,
    },
    /// A line does not follow the previous one: a line before it was deleted, inserted or moved.
    #[error(
        "line {line}: the chain is broken before this entry (a line was deleted, inserted or moved)"
    )]
    Broken {
        /// 1-based line number.
        line: u64,
    },
    /// The keyed log has fewer entries than its head recorded: its end was cut off.
    #[error("the log has {found} entries but its head recorded {expected}: its end was cut off")]
    Truncated {
        /// The entries the head recorded.
        expected: u64,
        /// The entries found.
        found: u64,
    },
    /// The keyed log's head is missing, fails authentication or does not match the log.
    #[error("the audit log's head: {0}")]
    Head(String),
}

/// Checks every line's hash and link of an unkeyed log (see [`verify_keyed`] for a keyed one).
/// Returns the number of entries and the head hash.
pub fn verify_chain(path: impl AsRef<Path>) -> Result<ChainSummary, ChainError> {
    walk(path.as_ref(), None)
}

/// Checks a keyed log against `kek`: every line's MAC and link, and the head (which must
/// authenticate, and whose count and last MAC the log must reach). Detects an edited,
/// deleted, re-chained, reordered or cut-off log; a log and head both replaced by an older
/// pair of themselves are consistent, so keep [`ChainSummary::entries`] elsewhere for that.
pub fn verify_keyed(path: impl AsRef<Path>, kek: &Kek) -> Result<ChainSummary, ChainError> {
    let path = path.as_ref();
    let key = crypto::audit_key(kek.bytes());
    let head = read_head(&JsonlSink::head_path(path), &key)
        .map_err(|e| ChainError::Head(e.to_string()))?;
    let mut macs = Vec::new();
    let summary = walk_with(path, Some(&key), |mac| macs.push(mac.to_owned()))?;
    if summary.entries < head.entries {
        return Err(ChainError::Truncated {
            expected: head.entries,
            found: summary.entries,
        });
    }
    let at_head = match head.entries {
        0 => GENESIS,
        n => macs[n as usize - 1].as_str(),
    };
    if at_head != head.last {
        return Err(ChainError::Head(format!(
            "it does not match entry {} of the log (the log was replaced)",
            head.entries
        )));
    }
    Ok(summary)
}

fn walk(path: &Path, key: Option<&KeyBytes>) -> Result<ChainSummary, ChainError> {
    walk_with(path, key, |_| {})
}

fn walk_with(
    path: &Path,
    key: Option<&KeyBytes>,
    mut each: impl FnMut(&str),
) -> Result<ChainSummary, ChainError> {
    let link = if key.is_some() { "mac" } else { "hash" };
    let text = std::fs::read(path)?;
    // Only the very end can be torn: the bytes after the last newline.
    let complete = text
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |end| end + 1);
    let torn_tail = complete < text.len();
    let mut prev = GENESIS.to_owned();
    let mut entries = 0u64;
    for (index, line) in text[..complete]
        .split_inclusive(|&b| b == b'\n')
        .enumerate()
    {
        let line_no = index as u64 + 1;
        let line = &line[..line.len() - 1];
        let mut value: Value =
            serde_json::from_slice(line).map_err(|_| ChainError::Malformed { line: line_no })?;
        let Some(Value::String(hash)) = value.as_object_mut().and_then(|o| o.remove(link)) else {
            return Err(ChainError::Malformed { line: line_no });
        };
        let (Some(seq), Some(back)) = (value["seq"].as_u64(), value["prev"].as_str()) else {
            return Err(ChainError::Malformed { line: line_no });
        };
        let event = value.as_object().map(|o| {
            let mut o = o.clone();
            o.remove("seq");
            o.remove("prev");
            o
        });
        if event
            .and_then(|o| serde_json::from_value::<AuditEvent>(Value::Object(o)).ok())
            .is_none()
        {
            return Err(ChainError::Malformed { line: line_no });
        }
        let expected = match key {
            Some(key) => line_mac(key, &value),
            None => line_hash(&value),
        };
        if expected != hash {
            return Err(ChainError::Edited { line: line_no });
        }
        if back != prev || seq != entries + 1 {
            return Err(ChainError::Broken { line: line_no });
        }
        each(&hash);
        prev = hash;
        entries += 1;
    }
    Ok(ChainSummary {
        entries,
        head: prev,
        torn_tail,
    })
}
