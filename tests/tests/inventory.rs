//! A derived inventory drives the real resolver: names resolve with the right precedence and
//! kind, the lookup by name agrees with the specs, `Display` is the canonical name and `ALL`
//! lists the variants in declaration order.

use vox_clavis::{EnvKind, MapEnv, Profile, Resolver, SecretInventory, SecretSpec, Source};

/// Never printed by any test output.
const CANARY: &str = "canary-value-do-not-print-0101";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, SecretInventory)]
pub enum SecretId {
    /// OpenAI API key for the chat client.
    #[secret(
        env = "OPENAI_API_KEY",
        aliases("OPENAI_KEY"),
        deprecated("OAI_API_KEY")
    )]
    OpenAiApiKey,
    #[secret(env = "VOX_DB_URL", sensitive = false, required)]
    DatabaseUrl,
    /// GitHub token for the release job.
    #[secret(
        env = "GITHUB_TOKEN",
        aliases("GH_TOKEN", "GITHUB_PAT"),
        deprecated("GH_PAT")
    )]
    GithubToken,
}

/// The same inventory written by hand, as `runtime/tests/common` and the docs do.
static HAND_WRITTEN: [SecretSpec; 3] = [
    SecretSpec::new("OpenAiApiKey", "OPENAI_API_KEY")
        .aliases(&["OPENAI_KEY"])
        .deprecated(&["OAI_API_KEY"])
        .description("OpenAI API key for the chat client."),
    SecretSpec::new("DatabaseUrl", "VOX_DB_URL")
        .sensitive(false)
        .required(true),
    SecretSpec::new("GithubToken", "GITHUB_TOKEN")
        .aliases(&["GH_TOKEN", "GITHUB_PAT"])
        .deprecated(&["GH_PAT"])
        .description("GitHub token for the release job."),
];

fn resolver(profile: Profile, vars: &[(&'static str, &'static str)]) -> Resolver {
    let mut env = MapEnv::new();
    for (name, value) in vars {
        env.set(*name, *value);
    }
    Resolver::builder()
        .profile(profile)
        .inventory::<SecretId>()
        .env(env)
        .build()
}

#[test]
fn the_derived_table_equals_the_hand_written_one() {
    assert_eq!(SecretId::specs(), &HAND_WRITTEN[..]);
    for (id, spec) in SecretId::ALL.into_iter().zip(&HAND_WRITTEN) {
        assert_eq!(id.spec(), spec);
        assert_eq!(id.id(), spec.id);
    }
}

#[test]
fn all_lists_the_variants_in_declaration_order() {
    assert_eq!(
        SecretId::ALL,
        [
            SecretId::OpenAiApiKey,
            SecretId::DatabaseUrl,
            SecretId::GithubToken
        ]
    );
    let ids: Vec<_> = SecretId::specs().iter().map(|spec| spec.id).collect();
    assert_eq!(ids, ["OpenAiApiKey", "DatabaseUrl", "GithubToken"]);
}

#[test]
fn display_is_the_canonical_name() {
    assert_eq!(SecretId::OpenAiApiKey.to_string(), "OPENAI_API_KEY");
    assert_eq!(SecretId::DatabaseUrl.to_string(), "VOX_DB_URL");
    assert_eq!(format!("{:<14}|", SecretId::GithubToken), "GITHUB_TOKEN  |");
}

#[test]
fn lookup_by_env_name_says_which_name_it_is() {
    let cases = [
        ("OPENAI_API_KEY", SecretId::OpenAiApiKey, EnvKind::Canonical),
        ("OPENAI_KEY", SecretId::OpenAiApiKey, EnvKind::Alias),
        ("OAI_API_KEY", SecretId::OpenAiApiKey, EnvKind::Deprecated),
        ("VOX_DB_URL", SecretId::DatabaseUrl, EnvKind::Canonical),
        ("GH_TOKEN", SecretId::GithubToken, EnvKind::Alias),
        ("GITHUB_PAT", SecretId::GithubToken, EnvKind::Alias),
        ("GH_PAT", SecretId::GithubToken, EnvKind::Deprecated),
    ];
    for (name, id, kind) in cases {
        assert_eq!(SecretId::from_env_name(name), Some((id, kind)), "{name}");
        // The trait's provided lookup, which hand-written inventories have too, agrees.
        let (spec, spec_kind) = SecretId::spec_by_env_name(name).unwrap();
        assert_eq!((spec, spec_kind), (id.spec(), kind), "{name}");
        assert_eq!(id.spec().env_kind(name), Some(kind), "{name}");
    }
    for name in [
        "",
        "HOME",
        "openai_api_key",
        "OPENAI_API_KEY ",
        "OpenAiApiKey",
    ] {
        assert_eq!(SecretId::from_env_name(name), None, "{name:?}");
        assert_eq!(SecretId::spec_by_env_name(name), None, "{name:?}");
    }
}

#[test]
fn each_name_resolves_with_its_kind() {
    for (name, id) in [
        ("OPENAI_API_KEY", SecretId::OpenAiApiKey),
        ("OPENAI_KEY", SecretId::OpenAiApiKey),
        ("OAI_API_KEY", SecretId::OpenAiApiKey),
        ("VOX_DB_URL", SecretId::DatabaseUrl),
        ("GITHUB_TOKEN", SecretId::GithubToken),
        ("GH_TOKEN", SecretId::GithubToken),
        ("GITHUB_PAT", SecretId::GithubToken),
        ("GH_PAT", SecretId::GithubToken),
    ] {
        let (_, kind) = SecretId::from_env_name(name).unwrap();
        let secret = resolver(Profile::Dev, &[(name, CANARY)])
            .resolve(id)
            .unwrap();
        assert_eq!(secret.id(), id.id());
        assert_eq!(secret.source(), Source::Env { name, kind });
        // `assert!`, not `assert_eq!`: a failure must not print the value.
        assert!(secret.expose_secret() == CANARY);
        assert!(!format!("{secret:?}").contains(CANARY));
    }
}

#[test]
fn precedence_and_profiles_follow_the_derived_spec() {
    // The canonical name wins over an alias, an alias over a deprecated alias.
    let all = [
        ("GITHUB_TOKEN", "canonical"),
        ("GH_TOKEN", "alias"),
        ("GH_PAT", "deprecated"),
    ];
    for skip in 0..all.len() {
        let vars: Vec<_> = all[skip..].to_vec();
        let secret = resolver(Profile::Dev, &vars)
            .resolve(SecretId::GithubToken)
            .unwrap();
        assert!(secret.expose_secret() == all[skip].1, "{skip}");
    }
    // `Strict` rejects a deprecated alias, and a missing required secret.
    let strict = resolver(Profile::Strict, &[("OAI_API_KEY", CANARY)]);
    let error = strict.resolve(SecretId::OpenAiApiKey).unwrap_err();
    assert!(error.to_string().contains("OPENAI_API_KEY"), "{error}");
    assert!(!error.to_string().contains(CANARY));
    assert!(strict.resolve_optional(SecretId::DatabaseUrl).is_err());
    assert!(
        strict
            .resolve_optional(SecretId::GithubToken)
            .unwrap()
            .is_none()
    );
    // `resolve_id` finds the derived ids, through `inventory::<SecretId>()`.
    let by_id = resolver(Profile::Strict, &[("VOX_DB_URL", "postgres://db")]);
    assert!(by_id.resolve_id("DatabaseUrl").unwrap().expose_secret() == "postgres://db");
}
