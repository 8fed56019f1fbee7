//! Shared by the integration tests: an inventory written by hand (as a user without the derive
//! would), canary values, and child processes for the crash and concurrency tests.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};

use vox_clavis::{SecretInventory, SecretSpec};

/// Values that must never appear in any output. Unlike any real credential format, so a leak in
/// a test log is obviously a test value.
pub const CANARY: &str = "canary-value-do-not-print-0001";
pub const CANARY_ALIAS: &str = "canary-value-do-not-print-0002";
pub const CANARY_DEPRECATED: &str = "canary-value-do-not-print-0003";
pub const CANARY_VAULT: &str = "canary-value-do-not-print-0004";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretId {
    OpenAiApiKey,
    GithubToken,
    SentryDsn,
}

pub static SECRETS: [SecretSpec; 3] = [
    SecretSpec::new("OpenAiApiKey", "OPENAI_API_KEY")
        .aliases(&["OPENAI_KEY"])
        .deprecated(&["OAI_API_KEY"])
        .required(true)
        .description("OpenAI API key"),
    SecretSpec::new("GithubToken", "GITHUB_TOKEN").aliases(&["GH_TOKEN"]),
    SecretSpec::new("SentryDsn", "SENTRY_DSN").sensitive(false),
];

impl SecretInventory for SecretId {
    fn specs() -> &'static [SecretSpec] {
        &SECRETS
    }
    fn spec(self) -> &'static SecretSpec {
        // By id: `tests/inventory.rs` checks it with `check_inventory`.
        let id = match self {
            SecretId::OpenAiApiKey => "OpenAiApiKey",
            SecretId::GithubToken => "GithubToken",
            SecretId::SentryDsn => "SentryDsn",
        };
        SECRETS
            .iter()
            .find(|s| s.id == id)
            .expect("every variant has a spec")
    }
}

/// The variable that tells a re-executed test binary which child role to play.
pub const CHILD_ROLE: &str = "VOX_CLAVIS_TEST_CHILD";

/// Runs this test binary again, only the test `entry`, as a child with `role` and `envs`.
pub fn spawn_child(entry: &str, role: &str, envs: &[(&str, &Path)]) -> Child {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", entry, "--nocapture", "--test-threads=1"])
        .env(CHILD_ROLE, role)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (name, value) in envs {
        command.env(name, value);
    }
    command.spawn().unwrap()
}

/// The role this process plays, if it is a child.
pub fn child_role() -> Option<String> {
    std::env::var(CHILD_ROLE).ok()
}

/// Standard base64 of `text`, as an `Authorization: Basic` header or a config blob carries it.
pub fn base64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}
