//! `Redact` on every shape `#[derive(Debug)]` takes: named, tuple and unit structs, enums with
//! named, tuple and unit variants, a variant marked `#[secret]` as a whole, raw field names,
//! an enum with no variant, and the runtime's secret types found by their type alone.
#![deny(warnings)]
// Fields read only by `Debug` are dead code to rustc, with `Redact` as with `#[derive(Debug)]`.
#![allow(dead_code)]

use vox_clavis::secrecy::{SecretBox, SecretString};
use vox_clavis::{Redact, ResolvedSecret};

#[derive(Redact)]
struct Named {
    r#type: &'static str,
    #[secret]
    password: String,
}

#[derive(Redact)]
struct Tuple(u8, #[secret] String);

#[derive(Redact)]
struct Unit;

#[derive(Redact)]
struct EmptyBraces {}

#[derive(Redact)]
enum Credential {
    Basic {
        user: String,
        #[secret]
        password: String,
    },
    Bearer(#[secret] String),
    #[secret]
    Pair(String, String),
    Anonymous,
}

#[derive(Redact)]
enum Never {}

#[derive(Redact)]
struct ByType {
    string: SecretString,
    boxed: SecretBox<[u8]>,
    optional: Option<SecretString>,
    resolved: Option<ResolvedSecret>,
    path: Option<vox_clavis::secrecy::SecretString>,
}

fn main() {
    let named = Named {
        r#type: "basic",
        password: "canary".into(),
    };
    assert_eq!(
        format!("{named:?}"),
        r#"Named { type: "basic", password: [REDACTED] }"#
    );
    assert_eq!(
        format!("{:?}", Tuple(1, "canary".into())),
        "Tuple(1, [REDACTED])"
    );
    assert_eq!(format!("{Unit:?}"), "Unit");
    assert_eq!(format!("{:?}", EmptyBraces {}), "EmptyBraces");
    let basic = Credential::Basic {
        user: "u".into(),
        password: "canary".into(),
    };
    assert_eq!(
        format!("{basic:?}"),
        r#"Basic { user: "u", password: [REDACTED] }"#
    );
    assert_eq!(
        format!("{:?}", Credential::Bearer("canary".into())),
        "Bearer([REDACTED])"
    );
    assert_eq!(
        format!("{:?}", Credential::Pair("canary".into(), "canary".into())),
        "Pair([REDACTED], [REDACTED])"
    );
    assert_eq!(format!("{:?}", Credential::Anonymous), "Anonymous");
    let _ = |never: &Never| format!("{never:?}");
    let by_type = ByType {
        string: SecretString::from("canary"),
        boxed: SecretBox::new(Box::from(&b"canary"[..])),
        optional: Some(SecretString::from("canary")),
        resolved: None,
        path: None,
    };
    assert_eq!(
        format!("{by_type:?}"),
        "ByType { string: [REDACTED], boxed: [REDACTED], optional: Some([REDACTED]), resolved: None, path: None }"
    );
}
