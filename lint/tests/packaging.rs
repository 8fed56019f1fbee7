//! The packaging facts that live in more than one file agree: the minimum Rust version (the
//! workspace manifest, every crate, rust-toolchain.toml, README), the release profile, and the
//! names of the release archives (the release workflow builds them, `cargo binstall`'s metadata
//! and the GitHub Action download them, docs/ci.md's workflows use the action).

use std::collections::BTreeSet;
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

/// One build of `.github/workflows/release.yml`'s matrix.
#[derive(Debug)]
struct Build {
    target: String,
    archive: String,
}

fn release_workflow() -> (String, Vec<Build>) {
    let text = read(".github/workflows/release.yml");
    let mut builds: Vec<Build> = Vec::new();
    let mut archive_name = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(target) = line.strip_prefix("- target: ") {
            builds.push(Build {
                target: target.to_owned(),
                archive: String::new(),
            });
        } else if let Some(archive) = line.strip_prefix("archive: ") {
            builds
                .last_mut()
                .expect("`archive:` belongs to a matrix entry")
                .archive = archive.to_owned();
        } else if let Some(name) = line.strip_prefix("ARCHIVE: ") {
            archive_name = Some(name.to_owned());
        }
    }
    assert!(
        text.contains("tags: [\"v*\"]"),
        "the release workflow runs on v* tags"
    );
    assert!(
        text.contains("mkdir \"$ARCHIVE\"") && text.contains("\"$ARCHIVE/\""),
        "the release workflow packages the binary in a folder named as the archive"
    );
    (
        archive_name.expect("the release workflow sets ARCHIVE"),
        builds,
    )
}

fn expand(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in vars {
        out = out.replace(&format!("{{ {name} }}"), value);
    }
    assert!(
        !out.contains('{'),
        "unknown placeholder left in {template}: {out}"
    );
    out
}

#[test]
fn the_release_workflow_builds_every_promised_platform() {
    let (_, builds) = release_workflow();
    let targets: BTreeSet<&str> = builds.iter().map(|b| b.target.as_str()).collect();
    let promised: BTreeSet<&str> = [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ]
    .into();
    assert_eq!(targets, promised);
    for build in &builds {
        let expected = if build.target.contains("windows") {
            "zip"
        } else {
            "tar.gz"
        };
        assert_eq!(build.archive, expected, "{build:?}");
    }
}

#[test]
fn binstall_metadata_names_the_release_workflow_archives() {
    let workspace = manifest("Cargo.toml");
    let lint = manifest("lint/Cargo.toml");
    let name = string(&lint, "package.name");
    let version = string(&workspace, "workspace.package.version");
    let repo = string(&workspace, "workspace.package.repository");
    let bin = string(
        lint.get("bin").and_then(|b| b.get(0)).expect("a [[bin]]"),
        "name",
    );
    let binstall = get(&lint, "package.metadata.binstall");
    let tag = format!("v{version}");
    let (archive_template, builds) = release_workflow();

    for build in &builds {
        let target = build.target.as_str();
        // What the release workflow uploads for this target.
        let archive = archive_template
            .replace("${{ matrix.target }}", target)
            .replace("${{ github.ref_name }}", &tag);
        assert!(!archive.contains("${{"), "unexpanded: {archive}");
        let asset = format!("{archive}.{}", build.archive);
        let exe = if target.contains("windows") {
            ".exe"
        } else {
            ""
        };

        // What `cargo binstall` asks for: the defaults, then the target's overrides.
        let key = |k: &str| {
            binstall
                .get("overrides")
                .and_then(|o| o.get(target))
                .and_then(|o| o.get(k))
                .or_else(|| binstall.get(k))
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("binstall `{k}` for {target}"))
                .to_owned()
        };
        let vars = [
            ("name", name),
            ("version", version),
            ("repo", repo),
            ("target", target),
            ("bin", bin),
            ("binary-ext", exe),
        ];
        let url = expand(&key("pkg-url"), &vars);
        assert_eq!(
            url,
            format!("{repo}/releases/download/{tag}/{asset}"),
            "binstall's pkg-url for {target}"
        );
        let fmt = key("pkg-fmt");
        let expected_fmt = if build.archive == "zip" { "zip" } else { "tgz" };
        assert_eq!(fmt, expected_fmt, "binstall's pkg-fmt for {target}");
        assert_eq!(
            expand(&key("bin-dir"), &vars),
            format!("{archive}/vox-clavis-lint{exe}"),
            "binstall's bin-dir for {target}: the release archive holds <archive>/<bin>"
        );
    }
}

#[test]
fn the_action_downloads_the_release_archives() {
    let action = read("action.yml");
    let (archive_template, builds) = release_workflow();
    assert_eq!(
        archive_template, "vox-clavis-lint-${{ matrix.target }}-${{ github.ref_name }}",
        "action.yml spells the archive name the same way: update both"
    );
    assert!(action.contains("archive=\"vox-clavis-lint-$target-$tag\""));
    let zipped: Vec<&str> = builds
        .iter()
        .filter(|b| b.archive == "zip")
        .map(|b| b.target.as_str())
        .collect();
    assert_eq!(zipped, ["x86_64-pc-windows-msvc"]);
    assert!(action.contains("[ \"$target\" = x86_64-pc-windows-msvc ] && ext=zip exe=.exe"));
    // Each runner the action knows maps to a target the release builds, and every target is
    // reachable from some runner.
    let mapped: BTreeSet<&str> = action
        .lines()
        .filter_map(|l| l.trim().split_once(") target="))
        .map(|(_, rest)| rest.trim_end_matches(" ;;").trim())
        .collect();
    let built: BTreeSet<&str> = builds.iter().map(|b| b.target.as_str()).collect();
    assert_eq!(mapped, built, "action.yml's runner → target mapping");
}

#[test]
fn github_workflows_in_docs_use_the_action_not_a_compile() {
    let ci = read("docs/ci.md");
    let github = section(&ci, "GitHub Actions");
    let default_path = github
        .split("\n### Build from source")
        .next()
        .expect("text before the build-from-source alternative");
    assert!(
        default_path.contains("uses: vox-clavis/vox-clavis-lint@"),
        "docs/ci.md's GitHub workflows use the action"
    );
    assert!(
        !default_path.contains("cargo install"),
        "docs/ci.md's default GitHub path compiles nothing: `cargo install` belongs under \
         \"### Build from source\""
    );
    assert!(
        github.contains("\n### Build from source"),
        "docs/ci.md keeps a build-from-source alternative"
    );
}
