//! The vault on its libSQL store (feature `libsql`): the same operations and the same
//! guarantees as on the JSON file, with the records as rows of a local database file.

#![cfg(feature = "libsql")]

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use vox_clavis::{Error, Kek, KeyFile, StaticKey, Vault};

const VALUE: &str = "canary-libsql-value-do-not-print-0001";
const VALUE_2: &str = "canary-libsql-value-do-not-print-0002";

fn sql(path: &Path, statement: &str) -> u64 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = libsql::Builder::new_local(path).build().await.unwrap();
        let conn = db.connect().unwrap();
        if statement.starts_with("SELECT") {
            let mut rows = conn.query(statement, ()).await.unwrap();
            let row = rows.next().await.unwrap().unwrap();
            u64::try_from(row.get::<i64>(0).unwrap()).unwrap()
        } else {
            conn.execute(statement, ()).await.unwrap()
        }
    })
}

#[test]
fn the_vault_works_the_same_on_libsql_with_one_row_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let key = KeyFile::create(dir.path().join("kek")).unwrap();
    let vault = Vault::new_libsql(&db, key.clone()).unwrap().init().unwrap();
    vault
        .put("OpenAiApiKey", &SecretString::from(VALUE))
        .unwrap();
    vault
        .put("GithubToken", &SecretString::from(VALUE_2))
        .unwrap();
    assert_eq!(vault.list().unwrap(), ["GithubToken", "OpenAiApiKey"]);
    assert_eq!(sql(&db, "SELECT count(*) FROM vault_records"), 2);
    assert!(vault.delete("GithubToken").unwrap());
    assert_eq!(sql(&db, "SELECT count(*) FROM vault_records"), 1);

    let rotation = vault.rotate_kek(Kek::generate()).unwrap();
    assert_eq!(rotation.records, 1);
    let reopened = Vault::new_libsql(&db, key.clone())
        .unwrap()
        .opened()
        .unwrap();
    assert!(holds(
        &reopened.get("OpenAiApiKey").unwrap().unwrap(),
        VALUE
    ));
    assert_eq!(reopened.verify().unwrap().records, 1);

    let bytes = std::fs::read(&db).unwrap();
    assert!(
        !String::from_utf8_lossy(&bytes).contains(VALUE),
        "the database holds ciphertext only"
    );

    // A snapshot of a libSQL vault restores into a JSON vault, and back.
    let info = reopened.snapshot(dir.path().join("snap.json")).unwrap();
    let json = Vault::new(dir.path().join("vault.json"), key.clone());
    json.restore(dir.path().join("snap.json")).unwrap();
    assert!(holds(&json.get("OpenAiApiKey").unwrap().unwrap(), VALUE));
    let other_db = dir.path().join("other.db");
    let restored = Vault::new_libsql(&other_db, key).unwrap();
    assert_eq!(
        restored
            .restore_staged(dir.path().join("snap.json"))
            .unwrap()
            .sha256,
        info.sha256
    );
    assert!(matches!(
        restored.get("OpenAiApiKey"),
        Err(Error::RestoreStaged { .. })
    ));
    restored.complete_restore().unwrap();
    assert!(holds(
        &restored.get("OpenAiApiKey").unwrap().unwrap(),
        VALUE
    ));
}

#[test]
fn a_tampered_row_a_replayed_row_and_a_wrong_key_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let kek = Kek::generate();
    let vault = Vault::new_libsql(&db, StaticKey::new(kek.clone()))
        .unwrap()
        .init()
        .unwrap();
    vault
        .put("OpenAiApiKey", &SecretString::from(VALUE))
        .unwrap();

    let wrong = Vault::new_libsql(&db, StaticKey::new(Kek::generate())).unwrap();
    assert!(matches!(wrong.opened(), Err(Error::WrongKey { .. })));

    sql(&db, "UPDATE vault_records SET version = version + 1");
    let err = vault.get("OpenAiApiKey").unwrap_err();
    assert!(matches!(err, Error::Tampered { .. }), "{err}");
    assert!(!err.to_string().contains(VALUE));
    sql(&db, "UPDATE vault_records SET version = version - 1");
    assert!(vault.get("OpenAiApiKey").unwrap().is_some());

    sql(
        &db,
        "UPDATE vault_records SET ciphertext = 'AAAA' || substr(ciphertext, 5)",
    );
    assert!(matches!(
        vault.get("OpenAiApiKey"),
        Err(Error::Tampered { .. })
    ));
    let missing = Vault::new_libsql(dir.path().join("empty.db"), StaticKey::new(kek)).unwrap();
    assert!(!missing.exists().unwrap());
    assert!(matches!(missing.opened(), Err(Error::Io { .. })));
}

/// Compares without putting the value in a panic message.
fn holds(value: &impl ExposeSecret<str>, expected: &str) -> bool {
    value.expose_secret() == expected
}
