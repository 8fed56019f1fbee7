//! The real binary, end to end: exit codes, formats, config discovery and config errors,
//! determinism, and a snapshot of what users read on the demo project.

mod common;

use common::*;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A finding of `secret-env-read` by the built-in patterns.
const LEAKY: &str = "fn main() { let _ = std::env::var(\"OPENAI_API_KEY\"); }\n";
const CLEAN: &str = "fn main() { println!(\"{}\", std::env::var(\"HOME\").is_ok()); }\n";
/// Only the inventory makes `VOX_DB_URL` a secret: no built-in pattern matches it.
const INVENTORY_ONLY: &str = "fn main() { let _ = std::env::var(\"VOX_DB_URL\"); }\n";
const INVENTORY_TOML: &str = "[[secret]]\nid = \"VoxDbUrl\"\nenv = \"VOX_DB_URL\"\n";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the workspace")
        .to_path_buf()
}

fn rules_in(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

// ---- exit codes ----------------------------------------------------------------------------

#[test]
fn clean_project_exits_0() {
    let p = project(&[("src/main.rs", CLEAN)]);
    let r = run(p.path(), &["check"]);
    expect_code(&r, 0);
    assert!(r.stdout.contains("no findings in 1 file"), "{}", r.stdout);
    assert_eq!(r.stderr, "");
}

#[test]
fn no_arguments_checks_the_working_directory() {
    let p = project(&[("src/main.rs", LEAKY)]);
    let r = run(p.path(), &[]);
    expect_code(&r, 1);
    assert!(r.stdout.contains("secret-env-read"), "{}", r.stdout);
}

#[test]
fn a_finding_exits_1() {
    let p = project(&[("src/main.rs", LEAKY)]);
    let r = run(p.path(), &["check", "src"]);
    expect_code(&r, 1);
    assert!(r.stdout.contains("secret-env-read"), "{}", r.stdout);
    assert!(r.stdout.contains("OPENAI_API_KEY"), "{}", r.stdout);
}

#[test]
fn fail_on_error_and_warning() {
    // Every current rule is an error, so both thresholds fail on it; the warning-only case
    // is covered by the unit test of `cli::check::status`.
    let p = project(&[("src/main.rs", LEAKY), ("clean/main.rs", CLEAN)]);
    expect_code(&run(p.path(), &["check", "--fail-on", "error", "src"]), 1);
    expect_code(&run(p.path(), &["check", "--fail-on", "warning", "src"]), 1);
    expect_code(&run(p.path(), &["check", "--fail-on", "error", "clean"]), 0);
    expect_code(
        &run(p.path(), &["check", "--fail-on", "warning", "clean"]),
        0,
    );
    let r = run(p.path(), &["check", "--fail-on", "info", "src"]);
    expect_code(&r, 2);
    assert!(r.stderr.contains("info"), "{}", r.stderr);
}

#[test]
fn configured_severities_change_findings_and_exit_codes() {
    let warning = "[rules.secret-env-read]\nseverity = \"warning\"\n";
    let p = project(&[("src/main.rs", LEAKY), ("vox-clavis-lint.toml", warning)]);
    let r = run(p.path(), &["check", "--format", "short", "src"]);
    expect_code(&r, 1);
    assert!(
        r.stdout.contains("warning[secret-env-read]"),
        "{}",
        r.stdout
    );
    expect_code(&run(p.path(), &["check", "--fail-on", "error", "src"]), 0);

    let off = "[rules.secret-env-read]\nseverity = \"off\"\n";
    let p = project(&[("src/main.rs", LEAKY), ("vox-clavis-lint.toml", off)]);
    let r = run(p.path(), &["check", "src"]);
    expect_code(&r, 0);
    assert!(!r.stdout.contains("secret-env-read"), "{}", r.stdout);
}

#[test]
fn missing_path_exits_2() {
    let p = project(&[("src/main.rs", CLEAN)]);
    let r = run(p.path(), &["check", "src", "nope"]);
    expect_code(&r, 2);
    assert!(
        r.stderr.contains("error: path `nope` does not exist"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
}

#[test]
fn bad_flag_exits_2() {
    let p = project(&[("src/main.rs", CLEAN)]);
    let r = run(p.path(), &["check", "--frobnicate"]);
    expect_code(&r, 2);
    assert!(r.stderr.contains("--frobnicate"), "{}", r.stderr);
    expect_code(&run(p.path(), &["--frobnicate"]), 2);
    expect_code(&run(p.path(), &["check", "-j", "0"]), 2);
    expect_code(&run(p.path(), &["check", "-j", "many"]), 2);
    expect_code(&run(p.path(), &["check", "--color", "sometimes"]), 2);
    expect_code(
        &run(p.path(), &["check", "--config", "a.toml", "--no-config"]),
        2,
    );
    expect_code(&run(p.path(), &["explain"]), 2);
}

#[test]
fn subcommand_after_an_option_is_explained() {
    let p = project(&[("src/main.rs", CLEAN)]);
    let r = run(p.path(), &["--format", "short", "check"]);
    expect_code(&r, 2);
    assert!(
        r.stderr.contains("path `check` does not exist"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("put it first"), "{}", r.stderr);
}

#[test]
fn unknown_format_exits_2() {
    let p = project(&[("src/main.rs", CLEAN)]);
    let r = run(p.path(), &["check", "--format", "xml"]);
    expect_code(&r, 2);
    assert!(r.stderr.contains("xml"), "{}", r.stderr);
    for name in ["human", "short", "json", "sarif"] {
        assert!(r.stderr.contains(name), "{}", r.stderr);
    }
}

#[test]
fn help_and_version_exit_0() {
    let p = project(&[]);
    let r = run(p.path(), &["--help"]);
    expect_code(&r, 0);
    for word in [
        "check",
        "rules",
        "explain",
        "--config",
        "--no-config",
        "--format",
        "--output",
        "--fail-on",
        "--threads",
        "--exclude",
        "--quiet",
        "--statistics",
        "--color",
    ] {
        assert!(
            r.stdout.contains(word),
            "`{word}` missing from --help:\n{}",
            r.stdout
        );
    }
    let r = run(p.path(), &["--version"]);
    expect_code(&r, 0);
    assert!(r.stdout.starts_with("vox-clavis-lint "), "{}", r.stdout);
}

// ---- configuration errors ------------------------------------------------------------------

#[test]
fn invalid_toml_exits_2_with_a_snippet() {
    let p = project(&[
        ("src/main.rs", CLEAN),
        (
            "vox-clavis-lint.toml",
            "[[secret]]\nid = \"VoxDbUrl\"\nenv = VOX_DB_URL\n",
        ),
    ]);
    let r = run(p.path(), &["check"]);
    expect_code(&r, 2);
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    assert!(r.stderr.contains("╭─"), "{}", r.stderr);
    assert!(r.stderr.contains("vox-clavis-lint.toml"), "{}", r.stderr);
    assert!(r.stderr.contains("3 │ env = VOX_DB_URL"), "{}", r.stderr);
    assert!(!r.stderr.contains('\u{1b}'), "no colour: {}", r.stderr);
    assert_eq!(r.stdout, "");
}

#[test]
fn unknown_config_key_exits_2() {
    let p = project(&[
        ("src/main.rs", CLEAN),
        ("vox-clavis-lint.toml", "[scan]\nexclud = [\"target\"]\n"),
    ]);
    let r = run(p.path(), &["check"]);
    expect_code(&r, 2);
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    assert!(r.stderr.contains("exclud"), "{}", r.stderr);
    assert!(r.stderr.contains("╭─"), "{}", r.stderr);
    assert!(r.stderr.contains("2 │ exclud"), "{}", r.stderr);
}

#[test]
fn invalid_config_value_exits_2_showing_every_problem() {
    let p = project(&[
        ("src/main.rs", CLEAN),
        (
            "vox-clavis-lint.toml",
            "[[secret]]\nid = \"A\"\nenv = \"VOX_A_KEY\"\n\n[[secret]]\nid = \"B\"\nenv = \"VOX_A_KEY\"\naliases = [\"not a name\"]\n",
        ),
    ]);
    let r = run(p.path(), &["check"]);
    expect_code(&r, 2);
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    assert!(r.stderr.contains("VOX_A_KEY"), "{}", r.stderr);
    assert!(r.stderr.contains("not a name"), "{}", r.stderr);
    assert!(r.stderr.matches("╭─").count() >= 2, "{}", r.stderr);
}

#[test]
fn missing_config_file_exits_2() {
    let p = project(&[("src/main.rs", CLEAN)]);
    let r = run(p.path(), &["check", "--config", "missing.toml"]);
    expect_code(&r, 2);
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    assert!(r.stderr.contains("missing.toml"), "{}", r.stderr);
}

// ---- configuration discovery ---------------------------------------------------------------

#[test]
fn config_in_a_parent_directory_is_found() {
    let p = project(&[
        ("vox-clavis-lint.toml", INVENTORY_TOML),
        ("app/src/main.rs", INVENTORY_ONLY),
    ]);
    let r = run(p.path(), &["check", "app/src"]);
    expect_code(&r, 1);
    assert!(r.stdout.contains("VOX_DB_URL"), "{}", r.stdout);
    let r = run(&p.path().join("app/src"), &["check"]);
    expect_code(&r, 1);
    // Without the config, nothing marks the name as a secret.
    expect_code(&run(p.path(), &["check", "--no-config", "app/src"]), 0);
}

#[test]
fn hidden_config_file_is_found() {
    let p = project(&[
        (".vox-clavis-lint.toml", INVENTORY_TOML),
        ("src/main.rs", INVENTORY_ONLY),
    ]);
    expect_code(&run(p.path(), &["check", "src"]), 1);
    expect_code(&run(p.path(), &["check", "--no-config", "src"]), 0);
}

#[test]
fn cargo_workspace_metadata_is_found() {
    let manifest = format!(
        "[workspace]\nmembers = []\n\n[workspace.metadata.vox-clavis-lint]\n{}",
        INVENTORY_TOML.replace(
            "[[secret]]",
            "[[workspace.metadata.vox-clavis-lint.secret]]"
        )
    );
    let p = project(&[("Cargo.toml", &manifest), ("src/main.rs", INVENTORY_ONLY)]);
    let r = run(p.path(), &["check", "src"]);
    expect_code(&r, 1);
    assert!(r.stdout.contains("VOX_DB_URL"), "{}", r.stdout);
    expect_code(&run(p.path(), &["check", "--no-config", "src"]), 0);
}

#[test]
fn cargo_package_metadata_is_found() {
    let manifest = format!(
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n{}",
        INVENTORY_TOML.replace("[[secret]]", "[[package.metadata.vox-clavis-lint.secret]]")
    );
    let p = project(&[("Cargo.toml", &manifest), ("src/main.rs", INVENTORY_ONLY)]);
    expect_code(&run(p.path(), &["check", "src"]), 1);
}

#[test]
fn config_warnings_go_to_stderr_unless_quiet() {
    let p = project(&[("Cargo.toml", "[package\n"), ("src/main.rs", CLEAN)]);
    let r = run(p.path(), &["check", "src"]);
    expect_code(&r, 0);
    assert!(r.stderr.starts_with("warning: "), "{}", r.stderr);
    assert!(r.stderr.contains("Cargo.toml"), "{}", r.stderr);
    let r = run(p.path(), &["check", "--quiet", "src"]);
    expect_code(&r, 0);
    assert_eq!(r.stderr, "");
}

#[test]
fn explicit_config_is_used() {
    let p = project(&[
        ("conf/lint.toml", INVENTORY_TOML),
        ("src/main.rs", INVENTORY_ONLY),
    ]);
    expect_code(&run(p.path(), &["check", "src"]), 0);
    expect_code(
        &run(p.path(), &["check", "--config", "conf/lint.toml", "src"]),
        1,
    );
}

// ---- formats and output --------------------------------------------------------------------

#[test]
fn json_format() {
    let p = project(&[("src/main.rs", LEAKY)]);
    let r = run(p.path(), &["check", "--format", "json"]);
    expect_code(&r, 1);
    let doc = json(&r.stdout);
    assert_eq!(doc["version"], 1);
    assert!(doc["summary"].is_object(), "{doc:#}");
    let f = &doc["findings"][0];
    for key in [
        "rule",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "help",
        "fingerprint",
    ] {
        assert!(f.get(key).is_some(), "finding lacks `{key}`: {f:#}");
    }
    assert_eq!(f["rule"], "secret-env-read");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["path"], "src/main.rs");
    assert_eq!(f["line"], 1);
}

#[test]
fn sarif_format() {
    let p = project(&[("src/main.rs", LEAKY)]);
    let r = run(p.path(), &["check", "--format", "sarif"]);
    expect_code(&r, 1);
    let doc = json(&r.stdout);
    assert_eq!(doc["version"], "2.1.0");
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "secret-env-read");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/main.rs"
    );
}

#[test]
fn short_format() {
    let p = project(&[("src/main.rs", LEAKY)]);
    let r = run(p.path(), &["check", "--format", "short"]);
    expect_code(&r, 1);
    let line = r.stdout.lines().next().unwrap_or_default();
    let mut parts = line.splitn(4, ':');
    assert_eq!(parts.next(), Some("src/main.rs"), "{line}");
    for what in ["line", "column"] {
        let n = parts.next().unwrap_or_default();
        assert!(
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()),
            "{what} in {line}"
        );
    }
    assert!(
        parts
            .next()
            .unwrap_or_default()
            .starts_with(" error[secret-env-read]: "),
        "{line}"
    );
}

#[test]
fn human_format_is_the_default() {
    let p = project(&[("src/main.rs", LEAKY)]);
    let default = run(p.path(), &["check"]);
    let human = run(p.path(), &["check", "--format", "human"]);
    expect_code(&default, 1);
    assert_eq!(default.stdout, human.stdout);
    assert!(
        default.stdout.contains("secret-env-read"),
        "{}",
        default.stdout
    );
    assert!(
        default
            .stdout
            .contains("1 finding (1 error, 0 warnings) in 1 file"),
        "{}",
        default.stdout
    );
}

#[test]
fn color_choice() {
    let p = project(&[("src/main.rs", LEAKY)]);
    // NO_COLOR is set and stdout is a pipe: `auto` and `never` print no escapes.
    assert!(!run(p.path(), &["check"]).stdout.contains('\u{1b}'));
    assert!(
        !run(p.path(), &["check", "--color", "never"])
            .stdout
            .contains('\u{1b}')
    );
    let always = run(p.path(), &["check", "--color", "always"]);
    expect_code(&always, 1);
    assert!(always.stdout.contains('\u{1b}'), "{}", always.stdout);
}

#[test]
fn output_file() {
    let p = project(&[("src/main.rs", LEAKY)]);
    let r = run(
        p.path(),
        &["check", "--format", "json", "--output", "report.json"],
    );
    expect_code(&r, 1);
    assert_eq!(r.stdout, "");
    let text = std::fs::read_to_string(p.path().join("report.json")).unwrap();
    assert_eq!(rules_in(&json(&text)), ["secret-env-read"]);

    // The summary goes to the file too.
    let r = run(p.path(), &["check", "--output", "report.txt"]);
    expect_code(&r, 1);
    assert_eq!(r.stdout, "");
    let text = std::fs::read_to_string(p.path().join("report.txt")).unwrap();
    assert!(text.contains("1 finding"), "{text}");
}

#[test]
fn unwritable_output_exits_2() {
    let p = project(&[("src/main.rs", LEAKY)]);
    let r = run(p.path(), &["check", "--output", "no/such/dir/report.txt"]);
    expect_code(&r, 2);
    assert!(r.stderr.starts_with("error: cannot write"), "{}", r.stderr);
    let r = run(p.path(), &["check", "--output", "src"]);
    expect_code(&r, 2);
}

#[test]
fn quiet_prints_only_findings() {
    let p = project(&[("src/main.rs", LEAKY), ("clean/main.rs", CLEAN)]);
    let r = run(p.path(), &["check", "--quiet", "--format", "short", "src"]);
    expect_code(&r, 1);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(r.stdout.starts_with("src/main.rs:1:"), "{}", r.stdout);
    let r = run(p.path(), &["check", "--quiet", "clean"]);
    expect_code(&r, 0);
    assert_eq!(r.stdout, "");
    let r = run(p.path(), &["check", "--quiet", "src"]);
    assert!(!r.stdout.contains("1 finding"), "{}", r.stdout);
}

#[test]
fn statistics_counts_per_rule() {
    let two = "fn main() {\n    let _ = std::env::var(\"OPENAI_API_KEY\");\n    let _ = std::env::var(\"GITHUB_TOKEN\");\n}\n";
    let p = project(&[("src/main.rs", two), ("src/broken.rs", "fn broken( {\n")]);
    let r = run(p.path(), &["check", "--statistics", "--format", "short"]);
    expect_code(&r, 1);
    let has = |count: &str, rule: &str| {
        r.stdout.lines().any(|l| {
            let mut w = l.split_whitespace();
            w.next() == Some(count) && w.next() == Some(rule) && w.next().is_none()
        })
    };
    assert!(has("2", "secret-env-read"), "{}", r.stdout);
    assert!(has("1", "unparsable-file"), "{}", r.stdout);
}

#[test]
fn bare_paths_mean_check() {
    let p = project(&[("src/main.rs", LEAKY)]);
    for (a, b) in [
        (vec!["src"], vec!["check", "src"]),
        (
            vec!["--format", "json", "src"],
            vec!["check", "--format", "json", "src"],
        ),
        (
            vec!["src", "--format", "short", "-j", "2"],
            vec!["check", "src", "--format", "short", "-j", "2"],
        ),
    ] {
        let (ra, rb) = (run(p.path(), &a), run(p.path(), &b));
        expect_code(&ra, 1);
        assert_eq!(
            (ra.code, &ra.stdout),
            (rb.code, &rb.stdout),
            "{a:?} vs {b:?}"
        );
    }
}

#[test]
fn exclude_skips_matching_files() {
    let p = project(&[("src/main.rs", CLEAN), ("src/gen/keys.rs", LEAKY)]);
    expect_code(&run(p.path(), &["check"]), 1);
    expect_code(&run(p.path(), &["check", "--exclude", "src/gen"]), 0);
    expect_code(
        &run(
            p.path(),
            &["check", "--exclude", "*.txt", "--exclude", "**/keys.rs"],
        ),
        0,
    );
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let root = repo_root();
    let one = run(
        &root,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "-j1",
            "fixtures",
        ],
    );
    let eight = run(
        &root,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "-j8",
            "fixtures",
        ],
    );
    assert!(matches!(one.code, Some(0 | 1)), "{}", one.stderr);
    assert_eq!(one.code, eight.code);
    assert!(!rules_in(&json(&one.stdout)).is_empty());
    assert!(one.stdout == eight.stdout, "-j1 and -j8 differ");
}

// ---- robustness ----------------------------------------------------------------------------

#[test]
fn unparsable_file_is_a_finding_and_the_run_goes_on() {
    let p = project(&[
        ("src/a_broken.rs", "fn broken( {\n"),
        ("src/b_leaky.rs", LEAKY),
    ]);
    let r = run(p.path(), &["check", "--format", "json"]);
    expect_code(&r, 1);
    let doc = json(&r.stdout);
    let found: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("src/a_broken.rs".to_owned(), "unparsable-file".to_owned()),
            ("src/b_leaky.rs".to_owned(), "secret-env-read".to_owned()),
        ]
    );
}

#[test]
fn non_utf8_file_is_a_finding() {
    let dir = project(&[]);
    std::fs::write(dir.path().join("bad.rs"), b"fn main() { \"\xff\xfe\" }\n").unwrap();
    let r = run(dir.path(), &["check", "--format", "short"]);
    expect_code(&r, 1);
    assert!(r.stdout.contains("unparsable-file"), "{}", r.stdout);
}

#[test]
fn deep_nesting_does_not_crash() {
    let parens = format!(
        "fn main() {{ let _ = {}1{}; }}\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let blocks = format!(
        "fn main() {{ {}std::env::var(\"OPENAI_API_KEY\").ok(); {} }}\n",
        "{ ".repeat(2000),
        "} ".repeat(2000)
    );
    let p = project(&[("parens.rs", &parens), ("blocks.rs", &blocks)]);
    let r = run(p.path(), &["check", "--format", "short"]);
    assert!(
        matches!(r.code, Some(0 | 1)),
        "status {:?}\n{}",
        r.code,
        r.stderr
    );
    assert!(!r.stdout.contains("internal-error"), "{}", r.stdout);
}

// ---- rules and explain ---------------------------------------------------------------------

#[test]
fn rules_lists_every_rule() {
    let p = project(&[]);
    let r = run(p.path(), &["rules"]);
    expect_code(&r, 0);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("secret-env-read "))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(line.contains(" error "), "{line}");
    assert!(r.stdout.contains("unparsable-file"), "{}", r.stdout);

    let r = run(p.path(), &["rules", "--format", "json"]);
    expect_code(&r, 0);
    let doc = json(&r.stdout);
    assert_eq!(doc["version"], 1);
    let rule = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "secret-env-read")
        .expect("secret-env-read listed");
    assert_eq!(rule["default_severity"], "error");
    assert!(rule["summary"].as_str().is_some_and(|s| !s.is_empty()));
}

#[test]
fn explain_prints_the_rule_page() {
    let p = project(&[]);
    let r = run(p.path(), &["explain", "secret-env-read"]);
    expect_code(&r, 0);
    assert!(r.stdout.contains("# secret-env-read"), "{}", r.stdout);
    assert!(r.stdout.contains("## What it does"), "{}", r.stdout);
    assert!(r.stdout.contains("## Why is this bad?"), "{}", r.stdout);
}

#[test]
fn explain_unknown_rule_exits_2() {
    let p = project(&[]);
    let r = run(p.path(), &["explain", "nope"]);
    expect_code(&r, 2);
    assert!(
        r.stderr.starts_with("error: unknown rule `nope`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("secret-env-read"), "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let r = run(p.path(), &["explain", "secret_env_read"]);
    expect_code(&r, 2);
    assert!(
        r.stderr.contains("did you mean `secret-env-read`"),
        "{}",
        r.stderr
    );
}

// ---- what users read -----------------------------------------------------------------------

#[test]
fn demo_human_output() {
    let r = run(&repo_root(), &["check", "fixtures/demo"]);
    expect_code(&r, 1);
    insta::assert_snapshot!("demo_human", r.stdout);
}
