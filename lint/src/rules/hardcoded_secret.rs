//! `hardcoded-secret`: a credential is written in the source.
//!
//! Two tests, both over the decoded value of every string literal of the file (code, macro
//! bodies, attributes, doc comments; see [`crate::analysis::literals`]):
//! - a credential of a known format anywhere in the value ([`credentials::find`]);
//! - a high-entropy value ([`credentials::is_high_entropy`]) where the code says it is a
//!   credential: the places collected by [`Contexts`], and `Bearer`/`Basic` header values.
//!
//! Nothing of the value reaches a message, a label or an identity: only its kind and length.

use syn::visit::Visit;

use crate::analysis::auth_headers::authorization;
use crate::analysis::credential_places::{Contexts, Place, position};
use crate::analysis::credentials;
use crate::analysis::literals::{self, StrLit};
use crate::analysis::matchers;
use crate::analysis::prefilter::{Needs, Triggers};
use crate::config::Settings;
use crate::declare_rule;
use crate::finding::RuleMeta;
use crate::rules::context::FileContext;
use crate::rules::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags credentials written in string literals, wherever the literal is (code, macro
    /// bodies, attributes, doc comments):
    ///
    /// - a key of a known format anywhere in a literal (`"Bearer sk-.."` too): OpenAI (`sk-`,
    ///   `sk-proj-`, `sk-svcacct-`, `sk-admin-`), Anthropic (`sk-ant-`), GitHub (`ghp_`, `gho_`,
    ///   `ghu_`, `ghs_`, `ghr_`, `github_pat_`), AWS access key IDs (`AKIA`, `ASIA`), Slack
    ///   (`xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `xoxs-`), Stripe secret and restricted keys in
    ///   live and test mode (`sk_live_`, `rk_live_`, `sk_test_`, `rk_test_`: a test-mode key
    ///   still opens the account's test data and settings), Google API keys (`AIza`), PEM
    ///   private keys with their body, and JSON Web Tokens;
    /// - a high-entropy string (16 to 256 characters of a token alphabet, letters and digits
    ///   mixed, not words, a path, a URL or a variable name) where the code says it is a
    ///   credential: assigned to a binding, field, constant or static whose name names one
    ///   (`api_key`, `token`, `password`, `client_secret`, but not `token_url` or
    ///   `secret_name`), passed to a method or constructor named like one (`.api_key(..)`,
    ///   `ApiKey::new(..)`, `.bearer_auth(..)`), paired with such a key (`("token", ..)`,
    ///   `.header("X-Api-Key", ..)`, `.env("API_TOKEN", ..)`, `json!({"password": ..})`),
    ///   compared with such a variable, or returned by a function named like one; and the
    ///   value of a `Bearer` or `Basic` authorization header anywhere.
    ///
    /// Placeholders are not findings: `sk-...`, `ghp_xxxx`, `<token>`, `your-api-key`,
    /// `changeme`, `${VAR}` and `{}` templates, values containing `EXAMPLE`, `dummy`, `fake`,
    /// `test` or `sample`, runs of one character and counting sequences (`12345678`).
    ///
    /// The message names the kind of credential and its length, never the value; every
    /// output format masks the value (and any other known-format key) in the source it shows.
    ///
    /// ## Why is this bad?
    /// A credential in the source is in every clone, fork, package, build cache and CI log of
    /// the repository, and in its history for good: deleting the line later does not take it
    /// back. Anyone who can read the code can use the key, and it cannot be rotated without a
    /// new release. Keys pasted "just for a quick test" are among the most common leaks, and
    /// scanners of public repositories find them within minutes.
    ///
    /// ## Example
    /// ```rust,ignore
    /// const OPENAI_API_KEY: &str = "sk-proj-\
    ///     Vox0Clavis1Docs2Only3Not4A5Real6Key7Qz8Wx9";
    ///
    /// fn client() -> Client {
    ///     Client::new(OPENAI_API_KEY)
    /// }
    /// ```
    ///
    /// ```rust,ignore
    /// fn database() -> DbConfig {
    ///     DbConfig { user: "bot", password: "q7Wm2xLr9Tz4Kp8N" }
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// fn client() -> Result<Client, vox_clavis::Error> {
    ///     let key = vox_clavis::resolve(SecretId::OpenAiApiKey)?;
    ///     Ok(Client::new(key.expose_secret()))
    /// }
    /// ```
    ///
    /// Then rotate the key at its provider: the old one is in the history, and must be
    /// considered public.
    ///
    /// ## Options
    /// The rule has no options of its own; set its severity in `[rules.hardcoded-secret]` (see
    /// Configuration below). Fixtures with deliberate fake keys are best left out with
    /// `[scan] exclude`; a single public test key can be allowed where it is written with
    /// `// vox-clavis-lint: allow(hardcoded-secret) -- reason`.
    pub struct HardcodedSecret {
        name: "hardcoded-secret",
        severity: Error,
        summary: "a credential is written in the source",
    }
}

const META: &RuleMeta = &HardcodedSecret::META;

const HELP: &str = "move it to the secret store and resolve it at run time with \
     `vox_clavis::resolve(SecretId::..)`; it is in the version history now, so rotate it too";

const DOC_HELP: &str = "remove it from the comment; it is in the version history (and any \
     published documentation) now, so rotate it";

impl Rule for HardcodedSecret {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn needs(&self) -> Needs {
        Needs::Tree
    }

    /// A known format's prefix; or a word that makes a name a credential's with a literal
    /// that starts with 16 characters of the token alphabet; or an authorization header value.
    fn triggers(&self, _settings: &Settings) -> Triggers {
        let words = matchers::CREDENTIAL_WORDS
            .iter()
            .chain(&["api", "bearer", "auth"]);
        Triggers::any(credentials::PREFIXES)
            .matching(credentials::KNOWN_PATTERN)
            // A whole literal in the alphabet `credentials::is_high_entropy` accepts, with the
            // digit it requires (a literal of 16 with a digit has 8 before or after the first
            // one); a header's scheme and a token (or Basic's base64) of the minimum length.
            .or(Triggers::any(words).matching(
                r#""(?:[A-Za-z0-9+/=_-]{8,}[0-9][A-Za-z0-9+/=_-]*|[A-Za-z+/=_-]*[0-9][A-Za-z0-9+/=_-]{8,})""#,
            ))
            .or(Triggers::any(["bearer", "basic"])
                .matching(r"Bearer [A-Za-z0-9+/=_-]{16}|Basic [A-Za-z0-9+/=]{16}"))
    }

    fn check(&self, cx: &mut FileContext<'_>, file: &syn::File) {
        let mut contexts = Contexts::default();
        contexts.visit_file(file);
        for lit in literals::string_literals(file) {
            let context = contexts.places.get(&position(lit.span));
            for f in findings(cx, &lit, context) {
                cx.report(f);
            }
        }
    }
}

/// The findings for one literal: every known-format credential in it, or else one for a
/// high-entropy value in an authorization header or in a credential's place.
fn findings(
    cx: &FileContext<'_>,
    lit: &StrLit,
    place: Option<&Place>,
) -> Vec<crate::finding::Finding> {
    let in_doc = lit.attr.as_deref() == Some("doc");
    let location = cx.location(lit.span);
    let name = place.map_or("", |p| p.name.as_str());
    let finding = |what: &str, id: &str, len: usize| {
        let how = match place {
            Some(p) => p.phrase(),
            None if in_doc => "is written in a doc comment".to_owned(),
            None => "is written in the source".to_owned(),
        };
        cx.finding(META, location, format!("{what} ({len} characters) {how}"))
            .with_label(format!("{what}, {len} characters"))
            .with_help(if in_doc { DOC_HELP } else { HELP })
            .with_identity(format!("{id}|{name}"))
    };
    let known = credentials::find(&lit.value);
    if !known.is_empty() {
        return known
            .into_iter()
            .map(|m| {
                let len = lit.value[m.range].chars().count();
                finding(m.kind.describe(), m.kind.id(), len)
            })
            .collect();
    }
    if let Some((what, id, len)) = authorization(&lit.value) {
        return vec![finding(what, id, len)];
    }
    if place.is_some() && credentials::is_high_entropy(&lit.value) {
        let len = lit.value.chars().count();
        return vec![finding("a high-entropy string", "high-entropy", len)];
    }
    Vec::new()
}
