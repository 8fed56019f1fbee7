use vox_clavis::Redact;

#[derive(Redact)]
struct Gateway {
    base_url: String,
    api_key: String,
    #[not_secret]
    client_token: String,
    #[secret]
    #[not_secret]
    password: String,
}

#[derive(Redact)]
enum Login {
    Basic { user: String, password: String },
    #[secret]
    Bearer { token: String },
}

fn main() {}
