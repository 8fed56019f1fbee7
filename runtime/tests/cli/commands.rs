//! Each command's edges: help text, usage errors, and the clear errors for a missing vault, a
//! wrong key and a tampered file, after which nothing was written.

use crate::harness::{Node, VALUE, files};

const COMMANDS: [&[&str]; 19] = [
    &["status"],
    &["doctor"],
    &["vault"],
    &["vault", "init"],
    &["vault", "put"],
    &["vault", "get"],
    &["vault", "list"],
    &["vault", "delete"],
    &["backend-status"],
    &["rotate-kek"],
    &["export-kek"],
    &["import-kek"],
    &["snapshot"],
    &["restore"],
    &["export-env"],
    &["import-env"],
    &["reset"],
    &["audit", "verify"],
    &["audit", "tail"],
];

#[test]
fn every_command_has_help_and_the_top_level_help_groups_them() {
    let node = Node::bare();
    let help = node.run(&["--help"]);
    help.ok();
    let groups = [
        "Provisioning:",
        "Rotation:",
        "Backup and restore:",
        "Incident:",
    ];
    let mut last = 0;
    for group in groups {
        let at = help.stdout.find(group).expect(group);
        assert!(at >= last, "{group} is out of the runbook's order");
        last = at;
    }
    for command in COMMANDS {
        let mut args = command.to_vec();
        args.push("--help");
        let run = node.run(&args);
        run.ok();
        assert!(
            run.stdout.lines().count() > 3,
            "`{}` has no help text",
            args.join(" ")
        );
        assert!(
            help.stdout.contains(&format!("\n  {} ", command[0])),
            "`--help` does not list `{}`",
            command[0]
        );
    }
    node.run(&["no-such-command"]).code(2);
    // Nothing configured: nothing to reach, nothing fails, nothing is written.
    node.run(&["backend-status"])
        .ok()
        .stdout_has("key: file / environment: compiled in, not configured");
    node.run(&["status"]).ok().stdout_has("inventory: none");
    assert!(files(node.dir.path()).is_empty());
    node.run(&["vault", "put"]).code(2).stderr_has("<ID>");
}

#[test]
fn a_missing_vault_is_a_clear_error_and_creates_nothing() {
    let node = Node::new();
    let before = files(node.dir.path());
    for args in [
        &["vault", "list"][..],
        &["vault", "get", "OpenAiApiKey"],
        &["vault", "delete", "OpenAiApiKey"],
        &["snapshot", "s.json"],
        &["rotate-kek"],
        &["export-env", "--encrypted", "p.json"],
        &["reset", "OpenAiApiKey", "--force", "--generate"],
    ] {
        node.run(args)
            .code(2)
            .stderr_has("error: no vault at `")
            .stderr_has("vault init");
    }
    node.run_with(&["vault", "put", "OpenAiApiKey"], VALUE)
        .code(2)
        .stderr_has("no vault at");
    node.run(&["backend-status"])
        .code(1)
        .stdout_has("UNREACHABLE: `");
    node.run(&["doctor"]).code(1).stdout_has("no vault at");
    node.run(&["status"])
        .code(1)
        .stdout_has("vault.json (missing)");
    assert_eq!(files(node.dir.path()), before);
    node.unset("VOX_CLAVIS_VAULT");
    node.run(&["vault", "list"])
        .code(2)
        .stderr_has("no vault configured");
    node.assert_no_value_leaked();
}

#[test]
fn a_wrong_key_is_a_clear_error_and_writes_nothing() {
    let node = Node::new();
    node.run(&["vault", "init"]).ok();
    node.run_with(&["vault", "put", "OpenAiApiKey"], VALUE).ok();
    let other = Node::new();
    other.run(&["vault", "init"]).ok();
    std::fs::copy(other.path("kek"), node.path("kek")).unwrap();
    let before = files(node.dir.path());
    for args in [
        &["vault", "list"][..],
        &["vault", "get", "OpenAiApiKey", "--reveal=pipe"],
        &["snapshot", "s.json"],
        &["rotate-kek"],
        &["export-kek", "k.backup"],
        &["reset", "OpenAiApiKey", "--force", "--generate"],
        &["restore", "--complete"],
    ] {
        node.run(args)
            .code(2)
            .stderr_has("does not open the vault")
            .stderr_has("use the key it was sealed with");
    }
    node.run(&["import-kek", "kek"])
        .code(2)
        .stderr_has("nothing was installed");
    node.run(&["doctor"])
        .code(1)
        .stdout_has("does not open the vault");
    node.run(&["backend-status"])
        .code(1)
        .stdout_has("UNREACHABLE");
    // doctor records its own (failed) check, nothing else changed
    let after: Vec<_> = files(node.dir.path())
        .into_iter()
        .filter(|(p, _)| !p.ends_with("vault.json.audit.jsonl"))
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(p, _)| !p.ends_with("vault.json.audit.jsonl"))
        .collect();
    assert_eq!(after, before);
    node.assert_no_value_leaked();
}

#[test]
fn a_tampered_vault_or_snapshot_is_refused_and_nothing_is_written() {
    let node = Node::new();
    node.run(&["vault", "init"]).ok();
    node.run_with(&["vault", "put", "OpenAiApiKey"], VALUE).ok();
    node.run(&["snapshot", "backup.json"]).ok();

    let snapshot = std::fs::read_to_string(node.path("backup.json")).unwrap();
    let damaged = snapshot.replacen("\"sha256\": \"", "\"sha256\": \"00", 1);
    std::fs::write(node.path("damaged.json"), damaged).unwrap();
    let before = files(node.dir.path());
    node.run(&["restore", "damaged.json"])
        .code(2)
        .stderr_has("integrity hash does not match");
    assert_eq!(files(node.dir.path()), before);

    let vault = std::fs::read_to_string(node.path("vault.json")).unwrap();
    let tampered = vault.replacen(
        "\"version\": 1,\n      \"nonce\"",
        "\"version\": 7,\n      \"nonce\"",
        1,
    );
    assert_ne!(tampered, vault, "the test edits a record's version");
    std::fs::write(node.path("vault.json"), tampered).unwrap();
    let before = files(node.dir.path());
    node.run(&["vault", "get", "OpenAiApiKey", "--reveal=pipe"])
        .code(2)
        .stderr_has("failed authentication");
    node.run_with(&["vault", "put", "GithubToken"], VALUE)
        .code(2)
        .stderr_has("failed authentication");
    assert_eq!(files(node.dir.path()), before);
    node.run(&["doctor"])
        .code(1)
        .stdout_has("failed authentication");
    node.assert_no_value_leaked();
}

#[test]
fn reveal_refuses_a_pipe_unless_asked_and_put_takes_no_value_argument() {
    let node = Node::new();
    node.run(&["vault", "init"]).ok();
    node.run_with(&["vault", "put", "OpenAiApiKey"], &format!("{VALUE}\n"))
        .ok();
    let refused = node.run(&["vault", "get", "OpenAiApiKey", "--reveal"]);
    refused.code(2).stderr_has("--reveal=pipe");
    assert!(!refused.stdout.contains(VALUE));
    assert!(
        node.events_of("vault-get").is_empty(),
        "a refused reveal reads nothing"
    );
    node.run(&["vault", "get", "OpenAiApiKey", "--reveal=pipe"])
        .ok()
        .stdout_has(&format!("{VALUE}\n"));
    // On a terminal, `--reveal` alone prints it.
    if let Some(run) = node.run_in_terminal(&["vault", "get", "OpenAiApiKey", "--reveal"]) {
        run.ok().stdout_has(VALUE);
    }
    node.run(&["vault", "put", "GithubToken", VALUE])
        .code(2)
        .stderr_has("never taken as an argument");
    node.run_with(&["vault", "put", "GithubToken"], "")
        .code(2)
        .stderr_has("no value");
    node.run_with(&["vault", "put", "NotInInventory"], VALUE)
        .ok()
        .stderr_has("not in the inventory");
    node.run(&["vault", "delete", "NotInInventory"]).ok();
    node.run(&["vault", "delete", "NotInInventory"]).code(1);
    node.run(&["vault", "init"])
        .code(2)
        .stderr_has("already exists");
    node.assert_no_value_leaked();
}

#[test]
fn a_keyed_audit_log_and_the_shared_contract() {
    let node = Node::new();
    node.run(&["vault", "init", "--kek-file", "audit.kek"]).ok();
    node.set("VOX_CLAVIS_AUDIT_KEY_FILE", node.path("audit.kek"));
    node.set("VOX_CLAVIS_AUDIT_LOG", node.path("keyed.jsonl"));
    std::fs::remove_file(node.path("vault.json")).unwrap();
    node.run(&["vault", "init"]).ok();
    node.run_with(&["vault", "put", "OpenAiApiKey"], VALUE).ok();
    node.run(&["audit", "verify"])
        .ok()
        .stdout_has("keyed chain and head intact");
    let contract = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/vox-managed-env-names.v1.json");
    if contract.exists() {
        let inventory = contract.to_str().unwrap();
        node.run(&["status", "--inventory", inventory])
            .ok()
            .stdout_has("(488 secrets)");
        node.run(&["doctor", "--inventory", inventory])
            .ok()
            .stdout_has("VOX_SYNDICATION_TEMPLATE_PROFILE");
    }
    node.assert_no_value_leaked();
}
