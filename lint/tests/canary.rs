//! The canary: the real binary, run over the fixtures that hold fake credentials, must not print
//! any of them, in any output format, on stdout or stderr.
//!
//! The canaries are not written here (this file holds no credential-shaped literal): they are
//! collected from the fixtures' text, every known-format credential
//! (`credentials::find`), plus the literal of every `hardcoded-secret` finding (high-entropy
//! values only the rule's context knows about). An output leaks a canary if it contains the
//! whole value, or any 12-character piece of its secret part (the part after the format's
//! public prefix such as `sk-proj-`), so a partly masked or re-wrapped value is caught too.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use vox_clavis_lint::analysis::credentials;

const BIN: &str = env!("CARGO_BIN_EXE_vox-clavis-lint");
const RULE: &str = "hardcoded-secret";
/// Shortest piece of a secret that counts as a leak.
const WINDOW: usize = 12;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the workspace")
        .to_path_buf()
}

/// What is checked: a directory of fixtures, and the options that select its configuration.
struct Target {
    dir: &'static str,
    config: &'static [&'static str],
}

const TARGETS: &[Target] = &[
    Target {
        dir: "fixtures/rules/hardcoded-secret",
        config: &["--no-config"],
    },
    // The demo has its own configuration.
    Target {
        dir: "fixtures/demo",
        config: &[],
    },
    // Values outside the flagged spans, listed by hand in its `CANARIES`.
    Target {
        dir: HOSTILE,
        config: &["--no-config"],
    },
];
const HOSTILE: &str = "fixtures/hostile/redaction";

struct Output {
    what: String,
    text: String,
}

fn run(args: &[&str], color: bool) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(repo_root());
    if color {
        cmd.env("CLICOLOR_FORCE", "1").env_remove("NO_COLOR");
    } else {
        cmd.env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE");
    }
    let out = cmd.output().expect("the binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every output the binary can produce for `target`.
fn outputs(target: &Target) -> Vec<Output> {
    let mut runs: Vec<(Vec<&str>, bool)> = vec![
        (vec!["check"], false),
        (vec!["check", "--color", "always"], true),
        (vec!["check", "--color", "never", "--statistics"], false),
        (vec!["check", "--format", "short", "--statistics"], false),
        (vec!["check", "--format", "json"], false),
        (vec!["check", "--format", "sarif"], false),
        (
            vec!["check", "--format", "github", "--show-suppressed"],
            false,
        ),
        (vec!["check", "--format", "gitlab"], false),
        // Quotes (masked) source lines in its spans and `rendered` text.
        (vec!["check", "--format", "rustc-json"], false),
        (vec!["check", "--quiet", "--format", "human"], false),
    ];
    for (args, _) in &mut runs {
        args.extend_from_slice(target.config);
        args.push(target.dir);
    }
    let mut out = Vec::new();
    for (args, color) in &runs {
        let (code, stdout, stderr) = run(args, *color);
        assert!(
            matches!(code, Some(0 | 1)),
            "`{}` failed ({code:?}):\n{stderr}",
            args.join(" ")
        );
        let what = args.join(" ");
        out.push(Output {
            what: format!("stdout of `{what}`"),
            text: stdout,
        });
        out.push(Output {
            what: format!("stderr of `{what}`"),
            text: stderr,
        });
    }
    // `--output FILE` writes the same report through a different path.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("report.txt");
    let file_arg = file.to_str().expect("UTF-8 temp path").to_owned();
    let mut args = vec!["check", "--color", "always", "-o", &file_arg];
    args.extend_from_slice(target.config);
    args.push(target.dir);
    let (_, stdout, stderr) = run(&args, true);
    out.push(Output {
        what: format!("`{}` (stdout, stderr and file)", args.join(" ")),
        text: format!(
            "{stdout}{stderr}{}",
            std::fs::read_to_string(&file).unwrap_or_default()
        ),
    });
    // `clippy` appends the rustc-json diagnostics to cargo's output: with a cargo that prints
    // nothing, only ours is left.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let cargo = dir.path().join("cargo");
        std::fs::write(&cargo, "#!/bin/sh\nexit 0\n").expect("write the fake cargo");
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755))
            .expect("make the fake cargo executable");
        let mut args = vec!["clippy"];
        args.extend_from_slice(target.config);
        args.push(target.dir);
        let result = Command::new(BIN)
            .args(&args)
            .current_dir(repo_root())
            .env("CARGO", &cargo)
            .output()
            .expect("the binary runs");
        assert!(
            matches!(result.status.code(), Some(0 | 1)),
            "`{}` failed",
            args.join(" ")
        );
        out.push(Output {
            what: format!("`{}` (stdout and stderr)", args.join(" ")),
            text: String::from_utf8_lossy(&result.stdout).into_owned()
                + &String::from_utf8_lossy(&result.stderr),
        });
    }
    // The baseline file, `inventory`, and `init`'s configuration (written into a copy).
    let baseline = dir.path().join("baseline.json");
    let baseline_arg = baseline.to_str().expect("UTF-8 temp path").to_owned();
    let mut args = vec!["check", "--write-baseline", &baseline_arg];
    args.extend_from_slice(target.config);
    args.push(target.dir);
    let (_, stdout, stderr) = run(&args, false);
    out.push(Output {
        what: format!("`{}` (stdout, stderr and baseline)", args.join(" ")),
        text: format!(
            "{stdout}{stderr}{}",
            std::fs::read_to_string(&baseline).unwrap_or_default()
        ),
    });
    let mut args = vec!["inventory"];
    args.extend_from_slice(target.config);
    args.push(target.dir);
    let (_, stdout, stderr) = run(&args, false);
    out.push(Output {
        what: format!("`{}`", args.join(" ")),
        text: stdout + &stderr,
    });
    let copy = dir.path().join("copy");
    copy_tree(&repo_root().join(target.dir), &copy);
    std::fs::remove_file(copy.join("vox-clavis-lint.toml")).ok();
    let copy_arg = copy.to_str().expect("UTF-8 temp path").to_owned();
    let (_, stdout, stderr) = run(&["init", &copy_arg], false);
    out.push(Output {
        what: "`init` (stdout, stderr and the configuration)".to_owned(),
        text: format!(
            "{stdout}{stderr}{}",
            std::fs::read_to_string(copy.join("vox-clavis-lint.toml")).unwrap_or_default()
        ),
    });
    // An error that quotes a configuration holding a key.
    let bad = Path::new(target.dir).join("bad-config.toml");
    if repo_root().join(&bad).is_file() {
        let bad = bad.to_str().expect("UTF-8 path");
        let (code, stdout, stderr) = run(&["check", "--config", bad, target.dir], false);
        assert_eq!(code, Some(2), "the configuration error fails the run");
        out.push(Output {
            what: format!("`check --config {bad}`"),
            text: stdout + &stderr,
        });
    }
    for args in [vec!["explain", RULE], vec!["rules"]] {
        let (_, stdout, stderr) = run(&args, false);
        out.push(Output {
            what: format!("`{}`", args.join(" ")),
            text: stdout + &stderr,
        });
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("read the fixture") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a fixture file");
        }
    }
}

/// A fake credential of the fixtures: its whole text and the pieces that must never show.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Canary {
    /// Where it was found, for messages (never the value).
    origin: String,
    whole: String,
    windows: BTreeSet<String>,
}

impl Canary {
    fn new(origin: String, whole: &str, secret_part: &str) -> Self {
        let mut windows = BTreeSet::new();
        // Pieces of the secret part as they could appear on one output line.
        for piece in secret_part
            .split(|c: char| c.is_whitespace() || matches!(c, '\\' | '"' | '\'' | ',' | '#'))
        {
            let bytes = piece.as_bytes();
            if bytes.len() >= WINDOW && piece.is_ascii() {
                for w in bytes.windows(WINDOW) {
                    windows.insert(String::from_utf8_lossy(w).into_owned());
                }
            }
        }
        Canary {
            origin,
            whole: whole.to_owned(),
            windows,
        }
    }

    /// What of this canary `text` shows, if anything (described without the value).
    fn leak(&self, text: &str, text_windows: &HashSet<&[u8]>) -> Option<String> {
        if text.contains(&self.whole) {
            return Some("the whole value".to_owned());
        }
        let n = self
            .windows
            .iter()
            .filter(|w| text_windows.contains(w.as_bytes()))
            .count();
        (n > 0).then(|| format!("{n} piece(s) of {WINDOW} characters of its secret part"))
    }
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Byte offset of a 1-based line and character column in `text`.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    text[start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| start + i)
}

/// The canaries of `target`: known formats in its files, and its `hardcoded-secret` literals.
fn canaries(target: &Target) -> Vec<Canary> {
    let root = repo_root();
    let mut files = Vec::new();
    rs_files(&root.join(target.dir), &mut files);
    let mut out = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("fixture is UTF-8");
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        for m in credentials::find(&text) {
            let whole = &text[m.range.clone()];
            let secret = &whole[m.kind.public_prefix_len(whole).min(whole.len())..];
            // A PEM key's secret part ends where its `-----END` line begins.
            let secret = secret.split("-----END").next().unwrap_or(secret);
            let line = text[..m.range.start].lines().count().max(1);
            out.push(Canary::new(
                format!("{rel}:{line} ({})", m.kind.describe()),
                whole,
                secret,
            ));
        }
    }
    // Shapes no pattern of this test finds (a key split by `concat!`, a URL's password),
    // each labelled by hand.
    if let Ok(list) = std::fs::read_to_string(root.join(target.dir).join("CANARIES")) {
        for (i, value) in list.lines().enumerate() {
            let origin = format!("{}/CANARIES:{}", target.dir, i + 1);
            out.push(Canary::new(origin, value, value));
        }
    }
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(target.config);
    args.push(target.dir);
    let (_, stdout, _) = run(&args, false);
    let doc: Value = serde_json::from_str(&stdout).expect("JSON report");
    for f in doc["findings"].as_array().expect("findings") {
        if f["rule"] != RULE {
            continue;
        }
        let path = root.join(f["path"].as_str().expect("path"));
        let text = std::fs::read_to_string(&path).expect("read flagged file");
        let n = |k: &str| f[k].as_u64().expect("position") as usize;
        let (start, end) = (
            offset(&text, n("line"), n("column")),
            offset(&text, n("end_line"), n("end_column")),
        );
        let literal = &text[start..end.max(start)];
        let inner = literal
            .trim_start_matches(['r', '#', 'b'])
            .trim_start_matches('"')
            .trim_end_matches('#')
            .trim_end_matches('"');
        // A single token is a secret as a whole; a longer literal is checked whole only (its
        // known-format credentials are canaries of their own already).
        let token = !inner.is_empty()
            && inner.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-')
            });
        let origin = format!(
            "{}:{} (a flagged literal)",
            f["path"].as_str().unwrap_or(""),
            n("line")
        );
        out.push(Canary::new(origin, inner, if token { inner } else { "" }));
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn no_output_format_prints_a_fixture_secret() {
    let mut leaks = Vec::new();
    let mut shown = Vec::new();
    let mut total = 0;
    for target in TARGETS {
        let canaries = canaries(target);
        if target.dir.ends_with(RULE) {
            // Every format of the fixtures, and the high-entropy literals: not vacuous.
            assert!(
                canaries.len() >= 60,
                "only {} canaries in {}",
                canaries.len(),
                target.dir
            );
        }
        total += canaries.len();
        let outputs = outputs(target);
        for output in &outputs {
            let windows: HashSet<&[u8]> = output.text.as_bytes().windows(WINDOW).collect();
            for canary in &canaries {
                if let Some(what) = canary.leak(&output.text, &windows) {
                    leaks.push(format!(
                        "{}: {what} of the canary at {}",
                        output.what, canary.origin
                    ));
                }
            }
        }
        // The findings themselves are reported, with masked snippets. (Failure messages never
        // quote an output: it could hold the very secrets this test looks for.)
        let human = &outputs[0].text;
        let rustc_json = &outputs
            .iter()
            .find(|o| o.what.starts_with("stdout of `check --format rustc-json"))
            .expect("the rustc-json run")
            .text;
        if target.dir.ends_with(RULE) {
            shown.push(human.contains("error[hardcoded-secret]"));
            shown.push(human.contains("\"*****"));
            shown.push(rustc_json.contains("vox-clavis-lint::hardcoded-secret"));
            shown.push(rustc_json.contains("\"*****"));
        }
        if target.dir == HOSTILE {
            // The lines of every shape are shown, masked: the test is not vacuous.
            for masked in [
                "the password is ****",
                "concat!(\"****",
                "Bearer ****",
                "postgres://app:****",
                // Flagged by the rule: the whole literal is masked.
                "let dsn = \"****",
            ] {
                shown.push(human.contains(masked));
            }
            let error = &outputs
                .iter()
                .find(|o| o.what.starts_with("`check --config"))
                .expect("the configuration error run")
                .text;
            shown.push(error.contains("exclude = \"****"));
        }
    }
    assert!(total > 0, "no canaries at all");
    assert!(
        leaks.is_empty(),
        "fixture secrets leak into the output ({} leaks):\n{}",
        leaks.len(),
        leaks.join("\n")
    );
    assert!(
        shown.iter().all(|&s| s),
        "the human or rustc-json output lacks the hardcoded-secret findings or their masked \
         snippets"
    );
}

#[test]
fn canaries_cover_every_known_format() {
    let found: BTreeSet<String> = canaries(&TARGETS[0])
        .iter()
        .filter_map(|c| {
            let kind = c.origin.rsplit_once('(')?.1.trim_end_matches(')');
            (kind != "a flagged literal").then(|| kind.to_owned())
        })
        .collect();
    for kind in [
        "an OpenAI API key",
        "an Anthropic API key",
        "a GitHub token",
        "an AWS access key ID",
        "a Slack token",
        "a Stripe live secret key",
        "a Stripe test-mode secret key",
        "a Google API key",
        "a PEM private key",
        "a JSON Web Token",
    ] {
        assert!(found.contains(kind), "no canary of {kind}: {found:?}");
    }
}
