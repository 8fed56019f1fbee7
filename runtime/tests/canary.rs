//! The canary: drive every public path that produces text (`Debug`, `Display` of errors and
//! statuses, audit events, files written) with known values, and check that no value appears
//! in any of it, verbatim or base64-encoded.

mod common;

use std::sync::Arc;

use common::{CANARY, CANARY_ALIAS, CANARY_DEPRECATED, CANARY_VAULT, SecretId};
use secrecy::SecretString;
use vox_clavis::{
    Error, JsonlSink, Kek, KeyFile, KeyProvider, MapEnv, MemorySink, Profile, Redactor, Resolver,
    StaticKey, Vault,
};

const CANARIES: [&str; 4] = [CANARY, CANARY_ALIAS, CANARY_DEPRECATED, CANARY_VAULT];

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Every output collected by the scenario.
#[derive(Default)]
struct Outputs(Vec<String>);

impl Outputs {
    fn debug(&mut self, value: &impl std::fmt::Debug) {
        self.0.push(format!("{value:?}"));
        self.0.push(format!("{value:#?}"));
    }

    fn error(&mut self, error: Error) {
        self.0.push(error.to_string());
        self.debug(&error);
        let mut source = std::error::Error::source(&error);
        while let Some(inner) = source {
            self.0.push(inner.to_string());
            source = inner.source();
        }
    }

    fn result<T: std::fmt::Debug>(&mut self, result: Result<T, Error>) {
        match result {
            Ok(value) => self.debug(&value),
            Err(error) => self.error(error),
        }
    }
}

#[test]
fn no_value_in_any_debug_error_or_audit_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut out = Outputs::default();
    let memory = MemorySink::new();
    let log = dir.path().join("audit.jsonl");
    let jsonl = Arc::new(JsonlSink::open(&log).unwrap());

    // A vault holding a value, with a key file.
    let key_path = dir.path().join("kek");
    let key_file = KeyFile::create(&key_path).unwrap();
    let kek = key_file.load().unwrap();
    out.debug(&kek);
    out.debug(&key_file);
    let vault_path = dir.path().join("vault.json");
    let vault = Vault::create(&vault_path, key_file)
        .unwrap()
        .with_audit(jsonl.clone());
    vault
        .put("GithubToken", &SecretString::from(CANARY_VAULT))
        .unwrap();
    out.debug(&vault);
    out.result(vault.verify());
    out.result(vault.list());

    // Every way a resolve can end, under both profiles.
    for profile in [Profile::Dev, Profile::Strict] {
        for env in [
            MapEnv::from([("OPENAI_API_KEY", CANARY)]),
            MapEnv::from([("OPENAI_KEY", CANARY_ALIAS)]),
            MapEnv::from([("OAI_API_KEY", CANARY_DEPRECATED)]),
            MapEnv::new(),
        ] {
            out.debug(&env);
            let resolver = Resolver::builder()
                .profile(profile)
                .env(env)
                .vault(Vault::new(&vault_path, KeyFile::new(&key_path)))
                .inventory::<SecretId>()
                .audit(Arc::new(memory.clone()))
                .build();
            out.debug(&resolver);
            for id in [
                SecretId::OpenAiApiKey,
                SecretId::GithubToken,
                SecretId::SentryDsn,
            ] {
                let resolved = resolver.resolve(id);
                if let Ok(secret) = &resolved {
                    let redactor = Redactor::from(&[secret]);
                    out.debug(&redactor);
                    let text = format!(
                        "token={} basic={}",
                        secret.expose_secret(),
                        base64_of(secret.expose_secret())
                    );
                    out.0.push(redactor.redact(&text));
                }
                out.result(resolved);
                out.result(resolver.resolve_optional(id));
            }
            for status in resolver.status() {
                out.0.push(status.to_string());
                out.debug(&status);
            }
            out.result(resolver.check());
        }
    }

    // Vault failures: wrong key, tampering, damage, a bad key file.
    out.result(Vault::open(&vault_path, StaticKey::new(Kek::generate())).map(|_| ()));
    let text = std::fs::read_to_string(&vault_path).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["records"]["GithubToken"]["ciphertext"] = base64_of("forged").into();
    std::fs::write(&vault_path, serde_json::to_vec(&json).unwrap()).unwrap();
    out.result(vault.get("GithubToken"));
    out.result(vault.verify());
    std::fs::write(&vault_path, &text[..text.len() / 2]).unwrap();
    out.result(vault.get("GithubToken"));
    std::fs::write(&key_path, "not a key").unwrap();
    out.result(vault.get("GithubToken"));

    // Issue 17's surfaces: the hard cut, the cache, a two-phase rotation, a keyed log and its
    // head, a rollback.
    let keyed_log = dir.path().join("keyed.jsonl");
    let keyed = Arc::new(JsonlSink::open_keyed(&keyed_log, &Kek::generate()).unwrap());
    let v2_path = dir.path().join("v2.json");
    let v2_key = Kek::generate();
    let v2 = Vault::create(&v2_path, StaticKey::new(v2_key.clone()))
        .unwrap()
        .with_audit(keyed.clone());
    v2.put("OpenAiApiKey", &SecretString::from(CANARY_VAULT))
        .unwrap();
    let old = std::fs::read(&v2_path).unwrap();
    v2.put("GithubToken", &SecretString::from(CANARY_ALIAS))
        .unwrap();
    for hard_cut in [false, true] {
        let resolver = Resolver::builder()
            .env(MapEnv::from([
                ("OPENAI_API_KEY", CANARY),
                ("OAI_API_KEY", CANARY_DEPRECATED),
            ]))
            .vault(Vault::new(&v2_path, StaticKey::new(v2_key.clone())).with_audit(keyed.clone()))
            .inventory::<SecretId>()
            .hard_cut(hard_cut)
            .cache(std::time::Duration::from_secs(60))
            .audit(keyed.clone())
            .build();
        out.debug(&resolver);
        for _ in 0..2 {
            out.result(resolver.resolve(SecretId::OpenAiApiKey));
            out.result(resolver.resolve(SecretId::GithubToken));
        }
        out.result(resolver.check());
    }
    let staged = v2.stage_rotation(Kek::generate()).unwrap();
    out.debug(&staged);
    out.result(v2.commit_rotation(staged.kek()));
    std::fs::write(&v2_path, &old).unwrap();
    out.result(v2.get("OpenAiApiKey"));
    out.0.push(std::fs::read_to_string(&keyed_log).unwrap());
    out.0
        .push(std::fs::read_to_string(JsonlSink::head_path(&keyed_log)).unwrap());

    // The audit events, in memory and on disk.
    out.debug(&memory.events());
    out.0.push(std::fs::read_to_string(&log).unwrap());
    out.0.push(std::fs::read_to_string(&vault_path).unwrap());

    assert!(
        out.0.len() > 100,
        "the scenario produced {} outputs",
        out.0.len()
    );
    for text in &out.0 {
        for canary in CANARIES {
            assert!(!text.contains(canary), "a value leaked into: {text}");
            assert!(
                !text.contains(&base64_of(canary)),
                "a value leaked (base64) into: {text}"
            );
        }
    }
}
