//! The rules stage: the [`Rule`] contract ([`rule`]), what a rule sees of one file
//! ([`context`]), the documentation generated from a rule's doc comment ([`docs`]), what the
//! flow rules share ([`flows`]), one file per rule, and the registry below: one line per rule,
//! alphabetical.
//!
//! Rules read the analysis and the settings and produce findings; the verdict, the renderers
//! and the configuration never import a rule (the engine hands them the metadata).

pub mod context;
pub mod docs;
pub mod flows;
pub mod rule;

mod deprecated_secret_alias;
mod hardcoded_secret;
pub mod internal_error;
pub mod invalid_suppression;
mod inventory_conflict;
mod secret_debug_derive;
mod secret_env_read;
mod secret_env_write;
mod secret_in_log;
mod secret_in_url;
mod secret_serialization;
pub mod unparsable_file;
pub mod unused_suppression;

pub use deprecated_secret_alias::DeprecatedSecretAlias;
pub use hardcoded_secret::HardcodedSecret;
pub use internal_error::InternalError;
pub use invalid_suppression::InvalidSuppression;
pub use inventory_conflict::InventoryConflict;
pub use secret_debug_derive::SecretDebugDerive;
pub use secret_env_read::SecretEnvRead;
pub use secret_env_write::SecretEnvWrite;
pub use secret_in_log::SecretInLog;
pub use secret_in_url::SecretInUrl;
pub use secret_serialization::SecretSerialization;
pub use unparsable_file::UnparsableFile;
pub use unused_suppression::UnusedSuppression;

pub use rule::Rule;

/// Rules about what a type declares: in test code (`tests/`, `#[cfg(test)]` modules in files
/// of their own) such a type holds fixture values, so their findings there are dropped.
pub const ABOUT_FIXTURES: &[&str] = &[SecretDebugDerive::META.name];

use crate::analysis::prefilter::Prefilter;
use crate::config::Settings;
use crate::finding::RuleMeta;

/// Every rule, alphabetical by name.
pub fn all() -> &'static [&'static dyn Rule] {
    &[
        &DeprecatedSecretAlias,
        &HardcodedSecret,
        &InternalError,
        &InvalidSuppression,
        &InventoryConflict,
        &SecretDebugDerive,
        &SecretEnvRead,
        &SecretEnvWrite,
        &SecretInLog,
        &SecretInUrl,
        &SecretSerialization,
        &UnparsableFile,
        &UnusedSuppression,
    ]
}

/// Looks a rule up by its kebab-case name.
pub fn by_name(name: &str) -> Option<&'static dyn Rule> {
    all().iter().copied().find(|r| r.meta().name == name)
}

/// Metadata of every rule, alphabetical.
pub fn metas() -> impl Iterator<Item = &'static RuleMeta> {
    all().iter().map(|r| r.meta())
}

/// The prefilter for the rules `settings` enables anywhere (a rule off by default but turned
/// on by an `[[overrides]]` entry counts as enabled).
pub fn prefilter(settings: &Settings) -> Prefilter {
    let enabled = all()
        .iter()
        .filter(|r| settings.enabled_anywhere(r.meta()))
        .map(|r| (r.needs(), r.triggers(settings)));
    Prefilter::new(settings, enabled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::prefilter::Needs;

    /// Configuration validates rule names against its own list: it must name every rule.
    #[test]
    fn configuration_knows_every_rule() {
        let names: Vec<&str> = metas().map(|m| m.name).collect();
        assert_eq!(names, crate::config::options::RULE_NAMES);
    }

    /// One rule without triggers parses every file: each rule must declare its own.
    #[test]
    fn every_rule_declares_triggers() {
        let settings = Settings::default();
        for rule in all() {
            assert!(
                !rule.triggers(&settings).is_always(),
                "`{}` declares no triggers (see `Rule::triggers`)",
                rule.meta().name
            );
        }
        assert!(!prefilter(&settings).is_off());
    }

    /// What the built-in rules' triggers ask of typical spellings, and what they let pass.
    #[test]
    fn built_in_triggers_and_their_levels() {
        let p = prefilter(&Settings::default());
        let needs = |text: &str| p.needs(text.as_bytes());
        let flows = [
            r#"let k = std::env::var("X");"#,
            r#"let k = option_env!("X");"#,
            "let k = key.expose_secret();",
            "let k = key\n    .expose_secret ::<>();",
            r#"#[arg(long, env = "X")] token: String,"#,
            r#"let k = token_env("X");"#,
            r#"let k = Config::from_env_or("X", 1);"#,
        ];
        for text in flows {
            assert_eq!(needs(text), Some(Needs::Flows), "{text}");
        }
        let facts = [
            r#"pub const KEY: &str = "OPENAI_API_KEY";"#,
            r#"let t = format!("{}_api_key", p);"#,
            "let n = stringify!(OPENAI_API_KEY);",
        ];
        for text in facts {
            assert_eq!(needs(text), Some(Needs::Facts), "{text}");
        }
        let tree = [
            "#[derive(Debug)] struct C { api_key: String }",
            "#[derive(Debug)] struct C { pub access_token_value: String }",
            "#[derive(Debug)] struct ApiKey(String);",
            r#"let api_key = "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD";"#,
            // vox-clavis-lint: allow(hardcoded-secret) -- a made-up token for the prefilter
            r#"let token = "a1b2c3d4e5f6g7h8i9j0k1l2";"#,
            r#"let h = "Bearer abcdefghijklmnop1234";"#,
        ];
        for text in tree {
            assert_eq!(needs(text), Some(Needs::Tree), "{text}");
        }
        let nothing = [
            "use tracing_subscriber::EnvFilter; let e = Environment::new();",
            "fn next_token(&mut self) -> Token { self.peek_token() }",
            "#[derive(Debug)] struct Lexer { tokens: Vec<Token>, token_count: usize }",
            r#"let api = "some_long_identifier_name";"#,
            "/// We expose the parser's state.",
            "#[cfg(test)]\nmod tests { #[test] fn t() {} }",
        ];
        for text in nothing {
            assert_eq!(needs(text), None, "{text}");
        }
        // Other files need to know which modules are tests (test code's types are fixtures).
        assert_eq!(needs("#[cfg(test)]\nmod tests;"), Some(Needs::Facts));
        let mut settings = Settings::default();
        settings.scan.tests = false;
        let p = prefilter(&settings);
        assert_eq!(p.needs(b"#[cfg(test)]\nmod tests;"), Some(Needs::Facts));
        assert_eq!(p.needs(b"#[cfg(test)]\nmod tests { }"), None);
    }
}
