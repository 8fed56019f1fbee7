//! The checks on an inventory's names: each is SCREAMING_SNAKE_CASE, and no name is used twice
//! anywhere in the enum.
//!
//! They need the whole inventory (a name of one variant against the names of the others), so
//! they run on the model `ast` built, after every attribute has been read. A name used twice
//! would make the resolver's answer depend on which variant it asks for first, and a deprecated
//! alias equal to a live name would be read as live by one secret and warned about by another.

use std::collections::HashMap;

use syn::{Ident, LitStr};

use crate::ast::Inventory;
use crate::ctxt::Ctxt;

/// Which of a secret's names a literal is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Canonical,
    Alias,
    Deprecated,
}

/// One name written in the enum.
struct Use<'a> {
    lit: &'a LitStr,
    kind: Kind,
    variant: &'a Ident,
}

impl Use<'_> {
    /// "the canonical name of `OpenAiApiKey`".
    fn describe(&self) -> String {
        let kind = match self.kind {
            Kind::Canonical => "the canonical name",
            Kind::Alias => "an alias",
            Kind::Deprecated => "a deprecated alias",
        };
        format!("{kind} of `{}`", self.variant)
    }
}

pub(crate) fn check_inventory(cx: &Ctxt, inventory: &Inventory) {
    // Every name in declaration order, grouped by value (groups in order of first use).
    let mut groups: Vec<(String, Vec<Use>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for secret in &inventory.secrets {
        let names = std::iter::once((&secret.env, Kind::Canonical))
            .chain(secret.aliases.iter().map(|lit| (lit, Kind::Alias)))
            .chain(secret.deprecated.iter().map(|lit| (lit, Kind::Deprecated)));
        for (lit, kind) in names {
            let name = lit.value();
            check_case(cx, lit, &name);
            let group = *index.entry(name.clone()).or_insert_with(|| {
                groups.push((name, Vec::new()));
                groups.len() - 1
            });
            groups[group].1.push(Use {
                lit,
                kind,
                variant: secret.variant,
            });
        }
    }
    for (name, uses) in &groups {
        check_unique(cx, name, uses);
    }
}

/// `OPENAI_API_KEY`: an ASCII capital letter, then capitals, digits and underscores.
fn check_case(cx: &Ctxt, lit: &LitStr, name: &str) {
    if is_screaming_snake_case(name) {
        return;
    }
    let message = if name.is_empty() {
        "environment variable name is empty".to_owned()
    } else {
        let suggestion = screaming_snake_case(name);
        if is_screaming_snake_case(&suggestion) {
            format!(
                "environment variable name `{name}` is not SCREAMING_SNAKE_CASE: write `{suggestion}`"
            )
        } else {
            format!(
                "environment variable name `{name}` is not SCREAMING_SNAKE_CASE: use capital letters, digits and `_`, starting with a letter"
            )
        }
    };
    cx.error_spanned_by(lit, message);
}

fn is_screaming_snake_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// `openAiKey`, `openai-key`, `openai.key` -> `OPEN_AI_KEY`, `OPENAI_KEY`, `OPENAI_KEY`.
fn screaming_snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        match c {
            '-' | '.' | ' ' => out.push('_'),
            c => out.push(c.to_ascii_uppercase()),
        }
    }
    out
}

/// Each later use of `name` is an error against its first use; a deprecated alias against a
/// live name (canonical or alias) says so.
fn check_unique(cx: &Ctxt, name: &str, uses: &[Use]) {
    let [first, rest @ ..] = uses else {
        return;
    };
    let mut first_noted = false;
    for later in rest {
        let deprecated = |u: &Use| u.kind == Kind::Deprecated;
        if deprecated(first) != deprecated(later) {
            let (dead, live) = if deprecated(first) {
                (first, later)
            } else {
                (later, first)
            };
            cx.error_spanned_by(
                dead.lit,
                format!(
                    "deprecated alias `{name}` is also a live name: {}",
                    live.describe()
                ),
            );
            cx.error_spanned_by(
                live.lit,
                format!("`{name}` is live here, as {}", live.describe()),
            );
        } else {
            cx.error_spanned_by(
                later.lit,
                format!(
                    "environment variable `{name}` is used twice: it is already {}",
                    first.describe()
                ),
            );
            if !first_noted {
                cx.error_spanned_by(first.lit, format!("`{name}` is first used here"));
                first_noted = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screaming_snake_case_names() {
        for good in ["OPENAI_API_KEY", "A", "X1", "AWS_S3_KEY_2", "A__B_"] {
            assert!(is_screaming_snake_case(good), "{good}");
        }
        for bad in [
            "",
            "_KEY",
            "1KEY",
            "openai_key",
            "OPENAI-KEY",
            "KEY.ID",
            "KÉY",
            "A B",
        ] {
            assert!(!is_screaming_snake_case(bad), "{bad}");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(screaming_snake_case("openai_api_key"), "OPENAI_API_KEY");
        assert_eq!(screaming_snake_case("openAiKey"), "OPEN_AI_KEY");
        assert_eq!(screaming_snake_case("openai-key"), "OPENAI_KEY");
        assert_eq!(screaming_snake_case("key.id"), "KEY_ID");
        assert_eq!(screaming_snake_case("s3Key"), "S3_KEY");
    }
}
