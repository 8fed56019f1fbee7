//! Derive macros of the Clavis runtime. Use them through `vox_clavis`, which re-exports them
//! next to the traits they implement (`use vox_clavis::{Redact, SecretInventory};`): the
//! generated code names the runtime as `::vox_clavis`.
//!
//! - `#[derive(SecretInventory)]` on a fieldless enum: one `#[secret(env = "NAME", ...)]` per
//!   variant becomes the runtime's `SecretInventory` impl, a `static` table of `SecretSpec`s, an
//!   `ALL` constant, a lookup by environment variable name and `Display` as the canonical name.
//! - `#[derive(Redact)]` on a struct or enum: a `Debug` impl shaped like the standard derive's,
//!   printing `[REDACTED]` for `#[secret]` fields and fields of the runtime's secret types.
//!
//! Each derive runs the same pipeline, one module per step: `ast` reads the input's shape,
//! `attr` its `#[secret]` attributes and doc comments, `valid` checks what only the whole
//! inventory shows (names used twice), and `expand` writes the code. Errors are collected in
//! a `ctxt::Ctxt` and reported all at once, each on the attribute or literal at fault.
//!
//! The full reference, with every compile error, is `docs/inventory.md`.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod names;
mod valid;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

use crate::ctxt::Ctxt;

/// Implements `vox_clavis::SecretInventory` for a fieldless enum whose variants carry
/// `#[secret(env = "NAME", aliases(..), deprecated(..), sensitive = bool, required, description = "..")]`.
/// See `docs/inventory.md`.
#[proc_macro_derive(SecretInventory, attributes(secret))]
pub fn derive_secret_inventory(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let cx = Ctxt::new();
    let inventory = ast::Inventory::from_ast(&cx, &input);
    valid::check_inventory(&cx, &inventory);
    match cx.check() {
        Ok(()) => expand::inventory(&inventory).into(),
        Err(errors) => errors.into_compile_error().into(),
    }
}

/// Implements `Debug` like `#[derive(Debug)]`, except that fields marked `#[secret]` (or in a
/// variant marked `#[secret]`), and fields of type `ResolvedSecret`, `SecretString` or
/// `SecretBox<..>` (also in an `Option`), print `[REDACTED]`. A field named like a secret
/// (`password`, `api_key`) must be marked `#[secret]`, or `#[not_secret]` when it holds none:
/// an unmarked one is a compile error. See `docs/inventory.md`.
#[proc_macro_derive(Redact, attributes(secret, not_secret))]
pub fn derive_redact(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let cx = Ctxt::new();
    let redacted = ast::Redacted::from_ast(&cx, &input);
    match (cx.check(), redacted) {
        (Ok(()), Some(redacted)) => expand::redact(&redacted).into(),
        (Err(errors), _) => errors.into_compile_error().into(),
        // Every path that yields no model reports an error first.
        (Ok(()), None) => TokenStream::new(),
    }
}
