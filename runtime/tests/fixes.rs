//! The fix for each lint rule, as `docs/runtime.md` shows it, compiled and run against this
//! crate: every fix the linter suggests must build. The linter itself must find nothing here
//! (the repository's own check runs it over this file).
//!
//! `Client` and `Request` stand in for an HTTP client; the rest is the runtime's real API.

mod common;

use std::sync::Arc;

use common::{CANARY, SecretId};
use secrecy::SecretString;
use serde::Serialize;
use vox_clavis::{
    Kek, MapEnv, MemorySink, Profile, Redactor, ResolvedSecret, Resolver, StaticKey, Vault,
};

/// A stand-in HTTP client.
struct Client {
    authorized: bool,
}

impl Client {
    fn new(api_key: &str) -> Self {
        Client {
            authorized: !api_key.is_empty(),
        }
    }
}

/// A stand-in request builder.
#[derive(Default)]
struct Request {
    query: Vec<(String, String)>,
    headers: Vec<String>,
}

impl Request {
    fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        self.query
            .extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self
    }
    fn header(mut self, name: &str, _value: &str) -> Self {
        self.headers.push(name.to_owned());
        self
    }
    fn bearer_auth(self, token: &str) -> Self {
        self.header("authorization", token)
    }
}

fn resolver() -> Resolver {
    Resolver::builder()
        .env(MapEnv::from([
            ("OPENAI_API_KEY", CANARY),
            ("GITHUB_TOKEN", CANARY),
        ]))
        .inventory::<SecretId>()
        .build()
}

/// `secret-env-read` and `hardcoded-secret`: resolve by id, expose at the call that needs it.
fn client(resolver: &Resolver) -> Result<Client, vox_clavis::Error> {
    let key = resolver.resolve(SecretId::OpenAiApiKey)?;
    Ok(Client::new(key.expose_secret()))
}

/// `deprecated-secret-alias`: the inventory keeps the alias; the resolver decides, by profile.
fn openai_key(resolver: &Resolver) -> Result<ResolvedSecret, vox_clavis::Error> {
    resolver.resolve(SecretId::OpenAiApiKey)
}

/// `deprecated-secret-alias`, the release that drops the alias: the hard cut fails start-up
/// while a deployment still sets it.
fn hard_cut_start(env: MapEnv) -> Result<Resolver, vox_clavis::Error> {
    let resolver = Resolver::builder()
        .env(env)
        .inventory::<SecretId>()
        .hard_cut(true)
        .audit(Arc::new(MemorySink::new()))
        .build();
    resolver.check()?;
    Ok(resolver)
}

/// `secret-serialization`: the secret stays out of the serialized form.
#[derive(Serialize)]
struct ProviderConfig {
    model: String,
    #[serde(skip)]
    api_key: ResolvedSecret,
}

/// `secret-debug-derive`: `Debug` of the secret field prints `[REDACTED]`.
#[derive(Debug)]
struct OpenAiConfig {
    base_url: String,
    api_key: ResolvedSecret,
    token: SecretString,
}

/// `secret-debug-derive`, the other fix: the redacting derive, with the field marked.
#[derive(vox_clavis::Redact)]
struct MarkedConfig {
    base_url: String,
    #[secret]
    api_key: String,
}

/// `secret-in-log`: log the secret's id and source (its `Debug`), and redact text that may
/// carry the value back (a provider's error body).
fn connect_log_line(
    resolver: &Resolver,
    provider_error: &str,
) -> Result<String, vox_clavis::Error> {
    let key = resolver.resolve(SecretId::OpenAiApiKey)?;
    let redactor = Redactor::from(&[&key]);
    Ok(format!(
        "connecting with {key:?}: {}",
        redactor.redact(provider_error)
    ))
}

/// `secret-in-url`: the key goes in a header, never in the URL.
fn forecast(resolver: &Resolver, city: &str) -> Result<Request, vox_clavis::Error> {
    let key = resolver.resolve(SecretId::OpenAiApiKey)?;
    Ok(Request::default()
        .query(&[("city", city)])
        .header("x-api-key", key.expose_secret()))
}

/// `secret-env-write`: the child gets the value on a pipe only it holds.
fn run_child(resolver: &Resolver) -> Result<std::process::ExitStatus, Box<dyn std::error::Error>> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let key = resolver.resolve(SecretId::OpenAiApiKey)?;
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(key.expose_secret().as_bytes())?;
    }
    Ok(child.wait()?)
}

#[test]
fn every_fix_compiles_and_works() {
    let resolver = resolver();
    assert!(client(&resolver).unwrap().authorized);
    assert_eq!(openai_key(&resolver).unwrap().id(), "OpenAiApiKey");

    let config = ProviderConfig {
        model: "gpt".into(),
        api_key: openai_key(&resolver).unwrap(),
    };
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(json, r#"{"model":"gpt"}"#);
    assert_eq!(config.api_key.id(), "OpenAiApiKey");

    let config = OpenAiConfig {
        base_url: "https://api.example".into(),
        api_key: openai_key(&resolver).unwrap(),
        token: SecretString::from(CANARY),
    };
    let debug = format!("{config:?}");
    assert!(!debug.contains(CANARY) && debug.contains(&config.base_url));
    assert_eq!(config.api_key.id(), "OpenAiApiKey");
    assert!(!secrecy::ExposeSecret::expose_secret(&config.token).is_empty());

    let marked = MarkedConfig {
        base_url: "https://api.example".into(),
        api_key: CANARY.to_owned(),
    };
    let debug = format!("{marked:?}");
    assert!(!debug.contains(CANARY), "{debug}");
    assert!(debug.contains("api_key: [REDACTED]") && debug.contains(&marked.base_url));
    assert_eq!(marked.api_key.len(), CANARY.len());

    let line = connect_log_line(&resolver, &format!("401: key {CANARY} revoked")).unwrap();
    assert!(!line.contains(CANARY) && line.contains("[REDACTED]"));

    let request = forecast(&resolver, "Oslo").unwrap();
    assert_eq!(request.query, [("city".to_owned(), "Oslo".to_owned())]);
    assert_eq!(request.headers, ["x-api-key"]);
    let request = Request::default().bearer_auth("x");
    assert_eq!(request.headers, ["authorization"]);

    #[cfg(unix)]
    assert!(run_child(&resolver).unwrap().success());

    let legacy = MapEnv::from([("OPENAI_API_KEY", CANARY), ("OAI_API_KEY", CANARY)]);
    assert!(matches!(
        hard_cut_start(legacy),
        Err(vox_clavis::Error::LegacyNames { .. })
    ));
    let current = MapEnv::from([("OPENAI_API_KEY", CANARY)]);
    assert!(hard_cut_start(current).is_ok());
}

/// The vault as the fix for a credential pasted into the source: store it once (from a prompt
/// or a pipe, here a `SecretString` already in hand), resolve it by id.
#[test]
fn hardcoded_secret_moves_to_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::create(
        dir.path().join("vault.json"),
        StaticKey::new(Kek::generate()),
    )
    .unwrap();
    vault
        .put("OpenAiApiKey", &SecretString::from(CANARY))
        .unwrap();
    let sink = MemorySink::new();
    let resolver = Resolver::builder()
        .profile(Profile::Strict)
        .env(MapEnv::new())
        .vault(vault)
        .audit(Arc::new(sink.clone()))
        .build();
    let key = resolver.resolve(SecretId::OpenAiApiKey).unwrap();
    assert_eq!(key.source(), vox_clavis::Source::Vault);
    assert!(Client::new(key.expose_secret()).authorized);
    assert_eq!(sink.events().len(), 1);
}
