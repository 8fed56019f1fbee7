//! Intra-procedural taint: where a secret's plain value (`.expose_secret()`, the value of a
//! secret environment read) flows into a sink that publishes it (a log macro, a serializer, a
//! URL). Computed once per file; `secret-in-log`, `secret-serialization` and `secret-in-url`
//! each read the flows of their kind.
//!
//! The analysis walks every function, method, closure and constant initializer once, in
//! statement order, keeping for each local binding the sources its value may carry. It is a
//! may-analysis: branches and loops join, assignments under a condition add to a binding
//! instead of replacing it, and loop bodies are walked twice so taint added late in an
//! iteration is seen at the top of the next. It is deliberately conservative about what carries
//! the secret: only known conversions, wrappers and string building propagate; an unknown
//! function or method call, a length, a hash or a comparison is not the secret.
//!
//! The rules share the classification of sources (see [`classify_source`]): only sensitive
//! secrets count, and a name held in a constant is decided by the crate-wide join.
//!
//! `walk` does the walking, `value` is what a value may carry, `syntax` is the syntax
//! recognized (sinks, carriers, macro bodies).

mod syntax;
mod value;
mod walk;

use std::collections::HashSet;

use syn::visit::{self, Visit};

use crate::analysis::join::{CrateFacts, ParamMode, Question, QuestionKind};
use crate::analysis::reads::{Arg, EnvRead, NameExpr};
use crate::config::{SecretName, Settings};
use crate::finding::RuleMeta;
use crate::finding::{Finding, Location};
use crate::input::source::{ByteSpan, SourceFile};
use crate::input::unit::ModuleUnit;
use crate::rules::context::FileContext;

/// Where a secret value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaintSource {
    /// A call of an exposing method (`.expose_secret()`, `[taint] expose-methods`).
    Expose { method: String },
    /// The value returned by an environment read; a secret only if `name` is a sensitive
    /// secret, which the rules decide (through the join for constants).
    EnvRead { reader: String, name: Arg },
}

/// What kind of sink a value reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SinkKind {
    /// Printing, logging, panics, error messages, configured AI-context sinks.
    Log,
    /// A serializer (`serde_json::to_string`, `json!`, `.serialize(..)`).
    Serialize,
    /// A URL or query string.
    Url,
}

/// A secret value reaching a sink.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    pub kind: SinkKind,
    /// The sink as the message names it: "`tracing::info!`", "`serde_json::to_string`".
    pub sink: String,
    /// The tainted expression at the sink (where the finding is reported).
    pub location: Location,
    pub source: TaintSource,
    /// Where the value was exposed or read (the finding's secondary label).
    pub source_location: Location,
}

/// The flows of secret values into sinks in `file`. `reads` are the file's environment reads
/// (from [`crate::analysis::facts`]), matched by their call location.
pub fn flows(
    source: &SourceFile,
    settings: &Settings,
    unit: &ModuleUnit,
    file: &syn::File,
    reads: &[EnvRead],
) -> Vec<Flow> {
    walk::Walker::new(source, settings, unit, reads).file(file)
}

// ---------------------------------------------------------------------------------------------
// What the three flow rules share: whether a source is a secret, and the finding it makes.

/// A secret as a finding names it; never its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretRef {
    /// For messages: "the value of `OPENAI_API_KEY`", "the value of `.expose_secret()`".
    pub what: String,
    /// For the finding's identity: the variable name or the exposing method.
    pub key: String,
}

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
        TaintSource::Expose { method } => Verdict::Secret(SecretRef {
            what: format!("the value of `.{method}()`"),
            key: format!(".{method}()"),
        }),
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

/// A variable name that holds a sensitive secret; `template`: a `format!` name (`X_API_KEY`),
/// which only patterns can match.
fn secret_named(settings: &Settings, name: &str, template: bool) -> Option<SecretRef> {
    if template {
        let pattern = settings.names.matching(name)?;
        return Some(SecretRef {
            what: format!("the value of a variable named like `{name}` (matches `{pattern}`)"),
            key: name.to_owned(),
        });
    }
    match settings.classify(name)? {
        SecretName::Inventory { spec, .. } if !spec.sensitive => None,
        SecretName::Inventory { spec, .. } => Some(SecretRef {
            what: format!("the value of `{name}` (secret `{}`)", spec.id),
            key: spec.env.clone(),
        }),
        SecretName::Pattern { .. } => Some(SecretRef {
            what: format!("the value of `{name}`"),
            key: name.to_owned(),
        }),
    }
}

/// Whether a name expression may name a secret; cheap pruning before a flow is recorded.
pub(super) fn may_be_secret(settings: &Settings, expr: &NameExpr) -> bool {
    match expr {
        NameExpr::Lit(n) => secret_named(settings, n, false).is_some(),
        NameExpr::Format(t) => secret_named(settings, t, true).is_some(),
        NameExpr::Const(_)
        | NameExpr::Concat(_)
        | NameExpr::Element(_)
        | NameExpr::Dynamic(_)
        | NameExpr::Case(..) => true,
        NameExpr::List(_) | NameExpr::Slot(_) | NameExpr::Unknown => false,
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

/// Types that hold a secret without exposing it. `Secret` counts only with type arguments
/// (`secrecy::Secret<String>`), so an unrelated `Secret` enum does not.
const SECRET_TYPES: &[&str] = &[
    "ResolvedSecret",
    "SecretString",
    "SecretBox",
    "SecretVec",
    "SecretSlice",
];

/// The first secret type `ty` mentions anywhere (`Option<SecretString>`), with `extra` names
/// from `[rules.secret-serialization] secret-types`.
pub fn secret_type_in(ty: &syn::Type, extra: &[String]) -> Option<String> {
    struct Find<'n> {
        extra: &'n [String],
        found: Option<String>,
    }
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_type_path(&mut self, p: &'ast syn::TypePath) {
            if self.found.is_some() {
                return;
            }
            if let Some(last) = p.path.segments.last() {
                let name = last.ident.to_string();
                let generic = !matches!(last.arguments, syn::PathArguments::None);
                if is_secret_type(&name, self.extra) || (name == "Secret" && generic) {
                    self.found = Some(name);
                    return;
                }
            }
            visit::visit_type_path(self, p);
        }
    }
    let mut f = Find { extra, found: None };
    f.visit_type(ty);
    f.found
}

pub(super) fn is_secret_type(name: &str, extra: &[String]) -> bool {
    SECRET_TYPES.contains(&name) || extra.iter().any(|e| e == name)
}

#[cfg(test)]
mod tests {
    use super::syntax::{ArgRef, parse_template};
    use super::value::Text;
    use super::*;
    use std::path::PathBuf;

    use crate::analysis::facts;

    fn flows_in(settings: &Settings, code: &str) -> Vec<Flow> {
        let source = SourceFile::new(PathBuf::from("t.rs"), "t.rs".into(), code.into());
        let file = syn::parse_file(code).expect("test code parses");
        let unit = ModuleUnit {
            crate_key: "t".into(),
            module: vec!["crate".into()],
            in_test_dir: false,
        };
        facts::collect(&source, settings, &unit, &file, true).flows
    }

    /// `(kind, line, sink)` of each flow.
    fn summary(code: &str) -> Vec<(SinkKind, usize, String)> {
        flows_in(&Settings::default(), code)
            .into_iter()
            .map(|f| (f.kind, f.location.start.line, f.sink))
            .collect()
    }

    fn logs(code: &str) -> Vec<usize> {
        summary(code)
            .into_iter()
            .filter(|(k, ..)| *k == SinkKind::Log)
            .map(|(_, l, _)| l)
            .collect()
    }

    #[test]
    fn propagates_through_bindings_and_conversions() {
        let code = r#"
fn f(s: &SecretString) -> anyhow::Result<()> {
    let a = s.expose_secret();
    let b = a.trim().to_string();
    let c = &b;
    let d = c.clone().as_str().to_owned();
    let e: String = d.into();
    let (x, _) = (e, 1);
    let Some(y) = Some(x) else { return Ok(()) };
    let k = std::env::var("OPENAI_API_KEY")?;
    let k2 = k.as_bytes();
    println!("{y} {:?}", k2);
    Ok(())
}
"#;
        assert_eq!(logs(code), vec![12, 12]);
    }

    #[test]
    fn stops_at_lengths_hashes_comparisons_and_unknown_calls() {
        let code = r#"
fn f(s: &SecretString, other: &str) {
    let k = s.expose_secret();
    println!("{} {} {}", k.len(), k.is_empty(), k.starts_with("sk-"));
    println!("{}", k == other);
    println!("{}", sha256(k));
    println!("{}", k.chars().count());
    println!("{}", &k[..4]);
    let wrapped: SecretString = k.to_string().into();
    println!("{wrapped:?}");
    let k = "shadowed";
    println!("{k}");
}
"#;
        assert_eq!(logs(code), Vec::<usize>::new());
    }

    #[test]
    fn struct_fields_are_tracked_separately() {
        let code = r#"
fn f(s: &SecretString) {
    let cfg = Config { model: "gpt".to_owned(), key: s.expose_secret().to_owned() };
    println!("{}", cfg.model);
    println!("{}", cfg.key);
    println!("{cfg:?}");
    let Config { model, key } = cfg;
    println!("{model}");
    println!("{key}");
}
"#;
        assert_eq!(logs(code), vec![5, 6, 9]);
    }

    #[test]
    fn branches_loops_assignments_and_buffers() {
        let code = r#"
fn f(s: &SecretString, c: bool) {
    let mut out = String::new();
    let mut last = String::new();
    for part in ["a", "b"] {
        println!("{last}");
        last = s.expose_secret().to_owned();
    }
    if c { out.push_str(s.expose_secret()); }
    println!("{out}");
    let mut t = String::new();
    t = s.expose_secret().to_owned();
    t = String::new();
    println!("{t}");
    let v = match c { true => s.expose_secret().to_owned(), false => String::new() };
    eprintln!("{}", v);
}
"#;
        assert_eq!(logs(code), vec![6, 10, 16]);
    }

    #[test]
    fn closures_see_captures_and_return_values() {
        let code = r#"
fn f(s: &SecretString) {
    let k = s.expose_secret();
    let log = |v: &str| tracing::info!("value {v}");
    log("plain");
    log(k);
    let get = || k.to_owned();
    let g = get();
    std::thread::spawn(move || println!("{}", g));
    let lens: Vec<usize> = vec![k].iter().map(|x| x.len()).collect();
    println!("{lens:?}");
    let up = Some(k).map(|x| x.to_uppercase());
    println!("{up:?}");
}
"#;
        assert_eq!(logs(code), vec![4, 9, 13]);
    }

    #[test]
    fn log_macros_fields_and_expect_messages() {
        let code = r#"
use tracing::info;
fn f(s: &SecretString) {
    let k = s.expose_secret();
    info!(token = %k, "ready");
    tracing::warn!(?k);
    log::error!(target: "x", "failed with {}", k);
    info!(has_key = !k.is_empty(), "ready");
    let v: Option<u8> = None;
    v.expect(&format!("bad {k}"));
    assert_eq!(k, "x", "mismatch");
    assert!(k.is_empty(), "{}", k);
    dbg!(k);
    let e = anyhow::anyhow!("bad key {k:?}");
    println!("{k} and again {k}, {}", k);
}
"#;
        assert_eq!(logs(code), vec![5, 6, 7, 10, 11, 12, 13, 14, 15]);
    }

    #[test]
    fn write_to_formatter_logs_but_into_string_builds() {
        let code = r#"
use std::fmt::Write;
fn f(s: &SecretString, f: &mut std::fmt::Formatter<'_>) {
    let mut buf = String::new();
    write!(buf, "{}", s.expose_secret()).ok();
    write!(f, "{}", buf).ok();
    let mut named = "key: ".to_owned();
    write!(named, "{}", s.expose_secret()).ok();
    let mut bytes: Vec<u8> = Vec::new();
    writeln!(bytes, "{}", s.expose_secret()).ok();
    writeln!(std::io::stderr(), "{}", bytes.len()).ok();
    writeln!(std::io::stdout(), "{named}").ok();
}
"#;
        assert_eq!(logs(code), vec![6, 12]);
    }

    #[test]
    fn urls_and_serializers() {
        let code = r#"
use serde_json::to_string;
fn f(s: &SecretString, base: &str) {
    let k = s.expose_secret();
    let a = format!("https://api.example.com/v1?city=x&key={k}");
    let b = format!("{base}?api_key={}", k);
    let c = format!("Bearer {}", k);
    let d = "https://x.example/?token=".to_owned() + k;
    let mut u = url::Url::parse(base).unwrap();
    u.query_pairs_mut().append_pair("key", k);
    let r = client.get(base).query(&[("q", "rust"), ("key", k)]);
    let j = serde_json::json!({ "model": "m", "auth": { "key": k } });
    let t = to_string(&c);
    let msg = format!("calling https://api.example.com with {}", c.len());
}
"#;
        assert_eq!(
            summary(code),
            vec![
                (SinkKind::Url, 5, "`format!`".to_owned()),
                (SinkKind::Url, 6, "`format!`".to_owned()),
                (SinkKind::Url, 8, "`+`".to_owned()),
                (SinkKind::Url, 10, "`.append_pair(..)`".to_owned()),
                (SinkKind::Url, 11, "`.query(..)`".to_owned()),
                (SinkKind::Serialize, 12, "`serde_json::json!`".to_owned()),
                (
                    SinkKind::Serialize,
                    13,
                    "`serde_json::to_string`".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn env_reads_only_of_secrets() {
        let code = r#"
fn f() {
    let home = std::env::var("HOME").unwrap();
    println!("{home}");
    let key = std::env::var("GITHUB_TOKEN").unwrap_or_default();
    println!("{key}");
    println!("{}", env!("NPM_TOKEN"));
    match std::env::var("SLACK_BOT_TOKEN") {
        Ok(v) => println!("{v}"),
        Err(e) => println!("{e}"),
    }
}
"#;
        assert_eq!(logs(code), vec![6, 7, 9]);
    }

    #[test]
    fn configured_expose_methods_and_sinks() {
        let mut settings = Settings::default();
        settings.taint.expose_methods.push("reveal".into());
        settings.rules.secret_in_log.sinks = vec![
            "mcp::tool_output".into(),
            "push_str".into(),
            "trace_prompt!".into(),
        ];
        let code = r#"
use crate::mcp::tool_output;
fn f(s: &Key, prompt: &mut String) {
    let k = s.reveal();
    tool_output(k);
    prompt.push_str(k);
    trace_prompt!("{}", k);
    other_output(k);
}
"#;
        let lines: Vec<(usize, String)> = flows_in(&settings, code)
            .into_iter()
            .map(|f| (f.location.start.line, f.sink))
            .collect();
        assert_eq!(
            lines,
            vec![
                (5, "`mcp::tool_output`".to_owned()),
                (6, "`push_str`".to_owned()),
                (7, "`trace_prompt!`".to_owned()),
            ]
        );
    }

    #[test]
    fn scopes_items_and_renamed_macros() {
        let code = r#"
use log::warn as log_warn;
fn outer(s: &SecretString) {
    let key = s.expose_secret();
    fn inner() {
        let key = 1;
        println!("{key}");
    }
    log_warn!("{}", key);
    let prefix: String = key.chars().take(4).collect();
    println!("{prefix}...");
    let keys: Vec<&str> = vec![key];
    let urls = vec![format!("https://x.example/")];
    let mut all = urls.clone();
    all.push(keys[0].to_owned());
}
#[cfg(test)]
mod tests {
    fn t(s: &SecretString) { println!("{}", s.expose_secret()); }
}
"#;
        assert_eq!(
            summary(code),
            vec![
                (SinkKind::Log, 9, "`log::warn!`".to_owned()),
                (SinkKind::Log, 19, "`println!`".to_owned()),
            ]
        );
        let mut settings = Settings::default();
        settings.scan.tests = false;
        assert_eq!(flows_in(&settings, code).len(), 1);
    }

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

    #[test]
    fn templates_and_query_tails() {
        let (phs, trailing) = parse_template("a{}b{0}{name:?}{{x}}{:.*}c");
        assert_eq!(
            phs.iter().map(|p| p.arg.clone()).collect::<Vec<_>>(),
            vec![
                ArgRef::Next,
                ArgRef::Index(0),
                ArgRef::Name("name".into()),
                ArgRef::Next
            ]
        );
        assert!(phs[3].star);
        assert_eq!(phs[3].before, "{x}");
        assert_eq!(trailing, "c");
        for yes in ["https://h/p?key=", "?token=", "x&api_key=", "/v1?a=1&key="] {
            assert!(Text::literal(yes).in_url(), "{yes}");
        }
        for no in ["key=", "a && b=", "?=", "Bearer ", "see https://x.io for "] {
            assert!(!Text::literal(no).in_url(), "{no}");
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        let code = r#"
fn f() {
    println!("{", x);
    format!("{:}", );
    write!();
    json!({ : , [,] : {}, "k": [{ "a" }] });
    format!("{} {x} {:.*}", );
    let _ = a.query(&[(1,)]).append_pair();
    let _ = (|| ())();
    let s = String::new(); s += "é?k="; s += env!("X_TOKEN");
    tracing::info!(= , %, ?);
}
"#;
        let _ = summary(code);
    }
}
