//! The generated code names everything by absolute path: local items called `Option`,
//! `Some`, `None`, `Result`, `Debug`, `Display`, `SecretSpec`, `EnvKind` or `f` change nothing.
#![deny(warnings)]
#![allow(dead_code, non_upper_case_globals, non_camel_case_types)]

mod shadowing {
    struct Option;
    struct Some;
    const None: u8 = 0;
    type Result = ();
    trait Debug {}
    trait Display {}
    struct SecretSpec;
    struct EnvKind;
    struct MASK;
    struct f;

    #[derive(Clone, Copy, vox_clavis::SecretInventory)]
    pub enum SecretId {
        #[secret(env = "SHADOWED_TOKEN")]
        Shadowed,
    }

    #[derive(vox_clavis::Redact)]
    pub struct Holder {
        pub visible: u8,
        #[secret]
        pub hidden: std::option::Option<u8>,
    }
}

use vox_clavis::SecretInventory;

fn main() {
    assert_eq!(shadowing::SecretId::Shadowed.spec().env, "SHADOWED_TOKEN");
    let holder = shadowing::Holder {
        visible: 1,
        hidden: Some(2),
    };
    assert_eq!(
        format!("{holder:?}"),
        "Holder { visible: 1, hidden: Some([REDACTED]) }"
    );
}
