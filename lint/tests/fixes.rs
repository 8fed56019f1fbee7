//! Fixes, end to end on the real binary: `fixtures/fixes` is a crate with a finding for every
//! fix, each `x.rs` beside the `x.fixed.rs` that `check --fix --unsafe-fixes` must make of it
//! (clippy's model). The fixed crate must still build, applying the fixes again must change
//! nothing, and `--fix` alone must leave the unsafe fixes alone. `--add-suppressions` must
//! silence every finding of the demo.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{expect_code, run};
use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("lint/ has a parent")
        .to_path_buf()
}

fn fixture() -> PathBuf {
    workspace().join("fixtures/fixes")
}

/// The fixture crate without its `.fixed.rs` files, in a temporary directory.
fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture(), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            if name != "target" {
                copy_tree(&path, &to.join(&name));
            }
        } else if !name.ends_with(".fixed.rs") && name != "Cargo.lock" {
            std::fs::copy(&path, to.join(&name)).expect("copy");
        }
    }
}

/// Every `src/x.rs` of the fixture with what the copy in `dir` must now hold: its
/// `x.fixed.rs` when it has one, itself otherwise.
fn expected() -> Vec<(String, String)> {
    let src = fixture().join("src");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&src)
        .expect("fixture src")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rs") && !n.ends_with(".fixed.rs"))
        .map(|name| {
            let fixed = src.join(name.replace(".rs", ".fixed.rs"));
            let want = std::fs::read_to_string(&fixed)
                .or_else(|_| std::fs::read_to_string(src.join(&name)))
                .expect("fixture file");
            (name, want)
        })
        .collect();
    files.sort();
    files
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join("src").join(name)).expect("fixed file")
}

/// `cargo check` of the crate in `dir` with the runtime as a path dependency, offline, with
/// the workspace's lock file (the versions already fetched) and a target directory of its own
/// (the outer `cargo test` holds the workspace's).
fn cargo_check(dir: &Path) {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("manifest");
    let runtime = workspace().join("runtime");
    let manifest = manifest.replace(
        "path = \"../../runtime\"",
        &format!("path = {:?}", runtime.display().to_string()),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write manifest");
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(["check", "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace().join("target/fixes-fixture"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "the crate does not build:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_fix_gives_its_fixed_file_and_the_crate_still_builds() {
    let dir = copy();
    cargo_check(dir.path());
    let r = run(dir.path(), &["check", "--fix", "--unsafe-fixes", "."]);
    expect_code(&r, 0);
    assert!(
        r.stderr.contains("applied 12 fixes, 0 findings left"),
        "{}",
        r.stderr
    );
    for (name, want) in expected() {
        assert_eq!(
            read(dir.path(), &name),
            want,
            "src/{name} after --fix --unsafe-fixes"
        );
    }
    cargo_check(dir.path());

    let again = run(dir.path(), &["check", "--fix", "--unsafe-fixes", "."]);
    expect_code(&again, 0);
    assert!(
        again.stderr.contains("applied 0 fixes, 0 findings left"),
        "{}",
        again.stderr
    );
    for (name, want) in expected() {
        assert_eq!(
            read(dir.path(), &name),
            want,
            "src/{name} after a second --fix"
        );
    }
}

#[test]
fn fix_alone_applies_only_the_safe_fixes() {
    let dir = copy();
    let r = run(dir.path(), &["check", "--fix", "."]);
    expect_code(&r, 1);
    assert!(
        r.stderr.contains("fixable with `--unsafe-fixes`"),
        "{}",
        r.stderr
    );
    let original = |name: &str| std::fs::read_to_string(fixture().join("src").join(name)).unwrap();
    // The unsafe fixes are not applied; the suppressions went, the `Redact` field is marked.
    assert_eq!(read(dir.path(), "reads.rs"), original("reads.rs"));
    let debug = read(dir.path(), "debug.rs");
    assert!(debug.contains("pub api_key: String,"), "{debug}");
    assert!(
        debug.contains("    #[secret]\n    pub webhook_url: String,"),
        "{debug}"
    );
    assert_eq!(
        read(dir.path(), "suppressions.rs"),
        original("suppressions.fixed.rs")
    );
    // The alias is renamed everywhere, the read included; resolving it is unsafe.
    let alias = read(dir.path(), "alias.rs");
    assert!(!alias.contains("\"OAI_API_KEY\""), "{alias}");
    assert!(
        alias.contains("std::env::var(\"OPENAI_API_KEY\")"),
        "{alias}"
    );
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let dir = copy();
    let r = run(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "--dry-run", "."],
    );
    expect_code(&r, 1);
    for (name, _) in expected() {
        assert_eq!(
            read(dir.path(), &name),
            std::fs::read_to_string(fixture().join("src").join(&name)).unwrap(),
            "--dry-run wrote src/{name}"
        );
    }
    insta::assert_snapshot!("dry_run_diff", r.stdout);
    assert!(
        r.stderr.contains("would apply 12 fixes, 0 findings left"),
        "{}",
        r.stderr
    );
}

#[test]
fn dry_run_needs_fix_or_add_suppressions() {
    let r = run(&fixture(), &["check", "--dry-run", "."]);
    expect_code(&r, 2);
    let u = run(&fixture(), &["check", "--unsafe-fixes", "."]);
    expect_code(&u, 2);
}

#[test]
fn suggestions_reach_rustc_json_and_json() {
    let dir = copy();
    let r = run(dir.path(), &["check", "--output-format", "rustc-json", "."]);
    expect_code(&r, 1);
    let suggestions: Vec<(String, String)> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON line"))
        .flat_map(|d| d["children"].as_array().cloned().unwrap_or_default())
        .flat_map(|c| c["spans"].as_array().cloned().unwrap_or_default())
        .filter_map(|s| {
            Some((
                s["suggested_replacement"].as_str()?.to_owned(),
                s["suggestion_applicability"].as_str()?.to_owned(),
            ))
        })
        .collect();
    assert!(
        suggestions.contains(&(
            "\"OPENAI_API_KEY\"".to_owned(),
            "MachineApplicable".to_owned()
        )),
        "{suggestions:?}"
    );
    assert!(
        suggestions.contains(&(
            "vox_clavis::resolve(SecretId::GithubToken)".to_owned(),
            "MaybeIncorrect".to_owned()
        )),
        "{suggestions:?}"
    );

    let j = run(dir.path(), &["check", "--output-format", "json", "."]);
    let doc: Value = serde_json::from_str(&j.stdout).expect("JSON");
    let fixes: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["fix"])
        .filter(|f| !f.is_null())
        .collect();
    assert!(fixes.iter().any(|f| f["applicability"] == "safe"));
    assert!(fixes.iter().any(|f| f["applicability"] == "unsafe"));
}

#[test]
fn add_suppressions_silences_every_finding_of_the_demo() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&workspace().join("fixtures/demo"), dir.path());
    let before = run(dir.path(), &["check", "--output-format", "json", "."]);
    expect_code(&before, 1);
    let count = |r: &common::Run, key: &str| -> usize {
        let doc: Value = serde_json::from_str(&r.stdout).expect("JSON");
        doc[key].as_array().map_or(0, Vec::len)
    };
    let findings = count(&before, "findings");
    assert!(findings > 10);

    let r = run(
        dir.path(),
        &[
            "check",
            "--add-suppressions",
            "accepted in the adoption review",
            ".",
        ],
    );
    expect_code(&r, 0);
    assert!(r.stderr.contains("added"), "{}", r.stderr);
    let after = run(dir.path(), &["check", "--output-format", "json", "."]);
    expect_code(&after, 0);
    assert_eq!(count(&after, "findings"), 0, "{}", after.stdout);
    assert_eq!(count(&after, "suppressed"), findings);
    let doc: Value = serde_json::from_str(&after.stdout).unwrap();
    for f in doc["suppressed"].as_array().unwrap() {
        assert_eq!(
            f["suppression"]["reason"], "accepted in the adoption review",
            "{f}"
        );
    }
}

#[cfg(unix)]
#[test]
fn fix_writes_through_a_link_and_keeps_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (checked, outside) = (dir.path().join("checked"), dir.path().join("outside"));
    std::fs::create_dir_all(&checked).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let real = outside.join("real.rs");
    std::fs::write(
        &real,
        "// vox-clavis-lint: allow(secret-env-read) -- nothing here reads\nfn f() {}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&real, checked.join("link.rs")).unwrap();
    let r = run(&checked, &["check", "--no-config", "--fix", "."]);
    expect_code(&r, 0);
    assert!(
        std::fs::symlink_metadata(checked.join("link.rs"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "fn f() {}\n");
}

#[test]
fn a_file_that_cannot_be_read_does_not_stop_the_others_being_fixed() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("binary.rs"), b"fn f() {}\n\xff\xfe\n").unwrap();
    std::fs::write(
        dir.path().join("stale.rs"),
        "// vox-clavis-lint: allow(secret-env-read) -- nothing here reads\nfn g() {}\n",
    )
    .unwrap();
    for args in [
        &["check", "--no-config", "--fix", "."][..],
        &["check", "--no-config", "--add-suppressions", "why", "."][..],
    ] {
        let r = run(dir.path(), args);
        // The non-UTF-8 file stays a finding; the run itself does not fail.
        expect_code(&r, 1);
        assert!(r.stdout.contains("unparsable-file"), "{}", r.stdout);
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("stale.rs")).unwrap(),
        "fn g() {}\n"
    );
}
