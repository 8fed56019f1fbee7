//! Which field names say a secret, for `Redact`'s refusal to print one it was not told about.
//!
//! A compile error must never fire on a name that holds no secret, so this is a short, sure
//! subset of the linter's vocabulary (`lint/src/analysis/secret_field_names.rs`, which also
//! weighs the type, the doc comment and the neighbouring fields): the last word of the name,
//! after value suffixes, is a credential's (`password`, `api_key`, `client_secret`), or
//! `key` after a word that makes it one. `#[not_secret]` overrides it.

/// Last words that name a credential whatever comes before them.
const HEADS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
];

/// Words that make a following `key` a credential (`api_key`, `private_key`).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "secret",
    "private",
    "signing",
    "access",
    "master",
    "encryption",
    "client",
];

/// Suffixes naming a property of the value rather than the value (`token_count`).
const VALUE_SUFFIXES: &[&str] = &[
    "count", "len", "length", "size", "kind", "type", "id", "ids", "name", "names", "path", "file",
    "url", "env", "var", "ttl", "expiry", "expires", "at", "hint", "hash", "prefix",
];

/// Whether a field named `name` looks like it holds a credential's value.
pub(crate) fn looks_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower.split('_').filter(|w| !w.is_empty()).collect();
    let Some((&last, before)) = words.split_last() else {
        return false;
    };
    if VALUE_SUFFIXES.contains(&last) {
        return false;
    }
    HEADS.contains(&last)
        || (last == "key" && before.last().is_some_and(|w| KEY_QUALIFIERS.contains(w)))
}

#[cfg(test)]
mod tests {
    use super::looks_secret;

    #[test]
    fn credential_names_and_their_look_alikes() {
        for name in [
            "password",
            "api_key",
            "admin_token",
            "client_secret",
            "private_key",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in [
            "token_count",
            "key",
            "public_key",
            "secret_name",
            "host",
            "map_key",
            "password_hash",
        ] {
            assert!(!looks_secret(name), "{name}");
        }
    }
}
