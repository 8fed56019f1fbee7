//! Snapshots of what users read: `human` (no color, width 100), `short` and `json` for a small
//! synthetic report. The snapshots live in `tests/data/snapshots/`; review changes with
//! `cargo insta review`.

mod common;

use common::locate;
use vox_clavis_lint::Report;
use vox_clavis_lint::finding::{Applicability, Edit, Finding, Fix, Location, Severity};
use vox_clavis_lint::input::source::SourceFile;
use vox_clavis_lint::render::{Format, RenderOptions, render};

const CONFIG_RS: &str = r#"use std::env;

pub fn api_key() -> String {
    env::var("OPENAI_API_KEY").expect("OPENAI_API_KEY is set")
}

pub fn database() -> Option<String> {
    let clé = std::env::var("DATABASE_PASSWORD").ok();
    clé
}
"#;

fn report() -> Report {
    let config = SourceFile::new(
        "src/config.rs".into(),
        "src/config.rs".into(),
        CONFIG_RS.into(),
    );
    let mut findings = vec![
        // A file that could not be read has no text: no snippet.
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
            "src/config.rs",
            locate(&config, r#"env::var("OPENAI_API_KEY")"#),
            "secret `OPENAI_API_KEY` is read from the environment directly",
        )
        .with_label("read here")
        .with_help("resolve it with `vox_clavis::resolve(SecretId::OpenAiApiKey)`")
        .with_fix(Fix::new(
            "resolve `OPENAI_API_KEY` through the Clavis runtime",
            Applicability::Unsafe,
            vec![Edit::new(
                &config,
                locate(&config, r#"env::var("OPENAI_API_KEY")"#).span,
                "vox_clavis::resolve(SecretId::OpenAiApiKey)",
            )],
        )),
        // A warning without a label; the `é` before it makes characters differ from bytes.
        Finding::new(
            "secret-env-read",
            Severity::Warning,
            "src/config.rs",
            locate(&config, r#"std::env::var("DATABASE_PASSWORD")"#),
            "secret `DATABASE_PASSWORD` is read from the environment directly",
        )
        .with_help("resolve it with `vox_clavis::resolve(SecretId::DatabasePassword)`"),
    ];
    for (i, f) in findings.iter_mut().enumerate() {
        f.fingerprint = format!("{:016x}", 0x1234_5678_9abc_def0_u64 + i as u64);
    }
    Report {
        findings,
        files_checked: 7,
        sources: [("src/config.rs".to_owned(), config.text.clone())].into(),
        ..Report::default()
    }
}

fn options() -> RenderOptions {
    RenderOptions {
        color: false,
        width: Some(100),
        ..RenderOptions::default()
    }
}

/// Asserts a snapshot stored in `tests/data/snapshots/`, described by what was rendered.
fn snapshot(name: &str, description: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("data/snapshots");
    settings.set_description(description);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn render_human() {
    snapshot(
        "human",
        "human, no color, width 100",
        &render(&report(), Format::Human, &options()),
    );
}

#[test]
fn render_human_statistics() {
    let options = RenderOptions {
        statistics: true,
        ..options()
    };
    let out = render(&report(), Format::Human, &options);
    let tail = out.rsplit("\n\n").next().unwrap();
    snapshot(
        "human_statistics",
        "human --statistics, the lines after the findings",
        tail,
    );
}

#[test]
fn render_human_quiet_prints_only_findings() {
    let quiet = RenderOptions {
        quiet: true,
        ..options()
    };
    let out = render(&report(), Format::Human, &quiet);
    assert!(!out.contains("findings"), "{out}");
    assert!(render(&report(), Format::Human, &options()).starts_with(&out));
}

/// `--quiet --statistics`: the table was asked for, so it stays; the summary line goes.
#[test]
fn render_human_quiet_keeps_statistics_when_asked() {
    let quiet = RenderOptions {
        quiet: true,
        statistics: true,
        ..options()
    };
    let out = render(&report(), Format::Human, &quiet);
    assert!(!out.contains("findings ("), "{out}");
    assert!(out.contains("  secret-env-read\n"), "{out}");
}

#[test]
fn render_human_without_findings() {
    let report = Report {
        files_checked: 3,
        ..Report::default()
    };
    assert_eq!(
        render(&report, Format::Human, &options()),
        "no findings in 3 files\n"
    );
}

#[test]
fn render_short() {
    snapshot(
        "short",
        "short",
        &render(&report(), Format::Short, &options()),
    );
}

#[test]
fn render_short_statistics() {
    let options = RenderOptions {
        statistics: true,
        ..options()
    };
    snapshot(
        "short_statistics",
        "short --statistics",
        &render(&report(), Format::Short, &options),
    );
}

#[test]
fn render_short_quiet() {
    let quiet = RenderOptions {
        quiet: true,
        statistics: true,
        ..options()
    };
    let out = render(&report(), Format::Short, &quiet);
    // Three findings, then the statistics table (two rules), no summary line.
    assert_eq!(out.lines().count(), 5, "{out}");
    assert!(!out.contains("findings ("), "{out}");
}

#[test]
fn render_json() {
    let out = render(&report(), Format::Json, &options());
    snapshot("json", "json", &out);
}

#[test]
fn render_json_has_exactly_the_documented_fields() {
    let out = render(&report(), Format::Json, &options());
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&doc), ["findings", "summary", "suppressed", "version"]);
    assert_eq!(doc["version"], 1);
    for finding in doc["findings"].as_array().unwrap() {
        assert_eq!(
            keys(finding),
            [
                "column",
                "end_column",
                "end_line",
                "fingerprint",
                "fix",
                "help",
                "line",
                "message",
                "path",
                "related",
                "rule",
                "severity"
            ]
        );
    }
    assert_eq!(
        keys(&doc["summary"]),
        [
            "baseline",
            "by_rule",
            "errors",
            "files",
            "findings",
            "suppressed",
            "warnings"
        ]
    );
    // Columns count characters: `clé` is 3 characters but 4 bytes.
    assert_eq!(doc["findings"][2]["column"], 15);
    // No source text in JSON.
    assert!(!out.contains("expect("), "{out}");
}

#[test]
fn render_json_without_findings() {
    let report = Report::default();
    let doc: serde_json::Value =
        serde_json::from_str(&render(&report, Format::Json, &options())).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({
            "version": 1,
            "findings": [],
            "suppressed": [],
            "summary": {
                "findings": 0, "errors": 0, "warnings": 0, "files": 0, "by_rule": {},
                "suppressed": 0, "baseline": null
            }
        })
    );
}
