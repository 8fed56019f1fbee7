//! The derived inventory: aliases, deprecated aliases, flags, doc comments, `ALL`, the lookup
//! by name and `Display`, with one `use` bringing the trait and the derive.
#![deny(warnings)]

use vox_clavis::{EnvKind, SecretInventory};

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
    /// GitHub token
    /// for the release job.
    ///
    /// Rotated monthly.
    #[secret(
        env = "GITHUB_TOKEN",
        aliases("GH_TOKEN", "GITHUB_PAT",),
        deprecated("GH_PAT", "GITHUB_OAUTH"),
        sensitive = true,
        required = false
    )]
    GithubToken,
    /// Ignored: `description` wins.
    #[secret(env = "SENTRY_DSN", description = "Sentry DSN")]
    #[secret(sensitive = false)]
    SentryDsn,
}

fn main() {
    let spec = SecretId::OpenAiApiKey.spec();
    assert_eq!(spec.id, "OpenAiApiKey");
    assert_eq!(spec.env, "OPENAI_API_KEY");
    assert_eq!(spec.aliases, ["OPENAI_KEY"]);
    assert_eq!(spec.deprecated, ["OAI_API_KEY"]);
    assert!(spec.sensitive && !spec.required);
    assert_eq!(spec.description, "OpenAI API key for the chat client.");

    let db = SecretId::DatabaseUrl.spec();
    assert!(!db.sensitive && db.required);
    assert_eq!(db.description, "");

    let github = SecretId::GithubToken.spec();
    assert_eq!(github.aliases, ["GH_TOKEN", "GITHUB_PAT"]);
    assert_eq!(github.deprecated, ["GH_PAT", "GITHUB_OAUTH"]);
    assert_eq!(
        github.description,
        "GitHub token for the release job.\n\nRotated monthly."
    );
    assert_eq!(SecretId::SentryDsn.spec().description, "Sentry DSN");
    assert!(!SecretId::SentryDsn.spec().sensitive);

    assert_eq!(SecretId::specs().len(), 4);
    assert_eq!(SecretId::ALL.len(), 4);
    assert_eq!(SecretId::GithubToken.id(), "GithubToken");
    assert_eq!(
        SecretId::from_env_name("GITHUB_OAUTH"),
        Some((SecretId::GithubToken, EnvKind::Deprecated))
    );
    assert_eq!(SecretId::from_env_name("openai_api_key"), None);
    assert_eq!(format!("{}", SecretId::DatabaseUrl), "VOX_DB_URL");
    assert_eq!(format!("[{:>12}]", SecretId::SentryDsn), "[  SENTRY_DSN]");
}
