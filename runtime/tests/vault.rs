//! The vault's storage guarantees that a single process can show: encryption at rest, tamper
//! detection, key checks, snapshots. Crashes, rotation faults and concurrent processes are in
//! `vault_faults.rs`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{CANARY, CANARY_ALIAS};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use vox_clavis::{Action, Error, Kek, KeyFile, MemorySink, StaticKey, Vault};

fn new_vault() -> (tempfile::TempDir, Vault, Kek) {
    let dir = tempfile::tempdir().unwrap();
    let kek = Kek::generate();
    let vault = Vault::create(dir.path().join("vault.json"), StaticKey::new(kek.clone())).unwrap();
    (dir, vault, kek)
}

fn get(vault: &Vault, id: &str) -> Result<Option<String>, Error> {
    Ok(vault.get(id)?.map(|v| v.expose_secret().to_owned()))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn write_json(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
}

#[test]
fn put_get_delete_list_round_trip() {
    let (_dir, vault, _) = new_vault();
    assert_eq!(vault.list().unwrap(), Vec::<String>::new());
    let v1 = vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    vault
        .put("GithubToken", &SecretString::from(CANARY_ALIAS))
        .unwrap();
    let v2 = vault
        .put("OpenAiApiKey", &SecretString::from("second value"))
        .unwrap();
    assert!(v2 > v1, "a new version for every write");
    assert_eq!(
        get(&vault, "OpenAiApiKey").unwrap().as_deref(),
        Some("second value")
    );
    assert_eq!(vault.list().unwrap(), ["GithubToken", "OpenAiApiKey"]);
    assert!(vault.delete("GithubToken").unwrap());
    assert!(!vault.delete("GithubToken").unwrap());
    assert_eq!(get(&vault, "GithubToken").unwrap(), None);
    assert_eq!(vault.verify().unwrap().records, 1);
}

#[test]
fn create_refuses_an_existing_vault_and_ids_are_checked() {
    let (dir, vault, kek) = new_vault();
    let again = Vault::create(dir.path().join("vault.json"), StaticKey::new(kek));
    assert!(matches!(again, Err(Error::Io { .. })));
    for bad in ["", "has space", "new\nline", &"x".repeat(129)] {
        assert!(
            matches!(
                vault.put(bad, &SecretString::from(CANARY)),
                Err(Error::InvalidId(_))
            ),
            "{bad:?}"
        );
    }
}

/// No plaintext value is ever written: not in the vault, not in a snapshot, not in a key file.
#[test]
fn nothing_is_written_in_plaintext() {
    let (dir, vault, _) = new_vault();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    vault.snapshot(dir.path().join("snapshot.json")).unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(CANARY));
        assert!(!text.contains(&base64_of(CANARY)));
    }
}

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn a_tampered_ciphertext_is_detected() {
    let (_dir, vault, _) = new_vault();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    let mut json = read_json(vault.path());
    let ct = json["records"]["OpenAiApiKey"]["ciphertext"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut bytes =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &ct).unwrap();
    bytes[0] ^= 1;
    json["records"]["OpenAiApiKey"]["ciphertext"] = base64_bytes(&bytes).into();
    write_json(vault.path(), &json);
    assert!(matches!(
        vault.get("OpenAiApiKey"),
        Err(Error::Tampered { .. })
    ));
    assert!(matches!(vault.verify(), Err(Error::Tampered { .. })));
}

fn base64_bytes(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Two records' contents exchanged: each would decrypt under its own data key, but the id is
/// bound as associated data and the manifest binds each id to its record's digest.
#[test]
fn swapped_records_are_detected() {
    let (_dir, vault, _) = new_vault();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    vault
        .put("GithubToken", &SecretString::from(CANARY_ALIAS))
        .unwrap();
    let mut json = read_json(vault.path());
    let records = json["records"].as_object_mut().unwrap();
    let a = records["OpenAiApiKey"].clone();
    let b = records["GithubToken"].clone();
    records.insert("OpenAiApiKey".into(), b);
    records.insert("GithubToken".into(), a);
    write_json(vault.path(), &json);
    assert!(matches!(
        vault.get("OpenAiApiKey"),
        Err(Error::Tampered { .. })
    ));
    assert!(matches!(
        vault.get("GithubToken"),
        Err(Error::Tampered { .. })
    ));
}

/// A swapped record with the manifest MAC taken out of the picture: the associated data alone
/// still refuses it. (The manifest is recomputed and resealed here as an attacker holding only
/// the file could not.)
#[test]
fn the_associated_data_binds_id_and_version_on_its_own() {
    let (_dir, vault, kek) = new_vault();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    vault
        .put("GithubToken", &SecretString::from(CANARY_ALIAS))
        .unwrap();
    let mut json = read_json(vault.path());
    let gh = json["records"]["GithubToken"].clone();
    json["records"]["OpenAiApiKey"]["nonce"] = gh["nonce"].clone();
    json["records"]["OpenAiApiKey"]["ciphertext"] = gh["ciphertext"].clone();
    json["records"]["OpenAiApiKey"]["keys"] = gh["keys"].clone();
    json["records"]["OpenAiApiKey"]["version"] = gh["version"].clone();
    write_json(vault.path(), &json);
    reseal_as_key_holder(vault.path(), &kek);
    let err = vault.get("OpenAiApiKey").unwrap_err();
    assert!(
        err.to_string()
            .contains("the data key of `OpenAiApiKey` failed authentication"),
        "{err}"
    );

    // An old version of a record relabelled with the current version number.
    let (_dir, vault, kek) = new_vault();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    let old = read_json(vault.path())["records"]["OpenAiApiKey"].clone();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY_ALIAS))
        .unwrap();
    let mut json = read_json(vault.path());
    let version = json["records"]["OpenAiApiKey"]["version"].clone();
    json["records"]["OpenAiApiKey"] = old;
    json["records"]["OpenAiApiKey"]["version"] = version;
    write_json(vault.path(), &json);
    reseal_as_key_holder(vault.path(), &kek);
    let err = vault.get("OpenAiApiKey").unwrap_err();
    assert!(
        err.to_string()
            .contains("the data key of `OpenAiApiKey` failed authentication"),
        "{err}"
    );
}

/// Recomputes the manifest seal of a hand-edited vault file, as only a holder of the key could,
/// by deriving the MAC key the way the vault does (HKDF-SHA-256, then HMAC-SHA-256).
fn reseal_as_key_holder(path: &Path, kek: &Kek) {
    let json = read_json(path);
    let manifest = manifest_of(&json);
    let (mac_key, kek_id) = derive(kek);
    let mut json = json;
    let seal = hmac_b64(&mac_key, manifest.as_bytes());
    json["seals"] = serde_json::json!({ kek_id: seal });
    write_json(path, &json);
}

fn manifest_of(json: &Value) -> String {
    use sha2::Digest;
    let mut out = format!(
        "vox-clavis vault manifest v1\ngeneration {}\nkeys {}\n",
        json["generation"],
        json["seals"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join(",")
    );
    for (id, record) in json["records"].as_object().unwrap() {
        let digest = sha2::Sha256::digest(
            format!(
                "{}.{}",
                record["nonce"].as_str().unwrap(),
                record["ciphertext"].as_str().unwrap()
            )
            .as_bytes(),
        );
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        out.push_str(&format!("record {id} {} {hex}\n", record["version"]));
    }
    out
}

fn derive(kek: &Kek) -> ([u8; 32], String) {
    let bytes = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        kek.to_base64().expose_secret(),
    )
    .unwrap();
    let hkdf = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"vox-clavis vault v1"), &bytes);
    let mut mac = [0u8; 32];
    hkdf.expand(b"manifest authentication", &mut mac).unwrap();
    (mac, kek.id())
}

fn hmac_b64(key: &[u8; 32], message: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(message);
    base64_bytes(&mac.finalize().into_bytes())
}

/// An old version of a record put back in place of the current one (a rollback of one secret,
/// say to a revoked key) is detected.
#[test]
fn a_replayed_old_record_is_detected() {
    let (_dir, vault, _) = new_vault();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    let old = read_json(vault.path())["records"]["OpenAiApiKey"].clone();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY_ALIAS))
        .unwrap();

    // The old record as it was.
    let mut json = read_json(vault.path());
    json["records"]["OpenAiApiKey"] = old.clone();
    write_json(vault.path(), &json);
    assert!(matches!(
        vault.get("OpenAiApiKey"),
        Err(Error::Tampered { .. })
    ));

    // The old record relabelled with the current version: its associated data no longer matches.
    let mut json = read_json(vault.path());
    let current_version = json["generation"].clone();
    json["records"]["OpenAiApiKey"]["version"] = current_version;
    write_json(vault.path(), &json);
    assert!(matches!(
        vault.get("OpenAiApiKey"),
        Err(Error::Tampered { .. })
    ));
}

/// A deleted record put back is detected: the manifest lists the ids that exist.
#[test]
fn a_resurrected_deleted_record_is_detected() {
    let (_dir, vault, _) = new_vault();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    let old = read_json(vault.path())["records"]["OpenAiApiKey"].clone();
    vault.delete("OpenAiApiKey").unwrap();
    let mut json = read_json(vault.path());
    json["records"]["OpenAiApiKey"] = old;
    write_json(vault.path(), &json);
    assert!(matches!(vault.list(), Err(Error::Tampered { .. })));
}

#[test]
fn a_wrong_kek_is_rejected_with_both_key_ids() {
    let (_dir, vault, kek) = new_vault();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    let other = Kek::generate();
    let err = Vault::open(vault.path(), StaticKey::new(other.clone())).unwrap_err();
    match &err {
        Error::WrongKey {
            key_id,
            sealed_with,
            ..
        } => {
            assert_eq!(key_id, &other.id());
            assert_eq!(sealed_with, &[kek.id()]);
        }
        other => panic!("expected WrongKey, got {other:?}"),
    }
    // Nor does any operation through a handle holding the wrong key.
    let wrong = Vault::new(vault.path(), StaticKey::new(other));
    assert!(wrong.get("OpenAiApiKey").is_err());
    assert!(
        wrong
            .put("GithubToken", &SecretString::from(CANARY))
            .is_err()
    );
    assert!(Vault::open(vault.path(), StaticKey::new(kek)).is_ok());
}

#[test]
fn snapshot_and_restore_with_integrity_hash() {
    let (dir, vault, _) = new_vault();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    let snapshot = dir.path().join("snapshot.json");
    let info = vault.snapshot(&snapshot).unwrap();
    assert_eq!(info.records, 1);
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY_ALIAS))
        .unwrap();
    vault
        .put("GithubToken", &SecretString::from(CANARY_ALIAS))
        .unwrap();
    let before = vault.verify().unwrap().generation;

    let restored = vault.restore(&snapshot).unwrap();
    assert_eq!(restored.sha256, info.sha256);
    assert_eq!(
        get(&vault, "OpenAiApiKey").unwrap().as_deref(),
        Some(CANARY)
    );
    assert_eq!(vault.list().unwrap(), ["OpenAiApiKey"]);
    assert!(
        vault.verify().unwrap().generation > before,
        "restore continues the generation count"
    );
}

#[test]
fn restore_works_on_a_destroyed_vault_and_refuses_damaged_snapshots() {
    let (dir, vault, _) = new_vault();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    let snapshot = dir.path().join("snapshot.json");
    vault.snapshot(&snapshot).unwrap();

    std::fs::write(vault.path(), b"{ garbage").unwrap();
    assert!(matches!(vault.list(), Err(Error::Format { .. })));
    vault.restore(&snapshot).unwrap();
    assert_eq!(
        get(&vault, "OpenAiApiKey").unwrap().as_deref(),
        Some(CANARY)
    );

    // A flipped byte in the embedded vault: the integrity hash catches it.
    let mut json = read_json(&snapshot);
    let mut text = json["vault"].as_str().unwrap().to_owned();
    let flipped = if text.as_bytes()[10] == b'A' {
        "B"
    } else {
        "A"
    };
    text.replace_range(10..11, flipped);
    json["vault"] = text.into();
    let damaged = dir.path().join("damaged.json");
    write_json(&damaged, &json);
    let err = vault.restore(&damaged).unwrap_err();
    assert!(err.to_string().contains("integrity hash"), "{err}");

    // A snapshot sealed with another key is refused before anything is replaced.
    let other = Vault::create(
        dir.path().join("other.json"),
        StaticKey::new(Kek::generate()),
    )
    .unwrap();
    let foreign = dir.path().join("foreign.json");
    other.snapshot(&foreign).unwrap();
    assert!(matches!(
        vault.restore(&foreign),
        Err(Error::WrongKey { .. })
    ));
    assert_eq!(
        get(&vault, "OpenAiApiKey").unwrap().as_deref(),
        Some(CANARY)
    );
}

#[test]
fn vault_operations_are_audited_without_values() {
    let (dir, vault, _) = new_vault();
    let sink = MemorySink::new();
    let vault = vault
        .with_audit(Arc::new(sink.clone()))
        .with_actor("ops")
        .with_reason("OPS-7");
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    vault.get("OpenAiApiKey").unwrap();
    vault.delete("OpenAiApiKey").unwrap();
    vault.snapshot(dir.path().join("s.json")).unwrap();
    vault.restore(dir.path().join("s.json")).unwrap();
    vault.rotate_kek(Kek::generate()).unwrap();
    // Issue 17, case 2: reads that hand out no value are accesses too.
    vault.list().unwrap();
    vault.contains("OpenAiApiKey").unwrap();
    vault.verify().unwrap();
    let actions: Vec<Action> = sink.events().iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            Action::VaultPut,
            Action::VaultGet,
            Action::VaultDelete,
            Action::Snapshot,
            Action::Restore,
            Action::RotateKek,
            Action::VaultList,
            Action::VaultContains,
            Action::VaultVerify,
        ]
    );
    assert!(
        sink.events()
            .iter()
            .all(|e| e.actor.as_deref() == Some("ops")
                && e.reason.as_deref() == Some("OPS-7")
                && e.generation.is_some())
    );
    let text = format!("{:?}", sink.events());
    assert!(!text.contains(CANARY), "{text}");
}

#[test]
fn rotation_with_a_key_file_installs_the_new_key() {
    let dir = tempfile::tempdir().unwrap();
    let key_path: PathBuf = dir.path().join("kek");
    let vault = Vault::create(
        dir.path().join("vault.json"),
        KeyFile::create(&key_path).unwrap(),
    )
    .unwrap();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    let old = KeyFile::new(&key_path);
    let old_id = vox_clavis::KeyProvider::load(&old).unwrap().id();
    let new = Kek::generate();
    let rotation = vault.rotate_kek(new.clone()).unwrap();
    assert_eq!(
        (rotation.from, rotation.to.clone(), rotation.records),
        (old_id, new.id(), 1)
    );
    assert_eq!(vox_clavis::KeyProvider::load(&old).unwrap().id(), new.id());
    let reopened = Vault::open(vault.path(), KeyFile::new(&key_path)).unwrap();
    let value = reopened.get("OpenAiApiKey").unwrap().unwrap();
    assert!(value.expose_secret() == CANARY);
    assert!(!reopened.verify().unwrap().rotation_pending);
}

/// A sink that records reads and fails on everything else, as a full disk does by the time a
/// write's event comes.
struct FailsAfterWrites;

impl vox_clavis::AuditSink for FailsAfterWrites {
    fn record(&self, event: &vox_clavis::AuditEvent) -> std::io::Result<()> {
        match event.action {
            Action::VaultPut | Action::VaultDelete => Err(std::io::Error::other("disk full")),
            _ => Ok(()),
        }
    }
}

/// Issue 17, case 2: when the audit append fails after the vault was written, the error says
/// the change happened (it used to be the same `Error::Audit` as a change that did not).
#[test]
fn an_audit_failure_after_a_write_is_reported_as_such() {
    let (_dir, vault, _) = new_vault();
    let vault = vault.with_audit(Arc::new(FailsAfterWrites));
    let err = vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap_err();
    assert!(
        matches!(err, Error::AuditAfterWrite { action: "put", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("was written"), "{err}");
    assert_eq!(
        get(&vault, "OpenAiApiKey").unwrap().as_deref(),
        Some(CANARY)
    );
    let err = vault.delete("OpenAiApiKey").unwrap_err();
    assert!(
        matches!(
            err,
            Error::AuditAfterWrite {
                action: "delete",
                ..
            }
        ),
        "{err}"
    );
    assert!(!vault.contains("OpenAiApiKey").unwrap());
}

/// Issue 17, case 7: an older copy of the whole vault file, put back by someone holding the
/// file alone, is refused once the vault reports to a keyed audit log (whose head records the
/// highest generation). A restore from a snapshot continues past it and is accepted.
#[test]
fn a_rolled_back_vault_file_is_refused() {
    let (dir, vault, _) = new_vault();
    let log = dir.path().join("audit.jsonl");
    let audit_key = Kek::generate();
    let sink = Arc::new(vox_clavis::JsonlSink::open_keyed(&log, &audit_key).unwrap());
    let vault = vault.with_audit(sink.clone());
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY_ALIAS))
        .unwrap();
    let old = std::fs::read(vault.path()).unwrap();
    vault.snapshot(dir.path().join("s.json")).unwrap();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    vault.delete("GithubToken").unwrap();

    std::fs::write(vault.path(), &old).unwrap();
    let err = vault.get("OpenAiApiKey").unwrap_err();
    assert!(matches!(err, Error::Rollback { .. }), "{err}");
    assert!(!format!("{err} {err:?}").contains(CANARY_ALIAS));
    assert!(vault.put("x", &SecretString::from("y")).is_err());

    vault.restore(dir.path().join("s.json")).unwrap();
    assert_eq!(
        get(&vault, "OpenAiApiKey").unwrap().as_deref(),
        Some(CANARY_ALIAS)
    );

    // The head keeps a generation per vault: a younger vault on the same log is no rollback.
    let other = Vault::create(
        dir.path().join("other.json"),
        StaticKey::new(Kek::generate()),
    )
    .unwrap()
    .with_audit(sink);
    other.put("a", &SecretString::from("b")).unwrap();
    assert!(get(&other, "a").unwrap().is_some());
    vox_clavis::audit::verify_keyed(&log, &audit_key).unwrap();
}
