// A secret cannot be formatted with `{}`: there is no `Display`.
fn log_line(key: &vox_clavis::ResolvedSecret) -> String {
    format!("using key {key}")
}

fn main() {
    let _ = log_line;
}
