//! What a Rust developer coming from Ruff, clippy and cargo expects of the command line: rule
//! selection, `--exit-zero`, `--output-format`, colour variables, statistics, suggestions for
//! misspelt rule names. The real binary, end to end.

mod common;

use common::*;

const LEAKY: &str = "fn main() { let _ = std::env::var(\"OPENAI_API_KEY\"); }\n";
/// Two rules fire: `secret-env-read` twice and `hardcoded-secret` once. The key is put
/// together at run time so that no single literal of this file is one; the linter sees the
/// join, so a directive allows it.
fn two_rules() -> String {
    // vox-clavis-lint: allow(hardcoded-secret) -- the fake key this test feeds the linter
    let key = ["sk-proj-", "Xq7Lm2Rv9TfK3pWz8NbC4hYd6GsJ1eUa5VtM0oIi"].concat();
    format!(
        "fn main() {{\n    let _ = std::env::var(\"OPENAI_API_KEY\");\n    let _ = \
         std::env::var(\"GITHUB_TOKEN\");\n    let key = \"{key}\";\n}}\n"
    )
}

fn rules_of(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| {
            l.split_once(": error[")
                .or_else(|| l.split_once(": warning["))
        })
        .filter_map(|(_, rest)| rest.split_once(']'))
        .map(|(rule, _)| rule.to_owned())
        .collect()
}

#[test]
fn output_format_is_the_documented_spelling_and_format_an_alias() {
    let p = project(&[("src/main.rs", LEAKY)]);
    for flag in ["--output-format", "--format"] {
        let r = run(p.path(), &["check", flag, "json"]);
        expect_code(&r, 1);
        let doc = json(&r.stdout);
        assert_eq!(doc["findings"][0]["rule"], "secret-env-read", "{flag}");
    }
    assert!(
        !p.path().join("json").exists(),
        "no report file named `json`"
    );
}

#[test]
fn exit_zero_reports_findings_and_exits_0_but_a_failed_run_still_exits_2() {
    let p = project(&[("src/main.rs", LEAKY)]);
    let r = run(
        p.path(),
        &["check", "--exit-zero", "--output-format", "short"],
    );
    expect_code(&r, 0);
    assert!(r.stdout.contains("error[secret-env-read]"), "{}", r.stdout);
    let r = run(p.path(), &["check", "--exit-zero", "missing-dir"]);
    expect_code(&r, 2);
}

#[test]
fn select_ignore_and_extend_select_choose_the_rules() {
    let p = project(&[("src/main.rs", two_rules().as_str())]);
    let short = |args: &[&str]| {
        let mut all = vec!["check", "--output-format", "short"];
        all.extend(args);
        let r = run(p.path(), &all);
        rules_of(&r.stdout)
    };
    assert_eq!(
        short(&[]),
        ["secret-env-read", "secret-env-read", "hardcoded-secret"]
    );
    assert_eq!(
        short(&["--select", "hardcoded-secret"]),
        ["hardcoded-secret"]
    );
    assert_eq!(
        short(&["--select", "hardcoded-secret,secret-env-read"]),
        ["secret-env-read", "secret-env-read", "hardcoded-secret"]
    );
    assert_eq!(
        short(&["--ignore", "secret-env-read"]),
        ["hardcoded-secret"]
    );
    assert_eq!(
        short(&[
            "--select",
            "hardcoded-secret",
            "--extend-select",
            "secret-env-read"
        ]),
        ["secret-env-read", "secret-env-read", "hardcoded-secret"]
    );
    let r = run(
        p.path(),
        &[
            "check",
            "--ignore",
            "hardcoded-secret",
            "--ignore",
            "secret-env-read",
        ],
    );
    expect_code(&r, 0);
}

#[test]
fn selection_in_the_configuration_and_the_command_line_on_top() {
    let p = project(&[
        ("src/main.rs", two_rules().as_str()),
        (
            "vox-clavis-lint.toml",
            "[rules]\nselect = [\"hardcoded-secret\"]\n\n[rules.secret-env-read]\nseverity = \"off\"\n",
        ),
    ]);
    let r = run(p.path(), &["check", "--output-format", "short"]);
    assert_eq!(rules_of(&r.stdout), ["hardcoded-secret"]);
    // Named on the command line, a rule runs although its table turns it off.
    let r = run(
        p.path(),
        &[
            "check",
            "--output-format",
            "short",
            "--extend-select",
            "secret-env-read",
        ],
    );
    assert_eq!(
        rules_of(&r.stdout),
        ["secret-env-read", "secret-env-read", "hardcoded-secret"]
    );
}

#[test]
fn unknown_rule_names_are_errors_with_a_suggestion() {
    let p = project(&[("src/main.rs", LEAKY)]);
    let r = run(p.path(), &["check", "--select", "secret-env-red"]);
    expect_code(&r, 2);
    assert!(
        r.stderr
            .contains("unknown rule `secret-env-red` (did you mean `secret-env-read`?)"),
        "{}",
        r.stderr
    );
    let r = run(p.path(), &["check", "--ignore", "unparsable-file"]);
    expect_code(&r, 2);
    assert!(
        r.stderr.contains("`unparsable-file` cannot be ignored"),
        "{}",
        r.stderr
    );

    write(
        p.path(),
        &[(
            "vox-clavis-lint.toml",
            "[rules]\nignore = [\"hardcoded-secrte\"]\n",
        )],
    );
    let r = run(p.path(), &["check"]);
    expect_code(&r, 2);
    assert!(
        r.stderr
            .contains("unknown rule `hardcoded-secrte` in `rules.ignore`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `hardcoded-secret`?"),
        "{}",
        r.stderr
    );

    let r = run(p.path(), &["explain", "secret-in-lgo"]);
    expect_code(&r, 2);
    assert!(
        r.stderr.contains("did you mean `secret-in-log`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn statistics_are_sorted_by_count_and_kept_with_quiet() {
    let p = project(&[("src/main.rs", two_rules().as_str())]);
    for args in [
        &["check", "--statistics"][..],
        &["check", "--statistics", "-q"][..],
    ] {
        let r = run(p.path(), args);
        let table: Vec<&str> = r
            .stdout
            .lines()
            .filter(|l| l.starts_with("   "))
            .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
            .collect();
        assert_eq!(
            table,
            ["   2  secret-env-read", "   1  hardcoded-secret"],
            "{args:?}\n{}",
            r.stdout
        );
        assert_eq!(
            r.stdout.contains("3 findings"),
            !args.contains(&"-q"),
            "{args:?}"
        );
    }
}

#[test]
fn force_color_variables_colour_a_pipe_and_no_color_wins() {
    let p = project(&[("src/main.rs", LEAKY)]);
    for var in ["CLICOLOR_FORCE", "FORCE_COLOR"] {
        // The harness sets NO_COLOR; unset it by giving it an empty value.
        let r = run_with(p.path(), &["check"], &[(var, "1"), ("NO_COLOR", "")]);
        assert!(
            r.stdout.contains('\u{1b}'),
            "{var}: no colour\n{}",
            r.stdout
        );
        let r = run_with(p.path(), &["check"], &[(var, "0"), ("NO_COLOR", "")]);
        assert!(!r.stdout.contains('\u{1b}'), "{var}=0 coloured");
        let r = run_with(p.path(), &["check"], &[(var, "1")]);
        assert!(!r.stdout.contains('\u{1b}'), "{var} with NO_COLOR coloured");
    }
}

/// What an installed user reads points at the published documentation, never at a
/// `docs/...` path of a repository they do not have.
#[test]
fn messages_link_to_the_published_documentation() {
    let url = "https://github.com/vox-clavis/vox-clavis-lint/blob/main/docs/";
    let p = project(&[("src/main.rs", LEAKY)]);
    let r = run(p.path(), &["init"]);
    expect_code(&r, 0);
    let written = std::fs::read_to_string(p.path().join("vox-clavis-lint.toml")).unwrap();
    assert!(
        written.contains(&format!("# {url}configuration.md")),
        "{written}"
    );

    write(
        p.path(),
        &[("vox-clavis-lint.toml", "[scan]\nexclude = 3\n")],
    );
    let r = run(p.path(), &["check"]);
    expect_code(&r, 2);
    assert!(
        r.stderr.contains(&format!("{url}configuration.md")),
        "{}",
        r.stderr
    );

    let r = run(p.path(), &["explain", "secret-env-read"]);
    expect_code(&r, 0);
    assert!(!r.stdout.contains("](../"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("]({url}configuration.md)")),
        "{}",
        r.stdout
    );

    std::fs::remove_file(p.path().join("vox-clavis-lint.toml")).unwrap();
    let r = run(p.path(), &["check", "--output-format", "sarif"]);
    let doc = json(&r.stdout);
    for rule in doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
    {
        for key in ["text", "markdown"] {
            let help = rule["help"][key].as_str().unwrap();
            assert!(!help.contains("](../"), "{}: {help}", rule["id"]);
        }
    }
}

/// Run from a crate inside a repository, SARIF paths are still relative to the repository
/// root, which code scanning resolves them against.
#[test]
fn sarif_paths_are_relative_to_the_repository_root() {
    let p = project(&[("crates/a/src/main.rs", LEAKY)]);
    std::fs::create_dir(p.path().join(".git")).unwrap();
    let r = run(
        &p.path().join("crates/a"),
        &["check", "--output-format", "sarif"],
    );
    expect_code(&r, 1);
    let doc = json(&r.stdout);
    let run0 = &doc["runs"][0];
    let location = &run0["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "crates/a/src/main.rs");
    assert_eq!(location["uriBaseId"], "%SRCROOT%");
    assert!(
        run0["originalUriBaseIds"]["%SRCROOT%"].is_object(),
        "{run0}"
    );
}

/// The demo is what a newcomer sees first: its sources show no test markers (its expectations
/// are in `fixtures/demo/expect.txt`).
#[test]
fn the_demo_shows_no_test_markers() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/src");
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("//~"),
            "{} carries a test marker",
            path.display()
        );
    }
}

const CRATE_A_MANIFEST: &str = "[package]\nname = \"a\"\nversion = \"0.1.0\"\n\n[[package.metadata.vox-clavis-lint.secret]]\nid = \"VoxDbUrl\"\nenv = \"VOX_DB_URL\"\n";
const READS_DB_URL: &str = "fn main() { let _ = std::env::var(\"VOX_DB_URL\"); }\n";

/// Each file is checked under its closest configuration: crateA's `Cargo.toml` metadata
/// governs crateA's files in whatever order the paths come, and from the workspace root.
#[test]
fn each_path_is_checked_under_its_closest_configuration() {
    let p = project(&[
        ("crateA/Cargo.toml", CRATE_A_MANIFEST),
        ("crateA/src/main.rs", READS_DB_URL),
        (
            "crateB/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"0.1.0\"\n",
        ),
        ("crateB/src/main.rs", READS_DB_URL),
    ]);
    for args in [
        &["check", "--output-format", "short", "crateB", "crateA"][..],
        &["check", "--output-format", "short", "crateA", "crateB"][..],
        &["check", "--output-format", "short"][..],
    ] {
        let r = run(p.path(), args);
        expect_code(&r, 1);
        let flagged: Vec<&str> = r
            .stdout
            .lines()
            .filter(|l| l.contains("error[secret-env-read]"))
            .collect();
        assert_eq!(flagged.len(), 1, "{args:?}\n{}", r.stdout);
        assert!(
            flagged[0].starts_with("crateA/src/main.rs:"),
            "{args:?}\n{}",
            r.stdout
        );
        assert!(r.stdout.contains("in 2 files"), "{args:?}\n{}", r.stdout);
    }
    // `--config` forces one configuration on every path.
    let r = run(
        p.path(),
        &[
            "check",
            "--output-format",
            "short",
            "--config",
            "crateB/Cargo.toml",
        ],
    );
    expect_code(&r, 2);
    assert!(r.stderr.contains("crateB/Cargo.toml"), "{}", r.stderr);
}

/// A directory with its own configuration is checked with it, not with its parent's; one the
/// parent excludes stays excluded.
#[test]
fn nested_configurations_govern_their_directory() {
    let p = project(&[
        ("vox-clavis-lint.toml", "[scan]\nexclude = [\"vendored\"]\n"),
        ("src/main.rs", LEAKY),
        (
            "tools/vox-clavis-lint.toml",
            "[rules.secret-env-read]\nseverity = \"warning\"\n",
        ),
        ("tools/src/main.rs", LEAKY),
        ("vendored/vox-clavis-lint.toml", "[names]\n"),
        ("vendored/src/main.rs", LEAKY),
    ]);
    let r = run(p.path(), &["check", "--output-format", "short"]);
    expect_code(&r, 1);
    let lines: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains("[secret-env-read]"))
        .collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(
        lines[0].starts_with("src/main.rs:") && lines[0].contains(": error["),
        "{}",
        r.stdout
    );
    assert!(
        lines[1].starts_with("tools/src/main.rs:") && lines[1].contains(": warning["),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("in 2 files"), "{}", r.stdout);
}
