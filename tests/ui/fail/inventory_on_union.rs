use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
union SecretId {
    open_ai_api_key: u8,
}

fn main() {}
