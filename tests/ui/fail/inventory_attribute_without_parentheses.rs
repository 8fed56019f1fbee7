use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId {
    #[secret = "VOX_DB_URL"]
    DatabaseUrl,
}

fn main() {}
