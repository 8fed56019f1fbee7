//! The library pieces under the operator's commands: staged restore, reset, the encrypted
//! environment payload, key import and the encryption self-test.

mod common;

use common::{CANARY, CANARY_ALIAS, SecretId};
use secrecy::{ExposeSecret, SecretString};
use vox_clavis::vault::EnvEntry;
use vox_clavis::{
    Error, Kek, KeyFile, KeyProvider, MapEnv, MemorySink, Resolver, StaticKey, Vault,
};

fn vault_in(dir: &std::path::Path, kek: &Kek) -> Vault {
    Vault::create(dir.join("vault.json"), StaticKey::new(kek.clone())).unwrap()
}

#[test]
fn a_staged_restore_refuses_every_read_until_completed() {
    let dir = tempfile::tempdir().unwrap();
    let kek = Kek::generate();
    let vault = vault_in(dir.path(), &kek);
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    vault.snapshot(dir.path().join("snap.json")).unwrap();
    vault.restore_staged(dir.path().join("snap.json")).unwrap();
    assert!(vault.is_staged().unwrap());

    let resolver = Resolver::builder()
        .inventory::<SecretId>()
        .env(MapEnv::new())
        .vault(Vault::open(dir.path().join("vault.json"), StaticKey::new(kek.clone())).unwrap())
        .build();
    let err = resolver.resolve(SecretId::OpenAiApiKey).unwrap_err();
    assert!(matches!(err, Error::RestoreStaged { .. }), "{err}");
    assert!(err.to_string().contains("restore --complete"));
    assert!(matches!(
        vault.get("OpenAiApiKey"),
        Err(Error::RestoreStaged { .. })
    ));
    // Listing and verifying are how the operator validates before enabling reads.
    assert_eq!(vault.list().unwrap(), ["OpenAiApiKey"]);
    assert_eq!(vault.verify().unwrap().records, 1);

    assert!(vault.complete_restore().unwrap());
    assert!(!vault.complete_restore().unwrap());
    let value = resolver.resolve(SecretId::OpenAiApiKey).unwrap();
    let same = value.expose_secret() == CANARY;
    assert!(
        same,
        "the resolve after completing gives the restored value"
    );
}

#[test]
fn the_staged_flag_is_authenticated() {
    let dir = tempfile::tempdir().unwrap();
    let kek = Kek::generate();
    let vault = vault_in(dir.path(), &kek);
    vault.snapshot(dir.path().join("snap.json")).unwrap();
    vault.restore_staged(dir.path().join("snap.json")).unwrap();
    let path = dir.path().join("vault.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"staged\": true"));
    std::fs::write(&path, text.replace("\"staged\": true", "\"staged\": false")).unwrap();
    assert!(matches!(vault.list(), Err(Error::Tampered { .. })));
}

#[test]
fn reset_replaces_the_value_and_drops_the_old_ciphertext() {
    let dir = tempfile::tempdir().unwrap();
    let kek = Kek::generate();
    let sink = MemorySink::new();
    let vault = vault_in(dir.path(), &kek).with_audit(std::sync::Arc::new(sink.clone()));
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    let before: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("vault.json")).unwrap()).unwrap();
    let old = before["records"]["OpenAiApiKey"]["ciphertext"]
        .as_str()
        .unwrap()
        .to_owned();
    let info = vault
        .reset("OpenAiApiKey", &SecretString::from(CANARY_ALIAS))
        .unwrap();
    assert!(info.new_version > info.old_version);
    let after = std::fs::read_to_string(dir.path().join("vault.json")).unwrap();
    assert!(
        !after.contains(&old),
        "the old version's ciphertext is gone"
    );
    assert!(holds(
        &vault.get("OpenAiApiKey").unwrap().unwrap(),
        CANARY_ALIAS
    ));
    assert!(matches!(
        vault.reset("GithubToken", &SecretString::from(CANARY)),
        Err(Error::NotStored(_))
    ));
    let reset = sink
        .events()
        .into_iter()
        .find(|e| e.action == vox_clavis::Action::Reset)
        .unwrap();
    assert!(reset.detail.unwrap().contains("shredded"));
}

#[test]
fn an_environment_payload_opens_only_with_its_key_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let kek = Kek::generate();
    let vault = vault_in(dir.path(), &kek);
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    let payload = dir.path().join("payload.json");
    let entries = [EnvEntry {
        id: "OpenAiApiKey".into(),
        env: "OPENAI_API_KEY".into(),
    }];
    vault.export_env(&entries, &payload, None).unwrap();
    assert!(!std::fs::read_to_string(&payload).unwrap().contains(CANARY));
    assert!(
        vault.export_env(&entries, &payload, None).is_err(),
        "never over a file"
    );

    let other_dir = tempfile::tempdir().unwrap();
    let other = vault_in(other_dir.path(), &Kek::generate());
    assert!(matches!(
        other.import_env(&payload, None),
        Err(Error::Key { .. })
    ));
    let text = std::fs::read_to_string(&payload).unwrap();
    let damaged = dir.path().join("damaged.json");
    let field = "\"ciphertext\": \"";
    let at = text.find(field).unwrap() + field.len();
    let flipped = if &text[at..=at] == "A" { "B" } else { "A" };
    std::fs::write(
        &damaged,
        format!("{}{flipped}{}", &text[..at], &text[at + 1..]),
    )
    .unwrap();
    assert!(matches!(
        other.import_env(&damaged, Some(&kek)),
        Err(Error::Tampered { .. })
    ));
    assert!(
        other.list().unwrap().is_empty(),
        "a refused import stores nothing"
    );
    let imported = other.import_env(&payload, Some(&kek)).unwrap();
    assert_eq!(imported, entries);
    assert!(holds(&other.get("OpenAiApiKey").unwrap().unwrap(), CANARY));
}

#[test]
fn import_kek_installs_only_a_key_that_opens_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("kek");
    let original = KeyFile::create(&key_file).unwrap();
    let vault = Vault::create(dir.path().join("vault.json"), original.clone()).unwrap();
    vault.self_test().unwrap();
    let exported = dir.path().join("kek.backup");
    let identity = vault.export_kek(&exported).unwrap();
    let kek = KeyFile::new(&exported).load().unwrap();
    assert_eq!(kek.id(), identity.key_id);

    std::fs::remove_file(&key_file).unwrap();
    let handle = Vault::new(dir.path().join("vault.json"), KeyFile::new(&key_file));
    let err = handle.import_kek(&Kek::generate()).unwrap_err();
    assert!(err.to_string().contains("nothing was installed"), "{err}");
    assert!(!key_file.exists());
    handle.import_kek(&kek).unwrap();
    assert!(Vault::open(dir.path().join("vault.json"), KeyFile::new(&key_file)).is_ok());
}

/// Compares without putting the value in a panic message.
fn holds(value: &impl ExposeSecret<str>, expected: &str) -> bool {
    value.expose_secret() == expected
}
