//! The procedures of docs/operations.md, step for step, through the real binary: exit codes,
//! audit events, and no value in any output but `vault get --reveal`.

use crate::harness::{Node, VALUE, VALUE_2, VALUE_3, files};

/// Provisioning: create the vault, store the secrets, `status`, `doctor`, `backend-status`.
#[test]
fn provisioning() {
    let node = Node::new();
    node.set("OPENAI_API_KEY", VALUE);

    // Before: the required DatabaseUrl is missing, so status fails.
    node.run(&["vault", "init"])
        .ok()
        .stdout_has("new key file, mode 0600");
    node.run(&["status"])
        .code(1)
        .stdout_has("DatabaseUrl (VOX_DB_URL): missing, required")
        .stderr_has("required secrets are missing: DatabaseUrl");

    node.run_with(&["vault", "put", "DatabaseUrl"], &format!("{VALUE_2}\n"))
        .ok()
        .stdout_has("stored DatabaseUrl");
    let status = node.run(&["status", "--reason", "OPS-1 provisioning"]);
    status
        .ok()
        .stdout_has("OpenAiApiKey (OPENAI_API_KEY): present from env `OPENAI_API_KEY` (canonical)")
        .stdout_has("GithubToken (GITHUB_TOKEN): missing")
        .stdout_has("DatabaseUrl (VOX_DB_URL): present from vault, required")
        .stdout_has("kek: key id ")
        .stdout_has("node: ")
        .stdout_has("inventory: vox-clavis-lint.toml (3 secrets)");

    let json = node.run(&["status", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.ok().stdout).unwrap();
    assert_eq!(json["summary"]["present"], 2);
    assert_eq!(json["secrets"][2]["source"], "vault");
    assert!(json["kek"]["key_id"].as_str().unwrap().len() == 16);

    node.run(&["doctor"])
        .ok()
        .stdout_has("ok      account     VOX_ACCOUNT_ID is set")
        .stdout_has("1 records decrypt")
        .stdout_has("0 errors");
    node.run(&["backend-status"])
        .ok()
        .stdout_has("vault: JSON file: compiled in, configured: ")
        .stdout_has("reachable (opens with key id");

    let puts = node.events_of("vault-put");
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0]["id"], "DatabaseUrl");
    assert_eq!(puts[0]["actor"], "ops-oncall");
    let statuses = node.events_of("status");
    assert_eq!(statuses.len(), 3);
    assert_eq!(statuses[1]["reason"], "OPS-1 provisioning");
    assert_eq!(node.events_of("vault-init").len(), 1);
    assert_eq!(node.events_of("doctor").len(), 1);
    assert_eq!(node.events_of("backend-status")[0]["outcome"], "ok");
    node.run(&["audit", "verify"]).ok();
    node.assert_no_value_leaked();
}

/// `doctor` refuses the account placeholder, with the reason.
#[test]
fn doctor_flags_the_default_account() {
    let node = Node::new();
    node.run(&["vault", "init"]).ok();
    node.set("VOX_ACCOUNT_ID", "default-account");
    node.run(&["doctor"])
        .code(1)
        .stdout_has("VOX_ACCOUNT_ID=default-account is the unprovisioned placeholder")
        .stdout_has("1 errors");
    node.unset("VOX_ACCOUNT_ID");
    node.run(&["doctor", "--format", "json"])
        .code(1)
        .stdout_has("VOX_ACCOUNT_ID is not set");
    assert_eq!(node.events_of("doctor")[0]["outcome"], "error");
}

/// Rotation with a key file: one step; the value survives, only the new key opens the vault.
#[test]
fn rotation_with_a_key_file() {
    let node = Node::new();
    node.run(&["vault", "init"]).ok();
    node.run_with(&["vault", "put", "OpenAiApiKey"], VALUE).ok();
    let old_key = std::fs::read(node.path("kek")).unwrap();
    node.run(&["rotate-kek", "--reason", "quarterly"])
        .ok()
        .stdout_has("rotated: key id ");
    assert_ne!(std::fs::read(node.path("kek")).unwrap(), old_key);
    node.run(&["vault", "get", "OpenAiApiKey", "--reveal=pipe"])
        .ok()
        .stdout_has(VALUE);
    node.run(&["doctor"]).ok();
    let rotations = node.events_of("rotate-kek");
    assert_eq!(rotations.len(), 1);
    assert_eq!(rotations[0]["reason"], "quarterly");
    node.assert_no_value_leaked();
}

/// Rotation with a read-only key (a CI secret): stage, install, commit.
#[test]
fn rotation_in_two_phases_with_an_environment_key() {
    let node = Node::new();
    node.run(&["vault", "init"]).ok();
    node.run_with(&["vault", "put", "OpenAiApiKey"], VALUE).ok();
    // The key moves into the CI secret: VOX_CLAVIS_KEK.
    let key = std::fs::read_to_string(node.path("kek")).unwrap();
    node.unset("VOX_CLAVIS_KEK_FILE");
    node.set("VOX_CLAVIS_KEK", key.trim());

    node.run(&["rotate-kek"])
        .code(2)
        .stderr_has("cannot store the new key");
    node.run(&["rotate-kek", "--stage", "new.kek"])
        .ok()
        .stdout_has("both open the vault")
        .stdout_has("rotate-kek --commit new.kek");
    let new_key = std::fs::read_to_string(node.path("new.kek")).unwrap();
    node.set("VOX_CLAVIS_KEK", new_key.trim()); // installed in CI
    node.run(&["doctor"])
        .ok()
        .stdout_has("a key rotation is staged");
    node.run(&["rotate-kek", "--commit", "new.kek"])
        .ok()
        .stdout_has("only the new key opens the vault");
    node.set("VOX_CLAVIS_KEK", key.trim());
    node.run(&["vault", "list"])
        .code(2)
        .stderr_has("does not open the vault");
    node.set("VOX_CLAVIS_KEK", new_key.trim());
    node.run(&["vault", "get", "OpenAiApiKey"])
        .ok()
        .stdout_has("stored, decrypts");
    assert_eq!(node.events_of("rotate-kek").len(), 3); // refused, staged, committed
    node.assert_no_value_leaked();
}

/// Key backup: export the KEK to a 0600 file, import it on a machine whose key file is gone.
#[test]
fn key_export_and_import() {
    let node = Node::new();
    node.run(&["vault", "init"]).ok();
    node.run_with(&["vault", "put", "OpenAiApiKey"], VALUE).ok();
    node.run(&["export-kek", "kek.backup"])
        .ok()
        .stdout_has("(mode 0600)");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(node.path("kek.backup"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    node.run(&["export-kek", "-"])
        .code(2)
        .stderr_has("--allow-stdout");
    let key = std::fs::read_to_string(node.path("kek.backup")).unwrap();
    node.run(&["export-kek", "-", "--allow-stdout"])
        .ok()
        .stdout_has(key.trim());

    std::fs::remove_file(node.path("kek")).unwrap();
    node.run(&["vault", "list"]).code(2).stderr_has("kek");
    node.run(&["import-kek", "kek.backup"])
        .ok()
        .stdout_has("it opens the vault");
    node.run(&["vault", "get", "OpenAiApiKey", "--reveal=pipe"])
        .ok()
        .stdout_has(VALUE);
    assert_eq!(node.events_of("export-kek").len(), 2);
    assert_eq!(node.events_of("import-kek").len(), 1);
    node.assert_no_value_leaked();
}

/// Backup and restore: snapshot, lose the vault, restore staged, validate, complete.
#[test]
fn backup_and_staged_restore() {
    let node = Node::new();
    node.run(&["vault", "init"]).ok();
    node.run_with(&["vault", "put", "OpenAiApiKey"], VALUE).ok();
    node.run_with(&["vault", "put", "GithubToken"], VALUE_2)
        .ok();
    let snapshot = node.run(&["snapshot", "backup.json"]);
    snapshot.ok().stdout_has("2 records");
    let sha = snapshot
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("sha256 "))
        .unwrap()
        .to_owned();

    std::fs::write(node.path("vault.json"), b"disk failure").unwrap();
    node.run(&["vault", "list"])
        .code(2)
        .stderr_has("not a valid vox-clavis vault");
    let wrong = "0".repeat(64);
    node.run(&["restore", "backup.json", "--staged", "--sha256", &wrong])
        .code(1)
        .stderr_has("nothing was restored");
    node.run(&["restore", "backup.json", "--staged", "--sha256", &sha])
        .ok()
        .stdout_has("restored 2 records")
        .stdout_has("staged: reads are refused");
    node.run(&["vault", "get", "OpenAiApiKey"])
        .code(2)
        .stderr_has("restored in staged mode");
    node.run(&["vault", "list"]).ok().stdout_has("GithubToken");
    node.run(&["doctor"])
        .ok()
        .stdout_has("2 records decrypt")
        .stdout_has("restored staged");
    node.run(&["restore", "--complete"])
        .ok()
        .stdout_has("reads are enabled");
    node.run(&["restore", "--complete"]).code(1);
    node.run(&["vault", "get", "OpenAiApiKey", "--reveal=pipe"])
        .ok()
        .stdout_has(VALUE);
    let restores = node.events_of("restore");
    assert_eq!(restores.len(), 1);
    assert!(restores[0]["detail"].as_str().unwrap().contains("staged"));
    assert_eq!(node.events_of("restore-complete").len(), 2);
    node.assert_no_value_leaked();
}

/// The secure channel: an encrypted payload from one node, imported on another that holds the
/// same key; refused (and nothing written) on a node with another key.
#[test]
fn encrypted_environment_export_and_import() {
    let ops = Node::new();
    ops.run(&["vault", "init"]).ok();
    ops.run_with(&["vault", "put", "OpenAiApiKey"], VALUE).ok();
    ops.run_with(&["vault", "put", "GithubToken"], VALUE_2).ok();
    ops.run(&["export-env", "OpenAiApiKey"])
        .code(2)
        .stderr_has("--encrypted");
    ops.run(&["export-env", "--encrypted", "payload.json", "OpenAiApiKey"])
        .ok()
        .stdout_has("exported 1 values")
        .stdout_has("OpenAiApiKey (OPENAI_API_KEY)");
    ops.run(&["export-kek", "ci.kek"]).ok();

    let ci = Node::new();
    std::fs::copy(ops.path("payload.json"), ci.path("payload.json")).unwrap();
    ci.run(&["vault", "init"]).ok();
    let before = files(ci.dir.path());
    ci.run(&["import-env", "payload.json"])
        .code(2)
        .stderr_has("sealed for key id");
    assert_eq!(
        files(ci.dir.path()),
        before,
        "a refused import wrote nothing"
    );

    ci.run(&[
        "import-env",
        "payload.json",
        "--key",
        ops.path("ci.kek").to_str().unwrap(),
    ])
    .ok()
    .stdout_has("imported 1 values");
    ci.run(&["vault", "get", "OpenAiApiKey", "--reveal=pipe"])
        .ok()
        .stdout_has(VALUE);
    ci.run(&["vault", "get", "GithubToken"]).code(1);
    assert_eq!(ops.events_of("export-env").len(), 1);
    assert_eq!(ci.events_of("import-env").len(), 1);
    ops.assert_no_value_leaked();
    ci.assert_no_value_leaked();
}

/// Incident: read the audit trail, reset the credential, rotate the KEK, verify.
#[test]
fn incident_response() {
    let node = Node::new();
    node.run(&["vault", "init"]).ok();
    node.run_with(&["vault", "put", "OpenAiApiKey"], VALUE).ok();
    node.run(&["snapshot", "before.json"]).ok();
    node.run(&["audit", "tail", "-n", "2"])
        .ok()
        .stdout_has("snapshot ok");

    node.run_with(&["reset", "OpenAiApiKey"], VALUE_3)
        .code(2)
        .stderr_has("--force");
    node.run_with(
        &[
            "reset",
            "OpenAiApiKey",
            "--force",
            "--reason",
            "INC-42 key leaked",
        ],
        VALUE_3,
    )
    .ok()
    .stdout_has("version 1 shredded, new version 2");
    node.run(&["reset", "GithubToken", "--force", "--generate"])
        .code(1)
        .stderr_has("no record `GithubToken`");
    node.run(&["vault", "get", "OpenAiApiKey", "--reveal=pipe"])
        .ok()
        .stdout_has(VALUE_3);
    node.run(&["rotate-kek", "--reason", "INC-42"]).ok();
    node.run(&["audit", "verify"])
        .ok()
        .stdout_has("chain intact");

    let resets = node.events_of("reset");
    assert_eq!(resets.len(), 1);
    assert_eq!(resets[0]["reason"], "INC-42 key leaked");
    assert_eq!(resets[0]["actor"], "ops-oncall");
    assert!(
        resets[0]["detail"]
            .as_str()
            .unwrap()
            .contains("version 1 shredded")
    );
    let tail = node.run(&["audit", "tail", "--format", "json"]);
    let tail: serde_json::Value = serde_json::from_str(&tail.ok().stdout).unwrap();
    assert!(
        tail.as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "reset")
    );

    // The old snapshot still holds version 1, sealed under the old key: restoring it with the
    // rotated key is refused, so the leaked value cannot come back by accident.
    node.run(&["restore", "before.json"])
        .code(2)
        .stderr_has("does not open the vault");
    node.assert_no_value_leaked();
}

/// A tampered audit log fails `audit verify` (exit 1) and `doctor`.
#[test]
fn a_tampered_audit_log_fails_verification() {
    let node = Node::new();
    node.run(&["vault", "init"]).ok();
    node.run_with(&["vault", "put", "OpenAiApiKey"], VALUE).ok();
    let log = node.path("vault.json.audit.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(&log, text.replacen("vault-put", "vault-get", 1)).unwrap();
    node.run(&["audit", "verify"])
        .code(1)
        .stderr_has("was edited");
    node.run(&["doctor"]).code(1).stdout_has("is broken");
}

/// Provisioning on the libSQL store: the same commands with `--store libsql`.
#[cfg(feature = "libsql")]
#[test]
fn provisioning_on_the_libsql_store() {
    let node = Node::new();
    node.set("VOX_CLAVIS_VAULT", node.path("vault.db"));
    node.set("VOX_CLAVIS_AUDIT_LOG", node.path("audit.jsonl"));
    node.set("VOX_CLAVIS_STORE", "libsql");
    node.run(&["vault", "list"])
        .code(2)
        .stderr_has("no vault at");
    assert!(
        !node.path("vault.db").exists(),
        "a missing vault is not created"
    );
    node.run(&["vault", "init"]).ok();
    node.run_with(&["vault", "put", "DatabaseUrl"], VALUE).ok();
    node.run(&["status"])
        .ok()
        .stdout_has("DatabaseUrl (VOX_DB_URL): present from vault");
    node.run(&["doctor"]).ok().stdout_has("1 records decrypt");
    node.run(&["backend-status"])
        .ok()
        .stdout_has("vault: libSQL database: compiled in, configured: ")
        .stdout_has("reachable (opens with key id");
    node.run(&["snapshot", "backup.json"]).ok();
    std::fs::remove_file(node.path("vault.db")).unwrap();
    node.run(&["restore", "backup.json", "--staged"]).ok();
    node.run(&["restore", "--complete"]).ok();
    node.run(&["vault", "get", "DatabaseUrl", "--reveal=pipe"])
        .ok()
        .stdout_has(VALUE);
    assert_eq!(node.events_of("vault-put").len(), 1);
    node.assert_no_value_leaked();
}
