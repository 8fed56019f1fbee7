//! Every error of the enum is reported at once, not only the first.
use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId {
    #[secret(env = "OPENAI_API_KEY", aliases("openai_key"), colour = "red")]
    OpenAiApiKey,
    #[secret(required)]
    GithubToken,
    #[secret(env = "SENTRY_DSN", deprecated("OPENAI_API_KEY"))]
    SentryDsn,
    Unmarked,
    #[secret(env = "TENANT_TOKEN")]
    Tenant {
        id: u32,
    },
}

fn main() {}
