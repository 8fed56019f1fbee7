//! What the server knows: the open documents, one engine session per configuration (grouped
//! as `check` groups paths), and the findings last published per file. Each change goes to the
//! session that checks the file; the files whose findings changed are published again.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use lsp_types::{Diagnostic, PublishDiagnosticsParams, Uri};

use super::convert::{self, Lines};
use crate::config;
use crate::engine::{CheckOptions, Progress, Session};
use crate::finding::Finding;
use crate::input::walk;
use crate::verdict::report::Report;

/// A document the editor has open.
pub struct Document {
    pub uri: Uri,
    pub text: String,
}

/// What the workspace tells the editor: diagnostics, log lines, a message to show.
pub trait Client {
    fn publish(&self, params: PublishDiagnosticsParams);
    /// A `window/logMessage` at Log level (timings).
    fn log(&self, message: String);
    /// A `window/logMessage` at Warning level.
    fn warn(&self, message: String);
    /// A `window/showMessage` error (the configuration does not load).
    fn error(&self, message: String);
}

/// See the module docs.
#[derive(Default)]
pub struct Workspace {
    /// The workspace folder, also the working directory: report paths are relative to it, as
    /// `check` run there prints them.
    pub root: PathBuf,
    pub docs: HashMap<PathBuf, Document>,
    sessions: Vec<Session>,
    /// Findings by absolute path, as last published.
    findings: BTreeMap<PathBuf, Vec<Finding>>,
    /// Whether the first full scan ran.
    pub scanned: bool,
}

impl Workspace {
    pub fn new(root: PathBuf) -> Self {
        Workspace {
            root,
            ..Workspace::default()
        }
    }

    /// The findings last published for `path`.
    pub fn findings(&self, path: &Path) -> &[Finding] {
        self.findings.get(path).map_or(&[], Vec::as_slice)
    }

    /// The text the findings for `path` were made on: the editor's as last analysed, or the
    /// disk's.
    pub fn text(&self, path: &Path) -> Option<String> {
        self.sessions
            .iter()
            .find_map(|s| s.text(path))
            .or_else(|| self.docs.get(path).map(|d| d.text.clone()))
    }

    /// Loads the configuration and checks every file: the first scan, and again whenever a
    /// configuration file changed.
    pub fn scan(&mut self, client: &dyn Client, progress: Option<Arc<dyn Progress>>) {
        let started = Instant::now();
        self.sessions.clear();
        let groups = match config::per_path::groups(&[PathBuf::from(".")], &[], &self.root) {
            Ok(groups) => groups,
            Err(e) => {
                client.error(format!(
                    "vox-clavis-lint: the configuration does not load: {e}"
                ));
                if let Some(p) = &progress {
                    p.finish();
                }
                self.scanned = true;
                self.publish(client, Report::default());
                return;
            }
        };
        let overlays: HashMap<PathBuf, String> = self
            .docs
            .iter()
            .map(|(path, doc)| (path.clone(), doc.text.clone()))
            .collect();
        for group in groups {
            for warning in &group.settings.warnings {
                client.warn(format!("vox-clavis-lint: {warning}"));
            }
            let options = CheckOptions {
                paths: group.paths,
                skip: group.skip,
                progress: progress.clone(),
                overlay: overlays.clone(),
                ..CheckOptions::default()
            };
            match Session::start(&group.settings, options) {
                Ok(session) => self.sessions.push(session),
                Err(e) => client.error(format!("vox-clavis-lint: {e}")),
            }
        }
        // Open documents no group walks (outside the folder, excluded, new): each on its own.
        let strays: Vec<PathBuf> = self
            .docs
            .keys()
            .filter(|p| !self.sessions.iter().any(|s| s.contains(p)))
            .cloned()
            .collect();
        for path in strays {
            self.add_stray(client, &path);
        }
        self.scanned = true;
        self.publish_all(client);
        let files: usize = self.sessions.iter().map(Session::files).sum();
        client.log(format!(
            "scanned {files} files in {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        ));
    }

    /// The file at `path` now reads `text` (`None`: what the disk holds): checks it again
    /// with its crate, and publishes what changed.
    pub fn update(&mut self, client: &dyn Client, path: &Path, text: Option<String>) {
        if !self.scanned {
            return;
        }
        let started = Instant::now();
        let mut found = false;
        for session in &mut self.sessions {
            found |= session.update(path, text.clone());
        }
        if !found && text.is_some() && is_rust(path) {
            found = self.add_stray(client, path);
        }
        if !found {
            return;
        }
        // The time to the diagnostics sent, publishing included.
        self.publish_all(client);
        client.log(format!(
            "analysed {} in {:.1} ms",
            display(&self.root, path),
            started.elapsed().as_secs_f64() * 1000.0
        ));
    }

    /// A session for one file no configuration group walks. Returns whether it checks it.
    fn add_stray(&mut self, client: &dyn Client, path: &Path) -> bool {
        let settings = match config::load(None, false, path) {
            Ok(settings) => settings,
            Err(e) => {
                client.error(format!(
                    "vox-clavis-lint: the configuration does not load: {e}"
                ));
                return false;
            }
        };
        let overlays: HashMap<PathBuf, String> = self
            .docs
            .get(path)
            .map(|doc| (path.to_path_buf(), doc.text.clone()))
            .into_iter()
            .collect();
        let options = CheckOptions {
            paths: vec![path.to_path_buf()],
            overlay: overlays,
            ..CheckOptions::default()
        };
        match Session::start(&settings, options) {
            Ok(session) if session.contains(path) => {
                self.sessions.push(session);
                true
            }
            Ok(_) => false,
            Err(e) => {
                client.error(format!("vox-clavis-lint: {e}"));
                false
            }
        }
    }

    /// Every session's report, merged as `check` merges its groups'.
    pub fn report(&self) -> Report {
        let mut reports: Vec<Report> = self.sessions.iter().map(Session::report).collect();
        match reports.len() {
            0 => Report::default(),
            1 => reports.remove(0),
            _ => Report::merge(reports),
        }
    }

    fn publish_all(&mut self, client: &dyn Client) {
        let report = self.report();
        self.publish(client, report);
    }

    /// Publishes the files whose findings differ from the last published (cleared ones too).
    fn publish(&mut self, client: &dyn Client, report: Report) {
        let mut now: BTreeMap<PathBuf, Vec<Finding>> = BTreeMap::new();
        for f in report.findings {
            let path = self.root.join(&f.path);
            now.entry(walk::absolute(&path)).or_default().push(f);
        }
        let cleared: Vec<PathBuf> = self
            .findings
            .keys()
            .filter(|p| !now.contains_key(*p))
            .cloned()
            .collect();
        for path in cleared {
            self.send(client, &path, &[]);
        }
        for (path, findings) in &now {
            if self.findings.get(path) != Some(findings) {
                self.send(client, path, findings);
            }
        }
        self.findings = now;
    }

    fn send(&self, client: &dyn Client, path: &Path, findings: &[Finding]) {
        let Some(uri) = self
            .docs
            .get(path)
            .map(|d| d.uri.clone())
            .or_else(|| convert::file_uri(path))
        else {
            return;
        };
        let text = if findings.is_empty() {
            String::new()
        } else {
            self.text(path).unwrap_or_default()
        };
        let lines = Lines::new(&text);
        let diagnostics: Vec<Diagnostic> = findings
            .iter()
            .map(|f| convert::diagnostic(f, &uri, &lines))
            .collect();
        client.publish(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        });
    }
}

/// Whether `path` names a configuration file: one that changes what `check` would report.
pub fn is_config(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n == "Cargo.toml" || config::discover::CONFIG_FILE_NAMES.contains(&n))
}

pub fn is_rust(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rs")
}

/// `path` relative to `root` for log lines (never the text).
fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
