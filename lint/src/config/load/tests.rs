//! The loader's tests: discovery, includes, contracts and every kind of configuration error.

use std::fs;
use std::ops::Range;

use miette::Diagnostic;

use super::*;
use crate::config::{NameKind, ProblemKind, SecretName};
use crate::finding::Severity;

/// Writes `text` as `vox-clavis-lint.toml` in a fresh directory and loads it.
fn load_toml(text: &str) -> (tempfile::TempDir, Result<Settings, ConfigError>) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("vox-clavis-lint.toml");
    fs::write(&path, text).unwrap();
    let result = load(None, false, tmp.path());
    (tmp, result)
}

/// (kind, primary span, "first declared here" span, message) of each problem.
type Summary = (ProblemKind, Range<usize>, Option<Range<usize>>, String);

fn problems(text: &str) -> Vec<Summary> {
    let (_tmp, result) = load_toml(text);
    let err = result.expect_err("expected validation errors");
    assert!(matches!(err, ConfigError::Invalid { .. }), "{err:?}");
    err.problems()
        .iter()
        .map(|p| (p.kind, p.primary_span(), p.first_span(), p.message.clone()))
        .collect()
}

/// The byte range of the `nth` (0-based) occurrence of `needle` in `text`.
fn at(text: &str, needle: &str, nth: usize) -> Range<usize> {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("no occurrence {nth} of {needle:?}"))
        .0;
    start..start + needle.len()
}

fn parse_error_span(text: &str) -> (String, Range<usize>) {
    let (_tmp, result) = load_toml(text);
    match result.expect_err("expected a parse error") {
        ConfigError::Parse { message, span, .. } => {
            let span = span.expect("parse errors carry a span");
            (message, span.offset()..span.offset() + span.len())
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

fn real_contract() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/vox-managed-env-names.v1.json")
}

fn render(err: &ConfigError) -> String {
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_width(200)
        .render_report(&mut out, err)
        .unwrap();
    out
}

#[test]
fn no_config_gives_defaults_in_the_working_directory() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("vox-clavis-lint.toml"),
        "[scan]\ntests = false\n",
    )
    .unwrap();
    let settings = load(None, true, tmp.path()).unwrap();
    assert_eq!(settings.base_dir, std::env::current_dir().unwrap());
    assert!(settings.config_file.is_none());
    assert!(settings.inventory.is_empty());
    assert!(settings.scan.tests);
    assert!(settings.warnings.is_empty());
    assert_eq!(
        settings.names.secret_patterns().len(),
        crate::config::names::BUILTIN_SECRET_PATTERNS.len()
    );
    assert!(settings.classify("OPENAI_API_KEY").is_some());
}

#[test]
fn explicit_config_must_exist() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope.toml");
    let err = load(Some(&missing), false, tmp.path()).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Io { path, .. } if *path == missing),
        "{err:?}"
    );
    assert!(err.source_code().is_none());
}

#[test]
fn explicit_config_wins_over_discovery() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("vox-clavis-lint.toml"),
        "[scan]\ntests = false\n",
    )
    .unwrap();
    let other = tmp.path().join("cfg");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("lint.toml"), "[scan]\nexclude = [\"gen/**\"]\n").unwrap();
    let settings = load(Some(&other.join("lint.toml")), false, tmp.path()).unwrap();
    assert!(settings.scan.tests);
    assert_eq!(settings.scan.exclude, ["gen/**"]);
    assert_eq!(settings.base_dir, std::path::absolute(&other).unwrap());
    assert_eq!(
        settings.config_file,
        Some(std::path::absolute(other.join("lint.toml")).unwrap())
    );
}

#[test]
fn discovered_file_sets_base_dir_and_config_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    fs::create_dir_all(root.join("src/deep")).unwrap();
    fs::write(root.join("src/deep/main.rs"), "").unwrap();
    fs::write(
        root.join(".vox-clavis-lint.toml"),
        "[scan]\ntests = false\n",
    )
    .unwrap();
    let settings = load(None, false, &root.join("src/deep/main.rs")).unwrap();
    assert_eq!(settings.base_dir, root);
    assert_eq!(
        settings.config_file,
        Some(root.join(".vox-clavis-lint.toml"))
    );
    assert!(!settings.scan.tests);
}

#[test]
fn every_key_reaches_settings() {
    let text = r#"
[[secret]]
id = "OpenAiApiKey"
env = "OPENAI_API_KEY"
aliases = ["OPENAI_KEY"]
deprecated = ["OAI_API_KEY"]
description = "OpenAI API key"

[[secret]]
id = "ServiceRegion"
env = "SERVICE_REGION"
sensitive = false

[names]
secret-patterns = ["*_API_KEY", "*_TOKEN"]
extra-secret-patterns = ["my_*_cred"]
not-secret = ["*_MAX_TOKENS", "SPECIAL_TOKEN"]

[scan]
exclude = ["fixtures/**"]
tests = false

[rules.secret-env-read]
flag-all-vars = true
"#;
    let (tmp, result) = load_toml(text);
    let s = result.unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert_eq!(s.inventory.len(), 2);
    let key = &s.inventory.specs()[0];
    assert_eq!(key.id, "OpenAiApiKey");
    assert_eq!(key.aliases, ["OPENAI_KEY"]);
    assert_eq!(key.deprecated, ["OAI_API_KEY"]);
    assert_eq!(key.description.as_deref(), Some("OpenAI API key"));
    assert!(key.sensitive);
    assert_eq!(
        key.origin,
        display_path(
            &tmp.path()
                .canonicalize()
                .unwrap()
                .join("vox-clavis-lint.toml")
        )
    );
    assert!(!s.inventory.specs()[1].sensitive);
    assert_eq!(
        s.names.secret_patterns(),
        ["*_API_KEY", "*_TOKEN", "MY_*_CRED"]
    );
    assert!(
        s.names
            .not_secret_patterns()
            .iter()
            .any(|p| p == "SPECIAL_TOKEN")
    );
    assert!(s.names.not_secret_patterns().iter().any(|p| p == "CARGO_*"));
    assert!(
        s.names.matching("DB_PASSWORD").is_none(),
        "built-in list replaced"
    );
    assert!(s.names.matching("MY_DB_CRED").is_some(), "extended");
    assert!(s.names.matching("SPECIAL_TOKEN").is_none(), "excluded");
    assert_eq!(s.scan.exclude, ["fixtures/**"]);
    assert!(!s.scan.tests);
    assert!(s.rules.secret_env_read.flag_all_vars);
    assert!(matches!(
        s.classify("OAI_API_KEY"),
        Some(SecretName::Inventory { kind: NameKind::Deprecated, spec }) if spec.id == "OpenAiApiKey"
    ));
}

#[test]
fn extra_patterns_extend_the_builtins() {
    let (_tmp, result) = load_toml("[names]\nextra-secret-patterns = [\"MY_*_CRED\"]\n");
    let s = result.unwrap();
    assert!(s.names.matching("DB_PASSWORD").is_some());
    assert_eq!(s.names.matching("MY_DB_CRED"), Some("MY_*_CRED"));
}

#[test]
fn cargo_workspace_metadata_is_read_with_spans_into_the_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = "[workspace]\nmembers = []\n\n[workspace.metadata.vox-clavis-lint]\nscan.tests = false\n\n[[workspace.metadata.vox-clavis-lint.secret]]\nid = \"Key\"\nenv = \"bad-name\"\n";
    fs::write(tmp.path().join("Cargo.toml"), manifest).unwrap();
    let err = load(None, false, tmp.path()).unwrap_err();
    let problems = err.problems();
    assert_eq!(problems.len(), 1, "{err:?}");
    assert_eq!(problems[0].kind, ProblemKind::MalformedName);
    assert_eq!(problems[0].primary_span(), at(manifest, "\"bad-name\"", 0));

    let good = manifest.replace("bad-name", "GOOD_NAME");
    fs::write(tmp.path().join("Cargo.toml"), &good).unwrap();
    let s = load(None, false, tmp.path()).unwrap();
    assert!(!s.scan.tests);
    assert_eq!(
        s.config_file,
        Some(tmp.path().canonicalize().unwrap().join("Cargo.toml"))
    );
    assert!(s.classify("GOOD_NAME").is_some());
}

#[test]
fn cargo_package_metadata_and_unknown_keys_inside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = "[package]\nname = \"p\"\nversion = \"0.1.0\"\n\n[package.metadata.vox-clavis-lint]\nscan.bogus = 1\n";
    fs::write(tmp.path().join("Cargo.toml"), manifest).unwrap();
    match load(None, false, tmp.path()).unwrap_err() {
        ConfigError::Parse { message, span, .. } => {
            assert!(message.contains("bogus"), "{message}");
            let span = span.unwrap();
            assert_eq!(
                &manifest[span.offset()..span.offset() + span.len()],
                "bogus"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn explicit_cargo_manifest_without_table() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("Cargo.toml");
    fs::write(&path, "[package]\nname = \"p\"\n").unwrap();
    let err = load(Some(&path), false, tmp.path()).unwrap_err();
    assert!(matches!(err, ConfigError::NoMetadata { .. }), "{err:?}");
    fs::write(
        &path,
        "[package]\nname = \"p\"\n[package.metadata.vox-clavis-lint]\n",
    )
    .unwrap();
    let s = load(Some(&path), false, tmp.path()).unwrap();
    assert_eq!(
        s.config_file.as_deref(),
        Some(std::path::absolute(&path).unwrap().as_path())
    );
}

#[test]
fn rule_severities_and_options() {
    let text = r#"
[taint]
expose-methods = ["reveal"]

[rules.secret-env-read]
severity = "warning"

[rules.secret-debug-derive]
severity = "off"

[rules.secret-in-log]
sinks = ["mcp::tool_output", "push_str", "trace_prompt!"]

[rules.secret-serialization]
severity = "error"
secret-types = ["ApiKey"]
serializers = ["rmp_serde::to_vec"]
"#;
    let (_tmp, result) = load_toml(text);
    let s = result.unwrap();
    let meta = |name| crate::finding::RuleMeta {
        name,
        default_severity: Severity::Error,
        summary: "",
        raw_docs: "",
    };
    assert_eq!(
        s.rules.severity(&meta("secret-env-read")),
        Some(Severity::Warning)
    );
    assert_eq!(s.rules.severity(&meta("secret-debug-derive")), None);
    assert_eq!(
        s.rules.severity(&meta("unparsable-file")),
        Some(meta("unparsable-file").default_severity),
        "untouched rules keep their default"
    );
    assert_eq!(
        s.rules.secret_in_log.sinks,
        ["mcp::tool_output", "push_str", "trace_prompt!"]
    );
    assert_eq!(s.rules.secret_serialization.secret_types, ["ApiKey"]);
    assert_eq!(
        s.rules.secret_serialization.serializers,
        ["rmp_serde::to_vec"]
    );
    assert_eq!(
        s.taint.expose_methods,
        ["expose_secret", "expose", "reveal"]
    );
}

#[test]
fn unknown_severities_and_turning_off_failures_are_errors() {
    let text = "[rules.secret-in-url]\nseverity = \"fatal\"\n";
    let (message, span) = parse_error_span(text);
    assert!(message.contains("unknown variant"), "{message}");
    assert_eq!(&text[span], "\"fatal\"");

    let text = "[rules.unparsable-file]\nseverity = \"off\"\n";
    let p = problems(text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].0, ProblemKind::InvalidValue);
    assert_eq!(p[0].1, at(text, "\"off\"", 0));
    assert!(p[0].3.contains("cannot be turned off"), "{}", p[0].3);
}

#[test]
fn unknown_keys_are_rejected_where_they_are() {
    for (text, key) in [
        ("colour = true\n", "colour"),
        (
            "[[secret]]\nid = \"A\"\nenv = \"A_KEY\"\nalias = [\"B\"]\n",
            "alias",
        ),
        ("[names]\nsecret_patterns = []\n", "secret_patterns"),
        ("[scan]\nexcludes = []\n", "excludes"),
        ("[inventory]\nincludes = []\n", "includes"),
        ("[rules.secret-env-read]\nflag-all = true\n", "flag-all"),
        ("[rules.no-such-rule]\nx = 1\n", "no-such-rule"),
    ] {
        let (message, span) = parse_error_span(text);
        assert!(message.contains("unknown field"), "{text}: {message}");
        assert!(message.contains(key), "{text}: {message}");
        assert_eq!(&text[span], key, "{text}");
    }
}

#[test]
fn syntax_and_type_errors_have_spans() {
    let text = "[scan]\ntests = \"yes\"\n";
    let (message, span) = parse_error_span(text);
    assert!(
        message.contains("bool") || message.contains("boolean"),
        "{message}"
    );
    assert_eq!(&text[span], "\"yes\"");

    let text = "[scan\ntests = true\n";
    let (_, span) = parse_error_span(text);
    assert!(span.start <= 5 && span.end <= text.len(), "{span:?}");

    let text = "[[secret]]\nid = \"A\"\n";
    let (message, _) = parse_error_span(text);
    assert!(message.contains("missing field `env`"), "{message}");
}

#[test]
fn malformed_names_point_at_the_name() {
    let text = r#"
[[secret]]
id = "Key"
env = "open-ai_key"
aliases = ["OK_ALIAS", "lower_alias"]
deprecated = ["BAD__NAME"]
"#;
    let p = problems(text);
    assert_eq!(p.len(), 3, "{p:?}");
    for (i, needle) in ["\"open-ai_key\"", "\"lower_alias\"", "\"BAD__NAME\""]
        .iter()
        .enumerate()
    {
        assert_eq!(p[i].0, ProblemKind::MalformedName);
        assert_eq!(p[i].1, at(text, needle, 0));
    }
    assert!(
        p[0].3.contains("canonical name `open-ai_key`"),
        "{}",
        p[0].3
    );
    assert!(p[1].3.contains("alias `lower_alias`"), "{}", p[1].3);
    assert!(p[2].3.contains("deprecated alias"), "{}", p[2].3);
}

#[test]
fn ids_empty_invalid_and_duplicate() {
    let text = r#"
[[secret]]
id = ""
env = "A_KEY"

[[secret]]
id = "Not-An-Ident"
env = "B_KEY"

[[secret]]
id = "Same"
env = "C_KEY"

[[secret]]
id = "Same"
env = "D_KEY"
"#;
    let p = problems(text);
    assert_eq!(p.len(), 3, "{p:?}");
    assert_eq!(p[0].0, ProblemKind::EmptyId);
    assert_eq!(p[0].1, at(text, "\"\"", 0));
    assert_eq!(p[1].0, ProblemKind::InvalidId);
    assert_eq!(p[1].1, at(text, "\"Not-An-Ident\"", 0));
    assert_eq!(p[2].0, ProblemKind::DuplicateId);
    assert_eq!(p[2].1, at(text, "\"Same\"", 1));
    assert_eq!(p[2].2, Some(at(text, "\"Same\"", 0)));
}

#[test]
fn duplicate_names_point_at_both_places() {
    let text = r#"
[[secret]]
id = "First"
env = "SHARED_KEY"
aliases = ["SELF_DUP"]
deprecated = ["SELF_DUP"]

[[secret]]
id = "Second"
env = "OTHER_KEY"
aliases = ["SHARED_KEY"]
"#;
    let p = problems(text);
    assert_eq!(p.len(), 2, "{p:?}");
    // Within one secret.
    assert_eq!(p[0].0, ProblemKind::DuplicateName);
    assert_eq!(p[0].1, at(text, "\"SELF_DUP\"", 1));
    assert_eq!(p[0].2, Some(at(text, "\"SELF_DUP\"", 0)));
    assert!(
        p[0].3.contains("listed twice in secret `First`"),
        "{}",
        p[0].3
    );
    // Across secrets.
    assert_eq!(p[1].0, ProblemKind::DuplicateName);
    assert_eq!(p[1].1, at(text, "\"SHARED_KEY\"", 1));
    assert_eq!(p[1].2, Some(at(text, "\"SHARED_KEY\"", 0)));
    assert!(
        p[1].3.contains("already a name of secret `First`"),
        "{}",
        p[1].3
    );
}

#[test]
fn invalid_globs_point_at_the_pattern() {
    let text = r#"
[names]
secret-patterns = ["*_KEY", "[A-"]
extra-secret-patterns = ["{A,B"]
not-secret = ["*_MAX_[TOKENS"]

[scan]
exclude = ["fixtures/**", "gen/[x"]
"#;
    let p = problems(text);
    assert_eq!(p.len(), 4, "{p:?}");
    for (i, needle) in ["\"[A-\"", "\"{A,B\"", "\"*_MAX_[TOKENS\"", "\"gen/[x\""]
        .iter()
        .enumerate()
    {
        assert_eq!(p[i].0, ProblemKind::InvalidGlob);
        assert_eq!(p[i].1, at(text, needle, 0), "{needle}");
    }
    assert!(p[3].3.contains("scan.exclude"), "{}", p[3].3);
    assert!(p[0].3.contains("names.secret-patterns"), "{}", p[0].3);
}

#[test]
fn include_errors_point_at_the_entry() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("broken.json"),
        "{\"secrets\": [\n  {\"id\": \"A\",}\n]}",
    )
    .unwrap();
    fs::write(
        tmp.path().join("shape.json"),
        "{\"secrets\": [{\"id\": \"A\"}]}",
    )
    .unwrap();
    let text = "[inventory]\ninclude = [\"missing.json\", \"broken.json\", \"shape.json\", \"missing.json\"]\n";
    fs::write(tmp.path().join("vox-clavis-lint.toml"), text).unwrap();
    let err = load(None, false, tmp.path()).unwrap_err();
    let p = err.problems();
    assert_eq!(p.len(), 4, "{err:?}");
    assert_eq!(p[0].kind, ProblemKind::IncludeUnreadable);
    assert_eq!(p[0].primary_span(), at(text, "\"missing.json\"", 0));
    assert!(p[0].message.contains("missing.json"), "{}", p[0].message);
    assert_eq!(p[1].kind, ProblemKind::IncludeInvalid);
    assert_eq!(p[1].primary_span(), at(text, "\"broken.json\"", 0));
    assert!(p[1].message.contains("broken.json"), "{}", p[1].message);
    assert!(p[1].message.contains("line 2 column"), "{}", p[1].message);
    assert_eq!(p[2].kind, ProblemKind::IncludeInvalid);
    assert!(p[2].message.contains("canonical_env"), "{}", p[2].message);
    assert_eq!(p[3].kind, ProblemKind::DuplicateInclude);
    assert_eq!(p[3].primary_span(), at(text, "\"missing.json\"", 1));
    assert_eq!(p[3].first_span(), Some(at(text, "\"missing.json\"", 0)));
}

#[test]
fn all_problems_are_reported_and_rendered() {
    let text = r#"
[[secret]]
id = "A"
env = "lower"

[[secret]]
id = "A"
env = "LOWER_OK"
aliases = ["LOWER_OK"]

[names]
not-secret = ["[x"]

[inventory]
include = ["nope.json"]
"#;
    let (_tmp, result) = load_toml(text);
    let err = result.unwrap_err();
    let kinds: Vec<_> = err.problems().iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            ProblemKind::MalformedName,
            ProblemKind::DuplicateId,
            ProblemKind::DuplicateName,
            ProblemKind::InvalidGlob,
            ProblemKind::IncludeUnreadable,
        ]
    );
    assert!(err.to_string().contains("(5 errors)"), "{err}");
    assert_eq!(err.related().unwrap().count(), 5);
    let out = render(&err);
    assert!(out.contains("vox-clavis-lint.toml"), "{out}");
    assert!(out.contains("first declared here"), "{out}");
    assert!(out.contains("declared again here"), "{out}");
    assert!(out.contains("not SCREAMING_SNAKE_CASE"), "{out}");
    assert!(out.contains("write it as `LOWER`"), "{out}");
}

#[test]
fn the_real_contract_loads_through_include() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("contracts/secrets");
    fs::create_dir_all(&dir).unwrap();
    fs::copy(real_contract(), dir.join("managed-env-names.v1.json")).unwrap();
    fs::write(
        tmp.path().join("vox-clavis-lint.toml"),
        "[inventory]\ninclude = [\"contracts/secrets/managed-env-names.v1.json\"]\n",
    )
    .unwrap();
    let s = load(None, false, tmp.path()).unwrap();
    assert_eq!(s.inventory.len(), 488);
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    let w = &s.warnings[0];
    assert!(w.contains("VOX_SYNDICATION_TEMPLATE_PROFILE"), "{w}");
    assert!(w.contains("`VoxSyndicationTemplateProfileEnabled`"), "{w}");
    assert!(w.contains("`VoxSyndicationTemplateProfile`"), "{w}");
    assert!(w.contains("managed-env-names.v1.json"), "{w}");
    // The first declaration keeps the name.
    let (spec, kind) = s
        .inventory
        .lookup("VOX_SYNDICATION_TEMPLATE_PROFILE")
        .unwrap();
    assert_eq!(
        (spec.id.as_str(), kind),
        ("VoxSyndicationTemplateProfileEnabled", NameKind::Canonical)
    );

    match s.classify("VOX_GEMINI_API_KEY") {
        Some(SecretName::Inventory { spec, kind }) => {
            assert_eq!(spec.id, "GeminiApiKey");
            assert_eq!(kind, NameKind::Alias);
            assert!(
                spec.origin.ends_with("managed-env-names.v1.json"),
                "{}",
                spec.origin
            );
        }
        other => panic!("{other:?}"),
    }
    match s.classify("GOOGLE_AI_STUDIO_KEY") {
        Some(SecretName::Inventory { spec, kind }) => {
            assert_eq!(spec.id, "GeminiApiKey");
            assert_eq!(kind, NameKind::Deprecated);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn toml_entries_win_over_contracts_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("c.json"),
        r#"{"secrets": [{"id": "FromJson", "canonical_env": "SHARED_TOKEN", "aliases": ["JSON_ONLY"]}]}"#,
    )
    .unwrap();
    let text = "[[secret]]\nid = \"FromToml\"\nenv = \"SHARED_TOKEN\"\n\n[inventory]\ninclude = [\"c.json\"]\n";
    fs::write(tmp.path().join("vox-clavis-lint.toml"), text).unwrap();
    let s = load(None, false, tmp.path()).unwrap();
    assert_eq!(s.inventory.len(), 2);
    assert_eq!(s.inventory.lookup("SHARED_TOKEN").unwrap().0.id, "FromToml");
    assert_eq!(s.inventory.lookup("JSON_ONLY").unwrap().0.id, "FromJson");
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(
        s.warnings[0].contains("SHARED_TOKEN") && s.warnings[0].contains("c.json"),
        "{:?}",
        s.warnings
    );
}

#[test]
fn from_toml_str_resolves_includes_next_to_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("c.json"),
        r#"{"secrets": [{"id": "X", "canonical_env": "X_TOKEN"}]}"#,
    )
    .unwrap();
    let s = from_toml_str(
        "[inventory]\ninclude = [\"c.json\"]\n",
        &tmp.path().join("virtual.toml"),
    )
    .unwrap();
    assert!(s.classify("X_TOKEN").is_some());
    assert_eq!(s.base_dir, tmp.path());
}
