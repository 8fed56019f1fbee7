//! `#[derive(Redact)]` never prints a secret, and prints everything else exactly as
//! `#[derive(Debug)]` would: each `Redact` type has a twin deriving `Debug` whose secret fields
//! hold the mask itself, so the two outputs must be equal, in `{:?}` and in `{:#?}`.

// Fields read only by `Debug` are dead code to rustc, with `Redact` as with `#[derive(Debug)]`.
#![allow(dead_code)]

use std::fmt;

use vox_clavis::secrecy::SecretString;
use vox_clavis::{MASK, MapEnv, Redact, ResolvedSecret, Resolver, SecretInventory};

/// Never printed by any `Debug` output.
const CANARY: &str = "canary-value-do-not-print-0201";

/// Prints `[REDACTED]` (no quotes): what the twins hold where the real types hold a secret.
#[derive(Clone, Copy)]
struct Mask;

impl fmt::Debug for Mask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// `redacted` and its twin print the same (but for the twins' names, `FooTwin` for `Foo`), and
/// neither shows the canary.
fn assert_same_debug(redacted: &impl fmt::Debug, twin: &impl fmt::Debug) {
    for (ours, std) in [
        (format!("{redacted:?}"), format!("{twin:?}")),
        (format!("{redacted:#?}"), format!("{twin:#?}")),
    ] {
        assert!(!ours.contains(CANARY), "{ours}");
        assert_eq!(ours, std.replace("Twin", ""));
    }
}

#[derive(Redact)]
struct Config {
    base_url: String,
    retries: u32,
    #[secret]
    password: String,
    api_key: SecretString,
    fallback_key: Option<SecretString>,
    backup_key: Option<SecretString>,
    #[secret]
    cookie: Option<String>,
    tags: Vec<&'static str>,
}

#[derive(Debug)]
struct ConfigTwin {
    base_url: String,
    retries: u32,
    password: Mask,
    api_key: Mask,
    fallback_key: Option<Mask>,
    backup_key: Option<Mask>,
    cookie: Option<Mask>,
    tags: Vec<&'static str>,
}

#[test]
fn a_struct_masks_marked_and_typed_fields_and_nothing_else() {
    let config = Config {
        base_url: "https://api.example.com/\"v1\"".into(),
        retries: 3,
        password: CANARY.into(),
        api_key: SecretString::from(CANARY),
        fallback_key: Some(SecretString::from(CANARY)),
        backup_key: None,
        cookie: Some(CANARY.into()),
        tags: vec!["a", "b"],
    };
    let twin = ConfigTwin {
        base_url: config.base_url.clone(),
        retries: 3,
        password: Mask,
        api_key: Mask,
        fallback_key: Some(Mask),
        backup_key: None,
        cookie: Some(Mask),
        tags: vec!["a", "b"],
    };
    assert_same_debug(&config, &twin);
    assert_eq!(
        format!("{config:?}"),
        r#"Config { base_url: "https://api.example.com/\"v1\"", retries: 3, password: [REDACTED], api_key: [REDACTED], fallback_key: Some([REDACTED]), backup_key: None, cookie: Some([REDACTED]), tags: ["a", "b"] }"#
    );
}

#[derive(Redact)]
struct Token(&'static str, #[secret] String, u8);

#[derive(Debug)]
struct TokenTwin(&'static str, Mask, u8);

#[derive(Redact)]
struct Marker;

#[derive(Debug)]
struct MarkerTwin;

#[test]
fn tuple_and_unit_structs() {
    assert_same_debug(
        &Token("bearer", CANARY.into(), 7),
        &TokenTwin("bearer", Mask, 7),
    );
    assert_same_debug(&Marker, &MarkerTwin);
    assert_eq!(format!("{Marker:?}"), "Marker");
}

#[derive(Redact)]
enum Credential {
    Basic {
        user: String,
        #[secret]
        password: String,
    },
    Bearer(#[secret] String),
    #[secret]
    Pair(String, String),
    Resolved(ResolvedSecret),
    Anonymous,
}

#[derive(Debug)]
enum CredentialTwin {
    Basic { user: String, password: Mask },
    Bearer(Mask),
    Pair(Mask, Mask),
    Resolved(Mask),
    Anonymous,
}

#[test]
fn enums_mask_per_variant() {
    let resolver = Resolver::builder()
        .env(MapEnv::from([("OPENAI_API_KEY", CANARY)]))
        .build();
    let resolved = resolver.resolve(SecretId::OpenAiApiKey).unwrap();
    let cases = [
        (
            Credential::Basic {
                user: "ci-bot".into(),
                password: CANARY.into(),
            },
            CredentialTwin::Basic {
                user: "ci-bot".into(),
                password: Mask,
            },
        ),
        (
            Credential::Bearer(CANARY.into()),
            CredentialTwin::Bearer(Mask),
        ),
        (
            Credential::Pair(CANARY.into(), CANARY.into()),
            CredentialTwin::Pair(Mask, Mask),
        ),
        (
            Credential::Resolved(resolved),
            CredentialTwin::Resolved(Mask),
        ),
        (Credential::Anonymous, CredentialTwin::Anonymous),
    ];
    for (credential, twin) in &cases {
        assert_same_debug(credential, twin);
    }
}

#[derive(Redact)]
struct Outer<'a, T> {
    name: &'a str,
    inner: T,
    credentials: Vec<Credential>,
    #[secret]
    token: &'a str,
}

#[derive(Debug)]
struct OuterTwin<'a, T> {
    name: &'a str,
    inner: T,
    credentials: Vec<CredentialTwin>,
    token: Mask,
}

#[test]
fn nested_values_in_pretty_debug() {
    let outer = Outer {
        name: "client",
        inner: Config {
            base_url: "u".into(),
            retries: 0,
            password: CANARY.into(),
            api_key: SecretString::from(CANARY),
            fallback_key: None,
            backup_key: Some(SecretString::from(CANARY)),
            cookie: None,
            tags: vec![],
        },
        credentials: vec![Credential::Bearer(CANARY.into()), Credential::Anonymous],
        token: CANARY,
    };
    let twin = OuterTwin {
        name: "client",
        inner: ConfigTwin {
            base_url: "u".into(),
            retries: 0,
            password: Mask,
            api_key: Mask,
            fallback_key: None,
            backup_key: Some(Mask),
            cookie: None,
            tags: vec![],
        },
        credentials: vec![CredentialTwin::Bearer(Mask), CredentialTwin::Anonymous],
        token: Mask,
    };
    assert_same_debug(&outer, &twin);
    let pretty = format!("{outer:#?}");
    assert!(
        pretty.contains("        password: [REDACTED],\n"),
        "{pretty}"
    );
}

/// A derived inventory and `Redact` together: the secrets are resolved by id and held in a
/// struct whose `Debug` can go to a log.
#[derive(Clone, Copy, Debug, SecretInventory)]
enum SecretId {
    #[secret(env = "OPENAI_API_KEY")]
    OpenAiApiKey,
}

#[derive(Redact)]
struct Client {
    model: &'static str,
    key: ResolvedSecret,
}

#[test]
fn a_resolved_secret_in_a_redact_struct() {
    let resolver = Resolver::builder()
        .inventory::<SecretId>()
        .env(MapEnv::from([("OPENAI_API_KEY", CANARY)]))
        .build();
    let client = Client {
        model: "gpt",
        key: resolver.resolve(SecretId::OpenAiApiKey).unwrap(),
    };
    let debug = format!("{client:?} {client:#?}");
    assert!(!debug.contains(CANARY), "{debug}");
    assert_eq!(
        format!("{client:?}"),
        r#"Client { model: "gpt", key: [REDACTED] }"#
    );
    // `assert!`, not `assert_eq!`: a failure must not print the value.
    assert!(client.key.expose_secret() == CANARY);
}
