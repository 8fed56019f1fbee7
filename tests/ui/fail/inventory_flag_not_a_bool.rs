use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId {
    #[secret(env = "SENTRY_DSN", sensitive = "no")]
    SentryDsn,
}

fn main() {}
