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
//! Which sources are secrets is the flow rules' call (`crate::rules::flows`): only sensitive
//! secrets count, and a name held in a constant is decided by the crate-wide join, which reads
//! these flows; so this module names secrets ([`secret_named`]) but imports neither.
//!
//! `walk` does the walking, split by job into `items`, `locals`, `propagate` (taint through
//! expressions, and where a secret value starts), `sinks` and `macros`; `value` is what a value
//! may carry, `syntax` is the syntax recognized (sinks, carriers, macro bodies).

mod items;
mod locals;
mod macros;
mod propagate;
mod sinks;
mod syntax;
mod value;
mod walk;

use syn::visit::{self, Visit};

use crate::analysis::facts::{Arg, EnvRead, NameExpr};
use crate::config::{SecretName, Settings};
use crate::finding::Location;
use crate::input::source::SourceFile;
use crate::input::unit::ModuleUnit;

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
// What counts as a secret: the walk prunes sources by it, and `rules::flows` decides with it.

/// A secret as a finding names it; never its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretRef {
    /// For messages: "the value of `OPENAI_API_KEY`", "the value of `.expose_secret()`".
    pub what: String,
    /// For the finding's identity: the variable name or the exposing method.
    pub key: String,
}

/// A variable name that holds a sensitive secret; `template`: a `format!` name (`X_API_KEY`),
/// which only patterns can match.
pub fn secret_named(settings: &Settings, name: &str, template: bool) -> Option<SecretRef> {
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
