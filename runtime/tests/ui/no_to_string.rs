// Nor turned into a `String` without `expose_secret()`.
fn header(key: &vox_clavis::ResolvedSecret) -> String {
    key.to_string()
}

fn main() {
    let _ = header;
}
