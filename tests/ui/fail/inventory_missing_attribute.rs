use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId {
    #[secret(env = "OPENAI_API_KEY")]
    OpenAiApiKey,
    /// A doc comment is not enough.
    GithubToken,
}

fn main() {}
