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

use std::ops::Range;

use crate::analysis::assembled::{self, Assembled};
use crate::analysis::auth_headers::authorization;
use crate::analysis::credential_places::{Contexts, Place, position};
use crate::analysis::credentials;
use crate::analysis::credentials::catalog::CATALOG;
use crate::analysis::embedded;
use crate::analysis::literals;
use crate::analysis::matchers;
use crate::analysis::prefilter::{Needs, Triggers};
use crate::config::Settings;
use crate::declare_rule;
use crate::finding::{Finding, RuleMeta};
use crate::rules::context::FileContext;
use crate::rules::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags credentials written in the source, in string literals wherever they are (code,
    /// macro bodies, attributes, doc comments) and in strings the code assembles from them:
    ///
    /// - a key of a known format anywhere in a literal (`"Bearer sk-.."` too): the catalog of
    ///   [credential formats](../credential-formats.md) holds over two hundred, from OpenAI,
    ///   Anthropic, GitHub, AWS, Slack, Stripe and Google to model hubs, mail and messaging
    ///   APIs, secret managers, payment processors and encryption tools, each with its
    ///   provider's documentation. A format whose pattern alone could be a hash or an id fires
    ///   only with one of its keywords near (`let mailgun_key = ".."`), and a GitHub or npm
    ///   token only when its CRC32 checksum holds; PEM private keys with their body and JSON
    ///   Web Tokens are found by their structure;
    /// - a key split across pieces: `concat!("sk-proj-", "..")`, `format!("{}{}", "..", "..")`,
    ///   `"..".to_owned() + ".."`, `[A, B].concat()`, a constant built from constants;
    /// - the secrets a structure names: a password in a URL (`postgres://app:PASSWORD@db`), a
    ///   value under a secret's key in configuration text held in a string (a `.env` block,
    ///   TOML, YAML, JSON or INI, a connection string's `Password=..;` or `AccountKey=..;`),
    ///   the value of a `Bearer` or `Basic` authorization header;
    /// - a high-entropy string (16 to 256 characters of a token alphabet, letters and digits
    ///   mixed, not words, a path, a URL or a variable name) where the code says it is a
    ///   credential: assigned to a binding, field, constant or static whose name names one
    ///   (`api_key`, `token`, `password`, `client_secret`, but not `token_url` or
    ///   `secret_name`), passed to a method or constructor named like one (`.api_key(..)`,
    ///   `ApiKey::new(..)`, `.bearer_auth(..)`), paired with such a key (`("token", ..)`,
    ///   `.header("X-Api-Key", ..)`, `.env("API_TOKEN", ..)`, `json!({"password": ..})`),
    ///   compared with such a variable, or returned by a function named like one; and a strong
    ///   password (ten or more characters mixing cases, digits and symbols) in a password's
    ///   place.
    ///
    /// Placeholders are not findings: `sk-...`, `ghp_xxxx`, `<token>`, `your-api-key`,
    /// `changeme`, `${VAR}` and `{}` templates, values containing `EXAMPLE`, `dummy`, `fake`,
    /// `test` or `sample`, runs of one character and counting sequences (`12345678`); nor are
    /// values public by design (Stripe's publishable `pk_live_` keys, Mapbox's `pk.` tokens,
    /// SSH and PEM public keys).
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
    // vox-clavis-lint: allow(hardcoded-secret) -- the rule's own example, flagged on its page
    /// const CACHE_URL: &str = "redis://:Hq7!Db4xNw2z@cache.internal:6379/0";
    /// ```
    ///
    /// ```rust,ignore
    /// fn database() -> DbConfig {
    // vox-clavis-lint: allow(hardcoded-secret) -- the rule's own example, flagged on its page
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
        let known = credentials::triggers()
            .into_iter()
            .map(|(strings, pattern)| match pattern {
                Some(p) => Triggers::any(strings).matching(&p),
                None => Triggers::any(strings),
            })
            .fold(Triggers::never(), Triggers::or);
        known
            // A whole literal in the alphabet `credentials::is_high_entropy` accepts, with the
            // digit it requires (a literal of 16 with a digit has 8 before or after the first
            // one); a header's scheme and a token (or Basic's base64) of the minimum length.
            .or(Triggers::any(words).matching(
                r#""(?:[A-Za-z0-9+/=_-]{8,}[0-9][A-Za-z0-9+/=_-]*|[A-Za-z+/=_-]*[0-9][A-Za-z0-9+/=_-]{8,})""#,
            ))
            .or(Triggers::any(["bearer", "basic"])
                .matching(r"Bearer [A-Za-z0-9+/=_-]{16}|Basic [A-Za-z0-9+/=]{16}"))
            // A URL with a password; a secret's key in configuration text or code.
            .or(Triggers::any(["://"]).matching(r#"://[^\s/:@"]{0,64}:[^\s/@"]{1,128}@"#))
            // A value with a digit, as every secret value the tests accept has: quoted; after
            // `=` under an upper-case key (`.env`) or a connection string's; long after `:`
            // (YAML). A field's type (`password: String`, `key: u32`) is none of these.
            .or(Triggers::any(["pass", "pwd", "secret", "credential", "token", "key"])
                .matching(concat!(
                    r#"(?i:pass|pwd|secret|credential|token|key)[A-Za-z0-9_.-]*["']?[ \t]*[:=]"#,
                    r#"[ \t]*["'][^\s"']{0,64}[0-9]"#,
                    r#"|(?:PASS|PWD|SECRET|CREDENTIAL|TOKEN|KEY)[A-Z0-9_]*=[^\s"',;]{0,64}[0-9]"#,
                    r#"|(?i:password|passwd|pwd|accountkey|sharedaccesskey)[ \t]*=[^\s"',;]{0,64}[0-9]"#,
                    r#"|(?i:pass|secret|token|key)[a-z0-9_]*:[ \t]+[^\s"',;(){}<>:]{7,64}[0-9]"#,
                )))
    }

    fn check(&self, cx: &mut FileContext<'_>, file: &syn::File) {
        let mut contexts = Contexts::default();
        contexts.visit_file(file);
        for lit in literals::string_literals(file) {
            let place = contexts.places.get(&position(lit.span));
            let value = Value {
                text: &lit.value,
                span: lit.span,
                in_doc: lit.attr.as_deref() == Some("doc"),
                joins: None,
            };
            for f in findings(cx, &value, place) {
                cx.report(f);
            }
        }
        for a in assembled::assembled(file) {
            let value = Value {
                text: &a.value,
                span: a.span,
                in_doc: false,
                joins: Some(&a),
            };
            for f in findings(cx, &value, None) {
                cx.report(f);
            }
        }
    }
}

/// A string the rule tests: a literal's value, or one the code assembles from pieces.
struct Value<'a> {
    text: &'a str,
    span: proc_macro2::Span,
    in_doc: bool,
    /// For an assembled value, its pieces: only a credential that crosses a join is its own
    /// (one inside a piece is that literal's finding).
    joins: Option<&'a Assembled>,
}

impl Value<'_> {
    fn counts(&self, range: &Range<usize>) -> bool {
        self.joins.is_none_or(|a| a.crosses_join(range))
    }
}

/// What is near a value for a format that needs a keyword: the name it is assigned to and
/// the code before it on its line (`let mailgun = "..."`, `.header("X-Twilio-Key", "..")`).
fn near(cx: &FileContext<'_>, span: proc_macro2::Span, name: &str) -> String {
    let text = &cx.source.text;
    let start = cx.source.byte_span(span).start.min(text.len());
    let line = text[..start].rfind('\n').map_or(0, |n| n + 1);
    format!("{name} {}", &text[line..start])
}

/// The findings for one value: every known-format credential in it; or else one for a bearer
/// or basic header value; or every secret its structure names (a URL's password, a secret in
/// configuration text); or else one for a high-entropy value (or a strong password in a
/// password's place) where the code says it is a credential.
fn findings(cx: &FileContext<'_>, value: &Value<'_>, place: Option<&Place>) -> Vec<Finding> {
    let location = cx.location(value.span);
    let name = place.map_or("", |p| p.name.as_str());
    let finding = |what: &str, id: &str, len: usize, how: Option<String>| {
        let how = how.unwrap_or_else(|| match place {
            Some(p) => p.phrase(),
            None if value.in_doc => "is written in a doc comment".to_owned(),
            None if value.joins.is_some() => "is assembled from pieces in the source".to_owned(),
            None => "is written in the source".to_owned(),
        });
        let mut f = cx
            .finding(META, location, format!("{what} ({len} characters) {how}"))
            .with_label(format!("{what}, {len} characters"))
            .with_help(if value.in_doc { DOC_HELP } else { HELP })
            .with_identity(format!("{id}|{name}"));
        // A piece declared elsewhere (a constant) holds part of the key: shown and masked.
        let whole = cx.source.byte_span(value.span);
        for piece in value.joins.map_or(&[][..], |a| &a.pieces[..]) {
            let at = cx.source.byte_span(*piece);
            if at.start < whole.start || at.end > whole.end {
                f = f.with_related(cx.location(*piece), "a piece of it is written here");
            }
        }
        f
    };
    let text = value.text;
    let known: Vec<Finding> = credentials::find_near(text, &near(cx, value.span, name))
        .into_iter()
        .filter(|m| value.counts(&m.range))
        .map(|m| {
            let len = text[m.range].chars().count();
            finding(m.kind.describe(), m.kind.id(), len, None)
        })
        .collect();
    if !known.is_empty() {
        return known;
    }
    if value.joins.is_none()
        && let Some((what, id, len)) = authorization(text)
    {
        return vec![finding(what, id, len, None)];
    }
    let structured: Vec<Finding> = embedded::find(text)
        .into_iter()
        .filter(|e| value.counts(&e.range))
        .map(|e| {
            let len = text[e.range.clone()].chars().count();
            let within = if value.in_doc {
                "a doc comment"
            } else {
                "the text of a string"
            };
            let how = match e.id {
                "url-password" => format!("is the password of a URL in {within}"),
                _ => format!("is the value of `{}` in {within}", e.key),
            };
            finding(e.what, e.id, len, Some(how))
        })
        .collect();
    if !structured.is_empty() {
        return structured;
    }
    let whole = 0..text.len();
    if place.is_some()
        && value.counts(&whole)
        && !credentials::is_public_by_design(text)
        && !CATALOG.fails_checksum(text)
    {
        let len = text.chars().count();
        if credentials::is_high_entropy(text) {
            return vec![finding("a high-entropy string", "high-entropy", len, None)];
        }
        if names_password(name) && credentials::is_strong_password(text) {
            return vec![finding("a strong password", "password", len, None)];
        }
    }
    Vec::new()
}

/// `password`, `db_pass`, `passwd`, `pwd`, `secret`: a name whose value is a password a person
/// chose, so symbols and mixed case mark it rather than a token alphabet.
fn names_password(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["pass", "pwd", "secret"].iter().any(|w| lower.contains(w))
}
