//! Kill -9 loops: a writer, a rotation with a key file, a two-phase rotation with a key in an
//! environment variable, and a keyed audit log's appends, each killed at a random moment, over
//! and over, and checked after each kill: the vault opens, every acknowledged write is there,
//! no record is lost, no temporary file (one of them would hold a valid key) outlives the next
//! open, and the audit log verifies and goes on.
//!
//! Each loop runs a few iterations by default and 500 under `--ignored`
//! (`cargo test -p vox-clavis --test kill_loops -- --ignored`). The children are this test
//! binary run again (`child_entry`, selected by `VOX_CLAVIS_TEST_CHILD`).

mod common;

use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::Duration;

use common::{child_role, spawn_child};
use secrecy::{ExposeSecret, SecretString};
use vox_clavis::{EnvKey, Kek, KeyFile, KeyProvider, StaticKey, Vault};

const SHORT: usize = 8;
const LONG: usize = 500;

const VAULT_VAR: &str = "VOX_CLAVIS_TEST_VAULT";
const KEY_VAR: &str = "VOX_CLAVIS_TEST_KEY";
const KEK_VAR: &str = "VOX_CLAVIS_TEST_KEK";
const SAVED_VAR: &str = "VOX_CLAVIS_TEST_SAVED";
const LOG_VAR: &str = "VOX_CLAVIS_TEST_LOG";
const READY: &str = "VOX-CHILD READY";
const ACK: &str = "VOX-CHILD ACK ";

/// A random number below `n`, from the standard library's randomly keyed hasher (no random
/// crate needed for test jitter).
fn random_below(n: u64) -> u64 {
    std::collections::hash_map::RandomState::new().hash_one(std::time::Instant::now()) % n
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Kills the child with SIGKILL and returns the lines it printed before dying.
fn kill(mut child: Child, lines: impl Iterator<Item = std::io::Result<String>>) -> Vec<String> {
    let _ = child.kill();
    child.wait().unwrap();
    lines.map_while(Result::ok).collect()
}

/// Every temporary file in `dir` is readable by its owner only (it may hold a key).
fn temps_are_private(dir: &Path) -> usize {
    let mut temps = 0;
    for name in files_in(dir).iter().filter(|n| n.contains(".tmp.")) {
        temps += 1;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // The next open may already have removed it.
            if let Ok(meta) = std::fs::metadata(dir.join(name)) {
                assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
            }
        }
    }
    temps
}

fn expected_records() -> BTreeMap<String, String> {
    (0..3)
        .map(|i| (format!("secret-{i}"), format!("value-{i}")))
        .collect()
}

fn assert_records(vault: &Vault, expected: &BTreeMap<String, String>, case: &str) {
    let report = vault.verify().unwrap_or_else(|e| panic!("{case}: {e}"));
    assert_eq!(report.records, expected.len(), "{case}");
    for (id, value) in expected {
        let got = vault.get(id).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert!(
            got.is_some_and(|v| v.expose_secret() == value),
            "{case}: {id} lost"
        );
    }
}

fn seeded_vault(dir: &Path, keys: impl KeyProvider + 'static) -> PathBuf {
    let path = dir.join("vault.json");
    let vault = Vault::create(&path, keys).unwrap();
    for (id, value) in expected_records() {
        vault.put(&id, &SecretString::from(value)).unwrap();
    }
    path
}

/// A writer killed at random moments of a stream of writes: every write it acknowledged
/// survives, and the next open cleans up after it.
fn writer_loop(iterations: usize) {
    for round in 0..iterations {
        // A fresh vault each round keeps the check linear (each `get` reads the whole file).
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("kek");
        let path = seeded_vault(dir.path(), KeyFile::create(&key).unwrap());
        let mut expected = expected_records();
        let mut child = spawn_child(
            "child_entry",
            &format!("write-loop:{round}"),
            &[(VAULT_VAR, &path), (KEY_VAR, &key)],
        );
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        wait_for(&mut lines, READY);
        std::thread::sleep(Duration::from_micros(random_below(20_000)));
        for line in kill(child, lines) {
            if let Some(i) = line.split(ACK).nth(1) {
                expected.insert(format!("w{round}-{i}"), format!("v{round}-{i}"));
            }
        }
        let case = format!("writer killed in round {round}");
        temps_are_private(dir.path());
        let vault =
            Vault::open(&path, KeyFile::new(&key)).unwrap_or_else(|e| panic!("{case}: {e}"));
        // Acknowledged writes are there; one more may be, written just before the kill.
        let report = vault.verify().unwrap_or_else(|e| panic!("{case}: {e}"));
        assert!(report.records >= expected.len(), "{case}");
        for (id, value) in &expected {
            let got = vault.get(id).unwrap();
            assert!(
                got.is_some_and(|v| v.expose_secret() == value),
                "{case}: {id} lost"
            );
        }
        assert_eq!(
            files_in(dir.path()),
            ["kek", "vault.json", "vault.json.lock"],
            "{case}"
        );
    }
}

#[test]
fn killed_writers_lose_nothing() {
    writer_loop(SHORT);
}

#[test]
#[ignore = "500 kill -9 rounds; run with --ignored"]
fn killed_writers_lose_nothing_500_rounds() {
    writer_loop(LONG);
}

/// A process rotating the KEK of a key-file vault over and over, killed at random moments: the
/// key file opens the vault every time, with every record, and the next open removes any
/// temporary key file (0600 while it exists).
fn key_file_rotation_loop(iterations: usize) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("kek");
    let path = seeded_vault(dir.path(), KeyFile::create(&key).unwrap());
    let expected = expected_records();
    let mut temps = 0;
    for round in 0..iterations {
        let mut child = spawn_child(
            "child_entry",
            "rotate-loop",
            &[(VAULT_VAR, &path), (KEY_VAR, &key)],
        );
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        wait_for(&mut lines, READY);
        std::thread::sleep(Duration::from_micros(random_below(30_000)));
        kill(child, lines);
        let case = format!("rotation killed in round {round}");
        temps += temps_are_private(dir.path());
        let vault =
            Vault::open(&path, KeyFile::new(&key)).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(
            files_in(dir.path()),
            ["kek", "vault.json", "vault.json.lock"],
            "{case}"
        );
        assert_records(&vault, &expected, &case);
    }
    eprintln!("{iterations} rotations killed, {temps} temporary files cleaned up");
}

#[test]
fn killed_key_file_rotations_lose_nothing_and_leave_no_key_behind() {
    key_file_rotation_loop(SHORT);
}

#[test]
#[ignore = "500 kill -9 rounds; run with --ignored"]
fn killed_key_file_rotations_lose_nothing_500_rounds() {
    key_file_rotation_loop(LONG);
}

/// A two-phase rotation with the key in an environment variable, killed at a random moment:
/// the child stages, saves the key it is handed (as an operator installs it), then commits.
/// After each kill the vault opens with the old key or the saved new one, with every record.
fn env_key_rotation_loop(iterations: usize) {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved-key");
    let mut current = Kek::generate();
    let path = seeded_vault(dir.path(), StaticKey::new(current.clone()));
    let expected = expected_records();
    // After each kill: how often only the old key, only the new one, or both opened the vault.
    let mut outcomes = [0usize; 4];
    for round in 0..iterations {
        std::fs::write(&saved, b"").unwrap();
        let kek = current.to_base64();
        let kek_path = PathBuf::from(kek.expose_secret());
        let child = spawn_child(
            "child_entry",
            "two-phase",
            &[
                (VAULT_VAR, &path),
                (KEK_VAR, &kek_path),
                (SAVED_VAR, &saved),
            ],
        );
        std::thread::sleep(Duration::from_micros(random_below(40_000)));
        let mut child = child;
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        kill(child, lines);
        let case = format!("two-phase rotation killed in round {round}");
        let text = std::fs::read_to_string(&saved).unwrap();
        let new = text
            .strip_suffix('\n')
            .map(|line| Kek::from_base64(line).unwrap());
        let opens = |kek: &Kek| Vault::open(&path, StaticKey::new(kek.clone())).ok();
        let by_old = opens(&current);
        let by_new = new.as_ref().and_then(|k| opens(k).map(|v| (k, v)));
        outcomes[usize::from(by_old.is_some()) + 2 * usize::from(by_new.is_some())] += 1;
        let vault = match (by_old, by_new) {
            (_, Some((kek, vault))) => {
                current = kek.clone();
                vault
            }
            (Some(vault), None) => vault,
            (None, None) => panic!("{case}: neither the old nor the saved key opens the vault"),
        };
        assert_records(&vault, &expected, &case);
        assert_eq!(
            files_in(dir.path()),
            ["saved-key", "vault.json", "vault.json.lock"],
            "{case}"
        );
    }
    eprintln!(
        "{iterations} two-phase rotations killed: old key only {}, new key only {}, both {}",
        outcomes[1], outcomes[2], outcomes[3]
    );
}

#[test]
fn killed_two_phase_rotations_with_an_env_key_lose_nothing() {
    env_key_rotation_loop(SHORT);
}

#[test]
#[ignore = "500 kill -9 rounds; run with --ignored"]
fn killed_two_phase_rotations_with_an_env_key_lose_nothing_500_rounds() {
    env_key_rotation_loop(LONG);
}

/// A process appending to a keyed audit log, killed at random moments: the log verifies after
/// every kill (a torn last line is reported, not fatal), every acknowledged event is in it, and
/// the next append continues the chain.
fn keyed_audit_loop(iterations: usize) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let key = dir.path().join("audit.kek");
    KeyFile::create(&key).unwrap();
    let kek = KeyFile::new(&key).load().unwrap();
    let mut acked = 0u64;
    let mut torn = 0;
    for round in 0..iterations {
        let mut child = spawn_child(
            "child_entry",
            "audit-loop",
            &[(LOG_VAR, &log), (KEY_VAR, &key)],
        );
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        wait_for(&mut lines, READY);
        std::thread::sleep(Duration::from_micros(random_below(20_000)));
        acked += kill(child, lines)
            .iter()
            .filter(|l| l.contains(ACK))
            .count() as u64;
        let case = format!("audit append killed in round {round}");
        let summary =
            vox_clavis::audit::verify_keyed(&log, &kek).unwrap_or_else(|e| panic!("{case}: {e}"));
        torn += usize::from(summary.torn_tail);
        assert!(
            summary.entries >= acked,
            "{case}: {summary:?}, {acked} acknowledged"
        );
        // The parent appends too: the chain goes on, whatever the kill left.
        let sink = vox_clavis::JsonlSink::open_keyed(&log, &kek).unwrap();
        vox_clavis::AuditSink::record(
            &sink,
            &vox_clavis::AuditEvent::new(vox_clavis::Action::VaultList, vox_clavis::Outcome::Ok),
        )
        .unwrap();
        acked = vox_clavis::audit::verify_keyed(&log, &kek).unwrap().entries;
    }
    eprintln!("{iterations} audit appends killed, {torn} torn lines recovered");
}

#[test]
fn killed_keyed_audit_appends_lose_no_acknowledged_event() {
    keyed_audit_loop(SHORT);
}

#[test]
#[ignore = "500 kill -9 rounds; run with --ignored"]
fn killed_keyed_audit_appends_lose_no_acknowledged_event_500_rounds() {
    keyed_audit_loop(LONG);
}

fn wait_for(lines: &mut impl Iterator<Item = std::io::Result<String>>, prefix: &str) {
    for line in lines {
        if line.unwrap().contains(prefix) {
            return;
        }
    }
    panic!("the child exited before printing {prefix:?}");
}

/// The child side; a no-op when run as an ordinary test.
#[test]
fn child_entry() {
    let Some(role) = child_role() else {
        return;
    };
    let path = std::env::var_os(VAULT_VAR)
        .map(PathBuf::from)
        .unwrap_or_default();
    let say = |line: &str| {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}").unwrap();
        out.flush().unwrap();
    };
    let key_file = || KeyFile::new(std::env::var_os(KEY_VAR).unwrap());
    if let Some(round) = role.strip_prefix("write-loop:") {
        let vault = Vault::new(&path, key_file());
        say(READY);
        for i in 0.. {
            vault
                .put(
                    &format!("w{round}-{i}"),
                    &SecretString::from(format!("v{round}-{i}")),
                )
                .unwrap();
            say(&format!("{ACK}{i}"));
        }
    } else if role == "rotate-loop" {
        let vault = Vault::new(&path, key_file());
        say(READY);
        loop {
            vault.rotate_kek(Kek::generate()).unwrap();
        }
    } else if role == "audit-loop" {
        let log = PathBuf::from(std::env::var_os(LOG_VAR).unwrap());
        let kek = key_file().load().unwrap();
        let sink = vox_clavis::JsonlSink::open_keyed(&log, &kek).unwrap();
        say(READY);
        for i in 0.. {
            let event =
                vox_clavis::AuditEvent::new(vox_clavis::Action::Resolve, vox_clavis::Outcome::Ok)
                    .id(format!("secret-{i}"));
            vox_clavis::AuditSink::record(&sink, &event).unwrap();
            say(&format!("{ACK}{i}"));
        }
    } else if role == "two-phase" {
        let vault = Vault::new(&path, EnvKey::new(KEK_VAR));
        let staged = vault.stage_rotation(Kek::generate()).unwrap();
        let saved = PathBuf::from(std::env::var_os(SAVED_VAR).unwrap());
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(saved)
            .unwrap();
        let mut line = staged.kek().to_base64().expose_secret().to_owned();
        line.push('\n');
        file.write_all(line.as_bytes()).unwrap();
        file.sync_all().unwrap();
        vault.commit_rotation(&staged.into_kek()).unwrap();
        say(READY);
        std::thread::sleep(Duration::from_secs(30));
    } else {
        panic!("unknown child role {role}");
    }
}
