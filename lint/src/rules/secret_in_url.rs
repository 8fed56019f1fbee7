//! `secret-in-url`: a secret value is placed in a URL.
//!
//! The flows come from [`crate::analysis::taint`], which knows which pieces of a string being built
//! land in a URL; this rule reports them.

use crate::analysis::join::{CrateFacts, Question};
use crate::analysis::prefilter::{self, Triggers};
use crate::analysis::taint::{Flow, SecretRef, SinkKind};
use crate::config::Settings;
use crate::declare_rule;
use crate::finding::Finding;
use crate::finding::RuleMeta;
use crate::rules::context::FileContext;
use crate::rules::flows::{self, FlowText};
use crate::rules::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a secret's plain value (what `.expose_secret()` returns, the value of a secret
    /// environment variable; see `secret-in-log` for how values are followed) placed in a
    /// URL:
    ///
    /// - formatted into a string whose fixed part makes it a URL at that point: a scheme
    ///   before it in the same word (`https://host/bot{token}/`, `postgres://user:{pw}@`) or
    ///   a query parameter right before it (`?key={}`, `&access_token={}`, also after a
    ///   `{base}` placeholder), with `format!` or `write!` into a `String`;
    /// - appended after such a literal with `+`, `+=` or `push_str`;
    /// - added to a query with `.query_pairs_mut().append_pair(name, value)`,
    ///   `Url::parse_with_params(.., &[("key", value)])`, `.set_query(..)`, reqwest's
    ///   `.query(&[("key", value)])` or ureq's `.query("key", value)`; not
    ///   `form_urlencoded::Serializer::new(..).append_pair(..)`, which encodes a request
    ///   body (an OAuth token request's `client_secret`), not a URL.
    ///
    /// The URL built is itself a secret value: logging it is a `secret-in-log` finding too.
    ///
    /// ## Why is this bad?
    /// URLs are not treated as secret by anything that handles them: they are written to
    /// proxy, load balancer and server access logs, kept in browser history and shell
    /// history, sent in `Referer` headers, and included in error messages (a `reqwest::Error`
    /// prints the URL of the failed request, which then reaches logs and crash reports).
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn forecast(city: &str) -> Result<String, vox_clavis::Error> {
    ///     let key = vox_clavis::resolve(SecretId::WeatherApiKey)?;
    ///     let url = format!(
    ///         "https://api.weather.example/v1/forecast?city={city}&key={}",
    ///         key.expose_secret()
    ///     );
    ///     Ok(reqwest::blocking::get(url)?.text()?)
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// fn forecast(city: &str) -> Result<String, vox_clavis::Error> {
    ///     let key = vox_clavis::resolve(SecretId::WeatherApiKey)?;
    ///     let response = reqwest::blocking::Client::new()
    ///         .get("https://api.weather.example/v1/forecast")
    ///         .query(&[("city", city)])
    ///         .header("x-api-key", key.expose_secret())
    ///         .send()?;
    ///     Ok(response.text()?)
    /// }
    /// ```
    ///
    /// ## Options
    /// ```toml
    /// [rules.secret-in-url]
    /// severity = "warning"   # "error", "warning" or "off"
    /// ```
    /// `severity` is the only key. It is a warning by default because a few APIs accept the
    /// key nowhere else; where that cannot be avoided, keep the URL out of logs and error
    /// messages (it is a secret value: `secret-in-log` follows it).
    pub struct SecretInUrl {
        name: "secret-in-url",
        severity: Warning,
        summary: "a secret value is placed in a URL",
    }
}

const META: &RuleMeta = &SecretInUrl::META;

fn describe(flow: &Flow, secret: &SecretRef) -> FlowText {
    let how = match flow.sink.as_str() {
        "`+`" | "`+=`" => "concatenated into a URL".to_owned(),
        "`push_str`" | "`push`" | "`write_str`" => format!("appended to a URL with {}", flow.sink),
        sink if sink.starts_with("`.") || sink.contains("parse_with_params") => {
            format!("added to a URL's query with {sink}")
        }
        sink => format!("formatted into a URL by {sink}"),
    };
    FlowText {
        message: format!("{} is {how}", secret.what),
        label: "ends up in the URL".to_owned(),
        help: "send it in a header instead (`Authorization: Bearer ..` with `.bearer_auth(..)`, \
               or the API's key header such as `x-api-key`): URLs are written to proxy and \
               server logs, browser history and error messages"
            .to_owned(),
    }
}

impl Rule for SecretInUrl {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn triggers(&self, settings: &Settings) -> Triggers {
        prefilter::secret_values(settings)
    }

    fn check(&self, cx: &mut FileContext<'_>, _file: &syn::File) {
        flows::check_flows(cx, META, SinkKind::Url, describe);
    }

    fn answer(
        &self,
        settings: &Settings,
        facts: &CrateFacts,
        q: &Question,
        out: &mut Vec<Finding>,
    ) {
        flows::answer_flow(META, settings, facts, q, describe, out);
    }
}
