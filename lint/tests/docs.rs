//! The rule pages under `docs/rules/` are generated from the rules' doc comments, and the code
//! examples in those doc comments do what they say: every "Example" is flagged by its rule,
//! every "Use instead" is not.
//!
//! Regenerate the pages with `UPDATE_DOCS=1 cargo test -p vox-clavis-lint --test docs`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use vox_clavis_lint::Settings;
use vox_clavis_lint::engine::check_sources;
use vox_clavis_lint::finding::RuleMeta;
use vox_clavis_lint::rules;
use vox_clavis_lint::rules::docs::{self, REGENERATE};

/// Rules whose doc comment cannot carry a code example: nothing triggers them on purpose.
const NO_CODE_EXAMPLE: &[&str] = &["internal-error"];

/// Rules that report files the other rules could not check. A "Use instead" example that
/// triggers one of them proves nothing (the rule under test never saw the code), so none may.
const CHECK_FAILED: &[&str] = &["unparsable-file", "internal-error"];

const SECTIONS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "Use instead:",
];

fn pages_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the workspace")
        .join("docs/rules")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1")
}

#[test]
fn rule_pages_match_the_doc_comments() {
    let dir = pages_dir();
    let mut stale = Vec::new();
    for meta in rules::metas() {
        let path = dir.join(format!("{}.md", meta.name));
        let expected = docs::rule_page(meta);
        let actual = fs::read_to_string(&path).ok();
        if actual.as_deref() == Some(expected.as_str()) {
            continue;
        }
        if updating() {
            fs::create_dir_all(&dir).expect("create docs/rules");
            fs::write(&path, &expected).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            eprintln!("updated {}", meta.doc_path());
            continue;
        }
        let why = match &actual {
            None => "is missing".to_owned(),
            Some(actual) => first_difference(actual, &expected),
        };
        stale.push(format!("  {} {why}", meta.doc_path()));
    }
    assert!(
        stale.is_empty(),
        "rule pages are out of date with the rules' doc comments:\n{}\n\
         The doc comment is the documentation: edit it in lint/src/rules/, then regenerate \
         the pages with\n  {REGENERATE}",
        stale.join("\n"),
    );
}

/// `docs/readers.md` lists every entry of the built-in catalog of library entry points that
/// read secrets (`lint/src/config/readers.toml`), with the source each was verified against.
#[test]
fn readers_page_matches_the_catalog() {
    generated_page(
        "readers.md",
        &vox_clavis_lint::config::readers::catalog_page(),
        "lint/src/config/readers.toml",
    );
}

/// `docs/credential-formats.md` lists every format of the built-in credential catalog
/// (`lint/src/analysis/credentials/formats.toml`), with its provider's documentation.
#[test]
fn credential_formats_page_matches_the_catalog() {
    generated_page(
        "credential-formats.md",
        &vox_clavis_lint::analysis::credentials::page::catalog_page(),
        "lint/src/analysis/credentials/formats.toml",
    );
}

/// `docs/<name>` is `expected`, generated from the data file `source` (rewritten when
/// updating).
fn generated_page(name: &str, expected: &str, source: &str) {
    let path = pages_dir()
        .parent()
        .expect("docs/rules sits in docs/")
        .join(name);
    let actual = fs::read_to_string(&path).ok();
    if actual.as_deref() == Some(expected) {
        return;
    }
    if updating() {
        fs::write(&path, expected).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        eprintln!("updated docs/{name}");
        return;
    }
    let why = match &actual {
        None => "is missing".to_owned(),
        Some(actual) => first_difference(actual, expected),
    };
    panic!(
        "docs/{name} {why}\nIt is generated from {source}: edit that file, then regenerate the \
         page with\n  {REGENERATE}"
    );
}

#[test]
fn every_rule_page_belongs_to_a_rule() {
    let dir = pages_dir();
    let Ok(entries) = fs::read_dir(&dir) else {
        return; // No pages at all: `rule_pages_match_the_doc_comments` reports each one.
    };
    let mut orphans = Vec::new();
    for entry in entries {
        let path = entry.expect("read docs/rules").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let rule = name.strip_suffix(".md");
        if rule.is_some_and(|r| rules::by_name(r).is_some()) {
            continue;
        }
        if updating() && rule.is_some() {
            fs::remove_file(&path).unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
            eprintln!("removed docs/rules/{name}: no rule has that name");
            continue;
        }
        orphans.push(format!("  docs/rules/{name}"));
    }
    assert!(
        orphans.is_empty(),
        "files in docs/rules/ that belong to no rule (renamed or removed rule?):\n{}\n\
         Delete them, or run\n  {REGENERATE}\nwhich removes pages of rules that no longer exist.",
        orphans.join("\n"),
    );
}

#[test]
fn every_rule_documents_the_four_sections() {
    let mut problems = Vec::new();
    for meta in rules::metas() {
        let docs = meta.docs();
        let mut from = 0;
        for section in SECTIONS {
            let found = docs
                .lines()
                .map(str::trim)
                .enumerate()
                .skip(from)
                .find(|(_, line)| line == section || line.starts_with(&format!("{section} ")));
            match found {
                Some((i, _)) => from = i + 1,
                None => {
                    problems.push(format!("  {}: no `{section}` (in this order)", meta.name));
                    break;
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "each rule's doc comment needs `## What it does`, `## Why is this bad?`, `## Example` \
         and `Use instead:`, in that order (see \"Contributing\" in README.md):\n{}",
        problems.join("\n"),
    );
}

#[test]
fn examples_are_flagged_and_use_instead_is_not() {
    let mut problems = Vec::new();
    for meta in rules::metas() {
        let docs::Examples {
            config,
            flagged,
            clean,
        } = docs::examples(meta);
        let settings = match &config {
            None => Settings::default(),
            Some(text) => {
                match vox_clavis_lint::config::from_toml_str(text, Path::new("example.toml")) {
                    Ok(s) => s,
                    Err(e) => {
                        problems.push(format!("{}: the ```toml block under `## Example` is not a valid configuration: {e}", meta.name));
                        continue;
                    }
                }
            }
        };
        if flagged.is_empty() && !NO_CODE_EXAMPLE.contains(&meta.name) {
            problems.push(format!(
                "{}: the doc comment has no ```rust block under `## Example`; add one that \
                 the rule flags (and one under `Use instead:` that it does not)",
                meta.name,
            ));
        }
        for (i, code) in flagged.iter().enumerate() {
            let found = rules_found(&settings, code);
            if !found.iter().any(|(rule, _)| rule == meta.name) {
                problems.push(describe(meta, "Example", i, code, &found, "is not flagged"));
            }
        }
        for (i, code) in clean.iter().enumerate() {
            let found = rules_found(&settings, code);
            let bad: Vec<_> = found
                .iter()
                .filter(|(rule, _)| rule == meta.name || CHECK_FAILED.contains(&rule.as_str()))
                .cloned()
                .collect();
            if !bad.is_empty() {
                problems.push(describe(meta, "Use instead", i, code, &bad, "is flagged"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "rule doc examples do not do what they say:\n\n{}",
        problems.join("\n\n"),
    );
}

/// `(rule, "line:col: message")` of each finding in `code`, checked as `example.rs`.
fn rules_found(settings: &Settings, code: &str) -> Vec<(String, String)> {
    check_sources(settings, &[("example.rs", code)])
        .findings
        .iter()
        .map(|f| {
            let at = format!(
                "{}:{}: {}",
                f.location.start.line, f.location.start.column, f.message
            );
            (f.rule.to_owned(), at)
        })
        .collect()
}

fn describe(
    meta: &RuleMeta,
    section: &str,
    index: usize,
    code: &str,
    found: &[(String, String)],
    what: &str,
) -> String {
    let mut out = format!(
        "{}: \"{section}\" block #{} {what} by `{}`\n",
        meta.name,
        index + 1,
        meta.name,
    );
    for line in code.lines() {
        let _ = writeln!(out, "    | {line}");
    }
    if found.is_empty() {
        out.push_str("  findings: none");
    } else {
        out.push_str("  findings:");
        for (rule, at) in found {
            let _ = write!(out, "\n    {rule} at {at}");
        }
    }
    out
}

/// Where two texts first differ, for a readable failure.
fn first_difference(actual: &str, expected: &str) -> String {
    let mut a = actual.lines();
    let mut e = expected.lines();
    for n in 1.. {
        match (a.next(), e.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (None, None) => break,
            (x, y) => {
                return format!(
                    "differs at line {n}:\n      page: {}\n      rule: {}",
                    x.unwrap_or("<end of file>"),
                    y.unwrap_or("<end of file>"),
                );
            }
        }
    }
    "differs in line endings or the final newline".to_owned()
}
