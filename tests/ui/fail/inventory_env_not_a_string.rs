use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId {
    #[secret(env = OPENAI_API_KEY)]
    OpenAiApiKey,
}

fn main() {}
