//! Running the real binary, for the integration tests that drive it (`cli`, `adoption`,
//! `formats`, `inventory`): one harness, so every suite runs it the same way (no colours,
//! UTF-8 output, the exit status in every assertion message). Also where the synthetic
//! reports of the renderer tests point their findings ([`locate`]).

// Each test crate uses its own subset.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use vox_clavis_lint::finding::Location;
use vox_clavis_lint::input::source::{ByteSpan, SourceFile};

pub const BIN: &str = env!("CARGO_BIN_EXE_vox-clavis-lint");

#[derive(Debug)]
pub struct Run {
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary in `dir` with `args` and extra environment variables.
pub fn run_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

pub fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, &[])
}

#[track_caller]
pub fn expect_code(r: &Run, code: i32) {
    assert_eq!(
        r.code,
        Some(code),
        "exit status\n--- stdout\n{}\n--- stderr\n{}",
        r.stdout,
        r.stderr
    );
}

/// A temporary project whose files are given as `(relative path, text)`.
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), files);
    dir
}

/// Writes `(relative path, text)` files under `dir`, creating directories.
pub fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// The location of the first occurrence of `needle` in `file`.
pub fn locate(file: &SourceFile, needle: &str) -> Location {
    let start = file.text.find(needle).expect("needle in text");
    Location::of(
        file,
        ByteSpan {
            start,
            end: start + needle.len(),
        },
    )
}
