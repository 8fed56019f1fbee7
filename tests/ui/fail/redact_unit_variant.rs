use vox_clavis::Redact;

#[derive(Redact)]
enum Auth {
    Bearer(#[secret] String),
    #[secret]
    Anonymous,
}

fn main() {}
