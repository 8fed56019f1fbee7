//! Which environment variable names look like secrets when the inventory does not list them.

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Names that hold credentials in the wild. Matched against the upper-cased name.
pub const BUILTIN_SECRET_PATTERNS: &[&str] = &[
    "*_API_KEY",
    "*_APIKEY",
    "API_KEY",
    "*_API_SECRET",
    "*_TOKEN",
    "*_SECRET",
    "*_SECRET_KEY",
    "SECRET_KEY",
    "*_PASSWORD",
    "PASSWORD",
    "*_PASSWD",
    "*_PASSPHRASE",
    "*_PRIVATE_KEY",
    "*_ACCESS_KEY",
    "*_CLIENT_SECRET",
    "*_CREDENTIALS",
    "*_CREDENTIAL",
    "*_AUTH_TOKEN",
    "*_WEBHOOK_SECRET",
    "*_WEBHOOK_URL",
    "*_SIGNING_KEY",
    "*_SIGNING_SECRET",
    "*_ENCRYPTION_KEY",
    "*_MASTER_KEY",
    "*_HMAC_KEY",
    "*_BEARER",
    "*_DATABASE_URL",
    "DATABASE_URL",
    "*_CONNECTION_STRING",
    "*_DSN",
];

/// Look-alikes of the patterns above that are not credentials.
pub const BUILTIN_NOT_SECRET: &[&str] = &[
    "*_MAX_TOKENS",
    "*_TOKENS",
    "TOKENIZERS_*",
    "*_TOKEN_LIMIT",
    "*_TOKEN_COUNT",
    "*_TOKEN_BUDGET",
    "CARGO_*",
    "RUSTC_*",
    "RUST_*",
    // A Sentry DSN holds only the project's public client key: Sentry documents it as safe
    // to expose (it ships in browser bundles).
    "SENTRY_DSN",
];

/// Secret names whose value is the path of a key file, not the key: reading one loads a
/// credential around the resolver (`secret-env-read`), but the value itself (a path) is no
/// secret where it is logged or serialized.
pub const PATH_VALUED: &[&str] = &["GOOGLE_APPLICATION_CREDENTIALS"];

/// Compiled secret-name patterns and exclusions.
#[derive(Debug, Clone)]
pub struct NamePatterns {
    patterns: Vec<String>,
    pattern_set: GlobSet,
    exclusions: Vec<String>,
    exclusion_set: GlobSet,
}

impl Default for NamePatterns {
    fn default() -> Self {
        Self::new(BUILTIN_SECRET_PATTERNS.iter(), BUILTIN_NOT_SECRET.iter())
            .expect("built-in patterns are valid")
    }
}

impl NamePatterns {
    /// Builds from pattern strings; returns the first pattern that is not a valid glob.
    pub fn new<S, N>(secret: S, not_secret: N) -> Result<Self, String>
    where
        S: IntoIterator,
        S::Item: AsRef<str>,
        N: IntoIterator,
        N::Item: AsRef<str>,
    {
        let (patterns, pattern_set) = compile(secret)?;
        let (exclusions, exclusion_set) = compile(not_secret)?;
        Ok(NamePatterns {
            patterns,
            pattern_set,
            exclusions,
            exclusion_set,
        })
    }

    /// The secret pattern `name` matches, unless an exclusion matches it too.
    pub fn matching(&self, name: &str) -> Option<&str> {
        if !is_env_name(name) {
            return None;
        }
        let upper = name.to_ascii_uppercase();
        if self.exclusion_set.is_match(&upper) {
            return None;
        }
        let first = self.pattern_set.matches(&upper).into_iter().min()?;
        Some(&self.patterns[first])
    }

    pub fn secret_patterns(&self) -> &[String] {
        &self.patterns
    }

    pub fn not_secret_patterns(&self) -> &[String] {
        &self.exclusions
    }
}

fn compile<I>(patterns: I) -> Result<(Vec<String>, GlobSet), String>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    let mut raw = Vec::new();
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        let p = p.as_ref().to_ascii_uppercase();
        builder.add(Glob::new(&p).map_err(|e| format!("invalid pattern `{p}`: {e}"))?);
        raw.push(p);
    }
    let set = builder.build().map_err(|e| e.to_string())?;
    Ok((raw, set))
}

/// Whether `s` can be an environment variable name as code spells them: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `s` is SCREAMING_SNAKE_CASE, the form the inventory requires.
pub fn is_screaming_snake(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !s.ends_with('_')
        && !s.contains("__")
}

/// `GITHUB_TOKEN` -> `GithubToken`: the inventory id to suggest for a name it lacks.
pub fn suggested_id(name: &str) -> String {
    name.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut c = lower.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_suggested_in_upper_camel_case() {
        assert_eq!(suggested_id("GITHUB_TOKEN"), "GithubToken");
        assert_eq!(suggested_id("OPENAI_API_KEY"), "OpenaiApiKey");
    }

    #[test]
    fn builtins_flag_credentials_and_spare_lookalikes() {
        let p = NamePatterns::default();
        for name in [
            "OPENAI_API_KEY",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "DB_PASSWORD",
            "STRIPE_WEBHOOK_SECRET",
            "github_token",
        ] {
            assert!(p.matching(name).is_some(), "{name}");
        }
        for name in [
            "HOME",
            "RUST_LOG",
            "CARGO_PKG_VERSION",
            "OPENAI_MAX_TOKENS",
            "TOKENIZERS_PARALLELISM",
            "MAX_TOKEN_LIMIT",
            "SENTRY_DSN",
            "Bearer token",
            "",
        ] {
            assert!(p.matching(name).is_none(), "{name}");
        }
    }
}
