use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId {
    #[secret(env = "OPENAI_API_KEY", alias("OPENAI_KEY"), optional = true)]
    OpenAiApiKey,
}

fn main() {}
