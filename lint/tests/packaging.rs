//! The packaging facts that live in more than one file agree: the minimum Rust version (the
//! workspace manifest, every crate, rust-toolchain.toml, README).

use std::fs;
use std::path::{Path, PathBuf};

use toml::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the workspace")
        .to_path_buf()
}

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn manifest(path: &str) -> Value {
    toml::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn get<'a>(value: &'a Value, dotted: &str) -> &'a Value {
    dotted.split('.').fold(value, |v, key| {
        v.get(key)
            .unwrap_or_else(|| panic!("no `{dotted}` (missing `{key}`)"))
    })
}

fn string<'a>(value: &'a Value, dotted: &str) -> &'a str {
    get(value, dotted)
        .as_str()
        .unwrap_or_else(|| panic!("`{dotted}` is not a string"))
}

fn workspace_rust_version() -> String {
    string(&manifest("Cargo.toml"), "workspace.package.rust-version").to_owned()
}

/// `"1.95"` or `"1.95.0"` as (major, minor).
fn major_minor(version: &str) -> (u32, u32) {
    let mut parts = version.split('.').map(|p| {
        p.parse::<u32>()
            .unwrap_or_else(|_| panic!("not a version: {version}"))
    });
    (
        parts.next().expect("a major version"),
        parts.next().expect("a minor version"),
    )
}

/// The text of a `## Heading` section of a Markdown file, up to the next `## ` heading.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("no `## {heading}` section"))
        + 1;
    let end = text[start + 3..]
        .find("\n## ")
        .map_or(text.len(), |i| start + 3 + i);
    &text[start..end]
}

#[test]
fn every_crate_inherits_the_workspace_rust_version() {
    let workspace = manifest("Cargo.toml");
    let members = get(&workspace, "workspace.members")
        .as_array()
        .expect("a members list");
    assert!(!members.is_empty());
    for member in members {
        let member = member.as_str().expect("a member path");
        let path = format!("{member}/Cargo.toml");
        let package = manifest(&path);
        let inherited = get(&package, "package.rust-version")
            .get("workspace")
            .and_then(Value::as_bool);
        assert_eq!(
            inherited,
            Some(true),
            "{path}: `rust-version` must be `rust-version.workspace = true`, not a value of its own"
        );
    }
}

#[test]
fn the_pinned_toolchain_meets_the_rust_version() {
    let required = workspace_rust_version();
    let toolchain = manifest("rust-toolchain.toml");
    let channel = string(&toolchain, "toolchain.channel");
    assert!(
        major_minor(channel) >= major_minor(&required),
        "rust-toolchain.toml pins {channel}, older than the workspace's rust-version {required}"
    );
}

#[test]
fn readme_and_docs_state_the_workspace_rust_version() {
    let required = workspace_rust_version();
    let readme = read("README.md");
    let install = section(&readme, "Install");
    assert!(
        install.contains(&format!("Rust {required} or later")),
        "README's Install section must say \"Rust {required} or later\" \
         (the workspace's rust-version):\n{install}"
    );
    // No other minimum anywhere in the user documentation.
    let mut files = vec![("README.md".to_owned(), readme.clone())];
    for entry in fs::read_dir(root().join("docs")).expect("docs/") {
        let path = entry.expect("a docs/ entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = format!("docs/{}", path.file_name().unwrap().to_string_lossy());
            files.push((name, fs::read_to_string(&path).expect("a docs page")));
        }
    }
    for (name, text) in files {
        for (at, _) in text.match_indices("Rust 1.") {
            let version: String = text[at + 5..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let version = version.trim_end_matches('.');
            if text[at + 5 + version.len()..].starts_with(" or later") {
                assert_eq!(
                    version, required,
                    "{name} says \"Rust {version} or later\"; the workspace's rust-version is {required}"
                );
            }
        }
    }
}

#[test]
fn the_release_profile_strips_debug_info_and_profiling_keeps_it() {
    let workspace = manifest("Cargo.toml");
    let release = get(&workspace, "profile.release");
    assert_eq!(release.get("debug").and_then(Value::as_bool), Some(false));
    let strip = get(release, "strip");
    assert!(
        strip.as_str() == Some("debuginfo")
            || strip.as_str() == Some("symbols")
            || strip.as_bool() == Some(true),
        "the release profile must strip debug info, got strip = {strip}"
    );
    let profiling = get(&workspace, "profile.profiling");
    assert_eq!(string(profiling, "inherits"), "release");
    assert_eq!(string(profiling, "debug"), "line-tables-only");
    assert_eq!(string(profiling, "strip"), "none");
}
