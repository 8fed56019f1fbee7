//! Inventories of other shapes: explicit discriminants and `repr` (the spec is found by a
//! `match`, not by `self as usize`), restricted visibility, a single variant, no variant.
#![deny(warnings)]

mod secrets {
    use vox_clavis::SecretInventory;

    #[derive(Clone, Copy, Debug, PartialEq, SecretInventory)]
    #[repr(u16)]
    pub(crate) enum Numbered {
        #[secret(env = "FIRST_TOKEN")]
        First = 10,
        #[secret(env = "SECOND_TOKEN", aliases("SECOND"))]
        Second = 3,
        #[secret(env = "THIRD_TOKEN")]
        Third,
    }

    #[derive(Clone, Copy, SecretInventory)]
    pub enum Single {
        #[secret(env = "ONLY_KEY")]
        Only,
    }

    #[derive(Clone, Copy, SecretInventory)]
    pub enum Empty {}
}

use secrets::{Empty, Numbered, Single};
use vox_clavis::SecretInventory;

fn main() {
    assert_eq!(Numbered::Second.spec().env, "SECOND_TOKEN");
    assert_eq!(Numbered::Third.spec().env, "THIRD_TOKEN");
    assert_eq!(Numbered::Third as u16, 4);
    assert_eq!(
        Numbered::ALL,
        [Numbered::First, Numbered::Second, Numbered::Third]
    );
    assert_eq!(Single::Only.to_string(), "ONLY_KEY");
    assert!(Empty::specs().is_empty());
    assert!(Empty::ALL.is_empty());
    assert!(Empty::from_env_name("ONLY_KEY").is_none());
    let (spec, _) = Single::spec_by_env_name("ONLY_KEY").unwrap();
    assert_eq!(spec.id, "Only");
}
