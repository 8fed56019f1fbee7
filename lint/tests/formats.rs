//! The formats made for other programs, each read by its real consumer or a faithful model of
//! it: `github` by the Actions runner's command parser, `rustc-json` and `clippy` by
//! `cargo_metadata` the way rust-analyzer reads a check command's output, `gitlab` by GitLab's
//! own schema, `sarif` for what code scanning reads. Snapshots (in `tests/data/snapshots/`)
//! record what people read: the `github` log and rustc-json's `rendered` text.

mod common;

use common::*;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cargo_metadata::diagnostic::{Applicability, Diagnostic, DiagnosticLevel};
use serde::Deserialize;
use serde_json::Value;
use vox_clavis_lint::Report;
use vox_clavis_lint::finding::{Finding, Location, Severity};
use vox_clavis_lint::input::source::SourceFile;
use vox_clavis_lint::render::{Format, RenderOptions, render};

const DOCS: &str = "https://github.com/vox-clavis/vox-clavis-lint/blob/main/docs/rules/";
const GITLAB_SCHEMA: &str = include_str!("data/gitlab-codeclimate.schema.json");
const SARIF_SCHEMA: &str = include_str!("data/sarif-schema-2.1.0.json");
/// The rules about the run itself, which are not security alerts in SARIF.
const TOOL_RULES: [&str; 4] = [
    "internal-error",
    "invalid-suppression",
    "unparsable-file",
    "unused-suppression",
];

// ---- running the binary --------------------------------------------------------------------

/// A fake GitHub token (30 characters and their checksum), assembled so that this file holds
/// no credential-shaped literal.
fn token() -> String {
    let random = "Q7wE2rT9yU4iO1pA6sD3fG8hJ5kL0z";
    let check = vox_clavis_lint::analysis::credentials::catalog::base62_6(crc32fast::hash(
        random.as_bytes(),
    ));
    format!("{}{random}{check}", "ghp_")
}

/// One finding of each shape: a warning with a related place, a read after a non-ASCII
/// character (columns are not bytes), a line indented by a tab, a related place over three
/// lines, and a hardcoded token (masked wherever a line is quoted).
fn leaky_main() -> String {
    let token = token();
    format!(
        "#[derive(Debug)]\nstruct Config {{\n    api_key: String,\n}}\n\nfn main() {{\n    \
         let clé = std::env::var(\"OPENAI_API_KEY\").unwrap();\n    let token = \"{token}\";\n\
         \tlet x = std::env::var(\"GITHUB_TOKEN\");\n    let db = std::env::var(\n        \
         \"DATABASE_PASSWORD\",\n    );\n    println!(\"{{clé}} {{token:?}} {{x:?}} {{db:?}}\");\n}}\n"
    )
}

/// Two reads of the same secret in one file: equal identities, distinct fingerprints.
const TWICE: &str = "pub fn a() -> String { std::env::var(\"OPENAI_API_KEY\").unwrap() }\n\
                     pub fn b() -> String { std::env::var(\"OPENAI_API_KEY\").unwrap() }\n";
const SUPPRESSED: &str = "pub fn boot() {\n    \
    let _t = std::env::var(\"VAULT_TOKEN\"); // vox-clavis-lint: allow(secret-env-read) -- the resolver's own bootstrap token\n}\n";
const CLEAN: &str = "fn main() { println!(\"{}\", std::env::var(\"HOME\").is_ok()); }\n";

fn leaky_project() -> tempfile::TempDir {
    let main = leaky_main();
    project(&[
        ("src/main.rs", &main),
        ("src/twice.rs", TWICE),
        ("src/boot.rs", SUPPRESSED),
    ])
}

/// The `json` report of a project, the reference the other formats are compared with.
fn findings(dir: &Path) -> Vec<Value> {
    let r = run(dir, &["check", "--no-config", "--format", "json", "."]);
    expect_code(&r, 1);
    json(&r.stdout)["findings"].as_array().unwrap().clone()
}

/// The fingerprints `--write-baseline` records for a project.
fn baseline_fingerprints(dir: &Path) -> BTreeSet<String> {
    let file = dir.join("baseline.json");
    let file = file.to_str().unwrap();
    let r = run(
        dir,
        &["check", "--no-config", "--write-baseline", file, "."],
    );
    expect_code(&r, 0);
    let doc = json(&std::fs::read_to_string(file).unwrap());
    std::fs::remove_file(file).unwrap();
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap().to_owned())
        .collect()
}

fn n(v: &Value) -> usize {
    v.as_u64().expect("a number") as usize
}

// ---- a synthetic report, for exact escaping and the snapshots -------------------------------

const MAIN_RS: &str = "use std::env;\n\nfn main() {\n    let clé = env::var(\"OPENAI_API_KEY\").unwrap();\n\
                       \tlet db = std::env::var(\n        \"DATABASE_PASSWORD\",\n    );\n    \
                       println!(\"{clé} {db:?}\");\n}\n";

fn report() -> Report {
    let main = SourceFile::new("src/main.rs".into(), "src/main.rs".into(), MAIN_RS.into());
    let mut findings = vec![
        Finding::new(
            "unparsable-file",
            Severity::Error,
            "src/bin/tool.rs",
            Location::file_start(),
            "file is not valid UTF-8",
        )
        .with_help("exclude it with `--exclude` if it is not Rust source"),
        Finding::new(
            "secret-env-read",
            Severity::Error,
            "src/main.rs",
            locate(&main, r#"env::var("OPENAI_API_KEY")"#),
            "secret `OPENAI_API_KEY` is read from the environment directly",
        )
        .with_label("read here")
        .with_help("resolve it with `vox_clavis::resolve(SecretId::OpenAiApiKey)`"),
        Finding::new(
            "secret-env-read",
            Severity::Warning,
            "src/main.rs",
            locate(
                &main,
                "std::env::var(\n        \"DATABASE_PASSWORD\",\n    )",
            ),
            "secret `DATABASE_PASSWORD` is read from the environment directly",
        ),
        Finding::new(
            "secret-in-log",
            Severity::Error,
            "src/main.rs",
            locate(&main, "{clé}"),
            "the value of `OPENAI_API_KEY` is printed by `println!`",
        )
        .with_label("printed here")
        .with_related(
            locate(&main, r#"env::var("OPENAI_API_KEY").unwrap()"#),
            "the secret is exposed here",
        )
        .with_help("log the secret's id instead of its value"),
    ];
    for (i, f) in findings.iter_mut().enumerate() {
        f.fingerprint = format!("{:016x}", 0x1234_5678_9abc_def0_u64 + i as u64);
    }
    Report {
        findings,
        files_checked: 2,
        sources: [("src/main.rs".to_owned(), MAIN_RS.to_owned())].into(),
        ..Report::default()
    }
}

/// Asserts a snapshot stored in `tests/data/snapshots/`, as `render_snapshots.rs` does.
fn snapshot(name: &str, description: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("data/snapshots");
    settings.set_description(description);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

// ---- github --------------------------------------------------------------------------------

/// A workflow command as the Actions runner reads a log line (`ActionCommand.TryParseV2` in
/// actions/runner): `::name key=value,key=value::data` after leading whitespace, the data
/// starting after the first `::` that follows the name; properties split at `,` and their
/// first `=` (empty parts dropped), then unescaped in the runner's order, `%25` last.
#[derive(Debug)]
struct WorkflowCommand {
    name: String,
    properties: BTreeMap<String, String>,
    data: String,
}

fn parse_command(line: &str) -> Option<WorkflowCommand> {
    let rest = line.trim_start().strip_prefix("::")?;
    let end = rest.find("::")?;
    let (info, data) = (&rest[..end], &rest[end + 2..]);
    let (name, properties) = match info.find(' ') {
        Some(i) if i > 0 => (&info[..i], info[i + 1..].trim()),
        _ => (info, ""),
    };
    if !["error", "warning", "notice"].contains(&name) {
        return None;
    }
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            let (key, value) = p.split_once('=')?;
            (!key.is_empty() && !value.is_empty())
                .then(|| (key.to_owned(), unescape_property(value)))
        })
        .collect();
    Some(WorkflowCommand {
        name: name.to_owned(),
        properties,
        data: unescape_data(data),
    })
}

fn unescape_data(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

fn unescape_property(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_commands_round_trip_through_the_runner_parser() {
    let awkward = [
        (
            "src/we,ird:na%me.rs",
            "100% sure: a, b\nsecond line\r\nthird %0A :: k=v",
        ),
        ("src/plain.rs", "no escapes at all"),
        ("src/pct.rs", "%25 stays %25, %3A stays %3A, %2C stays %2C"),
    ];
    let mut findings: Vec<Finding> = awkward
        .iter()
        .map(|(path, message)| {
            Finding::new(
                "secret-env-read",
                Severity::Warning,
                path,
                Location::file_start(),
                *message,
            )
            .with_help("help with , and : and %0D\rand a new\nline")
        })
        .collect();
    findings.sort_by(|a, b| a.path.cmp(&b.path));
    let report = Report {
        findings,
        files_checked: 3,
        ..Report::default()
    };
    let out = render(&report, Format::Github, &RenderOptions::default());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), report.findings.len() + 1, "{out}");
    for (f, line) in report.findings.iter().zip(&lines) {
        let command = parse_command(line).unwrap_or_else(|| panic!("not a command: {line}"));
        assert_eq!(command.name, "warning");
        assert_eq!(
            command.data,
            format!("{}\nhelp: {}", f.message, f.help.as_deref().unwrap())
        );
        let expected: BTreeMap<String, String> = [
            ("file", f.path.as_str()),
            ("line", "1"),
            ("col", "1"),
            ("endLine", "1"),
            ("endColumn", "1"),
            ("title", "vox-clavis-lint(secret-env-read)"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(command.properties, expected, "{line}");
    }
    // The summary is a plain log line, not an annotation.
    assert_eq!(lines[3], report.summary_line());
    assert!(parse_command(lines[3]).is_none());
}

#[test]
fn github_snapshot() {
    let out = render(&report(), Format::Github, &RenderOptions::default());
    for line in out.lines().filter(|l| l.starts_with("::")) {
        assert!(parse_command(line).is_some(), "{line}");
    }
    snapshot("github", "github", &out);
}

#[test]
fn github_annotates_each_finding_where_json_puts_it() {
    let p = leaky_project();
    let reference = findings(p.path());
    let r = run(
        p.path(),
        &["check", "--no-config", "--format", "github", "."],
    );
    expect_code(&r, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let commands: Vec<WorkflowCommand> = lines.iter().filter_map(|l| parse_command(l)).collect();
    assert_eq!(commands.len(), reference.len(), "{}", r.stdout);
    for (c, f) in commands.iter().zip(&reference) {
        let p = &c.properties;
        assert_eq!(c.name, f["severity"].as_str().unwrap());
        assert_eq!(p["file"], f["path"].as_str().unwrap());
        assert_eq!(p["line"], f["line"].to_string());
        assert_eq!(p["endLine"], f["end_line"].to_string());
        assert_eq!(
            p["title"],
            format!("vox-clavis-lint({})", f["rule"].as_str().unwrap())
        );
        if f["line"] == f["end_line"] {
            assert_eq!(p["col"], f["column"].to_string());
            assert_eq!(p["endColumn"], f["end_column"].to_string());
        } else {
            // The runner drops columns from a range over several lines.
            assert!(!p.contains_key("col") && !p.contains_key("endColumn"));
        }
        assert!(c.data.starts_with(f["message"].as_str().unwrap()));
    }
    // Every line is an annotation but the summary; the suppressed finding is not annotated.
    let last = lines.last().unwrap();
    assert!(
        last.contains("findings") && last.contains("1 suppressed"),
        "{last}"
    );
    assert_eq!(lines.len(), commands.len() + 1);
    assert!(!r.stdout.contains("VAULT_TOKEN"), "{}", r.stdout);
}

// ---- rustc-json ----------------------------------------------------------------------------

/// What rust-analyzer makes of a line of its check command's output
/// (`JsonMessage` in `crates/rust-analyzer/src/flycheck.rs`): a cargo message when it is one,
/// else a bare rustc diagnostic; a line that is neither is skipped.
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)]
enum JsonMessage {
    Cargo(cargo_metadata::Message),
    Rustc(Diagnostic),
}

/// The text between two 1-based character positions.
fn between(text: &str, start: (usize, usize), end: (usize, usize)) -> String {
    let offset = |(line, column): (usize, usize)| -> usize {
        let line_start: usize = text
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        text[line_start..]
            .char_indices()
            .nth(column - 1)
            .map_or(text.len(), |(i, _)| line_start + i)
    };
    text[offset(start)..offset(end)].to_owned()
}

/// Everything rust-analyzer reads of one diagnostic (`map_rust_diagnostic_to_lsp` in
/// `crates/rust-analyzer/src/diagnostics/flycheck_to_proto.rs`), checked against the `json`
/// report's finding and the file it points into.
#[track_caller]
fn assert_diagnostic(d: &Diagnostic, f: &Value, root: &Path) {
    let rule = f["rule"].as_str().unwrap();
    assert_eq!(d.message, f["message"].as_str().unwrap());
    assert_eq!(
        d.level,
        match f["severity"].as_str().unwrap() {
            "error" => DiagnosticLevel::Error,
            _ => DiagnosticLevel::Warning,
        }
    );
    // A scoped code, split by rust-analyzer into the source and the code it shows.
    let code = d.code.as_ref().expect("a code");
    assert_eq!(code.code, format!("vox-clavis-lint::{rule}"));
    assert_eq!(
        code.code.split("::").collect::<Vec<_>>(),
        ["vox-clavis-lint", rule]
    );
    assert_eq!(code.explanation, None);

    let primary: Vec<_> = d.spans.iter().filter(|s| s.is_primary).collect();
    assert_eq!(primary.len(), 1, "one primary span");
    let s = primary[0];
    let path = f["path"].as_str().unwrap();
    assert_eq!(s.file_name, path);
    let file = std::fs::read_to_string(root.join(&s.file_name)).expect("file_name resolves");
    assert_eq!(
        (s.line_start, s.column_start, s.line_end, s.column_end),
        (
            n(&f["line"]),
            n(&f["column"]),
            n(&f["end_line"]),
            n(&f["end_column"])
        )
    );
    // Byte offsets and character positions cover the same text.
    assert_eq!(
        file[s.byte_start as usize..s.byte_end as usize],
        between(
            &file,
            (s.line_start, s.column_start),
            (s.line_end, s.column_end)
        )
    );
    for span in &d.spans {
        assert_eq!(span.file_name, path);
        assert_eq!(span.text.len(), span.line_end - span.line_start + 1);
        for (i, line) in span.text.iter().enumerate() {
            let number = span.line_start + i;
            let original = file.lines().nth(number - 1).unwrap();
            // Same characters as the file's line, but for masked ones.
            assert_eq!(line.text.chars().count(), original.chars().count());
            let first = if i == 0 { span.column_start } else { 1 };
            let last = if number == span.line_end {
                span.column_end
            } else {
                original.chars().count() + 1
            };
            assert_eq!((line.highlight_start, line.highlight_end), (first, last));
        }
        assert_eq!(span.suggested_replacement, None);
        assert_eq!(span.suggestion_applicability, None);
        assert!(span.expansion.is_none());
    }
    for (span, related) in d
        .spans
        .iter()
        .filter(|s| !s.is_primary)
        .zip(f["related"].as_array().unwrap())
    {
        assert_eq!(span.line_start, n(&related["line"]));
        assert_eq!(span.column_start, n(&related["column"]));
        assert_eq!(span.label.as_deref(), related["message"].as_str());
    }

    // Children without spans: rust-analyzer adds each to the message as a line. A fix is one
    // more `help` child whose spans carry the suggestion, which rust-analyzer makes a quick fix.
    assert!(d.children.iter().all(|c| c.level == DiagnosticLevel::Help));
    let (notes, suggestion) = match f["fix"].as_object() {
        Some(_) => d.children.split_at(d.children.len() - 1),
        None => (&d.children[..], &[][..]),
    };
    assert!(notes.iter().all(|c| c.spans.is_empty()));
    if let [child] = suggestion {
        let fix = &f["fix"];
        assert_eq!(child.message, fix["message"].as_str().unwrap());
        let edits = fix["edits"].as_array().unwrap();
        assert_eq!(child.spans.len(), edits.len());
        let applicability = match fix["applicability"].as_str().unwrap() {
            "safe" => Applicability::MachineApplicable,
            _ => Applicability::MaybeIncorrect,
        };
        for (span, edit) in child.spans.iter().zip(edits) {
            assert_eq!(
                (
                    span.line_start,
                    span.column_start,
                    span.line_end,
                    span.column_end
                ),
                (
                    n(&edit["line"]),
                    n(&edit["column"]),
                    n(&edit["end_line"]),
                    n(&edit["end_column"])
                )
            );
            assert_eq!(
                span.suggested_replacement.as_deref(),
                edit["content"].as_str()
            );
            assert_eq!(span.suggestion_applicability, Some(applicability.clone()));
        }
    }
    let children: Vec<&str> = notes.iter().map(|c| c.message.as_str()).collect();
    let mut expected: Vec<String> = f["help"].as_str().map(str::to_owned).into_iter().collect();
    expected.push(format!("for further information visit {DOCS}{rule}.md"));
    assert_eq!(children, expected);

    let rendered = d.rendered.as_deref().expect("rendered");
    assert!(
        rendered.starts_with(&format!(
            "{}[{rule}]: {}\n",
            f["severity"].as_str().unwrap(),
            d.message
        )),
        "{rendered}"
    );
    assert!(rendered.contains(&format!("--> {path}:{}:{}\n", s.line_start, s.column_start)));
}

#[test]
fn rustc_json_lines_are_what_rust_analyzer_reads() {
    let p = leaky_project();
    let reference = findings(p.path());
    let r = run(
        p.path(),
        &["check", "--no-config", "--format", "rustc-json", "."],
    );
    expect_code(&r, 1);
    assert_eq!(r.stderr, "");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), reference.len(), "one line per finding");
    let mut rules = BTreeSet::new();
    for (line, f) in lines.iter().zip(&reference) {
        let Ok(JsonMessage::Rustc(d)) = serde_json::from_str(line) else {
            panic!("rust-analyzer reads a bare diagnostic: {line}");
        };
        assert_eq!(json(line)["$message_type"], "diagnostic");
        assert_diagnostic(&d, f, p.path());
        rules.insert(f["rule"].as_str().unwrap().to_owned());
    }
    // Not vacuous: warnings, related places over lines, the suppressed finding left out.
    for rule in ["secret-debug-derive", "secret-in-log", "hardcoded-secret"] {
        assert!(rules.contains(rule), "{rules:?}");
    }
    assert!(!r.stdout.contains("VAULT_TOKEN"));
}

#[test]
fn rustc_json_counts_columns_in_characters() {
    let p = leaky_project();
    let r = run(
        p.path(),
        &["check", "--no-config", "--format", "rustc-json", "."],
    );
    let read = lines_of(&r.stdout)
        .into_iter()
        .find(|d| d.message.contains("`OPENAI_API_KEY` looks like a secret"))
        .expect("the read after `clé`");
    let s = &read.spans[0];
    // rust-analyzer takes `column_start - 1` characters of the line's text.
    let line = &s.text[0].text;
    assert_eq!(line.chars().nth(s.column_start - 1), Some('"'));
    assert_eq!(s.column_start, 29);
    // Not bytes: `é` is two.
    assert_eq!(line.char_indices().nth(s.column_start - 1).unwrap().0, 29);
    let tab = lines_of(&r.stdout)
        .into_iter()
        .find(|d| d.message.contains("`GITHUB_TOKEN` looks like a secret"))
        .expect("the read after a tab");
    assert!(tab.spans[0].text[0].text.starts_with('\t'));
    // Drawn as rustc draws it: the tab is four columns wide, and so is the underline's lead.
    let underline = format!("\n  | {}{} ", " ".repeat(4 + 22), "^".repeat(14));
    let rendered = tab.rendered.unwrap();
    assert!(rendered.contains(&underline), "{rendered}");
}

fn lines_of(stdout: &str) -> Vec<Diagnostic> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn rustc_json_quotes_lines_masked_as_human_does() {
    let p = leaky_project();
    let token = token();
    let r = run(
        p.path(),
        &["check", "--no-config", "--format", "rustc-json", "."],
    );
    let human = run(p.path(), &["check", "--no-config", "."]).stdout;
    assert!(
        !r.stdout.contains(&token[4..16]),
        "a piece of the token leaks"
    );
    let hardcoded = lines_of(&r.stdout)
        .into_iter()
        .find(|d| d.code.as_ref().unwrap().code == "vox-clavis-lint::hardcoded-secret")
        .expect("the hardcoded token is reported");
    let masked = format!("    let token = \"{}\";", "*".repeat(token.len()));
    assert_eq!(hardcoded.spans[0].text[0].text, masked);
    assert!(hardcoded.rendered.unwrap().contains(&masked));
    // The same masked line the human report draws.
    assert!(human.contains(masked.trim_start()), "{human}");
}

#[test]
fn rustc_json_is_empty_without_findings() {
    let p = project(&[("src/main.rs", CLEAN)]);
    let r = run(p.path(), &["check", "--format", "rustc-json"]);
    expect_code(&r, 0);
    assert_eq!(r.stdout, "");
}

#[test]
fn rustc_json_rendered_snapshot() {
    let out = render(&report(), Format::RustcJson, &RenderOptions::default());
    let rendered: Vec<String> = lines_of(&out)
        .into_iter()
        .map(|d| d.rendered.unwrap())
        .collect();
    snapshot(
        "rustc_json_rendered",
        "the `rendered` field of each rustc-json line",
        &rendered.join("\n"),
    );
}

// ---- clippy --------------------------------------------------------------------------------

/// A `cargo` that records its arguments, prints `stdout.txt` and exits with `status.txt`.
#[cfg(unix)]
fn fake_cargo(dir: &Path, stdout: &str, status: i32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("fake-cargo");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join("stdout.txt"), stdout).unwrap();
    let script = bin.join("cargo");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{args}'\ncat '{out}'\necho 'Checking demo' >&2\nexit {status}\n",
            args = bin.join("args.txt").display(),
            out = bin.join("stdout.txt").display(),
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// What clippy prints for a package at `dir`: a text line, an artifact, a warning, the end.
fn clippy_stdout(dir: &Path) -> (String, String) {
    let id = format!("path+file://{}#demo@0.1.0", dir.display());
    let target = serde_json::json!({
        "kind": ["bin"], "crate_types": ["bin"], "name": "demo",
        "src_path": dir.join("src/main.rs"), "edition": "2021",
        "doc": true, "doctest": false, "test": true,
    });
    let manifest = dir.join("Cargo.toml");
    let artifact = serde_json::json!({
        "reason": "compiler-artifact", "package_id": id, "manifest_path": manifest,
        "target": target, "profile": {"opt_level": "0", "debuginfo": 2, "debug_assertions": true,
        "overflow_checks": true, "test": false}, "features": [], "filenames": [],
        "executable": null, "fresh": false,
    });
    let message = serde_json::json!({
        "reason": "compiler-message", "package_id": id, "manifest_path": manifest,
        "target": target, "message": {
            "$message_type": "diagnostic", "message": "unused variable: `x`",
            "code": {"code": "unused_variables", "explanation": null}, "level": "warning",
            "spans": [], "children": [], "rendered": "warning: unused variable: `x`\n",
        },
    });
    let stdout = format!(
        "a line of text\n{artifact}\n{message}\n{}\n",
        r#"{"reason":"build-finished","success":true}"#
    );
    (stdout, id)
}

#[cfg(unix)]
#[test]
fn clippy_passes_cargo_through_and_appends_findings_as_its_messages() {
    let main = leaky_main();
    // A package in `app/`, and a file in no package.
    let p = project(&[
        (
            "app/Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n",
        ),
        ("app/src/main.rs", &main),
        ("elsewhere/gen.rs", TWICE),
    ]);
    let (stdout, id) = clippy_stdout(&std::fs::canonicalize(p.path()).unwrap().join("app"));
    let cargo = fake_cargo(p.path(), &stdout, 0);
    let r = run_with(
        p.path(),
        &[
            "clippy",
            "--no-config",
            "--",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[("CARGO", cargo.to_str().unwrap())],
    );
    expect_code(&r, 1);
    let args = std::fs::read_to_string(p.path().join("fake-cargo/args.txt")).unwrap();
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        [
            "clippy",
            "--message-format=json",
            "--all-targets",
            "--",
            "-D",
            "warnings"
        ]
    );
    // Cargo's output first, byte for byte; its standard error stays ours.
    assert!(r.stdout.starts_with(&stdout), "{}", r.stdout);
    assert!(r.stderr.contains("Checking demo"));
    let appended: Vec<&str> = r.stdout[stdout.len()..].lines().collect();
    let mut packages = BTreeSet::new();
    for line in &appended {
        let Ok(JsonMessage::Cargo(cargo_metadata::Message::CompilerMessage(m))) =
            serde_json::from_str(line)
        else {
            panic!("not a compiler-message as rust-analyzer reads it: {line}");
        };
        let path = m.message.spans[0].file_name.clone();
        let expected = if path.starts_with("app/") {
            id.as_str()
        } else {
            "vox-clavis-lint (files outside the checked packages)"
        };
        assert_eq!(m.package_id.repr, expected, "{path}");
        assert!(json(line)["manifest_path"].is_string());
        packages.insert(m.package_id.repr);
        assert!(
            m.message
                .code
                .as_ref()
                .unwrap()
                .code
                .starts_with("vox-clavis-lint::")
        );
    }
    assert_eq!(packages.len(), 2, "the package and the placeholder");
    // The same diagnostics as `check --format rustc-json`.
    let bare = run(
        p.path(),
        &["check", "--no-config", "--format", "rustc-json"],
    );
    let inner: Vec<Value> = appended
        .iter()
        .map(|l| json(l)["message"].clone())
        .collect();
    let bare: Vec<Value> = bare.stdout.lines().map(json).collect();
    assert_eq!(inner, bare);
    assert!(!r.stdout.contains(&token()[4..16]));
}

#[cfg(unix)]
#[test]
fn clippy_exit_status_is_cargos_failure_or_the_checks() {
    let (stdout, _) = clippy_stdout(Path::new("/nowhere"));
    let cases = [
        // (files, cargo's status, expected)
        (CLEAN, 0, 0),
        (TWICE, 0, 1),
        (CLEAN, 101, 101),
        (TWICE, 101, 101),
    ];
    for (text, status, expected) in cases {
        let p = project(&[("src/lib.rs", text)]);
        let cargo = fake_cargo(p.path(), &stdout, status);
        let r = run_with(
            p.path(),
            &["clippy", "--no-config", "src"],
            &[("CARGO", cargo.to_str().unwrap())],
        );
        expect_code(&r, expected);
        assert!(r.stdout.starts_with(&stdout));
    }
    // The run itself failing wins: a bad configuration, cargo not found.
    let p = project(&[("src/lib.rs", CLEAN), ("vox-clavis-lint.toml", "[nope]\n")]);
    let cargo = fake_cargo(p.path(), &stdout, 101);
    let r = run_with(p.path(), &["clippy"], &[("CARGO", cargo.to_str().unwrap())]);
    expect_code(&r, 2);
    assert!(
        r.stdout.starts_with(&stdout),
        "clippy's output still passes"
    );
    let r = run_with(p.path(), &["clippy"], &[("CARGO", "/nonexistent/cargo")]);
    expect_code(&r, 2);
    assert!(
        r.stderr.contains("cannot run `/nonexistent/cargo clippy`"),
        "{}",
        r.stderr
    );
    // `--fail-on error` lets warnings pass, as in `check`.
    let warning = "#[derive(Debug)]\npub struct C { pub api_key: String }\n";
    let p = project(&[("src/lib.rs", warning)]);
    let cargo = fake_cargo(p.path(), "", 0);
    let env = [("CARGO", cargo.to_str().unwrap())];
    expect_code(
        &run_with(p.path(), &["clippy", "--no-config", "src"], &env),
        1,
    );
    expect_code(
        &run_with(
            p.path(),
            &["clippy", "--no-config", "--fail-on", "error", "src"],
            &env,
        ),
        0,
    );
}

/// The real `cargo clippy` (the pinned toolchain has it) on a crate of one file.
#[test]
fn clippy_with_the_real_cargo() {
    let main = leaky_main();
    let p = project(&[
        (
            "Cargo.toml",
            "[package]\nname = \"tiny\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
        ),
        ("src/main.rs", &main),
    ]);
    let target = p.path().join("target");
    let r = run(
        p.path(),
        &[
            "clippy",
            "--no-config",
            "--",
            "--quiet",
            "--target-dir",
            target.to_str().unwrap(),
        ],
    );
    expect_code(&r, 1);
    let messages: Vec<cargo_metadata::Message> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let ours: Vec<&cargo_metadata::CompilerMessage> = messages
        .iter()
        .filter_map(|m| match m {
            cargo_metadata::Message::CompilerMessage(m)
                if m.message
                    .code
                    .as_ref()
                    .is_some_and(|c| c.code.starts_with("vox-clavis-lint::")) =>
            {
                Some(m)
            }
            _ => None,
        })
        .collect();
    let clippy_ids: BTreeSet<&str> = messages
        .iter()
        .filter_map(|m| match m {
            cargo_metadata::Message::CompilerArtifact(a) => Some(a.package_id.repr.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(clippy_ids.len(), 1, "{}", r.stdout);
    assert_eq!(ours.len(), findings(p.path()).len());
    for m in ours {
        assert!(clippy_ids.contains(m.package_id.repr.as_str()));
    }
    // Clippy's own findings are there too (the unused field, at least).
    assert!(messages.iter().any(|m| matches!(m,
        cargo_metadata::Message::CompilerMessage(c)
            if !c.message.code.as_ref().is_some_and(|c| c.code.starts_with("vox-clavis-lint::")))));
}

// ---- gitlab --------------------------------------------------------------------------------

fn gitlab_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(GITLAB_SCHEMA).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("GitLab's schema compiles")
}

#[test]
fn gitlab_report_is_what_gitlab_accepts() {
    let p = leaky_project();
    let reference = findings(p.path());
    let r = run(
        p.path(),
        &["check", "--no-config", "--format", "gitlab", "."],
    );
    expect_code(&r, 1);
    let doc = json(&r.stdout);
    let issues = doc.as_array().expect("a JSON array at the top");
    assert_eq!(
        issues.len(),
        reference.len(),
        "the suppressed finding is left out"
    );
    let validator = gitlab_validator();
    for (issue, f) in issues.iter().zip(&reference) {
        let errors: Vec<String> = validator
            .iter_errors(issue)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}\n{issue:#}");
        // What GitLab's documentation requires beyond the schema.
        assert_eq!(issue["check_name"], f["rule"]);
        assert!(!issue["description"].as_str().unwrap().is_empty());
        let path = issue["location"]["path"].as_str().unwrap();
        assert_eq!(path, f["path"].as_str().unwrap());
        assert!(!path.starts_with("./") && !path.starts_with('/'));
        assert_eq!(issue["location"]["lines"]["begin"], f["line"]);
        assert_eq!(issue["location"]["lines"]["end"], f["end_line"]);
        let severity = match f["severity"].as_str().unwrap() {
            "error" => "critical",
            _ => "minor",
        };
        assert_eq!(issue["severity"], severity);
        assert_eq!(issue["fingerprint"], f["fingerprint"]);
    }
    // GitLab keys entries by fingerprint: each is unique (the two equal reads in
    // `twice.rs` too), and each is the one the baseline records.
    let fingerprints: BTreeSet<String> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fingerprints.len(), issues.len());
    assert_eq!(fingerprints, baseline_fingerprints(p.path()));
    assert!(!r.stdout.contains(&token()[4..16]));
}

#[test]
fn gitlab_schema_rejects_broken_entries() {
    // Guards the guard: a validator that accepts everything would make the test above empty.
    let validator = gitlab_validator();
    let good = serde_json::json!({
        "description": "d", "check_name": "c", "fingerprint": "f", "severity": "minor",
        "location": {"path": "a.rs", "lines": {"begin": 1}},
    });
    assert!(validator.is_valid(&good));
    let mut no_fingerprint = good.clone();
    no_fingerprint
        .as_object_mut()
        .unwrap()
        .remove("fingerprint");
    assert!(!validator.is_valid(&no_fingerprint));
    let mut line_as_text = good;
    line_as_text["location"]["lines"]["begin"] = "1".into();
    assert!(!validator.is_valid(&line_as_text));
}

#[test]
fn gitlab_report_without_findings_is_an_empty_array() {
    let p = project(&[("src/main.rs", CLEAN)]);
    let r = run(p.path(), &["check", "--format", "gitlab"]);
    expect_code(&r, 0);
    assert_eq!(r.stdout, "[]\n");
}

// ---- sarif ---------------------------------------------------------------------------------

#[test]
fn sarif_from_the_binary_has_security_metadata_and_baseline_fingerprints() {
    let p = leaky_project();
    let reference = findings(p.path());
    let r = run(
        p.path(),
        &["check", "--no-config", "--format", "sarif", "."],
    );
    expect_code(&r, 1);
    let doc = json(&r.stdout);
    let schema: Value = serde_json::from_str(SARIF_SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");

    let run0 = &doc["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let defaults: BTreeMap<&str, &str> = vox_clavis_lint::rules::metas()
        .map(|m| (m.name, m.default_severity.as_str()))
        .collect();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(rule["helpUri"], format!("{DOCS}{id}.md"));
        let properties = &rule["properties"];
        if TOOL_RULES.contains(&id) {
            assert!(properties.is_null(), "{id} is not a security rule");
            continue;
        }
        assert_eq!(properties["tags"], serde_json::json!(["security"]), "{id}");
        let score: f64 = properties["security-severity"]
            .as_str()
            .expect("a string, as GitHub reads it")
            .parse()
            .unwrap();
        let expected = if defaults[id] == "error" { 8.0 } else { 5.0 };
        assert_eq!(score, expected, "{id}");
    }

    let results = run0["results"].as_array().unwrap();
    let (live, suppressed): (Vec<&Value>, Vec<&Value>) = results
        .iter()
        .partition(|r| r.get("suppressions").is_none());
    assert_eq!(live.len(), reference.len());
    let fingerprints: BTreeSet<String> = live
        .iter()
        .map(|r| {
            r["partialFingerprints"]["voxClavisLint/v1"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(fingerprints, baseline_fingerprints(p.path()));
    assert_eq!(suppressed.len(), 1);
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "the resolver's own bootstrap token"
    );
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
}
