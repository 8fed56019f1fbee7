//! The hash-chained audit log: appends continue the chain across handles, threads and
//! reopenings, `verify_chain` finds an edited, deleted or moved line and reports a torn one,
//! and the keyed chain (`verify_keyed`) also finds a re-chained or truncated log.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{CANARY, SecretId};
use vox_clavis::audit::{ChainError, verify_chain, verify_keyed};
use vox_clavis::{Action, AuditEvent, AuditSink, JsonlSink, Kek, MapEnv, Outcome, Resolver};

fn event(i: usize) -> AuditEvent {
    AuditEvent::new(Action::Resolve, Outcome::Ok)
        .id(format!("secret-{i}"))
        .source("vault")
}

fn log_with(n: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let sink = JsonlSink::open(&path).unwrap();
    for i in 0..n {
        sink.record(&event(i)).unwrap();
    }
    (dir, path)
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(
        path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
}

#[test]
fn a_chain_verifies_and_continues_after_reopening() {
    let (_dir, path) = log_with(3);
    let first = verify_chain(&path).unwrap();
    assert_eq!(first.entries, 3);
    JsonlSink::open(&path).unwrap().record(&event(3)).unwrap();
    let second = verify_chain(&path).unwrap();
    assert_eq!(second.entries, 4);
    assert_ne!(first.head, second.head);
    let last: serde_json::Value = serde_json::from_str(&lines(&path)[3]).unwrap();
    assert_eq!(last["prev"], first.head.as_str());
    assert_eq!(last["seq"], 4);
}

#[test]
fn an_edited_line_is_detected() {
    let (_dir, path) = log_with(3);
    let mut l = lines(&path);
    l[1] = l[1].replace("secret-1", "secret-9");
    write_lines(&path, &l);
    assert!(matches!(
        verify_chain(&path),
        Err(ChainError::Edited { line: 2 })
    ));
}

/// An edited line whose hash was recomputed (as anyone can) still breaks the chain: its link
/// to the line before, or the next line's link to it.
#[test]
fn an_edited_line_with_a_recomputed_hash_is_detected_by_the_links() {
    let (dir, path) = log_with(3);
    // A self-consistent forged second line: the second line of another log.
    let other = dir.path().join("other.jsonl");
    let sink = JsonlSink::open(&other).unwrap();
    sink.record(&event(0)).unwrap();
    sink.record(&event(9)).unwrap();
    let mut l = lines(&path);
    l[1] = lines(&other)[1].clone();
    write_lines(&path, &l);
    assert!(matches!(
        verify_chain(&path),
        Err(ChainError::Broken { line: 2 | 3 })
    ));
}

#[test]
fn a_deleted_line_is_detected() {
    let (_dir, path) = log_with(3);
    let mut l = lines(&path);
    l.remove(1);
    write_lines(&path, &l);
    assert!(matches!(
        verify_chain(&path),
        Err(ChainError::Broken { line: 2 })
    ));
}

#[test]
fn reordered_lines_are_detected() {
    let (_dir, path) = log_with(3);
    let mut l = lines(&path);
    l.swap(1, 2);
    write_lines(&path, &l);
    assert!(matches!(
        verify_chain(&path),
        Err(ChainError::Broken { line: 2 })
    ));
}

/// Issue 17, case 2: a line torn by a crash is recovered, not fatal. `verify_chain` reports it
/// as a torn tail, and the next append cuts it off and continues the chain.
#[test]
fn a_torn_last_line_is_recovered_by_the_next_append() {
    let (_dir, path) = log_with(2);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("{\"seq\":3,\"prev\":\"ab");
    std::fs::write(&path, text).unwrap();
    let torn = verify_chain(&path).unwrap();
    assert!(torn.torn_tail && torn.entries == 2, "{torn:?}");
    JsonlSink::open(&path).unwrap().record(&event(3)).unwrap();
    let summary = verify_chain(&path).unwrap();
    assert!(!summary.torn_tail && summary.entries == 3, "{summary:?}");
    let l = lines(&path);
    assert_eq!(l.len(), 3, "the torn fragment is gone");
    let after: serde_json::Value = serde_json::from_str(&l[2]).unwrap();
    assert_eq!(after["seq"], 3, "chained to the last complete line");
}

fn keyed_log(n: usize) -> (tempfile::TempDir, std::path::PathBuf, Kek) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let kek = Kek::generate();
    let sink = JsonlSink::open_keyed(&path, &kek).unwrap();
    for i in 0..n {
        sink.record(&event(i)).unwrap();
    }
    (dir, path, kek)
}

/// Issue 17, case 2: an unkeyed hash chain can be rewritten by whoever can write the file. The
/// keyed chain (HMAC under a key derived from a KEK, and an authenticated head holding the count
/// and the last MAC) detects an edit, a deletion, a re-chain, a reordering and a truncation.
#[test]
fn a_keyed_chain_detects_edit_delete_rechain_reorder_and_truncation() {
    let (dir, path, kek) = keyed_log(5);
    let head = JsonlSink::head_path(&path);
    let clean = verify_keyed(&path, &kek).unwrap();
    assert_eq!((clean.entries, clean.torn_tail), (5, false));
    let original = lines(&path);
    let original_head = std::fs::read(&head).unwrap();
    let restore = || {
        write_lines(&path, &original);
        std::fs::write(&head, &original_head).unwrap();
    };

    let mut l = original.clone();
    l[1] = l[1].replace("secret-1", "secret-9");
    write_lines(&path, &l);
    let err = verify_keyed(&path, &kek).unwrap_err();
    assert!(matches!(err, ChainError::Edited { line: 2 }), "{err}");

    let mut l = original.clone();
    l.remove(1);
    write_lines(&path, &l);
    let err = verify_keyed(&path, &kek).unwrap_err();
    assert!(matches!(err, ChainError::Broken { line: 2 }), "{err}");

    let mut l = original.clone();
    l.swap(1, 2);
    write_lines(&path, &l);
    let err = verify_keyed(&path, &kek).unwrap_err();
    assert!(matches!(err, ChainError::Broken { line: 2 }), "{err}");

    let mut l = original.clone();
    l.pop();
    write_lines(&path, &l);
    let err = verify_keyed(&path, &kek).unwrap_err();
    assert!(
        matches!(
            err,
            ChainError::Truncated {
                expected: 5,
                found: 4
            }
        ),
        "{err}"
    );

    // Re-chained: a line deleted and everything after recomputed, with the head, by someone
    // without the key (here, with another key).
    let forged = dir.path().join("forged.jsonl");
    let sink = JsonlSink::open_keyed(&forged, &Kek::generate()).unwrap();
    for i in [0, 2, 3, 4] {
        sink.record(&event(i)).unwrap();
    }
    std::fs::copy(&forged, &path).unwrap();
    std::fs::copy(JsonlSink::head_path(&forged), &head).unwrap();
    let err = verify_keyed(&path, &kek).unwrap_err();
    assert!(
        matches!(err, ChainError::Head(_) | ChainError::Edited { line: 1 }),
        "{err}"
    );

    restore();
    verify_keyed(&path, &kek).unwrap();
    std::fs::remove_file(&head).unwrap();
    let err = verify_keyed(&path, &kek).unwrap_err();
    assert!(matches!(err, ChainError::Head(_)), "{err}");
    restore();
    let mut edited: serde_json::Value = serde_json::from_slice(&original_head).unwrap();
    edited["entries"] = 4.into();
    std::fs::write(&head, serde_json::to_vec(&edited).unwrap()).unwrap();
    let err = verify_keyed(&path, &kek).unwrap_err();
    assert!(matches!(err, ChainError::Head(_)), "{err}");
    restore();

    // A torn last line is recovered here too.
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("{\"seq\":6,\"pr");
    std::fs::write(&path, text).unwrap();
    assert!(verify_keyed(&path, &kek).unwrap().torn_tail);
    JsonlSink::open_keyed(&path, &kek)
        .unwrap()
        .record(&event(5))
        .unwrap();
    let summary = verify_keyed(&path, &kek).unwrap();
    assert_eq!((summary.entries, summary.torn_tail), (6, false));
    assert!(
        matches!(
            verify_keyed(&path, &Kek::generate()),
            Err(ChainError::Edited { line: 1 } | ChainError::Head(_))
        ),
        "another key verifies nothing"
    );
}

/// Two handles on one file (as two processes would have), written from two threads at once:
/// the lock keeps the chain linear.
#[test]
fn concurrent_appends_keep_one_chain() {
    let (_dir, path) = log_with(0);
    let sinks = [
        JsonlSink::open(&path).unwrap(),
        JsonlSink::open(&path).unwrap(),
    ];
    std::thread::scope(|scope| {
        for sink in &sinks {
            scope.spawn(move || {
                for i in 0..50 {
                    sink.record(&event(i)).unwrap();
                }
            });
        }
    });
    assert_eq!(verify_chain(&path).unwrap().entries, 100);
}

#[cfg(unix)]
#[test]
fn the_log_is_created_0600() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path) = log_with(1);
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn resolves_are_logged_without_values() {
    let (_dir, path) = log_with(0);
    let resolver = Resolver::builder()
        .env(MapEnv::from([("OPENAI_API_KEY", CANARY)]))
        .audit(Arc::new(JsonlSink::open(&path).unwrap()))
        .actor("ci")
        .build();
    resolver.resolve(SecretId::OpenAiApiKey).unwrap();
    assert!(resolver.resolve(SecretId::GithubToken).is_err());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(CANARY));
    let entries: Vec<AuditEvent> = lines(&path)
        .iter()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            let o = v.as_object_mut().unwrap();
            for field in ["seq", "prev", "hash"] {
                o.remove(field);
            }
            serde_json::from_value(v).unwrap()
        })
        .collect();
    assert_eq!(entries[0].outcome, Outcome::Ok);
    assert_eq!(
        entries[0].source.as_deref(),
        Some("env `OPENAI_API_KEY` (canonical)")
    );
    assert_eq!(entries[1].outcome, Outcome::Missing);
    assert!(entries.iter().all(|e| e.actor.as_deref() == Some("ci")));
    verify_chain(&path).unwrap();
}

/// The keyed head is rewritten under the same lock as the line: appends from two handles at
/// once keep one chain and a head that matches it.
#[test]
fn concurrent_keyed_appends_keep_one_chain_and_its_head() {
    let (_dir, path, kek) = keyed_log(0);
    let sinks = [
        JsonlSink::open_keyed(&path, &kek).unwrap(),
        JsonlSink::open_keyed(&path, &kek).unwrap(),
    ];
    std::thread::scope(|scope| {
        for sink in &sinks {
            scope.spawn(move || {
                for i in 0..25 {
                    sink.record(&event(i)).unwrap();
                }
            });
        }
    });
    assert_eq!(verify_keyed(&path, &kek).unwrap().entries, 50);
}
