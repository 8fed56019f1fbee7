use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId {
    #[secret(env = "OPENAI_API_KEY", required)]
    #[secret(env = "OPENAI_KEY", required = false)]
    OpenAiApiKey,
}

fn main() {}
