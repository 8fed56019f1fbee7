//! Whether a binding, field, key, method or function name holds a credential's value
//! ([`names_secret_value`]): it names a credential (`api_key`, `token`, `X-Api-Key`) and does not
//! end in a word that makes it something about the credential instead (`token_url`,
//! `secret_name`, `api_key_env`, `password_hash`).
//!
//! Used by `hardcoded-secret` to decide which places in the code say a literal is a credential
//! ([`super::credential_places`]). It builds on [`super::matchers::names_credential`] and lives
//! beside it in the analysis, so the rule keeps only its findings.

use crate::analysis::matchers::names_credential;

/// Last words of names that hold something about a credential rather than the credential
/// itself: `token_url`, `secret_name`, `api_key_env`, `password_hash`.
const NOT_A_VALUE: &[&str] = &[
    "env",
    "var",
    "vars",
    "name",
    "names",
    "id",
    "ids",
    "url",
    "urls",
    "uri",
    "endpoint",
    "path",
    "paths",
    "file",
    "files",
    "dir",
    "header",
    "headers",
    "field",
    "fields",
    "len",
    "length",
    "size",
    "prefix",
    "suffix",
    "type",
    "kind",
    "count",
    "hash",
    "digest",
    "regex",
    "pattern",
    "label",
    "format",
    "template",
    "hint",
    "help",
    "description",
    "message",
    "msg",
    "error",
    "arg",
    "flag",
    "option",
    "source",
    "provider",
    "store",
    "manager",
    "client",
    "service",
    "cache",
    "limit",
    "timeout",
    "ttl",
    "expiry",
    "version",
    "policy",
    "mode",
    "scope",
    "scopes",
    "mask",
    "index",
    "offset",
];

/// Whether a binding, field, key or function name holds a credential's value: it names a
/// credential ([`names_credential`]) and does not end in a word such as `url` or `name`.
pub fn names_secret_value(name: &str) -> bool {
    if name.is_empty() || name.len() > 64 || !names_credential(name) {
        return false;
    }
    let last = last_word(name);
    !NOT_A_VALUE.contains(&last.as_str())
}

/// The last word of `apiKeyEnv`, `API_KEY_ENV`, `x-api-key`, lower-cased.
fn last_word(name: &str) -> String {
    let name = name.trim_end_matches(['_', '-']);
    let mut start = 0;
    let mut prev_lower = false;
    for (i, c) in name.char_indices() {
        if c == '_' || c == '-' {
            start = i + 1;
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            start = i;
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    name[start..].to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_names() {
        for yes in [
            "api_key",
            "token",
            "API_TOKEN",
            "client_secret",
            "password",
            "accessToken",
            "X-Api-Key",
            "with_api_key",
        ] {
            assert!(names_secret_value(yes), "{yes}");
        }
        for no in [
            "token_url",
            "secret_name",
            "api_key_env",
            "password_hash",
            "tokenType",
            "max_tokens",
            "key",
            "",
        ] {
            assert!(!names_secret_value(no), "{no}");
        }
    }

    #[test]
    fn last_words() {
        assert_eq!(last_word("apiKeyEnv"), "env");
        assert_eq!(last_word("API_KEY_ENV"), "env");
        assert_eq!(last_word("x-api-key"), "key");
        assert_eq!(last_word("token_"), "token");
        assert_eq!(last_word("tökenName"), "name");
    }
}
