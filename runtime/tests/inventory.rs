//! Hand-written inventories (issue 17, case 5): a table indexed by `self as usize` resolves
//! another secret's value once its order drifts from the enum's. `check_inventory` catches
//! that in a test; specs looked up by id cannot drift at all.

mod common;

use vox_clavis::{MapEnv, Resolver, SecretInventory, SecretSpec, check_inventory};

/// The pattern the docs used to show, with the table out of order.
#[derive(Debug, Clone, Copy)]
enum Drifted {
    OpenAiApiKey,
    GithubToken,
}

static DRIFTED: [SecretSpec; 2] = [
    SecretSpec::new("GithubToken", "GITHUB_TOKEN"),
    SecretSpec::new("OpenAiApiKey", "OPENAI_API_KEY"),
];

impl SecretInventory for Drifted {
    fn specs() -> &'static [SecretSpec] {
        &DRIFTED
    }
    fn spec(self) -> &'static SecretSpec {
        &DRIFTED[self as usize]
    }
}

#[test]
fn a_drifted_table_is_caught_before_it_resolves_the_wrong_secret() {
    // What it does unchecked: the OpenAI key's resolve returns the GitHub token.
    let resolver = Resolver::builder()
        .env(MapEnv::from([("GITHUB_TOKEN", common::CANARY)]))
        .build();
    let wrong = resolver.resolve(Drifted::OpenAiApiKey).unwrap();
    assert_eq!(wrong.id(), "GithubToken");

    let err = check_inventory(&[Drifted::OpenAiApiKey, Drifted::GithubToken]).unwrap_err();
    assert!(
        err.contains("`Drifted::OpenAiApiKey` has the spec of `GithubToken`"),
        "{err}"
    );
    let err = check_inventory(&[Drifted::OpenAiApiKey]).unwrap_err();
    assert!(err.contains("no variant has the spec `"), "{err}");
}

#[test]
fn the_tests_own_inventory_and_a_derived_one_check_out() {
    use common::SecretId;
    check_inventory(&[
        SecretId::OpenAiApiKey,
        SecretId::GithubToken,
        SecretId::SentryDsn,
    ])
    .unwrap();

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, SecretInventory)]
    enum Derived {
        #[secret(env = "OPENAI_API_KEY")]
        OpenAiApiKey,
        #[secret(env = "GITHUB_TOKEN")]
        GithubToken,
    }
    check_inventory(&Derived::ALL).unwrap();
}
