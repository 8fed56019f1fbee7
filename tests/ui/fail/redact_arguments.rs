use vox_clavis::Redact;

#[derive(Redact)]
struct Config {
    #[secret(env = "OPENAI_API_KEY")]
    api_key: String,
    #[secret = "yes"]
    password: String,
}

#[derive(Redact)]
enum Auth {
    #[secret(all)]
    Basic(String, String),
}

fn main() {}
