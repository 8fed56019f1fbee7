use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId {
    #[secret(aliases("OPENAI_KEY"), required)]
    OpenAiApiKey,
    #[secret]
    GithubToken,
}

fn main() {}
