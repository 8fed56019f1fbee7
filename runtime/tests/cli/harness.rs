//! A node for the CLI tests: a temporary directory with an inventory, a vault path, a key file
//! and an audit log, and the real `vox-clavis` binary run in it with a clean environment. Every
//! run is kept, so a test can assert that no value appeared in any output but a reveal.

#![allow(dead_code)]

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// Values that must never be printed except by `vault get --reveal`.
pub const VALUE: &str = "canary-cli-value-do-not-print-0001";
pub const VALUE_2: &str = "canary-cli-value-do-not-print-0002";
pub const VALUE_3: &str = "canary-cli-value-do-not-print-0003";
pub const VALUES: [&str; 3] = [VALUE, VALUE_2, VALUE_3];

pub const INVENTORY: &str = r#"# read by vox-clavis-lint and vox-clavis alike
[[secret]]
id = "OpenAiApiKey"
env = "OPENAI_API_KEY"
deprecated = ["OAI_API_KEY"]

[[secret]]
id = "GithubToken"
env = "GITHUB_TOKEN"

[inventory]
include = ["contract.json"]
"#;

pub const CONTRACT: &str = r#"{"secrets": [
  {"id": "DatabaseUrl", "canonical_env": "VOX_DB_URL", "sensitive": false, "required": true}
]}"#;

/// What one run printed and how it ended.
#[derive(Debug, Clone)]
pub struct Run {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// A `vault get --reveal` run: the one output allowed to hold a value.
    pub reveal: bool,
}

impl Run {
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            expected,
            "`vox-clavis {}` exited {}, expected {expected}\nstdout:\n{}\nstderr:\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn ok(&self) -> &Self {
        self.code(0)
    }

    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "`vox-clavis {}`: stdout lacks {text:?}:\n{}",
            self.args.join(" "),
            self.stdout
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "`vox-clavis {}`: stderr lacks {text:?}:\n{}",
            self.args.join(" "),
            self.stderr
        );
        self
    }
}

/// One machine: its directory and the environment the binary sees.
pub struct Node {
    pub dir: tempfile::TempDir,
    env: RefCell<Vec<(String, String)>>,
    runs: RefCell<Vec<Run>>,
}

impl Node {
    /// A node whose vault key is a key file, with the inventory in ./vox-clavis-lint.toml.
    pub fn new() -> Self {
        let node = Node::bare();
        std::fs::write(node.path("vox-clavis-lint.toml"), INVENTORY).unwrap();
        std::fs::write(node.path("contract.json"), CONTRACT).unwrap();
        node.set("VOX_CLAVIS_VAULT", node.path("vault.json"));
        node.set("VOX_CLAVIS_KEK_FILE", node.path("kek"));
        node
    }

    /// A node with nothing configured but the account and the user.
    pub fn bare() -> Self {
        let node = Node {
            dir: tempfile::tempdir().unwrap(),
            env: RefCell::new(Vec::new()),
            runs: RefCell::new(Vec::new()),
        };
        node.set("VOX_ACCOUNT_ID", "acct-7f3a");
        node.set("USER", "ops-oncall");
        node
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Sets a variable for every later run.
    pub fn set(&self, name: &str, value: impl AsRef<std::ffi::OsStr>) {
        let value = value.as_ref().to_string_lossy().into_owned();
        let mut env = self.env.borrow_mut();
        env.retain(|(n, _)| n != name);
        env.push((name.to_owned(), value));
    }

    pub fn unset(&self, name: &str) {
        self.env.borrow_mut().retain(|(n, _)| n != name);
    }

    /// Runs `vox-clavis args` in the node's directory, with `stdin` piped in.
    pub fn run_with(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vox-clavis"))
            .args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .envs(self.env.borrow().iter().cloned())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A command that fails early never reads its input: a broken pipe here is fine.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        let output = child.wait_with_output().unwrap();
        let run = Run {
            args: args.iter().map(|a| a.to_string()).collect(),
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
            reveal: args.contains(&"get") && args.iter().any(|a| a.starts_with("--reveal")),
        };
        self.runs.borrow_mut().push(run.clone());
        run
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, "")
    }

    /// Runs `vox-clavis args` with a terminal as its standard output (util-linux `script`),
    /// or `None` where there is no `script` to provide one.
    pub fn run_in_terminal(&self, args: &[&str]) -> Option<Run> {
        let script = Path::new("/usr/bin/script");
        if !cfg!(target_os = "linux") || !script.exists() {
            return None;
        }
        let mut line = env!("CARGO_BIN_EXE_vox-clavis").to_owned();
        for arg in args {
            line.push(' ');
            line.push_str(arg);
        }
        let output = Command::new(script)
            .args(["-qec", &line, "/dev/null"])
            .current_dir(self.dir.path())
            .env_clear()
            .envs(self.env.borrow().iter().cloned())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let run = Run {
            args: args.iter().map(|a| a.to_string()).collect(),
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            reveal: args.contains(&"get") && args.iter().any(|a| a.starts_with("--reveal")),
        };
        self.runs.borrow_mut().push(run.clone());
        Some(run)
    }

    /// The audit log's events (beside the vault unless `VOX_CLAVIS_AUDIT_LOG` says otherwise).
    pub fn events(&self) -> Vec<Value> {
        let log = self
            .env
            .borrow()
            .iter()
            .find(|(n, _)| n == "VOX_CLAVIS_AUDIT_LOG")
            .map(|(_, v)| PathBuf::from(v))
            .unwrap_or_else(|| self.path("vault.json.audit.jsonl"));
        std::fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The events of `action`.
    pub fn events_of(&self, action: &str) -> Vec<Value> {
        self.events()
            .into_iter()
            .filter(|e| e["action"] == action)
            .collect()
    }

    /// No value in any output but a reveal's, nor in any file of the node.
    #[track_caller]
    pub fn assert_no_value_leaked(&self) {
        for run in self.runs.borrow().iter() {
            for value in VALUES {
                assert!(
                    !run.stderr.contains(value) && (run.reveal || !run.stdout.contains(value)),
                    "`vox-clavis {}` printed a value:\nstdout:\n{}\nstderr:\n{}",
                    run.args.join(" "),
                    run.stdout,
                    run.stderr
                );
            }
        }
        assert_files_hold_no_value(self.dir.path());
    }

    /// Every run so far.
    pub fn runs(&self) -> Vec<Run> {
        self.runs.borrow().clone()
    }
}

#[track_caller]
fn assert_files_hold_no_value(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            assert_files_hold_no_value(&path);
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for value in VALUES {
            assert!(
                !text.contains(value),
                "`{}` holds a value in plaintext",
                path.display()
            );
        }
    }
}

/// Every file of `dir` with its bytes: to show that a failed command wrote nothing.
pub fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    out
}
