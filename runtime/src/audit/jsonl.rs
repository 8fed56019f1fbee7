//! A hash-chained JSON Lines audit log.
//!
//! Each line is one event with a sequence number, the previous line's hash and its own hash
//! (SHA-256 of the line without its `hash` field). Editing a line breaks its hash; deleting or
//! reordering lines breaks the next line's `prev`. Only the end can be cut off unnoticed, so
//! [`verify_chain`] returns the head hash for the caller to keep elsewhere.
//!
//! Appends from several threads or processes are serialized with a lock on the file, and each
//! append reads the current last line, so the chain stays linear whoever writes.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{AuditEvent, AuditSink};

/// The `prev` of the first line.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Appends events to a hash-chained JSON Lines file (created with mode 0600).
pub struct JsonlSink {
    path: PathBuf,
    // flock excludes other processes, not other threads sharing the descriptor.
    file: Mutex<File>,
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
        })
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
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
        let result = append(&mut file, event);
        let unlocked = file.unlock();
        result.and(unlocked)
    }
}

/// Appends one chained line; the caller holds the lock.
fn append(file: &mut File, event: &AuditEvent) -> io::Result<()> {
    let (tail, torn) = last_line(file)?;
    let (seq, prev) = match tail {
        Some(line) => {
            let value: Value = serde_json::from_slice(&line).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the audit log's last line is not JSON",
                )
            })?;
            let seq = value["seq"].as_u64();
            let hash = value["hash"].as_str();
            match (seq, hash) {
                (Some(seq), Some(hash)) => (seq + 1, hash.to_owned()),
                _ => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the audit log's last line has no `seq` or `hash`",
                    ));
                }
            }
        }
        None => (1, GENESIS.to_owned()),
    };
    let mut value = serde_json::to_value(Body {
        seq,
        prev: &prev,
        event,
    })?;
    let hash = line_hash(&value);
    value["hash"] = Value::String(hash);
    let mut line = Vec::new();
    if torn {
        // A crash cut the previous append short; end it so this line stands on its own (verify
        // still reports the torn line).
        line.push(b'\n');
    }
    serde_json::to_writer(&mut line, &value)?;
    line.push(b'\n');
    // One write of a short line to an O_APPEND file lands whole or not at all.
    file.write_all(&line)?;
    file.sync_data()
}

/// The hash of a line: SHA-256 of its JSON without the `hash` field.
fn line_hash(body: &Value) -> String {
    let text = serde_json::to_string(body).expect("a JSON value serializes");
    crate::vault::crypto::hex(&Sha256::digest(text.as_bytes()))
}

/// The last complete line of the file, and whether a torn line follows it.
fn last_line(file: &mut File) -> io::Result<(Option<Vec<u8>>, bool)> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok((None, false));
    }
    let mut window = 4096u64;
    loop {
        let start = len.saturating_sub(window);
        file.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity((len - start) as usize);
        Read::by_ref(file).take(len - start).read_to_end(&mut buf)?;
        let torn = buf.last() != Some(&b'\n');
        // Drop the torn tail, if any, then the final newline; the last line starts after the
        // newline before it.
        let end = match buf.iter().rposition(|&b| b == b'\n') {
            Some(end) => end,
            None if start == 0 => return Ok((None, torn)),
            None => {
                window *= 4;
                continue;
            }
        };
        let complete = &buf[..end];
        match complete.iter().rposition(|&b| b == b'\n') {
            Some(begin) => return Ok((Some(complete[begin + 1..].to_vec()), torn)),
            None if start == 0 => return Ok((Some(complete.to_vec()), torn)),
            None => window *= 4,
        }
    }
}

/// What a verified chain holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSummary {
    /// The number of entries.
    pub entries: u64,
    /// The last entry's hash: keep it elsewhere to detect a cut-off end later.
    pub head: String,
}

/// Where and how an audit chain is broken.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// The log could not be read.
    #[error("cannot read the audit log: {0}")]
    Io(#[from] io::Error),
    /// A line is not a chained audit entry (or was cut short by a crash).
    #[error("line {line}: not a chained audit entry")]
    Malformed {
        /// 1-based line number.
        line: u64,
    },
    /// A line's content does not match its hash: it was edited.
    #[error("line {line}: the entry was edited (its hash does not match)")]
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
}

/// Checks every line's hash and link. Returns the number of entries and the head hash.
pub fn verify_chain(path: impl AsRef<Path>) -> Result<ChainSummary, ChainError> {
    let reader = BufReader::new(File::open(path)?);
    let mut prev = GENESIS.to_owned();
    let mut entries = 0u64;
    for (index, line) in reader.split(b'\n').enumerate() {
        let line_no = index as u64 + 1;
        let line = line?;
        let mut value: Value =
            serde_json::from_slice(&line).map_err(|_| ChainError::Malformed { line: line_no })?;
        let Some(Value::String(hash)) = value.as_object_mut().and_then(|o| o.remove("hash")) else {
            return Err(ChainError::Malformed { line: line_no });
        };
        let (Some(seq), Some(link)) = (value["seq"].as_u64(), value["prev"].as_str()) else {
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
        if line_hash(&value) != hash {
            return Err(ChainError::Edited { line: line_no });
        }
        if link != prev || seq != entries + 1 {
            return Err(ChainError::Broken { line: line_no });
        }
        prev = hash;
        entries += 1;
    }
    Ok(ChainSummary {
        entries,
        head: prev,
    })
}
