use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId {
    #[secret(env = "GITHUB_TOKEN", aliases("GH_TOKEN"))]
    GithubToken,
    #[secret(env = "GH_TOKEN")]
    GithubActionsToken,
    #[secret(env = "SENTRY_DSN", aliases("SENTRY_DSN"))]
    SentryDsn,
}

fn main() {}
