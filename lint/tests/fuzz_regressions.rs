//! Inputs the fuzzer found to crash or hang the linter (fuzz/, bench/fuzz/RESULTS.md), run
//! through the real binary so they stay fixed: each must end in exit status 0 or 1 (never 2
//! for an internal error, never a signal or an abort) without a panic message, and in bounded
//! time.
//!
//! A reproducer is kept under `lint/tests/data/hostile/`, named after what it is, without a
//! `.rs` extension (the repository's own `check .` must not read it). It is checked the way the
//! fuzz target that found it saw it: decoded as UTF-8 (invalid bytes replaced, as `file_bytes`
//! does) and split at NUL bytes into up to three files of one crate (`src/a.rs`, `src/b.rs`,
//! `src/c.rs`). Each runs three times: with `--no-config`; with `--no-config --no-prefilter`,
//! since the fuzz targets walk every file (`engine::check_sources`) while the binary skips a
//! file no rule could fire in, and a reproducer minimised to the bug is often such a file (in
//! real code the same bug sits next to an `env::var`); and with `--no-prefilter` and the
//! demo's configuration, the fuzz targets' settings, whose inventory turns on the flow rules.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Far more than any of these takes when fixed (well under a second each); a hang fails the
/// test instead of stalling the suite.
const TIME_LIMIT: Duration = Duration::from_secs(60);

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile")
}

/// Writes the reproducer `name` into a fresh crate as the fuzz targets split it.
fn crate_of(name: &str) -> tempfile::TempDir {
    let bytes = std::fs::read(hostile_dir().join(name)).expect("the reproducer exists");
    let text = String::from_utf8_lossy(&bytes);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("src")).unwrap();
    for (part, file) in text.splitn(3, '\0').zip(["a.rs", "b.rs", "c.rs"]) {
        std::fs::write(dir.path().join("src").join(file), part).unwrap();
    }
    dir
}

/// Runs `check` on the reproducer `name` the three ways and asserts a clean end.
#[track_caller]
fn survives(name: &str) {
    let dir = crate_of(name);
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/vox-clavis-lint.toml");
    let demo = demo.to_str().expect("UTF-8 path");
    for args in [
        &["check", "--no-config", "."][..],
        &["check", "--no-config", "--no-prefilter", "."][..],
        &["check", "--no-prefilter", "--config", demo, "."][..],
    ] {
        let started = Instant::now();
        let mut child = Command::new(common::BIN)
            .args(args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        while child.try_wait().expect("wait").is_none() {
            if started.elapsed() > TIME_LIMIT {
                child.kill().ok();
                panic!(
                    "{name}: `{}` still running after {TIME_LIMIT:?}",
                    args.join(" ")
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().expect("output");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{name}: `{}` ended with {:?}\n--- stderr\n{stderr}",
            args.join(" "),
            out.status,
        );
        assert!(
            !stderr.contains("panicked"),
            "{name}: `{}` panicked\n--- stderr\n{stderr}",
            args.join(" "),
        );
    }
}

/// Every reproducer has its test below (a file nobody runs protects nothing).
#[test]
fn every_reproducer_has_a_test() {
    let source = include_str!("fuzz_regressions.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(hostile_dir()).expect("lint/tests/data/hostile") {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name != "README.md" && !source.contains(&format!("survives(\"{name}\")")) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "reproducers without a test: {missing:?}"
    );
}

/// A macro whose expansion invokes itself 8 times, walked 8^8 times before the budget of
/// expanded tokens (`lint/src/analysis/facts/macros.rs`).
#[test]
fn macro_fanout() {
    survives("macro_fanout");
}

/// The fuzzer's own input for the same fan-out: clap's `checker!` spliced into itself.
#[test]
fn macro_fanout_fuzzed() {
    survives("macro_fanout_fuzzed");
}

/// `:::` glues three colons: the nesting measure took one link too many off for the third
/// (an overflow in debug builds; in release a wrapped count would report the file as nested
/// too deeply). Found on the first corpus replay after the nesting guard landed.
#[test]
fn colons_glued() {
    survives("colons_glued");
}
