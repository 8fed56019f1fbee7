//! Whether a name says that what it names holds a credential's value: a field (`api_key`,
//! `client_secret`, `database_url`), a tuple struct (`ApiKey(String)`) or an enum variant
//! (`Auth::Bearer(String)`). Names are split into words (`apiKey`, `API_KEY`, `api_key` alike)
//! and judged by their last word, the thing the field *is*, so `token_count`, `token_url`,
//! `public_key` and a parser's bare `token` are not credentials.
//!
//! Used by `secret-debug-derive`, whose prefilter triggers are built from the same word lists
//! ([`VALUE_SUFFIXES`], [`SECRET_HEADS`], [`KEY_QUALIFIERS`], [`TOKENS_QUALIFIERS`]) so that the
//! two cannot drift apart. The judgement of names is analysis, not reporting: it lives here, where
//! it is read and tested on its own, and the rule keeps its walk and its findings.

/// The words of an identifier, lowercase: `apiKey`, `API_KEY`, `api_key` -> `api`, `key`.
/// Numbers are dropped (`api_key_2`, `token2` -> `token`).
fn words(ident: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    let mut flush = |cur: &mut String| {
        let w = cur.trim_end_matches(|c: char| c.is_ascii_digit());
        if !w.is_empty() {
            words.push(w.to_owned());
        }
        cur.clear();
    };
    for c in ident.chars() {
        if !c.is_alphanumeric() {
            flush(&mut cur);
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            flush(&mut cur);
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    flush(&mut cur);
    words
}

/// Words after the head noun that still mean "the value itself": `token_value`,
/// `private_key_pem`, `password_confirmation`.
pub const VALUE_SUFFIXES: &[&str] = &[
    "value",
    "raw",
    "plain",
    "plaintext",
    "str",
    "bytes",
    "b",
    "base",
    "hex",
    "pem",
    "der",
    "confirmation",
    "confirm",
    "override",
    "fallback",
];

/// Head nouns that are a credential on their own.
pub const SECRET_HEADS: &[&str] = &[
    "token",
    "secret",
    "secrets",
    "password",
    "passwords",
    "passwd",
    "passphrase",
    "apikey",
    "credential",
    "credentials",
    "creds",
    "bearer",
    "auth",
    "authorization",
    "dsn",
    "privkey",
];

/// `<qualifier>_key`: keys that are credentials (`idempotency_key`, `sort_key` are not).
pub const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "secret",
    "private",
    "access",
    "signing",
    "encryption",
    "master",
    "hmac",
    "auth",
    "session",
    "ssh",
    "deploy",
    "license",
    "client",
    "webhook",
    "service",
];

/// `<qualifier>_tokens`: lists of credentials (`max_tokens`, `stop_tokens` are not).
pub const TOKENS_QUALIFIERS: &[&str] = &[
    "access", "api", "auth", "bearer", "refresh", "session", "oauth", "id",
];

/// A word before the head noun that makes it something else: `public_key`,
/// `hashed_password`, `next_page_token`, tokenizer special tokens (`eos_token`).
const NEGATING_QUALIFIERS: &[&str] = &[
    "not",
    "non",
    "public",
    "hashed",
    "hash",
    "encrypted",
    "masked",
    "redacted",
    "obfuscated",
    "page",
    "pagination",
    "continuation",
    "cursor",
    "next",
    "sync",
    "cancel",
    "cancellation",
    "bos",
    "eos",
    "pad",
    "unk",
    "sep",
    "cls",
    "mask",
    "special",
    "stop",
    "eot",
    "sot",
    "max",
    "min",
    "num",
];

/// Whether a field name says the field holds a credential's value (see the rule's docs).
pub fn secret_field_name(ident: &str) -> bool {
    secret_words(&words(ident))
}

pub fn secret_words(words: &[String]) -> bool {
    let mut w: Vec<&str> = words.iter().map(String::as_str).collect();
    while w.len() > 1 && w.last().is_some_and(|l| VALUE_SUFFIXES.contains(l)) {
        w.pop();
    }
    let Some((&head, before)) = w.split_last() else {
        return false;
    };
    let prev = before.last().copied();
    if prev.is_some_and(|p| NEGATING_QUALIFIERS.contains(&p)) {
        return false;
    }
    let prev_is = |set: &[&str]| prev.is_some_and(|p| set.contains(&p));
    match head {
        h if SECRET_HEADS.contains(&h) => true,
        "key" | "keys" => prev_is(KEY_QUALIFIERS),
        "tokens" => prev_is(TOKENS_QUALIFIERS),
        "header" => prev_is(&["auth", "authorization"]),
        "url" | "uri" => prev_is(&["database", "webhook"]),
        "string" => prev_is(&["connection"]),
        _ => false,
    }
}

/// Words of a type or variant name that place a bare `token` field in a parser: the
/// `token` of `ParseError::Unexpected { token: &str }` is a lexeme, not a credential.
const PARSER_WORDS: &[&str] = &[
    "lexer",
    "lex",
    "lexeme",
    "parser",
    "parse",
    "syntax",
    "grammar",
    "tokenizer",
    "unexpected",
    "expected",
];

/// Words that place a bare `token` in a language model's output: the `token` of
/// `TokenLogprob { token, logprob, bytes }` is a piece of generated text.
const MODEL_OUTPUT_WORDS: &[&str] = &["logprob", "logprobs"];

/// A bare `token` field of a parser's type or error, or of a model's output (by the type's or
/// variant's name, or by a sibling field such as `logprob`).
pub fn lexer_token(field: &str, owner: &str, variant: Option<&str>, siblings: &[String]) -> bool {
    if words(field) != ["token"] {
        return false;
    }
    let mut names = words(owner);
    names.extend(variant.map(words).unwrap_or_default());
    let sibling_words = siblings.iter().flat_map(|s| words(s));
    names
        .iter()
        .any(|w| PARSER_WORDS.contains(&w.as_str()) || MODEL_OUTPUT_WORDS.contains(&w.as_str()))
        || sibling_words
            .into_iter()
            .any(|w| MODEL_OUTPUT_WORDS.contains(&w.as_str()))
}

/// A type of access levels (`Permissions { secrets: Option<String> }`, `TokenScopes`): its
/// fields name what may be accessed (`"read"`, `"write"`), not credentials.
pub fn access_levels(owner: &str) -> bool {
    words(owner).last().is_some_and(|w| {
        matches!(
            w.as_str(),
            "permission" | "permissions" | "scope" | "scopes" | "grant" | "grants"
        )
    })
}

/// The id half of a key pair: `access_key` beside a `secret_key` or `secret_access_key` (AWS,
/// MinIO and S3-compatible stores call the key id the access key).
pub fn key_id_half(field: &str, siblings: &[String]) -> bool {
    words(field) == ["access", "key"]
        && siblings.iter().any(|s| {
            let w = words(s);
            w == ["secret", "key"] || w == ["secret", "access", "key"]
        })
}

/// A tuple struct named for a credential: `ApiKey(String)`, `BearerToken(String)`. A bare
/// `Token` is not enough (lexers have those).
pub fn secret_type_name(name: &str) -> bool {
    let w = words(name);
    secret_words(&w) && w != ["token"]
}

/// A tuple variant named for a credential: `Auth::Bearer(String)`, `Credential::ApiKey(..)`;
/// a bare `Token` or `Basic` variant only in an enum whose own name is about credentials.
pub fn secret_variant_name(owner: &str, variant: &str) -> bool {
    let w = words(variant);
    // `Credentials::Basic(user, password)`, `Auth::Token(..)`.
    if w == ["token"] || w == ["basic"] {
        return words(owner).iter().any(|o| {
            matches!(
                o.as_str(),
                "auth" | "authorization" | "credential" | "credentials" | "secret" | "secrets"
            )
        });
    }
    secret_words(&w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_every_case() {
        assert_eq!(words("apiKey"), ["api", "key"]);
        assert_eq!(words("API_KEY"), ["api", "key"]);
        assert_eq!(words("api_key_2"), ["api", "key"]);
        assert_eq!(words("token2"), ["token"]);
        assert_eq!(words("OAuthToken"), ["oauth", "token"]);
        assert_eq!(words("private_key_b64"), ["private", "key", "b"]);
        assert!(words("").is_empty());
        assert!(words("__").is_empty());
    }

    #[test]
    fn secret_field_names() {
        for yes in [
            "api_key",
            "apiKey",
            "apikey",
            "token",
            "access_token",
            "refresh_token",
            "id_token",
            "auth_token",
            "secret",
            "client_secret",
            "webhook_secret",
            "token_secret",
            "password",
            "db_password",
            "new_password",
            "password_confirmation",
            "passwd",
            "passphrase",
            "private_key",
            "private_key_pem",
            "secret_key",
            "aws_secret_access_key",
            "signing_key",
            "auth",
            "basic_auth",
            "authorization",
            "auth_header",
            "credentials",
            "credential",
            "bearer",
            "dsn",
            "sentry_dsn",
            "database_url",
            "webhook_url",
            "connection_string",
            "api_keys",
            "access_tokens",
            "token_value",
            "raw_token",
            "api_key_2",
            "Token",
            "GITHUB_TOKEN",
        ] {
            assert!(secret_field_name(yes), "{yes} should be secret");
        }
        for no in [
            "max_tokens",
            "tokens",
            "stop_tokens",
            "token_budget",
            "token_count",
            "token_limit",
            "token_type",
            "token_url",
            "token_endpoint",
            "token_expires_at",
            "token_path",
            "token_file",
            "token_env",
            "token_var",
            "api_key_env",
            "api_key_var",
            "apiKeyEnv",
            "key_id",
            "access_key_id",
            "api_key_id",
            "auth_url",
            "auth_type",
            "auth_method",
            "secret_name",
            "secret_id",
            "secret_ref",
            "secret_arn",
            "password_hash",
            "password_file",
            "password_hint",
            "hashed_password",
            "not_secret",
            "non_secret",
            "encrypted_token",
            "public_key",
            "public_token",
            "next_page_token",
            "page_token",
            "continuation_token",
            "eos_token",
            "bos_token",
            "pad_token",
            "key",
            "sort_key",
            "cache_key",
            "idempotency_key",
            "primary_key",
            "keyboard",
            "tokenizer",
            "author",
            "authority",
            "oauth",
            "base_url",
            "url",
            "name",
            "",
        ] {
            assert!(!secret_field_name(no), "{no} should not be secret");
        }
    }

    #[test]
    fn bare_tokens_of_parsers() {
        assert!(lexer_token("token", "ErrorKind", Some("Unexpected"), &[]));
        assert!(lexer_token("token", "ParseError", None, &[]));
        assert!(lexer_token("token", "Lexer", None, &[]));
        assert!(!lexer_token("token", "Client", None, &[]));
        assert!(!lexer_token("access_token", "ParseError", None, &[]));
        assert!(!lexer_token("token", "Auth", Some("Bearer"), &[]));
        assert!(lexer_token(
            "token",
            "ChatCompletionTokenLogprob",
            None,
            &[]
        ));
        let output = ["token".to_owned(), "logprob".to_owned(), "bytes".to_owned()];
        assert!(lexer_token("token", "LogprobsData", None, &output));
        assert!(lexer_token("token", "TopToken", None, &output));
        assert!(!lexer_token("token", "Session", None, &["user".to_owned()]));
        assert!(secret_variant_name("Credentials", "Basic"));
        assert!(access_levels("Permissions"));
        assert!(access_levels("InstallationPermissions"));
        assert!(!access_levels("PermissionToken"));
        let pair = ["access_key".to_owned(), "secret_key".to_owned()];
        assert!(key_id_half("access_key", &pair));
        assert!(!key_id_half("secret_key", &pair));
        assert!(!key_id_half("access_key", &["region".to_owned()]));
        assert!(!secret_variant_name("Style", "Basic"));
    }

    #[test]
    fn secret_type_and_variant_names() {
        assert!(secret_type_name("ApiKey"));
        assert!(secret_type_name("BearerToken"));
        assert!(secret_type_name("ClientSecret"));
        assert!(secret_type_name("Password"));
        assert!(!secret_type_name("Token"));
        assert!(!secret_type_name("TokenCount"));
        assert!(!secret_type_name("KeyId"));
        assert!(secret_variant_name("Auth", "Bearer"));
        assert!(secret_variant_name("Credential", "Token"));
        assert!(secret_variant_name("Lexeme", "ApiKey"));
        assert!(!secret_variant_name("Lexeme", "Token"));
        assert!(!secret_variant_name("Event", "TokenRefreshed"));
        assert!(!secret_variant_name("Auth", "None"));
    }
}
