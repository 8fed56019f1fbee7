use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId {
    #[secret(env = "OPENAI_API_KEY", deprecated("OPENAI_KEY"))]
    OpenAiApiKey,
    #[secret(env = "AZURE_OPENAI_KEY", aliases("OPENAI_KEY"))]
    AzureOpenAiKey,
}

fn main() {}
