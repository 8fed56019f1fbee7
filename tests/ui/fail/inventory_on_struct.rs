use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
struct SecretId {
    #[secret(env = "OPENAI_API_KEY")]
    open_ai_api_key: u8,
}

fn main() {}
