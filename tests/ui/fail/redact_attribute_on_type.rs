use vox_clavis::Redact;

#[derive(Redact)]
#[secret]
struct Config {
    api_key: String,
}

fn main() {}
