//! The real binary on inventories declared in code: `check` enforcing a
//! `#[derive(SecretInventory)]` enum with no TOML at all, and `inventory` printing the merged
//! inventory (`--format table|markdown|json`) and keeping a documentation block in step
//! (`--check`, `--write`). Exit codes: 0 clean, 1 findings or a stale block, 2 failed.

mod common;

use common::*;

use std::path::{Path, PathBuf};

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the workspace")
        .to_path_buf()
}

const ENUM: &str = r#"use vox_clavis::SecretInventory;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, SecretInventory)]
pub enum SecretId {
    /// Vox database connection string.
    ///
    /// Embeds the password.
    #[secret(env = "VOX_DB_URL", aliases("VOX_DATABASE"), deprecated("VOXDB"))]
    VoxDbUrl,
    #[secret(env = "VOX_MODEL_NAME", sensitive = false, required)]
    ModelName,
    /// Search | index credential.
    #[secret(env = "SEARCH_CRED")]
    SearchCredential,
}
"#;

const TOML: &str = r#"[[secret]]
id = "AnthropicApiKey"
env = "ANTHROPIC_API_KEY"
description = "Anthropic API key"
"#;

const TABLE: &str = "\
| Secret             | Variable            | Aliases        | Deprecated | Sensitive | Description                                             |
|--------------------|---------------------|----------------|------------|-----------|---------------------------------------------------------|
| `AnthropicApiKey`  | `ANTHROPIC_API_KEY` |                |            | yes       | Anthropic API key                                       |
| `ModelName`        | `VOX_MODEL_NAME`    |                |            | no        |                                                         |
| `SearchCredential` | `SEARCH_CRED`       |                |            | yes       | Search \\| index credential.                             |
| `VoxDbUrl`         | `VOX_DB_URL`        | `VOX_DATABASE` | `VOXDB`    | yes       | Vox database connection string.<br>Embeds the password. |
";

fn declared() -> tempfile::TempDir {
    project(&[
        ("src/secrets.rs", ENUM),
        ("vox-clavis-lint.toml", TOML),
        (
            "docs/secrets.md",
            "# Secrets\n\nIntro.\n\n<!-- vox-clavis-lint:inventory -->\nstale\n<!-- /vox-clavis-lint:inventory -->\n\nOutro.\n",
        ),
    ])
}

// ---- check: the enum alone is the inventory ------------------------------------------------

#[test]
fn check_enforces_an_enum_with_no_toml() {
    let p = project(&[
        ("src/secrets.rs", ENUM),
        (
            "src/main.rs",
            "fn main() {\n    let _ = std::env::var(\"VOX_DATABASE\");\n    let _ = std::env::var(\"VOXDB\");\n    let _ = std::env::var(\"VOX_DB_POOL\");\n}\n",
        ),
    ]);
    let r = run(p.path(), &["check", "--format", "json"]);
    expect_code(&r, 1);
    let doc = json(&r.stdout);
    let found: Vec<(String, u64, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("src/main.rs", 2, "secret-env-read"),
        // One finding for the read of a deprecated alias: it says both.
        ("src/main.rs", 3, "deprecated-secret-alias"),
    ]
    .map(|(p, l, r)| (p.to_owned(), l, r.to_owned()));
    assert_eq!(found, expected, "{}", r.stdout);
    let messages = r.stdout;
    assert!(messages.contains("SecretId::VoxDbUrl"), "{messages}");
}

#[test]
fn check_reports_conflicts_between_the_toml_and_the_enum() {
    let p = project(&[
        ("src/secrets.rs", ENUM),
        (
            "vox-clavis-lint.toml",
            "[[secret]]\nid = \"SearchIndex\"\nenv = \"SEARCH_CRED\"\n",
        ),
    ]);
    let r = run(p.path(), &["check", "--format", "short"]);
    expect_code(&r, 1);
    assert!(
        r.stdout.contains(
            "src/secrets.rs:13:20: error[inventory-conflict]: environment variable `SEARCH_CRED` \
             names two secrets: `SearchCredential` here and `SearchIndex` in `vox-clavis-lint.toml`"
        ),
        "{}",
        r.stdout
    );
    // A suppression comment on the enum silences it like any finding.
    let suppressed = ENUM.replace(
        "    #[secret(env = \"SEARCH_CRED\")]",
        "    // vox-clavis-lint: allow(inventory-conflict) -- the TOML entry goes in the next release\n    #[secret(env = \"SEARCH_CRED\")]",
    );
    std::fs::write(p.path().join("src/secrets.rs"), suppressed).unwrap();
    let r = run(p.path(), &["check", "--format", "short"]);
    expect_code(&r, 0);
}

// ---- inventory: the formats ----------------------------------------------------------------

#[test]
fn table_lists_every_source_sorted_by_id() {
    let p = declared();
    let r = run(p.path(), &["inventory"]);
    expect_code(&r, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["ID", "ENV", "ALIASES", "DEPRECATED", "SENSITIVE", "SOURCE"]
    );
    let ids: Vec<&str> = lines[1..lines.len() - 1]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "AnthropicApiKey",
            "ModelName",
            "SearchCredential",
            "VoxDbUrl"
        ]
    );
    assert!(lines[1].ends_with("vox-clavis-lint.toml"), "{}", lines[1]);
    assert!(lines[4].ends_with("src/secrets.rs:4"), "{}", lines[4]);
    assert!(lines[4].contains("VOX_DATABASE"), "{}", lines[4]);
    assert_eq!(lines.last(), Some(&"4 secrets"));
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn markdown_is_the_docs_table() {
    let p = declared();
    let r = run(p.path(), &["inventory", "--format", "markdown"]);
    expect_code(&r, 0);
    assert_eq!(r.stdout, TABLE);
}

#[test]
fn json_is_a_contract_the_config_can_include() {
    let p = declared();
    let r = run(p.path(), &["inventory", "--format", "json"]);
    expect_code(&r, 0);
    let doc = json(&r.stdout);
    assert_eq!(doc["version"], 1);
    let db = &doc["secrets"][3];
    assert_eq!(db["id"], "VoxDbUrl");
    assert_eq!(db["canonical_env"], "VOX_DB_URL");
    assert_eq!(db["aliases"], serde_json::json!(["VOX_DATABASE"]));
    assert_eq!(db["deprecated_aliases"], serde_json::json!(["VOXDB"]));
    assert_eq!(db["sensitive"], true);
    assert_eq!(
        db["description"],
        "Vox database connection string.\n\nEmbeds the password."
    );
    assert_eq!(db["origin"], "src/secrets.rs:4");
    assert_eq!(doc["secrets"][1]["sensitive"], false);

    // Parity: another project that includes the JSON has the same inventory.
    let other = project(&[
        ("contracts/secrets.json", r.stdout.as_str()),
        (
            "vox-clavis-lint.toml",
            "[inventory]\ninclude = [\"contracts/secrets.json\"]\n",
        ),
    ]);
    let again = run(other.path(), &["inventory", "--format", "markdown"]);
    expect_code(&again, 0);
    assert_eq!(again.stdout, TABLE);
}

#[test]
fn config_options_are_those_of_check() {
    let p = declared();
    let r = run(
        p.path(),
        &["inventory", "--no-config", "--format", "markdown"],
    );
    expect_code(&r, 0);
    assert!(!r.stdout.contains("AnthropicApiKey"), "{}", r.stdout);
    assert!(r.stdout.contains("VoxDbUrl"), "{}", r.stdout);

    std::fs::write(
        p.path().join("other.toml"),
        "[[secret]]\nid = \"GithubToken\"\nenv = \"GITHUB_TOKEN\"\n",
    )
    .unwrap();
    let r = run(
        p.path(),
        &["inventory", "--config", "other.toml", "--format", "json"],
    );
    expect_code(&r, 0);
    let ids: Vec<String> = json(&r.stdout)["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids,
        ["GithubToken", "ModelName", "SearchCredential", "VoxDbUrl"]
    );

    let r = run(p.path(), &["inventory", "--exclude", "src/**"]);
    expect_code(&r, 0);
    assert!(r.stdout.ends_with("1 secret\n"), "{}", r.stdout);

    let r = run(p.path(), &["inventory", "missing"]);
    expect_code(&r, 2);
    let r = run(
        p.path(),
        &[
            "inventory",
            "--format",
            "json",
            "--check",
            "docs/secrets.md",
        ],
    );
    expect_code(&r, 2);
}

#[test]
fn conflicts_are_warnings_on_stderr() {
    let p = project(&[
        ("src/secrets.rs", ENUM),
        (
            "vox-clavis-lint.toml",
            "[[secret]]\nid = \"VoxDbUrl\"\nenv = \"VOX_DB_URL\"\n",
        ),
    ]);
    let r = run(p.path(), &["inventory"]);
    expect_code(&r, 0);
    assert_eq!(
        r.stderr,
        "warning: src/secrets.rs:9:5: secret `VoxDbUrl` is declared differently in \
         `vox-clavis-lint.toml`: aliases `VOX_DATABASE` here, none there (inventory-conflict)\n"
    );
    // Both declarations are listed: the table shows what the linter merged.
    assert_eq!(
        r.stdout
            .lines()
            .filter(|l| l.starts_with("VoxDbUrl"))
            .count(),
        2,
        "{}",
        r.stdout
    );
}

// ---- inventory --check and --write ---------------------------------------------------------

#[test]
fn write_updates_the_block_in_place_and_check_passes() {
    let p = declared();
    let r = run(p.path(), &["inventory", "--check", "docs/secrets.md"]);
    expect_code(&r, 1);
    assert!(
        r.stdout
            .starts_with("--- docs/secrets.md\n+++ docs/secrets.md (generated)\n@@ -6,1 +6,8 @@\n-stale\n+\n+| Secret "),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains(
            "error: the inventory block in `docs/secrets.md` is out of date: regenerate it with \
             `vox-clavis-lint inventory --write docs/secrets.md`"
        ),
        "{}",
        r.stderr
    );

    let r = run(p.path(), &["inventory", "--write", "docs/secrets.md"]);
    expect_code(&r, 0);
    assert_eq!(
        r.stderr,
        "updated the inventory block in `docs/secrets.md` (4 secrets)\n"
    );
    assert_eq!(
        read(p.path(), "docs/secrets.md"),
        format!(
            "# Secrets\n\nIntro.\n\n<!-- vox-clavis-lint:inventory -->\n\n{TABLE}\n<!-- /vox-clavis-lint:inventory -->\n\nOutro.\n"
        )
    );
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(p.path().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["secrets.md"]);

    let r = run(p.path(), &["inventory", "--check", "docs/secrets.md"]);
    expect_code(&r, 0);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let r = run(p.path(), &["inventory", "--write", "docs/secrets.md"]);
    expect_code(&r, 0);
    assert!(r.stderr.contains("already up to date"), "{}", r.stderr);
}

#[test]
fn check_fails_when_a_declaration_changes() {
    let p = declared();
    expect_code(
        &run(p.path(), &["inventory", "--write", "docs/secrets.md"]),
        0,
    );
    // Reordering the enum or moving a secret into it changes nothing.
    let moved = format!(
        "{}\n#[derive(Clone, Copy, vox_clavis::SecretInventory)]\npub enum More {{\n    /// Anthropic API key\n    #[secret(env = \"ANTHROPIC_API_KEY\")]\n    AnthropicApiKey,\n}}\n",
        ENUM
    );
    std::fs::write(p.path().join("src/secrets.rs"), moved).unwrap();
    std::fs::write(p.path().join("vox-clavis-lint.toml"), "").unwrap();
    expect_code(
        &run(p.path(), &["inventory", "--check", "docs/secrets.md"]),
        0,
    );
    // A new alias does.
    let changed = ENUM.replace(
        "#[secret(env = \"SEARCH_CRED\")]",
        "#[secret(env = \"SEARCH_CRED\", aliases(\"SEARCH_KEY\"))]",
    );
    std::fs::write(p.path().join("src/secrets.rs"), changed).unwrap();
    let r = run(p.path(), &["inventory", "--check", "docs/secrets.md"]);
    expect_code(&r, 1);
    assert!(r.stdout.contains("-| `AnthropicApiKey`"), "{}", r.stdout);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("+| `SearchCredential`") && l.contains("`SEARCH_KEY`")),
        "{}",
        r.stdout
    );
}

#[test]
fn missing_markers_fail_the_run() {
    let p = declared();
    for (text, why) in [
        (
            "# Secrets\n",
            "no `<!-- vox-clavis-lint:inventory -->` line",
        ),
        (
            "<!-- vox-clavis-lint:inventory -->\n",
            "`<!-- vox-clavis-lint:inventory -->` is never closed",
        ),
        (
            "```markdown\n<!-- vox-clavis-lint:inventory -->\n<!-- /vox-clavis-lint:inventory -->\n```\n",
            "no `<!-- vox-clavis-lint:inventory -->` line",
        ),
    ] {
        std::fs::write(p.path().join("docs/secrets.md"), text).unwrap();
        for mode in ["--check", "--write"] {
            let r = run(p.path(), &["inventory", mode, "docs/secrets.md"]);
            expect_code(&r, 2);
            assert!(r.stderr.contains(why), "{mode} {text:?}: {}", r.stderr);
            assert_eq!(
                read(p.path(), "docs/secrets.md"),
                text,
                "{mode} left it alone"
            );
        }
    }
    let r = run(p.path(), &["inventory", "--check", "docs/none.md"]);
    expect_code(&r, 2);
    assert!(
        r.stderr.contains("cannot read `docs/none.md`"),
        "{}",
        r.stderr
    );
}

#[test]
fn crlf_files_keep_their_line_endings() {
    let p = declared();
    let text =
        "Intro\r\n<!-- vox-clavis-lint:inventory -->\r\n<!-- /vox-clavis-lint:inventory -->\r\n";
    std::fs::write(p.path().join("docs/secrets.md"), text).unwrap();
    expect_code(
        &run(p.path(), &["inventory", "--write", "docs/secrets.md"]),
        0,
    );
    let written = read(p.path(), "docs/secrets.md");
    assert_eq!(
        written.matches('\n').count(),
        written.matches("\r\n").count()
    );
    expect_code(
        &run(p.path(), &["inventory", "--check", "docs/secrets.md"]),
        0,
    );
}

// ---- this repository -------------------------------------------------------------------------

/// The example block of docs/inventory.md is generated from fixtures/inventory/.
#[test]
fn the_inventory_docs_block_is_up_to_date() {
    let r = run(
        &repo_root(),
        &[
            "inventory",
            "--check",
            "docs/inventory.md",
            "fixtures/inventory",
        ],
    );
    assert_eq!(
        r.code,
        Some(0),
        "docs/inventory.md's inventory block is stale; regenerate it with\n  \
         cargo run -p vox-clavis-lint -- inventory --write docs/inventory.md fixtures/inventory\n{}{}",
        r.stdout,
        r.stderr
    );
}
