use vox_clavis::Redact;

#[derive(Redact)]
union Credential {
    #[secret]
    token: u64,
    id: u64,
}

fn main() {}
