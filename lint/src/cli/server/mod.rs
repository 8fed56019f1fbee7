//! `server`: the language server over stdio. Findings as diagnostics while the user types
//! (the editor's text, not the disk's, checked after a short quiet), their fixes as code
//! actions, the rule's page on hover. The workspace is checked once; an edit re-checks the
//! edited file and the crate-wide facts (see [`crate::engine::Session`]).
//!
//! Nothing here prints a buffer's text or a secret: diagnostics carry the findings' messages,
//! and the log (standard error, `window/logMessage`) names paths and timings only.

mod convert;
mod features;
mod transport;
mod workspace;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, FileChangeType,
    HoverProviderCapability, InitializeParams, MessageType, PublishDiagnosticsParams, SaveOptions,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions,
};
use serde_json::{Value, json};

use super::args::ServerArgs;
use super::exit;
use crate::engine::Progress;
use crate::render::redact;
use convert::{Lines, uri_path};
use workspace::{Client, Document, Workspace, is_config, is_rust};

/// The id of the `window/workDoneProgress/create` request; the scan starts on its answer.
const CREATE_PROGRESS: &str = "vox-clavis-lint/create-progress";
/// The token of the first scan's progress.
const PROGRESS_TOKEN: &str = "vox-clavis-lint/scan";
/// How long to wait for the client to create the progress token before scanning anyway.
const PROGRESS_WAIT: Duration = Duration::from_secs(2);

/// Runs the server until `exit` or the end of its input; exit status 0 after `shutdown`.
pub fn run(args: &ServerArgs) -> u8 {
    let (connection, threads) = transport::stdio();
    let connection = Arc::new(connection);
    let status = serve(&connection, args);
    drop(connection);
    // The writer ends once every sender is gone, having written what was queued; the reader
    // may still wait on its input, which the process exit ends.
    for thread in threads.into_iter().skip(1) {
        let _ = thread.join();
    }
    status
}

/// Standard error: paths and timings only, never a buffer's text.
pub(super) fn log_stderr(message: &str) {
    super::write_stderr(&format!("vox-clavis-lint server: {message}\n"));
}

/// The editor's end, as the workspace sees it.
struct Out(Arc<Connection>);

impl Out {
    fn notify(&self, method: &str, params: impl serde::Serialize) {
        let _ = self
            .0
            .sender
            .send(Notification::new(method.to_owned(), params).into());
    }

    /// Configuration errors and warnings may quote the file, and a key pasted in the wrong
    /// place is masked here, as `check` masks it.
    fn log_message(&self, typ: MessageType, message: String) {
        let message = redact::text(&message);
        self.notify(
            note::LogMessage::METHOD,
            lsp_types::LogMessageParams { typ, message },
        );
    }

    fn progress(&self, value: Value) {
        self.notify(
            note::Progress::METHOD,
            json!({ "token": PROGRESS_TOKEN, "value": value }),
        );
    }
}

impl Client for Out {
    fn publish(&self, params: PublishDiagnosticsParams) {
        self.notify(note::PublishDiagnostics::METHOD, params);
    }
    fn log(&self, message: String) {
        self.log_message(MessageType::LOG, message);
    }
    fn warn(&self, message: String) {
        self.log_message(MessageType::WARNING, message);
    }
    fn error(&self, message: String) {
        let message = redact::text(&message);
        log_stderr(&message);
        self.notify(
            note::ShowMessage::METHOD,
            lsp_types::ShowMessageParams {
                typ: MessageType::ERROR,
                message,
            },
        );
    }
}

/// The first scan's `$/progress` reports, a percentage every few files.
struct ScanProgress {
    out: Arc<Connection>,
    total: AtomicUsize,
    done: AtomicUsize,
}

impl std::fmt::Debug for ScanProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanProgress").finish_non_exhaustive()
    }
}

impl Progress for ScanProgress {
    fn start(&self, files: usize) {
        self.total.store(files, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }
    fn file_done(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.total.load(Ordering::Relaxed).max(1);
        // About twenty reports a scan.
        if done.is_multiple_of((total / 20).max(1)) {
            let percentage = (done * 100 / total).min(100);
            Out(self.out.clone()).progress(json!({
                "kind": "report",
                "message": format!("{done}/{total} files"),
                "percentage": percentage,
            }));
        }
    }
    fn finish(&self) {}
}

/// What the main loop tracks besides the workspace.
struct State {
    workspace: Workspace,
    /// Documents changed and not yet checked, with when they last changed.
    pending: HashMap<PathBuf, Instant>,
    debounce: Duration,
    /// When the first scan is due (set once the client said `initialized`).
    scan_at: Option<Instant>,
    /// The client creates progress tokens: the first scan reports progress.
    work_done_progress: bool,
    watch_dynamically: bool,
    shutdown: bool,
}

fn serve(connection: &Arc<Connection>, args: &ServerArgs) -> u8 {
    let out = Out(connection.clone());
    let (id, params) = match connection.initialize_start() {
        Ok(start) => start,
        Err(_) => {
            log_stderr("the input ended before `initialize`");
            return exit::FINDINGS;
        }
    };
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_else(|_| {
        log_stderr("`initialize` had invalid parameters; using the defaults");
        InitializeParams::default()
    });
    let root = root_of(&params);
    if std::env::set_current_dir(&root).is_err() {
        log_stderr("cannot enter the workspace folder; checking the working directory");
    }
    let root = std::env::current_dir().unwrap_or(root);
    let capabilities = &params.capabilities;
    let mut state = State {
        workspace: Workspace::new(root),
        pending: HashMap::new(),
        debounce: Duration::from_millis(args.debounce_ms),
        scan_at: None,
        work_done_progress: capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        watch_dynamically: capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false),
        shutdown: false,
    };
    let result = json!({
        "capabilities": server_capabilities(),
        "serverInfo": { "name": "vox-clavis-lint", "version": env!("CARGO_PKG_VERSION") },
    });
    let _ = connection.sender.send(Response::new_ok(id, result).into());
    loop {
        let due = state
            .pending
            .values()
            .map(|t| *t + state.debounce)
            .chain(state.scan_at)
            .min();
        // Nothing due: wake up now and then anyway, which costs nothing.
        let wait = due.map_or(Duration::from_secs(3600), |due| {
            due.saturating_duration_since(Instant::now())
        });
        let message = connection.receiver.recv_timeout(wait);
        let message = match message {
            Ok(message) => message,
            Err(e) if e.is_timeout() => {
                guarded(|| run_due(&mut state, &out));
                continue;
            }
            Err(_) => {
                return if state.shutdown {
                    exit::CLEAN
                } else {
                    exit::FINDINGS
                };
            }
        };
        if let Message::Notification(n) = &message
            && n.method == note::Exit::METHOD
        {
            return if state.shutdown {
                exit::CLEAN
            } else {
                exit::FINDINGS
            };
        }
        let id = match &message {
            Message::Request(r) => Some(r.id.clone()),
            _ => None,
        };
        let handled = guarded(|| handle(&mut state, &out, message));
        if handled.is_none()
            && let Some(id) = id
        {
            reply_error(
                &out,
                id,
                ErrorCode::InternalError,
                "internal error".to_owned(),
            );
        }
    }
}

/// Runs `f`; a panic (a bug) is logged, and the server goes on.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    let result = catch_unwind(AssertUnwindSafe(f));
    if result.is_err() {
        log_stderr("internal error while handling a message (a bug; please report it)");
    }
    result.ok()
}

/// The workspace folder: the first of `workspaceFolders`, else `rootUri`, else the working
/// directory.
fn root_of(params: &InitializeParams) -> PathBuf {
    #[allow(deprecated)]
    let root_uri = params.root_uri.as_ref();
    params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(root_uri)
        .and_then(uri_path)
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_default())
}

fn server_capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// The first scan when it is due, and the documents quiet for the debounce delay.
fn run_due(state: &mut State, out: &Out) {
    let now = Instant::now();
    if state.scan_at.is_some_and(|at| at <= now) {
        state.scan_at = None;
        scan(state, out, true);
    }
    let due: Vec<PathBuf> = state
        .pending
        .iter()
        .filter(|(_, t)| **t + state.debounce <= now)
        .map(|(p, _)| p.clone())
        .collect();
    for path in due {
        flush(state, out, &path);
    }
}

/// Checks the document at `path` now if it has a change not yet checked.
fn flush(state: &mut State, out: &Out, path: &PathBuf) {
    if state.pending.remove(path).is_some() {
        let text = state.workspace.docs.get(path).map(|d| d.text.clone());
        state.workspace.update(out, path, text);
    }
}

/// The whole workspace: the first time with `$/progress` when the client takes it.
fn scan(state: &mut State, out: &Out, first: bool) {
    state.pending.clear();
    let progress: Option<Arc<dyn Progress>> = (first && state.work_done_progress).then(|| {
        out.progress(json!({
            "kind": "begin",
            "title": "vox-clavis-lint",
            "message": "checking the workspace",
            "percentage": 0,
        }));
        Arc::new(ScanProgress {
            out: out.0.clone(),
            total: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
        }) as Arc<dyn Progress>
    });
    let reports = progress.is_some();
    state.workspace.scan(out, progress);
    if reports {
        out.progress(json!({ "kind": "end", "message": "checked" }));
    }
}

fn reply(out: &Out, id: RequestId, result: impl serde::Serialize) {
    let _ = out.0.sender.send(Response::new_ok(id, result).into());
}

fn reply_error(out: &Out, id: RequestId, code: ErrorCode, message: String) {
    let _ = out
        .0
        .sender
        .send(Response::new_err(id, code as i32, message).into());
}

fn handle(state: &mut State, out: &Out, message: Message) {
    match message {
        Message::Request(request) => handle_request(state, out, request),
        Message::Response(response) => {
            if response.id == RequestId::from(CREATE_PROGRESS.to_owned()) && state.scan_at.is_some()
            {
                state.scan_at = Some(Instant::now());
            }
        }
        Message::Notification(n) => handle_notification(state, out, n),
    }
}

fn handle_request(state: &mut State, out: &Out, request: Request) {
    let Request { id, method, params } = request;
    if state.shutdown {
        let message = "the server is shutting down".to_owned();
        return reply_error(out, id, ErrorCode::InvalidRequest, message);
    }
    let invalid = |out: &Out, id| {
        reply_error(
            out,
            id,
            ErrorCode::InvalidParams,
            format!("invalid parameters for `{method}`"),
        );
    };
    match method.as_str() {
        req::Shutdown::METHOD => {
            state.shutdown = true;
            reply(out, id, ());
        }
        req::CodeActionRequest::METHOD => {
            // The diagnostics a client echoes back are not read (the findings are the
            // server's): one it trimmed (Neovim 0.7 sends what it kept) must not fail the
            // request.
            let mut params = params;
            if let Some(context) = params.get_mut("context").and_then(Value::as_object_mut) {
                context.insert("diagnostics".to_owned(), json!([]));
            }
            let Ok(params) = serde_json::from_value::<lsp_types::CodeActionParams>(params) else {
                return invalid(out, id);
            };
            if let Some(path) = uri_path(&params.text_document.uri) {
                flush(state, out, &path);
            }
            reply(out, id, features::code_actions(&state.workspace, &params));
        }
        req::HoverRequest::METHOD => {
            let Ok(params) = serde_json::from_value::<lsp_types::HoverParams>(params) else {
                return invalid(out, id);
            };
            if let Some(path) = uri_path(&params.text_document_position_params.text_document.uri) {
                flush(state, out, &path);
            }
            reply(out, id, features::hover(&state.workspace, &params));
        }
        _ => reply_error(
            out,
            id,
            ErrorCode::MethodNotFound,
            format!("unknown method `{method}`"),
        ),
    }
}

fn handle_notification(state: &mut State, out: &Out, n: Notification) {
    let Notification { method, params } = n;
    let bad = || log_stderr(&format!("ignored `{method}` with invalid parameters"));
    match method.as_str() {
        note::Initialized::METHOD => initialized(state, out),
        note::DidOpenTextDocument::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(params)
            else {
                return bad();
            };
            let Some(path) = uri_path(&p.text_document.uri) else {
                return;
            };
            let doc = Document {
                uri: p.text_document.uri,
                text: p.text_document.text,
            };
            let text = doc.text.clone();
            state.workspace.docs.insert(path.clone(), doc);
            state.pending.remove(&path);
            if is_rust(&path) {
                state.workspace.update(out, &path, Some(text));
            }
        }
        note::DidChangeTextDocument::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params)
            else {
                return bad();
            };
            let Some(path) = uri_path(&p.text_document.uri) else {
                return;
            };
            let Some(doc) = state.workspace.docs.get_mut(&path) else {
                return log_stderr("ignored a change to a document that is not open");
            };
            for change in p.content_changes {
                match change.range {
                    None => doc.text = change.text,
                    Some(range) => {
                        let lines = Lines::new(&doc.text);
                        let (start, end) = (lines.offset(range.start), lines.offset(range.end));
                        if start <= end {
                            doc.text.replace_range(start..end, &change.text);
                        }
                    }
                }
            }
            if is_rust(&path) {
                state.pending.insert(path, Instant::now());
            }
        }
        note::DidSaveTextDocument::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(params)
            else {
                return bad();
            };
            let Some(path) = uri_path(&p.text_document.uri) else {
                return;
            };
            if let (Some(doc), Some(text)) = (state.workspace.docs.get_mut(&path), p.text) {
                doc.text = text;
            }
            if is_config(&path) {
                scan(state, out, false);
            } else if is_rust(&path) {
                state.pending.insert(path.clone(), Instant::now());
                flush(state, out, &path);
            }
        }
        note::DidCloseTextDocument::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(params)
            else {
                return bad();
            };
            let Some(path) = uri_path(&p.text_document.uri) else {
                return;
            };
            state.pending.remove(&path);
            if state.workspace.docs.remove(&path).is_some() && is_rust(&path) {
                state.workspace.update(out, &path, None);
            }
        }
        note::DidChangeWatchedFiles::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(params)
            else {
                return bad();
            };
            watched(state, out, p.changes);
        }
        // `$/cancelRequest`, `$/setTrace` and the rest: nothing to do.
        _ => {}
    }
}

/// Files changed on disk: a configuration file means another scan; a source file not open,
/// another check of it (created or deleted: another scan, the walk changed).
fn watched(state: &mut State, out: &Out, changes: Vec<lsp_types::FileEvent>) {
    let paths: Vec<(PathBuf, FileChangeType)> = changes
        .into_iter()
        .filter_map(|c| Some((uri_path(&c.uri)?, c.typ)))
        .collect();
    let rescan = paths
        .iter()
        .any(|(p, typ)| is_config(p) || (is_rust(p) && *typ != FileChangeType::CHANGED));
    if rescan {
        return scan(state, out, false);
    }
    for (path, _) in paths {
        if is_rust(&path) && !state.workspace.docs.contains_key(&path) {
            state.workspace.update(out, &path, None);
        }
    }
}

/// The client is ready: watch the configuration, and scan (after creating the progress
/// token, when the client takes one).
fn initialized(state: &mut State, out: &Out) {
    if state.watch_dynamically {
        let watchers: Vec<Value> = [
            "**/vox-clavis-lint.toml",
            "**/.vox-clavis-lint.toml",
            "**/Cargo.toml",
            "**/*.rs",
        ]
        .iter()
        .map(|glob| json!({ "globPattern": glob }))
        .collect();
        let registration = json!({ "registrations": [{
            "id": "vox-clavis-lint/watch",
            "method": note::DidChangeWatchedFiles::METHOD,
            "registerOptions": { "watchers": watchers },
        }]});
        let request = Request::new(
            RequestId::from("vox-clavis-lint/watch".to_owned()),
            req::RegisterCapability::METHOD.to_owned(),
            registration,
        );
        let _ = out.0.sender.send(request.into());
    }
    if state.work_done_progress {
        let request = Request::new(
            RequestId::from(CREATE_PROGRESS.to_owned()),
            req::WorkDoneProgressCreate::METHOD.to_owned(),
            json!({ "token": PROGRESS_TOKEN }),
        );
        let _ = out.0.sender.send(request.into());
        state.scan_at = Some(Instant::now() + PROGRESS_WAIT);
    } else {
        state.scan_at = Some(Instant::now());
    }
}
