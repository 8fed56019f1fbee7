// A secret cannot be serialized: there is no `Serialize`.
fn payload(key: &vox_clavis::ResolvedSecret) -> String {
    serde_json::to_string(key).unwrap()
}

// vox-clavis-lint: allow(secret-serialization) -- must not compile: proves there is no `Serialize`
#[derive(serde::Serialize)]
struct Config {
    key: vox_clavis::ResolvedSecret,
}

fn main() {
    let _ = payload;
}
