//! The taint walk's tests, run as the facts walk runs it: flows need the file's environment
//! reads, which facts collect, so they live on this side of the `facts -> taint` import.

use std::path::PathBuf;

use crate::analysis::facts;
use crate::analysis::taint::{Flow, SinkKind};
use crate::config::Settings;
use crate::input::source::SourceFile;
use crate::input::unit::ModuleUnit;

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
fn live() { let k = std::env::var("OPENAI_API_KEY").unwrap(); println!("{k}"); }
}
"#;
    // In test code an exposed secret is a fixture (line 19); one read from the environment
    // is not (line 20).
    assert_eq!(
        summary(code),
        vec![
            (SinkKind::Log, 9, "`log::warn!`".to_owned()),
            (SinkKind::Log, 20, "`println!`".to_owned()),
        ]
    );
    let mut settings = Settings::default();
    settings.scan.tests = false;
    assert_eq!(flows_in(&settings, code).len(), 1);
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
