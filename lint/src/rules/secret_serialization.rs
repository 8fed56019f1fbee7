//! `secret-serialization`: a secret value can be serialized.
//!
//! Two checks: a type deriving `Serialize` that holds a secret field (syntax only, here), and a
//! secret value passed to a serializer (a flow from [`crate::analysis::taint`]).

use syn::visit::{self, Visit};

use crate::analysis::join::{CrateFacts, Question};
use crate::analysis::matchers;
use crate::analysis::prefilter::{self, Triggers};
use crate::analysis::taint::{self, Flow, SecretRef, SinkKind};
use crate::config::Settings;
use crate::declare_rule;
use crate::finding::Finding;
use crate::finding::RuleMeta;
use crate::rules::context::FileContext;
use crate::rules::flows::{self, FlowText};
use crate::rules::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags two ways a secret ends up serialized:
    ///
    /// - a struct or enum deriving `Serialize` (`serde::Serialize`, also through
    ///   `cfg_attr`) with a field whose type holds a secret anywhere (`ResolvedSecret`,
    ///   `SecretString`, `SecretBox`, `Secret<..>`, `Option<SecretString>`, the types you
    ///   configure) or a field marked `#[secret]` (directly, or by a `#[secret]` on its enum
    ///   variant, as `vox_clavis::Redact` reads the mark), unless the field is
    ///   `#[serde(skip)]`/`#[serde(skip_serializing)]` or names its own serializer
    ///   (`#[serde(serialize_with = "..")]`, `#[serde(with = "..")]`: an explicit choice, such
    ///   as a kubeconfig file or a webhook object whose wire format holds the token). The
    ///   finding points at the field;
    /// - a secret's plain value (what `.expose_secret()` returns, the value of a secret
    ///   environment variable; see `secret-in-log` for how values are followed) passed to a
    ///   serializer: `serde_json::to_string`/`to_string_pretty`/`to_vec`/`to_vec_pretty`/
    ///   `to_writer`/`to_writer_pretty`/`to_value`, any value inside `serde_json::json!`,
    ///   `toml::to_string`/`to_string_pretty`, `serde_yaml::to_string`/`to_value`/`to_writer`,
    ///   `bincode::serialize`/`serialize_into`, `ron`, `rmp_serde`, `serde_urlencoded`,
    ///   `.serialize(..)` on the value, and the serializers you configure. A struct or tuple
    ///   literal holding the value carries it. Not inside a serializer implementation (an
    ///   `impl Serialize`, a function taking a `Serializer`): that is the code a type opts in
    ///   to, judged at the type's field.
    ///
    /// ## Why is this bad?
    /// Serialized data is written where secrets must not be: files and caches, HTTP
    /// responses and request bodies sent to third parties, message queues, telemetry, and the
    /// JSON an AI tool returns into a model's context. `skip_serializing_if` does not help:
    /// the value is still written whenever the condition is false.
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[derive(Serialize)]
    /// struct ProviderConfig {
    ///     model: String,
    ///     api_key: SecretString,
    /// }
    ///
    /// fn request(key: &SecretString, prompt: &str) -> serde_json::Result<String> {
    ///     serde_json::to_string(&serde_json::json!({ "prompt": prompt, "key": key.expose_secret() }))
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// #[derive(Serialize)]
    /// struct ProviderConfig {
    ///     model: String,
    ///     #[serde(skip)]
    ///     api_key: ResolvedSecret,
    /// }
    ///
    /// fn request(prompt: &str) -> Result<reqwest::blocking::RequestBuilder, vox_clavis::Error> {
    ///     let key = vox_clavis::resolve(SecretId::OpenAiApiKey)?;
    ///     Ok(client().post(URL).bearer_auth(key.expose_secret()).json(&serde_json::json!({ "prompt": prompt })))
    /// }
    /// ```
    ///
    /// ## Options
    /// ```toml
    /// [rules.secret-serialization]
    /// severity = "error"   # "error", "warning" or "off"
    /// # Extra type names that hold a secret, matched on a type path's last segment.
    /// secret-types = ["ApiKey"]
    /// # Extra serializers: a path (matched on its trailing segments) for a function, a bare
    /// # name for a method or function, `name!` for a macro.
    /// serializers = ["rmp_serde::to_vec", "to_json"]
    /// ```
    pub struct SecretSerialization {
        name: "secret-serialization",
        severity: Error,
        summary: "a secret value can be serialized",
    }
}

const META: &RuleMeta = &SecretSerialization::META;

fn describe(flow: &Flow, secret: &SecretRef) -> FlowText {
    FlowText {
        message: format!("{} is serialized by {}", secret.what, flow.sink),
        label: "serialized here".to_owned(),
        help: "never serialize the secret: leave it out of the serialized value, \
               `#[serde(skip)]` the field, or hold it as `ResolvedSecret`, which has no \
               `Serialize`"
            .to_owned(),
    }
}

/// Finds the fields of `Serialize` types that hold a secret.
struct Fields<'c, 'a> {
    cx: &'c mut FileContext<'a>,
}

impl Fields<'_, '_> {
    fn skip(&self, attrs: &[syn::Attribute]) -> bool {
        !self.cx.settings.scan.tests && attrs.iter().any(matchers::is_test_attr)
    }

    /// `owner`: `Config`, or `Provider::OpenAi` for an enum variant. `all_marked`: a variant
    /// marked `#[secret]`, whose every field `Redact` treats as secret.
    fn fields(&mut self, owner: &str, fields: &syn::Fields, all_marked: bool) {
        for (i, field) in fields.iter().enumerate() {
            if matchers::serde_skips_serializing(&field.attrs)
                || matchers::serde_serializes_by_hand(&field.attrs)
            {
                continue;
            }
            let ty = taint::secret_type_in(
                &field.ty,
                &self.cx.settings.rules.secret_serialization.secret_types,
            );
            let field_marked = !matchers::attr_lists(&field.attrs, "secret").is_empty();
            if ty.is_none() && !field_marked && !all_marked {
                continue;
            }
            let (name, location) = match &field.ident {
                Some(ident) => (
                    format!("`{}`", ident.to_string().trim_start_matches("r#")),
                    self.cx.location(ident.span()),
                ),
                None => (
                    format!("`{i}`"),
                    self.cx.location(syn::spanned::Spanned::span(&field.ty)),
                ),
            };
            let why = match &ty {
                Some(t) => format!("holds a secret (`{t}`)"),
                None if field_marked => "is marked `#[secret]`".to_owned(),
                None => "is in a variant marked `#[secret]`".to_owned(),
            };
            let help = if ty.as_deref() == Some("ResolvedSecret") {
                "add `#[serde(skip)]` to the field, or stop deriving `Serialize`: \
                 `ResolvedSecret` has no `Serialize` on purpose"
            } else {
                "never serialize the secret: add `#[serde(skip)]` to the field, or hold it as \
                 `ResolvedSecret`, which has no `Serialize`"
            };
            let field_key = field
                .ident
                .as_ref()
                .map_or_else(|| i.to_string(), |f| f.to_string());
            let f = self
                .cx
                .finding(
                    META,
                    location,
                    format!("field {name} of `{owner}`, which derives `Serialize`, {why}"),
                )
                .with_label("serialized with the rest of the value")
                .with_help(help)
                .with_identity(format!("{owner}.{field_key}"));
            self.cx.report(f);
        }
    }
}

impl<'ast> Visit<'ast> for Fields<'_, '_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            _ => &[],
        };
        if !self.skip(attrs) {
            visit::visit_item(self, item);
        }
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        if matchers::derives(&s.attrs, "Serialize") {
            self.fields(&s.ident.to_string(), &s.fields, false);
        }
        visit::visit_item_struct(self, s);
    }

    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        if matchers::derives(&e.attrs, "Serialize") {
            for v in &e.variants {
                // A skipped variant is never serialized.
                if !matchers::serde_skips_serializing(&v.attrs) {
                    let marked = !matchers::attr_lists(&v.attrs, "secret").is_empty();
                    self.fields(&format!("{}::{}", e.ident, v.ident), &v.fields, marked);
                }
            }
        }
        visit::visit_item_enum(self, e);
    }
}

impl Rule for SecretSerialization {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    /// A `Serialize` derive next to a secret type, or a secret's plain value.
    fn triggers(&self, settings: &Settings) -> Triggers {
        let types = std::iter::once("secret".to_owned()).chain(
            settings
                .rules
                .secret_serialization
                .secret_types
                .iter()
                .cloned(),
        );
        Triggers::all([vec!["Serialize".to_owned()], types.collect()])
            .or(prefilter::secret_values(settings))
    }

    fn check(&self, cx: &mut FileContext<'_>, file: &syn::File) {
        Fields { cx: &mut *cx }.visit_file(file);
        flows::check_flows(cx, META, SinkKind::Serialize, describe);
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
