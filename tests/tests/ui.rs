//! The derives at compile time: `ui/pass/*.rs` compile and run, `ui/fail/*.rs` fail with the
//! errors in their `.stderr` files. Regenerate those with `TRYBUILD=overwrite cargo test -p
//! vox-clavis-tests --test ui`, then read each one: the span must point at the attribute or
//! literal at fault.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
