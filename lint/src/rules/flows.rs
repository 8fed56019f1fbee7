//! What the three flow rules (`secret-in-log`, `secret-in-url`, `secret-serialization`) share:
//! whether the source of a [`Flow`] is a secret, and the finding a flow makes.
//!
//! The flows themselves are analysis ([`crate::analysis::taint`]); deciding which of them to
//! report needs the crate-wide join (a variable named through a constant) and a rule's
//! [`FileContext`], so it lives here, in the rules stage, and the analysis imports neither.

use std::collections::HashSet;

use crate::analysis::join::{CrateFacts, ParamMode, Question, QuestionKind};
use crate::analysis::reads::NameExpr;
use crate::analysis::taint::{Flow, SecretRef, SinkKind, TaintSource, secret_named};
use crate::config::Settings;
use crate::finding::{Finding, RuleMeta};
use crate::input::source::ByteSpan;
use crate::rules::context::FileContext;

/// What one file can say about a flow's source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Secret(SecretRef),
    NotSecret,
    /// The variable is named through a constant: ask the crate-wide join.
    Ask,
}

/// Whether `source` is a sensitive secret, as far as one file can tell.
pub fn classify_source(settings: &Settings, source: &TaintSource) -> Verdict {
    match source {
        TaintSource::Expose { method, id } => {
            let spec = id
                .as_ref()
                .and_then(|id| settings.inventory.specs().iter().find(|s| s.id == *id));
            match spec {
                // A managed setting (a model name, a host) resolved through Clavis.
                Some(spec) if !spec.sensitive => Verdict::NotSecret,
                Some(spec) => Verdict::Secret(SecretRef {
                    what: format!("the value of `.{method}()` (secret `{}`)", spec.id),
                    key: format!(".{method}()"),
                }),
                None => Verdict::Secret(SecretRef {
                    what: format!("the value of `.{method}()`"),
                    key: format!(".{method}()"),
                }),
            }
        }
        TaintSource::EnvRead { name, .. } => match &name.expr {
            NameExpr::Lit(n) => {
                secret_named(settings, n, false).map_or(Verdict::NotSecret, Verdict::Secret)
            }
            NameExpr::Format(t) => {
                secret_named(settings, t, true).map_or(Verdict::NotSecret, Verdict::Secret)
            }
            NameExpr::Dynamic(ident) => Verdict::Secret(SecretRef {
                what: format!("the value of the environment variable named by `{ident}`"),
                key: format!("${ident}"),
            }),
            NameExpr::Const(_)
            | NameExpr::Concat(_)
            | NameExpr::Element(_)
            | NameExpr::Case(..) => Verdict::Ask,
            NameExpr::List(_) | NameExpr::Slot(_) | NameExpr::Unknown => Verdict::NotSecret,
        },
    }
}

/// The secret a source is, with constants resolved across the crate.
pub fn resolve_source(
    settings: &Settings,
    facts: &CrateFacts,
    source: &TaintSource,
) -> Option<SecretRef> {
    match classify_source(settings, source) {
        Verdict::Secret(s) => Some(s),
        Verdict::NotSecret => None,
        Verdict::Ask => {
            let TaintSource::EnvRead { name, .. } = source else {
                return None;
            };
            facts
                .names(name, ParamMode::Name)
                .iter()
                .find_map(|r| secret_named(settings, &r.name, r.template))
        }
    }
}

/// What a rule says about one flow.
#[derive(Clone, Debug)]
pub struct FlowText {
    pub message: String,
    pub label: String,
    pub help: String,
}

/// Describes a flow of a known secret, for one rule.
pub type Describe = fn(&Flow, &SecretRef) -> FlowText;

/// The finding of `rule` for a flow of `secret`.
pub fn flow_finding(
    meta: &'static RuleMeta,
    path: &str,
    flow: &Flow,
    secret: &SecretRef,
    describe: Describe,
) -> Finding {
    let text = describe(flow, secret);
    let mut f = Finding::new(
        meta.name,
        meta.default_severity,
        path,
        flow.location,
        text.message,
    )
    .with_label(text.label)
    .with_help(text.help)
    .with_identity(format!("{}|{}", secret.key, flow.sink.trim_matches('`')));
    let (s, src) = (flow.location.span, flow.source_location.span);
    if !(s.start <= src.start && src.end <= s.end) {
        f = f.with_related(flow.source_location, "the secret is exposed here");
    }
    f
}

/// Reports the flows of `kind` in this file: one finding per sink expression, for the first of
/// its sources that is a secret; sources named through constants go to the join.
pub fn check_flows(
    cx: &mut FileContext<'_>,
    meta: &'static RuleMeta,
    kind: SinkKind,
    describe: Describe,
) {
    let facts = cx.facts;
    let mut done: HashSet<ByteSpan> = HashSet::new();
    let mut ask = Vec::new();
    for flow in facts.flows.iter().filter(|f| f.kind == kind) {
        if done.contains(&flow.location.span) {
            continue;
        }
        match classify_source(cx.settings, &flow.source) {
            Verdict::Secret(secret) => {
                let f = flow_finding(meta, &cx.source.display, flow, &secret, describe);
                cx.report(f);
                done.insert(flow.location.span);
            }
            Verdict::NotSecret => {}
            Verdict::Ask => ask.push(flow),
        }
    }
    for flow in ask {
        if done.contains(&flow.location.span) {
            continue;
        }
        let q = Question {
            rule: meta.name,
            path: cx.source.display.clone(),
            location: flow.location,
            kind: QuestionKind::Flow(flow.clone()),
        };
        cx.ask(q);
    }
}

/// Answers a `Flow` question of `rule`.
pub fn answer_flow(
    meta: &'static RuleMeta,
    settings: &Settings,
    facts: &CrateFacts,
    q: &Question,
    describe: Describe,
    out: &mut Vec<Finding>,
) {
    if let QuestionKind::Flow(flow) = &q.kind
        && let Some(secret) = resolve_source(settings, facts, &flow.source)
    {
        out.push(flow_finding(meta, &q.path, flow, &secret, describe));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::reads::Arg;
    use crate::finding::Location;

    #[test]
    fn sources_are_classified_by_name() {
        let settings = Settings::default();
        let read = |expr: NameExpr| TaintSource::EnvRead {
            reader: "std::env::var".into(),
            name: Arg {
                expr,
                location: Location::default(),
            },
        };
        let verdict = |s: &TaintSource| classify_source(&settings, s);
        assert!(matches!(
            verdict(&read(NameExpr::Lit("OPENAI_API_KEY".into()))),
            Verdict::Secret(_)
        ));
        assert_eq!(
            verdict(&read(NameExpr::Lit("HOME".into()))),
            Verdict::NotSecret
        );
        assert_eq!(
            verdict(&read(NameExpr::Const(vec!["crate::K".into()]))),
            Verdict::Ask
        );
        assert!(matches!(
            verdict(&read(NameExpr::Format("X_API_KEY".into()))),
            Verdict::Secret(_)
        ));
        let exposed = TaintSource::Expose {
            method: "expose_secret".into(),
            id: None,
        };
        match verdict(&exposed) {
            Verdict::Secret(s) => assert_eq!(s.what, "the value of `.expose_secret()`"),
            other => panic!("{other:?}"),
        }
        let toml = r#"
[[secret]]
id = "Model"
env = "VOX_MODEL_TOKEN"
sensitive = false
"#;
        let settings = crate::config::from_toml_str(toml, std::path::Path::new("t.toml"))
            .expect("valid config");
        assert_eq!(
            classify_source(&settings, &read(NameExpr::Lit("VOX_MODEL_TOKEN".into()))),
            Verdict::NotSecret
        );
    }
}
