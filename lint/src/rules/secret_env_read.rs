//! `secret-env-read`: a secret read from the environment outside the Clavis resolver.

use crate::context::FileContext;
use crate::declare_rule;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags reads of secret environment variables that bypass the Clavis resolver.
    pub struct SecretEnvRead {
        name: "secret-env-read",
        severity: Error,
        summary: "a secret is read from the environment instead of through the Clavis resolver",
    }
}

impl Rule for SecretEnvRead {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &mut FileContext<'_>, _file: &syn::File) {}
}
