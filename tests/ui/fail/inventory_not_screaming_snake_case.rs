use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId {
    #[secret(
        env = "openai_api_key",
        aliases("openAiKey"),
        deprecated("oai-api-key")
    )]
    OpenAiApiKey,
    #[secret(env = "2FA_SEED", aliases(""))]
    TwoFactorSeed,
}

fn main() {}
