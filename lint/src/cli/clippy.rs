//! `clippy`: runs `cargo clippy --message-format=json`, passes its standard output through
//! line by line, then appends the findings as cargo `compiler-message`s, so rust-analyzer,
//! which runs a single check command, shows both (see `docs/editors.md`).
//!
//! A finding goes under the cargo package whose directory holds its file, as clippy's own
//! messages name it (their `package_id`, `manifest_path` and `target`), or under a
//! placeholder package when no checked package holds it: rust-analyzer reads a diagnostic
//! without a package as the output of a whole-workspace check and clears every diagnostic
//! it had, clippy's included. The check runs while clippy does.
//!
//! Exit status: cargo's when `cargo clippy` failed (101 for compile errors or `-D warnings`),
//! else as `check` (0, or 1 for a finding at or above `--fail-on`); 2 when the run itself
//! failed (configuration, or cargo could not be started), whatever clippy did.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clap::Parser;
use serde::Deserialize;

use super::args::{CheckArgs, Cli, ClippyArgs, ColorChoice};
use super::{check, exit, print_error, write_stdout};
use crate::render::rustc_json::{self, CargoPackage};

/// Runs `clippy` and returns the exit status.
pub fn run(args: &ClippyArgs) -> u8 {
    // `CARGO` names the cargo that runs us, as for cargo's own subcommands.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let spawned = Command::new(&cargo)
        .arg("clippy")
        .arg("--message-format=json")
        .args(&args.clippy_args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            print_error(format!(
                "cannot run `{} clippy`: {e}",
                Path::new(&cargo).display()
            ));
            return exit::FAILURE;
        }
    };
    let stdout = child.stdout.take().expect("standard output is piped");
    let check_args = check_args(args);
    let (report, packages, clippy) = std::thread::scope(|scope| {
        let checking = scope.spawn(|| check::report(&check_args));
        let packages = pass_through(stdout);
        let clippy = child.wait();
        let report = checking
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (report, packages, clippy)
    });

    let ours = match report {
        Ok(report) => {
            let cwd = std::env::current_dir().unwrap_or_default();
            let placeholder = placeholder(&cwd);
            let text = rustc_json::compiler_messages(&report, |f| {
                packages.of(&cwd.join(&f.path)).unwrap_or(&placeholder)
            });
            match write_stdout(&text) {
                Ok(()) => check::status(&report, args.fail_on),
                Err(e) => {
                    print_error(e);
                    exit::FAILURE
                }
            }
        }
        Err(failure) => {
            failure.print(ColorChoice::Auto);
            exit::FAILURE
        }
    };
    match clippy {
        Err(e) => {
            print_error(format!("cannot wait for `cargo clippy`: {e}"));
            exit::FAILURE
        }
        Ok(status) if status.success() || ours == exit::FAILURE => ours,
        // Killed by a signal, or a status beyond what an exit code holds.
        Ok(status) => status
            .code()
            .and_then(|code| u8::try_from(code).ok())
            .filter(|&code| code != 0)
            .unwrap_or(exit::FAILURE),
    }
}

/// `check`'s options for this run: its defaults (so options `check` gains later keep them),
/// with what `clippy` was given.
fn check_args(args: &ClippyArgs) -> CheckArgs {
    let mut check = Cli::try_parse_from(["vox-clavis-lint"])
        .expect("no arguments always parse")
        .check;
    check.paths.clone_from(&args.paths);
    check.config.clone_from(&args.config);
    check.no_config = args.no_config;
    check.fail_on = args.fail_on;
    check.select.clone_from(&args.select);
    check.extend_select.clone_from(&args.extend_select);
    check.ignore.clone_from(&args.ignore);
    check.threads = args.threads;
    check.exclude.clone_from(&args.exclude);
    check.baseline.clone_from(&args.baseline);
    // Cargo draws its own progress on the same standard error; no bar or warnings of ours
    // between its lines.
    check.quiet = true;
    check
}

/// Copies clippy's standard output to ours, line by line and unchanged, and notes the
/// packages its messages name. Reading goes on after our output closed, so cargo never
/// blocks on a full pipe.
fn pass_through(from: impl Read) -> Packages {
    let mut packages = Packages::default();
    let mut reader = BufReader::new(from);
    let mut out = std::io::stdout().lock();
    let mut open = true;
    let mut line = Vec::new();
    let mut at_line_start = true;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
        at_line_start = line.ends_with(b"\n");
        open = open && out.write_all(&line).and_then(|()| out.flush()).is_ok();
        packages.note(&line);
    }
    // Our messages start on a line of their own.
    if !at_line_start && open {
        let _ = out.write_all(b"\n");
    }
    packages
}

/// The packages clippy's messages named, each with its directory.
#[derive(Debug, Default)]
struct Packages(Vec<(PathBuf, CargoPackage)>);

/// The fields of a cargo message that name its package.
#[derive(Deserialize)]
struct CargoMessage {
    reason: String,
    package_id: Option<String>,
    manifest_path: Option<String>,
    target: Option<serde_json::Value>,
}

impl Packages {
    fn note(&mut self, line: &[u8]) {
        let Ok(message) = serde_json::from_slice::<CargoMessage>(line) else {
            return;
        };
        if !matches!(
            message.reason.as_str(),
            "compiler-artifact" | "compiler-message"
        ) {
            return;
        }
        let (Some(package_id), Some(manifest_path), Some(target)) =
            (message.package_id, message.manifest_path, message.target)
        else {
            return;
        };
        match self.0.iter_mut().find(|(_, p)| p.package_id == package_id) {
            // A build script's target is the least telling one: keep any other.
            Some((_, known)) if is_build_script(&known.target) && !is_build_script(&target) => {
                known.target = target;
            }
            Some(_) => {}
            None => {
                let dir = Path::new(&manifest_path)
                    .parent()
                    .map(canonical)
                    .unwrap_or_default();
                self.0.push((
                    dir,
                    CargoPackage {
                        package_id,
                        manifest_path,
                        target,
                    },
                ));
            }
        }
    }

    /// The package whose directory holds `file` most closely (workspace members nest).
    fn of(&self, file: &Path) -> Option<&CargoPackage> {
        let file = canonical(file);
        self.0
            .iter()
            .filter(|(dir, _)| !dir.as_os_str().is_empty() && file.starts_with(dir))
            .max_by_key(|(dir, _)| dir.components().count())
            .map(|(_, package)| package)
    }
}

fn is_build_script(target: &serde_json::Value) -> bool {
    target["kind"]
        .as_array()
        .is_some_and(|kinds| kinds.iter().any(|k| k == "custom-build"))
}

/// The path with symbolic links resolved, as cargo writes manifest paths; as given when it
/// cannot be resolved.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Where findings in files of no checked package go: one constant package, so each check
/// replaces the previous one's.
fn placeholder(cwd: &Path) -> CargoPackage {
    CargoPackage {
        package_id: "vox-clavis-lint (files outside the checked packages)".to_owned(),
        manifest_path: cwd.join("Cargo.toml").display().to_string(),
        target: serde_json::json!({
            "kind": ["lib"],
            "crate_types": ["lib"],
            "name": "vox-clavis-lint",
            "src_path": cwd.display().to_string(),
            "edition": "2024",
            "doctest": false,
            "test": false,
            "doc": false,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(id: &str, dir: &str, kind: &str) -> String {
        serde_json::json!({
            "reason": "compiler-artifact",
            "package_id": id,
            "manifest_path": format!("{dir}/Cargo.toml"),
            "target": {"kind": [kind], "crate_types": [kind], "name": id, "src_path": dir},
        })
        .to_string()
    }

    #[test]
    fn files_go_to_the_innermost_package() {
        let mut packages = Packages::default();
        packages.note(artifact("root", "/w", "custom-build").as_bytes());
        packages.note(artifact("root", "/w", "lib").as_bytes());
        packages.note(artifact("member", "/w/member", "bin").as_bytes());
        packages.note(b"not json\n");
        packages.note(br#"{"reason":"build-finished","success":true}"#);
        assert_eq!(packages.0.len(), 2);
        let id = |file: &str| packages.of(Path::new(file)).map(|p| p.package_id.as_str());
        assert_eq!(id("/w/src/lib.rs"), Some("root"));
        assert_eq!(id("/w/member/src/main.rs"), Some("member"));
        assert_eq!(id("/elsewhere/a.rs"), None);
        assert_eq!(packages.0[0].1.target["kind"][0], "lib");
    }
}
