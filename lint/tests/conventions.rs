//! One rule, one file, one name (ARCHITECTURE.md): the rule `secret-env-read` is module
//! `lint/src/rules/secret_env_read.rs`, type `SecretEnvRead`, fixture folder
//! `fixtures/rules/secret-env-read/` and page `docs/rules/secret-env-read.md`, and it is
//! registered in `lint/src/rules/mod.rs`, whose list is alphabetical.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use vox_clavis_lint::docs::REGENERATE;
use vox_clavis_lint::rules;

/// Rules that cannot be triggered on purpose, so they have no fixture folder.
const NO_FIXTURES: &[&str] = &["internal-error"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the workspace")
        .to_path_buf()
}

fn names() -> Vec<&'static str> {
    rules::metas().map(|m| m.name).collect()
}

fn module(name: &str) -> String {
    name.replace('-', "_")
}

fn type_name(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn is_kebab_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
        && !name.contains("--")
}

fn assert_none(problems: Vec<String>, what: &str) {
    assert!(
        problems.is_empty(),
        "{what}:\n{}\nSee \"Adding a rule, in five steps\" in README.md.",
        problems
            .iter()
            .map(|p| format!("  {p}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

#[test]
fn names_are_kebab_case_unique_and_sorted() {
    let names = names();
    let mut problems: Vec<String> = names
        .iter()
        .filter(|n| !is_kebab_case(n))
        .map(|n| format!("`{n}` is not kebab-case (lowercase words joined by `-`)"))
        .collect();
    for pair in names.windows(2) {
        if pair[0] >= pair[1] {
            problems.push(format!(
                "`{}` comes before `{}` in rules::all(): {}",
                pair[0],
                pair[1],
                if pair[0] == pair[1] {
                    "duplicate name"
                } else {
                    "keep the registry alphabetical"
                },
            ));
        }
    }
    assert_none(problems, "rule names");
}

#[test]
fn summaries_are_one_lowercase_line_without_final_period() {
    let problems: Vec<String> = rules::metas()
        .filter(|m| {
            m.summary.is_empty()
                || m.summary.contains('\n')
                || m.summary.ends_with('.')
                || m.summary.starts_with(|c: char| c.is_uppercase())
        })
        .map(|m| format!("{}: summary {:?}", m.name, m.summary))
        .collect();
    assert_none(
        problems,
        "rule summaries must be one line, start lowercase and have no final period",
    );
}

#[test]
fn each_rule_has_its_module_and_type() {
    let dir = root().join("lint/src/rules");
    let mut problems = Vec::new();
    for name in names() {
        let file = format!("lint/src/rules/{}.rs", module(name));
        let ty = type_name(name);
        match fs::read_to_string(dir.join(format!("{}.rs", module(name)))) {
            Err(_) => problems.push(format!("{name}: no module file {file}")),
            Ok(text) if !text.contains(&format!("pub struct {ty}")) => {
                problems.push(format!("{name}: {file} does not declare `pub struct {ty}`"));
            }
            Ok(_) => {}
        }
    }
    let names: BTreeSet<String> = names().into_iter().map(module).collect();
    for entry in fs::read_dir(&dir).expect("read lint/src/rules") {
        let path = entry.expect("read lint/src/rules").path();
        let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs") && stem != "mod" && !names.contains(&stem) {
            problems.push(format!(
                "lint/src/rules/{stem}.rs is not a registered rule (add it to rules/mod.rs, or \
                 move shared code to matchers.rs/facts.rs)"
            ));
        }
    }
    assert_none(problems, "rule modules");
}

#[test]
fn each_rule_is_registered_in_rules_mod() {
    let text = fs::read_to_string(root().join("lint/src/rules/mod.rs")).expect("read rules/mod.rs");
    let compact: String = text.split_whitespace().collect();
    let mut problems = Vec::new();
    for name in names() {
        let (module, ty) = (module(name), type_name(name));
        for line in [format!("mod {module};"), format!("pub use {module}::{ty};")] {
            let found = text
                .lines()
                .any(|l| l.trim() == line || l.trim().strip_prefix("pub ") == Some(line.as_str()));
            if !found {
                problems.push(format!("{name}: rules/mod.rs has no line `{line}`"));
            }
        }
        if !compact.contains(&format!("&{ty},")) && !compact.contains(&format!("&{ty}]")) {
            problems.push(format!(
                "{name}: rules/mod.rs does not list `&{ty}` in all()"
            ));
        }
    }
    assert_none(problems, "rule registry");
}

#[test]
fn each_rule_has_fixtures_and_each_fixture_folder_a_rule() {
    let dir = root().join("fixtures/rules");
    let mut problems = Vec::new();
    for name in names() {
        if !NO_FIXTURES.contains(&name) && !dir.join(name).is_dir() {
            problems.push(format!(
                "{name}: no fixture folder fixtures/rules/{name}/ (write the fixture first: \
                 `//~ {name}` on each line to flag, quiet look-alikes beside them)"
            ));
        }
    }
    if let Ok(entries) = fs::read_dir(&dir) {
        for entry in entries {
            let path = entry.expect("read fixtures/rules").path();
            let folder = path.file_name().unwrap_or_default().to_string_lossy();
            if path.is_dir() && rules::by_name(&folder).is_none() {
                problems.push(format!("fixtures/rules/{folder}/ is named after no rule"));
            }
        }
    }
    assert_none(problems, "rule fixtures");
}

#[test]
fn each_rule_has_a_doc_page() {
    let problems: Vec<String> = names()
        .into_iter()
        .filter(|name| !root().join(format!("docs/rules/{name}.md")).is_file())
        .map(|name| format!("{name}: no docs/rules/{name}.md (generate it: {REGENERATE})"))
        .collect();
    assert_none(problems, "rule pages");
}

#[test]
fn readme_lists_every_rule() {
    let readme = fs::read_to_string(root().join("README.md")).expect("read README.md");
    let problems: Vec<String> = rules::metas()
        .filter_map(|meta| {
            let name = meta.name;
            let link = format!("[`{name}`](docs/rules/{name}.md)");
            let expected = format!("| {} | {} |", meta.default_severity, meta.summary);
            let row = readme
                .lines()
                .find(|l| l.starts_with('|') && l.contains(&link));
            let squeezed = row.map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "));
            match squeezed {
                None => Some(format!("{name}: add a row {link} to the rules table")),
                Some(r) if !r.contains(&expected) => Some(format!(
                    "{name}: the row must say `{}` and `{}` (the rule's metadata)",
                    meta.default_severity, meta.summary
                )),
                Some(_) => None,
            }
        })
        .collect();
    assert_none(problems, "README.md rule table");
}

#[test]
fn type_names_follow_the_rule_names() {
    assert_eq!(type_name("secret-env-read"), "SecretEnvRead");
    assert_eq!(module("secret-env-read"), "secret_env_read");
    assert!(is_kebab_case("secret-env-read"));
    for bad in [
        "Secret-env",
        "secret_env",
        "-secret",
        "secret-",
        "secret--env",
        "",
    ] {
        assert!(!is_kebab_case(bad), "{bad:?}");
    }
}
