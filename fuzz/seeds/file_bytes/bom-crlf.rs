//! doc
fn main() {
    let token = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
}
