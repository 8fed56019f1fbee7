//! `Redact` on generic types: type parameters get a `Debug` bound as with `#[derive(Debug)]`;
//! lifetimes, const parameters, defaults and where clauses carry over.
#![deny(warnings)]
// Fields read only by `Debug` are dead code to rustc, with `Redact` as with `#[derive(Debug)]`.
#![allow(dead_code)]

use std::fmt::Debug;

use vox_clavis::Redact;
use vox_clavis::secrecy::SecretString;

#[derive(Redact)]
struct Borrowed<'a, T, const N: usize>
where
    T: Clone,
{
    name: &'a str,
    items: [T; N],
    #[secret]
    token: &'a str,
}

#[derive(Redact)]
enum Reply<'a, E = String>
where
    E: Clone + 'a,
{
    Ok {
        body: &'a str,
        key: &'a SecretString,
    },
    Err(E, #[secret] &'a str),
}

/// A parameter only in a secret field is still bounded (as std does), but never printed.
#[derive(Redact)]
struct Wrapper<T> {
    #[secret]
    inner: T,
}

fn debug(value: &impl Debug) -> String {
    format!("{value:?}")
}

fn main() {
    let borrowed = Borrowed {
        name: "n",
        items: [1u8, 2],
        token: "canary-secret",
    };
    assert_eq!(
        debug(&borrowed),
        r#"Borrowed { name: "n", items: [1, 2], token: [REDACTED] }"#
    );
    let key = SecretString::from("canary-secret");
    let ok: Reply<'_> = Reply::Ok {
        body: "b",
        key: &key,
    };
    assert_eq!(debug(&ok), r#"Ok { body: "b", key: [REDACTED] }"#);
    let err: Reply<'_, u8> = Reply::Err(7, "canary-secret");
    assert_eq!(debug(&err), "Err(7, [REDACTED])");
    assert_eq!(
        debug(&Wrapper { inner: 5 }),
        "Wrapper { inner: [REDACTED] }"
    );
}
