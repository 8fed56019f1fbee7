//! `#[not_secret]`: a field named like a secret that holds none (a public client id) prints
//! as `Debug` prints it, and the derive accepts it unmarked only with that word.
#![deny(warnings)]
#![allow(dead_code)]

use vox_clavis::Redact;

#[derive(Redact)]
struct Client {
    /// Public by design: sent in every URL.
    #[not_secret]
    client_token: String,
    #[secret]
    client_secret: String,
    /// Not named like a secret: no mark needed.
    region: String,
    /// Named for a property of the key, not the key.
    token_count: u32,
}

fn main() {
    let c = Client {
        client_token: "public-id".into(),
        client_secret: "canary".into(),
        region: "eu".into(),
        token_count: 2,
    };
    assert_eq!(
        format!("{c:?}"),
        r#"Client { client_token: "public-id", client_secret: [REDACTED], region: "eu", token_count: 2 }"#
    );
}
