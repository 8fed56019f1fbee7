//! Not a library: the home of the tests that cross crate boundaries, run as a user of
//! `vox-clavis` would write them.
//!
//! - `tests/ui.rs`: trybuild. `ui/pass/*.rs` must compile (and run), `ui/fail/*.rs` must fail
//!   with the errors recorded next to them in `.stderr` files (compiler output, hence the
//!   toolchain pinned in `rust-toolchain.toml`; regenerate with `TRYBUILD=overwrite` and read
//!   each file: the span is the point).
//! - `tests/inventory.rs`: a derived inventory driving the real resolver.
//! - `tests/redact.rs`: the `Debug` of `Redact` types never shows a secret and otherwise prints
//!   exactly what `#[derive(Debug)]` prints.
//!
//! The derives are used through `vox_clavis`'s re-export only, so their absolute paths
//! (`::vox_clavis::...`) are tested too.
