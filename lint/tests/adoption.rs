//! The real binary on what a team needs to adopt the linter in an existing codebase:
//! suppression comments (`--show-suppressed`), baselines (`--write-baseline`, `--baseline`,
//! `[scan] baseline`) and per-path `[[overrides]]`. Exit codes: 0 clean, 1 findings, 2 failed.

mod common;

use common::*;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// `(path, line, rule)` of each finding of a `--format json` run.
fn findings(r: &Run) -> Vec<(String, u64, String)> {
    json(&r.stdout)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const SUPPRESSED: &str = "fn main() {\n    // vox-clavis-lint: allow(secret-env-read) -- the vault's own bootstrap token\n    let _ = std::env::var(\"VAULT_TOKEN\");\n}\n";

// ---- suppressions --------------------------------------------------------------------------

#[test]
fn a_suppressed_finding_passes_and_is_counted() {
    let p = project(&[("src/main.rs", SUPPRESSED)]);
    let r = run(p.path(), &["check"]);
    expect_code(&r, 0);
    assert!(
        r.stdout.contains("no findings in 1 file, 1 suppressed"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("bootstrap token"), "{}", r.stdout);
}

#[test]
fn show_suppressed_lists_reasons() {
    let p = project(&[("src/main.rs", SUPPRESSED)]);
    for format in ["human", "short"] {
        let r = run(
            p.path(),
            &["check", "--show-suppressed", "--format", format],
        );
        expect_code(&r, 0);
        let line = r
            .stdout
            .lines()
            .find(|l| l.contains("suppressed error[secret-env-read]"))
            .unwrap_or_else(|| panic!("{format}:\n{}", r.stdout));
        assert!(line.starts_with("src/main.rs:3:27: "), "{line}");
        assert!(
            line.ends_with("(reason: the vault's own bootstrap token)"),
            "{line}"
        );
    }
    // `--quiet` still lists them when asked, and nothing else.
    let r = run(p.path(), &["check", "--show-suppressed", "--quiet"]);
    expect_code(&r, 0);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
}

#[test]
fn suppressed_findings_reach_json_and_sarif() {
    let p = project(&[("src/main.rs", SUPPRESSED)]);
    let r = run(p.path(), &["check", "--format", "json"]);
    expect_code(&r, 0);
    let doc = json(&r.stdout);
    assert_eq!(doc["findings"], Value::Array(vec![]));
    assert_eq!(doc["summary"]["suppressed"], 1);
    let s = &doc["suppressed"][0];
    assert_eq!(s["rule"], "secret-env-read");
    assert_eq!(s["line"], 3);
    assert_eq!(
        s["suppression"]["reason"],
        "the vault's own bootstrap token"
    );
    assert_eq!(s["suppression"]["line"], 2);
    assert!(s["fingerprint"].as_str().is_some_and(|f| f.len() == 16));

    let r = run(p.path(), &["check", "--format", "sarif"]);
    expect_code(&r, 0);
    let doc = json(&r.stdout);
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "secret-env-read");
    let suppression = &result["suppressions"][0];
    assert_eq!(suppression["kind"], "inSource");
    assert_eq!(
        suppression["justification"],
        "the vault's own bootstrap token"
    );
    assert_eq!(
        suppression["location"]["physicalLocation"]["region"]["startLine"],
        2
    );
}

#[test]
fn a_suppression_without_a_reason_fails_unless_reasons_are_optional() {
    let code = "fn main() {\n    let _ = std::env::var(\"VAULT_TOKEN\"); // vox-clavis-lint: allow(secret-env-read)\n}\n";
    let p = project(&[("src/main.rs", code)]);
    let r = run(p.path(), &["check", "--format", "json"]);
    expect_code(&r, 1);
    assert_eq!(
        findings(&r),
        [(
            "src/main.rs".to_owned(),
            2,
            "invalid-suppression".to_owned()
        )]
    );
    write(
        p.path(),
        &[(
            "vox-clavis-lint.toml",
            "[suppressions]\nrequire-reason = false\n",
        )],
    );
    let r = run(p.path(), &["check"]);
    expect_code(&r, 0);
    let r = run(
        p.path(),
        &["check", "--show-suppressed", "--format", "short"],
    );
    assert!(r.stdout.contains("(no reason given)"), "{}", r.stdout);
}

#[test]
fn unknown_rules_and_unused_suppressions_are_findings() {
    let code = "fn main() {\n    let _ = std::env::var(\"VAULT_TOKEN\"); // vox-clavis-lint: allow(secret-env-raed) -- typo\n    // vox-clavis-lint: allow(secret-env-read) -- stale\n    let _ = std::env::var(\"HOME\");\n}\n";
    let p = project(&[("src/main.rs", code)]);
    let r = run(p.path(), &["check", "--format", "json"]);
    expect_code(&r, 1);
    assert_eq!(
        findings(&r),
        [
            ("src/main.rs".to_owned(), 2, "secret-env-read".to_owned()),
            (
                "src/main.rs".to_owned(),
                2,
                "invalid-suppression".to_owned()
            ),
            ("src/main.rs".to_owned(), 3, "unused-suppression".to_owned()),
        ]
    );
    let r = run(p.path(), &["check", "--format", "short"]);
    assert!(
        r.stdout.contains(
            "warning[unused-suppression]: suppression of `secret-env-read` silences nothing"
        ),
        "{}",
        r.stdout
    );
    // The unused suppression is a warning: it alone does not fail `--fail-on error`.
    let only_unused = "fn main() {\n    // vox-clavis-lint: allow(secret-env-read) -- stale\n    let _ = std::env::var(\"HOME\");\n}\n";
    let p = project(&[("src/main.rs", only_unused)]);
    expect_code(&run(p.path(), &["check"]), 1);
    expect_code(&run(p.path(), &["check", "--fail-on", "error"]), 0);
}

// ---- baselines -----------------------------------------------------------------------------

const LEGACY: &str = "pub fn keys() -> Vec<String> {\n    let a = std::env::var(\"OPENAI_API_KEY\").unwrap_or_default();\n    let b = std::env::var(\"GITHUB_TOKEN\").unwrap_or_default();\n    vec![a, b]\n}\n";

#[test]
fn write_baseline_then_only_new_findings_fail() {
    let p = project(&[("src/keys.rs", LEGACY), ("src/other.rs", "pub fn f() {}\n")]);
    let r = run(p.path(), &["check", "--write-baseline", "baseline.json"]);
    expect_code(&r, 0);
    assert!(
        r.stderr
            .contains("wrote 2 findings to baseline `baseline.json`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("no findings in 2 files, 2 in the baseline"),
        "{}",
        r.stdout
    );
    let text = std::fs::read_to_string(p.path().join("baseline.json")).unwrap();
    let doc = json(&text);
    assert_eq!(doc["version"], 1);
    let entries = doc["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    for e in entries {
        assert_eq!(e["path"], "src/keys.rs");
        assert_eq!(e["rule"], "secret-env-read");
    }
    // Sorted and stable: writing again gives the same bytes.
    expect_code(
        &run(p.path(), &["check", "--write-baseline", "again.json"]),
        0,
    );
    assert_eq!(
        std::fs::read_to_string(p.path().join("again.json")).unwrap(),
        text
    );

    expect_code(&run(p.path(), &["check", "--baseline", "baseline.json"]), 0);
    // Without the baseline, the findings are back.
    expect_code(&run(p.path(), &["check"]), 1);

    // A new finding fails the run, and only it is reported.
    let with_new = LEGACY.replace(
        "    vec![a, b]",
        "    let c = std::env::var(\"OPENAI_API_KEY\").unwrap_or_default();\n    vec![a, b, c]",
    );
    write(p.path(), &[("src/keys.rs", &with_new)]);
    let r = run(
        p.path(),
        &["check", "--baseline", "baseline.json", "--format", "json"],
    );
    expect_code(&r, 1);
    assert_eq!(
        findings(&r),
        [("src/keys.rs".to_owned(), 4, "secret-env-read".to_owned())]
    );
    assert_eq!(json(&r.stdout)["summary"]["baseline"]["matched"], 2);
}

#[test]
fn baseline_fingerprints_survive_unrelated_edits() {
    let p = project(&[("src/keys.rs", LEGACY), ("src/util.rs", "pub fn f() {}\n")]);
    expect_code(&run(p.path(), &["check", "--write-baseline", "b.json"]), 0);
    // Lines shift, the code around is reformatted, the flagged expressions are re-wrapped,
    // and another file is renamed.
    let edited = "//! Keys.\n\nuse std::collections::HashMap;\n\n/// All keys.\npub fn keys()   ->   Vec<String>\n{\n    let _m: HashMap<u8, u8> = HashMap::new();\n    let a = std::env::var(\n        \"OPENAI_API_KEY\",\n    ).unwrap_or_default();\n    let b = std::env::var( \"GITHUB_TOKEN\" ).unwrap_or_default();\n    vec![a, b]\n}\n";
    write(p.path(), &[("src/keys.rs", edited)]);
    std::fs::rename(
        p.path().join("src/util.rs"),
        p.path().join("src/helpers.rs"),
    )
    .unwrap();
    let r = run(p.path(), &["check", "--baseline", "b.json"]);
    expect_code(&r, 0);
    assert!(r.stdout.contains("2 in the baseline"), "{}", r.stdout);
    assert!(!r.stdout.contains("stale"), "{}", r.stdout);
}

#[test]
fn stale_baseline_entries_are_reported_in_the_summary() {
    let p = project(&[("src/keys.rs", LEGACY)]);
    expect_code(&run(p.path(), &["check", "--write-baseline", "b.json"]), 0);
    let fixed = LEGACY.replace(
        "std::env::var(\"GITHUB_TOKEN\").unwrap_or_default()",
        "String::new()",
    );
    write(p.path(), &[("src/keys.rs", &fixed)]);
    let r = run(p.path(), &["check", "--baseline", "b.json"]);
    expect_code(&r, 0);
    assert!(
        r.stdout
            .contains("no findings in 1 file, 1 in the baseline (1 stale entry)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("note: 1 entry of baseline `b.json` no longer matches any finding"),
        "{}",
        r.stdout
    );
    let r = run(
        p.path(),
        &["check", "--baseline", "b.json", "--format", "json"],
    );
    let stale = &json(&r.stdout)["summary"]["baseline"]["stale"];
    assert_eq!(stale.as_array().map(Vec::len), Some(1), "{stale}");
    assert_eq!(stale[0]["path"], "src/keys.rs");
    // Checking another path leaves the entries of unchecked files alone.
    write(p.path(), &[("lib/other.rs", "pub fn f() {}\n")]);
    let r = run(p.path(), &["check", "--baseline", "b.json", "lib"]);
    expect_code(&r, 0);
    assert!(!r.stdout.contains("stale"), "{}", r.stdout);
}

#[test]
fn scan_baseline_in_the_config_is_relative_to_it() {
    let p = project(&[
        ("app/src/keys.rs", LEGACY),
        (
            "app/vox-clavis-lint.toml",
            "[scan]\nbaseline = \"lint/baseline.json\"\n",
        ),
    ]);
    std::fs::create_dir_all(p.path().join("app/lint")).unwrap();
    expect_code(
        &run(
            p.path(),
            &["check", "--write-baseline", "app/lint/baseline.json", "app"],
        ),
        0,
    );
    expect_code(&run(p.path(), &["check", "app"]), 0);
    expect_code(&run(&p.path().join("app"), &["check"]), 1);
    // Paths in the baseline are relative to the working directory it was written from.
    let r = run(p.path(), &["check", "app", "--format", "json"]);
    assert_eq!(json(&r.stdout)["summary"]["baseline"]["matched"], 2);
}

#[test]
fn baseline_errors_exit_2() {
    let p = project(&[("src/keys.rs", LEGACY), ("bad.json", "{\"findings\": 3}")]);
    let r = run(p.path(), &["check", "--baseline", "missing.json"]);
    expect_code(&r, 2);
    assert!(
        r.stderr
            .starts_with("error: cannot read baseline `missing.json`"),
        "{}",
        r.stderr
    );
    let r = run(p.path(), &["check", "--baseline", "bad.json"]);
    expect_code(&r, 2);
    assert!(
        r.stderr.contains("not a valid baseline file"),
        "{}",
        r.stderr
    );
    expect_code(
        &run(
            p.path(),
            &[
                "check",
                "--baseline",
                "a.json",
                "--write-baseline",
                "b.json",
            ],
        ),
        2,
    );
    let r = run(
        p.path(),
        &["check", "--write-baseline", "no/such/dir/b.json"],
    );
    expect_code(&r, 2);
    assert!(r.stderr.contains("cannot write baseline"), "{}", r.stderr);
    let p = project(&[
        ("src/keys.rs", LEGACY),
        ("vox-clavis-lint.toml", "[scan]\nbaseline = \"gone.json\"\n"),
    ]);
    expect_code(&run(p.path(), &["check"]), 2);
}

#[test]
fn files_that_could_not_be_checked_are_never_baselined() {
    let p = project(&[("src/keys.rs", LEGACY), ("src/broken.rs", "fn broken( {\n")]);
    let r = run(
        p.path(),
        &["check", "--write-baseline", "b.json", "--format", "json"],
    );
    expect_code(&r, 1);
    assert_eq!(
        findings(&r),
        [("src/broken.rs".to_owned(), 1, "unparsable-file".to_owned())]
    );
    let text = std::fs::read_to_string(p.path().join("b.json")).unwrap();
    assert!(!text.contains("unparsable-file"), "{text}");
}

#[test]
fn the_baseline_holds_no_source_text() {
    let code = "pub fn f() {\n    let _ = std::env::var(\"OPENAI_API_KEY\").unwrap_or(\"sk-live-0123456789abcdef\".into());\n}\n";
    let p = project(&[("src/keys.rs", code)]);
    run(p.path(), &["check", "--write-baseline", "b.json"]);
    let text = std::fs::read_to_string(p.path().join("b.json")).unwrap();
    assert!(!text.contains("sk-live"), "{text}");
    assert!(!text.contains("OPENAI_API_KEY"), "{text}");
}

// ---- overrides -----------------------------------------------------------------------------

const READ: &str = "fn main() { let _ = std::env::var(\"OPENAI_API_KEY\"); }\n";

#[test]
fn overrides_change_levels_per_path_in_order() {
    let config = "[rules.secret-env-read]\nseverity = \"error\"\n\n[[overrides]]\npaths = [\"tests/**\", \"examples\"]\nrules = { secret-env-read = \"warning\" }\n\n[[overrides]]\npaths = [\"examples/**\"]\nrules = { secret-env-read = \"off\" }\n";
    let p = project(&[
        ("vox-clavis-lint.toml", config),
        ("src/main.rs", READ),
        ("tests/it.rs", READ),
        ("examples/demo.rs", READ),
    ]);
    let r = run(p.path(), &["check", "--format", "short", "--quiet"]);
    expect_code(&r, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(
        lines[0].starts_with("src/main.rs:1:35: error[secret-env-read]"),
        "{}",
        r.stdout
    );
    assert!(
        lines[1].starts_with("tests/it.rs:1:35: warning[secret-env-read]"),
        "{}",
        r.stdout
    );
    // Only the warning-level and off paths: `--fail-on error` passes.
    expect_code(
        &run(
            p.path(),
            &["check", "--fail-on", "error", "tests", "examples"],
        ),
        0,
    );
}

#[test]
fn an_override_can_turn_a_rule_on_for_some_paths() {
    let config = "[rules.secret-env-read]\nseverity = \"off\"\n\n[[overrides]]\npaths = [\"src/**\"]\nrules = { secret-env-read = \"error\" }\n";
    let p = project(&[
        ("vox-clavis-lint.toml", config),
        ("src/main.rs", READ),
        ("scripts/dev.rs", READ),
    ]);
    let r = run(p.path(), &["check", "--format", "json"]);
    expect_code(&r, 1);
    assert_eq!(
        findings(&r),
        [("src/main.rs".to_owned(), 1, "secret-env-read".to_owned())]
    );
}

#[test]
fn invalid_overrides_exit_2() {
    for (config, needle) in [
        (
            "[[overrides]]\npaths = [\"tests/**\"]\nrules = { secret_env_read = \"off\" }\n",
            "did you mean `secret-env-read`?",
        ),
        (
            "[[overrides]]\npaths = [\"tests/**\"]\nrules = { unparsable-file = \"off\" }\n",
            "`unparsable-file` cannot be turned off",
        ),
        (
            "[[overrides]]\npaths = []\nrules = { secret-env-read = \"off\" }\n",
            "applies to no file",
        ),
        (
            "[[overrides]]\npaths = [\"[x\"]\nrules = { secret-env-read = \"off\" }\n",
            "invalid glob `[x`",
        ),
        (
            "[[overrides]]\nrules = { secret-env-read = \"off\" }\n",
            "missing field `paths`",
        ),
        (
            "[[overrides]]\npaths = [\"x\"]\nrules = { secret-env-read = \"loud\" }\n",
            "loud",
        ),
    ] {
        let p = project(&[("vox-clavis-lint.toml", config), ("src/main.rs", READ)]);
        let r = run(p.path(), &["check"]);
        expect_code(&r, 2);
        assert!(r.stderr.contains(needle), "{config}\n{}", r.stderr);
        assert!(
            r.stderr.contains("╭─"),
            "points into the file: {}",
            r.stderr
        );
    }
}

#[test]
fn overrides_can_quiet_the_suppression_rules() {
    let code = "fn main() {\n    // vox-clavis-lint: allow(secret-env-read) -- stale\n    let _ = std::env::var(\"HOME\");\n}\n";
    let config =
        "[[overrides]]\npaths = [\"generated/**\"]\nrules = { unused-suppression = \"off\" }\n";
    let p = project(&[
        ("vox-clavis-lint.toml", config),
        ("generated/a.rs", code),
        ("src/a.rs", code),
    ]);
    let r = run(p.path(), &["check", "--format", "json"]);
    expect_code(&r, 1);
    assert_eq!(
        findings(&r),
        [("src/a.rs".to_owned(), 2, "unused-suppression".to_owned())]
    );
}

// ---- new-code gating -----------------------------------------------------------------------

/// Runs git in `dir`, isolated from the user's and the system's configuration.
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository whose `main` holds `LEGACY` in `src/keys.rs`.
fn repo() -> tempfile::TempDir {
    let p = project(&[("src/keys.rs", LEGACY), ("src/lib.rs", "pub mod keys;\n")]);
    git(p.path(), &["init", "-q", "-b", "main"]);
    git(p.path(), &["add", "."]);
    git(p.path(), &["commit", "-q", "-m", "legacy"]);
    p
}

#[test]
fn diff_reports_only_findings_on_new_lines() {
    let p = repo();
    expect_code(&run(p.path(), &["check", "--diff", "main"]), 0);
    git(p.path(), &["checkout", "-q", "-b", "feature"]);
    let more = LEGACY.replace(
        "    vec![a, b]",
        "    let c = std::env::var(\"SLACK_BOT_TOKEN\").unwrap_or_default();\n    vec![a, b, c]",
    );
    write(p.path(), &[("src/keys.rs", &more)]);
    git(p.path(), &["commit", "-q", "-am", "more"]);
    // Uncommitted and untracked files count as new too.
    write(p.path(), &[("src/new.rs", READ)]);
    let r = run(p.path(), &["check", "--diff", "main", "--format", "json"]);
    expect_code(&r, 1);
    assert_eq!(
        findings(&r),
        [
            ("src/keys.rs".to_owned(), 4, "secret-env-read".to_owned()),
            ("src/new.rs".to_owned(), 1, "secret-env-read".to_owned()),
        ]
    );
    // Without `--diff`, everything is reported.
    let r = run(p.path(), &["check", "--format", "json"]);
    assert_eq!(findings(&r).len(), 4);
}

#[test]
fn diff_uses_the_merge_base() {
    let p = repo();
    git(p.path(), &["checkout", "-q", "-b", "feature"]);
    // `main` moves on: it fixes one of the legacy reads after the branch point.
    git(p.path(), &["checkout", "-q", "main"]);
    let fixed = LEGACY.replace(
        "std::env::var(\"GITHUB_TOKEN\").unwrap_or_default()",
        "String::new()",
    );
    write(p.path(), &[("src/keys.rs", &fixed)]);
    git(p.path(), &["commit", "-q", "-am", "fix on main"]);
    git(p.path(), &["checkout", "-q", "feature"]);
    // Compared with `main` itself the old read would look added; with the merge base it is
    // not new code of this branch.
    expect_code(&run(p.path(), &["check", "--diff", "main"]), 0);
}

#[test]
fn staged_checks_the_index_not_the_working_tree() {
    let p = repo();
    // Staged: a new secret read. Working tree: fixed again, but not staged.
    let staged = LEGACY.replace(
        "    vec![a, b]",
        "    let _ = std::env::var(\"NPM_TOKEN\");\n    vec![a, b]",
    );
    write(p.path(), &[("src/keys.rs", &staged)]);
    git(p.path(), &["add", "src/keys.rs"]);
    write(p.path(), &[("src/keys.rs", LEGACY)]);
    // An untracked file is not part of the commit: not checked.
    write(p.path(), &[("src/scratch.rs", READ)]);
    let r = run(p.path(), &["check", "--staged", "--format", "json"]);
    expect_code(&r, 1);
    assert_eq!(
        findings(&r),
        [("src/keys.rs".to_owned(), 4, "secret-env-read".to_owned())]
    );
    assert_eq!(json(&r.stdout)["summary"]["files"], 2);
    // Files named explicitly, as pre-commit passes them.
    let r = run(
        p.path(),
        &["check", "--staged", "src/keys.rs", "src/scratch.rs"],
    );
    expect_code(&r, 1);
    // The fix staged: the commit is clean, whatever the working tree holds.
    git(p.path(), &["add", "src/keys.rs"]);
    write(p.path(), &[("src/keys.rs", &staged)]);
    expect_code(&run(p.path(), &["check", "--staged"]), 0);
}

#[test]
fn diff_and_staged_errors_exit_2() {
    let p = repo();
    let r = run(p.path(), &["check", "--diff", "no-such-branch"]);
    expect_code(&r, 2);
    assert!(
        r.stderr
            .contains("`no-such-branch` is not a commit of this repository"),
        "{}",
        r.stderr
    );
    let outside = project(&[("src/main.rs", READ)]);
    let r = run(outside.path(), &["check", "--staged"]);
    expect_code(&r, 2);
    assert!(
        r.stderr.starts_with("error: `git rev-parse"),
        "{}",
        r.stderr
    );
}

#[test]
fn long_explicit_file_lists_are_checked_whole() {
    let files: Vec<(String, String)> = (0..2000)
        .map(|i| {
            let text = if i % 500 == 0 {
                READ
            } else {
                "pub fn f() {}\n"
            };
            (format!("src/m{i:04}.rs"), text.to_owned())
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let p = project(&refs);
    let mut args = vec!["check", "--format", "json"];
    args.extend(files.iter().map(|(p, _)| p.as_str()));
    let started = std::time::Instant::now();
    let r = run(p.path(), &args);
    let elapsed = started.elapsed();
    expect_code(&r, 1);
    let doc = json(&r.stdout);
    assert_eq!(doc["summary"]["files"], 2000);
    assert_eq!(doc["summary"]["findings"], 4);
    // Generous: a quadratic step over the arguments would take far longer.
    assert!(elapsed.as_secs() < 60, "{elapsed:?}");
}

#[test]
fn help_lists_the_adoption_flags() {
    let p = project(&[]);
    let r = run(p.path(), &["check", "--help"]);
    expect_code(&r, 0);
    for flag in [
        "--show-suppressed",
        "--baseline <FILE>",
        "--write-baseline <FILE>",
        "--diff <REV>",
        "--staged",
    ] {
        assert!(r.stdout.contains(flag), "`{flag}` missing:\n{}", r.stdout);
    }
}

// ---- init ----------------------------------------------------------------------------------

const READS: &str = "use std::env;\n\nfn keys() {\n    let _ = env::var(\"OPENAI_API_KEY\");\n    let _ = env::var(\"GITHUB_TOKEN\");\n    let _ = env::var(\"RUST_LOG\");\n}\n";

#[test]
fn init_writes_a_config_that_finds_the_same_secrets() {
    let dir = project(&[
        ("src/main.rs", READS),
        (
            "src/other.rs",
            "fn k() { let _ = std::env::var(\"OPENAI_API_KEY\"); }\n",
        ),
        (
            "target/debug/build.rs",
            "fn k() { let _ = std::env::var(\"BUILD_TOKEN\"); }\n",
        ),
    ]);
    let r = run(dir.path(), &["init"]);
    expect_code(&r, 0);
    assert!(r.stderr.contains("with 2 secrets"), "{}", r.stderr);
    let text = std::fs::read_to_string(dir.path().join("vox-clavis-lint.toml")).unwrap();
    assert!(
        text.contains(
            "[[secret]]\nid = \"OpenaiApiKey\"\nenv = \"OPENAI_API_KEY\"\n# read in src/main.rs:4, src/other.rs:1\n"
        ),
        "{text}"
    );
    assert!(text.contains("env = \"GITHUB_TOKEN\""), "{text}");
    assert!(!text.contains("RUST_LOG"), "{text}");
    // target/ is excluded, by the scan and by the written config.
    assert!(!text.contains("BUILD_TOKEN"), "{text}");
    assert!(
        text.contains("exclude = [\"target/**\", \"vendor/**\"]"),
        "{text}"
    );

    // The next run loads it and reports the reads as inventory secrets.
    let check = run(dir.path(), &["check", "--format", "json"]);
    expect_code(&check, 1);
    let messages: Vec<String> = json(&check.stdout)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages.iter().all(|m| m.starts_with("secret `")),
        "{messages:?}"
    );
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = project(&[("src/main.rs", READS), ("vox-clavis-lint.toml", "# mine\n")]);
    let r = run(dir.path(), &["init"]);
    expect_code(&r, 2);
    assert!(r.stderr.contains("pass `--force`"), "{}", r.stderr);
    let kept = std::fs::read_to_string(dir.path().join("vox-clavis-lint.toml")).unwrap();
    assert_eq!(kept, "# mine\n");

    expect_code(&run(dir.path(), &["init", "--force"]), 0);
    let text = std::fs::read_to_string(dir.path().join("vox-clavis-lint.toml")).unwrap();
    assert!(text.contains("env = \"GITHUB_TOKEN\""), "{text}");
}

#[test]
fn init_refuses_to_shadow_cargo_metadata() {
    let dir = project(&[
        ("src/main.rs", READS),
        (
            "Cargo.toml",
            "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[package.metadata.vox-clavis-lint]\nscan = { tests = false }\n",
        ),
    ]);
    let r = run(dir.path(), &["init"]);
    expect_code(&r, 2);
    assert!(r.stderr.contains("metadata table"), "{}", r.stderr);
    assert!(!dir.path().join("vox-clavis-lint.toml").exists());
}

#[test]
fn init_on_a_tree_without_secrets_writes_a_loadable_template() {
    let dir = project(&[("src/main.rs", "fn main() {}\n")]);
    let r = run(dir.path(), &["init", "."]);
    expect_code(&r, 0);
    expect_code(&run(dir.path(), &["check"]), 0);
    expect_code(&run(dir.path(), &["init", "missing"]), 2);
}
