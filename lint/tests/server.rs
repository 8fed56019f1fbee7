//! `vox-clavis-lint server`, driven as an editor drives it: the real binary, JSON-RPC with
//! `Content-Length` framing over its standard input and output. Diagnostics follow the
//! buffer's text (not the disk's) and the crate-wide facts across files, equal `check`'s
//! findings, and the server survives garbage.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(60);

/// A running server and the messages it sent that no one has looked at yet.
struct Lsp {
    child: Child,
    stdin: Option<ChildStdin>,
    from_server: Receiver<Value>,
    inbox: Vec<Value>,
    next_id: i64,
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

impl Lsp {
    fn start(dir: &Path) -> Lsp {
        let mut child = Command::new(common::BIN)
            .args(["server", "--debounce-ms", "50"])
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse().expect("a length");
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("the server sends JSON");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Lsp {
            child,
            stdin,
            from_server: rx,
            inbox: Vec::new(),
            next_id: 1,
        }
    }

    fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("the server reads");
        stdin.flush().expect("flush");
    }

    fn send(&mut self, message: Value) {
        self.write_raw(&frame(&message.to_string()));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next message from the server, answering its requests (progress tokens, watcher
    /// registration) as an editor does.
    fn next(&mut self, deadline: Instant) -> Value {
        let wait = deadline.saturating_duration_since(Instant::now());
        let message = self
            .from_server
            .recv_timeout(wait)
            .unwrap_or_else(|_| panic!("no message from the server; unread: {:#?}", self.inbox));
        if message.get("method").is_some()
            && let Some(id) = message.get("id")
        {
            let answer = json!({ "jsonrpc": "2.0", "id": id, "result": null });
            self.send(answer);
        }
        message
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next(deadline);
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.inbox.push(message);
        }
    }

    /// The first message (already received or to come) that `wanted` accepts, removed.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.inbox.iter().position(&wanted) {
            return self.inbox.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; unread: {:#?}", self.inbox);
            }
            let message = self.next(deadline);
            if wanted(&message) {
                return message;
            }
            self.inbox.push(message);
        }
    }

    /// The next diagnostics published for `uri` that `wanted` accepts.
    fn diagnostics(&mut self, uri: &str, wanted: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let message = self.wait_for(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| wanted(d))
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn initialize(&mut self, root: &Path) -> Value {
        let response = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": {
                    "window": { "workDoneProgress": true },
                    "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
                },
            }),
        );
        self.notify("initialized", json!({}));
        response
    }

    fn open(&mut self, path: &Path) {
        let text = std::fs::read_to_string(path).expect("fixture readable");
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri(path), "languageId": "rust", "version": 1, "text": text,
            }}),
        );
    }

    fn change(&mut self, path: &Path, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri(path), "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    }

    /// `shutdown` then `exit`: the exit status.
    fn stop(mut self) -> Option<i32> {
        let response = self.request("shutdown", Value::Null);
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        self.stdin = None;
        self.wait()
    }

    fn wait(&mut self) -> Option<i32> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A temporary copy of `fixtures/<name>`, canonical (the paths the server reports).
fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().canonicalize().expect("canonical");
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(name);
    copy_dir(&from, &root);
    (tmp, root)
}

fn codes(diagnostics: &[Value]) -> Vec<(u64, String)> {
    diagnostics
        .iter()
        .map(|d| {
            let line = d["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX);
            (line, d["code"].as_str().unwrap_or("").to_owned())
        })
        .collect()
}

#[test]
fn diagnostics_follow_the_buffer_and_the_crate() {
    let (_tmp, root) = fixture("demo");
    let mut lsp = Lsp::start(&root);
    let init = lsp.initialize(&root);
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["hoverProvider"], true, "{init}");
    assert!(caps["codeActionProvider"].is_object(), "{init}");

    let webhook = root.join("src/webhook.rs");
    let text = std::fs::read_to_string(&webhook).expect("fixture");
    lsp.open(&webhook);
    let found = lsp.diagnostics(&uri(&webhook), |d| !d.is_empty());
    assert_eq!(codes(&found), [(14, "secret-env-read".to_owned())]);
    let d = &found[0];
    // The name in `env!("VOX_WEBHOOK_SIGNING_SECRET")` on line 15.
    let read = "env!(\"VOX_WEBHOOK_SIGNING_SECRET\")";
    let name = "\"VOX_WEBHOOK_SIGNING_SECRET\"";
    let line = text.lines().nth(14).expect("line 15");
    let start = line.find(name).expect("the name");
    assert_eq!(
        d["range"]["start"],
        json!({ "line": 14, "character": start })
    );
    assert_eq!(
        d["range"]["end"],
        json!({ "line": 14, "character": start + name.len() })
    );
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "vox-clavis-lint");
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("/docs/rules/secret-env-read.md")),
        "{d}"
    );
    // The first scan reported its progress.
    for kind in ["begin", "end"] {
        lsp.wait_for(&format!("progress {kind}"), |m| {
            m["method"] == "$/progress" && m["params"]["value"]["kind"] == kind
        });
    }

    // Hover on the finding: the rule's page.
    let hover = lsp.request(
        "textDocument/hover",
        json!({
            "textDocument": { "uri": uri(&webhook) },
            "position": { "line": 14, "character": start + 2 },
        }),
    );
    let page = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(page.contains("# secret-env-read"), "{hover}");
    let nothing = lsp.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri(&webhook) }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(nothing["result"], Value::Null, "{nothing}");

    // Code actions: a comment that suppresses the finding, the reason left to write.
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&webhook) },
            "range": d["range"],
            "context": { "diagnostics": [d] },
        }),
    );
    let suppress = actions["result"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["title"] == "suppress `secret-env-read` with a comment")
        .unwrap_or_else(|| panic!("no suppression action: {actions}"));
    let edits = &suppress["edit"]["changes"][uri(&webhook)];
    assert!(
        edits[0]["newText"]
            .as_str()
            .is_some_and(|t| t.contains("// vox-clavis-lint: allow(secret-env-read) -- TODO")),
        "{suppress}"
    );
    assert_eq!(suppress["kind"], "quickfix");
    assert_eq!(suppress["isPreferred"], false, "{suppress}");

    // A finding's own fix: the deprecated alias renamed, a safe fix, preferred.
    let llm = root.join("src/llm.rs");
    lsp.open(&llm);
    let found = lsp.diagnostics(&uri(&llm), |d| !d.is_empty());
    let alias = found
        .iter()
        .find(|d| d["code"] == "deprecated-secret-alias")
        .unwrap_or_else(|| panic!("no alias finding: {found:?}"));
    assert_eq!(alias["range"]["start"]["line"], 47, "{alias}");
    let fixes = lsp.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&llm) },
            "range": alias["range"],
            "context": { "diagnostics": [alias], "only": ["quickfix"] },
        }),
    );
    let rename = fixes["result"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["title"] == "rename to `OPENAI_API_KEY`")
        .unwrap_or_else(|| panic!("no rename: {fixes}"));
    assert_eq!(rename["isPreferred"], true, "{rename}");
    assert_eq!(
        rename["edit"]["changes"][uri(&llm)],
        json!([{ "range": alias["range"], "newText": "\"OPENAI_API_KEY\"" }]),
        "{rename}"
    );
    assert_eq!(rename["diagnostics"][0]["code"], "deprecated-secret-alias");
    let none = lsp.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&llm) },
            "range": alias["range"],
            "context": { "diagnostics": [], "only": ["refactor"] },
        }),
    );
    assert_eq!(none["result"], json!([]), "{none}");
    // A client that trims the diagnostics it echoes back (Neovim 0.7) still gets its actions.
    let trimmed = lsp.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&webhook) },
            "range": d["range"],
            "context": { "diagnostics": [{ "code": "secret-env-read" }] },
        }),
    );
    assert_eq!(trimmed["result"], actions["result"], "{trimmed}");

    // The buffer, not the disk: the read removed in the editor only.
    lsp.change(&webhook, 2, &text.replace(read, "\"\""));
    let cleared = lsp.diagnostics(&uri(&webhook), <[Value]>::is_empty);
    assert!(cleared.is_empty());
    lsp.wait_for("a timing", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["type"] == 4
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.starts_with("analysed src/webhook.rs in "))
    });
    // And back.
    lsp.change(&webhook, 3, &text);
    lsp.diagnostics(&uri(&webhook), |d| {
        codes(d) == [(14, "secret-env-read".to_owned())]
    });

    // A change to a document never opened, and an unknown request: no crash.
    lsp.change(&root.join("src/nowhere.rs"), 1, "fn main() {}");
    let unknown = lsp.request("vox/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");

    assert_eq!(lsp.stop(), Some(0));
}

/// A crate of three files: `names.rs` declares a constant, `read.rs` passes it to a helper
/// of `util.rs` that reads the environment. `read.rs` has no trigger of its own.
fn cross_file_crate(root: &Path, name: &str) {
    std::fs::create_dir_all(root.join("src")).expect("mkdir");
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"cross\"\nversion = \"0.1.0\"\nedition = \"2021\"\n".to_owned(),
        ),
        (
            "src/lib.rs",
            "mod names;\nmod read;\nmod util;\n".to_owned(),
        ),
        (
            "src/names.rs",
            format!("pub const NAME: &str = \"{name}\";\n"),
        ),
        (
            "src/util.rs",
            "pub fn lookup(name: &str) -> Option<String> {\n    std::env::var(name).ok()\n}\n"
                .to_owned(),
        ),
        (
            "src/read.rs",
            "pub fn token() -> Option<String> {\n    crate::util::lookup(crate::names::NAME)\n}\n"
                .to_owned(),
        ),
    ];
    for (path, text) in files {
        std::fs::write(root.join(path), text).expect("write");
    }
}

#[test]
fn an_edit_republishes_the_files_it_changes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().canonicalize().expect("canonical");
    cross_file_crate(&root, "LOG_LEVEL");
    let mut lsp = Lsp::start(&root);
    lsp.initialize(&root);
    let names = root.join("src/names.rs");
    let read = root.join("src/read.rs");
    lsp.open(&names);
    lsp.wait_for("the first scan", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.starts_with("scanned "))
    });
    // The constant now names a secret: the call in the other file reads one.
    lsp.change(&names, 2, "pub const NAME: &str = \"GITHUB_TOKEN\";\n");
    let found = lsp.diagnostics(&uri(&read), |d| !d.is_empty());
    assert_eq!(codes(&found), [(1, "secret-env-read".to_owned())]);
    // And no longer.
    lsp.change(&names, 3, "pub const NAME: &str = \"LOG_LEVEL\";\n");
    lsp.diagnostics(&uri(&read), <[Value]>::is_empty);

    // What `check` says of the same texts, the disk written as the buffer was.
    std::fs::write(&names, "pub const NAME: &str = \"GITHUB_TOKEN\";\n").expect("write");
    lsp.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri(&names) }, "text": "pub const NAME: &str = \"GITHUB_TOKEN\";\n" }),
    );
    lsp.diagnostics(&uri(&read), |d| !d.is_empty());
    assert_eq!(lsp.stop(), Some(0));
    let check = common::run_with(&root, &["check", "--output-format", "json"], &[]);
    assert_eq!(check.code, Some(1), "{check:?}");
    assert!(check.stdout.contains("src/read.rs"), "{}", check.stdout);
}

/// Every diagnostic the first scan publishes, as `(path, line, column, end line, end column,
/// rule, message)`, 1-based like `check`'s JSON (the fixtures are ASCII: UTF-16 columns are
/// character columns).
fn published(lsp: &mut Lsp, root: &Path) -> BTreeSet<(String, u64, u64, u64, u64, String, String)> {
    lsp.wait_for("the first scan", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.starts_with("scanned "))
    });
    // Publications come before the timing line; a few ms more for the writer.
    let mut all = BTreeSet::new();
    let prefix = format!("{}/", uri(root));
    for m in lsp
        .inbox
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
    {
        let path = m["params"]["uri"]
            .as_str()
            .and_then(|u| u.strip_prefix(&prefix))
            .unwrap_or("?")
            .to_owned();
        for d in m["params"]["diagnostics"].as_array().into_iter().flatten() {
            let at = |p: &str, q: &str| d["range"][p][q].as_u64().unwrap_or(0) + 1;
            all.insert((
                path.clone(),
                at("start", "line"),
                at("start", "character"),
                at("end", "line"),
                at("end", "character"),
                d["code"].as_str().unwrap_or("").to_owned(),
                d["message"].as_str().unwrap_or("").to_owned(),
            ));
        }
    }
    all
}

#[test]
fn the_server_reports_what_check_reports() {
    for name in [
        "demo",
        "rules/secret-env-read/crate_wide",
        "rules/secret-in-log",
    ] {
        let (_tmp, root) = fixture(name);
        let check = common::run_with(&root, &["check", "--output-format", "json"], &[]);
        let report: Value = serde_json::from_str(&check.stdout).expect("JSON");
        let expected: BTreeSet<_> = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                let n = |k: &str| f[k].as_u64().unwrap_or(0);
                let s = |k: &str| f[k].as_str().unwrap_or("").to_owned();
                let (line, column) = (n("line"), n("column"));
                (
                    s("path"),
                    line,
                    column,
                    n("end_line"),
                    n("end_column"),
                    s("rule"),
                    s("message"),
                )
            })
            .collect();
        assert!(!expected.is_empty(), "{name}: {check:?}");
        let mut lsp = Lsp::start(&root);
        lsp.initialize(&root);
        let got = published(&mut lsp, &root);
        assert_eq!(got, expected, "{name}");
        assert_eq!(lsp.stop(), Some(0));
    }
}

#[test]
fn garbage_does_not_stop_the_server() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().canonicalize().expect("canonical");
    let mut lsp = Lsp::start(&root);
    // Before `initialize`: a request is refused, not fatal.
    let early = lsp.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    lsp.initialize(&root);
    lsp.write_raw(&frame("{ not json"));
    lsp.write_raw(&frame("[1, 2, 3]"));
    lsp.write_raw(b"Content-Length: nope\r\n\r\n");
    lsp.write_raw(&frame("\u{fffd}\u{0}"));
    let mut invalid_utf8 = b"Content-Length: 2\r\n\r\n".to_vec();
    invalid_utf8.extend([0xff, 0xfe]);
    lsp.write_raw(&invalid_utf8);
    lsp.notify("textDocument/didOpen", json!({ "textDocument": 42 }));
    let bad_params = lsp.request("textDocument/codeAction", json!({ "nope": true }));
    assert_eq!(bad_params["error"]["code"], -32602, "{bad_params}");
    let unknown = lsp.request("workspace/symbol", json!({ "query": "" }));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    // A source file that does not parse, and one with odd characters: diagnostics, no crash.
    let broken = root.join("broken.rs");
    std::fs::write(&broken, "fn main( {\n    let é = \"\u{1f600}\";\n").expect("write");
    lsp.open(&broken);
    let found = lsp.diagnostics(&uri(&broken), |d| !d.is_empty());
    assert_eq!(found[0]["code"], "unparsable-file", "{found:?}");
    assert_eq!(lsp.stop(), Some(0));
}

#[test]
fn exit_without_shutdown_is_a_failure() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().canonicalize().expect("canonical");
    let mut lsp = Lsp::start(&root);
    lsp.initialize(&root);
    lsp.notify("exit", Value::Null);
    assert_eq!(lsp.wait(), Some(1));
    // The input closing without `exit` ends it too.
    let mut lsp = Lsp::start(&root);
    lsp.initialize(&root);
    lsp.stdin = None;
    assert_eq!(lsp.wait(), Some(1));
}

#[test]
fn a_configuration_change_is_read_again() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().canonicalize().expect("canonical");
    std::fs::create_dir_all(root.join("src")).expect("mkdir");
    let manifest = "[package]\nname = \"conf\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
    std::fs::write(root.join("Cargo.toml"), manifest).expect("write");
    let lib = root.join("src/lib.rs");
    let read =
        "pub fn region() -> Option<String> {\n    std::env::var(\"VOX_REGION_NAME\").ok()\n}\n";
    std::fs::write(&lib, read).expect("write");
    let mut lsp = Lsp::start(&root);
    lsp.initialize(&root);
    lsp.open(&lib);
    lsp.wait_for("the first scan", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.starts_with("scanned "))
    });
    assert!(
        !lsp.inbox
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| !d.is_empty())),
        "not a secret yet: {:#?}",
        lsp.inbox
    );
    // The inventory declares it: the watcher's event, then the save of the file, each reload.
    let config = root.join("vox-clavis-lint.toml");
    let inventory = "[[secret]]\nid = \"Region\"\nenv = \"VOX_REGION_NAME\"\n";
    std::fs::write(&config, inventory).expect("write");
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&config), "type": 1 }] }),
    );
    let found = lsp.diagnostics(&uri(&lib), |d| !d.is_empty());
    assert_eq!(codes(&found), [(1, "secret-env-read".to_owned())]);
    std::fs::write(&config, "").expect("write");
    lsp.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri(&config) } }),
    );
    lsp.diagnostics(&uri(&lib), <[Value]>::is_empty);
    // A configuration that does not load: an error message, and the server goes on.
    std::fs::write(&config, "[[secret]\n").expect("write");
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&config), "type": 2 }] }),
    );
    let shown = lsp.wait_for("an error message", |m| m["method"] == "window/showMessage");
    assert_eq!(shown["params"]["type"], 1, "{shown}");
    // A key pasted into the configuration is masked in what the error quotes, as in `check`:
    // the canary test's bad configuration (the key lives in fixtures/, which is not linted).
    let bad =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/hostile/redaction/bad-config.toml");
    let bad = std::fs::read_to_string(bad).expect("the canary configuration");
    let key = bad.split('"').nth(1).expect("a quoted key").to_owned();
    std::fs::write(&config, &bad).expect("write");
    lsp.inbox.clear();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&config), "type": 2 }] }),
    );
    let shown = lsp.wait_for("the second error", |m| m["method"] == "window/showMessage");
    assert!(
        shown["params"]["message"]
            .as_str()
            .is_some_and(|s| s.contains("invalid type: string \"****")),
        "the error quotes the value, masked: {shown}"
    );
    assert!(
        !lsp.inbox.iter().any(|m| m.to_string().contains(&key)),
        "{:#?}",
        lsp.inbox
    );
    assert_eq!(lsp.stop(), Some(0));
}
