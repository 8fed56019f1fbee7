//! `ResolvedSecret` must not implement `Display` or `Serialize`: either would let a secret reach
//! a log line or a serialized payload without an `expose_secret()` anyone can see. These cases
//! must fail to compile, with the errors recorded in `tests/ui/*.stderr` (compiler output, hence
//! the toolchain pinned in `rust-toolchain.toml`; regenerate with `TRYBUILD=overwrite`).

#[test]
fn resolved_secret_has_no_display_and_no_serialize() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
