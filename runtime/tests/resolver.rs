//! The resolver's precedence, profiles, status and audit events.

mod common;

use std::sync::Arc;

use common::{CANARY, CANARY_ALIAS, CANARY_DEPRECATED, CANARY_VAULT, SECRETS, SecretId};
use secrecy::SecretString;
use vox_clavis::{
    Action, EnvKind, Error, Kek, MapEnv, MemorySink, Outcome, Profile, Resolver, SecretSource,
    SecretSpec, Source, State, StaticKey, Vault,
};

/// A vault holding `OpenAiApiKey` (if `with_value`), in a fresh directory.
fn vault(with_value: bool) -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::create(
        dir.path().join("vault.json"),
        StaticKey::new(Kek::generate()),
    )
    .unwrap();
    if with_value {
        vault
            .put("OpenAiApiKey", &SecretString::from(CANARY_VAULT))
            .unwrap();
    }
    (dir, vault)
}

/// The precedence and profile matrix: every combination of the canonical name, an alias, a
/// deprecated alias and the vault holding the secret, under both profiles, against the
/// documented rule (first in precedence wins; a deprecated alias that wins is a warning under
/// `Dev` and an error under `Strict`; nothing is `Missing`).
#[test]
fn precedence_and_profile_matrix() {
    let places = [
        (
            "OPENAI_API_KEY",
            CANARY,
            Source::Env {
                name: "OPENAI_API_KEY",
                kind: EnvKind::Canonical,
            },
        ),
        (
            "OPENAI_KEY",
            CANARY_ALIAS,
            Source::Env {
                name: "OPENAI_KEY",
                kind: EnvKind::Alias,
            },
        ),
        (
            "OAI_API_KEY",
            CANARY_DEPRECATED,
            Source::Env {
                name: "OAI_API_KEY",
                kind: EnvKind::Deprecated,
            },
        ),
        ("vault", CANARY_VAULT, Source::Vault),
    ];
    for mask in 0u32..16 {
        for profile in [Profile::Dev, Profile::Strict] {
            let set: Vec<_> = places
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, p)| p)
                .collect();
            let mut env = MapEnv::new();
            for (name, value, _) in &set {
                if *name != "vault" {
                    env.set(*name, *value);
                }
            }
            let (_dir, vault) = vault(set.iter().any(|(name, ..)| *name == "vault"));
            let sink = MemorySink::new();
            let resolver = Resolver::builder()
                .profile(profile)
                .env(env)
                .vault(vault)
                .inventory::<SecretId>()
                .audit(Arc::new(sink.clone()))
                .build();
            let case = format!("mask {mask:04b}, {profile:?}");
            let result = resolver.resolve(SecretId::OpenAiApiKey);
            let event = sink.events().pop().expect("every resolve is audited");
            assert_eq!(event.action, Action::Resolve, "{case}");
            match set.first() {
                None => {
                    assert!(
                        matches!(
                            result,
                            Err(Error::Missing {
                                id: "OpenAiApiKey",
                                ..
                            })
                        ),
                        "{case}"
                    );
                    assert_eq!(event.outcome, Outcome::Missing, "{case}");
                }
                Some((
                    name,
                    _,
                    Source::Env {
                        kind: EnvKind::Deprecated,
                        ..
                    },
                )) if profile == Profile::Strict => {
                    match result {
                        Err(Error::DeprecatedAlias {
                            name: got,
                            canonical: "OPENAI_API_KEY",
                            ..
                        }) => {
                            assert_eq!(got, *name, "{case}")
                        }
                        other => panic!("{case}: expected a deprecated-alias error, got {other:?}"),
                    }
                    assert_eq!(event.outcome, Outcome::Denied, "{case}");
                }
                Some((_, value, source)) => {
                    let secret = result.unwrap_or_else(|e| panic!("{case}: {e}"));
                    assert!(secret.expose_secret() == *value, "{case}: wrong value");
                    assert_eq!(secret.source(), *source, "{case}");
                    assert_eq!(
                        event.source.as_deref(),
                        Some(source.to_string().as_str()),
                        "{case}"
                    );
                    let expected = if matches!(
                        source,
                        Source::Env {
                            kind: EnvKind::Deprecated,
                            ..
                        }
                    ) {
                        Outcome::Warning
                    } else {
                        Outcome::Ok
                    };
                    assert_eq!(event.outcome, expected, "{case}");
                }
            }
        }
    }
}

#[test]
fn empty_variables_count_as_unset() {
    let resolver = Resolver::builder()
        .env(MapEnv::from([
            ("OPENAI_API_KEY", ""),
            ("OPENAI_KEY", CANARY_ALIAS),
        ]))
        .build();
    let secret = resolver.resolve(SecretId::OpenAiApiKey).unwrap();
    assert_eq!(
        secret.source(),
        Source::Env {
            name: "OPENAI_KEY",
            kind: EnvKind::Alias
        }
    );
}

#[cfg(unix)]
#[test]
fn a_value_that_is_not_utf8_is_an_error_naming_the_variable() {
    use std::os::unix::ffi::OsStringExt;
    let mut env = MapEnv::new();
    env.set(
        "GITHUB_TOKEN",
        std::ffi::OsString::from_vec(vec![0xff, 0xfe]),
    );
    let err = Resolver::builder()
        .env(env)
        .build()
        .resolve(SecretId::GithubToken)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotUnicode {
                name: "GITHUB_TOKEN",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn resolve_optional_fails_only_for_required_secrets_under_strict() {
    for profile in [Profile::Dev, Profile::Strict] {
        let resolver = Resolver::builder()
            .profile(profile)
            .env(MapEnv::new())
            .build();
        assert!(
            resolver
                .resolve_optional(SecretId::GithubToken)
                .unwrap()
                .is_none()
        );
        let required = resolver.resolve_optional(SecretId::OpenAiApiKey);
        match profile {
            Profile::Dev => assert!(required.unwrap().is_none()),
            Profile::Strict => assert!(matches!(required, Err(Error::Missing { .. }))),
        }
    }
}

#[test]
fn errors_name_the_secret_and_the_remediation() {
    let resolver = Resolver::builder()
        .env(MapEnv::from([("OAI_API_KEY", CANARY_DEPRECATED)]))
        .build();
    let err = resolver
        .resolve(SecretId::OpenAiApiKey)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "secret `OpenAiApiKey` was found in the deprecated variable `OAI_API_KEY`, which the strict \
         profile rejects: rename it to `OPENAI_API_KEY`"
    );
    let err = Resolver::builder()
        .env(MapEnv::new())
        .build()
        .resolve(SecretId::GithubToken)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "secret `GithubToken` is not set: set the environment variable `GITHUB_TOKEN`"
    );
    let (_dir, vault) = vault(false);
    let err = Resolver::builder()
        .env(MapEnv::new())
        .vault(vault)
        .build()
        .resolve(SecretId::GithubToken)
        .unwrap_err();
    assert!(
        err.to_string().ends_with("or store it in the vault"),
        "{err}"
    );
    let err = Resolver::builder()
        .specs(&SECRETS)
        .build()
        .resolve_id("Nope")
        .unwrap_err();
    assert!(matches!(err, Error::UnknownId(_)), "{err}");
}

/// A custom source that has every secret, or fails.
struct Remote {
    fail: bool,
}

impl SecretSource for Remote {
    fn name(&self) -> &'static str {
        "remote"
    }
    fn fetch(&self, spec: &SecretSpec) -> Result<Option<SecretString>, String> {
        if self.fail {
            return Err("connection refused".to_owned());
        }
        Ok((spec.id == "GithubToken").then(|| SecretString::from(CANARY)))
    }
}

#[test]
fn custom_sources_come_after_the_vault_in_the_order_given() {
    let (_dir, vault) = vault(false);
    vault
        .put("GithubToken", &SecretString::from(CANARY_VAULT))
        .unwrap();
    let resolver = Resolver::builder()
        .env(MapEnv::new())
        .vault(vault)
        .source(Remote { fail: false })
        .build();
    assert_eq!(
        resolver.resolve(SecretId::GithubToken).unwrap().source(),
        Source::Vault
    );

    let (_dir, vault) = vault_empty();
    let resolver = Resolver::builder()
        .env(MapEnv::new())
        .source(Remote { fail: false })
        .vault(vault)
        .build();
    let secret = resolver.resolve(SecretId::GithubToken).unwrap();
    assert_eq!(secret.source(), Source::Custom("remote"));
    assert!(secret.expose_secret() == CANARY);
}

fn vault_empty() -> (tempfile::TempDir, Vault) {
    vault(false)
}

#[test]
fn a_failing_source_fails_the_resolve_instead_of_falling_through() {
    let resolver = Resolver::builder()
        .env(MapEnv::new())
        .source(Remote { fail: true })
        .source(Remote { fail: false })
        .build();
    let err = resolver.resolve(SecretId::GithubToken).unwrap_err();
    assert_eq!(
        err.to_string(),
        "secret `GithubToken`: the source `remote` failed: connection refused"
    );
    // The environment still comes first.
    let resolver = Resolver::builder()
        .env(MapEnv::from([("GH_TOKEN", CANARY_ALIAS)]))
        .source(Remote { fail: true })
        .build();
    let token = resolver.resolve(SecretId::GithubToken).unwrap();
    assert!(token.expose_secret() == CANARY_ALIAS);
}

#[test]
fn status_lists_every_secret_with_its_source_and_no_value() {
    let (_dir, vault) = vault(false);
    vault
        .put("GithubToken", &SecretString::from(CANARY_VAULT))
        .unwrap();
    let resolver = Resolver::builder()
        .profile(Profile::Strict)
        .env(MapEnv::from([("OAI_API_KEY", CANARY_DEPRECATED)]))
        .vault(vault)
        .inventory::<SecretId>()
        .build();
    let status = resolver.status();
    let rows: Vec<_> = status
        .iter()
        .map(|s| (s.id, s.state.clone(), s.source))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "OpenAiApiKey",
                State::DeprecatedSource,
                Some(Source::Env {
                    name: "OAI_API_KEY",
                    kind: EnvKind::Deprecated
                })
            ),
            ("GithubToken", State::Present, Some(Source::Vault)),
            ("SentryDsn", State::Missing, None),
        ]
    );
    let text: String = status.iter().map(|s| format!("{s}\n{s:?}\n")).collect();
    assert!(text.contains("OpenAiApiKey (OPENAI_API_KEY): deprecated-source from env `OAI_API_KEY` (deprecated alias), required"));
    for canary in [CANARY, CANARY_DEPRECATED, CANARY_VAULT] {
        assert!(!text.contains(canary), "{text}");
    }
}

#[test]
fn check_fails_closed_under_strict_and_warns_under_dev() {
    // Issue 17, case 2: `Strict` refuses to run without an audit sink.
    let unaudited = Resolver::builder()
        .env(MapEnv::new())
        .inventory::<SecretId>()
        .build();
    assert!(matches!(unaudited.check(), Err(Error::NoAuditSink)));

    let strict = Resolver::builder()
        .env(MapEnv::new())
        .inventory::<SecretId>()
        .audit(Arc::new(MemorySink::new()))
        .build();
    let err = strict.check().unwrap_err();
    assert!(
        matches!(&err, Error::RequiredMissing { ids } if ids == &["OpenAiApiKey"]),
        "{err}"
    );

    let sink = MemorySink::new();
    let dev = Resolver::builder()
        .profile(Profile::Dev)
        .env(MapEnv::new())
        .inventory::<SecretId>()
        .audit(Arc::new(sink.clone()))
        .build();
    dev.check().unwrap();
    let events = sink.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].outcome, Outcome::Warning);
    assert_eq!(events[0].id.as_deref(), Some("OpenAiApiKey"));

    let deprecated = Resolver::builder()
        .env(MapEnv::from([("OAI_API_KEY", CANARY_DEPRECATED)]))
        .inventory::<SecretId>()
        .audit(Arc::new(MemorySink::new()))
        .build();
    assert!(matches!(
        deprecated.check(),
        Err(Error::DeprecatedAlias { .. })
    ));
}

/// An audit sink that always fails.
struct FailingSink;

impl vox_clavis::AuditSink for FailingSink {
    fn record(&self, _: &vox_clavis::AuditEvent) -> std::io::Result<()> {
        Err(std::io::Error::other("disk full"))
    }
}

#[test]
fn an_audit_failure_fails_the_resolve_under_strict_only() {
    let env = MapEnv::from([("GITHUB_TOKEN", CANARY)]);
    let strict = Resolver::builder()
        .env(env.clone())
        .audit(Arc::new(FailingSink))
        .build();
    assert!(matches!(
        strict.resolve(SecretId::GithubToken),
        Err(Error::Audit(_))
    ));
    let dev = Resolver::builder()
        .profile(Profile::Dev)
        .env(env)
        .audit(Arc::new(FailingSink))
        .build();
    assert!(dev.resolve(SecretId::GithubToken).is_ok());
}

#[test]
fn audit_events_carry_the_actor_and_the_reason() {
    let sink = MemorySink::new();
    let resolver = Resolver::builder()
        .env(MapEnv::from([("GITHUB_TOKEN", CANARY)]))
        .audit(Arc::new(sink.clone()))
        .actor("indexer")
        .reason("nightly index")
        .build();
    resolver.resolve(SecretId::GithubToken).unwrap();
    resolver
        .resolve_with_reason(SecretId::GithubToken, "ticket OPS-12")
        .unwrap();
    let events = sink.events();
    assert_eq!(events[0].actor.as_deref(), Some("indexer"));
    assert_eq!(events[0].id.as_deref(), Some("GithubToken"));
    assert_eq!(events[0].reason.as_deref(), Some("nightly index"));
    assert_eq!(events[1].reason.as_deref(), Some("ticket OPS-12"));
}

#[test]
fn profiles_parse_from_names() {
    assert_eq!(Profile::from_name("DEV"), Some(Profile::Dev));
    assert_eq!(Profile::from_name("Strict"), Some(Profile::Strict));
    assert_eq!(Profile::from_name("lenient"), None);
    assert_eq!(Profile::default(), Profile::Strict);
}

/// A source that hands out `GithubToken` once, then fails with an error text that quotes a
/// value: its own earlier value, and whatever it echoes of the request (here the OpenAI key the
/// program also holds), as a careless HTTP client's error does.
struct Echoing {
    calls: std::sync::atomic::AtomicUsize,
}

impl SecretSource for Echoing {
    fn name(&self) -> &'static str {
        "echoing"
    }
    fn fetch(&self, spec: &SecretSpec) -> Result<Option<SecretString>, String> {
        let call = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match (spec.id, call) {
            ("GithubToken", 0) => Ok(Some(SecretString::from(CANARY_VAULT))),
            _ => Err(format!(
                "401 for token {CANARY_VAULT} (request had x-api-key: {CANARY}, \
                 {CANARY:?} base64 {})",
                common::base64(CANARY)
            )),
        }
    }
}

/// Issue 17, case 3: a source's error text passes through the redactor with every value the
/// resolver knows (values it resolved, values in the inventory's variables), so it reaches
/// neither `Error::Source`, nor `status()`, nor the audit log.
#[test]
fn source_errors_are_redacted_with_the_values_the_resolver_knows() {
    let sink = MemorySink::new();
    let resolver = Resolver::builder()
        .env(MapEnv::from([("OPENAI_API_KEY", CANARY)]))
        .source(Echoing {
            calls: Default::default(),
        })
        .inventory::<SecretId>()
        .audit(Arc::new(sink.clone()))
        .build();
    let token = resolver.resolve(SecretId::GithubToken).unwrap();
    assert!(token.expose_secret() == CANARY_VAULT);
    drop(token);

    let err = resolver.resolve(SecretId::GithubToken).unwrap_err();
    let mut seen = format!("{err} {err:?}");
    assert!(matches!(err, Error::Source { .. }), "{err}");
    assert!(seen.contains("401 for token [REDACTED]"), "{seen}");
    for status in resolver.status() {
        seen.push_str(&format!("{status} {status:?}"));
    }
    for event in sink.events() {
        seen.push_str(&serde_json::to_string(&event).unwrap());
    }
    for canary in [CANARY, CANARY_VAULT] {
        assert!(!seen.contains(canary), "{seen}");
        assert!(!seen.contains(&common::base64(canary)), "{seen}");
    }
}

/// Issue 17, case 6: with the hard cut on, a deprecated alias present in the environment fails
/// `check()` even when the canonical name is set too, naming the variable and never its value;
/// resolving that secret fails the same way. Without it, `Strict` accepts the pair (the
/// canonical name wins).
#[test]
fn the_hard_cut_rejects_any_deprecated_alias_present_at_start_up() {
    let env = MapEnv::from([
        ("OPENAI_API_KEY", CANARY),
        ("OAI_API_KEY", CANARY_DEPRECATED),
    ]);
    let strict = Resolver::builder()
        .env(env.clone())
        .inventory::<SecretId>()
        .audit(Arc::new(MemorySink::new()))
        .build();
    strict.check().unwrap();

    let sink = MemorySink::new();
    let hard = Resolver::builder()
        .env(env)
        .inventory::<SecretId>()
        .hard_cut(true)
        .audit(Arc::new(sink.clone()))
        .build();
    let err = hard.check().unwrap_err();
    let mut text = format!("{err} {err:?}");
    assert!(
        matches!(&err, Error::LegacyNames { names }
            if names == &[("OpenAiApiKey", "OAI_API_KEY", "OPENAI_API_KEY")]),
        "{text}"
    );
    assert!(
        text.contains("`OAI_API_KEY`") && text.contains("`OPENAI_API_KEY`"),
        "{text}"
    );
    let err = hard.resolve(SecretId::OpenAiApiKey).unwrap_err();
    text.push_str(&format!(" {err} {err:?}"));
    assert!(matches!(err, Error::LegacyNames { .. }), "{text}");
    let events = sink.events();
    assert_eq!(events.len(), 2, "{events:?}");
    for event in events {
        assert_eq!(event.outcome, Outcome::Denied);
        text.push_str(&serde_json::to_string(&event).unwrap());
    }
    assert!(
        !text.contains(CANARY) && !text.contains(CANARY_DEPRECATED),
        "{text}"
    );
    // A secret without a legacy name set still resolves.
    let hard = Resolver::builder()
        .env(MapEnv::from([("GITHUB_TOKEN", CANARY)]))
        .hard_cut(true)
        .build();
    assert!(hard.resolve(SecretId::GithubToken).is_ok());
}

/// A source that counts its fetches.
struct Counting(Arc<std::sync::atomic::AtomicUsize>);

impl SecretSource for Counting {
    fn name(&self) -> &'static str {
        "counting"
    }
    fn fetch(&self, _: &SecretSpec) -> Result<Option<SecretString>, String> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(Some(SecretString::from(CANARY)))
    }
}

/// Issue 17, case 8: every resolve went back to the source (the vault re-read and decrypted,
/// the key provider asked again). With a cache, a value from a source is reused until its TTL
/// runs out, each resolve still audited; without one (the default, `Strict` included) every
/// resolve fetches. The environment is never cached: it comes first and is read each time.
#[test]
fn the_cache_reuses_values_until_their_ttl_and_is_off_by_default() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;
    let fetches = Arc::new(AtomicUsize::new(0));
    let uncached = Resolver::builder()
        .env(MapEnv::new())
        .source(Counting(fetches.clone()))
        .build();
    uncached.resolve(SecretId::GithubToken).unwrap();
    uncached.resolve(SecretId::GithubToken).unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 2);

    let fetches = Arc::new(AtomicUsize::new(0));
    let sink = MemorySink::new();
    let cached = Resolver::builder()
        .env(MapEnv::new())
        .source(Counting(fetches.clone()))
        .cache(Duration::from_millis(300))
        .audit(Arc::new(sink.clone()))
        .build();
    for _ in 0..3 {
        let token = cached.resolve(SecretId::GithubToken).unwrap();
        assert!(token.expose_secret() == CANARY);
        assert_eq!(token.source(), Source::Custom("counting"));
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    let events = sink.events();
    assert_eq!(events.len(), 3, "a cached resolve is still audited");
    assert!(events[1].detail.as_deref().unwrap().contains("cache"));
    std::thread::sleep(Duration::from_millis(350));
    cached.resolve(SecretId::GithubToken).unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 2, "expired");
    cached.clear_cache();
    cached.resolve(SecretId::GithubToken).unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 3, "cleared");
    assert!(!format!("{cached:?}").contains(CANARY));
}

/// A key provider that counts how often it is asked (one OS keyring access each, with
/// `KeyringKey`).
struct CountingKey(StaticKey, Arc<std::sync::atomic::AtomicUsize>);

impl vox_clavis::KeyProvider for CountingKey {
    fn describe(&self) -> String {
        "counting key".into()
    }
    fn load(&self) -> Result<Kek, Error> {
        self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        vox_clavis::KeyProvider::load(&self.0)
    }
}

#[test]
fn the_cache_spares_the_vault_and_its_key_provider() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.json");
    let kek = Kek::generate();
    let vault = Vault::create(&path, StaticKey::new(kek.clone())).unwrap();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY_VAULT))
        .unwrap();
    let loads = Arc::new(AtomicUsize::new(0));
    let resolver = Resolver::builder()
        .env(MapEnv::new())
        .vault(Vault::new(
            &path,
            CountingKey(StaticKey::new(kek), loads.clone()),
        ))
        .cache(std::time::Duration::from_secs(60))
        .build();
    for _ in 0..5 {
        let key = resolver.resolve(SecretId::OpenAiApiKey).unwrap();
        assert!(key.expose_secret() == CANARY_VAULT);
    }
    assert_eq!(loads.load(Ordering::SeqCst), 1);
}
