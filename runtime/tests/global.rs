//! The process-wide default resolver: installed with `set_default`, or built on first use from
//! the process environment. The environment cases run in child processes, since the default
//! is set once per process and setting variables in-process is `unsafe`.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{CANARY, CANARY_DEPRECATED, CANARY_VAULT, CHILD_ROLE, SecretId, child_role};
use secrecy::SecretString;
use vox_clavis::{KeyFile, MapEnv, Resolver, Vault};

#[test]
fn set_default_installs_the_resolver_once() {
    if child_role().is_some() {
        return;
    }
    let resolver = Resolver::builder()
        .env(MapEnv::from([("GH_TOKEN", CANARY)]))
        .build();
    vox_clavis::set_default(resolver).unwrap();
    let token = vox_clavis::resolve(SecretId::GithubToken).unwrap();
    assert!(token.expose_secret() == CANARY);
    assert!(
        vox_clavis::resolve_optional(SecretId::SentryDsn)
            .unwrap()
            .is_none()
    );
    assert!(vox_clavis::set_default(Resolver::builder().build()).is_err());
}

/// Runs `child_entry` with exactly `vars` in its environment, returns what it printed.
fn run_child(vars: &[(&str, &str)]) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "child_entry", "--nocapture", "--test-threads=1"])
        .env_clear()
        .env(CHILD_ROLE, "default-resolver")
        .stdout(Stdio::piped());
    for (name, value) in vars {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(child.wait().unwrap().success(), "{out}");
    let at = out.find("RESULT ").expect("the child reports") + "RESULT ".len();
    out[at..].lines().next().unwrap().to_owned()
}

#[test]
fn the_lazy_default_is_strict_and_reads_the_process_environment() {
    if child_role().is_some() {
        return;
    }
    assert_eq!(
        run_child(&[("OPENAI_API_KEY", CANARY)]),
        "ok env `OPENAI_API_KEY` (canonical)"
    );
    assert_eq!(
        run_child(&[("OAI_API_KEY", CANARY_DEPRECATED)]),
        "error DeprecatedAlias"
    );
    assert_eq!(
        run_child(&[
            ("OAI_API_KEY", CANARY_DEPRECATED),
            ("VOX_CLAVIS_PROFILE", "dev")
        ]),
        "ok env `OAI_API_KEY` (deprecated alias)"
    );
    // Anything but `dev` fails closed.
    assert_eq!(
        run_child(&[
            ("OAI_API_KEY", CANARY_DEPRECATED),
            ("VOX_CLAVIS_PROFILE", "devel")
        ]),
        "error DeprecatedAlias"
    );
    assert_eq!(run_child(&[]), "error Missing");
    // The hard cut: a deprecated alias set beside the canonical name fails.
    let both = [
        ("OPENAI_API_KEY", CANARY),
        ("OAI_API_KEY", CANARY_DEPRECATED),
    ];
    assert_eq!(run_child(&both), "ok env `OPENAI_API_KEY` (canonical)");
    assert_eq!(
        run_child(&[both[0], both[1], ("VOX_CLAVIS_HARD_CUT", "1")]),
        "error LegacyNames"
    );
}

#[test]
fn the_lazy_default_uses_the_configured_vault_and_audit_log() {
    if child_role().is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("kek");
    let vault_path = dir.path().join("vault.json");
    let vault = Vault::create(&vault_path, KeyFile::create(&key).unwrap()).unwrap();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY_VAULT))
        .unwrap();
    let log = dir.path().join("audit.jsonl");
    let path = |p: &Path| p.to_str().unwrap().to_owned();
    let result = run_child(&[
        ("VOX_CLAVIS_VAULT", &path(&vault_path)),
        ("VOX_CLAVIS_KEK_FILE", &path(&key)),
        ("VOX_CLAVIS_AUDIT_LOG", &path(&log)),
    ]);
    assert_eq!(result, "ok vault");
    assert_eq!(vox_clavis::audit::verify_chain(&log).unwrap().entries, 1);

    // An audit log that cannot be opened (here a directory) fails `Strict` and is ignored by
    // `Dev`, vault reads included.
    let broken = dir.path().to_str().unwrap().to_owned();
    let with_broken_log = |profile| {
        run_child(&[
            ("VOX_CLAVIS_VAULT", &path(&vault_path)),
            ("VOX_CLAVIS_KEK_FILE", &path(&key)),
            ("VOX_CLAVIS_AUDIT_LOG", &broken),
            ("VOX_CLAVIS_PROFILE", profile),
        ])
    };
    assert_eq!(with_broken_log("strict"), "error Audit");
    assert_eq!(with_broken_log("dev"), "ok vault");

    // Keyed: the log verifies only with its key.
    let keyed = dir.path().join("keyed.jsonl");
    let audit_key = dir.path().join("audit.kek");
    KeyFile::create(&audit_key).unwrap();
    let result = run_child(&[
        ("VOX_CLAVIS_VAULT", &path(&vault_path)),
        ("VOX_CLAVIS_KEK_FILE", &path(&key)),
        ("VOX_CLAVIS_AUDIT_LOG", &path(&keyed)),
        ("VOX_CLAVIS_AUDIT_KEY_FILE", &path(&audit_key)),
    ]);
    assert_eq!(result, "ok vault");
    let kek = vox_clavis::KeyProvider::load(&KeyFile::new(&audit_key)).unwrap();
    assert_eq!(
        vox_clavis::audit::verify_keyed(&keyed, &kek)
            .unwrap()
            .entries,
        1
    );
}

/// The child side: resolves `OpenAiApiKey` with the lazy default and prints how it went.
#[test]
fn child_entry() {
    if child_role().as_deref() != Some("default-resolver") {
        return;
    }
    let result = match vox_clavis::resolve(SecretId::OpenAiApiKey) {
        Ok(secret) => format!("ok {}", secret.source()),
        Err(error) => {
            let debug = format!("{error:?}");
            format!("error {}", debug.split([' ', '{', '(']).next().unwrap())
        }
    };
    println!("\nRESULT {result}");
}
