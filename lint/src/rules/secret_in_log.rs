//! `secret-in-log`: a secret value reaches a log, print, panic or error message.
//!
//! The flows come from [`crate::analysis::taint`], computed once per file; this rule keeps those into
//! output sinks and names the sink and the secret, never the value.

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
    /// Flags a secret's plain value reaching an output: `print!`/`println!`/`eprint!`/
    /// `eprintln!`, `write!`/`writeln!` to anything but a `String` (a `Formatter`, stdout, a
    /// file), `dbg!`, `panic!`, `assert!`/`assert_eq!`/`assert_ne!` and their `debug_`
    /// forms (the compared values are printed when they differ), `unreachable!`, `todo!`,
    /// `unimplemented!`, `tracing`'s and `log`'s macros (message arguments and fields, `%x`
    /// and `?x` included, however the macro is imported), `anyhow!`/`bail!`/`ensure!`,
    /// `.expect(..)` and `.context(..)` messages, and the sinks you configure.
    ///
    /// A secret value is what `.expose_secret()` or `.expose()` returns (more methods with
    /// `[taint] expose-methods`), or the value of a secret environment variable
    /// (`std::env::var("OPENAI_API_KEY")`, `env!`, `dotenvy::var`; an inventory entry with
    /// `sensitive = false` is not a secret, nor the value of `GOOGLE_APPLICATION_CREDENTIALS`,
    /// the path of a key file). In test code (`#[cfg(test)]` items, `#[test]` functions,
    /// `tests/`) a secret built by the test is a fixture: there only a value that came from
    /// the environment counts. The value is followed inside the function
    /// through `let` bindings and patterns, assignments, references, `.clone()`,
    /// `.to_string()`, `.as_str()`, `.trim()`, `unwrap`/`expect`, `?`, `Some(..)`, `format!`
    /// (captured `{key}` included), `+`, struct and tuple literals, `push_str` into a local,
    /// and closures. It stops at values that are not the secret: `.len()`, `.is_empty()`,
    /// comparisons, hashes, `&key[..4]`, and calls of functions it does not know.
    ///
    /// The finding points at the value in the sink; a second label shows where the secret
    /// was exposed.
    ///
    /// ## Why is this bad?
    /// Logs and terminal output are copied everywhere: log aggregation and telemetry
    /// backends, CI logs, crash reports and core dumps, support tickets, and the context an
    /// AI agent reads back. Anyone with access to any of them now holds the credential, and
    /// a key that reached a log has to be rotated.
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn connect() -> anyhow::Result<Client> {
    ///     let key = std::env::var("OPENAI_API_KEY")?;
    ///     tracing::info!("connecting with {key}");
    ///     Ok(Client::new(&key))
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// fn connect() -> Result<Client, vox_clavis::Error> {
    ///     let key = vox_clavis::resolve(SecretId::OpenAiApiKey)?;
    ///     // `ResolvedSecret`'s `Debug` prints `[REDACTED]`.
    ///     tracing::info!(secret = ?key, "connecting");
    ///     Ok(Client::new(key.expose_secret()))
    /// }
    /// ```
    ///
    /// ## Options
    /// ```toml
    /// [rules.secret-in-log]
    /// severity = "error"   # "error", "warning" or "off"
    /// # Extra sinks: `name!` for a macro, a path (matched on its trailing segments) for a
    /// # function, a bare name for a method or function of that name.
    /// sinks = ["mcp::tool_output", "push_str", "trace_prompt!"]
    /// ```
    /// A configured method such as `push_str` (building a model prompt, an AI-context sink)
    /// is reported as well as followed.
    pub struct SecretInLog {
        name: "secret-in-log",
        severity: Error,
        summary: "a secret value reaches a log, print, panic or error message",
    }
}

const META: &RuleMeta = &SecretInLog::META;

/// What the sink does with the value, from its name.
fn role(sink: &str) -> (&'static str, &'static str) {
    let bare = sink.trim_matches('`').trim_start_matches('.');
    let name = bare
        .split("(..)")
        .next()
        .unwrap_or(bare)
        .trim_end_matches('!')
        .rsplit("::")
        .next()
        .unwrap_or(bare);
    match name {
        "print" | "println" | "eprint" | "eprintln" | "write" | "writeln" | "dbg" => {
            ("printed by", "printed here")
        }
        "panic" | "unreachable" | "todo" | "unimplemented" | "assert" | "assert_eq"
        | "assert_ne" | "debug_assert" | "debug_assert_eq" | "debug_assert_ne" | "expect" => {
            ("put in a panic message by", "in the panic message")
        }
        "anyhow" | "bail" | "eyre" | "format_err" | "ensure" | "context" | "with_context"
        | "wrap_err" | "wrap_err_with" => ("put in an error message by", "in the error message"),
        "trace" | "debug" | "info" | "warn" | "error" | "event" | "log" | "span" | "trace_span"
        | "debug_span" | "info_span" | "warn_span" | "error_span" => ("logged by", "logged here"),
        _ => ("passed to the configured sink", "reaches the sink here"),
    }
}

fn describe(flow: &Flow, secret: &SecretRef) -> FlowText {
    let (verb, label) = role(&flow.sink);
    FlowText {
        message: format!("{} is {verb} {}", secret.what, flow.sink),
        label: label.to_owned(),
        help: "keep the value inside `ResolvedSecret`/`SecretString` (its `Debug` prints \
               `[REDACTED]`), and log the secret's id or its `vox_clavis` status instead of \
               the value"
            .to_owned(),
    }
}

impl Rule for SecretInLog {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn triggers(&self, settings: &Settings) -> Triggers {
        prefilter::secret_values(settings)
    }

    fn check(&self, cx: &mut FileContext<'_>, _file: &syn::File) {
        flows::check_flows(cx, META, SinkKind::Log, describe);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sinks_have_a_role() {
        assert_eq!(role("`tracing::info!`").0, "logged by");
        assert_eq!(role("`.expect(..)`").0, "put in a panic message by");
        assert_eq!(role("`anyhow::bail!`").0, "put in an error message by");
        assert_eq!(role("`eprintln!`").0, "printed by");
        assert_eq!(
            role("`mcp::tool_output`").0,
            "passed to the configured sink"
        );
    }
}
