//! The `sarif` output validates against the official SARIF 2.1.0 schema (a local copy, see
//! `tests/data/README.md`), with and without findings, and maps findings as documented.

mod common;

use common::locate;
use serde_json::Value;
use vox_clavis_lint::Report;
use vox_clavis_lint::finding::{Finding, Location, Severity};
use vox_clavis_lint::input::source::SourceFile;
use vox_clavis_lint::render::{Format, RenderOptions, render};

const SCHEMA: &str = include_str!("data/sarif-schema-2.1.0.json");

const MAIN_RS: &str = r#"fn main() {
    let key = std::env::var("OPENAI_API_KEY").unwrap();
    let clé = std::env::var("DATABASE_PASSWORD")
        .ok();
}
"#;

fn report() -> Report {
    let main = SourceFile::new("src/main.rs".into(), "src/main.rs".into(), MAIN_RS.into());
    let mut findings = vec![
        Finding::new(
            "unparsable-file",
            Severity::Error,
            "src/my dir/gen#1.rs",
            Location::file_start(),
            "file is not valid UTF-8",
        ),
        Finding::new(
            "secret-env-read",
            Severity::Error,
            "src/main.rs",
            locate(&main, r#"std::env::var("OPENAI_API_KEY")"#),
            "secret `OPENAI_API_KEY` is read from the environment directly",
        )
        .with_label("read here")
        .with_help("resolve it with `vox_clavis::resolve(SecretId::OpenAiApiKey)`"),
        // Spans two lines, after a non-ASCII character.
        Finding::new(
            "secret-env-read",
            Severity::Warning,
            "src/main.rs",
            locate(&main, "std::env::var(\"DATABASE_PASSWORD\")\n        .ok()"),
            "secret `DATABASE_PASSWORD` is read from the environment directly",
        ),
    ];
    for (i, f) in findings.iter_mut().enumerate() {
        f.fingerprint = format!("fp{i}");
    }
    Report {
        findings,
        files_checked: 2,
        sources: [("src/main.rs".to_owned(), MAIN_RS.to_owned())].into(),
        ..Report::default()
    }
}

fn sarif(report: &Report) -> Value {
    let options = RenderOptions {
        rules: vox_clavis_lint::rules::metas().collect(),
        ..RenderOptions::default()
    };
    let out = render(report, Format::Sarif, &options);
    serde_json::from_str(&out).expect("sarif output is JSON")
}

fn assert_valid(instance: &Value) {
    let schema: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles offline");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF output does not validate:\n{}\n\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(instance).unwrap()
    );
}

#[test]
fn render_sarif_with_findings_validates() {
    assert_valid(&sarif(&report()));
}

#[test]
fn render_sarif_without_findings_validates() {
    let doc = sarif(&Report::default());
    assert_valid(&doc);
    assert_eq!(doc["runs"][0]["results"], Value::Array(vec![]));
}

#[test]
fn render_the_schema_rejects_broken_sarif() {
    // Guards the guard: a validator that accepts everything would make the tests above empty.
    let mut doc = sarif(&report());
    doc["runs"][0]["results"][0]["level"] = "fatal".into();
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(!validator.is_valid(&doc));
}

#[test]
fn render_sarif_maps_findings_and_rules() {
    let doc = sarif(&report());
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(
        doc["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &doc["runs"][0];
    // `%SRCROOT%` is declared, but with no `uri`: no path of the machine that ran the check.
    let root = &run["originalUriBaseIds"]["%SRCROOT%"];
    assert!(root.is_object() && root.get("uri").is_none(), "{root}");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "vox-clavis-lint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

    let rules = driver["rules"].as_array().unwrap();
    let names: Vec<&str> = vox_clavis_lint::rules::metas().map(|m| m.name).collect();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, names, "every rule, in registry order");
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(
            rule["helpUri"],
            format!("https://github.com/vox-clavis/vox-clavis-lint/blob/main/docs/rules/{id}.md")
        );
        assert_eq!(rule["help"]["text"], rule["help"]["markdown"]);
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        assert!(
            !rule["fullDescription"]["text"]
                .as_str()
                .unwrap()
                .contains("## ")
        );
    }

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }

    let unreadable = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        unreadable["artifactLocation"]["uri"],
        "src/my%20dir/gen%231.rs"
    );
    assert_eq!(unreadable["artifactLocation"]["uriBaseId"], "%SRCROOT%");

    let read = &results[1];
    assert_eq!(read["level"], "error");
    assert_eq!(
        read["message"]["text"],
        "secret `OPENAI_API_KEY` is read from the environment directly\n\
         resolve it with `vox_clavis::resolve(SecretId::OpenAiApiKey)`"
    );
    assert_eq!(read["partialFingerprints"]["voxClavisLint/v1"], "fp1");
    assert_eq!(
        read["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 2, "startColumn": 15, "endLine": 2, "endColumn": 46})
    );

    let multi_line = &results[2];
    assert_eq!(multi_line["level"], "warning");
    assert_eq!(
        multi_line["message"]["text"],
        "secret `DATABASE_PASSWORD` is read from the environment directly"
    );
    // Columns count characters (`clé` is 4 bytes), end column is exclusive.
    assert_eq!(
        multi_line["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 3, "startColumn": 15, "endLine": 4, "endColumn": 14})
    );
    assert_eq!(run["columnKind"], "unicodeCodePoints");
}

#[test]
fn render_sarif_has_no_source_text_and_is_deterministic() {
    let report = report();
    let out = render(&report, Format::Sarif, &RenderOptions::default());
    assert!(!out.contains(".unwrap()"), "{out}");
    assert_eq!(
        out,
        render(&report, Format::Sarif, &RenderOptions::default())
    );
}

#[test]
fn render_sarif_suppressed_findings_validate_and_carry_the_reason() {
    use vox_clavis_lint::finding::Suppression;
    let mut report = report();
    let mut silenced = report.findings.remove(1);
    silenced.suppression = Some(Suppression {
        reason: Some("the resolver's own bootstrap token".to_owned()),
        location: Location::file_start(),
    });
    let mut no_reason = report.findings[1].clone();
    no_reason.suppression = Some(Suppression {
        reason: None,
        location: Location::file_start(),
    });
    report.suppressed = vec![silenced, no_reason];
    let doc = sarif(&report);
    assert_valid(&doc);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "findings, then suppressed findings");
    assert!(results[0].get("suppressions").is_none());
    let with_reason = &results[2]["suppressions"];
    assert_eq!(
        with_reason,
        &serde_json::json!([{
            "kind": "inSource",
            "justification": "the resolver's own bootstrap token",
            "location": {"physicalLocation": {
                "artifactLocation": {"uri": "src/main.rs", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}
            }}
        }])
    );
    assert_eq!(results[3]["suppressions"][0]["kind"], "inSource");
    assert!(results[3]["suppressions"][0].get("justification").is_none());
}

/// The rules SARIF marks as about the linter itself are real rules.
#[test]
fn tool_rules_exist() {
    for name in vox_clavis_lint::render::TOOL_RULES {
        assert!(vox_clavis_lint::rules::by_name(name).is_some(), "{name}");
    }
}
