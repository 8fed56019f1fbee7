//! `secret-env-read`: a secret read from the environment outside the Clavis resolver.
//!
//! The walking is done once per file by [`crate::facts`]; this rule decides which of the reads
//! and calls it recorded are secret reads, locally when it can and through the crate-wide join
//! when a constant or a wrapper function lives elsewhere.

use crate::config::{NameKind, SecretName, Settings};
use crate::context::FileContext;
use crate::declare_rule;
use crate::facts::{EnvRead, NameExpr};
use crate::finding::{Finding, Location};
use crate::join::{CrateFacts, ParamMode, Question, QuestionKind};
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags every read of a secret environment variable that bypasses the Clavis resolver:
    /// `std::env::var`/`var_os` (through any import, rename or glob), `dotenvy::var`,
    /// `env!`/`option_env!`, clap's `#[arg(env = "..")]`, `std::env::vars()` scans compared
    /// against a secret name, and calls to functions or closures of the same crate that pass
    /// their parameter on to such a read (`optional_env(&["GITHUB_TOKEN", "GH_TOKEN"])`).
    /// Names are resolved through literals, `concat!`, `String::from`, local bindings, and
    /// constants anywhere in the crate; `format!("{}_API_KEY", p)` is matched on its fixed part;
    /// a name held in a variable whose identifier names a credential (`cfg.token_env`) is
    /// flagged as an unverifiable secret read.
    ///
    /// A name is a secret when the inventory lists it (canonical, alias or deprecated alias;
    /// also non-sensitive managed settings, which must go through the resolver too) or when it
    /// matches a secret name pattern (`*_API_KEY`, `*_TOKEN`, `*_PASSWORD`, ...).
    ///
    /// ## Why is this bad?
    /// A direct read skips everything the resolver guarantees: the documented precedence of
    /// canonical names, aliases and the vault, the audit of where the value came from,
    /// rotation, fail-closed profiles, and a value type that cannot be logged or serialized.
    /// The key then travels as a plain `String` wherever the code sends it.
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn client() -> Client {
    ///     let key = std::env::var("OPENAI_API_KEY").expect("OPENAI_API_KEY is set");
    ///     Client::new(key)
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
    /// A name that matches a pattern but is not in the inventory gets a help naming the
    /// inventory entry to add. A name that is not a secret can be excluded with
    /// `[names] not-secret = ["NAME"]`.
    pub struct SecretEnvRead {
        name: "secret-env-read",
        severity: Error,
        summary: "a secret is read from the environment instead of through the Clavis resolver",
    }
}

const META: &RuleMeta = &SecretEnvRead::META;

/// How the variable is read, for the message.
enum Via<'a> {
    Reader(&'a str),
    Wrapper(&'a str),
}

impl Via<'_> {
    fn describe(&self) -> String {
        match self {
            Via::Reader(r) if r.ends_with('!') => format!("`{r}` at compile time"),
            Via::Reader(r) if r.contains(' ') => r.to_string(),
            Via::Reader(r) => format!("`{r}`"),
            Via::Wrapper(f) => format!("`{f}`, which reads the environment"),
        }
    }

    fn key(&self) -> &str {
        match self {
            Via::Reader(r) | Via::Wrapper(r) => r,
        }
    }
}

/// `GITHUB_TOKEN` -> `GithubToken`: the id to suggest for a name the inventory lacks.
fn suggested_id(name: &str) -> String {
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

/// The finding for a read of `name`, or `None` if it is not a secret.
fn finding(
    settings: &Settings,
    path: &str,
    location: Location,
    name: &str,
    template: bool,
    via: &Via<'_>,
) -> Option<Finding> {
    let how = via.describe();
    let (message, help) = if template {
        let pattern = settings.names.matching(name)?;
        (
            format!(
                "a secret-looking variable name built as `{name}` (matches `{pattern}`) is read from the environment by {how}"
            ),
            "declare each provider's key in the inventory and resolve it with \
             `vox_clavis::resolve(SecretId::..)`; a name assembled at run time cannot be audited"
                .to_owned(),
        )
    } else {
        match settings.classify(name)? {
            SecretName::Inventory { spec, kind } => {
                let what = if spec.sensitive {
                    "secret"
                } else {
                    "managed setting"
                };
                let named = match kind {
                    NameKind::Canonical => format!("{what} `{name}`"),
                    other => format!(
                        "{what} `{}` (as its {} `{name}`)",
                        spec.env,
                        other.describe()
                    ),
                };
                (
                    format!(
                        "{named} is read from the environment by {how}, bypassing the resolver"
                    ),
                    format!(
                        "resolve it through the Clavis runtime: `vox_clavis::resolve(SecretId::{})`",
                        spec.id
                    ),
                )
            }
            SecretName::Pattern { pattern } => (
                format!(
                    "`{name}` looks like a secret (matches `{pattern}`) and is read from the environment by {how}"
                ),
                format!(
                    "add it to the inventory (`[[secret]] id = \"{id}\"`, `env = \"{name}\"`) and resolve it with \
                     `vox_clavis::resolve(SecretId::{id})`; if it is not a secret, list it in `[names] not-secret`",
                    id = suggested_id(name)
                ),
            ),
        }
    };
    Some(
        Finding::new(META.name, META.default_severity, path, location, message)
            .with_label(format!("reads `{name}`"))
            .with_help(help)
            .with_identity(format!("{name}|{}", via.key())),
    )
}

fn dynamic_finding(path: &str, location: Location, ident: &str, via: &Via<'_>) -> Finding {
    Finding::new(
        META.name,
        META.default_severity,
        path,
        location,
        format!(
            "a variable whose name comes from `{ident}` is read from the environment by {}; it names a credential, but which one cannot be verified",
            via.describe()
        ),
    )
    .with_label("unverifiable secret name")
    .with_help(
        "resolve the secret by its id with `vox_clavis::resolve(SecretId::..)` instead of reading a configurable variable name",
    )
    .with_identity(format!("{ident}|{}", via.key()))
}

impl SecretEnvRead {
    fn check_read(&self, cx: &mut FileContext<'_>, read: &EnvRead) {
        let path = &cx.source.display;
        let via = Via::Reader(&read.reader);
        let local = match &read.name.expr {
            NameExpr::Lit(name) => Some((name.clone(), false)),
            NameExpr::Format(t) => Some((t.clone(), true)),
            NameExpr::Dynamic(ident) => {
                let f = dynamic_finding(path, read.name.location, ident, &via);
                cx.report(f);
                return;
            }
            _ => None,
        };
        match local {
            Some((name, template)) => {
                if let Some(f) =
                    finding(cx.settings, path, read.name.location, &name, template, &via)
                {
                    cx.report(f);
                }
            }
            None => {
                let q = Question {
                    rule: META.name,
                    path: path.clone(),
                    location: read.name.location,
                    kind: QuestionKind::EnvRead {
                        reader: read.reader.clone(),
                        name: read.name.clone(),
                    },
                };
                cx.ask(q);
            }
        }
    }

    /// `std::env::vars()`: flagged when its statement compares against a secret name, or
    /// always with `flag-all-vars`.
    fn check_vars(&self, cx: &mut FileContext<'_>, read: &EnvRead) {
        let path = &cx.source.display;
        let names = match &read.name.expr {
            NameExpr::List(items) => items.as_slice(),
            _ => &[],
        };
        let secret = names.iter().find_map(|a| match &a.expr {
            NameExpr::Lit(n) => cx.settings.classify(n).map(|_| n.clone()),
            _ => None,
        });
        let f = match secret {
            Some(name) => finding(cx.settings, path, read.call, &name, false, &Via::Reader("`std::env::vars()` scan")),
            None if cx.settings.rules.secret_env_read.flag_all_vars => Some(
                Finding::new(
                    META.name,
                    META.default_severity,
                    path,
                    read.call,
                    format!("`{}()` reads every environment variable, secrets included", read.reader),
                )
                .with_label("reads the whole environment")
                .with_help(
                    "read the variables you need by name, and resolve secrets with `vox_clavis::resolve(SecretId::..)`",
                )
                .with_identity(format!("*|{}", read.reader)),
            ),
            None => None,
        };
        if let Some(f) = f {
            cx.report(f);
        }
    }
}

impl Rule for SecretEnvRead {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check(&self, cx: &mut FileContext<'_>, _file: &syn::File) {
        let facts = cx.facts;
        for read in &facts.reads {
            if read.iterates_all {
                self.check_vars(cx, read);
            } else {
                self.check_read(cx, read);
            }
        }
        for call in &facts.calls {
            let q = Question {
                rule: META.name,
                path: cx.source.display.clone(),
                location: call.location,
                kind: QuestionKind::Call {
                    callee: call.callee.clone(),
                    args: call.args.clone(),
                },
            };
            cx.ask(q);
        }
    }

    fn answer(
        &self,
        settings: &Settings,
        facts: &CrateFacts,
        q: &Question,
        out: &mut Vec<Finding>,
    ) {
        match &q.kind {
            QuestionKind::EnvRead { reader, name } => {
                let via = Via::Reader(reader);
                for r in facts.names(name, ParamMode::Name) {
                    out.extend(finding(
                        settings, &q.path, r.location, &r.name, r.template, &via,
                    ));
                }
            }
            QuestionKind::Call { callee, args } => {
                let Some(fn_name) = facts.fn_name(callee) else {
                    return;
                };
                let via = Via::Wrapper(fn_name);
                for (param, mode) in facts.reader_params(callee) {
                    let Some(arg) = args.get(param) else { continue };
                    for r in facts.names(arg, mode) {
                        out.extend(finding(
                            settings, &q.path, r.location, &r.name, r.template, &via,
                        ));
                    }
                }
            }
            QuestionKind::Flow(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_suggested_in_upper_camel_case() {
        assert_eq!(suggested_id("GITHUB_TOKEN"), "GithubToken");
        assert_eq!(suggested_id("OPENAI_API_KEY"), "OpenaiApiKey");
    }
}
