//! The vault under failure: KEK rotation interrupted at every step, writer processes killed in
//! the middle of a write, and two processes writing at once.
//!
//! The process tests run this test binary again as a child (`child_entry`, selected by
//! `VOX_CLAVIS_TEST_CHILD`), which writes to the vault and reports on its standard output.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{child_role, spawn_child};
use secrecy::{ExposeSecret, SecretString};
use vox_clavis::vault::FaultPoint;
use vox_clavis::{Error, Kek, KeyFile, KeyProvider, StaticKey, Vault};

const VAULT_VAR: &str = "VOX_CLAVIS_TEST_VAULT";
const KEY_VAR: &str = "VOX_CLAVIS_TEST_KEY";
const READY: &str = "VOX-CHILD READY";
const ACK: &str = "VOX-CHILD ACK ";

/// A vault with a key file, holding three records.
fn vault_with_key_file() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("kek");
    let path = dir.path().join("vault.json");
    let vault = Vault::create(&path, KeyFile::create(&key).unwrap()).unwrap();
    for i in 0..3 {
        vault
            .put(
                &format!("secret-{i}"),
                &SecretString::from(format!("value-{i}")),
            )
            .unwrap();
    }
    (dir, path, key)
}

fn values(vault: &Vault) -> Result<Vec<(String, String)>, Error> {
    vault
        .list()?
        .into_iter()
        .map(|id| {
            let value = vault.get(&id)?.expect("listed ids exist");
            Ok((id, value.expose_secret().to_owned()))
        })
        .collect()
}

fn files_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

type Hook = Arc<dyn Fn(FaultPoint) -> std::io::Result<()> + Send + Sync>;

/// Interrupts a rotation at its first, second, ... fault point until one runs through, and
/// after each interruption checks: the key provider holds the old or the new key; the vault
/// opens with that key (what the next process will use) and with the old or the new one; the
/// next write settles the rotation and removes every temporary file (a key file's would hold a
/// key); all values are intact; and rotating again works. `provider` makes the vault (three
/// records) in a fresh directory and returns the provider, given the fault hook for it.
fn interrupt_every_step(
    provider: impl Fn(&Path, Hook) -> Arc<dyn KeyProvider>,
    files: &[&str],
) -> Vec<FaultPoint> {
    let expected: Vec<_> = (0..3)
        .map(|i| (format!("secret-{i}"), format!("value-{i}")))
        .collect();
    let mut interrupted_at = Vec::new();
    for n in 1.. {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.json");
        let calls = Arc::new(AtomicUsize::new(0));
        let hit = Arc::new(Mutex::new(None));
        let (calls2, hit2) = (calls.clone(), hit.clone());
        let armed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let armed2 = armed.clone();
        let hook: Hook = Arc::new(move |point| {
            if armed2.load(Ordering::SeqCst) && calls2.fetch_add(1, Ordering::SeqCst) + 1 == n {
                *hit2.lock().unwrap() = Some(point);
                return Err(std::io::Error::other("injected crash"));
            }
            Ok(())
        });
        let keys = provider(dir.path(), hook.clone());
        let seed = Vault::create(&path, keys.clone()).unwrap();
        for (id, value) in &expected {
            seed.put(id, &SecretString::from(value.as_str())).unwrap();
        }
        let old = keys.load().unwrap();
        let new = Kek::generate();
        let hook2 = hook.clone();
        let vault = Vault::new(&path, keys.clone()).with_fault_hook(move |p| hook2(p));
        armed.store(true, Ordering::SeqCst);
        let result = vault.rotate_kek(new.clone());
        armed.store(false, Ordering::SeqCst);
        let Some(point) = *hit.lock().unwrap() else {
            result.unwrap();
            break;
        };
        assert!(
            result.is_err(),
            "step {n} ({point:?}) must abort the rotation"
        );
        interrupted_at.push(point);
        let case = format!("interrupted at step {n} ({point:?})");

        let installed = keys.load().unwrap().id();
        assert!(installed == old.id() || installed == new.id(), "{case}");
        let fresh = Vault::open(&path, keys.clone()).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(values(&fresh).unwrap(), expected, "{case}");
        let with_old = Vault::new(&path, StaticKey::new(old.clone()))
            .verify()
            .is_ok();
        let with_new = Vault::new(&path, StaticKey::new(new.clone()))
            .verify()
            .is_ok();
        assert!(with_old || with_new, "{case}: neither key opens the vault");

        fresh.put("after", &SecretString::from("after")).unwrap();
        assert!(!fresh.verify().unwrap().rotation_pending, "{case}");
        assert_eq!(values(&fresh).unwrap().len(), 4, "{case}");
        assert_eq!(
            files_in(dir.path()),
            files.iter().map(|f| f.to_string()).collect(),
            "{case}"
        );
        fresh.rotate_kek(Kek::generate()).unwrap();
        assert_eq!(values(&fresh).unwrap().len(), 4, "{case}");
    }
    interrupted_at
}

/// With a key file, whose own write is interrupted at each of its steps too.
#[test]
fn rotation_interrupted_at_every_step_leaves_the_vault_readable() {
    let interrupted_at = interrupt_every_step(
        |dir, hook| {
            let key = dir.join("kek");
            KeyFile::create(&key).unwrap();
            Arc::new(KeyFile::new(&key).with_fault_hook(move |p| hook(p)))
        },
        &["kek", "vault.json", "vault.json.lock"],
    );
    // Every step of both vault writes, the key file's write and the key installation was
    // interrupted once.
    use FaultPoint::*;
    assert_eq!(
        interrupted_at,
        [
            Locked,
            PartlyWritten,
            BeforeRename,
            BeforeDirSync,
            RotationStaged,
            PartlyWritten,
            BeforeRename,
            BeforeDirSync,
            RotationKeyStored,
            PartlyWritten,
            BeforeRename,
            BeforeDirSync
        ]
    );
}

/// With the OS keyring (keyring-core's mock store; a keyring entry cannot be half-written).
#[test]
fn rotation_with_the_keyring_interrupted_at_every_step_leaves_the_vault_readable() {
    let interrupted_at = interrupt_every_step(
        |_, _| {
            let store: Arc<keyring_core::CredentialStore> =
                keyring_core::mock::Store::new().unwrap();
            let keys = vox_clavis::KeyringKey::in_store(store, "vox-clavis", "vault");
            keys.store(&Kek::generate()).unwrap();
            Arc::new(keys)
        },
        &["vault.json", "vault.json.lock"],
    );
    assert_eq!(interrupted_at.len(), 9, "{interrupted_at:?}");
}

/// A provider that cannot store a new key, as [`vox_clavis::EnvKey`] cannot.
struct ReadOnly(Kek);

impl KeyProvider for ReadOnly {
    fn describe(&self) -> String {
        "read-only key".into()
    }
    fn load(&self) -> Result<Kek, Error> {
        Ok(self.0.clone())
    }
}

/// Issue 17, case 1: with a provider that cannot store the new key, `rotate_kek` refuses and
/// changes nothing (it used to drop the new key and leave a vault nobody could open). The
/// two-phase rotation hands the key back after wrapping every data key under both keys, and
/// drops the old wrapping only when the caller confirms with the new key; an interruption in
/// between leaves the vault readable with the old key, and the next write settles back on it.
#[test]
fn rotation_with_a_read_only_provider_refuses_or_goes_in_two_phases() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.json");
    let old = Kek::generate();
    let sink = vox_clavis::MemorySink::new();
    let vault = Vault::create(&path, ReadOnly(old.clone()))
        .unwrap()
        .with_audit(Arc::new(sink.clone()));
    vault.put("a", &SecretString::from("value")).unwrap();

    let before = std::fs::read(&path).unwrap();
    let err = vault.rotate_kek(Kek::generate()).unwrap_err();
    assert!(matches!(err, Error::Key { .. }), "{err}");
    assert!(
        err.to_string().contains("cannot store") && err.to_string().contains("stage_rotation"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "a refused rotation writes nothing"
    );
    let refused = sink.events().pop().unwrap();
    assert_eq!(
        (refused.action, refused.outcome),
        (vox_clavis::Action::RotateKek, vox_clavis::Outcome::Denied)
    );

    // Interrupted after staging: the old key still opens it, and a write settles back on it.
    let interrupted =
        Vault::new(&path, ReadOnly(old.clone())).with_fault_hook(|point| match point {
            FaultPoint::RotationStaged => Err(std::io::Error::other("injected crash")),
            _ => Ok(()),
        });
    assert!(interrupted.stage_rotation(Kek::generate()).is_err());
    assert!(vault.get("a").unwrap().unwrap().expose_secret() == "value");
    vault.put("b", &SecretString::from("value")).unwrap();
    assert!(
        !vault.verify().unwrap().rotation_pending,
        "settled back on the old key"
    );
    let recovered = sink
        .events()
        .into_iter()
        .find(|e| e.action == vox_clavis::Action::RecoverRotation);
    assert!(recovered.is_some_and(|e| e.detail.unwrap().contains(&old.id())));

    // Staged: both keys open it until the caller confirms with the key it was handed.
    let staged = vault.stage_rotation(Kek::generate()).unwrap();
    assert_eq!(
        (staged.from.as_str(), staged.records),
        (old.id().as_str(), 2)
    );
    assert!(!format!("{staged:?}").contains(staged.kek().to_base64().expose_secret()));
    let new = staged.into_kek();
    assert!(vault.verify().unwrap().rotation_pending);
    assert_eq!(
        Vault::open(&path, ReadOnly(new.clone()))
            .unwrap()
            .verify()
            .unwrap()
            .records,
        2
    );
    let err = vault.commit_rotation(&Kek::generate()).unwrap_err();
    assert!(err.to_string().contains("no rotation to key id"), "{err}");
    let rotation = vault.commit_rotation(&new).unwrap();
    assert_eq!((rotation.to.clone(), rotation.records), (new.id(), 2));
    assert!(
        matches!(vault.verify(), Err(Error::WrongKey { .. })),
        "the old key no longer opens it"
    );
    let reopened = Vault::open(&path, ReadOnly(new)).unwrap();
    let report = reopened.verify().unwrap();
    assert!(report.records == 2 && !report.rotation_pending);
}

/// Reads the child's output until a line containing `prefix` (the test harness may have
/// started the line); returns what follows it.
fn wait_for(lines: &mut impl Iterator<Item = std::io::Result<String>>, prefix: &str) -> String {
    for line in lines {
        let line = line.unwrap();
        if let Some(at) = line.find(prefix) {
            return line[at + prefix.len()..].to_owned();
        }
    }
    panic!("the child exited before printing {prefix:?}");
}

fn kill(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

fn child_env<'a>(path: &'a Path, key: &'a Path) -> [(&'static str, &'a Path); 2] {
    [(VAULT_VAR, path), (KEY_VAR, key)]
}

/// A writer process killed at each step of a write: before the rename the previous state is
/// intact, after it the new one is complete; never a mix. The dead writer's lock is released
/// and its temporary file is removed by the next open.
#[test]
fn a_writer_killed_mid_write_leaves_the_previous_state_intact() {
    for (point, expect_new) in [
        ("PartlyWritten", false),
        ("BeforeRename", false),
        ("BeforeDirSync", true),
    ] {
        let (dir, path, key) = vault_with_key_file();
        let child = spawn_child(
            "child_entry",
            &format!("hang-at:{point}"),
            &child_env(&path, &key),
        );
        let mut child = child;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        wait_for(&mut lines, READY);
        kill(child);
        if !expect_new {
            assert!(
                files_in(dir.path())
                    .iter()
                    .any(|f| f.starts_with(".vault.json.tmp.")),
                "killed at {point}"
            );
        }

        // Opening cleans up after the dead writer (its lock died with it).
        let vault = Vault::open(&path, KeyFile::new(&key)).unwrap();
        assert_eq!(
            files_in(dir.path()),
            ["kek", "vault.json", "vault.json.lock"]
                .map(String::from)
                .into(),
            "killed at {point}"
        );
        let value = vault.get("secret-0").unwrap().unwrap();
        let expected = if expect_new {
            "value-from-child"
        } else {
            "value-0"
        };
        assert!(
            value.expose_secret() == expected,
            "killed at {point}: wrong value"
        );
        assert_eq!(vault.verify().unwrap().records, 3, "killed at {point}");
        // The lock died with the child: this write does not block.
        vault.put("secret-1", &SecretString::from("later")).unwrap();
        assert_eq!(
            files_in(dir.path()),
            ["kek", "vault.json", "vault.json.lock"]
                .map(String::from)
                .into()
        );
    }
}

/// A writer process killed at an arbitrary moment of a stream of writes loses none of the
/// writes it had acknowledged.
#[test]
fn acknowledged_writes_survive_a_writer_killed_at_any_moment() {
    let (_dir, path, key) = vault_with_key_file();
    let mut child = spawn_child("child_entry", "write-loop", &child_env(&path, &key));
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acked = 0;
    while acked < 15 {
        acked = wait_for(&mut lines, ACK).parse::<usize>().unwrap() + 1;
    }
    kill(child);
    let vault = Vault::open(&path, KeyFile::new(&key)).unwrap();
    vault.verify().unwrap();
    for i in 0..acked {
        let value = vault.get(&format!("loop-{i}")).unwrap();
        let expected = format!("loop-value-{i}");
        assert!(
            value.is_some_and(|v| v.expose_secret() == expected),
            "write {i} lost"
        );
    }
}

/// Two processes writing different ids at the same time, each pausing between reading the
/// vault and writing it back (where an unserialized writer would overwrite the other's
/// work): every write of both survives.
#[test]
fn concurrent_writers_in_two_processes_lose_nothing() {
    let (_dir, path, key) = vault_with_key_file();
    let children: Vec<Child> = ["A", "B"]
        .iter()
        .map(|name| {
            spawn_child(
                "child_entry",
                &format!("writer:{name}"),
                &child_env(&path, &key),
            )
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let vault = Vault::open(&path, KeyFile::new(&key)).unwrap();
    let ids = vault.list().unwrap();
    for name in ["A", "B"] {
        for i in 0..WRITES_PER_WRITER {
            assert!(
                ids.contains(&format!("{name}-{i}")),
                "lost {name}-{i}: {ids:?}"
            );
        }
    }
    assert_eq!(vault.verify().unwrap().records, 3 + 2 * WRITES_PER_WRITER);
}

const WRITES_PER_WRITER: usize = 15;

/// The child side of the process tests; a no-op when run as an ordinary test.
#[test]
fn child_entry() {
    let Some(role) = child_role() else {
        return;
    };
    let path = PathBuf::from(std::env::var_os(VAULT_VAR).unwrap());
    let key = PathBuf::from(std::env::var_os(KEY_VAR).unwrap());
    let say = |line: &str| {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}").unwrap();
        out.flush().unwrap();
    };
    if let Some(point) = role.strip_prefix("hang-at:") {
        let point = point.to_owned();
        let vault = Vault::new(&path, KeyFile::new(&key)).with_fault_hook(move |at| {
            if format!("{at:?}") == point {
                let mut out = std::io::stdout().lock();
                writeln!(out, "{READY}").unwrap();
                out.flush().unwrap();
                // Wait to be killed; give up eventually so an orphan cannot linger.
                std::thread::sleep(Duration::from_secs(30));
                std::process::exit(3);
            }
            Ok(())
        });
        vault
            .put("secret-0", &SecretString::from("value-from-child"))
            .unwrap();
        unreachable!("the fault hook never returns at its point");
    } else if role == "write-loop" {
        let vault = Vault::new(&path, KeyFile::new(&key));
        for i in 0.. {
            vault
                .put(
                    &format!("loop-{i}"),
                    &SecretString::from(format!("loop-value-{i}")),
                )
                .unwrap();
            say(&format!("{ACK}{i}"));
        }
    } else if let Some(name) = role.strip_prefix("writer:") {
        // Widen the window between reading the state and writing it back.
        let vault = Vault::new(&path, KeyFile::new(&key)).with_fault_hook(|at| {
            if at == FaultPoint::Locked {
                std::thread::sleep(Duration::from_millis(2));
            }
            Ok(())
        });
        for i in 0..WRITES_PER_WRITER {
            vault
                .put(&format!("{name}-{i}"), &SecretString::from("v"))
                .unwrap();
        }
    } else {
        panic!("unknown child role {role}");
    }
}

/// A key file write that fails before its rename removes its temporary copy of the key at once
/// (not only on the next open), and the old key stays in place.
#[test]
fn a_failed_key_file_write_leaves_no_copy_of_the_key() {
    for point in [FaultPoint::PartlyWritten, FaultPoint::BeforeRename] {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("kek");
        let old = KeyFile::create(&key).unwrap().load().unwrap();
        let failing = KeyFile::new(&key).with_fault_hook(move |at| {
            if at == point {
                Err(std::io::Error::other("disk full"))
            } else {
                Ok(())
            }
        });
        assert!(failing.store(&Kek::generate()).is_err(), "{point:?}");
        assert_eq!(files_in(dir.path()), ["kek".to_owned()].into(), "{point:?}");
        assert_eq!(
            KeyFile::new(&key).load().unwrap().id(),
            old.id(),
            "{point:?}"
        );
    }
}
